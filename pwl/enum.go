package pwl

import (
	"bytes"
	"errors"
	"fmt"
	"math/big"

	"certify/cert"
	"certify/internal/exactint"
)

// Region is one activation region of g(t) = f(a + t·v): on the open interval (Lo, Hi)
// every unit keeps the state Pattern gives, and g(t) = Intercept + Slope·t (one entry per
// output). A Region passed to a Walk callback is reused by the next call: copy what you
// keep (Clone).
type Region struct {
	Lo, Hi    *big.Rat
	Pattern   []byte
	Intercept []*big.Rat
	Slope     []*big.Rat
}

// Clone returns a copy that does not share memory with r.
func (r *Region) Clone() Region {
	c := Region{Lo: new(big.Rat).Set(r.Lo), Hi: new(big.Rat).Set(r.Hi), Pattern: bytes.Clone(r.Pattern)}
	for k := range r.Intercept {
		c.Intercept = append(c.Intercept, new(big.Rat).Set(r.Intercept[k]))
		c.Slope = append(c.Slope, new(big.Rat).Set(r.Slope[k]))
	}
	return c
}

// At returns g(t) for t in the closure of the region, by its affine map.
func (r *Region) At(t *big.Rat) []*big.Rat {
	out := make([]*big.Rat, len(r.Slope))
	for k := range out {
		out[k] = new(big.Rat).Mul(r.Slope[k], t)
		out[k].Add(out[k], r.Intercept[k])
	}
	return out
}

// ErrSegment is wrapped by the errors Walk returns for a segment that cannot be used.
var ErrSegment = errors.New("bad segment")

// CheckSegment reports whether seg is a segment of n's input space: a and v of the input
// dimension, v non-zero, t0 < t1.
func CheckSegment(n *cert.Network, seg cert.Segment) error {
	if len(n.Layers) == 0 {
		return fmt.Errorf("%w: the network has no layers", ErrSegment)
	}
	if n.HasResidual() {
		return fmt.Errorf("%w: the enumeration does not cover residual layers (the kernel's pieces claim does)", ErrSegment)
	}
	if len(seg.A) != n.InputDim || len(seg.V) != n.InputDim {
		return fmt.Errorf("%w: a and v have dimensions %d and %d but the network's input dimension is %d", ErrSegment, len(seg.A), len(seg.V), n.InputDim)
	}
	zero := true
	for _, x := range seg.V {
		zero = zero && x.Sign() == 0
	}
	if zero {
		return fmt.Errorf("%w: the direction v is the zero vector", ErrSegment)
	}
	if seg.T0 == nil || seg.T1 == nil {
		return fmt.Errorf("%w: t0 or t1 missing", ErrSegment)
	}
	switch seg.T0.Cmp(seg.T1) {
	case 0:
		return fmt.Errorf("%w: the segment is empty (t0 = t1 = %s)", ErrSegment, seg.T0.RatString())
	case 1:
		return fmt.Errorf("%w: t0 = %s > t1 = %s", ErrSegment, seg.T0.RatString(), seg.T1.RatString())
	}
	return nil
}

// Walk calls fn on every activation region of n restricted to seg, in increasing t. It
// sweeps: from the left end t of a region it computes the pattern just right of t (each
// unit's state on (t, t+ε), decided by its pre-activation's value at t and, when that is
// on a breakpoint of the activation, its slope), the pre-activations' affine maps under
// that pattern, and the first t' > t where one of them reaches a breakpoint of its
// activation; (t, t') is a region. Memory is O(size of the network). An error from fn
// stops the walk and is returned.
func Walk(n *cert.Network, seg cert.Segment, fn func(*Region) error) error {
	if err := CheckSegment(n, seg); err != nil {
		return err
	}
	return sweep(n, seg, true, func(r *Region, _ bool) error { return fn(r) })
}

