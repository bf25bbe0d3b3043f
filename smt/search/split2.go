package search

import (
	"fmt"
	"math/big"
	"slices"
	"sort"
	"strings"

	"certify/cert"
	"certify/smt"
)

// The second level of the split, for networks with two hidden layers over 1-D data.
//
// In a first-layer case the first hidden layer's outputs on the data are affine in the
// breakpoints t_u, but the second hidden layer still needs an ite per unit and point, and
// a few cases stay open for a long time (the (2,2) network on 7 alternating points). A
// sub-case fixes the rest: each second-layer unit's output weight v ∈ {−1, 0, 1} (already
// normalised by positive homogeneity) and, when v ≠ 0, its activation pattern on the
// sorted distinct inputs (active: pre-activation ≥ 0, inactive: ≤ 0). A sub-case has no ite
// and no product of two unknowns but w·t, so it is small and quick for nlsat.
//
// Why the sub-cases that are enumerated cover every network of the case.
//   - A unit with v = 0 contributes nothing: its pattern is not fixed (it is dropped). A unit
//     with v ≠ 0 inactive on every point contributes nothing either, so that sub-case is the
//     one with v = 0 and is not listed again.
//   - Units of the layer are interchangeable with their output weights: multisets.
//   - Pattern bound. The unit's pre-activation z(x) is continuous and affine between the
//     first layer's breakpoints (m+1 pieces for m first-layer units). Along increasing
//     points of one piece the class [z(x) > 0] changes at most once. A change of class
//     between ranks i and i+1 happens, by continuity, inside one of the pieces that meet
//     [x_i, x_{i+1}], and two changes never share a piece. So the changes of the pattern
//     (taking "active" as z > 0) can be given to distinct pieces, each change to a piece
//     meeting its segment; patterns that cannot be are not listed.
//   - Collinearity. Points of one first-layer region (no breakpoint between them) with the
//     same set of active second-layer units see an affine function of x: their targets
//     must be collinear. Points where no unit is active see the output bias: their targets
//     must be equal. Sub-cases where they are not are not listed.
// Each listed sub-case is then asked of the solver; "unsat" on all of them, with the
// first-layer enumeration, proves that no network of the architecture fits the data.

// split2Unit is one second-layer unit of a sub-case: output weight v and activation
// pattern (bit r−1 set: active on the point of rank r).
type split2Unit struct {
	v   int
	pat uint64
}

func (s split2Unit) active(rank int) bool { return s.pat>>(rank-1)&1 == 1 }

// errSubTooLarge is a second level too large to enumerate (more than MaxSplit2SubCases):
// the split leaves such a case undecided, naming the limit, and goes on.
type errSubTooLarge struct{ msg string }

func (e errSubTooLarge) Error() string { return e.msg }
func (e errSubTooLarge) Unwrap() error { return smt.ErrBadQuery }

func subTooLarge(format string, args ...any) error {
	return errSubTooLarge{fmt.Sprintf("%v: "+format, append([]any{smt.ErrBadQuery}, args...)...)}
}

// split2MaxPoints bounds the distinct inputs a pattern can hold.
const split2MaxPoints = 64

// MaxSplit2SubCases bounds the sub-cases of one first-layer case.
const MaxSplit2SubCases = 200_000

// pattern writes a pattern as a string of 1 (active) and 0 over the ranks.
func pattern(p uint64, n int) string {
	b := make([]byte, n)
	for r := 1; r <= n; r++ {
		b[r-1] = '0' + byte(p>>(r-1)&1)
	}
	return string(b)
}

func subName(sub []split2Unit) string {
	if sub == nil {
		return ""
	}
	return ", second-layer sub-case " + subString(sub, 0)
}

// subString writes a sub-case: +pattern or −pattern per unit with v ≠ 0, 0 for a dropped
// unit. n is the number of ranks (0: as many as the highest set bit needs).
func subString(sub []split2Unit, n int) string {
	parts := make([]string, len(sub))
	for i, s := range sub {
		k := n
		if k == 0 {
			for k = 1; s.pat>>k != 0; k++ {
			}
		}
		switch {
		case s.v == 0:
			parts[i] = "0"
		case s.v > 0:
			parts[i] = "+" + pattern(s.pat, k)
		default:
			parts[i] = "−" + pattern(s.pat, k)
		}
	}
	return "[" + strings.Join(parts, " ") + "]"
}

