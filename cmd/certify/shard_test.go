package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// runCLI runs one command line in process.
func runCLI(args ...string) (string, string, int) {
	var out, errb bytes.Buffer
	code := run(args, &streams{out: &out, err: &errb})
	return out.String(), errb.String(), code
}

// solverTimes masks what differs between a single run and a merge of shards: the
// solver's time and query count, the seconds of a row.
var solverTimes = regexp.MustCompile(`"time_ns": [0-9]+|"queries": [0-9]+|[0-9]+ queries, [0-9.]+[a-zµ]+|"seconds": [0-9.e+-]+| [0-9]+\.[0-9]{2}\n`)

func masked(s string) string { return solverTimes.ReplaceAllString(s, "…") }

// shardAndMerge runs args with --shard i/n for each i into one folder, then merge, and
// returns merge's stdout and exit code.
func shardAndMerge(t *testing.T, n int, mergeOut string, args ...string) (string, int) {
	t.Helper()
	dir := t.TempDir()
	for i := 1; i <= n; i++ {
		a := append(append([]string{}, args...), "--shard", fmt.Sprintf("%d/%d", i, n), "--shard-dir", dir)
		if out, errs, code := runCLI(a...); code != 0 || strings.Contains(errs, "panic:") {
			t.Fatalf("%v: exit %d\n%s%s", a, code, out, errs)
		}
	}
	margs := []string{"merge", dir}
	if mergeOut != "" {
		margs = append(margs, "-o", mergeOut)
	}
	out, errs, code := runCLI(margs...)
	if strings.Contains(errs, "panic:") {
		t.Fatalf("merge: %s", errs)
	}
	return out, code
}

// check --smt in 1, 2, 3 and 7 shards, merged, prints what a single run prints (solver
// time and query count aside) with its exit code, on every valid certificate and on the
// invalid ones the kernel can read; one point per chunk, so that most certificates have
// several work items and 7 shards leave some with none.
func TestCheckSMTShardsMerge(t *testing.T) {
	if _, err := defaultSolver(); err != nil {
		t.Skip("no solver:", err)
	}
	// Certificates of every kind of work item: point chunks of exact, threshold, argmax,
	// patterns and epsilon claims (valid and refuted), a pieces claim (a whole item),
	// sizes claims (no solver).
	var certs []string
	for _, name := range []string{"valid/xor_index", "valid/mixed_activations", "valid/theorem_yun_classify",
		"valid/tent_epsilon", "valid/pieces_sawtooth_L3", "invalid/tent_wrong_label", "invalid/pieces_breakpoint_moved"} {
		certs = append(certs, filepath.Join("..", "..", "testdata", "certs", name+".json"))
	}
	for _, c := range certs {
		modes := [][]string{{"--smt-chunk", "1"}}
		if strings.Contains(c, "xor_index") || strings.Contains(c, "tent_wrong") {
			modes = append(modes, []string{"--json", "--smt-chunk", "2", "--smt-sample", "3", "--smt-seed", "3"})
		}
		for _, mode := range modes {
			args := append(append([]string{"check", "--smt"}, mode...), c)
			want, _, code := runCLI(args...)
			t.Logf("%v: exit %d", args, code)
			if code == exitMalformed || code == exitInternal {
				t.Fatalf("%v: exit %d", args, code)
			}
			for _, n := range []int{1, 2, 3, 7} {
				got, gotCode := shardAndMerge(t, n, "", args...)
				if gotCode != code || masked(got) != masked(want) {
					t.Errorf("%v in %d shards: exit %d, want %d\n--- merged\n%s--- single\n%s", args, n, gotCode, code, got, want)
				}
			}
		}
	}
}

// capacity in 1, 2, 3 and 7 shards, merged, writes the same certificates and prints the
// same table (seconds aside) as a single run.
func TestCapacityShardsMerge(t *testing.T) {
	for _, args := range [][]string{
		{"capacity", "--widths", "2", "--no-solver"},
		{"capacity", "--widths", "3", "--no-solver", "--json"},
		{"capacity", "--widths", "1,1", "--no-solver", "--family", "random", "--seed", "5", "--max-n", "9"},
	} {
		one := t.TempDir()
		want, _, code := runCLI(append(args, "-o", one)...)
		for _, n := range []int{1, 2, 3, 7} {
			merged := t.TempDir()
			got, gotCode := shardAndMerge(t, n, merged, append(args, "-o", "ignored")...)
			got = strings.ReplaceAll(got, merged, one)
			if gotCode != code || masked(got) != masked(want) {
				t.Errorf("%v in %d shards: exit %d, want %d\n--- merged\n%s--- single\n%s", args, n, gotCode, code, got, want)
			}
			sameFiles(t, one, merged)
		}
	}
}

func sameFiles(t *testing.T, a, b string) {
	t.Helper()
	names, _ := filepath.Glob(filepath.Join(a, "*"))
	other, _ := filepath.Glob(filepath.Join(b, "*"))
	if len(names) != len(other) {
		t.Errorf("%d files in %s, %d in %s", len(names), a, len(other), b)
	}
	for _, name := range names {
		x, _ := os.ReadFile(name)
		y, err := os.ReadFile(filepath.Join(b, filepath.Base(name)))
		if err != nil || !bytes.Equal(x, y) {
			t.Errorf("%s differs from the single run's (%v)", filepath.Join(b, filepath.Base(name)), err)
		}
	}
}
