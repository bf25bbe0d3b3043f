package cert

import (
	"math/big"

	"certify/internal/exactint"
)

// Checked int64 evaluation, for residual networks.
//
// The int64 engine proves a static bound per layer before it runs; through residual
// blocks that bound compounds (each block adds V·σ(U·h + b) to a stream that the next
// block reads, and a bound on σ(U·h + b) ignores that the block's units cancel), so it
// fails after a block or two although the values stay small — the memorising ResNets of
// Yun et al. (2019, Thm 4.1) push a few points by a few hundred and leave the rest alone.
// For a network with a residual layer the auto engine then uses the same int64 layers
// and scales (planInt64Mode with checked: only the scales, weights and biases must fit),
// and checks every product and sum at run time with certify/internal/exactint: a value
// that would leave (−2^62, 2^62) stops the point, which is evaluated again from its
// input by the math/big engine. No value is ever wrapped or rounded; a point's verdict
// comes from whichever evaluation finished.

// checkedPlan is the checked int64 plan with its math/big fallback.
type checkedPlan struct {
	ip *intPlan
	bp *bigPlan
}

func (c *checkedPlan) name() string { return "int64-checked+big" }

// planChecked returns the checked plan for n on d, or nil when some layer's scales,
// weights or biases do not fit in int64 (or n has no residual layer).
func planChecked(n *Network, d *Dataset, bp *bigPlan) *checkedPlan {
	if !n.HasResidual() {
		return nil
	}
	ip := planInt64Mode(n, d, true)
	if ip == nil || ip.prefix != len(n.Layers) {
		return nil
	}
	return &checkedPlan{ip: ip, bp: bp}
}

type checkedEval struct {
	ie *intEval
	be evaluator
}

func (c *checkedPlan) newEvaluator() evaluator {
	return &checkedEval{ie: c.ip.newEvaluator().(*intEval), be: c.bp.newEvaluator()}
}

func (e *checkedEval) eval(i int, out []*big.Rat, states [][]byte) int {
	a, ok := e.ie.runChecked(i, states)
	if !ok {
		return e.be.eval(i, out, states) // every state is written again
	}
	for j, v := range a {
		out[j].SetFrac(big.NewInt(v), e.ie.outScale)
	}
	return -1
}

// runChecked is run with every operation checked; false when a value left (−2^62, 2^62).
func (e *intEval) runChecked(i int, states [][]byte) ([]int64, bool) {
	d := e.p.d
	a := d.IntRow(i, e.in)
	for _, v := range a {
		if !exactint.In(v) {
			return nil, false
		}
	}
	var prev []int64
	last := e.p.nLayers - 1
	var ok bool
	for li := range e.p.layers {
		l := &e.p.layers[li]
		z := e.bufA[li]
		copy(z, l.b)
		if l.skip != 0 {
			for j, h := range prev {
				var t int64
				if t, ok = exactint.Mul(l.skip, h); !ok {
					return nil, false
				}
				if z[j], ok = exactint.Add(z[j], t); !ok {
					return nil, false
				}
			}
		}
		for k, ak := range a {
			if ak == 0 {
				continue
			}
			col := l.wT[k*l.out : (k+1)*l.out]
			col = col[:len(z)]
			for j, w := range col {
				if w == 0 {
					continue
				}
				var t int64
				if t, ok = exactint.Mul(ak, w); !ok {
					return nil, false
				}
				if z[j], ok = exactint.Add(z[j], t); !ok {
					return nil, false
				}
			}
		}
		var st []byte
		if states != nil && li < last {
			st = states[li]
		}
		S, M := l.S, l.M
		for j, zj := range z {
			act := l.act[j]
			if st != nil {
				st[j] = act.stateSign(sign64(zj), cmp64(zj, -S), cmp64(zj, S))
			}
			m := M
			switch act.Kind {
			case ActReLU:
				zj = max(zj, 0)
			case ActLeakyReLU:
				if zj <= 0 {
					m = l.leakyC[j]
				}
			case ActStep:
				if zj >= 0 {
					zj = S
				} else {
					zj = 0
				}
			case ActHardTanh:
				zj = min(max(zj, -S), S)
			}
			if z[j], ok = exactint.Mul(zj, m); !ok {
				return nil, false
			}
		}
		a, prev = z, a
	}
	return a, true
}
