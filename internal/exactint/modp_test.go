package exactint

import (
	"math/big"
	"math/rand/v2"
	"testing"
)

func TestModArithmeticAgainstBig(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	p := big.NewInt(P)
	for range 10000 {
		x, y := r.Int64(), r.Int64()
		if r.IntN(2) == 0 {
			x = -x
		}
		mx, my := Mod64(x), Mod64(y)
		want := func(z *big.Int) uint64 { return new(big.Int).Mod(z, p).Uint64() }
		if mx != want(big.NewInt(x)) {
			t.Fatalf("Mod64(%d) = %d", x, mx)
		}
		prod := new(big.Int).Mul(big.NewInt(x), big.NewInt(y))
		if got := MulMod(mx, my); got != want(prod) {
			t.Fatalf("MulMod: %d·%d", x, y)
		}
		if got := SubMod(mx, my); got != want(new(big.Int).Sub(big.NewInt(x), big.NewInt(y))) {
			t.Fatalf("SubMod: %d−%d", x, y)
		}
		if got := ModBig(prod); got != want(prod) {
			t.Fatalf("ModBig")
		}
	}
	if Mod64(-1<<63) != new(big.Int).Mod(big.NewInt(-1<<63), p).Uint64() {
		t.Fatal("Mod64(MinInt64)")
	}
}

// A matrix of full rank modulo P has full rank over Q: compare with exact elimination
// on random small integer matrices, some made dependent.
func TestFullRowRankModSound(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for trial := range 2000 {
		rows, cols := 1+r.IntN(5), 1+r.IntN(6)
		z := make([][]*big.Int, rows)
		m := make([][]uint64, rows)
		for i := range z {
			z[i] = make([]*big.Int, cols)
			m[i] = make([]uint64, cols)
			for k := range z[i] {
				v := int64(r.IntN(7) - 3)
				if i > 0 && trial%3 == 0 { // a row that copies another, scaled
					v = 0
				}
				z[i][k] = big.NewInt(v)
			}
			if i > 0 && trial%3 == 0 {
				for k := range z[i] {
					z[i][k].Mul(z[0][k], big.NewInt(int64(i+1)))
				}
			}
			for k := range z[i] {
				m[i][k] = ModBig(z[i][k])
			}
		}
		want := exactRank(z)
		if FullRowRankMod(m) && want != rows {
			t.Fatalf("trial %d: full rank modulo P but rank %d < %d over Q", trial, want, rows)
		}
		// Bareiss elimination against the plain rational one.
		if got := RankInt(z); got != want {
			t.Fatalf("trial %d: RankInt %d, rational elimination %d", trial, got, want)
		}
	}
}

func exactRank(z [][]*big.Int) int {
	m := make([][]*big.Rat, len(z))
	for i, row := range z {
		m[i] = make([]*big.Rat, len(row))
		for k, v := range row {
			m[i][k] = new(big.Rat).SetInt(v)
		}
	}
	rank := 0
	for col := 0; col < len(m[0]) && rank < len(m); col++ {
		p := -1
		for i := rank; i < len(m); i++ {
			if m[i][col].Sign() != 0 {
				p = i
				break
			}
		}
		if p < 0 {
			continue
		}
		m[rank], m[p] = m[p], m[rank]
		for i := rank + 1; i < len(m); i++ {
			f := new(big.Rat).Quo(m[i][col], m[rank][col])
			for k := col; k < len(m[i]); k++ {
				m[i][k].Sub(m[i][k], new(big.Rat).Mul(f, m[rank][k]))
			}
		}
		rank++
	}
	return rank
}

func TestDotModAgainstBig(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	p := big.NewInt(P)
	for range 2000 {
		n := r.IntN(200)
		w, x := make([]uint64, n), make([]int64, n)
		sum := new(big.Int)
		for k := range w {
			w[k] = r.Uint64() % P
			x[k] = r.Int64() >> r.IntN(63)
			if r.IntN(2) == 0 {
				x[k] = -x[k]
			}
			if r.IntN(4) == 0 {
				x[k] = 0
			}
			sum.Add(sum, new(big.Int).Mul(new(big.Int).SetUint64(w[k]), big.NewInt(x[k])))
		}
		if got, want := DotMod(w, x), new(big.Int).Mod(sum, p).Uint64(); got != want {
			t.Fatalf("DotMod = %d, want %d", got, want)
		}
	}
}
