package search

import (
	"context"
	"errors"
	"fmt"
	"math/big"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"certify/cert"
	"certify/smt"
)

// EncSplit decides an existence query on one-dimensional data by a case split on the
// first hidden layer's activation pattern, one smaller query per case.
//
// Why the cases cover every network. Sort the distinct inputs x_(1) < … < x_(n). A unit
// σ(w·x + b) of the first layer with w ≠ 0 is, by positive homogeneity, (its outgoing
// weights divided by |w|) the unit σ(s·(x − t)) with s = sign(w) and t = −b/w. On the data
// its pattern is fixed by s and by the position p ∈ {0, …, n} of t among the inputs: for
// s = +1 it is active exactly on the points of rank > p (x_(p) ≤ t < x_(p+1)), for s = −1
// on the points of rank ≤ p (x_(p) < t ≤ x_(p+1)). A unit with w = 0 outputs a constant
// σ(b) ≥ 0 on every point, which the next layer's biases absorb: it can be replaced by a
// unit inactive on the data (s = +1, p = n) with the same outgoing weights. Units of a
// layer are interchangeable, so a case is a multiset of (s, p). In a case the first
// layer's outputs on the data are s·(x − t_u) or 0: affine in the unknown breakpoints t_u.
//
// When there are two hidden layers or more, each unit of the last hidden layer is also
// rescaled (positive homogeneity again) so that its output weight is −1, 0 or 1, and each
// unit of a middle layer so that its first incoming weight is. The remaining layers are
// written with ite, as in EncIte.
//
// The answer is sat when a case is (its model is a witness), unsat when every case is
// unsat, unknown otherwise. SplitScript writes every case into one SMT-LIB 2 script, each
// inside push/pop with its own check-sat: the expected answer of an unsat record is
// "unsat" on every line.
const EncSplit Encoding = "split"

// splitUnit is one first-layer unit of a case: sign s and position p.
type splitUnit struct{ s, p int }

// String writes +p (active on the points of rank > p) or −p (rank ≤ p).
func (u splitUnit) String() string {
	if u.s < 0 {
		return "−" + strconv.Itoa(u.p)
	}
	return "+" + strconv.Itoa(u.p)
}

// MaxSplitCases bounds the number of cases of a split: their number, C(2(n+1)+m−1, m) for
// n distinct inputs and m first-layer units, grows fast with both.
const MaxSplitCases = 100_000

// multisetCount is the number of multisets of m items over k kinds, C(k+m−1, m), or −1
// when it exceeds limit.
func multisetCount(k, m int, limit int64) int64 {
	c := new(big.Int).Binomial(int64(k+m-1), int64(m))
	if !c.IsInt64() || c.Int64() > limit {
		return -1
	}
	return c.Int64()
}

// multisets lists the multisets of m items over kinds (nondecreasing indices), in order.
func multisets[T any](kinds []T, m int) [][]T {
	var out [][]T
	cur := make([]T, 0, m)
	var rec func(start int)
	rec = func(start int) {
		if len(cur) == m {
			out = append(out, slices.Clone(cur))
			return
		}
		for i := start; i < len(kinds); i++ {
			cur = append(cur, kinds[i])
			rec(i)
			cur = cur[:len(cur)-1]
		}
	}
	rec(0)
	return out
}

// splitCaseCount is the number of cases, or −1 when it exceeds MaxSplitCases.
func splitCaseCount(n, m int) int64 { return multisetCount(2*(n+1), m, MaxSplitCases) }

// splitCases lists the multisets of m units over n distinct inputs.
func splitCases(n, m int) [][]splitUnit {
	var units []splitUnit
	for _, s := range []int{1, -1} {
		for p := 0; p <= n; p++ {
			units = append(units, splitUnit{s, p})
		}
	}
	return multisets(units, m)
}

