package cert

import (
	"math/big"
	"math/bits"
	"time"

	"certify/internal/exactint"
)

// Exact evaluation on integers.
//
// Both engines below represent the activations of a layer as integers over one positive
// scale: a = A/s. For a layer with weights P/D and biases Q/E (D, E the least common
// denominators of the layer's weights and biases), z = (P·A)/(D·s) + Q/E = Z/S with
//
//	S = lcm(D·s, E),   Z = (P·A)·(S/(D·s)) + Q·(S/E),
//
// and every activation the kernel knows maps Z over S to integers over S·M, M being the
// least common denominator of the layer's leaky-ReLU slopes (1 when there are none):
// relu → max(Z,0)·M; identity → Z·M; step → (Z ≥ 0 ? S : 0)·M; hard-tanh → clip(Z,−S,S)·M;
// leaky-relu p/q → Z·M if Z > 0, else Z·p·(M/q). Nothing is rounded anywhere.
//
// The int64 engine does this with scales fixed per layer for the whole dataset, after
// proving for every layer that no intermediate value can reach 2^62 in absolute value
// (the bound is Σ_k |P'_jk|·max|A| + |Q'_j| per unit, computed in big.Int). When the proof
// fails, the layer runs in 128, 192 or 256-bit integers when the same bound proves that
// exact (wide.go), and the big engine, which does the same in math/big with per-point
// scales, from the first layer no tier holds: the layers before it still run in int64 or
// the wide tiers, and their activations are handed to math/big as integers over their
// scale (the "int64+big" or "int64+int128+big" engine). The bound is static, so a wide layer whose weights cancel on the data (as in
// the memorisation constructions, where a layer-2 unit sums large ramps to a small value)
// fails it although its values are small; the prefix keeps the dense first layer fast.
//
// All of this is the auto engine (Options.Engine). The big engine is the math/big one
// alone, without the 128-bit sums (sum128) it uses under auto; the reference engine is
// Network.Eval at every point (engine.go).

const int64Safe = exactint.Safe

// evaluator evaluates points of one dataset: out receives f(x_i); states (when non-nil)
// the unit states of every hidden layer. eval returns −1, or the layer at which it
// stopped (out is then undefined): because the deadline had passed (budget.late), or
// else because a number outgrew the number size limit. An evaluator is used by one
// goroutine.
type evaluator interface {
	eval(i int, out []*big.Rat, states [][]byte) int
}

type engine interface {
	name() string
	newEvaluator() evaluator
}

// layerDens returns the least common denominators of a layer's weights and biases, and
// the weight and bias numerators over them.
func layerDens(l *Layer) (D, E *big.Int) {
	D, E = big.NewInt(1), big.NewInt(1)
	for j, row := range l.W {
		for _, w := range row {
			lcmInto(D, w.Denom())
		}
		lcmInto(E, l.B[j].Denom())
	}
	return D, E
}

// leakyCoef is a leaky unit's integer coefficient p·(M/q) over its layer's M (slope p/q).
func leakyCoef(M *big.Int, a Activation) *big.Int {
	c := new(big.Int).Quo(M, a.Slope.Denom())
	return c.Mul(c, a.Slope.Num())
}

// leakyFactor is max(|c|, M): a leaky unit's output numerator is at most its sum's bound
// times this (Z·M when Z > 0, Z·c otherwise).
func leakyFactor(c, M *big.Int) *big.Int {
	f := new(big.Int).Abs(c)
	if f.Cmp(M) < 0 {
		f.Set(M)
	}
	return f
}

// leakyM returns the lcm of the leaky slopes' denominators in a layer.
func leakyM(l *Layer) *big.Int {
	M := big.NewInt(1)
	for _, a := range l.Act {
		if a.Kind == ActLeakyReLU {
			lcmInto(M, a.Slope.Denom())
		}
	}
	return M
}

func lcmInto(acc, x *big.Int) {
	if x.Cmp(bigOne) == 0 || acc.Cmp(x) == 0 {
		return
	}
	g := new(big.Int).GCD(nil, nil, acc, x)
	acc.Mul(acc, new(big.Int).Quo(x, g))
}

var bigOne = big.NewInt(1)

// scaledNum returns r·den as an integer (den must be a multiple of r's denominator).
func scaledNum(r *big.Rat, den *big.Int) *big.Int {
	q := new(big.Int).Quo(den, r.Denom())
	return q.Mul(q, r.Num())
}

