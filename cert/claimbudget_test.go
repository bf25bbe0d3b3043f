package cert

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// Every claim checked as a whole honours the time limit: with a timeout too small to do
// anything, the fixture's claim of that kind is Undecided (limit-reached) with a message
// naming the limit and how far the check got, quickly; without a timeout its verdict is
// the fixture's.
func TestWholeClaimsHonourTimeout(t *testing.T) {
	cases := []struct {
		file, kind, msg string
	}{
		{"hyperplanes_bubeck.json", "hyperplanes", "time limit 1ns reached after 0 of 3 hyperplanes"},
		{"nofit_farkas_width2.json", "no-fit", "time limit 1ns reached after 0 of 97 leaves"},
		{"nofit_farkas_two_layers.json", "no-fit", "time limit 1ns reached after 0 of "},
		{"theorem_zhang.json", "theorem", "time limit 1ns reached after 0 of "},
		{"theorem_yun_relu.json", "theorem", "time limit 1ns reached after 0 of "},
		{"theorem_sawtooth_L2.json", "theorem", "time limit 1ns reached after 0 of "},
	}
	for _, tc := range cases {
		t.Run(tc.file, func(t *testing.T) {
			path := filepath.Join("..", "testdata", "certs", "valid", tc.file)
			f, err := os.Open(path)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			c, err := Decode(f, filepath.Dir(path), fixtureLimits)
			if err != nil {
				t.Fatal(err)
			}
			start := time.Now()
			rep, err := Check(c, Options{Timeout: time.Nanosecond, Theorems: fixtureTheorems})
			el := time.Since(start)
			if err != nil {
				t.Fatal(err)
			}
			seen := false
			for _, r := range rep.Claims {
				if r.Kind != tc.kind {
					continue
				}
				seen = true
				if r.Status != Undecided || r.Failure == nil || r.Failure.Code != CodeLimit {
					t.Fatalf("claims[%d]: %v %v, want undecided limit-reached", r.Index, r.Status, r.Failure)
				}
				if !strings.Contains(r.Failure.Message, tc.msg) {
					t.Errorf("claims[%d]: message %q, want it to contain %q", r.Index, r.Failure.Message, tc.msg)
				}
			}
			if !seen {
				t.Fatalf("no %s claim in %s", tc.kind, tc.file)
			}
			if rep.Status != Undecided {
				t.Errorf("report %v, want undecided", rep.Status)
			}
			if el > 2*time.Second {
				t.Errorf("%v to stop", el)
			}
			rep, err = Check(c, Options{Theorems: fixtureTheorems})
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range rep.Claims {
				if r.Kind == tc.kind && r.Status != Verified {
					t.Errorf("without a timeout claims[%d]: %v %v, want verified", r.Index, r.Status, r.Failure)
				}
			}
			if rep.Status != Verified {
				t.Errorf("without a timeout: %v %v, want verified (as the .want file)", rep.Status, rep.First)
			}
		})
	}
}

// The number size limit bounds the numbers that compound in claims checked as a whole:
// the product ∏(1 + (p−1)·m_l) of a no-fit claim by pieces (one factor per layer), the
// sums of a Farkas leaf (a denominator per row) and the entries of the elimination that
// decides a hyperplane's affine independence (quotients of minors). Past it the claim is Undecided (limit-reached) naming the limit; under it the
// verdict is unchanged.
func TestWholeClaimsHonourBitLimit(t *testing.T) {
	plane := `{"format": "certify/v1",
 "network": {"input_dim": 3, "layers": [{"activation": "identity", "weights": [["0", "0", "1"]], "biases": ["0"]}]},
 "dataset": {"task": "regression", "inputs": [["0", "0", "1"], ["37", "91", "1"], ["53", "17", "1"], ["0", "0", "0"]],
   "targets": [["1"], ["1"], ["1"], ["0"]]},
 "claims": [{"kind": "hyperplanes", "planes": [{"normal": ["0", "0", "1"], "offset": "1", "points": [0, 1, 2]}]}]}`
	read := func(name string) string {
		raw, err := os.ReadFile(filepath.Join("..", "testdata", "certs", "valid", name))
		if err != nil {
			t.Fatal(err)
		}
		return string(raw)
	}
	for _, tc := range []struct {
		name, cert string
		bits       int
		msg        string
	}{
		{"hyperplanes", plane, 10, "number size limit of 10 bits reached at pivot 1 (the affine rank of the points of hyperplane 0)"},
		{"no-fit", read("nofit_telgarsky_k4.json"), 3, "number size limit of 3 bits reached in the bound ∏(1 + (p−1)·m_l) at architecture.hidden[1]"},
		{"farkas", read("nofit_farkas_width2.json"), 1, "number size limit of 1 bits reached in the combination of the rows, at farkas["},
	} {
		c, err := Decode(strings.NewReader(tc.cert), ".", fixtureLimits)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		rep, err := Check(c, Options{MaxValueBits: tc.bits})
		if err != nil {
			t.Fatal(err)
		}
		if f := rep.First; rep.Status != Undecided || f == nil || f.Code != CodeLimit || !strings.HasPrefix(f.Message, tc.msg) {
			t.Errorf("%s at %d bits: %v %v, want undecided limit-reached %q", tc.name, tc.bits, rep.Status, f, tc.msg)
		}
		if rep, err := Check(c, Options{}); err != nil || rep.Status != Verified {
			t.Errorf("%s at the default limit: %v %v, want verified", tc.name, rep, err)
		}
	}
}
