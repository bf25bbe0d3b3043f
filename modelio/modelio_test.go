package modelio

import (
	"encoding/binary"
	"google.golang.org/protobuf/encoding/protowire"
	"math"
	"math/big"
	"strings"
	"testing"

	"certify/cert"
)

func rats(s ...string) []*big.Rat {
	out := make([]*big.Rat, len(s))
	for i, v := range s {
		out[i], _ = new(big.Rat).SetString(v)
	}
	return out
}

func evalStr(n *cert.Network, x ...string) string {
	var parts []string
	for _, v := range n.Eval(rats(x...), nil) {
		parts = append(parts, v.RatString())
	}
	return strings.Join(parts, " ")
}

// mlp is an exported 2-3-2 MLP with input normalisation (x − 0.5)/0.25 and a
// dynamic batch dimension, as torch.onnx.export writes it.
func mlp() []byte {
	return model([]pb{
		node("Sub", "norm_sub", []string{"x", "mean"}, []string{"x1"}),
		node("Div", "norm_div", []string{"x1", "std"}, []string{"x2"}),
		node("Gemm", "fc1", []string{"x2", "W1", "b1"}, []string{"h"}, iattr("transB", 1)),
		node("Relu", "relu1", []string{"h"}, []string{"a"}),
		node("Gemm", "fc2", []string{"a", "W2", "b2"}, []string{"y"}, iattr("transB", 1), fattr("alpha", 0.5)),
	}, []pb{
		tensorF32("mean", []int64{2}, []float32{0.5, 0.5}),
		tensorF32("std", []int64{2}, []float32{0.25, 0.25}),
		tensorF32("W1", []int64{3, 2}, []float32{1, 0, 0, 1, 1, -1}),
		tensorF32("b1", []int64{3}, []float32{0, 0.1, 0}),
		tensorF32("W2", []int64{2, 3}, []float32{1, 1, 0, 0, 0, 2}),
		tensorF32("b2", []int64{2}, []float32{0, -1}),
	}, vinfo("x", 1, "batch", 2), vinfo("y", 1, "batch", 2))
}

