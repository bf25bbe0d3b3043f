package search

import (
	"strings"
	"testing"

	"certify/smt"
)

func TestSplitCases(t *testing.T) {
	// Multisets of m units over 2(n+1) kinds: C(2(n+1)+m−1, m).
	for _, c := range []struct{ n, m, want int }{{4, 1, 10}, {4, 2, 55}, {6, 2, 105}, {6, 3, 560}} {
		if got := len(splitCases(c.n, c.m)); got != c.want {
			t.Errorf("splitCases(%d, %d): %d cases, want %d", c.n, c.m, got, c.want)
		}
	}
}

// A split too large to enumerate is refused before any case is built.
func TestSplitTooManyCases(t *testing.T) {
	if splitCaseCount(1000, 4) != -1 || splitCaseCount(6, 2) != 105 {
		t.Fatalf("splitCaseCount: %d, %d", splitCaseCount(1000, 4), splitCaseCount(6, 2))
	}
	d, err := Alternating(1000)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := SplitScript(Arch{InputDim: 1, Hidden: []int{4, 1}, Outputs: 1}, d, 0); err == nil || !strings.Contains(err.Error(), "cases") {
		t.Errorf("want a clear error, got %v", err)
	}
	if _, err := ExistsQuery(Arch{InputDim: 1, Hidden: []int{1}, Outputs: 1}, d, "bogus", nil, 0); err == nil || !strings.Contains(err.Error(), "unknown encoding") {
		t.Errorf("unknown encoding: %v", err)
	}
}

// ExistsScript is deterministic: the same query gives the same bytes (no map order
// leaks into a script).
func TestExistsScriptDeterministic(t *testing.T) {
	d, err := Alternating(6)
	if err != nil {
		t.Fatal(err)
	}
	a := Arch{InputDim: 1, Hidden: []int{2, 1}, Outputs: 1}
	for _, enc := range Encodings {
		first, err := ExistsScript(a, d, enc, smt.DefaultMaxDigits)
		if err != nil {
			t.Fatalf("%s: %v", enc, err)
		}
		for i := 0; i < 5; i++ {
			again, err := ExistsScript(a, d, enc, smt.DefaultMaxDigits)
			if err != nil || again != first {
				t.Fatalf("%s: run %d gives another script (%v)", enc, i+2, err)
			}
		}
	}
}