// splitSupported says whether EncSplit applies: one input, one output, a hidden layer.
func splitSupported(a Arch, d *cert.Dataset) error {
	if d.D != 1 || a.InputDim != 1 {
		return fmt.Errorf("%w: the split encoding is for one-dimensional inputs", smt.ErrBadQuery)
	}
	if a.Outputs > 1 || d.LabelDim > 1 {
		return fmt.Errorf("%w: the split encoding is for one output", smt.ErrBadQuery)
	}
	if len(a.Hidden) == 0 {
		return fmt.Errorf("%w: the split encoding needs a hidden layer", smt.ErrBadQuery)
	}
	if splitCaseCount(d.N, a.Hidden[0]) < 0 {
		return fmt.Errorf("%w: the split encoding would have more than %d cases (%d points, %d first-layer units)", smt.ErrBadQuery, MaxSplitCases, d.N, a.Hidden[0])
	}
	return nil
}

// splitCaseQuery writes the query of one case. fixedT, when set, replaces the breakpoints
// by rationals (then the query is linear: used to rationalise an irrational witness).
//
// pats, when set (three hidden layers or more), fixes the second hidden layer's activation
// patterns (bit r−1: active at rank r) in place of its ite.
func splitCaseQuery(a Arch, d *cert.Dataset, cs []splitUnit, xs []*big.Rat, fixedT []*big.Rat, pats []uint64, maxDigits int) (*smt.Query, error) {
	var sb strings.Builder
	L := len(a.Hidden)
	widths := a.widths()
	var want []string
	declare := func(name string) {
		fmt.Fprintf(&sb, "(declare-const %s Real)\n", name)
		want = append(want, name)
	}
	lits, err := smt.Lits(xs, maxDigits)
	if err != nil {
		return nil, err
	}
	tName, err := splitBreakpoints(&sb, cs, lits, fixedT, maxDigits, declare)
	if err != nil {
		return nil, err
	}
	in := a.Hidden[0]
	for l := 1; l < len(widths); l++ {
		for u := 0; u < widths[l]; u++ {
			for k := 0; k < in; k++ {
				declare(paramW(l, u, k))
				// The last hidden layer's units are scaled so that their output weights are
				// in {−1, 0, 1}; a unit of a middle hidden layer (neither first nor last) so
				// that its first incoming weight is (positive homogeneity, layer by layer
				// from the input: each scaling only changes the next layer's free weights).
				if (l == L && L >= 2) || (k == 0 && l <= L-2) {
					fmt.Fprintf(&sb, "(assert (or (= %s (- 1.0)) (= %s 0.0) (= %s 1.0)))\n", paramW(l, u, k), paramW(l, u, k), paramW(l, u, k))
				}
			}
			declare(paramB(l, u))
		}
		in = widths[l]
	}
	nonlinear := fixedT == nil || L >= 2
	for p := 0; p < d.N; p++ {
		x := d.Input(p)[0]
		r := sort.Search(len(xs), func(i int) bool { return xs[i].Cmp(x) >= 0 }) + 1 // rank, 1-based
		xl, err := smt.Lit(x, maxDigits)
		if err != nil {
			return nil, err
		}
		cur := make([]string, len(cs))
		for u, c := range cs {
			switch {
			case c.s > 0 && r > c.p:
				cur[u] = "(- " + xl + " " + tName[u] + ")"
			case c.s < 0 && r <= c.p:
				cur[u] = "(- " + tName[u] + " " + xl + ")"
			default:
				cur[u] = ""
			}
		}
		for l := 1; l < len(widths); l++ {
			next := make([]string, widths[l])
			for u := range next {
				terms := []string{paramB(l, u)}
				for k, v := range cur {
					if v != "" {
						terms = append(terms, "(* "+paramW(l, u, k)+" "+v+")")
					}
				}
				affine := terms[0]
				if len(terms) > 1 {
					affine = "(+ " + strings.Join(terms, " ") + ")"
				}
				if l == len(widths)-1 {
					next[u] = affine
					continue
				}
				if pats != nil && l == 1 {
					if pats[u]>>(r-1)&1 == 1 {
						fmt.Fprintf(&sb, "(assert (>= %s 0.0))\n", affine)
						next[u] = affine
					} else {
						fmt.Fprintf(&sb, "(assert (<= %s 0.0))\n", affine)
						next[u] = ""
					}
					continue
				}
				z := "z" + strconv.Itoa(p) + "_" + strconv.Itoa(l) + "_" + strconv.Itoa(u)
				av := "a" + strconv.Itoa(p) + "_" + strconv.Itoa(l) + "_" + strconv.Itoa(u)
				fmt.Fprintf(&sb, "(declare-const %s Real)\n(assert (= %s %s))\n(declare-const %s Real)\n(assert (= %s (ite (> %s 0.0) %s 0.0)))\n", z, z, affine, av, av, z, z)
				next[u] = av
			}
			cur = next
		}
		y, err := smt.Lit(d.Target(p)[0], maxDigits)
		if err != nil {
			return nil, err
		}
		fmt.Fprintf(&sb, "(assert (= %s %s))\n", cur[0], y)
	}
	logic := "QF_LRA"
	if nonlinear {
		logic = "QF_NRA"
	}
	return &smt.Query{
		Name:  fmt.Sprintf("exists %s fitting %d points, first-layer case %v", a, d.N, cs),
		Logic: logic,
		Body:  sb.String(), Want: want, WantReal: true,
	}, nil
}