// ---- int64 engine ----

type intLayer struct {
	in, out int
	wT      []int64 // wT[k*out+j] = P_jk·S/(D·s)
	b       []int64 // Q_j·S/E
	S, M    int64
	act     []Activation
	leakyC  []int64 // for leaky units: p·(M/q)
	// skip (residual layers only, else 0) is S/s', s' the scale of the previous layer's
	// input: that input, times skip, is added to Z.
	skip int64
	inA  *big.Int // the bound on the layer's input numerators (rank1.go)
}

type intPlan struct {
	layers  []intLayer
	d       *Dataset
	outS    int64    // scale of the network's output (of layer prefix−1 when prefix < nLayers)
	outA    *big.Int // bound on the numerators over outS
	prefix  int      // layers proven safe in int64: len(layers)
	nLayers int      // layers of the network
	checked bool     // no value bound proven: every operation is checked (fast_checked.go)
}

func (p *intPlan) name() string {
	if p.checked {
		return "int64-checked"
	}
	return "int64"
}

func planInt64(n *Network, d *Dataset) *intPlan { return planInt64Mode(n, d, false) }

// planInt64Mode is planInt64; with checked, the value bounds are not proven (only the
// scales, weights and biases must fit) and the plan is evaluated with checked arithmetic
// (fast_checked.go).
func planInt64Mode(n *Network, d *Dataset, checked bool) *intPlan {
	den, ok := d.IntDenom()
	if !ok {
		return nil
	}
	amax := d.maxAbsNum()
	safe := big.NewInt(int64Safe)
	s := big.NewInt(den)
	Ain := new(big.Int).SetUint64(amax)
	p := &intPlan{d: d, nLayers: len(n.Layers), checked: checked}
	// sPrev, AinPrev: the scale and bound of the previous layer's input (a residual
	// layer adds it).
	var sPrev, AinPrev *big.Int
	var scales, bounds []*big.Int // scales[li], bounds[li]: layer li's input's scale and bound
	// upTo ends the plan before layer li (whose bound failed): nil when no layer is safe.
	// A residual layer needs its previous layer's input, which the engines after the
	// prefix do not get: the plan then ends before the first layer of the residual chain.
	upTo := func(li int, s *big.Int) *intPlan {
		A := Ain
		for li > 0 && n.Layers[li].Residual {
			li--
			s, A = scales[li], bounds[li]
		}
		if li == 0 {
			return nil
		}
		p.layers = p.layers[:li]
		p.prefix, p.outS, p.outA = li, s.Int64(), A
		return p
	}
	for li := range n.Layers {
		l := &n.Layers[li]
		scales, bounds = append(scales, s), append(bounds, Ain)
		D, E := layerDens(l)
		Ds := new(big.Int).Mul(D, s)
		S := new(big.Int).Set(Ds)
		lcmInto(S, E)
		if l.Residual {
			lcmInto(S, sPrev)
		}
		mulW := new(big.Int).Quo(S, Ds)
		mulB := new(big.Int).Quo(S, E)
		M := leakyM(l)
		if S.Cmp(safe) >= 0 || M.Cmp(safe) >= 0 {
			return upTo(li, s)
		}
		il := intLayer{in: len(l.W[0]), out: l.Out(), S: S.Int64(), M: M.Int64(), act: l.Act, inA: Ain}
		// The skip term's bound, |skip·h_j| <= skip·max|h| (0 for a plain layer).
		skipAbs := new(big.Int)
		if l.Residual {
			mulS := new(big.Int).Quo(S, sPrev)
			il.skip = mulS.Int64()
			skipAbs.Mul(mulS, AinPrev)
		}
		il.wT = make([]int64, il.in*il.out)
		il.b = make([]int64, il.out)
		il.leakyC = make([]int64, il.out)
		Aout := new(big.Int)
		rowAbs := new(big.Int)
		t := new(big.Int)
		for j, row := range l.W {
			rowAbs.SetInt64(0)
			for k, w := range row {
				if w.Sign() == 0 {
					continue
				}
				v := scaledNum(w, D)
				v.Mul(v, mulW)
				if v.CmpAbs(safe) >= 0 {
					return upTo(li, s)
				}
				il.wT[k*il.out+j] = v.Int64()
				rowAbs.Add(rowAbs, t.Abs(v))
			}
			bq := scaledNum(l.B[j], E)
			bq.Mul(bq, mulB)
			if bq.CmpAbs(safe) >= 0 {
				return upTo(li, s)
			}
			il.b[j] = bq.Int64()
			// |Z_j| <= rowAbs·Ain + |b_j| (+ skip·max|h|): every partial sum is bounded
			// by it too.
			rowAbs.Mul(rowAbs, Ain)
			rowAbs.Add(rowAbs, t.Abs(bq))
			rowAbs.Add(rowAbs, skipAbs)
			if rowAbs.Cmp(safe) >= 0 && !checked {
				return upTo(li, s)
			}
			// Bound on the unit's output numerator.
			out := new(big.Int)
			switch a := l.Act[j]; a.Kind {
			case ActStep, ActHardTanh:
				out.Mul(S, M)
			case ActLeakyReLU:
				c := leakyCoef(M, a)
				if c.CmpAbs(safe) >= 0 {
					return upTo(li, s)
				}
				il.leakyC[j] = c.Int64()
				out.Mul(rowAbs, leakyFactor(c, M))
			default:
				out.Mul(rowAbs, M)
			}
			if out.Cmp(Aout) > 0 {
				Aout = out
			}
		}
		if Aout.Cmp(safe) >= 0 && !checked {
			return upTo(li, s)
		}
		// The layer's output scale: when it is too large the layer is not safe and the
		// prefix ends before it, over the scale s of its input (not this one's).
		sOut := new(big.Int).Mul(S, M)
		if sOut.Cmp(safe) >= 0 {
			return upTo(li, s)
		}
		sPrev, AinPrev = s, Ain
		s, Ain = sOut, Aout
		p.layers = append(p.layers, il)
	}
	p.outS, p.outA, p.prefix = s.Int64(), Ain, len(n.Layers)
	return p
}

