package construct

import (
	"fmt"
	"math/big"

	"certify/cert"
)

// Exact gadgets for the deep constructions (Park et al. 2021, Vardi et al. 2022), and the
// layer-by-layer builder they are written with.
//
// A deep construction is written as a sequence of layers whose units are given by
// pre-activations that are affine forms with integer coefficients ("aff") over the units
// of the layer before (or over the network's input for the first layer). After a layer
// is committed, the quantities the construction carries forward ("signals": a running
// sum, the projected input, a chain of the triangle map, …) are again affine forms over
// the new layer's units. Nothing is rounded: every coefficient is a big integer, and the
// only rational weights are those of the output layer (a common denominator).
//
// The gadgets, each exact on the finite set of values that reach it. The
// construction knows those values exactly (they are integers by design: projected
// inputs, offsets, packed weights) and the kernel recomputes them when it checks:
//
//	ID           σ(v + B) − B = v            for v ≥ −B (B = 0 for values known ≥ 0)
//	STEP, ReLU   1[a ≥ 0] = σ(a + 1) − σ(a)  for integer a (margin 1), one layer, 2 units
//	STEP, width  1[a ≥ 0] = 1 − σ(1 − σ(a + 1)) for integer a: two layers of one unit
//	             each (the hard-tanh form of Park et al., footnote 5), so a width-3
//	             STEP + ID layer becomes two width-3 ReLU layers
//	trapezoid    σ(z−lo+1) − σ(z−lo) − σ(z−hi) + σ(z−hi−1) = 1[lo ≤ z ≤ hi] on integers
//	tent         σ(d+S) − 2σ(d) + σ(d−S) = S·1[d = 0] for d ∈ S·Z
//	gating       σ(v − M(1 − β)) = β·v       for β ∈ {0, 1}, 0 ≤ v ≤ M
//	triangle     φ(t) = 2σ(t) − 4σ(t − ½) on [0, 1] (Telgarsky's tent map), written on
//	             integers P = 2^{B+2}·t as Φ(P) = 2σ(P) − 4σ(P − 2^{B+1}); see
//	             vardi2022_thm31.go for the bit extraction built on it.

// affTerm is coefficient·unit.
type affTerm struct {
	u int
	k *big.Int
}

// aff is an affine form Σ k_u·unit_u + c over the units of one layer (layer 0 = the
// network input). Forms are values: operations return new forms and never modify their
// arguments' coefficients.
type aff struct {
	layer int
	t     []affTerm
	c     *big.Int
}

var deepZero = new(big.Int)

func constAff(layer int, c *big.Int) aff { return aff{layer: layer, c: c} }

// plus returns l + x·(a constant).
func (l aff) plusC(c *big.Int) aff {
	return aff{layer: l.layer, t: l.t, c: new(big.Int).Add(l.cc(), c)}
}

func (l aff) cc() *big.Int {
	if l.c == nil {
		return deepZero
	}
	return l.c
}

// scale returns k·l.
func (l aff) scale(k *big.Int) aff {
	if k.Sign() == 0 {
		return aff{layer: l.layer}
	}
	out := aff{layer: l.layer, c: new(big.Int).Mul(l.cc(), k), t: make([]affTerm, len(l.t))}
	for i, t := range l.t {
		out.t[i] = affTerm{t.u, new(big.Int).Mul(t.k, k)}
	}
	return out
}

func (l aff) scaleI(k int64) aff { return l.scale(big.NewInt(k)) }

// sum adds forms over the same layer.
func affSum(ls ...aff) aff {
	out := aff{layer: ls[0].layer, c: new(big.Int)}
	idx := map[int]int{}
	for _, l := range ls {
		if l.layer != out.layer {
			panic(fmt.Sprintf("construct: adding forms over layers %d and %d", out.layer, l.layer))
		}
		out.c.Add(out.c, l.cc())
		for _, t := range l.t {
			if i, ok := idx[t.u]; ok {
				out.t[i].k = new(big.Int).Add(out.t[i].k, t.k)
				continue
			}
			idx[t.u] = len(out.t)
			out.t = append(out.t, affTerm{t.u, t.k})
		}
	}
	// Drop cancelled terms (keeps rows sparse and deterministic).
	kept := out.t[:0]
	for _, t := range out.t {
		if t.k.Sign() != 0 {
			kept = append(kept, t)
		}
	}
	out.t = kept
	return out
}

func (l aff) sub(m aff) aff { return affSum(l, m.scaleI(-1)) }

// isConst reports whether l has no unit terms.
func (l aff) isConst() bool { return len(l.t) == 0 }

