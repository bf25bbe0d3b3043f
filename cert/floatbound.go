package cert

// Float claims: evaluated in an IEEE 754 binary format, in any summation order, with or
// without fused multiply-add, the network gives every point its label (by argmax or by
// threshold) or stays within ε of its target.
//
//	{"kind": "float", "format": "float32", "rule": "argmax"}
//	{"kind": "float", "format": "float16", "rule": "threshold", "threshold": "1/2"}
//	{"kind": "float", "format": "float64", "rule": "epsilon", "epsilon": "1/100"}
//
// The proof is a rounding-error bound computed exactly (rationals, rounded upwards where
// they are shortened); docs/format.md gives the error model and its argument. Per unit,
// with a the exact inputs of the layer, e their error bounds, A = |a| + e, ŵ and b̂ the
// parameters rounded to the format, N = inputs + 1 terms, u = 2^−p, γ = Nu/(1 − Nu) and η
// half the smallest subnormal:
//
//	S = Σ|ŵ_k|A_k + |b̂|                       bounds every partial sum's terms
//	E = Σ|ŵ_k − w_k|A_k + Σ|w_k|e_k + |b̂ − b| + γS + 2Nη(1 + γ)
//
// and S + γS + 2Nη(1 + γ) < the format's largest finite value (no overflow). ReLU,
// hard-tanh and the identity are 1-Lipschitz and exact in the format; a leaky ReLU adds
// its slope's rounding and one product; a step unit has error 0 when |z| > E decides it,
// else 1. A point is proven when argmax: f_c − f_j > E_c + E_j for every j ≠ c; threshold:
// f − t ≥ E for class 1, t − f > E for class 0; epsilon: |f_k − y_k| + E_k ≤ ε.
//
// A point not proven is simulated exactly (package certify/internal/ieee) in the plain
// order: each product rounded, summed from index 0, the bias added last. If that answer
// is wrong the claim is refuted with the point and the computed value; else undecided.

import (
	"encoding/json"
	"fmt"
	"math/big"

	"certify/internal/ieee"
)

// FloatClaim states that the network, evaluated in Format ("float16", "bfloat16",
// "float32", "float64"), classifies by Rule ("argmax", "threshold" with Threshold,
// "epsilon" with Epsilon) as the exact claim of that rule would.
type FloatClaim struct {
	Format    string
	Rule      string
	Threshold *big.Rat
	Epsilon   *big.Rat
}

// KindFloat names the float claim.
const KindFloat = "float"

func (FloatClaim) Kind() string { return KindFloat }
func (FloatClaim) claim()       {}

type wireFloat struct {
	Kind      string `json:"kind"`
	Format    string `json:"format"`
	Rule      string `json:"rule"`
	Threshold string `json:"threshold,omitempty"`
	Epsilon   string `json:"epsilon,omitempty"`
}

func decodeFloat(raw json.RawMessage, path string, c *Certificate, lim Limits) (Claim, error) {
	var w wireFloat
	if err := strictUnmarshal(raw, &w); err != nil {
		if me, ok := err.(*MalformedError); ok {
			me.Path = joinPath(path, me.Path)
		}
		return nil, err
	}
	cl := FloatClaim{Format: w.Format, Rule: w.Rule}
	var err error
	if w.Threshold != "" {
		if cl.Threshold, err = ParseRat(w.Threshold, lim.MaxDigits); err != nil {
			return nil, fieldErr(path+".threshold", "%v", err)
		}
	}
	if w.Epsilon != "" {
		if cl.Epsilon, err = ParseRat(w.Epsilon, lim.MaxDigits); err != nil {
			return nil, fieldErr(path+".epsilon", "%v", err)
		}
	}
	return cl, validateFloat(cl, path, c)
}

