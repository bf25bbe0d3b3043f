package modelio

import (
	"encoding/binary"
	"fmt"
	"math"
	"math/big"
	"math/bits"
	"runtime"
	"sync"
)

// DType is an element type of a stored tensor.
type DType uint8

// Element types. Their names (String) are the safetensors spellings.
const (
	F32 DType = iota + 1
	F64
	F16
	BF16
	I8
	I16
	I32
	I64
	U8
	U16
	U32
	U64
	Bool
)

var dtypeNames = map[DType]string{F32: "F32", F64: "F64", F16: "F16", BF16: "BF16", I8: "I8", I16: "I16",
	I32: "I32", I64: "I64", U8: "U8", U16: "U16", U32: "U32", U64: "U64", Bool: "BOOL"}

func (t DType) String() string {
	if s, ok := dtypeNames[t]; ok {
		return s
	}
	return fmt.Sprintf("dtype(%d)", uint8(t))
}

// Size is the width of one element in bytes.
func (t DType) Size() int {
	switch t {
	case F64, I64, U64:
		return 8
	case F32, I32, U32:
		return 4
	case F16, BF16, I16, U16:
		return 2
	}
	return 1
}

// IsFloat reports whether t is a floating-point type.
func (t DType) IsFloat() bool { return t == F32 || t == F64 || t == F16 || t == BF16 }

// Tensor is a named tensor of exact values in row-major order.
type Tensor struct {
	Name  string
	DType DType
	Shape []int
	Vals  []*big.Rat
}

// numel multiplies dims, refusing negative dims and products above max. It never
// overflows: the check is made before each multiplication.
func numel(dims []int64, max int64) (int64, error) {
	n := int64(1)
	for _, d := range dims {
		if d < 0 {
			return 0, fmt.Errorf("negative dimension %d", d)
		}
		if d != 0 && n > max/d {
			return 0, fmt.Errorf("dimensions %v promise more than %d elements (the limit)", dims, max)
		}
		n *= d
	}
	if n > max {
		return 0, fmt.Errorf("dimensions %v promise %d elements, more than the limit of %d", dims, n, max)
	}
	return n, nil
}

// fromFloat64 is the exact rational of a finite float64; name and i place a refusal.
func fromFloat64(f float64, name string, i int) (*big.Rat, error) {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return nil, fmt.Errorf("tensor %q: element %d is %v (only finite numbers have an exact value)", name, i, f)
	}
	return dyadic(f), nil
}

// dyadic is the exact value of a finite float64, m·2^e with m odd, built without the
// gcd that big.Rat.SetFloat64 spends on normalising (a float's value is dyadic, so an
// odd m over a power of two is already in lowest terms).
func dyadic(f float64) *big.Rat { return dyadicInto(new(big.Rat), f) }

// dyadicInto sets r to the value of the finite float64 f and returns r.
func dyadicInto(r *big.Rat, f float64) *big.Rat {
	if f == 0 {
		return r.SetInt64(0)
	}
	frac, exp := math.Frexp(f) // f = frac·2^exp, 0.5 ≤ |frac| < 1
	m := int64(math.Ldexp(frac, 53))
	exp -= 53
	for m&1 == 0 {
		m >>= 1
		exp++
	}
	r.SetInt64(m)
	switch {
	case exp > 0:
		r.Num().Lsh(r.Num(), uint(exp))
	case exp < 0:
		// r's denominator is initialised (SetInt64), so Denom is a reference to it; 1
		// becomes 2^−exp in the words SetInt64 allocated (SetBit allocates no number).
		d := r.Denom()
		d.SetBit(d, 0, 0)
		d.SetBit(d, -exp, 1)
	}
	return r
}

// ratTemplate initialises both words of a Rat that dyadicWords then replaces.
var ratTemplate = big.NewRat(1, 3)

// dyadicF32 sets the zero r to the value of the finite float32 with the given bits, the
// numerator and the denominator in the two words w (each its own one-word slice, so that
// nothing else shares them) when they fit in one word each, without allocating;
// otherwise it is dyadicInto.
func dyadicF32(r *big.Rat, b uint32, w []big.Word) *big.Rat {
	m, exp := uint64(b&(1<<23-1)), int(b>>23&0xff)
	if exp == 0 {
		exp = -149 // subnormal: m·2^−149
	} else {
		m |= 1 << 23
		exp -= 150
	}
	if m == 0 {
		return r // ±0: the zero Rat is 0
	}
	tz := bits.TrailingZeros64(m)
	m >>= tz
	exp += tz
	if bits.UintSize != 64 || exp >= 0 || exp <= -64 {
		return dyadicInto(r, float64(math.Float32frombits(b)))
	}
	// A shallow copy gives r a denominator, so that Denom refers to it; both of r's
	// numbers are then replaced by its own words before r is used (nothing stays shared
	// with the template).
	*r = *ratTemplate
	w[0], w[1] = big.Word(m), big.Word(1)<<uint(-exp)
	r.Num().SetBits(w[0:1:1])
	r.Denom().SetBits(w[1:2:2])
	if b>>31 != 0 {
		r.Num().Neg(r.Num())
	}
	return r
}

