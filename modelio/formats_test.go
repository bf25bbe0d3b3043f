package modelio

import (
	"encoding/binary"
	"math"
	"strings"
	"testing"
)

// A 2-2-1 NNet: inputs normalised by means (1, 0) and ranges (2, 4); output
// de-normalised by mean 10 and range 3.
const nnetFile = `// a test network
// second comment line
2,2,1,2,
2,2,1,
0,
-5,-5,
5,5,
1,0,10,
2,4,3,
1,0,
0,-1.5e0,
0.5,
0,
1,2,
-0.25,
`

func TestNNet(t *testing.T) {
	m, err := Read([]byte(nnetFile), nil)
	if err != nil {
		t.Fatal(err)
	}
	if m.Format != "nnet" || len(m.Notes) != 1 || !strings.Contains(m.Notes[0], "x0 in [-5, 5]") {
		t.Fatalf("format %s, notes %v", m.Format, m.Notes)
	}
	// x = (3, 2): normalised (1, 1/2); h = relu(1 + 0.5, −0.75 + 0) = (3/2, 0);
	// y_norm = 3/2 − 1/4 = 5/4; y = 5/4·3 + 10 = 55/4.
	if got := evalStr(m.Network, "3", "2"); got != "55/4" {
		t.Errorf("f(3, 2) = %s, want 55/4", got)
	}
}

// With ClampInputs the network clamps each input to [−5, 5] first, as NNet's reference
// evaluator does: f(9, −7) = f(5, −5), and inside the domain nothing changes.
func TestNNetClampInputs(t *testing.T) {
	m, err := Read([]byte(nnetFile), &Options{ClampInputs: true})
	if err != nil {
		t.Fatal(err)
	}
	plain, err := Read([]byte(nnetFile), nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Network.Layers) != len(plain.Network.Layers)+1 || !strings.Contains(m.Notes[0], "clamped") {
		t.Fatalf("%d layers, notes %v", len(m.Network.Layers), m.Notes)
	}
	for _, c := range [][4]string{{"9", "-7", "5", "-5"}, {"3", "2", "3", "2"}, {"-5", "5", "-5", "5"}, {"-11/2", "1/3", "-5", "1/3"}} {
		if got, want := evalStr(m.Network, c[0], c[1]), evalStr(plain.Network, c[2], c[3]); got != want {
			t.Errorf("clamped f(%s, %s) = %s, want f(%s, %s) = %s", c[0], c[1], got, c[2], c[3], want)
		}
	}
	// A fixed input (min = max) reads its constant.
	fixed := strings.Replace(nnetFile, "-5,-5,\n5,5,", "-5,2,\n5,2,", 1)
	m, err = Read([]byte(fixed), &Options{ClampInputs: true})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := evalStr(m.Network, "1", "-40"), evalStr(plain.Network, "1", "2"); got != want {
		t.Errorf("fixed input: %s, want %s", got, want)
	}
	bad := strings.Replace(nnetFile, "-5,-5,\n5,5,", "6,-5,\n5,5,", 1)
	if _, err := Read([]byte(bad), &Options{ClampInputs: true}); err == nil || !strings.Contains(err.Error(), "above its maximum") {
		t.Errorf("min > max: %v", err)
	}
}

func TestNNetRefusals(t *testing.T) {
	cases := map[string]string{
		"short":      nnetFile[:strings.Index(nnetFile, "0.5,")],
		"extra":      nnetFile + "7,\n",
		"bad-number": strings.Replace(nnetFile, "-0.25", "-0.2x5", 1),
		"nan":        strings.Replace(nnetFile, "-0.25", "nan", 1),
		"zero-range": strings.Replace(nnetFile, "2,4,3,", "2,0,3,", 1),
		"sizes":      strings.Replace(nnetFile, "2,2,1,\n", "3,2,1,\n", 1),
	}
	want := map[string]string{"short": "ends inside layer 1", "extra": "more lines after the last layer",
		"bad-number": "line 15 (layer 2 bias 1)", "nan": "not a decimal", "zero-range": "range 2 is zero", "sizes": "disagree"}
	for name, f := range cases {
		_, _, err := ReadNNet([]byte(f), &Options{})
		if err == nil || !strings.Contains(err.Error(), want[name]) {
			t.Errorf("%s: error %v, want %q", name, err, want[name])
		}
	}
}

// stateDict is an nn.Sequential(Linear(2,3), ReLU(), Linear(3,1)) state dict.
func stateDict() map[string]stEntry {
	return map[string]stEntry{
		"0.weight": {"F32", []int{3, 2}, f32bytes(1, 0, 0, 1, 1, 1)},
		"0.bias":   {"F32", []int{3}, f32bytes(0, 0, -1)},
		"2.weight": {"F32", []int{1, 3}, f32bytes(1, 1, -2)},
		"2.bias":   {"F32", []int{1}, f32bytes(0.5)},
	}
}

