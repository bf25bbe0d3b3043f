package cert

import (
	"fmt"
	"math/big"
	"sort"
	"strconv"
	"strings"
)

// Method "farkas" of the no-fit claim: a case tree whose leaves carry exact Farkas vectors,
// checked by the kernel alone (no solver). For one hidden layer of m ReLU units, one input
// and one output, exact fitting of data with distinct inputs x_1 < … < x_n (sorted; the
// label of point r is y_r, the class index for classification data).
//
//	"proof": {"split": "first-layer", "cases": [
//	   {"units": ["+0", "-3"], "farkas": ["1", "-1", …]},               // a leaf
//	   {"units": ["+1", "+2"], "split": "signs", "cases": [
//	      {"signs": "++", "farkas": […]}, {"signs": "+-", …}, {"signs": "-+", …}, {"signs": "--", …}]},
//	   …]}
//
// Why the root covers the question. f(x) = c + Σ_u a'_u σ(w_u·x + b_u). A unit with w_u ≠ 0
// is, by positive homogeneity, a_u·σ(s_u·(x − t_u)) with s_u = sign(w_u), t_u = −b_u/w_u and
// a_u = a'_u·|w_u|; one with w_u = 0 is the constant a'_u·σ(b_u), added to c and the unit
// replaced by s = +1 with t_u ≥ x_n (zero on the data). Its pattern on the data is fixed by
// s_u and the position p_u ∈ {0, …, n} of t_u: for s = +1, x_p ≤ t < x_{p+1}, active on the
// ranks r > p; for s = −1, x_p < t ≤ x_{p+1}, active on the ranks r ≤ p (x_0 = −∞,
// x_{n+1} = +∞). Units are interchangeable (permuting them with their output weights keeps
// f), so every network is one whose units are sorted: the root's cases are the multisets
// of m units, listed as non-decreasing sequences in the order +0 < +1 < … < +n < −0 < … < −n,
// every multiset once and in that order (the kernel enumerates them and compares).
//
// A first-layer case may be split by "signs": its children are the 2^m sign vectors of the
// output weights (a_u ≥ 0 for '+', a_u ≤ 0 for '-'), in the order '+' < '-' read as a
// binary number from the left. They cover the case: every a_u is ≥ 0 or ≤ 0.
//
// The rows of a leaf (derived by the kernel, never stored). The unknowns are c, and per unit
// a_u and q_u (standing for a_u·t_u), in the order c, a_1, q_1, a_2, q_2, …. Row r = 1..n is the
// equality c + Σ_{u active at r} s_u·(a_u·x_r − q_u) = y_r (the network's output at x_r). A
// leaf under "signs" has, after the n equalities, for each unit u with σ_u = ±1 its sign:
// σ_u·a_u ≥ 0; then if p_u ≥ 1, σ_u·(q_u − x_p·a_u) ≥ 0 (t_u ≥ x_p); then if p_u ≤ n − 1,
// σ_u·(x_{p+1}·a_u − q_u) ≥ 0 (t_u ≤ x_{p+1}). Every network of the case gives, with
// q_u = a_u·t_u, a solution of these rows (the intervals are closed: a relaxation).
//
// The check of a leaf: its Farkas vector y has one rational per row, y_r ≥ 0 on every
// inequality row; Σ_r y_r·row_r has every coefficient 0 and Σ_r y_r·rhs_r > 0. A solution z
// would give 0 = Σ y_r·(row_r·z) ≥ Σ y_r·rhs_r > 0 (equalities are met, inequality rows have
// row_r·z ≥ rhs_r and y_r ≥ 0): the rows have no solution, so no network of the leaf's case
// fits the data. All leaves refuted and every split covering its parent: no network of the
// architecture fits.