// splitBreakpoints declares the case's breakpoints t_u (or writes fixedT's literals) and
// asserts the position of each among the inputs (lits, sorted); it returns their names.
func splitBreakpoints(sb *strings.Builder, cs []splitUnit, lits []string, fixedT []*big.Rat, maxDigits int, declare func(string)) ([]string, error) {
	tName := make([]string, len(cs))
	for u, c := range cs {
		if fixedT != nil {
			s, err := smt.Lit(fixedT[u], maxDigits)
			if err != nil {
				return nil, err
			}
			tName[u] = s
		} else {
			tName[u] = "t" + strconv.Itoa(u)
			declare(tName[u])
		}
		lo, hi := "<=", "<"
		if c.s < 0 {
			lo, hi = "<", "<="
		}
		if c.p >= 1 {
			fmt.Fprintf(sb, "(assert (%s %s %s))\n", lo, lits[c.p-1], tName[u])
		}
		if c.p < len(lits) {
			fmt.Fprintf(sb, "(assert (%s %s %s))\n", hi, tName[u], lits[c.p])
		}
	}
	return tName, nil
}

// distinctInputs returns the sorted distinct one-dimensional inputs of d.
func distinctInputs(d *cert.Dataset) []*big.Rat {
	xs := make([]*big.Rat, 0, d.N)
	for p := 0; p < d.N; p++ {
		xs = append(xs, d.Input(p)[0])
	}
	sort.Slice(xs, func(i, j int) bool { return xs[i].Cmp(xs[j]) < 0 })
	out := xs[:0]
	for i, x := range xs {
		if i == 0 || x.Cmp(out[len(out)-1]) != 0 {
			out = append(out, x)
		}
	}
	return out
}

// SplitScript is every case of the split encoding in one SMT-LIB 2 script (push/pop
// around each case, one check-sat each).
func SplitScript(a Arch, d *cert.Dataset, maxDigits int) (string, error) {
	if a.Outputs == 0 {
		a.Outputs = 1
	}
	if err := splitSupported(a, d); err != nil {
		return "", err
	}
	xs := distinctInputs(d)
	return splitProofScript(a, d, xs, splitCases(len(xs), a.Hidden[0]), nil, nil, maxDigits)
}

// splitCaseLimit bounds each first-layer case in the first round (tests lower it to
// reach the second level).
var splitCaseLimit = 10 * time.Second

