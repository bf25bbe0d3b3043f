package modelio

import (
	"math"
	"math/big"
	"math/rand"
	"testing"
)

// dyadic must agree with big.Rat.SetFloat64 on every finite float64, subnormals and
// extremes included.
func TestDyadic(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	cases := []float64{1, -1, 0.1, 3, 1 << 60, math.MaxFloat64, -math.MaxFloat64, math.SmallestNonzeroFloat64, 5e-324 * 3, 2.2250738585072014e-308, -0.0}
	for i := 0; i < 20000; i++ {
		cases = append(cases, math.Float64frombits(rng.Uint64()), float64(math.Float32frombits(rng.Uint32())))
	}
	for _, f := range cases {
		if math.IsNaN(f) || math.IsInf(f, 0) {
			continue
		}
		got, want := dyadic(f), new(big.Rat).SetFloat64(f)
		if got.Cmp(want) != 0 || got.RatString() != want.RatString() {
			t.Fatalf("dyadic(%v) = %s, want %s", f, got.RatString(), want.RatString())
		}
	}
}