func TestONNXMLP(t *testing.T) {
	m, err := Read(mlp(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if m.Format != "onnx" || m.Network.InputDim != 2 || len(m.Network.Layers) != 2 {
		t.Fatalf("format %s, network %d inputs %d layers", m.Format, m.Network.InputDim, len(m.Network.Layers))
	}
	// x = (1, 0): normalised (2, −2); h = (2, −2 + b, 4) → relu (2, 0, 4) (b = float32(0.1));
	// y = 0.5·(2 + 0, 8) + (0, −1) = (1, 3).
	if got := evalStr(m.Network, "1", "0"); got != "1 3" {
		t.Errorf("f(1, 0) = %s, want 1 3", got)
	}
	// b1[1] is float32(0.1) exactly, not 1/10.
	want := new(big.Rat).SetFloat64(float64(float32(0.1)))
	w := m.Network.Layers[0].B[1]
	// the folded bias: b − W·mean/std = 0.1 − (0·2 + 1·2)
	want.Sub(want, big.NewRat(2, 1))
	if w.Cmp(want) != 0 {
		t.Errorf("folded bias %s, want %s", w.RatString(), want.RatString())
	}
}

// TestONNXOps covers each supported operator on a tiny model against hand values.
func TestONNXOps(t *testing.T) {
	w := tensorF32("W", []int64{2, 2}, []float32{1, 2, 3, 4})
	c2 := tensorF32("c", []int64{2}, []float32{1, -1})
	in, out := vinfo("x", 1, 1, 2), vinfo("y", 1, 1, 2)
	cases := []struct {
		name  string
		nodes []pb
		inits []pb
		x     []string
		want  string
	}{
		{"matmul+add", []pb{node("MatMul", "mm", []string{"x", "W"}, []string{"t"}), node("Add", "add", []string{"t", "c"}, []string{"y"})},
			[]pb{w, c2}, []string{"1", "1"}, "5 5"},
		{"mul-const-first", []pb{node("Mul", "mul", []string{"c", "x"}, []string{"y"})}, []pb{c2}, []string{"3", "5"}, "3 -5"},
		{"sub-const-first", []pb{node("Sub", "sub", []string{"c", "x"}, []string{"y"})}, []pb{c2}, []string{"3", "5"}, "-2 -6"},
		{"leaky", []pb{node("LeakyRelu", "lr", []string{"x"}, []string{"y"}, fattr("alpha", 0.125))}, nil, []string{"-8", "2"}, "-1 2"},
		{"clip-hardtanh", []pb{node("Clip", "clip", []string{"x", "lo", "hi"}, []string{"y"})},
			[]pb{tensorF32("lo", nil, []float32{-1}), tensorF32("hi", nil, []float32{1})}, []string{"-3", "1/2"}, "-1 1/2"},
		{"clip-relu6", []pb{node("Clip", "clip", []string{"x", "lo", "hi"}, []string{"y"})},
			[]pb{tensorF32("lo", nil, []float32{0}), tensorF32("hi", nil, []float32{6})}, []string{"-3", "7"}, "0 6"},
		{"clip-attr-max", []pb{node("Clip", "clip", []string{"x"}, []string{"y"}, fattr("max", 2))}, nil, []string{"-3", "7"}, "-3 2"},
		{"identity-flatten", []pb{node("Identity", "id", []string{"x"}, []string{"t"}), node("Flatten", "fl", []string{"t"}, []string{"y"})}, nil, []string{"1", "2"}, "1 2"},
		{"gemm-transA-beta", []pb{node("Gemm", "g", []string{"W", "x", "c"}, []string{"y"}, iattr("transB", 1), fattr("beta", 2))},
			[]pb{w, tensorF32("c", []int64{2, 1}, []float32{1, -1})}, []string{"1", "1"}, "5 5"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			o := out
			if c.name == "gemm-transA-beta" {
				o = vinfo("y", 1, 2, 1)
			}
			n, err := ReadONNX(model(c.nodes, c.inits, in, o), nil)
			if err != nil {
				t.Fatal(err)
			}
			if got := evalStr(n, c.x...); got != c.want {
				t.Errorf("got %s, want %s", got, c.want)
			}
		})
	}
}

// TestONNXDTypes reads one initializer of every element type, raw and typed.
func TestONNXDTypes(t *testing.T) {
	typed := func(dt uint64, num int, payload pb) pb {
		return pb{}.varint(fTensorDims, 2).varint(fTensorDataType, dt).str(fTensorName, "c").msg(protoNum(num), payload)
	}
	rawT := func(dt uint64, raw []byte) pb {
		return pb{}.varint(fTensorDims, 2).varint(fTensorDataType, dt).str(fTensorName, "c").msg(fTensorRawData, raw)
	}
	le16 := func(a, b uint16) []byte {
		return binary.LittleEndian.AppendUint16(binary.LittleEndian.AppendUint16(nil, a), b)
	}
	le64 := func(a, b uint64) []byte {
		return binary.LittleEndian.AppendUint64(binary.LittleEndian.AppendUint64(nil, a), b)
	}
	var packedVar pb
	packedVar = pb(appendVarints(nil, uint64(3), uint64(math.MaxUint64))) // 3, −1 as int64
	cases := []struct {
		name string
		t    pb
		want string
	}{
		{"float-raw", rawT(1, f32bytes(0.1, -2)), new(big.Rat).SetFloat64(float64(float32(0.1))).RatString() + " -2"},
		{"float-typed", typed(1, fTensorFloatData, f32bytes(1.5, -0.25)), "3/2 -1/4"},
		{"double-raw", rawT(11, le64(math.Float64bits(0.1), math.Float64bits(3))), new(big.Rat).SetFloat64(0.1).RatString() + " 3"},
		{"double-typed", typed(11, fTensorDoubleData, pb(le64(math.Float64bits(-1e-300), math.Float64bits(2)))), new(big.Rat).SetFloat64(-1e-300).RatString() + " 2"},
		{"float16-raw", rawT(10, le16(0x3c00, 0x0001)), "1 1/16777216"}, // 1 and the smallest subnormal 2^-24
		{"float16-typed", typed(10, fTensorInt32Data, pb(appendVarints(nil, 0xc000, 0x3555))), "-2 1365/4096"},
		{"bfloat16-raw", rawT(16, le16(0x3f80, 0xc0a0)), "1 -5"},
		{"int64-typed", typed(7, fTensorInt64Data, packedVar), "3 -1"},
		{"int32-typed", typed(6, fTensorInt32Data, packedVar), "3 -1"},
		{"int8-raw", rawT(3, []byte{0x7f, 0x80}), "127 -128"},
		{"uint8-raw", rawT(2, []byte{0xff, 0}), "255 0"},
		{"uint64-typed", typed(13, fTensorUint64Data, packedVar), "3 18446744073709551615"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			b := model([]pb{node("Mul", "m", []string{"x", "c"}, []string{"y"})}, []pb{c.t}, vinfo("x", 1, 2), vinfo("y", 1, 2))
			n, err := ReadONNX(b, nil)
			if err != nil {
				t.Fatal(err)
			}
			if got := evalStr(n, "1", "1"); got != c.want {
				t.Errorf("got %s, want %s", got, c.want)
			}
		})
	}
}

