package floatsim

import (
	"math"
	"math/big"
	"math/rand"
	"testing"

	"certify/cert"
)

func rat(s string) *big.Rat {
	r, ok := new(big.Rat).SetString(s)
	if !ok {
		panic(s)
	}
	return r
}

func rats(ss ...string) []*big.Rat {
	out := make([]*big.Rat, len(ss))
	for i, s := range ss {
		out[i] = rat(s)
	}
	return out
}

// dense is a one-layer network with one output unit: w·x + b, identity.
func dense(b string, w ...string) *cert.Network {
	return &cert.Network{InputDim: len(w), Layers: []cert.Layer{{
		W: [][]*big.Rat{rats(w...)}, B: rats(b), Act: []cert.Activation{{Kind: cert.ActIdentity}},
	}}}
}

func eval(t *testing.T, n *cert.Network, a Arith, x ...string) float64 {
	t.Helper()
	m, err := Compile(n, a)
	if err != nil {
		t.Fatal(err)
	}
	return m.Eval(rats(x...))[0]
}

// Cases computed by hand.
func TestHandComputed(t *testing.T) {
	p53, p24 := "9007199254740992", "16777216"
	cases := []struct {
		name string
		a    Arith
		net  *cert.Network
		x    []string
		want float64
	}{
		// 0.1 + 0.2 in float64 is 0.30000000000000004, not round(3/10).
		{"tenths64", Float64, dense("0", "1", "1"), []string{"1/10", "2/10"}, 0.30000000000000004},
		// In float32: round32(0.1) + round32(0.2) = 0.3 rounded up to 0x3e99999a.
		{"tenths32", Float32, dense("0", "1", "1"), []string{"1/10", "2/10"}, float64(math.Float32frombits(0x3e99999a))},
		// Index order from zero, bias last: 2^53 + 1 rounds to 2^53 (tie to even),
		// minus 2^53 is 0, plus the bias 1 is 1. With the bias first the answer is 0;
		// exactly it is 2.
		{"order64", Float64, dense("1", "1", "1", "-1"), []string{p53, "1", p53}, 1},
		{"order32", Float32, dense("1", "1", "1", "-1"), []string{p24, "1", p24}, 1},
		// Rounding of the parameters: 1/3 in float32 times 3 is 1 (0x3eaaaaab · 3
		// = 1.0000000298…, rounds to 1).
		{"third32", Float32, dense("0", "1/3"), []string{"3"}, 1},
		// Overflow: the largest float64 twice is +Inf.
		{"overflow64", Float64, dense("0", "1", "1"), []string{"179769313486231570814527423731704356798070567525844996598917476803157260780028538760589558632766878171540458953514382464234321326889464182768467546703537516986049910576551282076245490090389328944075868508455133942304583236903222948165808559332123348274797826204144723168738177180919299881250404026184124858368", "179769313486231570814527423731704356798070567525844996598917476803157260780028538760589558632766878171540458953514382464234321326889464182768467546703537516986049910576551282076245490090389328944075868508455133942304583236903222948165808559332123348274797826204144723168738177180919299881250404026184124858368"}, math.Inf(1)},
	}
	for _, c := range cases {
		if got := eval(t, c.net, c.a, c.x...); got != c.want {
			t.Errorf("%s: got %v (%x), want %v", c.name, got, math.Float64bits(got), c.want)
		}
	}
}

// A product is rounded before it is added: no fused multiply-add. 1 + (1+u)·(−(1−u))
// is 0 with the product rounded (to −1) and u² with it fused. Go on amd64 never fuses;
// on arm64 (and ppc64, s390x, riscv64) it fuses acc + w*x[k] when allowed to: checked with
// GOARCH=arm64 go build -gcflags=-S ./floatsim, which shows an FMADDD for that form and
// none for the explicitly converted one the package uses. Run this test there too.
func TestNoFusedMultiplyAdd(t *testing.T) {
	u64 := math.Ldexp(1, -30)
	if fused := math.FMA(1+u64, -(1 - u64), 1); fused == 0 {
		t.Fatal("the case does not tell fused from unfused")
	}
	n := dense("0", "1", "1")
	n.Layers[0].W[0][1] = new(big.Rat).Add(big.NewRat(1, 1), big.NewRat(1, 1<<30))
	m, _ := Compile(n, Float64)
	if got := m.Forward64([]float64{1, -(1 - u64)}); got[0] != 0 {
		t.Errorf("float64: got %v, want 0 (the product rounded)", got[0])
	}
	u32 := float32(math.Ldexp(1, -13))
	n.Layers[0].W[0][1] = new(big.Rat).Add(big.NewRat(1, 1), big.NewRat(1, 1<<13))
	m, _ = Compile(n, Float32)
	if fused := math.FMA(float64(1+u32), float64(-(1 - u32)), 1); float32(fused) == 0 {
		t.Fatal("the float32 case does not tell fused from unfused")
	}
	if got := m.Forward32([]float32{1, -(1 - u32)}); got[0] != 0 {
		t.Errorf("float32: got %v, want 0 (the product rounded)", got[0])
	}
}

