package cert

// Pieces claims: the restriction of a network to a segment, its activation regions and
// its affine pieces, counted exactly.
//
// # The claim
//
// A pieces claim speaks of g(t) = f(a + t·v) for t in [t0, t1]: f restricted to a segment
// of its input space (for a network with one input, a = ["0"], v = ["1"] makes g = f on
// the interval [t0, t1]). Its JSON form:
//
//	{
//	  "kind": "pieces",
//	  "segment": {"a": ["0"], "v": ["1"], "t0": "0", "t1": "1"},
//	  "regions": 8,
//	  "pieces": 8,
//	  "breakpoints": [{"start": "1/8", "step": "1/8", "count": 7}],
//	  "piece_breakpoints": ["1/8", "1/4", {"start": "3/8", "step": "1/8", "count": 5}]
//	}
//
//	segment.a, segment.v  exact rationals, one per network input; v must not be zero
//	segment.t0, t1        exact rationals with t0 < t1
//	regions               the number of activation regions: 1 + the number of breakpoints
//	pieces                the number of affine pieces: 1 + the number of piece_breakpoints
//	breakpoints           the region boundaries, strictly increasing, all in (t0, t1)
//	piece_breakpoints     the piece boundaries: the breakpoints (a subset, in the same
//	                      order) at which g stops being affine
//
// Both lists are lists of runs. A run is either one exact rational (a string) or an
// arithmetic progression {"start": S, "step": D, "count": C} standing for the C points
// S, S+D, …, S+(C−1)·D (C ≥ 1; D > 0, and D may be omitted when C = 1). Runs follow one
// another in increasing order. The form is only a compact spelling: every point of every
// run is checked, one region at a time, without expanding the lists in memory.
//
// # What is checked
//
// The activation pattern of a point is the state (Activation.State) of every unit of
// every layer, the output layer included, since its activation shapes g too. A region
// boundary is a point of (t0, t1) where the pattern is not locally constant; a piece
// boundary is a point of (t0, t1) near which g is not affine (not affine on any
// neighbourhood of the point). The claim holds when the breakpoints are exactly the
// region boundaries, the piece breakpoints exactly the piece boundaries, and the counts
// match. The kernel believes none of it. For each claimed region (lo, hi) between
// consecutive points of t0, breakpoints…, t1:
//
//  1. it takes the pattern at an interior point m (the mediant of lo and hi in lowest
//     terms) and forms, for that pattern, every unit's pre-activation as an affine map
//     α + β·t, layer after layer;
//  2. it verifies at t = lo and t = hi that every unit satisfies the closed form of its
//     state's condition (relu, leaky-relu, step: z ≥ 0 for state 1, z ≤ 0 for 0;
//     hard-tanh: z ≤ −1, −1 ≤ z ≤ 1, z ≥ 1). An affine map that satisfies a closed
//     condition at both ends and its strict form at m satisfies the strict one on all of
//     (lo, hi); by induction over the layers the pattern is constant on the open region
//     and g equals the output map there. If a condition fails, a breakpoint is missing
//     inside the region (code pieces-missing-breakpoint).
//  3. at each breakpoint b it compares the patterns on the two sides: if they are equal
//     the pattern is constant near b (a unit's pre-activation is then affine across b,
//     and its state at b equals its state on both sides), so b is no breakpoint
//     (pieces-not-a-breakpoint). Otherwise b is a piece boundary exactly when the output
//     maps of the two sides differ (slope or intercept, any output coordinate) or — only
//     possible with step units, whose value jumps — when g(b), computed by Eval at
//     a + b·v, differs from the common map's value at b. A piece breakpoint where g is
//     affine is refuted as pieces-not-a-breakpoint; a piece boundary missing from
//     piece_breakpoints as pieces-missing-breakpoint.
//  4. regions and pieces must equal 1 + the number of breakpoints and 1 + the number of
//     piece breakpoints (pieces-count).
//
// For a step network a jump is a piece boundary even where the maps on both sides agree;
// the values at t0 and t1 themselves are not part of the claim.
//
// # Arithmetic
//
// Breakpoints are big.Rat. The affine maps are computed exactly with int64 integers over
// per-layer scales (as in the int64 engine of fast.go): every product and sum is checked
// for overflow, sign tests of α·q + β·p use 128-bit products, and if any value leaves
// (−2^62, 2^62) the whole claim is checked again with math/big rationals, which is the
// reference the fast path is tested against.

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/big"
	"time"

	"certify/internal/exactint"
)

// maxPieceRegions bounds the number of regions a pieces claim may list (after expanding
// runs), so that a hostile count cannot make the kernel work without end.
const maxPieceRegions = 1 << 26

// Segment is {A + t·V : t ∈ [T0, T1]} in the network's input space.
type Segment struct {
	A, V   []*big.Rat
	T0, T1 *big.Rat
}