// sweep is Walk that also says whether the output map changed at each region's left
// end (false for the first region). With maps false the regions' Intercept and Slope are
// nil (cheaper: maps are compared without building rationals when the int64 path runs).
func sweep(n *cert.Network, seg cert.Segment, maps bool, fn func(r *Region, changed bool) error) error {
	if err := CheckSegment(n, seg); err != nil {
		return err
	}
	s := newSweeper(n, seg)
	lo := new(big.Rat).Set(seg.T0)
	next := s.step(lo)
	r := &Region{Lo: lo, Pattern: bytes.Clone(s.pat)}
	if maps {
		r.Intercept, r.Slope = s.outMap()
	}
	s.saveMap()
	changed := false
	for next != nil {
		after := s.step(next)
		// Patterns of consecutive sweep steps differ (a crossing changes a state); were
		// they equal, the region would simply go on.
		if !bytes.Equal(s.pat, r.Pattern) {
			r.Hi = next
			if err := fn(r, changed); err != nil {
				return err
			}
			changed = s.mapChanged()
			s.saveMap()
			r.Lo = next
			copy(r.Pattern, s.pat)
			if maps {
				r.Intercept, r.Slope = s.outMap()
			}
		}
		next = after
	}
	r.Hi = seg.T1
	return fn(r, changed)
}

// Regions collects every region (for small networks; Walk streams).
func Regions(n *cert.Network, seg cert.Segment) ([]Region, error) {
	var out []Region
	err := Walk(n, seg, func(r *Region) error {
		out = append(out, r.Clone())
		return nil
	})
	return out, err
}

// ---- the sweep ----

// sweeper computes one step of the sweep, with int64 arithmetic when it applies and
// math/big otherwise.
type sweeper struct {
	n     *cert.Network
	seg   cert.Segment
	units int
	t1    *big.Rat
	in    *intNet
	bg    *bigNet
	pat   []byte
	fromI bool // the last step used the int path
	// the output map saved by saveMap: int64 (over the int path's scale) or rationals
	prevInt        bool
	prevA, prevB   []int64
	prevRA, prevRB []*big.Rat
}

func newSweeper(n *cert.Network, seg cert.Segment) *sweeper {
	s := &sweeper{n: n, seg: seg, t1: seg.T1}
	for _, l := range n.Layers {
		s.units += l.Out()
	}
	s.bg = newBigNet(n, seg)
	s.in = newIntNet(n, s.bg)
	s.pat = make([]byte, s.units)
	return s
}

// step computes the pattern right of t into s.pat and returns the next event (nil when
// the region reaches t1).
func (s *sweeper) step(t *big.Rat) *big.Rat {
	if s.in != nil {
		if next, ok := s.in.step(t, s.t1, s.pat); ok {
			s.fromI = true
			return next
		}
	}
	s.fromI = false
	return s.bg.step(t, s.t1, s.pat)
}

// saveMap remembers the current output map; mapChanged compares the current one with it.
func (s *sweeper) saveMap() {
	s.prevInt = s.fromI
	if s.fromI {
		L := len(s.in.layers) - 1
		s.prevA, s.prevB = append(s.prevA[:0], s.in.aa[L]...), append(s.prevB[:0], s.in.ab[L]...)
		return
	}
	s.prevRA, s.prevRB = s.bg.outMap()
}

func (s *sweeper) mapChanged() bool {
	if s.fromI && s.prevInt {
		L := len(s.in.layers) - 1
		for k, a := range s.in.aa[L] {
			if a != s.prevA[k] || s.in.ab[L][k] != s.prevB[k] {
				return true
			}
		}
		return false
	}
	pa, pb := s.prevRA, s.prevRB
	if s.prevInt {
		pa, pb = s.in.ratMap(s.prevA, s.prevB)
	}
	a, b := s.outMap()
	return !sameVec(a, pa) || !sameVec(b, pb)
}

func (s *sweeper) outMap() ([]*big.Rat, []*big.Rat) {
	if s.fromI {
		return s.in.outMap()
	}
	return s.bg.outMap()
}

// rightState is the state of a unit just right of a point, given cmp(z, 0), cmp(z, −1)
// and cmp(z, 1) there with ties broken by the slope (see Walk). The table is
// cert.Activation.State's.
func rightState(a cert.Activation, c0, cm, cp int) byte {
	switch a.Kind {
	case cert.ActReLU, cert.ActLeakyReLU:
		if c0 > 0 {
			return '1'
		}
		return '0'
	case cert.ActStep:
		if c0 >= 0 {
			return '1'
		}
		return '0'
	case cert.ActHardTanh:
		switch {
		case cm <= 0:
			return '-'
		case cp >= 0:
			return '+'
		}
		return '1'
	}
	return '1'
}

