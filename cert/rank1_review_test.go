package cert

import (
	"fmt"
	"math/big"
	"math/rand/v2"
	"testing"

	"pgregory.net/rapid"

	"certify/internal/exactint"
)

// Review tests of the rank-one paths (rank1.go) and the limb sums (limb.go): every
// integer T on a range that covers all thresholds, thresholds of huge units, and the
// limb lanes at the edges of their proven bounds.

// rankOneNet is a network whose first layer's rows are c_j·g (ReLU), then the layers
// drawn by drawPropNetwork-like rules: a ReLU or other layer of small or huge numbers.
func rankOneNet(t *rapid.T, g []*big.Rat, cs, bs []*big.Rat) *Network {
	n := &Network{InputDim: len(g)}
	var first Layer
	for j, c := range cs {
		row := make([]*big.Rat, len(g))
		for k := range row {
			row[k] = new(big.Rat).Mul(c, g[k])
		}
		first.W = append(first.W, row)
		first.B = append(first.B, bs[j])
		first.Act = append(first.Act, Activation{Kind: ActReLU})
	}
	n.Layers = append(n.Layers, first)
	in := len(cs)
	for l := 1; l <= rapid.IntRange(1, 2).Draw(t, "depth"); l++ {
		w := rapid.IntRange(1, 5).Draw(t, fmt.Sprintf("width%d", l))
		mode := layerMode(rapid.SampledFrom([]int{int(modeSmall), int(modeHuge), int(modeFloat), int(modeMixed)}).Draw(t, fmt.Sprintf("mode%d", l)))
		// wk > 0: weights near 2^wk (sums of two words); bk > 0: biases near 2^bk (of
		// three or four words)
		wk := rapid.SampledFrom([]uint{0, 0, 50, 61, 62}).Draw(t, fmt.Sprintf("wk%d", l))
		bk := rapid.SampledFrom([]uint{0, 0, 0, 130, 180, 240}).Draw(t, fmt.Sprintf("bk%d", l))
		near := func(k uint) *big.Rat {
			v := new(big.Int).Lsh(bigOne, k)
			v.Add(v, big.NewInt(rapid.Int64Range(-1000, 1000).Draw(t, "near")))
			if rapid.Bool().Draw(t, "nearneg") {
				v.Neg(v)
			}
			return new(big.Rat).SetInt(v)
		}
		var layer Layer
		for range w {
			row := make([]*big.Rat, in)
			for k := range row {
				row[k] = drawRat(t, mode, "w")
				if wk > 0 {
					row[k] = near(wk)
				}
			}
			layer.W = append(layer.W, row)
			b := drawRat(t, mode, "b")
			if bk > 0 {
				b = near(bk)
			}
			layer.B = append(layer.B, b)
			layer.Act = append(layer.Act, drawActivation(t, "act"))
		}
		n.Layers = append(n.Layers, layer)
		in = w
	}
	return n
}

func intPoints(t *rapid.T, xs [][]int64) *Dataset {
	rows := make([][]*big.Rat, len(xs))
	for i, v := range xs {
		rows[i] = make([]*big.Rat, len(v))
		for k := range v {
			rows[i][k] = new(big.Rat).SetInt64(v[k])
		}
	}
	ds, err := distinctPoints(rows)
	if err != nil {
		t.Fatal(err)
	}
	return ds
}

