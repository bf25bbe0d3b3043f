package search

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"certify/cert"
	"certify/smt"
)

// Sharding the split encoding.
//
// The work items of a split are its first-layer cases, in the order of splitCases (the
// multisets of (s, p) units in nondecreasing order; see SplitCaseNames). They are grouped
// into orbits: a case alone, or, when the data are their own mirror image, a case with its
// mirror case (the orbit listed at its first member). Orbit k (0-based, in that order) goes
// to shard k mod n + 1: round robin, so the costly middle cases are spread, and a case and
// its mirror are always in the same shard, where the mirror argument is applied exactly as
// in a single run. Each shard runs the rounds of the split (first level, second level,
// the time left) on its own cases only and records every case's outcome (SplitPartial);
// MergeSplit puts the partials of all shards together into the answer, and the proof
// script, of a single run. A single run is the one-shard run merged.

// Outcomes of a case in a SplitPartial.
const (
	OutcomeUnsat      = "unsat"      // the case's query is unsat
	OutcomeSub        = "sub"        // every second-layer sub-case is unsat
	OutcomeMirror     = "mirror"     // its mirror case (MirrorOf) is unsat
	OutcomeSat        = "sat"        // the shard's witness comes from this case
	OutcomeIrrational = "irrational" // sat with irrational weights only
	OutcomeUnknown    = "unknown"    // undecided in the time given
	OutcomeSkipped    = "skipped"    // not asked: the shard found a witness first
)

// SplitCase is the outcome of one first-layer case.
type SplitCase struct {
	Index          int    `json:"index"` // 0-based, in the order of SplitCaseNames
	Case           string `json:"case"`
	Outcome        string `json:"outcome"`
	Round          int    `json:"round,omitempty"` // the round that decided it (0 first level, 1 second level, 2 time left)
	MirrorOf       string `json:"mirror_of,omitempty"`
	SubNote        string `json:"sub_note,omitempty"`
	IrrationalNote string `json:"irrational_note,omitempty"`
	// Time is the wall time the shard spent on the case (every round, the mirror
	// argument aside), CPU the user CPU time of certify and its solver processes in it:
	// measurements, not part of the answer (merge ignores them).
	// Rounds is the wall time of each round of the case (first level, second level, time
	// left), as far as it went.
	Time   time.Duration   `json:"time_ns,omitempty"`
	CPU    time.Duration   `json:"cpu_ns,omitempty"`
	Rounds []time.Duration `json:"round_ns,omitempty"`
	// FirstFull: left open at the first level after the whole per-case limit (not cut
	// short by the shard's time), as a single run leaves it for the second level.
	FirstFull bool `json:"first_full,omitempty"`
}

// SplitPartial is one shard's share of a split: the outcome of each of its cases, and
// the witness when one of them was sat.
type SplitPartial struct {
	Total         int               `json:"total_cases"`
	Solver        string            `json:"solver"`
	Time          time.Duration     `json:"time_ns"`
	Cases         []SplitCase       `json:"cases"`
	Chunks        []SubChunk        `json:"sub_chunks,omitempty"` // fine work items (shard_sub.go)
	WitnessCase   int               `json:"witness_case,omitempty"`
	WitnessSolver string            `json:"witness_solver,omitempty"`
	WitnessNote   string            `json:"witness_note,omitempty"`
	Witness       *cert.Certificate `json:"-"`
}

// SplitCaseNames lists the first-layer cases of the split of a over d, in order.
func SplitCaseNames(a Arch, d *cert.Dataset) ([]string, error) {
	if a.Outputs == 0 {
		a.Outputs = 1
	}
	if err := splitSupported(a, d); err != nil {
		return nil, err
	}
	cases := splitCases(len(distinctInputs(d)), a.Hidden[0])
	out := make([]string, len(cases))
	for i, cs := range cases {
		out[i] = fmt.Sprint(cs)
	}
	return out, nil
}

