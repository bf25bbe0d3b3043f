// Package digits bounds the size of exact numbers before they reach a solver: the SMT
// encoders (package smt) and the Z3 binding (package smt/z3) both refuse a number with
// more decimal digits than a limit, and both must decide it the same way.
package digits

import (
	"math"
	"math/big"
)

const log10of2 = 0.30102999566398119521373889472449302676818988146211

// Over reports whether |x| has more than max decimal digits (max ≤ 0: no limit). When it
// has, n is its number of digits, or a lower bound on it (more than n − 1) when the bit
// length decides, so that a huge number is never converted to decimal.
func Over(x *big.Int, max int) (n int, exact, over bool) {
	if max <= 0 {
		return 0, false, false
	}
	b := x.BitLen()
	if b == 0 {
		return 0, false, false
	}
	// 2^(b−1) ≤ |x| < 2^b, so the number of digits is in [lo, hi].
	lo := int(math.Floor(float64(b-1)*log10of2-1e-6)) + 1
	hi := int(math.Floor(float64(b)*log10of2+1e-6)) + 1
	if hi <= max {
		return 0, false, false
	}
	if lo > max {
		return lo, false, true
	}
	d := len(new(big.Int).Abs(x).String())
	return d, true, d > max
}
