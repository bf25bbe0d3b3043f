package cert

import (
	"fmt"
	"math/big"
	"slices"
	"strings"
)

// SplitMirror marks a first-layer case refuted by its mirror image:
//
//	{"units": ["+2", "-4"], "split": "mirror"}
//
// Why it covers the case. When the sorted data are symmetric — x_r + x_{n+1−r} = C for every
// rank r, and the labels read backwards are an affine image of the labels,
// y_{n+1−r} = α + β·y_r with β ≠ 0 — then for a network f that fits, g(x) = α + β·f(C − x)
// fits too: g(x_{n+1−r}) = α + β·f(x_r) = α + β·y_r = y_{n+1−r}. g is a network of the same widths: each first-layer unit σ(s·(x − t)) becomes
// σ(−s·(x − (C − t))) (the weights beyond it unchanged, the output layer scaled by β and
// shifted by α), so a unit +p (s = 1, x_p ≤ t < x_{p+1}) becomes −(n−p) (s = −1,
// x_{n−p} < C − t ≤ x_{n−p+1}), and −p becomes +(n−p); a unit zero on the data (+n) stays zero
// on the data, like a unit −0. So g agrees on the data with a network of the mirror case (the
// multiset of the mirrored units), which then fits. The kernel computes that case, and requires that
// it is another case of the same root, refuted there by its own subtree (not itself marked
// "mirror"): no network of the mirror case fits, so none of this case does.

// SplitMirror names a first-layer case refuted by its mirror image.
const SplitMirror = "mirror"

// mirrorData says whether the data are symmetric (see above).
func mirrorData(fd FarkasData) error {
	n := len(fd.X)
	c := new(big.Rat).Add(fd.X[0], fd.X[n-1])
	s := new(big.Rat)
	for r := 0; r < n; r++ {
		if s.Add(fd.X[r], fd.X[n-1-r]).Cmp(c) != 0 {
			return fmt.Errorf("the inputs are not symmetric: x_%d + x_%d ≠ x_1 + x_n", r+1, n-r)
		}
	}
	// y'_r = y_{n+1−r} = α + β·y_r.
	r0, r1 := 0, -1
	for r := 1; r < n; r++ {
		if fd.Y[r].Cmp(fd.Y[0]) != 0 {
			r1 = r
			break
		}
	}
	if r1 < 0 {
		return nil // constant labels: α = 0, β = 1
	}
	yr := func(r int) *big.Rat { return fd.Y[n-1-r] }
	beta := new(big.Rat).Sub(yr(r1), yr(r0))
	beta.Quo(beta, new(big.Rat).Sub(fd.Y[r1], fd.Y[r0]))
	if beta.Sign() == 0 {
		return fmt.Errorf("the labels read backwards are not an affine image of the labels (β = 0)")
	}
	alpha := new(big.Rat).Sub(yr(r0), new(big.Rat).Mul(beta, fd.Y[r0]))
	t := new(big.Rat)
	for r := 0; r < n; r++ {
		t.Mul(beta, fd.Y[r])
		if t.Add(t, alpha).Cmp(yr(r)) != 0 {
			return fmt.Errorf("the labels read backwards are not an affine image of the labels (rank %d)", r+1)
		}
	}
	return nil
}

// mirrorUnits is the mirror case of a first-layer case, sorted as a multiset.
func mirrorUnits(us []farkasUnit, n int) []farkasUnit {
	m := make([]farkasUnit, len(us))
	for i, u := range us {
		m[i] = farkasUnit{-u.s, n - u.p}
	}
	slices.SortFunc(m, func(a, b farkasUnit) int { return unitIndex(a, n) - unitIndex(b, n) })
	return m
}

func unitsLabel(us []farkasUnit) string {
	s := make([]string, len(us))
	for i, u := range us {
		s[i] = u.String()
	}
	return strings.Join(s, " ")
}

// mirrorNode checks a first-layer case marked "mirror" (path its path) against the root.
func (fc *farkasCheck) mirrorNode(root *FarkasNode, path string, us []farkasUnit) *Failure {
	fail := func(code Code, field, want, got, msg string) *Failure {
		return &Failure{Code: code, Path: field, Point: -1, Layer: -1, Unit: -1, Want: want, Got: got, Message: msg}
	}
	if fc.mirrorCases == nil {
		// Once per tree: the symmetry of the data and the root's cases by label (a scan of
		// the root per mirror case was quadratic in the number of cases, with no deadline).
		fc.mirrorErr = mirrorData(fc.fd)
		fc.mirrorCases = make(map[string]int, len(root.Cases))
		for i := range root.Cases {
			k := strings.Join(root.Cases[i].Units, " ")
			if _, ok := fc.mirrorCases[k]; !ok {
				fc.mirrorCases[k] = i
			}
		}
	}
	if err := fc.mirrorErr; err != nil {
		return fail(CodeNoFitNotImplied, path+".split", "symmetric data", "", "a mirror case needs symmetric data: "+err.Error())
	}
	m := mirrorUnits(us, fc.n)
	want := unitsLabel(m)
	if want == unitsLabel(us) {
		return fail(CodeNoFitCaseOutside, path+".split", "another case", want, "the case is its own mirror image: nothing refutes it")
	}
	i, ok := fc.mirrorCases[want]
	if !ok {
		return fail(CodeNoFitCaseMissing, path+".split", want, "none", "the mirror case "+want+" is not among the root's cases")
	}
	if root.Cases[i].Split == SplitMirror {
		return fail(CodeNoFitCaseOutside, path+".split", want+" refuted by its own subtree", "mirror", fmt.Sprintf("the mirror case %s (cases[%d]) is marked mirror too", want, i))
	}
	return nil // checked in its own place
}

// MirrorCase returns the mirror case of a first-layer case when the data are symmetric
// (for producers; the check computes the same).
func MirrorCase(fd FarkasData, units []string) ([]string, bool) {
	if mirrorData(fd) != nil {
		return nil, false
	}
	us := make([]farkasUnit, len(units))
	for i, s := range units {
		u, ok := parseFarkasUnit(s, len(fd.X))
		if !ok {
			return nil, false
		}
		us[i] = u
	}
	return strings.Split(unitsLabel(mirrorUnits(us, len(fd.X))), " "), true
}
