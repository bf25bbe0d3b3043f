package cert

import (
	"fmt"
	"math/big"
	"reflect"
	"slices"
	"sort"
	"strconv"
	"strings"

	"certify/internal/strictjson"
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
	Units  []string `json:"units,omitempty"`
	Second []string `json:"second,omitempty"`
	Signs  string   `json:"signs,omitempty"`
	// The adaptive form (farkas_branch.go): an outputs case's label, a split's fact and a
	// fact case's label.
	Outputs string       `json:"outputs,omitempty"`
	Case    string       `json:"case,omitempty"`
	Split   string       `json:"split,omitempty"`
	On      string       `json:"on,omitempty"`
	Cases   FarkasCases  `json:"cases,omitempty"`
	Farkas  FarkasVector `json:"farkas,omitempty"`
}

// FarkasCases and FarkasVector are a node's children and a leaf's coefficients, named so
// that the decoder counts them while it reads a proof (farkasBudgets): a tree of millions
// of empty cases ("{}," is 3 bytes, a decoded node some 200) is refused at the first one
// past the budget instead of after it has been decoded.
type (
	FarkasCases  []FarkasNode
	FarkasVector []string
)

// The budgets of one no-fit claim's proof tree: more nodes than the adaptive search writes
// at its default limit (2 000 000 nodes visited), and ample coefficients for them (the
// (2,2) tree at N = 7 has 169 057 nodes and 1 530 210 coefficients).
const (
	farkasMaxNodes        = 2500000
	farkasMaxCoefficients = 20000000
)

func farkasBudgets() []strictjson.Budget {
	return []strictjson.Budget{
		{Type: reflect.TypeOf(FarkasCases(nil)), Max: farkasMaxNodes, What: "farkas proof nodes"},
		{Type: reflect.TypeOf(FarkasVector(nil)), Max: farkasMaxCoefficients, What: "farkas coefficients in all leaves"},
	}
}

// Split names.
const (
	SplitFirstLayer = "first-layer"
	SplitSigns      = "signs"
)

type farkasUnit struct{ s, p int }

// active says whether the unit is active at rank r (1-based): for s = +1 the ranks r > p,
// for s = −1 the ranks r ≤ p.
func (u farkasUnit) active(r int) bool { return (u.s > 0 && r > u.p) || (u.s < 0 && r <= u.p) }

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
			if un.active(r) {
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
		rows = append(rows, signRows(fd, un, signs[u], nv, 1+2*u, 2+2*u)...)
	}
	return rows
}

// Two hidden layers (widths d1, d2). f(x) = c + Σ_k a_k·σ(b_k + Σ_j v_kj·h_j(x)) with the
// first layer h_j as above. Each second-layer unit is rescaled (positive homogeneity) so
// that a_k ∈ {−1, 0, 1}; a unit with a_k = 0 adds nothing. The tree has three levels: the
// root splits by "first-layer" as above; a first-layer case splits by "second-layer": its
// cases ("second", d2 labels) are the multisets of second-layer units, each "0" (a_k = 0)
// or a sign '+'/'-' (a_k = ±1) followed by its pattern on the data, one '1' (active,
// pre-activation ≥ 0) or '0' (inactive, ≤ 0) per rank, in the order "0" < "+0…0" < … <
// "+1…1" < "-0…0" < … < "-1…1" (second-layer units are interchangeable too); a
// second-layer case is a leaf or splits by "signs" of the v_kj (k-major, d1·d2 signs).
// Unknowns: c, then per k: b_k, v_k1, Q_k1, …, v_kd1, Q_kd1 (Q_kj stands for v_kj·t_j).
// With z_kr = b_k + Σ_{j active at r} s_j·(v_kj·x_r − Q_kj), the rows are: r = 1..n,
// c + Σ_{k: a_k ≠ 0, active at r} a_k·z_kr = y_r; then per k with a_k ≠ 0 and per rank r,
// z_kr ≥ 0 (active) or −z_kr ≥ 0 (inactive); under "signs", per (k, j) the three rows of
// one hidden layer with (v_kj, Q_kj) for (a_u, q_u) and unit j's interval. Every network of
// the case gives a solution with Q_kj = v_kj·t_j (a relaxation: the Q_kj of different k
// need not share t_j).

// SplitSecondLayer names the split of a first-layer case by second-layer patterns.
const SplitSecondLayer = "second-layer"