type intEval struct {
	p        *intPlan
	in       []int64 // the point's numerators, widened
	bufA     [][]int64
	outScale *big.Int
}

func (p *intPlan) newEvaluator() evaluator {
	e := &intEval{p: p, in: make([]int64, p.d.D), outScale: big.NewInt(p.outS)}
	for _, l := range p.layers {
		e.bufA = append(e.bufA, make([]int64, l.out))
	}
	return e
}

func (e *intEval) eval(i int, out []*big.Rat, states [][]byte) int {
	a := e.run(i, states)
	for j, v := range a {
		out[j].SetFrac(big.NewInt(v), e.outScale)
	}
	return -1
}

// run evaluates the plan's layers at point i and returns the last one's activations
// (numerators over p.outS).
func (e *intEval) run(i int, states [][]byte) []int64 {
	d := e.p.d
	a := d.IntRow(i, e.in)
	var prev []int64 // the previous layer's input
	last := e.p.nLayers - 1
	for li := range e.p.layers {
		l := &e.p.layers[li]
		z := e.bufA[li]
		copy(z, l.b)
		if l.skip != 0 {
			for j, h := range prev {
				z[j] += l.skip * h
			}
		}
		for k, ak := range a {
			if ak == 0 {
				continue
			}
			col := l.wT[k*l.out : (k+1)*l.out]
			col = col[:len(z)]
			for j, w := range col {
				z[j] += ak * w
			}
		}
		var st []byte
		if states != nil && li < last {
			st = states[li]
		}
		l.activate(z, st)
		a, prev = z, a
	}
	return a
}

// activate maps the layer's pre-activations z (over S) to its activations (over S·M) in
// place, recording the units' states in st when it is not nil.
func (l *intLayer) activate(z []int64, st []byte) {
	S, M := l.S, l.M
	for j, zj := range z {
		act := l.act[j]
		if st != nil {
			st[j] = act.stateSign(sign64(zj), cmp64(zj, -S), cmp64(zj, S))
		}
		switch act.Kind {
		case ActReLU:
			if zj < 0 {
				zj = 0
			}
			zj *= M
		case ActLeakyReLU:
			if zj > 0 {
				zj *= M
			} else {
				zj *= l.leakyC[j]
			}
		case ActStep:
			if zj >= 0 {
				zj = S * M
			} else {
				zj = 0
			}
		case ActHardTanh:
			zj = min(max(zj, -S), S) * M
		default:
			zj *= M
		}
		z[j] = zj
	}
}

