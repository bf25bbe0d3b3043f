package smt

import (
	"fmt"
	"math/big"
	"strconv"
	"strings"

	"certify/cert"
)

// Pieces claims. For g(t) = f(a + t·v) on [t0, t1] and the claimed breakpoints
// t0 < b_1 < … < b_k < t1, the obligations, in the order the kernel checks them, are:
//
//	region r     every t inside (b_r, b_{r+1}) has the activation pattern of the region's
//	             mediant m_r. The solver first evaluates the network at every m_r (ground
//	             formulas; the states are read from its model). Then, per region, one copy
//	             of the network with t free takes the linear branches of that pattern, and
//	             the negation — some unit violates its state's condition for some t in the
//	             open region — is asserted (QF_LRA, no ite). The first violated condition,
//	             in layer order, is a real one, so unsat proves the pattern constant.
//	breakpoint   the patterns on the two sides of b_r differ: the solver's states at the
//	             two neighbouring mediants are compared (given constant regions, that is
//	             the pattern on each side)
//	piece        b_r is a piece boundary exactly when it is listed in piece_breakpoints:
//	             for networks without step units (g continuous) the slopes of g on the two
//	             sides, measured between two rational points inside each region, differ
//	             exactly then (ground formulas); with step units this obligation is the
//	             kernel's alone (the verdict is then Partial)
//
// plus the bookkeeping the kernel also does (piece breakpoints must be breakpoints, the
// counts): compared directly, no arithmetic is involved.

type pieceOb struct {
	kind    byte // 'R' region, 'B' breakpoint, 'P' piece map, 'S' bookkeeping (failed)
	r       int  // region index ('R'), or the region right of the breakpoint ('B', 'P')
	lo, hi  *big.Rat
	b       *big.Rat // breakpoint for 'B' and 'P'
	claimed bool     // 'P': listed as a piece breakpoint
	fail    *Failure // 'S': the failure
}

func expandRuns(runs []cert.Run) []*big.Rat {
	var out []*big.Rat
	for _, r := range runs {
		t := new(big.Rat).Set(r.Start)
		for k := 0; k < r.Count; k++ {
			if k > 0 {
				t = new(big.Rat).Add(t, r.Step)
			}
			out = append(out, t)
		}
	}
	return out
}

func (e *certEnc) pieceObligations(cl cert.PiecesClaim, ci int, withMaps bool) []pieceOb {
	path := fmt.Sprintf("claims[%d]", ci)
	bps := expandRuns(cl.Breakpoints)
	pbs := expandRuns(cl.PieceBreakpoints)
	bounds := append(append([]*big.Rat{cl.Segment.T0}, bps...), cl.Segment.T1)
	var obs []pieceOb
	pi := 0
	pieces := 1
	syn := func(code cert.Code, p, msg string, args ...any) {
		obs = append(obs, pieceOb{kind: 'S', fail: &Failure{Code: code, Path: p, Point: -1, Message: fmt.Sprintf(msg, args...)}})
	}
	for r := 0; r+1 < len(bounds); r++ {
		obs = append(obs, pieceOb{kind: 'R', r: r, lo: bounds[r], hi: bounds[r+1]})
		if r == 0 {
			continue
		}
		b := bounds[r]
		obs = append(obs, pieceOb{kind: 'B', r: r, lo: bounds[r-1], b: b, hi: bounds[r+1]})
		if pi < len(pbs) && pbs[pi].Cmp(b) < 0 {
			syn(cert.CodePiecesNotBreakpoint, path+".piece_breakpoints", "piece breakpoint t = %s is not among the breakpoints", pbs[pi].RatString())
			return obs
		}
		claimed := pi < len(pbs) && pbs[pi].Cmp(b) == 0
		if withMaps {
			obs = append(obs, pieceOb{kind: 'P', r: r, lo: bounds[r-1], b: b, hi: bounds[r+1], claimed: claimed})
		}
		if claimed {
			pi++
			pieces++
		}
	}
	regions := len(bounds) - 1
	switch {
	case pi < len(pbs):
		syn(cert.CodePiecesNotBreakpoint, path+".piece_breakpoints", "piece breakpoint t = %s is not among the breakpoints", pbs[pi].RatString())
	case cl.Regions != regions:
		syn(cert.CodePiecesCount, path+".regions", "the claim states %d regions; its breakpoints make %d", cl.Regions, regions)
	case cl.Pieces != pieces && withMaps:
		syn(cert.CodePiecesCount, path+".pieces", "the claim states %d pieces; its piece breakpoints make %d", cl.Pieces, pieces)
	}
	return obs
}