// half converts IEEE binary16 bits to the float64 of the same value (exact: every
// binary16 number is a float64).
func half(b uint16) float64 {
	sign := 1.0
	if b&0x8000 != 0 {
		sign = -1
	}
	exp := int(b>>10) & 0x1f
	man := float64(b & 0x3ff)
	switch exp {
	case 0:
		return sign * math.Ldexp(man, -24)
	case 0x1f:
		if man != 0 {
			return math.NaN()
		}
		return sign * math.Inf(1)
	}
	return sign * math.Ldexp(1024+man, exp-25)
}

// bfloat16 converts bfloat16 bits (the top half of a float32) to its value.
func bfloat16(b uint16) float64 { return float64(math.Float32frombits(uint32(b) << 16)) }

// decodeRaw reads n little-endian elements of type t from raw (len(raw) must be n·size).
func decodeRaw(raw []byte, t DType, n int, name string) ([]*big.Rat, error) {
	if len(raw) != n*t.Size() {
		return nil, fmt.Errorf("tensor %q: %d bytes of data for %d elements of %s (want %d)", name, len(raw), n, t, n*t.Size())
	}
	out := make([]*big.Rat, n)
	if t == F32 {
		// The common case, with the rationals and their words allocated in two slabs.
		// A large tensor is cut into one run per processor; the first NaN or infinity (by
		// index) is the one reported, whichever run meets it first.
		slab := make([]big.Rat, n)
		words := make([]big.Word, 2*n)
		runs := 1
		if n >= 1<<16 {
			runs = runtime.GOMAXPROCS(0)
		}
		bad := make([]int, runs)
		var wg sync.WaitGroup
		for r := range runs {
			lo, hi := r*n/runs, (r+1)*n/runs
			bad[r] = -1
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := lo; i < hi; i++ {
					b := binary.LittleEndian.Uint32(raw[4*i:])
					if b>>23&0xff == 0xff { // NaN or infinity
						bad[r] = i
						return
					}
					out[i] = dyadicF32(&slab[i], b, words[2*i:2*i+2:2*i+2])
				}
			}()
		}
		wg.Wait()
		for _, i := range bad {
			if i >= 0 {
				_, err := fromFloat64(float64(math.Float32frombits(binary.LittleEndian.Uint32(raw[4*i:]))), name, i)
				return nil, err
			}
		}
		return out, nil
	}
	for i := 0; i < n; i++ {
		var err error
		switch t {
		case F64:
			out[i], err = fromFloat64(math.Float64frombits(binary.LittleEndian.Uint64(raw[8*i:])), name, i)
		case F16:
			out[i], err = fromFloat64(half(binary.LittleEndian.Uint16(raw[2*i:])), name, i)
		case BF16:
			out[i], err = fromFloat64(bfloat16(binary.LittleEndian.Uint16(raw[2*i:])), name, i)
		case I8:
			out[i] = big.NewRat(int64(int8(raw[i])), 1)
		case U8:
			out[i] = big.NewRat(int64(raw[i]), 1)
		case Bool:
			if raw[i] > 1 {
				return nil, fmt.Errorf("tensor %q: element %d is the byte %d, not a boolean", name, i, raw[i])
			}
			out[i] = big.NewRat(int64(raw[i]), 1)
		case I16:
			out[i] = big.NewRat(int64(int16(binary.LittleEndian.Uint16(raw[2*i:]))), 1)
		case U16:
			out[i] = big.NewRat(int64(binary.LittleEndian.Uint16(raw[2*i:])), 1)
		case I32:
			out[i] = big.NewRat(int64(int32(binary.LittleEndian.Uint32(raw[4*i:]))), 1)
		case U32:
			out[i] = big.NewRat(int64(binary.LittleEndian.Uint32(raw[4*i:])), 1)
		case I64:
			out[i] = big.NewRat(int64(binary.LittleEndian.Uint64(raw[8*i:])), 1)
		case U64:
			out[i] = new(big.Rat).SetInt(new(big.Int).SetUint64(binary.LittleEndian.Uint64(raw[8*i:])))
		default:
			return nil, fmt.Errorf("tensor %q: element type %s is not supported", name, t)
		}
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}
