package lowerbounds

import (
	"fmt"
	"math/big"
	"math/rand/v2"
	"sort"
	"strings"

	"certify/cert"
)

// Families of one-dimensional datasets.
const (
	FamilyAlternating = "alternating" // x_i = i (i = 1..N), y_i = i mod 2 (regression)
	FamilyTelgarsky   = "telgarsky"   // x_i = i/N (i = 0..N−1), class i mod 2 (threshold fit)
	FamilyRandom      = "random"      // N distinct integers in [0, 4N), labels 0/1 at random (seeded)
)

// Families lists the built-in dataset families by name; "file:PATH" names the prefixes
// of a user's 1-D CSV file.
var Families = []string{FamilyAlternating, FamilyTelgarsky, FamilyRandom}

// Dataset builds the family's dataset with n points. Telgarsky's family uses N = n points
// i/n (n need not be a power of two). seed is used by the random family only.
func Dataset(family string, n int, seed uint64) (*cert.Dataset, error) {
	if n < 1 {
		return nil, fmt.Errorf("a dataset needs at least one point")
	}
	var xs []*big.Rat
	var ys []int
	switch family {
	case FamilyAlternating:
		for i := 1; i <= n; i++ {
			xs = append(xs, big.NewRat(int64(i), 1))
			ys = append(ys, i%2)
		}
	case FamilyTelgarsky:
		for i := 0; i < n; i++ {
			xs = append(xs, big.NewRat(int64(i), int64(n)))
			ys = append(ys, i%2)
		}
		inputs := make([][]*big.Rat, n)
		for i := range inputs {
			inputs[i] = []*big.Rat{xs[i]}
		}
		return cert.NewDataset(inputs, ys, nil, 2)
	case FamilyRandom:
		rng := rand.New(rand.NewPCG(seed, uint64(n)))
		perm := rng.Perm(4 * n)[:n]
		sort.Ints(perm)
		for _, p := range perm {
			xs = append(xs, big.NewRat(int64(p), 1))
			ys = append(ys, rng.IntN(2))
		}
	default:
		if path, ok := strings.CutPrefix(family, "file:"); ok {
			return prefixOfFile(path, n)
		}
		return nil, fmt.Errorf("unknown dataset family %q (want one of %v, or file:PATH for the first N points of a 1-D CSV file)", family, Families)
	}
	inputs := make([][]*big.Rat, n)
	targets := make([][]*big.Rat, n)
	for i := range inputs {
		inputs[i] = []*big.Rat{xs[i]}
		targets[i] = []*big.Rat{big.NewRat(int64(ys[i]), 1)}
	}
	return cert.NewDataset(inputs, nil, targets, 0)
}

// fitOf says how a family's data are to be fitted: exactly (regression) or by threshold ½.
func fitOf(d *cert.Dataset) (string, *big.Rat) {
	if d.Task == cert.Classification {
		return "threshold", big.NewRat(1, 2)
	}
	return "exact", nil
}

// prefixOfFile is the user-given family: the first n points of a one-dimensional CSV file
// (x, then the label; regression targets).
func prefixOfFile(path string, n int) (*cert.Dataset, error) {
	d, _, err := cert.LoadSource(cert.Source{Format: "csv", Path: path, Task: cert.Regression, Limit: n}, cert.Limits{})
	if err != nil {
		return nil, err
	}
	if d.D != 1 {
		return nil, fmt.Errorf("%s: points have dimension %d; the capacity search is for 1-D data", path, d.D)
	}
	if d.N < n {
		return nil, fmt.Errorf("%s: has only %d points", path, d.N)
	}
	return d, nil
}