// FarkasNode is a node of a no-fit proof tree: the root (Split "first-layer"), a
// first-layer case (Units) that is a leaf or is split by "signs", or a sign case (Signs).
// A leaf has Farkas, the coefficients of its rows as rational strings.
type FarkasNode struct {
	Units  []string     `json:"units,omitempty"`
	Signs  string       `json:"signs,omitempty"`
	Split  string       `json:"split,omitempty"`
	Cases  []FarkasNode `json:"cases,omitempty"`
	Farkas []string     `json:"farkas,omitempty"`
}

// Split names.
const (
	SplitFirstLayer = "first-layer"
	SplitSigns      = "signs"
)

// validateFarkasTree checks the shape of a proof tree (level 0 the root, 1 a first-layer
// case, 2 a sign case) and that every Farkas entry is a rational.
func validateFarkasTree(nd *FarkasNode, path string, level, maxDigits int) error {
	switch level {
	case 0:
		if nd.Split != SplitFirstLayer || nd.Units != nil || nd.Signs != "" || nd.Farkas != nil {
			return fieldErr(path, "the root states \"split\": %q and its cases only", SplitFirstLayer)
		}
	case 1:
		if nd.Signs != "" {
			return fieldErr(path+".signs", "only in a case of a \"signs\" split")
		}
	case 2:
		if nd.Units != nil || nd.Split != "" || nd.Cases != nil {
			return fieldErr(path, "a sign case states its signs and farkas only")
		}
	}
	if level > 0 && nd.Split == "" {
		if nd.Farkas == nil || nd.Cases != nil {
			return fieldErr(path, "a case is a leaf (\"farkas\") or is split (\"split\" and \"cases\")")
		}
		for i, s := range nd.Farkas {
			if _, err := ParseRat(s, maxDigits); err != nil {
				return fieldErr(fmt.Sprintf("%s.farkas[%d]", path, i), "%v", err)
			}
		}
		return nil
	}
	if nd.Farkas != nil {
		return fieldErr(path+".farkas", "a split case has no farkas vector")
	}
	if level == 1 && nd.Split != SplitSigns {
		return fieldErr(path+".split", "is %q; a first-layer case is split by %q", clip(nd.Split), SplitSigns)
	}
	for i := range nd.Cases {
		if err := validateFarkasTree(&nd.Cases[i], fmt.Sprintf("%s.cases[%d]", path, i), level+1, maxDigits); err != nil {
			return err
		}
	}
	return nil
}

// farkasUnit is a first-layer unit of a case: sign s = ±1 and position p.
type farkasUnit struct{ s, p int }

func (u farkasUnit) String() string {
	if u.s < 0 {
		return "-" + strconv.Itoa(u.p)
	}
	return "+" + strconv.Itoa(u.p)
}

// FarkasRow is one row of a leaf's system: Coef·z = RHS, or ≥ when Ineq.
type FarkasRow struct {
	Coef []*big.Rat
	RHS  *big.Rat
	Ineq bool
}

// FarkasData is sorted one-dimensional data: the inputs and labels by rank.
type FarkasData struct{ X, Y []*big.Rat }

// SortedData returns the data sorted by input, or an error when they are not
// one-dimensional with one label and distinct inputs.
func SortedData(d *Dataset) (FarkasData, error) {
	if d.D != 1 {
		return FarkasData{}, fmt.Errorf("the case split is for one-dimensional inputs")
	}
	idx := make([]int, d.N)
	for i := range idx {
		idx[i] = i
		if len(d.Target(i)) != 1 {
			return FarkasData{}, fmt.Errorf("the case split is for one label per point")
		}
	}
	sort.SliceStable(idx, func(a, b int) bool { return d.Input(idx[a])[0].Cmp(d.Input(idx[b])[0]) < 0 })
	var fd FarkasData
	for k, i := range idx {
		if k > 0 && d.Input(i)[0].Cmp(fd.X[k-1]) == 0 {
			return FarkasData{}, fmt.Errorf("the case split needs distinct inputs (point %d repeats an input)", i)
		}
		fd.X = append(fd.X, d.Input(i)[0])
		fd.Y = append(fd.Y, d.Target(i)[0])
	}
	return fd, nil
}

