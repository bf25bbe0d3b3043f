package cert

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"certify/internal/corpus"
)

// validFixtures reads testdata/certs/valid/*.json by base name.
func validFixtures(t testing.TB) map[string][]byte {
	files, err := filepath.Glob(filepath.Join("..", "testdata", "certs", "valid", "*.json"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no valid fixtures: %v", err)
	}
	out := map[string][]byte{}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		out[strings.TrimSuffix(filepath.Base(f), ".json")] = b
	}
	return out
}

// handWritten are malformed certificates the generator does not make.
var handWritten = map[string]string{
	"empty":             ``,
	"bom":               "\xef\xbb\xbf{}",
	"array":             `[]`,
	"string":            `"certify/v1"`,
	"nested-deep":       strings.Repeat("[", 10000),
	"no-claims":         `{"format":"certify/v1"}`,
	"claim-not-object":  `{"format":"certify/v1","claims":["exact"]}`,
	"claim-no-kind":     `{"format":"certify/v1","claims":[{}]}`,
	"kind-escape-dup":   `{"format":"certify/v1","claims":[{"kind":"exact","\u006bind":"sizes"}]}`,
	"kelvin-kind":       `{"format":"certify/v1","claims":[{"\u212aind":"exact"}]}`,
	"lone-surrogate":    `{"format":"certify/v1","provenance":{"notes":"\ud800"},"claims":[{"kind":"exact"}]}`,
	"control-char":      "{\"format\":\"certify/v1\",\"provenance\":{\"notes\":\"a\tb\"},\"claims\":[{\"kind\":\"exact\"}]}",
	"trailing":          `{"format":"certify/v1","claims":[{"kind":"exact"}]} {}`,
	"input-dim-float":   `{"format":"certify/v1","network":{"input_dim":1.5,"layers":[]},"claims":[{"kind":"exact"}]}`,
	"input-dim-exp":     `{"format":"certify/v1","network":{"input_dim":1e1,"layers":[]},"claims":[{"kind":"exact"}]}`,
	"label-huge":        `{"format":"certify/v1","network":{"input_dim":1,"layers":[{"activation":"identity","weights":[["1"]],"biases":["0"]}]},"dataset":{"inputs":[["0"]],"labels":[99999999999999999999]},"claims":[{"kind":"exact"}]}`,
	"label-negative":    `{"format":"certify/v1","network":{"input_dim":1,"layers":[{"activation":"identity","weights":[["1"]],"biases":["0"]}]},"dataset":{"inputs":[["0"]],"labels":[-1]},"claims":[{"kind":"exact"}]}`,
	"points-huge-index": `{"format":"certify/v1","network":{"input_dim":1,"layers":[{"activation":"relu","weights":[["1"]],"biases":["0"]},{"activation":"identity","weights":[["1"]],"biases":["0"]}]},"dataset":{"inputs":[["0"]],"labels":[0]},"claims":[{"kind":"patterns","points":[99999999999],"patterns":[["0"]]}]}`,
	"sha-uppercase":     `{"format":"certify/v1","network":{"input_dim":1,"layers":[{"activation":"identity","weights":[["1"]],"biases":["0"]}]},"dataset":{"source":{"format":"csv","path":"x.csv","sha256":"` + strings.Repeat("A", 64) + `"}},"claims":[{"kind":"exact"}]}`,
	"source-nul-path":   `{"format":"certify/v1","network":{"input_dim":1,"layers":[{"activation":"identity","weights":[["1"]],"biases":["0"]}]},"dataset":{"source":{"format":"csv","path":"a\u0000b","sha256":"` + strings.Repeat("0", 64) + `"}},"claims":[{"kind":"exact"}]}`,
	"source-format":     `{"format":"certify/v1","network":{"input_dim":1,"layers":[{"activation":"identity","weights":[["1"]],"biases":["0"]}]},"dataset":{"source":{"format":"npz","path":"x"}},"claims":[{"kind":"exact"}]}`,
	"slope-nan":         `{"format":"certify/v1","network":{"input_dim":1,"layers":[{"activation":"leaky-relu:NaN","weights":[["1"]],"biases":["0"]}]},"claims":[{"kind":"sizes","depth":1}]}`,
	"margin-zero":       `{"format":"certify/v1","network":{"input_dim":1,"layers":[{"activation":"identity","weights":[["1"]],"biases":["0"]}]},"dataset":{"inputs":[["0"]],"labels":[0]},"claims":[{"kind":"argmax","margin":"0"}]}`,
	"epsilon-negative":  `{"format":"certify/v1","network":{"input_dim":1,"layers":[{"activation":"identity","weights":[["1"]],"biases":["0"]}]},"dataset":{"inputs":[["0"]],"labels":[0]},"claims":[{"kind":"epsilon","epsilon":"-1"}]}`,
}

// TestMalformedCorpus: every generated and hand-written malformed certificate is refused
// with a *MalformedError that names a field, never a panic or another error.
func TestMalformedCorpus(t *testing.T) {
	cases := corpus.Generate(validFixtures(t))
	for name, s := range handWritten {
		cases = append(cases, corpus.Case{Name: "hand/" + name, Data: []byte(s)})
	}
	if len(cases) < 200 {
		t.Fatalf("only %d cases", len(cases))
	}
	kinds := map[string]bool{}
	for _, c := range cases {
		c := c
		t.Run(c.Name, func(t *testing.T) {
			_, err := Decode(bytes.NewReader(c.Data), filepath.Join("..", "testdata", "certs", "valid"), fixtureLimits)
			var me *MalformedError
			switch {
			case err == nil:
				t.Fatalf("accepted")
			case !errors.As(err, &me):
				t.Fatalf("not a *MalformedError: %T %v", err, err)
			case me.Path == "":
				t.Fatalf("no field path: %v", err)
			case c.PathPrefix != "" && !strings.HasPrefix(me.Path, c.PathPrefix):
				t.Fatalf("path %q, want a path under %q (%v)", me.Path, c.PathPrefix, err)
			}
		})
	}
	for _, raw := range validFixtures(t) {
		var w struct {
			Claims []struct {
				Kind string `json:"kind"`
			} `json:"claims"`
		}
		if err := json.Unmarshal(raw, &w); err == nil {
			for _, c := range w.Claims {
				kinds[c.Kind] = true
			}
		}
	}
	for _, k := range strings.Split(knownKinds(), ", ") {
		if !kinds[k] {
			t.Errorf("claim kind %q has no valid fixture, so the corpus does not cover it", k)
		}
	}
	t.Logf("%d malformed cases", len(cases))
}
