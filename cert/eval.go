package cert

import (
	"math/big"
	"time"
)

// Eval computes the network's output at x exactly, the plain way: rational arithmetic,
// one layer after another. If states is non-nil it receives, for each layer but the last,
// the state of every unit (see Activation.State). Eval is the reference engine, against
// which the kernel's faster integer evaluation is tested.
func (n *Network) Eval(x []*big.Rat, states [][]byte) []*big.Rat {
	out, _ := n.eval(x, states, 0, time.Time{})
	return out
}

// eval is Eval within bounds: when a pre-activation's numerator or denominator has more
// than maxBits bits (maxBits > 0), or the deadline (when not zero) has passed before a
// layer, it stops and returns the layer; else −1.
func (n *Network) eval(x []*big.Rat, states [][]byte, maxBits int, deadline time.Time) ([]*big.Rat, int) {
	a, prev := x, []*big.Rat(nil) // prev: the previous layer's input (a residual layer adds it)
	t := new(big.Rat)
	for li := range n.Layers {
		if !deadline.IsZero() && time.Now().After(deadline) {
			return nil, li
		}
		l := &n.Layers[li]
		next := make([]*big.Rat, l.Out())
		for j, row := range l.W {
			z := new(big.Rat).Set(l.B[j])
			for k, w := range row {
				if w.Sign() == 0 || a[k].Sign() == 0 {
					continue
				}
				z.Add(z, t.Mul(w, a[k]))
			}
			if l.Residual {
				z.Add(z, prev[j])
			}
			if maxBits > 0 && ratBits(z) > maxBits {
				return nil, li
			}
			if states != nil && li < len(n.Layers)-1 {
				states[li][j] = l.Act[j].State(z)
			}
			next[j] = l.Act[j].Apply(z)
		}
		a, prev = next, a
	}
	return a, -1
}

// NewStates allocates a state buffer for Eval: one byte slice per hidden layer.
func (n *Network) NewStates() [][]byte {
	s := make([][]byte, len(n.Layers)-1)
	for i := range s {
		s[i] = make([]byte, n.Layers[i].Out())
	}
	return s
}
