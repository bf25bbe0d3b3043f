package exactint

import (
	"math/big"
	"math/rand/v2"
	"testing"
)

// wideEdges are values at the words' boundaries: ±2^k + δ for k near 0, 63, 64, 127, 128,
// 191, 192 and 255.
func wideEdges() []*big.Int {
	var v []*big.Int
	for _, k := range []uint{0, 1, 62, 63, 64, 65, 126, 127, 128, 129, 190, 191, 192, 193, 254, 255} {
		for _, d := range []int64{-2, -1, 0, 1, 2} {
			x := new(big.Int).Lsh(big.NewInt(1), k)
			x.Add(x, big.NewInt(d))
			v = append(v, x, new(big.Int).Neg(x))
		}
	}
	return v
}

// modW reduces x to (−2^(64n−1), 2^(64n−1)] modulo 2^(64n): the value n words denote.
func modW(x *big.Int, n int) *big.Int {
	m := new(big.Int).Lsh(big.NewInt(1), uint(64*n))
	r := new(big.Int).Mod(x, m)
	if r.Cmp(new(big.Int).Rsh(m, 1)) >= 0 {
		r.Sub(r, m)
	}
	return r
}

// setMod writes x modulo 2^(64n) (any x) into n words.
func setMod(dst []uint64, x *big.Int) {
	r := modW(x, len(dst))
	if r.BitLen() > 64*len(dst)-1 { // −2^(64n−1): not in SetW's range
		for i := range dst {
			dst[i] = 0
		}
		dst[len(dst)-1] = 1 << 63
		return
	}
	SetW(dst, r)
}

func TestWideAgainstBig(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	edges := wideEdges()
	ws := []int64{0, 1, -1, 2, -3, 1<<62 + 5, -(1 << 62), 1<<63 - 1, -(1<<63 - 1), -1 << 63, 641, -6700417}
	for range 2000 {
		ws = append(ws, int64(rng.Uint64()))
	}
	tmp := make([]uint64, 4)
	for n := 2; n <= 4; n++ {
		acc, a := make([]uint64, n), make([]uint64, n)
		for _, x := range edges {
			if !FitsW(x, n) {
				continue
			}
			SetW(a, x)
			if got := BigW(new(big.Int), a, tmp[:n]); got.Cmp(x) != 0 {
				t.Fatalf("n=%d: SetW/BigW(%s) = %s", n, x, got)
			}
			if s := SignW(a); s != x.Sign() {
				t.Fatalf("n=%d: SignW(%s) = %d", n, x, s)
			}
			for i, w := range ws {
				y := edges[(i*7)%len(edges)]
				setMod(acc, y)
				want := new(big.Int).Mul(big.NewInt(w), x)
				want.Add(want, modW(y, n))
				want = modW(want, n)
				gen := append([]uint64(nil), acc...)
				MulAddW(gen, w, a)
				switch n {
				case 2:
					MulAdd2((*[2]uint64)(acc), w, a[0], a[1])
				case 3:
					MulAdd3((*[3]uint64)(acc), w, a[0], a[1], a[2])
				case 4:
					MulAdd4((*[4]uint64)(acc), w, a[0], a[1], a[2], a[3])
				}
				for _, got := range [][]uint64{acc, gen} {
					g := new(big.Int)
					if int64(got[n-1]) == -1<<63 && allZero(got[:n-1]) {
						g.Lsh(big.NewInt(-1), uint(64*n-1))
					} else {
						BigW(g, got, tmp[:n])
					}
					if g.Cmp(want) != 0 {
						t.Fatalf("n=%d: %s + %d·%s = %s, want %s (mod 2^%d)", n, y, w, x, g, want, 64*n)
					}
				}
				if w != -1<<63 && FitsW(want, n) {
					c := append([]uint64(nil), a...)
					MulW(c, w, tmp[:n])
					if p := new(big.Int).Mul(big.NewInt(w), x); FitsW(p, n) && BigW(new(big.Int), c, tmp[:n]).Cmp(p) != 0 {
						t.Fatalf("n=%d: MulW(%s, %d)", n, x, w)
					}
				}
			}
			for _, y := range edges {
				if !FitsW(y, n) {
					continue
				}
				b := make([]uint64, n)
				SetW(b, y)
				if c := CmpW(a, b); c != x.Cmp(y) {
					t.Fatalf("n=%d: CmpW(%s, %s) = %d", n, x, y, c)
				}
				if n < 4 && FitsW(y, n) {
					e := make([]uint64, n+1)
					ExtendW(e, b)
					if BigW(new(big.Int), e, make([]uint64, n+1)).Cmp(y) != 0 {
						t.Fatalf("ExtendW(%s) from %d words", y, n)
					}
				}
			}
		}
	}
}

func allZero(a []uint64) bool {
	for _, w := range a {
		if w != 0 {
			return false
		}
	}
	return true
}
