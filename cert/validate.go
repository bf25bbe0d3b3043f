package cert

import (
	"fmt"
	"math/big"
)

// What fits together. Decode refuses malformed JSON field by field; Check runs the
// checks below on every claim again, so that a certificate built in memory (by a
// producer, with nil numbers or wrong dimensions) is refused with an error naming the
// field, never a crash.

// validateClaim checks that a claim fits the network and dataset it speaks of.
func validateClaim(cl Claim, path string, c *Certificate) error {
	d, n := c.Data, c.Network
	switch cl := cl.(type) {
	case ExactClaim, EpsilonClaim, ArgmaxClaim, ThresholdClaim, PatternsClaim, SizesClaim:
		// checkNeeds has made sure that n (and d, but for sizes) are present.
	case PiecesClaim:
		return validatePieces(cl, path, n)
	case HyperplanesClaim:
		return validateHyperplanes(cl, path, c)
	case NoFitClaim:
		return validateNoFit(cl, path, c)
	case TheoremClaim:
		return validateTheorem(cl, path)
	default:
		return nil
	}
	out := n.OutputDim()
	switch cl := cl.(type) {
	case ArgmaxClaim:
		if cl.Margin == nil || cl.Margin.Sign() <= 0 {
			return fieldErr(path+".margin", "missing or not positive")
		}
	case ThresholdClaim:
		if cl.Threshold == nil {
			return fieldErr(path+".threshold", "missing")
		}
	case EpsilonClaim:
		if cl.Epsilon == nil || cl.Epsilon.Sign() < 0 {
			return fieldErr(path+".epsilon", "missing or negative")
		}
	}
	switch cl := cl.(type) {
	case ExactClaim, EpsilonClaim:
		if d.Task == Regression && out != d.LabelDim {
			return fieldErr(path, "the network has %d outputs but the targets have dimension %d", out, d.LabelDim)
		}
		if d.Task == Classification && out != 1 && out != d.Classes {
			return fieldErr(path, "for classification the network must output the class index (1 output) or a one-hot vector (%d outputs); it has %d", d.Classes, out)
		}
	case ArgmaxClaim:
		if d.Task != Classification {
			return fieldErr(path, "an argmax claim needs a classification dataset")
		}
		if out != d.Classes {
			return fieldErr(path, "the network has %d outputs for %d classes", out, d.Classes)
		}
		if out < 2 {
			return fieldErr(path, "argmax needs at least two outputs")
		}
	case ThresholdClaim:
		if d.Task != Classification || d.Classes > 2 {
			return fieldErr(path, "a threshold claim needs a classification dataset with classes 0 and 1")
		}
		if out != 1 {
			return fieldErr(path, "a threshold claim needs a network with one output; it has %d", out)
		}
	case PatternsClaim:
		total := d.N
		if cl.Points != nil {
			total = len(cl.Points)
			at := make(map[int]int, len(cl.Points))
			for k, p := range cl.Points {
				if p < 0 || p >= d.N {
					return fieldErr(fmt.Sprintf("%s.points[%d]", path, k), "is %d; the dataset has points 0..%d", p, d.N-1)
				}
				if j, dup := at[p]; dup {
					return fieldErr(fmt.Sprintf("%s.points[%d]", path, k), "repeats point %d (already %s.points[%d]); a point is listed once", p, path, j)
				}
				at[p] = k
			}
		}
		if len(cl.Patterns) != total {
			return fieldErr(path+".patterns", "has %d entries for %d points", len(cl.Patterns), total)
		}
		hidden := len(n.Layers) - 1
		for i, p := range cl.Patterns {
			if len(p) != hidden {
				return fieldErr(fmt.Sprintf("%s.patterns[%d]", path, i), "has %d layer patterns; the network has %d hidden layers", len(p), hidden)
			}
			for l, s := range p {
				if len(s) != n.Layers[l].Out() {
					return fieldErr(fmt.Sprintf("%s.patterns[%d][%d]", path, i, l), "has %d characters for %d units", len(s), n.Layers[l].Out())
				}
				for u := 0; u < len(s); u++ {
					switch s[u] {
					case '0', '1', '-', '+':
					default:
						return fieldErr(fmt.Sprintf("%s.patterns[%d][%d]", path, i, l), "character %d is %q; states are 0, 1, - and +", u, s[u])
					}
				}
			}
		}
	case SizesClaim:
		for _, v := range []*int{cl.Depth, cl.HiddenUnits, cl.MaxBits} {
			if v != nil && *v < 0 {
				return fieldErr(path, "sizes cannot be negative")
			}
		}
	}
	return nil
}

