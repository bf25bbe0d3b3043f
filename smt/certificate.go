package smt

import (
	"fmt"
	"math/big"
	"math/rand"
	"sort"
	"strconv"
	"strings"
	"time"

	"certify/cert"
)

// CheckOptions tune CheckCertificate. The zero value checks every point in chunks sized by
// AutoChunk with no time limit.
type CheckOptions struct {
	// Chunk is the number of points (or pieces obligations) per query: one query, and with
	// the in-process solver one Z3 context, at a time, so memory is bounded by the chunk.
	// 0 chooses AutoChunk(network).
	Chunk int
	// Sample > 0 discharges a random sample of Sample points (drawn with Seed) instead of
	// all of them. Include lists points always discharged (a kernel's named failures).
	Sample  int
	Seed    int64
	Include []int
	// MaxDigits bounds the digits of any number written into a formula (DefaultMaxDigits).
	MaxDigits int
	// Timeout bounds each query (0: none). A query that runs out is Unknown: undecided.
	Timeout time.Duration
	// Progress, when set, is called after each query with the points done so far.
	Progress func(done, total int)
	// ReadFile reads a file that a claim names (the SMT-LIB proof of a no-fit claim that
	// rests on a solver), by the name the claim gives; nil: such proofs are not re-run.
	ReadFile func(name string) ([]byte, error)
	// Rerun lists the programs that race to re-run such a proof (cvc5, z3).
	Rerun []*Binary
}

// DefaultChunk is the largest number of points per query that AutoChunk chooses.
const DefaultChunk = 500

// ChunkTerms bounds the weight terms of one query that AutoChunk aims at: Z3 keeps every
// term of a context, about a kilobyte each with its sub-terms and the solver's copies
// (measured: 10 000 points of a 4→16→16→1 network, 3.7 M terms, 2–4 GB), so 2 M terms
// keep one context near a gigabyte or two.
const ChunkTerms = 2_000_000

// AutoChunk is the number of points per query for network n: DefaultChunk, or fewer so
// that points × weights stays under ChunkTerms (at least one point).
func AutoChunk(n *cert.Network) int {
	if n == nil {
		return DefaultChunk
	}
	w := 0
	for _, l := range n.Layers {
		for _, row := range l.W {
			w += len(row) + 1
		}
	}
	return max(1, min(DefaultChunk, ChunkTerms/max(w, 1)))
}

// Failure is the first false obligation of a claim found by the solver.
type Failure struct {
	Code    cert.Code `json:"code"`
	Path    string    `json:"path"`
	Point   int       `json:"point"` // -1 when the obligation is not about a point
	Message string    `json:"message"`
}

func (f *Failure) String() string { return fmt.Sprintf("%s at %s: %s", f.Code, f.Path, f.Message) }

// ClaimVerdict is the solver's verdict on one claim.
type ClaimVerdict struct {
	Index  int         `json:"index"`
	Kind   string      `json:"kind"`
	Status cert.Status `json:"verdict"`
	// Discharged is false for a claim kind that has no SMT encoding (it is then the
	// kernel's alone and never counts as a disagreement).
	Discharged bool `json:"discharged"`
	// Partial: only some of the claim's obligations have an encoding (How says which).
	Partial bool   `json:"partial,omitempty"`
	How     string `json:"how"`
	Checked int    `json:"checked"` // obligations discharged
	// FirstKnown: Failure is the claim's first false obligation (every earlier one was
	// decided). False when an earlier query was undecided.
	FirstKnown bool     `json:"first_known,omitempty"`
	Failure    *Failure `json:"failure,omitempty"`
	Reason     string   `json:"reason,omitempty"` // why undecided
}

// CertReport is the solver's answer on a certificate.
type CertReport struct {
	Status  cert.Status    `json:"verdict"`
	Solver  string         `json:"solver"`
	Claims  []ClaimVerdict `json:"claims"`
	Points  int            `json:"points"` // points whose obligations were sent to the solver
	Total   int            `json:"total_points"`
	Sampled bool           `json:"sampled,omitempty"`
	Seed    int64          `json:"seed,omitempty"`
	Queries int            `json:"queries"`
	Time    time.Duration  `json:"time_ns"`
}

