package main

// Sharding: a long search cut into n shards that run anywhere (a Slurm job array, a
// Kubernetes Indexed Job, n shells), each writing a partial result, and `certify merge`
// putting the partials together into what a single run writes.
//
// A shard is named 1-based, i/n, or taken from the scheduler with --shard auto:
// SLURM_ARRAY_TASK_ID − SLURM_ARRAY_TASK_MIN + 1 of SLURM_ARRAY_TASK_COUNT (a Slurm job
// array), or JOB_COMPLETION_INDEX + 1 (0-based, a Kubernetes Indexed Job) of
// --shard-count or CERTIFY_SHARD_COUNT. A partial result names the whole job (command,
// architecture, the data and their SHA-256, encoding, certify's version, n) and its own
// index; merge refuses partials of different jobs, a shard given twice and a shard
// missing (exit 2).

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/big"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"certify/audit"
	"certify/cert"
	"certify/certio"
	"certify/smt"
	"certify/smt/search"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// shardFlags are the flags of a sharded command.
type shardFlags struct {
	spec  string // i/n or auto
	count int    // n for --shard auto on a Kubernetes Indexed Job
	dir   string // where the partial result goes
	i, n  int    // the shard, once parsed (sizes)
	round int    // 2: a second round over the cases a first round left open (smt exists)
	from  string // the first round's partial results (with round 2)
	// subChunk > 0: the second round cuts the cases left open at the first level after
	// their whole limit into chunks of this many second-level sub-cases (fine items).
	subChunk int
}

func (f *shardFlags) register(fs *pflag.FlagSet) {
	fs.StringVar(&f.spec, "shard", "", "run shard i of n (1-based, i/n), or auto: from SLURM_ARRAY_TASK_ID/SLURM_ARRAY_TASK_COUNT or JOB_COMPLETION_INDEX; writes a partial result for certify merge")
	fs.IntVar(&f.count, "shard-count", 0, "n for --shard auto under a Kubernetes Indexed Job (default: CERTIFY_SHARD_COUNT)")
	fs.StringVar(&f.dir, "shard-dir", ".", "folder for the partial result (shard-I-of-N.json)")
}

// registerRounds adds --round and --from (smt exists --encoding split).
func (f *shardFlags) registerRounds(fs *pflag.FlagSet) {
	fs.IntVar(&f.round, "round", 1, "with --shard: 2 shards only the cases the first round (--from) left open")
	fs.StringVar(&f.from, "from", "", "with --round 2: the folder of the first round's partial results (every shard)")
	fs.IntVar(&f.subChunk, "sub-chunk", 0, "with --round 2: fine work items, the open cases' second-level sub-cases in chunks of this many (0: cases whole)")
}

// maxShards bounds n.
const maxShards = 100000