// pieceRange gives, for the segment between ranks i and i+1 (1 ≤ i < n), the pieces
// [lo, hi] (numbered from 0, left to right) of a function with the case's breakpoints
// that can meet it: a breakpoint at gap p lies in [x_p, x_{p+1}].
func pieceRange(gaps []int, i int) (lo, hi int) {
	for _, g := range gaps {
		if g < i {
			lo++
		}
		if g <= i {
			hi++
		}
	}
	return lo, hi
}

// split2PatternOK says whether a pattern's changes can be given to distinct pieces.
func split2PatternOK(p uint64, n int, gaps []int) bool {
	next := 0 // the first piece not yet used
	for i := 1; i < n; i++ {
		if (p >> (i - 1) & 1) == (p >> i & 1) {
			continue
		}
		lo, hi := pieceRange(gaps, i)
		k := max(lo, next)
		if k > hi {
			return false
		}
		next = k + 1
	}
	return true
}

// split2Patterns lists the non-empty patterns allowed for a case over n ranks, in
// increasing order. They are built from their changes (at most one per piece, so at most
// len(cs)+1), not by trying all 2^n, and refused when there could be more than
// MaxSplit2SubCases of them.
func split2Patterns(cs []splitUnit, n int) ([]uint64, error) {
	gaps := make([]int, len(cs))
	for i, c := range cs {
		gaps[i] = c.p
	}
	maxChanges := len(cs) + 1
	bound := new(big.Int)
	for k := 0; k <= min(maxChanges, n-1); k++ {
		bound.Add(bound, new(big.Int).Binomial(int64(n-1), int64(k)))
	}
	if bound.Lsh(bound, 1); !bound.IsInt64() || bound.Int64() > MaxSplit2SubCases {
		return nil, subTooLarge("the second-level split would try more than %d patterns (%d points, %d first-layer units)", MaxSplit2SubCases, n, len(cs))
	}
	var out []uint64
	var rec func(rank int, bit uint64, p uint64, changes int)
	rec = func(rank int, bit, p uint64, changes int) { // ranks 1..rank-1 are set in p
		if rank > n {
			if p != 0 && split2PatternOK(p, n, gaps) {
				out = append(out, p)
			}
			return
		}
		rec(rank+1, bit, p|bit<<(rank-1), changes)
		if changes < maxChanges {
			rec(rank+1, 1-bit, p|(1-bit)<<(rank-1), changes+1)
		}
	}
	rec(2, 0, 0, 0)
	rec(2, 1, 1, 0)
	slices.Sort(out)
	return out, nil
}

// split2Regions gives each rank (1-based index) its first-layer region: how many
// breakpoints lie at a gap before it (so ranks of one region have no breakpoint between
// them).
func split2Regions(cs []splitUnit, n int) []int {
	reg := make([]int, n+1)
	for r := 1; r <= n; r++ {
		for _, c := range cs {
			if c.p < r {
				reg[r]++
			}
		}
	}
	return reg
}

// collinear says whether the points (xs[k], ys[k]) lie on one line (distinct xs).
func collinear(xs, ys []*big.Rat) bool {
	if len(xs) < 3 {
		return true
	}
	// slope from the first two, then every other point on that line
	dx := new(big.Rat).Sub(xs[1], xs[0])
	dy := new(big.Rat).Sub(ys[1], ys[0])
	l, r := new(big.Rat), new(big.Rat)
	for k := 2; k < len(xs); k++ {
		l.Sub(ys[k], ys[0])
		l.Mul(l, dx)
		r.Sub(xs[k], xs[0])
		r.Mul(r, dy)
		if l.Cmp(r) != 0 {
			return false
		}
	}
	return true
}

// split2Data is what the collinearity test needs: per rank, the input and the target
// (nil target: the points of that rank disagree, and no sub-case can fit).
type split2Data struct {
	xs, ys []*big.Rat // index rank−1
}

