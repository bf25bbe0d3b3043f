package smt

import "testing"

func TestSplitCases(t *testing.T) {
	// Multisets of m units over 2(n+1) kinds: C(2(n+1)+m−1, m).
	for _, c := range []struct{ n, m, want int }{{4, 1, 10}, {4, 2, 55}, {6, 2, 105}, {6, 3, 560}} {
		if got := len(splitCases(c.n, c.m)); got != c.want {
			t.Errorf("splitCases(%d, %d): %d cases, want %d", c.n, c.m, got, c.want)
		}
	}
}
