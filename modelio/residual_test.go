package modelio

import (
	"strings"
	"testing"
)

// resnet is a one-block ResNet as an exporter writes it (Yun et al. 2019, §4):
// h = x + V·relu(U·x + b) + c, y = W·h, the skip connection an Add of the block's input.
func resnet(addIn []string) []byte {
	return model([]pb{
		node("Gemm", "fc_u", []string{"x", "U", "b"}, []string{"u"}, iattr("transB", 1)),
		node("Relu", "relu", []string{"u"}, []string{"a"}),
		node("Gemm", "fc_v", []string{"a", "V", "c"}, []string{"v"}, iattr("transB", 1)),
		node("Add", "skip", addIn, []string{"h"}),
		node("MatMul", "out", []string{"h", "Wt"}, []string{"y"}),
	}, []pb{
		tensorF32("U", []int64{3, 2}, []float32{1, 1, 1, -1, -1, 1}),
		tensorF32("b", []int64{3}, []float32{-1, 0, 0}),
		tensorF32("V", []int64{2, 3}, []float32{-2, 1, 1, 1, 0.5, 0}),
		tensorF32("c", []int64{2}, []float32{0, 0.25}),
		tensorF32("Wt", []int64{2, 1}, []float32{1, 3}),
	}, vinfo("x", 1, "batch", 2), vinfo("y", 1, "batch", 1))
}

func TestONNXResidualBlock(t *testing.T) {
	for _, in := range [][]string{{"v", "x"}, {"x", "v"}} {
		m, err := Read(resnet(in), nil)
		if err != nil {
			t.Fatal(err)
		}
		n := m.Network
		if len(n.Layers) != 3 || !n.Layers[1].Residual || n.Layers[0].Residual || n.Layers[2].Residual {
			t.Fatalf("Add%v: layers %d, residual flags %v %v", in, len(n.Layers), n.Layers[1].Residual, n.Layers[2].Residual)
		}
		// x = (2, 1): u = (2, 1, −1) → a = (2, 1, 0); v = (−3, 2.75); h = (−1, 3.75); y = 10.25.
		if got := evalStr(n, "2", "1"); got != "41/4" {
			t.Errorf("Add%v: f(2, 1) = %s, want 41/4", in, got)
		}
		// x = (0, 0): a = 0, h = c = (0, 1/4), y = 3/4.
		if got := evalStr(n, "0", "0"); got != "3/4" {
			t.Errorf("Add%v: f(0, 0) = %s, want 3/4", in, got)
		}
		if s := n.ComputeSizes(); s.HiddenUnits != 3 {
			t.Errorf("hidden units %d, want the block's 3 ReLUs", s.HiddenUnits)
		}
	}
}

// An Add of a value that is not the last layer's input is not a residual block: the
// reader refuses it as before (the graph is not a chain).
func TestONNXResidualRefused(t *testing.T) {
	_, err := Read(resnet([]string{"v", "u"}), nil)
	if err == nil || !strings.Contains(err.Error(), "consumed") {
		t.Fatalf("Add(v, u): got %v, want a refusal", err)
	}
}