// deepNet builds a network layer by layer.
type deepNet struct {
	net    *cert.Network
	in     int // units of the last committed layer (the input dimension at the start)
	layers int // committed layers
	draft  []aff
	acts   []cert.ActKind
	open   bool
	// maxWidth, when > 0, is the widest layer allowed (a construction's promise; a
	// violation is a bug and panics).
	maxWidth int
}

func newDeepNet(inputDim int) *deepNet {
	return &deepNet{net: &cert.Network{InputDim: inputDim}, in: inputDim}
}

// input returns the form x_k over the network input.
func (b *deepNet) input(k int) aff { return aff{layer: 0, t: []affTerm{{k, big.NewInt(1)}}} }

func (b *deepNet) begin() {
	if b.open {
		panic("construct: layer already open")
	}
	b.open = true
	b.draft = b.draft[:0]
	b.acts = b.acts[:0]
}

// unit adds a unit with the given activation and pre-activation to the open layer and
// returns the form 1·unit over the new layer.
func (b *deepNet) unit(act cert.ActKind, pre aff) aff {
	if !b.open {
		panic("construct: no open layer")
	}
	if pre.layer != b.layers {
		panic(fmt.Sprintf("construct: pre-activation over layer %d used in layer %d", pre.layer, b.layers+1))
	}
	b.draft = append(b.draft, pre)
	b.acts = append(b.acts, act)
	return aff{layer: b.layers + 1, t: []affTerm{{len(b.draft) - 1, big.NewInt(1)}}}
}

func (b *deepNet) relu(pre aff) aff { return b.unit(cert.ActReLU, pre) }

// carry passes a value known to be ≥ 0 on the data through a ReLU unit (ID gadget with
// B = 0). A constant is returned as the same constant over the new layer.
func (b *deepNet) carry(v aff) aff {
	if v.isConst() {
		return constAff(b.layers+1, v.cc())
	}
	return b.relu(v)
}

// end commits the open layer.
func (b *deepNet) end() {
	b.commit(nil)
}

// commit writes the draft as a layer; den (nil: 1) divides every weight and bias.
func (b *deepNet) commit(den *big.Int) {
	if !b.open {
		panic("construct: no open layer")
	}
	if b.maxWidth > 0 && len(b.draft) > b.maxWidth {
		panic(fmt.Sprintf("construct: layer %d has %d units, more than %d", b.layers+1, len(b.draft), b.maxWidth))
	}
	if len(b.draft) == 0 {
		panic("construct: empty layer")
	}
	zero := new(big.Rat)
	l := cert.Layer{W: make([][]*big.Rat, len(b.draft)), B: make([]*big.Rat, len(b.draft)), Act: make([]cert.Activation, len(b.draft))}
	r := func(x *big.Int) *big.Rat {
		if x.Sign() == 0 {
			return zero
		}
		if den == nil {
			return new(big.Rat).SetInt(x)
		}
		return new(big.Rat).SetFrac(x, den)
	}
	for j, pre := range b.draft {
		row := make([]*big.Rat, b.in)
		for k := range row {
			row[k] = zero
		}
		for _, t := range pre.t {
			row[t.u] = r(t.k)
		}
		l.W[j] = row
		l.B[j] = r(pre.cc())
		l.Act[j] = cert.Activation{Kind: b.acts[j]}
	}
	b.net.Layers = append(b.net.Layers, l)
	b.in = len(b.draft)
	b.layers++
	b.open = false
}

// output writes the identity output layer with units outs[i]/den.
func (b *deepNet) output(outs []aff, den *big.Int) *cert.Network {
	b.begin()
	for _, o := range outs {
		if o.isConst() {
			// A constant output still needs a row: use a zero-weight unit.
			o = aff{layer: b.layers, c: o.cc()}
		}
		b.unit(cert.ActIdentity, o)
	}
	b.commit(den)
	return b.net
}

// ---- STEP + ID layers (Park et al.) ----

// sidUnit is one unit of a STEP + ID layer: STEP(pre) = 1[pre ≥ 0] with pre integer on
// the data, or ID(pre) with pre ≥ −shift on the data.
type sidUnit struct {
	step  bool
	pre   aff
	shift *big.Int // ID only: a lower bound −shift on pre (nil: pre ≥ 0)
}

// sidLayer realises one STEP + ID layer of small width and returns the units' values as forms over the
// last layer it wrote. native: one layer of step and identity units (checked natively
// by the kernel). Otherwise two ReLU layers of the same width: ID v ↦ σ(σ(v + B)) − B,
// STEP a ↦ 1 − σ(1 − σ(a + 1)).
func (b *deepNet) sidLayer(units []sidUnit, native bool) []aff {
	return b.sidLayerMode(units, native, false)
}

