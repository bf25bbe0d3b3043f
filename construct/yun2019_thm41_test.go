package construct

import (
	"math/big"
	"strings"
	"testing"

	"certify/cert"

	"pgregory.net/rapid"
)

// Random data with coordinates in a wide range are in general position with probability
// close to 1 (the theorem's setting): the ResNet builds, the kernel verifies every claim
// (exact one-hot outputs, sizes, the theorem instance) after a round trip through JSON.
func TestYunResNetRandomProperty(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		d := drawWideRangeData(t)
		k := d.Classes
		r, err := YunResNet(d, Options{OutsideHypothesis: true})
		if err != nil {
			t.Fatal(err)
		}
		if rep := checkBytes(t, encode(t, r.Cert)); rep.Status != cert.Verified {
			t.Fatalf("%s: %v", rep.Status, rep.First)
		}
		s := r.Summary
		if want := 2 * k; s.Widths[len(s.Widths)-1] != want {
			t.Fatalf("output block has %d units, want 2d_y = %d", s.Widths[len(s.Widths)-1], want)
		}
	})
}

// Fashion-MNIST is not in general position (pixels that are 0 on thousands of images):
// refused by default, built outside the hypothesis with --outside-hypothesis, verified.
func TestYunResNetFashionSubset(t *testing.T) {
	if testing.Short() {
		t.Skip("-short")
	}
	d := deepFashion(t, 1000)
	if _, err := YunResNet(d, Options{}); err == nil || !strings.Contains(err.Error(), "not in general position") {
		t.Fatalf("got %v, want a general-position refusal", err)
	}
	r, err := YunResNet(d, Options{OutsideHypothesis: true, PatternsBudget: -1})
	if err != nil {
		t.Fatal(err)
	}
	if rep := checkBytes(t, encode(t, r.Cert)); rep.Status != cert.Verified {
		t.Fatalf("%s: %v", rep.Status, rep.First)
	}
	if r.Summary.HypothesisHolds || !r.Summary.ExceedsTheorem {
		t.Fatalf("the claim must say the data are outside the hypothesis: %s", r.Summary.Evaluated)
	}
}

// drawWideRangeData draws up to 40 points in 2–6 dimensions with integer coordinates in
// ±10^6 (in general position with probability close to 1) and labels i mod k; a draw
// with a repeated point is skipped.
func drawWideRangeData(t *rapid.T) *cert.Dataset {
	dx := rapid.IntRange(2, 6).Draw(t, "d_x")
	k := rapid.IntRange(2, dx).Draw(t, "classes")
	n := rapid.IntRange(k, 40).Draw(t, "n")
	var xs [][]*big.Rat
	labels := make([]int, n)
	for i := 0; i < n; i++ {
		row := make([]*big.Rat, dx)
		for c := range row {
			row[c] = big.NewRat(rapid.Int64Range(-1_000_000, 1_000_000).Draw(t, "x"), 1)
		}
		xs = append(xs, row)
		labels[i] = i % k
	}
	d, err := cert.NewDataset(xs, labels, nil, k)
	if err != nil {
		t.Skip("duplicate point drawn")
	}
	return d
}