// Point returns A + t·V.
func (s Segment) Point(t *big.Rat) []*big.Rat {
	x := make([]*big.Rat, len(s.A))
	for i := range x {
		x[i] = new(big.Rat).Mul(t, s.V[i])
		x[i].Add(x[i], s.A[i])
	}
	return x
}

// Run is the arithmetic progression Start, Start+Step, …, Start+(Count−1)·Step. Step is
// nil when Count is 1.
type Run struct {
	Start, Step *big.Rat
	Count       int
}

// PiecesClaim states the activation regions and the affine pieces of the network
// restricted to a segment. See the comment at the top of pieces.go for its meaning.
type PiecesClaim struct {
	Segment          Segment
	Breakpoints      []Run // region boundaries
	PieceBreakpoints []Run // the region boundaries that are piece boundaries
	Regions, Pieces  int
}

// ---- wire form ----

type wirePieces struct {
	Kind             string            `json:"kind"`
	Segment          *wireSegment      `json:"segment"`
	Regions          *int              `json:"regions"`
	Pieces           *int              `json:"pieces"`
	Breakpoints      []json.RawMessage `json:"breakpoints"`
	PieceBreakpoints []json.RawMessage `json:"piece_breakpoints"`
}

type wireSegment struct {
	A  []string `json:"a"`
	V  []string `json:"v"`
	T0 string   `json:"t0"`
	T1 string   `json:"t1"`
}

type wireRun struct {
	Start string `json:"start"`
	Step  string `json:"step,omitempty"`
	Count int    `json:"count"`
}

func decodePieces(raw json.RawMessage, path string, c *Certificate, lim Limits) (Claim, error) {
	var w wirePieces
	if err := strictUnmarshal(raw, &w); err != nil {
		if me, ok := err.(*MalformedError); ok {
			me.Path = path + "." + me.Path
		}
		return nil, err
	}
	if w.Segment == nil {
		return nil, fieldErr(path+".segment", "missing")
	}
	seg, err := decodeSegment(w.Segment, path+".segment", c.Network.InputDim, lim)
	if err != nil {
		return nil, err
	}
	cl := PiecesClaim{Segment: seg}
	for _, f := range []struct {
		name string
		v    *int
		dst  *int
	}{{"regions", w.Regions, &cl.Regions}, {"pieces", w.Pieces, &cl.Pieces}} {
		if f.v == nil {
			return nil, fieldErr(path+"."+f.name, "missing")
		}
		if *f.v < 1 {
			return nil, fieldErr(path+"."+f.name, "must be at least 1, got %d", *f.v)
		}
		*f.dst = *f.v
	}
	if cl.Breakpoints, err = decodeRuns(w.Breakpoints, path+".breakpoints", seg, lim); err != nil {
		return nil, err
	}
	if cl.PieceBreakpoints, err = decodeRuns(w.PieceBreakpoints, path+".piece_breakpoints", seg, lim); err != nil {
		return nil, err
	}
	return cl, nil
}

func decodeSegment(w *wireSegment, path string, dim int, lim Limits) (Segment, error) {
	var s Segment
	var err error
	for _, f := range []struct {
		name string
		in   []string
		dst  *[]*big.Rat
	}{{"a", w.A, &s.A}, {"v", w.V, &s.V}} {
		if f.in == nil {
			return s, fieldErr(path+"."+f.name, "missing")
		}
		if len(f.in) != dim {
			return s, fieldErr(path+"."+f.name, "has %d entries but the network's input dimension is %d", len(f.in), dim)
		}
		if *f.dst, err = parseRatsAt(path+"."+f.name, f.in, lim); err != nil {
			return s, err
		}
	}
	zero := true
	for _, x := range s.V {
		zero = zero && x.Sign() == 0
	}
	if zero {
		return s, fieldErr(path+".v", "is the zero vector; a segment needs a direction")
	}
	for _, f := range []struct {
		name, in string
		dst      **big.Rat
	}{{"t0", w.T0, &s.T0}, {"t1", w.T1, &s.T1}} {
		if f.in == "" {
			return s, fieldErr(path+"."+f.name, "missing")
		}
		if *f.dst, err = ParseRat(f.in, lim.MaxDigits); err != nil {
			return s, fieldErr(path+"."+f.name, "%v", err)
		}
	}
	switch s.T0.Cmp(s.T1) {
	case 0:
		return s, fieldErr(path, "is empty: t0 = t1 = %s (a pieces claim needs t0 < t1)", s.T0.RatString())
	case 1:
		return s, fieldErr(path, "has t0 = %s > t1 = %s (a pieces claim needs t0 < t1)", s.T0.RatString(), s.T1.RatString())
	}
	return s, nil
}