// parseShard reads i/n (1 ≤ i ≤ n), or auto from the environment.
func parseShard(spec string, count int, getenv func(string) string) (int, int, error) {
	if spec == "auto" {
		if id := getenv("SLURM_ARRAY_TASK_ID"); id != "" {
			i, err1 := strconv.Atoi(id)
			n, err2 := strconv.Atoi(getenv("SLURM_ARRAY_TASK_COUNT"))
			lo, err3 := strconv.Atoi(getenv("SLURM_ARRAY_TASK_MIN"))
			if err1 != nil || err2 != nil || err3 != nil {
				return 0, 0, fmt.Errorf("--shard auto: SLURM_ARRAY_TASK_ID=%q, SLURM_ARRAY_TASK_COUNT=%q, SLURM_ARRAY_TASK_MIN=%q are not numbers",
					id, getenv("SLURM_ARRAY_TASK_COUNT"), getenv("SLURM_ARRAY_TASK_MIN"))
			}
			return checkShard(i-lo+1, n, "--shard auto (Slurm: give a contiguous --array, e.g. 1-N)")
		}
		if idx := getenv("JOB_COMPLETION_INDEX"); idx != "" {
			i, err := strconv.Atoi(idx)
			if err != nil {
				return 0, 0, fmt.Errorf("--shard auto: JOB_COMPLETION_INDEX=%q is not a number", idx)
			}
			n := count
			if n == 0 {
				if n, err = strconv.Atoi(getenv("CERTIFY_SHARD_COUNT")); err != nil {
					return 0, 0, errors.New("--shard auto: JOB_COMPLETION_INDEX is set but not the count: give --shard-count or CERTIFY_SHARD_COUNT (the Job's completions)")
				}
			}
			return checkShard(i+1, n, "--shard auto (JOB_COMPLETION_INDEX)")
		}
		return 0, 0, errors.New("--shard auto: neither SLURM_ARRAY_TASK_ID nor JOB_COMPLETION_INDEX is set (not in a job array?)")
	}
	a, b, ok := strings.Cut(spec, "/")
	i, err1 := strconv.Atoi(a)
	n, err2 := strconv.Atoi(b)
	if !ok || err1 != nil || err2 != nil {
		return 0, 0, fmt.Errorf("--shard: %q is not i/n (1-based, e.g. 2/8) or auto", spec)
	}
	return checkShard(i, n, "--shard "+spec)
}

func checkShard(i, n int, what string) (int, int, error) {
	if n < 1 || n > maxShards || i < 1 || i > n {
		return 0, 0, fmt.Errorf("%s: shard %d of %d is not 1 ≤ i ≤ n ≤ %d", what, i, n, maxShards)
	}
	return i, n, nil
}

// shardJob names the whole job a partial result belongs to; every shard of a job has
// the same.
type shardJob struct {
	Command    string   `json:"command"`
	Arch       string   `json:"architecture"`
	Hidden     []int    `json:"hidden"`
	DataSHA256 string   `json:"data_sha256"`
	Encoding   string   `json:"encoding"`
	Version    string   `json:"version"`
	MaxDigits  int      `json:"max_digits"`
	Shards     int      `json:"shards"`
	Outputs    []string `json:"outputs,omitempty"` // the files a single run writes: witness, smt2 (base names)
	// Round 2 is a second round over the cases round 1 (of FromShards shards) left open,
	// Open their indices.
	Round      int   `json:"round,omitempty"`
	FromShards int   `json:"from_shards,omitempty"`
	Open       []int `json:"open,omitempty"`
	// SubChunk > 0 (round 2): the open cases in Fine are cut into chunks of that many
	// second-level sub-cases, each a work item. CaseLimit is the first level's per-case
	// limit when not the default.
	SubChunk  int    `json:"sub_chunk,omitempty"`
	Fine      []int  `json:"fine,omitempty"`
	CaseLimit string `json:"case_limit,omitempty"`
	// Inputs are the files the job reads, by the path given and their SHA-256.
	Inputs   []shardInput `json:"inputs,omitempty"`
	Check    *checkJob    `json:"check,omitempty"`
	Capacity *capacityJob `json:"capacity,omitempty"`
	Audit    *auditJob    `json:"audit,omitempty"`
	Sizes    *sizesJob    `json:"sizes,omitempty"`
}

// shardInput is a file a job reads.
type shardInput struct {
	Path   string `json:"path"`
	SHA256 string `json:"sha256"`
}

// shardPartial is one shard's partial result (shard-I-of-N.json).
type shardPartial struct {
	Format  string               `json:"format"`
	Job     shardJob             `json:"job"`
	Shard   int                  `json:"shard"`
	Data    [][2]string          `json:"data"` // (x, y) as exact rationals
	Split   *search.SplitPartial `json:"split,omitempty"`
	Witness json.RawMessage      `json:"witness,omitempty"` // the witness certificate when a case was sat
	// CheckSMT is a shard of check --smt; Capacity a shard of capacity.
	CheckSMT *smt.CheckPartial  `json:"check_smt,omitempty"`
	Capacity *capacityPartial   `json:"capacity,omitempty"`
	Audit    *audit.ShardReport `json:"audit,omitempty"`
	Sizes    *sizesPartial      `json:"sizes,omitempty"`
}