// FarkasRows derives the rows of a case (see above): units as labels "+p"/"-p", signs ""
// (a first-layer leaf) or one '+'/'-' per unit.
func FarkasRows(fd FarkasData, units []string, signs string) ([]FarkasRow, error) {
	us := make([]farkasUnit, len(units))
	for i, s := range units {
		u, ok := parseFarkasUnit(s, len(fd.X))
		if !ok {
			return nil, fmt.Errorf("unit %q is not +p or -p with 0 ≤ p ≤ %d", clip(s), len(fd.X))
		}
		us[i] = u
	}
	if signs != "" && len(signs) != len(us) {
		return nil, fmt.Errorf("%d signs for %d units", len(signs), len(us))
	}
	return farkasRows(fd, us, signs), nil
}

func parseFarkasUnit(s string, n int) (farkasUnit, bool) {
	if len(s) < 2 || (s[0] != '+' && s[0] != '-') || (len(s) > 2 && s[1] == '0') || len(s) > 12 {
		return farkasUnit{}, false
	}
	p, err := strconv.Atoi(s[1:])
	if err != nil || p < 0 || p > n || s[1] == '+' || s[1] == '-' {
		return farkasUnit{}, false
	}
	if s[0] == '-' {
		return farkasUnit{-1, p}, true
	}
	return farkasUnit{1, p}, true
}

func farkasRows(fd FarkasData, us []farkasUnit, signs string) []FarkasRow {
	n, nv := len(fd.X), 1+2*len(us)
	zero := func() []*big.Rat {
		v := make([]*big.Rat, nv)
		for i := range v {
			v[i] = new(big.Rat)
		}
		return v
	}
	var rows []FarkasRow
	for r := 1; r <= n; r++ {
		x := fd.X[r-1]
		co := zero()
		co[0].SetInt64(1)
		for u, un := range us {
			if (un.s > 0 && r > un.p) || (un.s < 0 && r <= un.p) {
				sx := new(big.Rat).Mul(big.NewRat(int64(un.s), 1), x)
				co[1+2*u].Add(co[1+2*u], sx)
				co[2+2*u].Sub(co[2+2*u], big.NewRat(int64(un.s), 1))
			}
		}
		rows = append(rows, FarkasRow{Coef: co, RHS: new(big.Rat).Set(fd.Y[r-1])})
	}
	if signs == "" {
		return rows
	}
	for u, un := range us {
		sg := big.NewRat(1, 1)
		if signs[u] == '-' {
			sg.SetInt64(-1)
		}
		co := zero()
		co[1+2*u].Set(sg)
		rows = append(rows, FarkasRow{Coef: co, RHS: new(big.Rat), Ineq: true})
		if un.p >= 1 { // σ(q − lo·a) ≥ 0
			co := zero()
			co[2+2*u].Set(sg)
			co[1+2*u].Neg(new(big.Rat).Mul(sg, fd.X[un.p-1]))
			rows = append(rows, FarkasRow{Coef: co, RHS: new(big.Rat), Ineq: true})
		}
		if un.p <= n-1 { // σ(hi·a − q) ≥ 0
			co := zero()
			co[1+2*u].Mul(sg, fd.X[un.p])
			co[2+2*u].Neg(sg)
			rows = append(rows, FarkasRow{Coef: co, RHS: new(big.Rat), Ineq: true})
		}
	}
	return rows
}

