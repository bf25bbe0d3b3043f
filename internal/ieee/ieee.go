// Package ieee rounds exact rationals to IEEE 754 binary formats, exactly, with integers:
// round to nearest, ties to even, gradual underflow (subnormals), and overflow to an
// infinity. It imports the standard library only and uses no floating point; package cert
// rests on it for the float claim (the rounded weights and inputs, and the simulated
// evaluation whose answer can refute a claim).
package ieee

import "math/big"

// Format is an IEEE 754 binary format: Prec significand bits (the hidden bit included)
// and normal exponents Emin..Emax, so that the finite positive values are m·2^(e−Prec+1)
// with e ≥ Emin, m < 2^Prec, and the largest is (2 − 2^(1−Prec))·2^Emax.
type Format struct {
	Name       string
	Prec       int
	Emin, Emax int
}

// The formats named by the float claim.
var (
	Float16  = Format{"float16", 11, -14, 15}
	BFloat16 = Format{"bfloat16", 8, -126, 127}
	Float32  = Format{"float32", 24, -126, 127}
	Float64  = Format{"float64", 53, -1022, 1023}
)

// Formats lists them, narrowest first.
var Formats = []Format{Float16, BFloat16, Float32, Float64}

// ByName finds a format by its name.
func ByName(s string) (Format, bool) {
	for _, f := range Formats {
		if f.Name == s {
			return f, true
		}
	}
	return Format{}, false
}

// pow2 is 2^e as a rational.
func pow2(e int) *big.Rat {
	one := big.NewInt(1)
	if e >= 0 {
		return new(big.Rat).SetInt(new(big.Int).Lsh(one, uint(e)))
	}
	return new(big.Rat).SetFrac(one, new(big.Int).Lsh(one, uint(-e)))
}

// Unit is the unit roundoff u = 2^−Prec: |round(x) − x| ≤ u·|x| in the normal range.
func (f Format) Unit() *big.Rat { return pow2(-f.Prec) }

// Eta is half the smallest positive subnormal, 2^(Emin−Prec): the absolute error of one
// rounding in the subnormal range is at most Eta.
func (f Format) Eta() *big.Rat { return pow2(f.Emin - f.Prec) }

// Max is the largest finite value, (2 − 2^(1−Prec))·2^Emax.
func (f Format) Max() *big.Rat {
	m := new(big.Int).Lsh(big.NewInt(1), uint(f.Prec))
	m.Sub(m, big.NewInt(1))
	r := new(big.Rat).SetInt(m)
	return r.Mul(r, pow2(f.Emax-f.Prec+1))
}

// Round returns x rounded to the format: the nearest representable value, ties to the one
// with an even significand. When the rounded magnitude would be 2^(Emax+1) or more the
// result is an infinity: inf is +1 or −1 and r is nil. Zero rounds to zero (the sign of a
// zero is not tracked; no verdict depends on it).
func (f Format) Round(x *big.Rat) (r *big.Rat, inf int) {
	if x.Sign() == 0 {
		return new(big.Rat), 0
	}
	den := x.Denom()
	// Fast path: |x| = m·2^−t with m < 2^Prec and 2^−t on the subnormal grid is a value
	// of the format already.
	if t := den.BitLen() - 1; x.Num().BitLen() <= f.Prec && int(den.TrailingZeroBits()) == t && t <= f.Prec-1-f.Emin &&
		x.Num().BitLen()-t <= f.Emax {
		return new(big.Rat).Set(x), 0
	}
	num := new(big.Int).Abs(x.Num())
	// e = floor(log2 |x|): 2^e ≤ |x| < 2^(e+1).
	e := num.BitLen() - den.BitLen()
	if cmpShift(num, den, e) < 0 {
		e--
	}
	if e < f.Emin {
		e = f.Emin
	}
	k := e - f.Prec + 1 // the quantum is 2^k
	n, d := new(big.Int).Set(num), new(big.Int).Set(den)
	if k < 0 {
		n.Lsh(n, uint(-k))
	} else {
		d.Lsh(d, uint(k))
	}
	q, rem := new(big.Int).QuoRem(n, d, new(big.Int))
	rem.Lsh(rem, 1)
	if c := rem.Cmp(d); c > 0 || (c == 0 && q.Bit(0) == 1) {
		q.Add(q, big.NewInt(1))
	}
	// Overflow: q·2^k ≥ 2^(Emax+1).
	if q.BitLen()+k > f.Emax+1 {
		if x.Sign() < 0 {
			return nil, -1
		}
		return nil, 1
	}
	r = new(big.Rat).SetInt(q)
	r.Mul(r, pow2(k))
	if x.Sign() < 0 {
		r.Neg(r)
	}
	return r, 0
}

// cmpShift compares num with den·2^e.
func cmpShift(num, den *big.Int, e int) int {
	if e >= 0 {
		return num.Cmp(new(big.Int).Lsh(den, uint(e)))
	}
	return new(big.Int).Lsh(num, uint(-e)).Cmp(den)
}
