package modelio

import (
	"bytes"
	"math"
	"os"
	"path/filepath"
	"testing"
)

// The CLI's scripts read model files from testdata/models; they are written by this
// test (CERTIFY_UPDATE=1 go test ./modelio -run TestModelFixtures) and checked to be
// up to date otherwise. Each network computes XOR on {0,1}²: h = relu(x1 + x2),
// relu(x1 + x2 − 1); the "index" models output h1 − 2·h2 (the class), the "onehot" ones
// (1 − h1 + 2·h2, h1 − 2·h2).
func modelFixtures() map[string][]byte {
	in1 := vinfo("input", 1, "batch", 2)
	w1 := tensorF32("fc1.weight", []int64{2, 2}, []float32{1, 1, 1, 1})
	b1 := tensorF32("fc1.bias", []int64{2}, []float32{0, -1})
	w2 := tensorF32("fc2.weight", []int64{2, 2}, []float32{-1, 2, 1, -2})
	b2 := tensorF32("fc2.bias", []int64{2}, []float32{1, 0})
	chain := func(extra ...pb) []pb {
		return append([]pb{
			node("Gemm", "/fc1/Gemm", []string{"input", "fc1.weight", "fc1.bias"}, []string{"h"}, iattr("transB", 1)),
			node("Relu", "/relu/Relu", []string{"h"}, []string{"a"}),
			node("Gemm", "/fc2/Gemm", []string{"a", "fc2.weight", "fc2.bias"}, []string{"output"}, iattr("transB", 1)),
		}, extra...)
	}
	out := vinfo("output", 1, "batch", 2)
	fx := map[string][]byte{}
	fx["xor_onehot.onnx"] = model(chain(), []pb{w1, b1, w2, b2}, in1, out)
	// Input normalisation inside the model: (x − 0)/255·255 … the model reads pixels
	// (0 or 255) and divides by 255 itself.
	fx["xor_pixels.onnx"] = model(append([]pb{node("Div", "/norm/Div", []string{"pixels", "scale"}, []string{"input"})}, chain()...),
		[]pb{tensorF32("scale", nil, []float32{255}), w1, b1, w2, b2}, vinfo("pixels", 1, 1, 2), out)
	fx["bad_unknown_op.onnx"] = model(append(chain(), node("Softmax", "/softmax/Softmax", []string{"output"}, []string{"probs"})),
		[]pb{w1, b1, w2, b2}, in1, vinfo("probs", 1, "batch", 2))
	good := fx["xor_onehot.onnx"]
	fx["bad_truncated.onnx"] = good[:len(good)-9]
	nan := tensorF32("fc2.bias", []int64{2}, []float32{1, float32(math.NaN())})
	fx["bad_nan.onnx"] = model(chain(), []pb{w1, b1, w2, nan}, in1, out)
	// fc1.weight in an external data file beside the model (after 4 bytes of padding).
	w1ext := pb{}.varint(fTensorDims, 2).varint(fTensorDims, 2).varint(fTensorDataType, 1).str(fTensorName, "fc1.weight").
		msg(fTensorExternalData, pb{}.str(1, "location").str(2, "xor_external.bin")).
		msg(fTensorExternalData, pb{}.str(1, "offset").str(2, "4")).
		msg(fTensorExternalData, pb{}.str(1, "length").str(2, "16")).varint(fTensorDataLocation, 1)
	fx["xor_external.onnx"] = model(chain(), []pb{w1ext, b1, w2, b2}, in1, out)
	fx["xor_external.bin"] = append([]byte{0, 0, 0, 0}, f32bytes(1, 1, 1, 1)...)
	fx["bad_dynamic.onnx"] = model(chain(), []pb{w1, b1, w2, b2}, vinfo("input", 1, "batch", "features"), out)
	st := map[string]stEntry{
		"0.weight": {"F32", []int{2, 2}, f32bytes(1, 1, 1, 1)},
		"0.bias":   {"F32", []int{2}, f32bytes(0, -1)},
		"2.weight": {"F32", []int{1, 2}, f32bytes(1, -2)},
	}
	fx["xor_index.safetensors"] = safetensorsFile(st)
	fx["xor_index.npz"] = npz(map[string][]byte{
		"0.weight": npy("<f4", []int{2, 2}, f32bytes(1, 1, 1, 1)),
		"0.bias":   npy("<f4", []int{2}, f32bytes(0, -1)),
		"2.weight": npy("<f4", []int{1, 2}, f32bytes(1, -2)),
	})
	st["2.bias"] = stEntry{"F32", []int{1}, f32bytes(float32(math.Inf(-1)))}
	fx["bad_inf.safetensors"] = safetensorsFile(st)
	return fx
}

func TestModelFixtures(t *testing.T) {
	dir := filepath.Join("..", "testdata", "models")
	update := os.Getenv("CERTIFY_UPDATE") != ""
	for name, b := range modelFixtures() {
		p := filepath.Join(dir, name)
		if update {
			if err := os.MkdirAll(dir, 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(p, b, 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		got, err := os.ReadFile(p)
		if err != nil || !bytes.Equal(got, b) {
			t.Errorf("%s is not up to date (CERTIFY_UPDATE=1 go test ./modelio -run TestModelFixtures): %v", p, err)
		}
	}
}
