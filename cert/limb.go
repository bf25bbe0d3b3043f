package cert

import (
	"math/big"
	"math/bits"

	"certify/internal/exactint"
)

// Limb sums: a wide layer's sums from int64 inputs in int64 lanes.
//
// A wide layer right after the int64 layers (inWords = 1) has int64 weights w (|w| <
// 2^63) and int64 inputs a (|a| ≤ A < 2^62), but their products need up to 125 bits.
// With w = wh·2^t + wl (0 ≤ wl < 2^t, wh = w >> t) and a = ah·2^s + al (0 ≤ al < 2^s,
// ah = a >> s, |ah| ≤ ⌊A/2^s⌋ + 1),
//
//	Σ_k w_k·a_k = S_ll + 2^s·S_lh + 2^t·S_hl + 2^(s+t)·S_hh,   S_ll = Σ_k wl_k·al_k, …
//
// and the plan (planLimb) proves for every unit that each of the four sums is below 2^62
// in absolute value whatever the inputs (Σ_k |wl_k|·(2^s − 1) and so on, computed in
// math/big): each sum, in any order, is then exact in int64, and the AVX-512 lanes
// (sum_simd.go) compute it 8 units at a time. The four are combined with the bias in the
// layer's N-word arithmetic, which is exact for the result (the layer's own bound). The
// scalar build keeps the 128-bit loop (sum2) and never takes this path.

type limbPlan struct {
	s, t     uint
	pkL, pkH []int64     // wl and wh packed in blocks of 8 units (pack)
	pow      [3][]uint64 // 2^s, 2^t, 2^(s+t) in the layer's words
}

// planLimb returns the limb plan of wl for inputs bounded by A, or nil when a bound fails.
func planLimb(wl *wideLayer, A *big.Int) *limbPlan {
	if A.BitLen() > 62 || wl.in == 0 {
		return nil
	}
	wb := 0
	for _, w := range wl.w {
		wb = max(wb, big.NewInt(w).BitLen())
	}
	lp := &limbPlan{s: uint(A.BitLen()+1) / 2, t: uint(wb+1) / 2}
	if lp.s == 0 {
		lp.s = 1
	}
	if lp.t == 0 {
		lp.t = 1
	}
	if lp.s+lp.t >= 64 {
		return nil
	}
	lo, hi := make([]int64, len(wl.w)), make([]int64, len(wl.w))
	for i, w := range wl.w {
		hi[i] = w >> lp.t
		lo[i] = w & (1<<lp.t - 1)
	}
	alMax := new(big.Int).SetUint64(1<<lp.s - 1)
	ahMax := new(big.Int).Rsh(A, lp.s)
	ahMax.Add(ahMax, bigOne)
	safe := big.NewInt(int64Safe)
	sumL, sumH, t := new(big.Int), new(big.Int), new(big.Int)
	for j := range wl.out {
		sumL.SetInt64(0)
		sumH.SetInt64(0)
		for k := range wl.in {
			sumL.Add(sumL, t.SetUint64(exactint.Abs(lo[k*wl.out+j])))
			sumH.Add(sumH, t.SetUint64(exactint.Abs(hi[k*wl.out+j])))
		}
		for _, f := range []*big.Int{sumL, sumH} {
			for _, m := range []*big.Int{alMax, ahMax} {
				if t.Mul(f, m).Cmp(safe) >= 0 {
					return nil
				}
			}
		}
	}
	lp.pkL, lp.pkH = pack(lo, wl.in, wl.out, 8), pack(hi, wl.in, wl.out, 8)
	for i, sh := range []uint{lp.s, lp.t, lp.s + lp.t} {
		lp.pow[i] = make([]uint64, wl.words)
		lp.pow[i][0] = 1 << sh
	}
	return lp
}

// combine adds S_ll + 2^s·S_lh + 2^t·S_hl + 2^(s+t)·S_hh to the N words zj.
func (lp *limbPlan) combine(zj []uint64, ll, lh, hl, hh int64, one []uint64) {
	if len(zj) == 2 { // 128 bits: each term is a shifted int64 (shifts below 64)
		z := (*[2]uint64)(zj)
		add2(z, uint64(ll), uint64(ll>>63))
		add2(z, uint64(lh)<<lp.s, uint64(lh>>(64-lp.s)))
		add2(z, uint64(hl)<<lp.t, uint64(hl>>(64-lp.t)))
		st := lp.s + lp.t
		add2(z, uint64(hh)<<st, uint64(hh>>(64-st)))
		return
	}
	exactint.MulAddW(zj, ll, one)
	exactint.MulAddW(zj, lh, lp.pow[0])
	exactint.MulAddW(zj, hl, lp.pow[1])
	exactint.MulAddW(zj, hh, lp.pow[2])
}

// add2 adds the 128-bit two's-complement lo + hi·2^64 to z modulo 2^128.
func add2(z *[2]uint64, lo, hi uint64) {
	var c uint64
	z[0], c = bits.Add64(z[0], lo, 0)
	z[1] += hi + c
}