func newSplit2Data(d *cert.Dataset, xs []*big.Rat) split2Data {
	ys := make([]*big.Rat, len(xs))
	bad := make([]bool, len(xs))
	for p := 0; p < d.N; p++ {
		x := d.Input(p)[0]
		r := sort.Search(len(xs), func(i int) bool { return xs[i].Cmp(x) >= 0 })
		y := d.Target(p)[0]
		switch {
		case ys[r] == nil:
			ys[r] = y
		case ys[r].Cmp(y) != 0:
			bad[r] = true
		}
	}
	for r := range ys {
		if bad[r] {
			ys[r] = nil
		}
	}
	return split2Data{xs: xs, ys: ys}
}

// split2Feasible applies the collinearity test to a sub-case.
func split2Feasible(sub []split2Unit, reg []int, data split2Data) bool {
	n := len(data.xs)
	type key struct {
		region int
		active uint64
	}
	groups := map[key][]int{}
	for r := 1; r <= n; r++ {
		if data.ys[r-1] == nil {
			return false
		}
		var act uint64
		for u, s := range sub {
			if s.v != 0 && s.active(r) {
				act |= 1 << u
			}
		}
		k := key{reg[r], act}
		if act == 0 {
			k.region = -1 // no unit active: the output is the bias, whatever the region
		}
		groups[k] = append(groups[k], r)
	}
	for _, r := range groups[key{-1, 0}] {
		if data.ys[r-1].Cmp(data.ys[groups[key{-1, 0}][0]-1]) != 0 {
			return false
		}
	}
	for _, ranks := range groups {
		if len(ranks) < 3 {
			continue
		}
		gx := make([]*big.Rat, len(ranks))
		gy := make([]*big.Rat, len(ranks))
		for i, r := range ranks {
			gx[i], gy[i] = data.xs[r-1], data.ys[r-1]
		}
		if !collinear(gx, gy) {
			return false
		}
	}
	return true
}

// split2SubCases lists the sub-cases of a first-layer case, in a fixed order, and how many
// were left out by the collinearity test. It fails when there would be more than
// MaxSplit2SubCases.
func split2SubCases(cs []splitUnit, d *cert.Dataset, xs []*big.Rat, m2 int) ([][]split2Unit, int, error) {
	n := len(xs) // at most split2MaxPoints (newSubSplit checks)
	pats, err := split2Patterns(cs, n)
	if err != nil {
		return nil, 0, err
	}
	kinds := []split2Unit{{v: 0}}
	for _, v := range []int{1, -1} {
		for _, p := range pats {
			kinds = append(kinds, split2Unit{v: v, pat: p})
		}
	}
	if multisetCount(len(kinds), m2, MaxSplit2SubCases) < 0 {
		return nil, 0, subTooLarge("the second-level split would have more than %d sub-cases (%d patterns, %d units)", MaxSplit2SubCases, len(kinds), m2)
	}
	reg := split2Regions(cs, n)
	data := newSplit2Data(d, xs)
	var out [][]split2Unit
	pruned := 0
	for _, sub := range multisets(kinds, m2) {
		if split2Feasible(sub, reg, data) {
			out = append(out, sub)
		} else {
			pruned++
		}
	}
	return out, pruned, nil
}

