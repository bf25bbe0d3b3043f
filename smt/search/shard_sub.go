package search

import (
	"context"
	"errors"
	"fmt"
	"math/big"
	"slices"
	"time"

	"certify/cert"
	"certify/smt"
)

// Fine work items: a second round's costly cases cut into their second-level sub-cases.
//
// A first-layer case that a first round left open at the first level after the whole
// per-case limit (SplitCase.FirstFull) is a case a single run splits again on the second
// layer (split2.go): its sub-cases, in the order of the proof script, asked as one batch.
// A second round with fine items does not take such a case whole: its sub-cases are cut
// into chunks of a fixed size, and each chunk is a work item (SubItems). A shard asks its
// chunks as batches (as a single run asks the whole case's) and records each chunk's
// outcome (SubChunk); MergeSplit puts a case back together from its chunks: unsat on every
// chunk is the case decided on the second level, exactly as a single run decides it, so
// the proof script is the single run's byte for byte. A sat sub-case gives the witness.

// SubItem is one fine work item: sub-cases First … Last (0-based, of Of) of case Case.
type SubItem struct {
	Case  int
	First int
	Last  int
	Of    int
}

// SubChunk is the outcome of one fine work item.
type SubChunk struct {
	Case    int    `json:"case"` // the first-layer case (0-based, in the order of SplitCaseNames)
	Name    string `json:"case_name"`
	Of      int    `json:"of"` // the case's sub-cases
	First   int    `json:"first"`
	Last    int    `json:"last"`
	Outcome string `json:"outcome"` // unsat (every sub-case of the chunk), sat, irrational, unknown, skipped
	Note    string `json:"note,omitempty"`
	// Time and CPU are measurements (wall, and user CPU of certify and its solver
	// processes), not part of the answer.
	Time time.Duration `json:"time_ns,omitempty"`
	CPU  time.Duration `json:"cpu_ns,omitempty"`
}

// SubItems cuts the second-level sub-cases of each case of cases (indices, in
// increasing order) into chunks of size chunk: the fine work items, case by case, each
// case's chunks in order. The split must have a second level (two hidden layers or more).
// A case with too many sub-cases to enumerate (MaxSplit2SubCases) is left out: the cases
// taken are returned with the items.
func SubItems(a Arch, d *cert.Dataset, maxDigits int, cases []int, chunk int) ([]SubItem, []int, error) {
	var taken []int
	items, err := subItems(a, d, maxDigits, cases, chunk, &taken)
	return items, taken, err
}

func subItems(a Arch, d *cert.Dataset, maxDigits int, cases []int, chunk int, taken *[]int) ([]SubItem, error) {
	if a.Outputs == 0 {
		a.Outputs = 1
	}
	if err := splitSupported(a, d); err != nil {
		return nil, err
	}
	if chunk < 1 {
		return nil, fmt.Errorf("%w: sub-case chunks of %d", smt.ErrBadQuery, chunk)
	}
	xs := distinctInputs(d)
	if len(a.Hidden) < 2 || len(xs) > split2MaxPoints {
		return nil, fmt.Errorf("%w: fine work items need a second level of the split (two hidden layers, at most %d distinct inputs)", smt.ErrBadQuery, split2MaxPoints)
	}
	all := splitCases(len(xs), a.Hidden[0])
	var out []SubItem
	prev := -1
	for _, k := range cases {
		if k <= prev || k >= len(all) {
			return nil, fmt.Errorf("%w: case %d (cases in increasing order, fewer than %d)", smt.ErrBadQuery, k, len(all))
		}
		prev = k
		ss, err := newSubSplit(a, d, all[k], xs, maxDigits)
		if big := (errSubTooLarge{}); errors.As(err, &big) {
			continue
		}
		if err != nil {
			return nil, err
		}
		*taken = append(*taken, k)
		of := len(ss.batch.Bodies)
		if of == 0 { // no sub-case: one empty item still decides the case
			out = append(out, SubItem{Case: k, First: 0, Last: -1, Of: 0})
		}
		for lo := 0; lo < of; lo += chunk {
			out = append(out, SubItem{Case: k, First: lo, Last: min(lo+chunk, of) - 1, Of: of})
		}
	}
	return out, nil
}