// certEnc encodes a certificate's obligations.
type certEnc struct {
	c     *cert.Certificate
	ne    *netEnc
	max   int
	point []int // point-wise claim indices
}

func isPointwise(cl cert.Claim) bool {
	switch cl.(type) {
	case cert.ExactClaim, cert.ArgmaxClaim, cert.ThresholdClaim, cert.EpsilonClaim, cert.PatternsClaim:
		return true
	}
	return false
}

func newCertEnc(c *cert.Certificate, maxDigits int) (*certEnc, error) {
	if maxDigits == 0 {
		maxDigits = DefaultMaxDigits
	}
	e := &certEnc{c: c, max: maxDigits}
	if c.Network == nil { // a certificate about a dataset alone (a no-fit claim)
		return e, nil
	}
	ne, err := newNetEnc(c.Network, maxDigits)
	if err != nil {
		return nil, err
	}
	e.ne = ne
	for i, cl := range c.Claims {
		if isPointwise(cl) {
			e.point = append(e.point, i)
		}
	}
	return e, nil
}

// patEntry returns the index of point p in a patterns claim (-1 if it does not cover p).
func patEntry(cl cert.PatternsClaim, pos map[int]int, p int) int {
	if cl.Points == nil {
		return p
	}
	if k, ok := pos[p]; ok {
		return k
	}
	return -1
}

// ob is one point obligation: claim c at point p.
type ob struct{ c, p int }

func indName(o ob) string { return "b" + strconv.Itoa(o.c) + "_" + strconv.Itoa(o.p) }

// target is what the network must output at point i (exact and ε claims).
func (e *certEnc) target(i int) []*big.Rat {
	d := e.c.Data
	out := e.c.Network.OutputDim()
	if d.Task == cert.Regression {
		return d.Targets[i]
	}
	if out == 1 {
		return []*big.Rat{big.NewRat(int64(d.Labels[i]), 1)}
	}
	t := make([]*big.Rat, out)
	for k := range t {
		t[k] = new(big.Rat)
	}
	t[d.Labels[i]].SetInt64(1)
	return t
}

// outputCond is the condition on the outputs that a point-wise output claim states.
func (e *certEnc) outputCond(cl cert.Claim, p int, out []string) (string, error) {
	switch cl := cl.(type) {
	case cert.ExactClaim:
		y, err := Lits(e.target(p), e.max)
		if err != nil {
			return "", err
		}
		parts := make([]string, len(out))
		for k := range out {
			parts[k] = "(= " + out[k] + " " + y[k] + ")"
		}
		return and(parts), nil
	case cert.EpsilonClaim:
		y, err := Lits(e.target(p), e.max)
		if err != nil {
			return "", err
		}
		eps, err := Lit(cl.Epsilon, e.max)
		if err != nil {
			return "", err
		}
		var parts []string
		for k := range out {
			parts = append(parts, "(<= (- "+out[k]+" "+y[k]+") "+eps+")", "(<= (- "+y[k]+" "+out[k]+") "+eps+")")
		}
		return and(parts), nil
	case cert.ArgmaxClaim:
		m, err := Lit(cl.Margin, e.max)
		if err != nil {
			return "", err
		}
		c := e.c.Data.Labels[p]
		var parts []string
		for j := range out {
			if j != c {
				parts = append(parts, "(>= (- "+out[c]+" "+out[j]+") "+m+")")
			}
		}
		return and(parts), nil
	case cert.ThresholdClaim:
		t, err := Lit(cl.Threshold, e.max)
		if err != nil {
			return "", err
		}
		if e.c.Data.Labels[p] == 1 {
			return "(>= " + out[0] + " " + t + ")", nil
		}
		return "(< " + out[0] + " " + t + ")", nil
	}
	return "", fmt.Errorf("smt: claim kind %q is not point-wise", cl.Kind())
}

