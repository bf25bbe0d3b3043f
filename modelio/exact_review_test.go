package modelio

import (
	"encoding/binary"
	"math/big"
	"strings"
	"testing"
)

// binaryRat is the value of the IEEE-style binary number with the given bits, mantissa
// width mw and exponent width ew, computed from the fields alone; ok is false for NaN and
// infinities.
func binaryRat(bits uint64, mw, ew uint) (*big.Rat, bool) {
	man := bits & (1<<mw - 1)
	exp := int(bits >> mw & (1<<ew - 1))
	neg := bits>>(mw+ew)&1 == 1
	bias := 1<<(ew-1) - 1
	if exp == 1<<ew-1 {
		return nil, false
	}
	if exp == 0 {
		exp = 1 // subnormal: 0.man·2^(1−bias)
	} else {
		man |= 1 << mw
	}
	r := new(big.Rat).SetInt(new(big.Int).SetUint64(man))
	e := exp - bias - int(mw)
	p := new(big.Rat).SetInt(new(big.Int).Lsh(big.NewInt(1), uint(max(e, -e))))
	if e >= 0 {
		r.Mul(r, p)
	} else {
		r.Quo(r, p)
	}
	if neg {
		r.Neg(r)
	}
	return r, true
}

// Every float16 and bfloat16 bit pattern, and float32 patterns of every exponent with
// mantissas at the edges (subnormals, ±0, the largest finite, NaN payloads, ±Inf),
// decoded by decodeRaw against the value computed from the fields.
func TestDecodeRawFloatsExhaustive(t *testing.T) {
	for _, c := range []struct {
		dt     DType
		mw, ew uint
	}{{F16, 10, 5}, {BF16, 7, 8}} {
		for b := range 1 << 16 {
			raw := binary.LittleEndian.AppendUint16(nil, uint16(b))
			got, err := decodeRaw(raw, c.dt, 1, "x")
			want, ok := binaryRat(uint64(b), c.mw, c.ew)
			if !ok {
				if err == nil || !strings.Contains(err.Error(), `tensor "x": element 0 is`) {
					t.Fatalf("%s %#04x: %v, %v; want a refusal", c.dt, b, got, err)
				}
				continue
			}
			if err != nil || got[0].Cmp(want) != 0 || got[0].RatString() != want.RatString() {
				t.Fatalf("%s %#04x: %v, %v; want %s", c.dt, b, got, err, want.RatString())
			}
		}
	}
	var f32 []uint64
	for exp := range uint64(256) {
		for _, m := range []uint64{0, 1, 2, 3, 1 << 22, 1<<22 + 1, 1<<23 - 1, 1<<23 - 2, 0x2aaaaa, 0x155555} {
			for _, s := range []uint64{0, 1 << 31} {
				f32 = append(f32, s|exp<<23|m)
			}
		}
	}
	raw := make([]byte, 0, 4*len(f32))
	for i, b := range f32 {
		raw = binary.LittleEndian.AppendUint32(raw, uint32(b))
		want, ok := binaryRat(b, 23, 8)
		got, err := decodeRaw(raw[4*i:], F32, 1, "x")
		if !ok {
			if err == nil || !strings.Contains(err.Error(), `tensor "x": element 0 is`) {
				t.Fatalf("F32 %#08x: %v, %v; want a refusal", b, got, err)
			}
			continue
		}
		if err != nil || got[0].Cmp(want) != 0 || got[0].RatString() != want.RatString() {
			t.Fatalf("F32 %#08x: %v, %v; want %s", b, got, err, want.RatString())
		}
	}
	// A refusal names the element's position in a longer tensor.
	long := binary.LittleEndian.AppendUint32(binary.LittleEndian.AppendUint32(nil, 0x3f800000), 0xff800001)
	if _, err := decodeRaw(long, F32, 2, "y"); err == nil || !strings.Contains(err.Error(), `tensor "y": element 1 is NaN`) {
		t.Fatalf("NaN at element 1: %v", err)
	}
}
