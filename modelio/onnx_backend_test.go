package modelio

import (
	"errors"
	"math"
	"math/big"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
)

// onnxTestData is where Debian's libonnx-testdata puts ONNX's backend test models: the
// node tests (one operator each) and models exported from PyTorch.
const onnxTestData = "/usr/share/libonnx-testdata/data"

var onnxTestSuites = []string{"node", "pytorch-converted", "pytorch-operator", "simple"}

// mustImport are node tests of the operators an MLP export uses: each must import and
// compute its expected output. Every other node test must either do the same or be
// refused with an error naming the node and its op_type (or the input it cannot read).
var mustImport = []string{
	"test_gemm_all_attributes", "test_gemm_alpha", "test_gemm_beta", "test_gemm_default_matrix_bias",
	"test_gemm_default_no_bias", "test_gemm_default_scalar_bias", "test_gemm_default_single_elem_vector_bias",
	"test_gemm_default_vector_bias", "test_gemm_default_zero_bias", "test_gemm_transposeA", "test_gemm_transposeB",
	"test_matmul_2d", "test_matmul_3d", "test_matmul_4d",
	"test_relu", "test_add", "test_add_bcast", "test_sub", "test_sub_bcast", "test_mul", "test_mul_bcast",
	"test_div", "test_div_bcast", "test_leakyrelu", "test_leakyrelu_default", "test_leakyrelu_example",
	"test_clip", "test_clip_default_inbounds", "test_clip_default_max", "test_clip_default_min",
	"test_clip_example", "test_clip_inbounds", "test_clip_outbounds", "test_clip_splitbounds",
	"test_flatten_axis0", "test_flatten_axis1", "test_flatten_axis2", "test_flatten_axis3", "test_flatten_default_axis",
	"test_flatten_negative_axis1", "test_reshape_reordered_all_dims", "test_reshape_negative_dim",
	"test_identity", "test_neg", "test_transpose_default",
	// exported from PyTorch
	"test_Linear", "test_Linear_no_bias", "test_ReLU", "test_LeakyReLU", "test_LeakyReLU_with_negval",
	"test_operator_mm", "test_operator_flatten", "test_operator_view",
	"test_single_relu_model",
}

// TestONNXBackendNodes imports ONNX's own node tests (files nobody here wrote), evaluates
// them exactly, and requires the exact result rounded to float32 to match the expected
// output within the backend tests' tolerance (rtol 1e-3, atol 1e-7). test_operator_addmm
// is refused rightly: it reads its input twice (not a chain).
func TestONNXBackendNodes(t *testing.T) {
	var dirs []string
	for _, suite := range onnxTestSuites {
		d, _ := filepath.Glob(filepath.Join(onnxTestData, suite, "test_*"))
		dirs = append(dirs, d...)
	}
	if len(dirs) == 0 {
		t.Skip("libonnx-testdata is not installed (apt-get install libonnx-testdata; scripts/deps.sh does it)")
	}
	must := map[string]bool{}
	for _, n := range mustImport {
		must[n] = true
	}
	var ok, refused []string
	other := 0
	labelled := regexp.MustCompile(`node "[^"]*" \(op_type [A-Za-z0-9]+\)|graph input "|tensor "|graph: `)
	for _, dir := range dirs {
		name := filepath.Base(dir)
		err := runNodeTest(t, dir)
		var bad badTestData
		switch {
		case errors.As(err, &bad) && !must[name]:
			other++ // inputs that are sequences or optionals, not tensors
		case err == nil:
			ok = append(ok, name)
		case must[name]:
			t.Errorf("%s: %v", name, err)
		case strings.HasPrefix(err.Error(), "MISMATCH"):
			t.Errorf("%s: imported but computes the wrong value: %v", name, err)
		case !labelled.MatchString(err.Error()):
			t.Errorf("%s: refused without naming the node or tensor: %v", name, err)
		default:
			refused = append(refused, name)
		}
		delete(must, name)
	}
	for n := range must {
		t.Errorf("%s: not found under %s", n, onnxTestData)
	}
	sort.Strings(ok)
	t.Logf("%d node tests imported and matched, %d refused by name, %d with inputs that are not tensors", len(ok), len(refused), other)
	if testing.Verbose() {
		t.Logf("imported: %s", strings.Join(ok, " "))
		t.Logf("refused: %s", strings.Join(refused, " "))
	}
}

type mismatch string

func (m mismatch) Error() string { return "MISMATCH " + string(m) }

func runNodeTest(t *testing.T, dir string) error {
	raw, err := os.ReadFile(filepath.Join(dir, "model.onnx"))
	if err != nil {
		return err
	}
	g, err := decodeModel(raw, &Options{})
	if err != nil {
		return err
	}
	set := filepath.Join(dir, "test_data_set_0")
	inits := map[string]bool{}
	for _, it := range g.inits {
		inits[it.Name] = true
	}
	consts := map[string]*Tensor{}
	var data *Tensor
	k := 0
	for _, in := range g.inputs {
		if inits[in.name] {
			continue
		}
		b, err := os.ReadFile(filepath.Join(set, "input_"+itoa(k)+".pb"))
		if err != nil {
			return err
		}
		tt, err := DecodeONNXTensor(b, nil)
		if err != nil {
			return badTestData{err}
		}
		if k == 0 {
			data = tt
		} else {
			consts[in.name] = tt
		}
		k++
	}
	if data == nil {
		return errorString("graph: no input")
	}
	o := &Options{Constants: consts}
	net, err := lowerGraph(g, o)
	if err != nil {
		return err
	}
	b, err := os.ReadFile(filepath.Join(set, "output_0.pb"))
	if err != nil {
		return err
	}
	want, err := DecodeONNXTensor(b, nil)
	if err != nil {
		return err
	}
	if net.InputDim != len(data.Vals) {
		return mismatch("input dimension " + itoa(net.InputDim) + " for " + itoa(len(data.Vals)) + " input values")
	}
	got := net.Eval(data.Vals, nil)
	if len(got) != len(want.Vals) {
		return mismatch("output has " + itoa(len(got)) + " values, want " + itoa(len(want.Vals)))
	}
	for i := range got {
		// The exact value rounded to the output's type (float32, or float64 for double
		// outputs).
		g32, _ := got[i].Float32()
		g := float64(g32)
		if want.DType == F64 {
			g, _ = got[i].Float64()
		}
		w, _ := want.Vals[i].Float64()
		if math.Abs(g-w) > 1e-7+1e-3*math.Abs(w) {
			return mismatch("output " + itoa(i) + ": exact " + got[i].FloatString(9) + " rounds to " + big.NewFloat(g).String() + ", want " + want.Vals[i].FloatString(9))
		}
	}
	return nil
}

// badTestData is a test whose input files this harness cannot read as tensors.
type badTestData struct{ error }

type errorString string

func (e errorString) Error() string { return string(e) }

func itoa(i int) string { return big.NewInt(int64(i)).String() }