func TestSafetensors(t *testing.T) {
	m, err := Read(safetensorsFile(stateDict()), nil)
	if err != nil {
		t.Fatal(err)
	}
	if m.Format != "safetensors" {
		t.Fatalf("format %s", m.Format)
	}
	// x = (1, 2): h = relu(1, 2, 2) ; y = 1 + 2 − 4 + 1/2 = −1/2.
	if got := evalStr(m.Network, "1", "2"); got != "-1/2" {
		t.Errorf("f(1, 2) = %s, want -1/2", got)
	}
	// The same with leaky ReLU given by --activations.
	m, err = Read(safetensorsFile(stateDict()), &Options{Activations: []string{"leaky-relu:1/2"}})
	if err != nil {
		t.Fatal(err)
	}
	// x = (−2, 0): pre-activations (−2, 0, −3) → (−1, 0, −3/2); y = −1 + 0 + 3 + 1/2.
	if got := evalStr(m.Network, "-2", "0"); got != "5/2" {
		t.Errorf("leaky f(−2, 0) = %s, want 5/2", got)
	}
	// dtypes: F64, F16, BF16, I32 weights.
	for _, c := range []struct {
		dt  string
		raw []byte
	}{
		{"F64", binary.LittleEndian.AppendUint64(binary.LittleEndian.AppendUint64(nil, math.Float64bits(1)), math.Float64bits(-0.5))},
		{"F16", []byte{0x00, 0x3c, 0x00, 0xb8}},
		{"BF16", []byte{0x80, 0x3f, 0x00, 0xbf}},
		{"I32", nil},
	} {
		raw := c.raw
		want := "1/2" // 1·1 − 0.5·1
		if c.dt == "I32" {
			raw = binary.LittleEndian.AppendUint32(binary.LittleEndian.AppendUint32(nil, 3), uint32(0xffffffff))
			want = "2"
		}
		b := safetensorsFile(map[string]stEntry{"fc.weight": {c.dt, []int{1, 2}, raw}})
		m, err := Read(b, nil)
		if err != nil {
			t.Fatalf("%s: %v", c.dt, err)
		}
		if got := evalStr(m.Network, "1", "1"); got != want {
			t.Errorf("%s: got %s, want %s", c.dt, got, want)
		}
	}
}

func TestSafetensorsRefusals(t *testing.T) {
	nan := stateDict()
	nan["2.bias"] = stEntry{"F32", []int{1}, f32bytes(float32(math.Inf(1)))}
	other := stateDict()
	other["1.running_mean"] = stEntry{"F32", []int{1}, f32bytes(0)}
	mismatch := stateDict()
	mismatch["2.weight"] = stEntry{"F32", []int{1, 2}, f32bytes(1, 1)}
	cases := []struct {
		name string
		b    []byte
		want string
	}{
		{"inf", safetensorsFile(nan), `tensor "2.bias": element 0 is +Inf`},
		{"batchnorm", safetensorsFile(other), `tensor "1.running_mean": suffix "running_mean"`},
		{"shapes", safetensorsFile(mismatch), `layer "2" reads 2 inputs but the layer before it has 3 outputs`},
		{"truncated", safetensorsFile(stateDict())[:60], "safetensors"},
		{"dup-key", withHeader(`{"a":{},"a":{}}`), `key "a" appears twice`},
		{"unknown-field", withHeader(`{"a.weight":{"dtype":"F32","shape":[],"data_offsets":[0,0],"extra":1}}`), `unknown field "extra"`},
	}
	for _, c := range cases {
		_, err := Read(c.b, nil)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want %q", c.name, err, c.want)
		}
	}
	// Offsets that overlap or leave a gap.
	b := safetensorsFile(map[string]stEntry{"a.weight": {"F32", []int{1, 1}, f32bytes(1)}})
	bad := strings.Replace(string(b), `"data_offsets":[0,4]`, `"data_offsets":[0,8]`, 1)
	if _, err := Read([]byte(bad), nil); err == nil {
		t.Errorf("offsets beyond the data accepted")
	}
}

