package exactint

import (
	"math"
	"math/big"
	"testing"
)

// Values around every boundary the helpers must respect.
var edge = []int64{0, 1, -1, 2, -2, 3, 1 << 31, -(1 << 31), 1<<31 - 1, 1 << 32, 1<<61 - 1, 1 << 61,
	Safe - 1, -(Safe - 1), Safe, -Safe, Safe + 1, 1<<62 + 12345, math.MaxInt64, math.MinInt64 + 1, math.MinInt64,
	3037000499, 3037000500, -3037000500, 2147483648, 6700417, 641}

func inSafe(z *big.Int) bool { return z.CmpAbs(big.NewInt(Safe)) < 0 }

func TestMulAddAgainstBig(t *testing.T) {
	for _, x := range edge {
		for _, y := range edge {
			X, Y := big.NewInt(x), big.NewInt(y)
			want := new(big.Int).Mul(X, Y)
			got, ok := Mul(x, y)
			if ok != inSafe(want) || ok && got != want.Int64() {
				t.Errorf("Mul(%d, %d) = %d, %v; want %s", x, y, got, ok, want)
			}
			want.Add(X, Y)
			okWant := inSafe(X) && inSafe(Y) && inSafe(want)
			got, ok = Add(x, y)
			if ok != okWant || ok && got != want.Int64() {
				t.Errorf("Add(%d, %d) = %d, %v; want %s (%v)", x, y, got, ok, want, okWant)
			}
			h, l := Mul128(x, y)
			m := new(big.Int).Lsh(big.NewInt(h), 64)
			m.Add(m, new(big.Int).SetUint64(l))
			if m.Cmp(new(big.Int).Mul(X, Y)) != 0 {
				t.Errorf("Mul128(%d, %d) = %s", x, y, m)
			}
		}
	}
}

func TestSignDotAgainstBig(t *testing.T) {
	for _, x := range edge {
		for _, q := range edge {
			for _, y := range []int64{0, 1, -1, math.MaxInt64, -math.MaxInt64, Safe - 1, -(Safe - 1), 7} {
				for _, p := range []int64{0, 1, -1, math.MaxInt64, -math.MaxInt64, 3} {
					if x == math.MinInt64 || q == math.MinInt64 {
						continue
					}
					v := new(big.Int).Mul(big.NewInt(x), big.NewInt(q))
					v.Add(v, new(big.Int).Mul(big.NewInt(y), big.NewInt(p)))
					if got := SignDot(x, q, y, p); got != v.Sign() {
						t.Errorf("SignDot(%d, %d, %d, %d) = %d, want %d", x, q, y, p, got, v.Sign())
					}
				}
			}
		}
	}
}

func TestSmallHelpers(t *testing.T) {
	if Abs(math.MinInt64) != 1<<63 || Abs(-5) != 5 || Abs(5) != 5 {
		t.Error("Abs")
	}
	if Sign(-3) != -1 || Sign(0) != 0 || Sign(9) != 1 {
		t.Error("Sign")
	}
	if GCD(12, 18) != 6 || GCD(0, 7) != 7 || GCD(0, 0) != 0 {
		t.Error("GCD")
	}
	if p, q, ok := Frac(big.NewRat(-6, 4)); !ok || p != -3 || q != 2 {
		t.Errorf("Frac(-3/2) = %d/%d %v", p, q, ok)
	}
	if _, _, ok := Frac(big.NewRat(Safe, 3)); ok {
		t.Error("Frac accepted a numerator of 2^62")
	}
	if _, _, ok := Frac(big.NewRat(1, Safe)); ok {
		t.Error("Frac accepted a denominator of 2^62")
	}
}