// farkasLevels lists the splits of a tree for L hidden layers, from the root.
func farkasLevels(L int) []string {
	if L == 2 {
		return []string{SplitFirstLayer, SplitSecondLayer, SplitSigns}
	}
	return []string{SplitFirstLayer, SplitSigns}
}

// validateFarkasVector checks that a leaf's coefficients are rationals within the digit
// limit (both tree forms).
func validateFarkasVector(farkas []string, path string, maxDigits int) error {
	for i, s := range farkas {
		if _, err := ParseRat(s, maxDigits); err != nil {
			return fieldErr(fmt.Sprintf("%s.farkas[%d]", path, i), "%v", err)
		}
	}
	return nil
}

// validateFarkasTree checks the shape of a proof tree for L hidden layers (level 0 the
// root) and that every Farkas entry is a rational.
func validateFarkasTree(nd *FarkasNode, path string, level, L, maxDigits int) error {
	levels := farkasLevels(L)
	if nd.Outputs != "" || nd.Case != "" || nd.On != "" {
		return fieldErr(path, "outputs, case and on belong to the cases below an \"outputs\" split")
	}
	if level == 1 && nd.Split == SplitMirror {
		if nd.Units == nil || nd.Farkas != nil || nd.Cases != nil {
			return fieldErr(path, "a \"mirror\" case is a first-layer case with units and split only")
		}
		return nil
	}
	if level == 1 && L == 2 && nd.Split == SplitOutputs {
		if nd.Units == nil || nd.Farkas != nil {
			return fieldErr(path, "an \"outputs\" split is of a first-layer case")
		}
		for i := range nd.Cases {
			ch := &nd.Cases[i]
			cp := fmt.Sprintf("%s.cases[%d]", path, i)
			if ch.Outputs == "" || ch.Case != "" {
				return fieldErr(cp, "a case of an \"outputs\" split is labelled by outputs only")
			}
			if err := validateBranchTree(ch, cp, 0, maxDigits); err != nil {
				return err
			}
		}
		return nil
	}
	if level == 0 {
		if nd.Split != SplitFirstLayer || nd.Units != nil || nd.Second != nil || nd.Signs != "" || nd.Farkas != nil {
			return fieldErr(path, "the root states \"split\": %q and its cases only", SplitFirstLayer)
		}
	} else {
		by := levels[level-1]
		if (by != SplitFirstLayer && nd.Units != nil) || (by != SplitSecondLayer && nd.Second != nil) || (by != SplitSigns && nd.Signs != "") {
			return fieldErr(path, "a case of a %q split is labelled by %s only", by, map[string]string{SplitFirstLayer: "units", SplitSecondLayer: "second", SplitSigns: "signs"}[by])
		}
	}
	if level > 0 && nd.Split == "" {
		if nd.Farkas == nil || nd.Cases != nil {
			return fieldErr(path, "a case is a leaf (\"farkas\") or is split (\"split\" and \"cases\")")
		}
		return validateFarkasVector(nd.Farkas, path, maxDigits)
	}
	if nd.Farkas != nil {
		return fieldErr(path+".farkas", "a split case has no farkas vector")
	}
	if level >= len(levels) || nd.Split != levels[level] {
		want := "none (a leaf)"
		if level < len(levels) {
			want = fmt.Sprintf("%q", levels[level])
		}
		return fieldErr(path+".split", "is %q; here the split is %s", clip(nd.Split), want)
	}
	for i := range nd.Cases {
		if err := validateFarkasTree(&nd.Cases[i], fmt.Sprintf("%s.cases[%d]", path, i), level+1, L, maxDigits); err != nil {
			return err
		}
	}
	return nil
}

// secondUnit is a second-layer unit of a case: output weight a ∈ {−1, 0, 1} and its
// pattern (bit r−1: active at rank r).
type secondUnit struct {
	a   int
	pat uint64
}

// caseEnum enumerates the cases of a split lazily: tuples of m kind indices, non-decreasing
// for a multiset.
type caseEnum struct {
	kinds    int
	multiset bool
	cur      []int
	more     bool
}

func newCaseEnum(kinds, m int, multiset bool) *caseEnum {
	return &caseEnum{kinds: kinds, multiset: multiset, cur: make([]int, m), more: kinds > 0}
}

func (e *caseEnum) next() {
	i := len(e.cur) - 1
	for i >= 0 && e.cur[i] == e.kinds-1 {
		i--
	}
	if i < 0 {
		e.more = false
		return
	}
	e.cur[i]++
	for j := i + 1; j < len(e.cur); j++ {
		if e.multiset {
			e.cur[j] = e.cur[i]
		} else {
			e.cur[j] = 0
		}
	}
}

