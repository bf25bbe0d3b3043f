package modelio

import (
	"fmt"
	"math"
	"math/big"
	"strconv"
	"strings"
	"unicode/utf8"

	"google.golang.org/protobuf/encoding/protowire"
)

// Field numbers of onnx.proto (ONNX IR, onnx/onnx.proto). Only the fields this reader
// uses are named; others are skipped as protobuf allows.
const (
	fModelGraph = 7 // ModelProto.graph

	fGraphNode        = 1  // GraphProto.node
	fGraphInitializer = 5  // GraphProto.initializer
	fGraphInput       = 11 // GraphProto.input
	fGraphOutput      = 12 // GraphProto.output
	fGraphSparseInit  = 15 // GraphProto.sparse_initializer

	fNodeInput  = 1 // NodeProto.input
	fNodeOutput = 2 // NodeProto.output
	fNodeName   = 3 // NodeProto.name
	fNodeOpType = 4 // NodeProto.op_type
	fNodeAttr   = 5 // NodeProto.attribute
	fNodeDomain = 7 // NodeProto.domain

	fAttrName    = 1  // AttributeProto.name
	fAttrF       = 2  // AttributeProto.f (float)
	fAttrI       = 3  // AttributeProto.i (int64)
	fAttrS       = 4  // AttributeProto.s (bytes)
	fAttrT       = 5  // AttributeProto.t (TensorProto)
	fAttrFloats  = 7  // AttributeProto.floats
	fAttrInts    = 8  // AttributeProto.ints
	fAttrType    = 20 // AttributeProto.type
	fAttrRefName = 21 // AttributeProto.ref_attr_name

	fTensorDims         = 1  // TensorProto.dims
	fTensorDataType     = 2  // TensorProto.data_type
	fTensorSegment      = 3  // TensorProto.segment
	fTensorFloatData    = 4  // TensorProto.float_data
	fTensorInt32Data    = 5  // TensorProto.int32_data
	fTensorStringData   = 6  // TensorProto.string_data
	fTensorInt64Data    = 7  // TensorProto.int64_data
	fTensorName         = 8  // TensorProto.name
	fTensorRawData      = 9  // TensorProto.raw_data
	fTensorDoubleData   = 10 // TensorProto.double_data
	fTensorUint64Data   = 11 // TensorProto.uint64_data
	fTensorExternalData = 13 // TensorProto.external_data
	fTensorDataLocation = 14 // TensorProto.data_location

	fValueName = 1 // ValueInfoProto.name
	fValueType = 2 // ValueInfoProto.type

	fTypeTensor     = 1 // TypeProto.tensor_type
	fTypeTensorElem = 1 // TypeProto.Tensor.elem_type
	fTypeTensorShp  = 2 // TypeProto.Tensor.shape
	fShapeDim       = 1 // TensorShapeProto.dim
	fDimValue       = 1 // TensorShapeProto.Dimension.dim_value
	fDimParam       = 2 // TensorShapeProto.Dimension.dim_param
)

// onnxDTypes maps TensorProto.DataType to element types.
var onnxDTypes = map[uint64]DType{1: F32, 2: U8, 3: I8, 4: U16, 5: I16, 6: I32, 7: I64, 9: Bool, 10: F16, 11: F64, 12: U32, 13: U64, 16: BF16}

var onnxDTypeNames = map[uint64]string{0: "UNDEFINED", 8: "STRING", 14: "COMPLEX64", 15: "COMPLEX128"}

func onnxDType(v uint64) (DType, error) {
	if t, ok := onnxDTypes[v]; ok {
		return t, nil
	}
	if s, ok := onnxDTypeNames[v]; ok {
		return 0, fmt.Errorf("data type %s is not a real number type", s)
	}
	return 0, fmt.Errorf("unknown data type %d", v)
}

type onnxGraph struct {
	nodes   []*onnxNode
	inits   []*Tensor
	inputs  []*valueInfo
	outputs []*valueInfo
}

type onnxNode struct {
	index           int
	inputs, outputs []string
	name, op, dom   string
	attrs           map[string]*onnxAttr
}

// label names the node in errors: its name (or index) and op_type.
func (n *onnxNode) label() string {
	name := n.name
	if name == "" {
		name = fmt.Sprintf("#%d", n.index)
	}
	return fmt.Sprintf("node %q (op_type %s)", name, n.op)
}

type onnxAttr struct {
	name         string
	typ          uint64
	hasF, hasI   bool
	f            uint32 // float32 bits
	i            int64
	s            []byte
	t            []byte // a TensorProto, undecoded
	floats, ints repeated
	ref          string
}

type valueInfo struct {
	name     string
	isTensor bool
	elem     uint64
	hasShape bool
	dims     []dimInfo
}

type dimInfo struct {
	value int64
	param string
	known bool
}