// ExistsSubChunks asks the fine work items keep accepts (their indices in items) under
// ctx, each chunk with its share of the time left, and stops at the first sat sub-case
// (the chunks after it are skipped).
func ExistsSubChunks(ctx context.Context, s smt.Solver, a Arch, d *cert.Dataset, maxDigits int, items []SubItem, keep func(k int) bool) (*SplitPartial, error) {
	if a.Outputs == 0 {
		a.Outputs = 1
	}
	if err := splitSupported(a, d); err != nil {
		return nil, err
	}
	start := time.Now()
	xs := distinctInputs(d)
	cases := splitCases(len(xs), a.Hidden[0])
	p := &SplitPartial{Total: len(cases), Solver: s.Name(), WitnessCase: -1, Cases: []SplitCase{}}
	var mine []int
	for k := range items {
		if keep(k) {
			mine = append(mine, k)
		}
	}
	subs := map[int]*subSplit{}
	found := false
	for j, k := range mine {
		it := items[k]
		if it.Case < 0 || it.Case >= len(cases) {
			return nil, fmt.Errorf("%w: fine item %d: case %d of %d", smt.ErrBadQuery, k, it.Case, len(cases))
		}
		cs := cases[it.Case]
		ch := SubChunk{Case: it.Case, Name: caseName(cs), Of: it.Of, First: it.First, Last: it.Last, Outcome: OutcomeSkipped}
		if found {
			p.Chunks = append(p.Chunks, ch)
			continue
		}
		if ctx.Err() != nil {
			ch.Outcome = OutcomeUnknown
			p.Chunks = append(p.Chunks, ch)
			continue
		}
		t0, c0 := time.Now(), userCPU()
		ss := subs[it.Case]
		if ss == nil {
			var err error
			if ss, err = newSubSplit(a, d, cs, xs, maxDigits); err != nil {
				return nil, err
			}
			subs[it.Case] = ss
		}
		if len(ss.batch.Bodies) != it.Of || it.Last >= it.Of || it.First > it.Last+1 || it.First < 0 {
			return nil, fmt.Errorf("%w: fine item %d: sub-cases %d..%d of %d; case %s has %d", smt.ErrBadQuery, k, it.First, it.Last, it.Of, ch.Name, len(ss.batch.Bodies))
		}
		qctx, cancel := ctx, context.CancelFunc(func() {})
		if dl, ok := ctx.Deadline(); ok {
			qctx, cancel = context.WithTimeout(ctx, time.Until(dl)/time.Duration(len(mine)-j))
		}
		st, w, note, err := existsSubRange(qctx, ctx, s, a, d, cs, ss, it.First, it.Last+1)
		cancel()
		if err != nil {
			return nil, err
		}
		ch.Note = note
		switch {
		case st == smt.Unsat:
			ch.Outcome = OutcomeUnsat
		case st == smt.Sat && w == nil:
			ch.Outcome = OutcomeIrrational
		case st == smt.Sat:
			ch.Outcome, found = OutcomeSat, true
			p.Witness, p.WitnessSolver, p.WitnessCase = w, note, it.Case
			p.WitnessNote = fmt.Sprintf("first-layer case %v of %d, %s", cs, len(cases), note)
		default:
			ch.Outcome = OutcomeUnknown
		}
		ch.Time, ch.CPU = time.Since(t0), userCPU()-c0
		p.Chunks = append(p.Chunks, ch)
	}
	p.Time = time.Since(start)
	return p, nil
}