// farkasCheck walks a proof tree.
type farkasCheck struct {
	fd        FarkasData
	n, L      int
	widths    []int
	leaves    int
	bud       budget
	total     int  // leaves of the tree
	late      bool // a limit (the deadline, the number size) stopped the walk
	maxDigits int  // the decoder's digit limit (0: the default)
	// Mirror cases (farkas_mirror.go): the root's cases by units label, and the symmetry
	// of the data, computed at the first mirror case.
	mirrorCases map[string]int
	mirrorErr   error
}

// countLeaves is the number of leaves of a proof tree.
func countLeaves(nd *FarkasNode) int {
	if nd.Split == "" {
		return 1
	}
	k := 0
	for i := range nd.Cases {
		k += countLeaves(&nd.Cases[i])
	}
	return k
}

// kindsOf says how a split labels its cases: the number of kinds, the size of a case,
// whether it is a multiset, a kind's label and a label's kind.
func (fc *farkasCheck) kindsOf(split string) (int, int, bool, func(int) string, func(string) (int, bool)) {
	n := fc.n
	switch split {
	case SplitFirstLayer:
		return 2 * (n + 1), fc.widths[0], true, func(k int) string {
				if k <= n {
					return farkasUnit{1, k}.String()
				}
				return farkasUnit{-1, k - n - 1}.String()
			}, func(s string) (int, bool) {
				u, ok := parseFarkasUnit(s, n)
				return unitIndex(u, n), ok
			}
	case SplitSecondLayer:
		np := 1 << n
		label := func(k int) string {
			if k == 0 {
				return "0"
			}
			sg, p := "+", k-1
			if p >= np {
				sg, p = "-", p-np
			}
			b := make([]byte, n)
			for r := 1; r <= n; r++ {
				b[r-1] = '0' + byte(p>>(n-r)&1)
			}
			return sg + string(b)
		}
		parse := func(s string) (int, bool) {
			if s == "0" {
				return 0, true
			}
			if len(s) != n+1 || (s[0] != '+' && s[0] != '-') {
				return 0, false
			}
			p := 0
			for _, ch := range s[1:] {
				if ch != '0' && ch != '1' {
					return 0, false
				}
				p = 2*p + int(ch-'0')
			}
			if s[0] == '-' {
				p += np
			}
			return 1 + p, true
		}
		return 1 + 2*np, fc.widths[1], true, label, parse
	}
	m := fc.widths[0]
	if fc.L == 2 {
		m *= fc.widths[1]
	}
	return 2, m, false, func(k int) string { return string("+-"[k]) }, func(s string) (int, bool) {
		if s == "+" {
			return 0, true
		}
		return 1, s == "-"
	}
}

