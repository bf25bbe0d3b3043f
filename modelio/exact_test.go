package modelio

import (
	"encoding/binary"
	"math"
	"math/big"
	"math/rand"
	"strings"
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

// A large float32 tensor is decoded in runs, one per processor: the values equal the
// one-at-a-time decoding, and the first non-finite element by index is the one named,
// whichever run meets one first.
func TestDecodeRawF32Runs(t *testing.T) {
	n := 1<<17 + 3
	raw := make([]byte, 4*n)
	for i := range n {
		binary.LittleEndian.PutUint32(raw[4*i:], math.Float32bits(float32(i%1000-500)/64))
	}
	got, err := decodeRaw(raw, F32, n, "w")
	if err != nil {
		t.Fatal(err)
	}
	for _, i := range []int{0, 1, n/2 - 1, n / 2, n - 1} {
		if want := dyadic(float64(float32(i%1000-500) / 64)); got[i].Cmp(want) != 0 {
			t.Fatalf("element %d: %s, want %s", i, got[i].RatString(), want.RatString())
		}
	}
	binary.LittleEndian.PutUint32(raw[4*100000:], math.Float32bits(float32(math.Inf(1))))
	binary.LittleEndian.PutUint32(raw[4*70000:], math.Float32bits(float32(math.NaN())))
	_, err = decodeRaw(raw, F32, n, "w")
	if err == nil || !strings.Contains(err.Error(), "element 70000 is NaN") {
		t.Fatalf("got %v, want element 70000 named", err)
	}
	binary.LittleEndian.PutUint32(raw[4*1000:], math.Float32bits(float32(math.Inf(-1))))
	if _, err = decodeRaw(raw, F32, n, "w"); err == nil || !strings.Contains(err.Error(), "element 1000 is -Inf") {
		t.Fatalf("got %v, want element 1000 named", err)
	}
}