func TestActivations(t *testing.T) {
	acts := []cert.Activation{{Kind: cert.ActReLU}, {Kind: cert.ActLeakyReLU, Slope: rat("1/10")}, {Kind: cert.ActHardTanh}, {Kind: cert.ActStep}, {Kind: cert.ActIdentity}}
	n := &cert.Network{InputDim: 1, Layers: []cert.Layer{{W: [][]*big.Rat{rats("1"), rats("1"), rats("1"), rats("1"), rats("1")}, B: rats("0", "0", "0", "0", "0"), Act: acts}}}
	for _, a := range []Arith{Float32, Float64} {
		m, _ := Compile(n, a)
		for _, c := range []struct {
			x    string
			want []float64
		}{
			{"-2", []float64{0, -0.2, -1, 0, -2}},
			{"0", []float64{0, 0, 0, 1, 0}},
			{"1/2", []float64{0.5, 0.5, 0.5, 1, 0.5}},
			{"3", []float64{3, 3, 1, 1, 3}},
		} {
			got := m.Eval(rats(c.x))
			for k := range got {
				want := c.want[k]
				if a == Float32 {
					want = float64(float32(want))
				}
				if got[k] != want {
					t.Errorf("%v x=%s unit %d (%v): got %v, want %v", a, c.x, k, acts[k], got[k], want)
				}
			}
		}
	}
}

// randNet makes a random network; dyadic makes every parameter a small integer over 4.
func randNet(r *rand.Rand, dims []int, dyadic bool) *cert.Network {
	n := &cert.Network{InputDim: dims[0]}
	for li := 1; li < len(dims); li++ {
		l := cert.Layer{}
		for j := 0; j < dims[li]; j++ {
			row := make([]*big.Rat, dims[li-1])
			for k := range row {
				row[k] = randRat(r, dyadic)
			}
			l.W = append(l.W, row)
			l.B = append(l.B, randRat(r, dyadic))
			act := cert.Activation{Kind: cert.ActKind(r.Intn(4))}
			if act.Kind == cert.ActLeakyReLU {
				act.Slope = big.NewRat(1, 8)
				if !dyadic {
					act.Slope = big.NewRat(1, 10)
				}
			}
			if li == len(dims)-1 {
				act = cert.Activation{Kind: cert.ActIdentity}
			}
			l.Act = append(l.Act, act)
		}
		n.Layers = append(n.Layers, l)
	}
	return n
}

func randRat(r *rand.Rand, dyadic bool) *big.Rat {
	if dyadic {
		return big.NewRat(int64(r.Intn(17)-8), 4)
	}
	// A rational that no float represents: p/q with q odd.
	return big.NewRat(int64(r.Intn(2001)-1000), int64(2*r.Intn(50)+3))
}

// On dyadic data small enough that no operation rounds, the float result is the exact one.
func TestDyadicIsExact(t *testing.T) {
	r := rand.New(rand.NewSource(1))
	for trial := 0; trial < 200; trial++ {
		dims := []int{1 + r.Intn(5), 1 + r.Intn(6), 1 + r.Intn(6), 1 + r.Intn(4)}
		n := randNet(r, dims, true)
		x := make([]*big.Rat, dims[0])
		for k := range x {
			x[k] = randRat(r, true)
		}
		want := n.Eval(x, nil)
		for _, a := range []Arith{Float32, Float64} {
			m, err := Compile(n, a)
			if err != nil {
				t.Fatal(err)
			}
			if m.Rounded != 0 {
				t.Fatalf("dyadic parameters rounded: %d", m.Rounded)
			}
			got := m.Eval(x)
			for k := range got {
				if new(big.Rat).SetFloat64(got[k]).Cmp(want[k]) != 0 {
					t.Fatalf("trial %d %v output %d: got %v, exact %s", trial, a, k, got[k], want[k].RatString())
				}
			}
		}
	}
}

