package cert

import (
	"math"
	"math/big"
	"testing"

	"certify/internal/ieee"

	"pgregory.net/rapid"
)

// The float claim's property test: on random small networks, every float evaluation —
// float32 and float64 in Go's own arithmetic, in four orders (forward, reverse, pairwise,
// and fused multiply-add), and the kernel's exact simulation in all four formats — lies
// within the bound the kernel proves, at every output. It also requires the kernel's
// simulation to equal Go's float32/float64 evaluation in the plain order bit for bit.

func drawFloatRat(t *rapid.T, label string) *big.Rat {
	num := rapid.Int64Range(-1000, 1000).Draw(t, label+"-n")
	den := rapid.SampledFrom([]int64{1, 3, 7, 10, 1024, 1 << 30, 1000003}).Draw(t, label+"-d")
	r := big.NewRat(num, den)
	e := rapid.SampledFrom([]int{0, 0, 0, -3, 5, -60, -135, -1060, 40}).Draw(t, label+"-e")
	p := new(big.Rat).SetInt(new(big.Int).Lsh(big.NewInt(1), uint(max(e, -e))))
	if e < 0 {
		return r.Quo(r, p)
	}
	return r.Mul(r, p)
}

func drawFloatNet(t *rapid.T) (*Network, [][]*big.Rat) {
	in := rapid.IntRange(1, 6).Draw(t, "in")
	n := &Network{InputDim: in}
	depth := rapid.IntRange(1, 3).Draw(t, "depth")
	w := in
	for li := 0; li < depth; li++ {
		out := rapid.IntRange(1, 5).Draw(t, "width")
		var l Layer
		for j := 0; j < out; j++ {
			row := make([]*big.Rat, w)
			for k := range row {
				row[k] = drawFloatRat(t, "w")
			}
			l.W = append(l.W, row)
			l.B = append(l.B, drawFloatRat(t, "b"))
			act := Activation{Kind: rapid.SampledFrom([]ActKind{ActIdentity, ActReLU, ActLeakyReLU, ActHardTanh, ActStep}).Draw(t, "act")}
			if act.Kind == ActLeakyReLU {
				act.Slope = rapid.SampledFrom([]*big.Rat{big.NewRat(1, 10), big.NewRat(1, 100), big.NewRat(3, 2), big.NewRat(-1, 3)}).Draw(t, "slope")
			}
			l.Act = append(l.Act, act)
		}
		n.Layers = append(n.Layers, l)
		w = out
	}
	var xs [][]*big.Rat
	for i := rapid.IntRange(1, 3).Draw(t, "points"); i > 0; i-- {
		x := make([]*big.Rat, in)
		for k := range x {
			x[k] = drawFloatRat(t, "x")
		}
		xs = append(xs, x)
	}
	return n, xs
}

// goEval evaluates n in Go's float64 (or float32 when f32) in one order: 0 forward, 1
// reverse, 2 pairwise, 3 fused multiply-add from the bias.
func goEval(n *Network, x []*big.Rat, f32 bool, order int) []float64 {
	rnd := func(v float64) float64 {
		if f32 {
			return float64(float32(v))
		}
		return v
	}
	conv := func(r *big.Rat) float64 {
		if f32 {
			v, _ := r.Float32()
			return float64(v)
		}
		v, _ := r.Float64()
		return v
	}
	fma := func(a, b, c float64) float64 {
		if !f32 {
			return math.FMA(a, b, c)
		}
		r := new(big.Rat).Mul(new(big.Rat).SetFloat64(a), new(big.Rat).SetFloat64(b))
		r.Add(r, new(big.Rat).SetFloat64(c))
		v, _ := r.Float32() // one rounding of the exact a·b + c
		return float64(v)
	}
	a := make([]float64, len(x))
	for k, v := range x {
		a[k] = conv(v)
	}
	for _, l := range n.Layers {
		next := make([]float64, len(l.W))
		for j, row := range l.W {
			b := conv(l.B[j])
			terms := make([]float64, len(row))
			for k, w := range row {
				terms[k] = rnd(float64(conv(w) * a[k]))
			}
			var z float64
			switch order {
			case 0:
				for _, t := range terms {
					z = rnd(z + t)
				}
				z = rnd(z + b)
			case 1:
				z = b
				for k := len(terms) - 1; k >= 0; k-- {
					z = rnd(z + terms[k])
				}
			case 2:
				all := append(terms, b)
				for len(all) > 1 {
					var h []float64
					for i := 0; i+1 < len(all); i += 2 {
						h = append(h, rnd(all[i]+all[i+1]))
					}
					if len(all)%2 == 1 {
						h = append(h, all[len(all)-1])
					}
					all = h
				}
				z = all[0]
			case 3:
				z = b
				for k, w := range row {
					z = fma(conv(w), a[k], z)
				}
			}
			switch act := l.Act[j]; act.Kind {
			case ActReLU:
				if z <= 0 {
					z = 0
				}
			case ActLeakyReLU:
				if z <= 0 {
					z = rnd(conv(act.Slope) * z)
				}
			case ActHardTanh:
				z = math.Max(-1, math.Min(1, z))
			case ActStep:
				if z >= 0 {
					z = 1
				} else {
					z = 0
				}
			}
			next[j] = z
		}
		a = next
	}
	return a
}