// pointQuery encodes the negation of the pending obligations: one copy of the network per
// point, an indicator constant per obligation, and their disjunction. A point takes the
// linear branches of its stated activation pattern when exactly one pending patterns
// claim covers it and it is not in iteOnly; its output indicators can then be trusted
// only where that pattern indicator is false (see trusted).
func (e *certEnc) pointQuery(pending []ob, iteOnly map[int]bool, patPos []map[int]int) (*Query, map[int]int, error) {
	var sb strings.Builder
	var inds []string
	patMode := map[int]int{} // point → the patterns claim whose branches it takes
	byPoint := map[int][]int{}
	var order []int
	for _, o := range pending {
		if _, seen := byPoint[o.p]; !seen {
			order = append(order, o.p)
		}
		byPoint[o.p] = append(byPoint[o.p], o.c)
	}
	d := e.c.Data
	for _, p := range order {
		cs := byPoint[p]
		x, err := Lits(d.Input(p), e.max)
		if err != nil {
			return nil, nil, fmt.Errorf("dataset point %d: %w", p, err)
		}
		pat := -1
		if !iteOnly[p] {
			for _, c := range cs {
				if _, ok := e.c.Claims[c].(cert.PatternsClaim); ok {
					if pat >= 0 {
						pat = -2
						break
					}
					pat = c
				}
			}
		}
		var pattern []string
		if pat >= 0 {
			cl := e.c.Claims[pat].(cert.PatternsClaim)
			pattern = cl.Patterns[patEntry(cl, patPos[pat], p)]
			patMode[p] = pat
		}
		prefix := "p" + strconv.Itoa(p) + "_"
		var conds []string
		out, zs := e.ne.copyOut(&sb, prefix, x, pattern, &conds)
		for _, c := range cs {
			name := indName(ob{c, p})
			var cond string
			switch cl := e.c.Claims[c].(type) {
			case cert.PatternsClaim:
				if c == pat {
					cond = and(conds)
					break
				}
				stated := cl.Patterns[patEntry(cl, patPos[c], p)]
				var parts []string
				for li, s := range stated {
					for u := 0; u < len(s); u++ {
						cc, _, _ := e.ne.stateCond(li, u, zs[li][u], s[u])
						parts = append(parts, cc)
					}
				}
				cond = and(parts)
			default:
				if cond, err = e.outputCond(cl, p, out); err != nil {
					return nil, nil, err
				}
			}
			declareBool(&sb, name, "(not "+cond+")")
			inds = append(inds, name)
		}
	}
	sb.WriteString("(assert ")
	sb.WriteString(or(inds))
	sb.WriteString(")\n")
	return &Query{Logic: "QF_LRA", Body: sb.String(), Want: inds}, patMode, nil
}

// samplePoints returns the points to discharge, in increasing order.
func samplePoints(n int, opt CheckOptions) []int {
	if opt.Sample <= 0 || opt.Sample >= n {
		pts := make([]int, n)
		for i := range pts {
			pts[i] = i
		}
		return pts
	}
	r := rand.New(rand.NewSource(opt.Seed))
	set := map[int]bool{}
	for _, p := range r.Perm(n)[:opt.Sample] {
		set[p] = true
	}
	for _, p := range opt.Include {
		if p >= 0 && p < n {
			set[p] = true
		}
	}
	pts := make([]int, 0, len(set))
	for p := range set {
		pts = append(pts, p)
	}
	sort.Ints(pts)
	return pts
}

type runFn func(q *Query) (Result, error)

func (e *certEnc) pointFailure(o ob) *Failure {
	cl := e.c.Claims[o.c]
	f := &Failure{Point: o.p, Path: fmt.Sprintf("points[%d]", o.p)}
	switch cl.(type) {
	case cert.ExactClaim:
		f.Code, f.Message = cert.CodeOutputMismatch, fmt.Sprintf("the solver finds f(x_%d) ≠ the label (sat)", o.p)
	case cert.EpsilonClaim:
		f.Code, f.Message = cert.CodeEpsilonExceeded, fmt.Sprintf("the solver finds |f(x_%d) − y| > ε (sat)", o.p)
	case cert.ArgmaxClaim:
		f.Code, f.Message = cert.CodeArgmaxMargin, fmt.Sprintf("the solver finds the margin violated at point %d (sat)", o.p)
	case cert.ThresholdClaim:
		f.Code, f.Message = cert.CodeThresholdMismatch, fmt.Sprintf("the solver finds 1[f(x_%d) ≥ t] ≠ the label (sat)", o.p)
	case cert.PatternsClaim:
		f.Path = fmt.Sprintf("claims[%d] at point %d", o.c, o.p)
		f.Code, f.Message = cert.CodePatternMismatch, fmt.Sprintf("the stated activation pattern's sign constraints fail at point %d (sat)", o.p)
	}
	return f
}