func TestNpz(t *testing.T) {
	b := npz(map[string][]byte{
		"fc1.weight":  npy("<f4", []int{3, 2}, f32bytes(1, 0, 0, 1, 1, 1)),
		"fc1.bias":    npy("<f4", []int{3}, f32bytes(0, 0, -1)),
		"fc10.weight": npy("<f8", []int{1, 3}, binary.LittleEndian.AppendUint64(binary.LittleEndian.AppendUint64(binary.LittleEndian.AppendUint64(nil, math.Float64bits(1)), math.Float64bits(1)), math.Float64bits(-2))),
		"fc10.bias":   npy("<f4", []int{1}, f32bytes(0.5)),
	})
	m, err := Read(b, nil)
	if err != nil {
		t.Fatal(err)
	}
	if m.Format != "npz" {
		t.Fatalf("format %s", m.Format)
	}
	if got := evalStr(m.Network, "1", "2"); got != "-1/2" {
		t.Errorf("f(1, 2) = %s, want -1/2", got)
	}
	// Flax-style kernels are [in, out] and are transposed.
	b = npz(map[string][]byte{"Dense_0.kernel": npy("<i8", []int{2, 1}, binary.LittleEndian.AppendUint64(binary.LittleEndian.AppendUint64(nil, 2), 3))})
	if m, err = Read(b, nil); err != nil {
		t.Fatal(err)
	}
	if got := evalStr(m.Network, "1", "1"); got != "5" {
		t.Errorf("kernel: got %s, want 5", got)
	}
	// A single .npy is one weight matrix; big-endian is read too.
	be := []byte{0x3f, 0x80, 0, 0, 0xc0, 0, 0, 0}
	if m, err = Read(npy(">f4", []int{1, 2}, be), nil); err != nil {
		t.Fatal(err)
	}
	if got := evalStr(m.Network, "1", "1"); got != "-1" {
		t.Errorf("npy: got %s, want -1", got)
	}
	// Refusals.
	for _, c := range []struct {
		b    []byte
		want string
	}{
		{npz(map[string][]byte{"arr_0": npy("<f4", []int{1, 1}, f32bytes(1))}), `tensor "arr_0": not named PREFIX.weight`},
		{npy("<f4", []int{1000000, 1000000}, nil), "promise more than"},
		{npy("<f4", []int{2, 2}, f32bytes(1, 2)), "needs 16 bytes"},
		{npy("<c8", []int{1}, f32bytes(1, 2)), `dtype "<c8" is not supported`},
		{npz(map[string][]byte{"x.weight": npy("<f4", []int{1, 1}, f32bytes(float32(math.NaN())))}), `tensor "x.weight": element 0 is NaN`},
	} {
		_, err := Read(c.b, nil)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("error %v, want %q", err, c.want)
		}
	}
}

func TestNaturalOrder(t *testing.T) {
	in := []string{"fc10", "fc2", "net.10", "net.2", "fc1", "0", "10", "2"}
	want := "0 2 10 fc1 fc2 fc10 net.2 net.10"
	var got []string
	got = append(got, in...)
	for i := range got {
		for j := i + 1; j < len(got); j++ {
			if naturalLess(got[j], got[i]) {
				got[i], got[j] = got[j], got[i]
			}
		}
	}
	if strings.Join(got, " ") != want {
		t.Errorf("order %v, want %s", got, want)
	}
}

func TestFoldInputAndSniff(t *testing.T) {
	m, _ := Read(safetensorsFile(stateDict()), nil)
	if err := FoldInput(m.Network, rats("1/255", "1/255"), rats("-1", "0")); err != nil {
		t.Fatal(err)
	}
	// x = (510, 510) → x' = (1, 2): same as before.
	if got := evalStr(m.Network, "510", "510"); got != "-1/2" {
		t.Errorf("folded: got %s, want -1/2", got)
	}
	for b, want := range map[string]string{"\x93NUMPY": "npy", "PK\x03\x04": "npz", "// x\n1,2": "nnet", "\x08\x07": "onnx"} {
		if got := Sniff([]byte(b)); got != want {
			t.Errorf("Sniff(%q) = %s, want %s", b, got, want)
		}
	}
}

func withHeader(h string) []byte {
	return append(binary.LittleEndian.AppendUint64(nil, uint64(len(h))), h...)
}

// TestLayersOption: an explicit layer order replaces the natural one, and must name every
// layer of the file exactly once.
func TestLayersOption(t *testing.T) {
	b := safetensorsFile(map[string]stEntry{
		"first.weight":  {"F32", []int{1, 2}, f32bytes(1, 1)},
		"second.weight": {"F32", []int{1, 1}, f32bytes(3)},
	})
	m, err := Read(b, &Options{Layers: []string{"first", "second"}})
	if err != nil {
		t.Fatal(err)
	}
	if got := evalStr(m.Network, "1", "2"); got != "9" {
		t.Errorf("got %s, want 9", got)
	}
	for _, c := range []struct {
		layers []string
		want   string
	}{
		{[]string{"first"}, `layer "second" is in the file but not in the layer list`},
		{[]string{"first", "first", "second"}, `layer "first" listed twice`},
		{[]string{"first", "third"}, `layer "third": no tensor`},
		{[]string{"second", "first"}, `reads 2 inputs but the layer before it has 1 outputs`},
	} {
		_, err := Read(b, &Options{Layers: c.layers})
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%v: error %v, want %q", c.layers, err, c.want)
		}
	}
}