// SplitShardOf gives, for each case of the split of a over d, its shard (1..n).
func SplitShardOf(a Arch, d *cert.Dataset, n int) ([]int, error) {
	if a.Outputs == 0 {
		a.Outputs = 1
	}
	if err := splitSupported(a, d); err != nil {
		return nil, err
	}
	if n < 1 {
		return nil, fmt.Errorf("%w: %d shards", smt.ErrBadQuery, n)
	}
	xs := distinctInputs(d)
	cases := splitCases(len(xs), a.Hidden[0])
	index := map[string]int{}
	for i, cs := range cases {
		index[fmt.Sprint(cs)] = i
	}
	symmetric := mirrorSymmetric(d, xs)
	shard := make([]int, len(cases))
	orbit := 0
	for i, cs := range cases {
		if shard[i] != 0 {
			continue
		}
		shard[i] = orbit%n + 1
		if symmetric {
			if j, ok := index[fmt.Sprint(mirrorCase(cs, len(xs)))]; ok && shard[j] == 0 {
				shard[j] = shard[i]
			}
		}
		orbit++
	}
	return shard, nil
}

// ExistsSplitShard runs shard i of n (1-based) of the split of a over d under ctx.
func ExistsSplitShard(ctx context.Context, s smt.Solver, a Arch, d *cert.Dataset, maxDigits, i, n int) (*SplitPartial, error) {
	return ExistsSplitShardLimit(ctx, s, a, d, maxDigits, i, n, 0)
}

// ExistsSplitShardLimit is ExistsSplitShard with limit bounding each case at the first
// level (0: the default, 10 s).
func ExistsSplitShardLimit(ctx context.Context, s smt.Solver, a Arch, d *cert.Dataset, maxDigits, i, n int, limit time.Duration) (*SplitPartial, error) {
	if a.Outputs == 0 {
		a.Outputs = 1
	}
	if i < 1 || i > n {
		return nil, fmt.Errorf("%w: shard %d of %d", smt.ErrBadQuery, i, n)
	}
	shard, err := SplitShardOf(a, d, n)
	if err != nil {
		return nil, err
	}
	xs := distinctInputs(d)
	cases := splitCases(len(xs), a.Hidden[0])
	p := &SplitPartial{Total: len(cases), Solver: s.Name(), WitnessCase: -1}
	if err := runSplitCases(ctx, s, a, d, xs, cases, func(k int) bool { return shard[k] == i }, maxDigits, limit, p); err != nil {
		return nil, err
	}
	return p, nil
}

