package theorems

import (
	"fmt"
	"math/big"
	"math/bits"

	"certify/cert"
)

// Yun, Sra and Jadbabaie 2019, Theorem 4.1: the residual networks of §4,
//
//	h⁰ = x,  h^l = h^{l−1} + V^l σ(U^l h^{l−1} + b^l) + c^l (l < L),  g = V^L σ(U^L h^{L−1} + b^L) + c^L,
//
// memorise any d_y-class (one-hot) dataset in general position (no d_x + 1 points on one
// affine hyperplane) when d_x ≥ d_y and, for ReLU, Σ_{l<L} d_l ≥ 4N/d_x + 4d_y and
// d_L ≥ 2d_y. In the certificate format a block is a σ layer and the identity residual
// layer after it; the output block is a σ layer and the identity output layer. The
// instance's widths are the blocks' σ widths d_1..d_L.
//
// General position is a statement about every (d_x + 1)-subset of the data, which is not
// checked here. The hypothesis lists what is: no more than d_x distinct points share a
// value c of one coordinate k (they would lie on the hyperplane x_k = c: images whose
// pixel k is 0 on more than d_x of them are not in general position) and full affine
// rank, computed modulo the prime 2^61 − 1 (a rank modulo a prime is at most the rank over the
// rationals, so "= min(d_x, N − 1)" is proved, never assumed). Both are necessary
// conditions; the theorem's statement names the rest as assumed. The network's
// memorisation does not rest on either: the certificate's exact claim checks every point.

func yunResNet() theorem { return yunResNetFor(cert.ActReLU) }

// yunResNetFor is Thm 4.1's entry for ReLU (q = 4) or hard-tanh (q = 2): Σ_{l<L} d_l ≥
// qN/d_x + q·d_y and d_L ≥ (q/2)·d_y.
func yunResNetFor(act cert.ActKind) theorem {
	q, name := int64(4), "ReLU"
	if act == cert.ActHardTanh {
		q, name = 2, "hard-tanh"
	}
	return theorem{
		statement: fmt.Sprintf("%s ResNet: d_x ≥ d_y, Σ_{l<L} d_l ≥ %dN/d_x + %dd_y, d_L ≥ %s, data in general position (checked: at most d_x points on any hyperplane x_k = c, full affine rank; the other hyperplanes are not checked)",
			name, q, q, map[int64]string{4: "2d_y", 2: "d_y"}[q]),
		shape: func(c *cert.Certificate) string { return resNetShape(c, act) },
		hyp: func(c *cert.Certificate, in cert.TheoremInstance) []cert.Comparison {
			L := len(in.Widths)
			var sum int64
			for _, w := range in.Widths[:L-1] {
				sum += int64(w)
			}
			need := new(big.Rat).SetFrac64(q*int64(in.N), int64(in.DX))
			need.Add(need, big.NewRat(q*int64(in.DY), 1))
			last := "d_L ≥ 2d_y"
			if q == 2 {
				last = "d_L ≥ d_y"
			}
			hyp := []cert.Comparison{
				cmp("d_x ≥ d_y", int64(in.DX), ">=", int64(in.DY)),
				{Text: fmt.Sprintf("Σ_{l<L} d_l ≥ %dN/d_x + %dd_y", q, q), LHS: big.NewRat(sum, 1), Op: ">=", RHS: need},
				cmp(last, int64(in.Widths[L-1]), ">=", q/2*int64(in.DY)),
			}
			axis := axisPlaneComparison(c.Data, in.DX)
			hyp = append(hyp, axis)
			if axis.LHS.Cmp(axis.RHS) <= 0 { // at most d_x on every x_k = c: the rank is worth computing
				_, rank := AffineRank(c.Data, false)
				hyp = append(hyp, cmp("affine rank of the inputs mod 2^61−1 = min(d_x, N−1)", int64(rank), "=", int64(min(in.DX, in.N-1))))
			}
			return hyp
		},
		promise: func(in cert.TheoremInstance) cert.TheoremSizes {
			// ⌈qN/d_x⌉ + q·d_y blocks' units before the output block, (q/2)·d_y in it.
			// The theorem leaves L free; with at least one σ unit per block a ResNet
			// within that many units has at most 2·(⌈qN/d_x⌉ + q·d_y + 1) layers.
			qi := int(q)
			pre := (qi*in.N+in.DX-1)/in.DX + qi*in.DY
			h, depth := pre+qi/2*in.DY, 2*(pre+1)
			return cert.TheoremSizes{Depth: &depth, HiddenUnits: &h}
		},
	}
}

