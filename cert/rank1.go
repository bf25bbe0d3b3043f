package cert

import (
	"math/big"
	"sort"

	"certify/internal/exactint"
)

// Rank-one layers, and the layer after a rank-one ReLU layer as a table.
//
// The memorisation constructions project every point on one direction u (Yun et al.
// 2019, Prop. 3.2: the first layer's rows are multiples of u), so a layer's integer
// weights P'_jk (over the tiered plan's scales, wide.go) may all be integer multiples of
// one primitive integer vector g: P'_j = c_j·g (a rational multiple of a primitive integer
// vector that is an integer vector is an integer multiple of it). The tiered plan detects
// that for its int64 layers (rankOne) and computes T = Σ_k g_k·A_k once per point, then
// Z_j = c_j·T + Q'_j. Nothing new needs proving: for a unit j with c_j ≠ 0 (there is one,
// or the layer would not be rank one), every partial sum of T is at most Σ_k |g_k|·max|A|
// ≤ Σ_k |P'_jk|·max|A| in absolute value, and |c_j·T| + |Q'_j| ≤ Σ_k |P'_jk|·max|A| +
// |Q'_j|, the int64 plan's bound for unit j: every number stays below 2^62.
//
// When that layer is all ReLU (M = 1), its activations are A_j = max(c_j·T + B_j, 0) (B_j
// its Q'_j), each a function of the one integer T, and the next layer's sums Z_i = Σ_j
// P'_ij·A_j + Q'_i are piecewise linear in T. Unit j is active (c_j·T + B_j > 0) iff T ≥
// θ_j = ⌊−B_j/c_j⌋ + 1 when c_j > 0, iff T < θ_j = ⌈B_j/|c_j|⌉ when c_j < 0, never or
// always when c_j = 0 (B_j ≤ 0 or B_j > 0). With τ_1 < … < τ_r the distinct thresholds
// and q = #{m : τ_m ≤ T}, unit j with c_j > 0 is active iff its threshold is among
// τ_1…τ_q, and with c_j < 0 iff it is not: the active set J_q is a function of q, and
//
//	Z_i = α_iq·T + β_iq,  α_iq = Σ_{j∈J_q} P'_ij·c_j,  β_iq = Q'_i + Σ_{j∈J_q} P'_ij·B_j
//	      (+ Σ_{c_j=0, B_j>0} P'_ij·B_j).
//
// The plan computes α and β for every q (pwTable) in W words, W the narrowest with
// Σ_j |P'_ij|·(|c_j|·max|T| + |B_j|) + |Q'_i| < 2^(64W−1) for every i (a bound on |α_iq·T|,
// on |β_iq| and on their sum whatever q is; the table is built in W-word wrap-around
// arithmetic, which is exact for values in that range, internal/exactint), and a point
// then costs a binary search among the τ and one product per unit. The result is Z_i
// itself, which the next layer's own plan bounds in its N words (N ≤ W): its low N words
// are Z_i's representation. States and activations of both layers are taken from Z as
// before; only the sums are computed otherwise.

// rank1 is a layer whose rows are c_j·g.
type rank1 struct {
	g   []int64 // the primitive direction
	gnz []int32 // the k with g_k ≠ 0
	c   []int64
}

// rankOne returns l's rows as integer multiples of one primitive integer vector, or nil
// when they are not (or l has fewer than 4 units, or a skip term).
func rankOne(l *intLayer) *rank1 {
	if l.out < 4 || l.skip != 0 {
		return nil
	}
	w := func(j, k int) int64 { return l.wT[k*l.out+j] }
	j0 := -1
	for j := 0; j < l.out && j0 < 0; j++ {
		for k := range l.in {
			if w(j, k) != 0 {
				j0 = j
				break
			}
		}
	}
	if j0 < 0 {
		return nil
	}
	r := &rank1{g: make([]int64, l.in), c: make([]int64, l.out)}
	var g uint64
	k0 := -1
	for k := range l.in {
		if v := w(j0, k); v != 0 {
			g = exactint.GCD(g, exactint.Abs(v))
			if k0 < 0 {
				k0 = k
			}
		}
	}
	for k := range l.in {
		r.g[k] = w(j0, k) / int64(g)
		if w(j0, k0) < 0 {
			r.g[k] = -r.g[k]
		}
		if r.g[k] != 0 {
			r.gnz = append(r.gnz, int32(k))
		}
	}
	for j := range l.out {
		v := w(j, k0)
		if v%r.g[k0] != 0 {
			return nil
		}
		c := v / r.g[k0]
		for k := range l.in {
			// |c·g_k| ≤ |P'_jk| < 2^62 when the row is c·g; a product that overflows
			// is no match either.
			p, ok := exactint.Mul(c, r.g[k])
			if !ok || p != w(j, k) {
				return nil
			}
		}
		r.c[j] = c
	}
	return r
}