// checkFarkas checks a proof tree (method "farkas"); path is "claims[i]".
func checkFarkas(cl NoFitClaim, c *Certificate, path string) (Status, int, string, *Failure) {
	fail := func(code Code, field, want, got, msg string) *Failure {
		return &Failure{Code: code, Path: field, Point: -1, Layer: -1, Unit: -1, Want: want, Got: got, Message: msg}
	}
	a := cl.Arch
	switch {
	case a.InputDim != 1 || len(a.Hidden) != 1 || a.Activation != "relu" || a.OutputDim > 1:
		return Refuted, 1, "", fail(CodeNoFitNotImplied, path+".architecture", "one input, one hidden relu layer, one output", "", "the Farkas case split is for this architecture")
	case cl.Fit != "exact":
		return Refuted, 1, "", fail(CodeNoFitNotImplied, path+".fit", "exact", cl.Fit, "the Farkas case split is for exact fitting")
	}
	fd, err := SortedData(c.Data)
	if err != nil {
		return Refuted, 1, "", fail(CodeNoFitNotImplied, "dataset", "", "", err.Error())
	}
	n, m := len(fd.X), a.Hidden[0]
	root := cl.Proof
	rp := path + ".proof"
	// The multisets of m units over 2(n+1) kinds, as non-decreasing index sequences.
	kinds := 2 * (n + 1)
	kind := func(k int) farkasUnit {
		if k <= n {
			return farkasUnit{1, k}
		}
		return farkasUnit{-1, k - n - 1}
	}
	cur := make([]int, m) // the first multiset: all index 0
	more := true
	next := func() {
		i := m - 1
		for i >= 0 && cur[i] == kinds-1 {
			i--
		}
		if i < 0 {
			more = false
			return
		}
		cur[i]++
		for j := i + 1; j < m; j++ {
			cur[j] = cur[i]
		}
	}
	leaves := 0
	for j := range root.Cases {
		cp := fmt.Sprintf("%s.cases[%d]", rp, j)
		nd := &root.Cases[j]
		want := make([]farkasUnit, m)
		wantS := ""
		for i, k := range cur {
			want[i] = kind(k)
			wantS += want[i].String() + " "
		}
		if !more {
			return Refuted, leaves, "", fail(CodeNoFitCaseOutside, cp+".units", fmt.Sprint(nd.Units), "no more cases", "a case beyond the multisets of first-layer units")
		}
		got := make([]farkasUnit, len(nd.Units))
		sorted := len(nd.Units) == m
		for i, s := range nd.Units {
			u, ok := parseFarkasUnit(s, n)
			if !ok {
				return Refuted, leaves, "", fail(CodeNoFitCaseOutside, fmt.Sprintf("%s.units[%d]", cp, i), clip(s), fmt.Sprintf("+p or -p, 0 ≤ p ≤ %d", n), "not a first-layer unit of this data")
			}
			got[i] = u
			if i > 0 && unitIndex(got[i-1], n) > unitIndex(u, n) {
				sorted = false
			}
		}
		if !sorted {
			return Refuted, leaves, "", fail(CodeNoFitCaseOutside, cp+".units", fmt.Sprint(nd.Units), fmt.Sprintf("%d units in non-decreasing order", m), "not a multiset of the root's enumeration")
		}
		gotS := ""
		for _, u := range got {
			gotS += u.String() + " "
		}
		if gotS != wantS {
			return Refuted, leaves, "", fail(CodeNoFitCaseMissing, cp+".units", strings.TrimSpace(gotS), strings.TrimSpace(wantS), "the first-layer case "+wantS+"is missing (cases are listed in order, each once)")
		}
		next()
		if nd.Split == "" {
			if f := checkFarkasLeaf(farkasRows(fd, want, ""), nd.Farkas, cp); f != nil {
				return Refuted, leaves, "", f
			}
			leaves++
			continue
		}
		for k := 0; k < 1<<m; k++ {
			sp := fmt.Sprintf("%s.cases[%d]", cp, k)
			signs := make([]byte, m)
			for i := range signs {
				signs[i] = '+'
				if k>>(m-1-i)&1 == 1 {
					signs[i] = '-'
				}
			}
			if k >= len(nd.Cases) {
				return Refuted, leaves, "", fail(CodeNoFitCaseMissing, cp+".cases", "none", string(signs), "the sign case "+string(signs)+" is missing")
			}
			sc := &nd.Cases[k]
			if sc.Signs != string(signs) {
				code := CodeNoFitCaseMissing
				if len(sc.Signs) != m || !signString(sc.Signs) {
					code = CodeNoFitCaseOutside
				}
				return Refuted, leaves, "", fail(code, sp+".signs", clip(sc.Signs), string(signs), "the sign cases are the 2^m vectors over '+' and '-', in order")
			}
			if f := checkFarkasLeaf(farkasRows(fd, want, sc.Signs), sc.Farkas, sp); f != nil {
				return Refuted, leaves, "", f
			}
			leaves++
		}
		if len(nd.Cases) > 1<<m {
			return Refuted, leaves, "", fail(CodeNoFitCaseOutside, fmt.Sprintf("%s.cases[%d]", cp, 1<<m), clip(nd.Cases[1<<m].Signs), "no more cases", "more sign cases than sign vectors")
		}
	}
	if more {
		wantS := ""
		for _, k := range cur {
			wantS += kind(k).String() + " "
		}
		return Refuted, leaves, "", fail(CodeNoFitCaseMissing, rp+".cases", "none", strings.TrimSpace(wantS), "the first-layer case "+wantS+"is missing (cases are listed in order, each once)")
	}
	return Verified, leaves, fmt.Sprintf("%d cases, %d Farkas leaves, each infeasible: no network of widths %v fits", len(root.Cases), leaves, a.Hidden), nil
}