// decodeRuns reads a list of runs and checks that its points increase strictly and lie
// in (t0, t1). Checking the first and last point of each run suffices: a run with a
// positive step increases.
func decodeRuns(raws []json.RawMessage, path string, seg Segment, lim Limits) ([]Run, error) {
	if raws == nil {
		return nil, fieldErr(path, "missing (write [] when there is none)")
	}
	runs := make([]Run, 0, len(raws))
	total := 0
	prev := seg.T0
	for i, raw := range raws {
		p := fmt.Sprintf("%s[%d]", path, i)
		var r Run
		raw = bytes.TrimSpace(raw)
		if len(raw) > 0 && raw[0] == '"' {
			var s string
			if err := json.Unmarshal(raw, &s); err != nil {
				return nil, fieldErr(p, "%v", err)
			}
			t, err := ParseRat(s, lim.MaxDigits)
			if err != nil {
				return nil, fieldErr(p, "%v", err)
			}
			r = Run{Start: t, Count: 1}
		} else {
			var wr wireRun
			if err := strictUnmarshal(raw, &wr); err != nil {
				return nil, fieldErr(p, "a breakpoint is an exact rational (a string) or a run {\"start\", \"step\", \"count\"}: %v", err)
			}
			if wr.Count < 1 {
				return nil, fieldErr(p+".count", "must be at least 1, got %d", wr.Count)
			}
			t, err := ParseRat(wr.Start, lim.MaxDigits)
			if err != nil {
				return nil, fieldErr(p+".start", "%v", err)
			}
			r = Run{Start: t, Count: wr.Count}
			if wr.Step != "" || wr.Count > 1 {
				if r.Step, err = ParseRat(wr.Step, lim.MaxDigits); err != nil {
					return nil, fieldErr(p+".step", "%v", err)
				}
				if r.Step.Sign() <= 0 {
					return nil, fieldErr(p+".step", "must be positive, got %s", r.Step.RatString())
				}
			}
		}
		if total += r.Count; total > maxPieceRegions {
			return nil, fieldErr(path, "lists more than %d points (limit)", maxPieceRegions)
		}
		if r.Start.Cmp(prev) <= 0 {
			what := "the previous breakpoint"
			if i == 0 {
				what = "t0"
			}
			return nil, fieldErr(p, "%s is not greater than %s (%s); breakpoints increase strictly inside (t0, t1)", r.Start.RatString(), what, prev.RatString())
		}
		last := r.Start
		if r.Count > 1 {
			last = new(big.Rat).SetInt64(int64(r.Count - 1))
			last.Mul(last, r.Step)
			last.Add(last, r.Start)
		}
		if last.Cmp(seg.T1) >= 0 {
			return nil, fieldErr(p, "reaches %s, not below t1 = %s; breakpoints lie strictly inside (t0, t1)", last.RatString(), seg.T1.RatString())
		}
		prev = last
		runs = append(runs, r)
	}
	return runs, nil
}

// runIter walks the points of a list of runs in order. It alternates between two
// rationals, so a point it returned stays valid until the call after next.
type runIter struct {
	runs []Run
	ri   int // current run
	k    int // next index inside it
	buf  [2]big.Rat
	cur  int // the buffer holding the last point
}

// next returns the next point, the index of its run, and false when the list is
// exhausted.
func (it *runIter) next() (*big.Rat, int, bool) {
	for it.ri < len(it.runs) && it.k >= it.runs[it.ri].Count {
		it.ri++
		it.k = 0
	}
	if it.ri >= len(it.runs) {
		return nil, -1, false
	}
	r := it.runs[it.ri]
	t := &it.buf[1-it.cur]
	if it.k == 0 {
		t.Set(r.Start)
	} else {
		t.Add(&it.buf[it.cur], r.Step)
	}
	it.cur = 1 - it.cur
	it.k++
	return t, it.ri, true
}

// ---- checking ----

// regionEval computes, for one region at a time, the pattern and the affine maps, and
// remembers the previous region's for comparison.
type regionEval interface {
	// region sets the current region to (lo, hi): its pattern at an interior point and
	// its maps; it returns the first unit whose state's condition fails at lo or hi (nil
	// if none), and ok = false when the int64 path overflowed.
	region(lo, hi *big.Rat) (bad *unitFail, ok bool)
	samePattern() bool             // current pattern = previous pattern
	sameMap() bool                 // current output map = previous output map
	prevOut(t *big.Rat) []*big.Rat // the previous region's output map at t
	swap()                         // the current region becomes the previous one
}

type unitFail struct {
	layer, unit int
	at          *big.Rat // the endpoint where the condition fails
	state       byte
	z           *big.Rat // the pre-activation there
}

