package lowerbounds

import (
	"math/big"
	"math/rand/v2"

	"certify/cert"
)

// Zigzag builds a one-input ReLU network with the given hidden widths whose restriction to
// [0, 1] composes zigzags: layer l maps [0, 1] onto [0, 1] m_l times (m_l pieces, slopes
// ±m_l), so f has ∏ m_l pieces on [0, 1] when every m_l ≥ 2 (a width-1 layer is the
// identity on [0, 1]). Unit j of a layer is σ(z − j/m) on the previous zigzag z; z is
// Σ a_j σ(z − j/m) with a_0 = m, a_j = (−1)^j·2m. Weights are small integers and
// fractions 1/m: the point of Telgarsky's construction, generalised to any width.
func Zigzag(hidden []int) *cert.Network {
	net := &cert.Network{InputDim: 1}
	relu := cert.Activation{Kind: cert.ActReLU}
	coef := []*big.Rat{big.NewRat(1, 1)} // z = coef · (previous outputs); first z = x
	for _, m := range hidden {
		var l cert.Layer
		for j := 0; j < m; j++ {
			row := make([]*big.Rat, len(coef))
			for k := range row {
				row[k] = new(big.Rat).Set(coef[k])
			}
			l.W = append(l.W, row)
			l.B = append(l.B, big.NewRat(-int64(j), int64(m)))
			l.Act = append(l.Act, relu)
		}
		net.Layers = append(net.Layers, l)
		coef = make([]*big.Rat, m)
		for j := range coef {
			switch {
			case j == 0:
				coef[j] = big.NewRat(int64(m), 1)
			case j%2 == 1:
				coef[j] = big.NewRat(-2*int64(m), 1)
			default:
				coef[j] = big.NewRat(2*int64(m), 1)
			}
		}
		if m == 1 {
			coef[0] = big.NewRat(1, 1)
		}
	}
	net.Layers = append(net.Layers, cert.Layer{W: [][]*big.Rat{coef}, B: []*big.Rat{new(big.Rat)}, Act: []cert.Activation{{Kind: cert.ActIdentity}}})
	return net
}

// randomNet draws a one-input ReLU network with the given hidden widths and weights from
// a small grid of rationals {−k..k}/den (identity output layer).
func randomNet(rng *rand.Rand, hidden []int, k, den int64) *cert.Network {
	return randomNetAct(rng, hidden, cert.Activation{Kind: cert.ActReLU}, k, den)
}

// randomNetAct is randomNet with the hidden units' activation given.
func randomNetAct(rng *rand.Rand, hidden []int, hiddenAct cert.Activation, k, den int64) *cert.Network {
	net := &cert.Network{InputDim: 1}
	in := 1
	draw := func() *big.Rat { return big.NewRat(rng.Int64N(2*k+1)-k, den) }
	widths := append(append([]int{}, hidden...), 1)
	for li, m := range widths {
		var l cert.Layer
		act := hiddenAct
		if li == len(widths)-1 {
			act = cert.Activation{Kind: cert.ActIdentity}
		}
		for j := 0; j < m; j++ {
			row := make([]*big.Rat, in)
			for c := range row {
				row[c] = draw()
			}
			l.W = append(l.W, row)
			l.B = append(l.B, draw())
			l.Act = append(l.Act, act)
		}
		net.Layers = append(net.Layers, l)
		in = m
	}
	return net
}

// mutate returns a copy of n with one weight or bias redrawn.
func mutate(rng *rand.Rand, n *cert.Network, k, den int64) *cert.Network {
	c := &cert.Network{InputDim: n.InputDim}
	for _, l := range n.Layers {
		var nl cert.Layer
		for j, row := range l.W {
			r := make([]*big.Rat, len(row))
			for i, w := range row {
				r[i] = new(big.Rat).Set(w)
			}
			nl.W = append(nl.W, r)
			nl.B = append(nl.B, new(big.Rat).Set(l.B[j]))
		}
		nl.Act = l.Act
		c.Layers = append(c.Layers, nl)
	}
	li := rng.IntN(len(c.Layers))
	l := &c.Layers[li]
	j := rng.IntN(l.Out())
	v := big.NewRat(rng.Int64N(2*k+1)-k, den)
	if i := rng.IntN(len(l.W[j]) + 1); i < len(l.W[j]) {
		l.W[j][i] = v
	} else {
		l.B[j] = v
	}
	return c
}

// ZigzagAct is the search's first candidate for hidden units of activation act: the ReLU
// zigzag (Zigzag) for relu; for hard-tanh, layers whose units ramp on disjoint intervals
// with flat gaps between them (HardTanhZigzag); for other activations, the ReLU zigzag's
// weights with act in its hidden units.
func ZigzagAct(hidden []int, act cert.Activation) *cert.Network {
	switch act.Kind {
	case cert.ActReLU:
		return Zigzag(hidden)
	case cert.ActHardTanh:
		return HardTanhZigzag(hidden)
	}
	n := Zigzag(hidden)
	for li := 0; li+1 < len(n.Layers); li++ {
		for j := range n.Layers[li].Act {
			n.Layers[li].Act[j] = act
		}
	}
	return n
}

// HardTanhZigzag builds a one-input hard-tanh network with the given hidden widths whose
// restriction to [0, 1] has 2m + 1 pieces after a layer of m units: [0, 1] is cut into
// 2m + 1 equal parts and unit j ramps from −1 to 1 across part 2j + 1, htanh((4m+2)z −
// (4j+3)); the layer's output z' = ½ + Σ_j (−1)^j·(u_j + 1)/2 − ½·[j odd] stays in [0, 1]
// and changes slope at both ends of every ramp. The next layer reads z'.
func HardTanhZigzag(hidden []int) *cert.Network {
	net := &cert.Network{InputDim: 1}
	ht := cert.Activation{Kind: cert.ActHardTanh}
	coef := []*big.Rat{big.NewRat(1, 1)} // z = coef · (previous outputs) + off
	off := new(big.Rat)
	for _, m := range hidden {
		var l cert.Layer
		a := big.NewRat(int64(4*m+2), 1)
		for j := 0; j < m; j++ {
			row := make([]*big.Rat, len(coef))
			for k := range row {
				row[k] = new(big.Rat).Mul(a, coef[k])
			}
			b := new(big.Rat).Mul(a, off)
			b.Sub(b, big.NewRat(int64(4*j+3), 1))
			l.W = append(l.W, row)
			l.B = append(l.B, b)
			l.Act = append(l.Act, ht)
		}
		net.Layers = append(net.Layers, l)
		// z' = Σ_j (−1)^j (u_j + 1)/2: rises to 1 across ramp 0, falls to 0 across ramp 1, …
		coef = make([]*big.Rat, m)
		off = new(big.Rat)
		for j := range coef {
			if j%2 == 0 {
				coef[j] = big.NewRat(1, 2)
				off.Add(off, big.NewRat(1, 2))
			} else {
				coef[j] = big.NewRat(-1, 2)
				off.Sub(off, big.NewRat(1, 2))
			}
		}
	}
	net.Layers = append(net.Layers, cert.Layer{W: [][]*big.Rat{coef}, B: []*big.Rat{off}, Act: []cert.Activation{{Kind: cert.ActIdentity}}})
	return net
}
