package main

// Shards of capacity. The work items are the N values 1 … --max-n; N goes to shard
// (N − 1) mod n + 1. A shard walks its own N upwards and stops at the first that does not
// fit (or is undecided), as a single run stops at its first; merge puts the rows back in
// order of N and cuts them where the single run stops (lowerbounds.MergeCapacity), then
// writes the two certificates and prints the table as capacity does. A shard's N beyond
// the single run's stop are work the single run does not do: the capacity walk is cut
// by N for a cluster only when each N is costly; the split search (smt exists --encoding
// split --shard) cuts one costly N.

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"time"

	"certify/cert"
	"certify/certio"
	"certify/lowerbounds"
)

// capacityJob are the options of a capacity job that change its result.
type capacityJob struct {
	Widths     string `json:"widths"`
	Activation string `json:"activation"`
	Family     string `json:"family"`
	MaxN       int    `json:"max_n"`
	Seed       uint64 `json:"seed"`
	Timeout    string `json:"timeout"`
	JSON       bool   `json:"json"`
	NoSolver   bool   `json:"no_solver"`
}

// capacityRow is a row of a shard with its certificate.
type capacityRow struct {
	lowerbounds.CapacityRow
	Cert   json.RawMessage `json:"cert,omitempty"`
	SMTLIB string          `json:"smtlib,omitempty"`
}

// capacityPartial is a shard's share of a capacity walk.
type capacityPartial struct {
	Rows      []capacityRow `json:"rows"`
	EndOfData int           `json:"end_of_data,omitempty"`
	// Skipped are the N of the shard's share it did not try: past a stop another shard
	// marked (shard_stop.go).
	Skipped []capacitySkip `json:"skipped,omitempty"`
}

// capacitySkip is an N skipped past the global stop: the N Stop, before it, does not fit
// (or is undecided), so a single run stops there first.
type capacitySkip struct {
	N    int    `json:"n"`
	Stop int    `json:"past_stop"`
	Why  string `json:"why"`
}

func capacityOwner(n int) func(int) int { return func(v int) int { return (v - 1) % n } }

func runCapacityShard(o *capacityOptions, s *streams, arch cert.Architecture, opt lowerbounds.CapacityOptions) error {
	i, n, err := parseShard(o.shard.spec, o.shard.count, os.Getenv)
	if err != nil {
		return malformed(err)
	}
	job := shardJob{Command: "capacity", Arch: o.widths, Hidden: arch.Hidden, Version: readVersion().Version,
		MaxDigits: o.maxDigits, Shards: n, Capacity: &capacityJob{Widths: o.widths, Activation: o.activation,
			Family: o.family, MaxN: o.maxN, Seed: o.seed, Timeout: o.timeout.String(), JSON: o.json, NoSolver: o.noSolver}}
	if path, ok := strings.CutPrefix(o.family, "file:"); ok {
		sum, err := fileSHA256(path, maxPartialBytes)
		if err != nil {
			return malformed(fmt.Errorf("--family: %v", err))
		}
		job.Inputs = []shardInput{{Path: path, SHA256: sum}}
	}
	own := capacityOwner(n)
	part := &capacityPartial{Rows: []capacityRow{}}
	key := jobKey(job)
	opt.Only = func(v int) bool {
		if own(v) != i-1 {
			return false
		}
		if m, ok := readStop(o.shard.dir, key, "capacity-N"); ok && m < v {
			part.Skipped = append(part.Skipped, capacitySkip{N: v, Stop: m, Why: fmt.Sprintf("skipped past the global stop: N = %d does not fit (marked by another shard)", m)})
			return false
		}
		return true
	}
	opt.EndOfData = func(v int) { part.EndOfData = v }
	res, err := lowerbounds.Capacity(context.Background(), arch, o.family, opt)
	if err != nil {
		return malformed(err)
	}
	if k := len(res.Rows); k > 0 && res.Rows[k-1].Verdict != lowerbounds.Fits {
		writeStop(o.shard.dir, key, "capacity-N", res.Rows[k-1].N, fmt.Sprintf("shard %d of %d: N = %d %s", i, n, res.Rows[k-1].N, res.Rows[k-1].Verdict))
	}
	for _, r := range res.Rows {
		row := capacityRow{CapacityRow: r, SMTLIB: r.SMTLIB}
		if r.Cert != nil {
			var b strings.Builder
			if err := certio.Encode(&b, r.Cert); err != nil {
				return err
			}
			row.Cert = json.RawMessage(b.String())
		}
		part.Rows = append(part.Rows, row)
	}
	path, err := writePartial(o.shard.dir, &shardPartial{Format: partialFormat, Job: job, Shard: i, Capacity: part})
	if err != nil {
		return err
	}
	var ns []string
	for _, r := range res.Rows {
		ns = append(ns, fmt.Sprintf("%d %s", r.N, r.Verdict))
	}
	if k := len(part.Skipped); k > 0 {
		ns = append(ns, fmt.Sprintf("%d of its N from %d on skipped past the global stop at N = %d", k, part.Skipped[0].N, part.Skipped[0].Stop))
	}
	fmt.Fprintf(s.out, "shard %d/%d of capacity %s: N = %s\nwrote %s\n", i, n, o.widths, strings.Join(append(ns, "none")[:max(len(ns), 1)], ", "), path)
	return nil
}

