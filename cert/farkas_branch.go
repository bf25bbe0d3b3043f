package cert

import (
	"fmt"
	"math/big"
	"strconv"
	"strings"
)

// The adaptive form of a two-hidden-layer tree (widths d1, d2): a first-layer case splits by
// "outputs" instead of "second-layer", and below it the producer chooses one fact at a time.
//
//	{"units": ["+1", "-4"], "split": "outputs", "cases": [
//	   {"outputs": "++", "split": "act", "on": "1 3", "cases": [
//	      {"case": "+", "farkas": […]},
//	      {"case": "-", "split": "t", "on": "2 7/2", "cases": [
//	         {"case": "le", "farkas": […]}, {"case": "ge", "farkas": […]}]}]},
//	   {"outputs": "+0", …}, …]}
//
// Outputs. Each second-layer unit k is rescaled (positive homogeneity) so that its output
// weight a_k is +1, 0 or −1. The units are interchangeable, so a_1 ≥ … ≥ a_d2: the cases are
// the d2-letter strings over '+' (1), '0', '-' (−1) in which no letter precedes a smaller one
// in the order + < 0 < −, listed in lexicographic order of that order ("++", "+0", "+-",
// "00", "0-", "--" for d2 = 2), each once.
//
// Facts. Below an outputs case every split names one undecided fact and has two cases, the
// first labelled as below, that cover it:
//
//	"act", "on": "k r"  second-layer unit k at rank r: "+" z_kr ≥ 0, "-" z_kr ≤ 0
//	"v",   "on": "j λ_1 … λ_d2"  a combination of the weights from first-layer unit j,
//	                   V_jλ = Σ_k λ_k·v_kj with rationals λ_k, not all 0 ("1 1 0" is
//	                   v_11, "1 1 -1/2" is v_11 − v_21/2): "+" V_jλ ≥ 0, "-" V_jλ ≤ 0
//	"t",   "on": "j τ"  first-layer breakpoint t_j: "le" t_j ≤ τ, "ge" t_j ≥ τ
//
// with k, j, r counted from 1, the fact not already decided on the path, and τ a rational
// strictly inside t_j's current interval (the closed gap of the unit's case, narrowed by the
// "t" splits above). Every real number is ≥ τ or ≤ τ, ≥ 0 or ≤ 0: the cases cover the parent.
// At z_kr = 0 both activities give σ(z_kr) = 0 = z_kr, at t_j on a data point both sides of the
// gap give the same h_j: closed cases lose nothing.
//
// The rows of a leaf, derived by the kernel from the facts on its path. Unknowns as for the
// "second-layer" form: c, then per k: b_k, v_k1, Q_k1, …, v_kd1, Q_kd1, and
// z_kr = b_k + Σ_{j active at r} s_j·(v_kj·x_r − Q_kj). In this order:
//   - for each rank r at which every unit with a_k ≠ 0 has a decided activity, the output
//     c + Σ_{k: a_k ≠ 0, active at r} a_k·z_kr = y_r (ranks with an undecided unit have no row:
//     dropping rows is a relaxation);
//   - for each unit k and rank r with a decided activity, z_kr ≥ 0 (active) or −z_kr ≥ 0;
//   - for each combination with a decided sign σ of V_jλ, in the order of the path from the
//     root, with W_jλ = Σ_k λ_k·Q_kj and t_j's interval at the leaf: σ·V_jλ ≥ 0, then if t_j's
//     interval has a lower end lo, σ·(W_jλ − lo·V_jλ) ≥ 0, then if it has an upper end hi,
//     σ·(hi·V_jλ − W_jλ) ≥ 0.
//
// A network of the leaf's case gives a solution with Q_kj = v_kj·t_j, so W_jλ = V_jλ·t_j
// (t_j ∈ [lo, hi] and V_jλ of sign σ give σ·V_jλ·(t_j − lo) ≥ 0 and σ·V_jλ·(hi − t_j) ≥ 0). So
// a Farkas vector of the rows (checked as in farkas.go) shows that no network of the case
// fits. The relaxation forgets that the Q_kj of different k share t_j; the signs of
// combinations (a sum V_jλ = 0 forces W_jλ = 0 on a bounded interval: no "step" from two
// units with shifted breakpoints) and the "t" splits, which narrow the intervals of every k
// at once, close that gap.