// sidLayerFlat realises a (wide) STEP + ID layer as one ReLU layer: ID v ↦ σ(v + B) − B,
// STEP a ↦ σ(a + 1) − σ(a) (two units). A wide layer written in the two-layer form
// would put a dense width × width matrix (almost all zeros) between its two halves.
func (b *deepNet) sidLayerFlat(units []sidUnit, native bool) []aff {
	return b.sidLayerMode(units, native, true)
}

func (b *deepNet) sidLayerMode(units []sidUnit, native, flat bool) []aff {
	out := make([]aff, len(units))
	if flat && !native {
		b.begin()
		for i, u := range units {
			switch {
			case u.step:
				hi := b.relu(u.pre.plusC(big.NewInt(1)))
				lo := b.relu(u.pre)
				out[i] = hi.sub(lo)
			case u.shift != nil && u.shift.Sign() > 0:
				out[i] = b.relu(u.pre.plusC(u.shift)).plusC(new(big.Int).Neg(u.shift))
			default:
				out[i] = b.relu(u.pre)
			}
		}
		b.end()
		return out
	}
	if native {
		b.begin()
		for i, u := range units {
			if u.step {
				out[i] = b.unit(cert.ActStep, u.pre)
			} else {
				out[i] = b.unit(cert.ActIdentity, u.pre)
			}
		}
		b.end()
		return out
	}
	first := make([]aff, len(units))
	b.begin()
	for i, u := range units {
		switch {
		case u.step:
			first[i] = b.relu(u.pre.plusC(big.NewInt(1)))
		case u.shift != nil && u.shift.Sign() > 0:
			first[i] = b.relu(u.pre.plusC(u.shift))
		default:
			first[i] = b.relu(u.pre)
		}
	}
	b.end()
	one := big.NewInt(1)
	b.begin()
	for i, u := range units {
		switch {
		case u.step:
			v := b.relu(first[i].scaleI(-1).plusC(one)) // 1 − STEP
			out[i] = v.scaleI(-1).plusC(one)
		case u.shift != nil && u.shift.Sign() > 0:
			out[i] = b.relu(first[i]).plusC(new(big.Int).Neg(u.shift))
		default:
			out[i] = b.relu(first[i])
		}
	}
	b.end()
	return out
}

func deepPow2(k int) *big.Int { return new(big.Int).Lsh(big.NewInt(1), uint(max(k, 0))) }

func deepBitLen(x *big.Int) int { return x.BitLen() }

// ---- the ReLU gadgets, as units of the open layer ----

// trapezoid adds σ(z−lo+1), σ(z−lo), σ(z−hi), σ(z−hi−1) and returns their combination
// 1[lo ≤ z ≤ hi], exact for integer z (4 units).
func (b *deepNet) trapezoid(z aff, lo, hi *big.Int) aff {
	one := big.NewInt(1)
	h1 := b.relu(z.plusC(new(big.Int).Sub(one, lo)))
	h2 := b.relu(z.plusC(new(big.Int).Neg(lo)))
	h3 := b.relu(z.plusC(new(big.Int).Neg(hi)))
	h4 := b.relu(z.plusC(new(big.Int).Sub(new(big.Int).Neg(hi), one)))
	return affSum(h1, h2.scaleI(-1), h3.scaleI(-1), h4)
}

// tent adds σ(d+S), σ(d), σ(d−S) and returns their combination S·1[d = 0], exact for
// d ∈ S·Z (3 units).
func (b *deepNet) tent(d aff, S *big.Int) aff {
	t1 := b.relu(d.plusC(S))
	t2 := b.relu(d)
	t3 := b.relu(d.plusC(new(big.Int).Neg(S)))
	return affSum(t1, t2.scaleI(-2), t3)
}

// gate adds σ(v − M + (M/S)·e) and returns it: v·β for e = S·β, β ∈ {0, 1}, when
// 0 ≤ v ≤ M and S divides M (1 unit).
func (b *deepNet) gate(v, e aff, S, M *big.Int) aff {
	q := new(big.Int).Quo(M, S)
	return b.relu(affSum(v, e.scale(q)).plusC(new(big.Int).Neg(M)))
}

// triangle adds σ(P), σ(P − H) and returns Φ(P) = 2σ(P) − 4σ(P − H): Telgarsky's tent
// map φ(t) = 2σ(t) − 4σ(t − ½) on P = 2H·t, exact for P ∈ [0, 2H] (2 units).
func (b *deepNet) triangle(P aff, H *big.Int) aff {
	a1 := b.relu(P)
	a2 := b.relu(P.plusC(new(big.Int).Neg(H)))
	return affSum(a1.scaleI(2), a2.scaleI(-4))
}