// MergeSplit puts the partials of every shard of a split together into the answer of a
// single run. Every case must appear in exactly one partial; a case named as the mirror
// image of another must have that other decided unsat. A sat case gives the witness (the
// earliest round, then the earliest case, as a single run would have found it first).
func MergeSplit(a Arch, d *cert.Dataset, maxDigits int, parts []*SplitPartial) (*ExistsResult, error) {
	if a.Outputs == 0 {
		a.Outputs = 1
	}
	if err := splitSupported(a, d); err != nil {
		return nil, err
	}
	xs := distinctInputs(d)
	cases := splitCases(len(xs), a.Hidden[0])
	byIndex := make([]*SplitCase, len(cases))
	out := &ExistsResult{Encoding: EncSplit}
	var solvers []string
	var best *SplitPartial
	var bestCase *SplitCase
	for _, p := range parts {
		if p.Total != len(cases) {
			return nil, fmt.Errorf("%w: a partial result of %d cases, the split has %d", smt.ErrBadQuery, p.Total, len(cases))
		}
		out.Time += p.Time
		if !slices.Contains(solvers, p.Solver) {
			solvers = append(solvers, p.Solver)
		}
		for k := range p.Cases {
			c := &p.Cases[k]
			if c.Index < 0 || c.Index >= len(cases) || c.Case != fmt.Sprint(cases[c.Index]) {
				return nil, fmt.Errorf("%w: case %d %q is not case %d of the split", smt.ErrBadQuery, c.Index, c.Case, c.Index)
			}
			if byIndex[c.Index] != nil {
				return nil, fmt.Errorf("%w: case %d %s is in two partial results", smt.ErrBadQuery, c.Index, c.Case)
			}
			byIndex[c.Index] = c
			if c.Outcome == OutcomeSat {
				if p.Witness == nil || p.WitnessCase != c.Index {
					return nil, fmt.Errorf("%w: case %d %s is sat without its witness", smt.ErrBadQuery, c.Index, c.Case)
				}
				if bestCase == nil || c.Round < bestCase.Round || (c.Round == bestCase.Round && c.Index < bestCase.Index) {
					best, bestCase = p, c
				}
			}
		}
	}
	fine, fineWitness, err := mergeSubChunks(a, d, xs, cases, maxDigits, parts)
	if err != nil {
		return nil, err
	}
	for _, c := range fine {
		if byIndex[c.Index] != nil {
			return nil, fmt.Errorf("%w: case %d %s is in a partial result whole and in sub-case chunks", smt.ErrBadQuery, c.Index, c.Case)
		}
		byIndex[c.Index] = c
		if p := fineWitness[c.Index]; p != nil && (bestCase == nil || c.Round < bestCase.Round || (c.Round == bestCase.Round && c.Index < bestCase.Index)) {
			best, bestCase = p, c
		}
	}
	if len(fine) > 0 && mirrorSymmetric(d, xs) {
		// As a single run after the second level: a case still open whose mirror image
		// is decided unsat is unsat.
		index := map[string]int{}
		for i, cs := range cases {
			index[fmt.Sprint(cs)] = i
		}
		for _, c := range fine {
			if c.Outcome != OutcomeUnknown {
				continue
			}
			m := fmt.Sprint(mirrorCase(cases[c.Index], len(xs)))
			if mc := byIndex[index[m]]; mc != nil && (mc.Outcome == OutcomeUnsat || mc.Outcome == OutcomeSub) {
				c.Outcome, c.MirrorOf, c.SubNote = OutcomeMirror, m, ""
			}
		}
	}
	for i, c := range byIndex {
		if c == nil {
			return nil, fmt.Errorf("%w: case %d %s is in no partial result", smt.ErrBadQuery, i, fmt.Sprint(cases[i]))
		}
	}
	out.Solver = strings.Join(solvers, "+")
	if best != nil {
		out.Status, out.Solver, out.Witness, out.Note = smt.Sat, best.WitnessSolver, best.Witness, best.WitnessNote
		return out, nil
	}
	index := map[string]int{}
	for i, cs := range cases {
		index[fmt.Sprint(cs)] = i
	}
	var irrational []*SplitCase
	var pending []*SplitCase
	var subNotes []string
	sub := map[string]bool{}
	mirrored := map[string]string{}
	for _, c := range byIndex {
		if c.SubNote != "" {
			subNotes = append(subNotes, c.SubNote)
		}
		switch c.Outcome {
		case OutcomeUnsat:
		case OutcomeSub:
			sub[c.Case] = true
		case OutcomeMirror:
			j, ok := index[c.MirrorOf]
			if !ok || (byIndex[j].Outcome != OutcomeUnsat && byIndex[j].Outcome != OutcomeSub) {
				return nil, fmt.Errorf("%w: case %s is left out as the mirror image of %s, which is not decided unsat", smt.ErrBadQuery, c.Case, c.MirrorOf)
			}
			mirrored[c.Case] = c.MirrorOf
		case OutcomeIrrational:
			irrational = append(irrational, c)
		case OutcomeUnknown:
			pending = append(pending, c)
		default:
			return nil, fmt.Errorf("%w: case %d %s has outcome %q", smt.ErrBadQuery, c.Index, c.Case, c.Outcome)
		}
	}
	switch {
	case len(irrational) > 0:
		slices.SortStableFunc(irrational, func(x, y *SplitCase) int { return x.Round - y.Round })
		notes := make([]string, len(irrational))
		for i, c := range irrational {
			notes[i] = c.IrrationalNote
		}
		out.Status, out.Irrational = smt.Sat, true
		out.Note = "sat with irrational weights only: " + strings.Join(notes, "; ")
	case len(pending) > 0:
		out.Status = smt.Unknown
		names := make([]string, 0, 4)
		for _, c := range pending[:min(len(pending), 4)] {
			names = append(names, c.Case)
		}
		out.Reason = fmt.Sprintf("%d of %d first-layer cases undecided (%s", len(pending), len(cases), strings.Join(names, ", "))
		if len(pending) > 4 {
			out.Reason += ", …"
		}
		out.Reason += ")"
		if len(subNotes) > 0 {
			out.Reason += "; " + strings.Join(subNotes, "; ")
		}
	default:
		out.Status = smt.Unsat
		out.Note = fmt.Sprintf("all %d first-layer cases unsat", len(cases))
		if len(sub) > 0 {
			out.Note += fmt.Sprintf(", %d of them split again on the second layer (%s)", len(sub), strings.Join(subNotes, "; "))
		}
		if len(mirrored) > 0 {
			out.Note += fmt.Sprintf(", %d by the mirror symmetry of the data (x ↦ −x, targets mapped affinely)", len(mirrored))
		}
		script, err := splitProofScript(a, d, xs, cases, sub, mirrored, maxDigits)
		if err != nil {
			return nil, err
		}
		out.Script = script
	}
	return out, nil
}