// distinctFailure compares the stated patterns as strings: the first entry equal to an
// earlier one.
func distinctFailure(cl cert.PatternsClaim, ci int) *Failure {
	seen := map[string]int{}
	for k, p := range cl.Patterns {
		key := strings.Join(p, "|")
		if j, dup := seen[key]; dup {
			pt := func(k int) int {
				if cl.Points != nil {
					return cl.Points[k]
				}
				return k
			}
			return &Failure{Code: cert.CodePatternsNotUnique, Path: fmt.Sprintf("claims[%d].patterns[%d]", ci, k), Point: pt(k),
				Message: fmt.Sprintf("points %d and %d have the same stated pattern", pt(j), pt(k))}
		}
		seen[key] = k
	}
	return nil
}

// checkSizes recomputes the stated sizes from the network's numbers.
func checkSizes(cl cert.SizesClaim, n *cert.Network, ci int) (int, *Failure) {
	depth := len(n.Layers)
	var widths []int
	hidden := 0
	var params, nzw, nzp int64
	maxBits := 0
	bits := func(r *big.Rat) int { return r.Num().BitLen() + r.Denom().BitLen() }
	for li, l := range n.Layers {
		widths = append(widths, len(l.B))
		if li < depth-1 {
			hidden += len(l.B)
		}
		for u, row := range l.W {
			for _, w := range row {
				params++
				if w.Sign() != 0 {
					nzw++
					nzp++
				}
				maxBits = max(maxBits, bits(w))
			}
			params++
			if l.B[u].Sign() != 0 {
				nzp++
			}
			maxBits = max(maxBits, bits(l.B[u]))
		}
	}
	checked := 0
	mis := func(field string, want, got any) *Failure {
		return &Failure{Code: cert.CodeSizeMismatch, Path: fmt.Sprintf("claims[%d].%s", ci, field), Point: -1,
			Message: fmt.Sprintf("stated %s %v, recomputed %v", field, want, got)}
	}
	type item struct {
		name      string
		set       bool
		want, got int64
	}
	var items []item
	if cl.Depth != nil {
		items = append(items, item{"depth", true, int64(*cl.Depth), int64(depth)})
	}
	if cl.HiddenUnits != nil {
		items = append(items, item{"hidden_units", true, int64(*cl.HiddenUnits), int64(hidden)})
	}
	if cl.Parameters != nil {
		items = append(items, item{"parameters", true, *cl.Parameters, params})
	}
	if cl.NonzeroWeights != nil {
		items = append(items, item{"nonzero_weights", true, *cl.NonzeroWeights, nzw})
	}
	if cl.NonzeroParameters != nil {
		items = append(items, item{"nonzero_parameters", true, *cl.NonzeroParameters, nzp})
	}
	if cl.MaxBits != nil {
		items = append(items, item{"max_bits", true, int64(*cl.MaxBits), int64(maxBits)})
	}
	for _, it := range items {
		checked++
		if it.want != it.got {
			return checked, mis(it.name, it.want, it.got)
		}
	}
	if cl.Widths != nil {
		checked++
		if fmt.Sprint(cl.Widths) != fmt.Sprint(widths) {
			return checked, mis("widths", cl.Widths, widths)
		}
	}
	if cl.MaxBitsAtMost != nil {
		checked++
		if maxBits > *cl.MaxBitsAtMost {
			return checked, mis("max_bits_at_most", fmt.Sprintf("max_bits ≤ %d", *cl.MaxBitsAtMost), maxBits)
		}
	}
	return checked, nil
}
