package audit

import (
	"context"
	"fmt"
	"strings"
)

// Sharding an audit.
//
// The work items of an audit are its claims' instances: claim by claim in the file's
// order, each claim's instances in the order Run tries them (Instances). Item k (0-based,
// counted across claims) goes to shard k mod n + 1. A shard runs the audit (both passes,
// with the whole budget, shared among the claims as Run shares it) on its items only and
// records every instance's outcome after the first pass and after the second
// (ShardReport). MergeShards puts the instances back in order and summarises each claim
// as Run does: the instances after a claim's first refutation are "not tried", and the
// verdicts, counts, open lists and the report's totals are those of a single run that
// had the time every shard had. Seconds are summed.

// ShardInstance is one instance's outcome in a shard.
type ShardInstance struct {
	Index int `json:"index"` // the instance's place among its claim's instances
	InstanceResult
}

// ShardClaim is a shard's share of one claim.
type ShardClaim struct {
	Claim      int             `json:"claim"`
	First      []ShardInstance `json:"first_pass"`
	Final      []ShardInstance `json:"final"`
	SecondPass *SecondPass     `json:"second_pass,omitempty"`
	Seconds    float64         `json:"seconds"`
}

// ShardReport is one shard's share of an audit.
type ShardReport struct {
	Shard       int          `json:"shard"`
	Shards      int          `json:"shards"`
	Items       int          `json:"items"`
	Claims      []ShardClaim `json:"claims"`
	BudgetSpent bool         `json:"budget_spent"`
	Seconds     float64      `json:"seconds"`
}

// Items is the number of work items (instances) of f.
func Items(f *ClaimsFile) int {
	n := 0
	for i := range f.Claims {
		n += len(f.Claims[i].insts)
	}
	return n
}

// RunShard runs shard i of n (1-based) of the audit of f.
func RunShard(ctx context.Context, f *ClaimsFile, opt Options, i, n int) (*ShardReport, error) {
	if n < 1 || i < 1 || i > n {
		return nil, fmt.Errorf("shard %d of %d", i, n)
	}
	offset := make([]int, len(f.Claims))
	for k := 1; k < len(f.Claims); k++ {
		offset[k] = offset[k-1] + len(f.Claims[k-1].insts)
	}
	mine := func(ci, k int) bool { return (offset[ci]+k)%n == i-1 }
	rep, firsts, err := runPick(ctx, f, opt, mine)
	if err != nil {
		return nil, err
	}
	out := &ShardReport{Shard: i, Shards: n, Items: Items(f), BudgetSpent: rep.BudgetSpent, Seconds: rep.Seconds, Claims: []ShardClaim{}}
	for ci := range f.Claims {
		var idx []int
		for k := range f.Claims[ci].insts {
			if mine(ci, k) {
				idx = append(idx, k)
			}
		}
		r := rep.Claims[ci]
		if len(r.Instances) != len(idx) || len(firsts[ci]) != len(idx) {
			return nil, fmt.Errorf("audit shard: claim %s: %d results for %d instances", r.ID, len(r.Instances), len(idx))
		}
		sc := ShardClaim{Claim: ci, SecondPass: r.SecondPass, Seconds: r.Seconds, First: []ShardInstance{}, Final: []ShardInstance{}}
		for j, k := range idx {
			sc.First = append(sc.First, ShardInstance{Index: k, InstanceResult: firsts[ci][j]})
			sc.Final = append(sc.Final, ShardInstance{Index: k, InstanceResult: r.Instances[j]})
		}
		out.Claims = append(out.Claims, sc)
	}
	return out, nil
}