// TestONNXRefusals: each bad input is a clear error naming the node or tensor.
func TestONNXRefusals(t *testing.T) {
	good := mlp()
	in, out := vinfo("x", 1, 1, 2), vinfo("y", 1, 1, 2)
	nan := tensorF32("Wnan", []int64{2}, []float32{1, float32(math.NaN())})
	huge := pb{}.varint(fTensorDims, 1_000_000).varint(fTensorDims, 1_000_000).varint(fTensorDataType, 1).str(fTensorName, "big")
	ext := pb{}.varint(fTensorDims, 2).varint(fTensorDataType, 1).str(fTensorName, "far").
		msg(fTensorExternalData, pb{}.str(1, "location").str(2, "weights.bin")).varint(fTensorDataLocation, 1)
	short := pb{}.varint(fTensorDims, 3).varint(fTensorDataType, 1).str(fTensorName, "short").msg(fTensorRawData, f32bytes(1, 2))
	cases := []struct {
		name string
		b    []byte
		want string
	}{
		{"truncated", good[:len(good)-7], "truncated"},
		{"garbage", []byte("\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff"), "protobuf"},
		{"empty", []byte{}, "no graph"},
		{"unknown-op", model([]pb{node("Softmax", "soft", []string{"x"}, []string{"y"})}, nil, in, out), `node "soft" (op_type Softmax)`},
		{"dynamic-shape", model([]pb{node("Relu", "r", []string{"x"}, []string{"y"})}, nil, vinfo("x", 1, 1, "features"), out), `graph input "x": dimension 1 is symbolic "features"`},
		{"no-shape", model([]pb{node("Relu", "r", []string{"x"}, []string{"y"})}, nil, pb{}.str(fValueName, "x").msg(fValueType, pb{}.msg(fTypeTensor, pb{}.varint(fTypeTensorElem, 1))), out), "no shape"},
		{"huge-dims", model([]pb{node("Mul", "m", []string{"x", "big"}, []string{"y"})}, []pb{huge}, in, out), `tensor "big": dimensions [1000000 1000000] promise more than`},
		{"short-data", model([]pb{node("Mul", "m", []string{"x", "short"}, []string{"y"})}, []pb{short}, in, out), `tensor "short": dims [3] promise 3 elements`},
		{"external", model([]pb{node("Mul", "m", []string{"x", "far"}, []string{"y"})}, []pb{ext}, in, out), `tensor "far": its data is stored in an external file`},
		{"nan", model([]pb{node("Mul", "m", []string{"x", "Wnan"}, []string{"y"})}, []pb{nan}, in, out), `tensor "Wnan": element 1 is NaN`},
		{"non-chain", model([]pb{node("Relu", "r1", []string{"x"}, []string{"a"}), node("Relu", "r2", []string{"x"}, []string{"b"}), node("Add", "sum", []string{"a", "b"}, []string{"y"})}, nil, in, out), `node "r2" (op_type Relu): reads "x", which another node already consumed`},
		{"self-add", model([]pb{node("Add", "dbl", []string{"x", "x"}, []string{"y"})}, nil, in, out), `node "dbl" (op_type Add): reads the chain's value "x" twice`},
		{"div-by-x", model([]pb{node("Div", "inv", []string{"c", "x"}, []string{"y"})}, []pb{tensorF32("c", []int64{2}, []float32{1, 1})}, in, out), `node "inv" (op_type Div): divides a constant`},
		{"div-by-zero", model([]pb{node("Div", "d0", []string{"x", "c"}, []string{"y"})}, []pb{tensorF32("c", []int64{2}, []float32{1, 0})}, in, out), `node "d0" (op_type Div): divides by element 1`},
		{"int-input", model([]pb{node("Relu", "r", []string{"x"}, []string{"y"})}, nil, vinfo("x", 7, 1, 2), out), `graph input "x" has element type I64`},
		{"wrong-output", model([]pb{node("Relu", "r", []string{"x"}, []string{"a"})}, nil, in, out), `graph output "y" is not the end of the chain`},
		{"unknown-attr", model([]pb{node("Relu", "r", []string{"x"}, []string{"y"}, iattr("bogus", 1))}, nil, in, out), `node "r" (op_type Relu): attribute(s) bogus not supported`},
		{"output-shape", model([]pb{node("Relu", "r", []string{"x"}, []string{"y"})}, nil, in, vinfo("y", 1, 1, 3)), `graph output "y" is declared with 3 elements but the chain computes 2`},
		{"redefined", model([]pb{node("Relu", "r", []string{"x"}, []string{"c"})}, []pb{tensorF32("c", []int64{2}, []float32{1, 1})}, in, out), `node "r" (op_type Relu): output "c" is already defined`},
		{"missing-operand", model([]pb{node("Add", "a", []string{"x", ""}, []string{"y"})}, nil, in, out), `node "a" (op_type Add): an operand is missing`},
		{"empty-result", model([]pb{node("Mul", "m", []string{"x", "e"}, []string{"y"})}, []pb{tensorF32("e", []int64{0, 1}, nil)}, in, vinfo("y", 1, 0, 2)), `node "m" (op_type Mul): its output "y" has no elements`},
		{"domain", model([]pb{append(node("Relu", "r", []string{"x"}, []string{"y"}), pb{}.str(fNodeDomain, "com.microsoft")...)}, nil, in, out), `operator domain "com.microsoft"`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Read(c.b, nil)
			if err == nil {
				t.Fatalf("accepted")
			}
			if !strings.Contains(err.Error(), c.want) {
				t.Errorf("error %q does not say %q", err, c.want)
			}
		})
	}
}

func protoNum(n int) protowire.Number { return protowire.Number(n) }

func appendVarints(b []byte, v ...uint64) []byte {
	for _, x := range v {
		for x >= 0x80 {
			b = append(b, byte(x)|0x80)
			x >>= 7
		}
		b = append(b, byte(x))
	}
	return b
}