// split2Prefix writes what every sub-case of a first-layer case shares: the breakpoints
// (or fixedT's literals) and their positions, the second hidden layer's and the output's
// parameters, and a define-fun p<u>_<r> per second-layer unit u and rank r for the unit's
// pre-activation there. It returns the parameter names a model should give.
func split2Prefix(a Arch, cs []splitUnit, xs []*big.Rat, fixedT []*big.Rat, maxDigits int) (string, []string, error) {
	var sb strings.Builder
	var want []string
	declare := func(name string) {
		fmt.Fprintf(&sb, "(declare-const %s Real)\n", name)
		want = append(want, name)
	}
	lits, err := smt.Lits(xs, maxDigits)
	if err != nil {
		return "", nil, err
	}
	tName, err := splitBreakpoints(&sb, cs, lits, fixedT, maxDigits, declare)
	if err != nil {
		return "", nil, err
	}
	m1, m2 := a.Hidden[0], a.Hidden[1]
	for u := 0; u < m2; u++ {
		for k := 0; k < m1; k++ {
			declare(paramW(1, u, k))
		}
		declare(paramB(1, u))
	}
	declare(paramB(2, 0))
	for u := 0; u < m2; u++ {
		for r := 1; r <= len(xs); r++ {
			terms := []string{paramB(1, u)}
			for k, c := range cs {
				switch {
				case c.s > 0 && r > c.p:
					terms = append(terms, "(* "+paramW(1, u, k)+" (- "+lits[r-1]+" "+tName[k]+"))")
				case c.s < 0 && r <= c.p:
					terms = append(terms, "(* "+paramW(1, u, k)+" (- "+tName[k]+" "+lits[r-1]+"))")
				}
			}
			body := terms[0]
			if len(terms) > 1 {
				body = "(+ " + strings.Join(terms, " ") + ")"
			}
			fmt.Fprintf(&sb, "(define-fun p%d_%d () Real %s)\n", u, r, body)
		}
	}
	return sb.String(), want, nil
}

// split2Body writes a sub-case's assertions: each pattern, and the output (bias plus the
// active units' pre-activations with their signs) equal to the target at every rank.
func split2Body(sub []split2Unit, ylits []string) string {
	var sb strings.Builder
	for u, s := range sub {
		if s.v == 0 {
			continue
		}
		for r := 1; r <= len(ylits); r++ {
			op := "<="
			if s.active(r) {
				op = ">="
			}
			fmt.Fprintf(&sb, "(assert (%s p%d_%d 0.0))\n", op, u, r)
		}
	}
	for r := 1; r <= len(ylits); r++ {
		terms := []string{paramB(2, 0)}
		for u, s := range sub {
			switch {
			case s.v == 0 || !s.active(r):
			case s.v > 0:
				terms = append(terms, fmt.Sprintf("p%d_%d", u, r))
			default:
				terms = append(terms, fmt.Sprintf("(- p%d_%d)", u, r))
			}
		}
		out := terms[0]
		if len(terms) > 1 {
			out = "(+ " + strings.Join(terms, " ") + ")"
		}
		fmt.Fprintf(&sb, "(assert (= %s %s))\n", out, ylits[r-1])
	}
	return sb.String()
}

// split2Targets gives the target literal of each rank.
func split2Targets(data split2Data, maxDigits int) ([]string, error) {
	ylits := make([]string, len(data.ys))
	for i, y := range data.ys {
		if y == nil {
			return nil, fmt.Errorf("%w: points with the same input and different targets", smt.ErrBadQuery)
		}
		s, err := smt.Lit(y, maxDigits)
		if err != nil {
			return nil, err
		}
		ylits[i] = s
	}
	return ylits, nil
}

// split2Batch writes the sub-cases of a first-layer case as one batch.
func split2Batch(a Arch, d *cert.Dataset, cs []splitUnit, xs []*big.Rat, subs [][]split2Unit, maxDigits int) (*smt.Batch, error) {
	prefix, _, err := split2Prefix(a, cs, xs, nil, maxDigits)
	if err != nil {
		return nil, err
	}
	ylits, err := split2Targets(newSplit2Data(d, xs), maxDigits)
	if err != nil {
		return nil, err
	}
	b := &smt.Batch{Name: fmt.Sprintf("first-layer case %v", cs), Logic: "QF_NRA", Prefix: prefix, Bodies: make([]string, len(subs))}
	for i, sub := range subs {
		b.Bodies[i] = split2Body(sub, ylits)
	}
	return b, nil
}

// split2Query writes one sub-case as a query; with fixedT it is linear.
func split2Query(a Arch, d *cert.Dataset, cs []splitUnit, xs []*big.Rat, fixedT []*big.Rat, sub []split2Unit, maxDigits int) (*smt.Query, error) {
	prefix, want, err := split2Prefix(a, cs, xs, fixedT, maxDigits)
	if err != nil {
		return nil, err
	}
	ylits, err := split2Targets(newSplit2Data(d, xs), maxDigits)
	if err != nil {
		return nil, err
	}
	logic := "QF_NRA" // linear with fixedT, but the products of constants are written as such
	return &smt.Query{
		Name:  fmt.Sprintf("exists %s fitting %d points, first-layer case %v, sub-case %s", a, d.N, cs, subString(sub, len(xs))),
		Logic: logic, Body: prefix + split2Body(sub, ylits), Want: want, WantReal: true,
	}, nil
}