// segIn writes the inputs a + t·v for the term t.
func (e *certEnc) segIn(s cert.Segment, t string) ([]string, error) {
	in := make([]string, len(s.A))
	for k := range in {
		a, err := Lit(s.A[k], e.max)
		if err != nil {
			return nil, err
		}
		v, err := Lit(s.V[k], e.max)
		if err != nil {
			return nil, err
		}
		in[k] = "(+ " + a + " (* " + v + " " + t + "))"
	}
	return in, nil
}

// regionStates asks the solver for the activation pattern (every layer) at the mediant
// of each region (lo_r, hi_r): ground formulas, one Bool per state predicate.
func (e *certEnc) regionStates(s cert.Segment, bounds []*big.Rat, run runFn, chunk int) ([][]string, string, error) {
	n := e.c.Network
	states := make([][]string, len(bounds)-1)
	for lo := 0; lo < len(states); lo += chunk {
		hi := min(lo+chunk, len(states))
		var sb strings.Builder
		var want []string
		for r := lo; r < hi; r++ {
			m := new(big.Rat).SetFrac(new(big.Int).Add(bounds[r].Num(), bounds[r+1].Num()), new(big.Int).Add(bounds[r].Denom(), bounds[r+1].Denom()))
			ml, err := Lit(m, e.max)
			if err != nil {
				return nil, "", err
			}
			in, err := e.segIn(s, ml)
			if err != nil {
				return nil, "", err
			}
			pre := "m" + strconv.Itoa(r) + "_"
			_, zs := e.ne.copyOut(&sb, pre, in, nil, nil)
			for li := range zs {
				for u, z := range zs[li] {
					for k, pred := range statePreds(n.Layers[li].Act[u], z) {
						name := pre + "s" + strconv.Itoa(li) + "_" + strconv.Itoa(u) + "_" + strconv.Itoa(k)
						declareBool(&sb, name, pred)
						want = append(want, name)
					}
				}
			}
		}
		res, err := run(&Query{Name: fmt.Sprintf("patterns at the mediants of regions %d..%d", lo, hi-1), Logic: "QF_LRA", Body: sb.String(), Want: want})
		if err != nil {
			return nil, "", err
		}
		if res.Status != Sat {
			return nil, fmt.Sprintf("evaluating regions %d..%d: %s %s", lo, hi-1, res.Status, res.Reason), nil
		}
		for r := lo; r < hi; r++ {
			pre := "m" + strconv.Itoa(r) + "_"
			st := make([]string, len(n.Layers))
			for li, l := range n.Layers {
				b := make([]byte, len(l.Act))
				for u, a := range l.Act {
					v := func(k int) bool {
						return res.Model[pre+"s"+strconv.Itoa(li)+"_"+strconv.Itoa(u)+"_"+strconv.Itoa(k)].Bool
					}
					switch a.Kind {
					case cert.ActReLU, cert.ActLeakyReLU, cert.ActStep:
						b[u] = '0'
						if v(0) {
							b[u] = '1'
						}
					case cert.ActHardTanh:
						b[u] = '1'
						if v(0) {
							b[u] = '-'
						} else if v(1) {
							b[u] = '+'
						}
					default:
						b[u] = '1'
					}
				}
				st[li] = string(b)
			}
			states[r] = st
		}
	}
	return states, "", nil
}