func tie(c, slope int) int {
	if c == 0 {
		return slope
	}
	return c
}

// ---- math/big ----

type bigNet struct {
	n        *cert.Network
	al1, be1 []*big.Rat
	aa, ab   [][]*big.Rat
	al, be   *big.Rat
	v, x     *big.Rat
}

func newBigNet(n *cert.Network, seg cert.Segment) *bigNet {
	b := &bigNet{n: n, al: new(big.Rat), be: new(big.Rat), v: new(big.Rat), x: new(big.Rat)}
	l0 := &n.Layers[0]
	for j, row := range l0.W {
		a, c := new(big.Rat).Set(l0.B[j]), new(big.Rat)
		for k, w := range row {
			a.Add(a, b.x.Mul(w, seg.A[k]))
			c.Add(c, b.x.Mul(w, seg.V[k]))
		}
		b.al1, b.be1 = append(b.al1, a), append(b.be1, c)
	}
	for _, l := range n.Layers {
		b.aa, b.ab = append(b.aa, rats(l.Out())), append(b.ab, rats(l.Out()))
	}
	return b
}

func rats(k int) []*big.Rat {
	v := make([]*big.Rat, k)
	for i := range v {
		v[i] = new(big.Rat)
	}
	return v
}

var (
	ratOne      = big.NewRat(1, 1)
	ratMinusOne = big.NewRat(-1, 1)
)

func thresholds(a cert.Activation) []*big.Rat {
	switch a.Kind {
	case cert.ActReLU, cert.ActLeakyReLU, cert.ActStep:
		return []*big.Rat{new(big.Rat)}
	case cert.ActHardTanh:
		return []*big.Rat{ratMinusOne, ratOne}
	}
	return nil
}

func (b *bigNet) step(t, t1 *big.Rat, pat []byte) *big.Rat {
	var best *big.Rat
	u := 0
	for li := range b.n.Layers {
		l := &b.n.Layers[li]
		for j := range l.B {
			al, be := b.al, b.be
			if li == 0 {
				al.Set(b.al1[j])
				be.Set(b.be1[j])
			} else {
				al.Set(l.B[j])
				be.SetInt64(0)
				for k, w := range l.W[j] {
					if w.Sign() == 0 {
						continue
					}
					al.Add(al, b.x.Mul(w, b.aa[li-1][k]))
					be.Add(be, b.x.Mul(w, b.ab[li-1][k]))
				}
			}
			act := l.Act[j]
			b.v.Mul(be, t)
			b.v.Add(b.v, al)
			sb := be.Sign()
			st := rightState(act, tie(b.v.Sign(), sb), tie(b.v.Cmp(ratMinusOne), sb), tie(b.v.Cmp(ratOne), sb))
			pat[u] = st
			u++
			if sb != 0 {
				for _, th := range thresholds(act) {
					c := new(big.Rat).Sub(th, al)
					c.Quo(c, be)
					if c.Cmp(t) > 0 && (best == nil || c.Cmp(best) < 0) {
						best = c
					}
				}
			}
			oa, ob := b.aa[li][j], b.ab[li][j]
			switch {
			case act.Kind == cert.ActStep:
				oa.SetInt64(int64(st - '0'))
				ob.SetInt64(0)
			case act.Kind == cert.ActHardTanh && st == '+':
				oa.SetInt64(1)
				ob.SetInt64(0)
			case act.Kind == cert.ActHardTanh && st == '-':
				oa.SetInt64(-1)
				ob.SetInt64(0)
			case act.Kind == cert.ActReLU && st == '0':
				oa.SetInt64(0)
				ob.SetInt64(0)
			case act.Kind == cert.ActLeakyReLU && st == '0':
				oa.Mul(al, act.Slope)
				ob.Mul(be, act.Slope)
			default:
				oa.Set(al)
				ob.Set(be)
			}
		}
	}
	if best != nil && best.Cmp(t1) >= 0 {
		best = nil
	}
	return best
}