// resNetShape: σ layers (act) alternating with identity residual layers of width d_x,
// then a σ layer and the identity output layer, one output per class.
func resNetShape(c *cert.Certificate, act cert.ActKind) string {
	n := c.Network
	k := len(n.Layers)
	if k < 2 || k%2 != 0 {
		return fmt.Sprintf("a ResNet of L blocks has 2L layers (σ, residual, …, σ, output); this one has %d", k)
	}
	if c.Data.Task != cert.Classification || n.OutputDim() != c.Data.Classes {
		return fmt.Sprintf("Thm 4.1 is one-hot classification: one output per class (%d outputs, %d classes)", n.OutputDim(), c.Data.Classes)
	}
	for li := range n.Layers {
		l := &n.Layers[li]
		want, residual := act, false
		switch {
		case li == k-1:
			want = cert.ActIdentity
		case li%2 == 1:
			want, residual = cert.ActIdentity, true
		}
		if l.Residual != residual {
			return fmt.Sprintf("network.layers[%d]: residual is %v; a ResNet's layers alternate σ and residual identity layers, the output layer is plain", li, l.Residual)
		}
		for j, a := range l.Act {
			if a.Kind != want {
				return fmt.Sprintf("network.layers[%d] unit %d has activation %s; the theorem needs %s", li, j, a, cert.Activation{Kind: want})
			}
		}
	}
	return ""
}

// AffineRank returns the number of input coordinates that are constant over d and the
// rank modulo the prime 2^61 − 1 of the differences x_i − x_0 (at most the affine rank
// over the rationals; the elimination stops at d.D − constant). With a constant
// coordinate the rank is computed only when always is set (else it is 0): it may then
// take every point.
func AffineRank(d *cert.Dataset, always bool) (constant, rank int) {
	D := d.D
	row := func(i int) []uint64 {
		v := make([]uint64, D)
		if _, ok := d.IntDenom(); ok { // a common positive scale does not change the rank
			for k, x := range d.IntRow(i, make([]int64, D)) {
				v[k] = modInt(big.NewInt(x))
			}
			return v
		}
		for k, x := range d.Input(i) {
			v[k] = modMul(modInt(x.Num()), modInv(modInt(x.Denom())))
		}
		return v
	}
	if d.N == 0 {
		return 0, 0
	}
	x0 := row(0)
	// Constant coordinates first: they are cheap and decide the common case.
	varies := make([]bool, D)
	if _, ok := d.IntDenom(); ok {
		first, row := d.IntRow(0, make([]int64, D)), make([]int64, D)
		for i := 1; i < d.N; i++ {
			for k, x := range d.IntRow(i, row) {
				if x != first[k] {
					varies[k] = true
				}
			}
		}
	} else {
		for i := 1; i < d.N; i++ {
			for k, x := range d.Input(i) {
				if x.Cmp(d.Input(0)[k]) != 0 {
					varies[k] = true
				}
			}
		}
	}
	for _, v := range varies {
		if !v {
			constant++
		}
	}
	if constant > 0 && !always {
		return constant, 0
	}
	var basis [][]uint64
	var pivots []int
	for i := 1; i < d.N && len(basis) < D-constant; i++ {
		v := row(i)
		for k := range v {
			v[k] = modSub(v[k], x0[k])
		}
		for b, br := range basis {
			f := v[pivots[b]]
			if f == 0 {
				continue
			}
			for k := range v {
				if br[k] != 0 {
					v[k] = modSub(v[k], modMul(f, br[k]))
				}
			}
		}
		for k, x := range v {
			if x != 0 {
				inv := modInv(x)
				for m := range v {
					v[m] = modMul(v[m], inv)
				}
				basis, pivots = append(basis, v), append(pivots, k)
				break
			}
		}
	}
	return constant, len(basis)
}