// existsSplit runs the split: cases in order, each with a share of the time left. With
// two hidden layers a case still undecided is split again on the second layer (split2.go),
// its sub-cases asked as one batch; the cases still undecided then get what time remains.
// It is the one-shard run of the sharded split (shard.go) followed by its merge, so that a
// merged sharded run and a single run are put together by the same code.
func existsSplit(ctx context.Context, s smt.Solver, a Arch, d *cert.Dataset, maxDigits int) (*ExistsResult, error) {
	p, err := ExistsSplitShard(ctx, s, a, d, maxDigits, 1, 1)
	if err != nil {
		return nil, err
	}
	return MergeSplit(a, d, maxDigits, []*SplitPartial{p})
}

// runSplitCases runs the split on the cases of cases that keep selects (all of them when
// keep is nil), recording each one's outcome in p.
//
// limit bounds each case at the first level (0: splitCaseLimit, 10 s).
func runSplitCases(ctx context.Context, s smt.Solver, a Arch, d *cert.Dataset, xs []*big.Rat, cases [][]splitUnit, keep func(int) bool, maxDigits int, limit time.Duration, p *SplitPartial) error {
	if limit <= 0 {
		limit = splitCaseLimit
	}
	start := time.Now()
	defer func() { p.Time = time.Since(start) }()
	canSub := len(a.Hidden) >= 2 && len(xs) <= split2MaxPoints
	index := map[string]int{}
	for i, cs := range cases {
		index[fmt.Sprint(cs)] = i
	}
	out := map[int]*SplitCase{}
	var pending [][]splitUnit
	for i, cs := range cases {
		if keep == nil || keep(i) {
			pending = append(pending, cs)
			out[i] = &SplitCase{Index: i, Case: fmt.Sprint(cs), Outcome: OutcomeSkipped}
		}
	}
	defer func() {
		for i := range cases {
			if c, ok := out[i]; ok {
				p.Cases = append(p.Cases, *c)
			}
		}
	}()
	at := func(cs []splitUnit) *SplitCase { return out[index[fmt.Sprint(cs)]] }
	irrational := false
	found := func(cs []splitUnit, round int, w *cert.Certificate, solver, note string) {
		c := at(cs)
		c.Outcome, c.Round = OutcomeSat, round
		p.Witness, p.WitnessSolver, p.WitnessNote, p.WitnessCase = w, solver, note, c.Index
	}
	// Mirror symmetry: a case left open whose mirror image was decided unsat is unsat.
	symmetric := mirrorSymmetric(d, xs)
	applyMirror := func(open [][]splitUnit) [][]splitUnit {
		if !symmetric || irrational {
			return open
		}
		isOpen := map[string]bool{}
		for _, cs := range open {
			isOpen[fmt.Sprint(cs)] = true
		}
		var still [][]splitUnit
		for _, cs := range open {
			m := fmt.Sprint(mirrorCase(cs, len(xs)))
			if isOpen[m] {
				still = append(still, cs)
				continue
			}
			c := at(cs)
			c.Outcome, c.MirrorOf = OutcomeMirror, m
		}
		return still
	}
	// Each case's wall and CPU time, summed over the rounds (flush ends the case's turn).
	var cur *SplitCase
	var t0 time.Time
	var c0 time.Duration
	round := 0
	flush := func() {
		if cur != nil {
			el := time.Since(t0)
			for len(cur.Rounds) <= round {
				cur.Rounds = append(cur.Rounds, 0)
			}
			cur.Rounds[round] += el
			cur.Time += el
			cur.CPU += userCPU() - c0
			cur = nil
		}
	}
	defer flush()
	for ; round < 3 && len(pending) > 0; round++ {
		if round == 1 && !canSub {
			continue
		}
		var undecided [][]splitUnit
		for i, cs := range pending {
			flush()
			if ctx.Err() != nil {
				for _, u := range pending[i:] {
					at(u).Outcome = OutcomeUnknown
				}
				undecided = append(undecided, pending[i:]...)
				break
			}
			cur, t0, c0 = at(cs), time.Now(), userCPU()
			per := limit
			if dl, ok := ctx.Deadline(); ok {
				left := time.Until(dl)
				if round > 0 {
					per = left / time.Duration(len(pending)-i)
				} else {
					per = min(per, max(left/time.Duration(len(pending)-i), 200*time.Millisecond))
				}
			}
			qctx, cancel := context.WithTimeout(ctx, per)
			if round == 1 {
				st, w, note, err := existsSubSplit(qctx, ctx, s, a, d, cs, xs, maxDigits)
				cancel()
				if big := (errSubTooLarge{}); errors.As(err, &big) {
					// Too many sub-cases to enumerate: the case stays open, naming the limit.
					c := at(cs)
					c.Outcome, c.SubNote = OutcomeUnknown, fmt.Sprintf("case %v: %s", cs, strings.TrimPrefix(big.msg, smt.ErrBadQuery.Error()+": "))
					undecided = append(undecided, cs)
					continue
				}
				if err != nil {
					return err
				}
				c := at(cs)
				switch st {
				case smt.Unsat:
					c.Outcome, c.Round, c.SubNote = OutcomeSub, round, note
				case smt.Sat:
					if w == nil {
						c.Outcome, c.Round, irrational = OutcomeIrrational, round, true
						c.IrrationalNote = fmt.Sprintf("case %v: %s", cs, note)
						continue
					}
					found(cs, round, w, note, fmt.Sprintf("first-layer case %v of %d, %s", cs, len(cases), note))
					return nil
				default:
					c.Outcome, c.SubNote = OutcomeUnknown, note
					undecided = append(undecided, cs)
				}
				continue
			}
			q, err := splitCaseQuery(a, d, cs, xs, nil, nil, maxDigits)
			if err != nil {
				cancel()
				return err
			}
			res, err := s.Solve(qctx, q)
			cancel()
			if err != nil {
				return err
			}
			c := at(cs)
			switch res.Status {
			case smt.Unsat:
				c.Outcome, c.Round = OutcomeUnsat, round
				continue
			case smt.Unknown:
				c.Outcome = OutcomeUnknown
				// (kept through the last level, which asks the first level again)
				c.FirstFull = c.FirstFull || (round == 0 && per == limit)
				undecided = append(undecided, cs)
				continue
			}
			w, note, err := splitWitness(ctx, s, a, d, cs, func(ts []*big.Rat) (*smt.Query, error) {
				return splitCaseQuery(a, d, cs, xs, ts, nil, maxDigits)
			}, nil, res)
			if err != nil {
				return err
			}
			if w == nil {
				c.Outcome, c.Round, irrational = OutcomeIrrational, round, true
				c.IrrationalNote = fmt.Sprintf("case %v: %s", cs, note)
				continue
			}
			found(cs, round, w, res.Solver, fmt.Sprintf("first-layer case %v of %d%s", cs, len(cases), note))
			return nil
		}
		flush()
		pending = applyMirror(undecided)
	}
	return nil
}