// validateFloat checks the format and that the rule's exact claim fits the certificate.
func validateFloat(cl FloatClaim, path string, c *Certificate) error {
	if _, ok := ieee.ByName(cl.Format); !ok {
		return fieldErr(path+".format", "is %q; want float16, bfloat16, float32 or float64", clip(cl.Format))
	}
	for li, l := range c.Network.Layers {
		if l.Residual { // the bound and the simulation follow plain layers only
			return fieldErr(fmt.Sprintf("network.layers[%d].residual", li), "a float claim is for feed-forward networks; this one has a residual layer")
		}
	}
	if (cl.Threshold != nil) != (cl.Rule == "threshold") || (cl.Epsilon != nil) != (cl.Rule == "epsilon") {
		return fieldErr(path, "a threshold goes with rule threshold only, an epsilon with rule epsilon only, and each needs its own")
	}
	switch cl.Rule {
	case "argmax":
		return validateClaim(ArgmaxClaim{Margin: ratOne}, path, c)
	case "threshold":
		return validateClaim(ThresholdClaim{Threshold: cl.Threshold}, path, c)
	case "epsilon":
		return validateClaim(EpsilonClaim{Epsilon: cl.Epsilon}, path, c)
	}
	return fieldErr(path+".rule", "is %q; want argmax, threshold or epsilon", clip(cl.Rule))
}

// FloatPoint is the bound at one point: the exact margin (argmax: f_c − f_j at the j
// nearest to failing; threshold: f − t for class 1, t − f for class 0; epsilon:
// ε − |f_k − y_k| at the worst k) and the error bound it must beat (E_c + E_j, E, E_k).
// Bound is nil when the model does not apply (a value may overflow; Nu ≥ 1/2); Why says so.
// A point not proven is simulated: Wrong when the plain-order evaluation breaks the rule
// (at output Unit, with the computed value Got), Overflow naming where it became infinite.
type FloatPoint struct {
	Proven        bool     `json:"proven"`
	Margin, Bound *big.Rat `json:"-"`
	Why           string   `json:"why,omitempty"`
	Wrong         bool     `json:"wrong_in_plain_order,omitempty"`
	Unit          int      `json:"unit"`
	Got           *big.Rat `json:"-"`
	want, msg     string
	Overflow      string `json:"overflow,omitempty"`
}

// floatNet is a network's parameters rounded to a format, and in integer form: layer l's
// weights and biases are wn/den[l], bn/den[l] (den the common denominator).
type floatNet struct {
	n           *Network
	f           ieee.Format
	u, eta, max *big.Rat
	wh          [][][]*big.Rat // rounded weights
	bh, db, sh  [][]*big.Rat   // rounded biases, |b̂ − b|, rounded leaky slopes
	ds          [][]*big.Rat   // |ŝ − s|
	exactRow    [][]bool       // every weight of the row is in the format
	wn          [][][]*big.Int
	bn          [][]*big.Int
	den         []*big.Int
	infMsg      string // a parameter rounds to an infinity
}

func newFloatNet(n *Network, f ieee.Format) *floatNet {
	fn := &floatNet{n: n, f: f, u: f.Unit(), eta: f.Eta(), max: f.Max()}
	round := func(x *big.Rat, what string) (*big.Rat, *big.Rat) {
		r, inf := f.Round(x)
		if inf != 0 {
			if fn.infMsg == "" {
				fn.infMsg = what + " rounds to an infinity in " + f.Name
			}
			return new(big.Rat), new(big.Rat)
		}
		d := new(big.Rat).Sub(r, x)
		return r, d.Abs(d)
	}
	for li := range n.Layers {
		l := &n.Layers[li]
		m := len(l.W)
		wh, ex := make([][]*big.Rat, m), make([]bool, m)
		bh, db, sh, ds := make([]*big.Rat, m), make([]*big.Rat, m), make([]*big.Rat, m), make([]*big.Rat, m)
		den := big.NewInt(1)
		for j, row := range l.W {
			wh[j], ex[j] = make([]*big.Rat, len(row)), true
			for k, w := range row {
				var d *big.Rat
				wh[j][k], d = round(w, fmt.Sprintf("layers[%d].weights[%d][%d]", li, j, k))
				ex[j] = ex[j] && d.Sign() == 0
				lcmInto(den, w.Denom())
			}
			bh[j], db[j] = round(l.B[j], fmt.Sprintf("layers[%d].biases[%d]", li, j))
			lcmInto(den, l.B[j].Denom())
			if l.Act[j].Kind == ActLeakyReLU {
				sh[j], ds[j] = round(l.Act[j].Slope, fmt.Sprintf("layers[%d] unit %d's slope", li, j))
			}
		}
		wn, bn := make([][]*big.Int, m), make([]*big.Int, m)
		for j, row := range l.W {
			wn[j] = make([]*big.Int, len(row))
			for k, w := range row {
				wn[j][k] = scaledNum(w, den)
			}
			bn[j] = scaledNum(l.B[j], den)
		}
		fn.wh, fn.exactRow, fn.bh, fn.db = append(fn.wh, wh), append(fn.exactRow, ex), append(fn.bh, bh), append(fn.db, db)
		fn.sh, fn.ds, fn.wn, fn.bn, fn.den = append(fn.sh, sh), append(fn.ds, ds), append(fn.wn, wn), append(fn.bn, bn), append(fn.den, den)
	}
	return fn
}