// Every integer T in [−40, 40] (one input, g = ±1 or ±3, or two inputs on a grid) against
// units c_j·T + B_j with small rational c and B, so that T lands on, just below and just
// above every threshold, with repeated thresholds, c_j = 0 and a negative first g.
func TestRankOneThresholdGrid(t *testing.T) {
	cvals := []string{"0", "1", "-1", "2", "-2", "3", "-3", "1/2", "-1/2", "2/3", "-5/3"}
	reached := 0
	words := map[int]int{}
	propRounds(t, 600, func(t *rapid.T) {
		d := rapid.IntRange(1, 2).Draw(t, "d")
		g := make([]*big.Rat, d)
		for k := range g {
			g[k] = new(big.Rat).SetInt64(rapid.SampledFrom([]int64{-3, -1, 1, 2, 3}).Draw(t, "g"))
		}
		if rapid.Bool().Draw(t, "gfrac") {
			g[0].Quo(g[0], big.NewRat(4, 1))
		}
		w := rapid.IntRange(4, 8).Draw(t, "width0")
		cs, bs := make([]*big.Rat, w), make([]*big.Rat, w)
		for j := range w {
			cs[j], _ = new(big.Rat).SetString(rapid.SampledFrom(cvals).Draw(t, "c"))
			bs[j] = big.NewRat(rapid.Int64Range(-40, 40).Draw(t, "bn"), rapid.SampledFrom([]int64{1, 1, 2, 3, 4}).Draw(t, "bd"))
		}
		n := rankOneNet(t, g, cs, bs)
		var xs [][]int64
		if d == 1 {
			for x := int64(-40); x <= 40; x++ {
				xs = append(xs, []int64{x})
			}
		} else {
			for x := int64(-7); x <= 7; x++ {
				for y := int64(-7); y <= 7; y++ {
					xs = append(xs, []int64{x, y})
				}
			}
		}
		ds := intPoints(t, xs)
		if p, ok := newEngine(n, ds, budget{}).(*tierPlan); ok && len(p.pw) > 1 && p.pw[1] != nil {
			reached++
			words[p.pw[1].W]++
		}
		enginesAgree(t, n, ds)
	})
	t.Logf("tables by words: %v", words)
	if !testing.Short() && (reached == 0 || words[1] == 0 || words[2] == 0 || words[3]+words[4] == 0) {
		t.Error("tables of 1, 2 and 3 or 4 words were not all planned")
	}
}

// Units with c up to 2^40 and B up to about 2^57 (floorDiv of large negative and positive
// numbers), thresholds up to 2^55, points at θ−2…θ+2 of each unit.
func TestRankOneHugeThresholds(t *testing.T) {
	reached := 0
	words := map[int]int{}
	propRounds(t, 400, func(t *rapid.T) {
		w := rapid.IntRange(4, 7).Draw(t, "width0")
		g := []*big.Rat{new(big.Rat).SetInt64(rapid.SampledFrom([]int64{-1, 1, -3}).Draw(t, "g"))}
		cs, bs := make([]*big.Rat, w), make([]*big.Rat, w)
		var xs [][]int64
		// c of ci bits, thresholds of 56 − ci bits: T and c·T up to about 2^57
		ci := rapid.SampledFrom([]int{1, 2, 20, 40}).Draw(t, "cbits")
		for j := range w {
			c := rapid.Int64Range(1<<(ci-1), 1<<ci).Draw(t, "c")
			if rapid.Bool().Draw(t, "cneg") {
				c = -c
			}
			if rapid.IntRange(0, 5).Draw(t, "czero") == 0 {
				c = 0
			}
			theta := rapid.Int64Range(-(1<<(56-ci)), 1<<(56-ci)).Draw(t, "theta")
			b := -c*theta + rapid.Int64Range(-3, 3).Draw(t, "off")
			if c == 0 {
				b = rapid.Int64Range(-(1<<60), 1<<60).Draw(t, "b0")
			}
			cs[j], bs[j] = new(big.Rat).SetInt64(c), new(big.Rat).SetInt64(b)
			gk := g[0].Num().Int64()
			for _, dt := range []int64{-2, -1, 0, 1, 2} {
				// T = g·x: points whose T is θ + dt when g divides it
				if v := theta + dt; v%gk == 0 {
					xs = append(xs, []int64{v / gk})
				}
				xs = append(xs, []int64{(theta + dt) * gk})
			}
		}
		n := rankOneNet(t, g, cs, bs)
		ds := intPoints(t, xs)
		if p, ok := newEngine(n, ds, budget{}).(*tierPlan); ok && len(p.pw) > 1 && p.pw[1] != nil {
			reached++
			words[p.pw[1].W]++
		}
		enginesAgree(t, n, ds)
	})
	t.Logf("tables by words: %v", words)
	if reached == 0 && !testing.Short() {
		t.Error("no table was planned")
	}
}

