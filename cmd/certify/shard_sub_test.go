package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"certify/smt"
	"certify/smt/search"
)

// A second round with fine work items (--sub-chunk: the open cases' second-level
// sub-cases in chunks), in 1, 2, 3, 7 and 25 shards (18 items: 25 shards leave some with
// none), merged with the first round, writes the single run's proof script byte for byte.
// The single run sends every case to the second level (--case-limit 1ns); the first
// round is cut at once (--timeout 1ns) and then marked as a first round that gave every
// case its whole first-level limit (what a first round with a short --timeout does to
// the costly cases), so that every open case is taken in fine items.
func TestSplitSubChunkShardsMerge(t *testing.T) {
	if smt.Z3Binary.Available() != nil {
		t.Skip("no z3 program")
	}
	dir := t.TempDir()
	base := []string{"smt", "exists", "--widths", "1,2", "--alternating", "4", "--encoding", "split", "--solver", "z3", "--case-limit", "1ns", "--smt2", "proof.smt2"}
	single := filepath.Join(dir, "single.smt2")
	args := append(append([]string{}, base...), "--timeout", "5m")
	args[len(base)-1] = single
	if out, errs, code := runCLI(args...); code != 0 || !strings.HasPrefix(out, "unsat ") {
		t.Fatalf("single run: exit %d\n%s%s", code, out, errs)
	}
	want, err := os.ReadFile(single)
	if err != nil {
		t.Fatal(err)
	}
	r1 := filepath.Join(dir, "r1")
	for i := 1; i <= 2; i++ {
		p := runTestShard(t, append(append([]string{}, base...), "--timeout", "1ns"), i, 2, r1)
		for k := range p.Split.Cases {
			if c := &p.Split.Cases[k]; c.Outcome == search.OutcomeUnknown {
				c.FirstFull = true
			}
		}
		if _, err := writePartial(r1, p); err != nil {
			t.Fatal(err)
		}
	}
	for _, n := range []int{1, 2, 3, 7, 25} {
		r2 := filepath.Join(dir, fmt.Sprintf("r2-%d", n))
		empty := 0
		for i := 1; i <= n; i++ {
			a := append(append([]string{}, base...), "--timeout", "5m", "--shard", fmt.Sprintf("%d/%d", i, n), "--round", "2", "--from", r1, "--sub-chunk", "100", "--shard-dir", r2)
			out, errs, code := runCLI(a...)
			if code != 0 || strings.Contains(errs, "panic:") {
				t.Fatalf("%v: exit %d\n%s%s", a, code, out, errs)
			}
			b, _ := os.ReadFile(filepath.Join(r2, partialName(i, n)))
			if !bytes.Contains(b, []byte(`"sub_chunks"`)) {
				empty++
			}
		}
		if n == 25 && empty == 0 {
			t.Errorf("25 shards: no shard without work")
		}
		m := filepath.Join(dir, fmt.Sprintf("m-%d", n))
		out, errs, code := runCLI("merge", r1, r2, "-o", m)
		if code != 0 || !strings.HasPrefix(out, "unsat ") {
			t.Fatalf("merge of %d shards: exit %d\n%s%s", n, code, out, errs)
		}
		got, err := os.ReadFile(filepath.Join(m, "proof.smt2"))
		if err != nil || !bytes.Equal(got, want) {
			t.Errorf("%d shards: the merged proof script differs from the single run's (%v)", n, err)
		}
	}
	// A chunk missing (a second-round shard's sub-case chunks dropped) is refused.
	r2 := filepath.Join(dir, "r2-2")
	path := filepath.Join(r2, partialName(1, 2))
	b, _ := os.ReadFile(path)
	var p shardPartial
	if err := json.Unmarshal(b, &p); err != nil {
		t.Fatal(err)
	}
	p.Split.Chunks = p.Split.Chunks[1:]
	if _, err := writePartial(r2, &p); err != nil {
		t.Fatal(err)
	}
	if out, errs, code := runCLI("merge", r1, r2, "-o", filepath.Join(dir, "bad")); code != exitMalformed || !strings.Contains(errs, "in no partial result") {
		t.Errorf("merge with a chunk missing: exit %d\n%s%s", code, out, errs)
	}
}
