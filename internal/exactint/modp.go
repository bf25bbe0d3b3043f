package exactint

import (
	"math/big"
	"math/bits"
)

// P is the prime 2^61 − 1. Residues modulo P are the kernel's fast screen for exact
// integer questions whose one answer a residue proves: integers with different residues
// differ, and a square integer matrix whose determinant is non-zero modulo P has a
// non-zero determinant. The other answer (equal residues, a vanishing determinant modulo
// P) proves nothing, and the caller decides it exactly.
const P = 1<<61 - 1

// MulMod is x·y mod P for x, y < P.
func MulMod(x, y uint64) uint64 {
	hi, lo := bits.Mul64(x, y)
	return bits.Rem64(hi, lo, P)
}

// AddMod is x + y mod P for x, y < P.
func AddMod(x, y uint64) uint64 {
	s := x + y // < 2^62: no wrap
	if s >= P {
		s -= P
	}
	return s
}

// SubMod is x − y mod P for x, y < P.
func SubMod(x, y uint64) uint64 { return AddMod(x, P-y) }

// Mod64 is x mod P, in [0, P).
func Mod64(x int64) uint64 {
	if x >= 0 {
		return uint64(x) % P
	}
	r := Abs(x) % P
	if r == 0 {
		return 0
	}
	return P - r
}

// ModBig is x mod P, in [0, P).
func ModBig(x *big.Int) uint64 {
	var r big.Int
	r.Mod(x, big.NewInt(P)) // Euclidean: 0 ≤ r < P
	return r.Uint64()
}

// invMod is x^(P−2) mod P, the inverse of x ≠ 0 (Fermat).
func invMod(x uint64) uint64 {
	r, b := uint64(1), x
	for e := uint64(P - 2); e > 0; e >>= 1 {
		if e&1 == 1 {
			r = MulMod(r, b)
		}
		b = MulMod(b, b)
	}
	return r
}

// FullRowRankMod reports whether the matrix of residues m (rows of equal length, each
// entry < P; m is overwritten) has full row rank modulo P. When it does, the integer
// matrix these are the residues of has full row rank over the rationals: a non-singular
// minor modulo P is a non-zero integer minor. False proves nothing.
func FullRowRankMod(m [][]uint64) bool {
	if len(m) == 0 {
		return true
	}
	cols := len(m[0])
	rank := 0
	for col := 0; col < cols && rank < len(m); col++ {
		p := -1
		for i := rank; i < len(m); i++ {
			if m[i][col] != 0 {
				p = i
				break
			}
		}
		if p < 0 {
			continue
		}
		m[rank], m[p] = m[p], m[rank]
		piv := m[rank]
		inv := invMod(piv[col])
		for i := rank + 1; i < len(m); i++ {
			r := m[i]
			if r[col] == 0 {
				continue
			}
			f := MulMod(r[col], inv)
			for k := col; k < cols; k++ {
				if piv[k] != 0 {
					r[k] = SubMod(r[k], MulMod(f, piv[k]))
				}
			}
		}
		rank++
	}
	return rank == len(m)
}

// DotMod is Σ w[k]·x[k] mod P for residues w[k] < P and integers x[k] (len(x) ≥ len(w)).
// Products are summed in 128 bits and reduced every 32 terms (32 products of two values
// below 2^61 stay below 2^127).
func DotMod(w []uint64, x []int64) uint64 {
	var hi, lo uint64
	n := 0
	for k, wk := range w {
		xk := x[k]
		if xk == 0 || wk == 0 {
			continue
		}
		ph, pl := bits.Mul64(wk, Mod64(xk))
		var c uint64
		lo, c = bits.Add64(lo, pl, 0)
		hi += ph + c
		if n++; n == 32 {
			hi, lo, n = 0, bits.Rem64(hi, lo, P), 0
		}
	}
	return bits.Rem64(hi, lo, P)
}

// RankInt is the rank over the rationals of the integer matrix m, by fraction-free
// (Bareiss) elimination: every quotient is exact, and the entries stay minors of m (their
// size is at most k times the input's after k pivots). It overwrites m.
func RankInt(m [][]*big.Int) int {
	if len(m) == 0 {
		return 0
	}
	cols := len(m[0])
	rank, prev := 0, big.NewInt(1)
	for col := 0; col < cols && rank < len(m); col++ {
		piv := -1
		for r := rank; r < len(m); r++ {
			if m[r][col].Sign() != 0 {
				piv = r
				break
			}
		}
		if piv < 0 {
			continue
		}
		m[rank], m[piv] = m[piv], m[rank]
		p := m[rank]
		for r := rank + 1; r < len(m); r++ {
			for c := col + 1; c < cols; c++ {
				// m[r][c] = (p[col]·m[r][c] − m[r][col]·p[c]) / prev, exact.
				t := new(big.Int).Mul(p[col], m[r][c])
				t.Sub(t, new(big.Int).Mul(m[r][col], p[c]))
				m[r][c] = t.Quo(t, prev)
			}
			m[r][col] = new(big.Int)
		}
		prev = p[col]
		rank++
	}
	return rank
}
