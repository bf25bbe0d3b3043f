package audit

import (
	"fmt"
	"math/big"
	"math/rand/v2"
	"slices"
	"sort"
	"strings"

	"certify/cert"
	"certify/lowerbounds"
)

// buildData builds the instance's dataset of a family, as the claim describes it: N
// points in input_dim dimensions, with outputs regression targets or one-hot classes.
//
// A family gives one-dimensional positions t_1 < … < t_N and base labels:
// alternating t_i = i, label i; random N distinct integers in [0, 4N) (seeded);
// telgarsky t_i = i/N. In one dimension the point is t_i; in d > 1 dimensions it is
// (t, t², …, t^d), the moment curve, on which any d + 1 points are affinely independent
// (a Vandermonde determinant): the data are in general position, as claims assuming it
// require, and they are a valid instance of claims that do not. Targets: regression
// y_ik = (label_i + k) mod 2 (random: seeded 0/1); classes label_i mod c (random:
// seeded). One-dimensional scalar regression data are lowerbounds.Dataset's (the
// kernel's impossibility arguments speak of exactly these).
func buildData(fam string, x instance, seed uint64) (*cert.Dataset, error) {
	n := x.n
	if strings.HasPrefix(fam, "file:") || (oneD(x) && fam != lowerbounds.FamilyTelgarsky) {
		return lowerbounds.Dataset(fam, n, seed)
	}
	ts := make([]*big.Rat, n)
	base := make([]int, n)
	rng := rand.New(rand.NewPCG(seed, uint64(n)))
	switch fam {
	case lowerbounds.FamilyAlternating:
		for i := range ts {
			ts[i], base[i] = big.NewRat(int64(i+1), 1), i+1
		}
	case lowerbounds.FamilyTelgarsky:
		for i := range ts {
			ts[i], base[i] = big.NewRat(int64(i), int64(n)), i
		}
	case lowerbounds.FamilyRandom:
		perm := rng.Perm(4 * n)[:n]
		sort.Ints(perm)
		for i, p := range perm {
			ts[i] = big.NewRat(int64(p), 1)
		}
	default:
		return nil, fmt.Errorf("unknown dataset family %q", fam)
	}
	inputs := make([][]*big.Rat, n)
	for i, t := range ts {
		p := make([]*big.Rat, x.dx)
		p[0] = new(big.Rat).Set(t)
		for k := 1; k < x.dx; k++ {
			p[k] = new(big.Rat).Mul(p[k-1], t)
		}
		inputs[i] = p
	}
	random := fam == lowerbounds.FamilyRandom
	if x.classes {
		labels := make([]int, n)
		for i := range labels {
			if random {
				labels[i] = rng.IntN(x.dy)
			} else {
				labels[i] = base[i] % x.dy
			}
		}
		return cert.NewDataset(inputs, labels, nil, x.dy)
	}
	targets := make([][]*big.Rat, n)
	for i := range targets {
		y := make([]*big.Rat, x.dy)
		for k := range y {
			v := (base[i] + k) % 2
			if random {
				v = rng.IntN(2)
			}
			y[k] = big.NewRat(int64(v), 1)
		}
		targets[i] = y
	}
	return cert.NewDataset(inputs, nil, targets, 0)
}

