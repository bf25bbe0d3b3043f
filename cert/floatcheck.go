package cert

// The float claim's verdict: the bound at every point (floatbound.go), and for a point it
// does not prove, the exact simulation of the plain-order evaluation whose wrong answer
// refutes the claim.

import (
	"fmt"
	"math/big"
	"runtime"
	"sync"
	"sync/atomic"

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
	if n.HasResidual() {
		return nil, "a residual network (the simulation follows plain layers only)"
	}
	return newFloatNet(n, f).simulate(x)
}

// FloatPoints decides the claim at every point of d, for reports (Check decides the
// claim from the same pass). The claim must have been validated against n and d.
func FloatPoints(n *Network, d *Dataset, cl FloatClaim) []FloatPoint {
	ps, _ := cl.points(n, d, func() bool { return false }, false)
	return ps
}

// points runs the bound, and the simulation where the bound does not prove the point, on
// every point, in parallel; it stops early (false) when late() says so. With firstWrong
// it skips the points after the first one found wrong (the points are taken in order, so
// every point before it is done).
func (cl FloatClaim) points(n *Network, d *Dataset, late func() bool, firstWrong bool) ([]FloatPoint, bool) {
	f, _ := ieee.ByName(cl.Format)
	fn := newFloatNet(n, f)
	ps := make([]FloatPoint, d.N)
	var next atomic.Int64
	var stopped atomic.Bool
	var wrongAt atomic.Int64
	wrongAt.Store(int64(d.N))
	var wg sync.WaitGroup
	var crash workerCrash
	for w := runtime.GOMAXPROCS(0); w > 0; w-- {
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer crash.catch(&stopped)
			for i := int(next.Add(1)) - 1; i < int(wrongAt.Load()) && !stopped.Load(); i = int(next.Add(1)) - 1 {
				if late() {
					stopped.Store(true)
					return
				}
				ps[i] = cl.point(fn, d, i)
				for w := wrongAt.Load(); firstWrong && ps[i].Wrong && int64(i) < w && !wrongAt.CompareAndSwap(w, int64(i)); w = wrongAt.Load() {
				}
			}
		}()
	}
	wg.Wait()
	crash.raise()
	return ps, !stopped.Load()
}

func (cl FloatClaim) point(fn *floatNet, d *Dataset, i int) FloatPoint {
	p := FloatPoint{Unit: -1}
	x := d.Input(i)
	out, errs, why := fn.bound(x)
	if why != "" {
		p.Why = why
	} else {
		p = cl.judge(d, i, out, errs)
		p.Unit = -1
	}
	if !p.Proven {
		sim, where := fn.simulate(x)
		p.Overflow = where
		if sim != nil {
			if k, want, msg := cl.wrong(d, i, sim); k >= 0 {
				p.Wrong, p.Unit, p.Got, p.want, p.msg = true, k, sim[k], want, msg
			}
		}
	}
	return p
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
	d := c.Data
	ps, done := cl.points(c.Network, d, bud.late, true)
	proven := 0
	var open *Failure
	for i, p := range ps {
		if p.Wrong { // a refutation stands even if a limit stopped the pass
			return Refuted, proven, "", &Failure{Code: CodeFloatMismatch, Path: fmt.Sprintf("points[%d].output[%d]", i, p.Unit),
				Point: i, Layer: -1, Unit: p.Unit, Want: p.want, Got: p.Got.RatString(),
				Message: fmt.Sprintf("evaluated in %s in the plain order (each product rounded, summed from index 0, bias last), %s", cl.Format, p.msg)}
		}
		if p.Proven {
			proven++
		} else if open == nil && done {
			open = &Failure{Code: CodeFloatBoundWeak, Path: fmt.Sprintf("points[%d]", i), Point: i, Layer: -1, Unit: -1}
			if p.Bound == nil {
				open.Code, open.Message = CodeFloatOverflow, "the error model does not apply: "+p.Why
				if p.Overflow != "" {
					open.Message += "; the plain-order evaluation overflows too (" + p.Overflow + ")"
				}
			} else {
				open.Want, open.Got = "margin > "+p.Bound.RatString(), p.Margin.RatString()
				open.Message = fmt.Sprintf("the exact margin does not exceed the rounding-error bound in %s; the plain-order evaluation gives the label", cl.Format)
			}
		}
	}
	switch {
	case !done:
		return Undecided, 0, "", limitFailure(fmt.Sprintf("claims[%d]", index), fmt.Sprintf("time limit %v reached", bud.timeout))
	case open != nil:
		return Undecided, proven, fmt.Sprintf("proven at %d of %d points in %s", proven, d.N, cl.Format), open
	}
	return Verified, d.N, fmt.Sprintf("proven at all %d points in %s", d.N, cl.Format), nil
}

// ValidateFloatClaim checks that a float claim fits n and d (as Check would), for callers
// of FloatPoints.
func ValidateFloatClaim(cl FloatClaim, n *Network, d *Dataset) error {
	return validateFloat(cl, "claim", &Certificate{Network: n, Data: d})
}