// Split names of the adaptive form.
const (
	SplitOutputs = "outputs"
	SplitAct     = "act"
	SplitV       = "v"
	SplitT       = "t"
)

// FarkasFacts are the facts of a case of the adaptive form: the first-layer units, the
// output weights (+1, 0, −1 per second-layer unit), activities Act[k][r-1] (0 undecided, 1
// for "+", −1 for "-"), the signs of weight combinations decided on the path and per
// first-layer unit the interval of its breakpoint (nil: unbounded).
type FarkasFacts struct {
	units  []farkasUnit
	Out    []int
	Act    [][]int8
	V      []FarkasComb
	Lo, Hi []*big.Rat
}

// FarkasComb is a weight combination with a decided sign: Σ_k Lam[k]·v_kJ has sign Sign.
type FarkasComb struct {
	J    int
	Lam  []*big.Rat
	Sign int8
}

// MaxBranchOutputs bounds the second-layer width of the adaptive form.
const MaxBranchOutputs = 64

// NewFarkasFacts returns the facts of an outputs case (out one of '+', '0', '-' per unit)
// under the first-layer case units, nothing else decided.
func NewFarkasFacts(fd FarkasData, units []string, out string) (*FarkasFacts, error) {
	n := len(fd.X)
	f := &FarkasFacts{}
	for _, s := range units {
		u, ok := parseFarkasUnit(s, n)
		if !ok {
			return nil, fmt.Errorf("unit %q is not +p or -p with 0 ≤ p ≤ %d", clip(s), n)
		}
		f.units = append(f.units, u)
		var lo, hi *big.Rat
		if u.p >= 1 {
			lo = fd.X[u.p-1]
		}
		if u.p <= n-1 {
			hi = fd.X[u.p]
		}
		f.Lo, f.Hi = append(f.Lo, lo), append(f.Hi, hi)
	}
	if len(out) > MaxBranchOutputs {
		return nil, fmt.Errorf("more than %d second-layer units", MaxBranchOutputs)
	}
	for i := 0; i < len(out); i++ {
		a, ok := map[byte]int{'+': 1, '0': 0, '-': -1}[out[i]]
		if !ok {
			return nil, fmt.Errorf("output sign %q", out[i])
		}
		f.Out = append(f.Out, a)
		f.Act = append(f.Act, make([]int8, n))
	}
	return f, nil
}

// Active says whether first-layer unit j is active at rank r (1-based).
func (f *FarkasFacts) Active(j, r int) bool {
	return f.units[j].active(r)
}

// BranchRows derives the rows of a case of the adaptive form (see above).
func BranchRows(fd FarkasData, f *FarkasFacts) []FarkasRow {
	n := len(fd.X)
	zc := newZCols(fd, f.units, len(f.Out))
	stride, zero, z := zc.stride, zc.zero, zc.addZ
	var rows []FarkasRow
	for r := 1; r <= n; r++ {
		known := true
		for k, a := range f.Out {
			known = known && (a == 0 || f.Act[k][r-1] != 0)
		}
		if !known {
			continue
		}
		co := zero()
		co[0].SetInt64(1)
		for k, a := range f.Out {
			if a != 0 && f.Act[k][r-1] > 0 {
				z(co, k, r, int64(a))
			}
		}
		rows = append(rows, FarkasRow{Coef: co, RHS: new(big.Rat).Set(fd.Y[r-1])})
	}
	for k := range f.Out {
		for r := 1; r <= n; r++ {
			if s := f.Act[k][r-1]; s != 0 {
				co := zero()
				z(co, k, r, int64(s))
				rows = append(rows, FarkasRow{Coef: co, RHS: new(big.Rat), Ineq: true})
			}
		}
	}
	// comb is m·σ·(Σ_k λ_k·v_kj) + e·σ·(Σ_k λ_k·Q_kj).
	comb := func(cb FarkasComb, m *big.Rat, e int64) []*big.Rat {
		co := zero()
		sg := big.NewRat(int64(cb.Sign), 1)
		for k, l := range cb.Lam {
			if l.Sign() == 0 {
				continue
			}
			ls := new(big.Rat).Mul(l, sg)
			co[1+k*stride+1+2*cb.J].Mul(m, ls)
			co[1+k*stride+2+2*cb.J].Mul(big.NewRat(e, 1), ls)
		}
		return co
	}
	one := big.NewRat(1, 1)
	for _, cb := range f.V {
		rows = append(rows, FarkasRow{Coef: comb(cb, one, 0), RHS: new(big.Rat), Ineq: true})
		if lo := f.Lo[cb.J]; lo != nil { // σ(W − lo·V) ≥ 0
			rows = append(rows, FarkasRow{Coef: comb(cb, new(big.Rat).Neg(lo), 1), RHS: new(big.Rat), Ineq: true})
		}
		if hi := f.Hi[cb.J]; hi != nil { // σ(hi·V − W) ≥ 0
			rows = append(rows, FarkasRow{Coef: comb(cb, hi, -1), RHS: new(big.Rat), Ineq: true})
		}
	}
	return rows
}