// existsSubSplit decides a first-layer case by its second-layer sub-cases, asked as one
// batch under ctx; a sub-case found sat is asked again alone (under parent) for its model.
// The note says how many sub-cases there were and who decided them.
func existsSubSplit(ctx, parent context.Context, s smt.Solver, a Arch, d *cert.Dataset, cs []splitUnit, xs []*big.Rat, maxDigits int) (smt.Status, *cert.Certificate, string, error) {
	ss, err := newSubSplit(a, d, cs, xs, maxDigits)
	if err != nil {
		return smt.Unknown, nil, "", err
	}
	return existsSubRange(ctx, parent, s, a, d, cs, ss, 0, len(ss.batch.Bodies))
}

// existsSubRange is existsSubSplit on the sub-cases lo ≤ i < hi of ss only (a work item
// of a fine second round, see shard_sub.go).
func existsSubRange(ctx, parent context.Context, s smt.Solver, a Arch, d *cert.Dataset, cs []splitUnit, ss *subSplit, lo, hi int) (smt.Status, *cert.Certificate, string, error) {
	bt := *ss.batch
	bt.Bodies = bt.Bodies[lo:hi]
	res, err := smt.SolveBatch(ctx, s, &bt, 20*time.Second)
	if err != nil {
		return smt.Unknown, nil, "", err
	}
	witness := func(i int, r smt.Result) (smt.Status, *cert.Certificate, string, error) {
		w, note, err := splitWitness(parent, s, a, d, cs, func(ts []*big.Rat) (*smt.Query, error) { return ss.query(lo+i, ts) }, ss.fixed(lo+i), r)
		if err != nil {
			return smt.Unknown, nil, "", err
		}
		if w == nil {
			return smt.Sat, nil, fmt.Sprintf("sub-case %s: %s", ss.name(lo+i), note), nil
		}
		return smt.Sat, w, fmt.Sprintf("%s, second-layer sub-case %s%s", r.Solver, ss.name(lo+i), note), nil
	}
	by := map[string]int{}
	for i, st := range res.Status {
		if st == smt.Unknown {
			continue
		}
		by[res.Solver[i]]++
		if st != smt.Sat {
			continue
		}
		q, err := ss.query(lo+i, nil)
		if err != nil {
			return smt.Unknown, nil, "", err
		}
		r, err := s.Solve(parent, q)
		if err != nil {
			return smt.Unknown, nil, "", err
		}
		if r.Status != smt.Sat {
			continue
		}
		return witness(i, r)
	}
	// The few sub-cases the batch left open: each alone, with the time left shared.
	var open []int
	for i, st := range res.Status {
		if st == smt.Unknown {
			open = append(open, i)
		}
	}
	if len(open) <= 8 {
		for k, i := range open {
			if ctx.Err() != nil {
				break
			}
			per := time.Duration(0)
			if dl, ok := ctx.Deadline(); ok {
				per = time.Until(dl) / time.Duration(len(open)-k)
			}
			q, err := ss.query(lo+i, nil)
			if err != nil {
				return smt.Unknown, nil, "", err
			}
			qctx, cancel := ctx, context.CancelFunc(func() {})
			if per > 0 {
				qctx, cancel = context.WithTimeout(ctx, per)
			}
			r, err := s.Solve(qctx, q)
			cancel()
			if err != nil {
				return smt.Unknown, nil, "", err
			}
			switch r.Status {
			case smt.Unsat:
				res.Status[i], res.Solver[i] = smt.Unsat, r.Solver
				by[r.Solver+" alone"]++
			case smt.Sat:
				return witness(i, r)
			}
		}
	}
	who := make([]string, 0, len(by))
	for k, n := range by {
		who = append(who, fmt.Sprintf("%d by %s", n, k))
	}
	sort.Strings(who)
	what := fmt.Sprintf("%d sub-cases%s", len(bt.Bodies), ss.prunedNote())
	if hi-lo < len(ss.batch.Bodies) {
		what = fmt.Sprintf("sub-cases %d..%d of %d", lo, hi-1, len(ss.batch.Bodies))
	}
	note := fmt.Sprintf("case %v: %s, %d unsat (%s) in %s",
		cs, what, res.Decided(), strings.Join(who, ", "), res.Time.Round(time.Millisecond))
	if res.Decided() < len(bt.Bodies) {
		return smt.Unknown, nil, note, nil
	}
	return smt.Unsat, nil, note, nil
}

