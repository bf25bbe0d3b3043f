package lowerbounds

import (
	"fmt"
	"math/big"

	"certify/cert"
)

// ZigzagClaim builds a no-fit claim of method "zigzag" (see cert/nofit.go): the
// architecture has one input, relu, and every hidden layer of width 1 but one, the core,
// of width d ≤ cert.ZigzagMaxCore. For each case of the kernel's enumeration it derives the
// case's rows (−1)^m·S_{k_m}(δ) ≥ 1 and looks for a Farkas vector by exact elimination
// over the supports of at most d + 1 rows (a basic solution of Aᵀy = 0, Σy = 1, y ≥ 0
// has one when any solution does). It returns an error naming the first case with none.
// Nothing here is trusted: the kernel re-derives the rows and checks every vector.
func ZigzagClaim(d *cert.Dataset, arch cert.Architecture) (cert.NoFitClaim, error) {
	if arch.InputDim == 0 {
		arch.InputDim = 1
	}
	if arch.InputDim != 1 || d.D != 1 || arch.Activation != "relu" || arch.OutputDim > 1 {
		return cert.NoFitClaim{}, fmt.Errorf("zigzag: needs one input, one output and relu")
	}
	core, second := cert.ZigzagCore(arch.Hidden)
	if core < 0 || second >= 0 {
		return cert.NoFitClaim{}, fmt.Errorf("zigzag: needs exactly one hidden layer of width ≥ 2")
	}
	w := arch.Hidden[core]
	if w > cert.ZigzagMaxCore {
		return cert.NoFitClaim{}, fmt.Errorf("zigzag: a core of %d units (at most %d)", w, cert.ZigzagMaxCore)
	}
	fit, thr := fitOf(d)
	forced, err := cert.ForcedPieces(d, thr)
	if err != nil {
		return cert.NoFitClaim{}, err
	}
	cases := cert.ZigzagCases(w, forced)
	for i := range cases {
		y := farkasSupport(zigzagSlopeRows(cases[i].Classes, cases[i].Slopes, false))
		if y == nil {
			return cert.NoFitClaim{}, fmt.Errorf("zigzag: case classes %s, slopes %v is feasible: the core's slopes can alternate %d times", cases[i].Classes, cases[i].Slopes, forced)
		}
		cases[i].Farkas = y
	}
	if cases == nil {
		cases = []cert.ZigzagLeaf{}
	}
	return cert.NoFitClaim{Arch: arch, Fit: fit, Threshold: thr, Method: "zigzag", ForcedPieces: &forced, Core: &core, Leaves: cases}, nil
}

// zigzagSlopeRows derives the rows of a case: row m is (−1)^m·S_{k_m} as integer
// coefficients of δ_0..δ_{d−1}, S_k = −Σ_{class −} δ_j + Σ_{j<k} δ_j. dropNeg forgets the
// first sum (a wrong derivation, for the test that the kernel catches it).
func zigzagSlopeRows(classes string, slopes []int, dropNeg bool) [][]int64 {
	rows := make([][]int64, len(slopes))
	for m, k := range slopes {
		r := make([]int64, len(classes))
		for j := range r {
			if classes[j] == '-' && !dropNeg {
				r[j]--
			}
			if j < k {
				r[j]++
			}
			if m%2 == 1 {
				r[j] = -r[j]
			}
		}
		rows[m] = r
	}
	return rows
}

// farkasSupport finds y ≥ 0 with Σ_m y_m·rows[m] = 0 and Σ y = 1 (rows as ≥ 1
// inequalities: a contradiction), as coprime non-negative integers, trying the supports
// by size; nil when there is none.
func farkasSupport(rows [][]int64) []string {
	K := len(rows)
	if K == 0 {
		return nil
	}
	nv := len(rows[0])
	for size := 1; size <= min(K, nv+1); size++ {
		for mask := 0; mask < 1<<K; mask++ {
			if popcount(mask) != size {
				continue
			}
			var sup []int
			for m := 0; m < K; m++ {
				if mask&(1<<m) != 0 {
					sup = append(sup, m)
				}
			}
			if y := solveSupport(rows, sup, nv); y != nil {
				return integerVector(y, K, sup)
			}
		}
	}
	return nil
}

func popcount(x int) int {
	n := 0
	for ; x != 0; x &= x - 1 {
		n++
	}
	return n
}

// solveSupport solves Σ_{m ∈ sup} y_m·rows[m] = 0, Σ y_m = 1 exactly; the solution when
// it is unique and non-negative, else nil.
func solveSupport(rows [][]int64, sup []int, nv int) []*big.Rat {
	n := len(sup)
	// nv + 1 equations in n unknowns, augmented.
	M := make([][]*big.Rat, nv+1)
	for i := range M {
		M[i] = make([]*big.Rat, n+1)
		for c := 0; c < n; c++ {
			if i < nv {
				M[i][c] = big.NewRat(rows[sup[c]][i], 1)
			} else {
				M[i][c] = big.NewRat(1, 1)
			}
		}
		M[i][n] = new(big.Rat)
		if i == nv {
			M[i][n].SetInt64(1)
		}
	}
	r := 0
	pivots := make([]int, 0, n)
	t := new(big.Rat)
	for c := 0; c < n && r <= nv; c++ {
		p := -1
		for i := r; i <= nv; i++ {
			if M[i][c].Sign() != 0 {
				p = i
				break
			}
		}
		if p < 0 {
			return nil // dependent columns: a smaller support covers it
		}
		M[r], M[p] = M[p], M[r]
		inv := new(big.Rat).Inv(M[r][c])
		for k := c; k <= n; k++ {
			M[r][k].Mul(M[r][k], inv)
		}
		for i := 0; i <= nv; i++ {
			if i == r || M[i][c].Sign() == 0 {
				continue
			}
			f := new(big.Rat).Set(M[i][c])
			for k := c; k <= n; k++ {
				M[i][k].Sub(M[i][k], t.Mul(f, M[r][k]))
			}
		}
		pivots = append(pivots, c)
		r++
	}
	if len(pivots) < n {
		return nil
	}
	for i := r; i <= nv; i++ {
		if M[i][n].Sign() != 0 {
			return nil // inconsistent
		}
	}
	y := make([]*big.Rat, n)
	for i, c := range pivots {
		if M[i][n].Sign() < 0 {
			return nil
		}
		y[c] = M[i][n]
	}
	return y
}

// integerVector scales y (on the support) to coprime integers, zero elsewhere.
func integerVector(y []*big.Rat, K int, sup []int) []string {
	l := big.NewInt(1)
	for _, v := range y {
		d := v.Denom()
		g := new(big.Int).GCD(nil, nil, l, d)
		l.Mul(l, d).Quo(l, g)
	}
	ints := make([]*big.Int, len(y))
	g := new(big.Int)
	for i, v := range y {
		ints[i] = new(big.Int).Mul(v.Num(), new(big.Int).Quo(l, v.Denom()))
		g.GCD(nil, nil, g, ints[i])
	}
	out := make([]string, K)
	for i := range out {
		out[i] = "0"
	}
	for i, m := range sup {
		out[m] = new(big.Int).Quo(ints[i], g).String()
	}
	return out
}