// FarkasFact is the fact a split of the adaptive form names: for "act" unit K at rank R
// (0-based), for "v" the combination (J, Lam), for "t" unit J and Tau.
type FarkasFact struct {
	Split string
	K, R  int
	J     int
	Lam   []*big.Rat
	Tau   *big.Rat
}

// ParseFact reads the "on" of a split of the adaptive form against the facts. It refuses a
// fact out of range or (an activity) already decided, a combination of zeros, and a τ not
// strictly inside the interval.
func (f *FarkasFacts) ParseFact(split, on string, maxDigits int) (FarkasFact, error) {
	fa := FarkasFact{Split: split}
	parts := strings.Split(on, " ")
	index := func(s string, of int, what string) (int, error) {
		i, err := strconv.Atoi(s)
		if err != nil || len(s) > 9 || s[0] == '+' || i < 1 || i > of {
			return 0, fmt.Errorf("%q is not a %s index 1..%d", clip(s), what, of)
		}
		return i - 1, nil
	}
	d1, d2, n := len(f.units), len(f.Out), 0
	if d2 > 0 {
		n = len(f.Act[0])
	}
	want := map[string]int{SplitAct: 2, SplitT: 2, SplitV: 1 + d2}[split]
	if want == 0 {
		return fa, fmt.Errorf("split %q", clip(split))
	}
	if len(parts) != want {
		return fa, fmt.Errorf("%q is not %d parts separated by single spaces", clip(on), want)
	}
	var err error
	switch split {
	case SplitAct:
		if fa.K, err = index(parts[0], d2, "second-layer unit"); err != nil {
			return fa, err
		}
		if fa.R, err = index(parts[1], n, "rank"); err != nil {
			return fa, err
		}
		if f.Act[fa.K][fa.R] != 0 {
			return fa, fmt.Errorf("the activity of unit %d at rank %d is already decided on this path", fa.K+1, fa.R+1)
		}
	case SplitV:
		if fa.J, err = index(parts[0], d1, "first-layer unit"); err != nil {
			return fa, err
		}
		nz := false
		for _, p := range parts[1:] {
			l, err := ParseRat(p, maxDigits)
			if err != nil {
				return fa, fmt.Errorf("λ: %v", err)
			}
			nz = nz || l.Sign() != 0
			fa.Lam = append(fa.Lam, l)
		}
		if !nz {
			return fa, fmt.Errorf("the combination λ is all zeros")
		}
	case SplitT:
		if fa.J, err = index(parts[0], d1, "first-layer unit"); err != nil {
			return fa, err
		}
		if fa.Tau, err = ParseRat(parts[1], maxDigits); err != nil {
			return fa, fmt.Errorf("τ: %v", err)
		}
		j := fa.J
		if (f.Lo[j] != nil && fa.Tau.Cmp(f.Lo[j]) <= 0) || (f.Hi[j] != nil && fa.Tau.Cmp(f.Hi[j]) >= 0) {
			return fa, fmt.Errorf("τ = %s is not strictly inside t_%d's interval %s", fa.Tau.RatString(), j+1, f.Interval(j))
		}
	}
	return fa, nil
}