func nilRat(rs ...*big.Rat) bool {
	for _, r := range rs {
		if r == nil {
			return true
		}
	}
	return false
}

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

func validateHyperplanes(h HyperplanesClaim, path string, c *Certificate) error {
	if len(h.Planes) == 0 {
		return fieldErr(path+".planes", "missing or empty")
	}
	for i, pl := range h.Planes {
		pp := fmt.Sprintf("%s.planes[%d]", path, i)
		if len(pl.Normal) != c.Network.InputDim || nilRat(pl.Normal...) || pl.Offset == nil {
			return fieldErr(pp, "needs a normal of %d numbers and an offset", c.Network.InputDim)
		}
		if len(pl.Points) == 0 {
			return fieldErr(pp+".points", "missing or empty")
		}
		seen := map[int]bool{}
		for k, p := range pl.Points {
			if p < 0 || p >= c.Data.N || seen[p] {
				return fieldErr(fmt.Sprintf("%s.points[%d]", pp, k), "is %d: out of range 0..%d or repeated", p, c.Data.N-1)
			}
			seen[p] = true
		}
		for k, u := range pl.Units {
			if u < 0 || u >= c.Network.Layers[0].Out() {
				return fieldErr(fmt.Sprintf("%s.units[%d]", pp, k), "is %d; the first layer has units 0..%d", u, c.Network.Layers[0].Out()-1)
			}
		}
	}
	return nil
}

func validateNoFit(cl NoFitClaim, path string, c *Certificate) error {
	if _, err := activationPieces(cl.Arch.Activation); err != nil {
		return fieldErr(path+".architecture.activation", "%v", err)
	}
	for i, m := range cl.Arch.Hidden {
		if m <= 0 {
			return fieldErr(fmt.Sprintf("%s.architecture.hidden[%d]", path, i), "must be positive")
		}
	}
	switch cl.Fit {
	case "exact":
	case "threshold":
		if cl.Threshold == nil {
			return fieldErr(path+".threshold", "missing")
		}
		if c.Data.Task != Classification || c.Data.Classes > 2 {
			return fieldErr(path+".fit", "threshold fitting needs classes 0 and 1")
		}
	default:
		return fieldErr(path+".fit", "is %q; want \"exact\" or \"threshold\"", clip(cl.Fit))
	}
	switch cl.Method {
	case "pieces":
		if cl.ForcedPieces == nil || cl.MaxPieces == nil {
			return fieldErr(path, "method \"pieces\" states forced_pieces and max_pieces")
		}
	case "monotone":
		if cl.ForcedPieces == nil {
			return fieldErr(path+".forced_pieces", "missing")
		}
	case "solver":
		if cl.Solver == nil {
			return fieldErr(path+".solver", "missing")
		}
	default:
		return fieldErr(path+".method", "is %q; want \"pieces\", \"monotone\" or \"solver\"", clip(cl.Method))
	}
	return nil
}

func validateTheorem(t TheoremClaim, path string) error {
	if len(t.Hypothesis) == 0 {
		return fieldErr(path+".hypothesis", "missing or empty")
	}
	for k, h := range t.Hypothesis {
		if _, ok := compareOps[h.Op]; !ok || h.LHS == nil || h.RHS == nil {
			return fieldErr(fmt.Sprintf("%s.hypothesis[%d]", path, k), "needs lhs, rhs and an op among <, <=, =, >=, >")
		}
	}
	if t.Promised.Depth == nil || t.Promised.HiddenUnits == nil {
		return fieldErr(path+".promised", "needs depth and hidden_units")
	}
	b := t.Built
	if b.Depth == nil || b.Widths == nil || b.HiddenUnits == nil || b.Parameters == nil || b.NonzeroWeights == nil || b.MaxBits == nil {
		return fieldErr(path+".built", "needs depth, widths, hidden_units, parameters, nonzero_weights and max_bits")
	}
	return nil
}