// caseName is a case's printed name, as in scripts and partial results.
func caseName(cs []splitUnit) string { return fmt.Sprint(cs) }

// SplitOrbitOf gives, for each case of the split of a over d, its orbit (0-based, in
// the order of the cases; see SplitShardOf).
func SplitOrbitOf(a Arch, d *cert.Dataset) ([]int, error) {
	names, err := SplitCaseNames(a, d)
	if err != nil {
		return nil, err
	}
	shard, err := SplitShardOf(a, d, max(len(names), 1))
	if err != nil {
		return nil, err
	}
	for i := range shard {
		shard[i]--
	}
	return shard, nil
}

// ExistsSplitCases runs the split of a over d on the cases keep accepts only (a shard
// of a second round: the cases a first round left open), as ExistsSplitShard does: each
// case goes through the rounds a single run gives it (the first level with its limit,
// the second level, the time left), so that it is decided as in a single run even when
// the first round cut it short.
func ExistsSplitCases(ctx context.Context, s smt.Solver, a Arch, d *cert.Dataset, maxDigits int, keep func(k int) bool, limit time.Duration) (*SplitPartial, error) {
	if a.Outputs == 0 {
		a.Outputs = 1
	}
	if err := splitSupported(a, d); err != nil {
		return nil, err
	}
	xs := distinctInputs(d)
	cases := splitCases(len(xs), a.Hidden[0])
	p := &SplitPartial{Total: len(cases), Solver: s.Name(), WitnessCase: -1}
	if err := runSplitCases(ctx, s, a, d, xs, cases, keep, maxDigits, limit, p); err != nil {
		return nil, err
	}
	return p, nil
}

// ExistsSplitLimit is the split of a over d, as a single run (Exists with EncSplit), with
// limit bounding each case at the first level (0: the default, 10 s).
func ExistsSplitLimit(ctx context.Context, s smt.Solver, a Arch, d *cert.Dataset, maxDigits int, limit time.Duration) (*ExistsResult, error) {
	p, err := ExistsSplitShardLimit(ctx, s, a, d, maxDigits, 1, 1, limit)
	if err != nil {
		return nil, err
	}
	return MergeSplit(a, d, maxDigits, []*SplitPartial{p})
}