func sign64(x int64) int {
	switch {
	case x > 0:
		return 1
	case x < 0:
		return -1
	}
	return 0
}

func cmp64(x, y int64) int {
	switch {
	case x > y:
		return 1
	case x < y:
		return -1
	}
	return 0
}

// ---- big engine ----

type bigEntry struct {
	j    int
	p    *big.Int
	unit int8 // p = +1 (1), −1 (−1), else 0: the product is skipped
}

func newBigEntry(j int, p *big.Int) bigEntry {
	e := bigEntry{j: j, p: p}
	if p.BitLen() == 1 {
		e.unit = int8(p.Sign())
	}
	return e
}

type bigLayer struct {
	in, out int
	cols    [][]bigEntry // cols[k]: the non-zero P_jk of input k
	// cols64 holds the same entries as int64 when every |P_jk| < 2^62 (nil otherwise),
	// and wBits the largest bit length among them: see sum128.
	cols64  [][]entry64
	wBits   int
	q       []*big.Int // bias numerators over E
	D, E, M *big.Int
	act     []Activation
	leakyC  []*big.Int
	// residual: the layer adds its previous layer's input (Layer.Residual).
	residual bool
	// integral: D = E = M = 1 (integer weights and biases, no leaky slope to clear).
	// Over inputs of scale 1 the output scale is 1 again and the scale bookkeeping is
	// skipped: deep constructions have thousands of such narrow layers.
	integral bool
}

type entry64 struct {
	j int
	p int64
}

type bigPlan struct {
	layers   []bigLayer
	d        *Dataset
	maxBits  int       // the number size limit (≤ 0: none)
	deadline time.Time // zero: none
}

// name is "big", or "big+int128" when some layer may use the 128-bit sums (auto only).
func (p *bigPlan) name() string {
	for _, l := range p.layers {
		if l.cols64 != nil {
			return "big+int128"
		}
	}
	return "big"
}

// planBig prepares the math/big engine. pure leaves out the 128-bit sums (sum128): the
// big engine proper is math/big only; the auto engine uses them.
func planBig(n *Network, d *Dataset, pure bool, maxBits int) *bigPlan {
	p := &bigPlan{d: d, maxBits: maxBits}
	for li := range n.Layers {
		l := &n.Layers[li]
		D, E := layerDens(l)
		bl := bigLayer{in: len(l.W[0]), out: l.Out(), D: D, E: E, M: leakyM(l), act: l.Act, residual: l.Residual}
		bl.integral = D.Cmp(bigOne) == 0 && E.Cmp(bigOne) == 0 && bl.M.Cmp(bigOne) == 0
		bl.cols = make([][]bigEntry, bl.in)
		for j, row := range l.W {
			for k, w := range row {
				if w.Sign() != 0 {
					bl.cols[k] = append(bl.cols[k], newBigEntry(j, scaledNum(w, D)))
				}
			}
			bl.q = append(bl.q, scaledNum(l.B[j], E))
			var c *big.Int
			if a := l.Act[j]; a.Kind == ActLeakyReLU {
				c = leakyCoef(bl.M, a)
			}
			bl.leakyC = append(bl.leakyC, c)
		}
		bl.cols64 = make([][]entry64, bl.in)
		if pure {
			bl.cols64 = nil
		}
		for k, col := range bl.cols {
			if bl.cols64 == nil {
				break
			}
			for _, en := range col {
				if en.p.BitLen() >= 62 {
					bl.cols64 = nil
					break
				}
				bl.cols64[k] = append(bl.cols64[k], entry64{en.j, en.p.Int64()})
				bl.wBits = max(bl.wBits, en.p.BitLen())
			}
			if bl.cols64 == nil {
				break
			}
		}
		p.layers = append(p.layers, bl)
	}
	return p
}

type bigEval struct {
	acc  [][2]uint64 // 128-bit accumulators for sum128 (hi, lo)
	p    *bigPlan
	bufs [][]*big.Int
	in   []*big.Int
	t    *big.Int
}

func (p *bigPlan) newEvaluator() evaluator {
	e := &bigEval{p: p, t: new(big.Int)}
	for _, l := range p.layers {
		e.bufs = append(e.bufs, newInts(l.out))
	}
	e.in = newInts(p.d.D)
	return e
}