// splitProofScript is the SMT-LIB 2 script of an unsat split: every first-layer case in
// push/pop, or, for those in sub (by their printed name), the case's sub-cases as a batch.
//
// mirrored names the cases left out as mirror images of unsat ones (see mirrorSymmetric).
func splitProofScript(a Arch, d *cert.Dataset, xs []*big.Rat, cases [][]splitUnit, sub map[string]bool, mirrored map[string]string, maxDigits int) (string, error) {
	var b strings.Builder
	nsub := 0
	for _, cs := range cases {
		if sub[fmt.Sprint(cs)] {
			nsub++
		}
	}
	fmt.Fprintf(&b, "; certify: does a ReLU network %s fit these %d points exactly? encoding split:\n", a, d.N)
	fmt.Fprintf(&b, "; %d cases of the first hidden layer's activation pattern, each in push/pop;\n", len(cases))
	if nsub > 0 {
		fmt.Fprintf(&b, "; %d of them as their sub-cases (second hidden layer's output signs and patterns),\n", nsub)
		b.WriteString("; each in its own push/pop (why these sub-cases cover the case: smt/split2.go).\n")
	}
	b.WriteString("; unsat on every line: no network of this architecture fits the data.\n")
	b.WriteString("; cvc5 needs --incremental for push/pop; z3 is much slower than cvc5 on some cases.\n")
	b.WriteString("(set-logic QF_NRA)\n")
	if len(mirrored) > 0 {
		fmt.Fprintf(&b, "; %d cases are left out: each is the mirror image of a case below (x ↦ −x reverses the\n", len(mirrored))
		b.WriteString("; data, which are symmetric up to an affine map of the targets; see mirrorSymmetric in smt/split.go).\n")
	}
	for _, cs := range cases {
		if m, ok := mirrored[fmt.Sprint(cs)]; ok {
			fmt.Fprintf(&b, "; case %v: the mirror image of case %s\n", cs, m)
			continue
		}
		if sub[fmt.Sprint(cs)] {
			ss, err := newSubSplit(a, d, cs, xs, maxDigits)
			if err != nil {
				return "", err
			}
			fmt.Fprintf(&b, "; case %v: %d sub-cases%s\n", cs, len(ss.batch.Bodies), ss.prunedNote())
			bt := ss.batch
			bt.WriteTo(&b, false)
			continue
		}
		q, err := splitCaseQuery(a, d, cs, xs, nil, nil, maxDigits)
		if err != nil {
			return "", err
		}
		fmt.Fprintf(&b, "; case %v\n(push 1)\n%s(check-sat)\n(pop 1)\n", cs, q.Body)
	}
	b.WriteString("(exit)\n")
	return b.String(), nil
}