// The limb lanes against math/big at the edges: inputs of both signs up to bounds just
// below 2^62, weights up to 2^63 − 1 in absolute value, widths around the lane widths.
func TestLimbLanesEdges(t *testing.T) {
	if !simdOn {
		t.Skip("no AVX-512 lanes in this build")
	}
	rng := rand.New(rand.NewPCG(11, 12))
	planned, checked := 0, 0
	for trial := range 3000 {
		in, out := 1+rng.IntN(20), 1+rng.IntN(40)
		words := 2 + rng.IntN(3)
		wbits, abits := 1+rng.IntN(63), 1+rng.IntN(62)
		rnd := func(bits int) int64 {
			v := int64(rng.Uint64() >> (64 - bits))
			switch rng.IntN(6) {
			case 0:
				v = int64(1)<<bits - 1 // the top (2^63 − 1 for 63 bits)
			case 1:
				v = 0
			}
			if rng.IntN(2) == 0 {
				v = -v
			}
			return v
		}
		wl := wideLayer{in: in, out: out, words: words, w: make([]int64, in*out)}
		for i := range wl.w {
			wl.w[i] = rnd(wbits)
			if wl.w[i] == -1<<63 {
				wl.w[i]++
			}
		}
		A := new(big.Int).SetUint64(uint64(1)<<abits - 1)
		lp := planLimb(&wl, A)
		if lp == nil {
			continue
		}
		planned++
		wl.limb = lp
		n := 1 + rng.IntN(tierBlock)
		a := make([]int64, n*in)
		for i := range a {
			v := rnd(abits)
			if v > A.Int64() || v < -A.Int64() {
				v = A.Int64()
			}
			a[i] = v
		}
		nz := make([][]int32, n)
		for p := range n {
			nz[p] = nonZero64(a[p*in:(p+1)*in], nil)
		}
		b := make([]*big.Int, out)
		z := make([]uint64, n*out*words)
		for j := range out {
			b[j] = big.NewInt(rng.Int64() >> rng.IntN(64))
			for p := range n {
				setWInt(z[(p*out+j)*words:(p*out+j+1)*words], b[j].Int64())
			}
		}
		sumLimb(&wl, a, z, nz)
		tmp := make([]uint64, words)
		for p := range n {
			for j := range out {
				want := new(big.Int).Set(b[j])
				for k := range in {
					want.Add(want, new(big.Int).Mul(big.NewInt(wl.w[k*out+j]), big.NewInt(a[p*in+k])))
				}
				if !exactint.FitsW(want, words) {
					continue // beyond the layer's words: no bound would plan it
				}
				checked++
				got := exactint.BigW(new(big.Int), z[(p*out+j)*words:(p*out+j+1)*words], tmp)
				if got.Cmp(want) != 0 {
					t.Fatalf("trial %d (in %d, out %d, words %d, s %d, t %d), point %d, unit %d: lanes %s, want %s",
						trial, in, out, words, lp.s, lp.t, p, j, got, want)
				}
			}
		}
	}
	t.Logf("%d limb plans, %d sums checked", planned, checked)
	if planned < 100 || checked < 1000 {
		t.Errorf("only %d limb plans, %d sums checked", planned, checked)
	}
}

