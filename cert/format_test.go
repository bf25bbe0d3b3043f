package cert

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func decodeFile(t *testing.T, path string) *Certificate {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	c, err := Decode(f, filepath.Dir(path), fixtureLimits)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestDecodeErrorsNameTheField(t *testing.T) {
	base, err := os.ReadFile(filepath.Join("..", "testdata", "certs", "valid", "tent_exact.json"))
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct{ from, to, want string }{
		{`"input_dim": 1`, `"input_dim": 0`, "network.input_dim"},
		{`"input_dim": 1`, `"input_dim": "1"`, "network.input_dim"},
		{`"input_dim": 1`, `"input_dim": 1.5`, "network.input_dim"},
		{`"kind": "exact"`, `"kind": 3`, "claims[0].kind"},
		{`"activation": "relu"`, `"activation": "leaky-relu:x"`, "layers[0].activation"},
		{`"format": "certify/v1"`, `"format": ""`, "format"},
		{`"parameters": 7`, `"parameters": -7e2`, "parameters"},
		{`"task": "regression"`, `"task": "ranking"`, "dataset.task"},
	}
	for _, c := range cases {
		in := strings.Replace(string(base), c.from, c.to, 1)
		if in == string(base) {
			t.Fatalf("fixture does not contain %q", c.from)
		}
		_, err := Decode(strings.NewReader(in), ".", Limits{})
		var me *MalformedError
		if !errors.As(err, &me) {
			t.Errorf("%s → %s: want a MalformedError, got %v", c.from, c.to, err)
			continue
		}
		if !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s → %s: error %q does not name %q", c.from, c.to, err, c.want)
		}
	}
}

// Limits refuse oversized input before work is done.
func TestDecodeLimits(t *testing.T) {
	base, _ := os.ReadFile(filepath.Join("..", "testdata", "certs", "valid", "tent_exact.json"))
	huge := strings.Replace(string(base), `"-1/2"`, `"-1/`+strings.Repeat("7", 1_000_000)+`"`, 1)
	_, err := Decode(strings.NewReader(huge), ".", Limits{})
	if err == nil || !strings.Contains(err.Error(), "digits") || !strings.Contains(err.Error(), "biases[1]") {
		t.Errorf("million-digit denominator: %v", err)
	}
	if _, err := Decode(strings.NewReader(string(base)), ".", Limits{MaxFileBytes: 100}); err == nil {
		t.Error("file-size limit not enforced")
	}
	if _, err := Decode(strings.NewReader(string(base)), ".", Limits{MaxPoints: 2}); err == nil || !strings.Contains(err.Error(), "limit") {
		t.Errorf("point limit not enforced: %v", err)
	}
	if _, err := Decode(strings.NewReader(string(base)), ".", Limits{MaxParams: 3}); err == nil || !strings.Contains(err.Error(), "parameters") {
		t.Errorf("parameter limit not enforced: %v", err)
	}
	// The limit counts the parameters written: a layer of 20 000 units reading one input has
	// 40 000 (Park et al.'s wide layers are like this), not 20 000².
	wide := `{"format": "certify/v1", "network": {"input_dim": 1, "layers": [` +
		`{"activation": "relu", "weights": [` + strings.Repeat(`["1"],`, 19999) + `["1"]], "biases": [` + strings.Repeat(`"0",`, 19999) + `"0"]},` +
		`{"activation": "identity", "weights": [[` + strings.Repeat(`"1",`, 19999) + `"1"]], "biases": ["0"]}]}, "claims": [{"kind": "sizes", "parameters": 60001}]}`
	if _, err := Decode(strings.NewReader(wide), ".", Limits{MaxParams: 60001}); err != nil {
		t.Errorf("a wide layer within the parameter limit: %v", err)
	}
	if _, err := Decode(strings.NewReader(wide), ".", Limits{MaxParams: 60000}); err == nil || !strings.Contains(err.Error(), "parameters") {
		t.Errorf("a wide layer one parameter over the limit: %v", err)
	}
}

func TestDatasetDuplicates(t *testing.T) {
	ds, err := loadCSVString(t, "1,2,0\n3,4,1\n1,2,0\n5,6,1\n", Classification)
	if err != nil {
		t.Fatal(err)
	}
	if len(ds.Duplicates) != 1 || ds.Duplicates[0] != [2]int{0, 2} {
		t.Errorf("duplicates = %v, want [[0 2]]", ds.Duplicates)
	}
	_, err = loadCSVString(t, "1,2,0\n3,4,1\n3,4,0\n", Classification)
	var ce *ConflictError
	if !errors.As(err, &ce) || ce.I != 1 || ce.J != 2 {
		t.Fatalf("want a conflict naming points 1 and 2, got %v", err)
	}
	// Equal as rationals though written differently.
	_, err = loadCSVString(t, "0.5,1\n1/2,0\n", Classification)
	if !errors.As(err, &ce) {
		t.Fatalf("0.5 and 1/2 are the same input: %v", err)
	}
	if _, err := loadCSVString(t, "", Classification); err == nil || !strings.Contains(err.Error(), "empty") {
		t.Errorf("empty dataset: %v", err)
	}
	if _, err := loadCSVString(t, "1,2,0\n1,0\n", Classification); err == nil || !strings.Contains(err.Error(), "line 2") {
		t.Errorf("ragged CSV: %v", err)
	}
	if _, err := loadCSVString(t, "1,2,0.5\n", Classification); err == nil || !strings.Contains(err.Error(), "class label") {
		t.Errorf("fractional class label: %v", err)
	}
	ds, err = loadCSVString(t, "1,2,1/3\n", Regression)
	if err != nil || ds.Targets[0][0].RatString() != "1/3" {
		t.Errorf("regression CSV: %v", err)
	}
}