// sum sets z_j = c_j·T + Q'_j for each of the n points, a holding their inputs row after
// row; T receives each point's Σ_k g_k·a_k.
func (r *rank1) sum(l *intLayer, a, z, T []int64, n int) {
	for p := range n {
		ap := a[p*l.in : (p+1)*l.in]
		var t int64
		for _, k := range r.gnz {
			t += r.g[k] * ap[k]
		}
		T[p] = t
		zp := z[p*l.out : (p+1)*l.out]
		for j, c := range r.c {
			zp[j] = c*t + l.b[j]
		}
	}
}

// pwTable holds α_iq and β_iq of a layer whose input is a rank-one ReLU layer.
type pwTable struct {
	out, W int
	tau    []int64  // the distinct thresholds, increasing
	ab     []uint64 // α_iq at ((q*out+i)*2)*W, β_iq after it, W words each
}

// pwMaxWords bounds a table's size, in 64-bit words.
const pwMaxWords = 1 << 22

// planTable builds the table for the layer after prev (rank one r, all ReLU, M = 1) whose
// weights are w (w[j*out+i] = P'_ij) and biases q (Q'_i), holding its sums in N words.
// It returns nil when prev is not such a layer or the table would be too large.
func planTable(prev *intLayer, r *rank1, w []int64, q []*big.Int, out, N int) *pwTable {
	if r == nil || prev.M != 1 || prev.inA == nil {
		return nil
	}
	for _, a := range prev.act {
		if a.Kind != ActReLU {
			return nil
		}
	}
	in := prev.out
	B := prev.b
	theta := make([]int64, in)
	var taus []int64
	for j, c := range r.c {
		switch {
		case c > 0:
			theta[j] = floorDiv(-B[j], c) + 1
		case c < 0:
			theta[j] = -floorDiv(-B[j], -c) // ⌈B/|c|⌉
		default:
			continue
		}
		taus = append(taus, theta[j])
	}
	sort.Slice(taus, func(a, b int) bool { return taus[a] < taus[b] })
	tau := taus[:0]
	for i, t := range taus {
		if i == 0 || t != taus[i-1] {
			tau = append(tau, t)
		}
	}
	// The bound: max_i Σ_j |P'_ij|·(|c_j|·max|T| + |B_j|) + |Q'_i|.
	tMax := new(big.Int)
	for _, k := range r.gnz {
		tMax.Add(tMax, new(big.Int).SetUint64(exactint.Abs(r.g[k])))
	}
	tMax.Mul(tMax, prev.inA)
	need, row, t, u := new(big.Int), new(big.Int), new(big.Int), new(big.Int)
	coef := make([]*big.Int, in) // |c_j|·max|T| + |B_j|
	for j := range in {
		coef[j] = new(big.Int).Mul(t.SetUint64(exactint.Abs(r.c[j])), tMax)
		coef[j].Add(coef[j], u.SetUint64(exactint.Abs(B[j])))
	}
	for i := range out {
		row.Abs(q[i])
		for j := range in {
			if v := w[j*out+i]; v != 0 {
				row.Add(row, t.Mul(t.SetUint64(exactint.Abs(v)), coef[j]))
			}
		}
		if row.Cmp(need) > 0 {
			need.Set(row)
		}
	}
	W := N
	for !exactint.FitsW(need, W) {
		W++
	}
	if (len(tau)+1)*out*2*W > pwMaxWords {
		return nil
	}
	pt := &pwTable{out: out, W: W, tau: tau, ab: make([]uint64, (len(tau)+1)*out*2*W)}
	// q = 0: the units with c_j < 0 are active, and those with c_j = 0 and B_j > 0.
	alpha, beta := make([]uint64, out*W), make([]uint64, out*W)
	for i := range out {
		exactint.SetW(beta[i*W:(i+1)*W], q[i])
	}
	cw, bw := make([]uint64, W), make([]uint64, W)
	toggle := func(j int, sign int64) {
		setWInt(cw, r.c[j]*sign)
		setWInt(bw, B[j]*sign)
		for i := range out {
			if v := w[j*out+i]; v != 0 {
				exactint.MulAddW(alpha[i*W:(i+1)*W], v, cw)
				exactint.MulAddW(beta[i*W:(i+1)*W], v, bw)
			}
		}
	}
	for j, c := range r.c {
		if c < 0 || c == 0 && B[j] > 0 {
			toggle(j, 1)
		}
	}
	order := make([]int, 0, in) // the units with c_j ≠ 0 by threshold
	for j, c := range r.c {
		if c != 0 {
			order = append(order, j)
		}
	}
	sort.Slice(order, func(a, b int) bool { return theta[order[a]] < theta[order[b]] })
	next := 0
	for qi := 0; qi <= len(tau); qi++ {
		if qi > 0 {
			for ; next < len(order) && theta[order[next]] == tau[qi-1]; next++ {
				if j := order[next]; r.c[j] > 0 {
					toggle(j, 1)
				} else {
					toggle(j, -1)
				}
			}
		}
		for i := range out {
			o := ((qi*out + i) * 2) * W
			copy(pt.ab[o:o+W], alpha[i*W:(i+1)*W])
			copy(pt.ab[o+W:o+2*W], beta[i*W:(i+1)*W])
		}
	}
	return pt
}