// statePreds are the predicates on z whose values give a unit's state.
func statePreds(a cert.Activation, z string) []string {
	switch a.Kind {
	case cert.ActReLU, cert.ActLeakyReLU:
		return []string{"(> " + z + " 0.0)"}
	case cert.ActStep:
		return []string{"(>= " + z + " 0.0)"}
	case cert.ActHardTanh:
		return []string{"(<= " + z + " (- 1.0))", "(>= " + z + " 1.0)"}
	}
	return nil
}

func third(lo, hi *big.Rat, k int64) *big.Rat {
	d := new(big.Rat).Sub(hi, lo)
	d.Mul(d, big.NewRat(k, 3))
	return d.Add(d, lo)
}

// pieceQuery encodes the negations of obligations idx (all 'R', 'B' or 'P').
func (e *certEnc) pieceQuery(s cert.Segment, obs []pieceOb, idx []int, states [][]string) (*Query, error) {
	var sb strings.Builder
	var inds []string
	lit := func(r *big.Rat) (string, error) { return Lit(r, e.max) }
	for _, j := range idx {
		o := obs[j]
		pre := "o" + strconv.Itoa(j) + "_"
		name := "bad" + strconv.Itoa(j)
		switch o.kind {
		case 'R':
			t := pre + "t"
			fmt.Fprintf(&sb, "(declare-const %s Real)\n", t)
			in, err := e.segIn(s, t)
			if err != nil {
				return nil, err
			}
			var conds []string
			e.ne.copyOut(&sb, pre+"c", in, states[o.r], &conds)
			lo, err := lit(o.lo)
			if err != nil {
				return nil, err
			}
			hi, err := lit(o.hi)
			if err != nil {
				return nil, err
			}
			declareBool(&sb, name, and([]string{"(< " + lo + " " + t + ")", "(< " + t + " " + hi + ")", "(not " + and(conds) + ")"}))
		case 'P':
			pts := []*big.Rat{third(o.lo, o.b, 1), third(o.lo, o.b, 2), third(o.b, o.hi, 1), third(o.b, o.hi, 2)}
			outs := make([][]string, 4)
			for k, t := range pts {
				tl, err := lit(t)
				if err != nil {
					return nil, err
				}
				in, err := e.segIn(s, tl)
				if err != nil {
					return nil, err
				}
				outs[k], _ = e.ne.copyOut(&sb, pre+"g"+strconv.Itoa(k), in, nil, nil)
			}
			dl, err := lit(new(big.Rat).Sub(pts[1], pts[0]))
			if err != nil {
				return nil, err
			}
			dr, err := lit(new(big.Rat).Sub(pts[3], pts[2]))
			if err != nil {
				return nil, err
			}
			var same []string
			for k := range outs[0] {
				same = append(same, "(= (* "+dr+" (- "+outs[1][k]+" "+outs[0][k]+")) (* "+dl+" (- "+outs[3][k]+" "+outs[2][k]+")))")
			}
			if o.claimed {
				declareBool(&sb, name, and(same))
			} else {
				declareBool(&sb, name, "(not "+and(same)+")")
			}
		}
		inds = append(inds, name)
	}
	sb.WriteString("(assert " + or(inds) + ")\n")
	return &Query{Logic: "QF_LRA", Body: sb.String(), Want: inds}, nil
}

