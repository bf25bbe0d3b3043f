package lowerbounds

import (
	"math/big"
)

// feasible finds w ≥ 0 with M·w = d (d ≥ 0), exactly, by the first phase of the simplex
// method on a dense tableau with Bland's rule (which terminates). It returns nil when no
// such w exists. Untrusted: its answers are Farkas vectors that the kernel checks.
func feasible(M [][]*big.Rat, d []*big.Rat, nw int) []*big.Rat {
	R := len(M)
	C := nw + R
	T := make([][]*big.Rat, R)
	b := make([]*big.Rat, R)
	basis := make([]int, R)
	rc := make([]*big.Rat, C)
	for j := range rc {
		rc[j] = new(big.Rat)
	}
	for i := range T {
		T[i] = make([]*big.Rat, C)
		for j := 0; j < C; j++ {
			switch {
			case j < nw:
				T[i][j] = new(big.Rat).Set(M[i][j])
				rc[j].Sub(rc[j], M[i][j])
			case j == nw+i:
				T[i][j] = big.NewRat(1, 1)
			default:
				T[i][j] = new(big.Rat)
			}
		}
		b[i] = new(big.Rat).Set(d[i])
		basis[i] = nw + i
	}
	t := new(big.Rat)
	for iter := 0; iter < 100000; iter++ {
		enter := -1
		for j := 0; j < C; j++ {
			if rc[j].Sign() < 0 {
				enter = j
				break
			}
		}
		if enter < 0 {
			break
		}
		leave := -1
		var best *big.Rat
		for i := 0; i < R; i++ {
			if T[i][enter].Sign() <= 0 {
				continue
			}
			ratio := new(big.Rat).Quo(b[i], T[i][enter])
			if leave < 0 || ratio.Cmp(best) < 0 || (ratio.Cmp(best) == 0 && basis[i] < basis[leave]) {
				leave, best = i, ratio
			}
		}
		if leave < 0 {
			return nil // unbounded: cannot happen in phase 1 (the objective is ≥ 0)
		}
		piv := new(big.Rat).Set(T[leave][enter])
		for j := 0; j < C; j++ {
			T[leave][j].Quo(T[leave][j], piv)
		}
		b[leave].Quo(b[leave], piv)
		for i := 0; i < R; i++ {
			if i == leave || T[i][enter].Sign() == 0 {
				continue
			}
			f := new(big.Rat).Set(T[i][enter])
			for j := 0; j < C; j++ {
				T[i][j].Sub(T[i][j], t.Mul(f, T[leave][j]))
			}
			b[i].Sub(b[i], t.Mul(f, b[leave]))
		}
		f := new(big.Rat).Set(rc[enter])
		for j := 0; j < C; j++ {
			rc[j].Sub(rc[j], t.Mul(f, T[leave][j]))
		}
		basis[leave] = enter
	}
	w := make([]*big.Rat, nw)
	for j := range w {
		w[j] = new(big.Rat)
	}
	for i, j := range basis {
		if j >= nw {
			if b[i].Sign() != 0 {
				return nil // an artificial stays positive: infeasible
			}
			continue
		}
		w[j].Set(b[i])
	}
	return w
}
