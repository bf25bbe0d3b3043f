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