// closedHolds reports whether a pre-activation z with cmp(z,0) = c0, cmp(z,−1) = cm,
// cmp(z,1) = cp satisfies the closed condition of state st.
func closedHolds(a Activation, st byte, c0, cm, cp int) bool {
	switch a.Kind {
	case ActReLU, ActLeakyReLU, ActStep:
		if st == '1' {
			return c0 >= 0
		}
		return c0 <= 0
	case ActHardTanh:
		switch st {
		case '-':
			return cm <= 0
		case '+':
			return cp >= 0
		}
		return cm >= 0 && cp <= 0
	}
	return true
}

func (cl PiecesClaim) check(c *Certificate, ci int, _ Sizes) (Status, int, string, *Failure) {
	st, k, d, f, _ := cl.checkWithin(c, ci, Options{}.budget(time.Now()))
	return st, k, d, f
}

// checkWithin checks the claim with the budget's engine and limits, and names the engine
// that decided it. The auto engine walks the regions in checked int64 arithmetic and
// walks them again in math/big if a value leaves its range; big and reference walk them
// in math/big rationals (bigRegionEval, the plain walk).
func (cl PiecesClaim) checkWithin(c *Certificate, ci int, bud budget) (Status, int, string, *Failure, string) {
	n := c.Network
	if bud.engine == EngineAuto {
		if ev := newIntRegionEval(n, cl.Segment); ev != nil {
			if st, k, d, f, ok := cl.walk(n, ev, ci, bud); ok {
				return st, k, d, f, "int64"
			}
		}
	}
	name := "big"
	if bud.engine == EngineReference {
		name = "reference"
	}
	ev := newBigRegionEval(n, cl.Segment, bud.maxBits)
	st, k, d, f, ok := cl.walk(n, ev, ci, bud)
	if !ok {
		msg := bud.bitsMsg(fmt.Sprintf("in region %d of %d", k, cl.totalRegions()))
		if bud.late() {
			msg = bud.timeMsg(k, cl.totalRegions(), "regions")
		}
		return Undecided, k, "", limitFailure(fmt.Sprintf("claims[%d]", ci), msg), name
	}
	return st, k, d, f, name
}

// totalRegions is the number of regions the claim's breakpoints make.
func (cl PiecesClaim) totalRegions() int {
	n := 1
	for _, r := range cl.Breakpoints {
		n += r.Count
	}
	return n
}