// ceilDiv is ⌈a/b⌉ for a ≥ 0, b > 0.
func ceilDiv(a, b *big.Int) *big.Int {
	q, r := new(big.Int).QuoRem(a, b, new(big.Int))
	if r.Sign() != 0 {
		q.Add(q, bigOne)
	}
	return q
}

// onGrid is ⌈r·2^g⌉ for r ≥ 0: bounds are integers on the grid 2^−g, rounded upwards.
func onGrid(r *big.Rat, g uint) *big.Int {
	return ceilDiv(new(big.Int).Lsh(r.Num(), g), r.Denom())
}

// bound computes the exact outputs at x and a bound on the error of every output, or
// a reason why the model does not apply. The exact values of a layer are an/da; the
// bounds are integers on the grid 2^−g, g = p − emin + 64, so that η and every float
// value lie on it and each upward rounding adds at most 2^−64·η.
func (fn *floatNet) bound(x []*big.Rat) (out, errs []*big.Rat, why string) {
	if fn.infMsg != "" {
		return nil, nil, fn.infMsg
	}
	f := fn.f
	g := uint(f.Prec - f.Emin + 64)
	gs := uint(f.Prec + 64) // γ is rounded up to the grid 2^−gs
	unitG := new(big.Int).Lsh(bigOne, g)
	maxG := onGrid(fn.max, g)
	da := big.NewInt(1)
	for _, v := range x {
		lcmInto(da, v.Denom())
	}
	an, en := make([]*big.Int, len(x)), make([]*big.Int, len(x))
	for k, v := range x {
		r, inf := f.Round(v)
		if inf != 0 {
			return nil, nil, fmt.Sprintf("input %d rounds to an infinity", k)
		}
		an[k] = scaledNum(v, da)
		en[k] = onGrid(new(big.Rat).Abs(r.Sub(r, v)), g)
	}
	t, abs, pa, pe := new(big.Int), new(big.Int), new(big.Int), new(big.Int)
	tr := new(big.Rat)
	for li := range fn.n.Layers {
		l := &fn.n.Layers[li]
		N := big.NewRat(int64(len(an)+1), 1)
		nu := new(big.Rat).Mul(N, fn.u)
		if nu.Cmp(big.NewRat(1, 2)) >= 0 {
			return nil, nil, fmt.Sprintf("layer %d has %v terms per sum: Nu ≥ 1/2", li, N)
		}
		gamma := new(big.Rat).Quo(nu, new(big.Rat).Sub(ratOne, nu))
		gammaG := onGrid(gamma, gs)
		under := new(big.Rat).Mul(N, fn.eta) // 2Nη(1+γ)
		under.Mul(under, big.NewRat(2, 1)).Mul(under, new(big.Rat).Add(ratOne, gamma))
		underG := onGrid(under, g)
		sumA := ceilDiv(new(big.Int).Lsh(sumAbs(an), g), da) // Σ_k A_k, A_k = |a_k| + e_k
		for _, v := range en {
			sumA.Add(sumA, v)
		}
		dz := new(big.Int).Mul(fn.den[li], da)
		exactIn := true // every input of the layer is exact in the format
		for _, v := range en {
			exactIn = exactIn && v.Sign() == 0
		}
		r := -1 // dz = 2^r, on the format's grid
		if t := dz.BitLen() - 1; int(dz.TrailingZeroBits()) == t && t <= f.Prec-1-f.Emin {
			r = t
		}
		limG := new(big.Int).Lsh(bigOne, g+uint(f.Prec)) // 2^p on the grid
		slopes := big.NewInt(1)                          // the leaky slopes' common denominator
		for j := range l.Act {
			if l.Act[j].Kind == ActLeakyReLU {
				lcmInto(slopes, l.Act[j].Slope.Denom())
			}
		}
		nan, nen := make([]*big.Int, len(l.W)), make([]*big.Int, len(l.W))
		for j, row := range fn.wn[li] {
			zn := new(big.Int).Mul(fn.bn[li][j], da)
			pa.SetInt64(0)
			pe.SetInt64(0)
			for k, w := range row {
				if w.Sign() == 0 {
					continue
				}
				if an[k].Sign() != 0 {
					zn.Add(zn, t.Mul(w, an[k]))
					pa.Add(pa, t.Mul(abs.Abs(w), t.Abs(an[k])))
				}
				if en[k].Sign() != 0 {
					pe.Add(pe, t.Mul(abs.Abs(w), en[k]))
				}
			}
			P2 := ceilDiv(pe, fn.den[li])                      // Σ|w_k|e_k
			S := ceilDiv(pa.Lsh(pa, g), dz)                    // Σ|w_k||a_k|
			S.Add(S, P2)                                       // Σ|w_k|A_k
			E := new(big.Int).Add(P2, onGrid(fn.db[li][j], g)) // + |b̂ − b|
			if !fn.exactRow[li][j] {                           // Σ|ŵ_k − w_k|A_k ≤ uΣ|w_k|A_k + ηΣA_k
				Q := shiftUp(S, uint(f.Prec))
				Q.Add(Q, shiftUp(sumA, uint(f.Prec-f.Emin)))
				S.Add(S, Q)
				E.Add(E, Q)
			}
			S.Add(S, onGrid(tr.Abs(fn.bh[li][j]), g)) // Σ|ŵ_k|A_k + |b̂|
			R := shiftUp(t.Mul(S, gammaG), gs)        // γS + 2Nη(1+γ)
			R.Add(R, underG)
			if t.Add(S, R).Cmp(maxG) >= 0 {
				return nil, nil, fmt.Sprintf("layer %d unit %d may reach the largest finite %s", li, j, f.Name)
			}
			// No rounding at all: exact inputs and parameters whose terms lie on a grid 2^−r
			// of the format, and every partial sum below 2^(p−r) in magnitude (so a value).
			if exactIn && fn.exactRow[li][j] && fn.db[li][j].Sign() == 0 && r >= 0 && t.Lsh(S, uint(r)).Cmp(limG) <= 0 {
				R.SetInt64(0)
			}
			E.Add(E, R)
			act := l.Act[j]
			z := new(big.Rat).SetFrac(zn, dz)
			a := act.Apply(z)
			switch act.Kind {
			case ActStep:
				zG := new(big.Rat).Mul(z, new(big.Rat).SetInt(unitG))
				if (z.Sign() >= 0 && zG.Cmp(new(big.Rat).SetInt(E)) >= 0) || (z.Sign() < 0 && zG.Add(zG, new(big.Rat).SetInt(E)).Sign() < 0) {
					E.SetInt64(0)
				} else {
					E.Set(unitG)
				}
			case ActLeakyReLU: // max(1,|ŝ|)E + |ŝ − s||z| + u|ŝ|(|z| + E) + η
				sl := new(big.Rat).Abs(fn.sh[li][j])
				Er := new(big.Rat).SetFrac(E, unitG)
				zE := new(big.Rat).Add(new(big.Rat).Abs(z), Er)
				if tr.Mul(sl, zE).Mul(tr, new(big.Rat).Add(ratOne, fn.u)).Add(tr, fn.eta).Cmp(fn.max) >= 0 {
					return nil, nil, fmt.Sprintf("layer %d unit %d's slope product may reach the largest finite %s", li, j, f.Name)
				}
				if sl.Cmp(ratOne) > 0 {
					Er.Mul(Er, sl)
				}
				Er.Add(Er, tr.Mul(fn.ds[li][j], new(big.Rat).Abs(z)))
				Er.Add(Er, tr.Mul(fn.u, sl).Mul(tr, zE))
				Er.Add(Er, fn.eta)
				E = onGrid(Er, g)
			}
			nan[j] = scaledNum(a, new(big.Int).Mul(dz, slopes))
			nen[j] = E
		}
		da = new(big.Int).Mul(dz, slopes)
		reduce(nan, da)
		an, en = nan, nen
	}
	out, errs = make([]*big.Rat, len(an)), make([]*big.Rat, len(an))
	for k := range an {
		out[k] = new(big.Rat).SetFrac(an[k], da)
		errs[k] = short(en[k], g)
	}
	return out, errs, ""
}

