package modelio

import (
	"archive/zip"
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"math"
	"sort"

	"google.golang.org/protobuf/encoding/protowire"
)

// A tiny ONNX writer for tests (protowire, the field numbers of onnx.proto).

type pb []byte

func (b pb) str(num protowire.Number, s string) pb {
	b = protowire.AppendTag(b, num, protowire.BytesType)
	return protowire.AppendString(b, s)
}

func (b pb) msg(num protowire.Number, m pb) pb {
	b = protowire.AppendTag(b, num, protowire.BytesType)
	return protowire.AppendBytes(b, m)
}

func (b pb) varint(num protowire.Number, v uint64) pb {
	b = protowire.AppendTag(b, num, protowire.VarintType)
	return protowire.AppendVarint(b, v)
}

func (b pb) fixed32(num protowire.Number, v uint32) pb {
	b = protowire.AppendTag(b, num, protowire.Fixed32Type)
	return protowire.AppendFixed32(b, v)
}

// tensorF32 is a float32 TensorProto with raw_data.
func tensorF32(name string, dims []int64, vals []float32) pb {
	var t pb
	for _, d := range dims {
		t = t.varint(fTensorDims, uint64(d))
	}
	t = t.varint(fTensorDataType, 1).str(fTensorName, name)
	raw := make([]byte, 4*len(vals))
	for i, v := range vals {
		binary.LittleEndian.PutUint32(raw[4*i:], math.Float32bits(v))
	}
	return t.msg(fTensorRawData, raw)
}

func vinfo(name string, elem uint64, dims ...any) pb {
	var shape pb
	for _, d := range dims {
		var dim pb
		switch d := d.(type) {
		case int:
			dim = dim.varint(fDimValue, uint64(d))
		case string:
			dim = dim.str(fDimParam, d)
		}
		shape = shape.msg(fShapeDim, dim)
	}
	tt := pb{}.varint(fTypeTensorElem, elem).msg(fTypeTensorShp, shape)
	return pb{}.str(fValueName, name).msg(fValueType, pb{}.msg(fTypeTensor, tt))
}

type attr struct {
	name string
	f    *float32
	i    *int64
}

func fattr(name string, f float32) attr { return attr{name: name, f: &f} }
func iattr(name string, i int64) attr   { return attr{name: name, i: &i} }

func node(op, name string, in, out []string, attrs ...attr) pb {
	var n pb
	for _, s := range in {
		n = n.str(fNodeInput, s)
	}
	for _, s := range out {
		n = n.str(fNodeOutput, s)
	}
	n = n.str(fNodeName, name).str(fNodeOpType, op)
	for _, a := range attrs {
		m := pb{}.str(fAttrName, a.name)
		if a.f != nil {
			m = m.fixed32(fAttrF, math.Float32bits(*a.f)).varint(fAttrType, 1)
		}
		if a.i != nil {
			m = m.varint(fAttrI, uint64(*a.i)).varint(fAttrType, 2)
		}
		n = n.msg(fNodeAttr, m)
	}
	return n
}

func model(nodes, inits []pb, input, output pb) []byte {
	var g pb
	for _, n := range nodes {
		g = g.msg(fGraphNode, n)
	}
	for _, t := range inits {
		g = g.msg(fGraphInitializer, t)
	}
	g = g.msg(fGraphInput, input).msg(fGraphOutput, output)
	return pb{}.varint(1, 8).msg(fModelGraph, g)
}

// safetensorsFile writes tensors (name → dtype, shape, raw bytes) in name order.
type stEntry struct {
	dtype string
	shape []int
	raw   []byte
}

func safetensorsFile(ts map[string]stEntry) []byte {
	var names []string
	for n := range ts {
		names = append(names, n)
	}
	sort.Strings(names)
	header := map[string]any{}
	var data []byte
	for _, n := range names {
		e := ts[n]
		header[n] = map[string]any{"dtype": e.dtype, "shape": e.shape, "data_offsets": []int{len(data), len(data) + len(e.raw)}}
		data = append(data, e.raw...)
	}
	h, _ := json.Marshal(header)
	out := binary.LittleEndian.AppendUint64(nil, uint64(len(h)))
	return append(append(out, h...), data...)
}

func f32bytes(v ...float32) []byte {
	b := make([]byte, 4*len(v))
	for i, x := range v {
		binary.LittleEndian.PutUint32(b[4*i:], math.Float32bits(x))
	}
	return b
}

func npy(descr string, shape []int, raw []byte) []byte {
	sh := ""
	for _, d := range shape {
		sh += fmt.Sprintf("%d, ", d)
	}
	h := fmt.Sprintf("{'descr': '%s', 'fortran_order': False, 'shape': (%s), }", descr, sh)
	for (10+len(h)+1)%64 != 0 {
		h += " "
	}
	h += "\n"
	b := []byte("\x93NUMPY\x01\x00")
	b = binary.LittleEndian.AppendUint16(b, uint16(len(h)))
	return append(append(b, h...), raw...)
}

func npz(members map[string][]byte) []byte {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	var names []string
	for n := range members {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		w, _ := zw.Create(n + ".npy")
		w.Write(members[n])
	}
	zw.Close()
	return buf.Bytes()
}