func mergeCapacityJob(o *mergeOptions, s *streams, job shardJob, parts []*shardPartial, paths []string) error {
	cj := job.Capacity
	if cj == nil {
		return malformed(fmt.Errorf("%s: a capacity job without its options", paths[0]))
	}
	if err := checkInputs(job); err != nil {
		return malformed(err)
	}
	shards := make([]lowerbounds.CapacityShard, job.Shards)
	for k, p := range parts {
		if p.Capacity == nil {
			return malformed(fmt.Errorf("%s: a partial of capacity without its rows", paths[k]))
		}
		sh := &shards[p.Shard-1]
		sh.EndOfData = p.Capacity.EndOfData
		for _, r := range p.Capacity.Rows {
			row := r.CapacityRow
			row.SMTLIB = r.SMTLIB
			if len(r.Cert) > 0 {
				c, err := cert.Decode(strings.NewReader(string(r.Cert)), "", o.limits())
				if err != nil {
					return malformed(fmt.Errorf("%s: N = %d: certificate: %v", paths[k], r.N, err))
				}
				row.Cert = c
			}
			sh.Rows = append(sh.Rows, row)
		}
	}
	// Each skip must be past a stop that is in the partials: the N it names there, and
	// not fitting.
	byN := map[int]string{}
	for _, p := range parts {
		for _, r := range p.Capacity.Rows {
			byN[r.N] = r.Verdict
		}
	}
	own := capacityOwner(job.Shards)
	for k, p := range parts {
		for _, sk := range p.Capacity.Skipped {
			if sk.N < 1 || sk.N > cj.MaxN || own(sk.N) != p.Shard-1 {
				return malformed(fmt.Errorf("%s: skipped N = %d is not in shard %d's share", paths[k], sk.N, p.Shard))
			}
			if v, ok := byN[sk.N]; ok {
				return malformed(fmt.Errorf("%s: N = %d is skipped there and tried in a partial result (%s)", paths[k], sk.N, v))
			}
			if v, ok := byN[sk.Stop]; !ok || sk.Stop >= sk.N || v == lowerbounds.Fits {
				return malformed(fmt.Errorf("%s: N = %d is skipped past a stop at N = %d, which no partial result has as not fitting", paths[k], sk.N, sk.Stop))
			}
		}
	}
	hidden, err := parseWidths(cj.Widths)
	if err != nil {
		return malformed(fmt.Errorf("%s: %v", paths[0], err))
	}
	arch := cert.Architecture{InputDim: 1, Hidden: hidden, Activation: cj.Activation}
	res, err := lowerbounds.MergeCapacity(arch, cj.Family, cj.MaxN, capacityOwner(job.Shards), shards)
	if err != nil {
		return malformed(fmt.Errorf("merge: %w", err))
	}
	timeout, _ := time.ParseDuration(cj.Timeout)
	co := &capacityOptions{globalOptions: o.globalOptions, widths: cj.Widths, activation: cj.Activation, family: cj.Family,
		maxN: cj.MaxN, seed: cj.Seed, timeout: timeout, out: o.out, json: cj.JSON, noSolver: cj.NoSolver}
	return reportCapacity(co, s, res)
}
