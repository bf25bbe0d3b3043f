package exactint

import (
	"math/big"
	"math/bits"
)

// Safe bounds the values of the checked operations: results lie in (−Safe, Safe).
// Sums of two such values cannot wrap an int64.
const Safe = int64(1) << 62

// Abs returns |x| as an unsigned number (|math.MinInt64| = 2^63 included).
func Abs(x int64) uint64 {
	if x < 0 {
		return -uint64(x)
	}
	return uint64(x)
}

// Mul returns x·y and true when |x·y| < Safe, else 0 and false.
func Mul(x, y int64) (int64, bool) {
	hi, lo := bits.Mul64(Abs(x), Abs(y))
	if hi != 0 || lo >= uint64(Safe) {
		return 0, false
	}
	if (x < 0) != (y < 0) {
		return -int64(lo), true
	}
	return int64(lo), true
}

// Add returns x+y and true when both arguments and the sum lie in (−Safe, Safe), else 0
// and false.
func Add(x, y int64) (int64, bool) {
	if !In(x) || !In(y) {
		return 0, false
	}
	s := x + y // |x|, |y| < 2^62: no wrap-around
	if !In(s) {
		return 0, false
	}
	return s, true
}

// In reports whether x lies in (−Safe, Safe).
func In(x int64) bool { return x > -Safe && x < Safe }

// Mul128 returns x·y as a two's-complement 128-bit number (hi, lo). It is exact for all
// int64 arguments: |x·y| ≤ 2^126.
func Mul128(x, y int64) (hi int64, lo uint64) {
	h, l := bits.Mul64(Abs(x), Abs(y))
	if (x < 0) != (y < 0) {
		l = ^l + 1
		h = ^h
		if l == 0 {
			h++
		}
	}
	return int64(h), l
}

// SignDot returns the sign of x·q + y·p, computed exactly in 128 bits. It needs every
// argument in (−2^63, 2^63) (math.MinInt64 excluded): each product is then below 2^126
// in absolute value and the sum below 2^127.
func SignDot(x, q, y, p int64) int {
	h1, l1 := Mul128(x, q)
	h2, l2 := Mul128(y, p)
	lo, carry := bits.Add64(l1, l2, 0)
	hi := h1 + h2 + int64(carry)
	switch {
	case hi < 0:
		return -1
	case hi == 0 && lo == 0:
		return 0
	}
	return 1
}

// Sign returns −1, 0 or 1.
func Sign(x int64) int {
	switch {
	case x > 0:
		return 1
	case x < 0:
		return -1
	}
	return 0
}

// GCD returns the greatest common divisor of a and b (GCD(0, 0) = 0).
func GCD(a, b uint64) uint64 {
	for b != 0 {
		a, b = b, a%b
	}
	return a
}

// Frac returns r = p/q (q > 0, lowest terms) when p and q lie in (−Safe, Safe).
func Frac(r *big.Rat) (p, q int64, ok bool) {
	if !r.Num().IsInt64() || !r.Denom().IsInt64() {
		return 0, 0, false
	}
	p, q = r.Num().Int64(), r.Denom().Int64()
	return p, q, In(p) && q < Safe
}