// short is v·2^−g rounded up to at most 64 significant bits (a shorter bound, upwards).
func short(v *big.Int, g uint) *big.Rat {
	s := uint(min(max(v.BitLen()-64, 0), int(g)))
	return new(big.Rat).SetFrac(shiftUp(v, s), new(big.Int).Lsh(bigOne, g-s))
}

// shiftUp is ⌈v·2^−s⌉ for v ≥ 0.
func shiftUp(v *big.Int, s uint) *big.Int {
	q := new(big.Int).Rsh(v, s)
	if new(big.Int).Lsh(q, s).Cmp(v) != 0 {
		q.Add(q, bigOne)
	}
	return q
}

func sumAbs(v []*big.Int) *big.Int {
	s, t := new(big.Int), new(big.Int)
	for _, x := range v {
		s.Add(s, t.Abs(x))
	}
	return s
}

// reduce divides the numerators v and their denominator d by their common divisor.
func reduce(v []*big.Int, d *big.Int) {
	g := new(big.Int).Set(d)
	for _, x := range v {
		if g.Cmp(bigOne) == 0 {
			return
		}
		if x.Sign() != 0 {
			g.GCD(nil, nil, g, new(big.Int).Abs(x))
		}
	}
	if g.Cmp(bigOne) == 0 {
		return
	}
	for _, x := range v {
		x.Quo(x, g)
	}
	d.Quo(d, g)
}