// walk checks the claim region after region. ok is false when ev could not evaluate a
// region (the int64 path left its range, or a number outgrew the size limit); regions
// is then the number of regions done. When the deadline passes the claim is Undecided.
func (cl PiecesClaim) walk(n *Network, ev regionEval, ci int, bud budget) (Status, int, string, *Failure, bool) {
	hasStep := false
	for _, l := range n.Layers {
		for _, a := range l.Act {
			hasStep = hasStep || a.Kind == ActStep
		}
	}
	path := fmt.Sprintf("claims[%d]", ci)
	fail := func(code Code, p, want, got, msg string, args ...any) *Failure {
		return &Failure{Code: code, Path: p, Point: -1, Layer: -1, Unit: -1, Want: want, Got: got, Message: fmt.Sprintf(msg, args...)}
	}
	bp := &runIter{runs: cl.Breakpoints}
	pb := &runIter{runs: cl.PieceBreakpoints}
	pbT, pbRun, pbOK := pb.next()
	lo := cl.Segment.T0
	loRun := -1
	regions, pieces := 0, 1
	for {
		if bud.late() {
			return Undecided, regions, "", limitFailure(path, bud.timeMsg(regions, cl.totalRegions(), "regions")), true
		}
		hi, hiRun, more := bp.next()
		if !more {
			hi = cl.Segment.T1
		}
		bad, ok := ev.region(lo, hi)
		if !ok {
			return 0, regions, "", nil, false
		}
		if bad != nil {
			f := fail(CodePiecesMissing, path+".breakpoints", stateName(bad.state), "pre-activation "+bad.z.RatString(),
				"region %d (%s, %s): unit %d of layer %d is in state %s inside the region but not at t = %s, so a breakpoint is missing in between",
				regions, lo.RatString(), hi.RatString(), bad.unit, bad.layer, stateName(bad.state), bad.at.RatString())
			f.Layer, f.Unit = bad.layer, bad.unit
			return Refuted, regions, "", f, true
		}
		regions++
		if regions > 1 { // lo is breakpoint number regions-2
			bpath := fmt.Sprintf("%s.breakpoints[%d]", path, loRun)
			if ev.samePattern() {
				return Refuted, regions, "", fail(CodePiecesNotBreakpoint, bpath, "a change of activation pattern", "the same pattern on both sides",
					"t = %s (breakpoint #%d) is not a breakpoint: the activation pattern is the same on both sides", lo.RatString(), regions-2), true
			}
			isPiece := !ev.sameMap()
			if !isPiece && hasStep {
				g, li := n.eval(cl.Segment.Point(lo), nil, bud.maxBits, bud.deadline)
				if li >= 0 {
					return 0, regions, "", nil, false
				}
				isPiece = ratKey(g) != ratKey(ev.prevOut(lo))
			}
			if pbOK && pbT.Cmp(lo) < 0 {
				return Refuted, regions, "", fail(CodePiecesNotBreakpoint, fmt.Sprintf("%s.piece_breakpoints[%d]", path, pbRun), "", "",
					"piece breakpoint t = %s is not among the breakpoints (region boundaries)", pbT.RatString()), true
			}
			claimed := pbOK && pbT.Cmp(lo) == 0
			switch {
			case claimed && !isPiece:
				return Refuted, regions, "", fail(CodePiecesNotBreakpoint, fmt.Sprintf("%s.piece_breakpoints[%d]", path, pbRun), "a piece boundary", "the same affine map on both sides",
					"t = %s is claimed a piece breakpoint but the function is affine across it (the activation pattern changes, the affine map does not)", lo.RatString()), true
			case !claimed && isPiece:
				return Refuted, regions, "", fail(CodePiecesMissing, path+".piece_breakpoints", "no piece boundary", "the affine map changes",
					"the function's affine map changes at breakpoint t = %s but piece_breakpoints does not list it", lo.RatString()), true
			}
			if claimed {
				pieces++
				pbT, pbRun, pbOK = pb.next()
			}
		}
		ev.swap()
		if !more {
			break
		}
		lo, loRun = hi, hiRun
	}
	if pbOK {
		return Refuted, regions, "", fail(CodePiecesNotBreakpoint, fmt.Sprintf("%s.piece_breakpoints[%d]", path, pbRun), "", "",
			"piece breakpoint t = %s is not among the breakpoints (region boundaries)", pbT.RatString()), true
	}
	if cl.Regions != regions {
		return Refuted, regions, "", fail(CodePiecesCount, path+".regions", fmt.Sprint(cl.Regions), fmt.Sprint(regions),
			"the claim states %d regions; its breakpoints make %d", cl.Regions, regions), true
	}
	if cl.Pieces != pieces {
		return Refuted, regions, "", fail(CodePiecesCount, path+".pieces", fmt.Sprint(cl.Pieces), fmt.Sprint(pieces),
			"the claim states %d pieces; its piece breakpoints make %d", cl.Pieces, pieces), true
	}
	return Verified, regions, fmt.Sprintf("%d regions, %d pieces on t in [%s, %s]", regions, pieces,
		cl.Segment.T0.RatString(), cl.Segment.T1.RatString()), nil, true
}

func stateName(st byte) string { return "'" + string(st) + "'" }

// mediant returns (p1+p2)/(q1+q2) for lo = p1/q1 < hi = p2/q2 in lowest terms: a point
// strictly between them.
func mediant(lo, hi *big.Rat) *big.Rat {
	num := new(big.Int).Add(lo.Num(), hi.Num())
	den := new(big.Int).Add(lo.Denom(), hi.Denom())
	return new(big.Rat).SetFrac(num, den)
}

// ---- math/big reference ----

type bigRegionEval struct {
	n                 *Network
	seg               Segment      // the segment: the input map is A + V·t
	maxBits           int          // the number size limit (≤ 0: none)
	al1, be1          []*big.Rat   // layer-1 pre-activations: al1 + be1·t
	aa, ab            [][]*big.Rat // activation maps of the current region, per layer
	pat, prev         []byte
	prevA, prevB      []*big.Rat // the previous region's output map
	z, t1, t2, za, zb *big.Rat
}

func newBigRegionEval(n *Network, s Segment, maxBits int) *bigRegionEval {
	e := &bigRegionEval{n: n, seg: s, maxBits: maxBits, z: new(big.Rat), t1: new(big.Rat), t2: new(big.Rat), za: new(big.Rat), zb: new(big.Rat)}
	units := 0
	l0 := &n.Layers[0]
	for j, row := range l0.W {
		a, b := new(big.Rat).Set(l0.B[j]), new(big.Rat)
		for k, w := range row {
			a.Add(a, e.t1.Mul(w, s.A[k]))
			b.Add(b, e.t1.Mul(w, s.V[k]))
		}
		e.al1, e.be1 = append(e.al1, a), append(e.be1, b)
	}
	for i := range n.Layers {
		k := n.Layers[i].Out()
		units += k
		e.aa, e.ab = append(e.aa, newRats(k)), append(e.ab, newRats(k))
	}
	out := n.OutputDim()
	e.pat, e.prev = make([]byte, units), make([]byte, units)
	e.prevA, e.prevB = newRats(out), newRats(out)
	return e
}

func newRats(k int) []*big.Rat {
	v := make([]*big.Rat, k)
	for i := range v {
		v[i] = new(big.Rat)
	}
	return v
}