func TestFloatBoundHoldsProperty(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		n, xs := drawFloatNet(t)
		for _, f := range ieee.Formats {
			fn := newFloatNet(n, f)
			for _, x := range xs {
				out, errs, why := fn.bound(x)
				if why != "" {
					continue
				}
				within := func(got []*big.Rat, what string) {
					for k := range got {
						d := new(big.Rat).Sub(got[k], out[k])
						if d.Abs(d).Cmp(errs[k]) > 0 {
							t.Fatalf("%s %s output %d: |%s − %s| > bound %s", f.Name, what, k, got[k].RatString(), out[k].RatString(), errs[k].RatString())
						}
					}
				}
				sim, swhy := fn.simulate(x)
				if swhy != "" {
					t.Fatalf("%s: the bound proves no overflow but the simulation overflows: %s", f.Name, swhy)
				}
				within(sim, "kernel simulation")
				if f != ieee.Float32 && f != ieee.Float64 {
					continue
				}
				for order := 0; order < 4; order++ {
					g := goEval(n, x, f == ieee.Float32, order)
					got := make([]*big.Rat, len(g))
					for k, v := range g {
						if math.IsInf(v, 0) || math.IsNaN(v) {
							t.Fatalf("%s order %d: output %d is %v though the bound proves no overflow", f.Name, order, k, v)
						}
						got[k] = new(big.Rat).SetFloat64(v)
					}
					within(got, []string{"forward", "reverse", "pairwise", "fma"}[order])
					if order == 0 {
						for k := range got {
							if got[k].Cmp(sim[k]) != 0 {
								t.Fatalf("%s: kernel simulation %s ≠ Go's plain order %s at output %d", f.Name, sim[k].RatString(), got[k].RatString(), k)
							}
						}
					}
				}
			}
		}
	})
}

// TestIEEERound compares the exact rounding with Go's conversions, near the subnormal
// range, at ties and near overflow.
func TestIEEERound(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		x := drawFloatRat(t, "x")
		if rapid.Bool().Draw(t, "tie") { // an exact tie between two float32s
			x = new(big.Rat).SetFloat64(float64(rapid.Float32().Draw(t, "f")))
			x.Add(x, new(big.Rat).SetFloat64(math.Ldexp(1, rapid.IntRange(-150, 100).Draw(t, "h"))))
		}
		r64, inf64 := ieee.Float64.Round(x)
		g64, _ := x.Float64()
		if math.IsInf(g64, 0) != (inf64 != 0) || (inf64 == 0 && new(big.Rat).SetFloat64(g64).Cmp(r64) != 0) {
			t.Fatalf("float64 rounding of %s: %v %d, Go %v", x.RatString(), r64, inf64, g64)
		}
		r32, inf32 := ieee.Float32.Round(x)
		g32, _ := x.Float32()
		if math.IsInf(float64(g32), 0) != (inf32 != 0) || (inf32 == 0 && new(big.Rat).SetFloat64(float64(g32)).Cmp(r32) != 0) {
			t.Fatalf("float32 rounding of %s: %v %d, Go %v", x.RatString(), r32, inf32, g32)
		}
	})
}