// splitWitness turns a case's model into a witness certificate; an irrational model is
// rationalised by fixing the breakpoints to decimal truncations and solving the rest again
// (requery writes the query with the breakpoints fixed: linear for one hidden layer or a
// two-layer sub-case, much smaller in any case). fixed holds parameters the query does not
// ask (a sub-case's output weights).
func splitWitness(ctx context.Context, s smt.Solver, a Arch, d *cert.Dataset, cs []splitUnit, requery func([]*big.Rat) (*smt.Query, error), fixed map[string]*big.Rat, res smt.Result) (*cert.Certificate, string, error) {
	ts := make([]*big.Rat, len(cs))
	model := res.Model
	note := ""
	rational := true
	for _, v := range model {
		if v.Algebraic {
			rational = false
			break
		}
	}
	if !rational {
		found := false
		for _, digits := range []int{2, 4, 8, 16, 30} {
			for u := range cs {
				r, ok := truncDecimal(model["t"+strconv.Itoa(u)], digits)
				if !ok {
					return nil, "an irrational breakpoint without a decimal value", nil
				}
				if v := model["t"+strconv.Itoa(u)]; v.Rat != nil {
					r = v.Rat
				}
				ts[u] = r
			}
			q, err := requery(ts)
			if err != nil {
				return nil, "", err
			}
			r2, err := s.Solve(ctx, q)
			if err != nil {
				return nil, "", err
			}
			if r2.Status != smt.Sat {
				continue
			}
			ok := true
			for _, v := range r2.Model {
				ok = ok && !v.Algebraic
			}
			if ok {
				model, found = r2.Model, true
				note = fmt.Sprintf("; irrational model rationalised (breakpoints truncated to %d decimals, the rest solved again)", digits)
				break
			}
		}
		if !found {
			return nil, "irrational model, no rational witness found near it", nil
		}
	} else {
		for u := range cs {
			ts[u] = model["t"+strconv.Itoa(u)].Rat
		}
	}
	vals := map[string]*big.Rat{}
	for u, c := range cs {
		t := ts[u]
		if t == nil {
			t = new(big.Rat)
		}
		vals[paramW(0, u, 0)] = big.NewRat(int64(c.s), 1)
		vals[paramB(0, u)] = new(big.Rat).Mul(t, big.NewRat(int64(-c.s), 1))
	}
	for name, v := range model {
		if v.Rat != nil && !strings.HasPrefix(name, "t") {
			vals[name] = v.Rat
		}
	}
	for name, v := range fixed {
		vals[name] = v
	}
	for _, name := range a.Params() {
		if vals[name] == nil {
			vals[name] = new(big.Rat) // not in the model: unconstrained
		}
	}
	return witnessCert(a, d, vals, fmt.Sprintf("%s, encoding split, first-layer case %v", res.Solver, cs)), note, nil
}

