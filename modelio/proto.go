package modelio

import (
	"fmt"

	"google.golang.org/protobuf/encoding/protowire"
)

// field is one decoded protobuf field: a varint or fixed value in v, or a
// length-delimited payload in b.
type field struct {
	num protowire.Number
	typ protowire.Type
	v   uint64
	b   []byte
	raw []byte // the value's encoded bytes (for repeated scalars, unpacked)
}

// walk calls fn for each field of the message b; what names the message in errors.
// Groups (deprecated) and malformed wire data are refused.
func walk(b []byte, what string, fn func(f field) error) error {
	for len(b) > 0 {
		num, typ, n := protowire.ConsumeTag(b)
		if n < 0 {
			return fmt.Errorf("%s: bad protobuf field tag: %v", what, protowire.ParseError(n))
		}
		b = b[n:]
		f := field{num: num, typ: typ}
		switch typ {
		case protowire.VarintType:
			f.v, n = protowire.ConsumeVarint(b)
		case protowire.Fixed32Type:
			var v uint32
			v, n = protowire.ConsumeFixed32(b)
			f.v = uint64(v)
		case protowire.Fixed64Type:
			f.v, n = protowire.ConsumeFixed64(b)
		case protowire.BytesType:
			f.b, n = protowire.ConsumeBytes(b)
		default:
			return fmt.Errorf("%s: field %d has wire type %d, which ONNX does not use (truncated or not an ONNX file?)", what, num, typ)
		}
		if n < 0 {
			return fmt.Errorf("%s: field %d: %v (truncated or garbage protobuf)", what, num, protowire.ParseError(n))
		}
		f.raw = b[:n]
		b = b[n:]
		if err := fn(f); err != nil {
			return err
		}
	}
	return nil
}

// once refuses a second occurrence of a singular field: a file with two readings.
type once map[protowire.Number]bool

func (o once) see(f field, what, name string) error {
	if o[f.num] {
		return fmt.Errorf("%s: field %s (%d) appears twice", what, name, f.num)
	}
	o[f.num] = true
	return nil
}

// wantType refuses a field whose wire type is not the expected one.
func wantType(f field, t protowire.Type, what, name string) error {
	if f.typ != t {
		return fmt.Errorf("%s: field %s (%d) has wire type %d, want %d", what, name, f.num, f.typ, t)
	}
	return nil
}

// repeated collects the elements of a repeated scalar field, packed or not, without
// decoding them: width is 4 or 8 for fixed-width elements and 0 for varints.
type repeated struct {
	width  int
	chunks [][]byte
	n      int
}

func (r *repeated) add(f field, what, name string) error {
	want := protowire.VarintType
	switch r.width {
	case 4:
		want = protowire.Fixed32Type
	case 8:
		want = protowire.Fixed64Type
	}
	var data []byte
	switch f.typ {
	case protowire.BytesType:
		data = f.b
	case want:
		data = f.raw
	default:
		return fmt.Errorf("%s: field %s (%d) has wire type %d", what, name, f.num, f.typ)
	}
	if r.width > 0 {
		if len(data)%r.width != 0 {
			return fmt.Errorf("%s: field %s: %d bytes is not a whole number of %d-byte elements", what, name, len(data), r.width)
		}
		r.n += len(data) / r.width
	} else {
		if len(data) > 0 && data[len(data)-1]&0x80 != 0 {
			return fmt.Errorf("%s: field %s: truncated varint", what, name)
		}
		for _, c := range data {
			if c&0x80 == 0 {
				r.n++
			}
		}
	}
	r.chunks = append(r.chunks, data)
	return nil
}

// each calls fn with every element (fixed-width elements as their bits).
func (r *repeated) each(fn func(i int, v uint64) error) error {
	i := 0
	for _, c := range r.chunks {
		for len(c) > 0 {
			var v uint64
			var n int
			switch r.width {
			case 4:
				var u uint32
				u, n = protowire.ConsumeFixed32(c)
				v = uint64(u)
			case 8:
				v, n = protowire.ConsumeFixed64(c)
			default:
				v, n = protowire.ConsumeVarint(c)
			}
			if n < 0 {
				return fmt.Errorf("bad packed element: %v", protowire.ParseError(n))
			}
			c = c[n:]
			if err := fn(i, v); err != nil {
				return err
			}
			i++
		}
	}
	return nil
}