func newInts(n int) []*big.Int {
	v := make([]*big.Int, n)
	for i := range v {
		v[i] = new(big.Int)
	}
	return v
}

func (e *bigEval) eval(i int, out []*big.Rat, states [][]byte) int {
	s := new(big.Int)
	a := e.in
	e.input(i, a, s)
	return e.evalFrom(0, a, s, out, states)
}

// input sets a, s to point i's coordinates as integers over one scale.
func (e *bigEval) input(i int, a []*big.Int, s *big.Int) {
	d := e.p.d
	if den, ok := d.IntDenom(); ok {
		s.SetInt64(den)
		for k, v := range d.IntRow(i, make([]int64, d.D)) {
			a[k].SetInt64(v)
		}
	} else {
		s.SetInt64(1)
		for _, x := range d.xRat[i] {
			lcmInto(s, x.Denom())
		}
		for k, x := range d.xRat[i] {
			a[k].Set(scaledNum(x, s))
		}
	}
}

// evalFrom evaluates layers start… given the activations of layer start−1 (or the input)
// as integers a over the scale s; layer start is not residual. It returns −1, or the
// first layer after which a numerator or the scale has more than maxBits bits.
func (e *bigEval) evalFrom(start int, a []*big.Int, s *big.Int, out []*big.Rat, states [][]byte) int {
	t := e.t
	last := len(e.p.layers) - 1
	Ds, S, mulW, mulB, g, negS := new(big.Int), new(big.Int), new(big.Int), new(big.Int), new(big.Int), new(big.Int)
	// prev, sPrev: the previous layer's input and its scale (a residual layer adds it);
	// mulP = S/sPrev.
	var prev []*big.Int
	sPrev, sIn, mulP := new(big.Int), new(big.Int), new(big.Int)
	sOne := s.Cmp(bigOne) == 0
	for li := start; li < len(e.p.layers); li++ {
		if !e.p.deadline.IsZero() && time.Now().After(e.p.deadline) {
			return li
		}
		l := &e.p.layers[li]
		z := e.bufs[li]
		sIn.Set(s) // this layer's input scale, the next layer's sPrev
		if !e.sum128(l, a, z) {
			for j := range z {
				z[j].SetInt64(0)
			}
			for k, ak := range a {
				if ak.Sign() == 0 {
					continue
				}
				for _, en := range l.cols[k] {
					// Weights ±1 (ID gadgets, carried sums) need no product.
					switch en.unit {
					case 1:
						z[en.j].Add(z[en.j], ak)
						continue
					case -1:
						z[en.j].Sub(z[en.j], ak)
						continue
					}
					z[en.j].Add(z[en.j], t.Mul(en.p, ak))
				}
			}
		}
		// scale 1 in, scale 1 out: nothing to rescale
		fast := sOne && l.integral && (!l.residual || sPrev.Cmp(bigOne) == 0)
		unitW, unitB, unitM, unitP := true, true, true, true
		if fast {
			S.SetInt64(1)
		} else {
			Ds.Mul(l.D, s)
			S.Set(Ds)
			lcmInto(S, l.E)
			if l.residual {
				lcmInto(S, sPrev)
				mulP.Quo(S, sPrev)
				unitP = mulP.Cmp(bigOne) == 0
			}
			mulW.Quo(S, Ds)
			mulB.Quo(S, l.E)
			unitW, unitB, unitM = mulW.Cmp(bigOne) == 0, mulB.Cmp(bigOne) == 0, l.M.Cmp(bigOne) == 0
		}
		var st []byte
		if states != nil && li < last {
			st = states[li]
		}
		negS.Neg(S)
		for j, zj := range z {
			// Multiplying by a scale of 1 is skipped (it is the common case: integer
			// weights over an integer scale).
			if !unitW {
				zj.Mul(zj, mulW)
			}
			switch {
			case l.q[j].Sign() == 0:
			case unitB:
				zj.Add(zj, l.q[j])
			default:
				zj.Add(zj, t.Mul(l.q[j], mulB))
			}
			if l.residual {
				if unitP {
					zj.Add(zj, prev[j])
				} else {
					zj.Add(zj, t.Mul(prev[j], mulP))
				}
			}
			act := l.act[j]
			if st != nil {
				st[j] = act.stateSign(zj.Sign(), zj.Cmp(negS), zj.Cmp(S))
			}
			switch act.Kind {
			case ActReLU:
				if zj.Sign() < 0 {
					zj.SetInt64(0)
				}
			case ActLeakyReLU:
				if zj.Sign() <= 0 {
					zj.Mul(zj, l.leakyC[j])
					continue
				}
			case ActStep:
				if zj.Sign() >= 0 {
					zj.Set(S)
				} else {
					zj.SetInt64(0)
				}
			case ActHardTanh:
				if zj.Cmp(S) > 0 {
					zj.Set(S)
				} else if zj.Cmp(negS) < 0 {
					zj.Set(negS)
				}
			}
			if !unitM {
				zj.Mul(zj, l.M)
			}
		}
		if e.p.maxBits > 0 {
			for _, zj := range z {
				if zj.BitLen() > e.p.maxBits {
					return li
				}
			}
		}
		prev = a
		sPrev.Set(sIn)
		if fast {
			a = z
			continue
		}
		s.Mul(S, l.M)
		// Keep numbers small: divide the scale and the numerators by their gcd.
		if sOne = s.Cmp(bigOne) == 0; !sOne {
			g.Set(s)
			for _, zj := range z {
				if g.Cmp(bigOne) == 0 {
					break
				}
				if zj.Sign() != 0 {
					g.GCD(nil, nil, g, t.Abs(zj))
				}
			}
			if g.Cmp(bigOne) != 0 {
				s.Quo(s, g)
				for _, zj := range z {
					zj.Quo(zj, g)
				}
				sOne = s.Cmp(bigOne) == 0
			}
		}
		if e.p.maxBits > 0 && s.BitLen() > e.p.maxBits {
			return li
		}
		a = z
	}
	for j, v := range a {
		out[j].SetFrac(v, s)
	}
	return -1
}