// subSplit is the second level of one first-layer case, whatever the depth: with two
// hidden layers the sub-cases of split2SubCases (output signs and patterns, no ite left);
// with three or more, the second hidden layer's patterns alone (a multiset, each pattern
// allowed by the piece bound, the all-inactive one included), the deeper layers keeping
// their ite.
type subSplit struct {
	n      int
	subs2  [][]split2Unit // two hidden layers
	pats   [][]uint64     // three or more
	pruned int            // sub-cases left out by the collinearity test (two layers)
	batch  *smt.Batch
	query  func(i int, fixedT []*big.Rat) (*smt.Query, error)
}

func newSubSplit(a Arch, d *cert.Dataset, cs []splitUnit, xs []*big.Rat, maxDigits int) (*subSplit, error) {
	if len(xs) > split2MaxPoints {
		return nil, fmt.Errorf("%w: the second-level split is for at most %d distinct inputs", smt.ErrBadQuery, split2MaxPoints)
	}
	ss := &subSplit{n: len(xs)}
	if len(a.Hidden) == 2 {
		subs, pruned, err := split2SubCases(cs, d, xs, a.Hidden[1])
		if err != nil {
			return nil, err
		}
		bt, err := split2Batch(a, d, cs, xs, subs, maxDigits)
		if err != nil {
			return nil, err
		}
		ss.subs2, ss.pruned, ss.batch = subs, pruned, bt
		ss.query = func(i int, fixedT []*big.Rat) (*smt.Query, error) {
			return split2Query(a, d, cs, xs, fixedT, subs[i], maxDigits)
		}
		return ss, nil
	}
	pats, err := split2Patterns(cs, len(xs))
	if err != nil {
		return nil, err
	}
	kinds := append([]uint64{0}, pats...)
	m2 := a.Hidden[1]
	if multisetCount(len(kinds), m2, MaxSplit2SubCases) < 0 {
		return nil, subTooLarge("the second-level split would have more than %d sub-cases (%d patterns, %d units)", MaxSplit2SubCases, len(kinds), m2)
	}
	ss.pats = multisets(kinds, m2)
	ss.batch = &smt.Batch{Name: fmt.Sprintf("first-layer case %v", cs), Logic: "QF_NRA", Bodies: make([]string, len(ss.pats))}
	for i, p := range ss.pats {
		q, err := splitCaseQuery(a, d, cs, xs, nil, p, maxDigits)
		if err != nil {
			return nil, err
		}
		ss.batch.Bodies[i] = q.Body
	}
	ss.query = func(i int, fixedT []*big.Rat) (*smt.Query, error) {
		q, err := splitCaseQuery(a, d, cs, xs, fixedT, ss.pats[i], maxDigits)
		if q != nil {
			q.Logic = "QF_NRA" // deeper layers keep products of unknowns
		}
		return q, err
	}
	return ss, nil
}

// fixed gives the parameters sub-case i fixes rather than asks (the output weights).
func (ss *subSplit) fixed(i int) map[string]*big.Rat {
	if ss.subs2 == nil {
		return nil
	}
	m := map[string]*big.Rat{}
	for u, su := range ss.subs2[i] {
		m[paramW(2, 0, u)] = big.NewRat(int64(su.v), 1)
	}
	return m
}

// name writes sub-case i.
func (ss *subSplit) name(i int) string {
	if ss.subs2 != nil {
		return subString(ss.subs2[i], ss.n)
	}
	parts := make([]string, len(ss.pats[i]))
	for k, p := range ss.pats[i] {
		parts[k] = pattern(p, ss.n)
	}
	return "[" + strings.Join(parts, " ") + "]"
}

func (ss *subSplit) prunedNote() string {
	if ss.subs2 == nil {
		return ""
	}
	return fmt.Sprintf(" (%d more ruled out by collinearity)", ss.pruned)
}
