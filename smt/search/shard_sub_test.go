package search

import (
	"context"
	"strings"
	"testing"
	"time"

	"certify/smt"
)

// A first-layer case whose second level has too many sub-cases to enumerate stays
// undecided, naming the limit, instead of failing the whole run: orbit 29 of (2,3) on 8
// alternating points (127 patterns for 3 second-layer units).
func TestSplitSubTooLargeUndecided(t *testing.T) {
	if smt.Z3Binary.Available() != nil {
		t.Skip("no z3 program")
	}
	d, err := Alternating(8)
	if err != nil {
		t.Fatal(err)
	}
	a := Arch{InputDim: 1, Hidden: []int{2, 3}, Outputs: 1}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	p, err := ExistsSplitShardLimit(ctx, smt.Z3Binary, a, d, 0, 30, 90, time.Nanosecond)
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Cases) == 0 {
		t.Fatal("no case in shard 30 of 90")
	}
	for _, c := range p.Cases {
		if c.Outcome != OutcomeUnknown || !strings.Contains(c.SubNote, "more than 200000 sub-cases") {
			t.Errorf("case %s: outcome %s, note %q; want unknown, naming the sub-case limit", c.Case, c.Outcome, c.SubNote)
		}
	}
	if _, taken, err := SubItems(a, d, 0, []int{p.Cases[0].Index}, 100); err != nil || len(taken) != 0 {
		t.Errorf("SubItems: taken %v, %v; want none taken", taken, err)
	}
}