// at sets e.z = α + β·t.
func (e *bigRegionEval) at(al, be, t *big.Rat) *big.Rat {
	e.z.Mul(be, t)
	return e.z.Add(e.z, al)
}

func (e *bigRegionEval) region(lo, hi *big.Rat) (*unitFail, bool) {
	m := mediant(lo, hi)
	u := 0
	for li := range e.n.Layers {
		l := &e.n.Layers[li]
		for j := range l.B {
			al, be := e.za, e.zb
			if li == 0 {
				al.Set(e.al1[j])
				be.Set(e.be1[j])
			} else {
				al.Set(l.B[j])
				be.SetInt64(0)
				for k, w := range l.W[j] {
					if w.Sign() == 0 {
						continue
					}
					al.Add(al, e.t1.Mul(w, e.aa[li-1][k]))
					be.Add(be, e.t1.Mul(w, e.ab[li-1][k]))
				}
				if l.Residual { // plus the previous layer's input map
					if li == 1 {
						al.Add(al, e.seg.A[j])
						be.Add(be, e.seg.V[j])
					} else {
						al.Add(al, e.aa[li-2][j])
						be.Add(be, e.ab[li-2][j])
					}
				}
			}
			if e.maxBits > 0 && max(ratBits(al), ratBits(be)) > e.maxBits {
				return nil, false
			}
			act := l.Act[j]
			st := act.State(e.at(al, be, m))
			e.pat[u] = st
			u++
			for _, t := range []*big.Rat{lo, hi} {
				z := e.at(al, be, t)
				if !closedHolds(act, st, z.Sign(), z.Cmp(ratMinusOne), z.Cmp(ratOne)) {
					return &unitFail{layer: li, unit: j, at: t, state: st, z: new(big.Rat).Set(z)}, true
				}
			}
			oa, ob := e.aa[li][j], e.ab[li][j]
			switch {
			case act.Kind == ActStep:
				oa.SetInt64(int64(st - '0'))
				ob.SetInt64(0)
			case act.Kind == ActHardTanh && st == '+':
				oa.SetInt64(1)
				ob.SetInt64(0)
			case act.Kind == ActHardTanh && st == '-':
				oa.SetInt64(-1)
				ob.SetInt64(0)
			case act.Kind == ActReLU && st == '0':
				oa.SetInt64(0)
				ob.SetInt64(0)
			case act.Kind == ActLeakyReLU && st == '0':
				oa.Mul(al, act.Slope)
				ob.Mul(be, act.Slope)
			default:
				oa.Set(al)
				ob.Set(be)
			}
		}
	}
	return nil, true
}

func (e *bigRegionEval) last() ([]*big.Rat, []*big.Rat) {
	L := len(e.n.Layers) - 1
	return e.aa[L], e.ab[L]
}

func (e *bigRegionEval) samePattern() bool { return bytes.Equal(e.pat, e.prev) }

func (e *bigRegionEval) sameMap() bool {
	a, b := e.last()
	for k := range a {
		if a[k].Cmp(e.prevA[k]) != 0 || b[k].Cmp(e.prevB[k]) != 0 {
			return false
		}
	}
	return true
}

func (e *bigRegionEval) prevOut(t *big.Rat) []*big.Rat {
	out := make([]*big.Rat, len(e.prevA))
	for k := range out {
		out[k] = new(big.Rat).Mul(e.prevB[k], t)
		out[k].Add(out[k], e.prevA[k])
	}
	return out
}

func (e *bigRegionEval) swap() {
	copy(e.prev, e.pat)
	a, b := e.last()
	for k := range a {
		e.prevA[k].Set(a[k])
		e.prevB[k].Set(b[k])
	}
}

// ---- int64 fast path ----

// pcLayer is one layer over integers: the pre-activation of unit j is Z/S with
// Z = b[j] + Σ_k w[j][k]·A_k, A being the previous layer's activations over the scale
// outS of that layer (for the first layer, A = (1, t) and w is unused: Z = b + c·t).
// Activations map Z over S to integers over S·M (see fast.go).
type pcLayer struct {
	w      [][]int64
	b, c   []int64
	S, M   int64
	leakyC []int64 // p·(M/q) for a leaky unit of slope p/q
	act    []Activation
}

type intRegionEval struct {
	layers       []pcLayer
	outS         *big.Rat // the output scale as a rational
	aa, ab       [][]int64
	pat, prev    []byte
	prevA, prevB []int64
}

const pcSafe = exactint.Safe // |values| < 2^62