// mergeSubChunks puts the fine cases back together from their chunks (in any partial):
// each such case's chunks must cover its sub-cases exactly once. It returns the cases,
// and for a sat case the partial whose witness it is.
func mergeSubChunks(a Arch, d *cert.Dataset, xs []*big.Rat, cases [][]splitUnit, maxDigits int, parts []*SplitPartial) ([]*SplitCase, map[int]*SplitPartial, error) {
	type got struct {
		ch *SubChunk
		p  *SplitPartial
	}
	by := map[int][]got{}
	for _, p := range parts {
		for k := range p.Chunks {
			ch := &p.Chunks[k]
			if ch.Case < 0 || ch.Case >= len(cases) || ch.Name != caseName(cases[ch.Case]) {
				return nil, nil, fmt.Errorf("%w: sub-case chunk of case %d %q: not case %d of the split", smt.ErrBadQuery, ch.Case, ch.Name, ch.Case)
			}
			by[ch.Case] = append(by[ch.Case], got{ch, p})
		}
	}
	keys := make([]int, 0, len(by))
	for k := range by {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	var out []*SplitCase
	witness := map[int]*SplitPartial{}
	for _, k := range keys {
		chs := by[k]
		slices.SortFunc(chs, func(x, y got) int { return x.ch.First - y.ch.First })
		ss, err := newSubSplit(a, d, cases[k], xs, maxDigits)
		if err != nil {
			return nil, nil, err
		}
		of := len(ss.batch.Bodies)
		next := 0
		c := &SplitCase{Index: k, Case: caseName(cases[k]), Outcome: OutcomeSub, Round: 1}
		var sat *got
		irr, open := false, false
		for i := range chs {
			ch := chs[i].ch
			if ch.Of != of {
				return nil, nil, fmt.Errorf("%w: a chunk of case %s counts %d sub-cases; it has %d", smt.ErrBadQuery, c.Case, ch.Of, of)
			}
			if ch.First != next || ch.Last < ch.First-1 || ch.Last >= of || (ch.Last < ch.First && of > 0) {
				return nil, nil, fmt.Errorf("%w: case %s: sub-cases %d..%d: chunks overlap or leave a gap (next expected %d, of %d)", smt.ErrBadQuery, c.Case, ch.First, ch.Last, next, of)
			}
			next = ch.Last + 1
			c.Time += ch.Time
			c.CPU += ch.CPU
			switch ch.Outcome {
			case OutcomeUnsat:
			case OutcomeSat:
				if chs[i].p.Witness == nil || chs[i].p.WitnessCase != k {
					return nil, nil, fmt.Errorf("%w: case %s, sub-cases %d..%d: sat without its witness", smt.ErrBadQuery, c.Case, ch.First, ch.Last)
				}
				if sat == nil {
					sat = &chs[i]
				}
			case OutcomeIrrational:
				irr = true
				if c.IrrationalNote == "" {
					c.IrrationalNote = fmt.Sprintf("case %s: %s", c.Case, ch.Note)
				}
			case OutcomeUnknown, OutcomeSkipped:
				open = true
				if c.SubNote == "" {
					c.SubNote = ch.Note
				}
			default:
				return nil, nil, fmt.Errorf("%w: case %s, sub-cases %d..%d: outcome %q", smt.ErrBadQuery, c.Case, ch.First, ch.Last, ch.Outcome)
			}
		}
		if next != of || (of == 0 && len(chs) != 1) {
			return nil, nil, fmt.Errorf("%w: case %s: sub-cases from %d of %d are in no partial result", smt.ErrBadQuery, c.Case, next, of)
		}
		switch {
		case sat != nil:
			c.Outcome, c.SubNote = OutcomeSat, ""
			witness[k] = sat.p
		case irr:
			c.Outcome, c.SubNote = OutcomeIrrational, ""
		case open:
			c.Outcome, c.Round = OutcomeUnknown, 0
		default:
			c.SubNote = fmt.Sprintf("case %v: %d sub-cases%s, all unsat, in %d fine work items", cases[k], of, ss.prunedNote(), len(chs))
		}
		out = append(out, c)
	}
	return out, witness, nil
}