func (b *bigNet) outMap() ([]*big.Rat, []*big.Rat) {
	L := len(b.n.Layers) - 1
	ia, sl := rats(len(b.aa[L])), rats(len(b.aa[L]))
	for k := range ia {
		ia[k].Set(b.aa[L][k])
		sl[k].Set(b.ab[L][k])
	}
	return ia, sl
}

// ---- int64 ----

// intNet is the network over integers (as in the kernel's fast path, written
// independently): unit j of a layer has pre-activation (al + be·t)/S; activations are
// integers over S·M. Every operation is checked; a step that would leave (−2^62, 2^62)
// falls back to math/big.
type intNet struct {
	layers []iLayer
	outS   *big.Int
	aa, ab [][]int64
}

type iLayer struct {
	w      [][]int64
	b, c   []int64 // first layer: al = b, be = c
	S, M   int64
	leakyC []int64
	act    []cert.Activation
}

const safe = exactint.Safe

func newIntNet(n *cert.Network, b0 *bigNet) *intNet {
	lim := big.NewInt(safe)
	fits := func(x *big.Int) bool { return x.CmpAbs(lim) < 0 }
	lcm := func(acc, x *big.Int) {
		g := new(big.Int).GCD(nil, nil, acc, x)
		acc.Mul(acc, new(big.Int).Quo(x, g))
	}
	scaled := func(r *big.Rat, den *big.Int) *big.Int {
		q := new(big.Int).Quo(den, r.Denom())
		return q.Mul(q, r.Num())
	}
	e := &intNet{}
	S := big.NewInt(1)
	for j := range b0.al1 {
		lcm(S, b0.al1[j].Denom())
		lcm(S, b0.be1[j].Denom())
	}
	var scale *big.Int
	for li := range n.Layers {
		l := &n.Layers[li]
		il := iLayer{act: l.Act, b: make([]int64, l.Out()), leakyC: make([]int64, l.Out())}
		if li == 0 {
			il.c = make([]int64, l.Out())
			for j := range l.B {
				a, c := scaled(b0.al1[j], S), scaled(b0.be1[j], S)
				if !fits(a) || !fits(c) {
					return nil
				}
				il.b[j], il.c[j] = a.Int64(), c.Int64()
			}
		} else {
			D, E := big.NewInt(1), big.NewInt(1)
			for j, row := range l.W {
				for _, w := range row {
					lcm(D, w.Denom())
				}
				lcm(E, l.B[j].Denom())
			}
			Ds := new(big.Int).Mul(D, scale)
			S = new(big.Int).Set(Ds)
			lcm(S, E)
			mw, mb := new(big.Int).Quo(S, Ds), new(big.Int).Quo(S, E)
			il.w = make([][]int64, l.Out())
			for j, row := range l.W {
				il.w[j] = make([]int64, len(row))
				for k, w := range row {
					v := scaled(w, D)
					v.Mul(v, mw)
					if !fits(v) {
						return nil
					}
					il.w[j][k] = v.Int64()
				}
				v := scaled(l.B[j], E)
				v.Mul(v, mb)
				if !fits(v) {
					return nil
				}
				il.b[j] = v.Int64()
			}
		}
		M := big.NewInt(1)
		for _, a := range l.Act {
			if a.Kind == cert.ActLeakyReLU {
				lcm(M, a.Slope.Denom())
			}
		}
		for j, a := range l.Act {
			if a.Kind == cert.ActLeakyReLU {
				c := new(big.Int).Quo(M, a.Slope.Denom())
				c.Mul(c, a.Slope.Num())
				if !fits(c) {
					return nil
				}
				il.leakyC[j] = c.Int64()
			}
		}
		scale = new(big.Int).Mul(S, M)
		if !fits(S) || !fits(scale) {
			return nil
		}
		il.S, il.M = S.Int64(), M.Int64()
		e.layers = append(e.layers, il)
		e.aa, e.ab = append(e.aa, make([]int64, l.Out())), append(e.ab, make([]int64, l.Out()))
	}
	e.outS = scale
	return e
}