// Interval writes t_j's interval.
func (f *FarkasFacts) Interval(j int) string {
	lo, hi := "(-inf", "+inf)"
	if f.Lo[j] != nil {
		lo = "[" + f.Lo[j].RatString()
	}
	if f.Hi[j] != nil {
		hi = f.Hi[j].RatString() + "]"
	}
	return lo + ", " + hi
}

// Decide sets a fact (c the case index 0 or 1) and returns the function that undoes it.
func (f *FarkasFacts) Decide(fa FarkasFact, c int) func() {
	sg := int8(1 - 2*c)
	switch fa.Split {
	case SplitAct:
		f.Act[fa.K][fa.R] = sg
		return func() { f.Act[fa.K][fa.R] = 0 }
	case SplitV:
		f.V = append(f.V, FarkasComb{J: fa.J, Lam: fa.Lam, Sign: sg})
		return func() { f.V = f.V[:len(f.V)-1] }
	}
	j := fa.J
	if c == 0 {
		old := f.Hi[j]
		f.Hi[j] = fa.Tau
		return func() { f.Hi[j] = old }
	}
	old := f.Lo[j]
	f.Lo[j] = fa.Tau
	return func() { f.Lo[j] = old }
}

// BranchLabels are the labels of a split's two cases.
func BranchLabels(split string) [2]string {
	if split == SplitT {
		return [2]string{"le", "ge"}
	}
	return [2]string{"+", "-"}
}

// outputsLabel is case k of the outputs enumeration (kinds 0 '+', 1 '0', 2 '-').
func outputsLabel(cur []int) string {
	b := make([]byte, len(cur))
	for i, k := range cur {
		b[i] = "+0-"[k]
	}
	return string(b)
}

// outputsNode checks a first-layer case split by "outputs".
func (fc *farkasCheck) outputsNode(nd *FarkasNode, path string, units []string) *Failure {
	fail := func(code Code, field, claimed, computed, msg string) *Failure {
		return &Failure{Code: code, Path: field, Point: -1, Layer: -1, Unit: -1, Want: claimed, Got: computed, Message: msg}
	}
	e := newCaseEnum(3, fc.widths[1], true)
	for c := range nd.Cases {
		cp := fmt.Sprintf("%s.cases[%d]", path, c)
		ch := &nd.Cases[c]
		if !e.more {
			return fail(CodeNoFitCaseOutside, cp+".outputs", clip(ch.Outputs), "no more cases", "a case beyond the parent's enumeration")
		}
		want := outputsLabel(e.cur)
		if ch.Outputs != want {
			code := CodeNoFitCaseMissing
			if len(ch.Outputs) != len(want) || strings.Trim(ch.Outputs, "+0-") != "" || !sortedOutputs(ch.Outputs) {
				code = CodeNoFitCaseOutside
			}
			return fail(code, cp+".outputs", clip(ch.Outputs), want, "the outputs case "+want+" is due here (cases are listed in order, each once)")
		}
		e.next()
		f, err := NewFarkasFacts(fc.fd, units, ch.Outputs)
		if err != nil {
			return fail(CodeNoFitCaseOutside, cp+".outputs", clip(ch.Outputs), "", err.Error())
		}
		if fl := fc.branchNode(ch, cp, f); fl != nil {
			return fl
		}
	}
	if e.more {
		want := outputsLabel(e.cur)
		return fail(CodeNoFitCaseMissing, path+".cases", "none", want, "the outputs case "+want+" is missing (cases are listed in order, each once)")
	}
	return nil
}

func sortedOutputs(s string) bool {
	for i := 1; i < len(s); i++ {
		if strings.IndexByte("+0-", s[i]) < strings.IndexByte("+0-", s[i-1]) {
			return false
		}
	}
	return true
}