// mirrorSymmetric says whether the data are their own mirror image up to an affine map of
// the targets: sorted inputs with x_(i) + x_(n+1−i) constant, and targets with
// y_(n+1−i) = α + β·y_(i) for some α and β ≠ 0 (one output). Then a network fits the data
// if and only if its mirror image does — negate the first layer's weights (x ↦ c − x is
// absorbed by the biases) and map the output affinely (the output layer is affine) — and
// the mirror image of a network in first-layer case C is in case mirrorCase(C): one of
// the two is unsat exactly when the other is.
func mirrorSymmetric(d *cert.Dataset, xs []*big.Rat) bool {
	n := len(xs)
	if n < 2 || d.LabelDim > 1 {
		return false
	}
	data := newSplit2Data(d, xs)
	c := new(big.Rat).Add(xs[0], xs[n-1])
	for i := 0; i < n; i++ {
		if data.ys[i] == nil || new(big.Rat).Add(xs[i], xs[n-1-i]).Cmp(c) != 0 {
			return false
		}
	}
	// Find α, β from two points with different targets (all equal: β = 1, α = 0 works
	// when the mirrored targets are equal to them too).
	var alpha, beta *big.Rat
	for i := 1; i < n; i++ {
		if dy := new(big.Rat).Sub(data.ys[i], data.ys[0]); dy.Sign() != 0 {
			beta = new(big.Rat).Quo(new(big.Rat).Sub(data.ys[n-1-i], data.ys[n-1]), dy)
			alpha = new(big.Rat).Sub(data.ys[n-1], new(big.Rat).Mul(beta, data.ys[0]))
			break
		}
	}
	if beta == nil {
		beta, alpha = big.NewRat(1, 1), new(big.Rat)
	}
	if beta.Sign() == 0 {
		return false
	}
	for i := 0; i < n; i++ {
		want := new(big.Rat).Add(alpha, new(big.Rat).Mul(beta, data.ys[i]))
		if data.ys[n-1-i].Cmp(want) != 0 {
			return false
		}
	}
	return true
}

// mirrorCase is the first-layer case of a network's mirror image: a unit active on the
// ranks above p is active, mirrored, on the ranks up to n − p, and the reverse; listed in
// the order of splitCases.
func mirrorCase(cs []splitUnit, n int) []splitUnit {
	out := make([]splitUnit, len(cs))
	for i, c := range cs {
		out[i] = splitUnit{-c.s, n - c.p}
	}
	idx := func(u splitUnit) int {
		if u.s > 0 {
			return u.p
		}
		return n + 1 + u.p
	}
	slices.SortFunc(out, func(a, b splitUnit) int { return idx(a) - idx(b) })
	return out
}