// MergeShards puts the shards of the audit of f (run with opt) together into the report
// of a single run. relocate, when set, is given each certificate path a merged instance
// keeps and returns its new path (where the merge copied it).
func MergeShards(f *ClaimsFile, opt Options, parts []*ShardReport, relocate func(string) (string, error)) (*Report, error) {
	opt = defaults(opt)
	rep := &Report{Version: opt.Version, ClaimsSHA256: f.SHA256, Seed: opt.Seed, Tries: opt.Tries, Budget: opt.Budget.String()}
	items := Items(f)
	type slot struct{ first, final *InstanceResult }
	slots := make([][]slot, len(f.Claims))
	for ci := range f.Claims {
		slots[ci] = make([]slot, len(f.Claims[ci].insts))
	}
	seconds := make([]float64, len(f.Claims))
	second := make([]*SecondPass, len(f.Claims))
	for _, p := range parts {
		if p.Items != items {
			return nil, fmt.Errorf("a shard of %d instances; these claims have %d", p.Items, items)
		}
		rep.BudgetSpent = rep.BudgetSpent || p.BudgetSpent
		rep.Seconds += p.Seconds
		for _, sc := range p.Claims {
			if sc.Claim < 0 || sc.Claim >= len(f.Claims) || len(sc.First) != len(sc.Final) {
				return nil, fmt.Errorf("shard %d: claim %d is not one of the %d claims (or its passes differ in length)", p.Shard, sc.Claim, len(f.Claims))
			}
			c := &f.Claims[sc.Claim]
			seconds[sc.Claim] += sc.Seconds
			if sp := sc.SecondPass; sp != nil {
				if second[sc.Claim] == nil {
					second[sc.Claim] = &SecondPass{}
				}
				second[sc.Claim].Seconds += sp.Seconds
				second[sc.Claim].Retried += sp.Retried
				second[sc.Claim].Decided += sp.Decided
			}
			for j := range sc.First {
				a, b := &sc.First[j], &sc.Final[j]
				if a.Index != b.Index || a.Index < 0 || a.Index >= len(c.insts) || a.Instance != c.insts[a.Index].in.String() || b.Instance != a.Instance {
					return nil, fmt.Errorf("shard %d: claim %s: instance %d %q is not that claim's instance %d", p.Shard, c.ID, a.Index, a.Instance, a.Index)
				}
				s := &slots[sc.Claim][a.Index]
				if s.first != nil {
					return nil, fmt.Errorf("claim %s: instance %s is in two shards", c.ID, a.Instance)
				}
				s.first, s.final = &a.InstanceResult, &b.InstanceResult
			}
		}
	}
	for ci := range f.Claims {
		c := &f.Claims[ci]
		var first, final []InstanceResult
		for k, s := range slots[ci] {
			if s.first == nil {
				return nil, fmt.Errorf("claim %s: instance %s is in no shard", c.ID, c.insts[k].in.String())
			}
			first, final = append(first, *s.first), append(final, *s.final)
		}
		r1, err := assemble(c, opt, first, nil)
		if err != nil {
			return nil, err
		}
		if IsRefutation(r1.Verdict) {
			// A single run gives no second pass to a refuted claim (a shard that did not
			// hold the refuting instance may have).
			final, second[ci] = first, nil
		}
		r, err := assemble(c, opt, final, relocate)
		if err != nil {
			return nil, err
		}
		r.Seconds = seconds[ci]
		if sp := second[ci]; sp != nil {
			sp.Before, sp.After = r1.Verdict, r.Verdict
			r.SecondPass = sp
		}
		rep.Claims = append(rep.Claims, r)
	}
	tally(rep)
	return rep, nil
}

// assemble is a claim's result from its instances in order, as runClaim makes it: the
// instances after the first refutation are not tried.
func assemble(c *ClaimSpec, opt Options, insts []InstanceResult, relocate func(string) (string, error)) (Result, error) {
	r := Result{ID: c.ID, Source: c.Source, Statement: c.Statement, Kind: c.Kind, Activation: c.act.String(),
		Expect: c.Expect, InRange: c.inRange}
	if c.Capped() {
		r.Cap = c.MaxInstances
	}
	r.WhatTried = c.whatTried(opt)
	refutedAt := ""
	for _, ir := range insts {
		if refutedAt != "" {
			ir = InstanceResult{Instance: ir.Instance, Status: NotTried, How: "not tried: the claim is refuted at " + refutedAt}
		} else if strings.HasPrefix(ir.How, "not tried: the claim is refuted at ") {
			return r, fmt.Errorf("claim %s: instance %s is left as after a refutation, but no earlier instance is refuted", c.ID, ir.Instance)
		}
		if IsRefutation(ir.Status) && refutedAt == "" {
			refutedAt = ir.Instance
		}
		if relocate != nil && len(ir.Certificates) > 0 {
			moved := make([]string, len(ir.Certificates))
			for k, p := range ir.Certificates {
				np, err := relocate(p)
				if err != nil {
					return r, err
				}
				moved[k] = np
			}
			ir.Certificates = moved
		}
		r.Instances = append(r.Instances, ir)
	}
	summarize(&r, c)
	return r, nil
}