// A rank-one ReLU layer after a first layer of any activation (leaky ReLU, hard tanh,
// identity, step), its table feeding an int64 or a wide layer: the table at layer 2.
func TestRankOneSecondLayer(t *testing.T) {
	var wide, int64s int
	cvals := []string{"0", "1", "-1", "2", "-3", "1/2", "-5/3"}
	propRounds(t, 600, func(t *rapid.T) {
		d := rapid.IntRange(1, 3).Draw(t, "d")
		n := &Network{InputDim: d}
		h := rapid.IntRange(1, 4).Draw(t, "h")
		mode := layerMode(rapid.IntRange(0, int(nModes)-1).Draw(t, "mode0"))
		var front Layer
		act := drawActivation(t, "act0")
		for range h {
			row := make([]*big.Rat, d)
			for k := range row {
				row[k] = drawRat(t, mode, "w0")
			}
			front.W = append(front.W, row)
			front.B = append(front.B, drawRat(t, mode, "b0"))
			front.Act = append(front.Act, act)
		}
		n.Layers = append(n.Layers, front)
		g := make([]*big.Rat, h)
		for k := range g {
			g[k] = drawRat(t, modeSmall, "g")
		}
		w := rapid.IntRange(4, 7).Draw(t, "width1")
		cs, bs := make([]*big.Rat, w), make([]*big.Rat, w)
		for j := range w {
			cs[j], _ = new(big.Rat).SetString(rapid.SampledFrom(cvals).Draw(t, "c"))
			bs[j] = big.NewRat(rapid.Int64Range(-12, 12).Draw(t, "bn"), rapid.SampledFrom([]int64{1, 2}).Draw(t, "bd"))
		}
		rest := rankOneNet(t, g, cs, bs)
		n.Layers = append(n.Layers, rest.Layers...)
		var xs [][]int64
		for range rapid.IntRange(1, 40).Draw(t, "n") {
			x := make([]int64, d)
			for k := range x {
				x[k] = rapid.Int64Range(-6, 6).Draw(t, "x")
			}
			xs = append(xs, x)
		}
		ds := intPoints(t, xs)
		if p, ok := newEngine(n, ds, budget{}).(*tierPlan); ok && len(p.pw) > 2 && p.pw[2] != nil {
			if p.start == 2 {
				wide++
			} else {
				int64s++
			}
		}
		enginesAgree(t, n, ds)
	})
	t.Logf("tables at layer 2: %d wide, %d int64", wide, int64s)
	if !testing.Short() && (wide == 0 || int64s == 0) {
		t.Error("a table at layer 2 was never planned")
	}
}

// sum64's lanes against sum64Scalar and math/big on layers of up to 80 units (the passes
// of four blocks of 8, then single blocks, and tails of every width), with products and
// sums near the proven bound 2^62 and zero inputs skipped.
func TestSum64LanesWide(t *testing.T) {
	rng := rand.New(rand.NewPCG(13, 14))
	passes := 0
	for range 2000 {
		in, out := 1+rng.IntN(12), 1+rng.IntN(80)
		if out >= 32 {
			passes++
		}
		n := 1 + rng.IntN(tierBlock)
		// |w| ≤ 2^wb, |a| ≤ 2^ab, |b| ≤ 2^bb with in·2^(wb+ab) + 2^bb < 2^62
		ab := rng.IntN(58)
		wb := 57 - ab
		bb := rng.IntN(61)
		l := &intLayer{in: in, out: out, wT: make([]int64, in*out), b: make([]int64, out)}
		sgn := func(v int64) int64 {
			if rng.IntN(2) == 0 {
				return -v
			}
			return v
		}
		for i := range l.wT {
			l.wT[i] = sgn(rng.Int64N(1<<wb + 1))
			if rng.IntN(4) == 0 {
				l.wT[i] = sgn(1 << wb)
			}
		}
		for j := range l.b {
			l.b[j] = sgn(rng.Int64N(1<<bb + 1))
		}
		a := make([]int64, n*in)
		for i := range a {
			switch rng.IntN(4) {
			case 0: // zero: skipped
			case 1:
				a[i] = sgn(1 << ab)
			default:
				a[i] = sgn(rng.Int64N(1<<ab + 1))
			}
		}
		nz := make([][]int32, n)
		for p := range n {
			nz[p] = nonZero64(a[p*in:(p+1)*in], nil)
		}
		pk := pack(l.wT, in, out, 8)
		got, want := make([]int64, n*out), make([]int64, n*out)
		sum64(pk, l, a, got, nz)
		sum64Scalar(pk, l, a, want, nz)
		for p := range n {
			for j := range out {
				ref := big.NewInt(l.b[j])
				for k := range in {
					ref.Add(ref, new(big.Int).Mul(big.NewInt(l.wT[k*out+j]), big.NewInt(a[p*in+k])))
				}
				i := p*out + j
				if got[i] != want[i] || !ref.IsInt64() || ref.Int64() != got[i] {
					t.Fatalf("in %d, out %d, point %d, unit %d: lanes %d, scalar %d, math/big %s", in, out, p, j, got[i], want[i], ref)
				}
			}
		}
	}
	if passes < 100 {
		t.Errorf("only %d layers of 32 units or more", passes)
	}
}