// reference evaluates with math/big.Float at the arithmetic's precision, rounding every
// operation to nearest even: an independent implementation of the same order.
func reference(n *cert.Network, a Arith, x []*big.Rat) []float64 {
	prec := uint(53)
	if a == Float32 {
		prec = 24
	}
	rnd := func(r *big.Rat) *big.Float { return new(big.Float).SetPrec(prec).SetMode(big.ToNearestEven).SetRat(r) }
	v := make([]*big.Float, len(x))
	for k := range x {
		v[k] = rnd(x[k])
	}
	for _, l := range n.Layers {
		y := make([]*big.Float, l.Out())
		for j := range y {
			acc := new(big.Float).SetPrec(prec)
			for k, w := range l.W[j] {
				p := new(big.Float).SetPrec(prec).Mul(rnd(w), v[k])
				acc.Add(acc, p)
			}
			z := new(big.Float).SetPrec(prec).Add(acc, rnd(l.B[j]))
			one := new(big.Float).SetPrec(prec).SetInt64(1)
			switch l.Act[j].Kind {
			case cert.ActReLU:
				if z.Sign() <= 0 {
					z.SetInt64(0)
				}
			case cert.ActLeakyReLU:
				if z.Sign() <= 0 {
					z = new(big.Float).SetPrec(prec).Mul(rnd(l.Act[j].Slope), z)
				}
			case cert.ActHardTanh:
				if z.Cmp(one) > 0 {
					z = one
				} else if z.Cmp(new(big.Float).Neg(one)) < 0 {
					z = new(big.Float).Neg(one)
				}
			case cert.ActStep:
				if z.Sign() >= 0 {
					z = one
				} else {
					z.SetInt64(0)
				}
			}
			y[j] = z
		}
		v = y
	}
	out := make([]float64, len(v))
	for k, f := range v {
		out[k], _ = f.Float64()
	}
	return out
}

// Differential against the big.Float reference on non-dyadic data, where nearly every
// operation rounds. (The values stay far inside the normal range, where big.Float's
// unbounded exponent and IEEE agree.)
func TestAgainstReference(t *testing.T) {
	r := rand.New(rand.NewSource(2))
	rounded := 0
	for trial := 0; trial < 300; trial++ {
		dims := []int{1 + r.Intn(8), 1 + r.Intn(8), 1 + r.Intn(8), 1 + r.Intn(4)}
		n := randNet(r, dims, false)
		x := make([]*big.Rat, dims[0])
		for k := range x {
			x[k] = randRat(r, false)
		}
		exact := n.Eval(x, nil)
		for _, a := range []Arith{Float32, Float64} {
			m, _ := Compile(n, a)
			got, want := m.Eval(x), reference(n, a, x)
			for k := range got {
				if math.Float64bits(got[k]) != math.Float64bits(want[k]) && !(got[k] == 0 && want[k] == 0) {
					t.Fatalf("trial %d %v output %d: got %v, reference %v", trial, a, k, got[k], want[k])
				}
				if new(big.Rat).SetFloat64(got[k]).Cmp(exact[k]) != 0 {
					rounded++
				}
			}
		}
	}
	if rounded == 0 {
		t.Error("no output differed from the exact one: the test does not exercise rounding")
	}
}

func TestEvalFrac(t *testing.T) {
	r := rand.New(rand.NewSource(3))
	n := randNet(r, []int{4, 5, 3}, false)
	for _, a := range []Arith{Float32, Float64} {
		m, _ := Compile(n, a)
		for trial := 0; trial < 200; trial++ {
			den := []int64{1, 3, 255, 1 << 30, 1<<62 + 1}[r.Intn(5)]
			num := make([]int64, 4)
			x := make([]*big.Rat, 4)
			for k := range num {
				num[k] = r.Int63n(1<<uint(r.Intn(62)+1)) - 1<<uint(r.Intn(20))
				x[k] = big.NewRat(num[k], den)
			}
			got, want := m.EvalFrac(num, den), m.Eval(x)
			for k := range got {
				if math.Float64bits(got[k]) != math.Float64bits(want[k]) {
					t.Fatalf("%v %v/%d: EvalFrac %v, Eval %v", a, num, den, got[k], want[k])
				}
			}
		}
	}
}

// floatsim and the kernel's exact simulation (cert.FloatEval, integers only) describe the
// same plain order: they must agree bit for bit, in both arithmetics.
func TestAgainstKernelSimulation(t *testing.T) {
	r := rand.New(rand.NewSource(3))
	for trial := 0; trial < 300; trial++ {
		dims := []int{1 + r.Intn(8), 1 + r.Intn(8), 1 + r.Intn(8), 1 + r.Intn(4)}
		n := randNet(r, dims, false)
		x := make([]*big.Rat, dims[0])
		for k := range x {
			x[k] = randRat(r, false)
		}
		for _, a := range []Arith{Float32, Float64} {
			m, _ := Compile(n, a)
			got := m.Eval(x)
			format := map[Arith]string{Float32: "float32", Float64: "float64"}[a]
			want, why := cert.FloatEval(n, format, x)
			if want == nil { // a value became infinite: not what this test compares
				t.Logf("trial %d %v: %s", trial, a, why)
				continue
			}
			for k := range got {
				if g := new(big.Rat).SetFloat64(got[k]); g == nil || g.Cmp(want[k]) != 0 {
					t.Fatalf("trial %d %v output %d: floatsim %v, kernel simulation %s", trial, a, k, got[k], want[k].RatString())
				}
			}
		}
	}
}