// branchNode checks a case of the adaptive form and its subtree.
func (fc *farkasCheck) branchNode(nd *FarkasNode, path string, f *FarkasFacts) *Failure {
	if nd.Split == "" {
		if fc.bud.late() {
			fc.late = true
			return limitFailure(path, fc.bud.timeMsg(fc.leaves, fc.total, "leaves"))
		}
		fc.leaves++
		fl := checkFarkasLeaf(BranchRows(fc.fd, f), nd.Farkas, path, fc.bud, fc.maxDigits)
		fc.late = fl != nil && fl.Code == CodeLimit
		return fl
	}
	fa, err := f.ParseFact(nd.Split, nd.On, fc.maxDigits)
	if err != nil {
		return &Failure{Code: CodeNoFitCaseOutside, Path: path + ".on", Point: -1, Layer: -1, Unit: -1, Want: "an undecided fact of this case", Got: clip(nd.On), Message: err.Error()}
	}
	labels := BranchLabels(nd.Split)
	for c, want := range labels {
		if c >= len(nd.Cases) {
			return &Failure{Code: CodeNoFitCaseMissing, Path: path + ".cases", Point: -1, Layer: -1, Unit: -1, Want: want, Got: "none", Message: fmt.Sprintf("the case %q of the %s split is missing", want, nd.Split)}
		}
		ch := &nd.Cases[c]
		cp := fmt.Sprintf("%s.cases[%d]", path, c)
		if ch.Case != want {
			code := CodeNoFitCaseMissing
			if ch.Case != labels[1-c] {
				code = CodeNoFitCaseOutside
			}
			return &Failure{Code: code, Path: cp + ".case", Point: -1, Layer: -1, Unit: -1, Want: want, Got: clip(ch.Case), Message: fmt.Sprintf("the %s split's cases are %q then %q", nd.Split, labels[0], labels[1])}
		}
		undo := f.Decide(fa, c)
		fl := fc.branchNode(ch, cp, f)
		undo()
		if fl != nil {
			return fl
		}
	}
	if len(nd.Cases) > 2 {
		return &Failure{Code: CodeNoFitCaseOutside, Path: fmt.Sprintf("%s.cases[2]", path), Point: -1, Layer: -1, Unit: -1, Want: "two cases", Got: fmt.Sprint(len(nd.Cases)), Message: "a case beyond the split's two"}
	}
	return nil
}

// validateBranchTree checks the shape of an outputs case or a case below it (labels are
// checked by the parent): a leaf has farkas only, a split has on and cases labelled by case.
func validateBranchTree(nd *FarkasNode, path string, depth, maxDigits int) error {
	if nd.Units != nil || nd.Second != nil || nd.Signs != "" {
		return fieldErr(path, "a case of the adaptive form is labelled by outputs or case only")
	}
	if nd.Split == "" {
		if nd.Farkas == nil || nd.Cases != nil || nd.On != "" {
			return fieldErr(path, "a case is a leaf (\"farkas\") or is split (\"split\", \"on\" and \"cases\")")
		}
		return validateFarkasVector(nd.Farkas, path, maxDigits)
	}
	if nd.Farkas != nil {
		return fieldErr(path+".farkas", "a split case has no farkas vector")
	}
	if nd.Split != SplitAct && nd.Split != SplitV && nd.Split != SplitT {
		return fieldErr(path+".split", "is %q; below an outputs case the split is \"act\", \"v\" or \"t\"", clip(nd.Split))
	}
	if nd.On == "" {
		return fieldErr(path+".on", "missing: a split names its fact")
	}
	if len(nd.On) > 100000 {
		return fieldErr(path+".on", "longer than 100000 characters")
	}
	if nd.Split != SplitAct {
		for i, p := range strings.Split(nd.On, " ") {
			if i == 0 {
				continue
			}
			if _, err := ParseRat(p, maxDigits); err != nil {
				return fieldErr(path+".on", "%v", err)
			}
		}
	}
	if depth > 90 {
		return fieldErr(path, "the tree is deeper than 90 splits")
	}
	for i := range nd.Cases {
		ch := &nd.Cases[i]
		cp := fmt.Sprintf("%s.cases[%d]", path, i)
		if ch.Outputs != "" || ch.Case == "" {
			return fieldErr(cp, "a case of a %q split is labelled by case only", nd.Split)
		}
		if err := validateBranchTree(ch, cp, depth+1, maxDigits); err != nil {
			return err
		}
	}
	return nil
}