func unitIndex(u farkasUnit, n int) int {
	if u.s > 0 {
		return u.p
	}
	return n + 1 + u.p
}

func signString(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] != '+' && s[i] != '-' {
			return false
		}
	}
	return true
}

// checkFarkasLeaf checks that y combines the rows into 0 ≥ Σ y·rhs > 0 (see above).
func checkFarkasLeaf(rows []FarkasRow, farkas []string, path string) *Failure {
	fail := func(field, want, got, msg string) *Failure {
		return &Failure{Code: CodeNoFitFarkas, Path: path + field, Point: -1, Layer: -1, Unit: -1, Want: want, Got: got, Message: msg}
	}
	if len(farkas) != len(rows) {
		return fail(".farkas", fmt.Sprintf("%d coefficients", len(farkas)), fmt.Sprintf("%d rows", len(rows)), "one coefficient per row of the case")
	}
	nv := len(rows[0].Coef)
	sum := make([]*big.Rat, nv)
	for i := range sum {
		sum[i] = new(big.Rat)
	}
	rhs := new(big.Rat)
	t := new(big.Rat)
	for r, s := range farkas {
		y, err := ParseRat(s, 0)
		if err != nil {
			return fail(fmt.Sprintf(".farkas[%d]", r), "a rational", clip(s), err.Error())
		}
		if rows[r].Ineq && y.Sign() < 0 {
			return fail(fmt.Sprintf(".farkas[%d]", r), y.RatString(), ">= 0", "an inequality row takes a non-negative coefficient")
		}
		if y.Sign() == 0 {
			continue
		}
		for i, a := range rows[r].Coef {
			sum[i].Add(sum[i], t.Mul(y, a))
		}
		rhs.Add(rhs, t.Mul(y, rows[r].RHS))
	}
	for i, v := range sum {
		if v.Sign() != 0 {
			return fail(".farkas", "0", v.RatString(), fmt.Sprintf("the combination of the rows keeps the unknown %s", farkasVarName(i)))
		}
	}
	if rhs.Sign() <= 0 {
		return fail(".farkas", "> 0", rhs.RatString(), "the combination of the right-hand sides is not positive: no contradiction")
	}
	return nil
}

func farkasVarName(i int) string {
	if i == 0 {
		return "c"
	}
	if i%2 == 1 {
		return fmt.Sprintf("a_%d", (i+1)/2)
	}
	return fmt.Sprintf("q_%d", i/2)
}
