package cert

// The float claim's verdict: the bound at every point (floatbound.go), and for a point it
// does not prove, the exact simulation of the plain-order evaluation whose wrong answer
// refutes the claim.

import (
	"fmt"
	"math/big"

	"certify/internal/ieee"
)

// simulate evaluates the network at x in the format, exactly, in the plain order: every
// input and parameter rounded once, each product rounded, summed from index 0 starting
// at 0, the bias added last, every sum rounded. It returns nil and the place when a value
// becomes infinite.
func (fn *floatNet) simulate(x []*big.Rat) ([]*big.Rat, string) {
	if fn.infMsg != "" {
		return nil, fn.infMsg
	}
	inf := 0
	round := func(v *big.Rat) *big.Rat {
		r, i := fn.f.Round(v)
		if i != 0 {
			inf = i
			return new(big.Rat)
		}
		return r
	}
	a := make([]*big.Rat, len(x))
	for k, v := range x {
		a[k] = round(v)
	}
	if inf != 0 {
		return nil, "an input rounds to an infinity"
	}
	t := new(big.Rat)
	for li := range fn.n.Layers {
		l := &fn.n.Layers[li]
		next := make([]*big.Rat, len(l.W))
		for j := range l.W {
			acc := new(big.Rat)
			for k, w := range fn.wh[li][j] {
				if w.Sign() != 0 && a[k].Sign() != 0 { // adding a zero product is exact
					acc = round(t.Add(acc, round(t.Mul(w, a[k]))))
				}
			}
			z := round(t.Add(acc, fn.bh[li][j]))
			if inf != 0 {
				return nil, fmt.Sprintf("layer %d unit %d overflows to an infinity", li, j)
			}
			switch l.Act[j].Kind {
			case ActReLU:
				if z.Sign() <= 0 {
					z = new(big.Rat)
				}
			case ActLeakyReLU:
				if z.Sign() <= 0 {
					z = round(new(big.Rat).Mul(fn.sh[li][j], z))
				}
			case ActHardTanh, ActStep:
				z = l.Act[j].Apply(z) // exact in every format
			}
			next[j] = z
		}
		a = next
	}
	return a, ""
}

// FloatEval is the kernel's exact simulation of the network in the named format (see
// FloatClaim): the outputs, or nil and the place where a value became infinite.
func FloatEval(n *Network, format string, x []*big.Rat) ([]*big.Rat, string) {
	f, ok := ieee.ByName(format)
	if !ok {
		return nil, "unknown format " + clip(format)
	}
	return newFloatNet(n, f).simulate(x)
}

// FloatPoints computes the bound of the claim at every point of d, for reports (Check
// decides the claim). The claim must have been validated against n and d.
func FloatPoints(n *Network, d *Dataset, cl FloatClaim) []FloatPoint {
	f, _ := ieee.ByName(cl.Format)
	fn := newFloatNet(n, f)
	ps := make([]FloatPoint, d.N)
	for i := range ps {
		ps[i] = cl.point(fn, d, i)
	}
	return ps
}

func (cl FloatClaim) point(fn *floatNet, d *Dataset, i int) FloatPoint {
	out, errs, why := fn.bound(d.Input(i))
	if why != "" {
		return FloatPoint{Why: why}
	}
	return cl.judge(d, i, out, errs)
}

// wrong says whether outputs computed in the format break the rule at point i, and how.
func (cl FloatClaim) wrong(d *Dataset, i int, out []*big.Rat) (unit int, want, msg string) {
	switch cl.Rule {
	case "argmax":
		c := d.Labels[i]
		for j, v := range out {
			if j != c && v.Cmp(out[c]) >= 0 {
				return j, fmt.Sprintf("< output %d = %s", c, out[c].RatString()), fmt.Sprintf("output %d is not below the label's output %d", j, c)
			}
		}
	case "threshold":
		if (out[0].Cmp(cl.Threshold) >= 0) != (d.Labels[i] == 1) {
			return 0, fmt.Sprintf("class %d against threshold %s", d.Labels[i], cl.Threshold.RatString()), "the output is on the wrong side of the threshold"
		}
	case "epsilon":
		want := d.TargetVector(i, len(out))
		for k, v := range out {
			if t := new(big.Rat).Sub(v, want[k]); t.Abs(t).Cmp(cl.Epsilon) > 0 {
				return k, fmt.Sprintf("within %s of %s", cl.Epsilon.RatString(), want[k].RatString()), "the output is farther than ε from the target"
			}
		}
	}
	return -1, "", ""
}

func (cl FloatClaim) checkWithin(c *Certificate, index int, bud budget) (Status, int, string, *Failure) {
	f, _ := ieee.ByName(cl.Format)
	fn, d := newFloatNet(c.Network, f), c.Data
	path := fmt.Sprintf("claims[%d]", index)
	var open *Failure
	proven := 0
	for i := 0; i < d.N; i++ {
		if bud.late() {
			return Undecided, proven, "", limitFailure(path, bud.timeMsg(i, d.N, "points"))
		}
		p := cl.point(fn, d, i)
		if p.Proven {
			proven++
			continue
		}
		out, why := fn.simulate(d.Input(i))
		if out != nil {
			if k, want, msg := cl.wrong(d, i, out); k >= 0 {
				return Refuted, proven, "", &Failure{Code: CodeFloatMismatch, Path: fmt.Sprintf("points[%d].output[%d]", i, k),
					Point: i, Layer: -1, Unit: k, Want: want, Got: out[k].RatString(),
					Message: fmt.Sprintf("evaluated in %s in the plain order (each product rounded, summed from index 0, bias last), %s", f.Name, msg)}
			}
		}
		if open == nil {
			open = &Failure{Code: CodeFloatBoundWeak, Path: fmt.Sprintf("points[%d]", i), Point: i, Layer: -1, Unit: -1}
			if p.Bound == nil {
				open.Code, open.Message = CodeFloatOverflow, "the error model does not apply: "+p.Why
				if why != "" {
					open.Message += "; the plain-order evaluation overflows too (" + why + ")"
				}
			} else {
				open.Want, open.Got = "margin > "+p.Bound.RatString(), p.Margin.RatString()
				open.Message = fmt.Sprintf("the exact margin does not exceed the rounding-error bound in %s; the plain-order evaluation gives the label", f.Name)
			}
		}
	}
	if open != nil {
		return Undecided, proven, fmt.Sprintf("proven at %d of %d points in %s", proven, d.N, f.Name), open
	}
	return Verified, d.N, fmt.Sprintf("proven at all %d points in %s", d.N, f.Name), nil
}
