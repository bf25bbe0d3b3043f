package cert

import (
	"math/big"
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
// fails the big engine, which does the same in math/big with per-point scales, is used.

const int64Safe = int64(1) << 62

// evaluator evaluates points of one dataset: out receives f(x_i); states (when non-nil)
// the unit states of every hidden layer. An evaluator is used by one goroutine.
type evaluator interface {
	eval(i int, out []*big.Rat, states [][]byte)
}

type engine interface {
	name() string
	newEvaluator() evaluator
}

func newEngine(n *Network, d *Dataset) engine {
	if p := planInt64(n, d); p != nil {
		return p
	}
	return planBig(n, d)
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
}

type intPlan struct {
	layers []intLayer
	d      *Dataset
	outS   int64 // scale of the network's output
}

func (p *intPlan) name() string { return "int64" }

func planInt64(n *Network, d *Dataset) *intPlan {
	num, den, ok := d.IntInputs()
	if !ok {
		return nil
	}
	var amax int64
	for _, v := range num {
		if v < 0 {
			v = -v
		}
		amax = max(amax, v)
	}
	safe := big.NewInt(int64Safe)
	s := big.NewInt(den)
	Ain := big.NewInt(amax)
	p := &intPlan{d: d}
	for li := range n.Layers {
		l := &n.Layers[li]
		D, E := layerDens(l)
		Ds := new(big.Int).Mul(D, s)
		S := new(big.Int).Set(Ds)
		lcmInto(S, E)
		mulW := new(big.Int).Quo(S, Ds)
		mulB := new(big.Int).Quo(S, E)
		M := leakyM(l)
		if S.Cmp(safe) >= 0 || M.Cmp(safe) >= 0 {
			return nil
		}
		il := intLayer{in: len(l.W[0]), out: l.Out(), S: S.Int64(), M: M.Int64(), act: l.Act}
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
					return nil
				}
				il.wT[k*il.out+j] = v.Int64()
				rowAbs.Add(rowAbs, t.Abs(v))
			}
			bq := scaledNum(l.B[j], E)
			bq.Mul(bq, mulB)
			if bq.CmpAbs(safe) >= 0 {
				return nil
			}
			il.b[j] = bq.Int64()
			// |Z_j| <= rowAbs·Ain + |b_j|: every partial sum is bounded by it too.
			rowAbs.Mul(rowAbs, Ain)
			rowAbs.Add(rowAbs, t.Abs(bq))
			if rowAbs.Cmp(safe) >= 0 {
				return nil
			}
			// Bound on the unit's output numerator.
			out := new(big.Int)
			switch a := l.Act[j]; a.Kind {
			case ActStep, ActHardTanh:
				out.Mul(S, M)
			case ActLeakyReLU:
				c := new(big.Int).Quo(M, a.Slope.Denom())
				c.Mul(c, a.Slope.Num())
				if c.CmpAbs(safe) >= 0 {
					return nil
				}
				il.leakyC[j] = c.Int64()
				c.Abs(c)
				if c.Cmp(M) < 0 {
					c.Set(M)
				}
				out.Mul(rowAbs, c)
			default:
				out.Mul(rowAbs, M)
			}
			if out.Cmp(Aout) > 0 {
				Aout = out
			}
		}
		if Aout.Cmp(safe) >= 0 {
			return nil
		}
		s = new(big.Int).Mul(S, M)
		if s.Cmp(safe) >= 0 {
			return nil
		}
		Ain = Aout
		p.layers = append(p.layers, il)
	}
	p.outS = s.Int64()
	return p
}

type intEval struct {
	p        *intPlan
	bufA     [][]int64
	outScale *big.Int
}

func (p *intPlan) newEvaluator() evaluator {
	e := &intEval{p: p, outScale: big.NewInt(p.outS)}
	for _, l := range p.layers {
		e.bufA = append(e.bufA, make([]int64, l.out))
	}
	return e
}

func (e *intEval) eval(i int, out []*big.Rat, states [][]byte) {
	d := e.p.d
	a := d.xInt[i*d.D : (i+1)*d.D]
	last := len(e.p.layers) - 1
	for li := range e.p.layers {
		l := &e.p.layers[li]
		z := e.bufA[li]
		copy(z, l.b)
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
		a = z
	}
	for j, v := range a {
		out[j].SetFrac(big.NewInt(v), e.outScale)
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
	j int
	p *big.Int
}

type bigLayer struct {
	in, out int
	cols    [][]bigEntry // cols[k]: the non-zero P_jk of input k
	q       []*big.Int   // bias numerators over E
	D, E, M *big.Int
	act     []Activation
	leakyC  []*big.Int
}

type bigPlan struct {
	layers []bigLayer
	d      *Dataset
}

func (p *bigPlan) name() string { return "big" }

func planBig(n *Network, d *Dataset) *bigPlan {
	p := &bigPlan{d: d}
	for li := range n.Layers {
		l := &n.Layers[li]
		D, E := layerDens(l)
		bl := bigLayer{in: len(l.W[0]), out: l.Out(), D: D, E: E, M: leakyM(l), act: l.Act}
		bl.cols = make([][]bigEntry, bl.in)
		for j, row := range l.W {
			for k, w := range row {
				if w.Sign() != 0 {
					bl.cols[k] = append(bl.cols[k], bigEntry{j, scaledNum(w, D)})
				}
			}
			bl.q = append(bl.q, scaledNum(l.B[j], E))
			var c *big.Int
			if a := l.Act[j]; a.Kind == ActLeakyReLU {
				c = new(big.Int).Quo(bl.M, a.Slope.Denom())
				c.Mul(c, a.Slope.Num())
			}
			bl.leakyC = append(bl.leakyC, c)
		}
		p.layers = append(p.layers, bl)
	}
	return p
}

type bigEval struct {
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

func (e *bigEval) eval(i int, out []*big.Rat, states [][]byte) {
	d := e.p.d
	s := new(big.Int)
	a := e.in
	if d.xRat == nil {
		s.SetInt64(d.xDen)
		for k := range a {
			a[k].SetInt64(d.xInt[i*d.D+k])
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
	t := e.t
	last := len(e.p.layers) - 1
	Ds, S, mulW, mulB, g := new(big.Int), new(big.Int), new(big.Int), new(big.Int), new(big.Int)
	for li := range e.p.layers {
		l := &e.p.layers[li]
		z := e.bufs[li]
		for j := range z {
			z[j].SetInt64(0)
		}
		for k, ak := range a {
			if ak.Sign() == 0 {
				continue
			}
			for _, en := range l.cols[k] {
				z[en.j].Add(z[en.j], t.Mul(en.p, ak))
			}
		}
		Ds.Mul(l.D, s)
		S.Set(Ds)
		lcmInto(S, l.E)
		mulW.Quo(S, Ds)
		mulB.Quo(S, l.E)
		var st []byte
		if states != nil && li < last {
			st = states[li]
		}
		negS := new(big.Int).Neg(S)
		for j, zj := range z {
			zj.Mul(zj, mulW)
			zj.Add(zj, t.Mul(l.q[j], mulB))
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
			if l.M.Cmp(bigOne) != 0 {
				zj.Mul(zj, l.M)
			}
		}
		s.Mul(S, l.M)
		// Keep numbers small: divide the scale and the numerators by their gcd.
		if s.Cmp(bigOne) != 0 {
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
			}
		}
		a = z
	}
	for j, v := range a {
		out[j].SetFrac(v, s)
	}
}
