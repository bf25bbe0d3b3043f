package ieee

import (
	"math/big"
	"testing"
)

func TestRoundKnownValues(t *testing.T) {
	r := func(s string) *big.Rat { v, _ := new(big.Rat).SetString(s); return v }
	for _, c := range []struct {
		f       Format
		x, want string
		inf     int
	}{
		{Float16, "2049", "2048", 0},            // 12 bits: the tie goes to the even 2048
		{Float16, "2051", "2052", 0},            // tie to even upwards
		{Float16, "65504", "65504", 0},          // the largest finite float16
		{Float16, "65519", "65504", 0},          // below the midpoint to 2^16
		{Float16, "65520", "", 1},               // the midpoint rounds to infinity
		{Float16, "-70000", "", -1},             //
		{Float16, "1/33554432", "0", 0},         // 2^-25, half the smallest subnormal: a tie, to the even 0
		{Float16, "3/33554432", "1/8388608", 0}, // 1.5·2^-24 rounds to 2^-23 (even)
		{Float32, "1/3", "11184811/33554432", 0},
		{BFloat16, "257", "256", 0},
		{Float64, "9007199254740993", "9007199254740992", 0}, // 2^53 + 1
	} {
		got, inf := c.f.Round(r(c.x))
		if inf != c.inf || (inf == 0 && got.Cmp(r(c.want)) != 0) {
			t.Errorf("%s(%s) = %v, %d; want %s, %d", c.f.Name, c.x, got, inf, c.want, c.inf)
		}
	}
	if Float16.Max().Cmp(big.NewRat(65504, 1)) != 0 {
		t.Errorf("float16 max %v", Float16.Max())
	}
}
