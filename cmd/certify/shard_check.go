package main

// Shards of check --smt. Every shard runs the kernel check (the exact, cheap part; a
// sampled second opinion also takes the kernel's failing points) and its share of the
// solver's work items (smt.CheckShard: point chunks, then pieces claims and no-fit proofs,
// item k to shard k mod n + 1). merge reads the certificate again from the path the
// shards were given, checks its SHA-256, runs the kernel check again, folds the solver's
// partials (smt.MergeCheck) and prints what check --smt prints, with its exit code.

import (
	"context"
	"errors"
	"fmt"
	"os"
	"time"

	"certify/cert"
	"certify/smt"
	"certify/theorems"
)

// checkJob are the options of a check --smt job that change its result.
type checkJob struct {
	Engine        string `json:"engine"`
	KernelTimeout string `json:"kernel_timeout"`
	Sample        int    `json:"smt_sample"`
	Seed          int64  `json:"smt_seed"`
	Chunk         int    `json:"smt_chunk"`
	JSON          bool   `json:"json"`
	Items         int    `json:"items"`
}

func runCheckShard(o *checkOptions, c *cert.Certificate, krep *cert.Report, s *streams) error {
	i, n, err := parseShard(o.shard.spec, o.shard.count, os.Getenv)
	if err != nil {
		return malformed(err)
	}
	sum, err := fileSHA256(o.path, maxPartialBytes)
	if err != nil {
		return malformed(err)
	}
	solver, err := defaultSolver()
	if err != nil {
		return &exitError{code: exitUndecided, err: err}
	}
	opt, err := smtCheckOpts(o, krep, s)
	if err != nil {
		return malformed(err)
	}
	items, err := smt.CheckItems(c, opt)
	if err != nil {
		return &exitError{code: exitUndecided, err: fmt.Errorf("--smt: %w", err)}
	}
	sp, err := smt.CheckShard(context.Background(), solver, c, opt, i, n)
	if errors.Is(err, smt.ErrBadQuery) {
		return malformed(err)
	}
	if err != nil {
		return &exitError{code: exitUndecided, err: fmt.Errorf("--smt: %w", err)}
	}
	p := &shardPartial{Format: partialFormat, Shard: i, CheckSMT: sp, Job: shardJob{
		Command: "check --smt", Version: readVersion().Version, MaxDigits: o.maxDigits, Shards: n,
		Inputs: []shardInput{{Path: o.path, SHA256: sum}},
		Check: &checkJob{Engine: o.engine.String(), KernelTimeout: o.timeout.String(), Sample: o.smtSample,
			Seed: o.smtSeed, Chunk: o.smtChunk, JSON: o.json, Items: items},
	}}
	path, err := writePartial(o.shard.dir, p)
	if err != nil {
		return err
	}
	points := 0
	for _, ch := range sp.Chunks {
		points += ch.Last - ch.First + 1
	}
	fmt.Fprintf(s.out, "shard %d/%d of check --smt %s: %d of %d work items (%d point chunks, %d whole claims), %d queries\nwrote %s\n",
		i, n, o.path, len(sp.Chunks)+len(sp.Claims), items, len(sp.Chunks), len(sp.Claims), sp.Queries, path)
	return nil
}

func mergeCheckJob(o *mergeOptions, s *streams, job shardJob, parts []*shardPartial, paths []string) error {
	cj := job.Check
	if cj == nil || len(job.Inputs) != 1 {
		return malformed(fmt.Errorf("%s: a check --smt job names one certificate and its options", paths[0]))
	}
	sps := make([]*smt.CheckPartial, len(parts))
	for k, p := range parts {
		if p.CheckSMT == nil {
			return malformed(fmt.Errorf("%s: a partial of check --smt without its outcomes", paths[k]))
		}
		if p.CheckSMT.Shard != p.Shard || p.CheckSMT.Shards != job.Shards {
			return malformed(fmt.Errorf("%s: its outcomes are of shard %d/%d", paths[k], p.CheckSMT.Shard, p.CheckSMT.Shards))
		}
		sps[k] = p.CheckSMT
	}
	if err := checkInputs(job); err != nil {
		return malformed(err)
	}
	g := *o.globalOptions
	g.maxDigits = job.MaxDigits
	co := &checkOptions{globalOptions: &g, path: job.Inputs[0].Path, json: cj.JSON, smt: true,
		smtSample: cj.Sample, smtSeed: cj.Seed, smtChunk: cj.Chunk}
	if err := (engineValue{&co.engine}).Set(cj.Engine); err != nil {
		return malformed(fmt.Errorf("%s: engine: %v", paths[0], err))
	}
	var err error
	if co.timeout, err = time.ParseDuration(cj.KernelTimeout); err != nil {
		return malformed(fmt.Errorf("%s: kernel_timeout: %v", paths[0], err))
	}
	c, err := loadCert(co.path, co.limits())
	if err != nil {
		return malformed(err)
	}
	krep, err := cert.Check(c, cert.Options{Workers: co.workers, Engine: co.engine, Timeout: co.timeout, Theorems: theorems.Table})
	if err != nil {
		return malformed(fmt.Errorf("%s: %w", co.path, err))
	}
	opt, err := smtCheckOpts(co, krep, s)
	if err != nil {
		return malformed(err)
	}
	srep, err := smt.MergeCheck(c, opt, sps)
	if err != nil {
		return malformed(fmt.Errorf("merge: %w", err))
	}
	out, smtCode := smtAgreement(co, krep, srep, s)
	code := combineSMTCode(statusExit(krep.Status), smtCode)
	return finishCheck(co, c, krep, code, out, s)
}