// sum128 computes z_j = Σ_k P_jk·a_k in 128-bit two's-complement integers when that is
// exact, and reports whether it did. It is exact when every |P_jk| < 2^wBits and
// |a_k| < 2^aBits with wBits + aBits + bitlen(in) ≤ 126: each product is below
// 2^(wBits+aBits), a sum of at most in of them below 2^126, so no partial sum leaves
// (−2^127, 2^127) and the wrapped 128-bit arithmetic is the integer arithmetic.
func (e *bigEval) sum128(l *bigLayer, a []*big.Int, z []*big.Int) bool {
	if l.cols64 == nil {
		return false
	}
	aBits := 0
	for _, ak := range a {
		if b := ak.BitLen(); b > aBits {
			aBits = b
		}
	}
	if aBits >= 63 || l.wBits+aBits+bits.Len(uint(l.in)) > 126 {
		return false
	}
	if len(e.acc) < l.out {
		e.acc = make([][2]uint64, l.out)
	}
	acc := e.acc[:l.out]
	for j := range acc {
		acc[j] = [2]uint64{}
	}
	for k, ak := range a {
		if ak.Sign() == 0 {
			continue
		}
		av := ak.Int64()
		for _, en := range l.cols64[k] {
			hi, lo := bits.Mul64(uint64(en.p), uint64(av))
			// Signed high word: subtract the other factor for each negative one.
			if en.p < 0 {
				hi -= uint64(av)
			}
			if av < 0 {
				hi -= uint64(en.p)
			}
			var c uint64
			acc[en.j][1], c = bits.Add64(acc[en.j][1], lo, 0)
			acc[en.j][0] += hi + c
		}
	}
	t := e.t
	for j, v := range acc {
		hi, lo := v[0], v[1]
		switch {
		case hi == 0 && lo>>63 == 0, hi == ^uint64(0) && lo>>63 == 1:
			z[j].SetInt64(int64(lo))
		case hi>>63 == 0:
			z[j].SetUint64(hi)
			z[j].Lsh(z[j], 64)
			z[j].Or(z[j], t.SetUint64(lo))
		default: // negative: magnitude is the two's complement
			lo, c := bits.Add64(^lo, 1, 0)
			hi = ^hi + c
			z[j].SetUint64(hi)
			z[j].Lsh(z[j], 64)
			z[j].Or(z[j], t.SetUint64(lo))
			z[j].Neg(z[j])
		}
	}
	return true
}
