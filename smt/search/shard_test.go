package search

import (
	"context"
	"testing"
	"time"

	"certify/smt"
)

// Every case is in exactly one shard, a case and its mirror in the same one, and a shard
// can be empty (more shards than orbits).
func TestSplitShardOf(t *testing.T) {
	d, err := Alternating(7)
	if err != nil {
		t.Fatal(err)
	}
	a := Arch{InputDim: 1, Hidden: []int{2, 2}, Outputs: 1}
	for _, n := range []int{1, 2, 3, 7, 200} {
		shard, err := SplitShardOf(a, d, n)
		if err != nil {
			t.Fatal(err)
		}
		if len(shard) != 136 {
			t.Fatalf("%d cases, want 136", len(shard))
		}
		cases := splitCases(7, 2)
		index := map[string]int{}
		for i, cs := range cases {
			index[fmtCase(cs)] = i
		}
		for i, s := range shard {
			if s < 1 || s > n {
				t.Fatalf("n=%d: case %d in shard %d", n, i, s)
			}
			if m := index[fmtCase(mirrorCase(cases[i], 7))]; shard[m] != s {
				t.Errorf("n=%d: case %d in shard %d, its mirror %d in %d", n, i, s, m, shard[m])
			}
		}
	}
}

// The merged partials of n shards give the single run's answer and proof script, byte
// for byte (z3's answers on these small cases do not depend on the time given).
func TestSplitShardsMerge(t *testing.T) {
	if smt.Z3Binary.Available() != nil {
		t.Skip("no z3 program")
	}
	defer func(l time.Duration) { splitCaseLimit = l }(splitCaseLimit)
	splitCaseLimit = time.Second // the open cases go to the second level at once
	for _, tc := range []struct {
		widths []int
		n      int
		want   smt.Status
	}{{[]int{1, 2}, 4, smt.Unsat}, {[]int{1, 2}, 3, smt.Sat}} {
		d, err := Alternating(tc.n)
		if err != nil {
			t.Fatal(err)
		}
		a := Arch{InputDim: 1, Hidden: tc.widths, Outputs: 1}
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
		single, err := Exists(ctx, smt.Z3Binary, a, d, EncSplit, smt.DefaultMaxDigits)
		if err != nil || single.Status != tc.want {
			t.Fatalf("%v N=%d single run: %v %v", tc.widths, tc.n, single, err)
		}
		for _, n := range []int{1, 2, 3, 7} {
			var parts []*SplitPartial
			empty := false
			for i := 1; i <= n; i++ {
				p, err := ExistsSplitShard(ctx, smt.Z3Binary, a, d, smt.DefaultMaxDigits, i, n)
				if err != nil {
					t.Fatal(err)
				}
				empty = empty || len(p.Cases) == 0
				parts = append(parts, p)
			}
			m, err := MergeSplit(a, d, smt.DefaultMaxDigits, parts)
			if err != nil {
				t.Fatalf("n=%d: %v", n, err)
			}
			// Notes carry solver times; the answer and the proof are the same.
			if m.Status != single.Status || m.Script != single.Script {
				t.Errorf("%v N=%d, %d shards: merged %s %q, single %s %q", tc.widths, tc.n, n, m.Status, m.Note, single.Status, single.Note)
			}
			if n > 1 {
				if _, err := MergeSplit(a, d, smt.DefaultMaxDigits, parts[1:]); err == nil {
					t.Errorf("n=%d: a missing shard was merged", n)
				}
				if _, err := MergeSplit(a, d, smt.DefaultMaxDigits, append(parts, parts[0])); err == nil && len(parts[0].Cases) > 0 {
					t.Errorf("n=%d: a duplicated shard was merged", n)
				}
			}
		}
		cancel()
	}
}

func fmtCase(cs []splitUnit) string { return caseName(cs) }
