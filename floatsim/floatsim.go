package floatsim

import (
	"fmt"
	"math"
	"math/big"

	"certify/cert"
)

// Arith names a float arithmetic.
type Arith uint8

// The arithmetics simulated.
const (
	Float32 Arith = iota + 1 // IEEE 754 binary32
	Float64                  // IEEE 754 binary64
)

func (a Arith) String() string {
	switch a {
	case Float32:
		return "float32"
	case Float64:
		return "float64"
	}
	return fmt.Sprintf("arith(%d)", uint8(a))
}

// Net is a network with every parameter rounded to one arithmetic. It is immutable and
// safe for concurrent use by Eval.
type Net struct {
	Arith Arith
	In    int
	// Rounded counts the parameters (weights, biases, slopes) that the arithmetic does
	// not represent exactly; Overflowed those that became infinite.
	Rounded, Overflowed int
	layers              []layer
}

type layer struct {
	in, out int
	w64     []float64 // row-major, out × in
	b64     []float64
	w32     []float32
	b32     []float32
	act     []act
}

type act struct {
	kind cert.ActKind
	s64  float64
	s32  float32
}

// Compile rounds n's parameters to the arithmetic a.
func Compile(n *cert.Network, a Arith) (*Net, error) {
	if a != Float32 && a != Float64 {
		return nil, fmt.Errorf("floatsim: unknown arithmetic %v", a)
	}
	if n.HasResidual() {
		return nil, fmt.Errorf("floatsim: residual layers are not simulated")
	}
	m := &Net{Arith: a, In: n.InputDim}
	in := n.InputDim
	for li := range n.Layers {
		l := &n.Layers[li]
		fl := layer{in: in, out: l.Out(), act: make([]act, l.Out())}
		if a == Float64 {
			fl.w64, fl.b64 = make([]float64, fl.out*in), make([]float64, fl.out)
		} else {
			fl.w32, fl.b32 = make([]float32, fl.out*in), make([]float32, fl.out)
		}
		for j := 0; j < fl.out; j++ {
			if len(l.W[j]) != in {
				return nil, fmt.Errorf("floatsim: layers[%d].weights[%d] has %d entries, want %d", li, j, len(l.W[j]), in)
			}
			for k, w := range l.W[j] {
				if a == Float64 {
					fl.w64[j*in+k] = m.round64(w)
				} else {
					fl.w32[j*in+k] = m.round32(w)
				}
			}
			if a == Float64 {
				fl.b64[j] = m.round64(l.B[j])
			} else {
				fl.b32[j] = m.round32(l.B[j])
			}
			ac := l.Act[j]
			switch ac.Kind {
			case cert.ActIdentity, cert.ActReLU, cert.ActHardTanh, cert.ActStep:
			case cert.ActLeakyReLU:
				if a == Float64 {
					fl.act[j].s64 = m.round64(ac.Slope)
				} else {
					fl.act[j].s32 = m.round32(ac.Slope)
				}
			default:
				return nil, fmt.Errorf("floatsim: layers[%d] unit %d: activation %v not simulated", li, j, ac)
			}
			fl.act[j].kind = ac.Kind
		}
		m.layers = append(m.layers, fl)
		in = fl.out
	}
	return m, nil
}

func (m *Net) round64(r *big.Rat) float64 {
	f, exact := r.Float64()
	if !exact {
		m.Rounded++
	}
	if math.IsInf(f, 0) {
		m.Overflowed++
	}
	return f
}

func (m *Net) round32(r *big.Rat) float32 {
	f, exact := r.Float32()
	if !exact {
		m.Rounded++
	}
	if math.IsInf(float64(f), 0) {
		m.Overflowed++
	}
	return f
}

// Round64 and Round32 round an exact rational to the nearest float (ties to even).
func Round64(r *big.Rat) float64 { f, _ := r.Float64(); return f }

// Round32 rounds an exact rational to the nearest float32 (ties to even).
func Round32(r *big.Rat) float32 { f, _ := r.Float32(); return f }

// Eval rounds the input x to the arithmetic and runs the network in it. The outputs
// are float64 (exact widenings in the float32 case).
func (m *Net) Eval(x []*big.Rat) []float64 {
	if m.Arith == Float64 {
		v := make([]float64, len(x))
		for k, r := range x {
			v[k] = Round64(r)
		}
		return m.Forward64(v)
	}
	v := make([]float32, len(x))
	for k, r := range x {
		v[k] = Round32(r)
	}
	out := m.Forward32(v)
	res := make([]float64, len(out))
	for k, f := range out {
		res[k] = float64(f)
	}
	return res
}

// Forward64 runs a Float64 network on an input already in float64.
func (m *Net) Forward64(x []float64) []float64 {
	for li := range m.layers {
		l := &m.layers[li]
		y := make([]float64, l.out)
		dot64(y, l.w64, x)
		for j := range y {
			y[j] = activate(float64(y[j]+l.b64[j]), l.act[j].kind, l.act[j].s64)
		}
		x = y
	}
	return x
}