func str(b []byte, what string) (string, error) {
	if !utf8.Valid(b) {
		return "", fmt.Errorf("%s: not UTF-8", what)
	}
	return string(b), nil
}

func decodeModel(b []byte, o *Options) (*onnxGraph, error) {
	var graph []byte
	seen := once{}
	err := walk(b, "ModelProto", func(f field) error {
		if f.num == fModelGraph {
			if err := wantType(f, protowire.BytesType, "ModelProto", "graph"); err != nil {
				return err
			}
			if err := seen.see(f, "ModelProto", "graph"); err != nil {
				return err
			}
			graph = f.b
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if graph == nil {
		return nil, fmt.Errorf("ModelProto: no graph (field 7): not an ONNX model")
	}
	return decodeGraph(graph, o)
}

func decodeGraph(b []byte, o *Options) (*onnxGraph, error) {
	g := &onnxGraph{}
	err := walk(b, "graph", func(f field) error {
		switch f.num {
		case fGraphNode, fGraphInitializer, fGraphInput, fGraphOutput, fGraphSparseInit:
			if err := wantType(f, protowire.BytesType, "graph", fmt.Sprint(f.num)); err != nil {
				return err
			}
		}
		switch f.num {
		case fGraphNode:
			n, err := decodeNode(f.b, len(g.nodes))
			if err != nil {
				return err
			}
			g.nodes = append(g.nodes, n)
		case fGraphInitializer:
			t, err := decodeTensor(f.b, fmt.Sprintf("graph.initializer[%d]", len(g.inits)), o)
			if err != nil {
				return err
			}
			g.inits = append(g.inits, t)
		case fGraphInput, fGraphOutput:
			v, err := decodeValueInfo(f.b)
			if err != nil {
				return err
			}
			if f.num == fGraphInput {
				g.inputs = append(g.inputs, v)
			} else {
				g.outputs = append(g.outputs, v)
			}
		case fGraphSparseInit:
			return fmt.Errorf("graph: sparse initializers are not supported")
		}
		return nil
	})
	return g, err
}

func decodeNode(b []byte, index int) (*onnxNode, error) {
	n := &onnxNode{index: index, attrs: map[string]*onnxAttr{}}
	what := fmt.Sprintf("graph.node[%d]", index)
	seen := once{}
	err := walk(b, what, func(f field) error {
		switch f.num {
		case fNodeInput, fNodeOutput, fNodeName, fNodeOpType, fNodeAttr, fNodeDomain:
			if err := wantType(f, protowire.BytesType, what, fmt.Sprint(f.num)); err != nil {
				return err
			}
		}
		switch f.num {
		case fNodeInput, fNodeOutput:
			s, err := str(f.b, what)
			if err != nil {
				return err
			}
			if f.num == fNodeInput {
				n.inputs = append(n.inputs, s)
			} else {
				n.outputs = append(n.outputs, s)
			}
		case fNodeName, fNodeOpType, fNodeDomain:
			if err := seen.see(f, what, fmt.Sprint(f.num)); err != nil {
				return err
			}
			s, err := str(f.b, what)
			if err != nil {
				return err
			}
			switch f.num {
			case fNodeName:
				n.name = s
			case fNodeOpType:
				n.op = s
			default:
				n.dom = s
			}
		case fNodeAttr:
			a, err := decodeAttr(f.b, what)
			if err != nil {
				return err
			}
			if _, dup := n.attrs[a.name]; dup {
				return fmt.Errorf("%s: attribute %q appears twice", what, a.name)
			}
			n.attrs[a.name] = a
		}
		return nil
	})
	if err == nil && n.op == "" {
		err = fmt.Errorf("%s: no op_type", what)
	}
	return n, err
}

func decodeAttr(b []byte, what string) (*onnxAttr, error) {
	a := &onnxAttr{floats: repeated{width: 4}, ints: repeated{width: 0}}
	seen := once{}
	err := walk(b, what+".attribute", func(f field) error {
		w := what + ".attribute"
		switch f.num {
		case fAttrName, fAttrRefName, fAttrS, fAttrT:
			if err := wantType(f, protowire.BytesType, w, fmt.Sprint(f.num)); err != nil {
				return err
			}
			if err := seen.see(f, w, fmt.Sprint(f.num)); err != nil {
				return err
			}
		}
		switch f.num {
		case fAttrName:
			s, err := str(f.b, w)
			a.name = s
			return err
		case fAttrRefName:
			a.ref = string(f.b)
		case fAttrS:
			a.s = f.b
		case fAttrT:
			a.t = f.b
		case fAttrF:
			if err := wantType(f, protowire.Fixed32Type, w, "f"); err != nil {
				return err
			}
			a.f, a.hasF = uint32(f.v), true
		case fAttrI:
			if err := wantType(f, protowire.VarintType, w, "i"); err != nil {
				return err
			}
			a.i, a.hasI = int64(f.v), true
		case fAttrType:
			if err := wantType(f, protowire.VarintType, w, "type"); err != nil {
				return err
			}
			a.typ = f.v
		case fAttrFloats:
			return a.floats.add(f, w, "floats")
		case fAttrInts:
			return a.ints.add(f, w, "ints")
		}
		return nil
	})
	return a, err
}

func decodeValueInfo(b []byte) (*valueInfo, error) {
	v := &valueInfo{}
	err := walk(b, "graph value_info", func(f field) error {
		switch f.num {
		case fValueName:
			v.name = string(f.b)
		case fValueType:
			if f.typ != protowire.BytesType {
				return fmt.Errorf("value %q: bad type field", v.name)
			}
			return walk(f.b, "value "+v.name+" type", func(f field) error {
				if f.num != fTypeTensor || f.typ != protowire.BytesType {
					return nil
				}
				v.isTensor = true
				return walk(f.b, "value "+v.name+" tensor type", func(f field) error {
					switch f.num {
					case fTypeTensorElem:
						v.elem = f.v
					case fTypeTensorShp:
						v.hasShape = true
						return walk(f.b, "value "+v.name+" shape", func(f field) error {
							if f.num != fShapeDim || f.typ != protowire.BytesType {
								return nil
							}
							var d dimInfo
							err := walk(f.b, "value "+v.name+" dim", func(f field) error {
								switch f.num {
								case fDimValue:
									d.value, d.known = int64(f.v), true
								case fDimParam:
									d.param = string(f.b)
								}
								return nil
							})
							v.dims = append(v.dims, d)
							return err
						})
					}
					return nil
				})
			})
		}
		return nil
	})
	return v, err
}

// decodeTensor reads a TensorProto. The element count its dims promise is checked
// against the limit and against the data actually present before values are made.
func decodeTensor(b []byte, what string, o *Options) (*Tensor, error) {
	var dims []int64
	dimsR := repeated{width: 0}
	var dtype uint64
	var name string
	var raw []byte
	hasRaw, external := false, false
	extKV := map[string]string{} // external_data: location, offset, length, checksum
	floats, int32s, int64s := repeated{width: 4}, repeated{width: 0}, repeated{width: 0}
	doubles, uint64s := repeated{width: 8}, repeated{width: 0}
	strings := 0
	seen := once{}
	err := walk(b, what, func(f field) error {
		switch f.num {
		case fTensorDims:
			return dimsR.add(f, what, "dims")
		case fTensorDataType:
			if err := seen.see(f, what, "data_type"); err != nil {
				return err
			}
			dtype = f.v
		case fTensorName:
			if err := seen.see(f, what, "name"); err != nil {
				return err
			}
			name = string(f.b)
		case fTensorRawData:
			if err := seen.see(f, what, "raw_data"); err != nil {
				return err
			}
			if err := wantType(f, protowire.BytesType, what, "raw_data"); err != nil {
				return err
			}
			raw, hasRaw = f.b, true
		case fTensorFloatData:
			return floats.add(f, what, "float_data")
		case fTensorInt32Data:
			return int32s.add(f, what, "int32_data")
		case fTensorInt64Data:
			return int64s.add(f, what, "int64_data")
		case fTensorDoubleData:
			return doubles.add(f, what, "double_data")
		case fTensorUint64Data:
			return uint64s.add(f, what, "uint64_data")
		case fTensorStringData:
			strings++
		case fTensorExternalData:
			external = true
			if err := wantType(f, protowire.BytesType, what, "external_data"); err != nil {
				return err
			}
			var key, val string
			if err := walk(f.b, what+": external_data", func(e field) error {
				switch e.num {
				case 1:
					key = string(e.b)
				case 2:
					val = string(e.b)
				}
				return nil
			}); err != nil {
				return err
			}
			if _, dup := extKV[key]; dup {
				return fmt.Errorf("%s: external_data key %q given twice", what, key)
			}
			extKV[key] = val
		case fTensorDataLocation:
			if f.v != 0 {
				external = true
			}
		case fTensorSegment:
			return fmt.Errorf("%s: segmented tensors are not supported", what)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if name != "" {
		what = fmt.Sprintf("tensor %q", name)
	}
	if external {
		if o == nil || o.External == nil {
			return nil, fmt.Errorf("%s: its data is stored in an external file; certify reads self-contained models only (save with all tensors inside the .onnx file)", what)
		}
		if hasRaw {
			return nil, fmt.Errorf("%s: both raw_data and external data", what)
		}
		if raw, err = externalData(extKV, what, o.External); err != nil {
			return nil, err
		}
		hasRaw = true
	}
	if err := dimsR.each(func(_ int, v uint64) error { dims = append(dims, int64(v)); return nil }); err != nil {
		return nil, fmt.Errorf("%s: dims: %v", what, err)
	}
	t := &Tensor{Name: name}
	t.DType, err = onnxDType(dtype)
	if err != nil {
		return nil, fmt.Errorf("%s: %v", what, err)
	}
	if strings > 0 {
		return nil, fmt.Errorf("%s: string data in a numeric tensor", what)
	}
	n, err := numel(dims, o.maxElements())
	if err != nil {
		return nil, fmt.Errorf("%s: %v", what, err)
	}
	for _, d := range dims {
		t.Shape = append(t.Shape, int(d))
	}
	if hasRaw {
		if floats.n+int32s.n+int64s.n+doubles.n+uint64s.n > 0 {
			return nil, fmt.Errorf("%s: both raw_data and typed data", what)
		}
		if int64(len(raw)) != n*int64(t.DType.Size()) {
			return nil, fmt.Errorf("%s: dims %v promise %d elements of %s (%d bytes) but raw_data has %d bytes", what, dims, n, t.DType, n*int64(t.DType.Size()), len(raw))
		}
		t.Vals, err = decodeRaw(raw, t.DType, int(n), tensorName(t, what))
		return t, err
	}
	var src *repeated
	var field string
	switch t.DType {
	case F32:
		src, field = &floats, "float_data"
	case F64:
		src, field = &doubles, "double_data"
	case I64:
		src, field = &int64s, "int64_data"
	case U32, U64:
		src, field = &uint64s, "uint64_data"
	default:
		src, field = &int32s, "int32_data"
	}
	if others := floats.n + int32s.n + int64s.n + doubles.n + uint64s.n - src.n; others > 0 {
		return nil, fmt.Errorf("%s: data of type %s belongs in %s, but other data fields are set", what, t.DType, field)
	}
	if int64(src.n) != n {
		return nil, fmt.Errorf("%s: dims %v promise %d elements but %s has %d", what, dims, n, field, src.n)
	}
	t.Vals = make([]*big.Rat, n)
	tn := tensorName(t, what)
	err = src.each(func(i int, v uint64) error {
		var r *big.Rat
		var err error
		switch t.DType {
		case F32:
			r, err = fromFloat64(float64(math.Float32frombits(uint32(v))), tn, i)
		case F64:
			r, err = fromFloat64(math.Float64frombits(v), tn, i)
		case F16:
			r, err = fromFloat64(half(uint16(v)), tn, i)
		case BF16:
			r, err = fromFloat64(bfloat16(uint16(v)), tn, i)
		case I64:
			r = big.NewRat(int64(v), 1)
		case U64, U32:
			r = new(big.Rat).SetInt(new(big.Int).SetUint64(v))
		case Bool:
			r = big.NewRat(int64(v&1), 1)
		default: // the narrow integers, stored as int32
			r = big.NewRat(int64(int32(v)), 1)
		}
		t.Vals[i] = r
		return err
	})
	return t, err
}

func tensorName(t *Tensor, what string) string {
	if t.Name != "" {
		return t.Name
	}
	return what
}

// DecodeONNXTensor reads a serialized TensorProto (the input_N.pb and output_N.pb files
// of ONNX's backend tests).
func DecodeONNXTensor(b []byte, o *Options) (*Tensor, error) {
	if o == nil {
		o = &Options{}
	}
	return decodeTensor(b, "TensorProto", o)
}

// externalData reads a tensor's bytes from its external data file: the location must be
// a bare file name; offset and length, when given, must lie inside the file.
func externalData(kv map[string]string, what string, read func(string) ([]byte, error)) ([]byte, error) {
	loc, ok := kv["location"]
	if !ok || loc == "" {
		return nil, fmt.Errorf("%s: external data without a location", what)
	}
	if loc == "." || loc == ".." || strings.ContainsAny(loc, "/\\") || strings.ContainsRune(loc, 0) {
		return nil, fmt.Errorf("%s: external data location %q is not a file name beside the model", what, loc)
	}
	b, err := read(loc)
	if err != nil {
		return nil, fmt.Errorf("%s: external data %q: %v", what, loc, err)
	}
	off, n := uint64(0), uint64(len(b))
	if v, ok := kv["offset"]; ok {
		if off, err = strconv.ParseUint(v, 10, 64); err != nil || off > uint64(len(b)) {
			return nil, fmt.Errorf("%s: external data offset %q is not inside %q (%d bytes)", what, v, loc, len(b))
		}
		n = uint64(len(b)) - off
	}
	if v, ok := kv["length"]; ok {
		l, err := strconv.ParseUint(v, 10, 64)
		if err != nil || l > uint64(len(b))-off {
			return nil, fmt.Errorf("%s: external data length %q does not fit in %q (%d bytes from offset %d)", what, v, loc, len(b), off)
		}
		n = l
	}
	return b[off : off+n], nil
}