// node checks a case and its subtree: us, second and signs are the case's labels so far.
func (fc *farkasCheck) node(nd *FarkasNode, path string, us []farkasUnit, second []secondUnit, signs string) *Failure {
	fail := func(code Code, field, claimed, computed, msg string) *Failure {
		return &Failure{Code: code, Path: field, Point: -1, Layer: -1, Unit: -1, Want: claimed, Got: computed, Message: msg}
	}
	if nd.Split == "" {
		if fc.bud.late() {
			fc.late = true
			return limitFailure(path, fc.bud.timeMsg(fc.leaves, fc.total, "leaves"))
		}
		fc.leaves++
		f := checkFarkasLeaf(fc.rows(us, second, signs), nd.Farkas, path, fc.bud, fc.maxDigits)
		fc.late = f != nil && f.Code == CodeLimit
		return f
	}
	if nd.Split == SplitOutputs {
		labels := make([]string, len(us))
		for i, u := range us {
			labels[i] = u.String()
		}
		return fc.outputsNode(nd, path, labels)
	}
	kinds, m, multiset, label, parse := fc.kindsOf(nd.Split)
	e := newCaseEnum(kinds, m, multiset)
	field := map[string]string{SplitFirstLayer: ".units", SplitSecondLayer: ".second", SplitSigns: ".signs"}[nd.Split]
	for j := range nd.Cases {
		cp := fmt.Sprintf("%s.cases[%d]", path, j)
		ch := &nd.Cases[j]
		var stated []string
		switch nd.Split {
		case SplitFirstLayer:
			stated = ch.Units
		case SplitSecondLayer:
			stated = ch.Second
		default:
			for i := 0; i < len(ch.Signs); i++ {
				stated = append(stated, ch.Signs[i:i+1])
			}
		}
		got := make([]int, len(stated))
		for i, s := range stated {
			k, ok := parse(s)
			if !ok {
				return fail(CodeNoFitCaseOutside, fmt.Sprintf("%s%s[%d]", cp, field, i), clip(s), "a label of the "+nd.Split+" split", "not a case of this split on these data")
			}
			if multiset && i > 0 && got[i-1] > k {
				return fail(CodeNoFitCaseOutside, cp+field, strings.Join(stated, " "), "non-decreasing labels", "not a multiset of the parent's enumeration")
			}
			got[i] = k
		}
		if len(stated) != m {
			return fail(CodeNoFitCaseOutside, cp+field, fmt.Sprintf("%d labels", len(stated)), fmt.Sprintf("%d labels", m), "not a case of this split")
		}
		if !e.more {
			return fail(CodeNoFitCaseOutside, cp+field, strings.Join(stated, " "), "no more cases", "a case beyond the parent's enumeration")
		}
		want := make([]string, m)
		for i, k := range e.cur {
			want[i] = label(k)
		}
		if !slices.Equal(got, e.cur) {
			return fail(CodeNoFitCaseMissing, cp+field, strings.Join(stated, " "), strings.Join(want, " "), "the case "+strings.Join(want, " ")+" is missing (cases are listed in order, each once)")
		}
		e.next()
		var f *Failure
		switch nd.Split {
		case SplitFirstLayer:
			cu := make([]farkasUnit, m)
			for i, s := range stated {
				cu[i], _ = parseFarkasUnit(s, fc.n)
			}
			if ch.Split == SplitMirror {
				f = fc.mirrorNode(nd, cp, cu)
				break
			}
			f = fc.node(ch, cp, cu, nil, "")
		case SplitSecondLayer:
			cs := make([]secondUnit, m)
			for i, k := range got {
				if k > 0 {
					p := uint64(k - 1)
					cs[i].a = 1
					if p >= 1<<fc.n {
						cs[i].a, p = -1, p-1<<fc.n
					}
					for r := 1; r <= fc.n; r++ { // pattern string rank 1 first: bit n−r of p
						if p>>(fc.n-r)&1 == 1 {
							cs[i].pat |= 1 << (r - 1)
						}
					}
				}
			}
			f = fc.node(ch, cp, us, cs, "")
		default:
			f = fc.node(ch, cp, us, second, ch.Signs)
		}
		if f != nil {
			return f
		}
	}
	if e.more {
		want := make([]string, m)
		for i, k := range e.cur {
			want[i] = label(k)
		}
		return fail(CodeNoFitCaseMissing, path+".cases", "none", strings.Join(want, " "), "the case "+strings.Join(want, " ")+" is missing (cases are listed in order, each once)")
	}
	return nil
}

// rows derives a leaf's rows.
func (fc *farkasCheck) rows(us []farkasUnit, second []secondUnit, signs string) []FarkasRow {
	if fc.L == 1 {
		return farkasRows(fc.fd, us, signs)
	}
	if second == nil {
		return nil // no rows: a first-layer leaf of two layers proves nothing
	}
	n, d1 := fc.n, len(us)
	zc := newZCols(fc.fd, us, len(second))
	stride, nv, zero, z := zc.stride, zc.nv, zc.zero, zc.addZ
	var rows []FarkasRow
	for r := 1; r <= n; r++ {
		co := zero()
		co[0].SetInt64(1)
		for k, su := range second {
			if su.a != 0 && su.pat>>(r-1)&1 == 1 {
				z(co, k, r, int64(su.a))
			}
		}
		rows = append(rows, FarkasRow{Coef: co, RHS: new(big.Rat).Set(fc.fd.Y[r-1])})
	}
	for k, su := range second {
		if su.a == 0 {
			continue
		}
		for r := 1; r <= n; r++ {
			co := zero()
			if su.pat>>(r-1)&1 == 1 {
				z(co, k, r, 1)
			} else {
				z(co, k, r, -1)
			}
			rows = append(rows, FarkasRow{Coef: co, RHS: new(big.Rat), Ineq: true})
		}
	}
	if signs == "" {
		return rows
	}
	for k := range second {
		for j, u := range us {
			base := 1 + k*stride + 1 + 2*j
			rows = append(rows, signRows(fc.fd, u, signs[k*d1+j], nv, base, base+1)...)
		}
	}
	return rows
}