func (e *certEnc) pieceFailure(cl cert.PiecesClaim, ci int, o pieceOb) *Failure {
	path := fmt.Sprintf("claims[%d]", ci)
	switch o.kind {
	case 'R':
		return &Failure{Code: cert.CodePiecesMissing, Path: path + ".breakpoints", Point: -1,
			Message: fmt.Sprintf("the activation pattern is not constant on (%s, %s) (sat: two points with different states)", o.lo.RatString(), o.hi.RatString())}
	case 'B':
		return &Failure{Code: cert.CodePiecesNotBreakpoint, Path: path + ".breakpoints", Point: -1,
			Message: fmt.Sprintf("t = %s is not a breakpoint: the same pattern on both sides (sat)", o.b.RatString())}
	case 'P':
		if o.claimed {
			return &Failure{Code: cert.CodePiecesNotBreakpoint, Path: path + ".piece_breakpoints", Point: -1,
				Message: fmt.Sprintf("t = %s is claimed a piece breakpoint but the slopes on both sides are equal (sat)", o.b.RatString())}
		}
		return &Failure{Code: cert.CodePiecesMissing, Path: path + ".piece_breakpoints", Point: -1,
			Message: fmt.Sprintf("the slope of g changes at t = %s but piece_breakpoints does not list it (sat)", o.b.RatString())}
	}
	return o.fail
}

func (e *certEnc) checkPieces(cl cert.PiecesClaim, ci int, v *ClaimVerdict, run runFn, opt CheckOptions) error {
	hasStep := false
	for _, l := range e.c.Network.Layers {
		for _, a := range l.Act {
			hasStep = hasStep || a.Kind == cert.ActStep
		}
	}
	v.Discharged = true
	v.How = "patterns at region mediants (ground), regions by linear branches with t free (QF_LRA), piece maps by slopes at rational points"
	if hasStep {
		v.Partial = true
		v.How = "regions and breakpoints only (QF_LRA); with step units the piece maps are the kernel's alone"
	}
	obs := e.pieceObligations(cl, ci, !hasStep)
	bounds := append(append([]*big.Rat{cl.Segment.T0}, expandRuns(cl.Breakpoints)...), cl.Segment.T1)
	chunk := max(1, opt.Chunk/4)
	states, undecided, err := e.regionStates(cl.Segment, bounds, run, chunk)
	if err != nil {
		return err
	}
	if undecided != "" {
		v.Status, v.Reason, v.FirstKnown = cert.Undecided, undecided, false
		return nil
	}
	// The first failing bookkeeping or breakpoint obligation bounds the search.
	first := len(obs)
	for j, o := range obs {
		if o.kind == 'S' || (o.kind == 'B' && strings.Join(states[o.r-1], "|") == strings.Join(states[o.r], "|")) {
			first = j
			break
		}
	}
	checked := 0
	for lo := 0; lo < first; lo += chunk {
		var idx []int
		for j := lo; j < min(lo+chunk, first); j++ {
			if obs[j].kind == 'R' || obs[j].kind == 'P' {
				idx = append(idx, j)
			}
		}
		for len(idx) > 0 {
			q, err := e.pieceQuery(cl.Segment, obs, idx, states)
			if err != nil {
				return err
			}
			q.Name = fmt.Sprintf("claims[%d] obligations %d..%d", ci, idx[0], idx[len(idx)-1])
			res, err := run(q)
			if err != nil {
				return err
			}
			if res.Status == Unknown {
				v.Status, v.Reason, v.FirstKnown = cert.Undecided, q.Name+": "+res.Reason, false
				v.Checked = checked
				return nil
			}
			if res.Status == Unsat {
				break
			}
			found := -1
			for _, j := range idx {
				if res.Model["bad"+strconv.Itoa(j)].Bool {
					found = j
					break
				}
			}
			if found < 0 {
				return fmt.Errorf("smt: %s answered sat on %s but its model refutes no obligation", res.Solver, q.Name)
			}
			first = found
			kept := idx[:0]
			for _, j := range idx {
				if j < found {
					kept = append(kept, j)
				}
			}
			idx = kept
		}
		checked = min(lo+chunk, first)
	}
	v.Checked = checked
	if first < len(obs) {
		v.Status = cert.Refuted
		v.Failure = e.pieceFailure(cl, ci, obs[first])
	}
	return nil
}