// Forward32 runs a Float32 network on an input already in float32.
func (m *Net) Forward32(x []float32) []float32 {
	for li := range m.layers {
		l := &m.layers[li]
		y := make([]float32, l.out)
		dot32(y, l.w32, x)
		for j := range y {
			y[j] = activate(float32(y[j]+l.b32[j]), l.act[j].kind, l.act[j].s32)
		}
		x = y
	}
	return x
}

// activate is the unit's activation of z in the arithmetic F (s the leaky slope, already
// rounded to F); the one product is rounded by its conversion.
func activate[F float32 | float64](z F, kind cert.ActKind, s F) F {
	switch kind {
	case cert.ActReLU:
		if z <= 0 {
			z = 0
		}
	case cert.ActLeakyReLU:
		if z <= 0 {
			z = F(s * z)
		}
	case cert.ActHardTanh:
		if z > 1 {
			z = 1
		} else if z < -1 {
			z = -1
		}
	case cert.ActStep:
		if z >= 0 {
			z = 1
		} else {
			z = 0
		}
	}
	return z
}

// dot64 sets y[j] to the plain-loop sum of w[j][k]·x[k], k in index order from 0, every
// product and sum rounded. Four rows go side by side to hide the addition's latency; each
// row's sum is still the one sequential loop.
func dot64(y, w, x []float64) {
	in := len(x)
	j := 0
	for ; j+4 <= len(y); j += 4 {
		r0, r1, r2, r3 := w[j*in:(j+1)*in], w[(j+1)*in:(j+2)*in], w[(j+2)*in:(j+3)*in], w[(j+3)*in:(j+4)*in]
		var a0, a1, a2, a3 float64
		for k, xk := range x {
			a0 = float64(a0 + float64(r0[k]*xk))
			a1 = float64(a1 + float64(r1[k]*xk))
			a2 = float64(a2 + float64(r2[k]*xk))
			a3 = float64(a3 + float64(r3[k]*xk))
		}
		y[j], y[j+1], y[j+2], y[j+3] = a0, a1, a2, a3
	}
	for ; j < len(y); j++ {
		row := w[j*in : (j+1)*in]
		acc := float64(0)
		for k, xk := range x {
			// Both conversions are explicit roundings: the product is rounded before
			// the addition, so no fused multiply-add is possible.
			acc = float64(acc + float64(row[k]*xk))
		}
		y[j] = acc
	}
}

// dot32 is dot64 in float32.
func dot32(y, w, x []float32) {
	in := len(x)
	j := 0
	for ; j+4 <= len(y); j += 4 {
		r0, r1, r2, r3 := w[j*in:(j+1)*in], w[(j+1)*in:(j+2)*in], w[(j+2)*in:(j+3)*in], w[(j+3)*in:(j+4)*in]
		var a0, a1, a2, a3 float32
		for k, xk := range x {
			a0 = float32(a0 + float32(r0[k]*xk))
			a1 = float32(a1 + float32(r1[k]*xk))
			a2 = float32(a2 + float32(r2[k]*xk))
			a3 = float32(a3 + float32(r3[k]*xk))
		}
		y[j], y[j+1], y[j+2], y[j+3] = a0, a1, a2, a3
	}
	for ; j < len(y); j++ {
		row := w[j*in : (j+1)*in]
		acc := float32(0)
		for k, xk := range x {
			acc = float32(acc + float32(row[k]*xk))
		}
		y[j] = acc
	}
}

// EvalFrac is Eval for the input x[k] = num[k]/den (den > 0), without making rationals:
// when num[k] and den are exactly representable the quotient of the two floats is the
// correctly rounded num[k]/den (IEEE division rounds once), else it goes through big.Rat.
func (m *Net) EvalFrac(num []int64, den int64) []float64 {
	if m.Arith == Float64 {
		v := make([]float64, len(num))
		for k, p := range num {
			if fits(p, 53) && fits(den, 53) {
				v[k] = float64(p) / float64(den)
			} else {
				v[k] = Round64(big.NewRat(p, den))
			}
		}
		return m.Forward64(v)
	}
	v := make([]float32, len(num))
	for k, p := range num {
		if fits(p, 24) && fits(den, 24) {
			v[k] = float32(p) / float32(den)
		} else {
			v[k] = Round32(big.NewRat(p, den))
		}
	}
	out := m.Forward32(v)
	res := make([]float64, len(out))
	for k, f := range out {
		res[k] = float64(f)
	}
	return res
}

// fits: |p| ≤ 2^bits, so p is exact in a float with a bits-bit significand.
func fits(p int64, bits uint) bool { return p >= -(1<<bits) && p <= 1<<bits }
