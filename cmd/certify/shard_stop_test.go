package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Shards of capacity run one after another into one folder: the later ones see the
// earlier ones' stop markers and skip their N past the global stop; merge still writes
// the single run's certificates and table, and refuses a skip past a stop that is not in
// the partials, and a missing shard.
func TestCapacityShardsStopMarkers(t *testing.T) {
	args := []string{"capacity", "--widths", "2", "--no-solver"}
	one := t.TempDir()
	want, _, code := runCLI(append(args, "-o", one)...)
	for _, n := range []int{2, 3, 7} {
		dir := t.TempDir()
		skipped := 0
		for i := 1; i <= n; i++ {
			p := runTestShard(t, append(append([]string{}, args...), "-o", "ignored"), i, n, dir)
			skipped += len(p.Capacity.Skipped)
		}
		if skipped == 0 && n > 2 { // 2 shards: each reaches its own stop (4, 5) first
			t.Errorf("%d shards: no N skipped past the global stop", n)
		}
		merged := t.TempDir()
		got, _, gotCode := runCLI("merge", dir, "-o", merged)
		got = strings.ReplaceAll(got, merged, one)
		if gotCode != code || masked(got) != masked(want) {
			t.Errorf("%d shards: exit %d, want %d\n--- merged\n%s--- single\n%s", n, gotCode, code, got, want)
		}
		sameFiles(t, one, merged)
		if n != 7 {
			continue
		}
		// A forged skip: shard 2's N = 2 (which fits) said to be past a stop at N = 1.
		path := filepath.Join(dir, partialName(2, 7))
		saved, _ := os.ReadFile(path)
		p := readTestPartial(t, path)
		p.Capacity.Rows = p.Capacity.Rows[1:]
		p.Capacity.Skipped = append([]capacitySkip{{N: 2, Stop: 1, Why: "forged"}}, p.Capacity.Skipped...)
		if _, err := writePartial(dir, p); err != nil {
			t.Fatal(err)
		}
		if out, errs, c := runCLI("merge", dir, "-o", t.TempDir()); c != exitMalformed || !strings.Contains(errs, "no partial result has as not fitting") {
			t.Errorf("forged skip: exit %d\n%s%s", c, out, errs)
		}
		os.WriteFile(path, saved, 0o644)
		os.Remove(filepath.Join(dir, partialName(5, 7)))
		if out, errs, c := runCLI("merge", dir, "-o", t.TempDir()); c != exitMalformed || !strings.Contains(errs, "missing shards: 5") {
			t.Errorf("missing shard: exit %d\n%s%s", c, out, errs)
		}
	}
}

// runTestShard runs the command args as shard i of n into dir and reads its partial
// result; a non-zero exit fails t.
func runTestShard(t *testing.T, args []string, i, n int, dir string) *shardPartial {
	t.Helper()
	a := append(append([]string{}, args...), "--shard", fmt.Sprintf("%d/%d", i, n), "--shard-dir", dir)
	if out, errs, c := runCLI(a...); c != 0 {
		t.Fatalf("%v: exit %d\n%s%s", a, c, out, errs)
	}
	return readTestPartial(t, filepath.Join(dir, partialName(i, n)))
}

func readTestPartial(t *testing.T, path string) *shardPartial {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var p shardPartial
	if err := json.Unmarshal(b, &p); err != nil {
		t.Fatal(err)
	}
	return &p
}

// Shards of audit run one after another into one folder: the later ones skip the
// instances past a claim's refutation another shard marked; the merge is the single
// run's report, and a skip with no refutation before it is refused.
func TestAuditShardsStopMarkers(t *testing.T) {
	args := []string{"audit", "--claims", filepath.Join("testdata", "shard_claims.json"), "--no-solver", "--known", "none", "--budget", "1m", "--quiet", "--json"}
	one := filepath.Join(t.TempDir(), "out")
	want, _, code := runCLI(append(args, "-o", one)...)
	for _, n := range []int{3, 7} {
		dir := t.TempDir()
		skipped := 0
		for i := 1; i <= n; i++ {
			for _, cl := range runTestShard(t, append(append([]string{}, args...), "-o", "ignored"), i, n, dir).Audit.Claims {
				for _, ir := range cl.First {
					if strings.HasSuffix(ir.How, "another shard's refutation)") {
						skipped++
					}
				}
			}
		}
		if skipped == 0 {
			t.Errorf("%d shards: no instance skipped past a refutation", n)
		}
		merged := filepath.Join(t.TempDir(), "out")
		got, _, gotCode := runCLI("merge", dir, "-o", merged)
		got = strings.ReplaceAll(got, merged, one)
		if gotCode != code || masked(got) != masked(want) {
			t.Errorf("%d shards: exit %d, want %d\n--- merged\n%s--- single\n%s", n, gotCode, code, got, want)
		}
		// The refuting instance's outcome replaced by an undecided one: the skips after
		// it rest on nothing.
		for i := 1; i <= n; i++ {
			path := filepath.Join(dir, partialName(i, n))
			p := readTestPartial(t, path)
			changed := false
			for ci := range p.Audit.Claims {
				cl := &p.Audit.Claims[ci]
				for k := range cl.First {
					if st := cl.First[k].Status; st == "refuted" || st == "refuted-by-solver" || st == "refuted-unverified" {
						cl.First[k].Status, cl.Final[k].Status = "undecided", "undecided"
						changed = true
					}
				}
			}
			if changed {
				if _, err := writePartial(dir, p); err != nil {
					t.Fatal(err)
				}
			}
		}
		if out, errs, c := runCLI("merge", dir, "-o", filepath.Join(t.TempDir(), "bad")); c != exitMalformed || !strings.Contains(errs, "no earlier instance is refuted") {
			t.Errorf("%d shards, refutation removed: exit %d\n%s%s", n, c, out, errs)
		}
	}
}