func newIntRegionEval(n *Network, s Segment) *intRegionEval {
	if n.HasResidual() {
		return nil // residual networks take the math/big path
	}
	safe := big.NewInt(pcSafe)
	fits := func(x *big.Int) bool { return x.CmpAbs(safe) < 0 }
	e := &intRegionEval{}
	// Layer 1 in t: α = b + W·a, β = W·v, over their common denominator.
	b0 := newBigRegionEval(n, s, 0)
	S := big.NewInt(1)
	for j := range b0.al1 {
		lcmInto(S, b0.al1[j].Denom())
		lcmInto(S, b0.be1[j].Denom())
	}
	var scale *big.Int // the previous layer's output scale S·M
	units := 0
	for li := range n.Layers {
		l := &n.Layers[li]
		pl := pcLayer{act: l.Act, b: make([]int64, l.Out()), leakyC: make([]int64, l.Out())}
		if li == 0 {
			pl.c = make([]int64, l.Out())
			for j := range l.B {
				a, c := scaledNum(b0.al1[j], S), scaledNum(b0.be1[j], S)
				if !fits(a) || !fits(c) {
					return nil
				}
				pl.b[j], pl.c[j] = a.Int64(), c.Int64()
			}
		} else {
			D, E := layerDens(l)
			Ds := new(big.Int).Mul(D, scale)
			S = new(big.Int).Set(Ds)
			lcmInto(S, E)
			mulW, mulB := new(big.Int).Quo(S, Ds), new(big.Int).Quo(S, E)
			pl.w = make([][]int64, l.Out())
			for j, row := range l.W {
				pl.w[j] = make([]int64, len(row))
				for k, w := range row {
					v := scaledNum(w, D)
					v.Mul(v, mulW)
					if !fits(v) {
						return nil
					}
					pl.w[j][k] = v.Int64()
				}
				v := scaledNum(l.B[j], E)
				v.Mul(v, mulB)
				if !fits(v) {
					return nil
				}
				pl.b[j] = v.Int64()
			}
		}
		M := leakyM(l)
		for j, a := range l.Act {
			if a.Kind == ActLeakyReLU {
				c := new(big.Int).Quo(M, a.Slope.Denom())
				c.Mul(c, a.Slope.Num())
				if !fits(c) {
					return nil
				}
				pl.leakyC[j] = c.Int64()
			}
		}
		scale = new(big.Int).Mul(S, M)
		if !fits(S) || !fits(M) || !fits(scale) {
			return nil
		}
		pl.S, pl.M = S.Int64(), M.Int64()
		e.layers = append(e.layers, pl)
		e.aa, e.ab = append(e.aa, make([]int64, l.Out())), append(e.ab, make([]int64, l.Out()))
		units += l.Out()
	}
	e.outS = new(big.Rat).SetInt(scale)
	e.pat, e.prev = make([]byte, units), make([]byte, units)
	e.prevA, e.prevB = make([]int64, n.OutputDim()), make([]int64, n.OutputDim())
	return e
}

func (e *intRegionEval) region(loR, hiR *big.Rat) (*unitFail, bool) {
	p0, q0, ok0 := exactint.Frac(loR)
	p1, q1, ok1 := exactint.Frac(hiR)
	mp, okp := exactint.Add(p0, p1)
	mq, okq := exactint.Add(q0, q1)
	if !ok0 || !ok1 || !okp || !okq {
		return nil, false
	}
	ends := [2][2]int64{{p0, q0}, {p1, q1}}
	u := 0
	for li := range e.layers {
		l := &e.layers[li]
		for j := range l.b {
			var al, be int64
			if li == 0 {
				al, be = l.b[j], l.c[j]
			} else {
				al = l.b[j]
				for k, w := range l.w[j] {
					if w == 0 {
						continue
					}
					x, ok1 := exactint.Mul(w, e.aa[li-1][k])
					y, ok2 := exactint.Mul(w, e.ab[li-1][k])
					var ok3, ok4 bool
					al, ok3 = exactint.Add(al, x)
					be, ok4 = exactint.Add(be, y)
					if !ok1 || !ok2 || !ok3 || !ok4 {
						return nil, false
					}
				}
			}
			act := l.act[j]
			c0, cm, cp, ok := cmpsAt(act, l.S, al, be, mp, mq)
			if !ok {
				return nil, false
			}
			st := act.stateSign(c0, cm, cp)
			e.pat[u] = st
			u++
			for _, pq := range ends {
				c0, cm, cp, ok := cmpsAt(act, l.S, al, be, pq[0], pq[1])
				if !ok {
					return nil, false
				}
				if !closedHolds(act, st, c0, cm, cp) {
					t := new(big.Rat).SetFrac64(pq[0], pq[1])
					z := new(big.Rat).SetFrac64(be, l.S)
					z.Mul(z, t)
					z.Add(z, new(big.Rat).SetFrac64(al, l.S))
					return &unitFail{layer: li, unit: j, at: t, state: st, z: z}, true
				}
			}
			var oa, ob int64
			var okA, okB = true, true
			switch {
			case act.Kind == ActStep:
				if st == '1' {
					oa, okA = exactint.Mul(l.S, l.M)
				}
			case act.Kind == ActHardTanh && st != '1':
				oa, okA = exactint.Mul(l.S, l.M)
				if st == '-' {
					oa = -oa
				}
			case act.Kind == ActReLU && st == '0':
			case act.Kind == ActLeakyReLU && st == '0':
				oa, okA = exactint.Mul(al, l.leakyC[j])
				ob, okB = exactint.Mul(be, l.leakyC[j])
			default:
				oa, okA = exactint.Mul(al, l.M)
				ob, okB = exactint.Mul(be, l.M)
			}
			if !okA || !okB {
				return nil, false
			}
			e.aa[li][j], e.ab[li][j] = oa, ob
		}
	}
	return nil, true
}