const modP = uint64(1)<<61 - 1

func modInt(x *big.Int) uint64 {
	m := new(big.Int).Mod(x, new(big.Int).SetUint64(modP)) // Mod is non-negative
	return m.Uint64()
}

func modMul(a, b uint64) uint64 {
	hi, lo := bits.Mul64(a, b)
	// a·b = hi·2^64 + lo ≡ hi·8 + (lo >> 61) + (lo & p)  (mod 2^61 − 1)
	r := (hi<<3 | lo>>61) + (lo & modP)
	for r >= modP {
		r -= modP
	}
	return r
}

func modSub(a, b uint64) uint64 {
	if a >= b {
		return a - b
	}
	return a + modP - b
}

func modInv(a uint64) uint64 { // a^(p−2)
	r, e := uint64(1), modP-2
	for e > 0 {
		if e&1 == 1 {
			r = modMul(r, a)
		}
		a = modMul(a, a)
		e >>= 1
	}
	return r
}

// axisPlaneComparison is the part of general position that refutes it cheaply, shared by
// the theorems that assume it: at most d_x distinct points on any hyperplane x_k = c.
func axisPlaneComparison(d *cert.Dataset, dx int) cert.Comparison {
	most, _, _ := AxisPlaneMax(d)
	return cmp("most points on one hyperplane x_k = c ≤ d_x", int64(most), "<=", int64(dx))
}

// AxisPlaneMax is the largest number of distinct points of d that share one value c of
// one input coordinate k (all on the hyperplane x_k = c), with that k and c.
func AxisPlaneMax(d *cert.Dataset) (most, k int, c *big.Rat) { return axisPlaneMax(d, false) }

// AxisPlaneMaxHull is AxisPlaneMax over the coordinates that are not constant on d: a
// constant coordinate's plane holds the whole affine hull, not a hyperplane of it; every
// other plane x_k = c meets the hull in a hyperplane of the hull (0 when every coordinate
// is constant).
func AxisPlaneMaxHull(d *cert.Dataset) (most, k int, c *big.Rat) { return axisPlaneMax(d, true) }

func axisPlaneMax(d *cert.Dataset, skipConstant bool) (most, k int, c *big.Rat) {
	later := make(map[int]bool, len(d.Duplicates))
	for _, p := range d.Duplicates {
		later[p[1]] = true
	}
	D := d.D
	den, isInt := d.IntDenom()
	// ints[col][v]: how many distinct points have numerator v at coordinate col (rows are
	// widened once each).
	ints := make([]map[int64]int, D)
	if isInt {
		for col := range ints {
			ints[col] = map[int64]int{}
		}
		row := make([]int64, D)
		for i := 0; i < d.N; i++ {
			if !later[i] {
				for col, v := range d.IntRow(i, row) {
					ints[col][v]++
				}
			}
		}
	}
	for col := 0; col < D; col++ {
		counts := map[string]int{}
		if !isInt {
			for i := 0; i < d.N; i++ {
				if !later[i] {
					counts[d.Input(i)[col].RatString()]++
				}
			}
		}
		if skipConstant && (isInt && len(ints[col]) == 1 || !isInt && len(counts) == 1) {
			continue
		}
		for v, n := range ints[col] {
			if n > most || n == most && col == k && c != nil && new(big.Rat).SetFrac64(v, den).Cmp(c) < 0 {
				most, k, c = n, col, new(big.Rat).SetFrac64(v, den)
			}
		}
		for v, n := range counts {
			r, _ := new(big.Rat).SetString(v)
			if n > most || n == most && col == k && c != nil && r.Cmp(c) < 0 {
				most, k, c = n, col, r
			}
		}
	}
	return most, k, c
}