// zCols lays out the unknowns of a two-layer case: c, then per second-layer unit k its
// stride = 1 + 2·d1 columns b_k, v_k1, Q_k1, …, v_kd1, Q_kd1 (both tree forms).
type zCols struct {
	x          []*big.Rat
	us         []farkasUnit
	stride, nv int
	t          *big.Rat
}

func newZCols(fd FarkasData, us []farkasUnit, d2 int) *zCols {
	stride := 1 + 2*len(us)
	return &zCols{x: fd.X, us: us, stride: stride, nv: 1 + d2*stride, t: new(big.Rat)}
}

// zero is a row of zero coefficients.
func (zc *zCols) zero() []*big.Rat {
	v := make([]*big.Rat, zc.nv)
	for i := range v {
		v[i] = new(big.Rat)
	}
	return v
}

// addZ adds m·z_kr to co, z_kr = b_k + Σ_{j active at r} s_j·(v_kj·x_r − Q_kj).
func (zc *zCols) addZ(co []*big.Rat, k, r int, m int64) {
	base := 1 + k*zc.stride
	co[base].Add(co[base], big.NewRat(m, 1))
	for j, u := range zc.us {
		if u.active(r) {
			sm := big.NewRat(int64(u.s)*m, 1)
			co[base+1+2*j].Add(co[base+1+2*j], zc.t.Mul(sm, zc.x[r-1]))
			co[base+2+2*j].Sub(co[base+2+2*j], sm)
		}
	}
}

// signRows are the rows of one product: the sign σ·a ≥ 0 of the weight a (column ia) and
// the interval of the unit's breakpoint t for q = a·t (column iq).
func signRows(fd FarkasData, un farkasUnit, sign byte, nv, ia, iq int) []FarkasRow {
	n := len(fd.X)
	zero := func() []*big.Rat {
		v := make([]*big.Rat, nv)
		for i := range v {
			v[i] = new(big.Rat)
		}
		return v
	}
	sg := big.NewRat(1, 1)
	if sign == '-' {
		sg.SetInt64(-1)
	}
	co := zero()
	co[ia].Set(sg)
	rows := []FarkasRow{{Coef: co, RHS: new(big.Rat), Ineq: true}}
	if un.p >= 1 { // σ(q − lo·a) ≥ 0
		co := zero()
		co[iq].Set(sg)
		co[ia].Neg(new(big.Rat).Mul(sg, fd.X[un.p-1]))
		rows = append(rows, FarkasRow{Coef: co, RHS: new(big.Rat), Ineq: true})
	}
	if un.p <= n-1 { // σ(hi·a − q) ≥ 0
		co := zero()
		co[ia].Mul(sg, fd.X[un.p])
		co[iq].Neg(sg)
		rows = append(rows, FarkasRow{Coef: co, RHS: new(big.Rat), Ineq: true})
	}
	return rows
}