// interpolant builds, when the first hidden layer is wide enough, a network of the
// instance's architecture with hidden activation act whose output is, on the data, the
// linear interpolant of the targets (one-hot vectors for classes) along the first input
// coordinate: f_k = y_1k + Σ_j (s_jk − s_{j−1,k})·relu(x_1 − t_j), s_jk the slope of output
// k between consecutive points. It needs the first coordinates distinct (the moment
// curve's are) and P − 1 ≤ d1 for P distinct points; each later layer carries the outputs
// through σ (width ≥ outputs). The units realise relu(x_1 − t_j) on the data's range:
//
//	relu        σ(x_1 − t_j)
//	leaky-relu  σ(x_1 − t_j) = relu + s·(x_1 − t_j), the linear part taken from unit 0
//	            (x_1 − t_1 ≥ 0 on the data); needs s ≠ 1
//	hard-tanh   R/2·(htanh(2(x_1 − t_j)/R − 1) + 1), R = t_P − t_1
//
// and the later layers carry v through σ(v + B) − B (relu, leaky) or C·htanh(v/C), with B
// and C bounding the targets. The kernel checks the result; nothing here is trusted.
func interpolant(d *cert.Dataset, x instance, act cert.Activation) (*cert.Network, bool) {
	switch act.Kind {
	case cert.ActReLU, cert.ActHardTanh:
	case cert.ActLeakyReLU:
		if act.Slope.Cmp(big.NewRat(1, 1)) == 0 {
			return nil, false
		}
	default:
		return nil, false
	}
	type pt struct {
		t *big.Rat
		y []*big.Rat
	}
	pts := make([]pt, d.N)
	for i := range pts {
		var y []*big.Rat
		if d.Task == cert.Classification {
			y = make([]*big.Rat, x.dy)
			for k := range y {
				y[k] = new(big.Rat)
			}
			y[d.Labels[i]].SetInt64(1)
		} else {
			y = d.Target(i)
		}
		pts[i] = pt{d.Input(i)[0], y}
	}
	sort.Slice(pts, func(a, b int) bool { return pts[a].t.Cmp(pts[b].t) < 0 })
	for i := 1; i < len(pts); i++ {
		if pts[i].t.Cmp(pts[i-1].t) == 0 && !slices.EqualFunc(pts[i].y, pts[i-1].y, func(a, b *big.Rat) bool { return a.Cmp(b) == 0 }) {
			return nil, false // equal first coordinates, different targets
		}
	}
	pts = slices.CompactFunc(pts, func(a, b pt) bool { return a.t.Cmp(b.t) == 0 })
	P, d1, dy := len(pts), x.hidden[0], x.dy
	if P-1 > d1 {
		return nil, false
	}
	for _, w := range x.hidden[1:] {
		if w < dy {
			return nil, false
		}
	}
	zero := func() *big.Rat { return new(big.Rat) }
	layer := func(out, in int) cert.Layer { return lowerbounds.ZeroLayer(out, in, act) }
	// relu(x_1 − t_j) = Σ_i a[j][i]·h_i + b[j] on the data, h the first layer's units.
	l1 := layer(d1, x.dx)
	a := make([][]*big.Rat, P-1)
	b := make([]*big.Rat, P-1)
	R := zero()
	if P > 1 {
		R.Sub(pts[P-1].t, pts[0].t)
	}
	one := big.NewRat(1, 1)
	for j := 0; j+1 < P; j++ {
		a[j] = make([]*big.Rat, d1)
		for i := range a[j] {
			a[j][i] = zero()
		}
		b[j] = zero()
		tj := pts[j].t
		switch act.Kind {
		case cert.ActReLU:
			l1.W[j][0].SetInt64(1)
			l1.B[j].Neg(tj)
			a[j][j].SetInt64(1)
		case cert.ActLeakyReLU:
			l1.W[j][0].SetInt64(1)
			l1.B[j].Neg(tj)
			if j == 0 {
				a[0][0].SetInt64(1)
				break
			}
			// relu_j = (h_j − s·h_0 − s·(t_1 − t_j)) / (1 − s)
			s := act.Slope
			inv := new(big.Rat).Sub(one, s)
			inv.Inv(inv)
			a[j][j].Set(inv)
			a[j][0].Mul(s, inv)
			a[j][0].Neg(a[j][0])
			b[j].Sub(pts[0].t, tj)
			b[j].Mul(b[j], s)
			b[j].Mul(b[j], inv)
			b[j].Neg(b[j])
		case cert.ActHardTanh:
			// h_j = htanh(2(x_1 − t_j)/R − 1); relu_j = R/2·h_j + R/2
			two := new(big.Rat).Quo(big.NewRat(2, 1), R)
			l1.W[j][0].Set(two)
			l1.B[j].Mul(two, tj)
			l1.B[j].Neg(l1.B[j])
			l1.B[j].Sub(l1.B[j], one)
			half := new(big.Rat).Quo(R, big.NewRat(2, 1))
			a[j][j].Set(half)
			b[j].Set(half)
		}
	}
	// f_k = y_1k + Σ_j c_jk·relu_j = Σ_i W[k][i]·h_i + bias[k].
	W := make([][]*big.Rat, dy)
	bias := make([]*big.Rat, dy)
	for k := 0; k < dy; k++ {
		W[k] = make([]*big.Rat, d1)
		for i := range W[k] {
			W[k][i] = zero()
		}
		bias[k] = new(big.Rat).Set(pts[0].y[k])
		prev := zero()
		for j := 0; j+1 < P; j++ {
			s := new(big.Rat).Sub(pts[j+1].y[k], pts[j].y[k])
			s.Quo(s, new(big.Rat).Sub(pts[j+1].t, pts[j].t))
			cj := new(big.Rat).Sub(s, prev)
			prev = s
			for i := range W[k] {
				W[k][i].Add(W[k][i], new(big.Rat).Mul(cj, a[j][i]))
			}
			bias[k].Add(bias[k], new(big.Rat).Mul(cj, b[j]))
		}
	}
	net := &cert.Network{InputDim: x.dx, Layers: []cert.Layer{l1}}
	// Carry the outputs through the later layers.
	B, C := zero(), new(big.Rat).Set(one)
	for _, p := range pts {
		for _, y := range p.y {
			if y.Sign() < 0 && new(big.Rat).Neg(y).Cmp(B) > 0 {
				B.Neg(y)
			}
			if ay := new(big.Rat).Abs(y); ay.Cmp(C) > 0 {
				C.Set(ay)
			}
		}
	}
	in := d1
	for _, w := range x.hidden[1:] {
		l := layer(w, in)
		for k := 0; k < dy; k++ {
			for i := range W[k] {
				l.W[k][i].Set(W[k][i])
			}
			l.B[k].Set(bias[k])
			if act.Kind == cert.ActHardTanh { // unit k = htanh(f_k / C) = f_k / C
				for i := range l.W[k] {
					l.W[k][i].Quo(l.W[k][i], C)
				}
				l.B[k].Quo(l.B[k], C)
			} else { // unit k = σ(f_k + B) = f_k + B
				l.B[k].Add(l.B[k], B)
			}
		}
		net.Layers = append(net.Layers, l)
		W = make([][]*big.Rat, dy)
		for k := range W {
			W[k] = make([]*big.Rat, w)
			for i := range W[k] {
				W[k][i] = zero()
			}
			if act.Kind == cert.ActHardTanh {
				W[k][k].Set(C)
				bias[k] = zero()
			} else {
				W[k][k].SetInt64(1)
				bias[k] = new(big.Rat).Neg(B)
			}
		}
		in = w
	}
	out := cert.Layer{W: W, B: bias}
	for range dy {
		out.Act = append(out.Act, cert.Activation{Kind: cert.ActIdentity})
	}
	net.Layers = append(net.Layers, out)
	return net, true
}