// step is bigNet.step over integers; ok is false when a value left the safe range.
func (e *intNet) step(tR, t1R *big.Rat, pat []byte) (*big.Rat, bool) {
	p, q, ok1 := exactint.Frac(tR)
	p1, q1, ok2 := exactint.Frac(t1R)
	if !ok1 || !ok2 {
		return nil, false
	}
	// best = bn/bd (bd > 0), the earliest crossing after t found so far; start at t1.
	bn, bd := p1, q1
	found := false
	u := 0
	for li := range e.layers {
		l := &e.layers[li]
		for j := range l.b {
			var al, be int64
			if li == 0 {
				al, be = l.b[j], l.c[j]
			} else {
				al = l.b[j]
				for k, w := range l.w[j] {
					if w == 0 {
						continue
					}
					x, o1 := exactint.Mul(w, e.aa[li-1][k])
					y, o2 := exactint.Mul(w, e.ab[li-1][k])
					var o3, o4 bool
					al, o3 = exactint.Add(al, x)
					be, o4 = exactint.Add(be, y)
					if !o1 || !o2 || !o3 || !o4 {
						return nil, false
					}
				}
			}
			act := l.act[j]
			sb := exactint.Sign(be)
			c0 := tie(exactint.SignDot(al, q, be, p), sb)
			var cm, cp int
			var alm, alp int64
			if act.Kind == cert.ActHardTanh {
				var o1, o2 bool
				alm, o1 = exactint.Add(al, l.S) // z + 1, over S
				alp, o2 = exactint.Add(al, -l.S)
				if !o1 || !o2 {
					return nil, false
				}
				cm, cp = tie(exactint.SignDot(alm, q, be, p), sb), tie(exactint.SignDot(alp, q, be, p), sb)
			}
			st := rightState(act, c0, cm, cp)
			pat[u] = st
			u++
			if sb != 0 {
				var cands [2]int64 // crossing numerators −(al − θ·S): z = θ at t = cand/be
				nc := 0
				switch act.Kind {
				case cert.ActReLU, cert.ActLeakyReLU, cert.ActStep:
					cands[0], nc = -al, 1
				case cert.ActHardTanh:
					cands[0], cands[1], nc = -alm, -alp, 2
				}
				for _, cn := range cands[:nc] {
					cd := be
					if cd < 0 {
						cn, cd = -cn, -cd
					}
					// cn/cd > t and cn/cd < best?
					if exactint.SignDot(cn, q, -p, cd) > 0 && exactint.SignDot(cn, bd, -bn, cd) < 0 {
						g := int64(exactint.GCD(exactint.Abs(cn), uint64(cd)))
						bn, bd, found = cn/g, cd/g, true
					}
				}
			}
			var oa, ob int64
			okA, okB := true, true
			switch {
			case act.Kind == cert.ActStep:
				if st == '1' {
					oa, okA = exactint.Mul(l.S, l.M)
				}
			case act.Kind == cert.ActHardTanh && st != '1':
				oa, okA = exactint.Mul(l.S, l.M)
				if st == '-' {
					oa = -oa
				}
			case act.Kind == cert.ActReLU && st == '0':
			case act.Kind == cert.ActLeakyReLU && st == '0':
				oa, okA = exactint.Mul(al, l.leakyC[j])
				ob, okB = exactint.Mul(be, l.leakyC[j])
			default:
				oa, okA = exactint.Mul(al, l.M)
				ob, okB = exactint.Mul(be, l.M)
			}
			if !okA || !okB {
				return nil, false
			}
			e.aa[li][j], e.ab[li][j] = oa, ob
		}
	}
	if !found {
		return nil, true
	}
	return new(big.Rat).SetFrac64(bn, bd), true
}

func (e *intNet) outMap() ([]*big.Rat, []*big.Rat) {
	L := len(e.layers) - 1
	return e.ratMap(e.aa[L], e.ab[L])
}

// ratMap turns an output map over the output scale into rationals.
func (e *intNet) ratMap(a, b []int64) ([]*big.Rat, []*big.Rat) {
	ia, sl := make([]*big.Rat, len(a)), make([]*big.Rat, len(a))
	for k := range ia {
		ia[k] = new(big.Rat).SetFrac(big.NewInt(a[k]), e.outS)
		sl[k] = new(big.Rat).SetFrac(big.NewInt(b[k]), e.outS)
	}
	return ia, sl
}