// judge decides a point from the exact outputs and their bounds.
func (cl FloatClaim) judge(d *Dataset, i int, out, errs []*big.Rat) FloatPoint {
	var p FloatPoint
	switch cl.Rule {
	case "argmax":
		c := d.Labels[i]
		for j := range out {
			if j == c {
				continue
			}
			m := new(big.Rat).Sub(out[c], out[j])
			b := new(big.Rat).Add(errs[c], errs[j])
			if p.Bound == nil || new(big.Rat).Sub(m, b).Cmp(new(big.Rat).Sub(p.Margin, p.Bound)) < 0 {
				p.Margin, p.Bound = m, b
			}
		}
		p.Proven = p.Margin.Cmp(p.Bound) > 0
	case "threshold":
		p.Margin, p.Bound = new(big.Rat).Sub(out[0], cl.Threshold), errs[0]
		if d.Labels[i] == 1 {
			p.Proven = p.Margin.Cmp(p.Bound) >= 0
		} else {
			p.Margin.Neg(p.Margin)
			p.Proven = p.Margin.Cmp(p.Bound) > 0
		}
	case "epsilon":
		want := d.TargetVector(i, len(out))
		for k, v := range out {
			m := new(big.Rat).Sub(v, want[k])
			m.Sub(cl.Epsilon, m.Abs(m))
			if p.Bound == nil || new(big.Rat).Sub(m, errs[k]).Cmp(new(big.Rat).Sub(p.Margin, p.Bound)) < 0 {
				p.Margin, p.Bound = m, errs[k]
			}
		}
		p.Proven = p.Margin.Cmp(p.Bound) >= 0
	}
	return p
}