const partialFormat = "certify-partial/1"

// dataRows writes 1-D data as (x, y) rational strings; dataSHA256 hashes them.
func dataRows(d *cert.Dataset) [][2]string {
	rows := make([][2]string, d.N)
	for i := range rows {
		rows[i] = [2]string{d.Input(i)[0].RatString(), d.Target(i)[0].RatString()}
	}
	return rows
}

func dataSHA256(rows [][2]string) string {
	h := sha256.New()
	for _, r := range rows {
		fmt.Fprintf(h, "%s,%s\n", r[0], r[1])
	}
	return hex.EncodeToString(h.Sum(nil))
}

func partialName(i, n int) string { return fmt.Sprintf("shard-%d-of-%d.json", i, n) }

// runSMTExistsShard runs one shard of `smt exists --encoding split` and writes its partial.
func runSMTExistsShard(o *smtExistsOptions, s *streams, solver smt.Solver, a search.Arch, d *cert.Dataset) error {
	i, n, err := parseShard(o.shard.spec, o.shard.count, os.Getenv)
	if err != nil {
		return malformed(err)
	}
	if search.Encoding(o.enc) != search.EncSplit {
		return malformed(fmt.Errorf("--shard: only --encoding split is cut into shards (its cases), not %s", o.enc))
	}
	digits := max(smt.DefaultMaxDigits, o.maxDigits)
	rows := dataRows(d)
	p := &shardPartial{Format: partialFormat, Shard: i, Data: rows, Job: shardJob{
		Command: "smt exists", Arch: a.String(), Hidden: a.Hidden, DataSHA256: dataSHA256(rows),
		Encoding: o.enc, Version: readVersion().Version, MaxDigits: digits, Shards: n,
		Outputs: []string{filepath.Base(o.out), filepath.Base(o.smt2)},
	}}
	if o.out == "" {
		p.Job.Outputs[0] = ""
	}
	if o.smt2 == "" {
		p.Job.Outputs[1] = ""
	}
	if o.caseLimit < 0 {
		return malformed(fmt.Errorf("--case-limit %s: a positive duration", o.caseLimit))
	}
	if o.caseLimit != 0 {
		p.Job.CaseLimit = o.caseLimit.String()
	}
	keep := func(int) bool { return false }
	var items []search.SubItem
	keepItem := func(int) bool { return false }
	if o.shard.round == 2 {
		first, open, full, err := firstRound(o.shard.from, p.Job, a, d)
		if err != nil {
			return malformed(err)
		}
		p.Job.Round, p.Job.FromShards, p.Job.Open = 2, first.Shards, open
		orbit, err := search.SplitOrbitOf(a, d)
		if err != nil {
			return malformed(err)
		}
		// Fine items: the open cases the first level left open after their whole limit.
		// (an orbit's open cases are fine together or whole together: a case and its
		// mirror stay in one shard, as in the first round).
		isFine := map[int]bool{}
		if o.shard.subChunk > 0 {
			p.Job.SubChunk = o.shard.subChunk
			orbitFull := map[int]bool{}
			for _, k := range open {
				if f, seen := orbitFull[orbit[k]]; !seen || f {
					orbitFull[orbit[k]] = full[k]
				}
			}
			var cand []int
			for _, k := range open {
				if orbitFull[orbit[k]] {
					cand = append(cand, k)
				}
			}
			// (a case with too many sub-cases to enumerate stays whole, with its orbit)
			for {
				var taken []int
				if items, taken, err = search.SubItems(a, d, digits, cand, o.shard.subChunk); err != nil {
					return malformed(err)
				}
				in := map[int]bool{}
				for _, k := range taken {
					in[k] = true
				}
				out := map[int]bool{}
				for _, k := range cand {
					if !in[k] {
						out[orbit[k]] = true
					}
				}
				kept := cand[:0:0]
				for _, k := range cand {
					if !out[orbit[k]] {
						kept = append(kept, k)
					}
				}
				if len(kept) == len(taken) {
					break
				}
				cand = kept
			}
			for _, it := range items {
				if !isFine[it.Case] {
					isFine[it.Case] = true
					p.Job.Fine = append(p.Job.Fine, it.Case)
				}
			}
			sort.Ints(p.Job.Fine)
		} else if o.shard.subChunk < 0 {
			return malformed(fmt.Errorf("--sub-chunk %d: give a positive number of sub-cases", o.shard.subChunk))
		}
		// The work items: the open orbits taken whole, in order, then the fine items,
		// round robin over the second round's shards.
		rank := map[int]int{}
		for _, k := range open {
			if _, ok := rank[orbit[k]]; !ok && !isFine[k] {
				rank[orbit[k]] = len(rank)
			}
		}
		isOpen := map[int]bool{}
		for _, k := range open {
			isOpen[k] = isOpen[k] || !isFine[k]
		}
		keep = func(k int) bool { return isOpen[k] && rank[orbit[k]]%n == i-1 }
		whole := len(rank)
		keepItem = func(k int) bool { return (whole+k)%n == i-1 }
	} else if o.shard.round != 1 || o.shard.from != "" || o.shard.subChunk != 0 {
		return malformed(fmt.Errorf("--round %d --from %q --sub-chunk %d: give --round 2 --from DIR (the first round's partials, and --sub-chunk for fine items), or neither", o.shard.round, o.shard.from, o.shard.subChunk))
	}
	ctx, cancel := context.WithTimeout(context.Background(), o.timeout)
	defer cancel()
	var sp *search.SplitPartial
	if o.shard.round == 2 {
		sp, err = search.ExistsSplitCases(ctx, solver, a, d, digits, keep, o.caseLimit)
		if err == nil && len(items) > 0 {
			var fp *search.SplitPartial
			if sp.Witness != nil { // a witness already: the fine items are not asked
				names, _ := search.SplitCaseNames(a, d)
				for k := range items {
					if keepItem(k) {
						it := items[k]
						sp.Chunks = append(sp.Chunks, search.SubChunk{Case: it.Case, Name: names[it.Case], Of: it.Of, First: it.First, Last: it.Last, Outcome: search.OutcomeSkipped})
					}
				}
			} else if fp, err = search.ExistsSubChunks(ctx, solver, a, d, digits, items, keepItem); err == nil {
				sp.Chunks = fp.Chunks
				sp.Time += fp.Time
				if fp.Witness != nil {
					sp.Witness, sp.WitnessCase, sp.WitnessSolver, sp.WitnessNote = fp.Witness, fp.WitnessCase, fp.WitnessSolver, fp.WitnessNote
				}
			}
		}
	} else {
		sp, err = search.ExistsSplitShardLimit(ctx, solver, a, d, digits, i, n, o.caseLimit)
	}
	if errors.Is(err, smt.ErrBadQuery) || errors.Is(err, smt.ErrTooLarge) {
		return malformed(err)
	}
	if err != nil {
		return &exitError{code: exitUndecided, err: err}
	}
	p.Split = sp
	if sp.Witness != nil {
		var b strings.Builder
		if err := certio.Encode(&b, sp.Witness); err != nil {
			return err
		}
		p.Witness = json.RawMessage(b.String())
	}
	path, err := writePartial(o.shard.dir, p)
	if err != nil {
		return err
	}
	counts := map[string]int{}
	for _, c := range sp.Cases {
		counts[c.Outcome]++
	}
	keys := make([]string, 0, len(counts))
	for k := range counts {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for k, key := range keys {
		parts[k] = fmt.Sprintf("%d %s", counts[key], key)
	}
	fine := ""
	if o.shard.subChunk > 0 {
		fine = fmt.Sprintf("; %d of the %d fine work items (sub-cases of %d cases)", len(sp.Chunks), len(items), len(p.Job.Fine))
		if len(p.Job.Fine) == 0 {
			fine += ": the first round gave no open case its whole first-level limit (a longer first-round --timeout, or a shorter --case-limit)"
		}
	}
	fmt.Fprintf(s.out, "shard %d/%d of network %s on %d points: %d of %d cases (%s)%s in %s\nwrote %s\n",
		i, n, a, d.N, len(sp.Cases), sp.Total, strings.Join(parts, ", "), fine, sp.Time.Round(time.Millisecond), path)
	return nil
}

// writePartial writes p into dir as shard-I-of-N.json and returns its path.
func writePartial(dir string, p *shardPartial) (string, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	path := filepath.Join(dir, partialName(p.Shard, p.Job.Shards))
	b, err := json.MarshalIndent(p, "", " ")
	if err != nil {
		return "", err
	}
	return path, os.WriteFile(path, append(b, '\n'), 0o644)
}

// fileSHA256 hashes a file (bounded by limit bytes).
func fileSHA256(path string, limit int64) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	n, err := io.Copy(h, io.LimitReader(f, limit+1))
	if err != nil {
		return "", err
	}
	if n > limit {
		return "", fmt.Errorf("%s: larger than %d bytes", path, limit)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// checkInputs verifies that the job's input files are still those the shards read.
func checkInputs(job shardJob) error {
	for _, in := range job.Inputs {
		sum, err := fileSHA256(in.Path, maxPartialBytes)
		if err != nil {
			return fmt.Errorf("input of the job: %v (merge runs where the input paths the shards were given lead to the same files)", err)
		}
		if sum != in.SHA256 {
			return fmt.Errorf("input %s has SHA-256 %s, the shards read %s", in.Path, sum, in.SHA256)
		}
	}
	return nil
}

// ---- certify merge ----

type mergeOptions struct {
	*globalOptions
	dirs []string
	out  string
}

func newMergeCmd(g *globalOptions, s *streams) *cobra.Command {
	o := &mergeOptions{globalOptions: g}
	cmd := &cobra.Command{
		Use:   "merge DIR… -o DIR",
		Short: "Put the partial results of a sharded run together into what a single run writes",
		Long: `merge reads every partial result (shard-I-of-N.json) in the folders given, checks
that they are the n shards of one job — same command, architecture, data, encoding,
certify version and n, each shard exactly once, every work item in exactly one shard —
and writes into -o DIR the files a single run writes (the proof script, the witness
certificate), printing what the single run prints.

Exit codes: as the single run (0 decided, 3 undecided); 2 when the partials are
missing, duplicated, overlapping or of different jobs.`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			o.dirs = args
			return runMerge(o, s)
		},
	}
	cmd.Flags().StringVarP(&o.out, "output", "o", "", "folder for the merged result")
	return cmd
}

// maxPartialBytes bounds one partial result file.
const maxPartialBytes = 1 << 30

func readPartials(dirs []string) ([]*shardPartial, []string, error) {
	var parts []*shardPartial
	var paths []string
	for _, dir := range dirs {
		names, err := filepath.Glob(filepath.Join(dir, "shard-*-of-*.json"))
		if err != nil {
			return nil, nil, err
		}
		if len(names) == 0 {
			if _, err := os.Stat(dir); err != nil {
				return nil, nil, err
			}
		}
		sort.Strings(names)
		for _, name := range names {
			st, err := os.Stat(name)
			if err != nil {
				return nil, nil, err
			}
			if st.Size() > maxPartialBytes {
				return nil, nil, fmt.Errorf("%s: larger than %d bytes", name, maxPartialBytes)
			}
			b, err := os.ReadFile(name)
			if err != nil {
				return nil, nil, err
			}
			dec := json.NewDecoder(strings.NewReader(string(b)))
			dec.DisallowUnknownFields()
			var p shardPartial
			if err := dec.Decode(&p); err != nil {
				return nil, nil, fmt.Errorf("%s: not a partial result: %v", name, err)
			}
			if p.Format != partialFormat {
				return nil, nil, fmt.Errorf("%s: format %q, want %q", name, p.Format, partialFormat)
			}
			if n := btoi(p.Split != nil) + btoi(p.CheckSMT != nil) + btoi(p.Capacity != nil) + btoi(p.Audit != nil) + btoi(p.Sizes != nil); n != 1 {
				return nil, nil, fmt.Errorf("%s: %d kinds of outcomes (split, check_smt, capacity, audit, sizes), want one", name, n)
			}
			parts = append(parts, &p)
			paths = append(paths, name)
		}
	}
	if len(parts) == 0 {
		return nil, nil, fmt.Errorf("no partial result (shard-I-of-N.json) in %s", strings.Join(dirs, ", "))
	}
	return parts, paths, nil
}

// sameJob says how two jobs differ ("" when they are the same).
func sameJob(a, b shardJob) string {
	switch {
	case a.Command != b.Command:
		return fmt.Sprintf("command %q, not %q", b.Command, a.Command)
	case a.Arch != b.Arch:
		return fmt.Sprintf("architecture %s, not %s", b.Arch, a.Arch)
	case a.DataSHA256 != b.DataSHA256:
		return fmt.Sprintf("data SHA-256 %s, not %s", b.DataSHA256, a.DataSHA256)
	case a.Encoding != b.Encoding:
		return fmt.Sprintf("encoding %s, not %s", b.Encoding, a.Encoding)
	case a.Version != b.Version:
		return fmt.Sprintf("certify version %s, not %s", b.Version, a.Version)
	case a.MaxDigits != b.MaxDigits:
		return fmt.Sprintf("max digits %d, not %d", b.MaxDigits, a.MaxDigits)
	case a.Shards != b.Shards:
		return fmt.Sprintf("%d shards, not %d", b.Shards, a.Shards)
	case a.Round != b.Round || a.FromShards != b.FromShards || fmt.Sprint(a.Open) != fmt.Sprint(b.Open):
		return fmt.Sprintf("round %d over %v (of %d shards), not round %d over %v (of %d)", b.Round, b.Open, b.FromShards, a.Round, a.Open, a.FromShards)
	case a.SubChunk != b.SubChunk || fmt.Sprint(a.Fine) != fmt.Sprint(b.Fine):
		return fmt.Sprintf("fine items of %d sub-cases over %v, not %d over %v", b.SubChunk, b.Fine, a.SubChunk, a.Fine)
	case a.CaseLimit != b.CaseLimit:
		return fmt.Sprintf("case limit %q, not %q", b.CaseLimit, a.CaseLimit)
	case strings.Join(a.Outputs, "\x00") != strings.Join(b.Outputs, "\x00"):
		return fmt.Sprintf("outputs %q, not %q", b.Outputs, a.Outputs)
	}
	ja, _ := json.Marshal([]any{a.Inputs, a.Check, a.Capacity, a.Audit, a.Sizes})
	jb, _ := json.Marshal([]any{b.Inputs, b.Check, b.Capacity, b.Audit, b.Sizes})
	if string(ja) != string(jb) {
		return fmt.Sprintf("inputs or options %s, not %s", jb, ja)
	}
	return ""
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

// firstRound reads the complete first round in dir, of the job job (but for n), and
// returns its job and the cases it left open.
// The cases open at the first level after their whole limit are in full.
func firstRound(dir string, job shardJob, a search.Arch, d *cert.Dataset) (shardJob, []int, map[int]bool, error) {
	if dir == "" {
		return shardJob{}, nil, nil, errors.New("--round 2: give the first round's partial results with --from DIR")
	}
	parts, paths, err := readPartials([]string{dir})
	if err != nil {
		return shardJob{}, nil, nil, err
	}
	first, err := completeJob(parts, paths)
	if err != nil {
		return shardJob{}, nil, nil, err
	}
	want := job
	want.Shards = first.Shards
	if first.Round != 0 {
		return shardJob{}, nil, nil, fmt.Errorf("--from %s: round %d, not a first round", dir, first.Round)
	}
	if why := sameJob(first, want); why != "" {
		return shardJob{}, nil, nil, fmt.Errorf("--from %s is of another job: %s", dir, why)
	}
	var open []int
	full := map[int]bool{}
	for _, p := range parts {
		if p.Split == nil {
			return shardJob{}, nil, nil, fmt.Errorf("--from %s: a partial without split outcomes", dir)
		}
		for _, c := range p.Split.Cases {
			if c.Outcome == search.OutcomeUnknown {
				open = append(open, c.Index)
				full[c.Index] = c.FirstFull
			}
		}
	}
	sort.Ints(open)
	return first, open, full, nil
}

// completeJob checks that parts are the n shards of one job, each once.
func completeJob(parts []*shardPartial, paths []string) (shardJob, error) {
	job := parts[0].Job
	seen := map[int]string{}
	for k, p := range parts {
		if why := sameJob(job, p.Job); why != "" {
			return job, fmt.Errorf("%s is of another job than %s: %s", paths[k], paths[0], why)
		}
		if p.Job.Command == "smt exists" && dataSHA256(p.Data) != p.Job.DataSHA256 {
			return job, fmt.Errorf("%s: its data do not hash to its data_sha256", paths[k])
		}
		if p.Shard < 1 || p.Shard > job.Shards || filepath.Base(paths[k]) != partialName(p.Shard, job.Shards) {
			return job, fmt.Errorf("%s: shard %d of %d under another name", paths[k], p.Shard, job.Shards)
		}
		if prev, dup := seen[p.Shard]; dup {
			return job, fmt.Errorf("shard %d of %d is given twice: %s and %s", p.Shard, job.Shards, prev, paths[k])
		}
		seen[p.Shard] = paths[k]
	}
	var missing []string
	for i := 1; i <= job.Shards; i++ {
		if _, ok := seen[i]; !ok {
			missing = append(missing, strconv.Itoa(i))
			if len(missing) == 10 {
				missing = append(missing, "…")
				break
			}
		}
	}
	if len(missing) > 0 {
		return job, fmt.Errorf("missing shards: %s (of %d)", strings.Join(missing, ", "), job.Shards)
	}
	return job, nil
}

func runMerge(o *mergeOptions, s *streams) error {
	parts, paths, err := readPartials(o.dirs)
	if err != nil {
		return malformed(err)
	}
	// A second round of a split: its partials replace the first round's open cases.
	var first, second []*shardPartial
	var firstPaths, secondPaths []string
	for k, p := range parts {
		if p.Job.Round == 2 {
			second, secondPaths = append(second, p), append(secondPaths, paths[k])
		} else {
			first, firstPaths = append(first, p), append(firstPaths, paths[k])
		}
	}
	if len(second) > 0 {
		if len(first) == 0 {
			return malformed(errors.New("merge: a second round without its first (give both folders)"))
		}
		j1, err := completeJob(first, firstPaths)
		if err != nil {
			return malformed(err)
		}
		j2, err := completeJob(second, secondPaths)
		if err != nil {
			return malformed(err)
		}
		want := j2
		want.Shards, want.Round, want.FromShards, want.Open = j2.FromShards, j1.Round, j1.FromShards, j1.Open
		want.SubChunk, want.Fine = j1.SubChunk, j1.Fine
		if why := sameJob(j1, want); why != "" {
			return malformed(fmt.Errorf("the second round (%s) is not of the first round's job (%s): %s", secondPaths[0], firstPaths[0], why))
		}
		var open []int
		for _, p := range first {
			kept := p.Split.Cases[:0:0]
			for _, c := range p.Split.Cases {
				if c.Outcome == search.OutcomeUnknown {
					open = append(open, c.Index)
				} else {
					kept = append(kept, c)
				}
			}
			p.Split.Cases = kept
		}
		sort.Ints(open)
		if fmt.Sprint(open) != fmt.Sprint(j2.Open) {
			return malformed(fmt.Errorf("the second round is over cases %v; the first left %v open", j2.Open, open))
		}
		parts, paths = append(first, second...), append(firstPaths, secondPaths...)
		return mergeSplitJob(o, s, j1, parts, paths)
	}
	job, err := completeJob(parts, paths)
	if err != nil {
		return malformed(err)
	}
	if o.out == "" && job.Command != "check --smt" && (job.Command != "sizes" || job.Sizes == nil || job.Sizes.Plot != "") {
		return malformed(errors.New("merge: give the output folder with -o DIR"))
	}
	switch job.Command {
	case "check --smt":
		return mergeCheckJob(o, s, job, parts, paths)
	case "capacity":
		return mergeCapacityJob(o, s, job, parts, paths)
	case "audit":
		return mergeAuditJob(o, s, job, parts, paths)
	case "sizes":
		return mergeSizesJob(o, s, job, parts, paths)
	}
	return mergeSplitJob(o, s, job, parts, paths)
}

func mergeSplitJob(o *mergeOptions, s *streams, job shardJob, parts []*shardPartial, paths []string) error {
	if job.Command != "smt exists" || job.Encoding != string(search.EncSplit) {
		return malformed(fmt.Errorf("merge: command %q, encoding %q: only smt exists --encoding split is merged", job.Command, job.Encoding))
	}
	xs := make([][]*big.Rat, len(parts[0].Data))
	ys := make([][]*big.Rat, len(parts[0].Data))
	for i, r := range parts[0].Data {
		x, ok1 := new(big.Rat).SetString(r[0])
		y, ok2 := new(big.Rat).SetString(r[1])
		if !ok1 || !ok2 {
			return malformed(fmt.Errorf("%s: data[%d]: %q, %q are not rationals", paths[0], i, r[0], r[1]))
		}
		xs[i], ys[i] = []*big.Rat{x}, []*big.Rat{y}
	}
	d, err := cert.NewDataset(xs, nil, ys, 0)
	if err != nil {
		return malformed(fmt.Errorf("%s: data: %v", paths[0], err))
	}
	a := search.Arch{InputDim: 1, Hidden: job.Hidden, Outputs: 1}
	if a.String() != job.Arch {
		return malformed(fmt.Errorf("%s: hidden widths %v are not architecture %s", paths[0], job.Hidden, job.Arch))
	}
	splits := make([]*search.SplitPartial, len(parts))
	for k, p := range parts {
		if p.Split == nil {
			return malformed(fmt.Errorf("%s: a partial of smt exists without split outcomes", paths[k]))
		}
		splits[k] = p.Split
		if len(p.Witness) > 0 {
			w, err := cert.Decode(strings.NewReader(string(p.Witness)), "", o.limits())
			if err != nil {
				return malformed(fmt.Errorf("%s: witness: %v", paths[k], err))
			}
			splits[k].Witness = w
		}
	}
	res, err := search.MergeSplit(a, d, job.MaxDigits, splits)
	if err != nil {
		return malformed(fmt.Errorf("merge: %w", err))
	}
	if err := os.MkdirAll(o.out, 0o755); err != nil {
		return err
	}
	witness, smt2 := job.Outputs[0], job.Outputs[1]
	if smt2 != "" {
		script := res.Script
		if script == "" {
			if script, err = search.ExistsScript(a, d, search.EncSplit, job.MaxDigits); err != nil {
				return malformed(err)
			}
		}
		if err := os.WriteFile(filepath.Join(o.out, smt2), []byte(script), 0o644); err != nil {
			return err
		}
	}
	if witness != "" {
		witness = filepath.Join(o.out, witness)
	}
	return reportExists(s, a, d, res, witness)
}