// cmpsAt returns cmp(z, 0), cmp(z, −1), cmp(z, 1) at t = p/q for z = (al + be·t)/S (the
// last two only for hard-tanh), and false on overflow.
func cmpsAt(act Activation, S, al, be, p, q int64) (int, int, int, bool) {
	c0 := exactint.SignDot(al, q, be, p)
	if act.Kind != ActHardTanh {
		return c0, 0, 0, true
	}
	alm, okm := exactint.Add(al, S)
	alp, okp := exactint.Add(al, -S)
	return c0, exactint.SignDot(alm, q, be, p), exactint.SignDot(alp, q, be, p), okm && okp
}

func (e *intRegionEval) samePattern() bool { return bytes.Equal(e.pat, e.prev) }

func (e *intRegionEval) sameMap() bool {
	L := len(e.layers) - 1
	for k, a := range e.aa[L] {
		if a != e.prevA[k] || e.ab[L][k] != e.prevB[k] {
			return false
		}
	}
	return true
}

func (e *intRegionEval) prevOut(t *big.Rat) []*big.Rat {
	out := make([]*big.Rat, len(e.prevA))
	for k := range out {
		out[k] = new(big.Rat).Mul(new(big.Rat).SetInt64(e.prevB[k]), t)
		out[k].Add(out[k], new(big.Rat).SetInt64(e.prevA[k]))
		out[k].Quo(out[k], e.outS)
	}
	return out
}

func (e *intRegionEval) swap() {
	copy(e.prev, e.pat)
	L := len(e.layers) - 1
	copy(e.prevA, e.aa[L])
	copy(e.prevB, e.ab[L])
}

// validatePieces checks that an in-memory pieces claim fits its network (Check runs it
// on every claim; Decode has refused the same faults in the JSON).
func validatePieces(cl PiecesClaim, path string, n *Network) error {
	s := cl.Segment
	p := path + ".segment"
	if len(s.A) != n.InputDim || len(s.V) != n.InputDim {
		return fieldErr(p, "a and v need %d entries (the network's inputs); they have %d and %d", n.InputDim, len(s.A), len(s.V))
	}
	if nilRat(s.A...) || nilRat(s.V...) || nilRat(s.T0, s.T1) {
		return fieldErr(p, "has a missing number")
	}
	zero := true
	for _, x := range s.V {
		zero = zero && x.Sign() == 0
	}
	if zero {
		return fieldErr(p+".v", "is the zero vector; a segment needs a direction")
	}
	if s.T0.Cmp(s.T1) >= 0 {
		return fieldErr(p, "needs t0 < t1")
	}
	if cl.Regions < 1 || cl.Pieces < 1 {
		return fieldErr(path, "regions and pieces must be at least 1")
	}
	for _, l := range []struct {
		name string
		runs []Run
	}{{"breakpoints", cl.Breakpoints}, {"piece_breakpoints", cl.PieceBreakpoints}} {
		prev, total := s.T0, 0
		for i, r := range l.runs {
			rp := fmt.Sprintf("%s.%s[%d]", path, l.name, i)
			if r.Start == nil || r.Count < 1 || (r.Count > 1 && (r.Step == nil || r.Step.Sign() <= 0)) {
				return fieldErr(rp, "a run needs a start, a count ≥ 1 and, for more than one point, a positive step")
			}
			if total += r.Count; total > maxPieceRegions {
				return fieldErr(path+"."+l.name, "lists more than %d points (limit)", maxPieceRegions)
			}
			last := r.Start
			if r.Count > 1 {
				last = new(big.Rat).Mul(big.NewRat(int64(r.Count-1), 1), r.Step)
				last.Add(last, r.Start)
			}
			if r.Start.Cmp(prev) <= 0 || last.Cmp(s.T1) >= 0 {
				return fieldErr(rp, "breakpoints increase strictly inside (t0, t1)")
			}
			prev = last
		}
	}
	return nil
}
