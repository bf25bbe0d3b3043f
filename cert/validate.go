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
	case FloatClaim:
		return validateFloat(cl, path, c)
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
		for _, v := range []*int{cl.Depth, cl.HiddenUnits, cl.MaxBits, cl.MaxBitsAtMost} {
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

// validateDataset checks that a dataset is consistent: its exported fields may have been
// changed after it was built. The duplicate pairs are recomputed, since the theorem
// instance counts distinct points by them.
func validateDataset(d *Dataset) error {
	if d.N < 0 || d.D < 1 {
		return fieldErr("dataset", "has %d points of dimension %d", d.N, d.D)
	}
	if d.xRat != nil {
		if len(d.xRat) != d.N {
			return fieldErr("dataset.inputs", "has %d points, the dataset says %d", len(d.xRat), d.N)
		}
		for i, x := range d.xRat {
			if len(x) != d.D || nilRat(x...) {
				return fieldErr(fmt.Sprintf("dataset.inputs[%d]", i), "is not %d numbers", d.D)
			}
		}
	} else if len(d.xInt)+len(d.xByte) != d.N*d.D || d.xInt != nil && d.xByte != nil || d.xDen <= 0 {
		return fieldErr("dataset.inputs", "the stored inputs do not hold %d points of dimension %d", d.N, d.D)
	}
	switch d.Task {
	case Classification:
		if len(d.Labels) != d.N || d.LabelDim != 1 || d.Classes < 1 {
			return fieldErr("dataset.labels", "has %d labels for %d points (classes %d)", len(d.Labels), d.N, d.Classes)
		}
		for i, l := range d.Labels {
			if l < 0 || l >= d.Classes {
				return fieldErr(fmt.Sprintf("dataset.labels[%d]", i), "is %d; the classes are 0..%d", l, d.Classes-1)
			}
		}
	case Regression:
		if len(d.Targets) != d.N {
			return fieldErr("dataset.targets", "has %d targets for %d points", len(d.Targets), d.N)
		}
		for i, t := range d.Targets {
			if len(t) != d.LabelDim || nilRat(t...) {
				return fieldErr(fmt.Sprintf("dataset.targets[%d]", i), "is not %d numbers", d.LabelDim)
			}
		}
	default:
		return fieldErr("dataset.task", "unknown task %d", d.Task)
	}
	again := *d
	again.Duplicates = nil
	if err := again.findDuplicates(); err != nil {
		return fieldErr("dataset", "%v", err)
	}
	if len(again.Duplicates) != len(d.Duplicates) {
		return fieldErr("dataset", "lists %d duplicate pairs; the points have %d", len(d.Duplicates), len(again.Duplicates))
	}
	for k, p := range again.Duplicates {
		if d.Duplicates[k] != p {
			return fieldErr("dataset", "duplicate pair %d is %v; the points give %v", k, d.Duplicates[k], p)
		}
	}
	return nil
}