// setWInt writes the int64 v into the words dst, sign-extended.
func setWInt(dst []uint64, v int64) {
	dst[0] = uint64(v)
	for i := 1; i < len(dst); i++ {
		dst[i] = uint64(v >> 63)
	}
}

// floorDiv is ⌊a/b⌋ for b > 0.
func floorDiv(a, b int64) int64 {
	q := a / b
	if a%b != 0 && a < 0 {
		q--
	}
	return q
}

// interval returns q = #{m : τ_m ≤ T}.
func (pt *pwTable) interval(T int64) int {
	return sort.Search(len(pt.tau), func(m int) bool { return pt.tau[m] > T })
}

// evalW sets z (n points, out units, N words each) to α_iq·T + β_iq at each point's T.
func (pt *pwTable) evalW(T []int64, z []uint64, N int, acc []uint64) {
	W, out := pt.W, pt.out
	acc = acc[:W] // the scratch is as wide as the widest table of the plan
	for p, t := range T {
		base := pt.interval(t) * out * 2 * W
		zp := z[p*out*N : (p+1)*out*N]
		for i := range out {
			ab := pt.ab[base+i*2*W : base+(i+1)*2*W]
			if W == 2 { // then N = 2
				zp[2*i], zp[2*i+1] = exactint.MulAcc2(ab[2], ab[3], t, ab[0], ab[1])
				continue
			}
			copy(acc, ab[W:2*W])
			exactint.MulAddW(acc, t, ab[:W])
			copy(zp[i*N:(i+1)*N], acc[:N])
		}
	}
}

// eval64 is evalW for an int64 layer (N = 1).
func (pt *pwTable) eval64(T []int64, z []int64, acc []uint64) {
	W, out := pt.W, pt.out
	acc = acc[:W]
	for p, t := range T {
		base := pt.interval(t) * out * 2 * W
		zp := z[p*out : (p+1)*out]
		for i := range out {
			ab := pt.ab[base+i*2*W : base+(i+1)*2*W]
			copy(acc, ab[W:2*W])
			exactint.MulAddW(acc, t, ab[:W])
			zp[i] = int64(acc[0])
		}
	}
}