// checkFarkas checks a proof tree (method "farkas"); path is "claims[i]".
func checkFarkas(cl NoFitClaim, c *Certificate, path string, bud budget) (Status, int, string, *Failure) {
	fail := func(code Code, field, want, got, msg string) *Failure {
		return &Failure{Code: code, Path: field, Point: -1, Layer: -1, Unit: -1, Want: want, Got: got, Message: msg}
	}
	a := cl.Arch
	switch {
	case a.InputDim != 1 || len(a.Hidden) < 1 || len(a.Hidden) > 2 || a.Activation != "relu" || a.OutputDim > 1:
		return Refuted, 1, "", fail(CodeNoFitNotImplied, path+".architecture", "one input, one or two hidden relu layers, one output", "", "the Farkas case split is for this architecture")
	case cl.Fit != "exact":
		return Refuted, 1, "", fail(CodeNoFitNotImplied, path+".fit", "exact", cl.Fit, "the Farkas case split is for exact fitting")
	}
	fd, err := SortedData(c.Data)
	if err != nil {
		return Refuted, 1, "", fail(CodeNoFitNotImplied, "dataset", "", "", err.Error())
	}
	fc := &farkasCheck{fd: fd, n: len(fd.X), L: len(a.Hidden), widths: a.Hidden, bud: bud, total: countLeaves(cl.Proof), maxDigits: cl.maxDigits}
	signCount := a.Hidden[0]
	if fc.L == 2 {
		// Each width is at most 16 before the product (widths 2^62 and 4 wrapped to 0).
		signCount = min(a.Hidden[0], 17) * min(a.Hidden[1], 17)
		if fc.n > 16 {
			return Refuted, 1, "", fail(CodeNoFitNotImplied, "dataset", "at most 16 points", fmt.Sprint(fc.n), "second-layer patterns are enumerated for at most 16 points")
		}
	}
	if signCount > 16 {
		return Refuted, 1, "", fail(CodeNoFitNotImplied, path+".architecture", "at most 16 sign choices", fmt.Sprint(signCount), "sign splits are enumerated for at most 16 weights")
	}
	if f := fc.node(cl.Proof, path+".proof", nil, nil, ""); f != nil {
		if fc.late {
			f.Path = path
			return Undecided, fc.leaves, "", f
		}
		return Refuted, fc.leaves, "", f
	}
	return Verified, fc.leaves, fmt.Sprintf("%d first-layer cases, %d Farkas leaves, each infeasible: no network of widths %v fits", len(cl.Proof.Cases), fc.leaves, a.Hidden), nil
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
func checkFarkasLeaf(rows []FarkasRow, farkas []string, path string, bud budget, maxDigits int) *Failure {
	return checkFarkasRows(rows, farkas, path, bud, maxDigits, farkasVarName)
}

// checkFarkasRows is checkFarkasLeaf with the unknowns named by name (for the messages).
func checkFarkasRows(rows []FarkasRow, farkas []string, path string, bud budget, maxDigits int, name func(int) string) *Failure {
	fail := func(field, want, got, msg string) *Failure {
		return &Failure{Code: CodeNoFitFarkas, Path: path + field, Point: -1, Layer: -1, Unit: -1, Want: want, Got: got, Message: msg}
	}
	if len(farkas) != len(rows) {
		return fail(".farkas", fmt.Sprintf("%d coefficients", len(farkas)), fmt.Sprintf("%d rows", len(rows)), "one coefficient per row of the case")
	}
	if len(rows) == 0 {
		return &Failure{Code: CodeNoFitFarkas, Path: path, Point: -1, Layer: -1, Unit: -1, Want: "a leaf with rows", Got: "no rows", Message: "a case with no rows (two layers, no second-layer patterns) refutes nothing"}
	}
	nv := len(rows[0].Coef)
	sum := make([]*big.Rat, nv)
	for i := range sum {
		sum[i] = new(big.Rat)
	}
	rhs := new(big.Rat)
	t := new(big.Rat)
	for r, s := range farkas {
		y, err := ParseRat(s, maxDigits)
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
		// Each row may bring a new denominator: the sums grow with the rows.
		if bud.maxBits > 0 && max(ratBits(rhs), maxRatBits(sum)) > bud.maxBits {
			return limitFailure(path, bud.bitsMsg(fmt.Sprintf("in the combination of the rows, at farkas[%d]", r)))
		}
	}
	for i, v := range sum {
		if v.Sign() != 0 {
			return fail(".farkas", "0", v.RatString(), fmt.Sprintf("the combination of the rows keeps the unknown %s", name(i)))
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

// FarkasCaseRows derives the rows of a case of a tree for the hidden widths (one or two
// layers): units as in "units", second as in "second" (nil for one layer), signs "" or
// as in "signs". For producers; the check derives the same rows.
func FarkasCaseRows(fd FarkasData, widths []int, units, second []string, signs string) ([]FarkasRow, error) {
	fc := &farkasCheck{fd: fd, n: len(fd.X), L: len(widths), widths: widths}
	us := make([]farkasUnit, len(units))
	for i, s := range units {
		u, ok := parseFarkasUnit(s, fc.n)
		if !ok {
			return nil, fmt.Errorf("unit %q is not +p or -p with 0 ≤ p ≤ %d", clip(s), fc.n)
		}
		us[i] = u
	}
	var cs []secondUnit
	if fc.L == 2 && second != nil {
		_, _, _, _, parse := fc.kindsOf(SplitSecondLayer)
		cs = make([]secondUnit, len(second))
		for i, s := range second {
			if _, ok := parse(s); !ok {
				return nil, fmt.Errorf("second-layer label %q", clip(s))
			}
			if s == "0" {
				continue
			}
			cs[i].a = 1
			if s[0] == '-' {
				cs[i].a = -1
			}
			for r := 1; r <= fc.n; r++ {
				if s[r] == '1' {
					cs[i].pat |= 1 << (r - 1)
				}
			}
		}
	}
	return fc.rows(us, cs, signs), nil
}

func maxRatBits(v []*big.Rat) int {
	m := 0
	for _, x := range v {
		m = max(m, ratBits(x))
	}
	return m
}
