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

// dyadicF32 (the slab path of decodeRaw) must agree with big.Rat.SetFloat64 on every
// finite float32, and its rationals must not share words: changing one leaves the next.
func TestDyadicF32(t *testing.T) {
	rng := rand.New(rand.NewSource(2))
	cases := []uint32{0, 1 << 31, 1, 0x7f7fffff, 0xff7fffff, 0x3f800000, 0x4b800000, 0x00800000, 0x007fffff, 0x3dcccccd}
	for i := 0; i < 50000; i++ {
		cases = append(cases, rng.Uint32())
	}
	slab := make([]big.Rat, len(cases))
	words := make([]big.Word, 2*len(cases))
	var rs []*big.Rat
	for i, b := range cases {
		f := float64(math.Float32frombits(b))
		if math.IsNaN(f) || math.IsInf(f, 0) {
			continue
		}
		got, want := dyadicF32(&slab[i], b, words[2*i:2*i+2:2*i+2]), new(big.Rat).SetFloat64(f)
		if got.Cmp(want) != 0 || got.RatString() != want.RatString() {
			t.Fatalf("dyadicF32(%#x) = %s, want %s", b, got.RatString(), want.RatString())
		}
		rs = append(rs, got)
	}
	for i := 0; i+1 < len(rs); i++ {
		next := rs[i+1].RatString()
		rs[i].Add(rs[i], big.NewRat(1, 7))
		if rs[i+1].RatString() != next {
			t.Fatalf("changing rational %d changed the next", i)
		}
	}
	if ratTemplate.RatString() != "1/3" {
		t.Fatalf("the template changed: %s", ratTemplate.RatString())
	}
}
