package main

// Shards of audit. The work items are the claims' instances (audit.RunShard: claim by
// claim, each claim's instances in order, item k to shard k mod n + 1). A shard writes
// its certificates beside its partial, in shard-I-of-N.files/; merge copies those of
// the instances a single run keeps into -o DIR, writes report.md and report.json there
// and prints the report as audit does. --budget is each shard's.

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"certify/audit"
)

// auditJob are the options of an audit job that change its result.
type auditJob struct {
	Claims        string `json:"claims"` // "" for the built-in claims
	ClaimsSHA256  string `json:"claims_sha256"`
	Budget        string `json:"budget"`
	Tries         int    `json:"tries"`
	Seed          uint64 `json:"seed"`
	NoSolver      bool   `json:"no_solver"`
	Known         string `json:"known"`
	JSON          bool   `json:"json"`
	Markdown      bool   `json:"markdown"`
	FailOnRefuted bool   `json:"fail_on_refuted"`
	FailOnUndec   bool   `json:"fail_on_undecided"`
	FailOnUnexp   bool   `json:"fail_on_unexpected"`
	Items         int    `json:"items"`
}

func filesDir(i, n int) string { return strings.TrimSuffix(partialName(i, n), ".json") + ".files" }

func runAuditShard(o *auditOptions, s *streams, f *audit.ClaimsFile, opt audit.Options) error {
	i, n, err := parseShard(o.shard.spec, o.shard.count, os.Getenv)
	if err != nil {
		return malformed(err)
	}
	job := shardJob{Command: "audit", Version: readVersion().Version, MaxDigits: o.maxDigits, Shards: n,
		Audit: &auditJob{Claims: o.claims, ClaimsSHA256: f.SHA256, Budget: o.budget.String(), Tries: o.tries, Seed: o.seed,
			NoSolver: o.noSolver, Known: o.known, JSON: o.json, Markdown: o.markdown, FailOnRefuted: o.failOnRefuted,
			FailOnUndec: o.failOnUndec, FailOnUnexp: o.failOnUnexp, Items: audit.Items(f)}}
	if o.claims != "" {
		job.Inputs = []shardInput{{Path: o.claims, SHA256: f.SHA256}}
	}
	opt.OutDir = filepath.Join(o.shard.dir, filesDir(i, n))
	// Stop markers (shard_stop.go): a claim's first-pass refutation, shared.
	key := jobKey(job)
	what := func(ci int) string { return fmt.Sprintf("audit-claim%d-instance", ci) }
	opt.Skip = func(ci int) (int, bool) { return readStop(o.shard.dir, key, what(ci)) }
	opt.Refuted = func(ci, k int) {
		writeStop(o.shard.dir, key, what(ci), k, fmt.Sprintf("shard %d of %d: claim %d refuted at instance %d", i, n, ci, k))
	}
	sr, err := audit.RunShard(context.Background(), f, opt, i, n)
	if err != nil {
		return err
	}
	path, err := writePartial(o.shard.dir, &shardPartial{Format: partialFormat, Job: job, Shard: i, Audit: sr})
	if err != nil {
		return err
	}
	mine, skipped := 0, 0
	for _, c := range sr.Claims {
		mine += len(c.Final)
		for _, ir := range c.First {
			if strings.HasSuffix(ir.How, audit.SkippedPast) {
				skipped++
			}
		}
	}
	fmt.Fprintf(s.out, "shard %d/%d of audit: %d of %d instances (%d skipped past a claim's refutation) in %.1fs\nwrote %s\n", i, n, mine, sr.Items, skipped, sr.Seconds, path)
	return nil
}

func mergeAuditJob(o *mergeOptions, s *streams, job shardJob, parts []*shardPartial, paths []string) error {
	aj := job.Audit
	if aj == nil {
		return malformed(fmt.Errorf("%s: an audit job without its options", paths[0]))
	}
	if err := checkInputs(job); err != nil {
		return malformed(err)
	}
	budget, err := time.ParseDuration(aj.Budget)
	if err != nil {
		return malformed(fmt.Errorf("%s: budget: %v", paths[0], err))
	}
	ao := &auditOptions{globalOptions: o.globalOptions, claims: aj.Claims, budget: budget, out: o.out, json: aj.JSON,
		markdown: aj.Markdown, failOnRefuted: aj.FailOnRefuted, failOnUndec: aj.FailOnUndec, failOnUnexp: aj.FailOnUnexp,
		tries: aj.Tries, seed: aj.Seed, noSolver: aj.NoSolver, known: aj.Known, quiet: true}
	f, opt, err := auditSetup(ao, s)
	if err != nil {
		return err
	}
	if f.SHA256 != aj.ClaimsSHA256 || audit.Items(f) != aj.Items {
		return malformed(fmt.Errorf("%s: the claims (SHA-256 %s, %d instances) are not those the shards ran (%s, %d)",
			paths[0], f.SHA256, audit.Items(f), aj.ClaimsSHA256, aj.Items))
	}
	// The certificates the shards wrote, by file name.
	files := map[string]string{}
	srs := make([]*audit.ShardReport, len(parts))
	for k, p := range parts {
		if p.Audit == nil {
			return malformed(fmt.Errorf("%s: a partial of audit without its instances", paths[k]))
		}
		srs[k] = p.Audit
		names, _ := filepath.Glob(filepath.Join(filepath.Dir(paths[k]), filesDir(p.Shard, job.Shards), "*"))
		for _, name := range names {
			files[filepath.Base(name)] = name
		}
	}
	if err := os.MkdirAll(o.out, 0o755); err != nil {
		return err
	}
	copyFile := func(base string) (string, error) {
		src, ok := files[base]
		if !ok {
			return "", fmt.Errorf("the certificate %s is in no shard's files", base)
		}
		b, err := os.ReadFile(src)
		if err != nil {
			return "", err
		}
		dst := filepath.Join(o.out, base)
		return dst, os.WriteFile(dst, b, 0o644)
	}
	relocate := func(p string) (string, error) {
		base := filepath.Base(p)
		dst, err := copyFile(base)
		if err != nil {
			return "", err
		}
		if q := strings.TrimSuffix(base, ".json") + ".smt2"; files[q] != "" {
			if _, err := copyFile(q); err != nil {
				return "", err
			}
		}
		return dst, nil
	}
	rep, err := audit.MergeShards(f, opt, srs, relocate)
	if err != nil {
		return malformed(fmt.Errorf("merge: %w", err))
	}
	return reportAudit(ao, s, rep)
}
