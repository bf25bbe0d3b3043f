package pwl

import (
	"math/big"

	"certify/cert"
)

// Sawtooth returns Telgarsky's m^(L), the L-fold composition of the tent map
// φ(z) = σ(σ(2z) − σ(4z − 2)) (2z on [0, 1/2], 2 − 2z on [1/2, 1]): a ReLU network of
// 2L layers with widths 2, 1, 2, 1, …, 2, 1 whose restriction to [0, 1] has exactly 2^L
// affine pieces, m^(L)(x) = m(frac(2^(L−1)·x)). The last layer is the outer ReLU of the
// last φ. L must be at least 1.
func Sawtooth(L int) *cert.Network {
	r := func(x int64) *big.Rat { return big.NewRat(x, 1) }
	relu := cert.Activation{Kind: cert.ActReLU}
	n := &cert.Network{InputDim: 1}
	for i := 0; i < L; i++ {
		n.Layers = append(n.Layers,
			cert.Layer{W: [][]*big.Rat{{r(2)}, {r(4)}}, B: []*big.Rat{r(0), r(-2)}, Act: []cert.Activation{relu, relu}},
			cert.Layer{W: [][]*big.Rat{{r(1), r(-1)}}, B: []*big.Rat{r(0)}, Act: []cert.Activation{relu}})
	}
	return n
}

// UnitInterval is the segment [0, 1] of a one-input network.
func UnitInterval() cert.Segment { return Interval(big.NewRat(0, 1), big.NewRat(1, 1)) }

// Interval is the segment [t0, t1] of a one-input network (a = 0, v = 1).
func Interval(t0, t1 *big.Rat) cert.Segment {
	return cert.Segment{A: []*big.Rat{new(big.Rat)}, V: []*big.Rat{big.NewRat(1, 1)}, T0: t0, T1: t1}
}
