package modelio

import (
	"math/big"
	"testing"
)

// The fuzz targets feed each decoder arbitrary bytes: it must return a network or an
// error, never panic or run away (the element limit is small so that a hostile size is
// refused quickly), and a network it returns must evaluate.
func fuzzRead(t *testing.T, b []byte, read func([]byte, *Options) (*Model, error)) {
	m, err := read(b, &Options{MaxElements: 1 << 14})
	if err != nil {
		return
	}
	x := make([]*big.Rat, m.Network.InputDim)
	for i := range x {
		x[i] = big.NewRat(int64(i), 3)
	}
	if got := m.Network.Eval(x, nil); len(got) != m.Network.OutputDim() {
		t.Fatalf("output dimension %d, want %d", len(got), m.Network.OutputDim())
	}
}

func only(format string) func([]byte, *Options) (*Model, error) {
	return func(b []byte, o *Options) (*Model, error) {
		m := &Model{Format: format}
		var err error
		var ts []*Tensor
		switch format {
		case "onnx":
			m.Network, err = ReadONNX(b, o)
		case "nnet":
			m.Network, _, err = ReadNNet(b, o)
		case "safetensors":
			if ts, err = ReadSafetensors(b, o); err == nil {
				m.Network, err = Stack(ts, o)
			}
		case "npz":
			if ts, err = ReadNpz(b, o); err == nil {
				m.Network, err = Stack(ts, o)
			}
		case "npy":
			var t *Tensor
			if t, err = ReadNpy(b, "a", o); err == nil {
				t.Name = "0.weight"
				m.Network, err = Stack([]*Tensor{t}, o)
			}
		}
		return m, err
	}
}

func FuzzONNX(f *testing.F) {
	f.Add(mlp())
	in, out := vinfo("x", 1, 1, 2), vinfo("y", 1, 1, 2)
	f.Add(model([]pb{node("Clip", "c", []string{"x", "lo", "hi"}, []string{"t"}), node("Transpose", "tr", []string{"t"}, []string{"y"})},
		[]pb{tensorF32("lo", nil, []float32{0}), tensorF32("hi", nil, []float32{6})}, in, out))
	f.Add(model([]pb{node("MatMul", "mm", []string{"x", "W"}, []string{"y"})}, []pb{tensorF32("W", []int64{2, 2}, []float32{1, 2, 3, 4})}, in, out))
	f.Fuzz(func(t *testing.T, b []byte) { fuzzRead(t, b, only("onnx")) })
}

func FuzzNNet(f *testing.F) {
	f.Add([]byte(nnetFile))
	f.Fuzz(func(t *testing.T, b []byte) { fuzzRead(t, b, only("nnet")) })
}

func FuzzSafetensors(f *testing.F) {
	f.Add(safetensorsFile(stateDict()))
	f.Fuzz(func(t *testing.T, b []byte) { fuzzRead(t, b, only("safetensors")) })
}

func FuzzNpz(f *testing.F) {
	f.Add(npz(map[string][]byte{"0.weight": npy("<f4", []int{1, 2}, f32bytes(1, 2)), "0.bias": npy("<f2", []int{1}, []byte{0, 0x3c})}))
	f.Fuzz(func(t *testing.T, b []byte) { fuzzRead(t, b, only("npz")) })
}

func FuzzNpy(f *testing.F) {
	f.Add(npy("<f4", []int{2, 2}, f32bytes(1, 2, 3, 4)))
	f.Add([]byte("\x93NUMPY\x01\x00\x46\x00{'descr': '>i2', 'fortran_order': True, 'shape': (2, 1), }            \n\x00\x01\x00\x02"))
	f.Fuzz(func(t *testing.T, b []byte) { fuzzRead(t, b, only("npy")) })
}
