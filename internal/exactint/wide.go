package exactint

import (
	"math/big"
	"math/bits"
)

// Multi-word integers: an n-word number is a slice of n uint64 words, least significant
// first, read as a two's-complement integer modulo 2^(64n). Addition and multiplication
// modulo 2^(64n) are ring operations, so a sum of products computed with wrap-around is
// right modulo 2^(64n) whatever its partial sums did; when the true result is known to lie
// in (−2^(64n−1), 2^(64n−1)) — the caller proves it — the words are that integer exactly.
// Every function here is exact in that sense; none checks a bound.

// MulAdd2 adds w·a to acc modulo 2^128, a = a0 + a1·2^64.
//
// With u = uint64(w) (= w + 2^64 when w < 0), u·a ≡ w·a + 2^64·a (mod 2^128) for negative
// w, so the product of the unsigned word is corrected by subtracting a0 from its high word.
func MulAdd2(acc *[2]uint64, w int64, a0, a1 uint64) {
	acc[0], acc[1] = MulAcc2(acc[0], acc[1], w, a0, a1)
}

// MulAcc2 returns (lo, hi) + w·a modulo 2^128, a = a0 + a1·2^64: MulAdd2 on values, for
// accumulators kept in registers.
func MulAcc2(lo, hi uint64, w int64, a0, a1 uint64) (uint64, uint64) {
	u := uint64(w)
	m := uint64(w >> 63) // all ones when w < 0
	h0, l0 := bits.Mul64(u, a0)
	w1 := h0 + u*a1 - a0&m
	var c uint64
	lo, c = bits.Add64(lo, l0, 0)
	return lo, hi + w1 + c
}

// MulAdd3 adds w·a to acc modulo 2^192, a = a0 + a1·2^64 + a2·2^128 (see MulAdd2).
func MulAdd3(acc *[3]uint64, w int64, a0, a1, a2 uint64) {
	u := uint64(w)
	m := uint64(w >> 63)
	h0, l0 := bits.Mul64(u, a0)
	h1, l1 := bits.Mul64(u, a1)
	w1, c := bits.Add64(l1, h0, 0)
	w2 := h1 + u*a2 + c
	var b uint64
	w1, b = bits.Sub64(w1, a0&m, 0)
	w2 -= a1&m + b
	acc[0], c = bits.Add64(acc[0], l0, 0)
	acc[1], c = bits.Add64(acc[1], w1, c)
	acc[2] += w2 + c
}

// MulAdd4 adds w·a to acc modulo 2^256, a = a0 + a1·2^64 + a2·2^128 + a3·2^192 (see
// MulAdd2).
func MulAdd4(acc *[4]uint64, w int64, a0, a1, a2, a3 uint64) {
	u := uint64(w)
	m := uint64(w >> 63)
	h0, l0 := bits.Mul64(u, a0)
	h1, l1 := bits.Mul64(u, a1)
	h2, l2 := bits.Mul64(u, a2)
	w1, c := bits.Add64(l1, h0, 0)
	w2, c := bits.Add64(l2, h1, c)
	w3 := h2 + u*a3 + c
	var b uint64
	w1, b = bits.Sub64(w1, a0&m, 0)
	w2, b = bits.Sub64(w2, a1&m, b)
	w3 -= a2&m + b
	acc[0], c = bits.Add64(acc[0], l0, 0)
	acc[1], c = bits.Add64(acc[1], w1, c)
	acc[2], c = bits.Add64(acc[2], w2, c)
	acc[3] += w3 + c
}

// MulAddW adds w·a to acc modulo 2^(64n), n = len(acc) = len(a): the general form of
// MulAdd2..4, one word at a time.
func MulAddW(acc []uint64, w int64, a []uint64) {
	u := uint64(w)
	m := uint64(w >> 63)
	var carry, borrow, c uint64 // carry: high word of the previous product
	var prevA uint64            // a[i−1], subtracted at word i when w < 0
	var addC uint64             // carry of the addition into acc
	for i := range acc {
		h, l := bits.Mul64(u, a[i])
		l, c = bits.Add64(l, carry, 0)
		carry = h + c
		l, borrow = bits.Sub64(l, prevA&m, borrow)
		prevA = a[i]
		acc[i], addC = bits.Add64(acc[i], l, addC)
	}
}

// MulW sets z = w·z modulo 2^(64n), with tmp (len(z) words) as scratch.
func MulW(z []uint64, w int64, tmp []uint64) {
	clear(tmp)
	MulAddW(tmp, w, z)
	copy(z, tmp)
}

// SignW returns the sign (−1, 0, 1) of the two's-complement number a.
func SignW(a []uint64) int {
	if int64(a[len(a)-1]) < 0 {
		return -1
	}
	for _, w := range a {
		if w != 0 {
			return 1
		}
	}
	return 0
}

// CmpW compares the two's-complement numbers a and b of the same length: −1, 0 or 1.
func CmpW(a, b []uint64) int {
	n := len(a) - 1
	if x, y := int64(a[n]), int64(b[n]); x != y {
		if x < y {
			return -1
		}
		return 1
	}
	for i := n - 1; i >= 0; i-- {
		if a[i] != b[i] {
			if a[i] < b[i] {
				return -1
			}
			return 1
		}
	}
	return 0
}

// ExtendW writes the two's-complement number src into dst (len(dst) ≥ len(src)),
// copying its sign into the new high words.
func ExtendW(dst, src []uint64) {
	copy(dst, src)
	s := uint64(int64(src[len(src)-1]) >> 63)
	for i := len(src); i < len(dst); i++ {
		dst[i] = s
	}
}

// FitsW reports whether x lies in (−2^(64n−1), 2^(64n−1)), the n-word range with
// −2^(64n−1) left out (so that negation never wraps).
func FitsW(x *big.Int, n int) bool { return x.BitLen() <= 64*n-1 }

// SetW writes x into dst in two's complement; x must satisfy FitsW(x, len(dst)).
func SetW(dst []uint64, x *big.Int) {
	t := new(big.Int).Abs(x)
	mask := new(big.Int).SetUint64(^uint64(0))
	w := new(big.Int)
	for i := range dst {
		dst[i] = w.And(t, mask).Uint64()
		t.Rsh(t, 64)
	}
	if x.Sign() < 0 { // negate: invert and add one
		c := uint64(1)
		for i := range dst {
			dst[i], c = bits.Add64(^dst[i], 0, c)
		}
	}
}

// BigW sets z to the integer the two's-complement words a denote and returns z; tmp is
// scratch of len(a) words.
func BigW(z *big.Int, a, tmp []uint64) *big.Int {
	neg := int64(a[len(a)-1]) < 0
	copy(tmp, a)
	if neg {
		c := uint64(1)
		for i := range tmp {
			tmp[i], c = bits.Add64(^tmp[i], 0, c)
		}
	}
	z.SetInt64(0)
	w := new(big.Int)
	for i := len(tmp) - 1; i >= 0; i-- {
		z.Lsh(z, 64)
		z.Or(z, w.SetUint64(tmp[i]))
	}
	if neg {
		z.Neg(z)
	}
	return z
}
