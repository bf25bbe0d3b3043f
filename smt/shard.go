package smt

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"certify/cert"
)

// Sharding a certificate's second opinion (check --smt).
//
// The work items of a certificate, in this fixed order, are: its point chunks — the
// points discharged (all, or the sample, in increasing order) cut into runs of
// CheckOptions.Chunk, each one solver query (or a few, when a refutation is narrowed to
// the first false point) — then each claim checked as a whole by the solver, in claim
// order: a pieces claim, and a no-fit claim whose SMT-LIB proof is re-run. Item k (0-based)
// goes to shard k mod n + 1. A shard runs its chunks in order and keeps, as a single run
// does, the first false point of each claim: a later chunk of the same shard no longer
// asks about a claim refuted earlier. It records each chunk's outcome per claim (refuted
// at a point, undecided, or held) in a CheckPartial; MergeCheck folds the chunks of all
// shards in item order, as a single run would have met them, and recomputes what needs
// no solver (sizes claims, distinctness of stated patterns). A single run
// (CheckCertificate) is the one-shard run merged, so the merge of any n shards gives the
// same verdicts, failures and counts; only the solver time and, when a claim is refuted,
// the number of queries (a shard may ask about a claim another shard refuted earlier)
// differ.

// ChunkClaim is what one chunk's queries said about one point-wise claim.
type ChunkClaim struct {
	Claim int  `json:"claim"`
	Asked bool `json:"asked"` // false: the shard had refuted the claim at an earlier point
	// Failure is the claim's first false point in the chunk (as far as the queries went).
	Failure   *Failure `json:"failure,omitempty"`
	Undecided bool     `json:"undecided,omitempty"` // a query on it ran out
	Reason    string   `json:"reason,omitempty"`
}

// ChunkOutcome is the outcome of one point chunk.
type ChunkOutcome struct {
	Index  int          `json:"index"` // 0-based item number
	First  int          `json:"first_point"`
	Last   int          `json:"last_point"`
	Claims []ChunkClaim `json:"claims"`
}

// PartialVerdict is a claim checked whole by one shard; Verdict carries the status.
type PartialVerdict struct {
	ClaimVerdict
	Verdict string `json:"verdict"`
	Item    int    `json:"item"`
}

// CheckPartial is one shard's share of a certificate's second opinion.
type CheckPartial struct {
	Shard   int              `json:"shard"`
	Shards  int              `json:"shards"`
	Items   int              `json:"items"` // work items of the whole job
	Solver  string           `json:"solver"`
	Queries int              `json:"queries"`
	Time    time.Duration    `json:"time_ns"`
	Chunks  []ChunkOutcome   `json:"chunks"`
	Claims  []PartialVerdict `json:"claims"`
}

// checkPlan is the fixed list of work items of a certificate.
type checkPlan struct {
	pts    []int
	chunks [][]int
	whole  []int // claims checked as a whole, in claim order
	patPos []map[int]int
}

func (p *checkPlan) items() int { return len(p.chunks) + len(p.whole) }

// wholeClaim says whether claim cl is a work item of its own.
func wholeClaim(c *cert.Certificate, cl cert.Claim, opt CheckOptions) bool {
	switch cl := cl.(type) {
	case cert.PiecesClaim:
		return c.Network != nil
	case cert.NoFitClaim:
		return cl.Method == "solver" && cl.Solver != nil && opt.ReadFile != nil
	}
	return false
}

func (e *certEnc) plan(opt CheckOptions) *checkPlan {
	c := e.c
	p := &checkPlan{patPos: make([]map[int]int, len(c.Claims))}
	if len(e.point) > 0 {
		p.pts = samplePoints(c.Data.N, opt)
		for lo := 0; lo < len(p.pts); lo += opt.Chunk {
			p.chunks = append(p.chunks, p.pts[lo:min(lo+opt.Chunk, len(p.pts))])
		}
		for _, ci := range e.point {
			if cl, ok := c.Claims[ci].(cert.PatternsClaim); ok && cl.Points != nil {
				m := make(map[int]int, len(cl.Points))
				for k, pt := range cl.Points {
					if _, dup := m[pt]; !dup {
						m[pt] = k
					}
				}
				p.patPos[ci] = m
			}
		}
	}
	for i, cl := range c.Claims {
		if wholeClaim(c, cl, opt) {
			p.whole = append(p.whole, i)
		}
	}
	return p
}

func (e *certEnc) covers(p *checkPlan, ci, pt int) bool {
	if cl, ok := e.c.Claims[ci].(cert.PatternsClaim); ok {
		return patEntry(cl, p.patPos[ci], pt) >= 0
	}
	return true
}

func prepare(c *cert.Certificate, opt CheckOptions) (*certEnc, *checkPlan, CheckOptions, error) {
	if opt.Chunk <= 0 {
		opt.Chunk = AutoChunk(c.Network)
	}
	e, err := newCertEnc(c, opt.MaxDigits)
	if err != nil {
		return nil, nil, opt, err
	}
	return e, e.plan(opt), opt, nil
}

// CheckCertificate discharges every obligation of c that has an SMT encoding with
// solver s, independently of the kernel: the network is written as formulas and each
// claim's negation is asserted, so unsat discharges an obligation and sat refutes it
// (the model names the point). It returns an error only when c cannot be encoded (a
// number beyond opt.MaxDigits) or the solver cannot run. It is CheckShard(1, 1) merged.
func CheckCertificate(ctx context.Context, s Solver, c *cert.Certificate, opt CheckOptions) (*CertReport, error) {
	start := time.Now()
	p, err := CheckShard(ctx, s, c, opt, 1, 1)
	if err != nil {
		return nil, err
	}
	rep, err := MergeCheck(c, opt, []*CheckPartial{p})
	if err != nil {
		return nil, err
	}
	rep.Time = time.Since(start)
	return rep, nil
}

// CheckItems is the number of work items of c's second opinion under opt.
func CheckItems(c *cert.Certificate, opt CheckOptions) (int, error) {
	_, p, _, err := prepare(c, opt)
	if err != nil {
		return 0, err
	}
	return p.items(), nil
}

// CheckShard runs shard i of n (1-based) of c's second opinion with solver s.
func CheckShard(ctx context.Context, s Solver, c *cert.Certificate, opt CheckOptions, i, n int) (*CheckPartial, error) {
	start := time.Now()
	if n < 1 || i < 1 || i > n {
		return nil, fmt.Errorf("%w: shard %d of %d", ErrBadQuery, i, n)
	}
	e, plan, opt, err := prepare(c, opt)
	if err != nil {
		return nil, err
	}
	part := &CheckPartial{Shard: i, Shards: n, Items: plan.items(), Solver: s.Name(), Chunks: []ChunkOutcome{}, Claims: []PartialVerdict{}}
	run := func(q *Query) (Result, error) {
		part.Queries++
		qctx := ctx
		if opt.Timeout > 0 {
			var cancel context.CancelFunc
			qctx, cancel = context.WithTimeout(ctx, opt.Timeout)
			defer cancel()
		}
		return s.Solve(qctx, q)
	}
	mine := func(k int) bool { return k%n+1 == i }
	if err := e.runChunks(plan, part, run, opt, mine); err != nil {
		return nil, err
	}
	for k, ci := range plan.whole {
		item := len(plan.chunks) + k
		if !mine(item) {
			continue
		}
		v := ClaimVerdict{Index: ci, Kind: e.c.Claims[ci].Kind(), Status: cert.Verified, FirstKnown: true}
		switch cl := e.c.Claims[ci].(type) {
		case cert.PiecesClaim:
			if err := e.checkPieces(cl, ci, &v, run, opt); err != nil {
				return nil, err
			}
		case cert.NoFitClaim:
			rerunProof(ctx, cl.Solver, ci, &v, opt)
		}
		part.Claims = append(part.Claims, PartialVerdict{ClaimVerdict: v, Verdict: v.Status.String(), Item: item})
	}
	part.Time = time.Since(start)
	return part, nil
}

// runChunks runs the point chunks k with mine(k), in order.
func (e *certEnc) runChunks(plan *checkPlan, part *CheckPartial, run runFn, opt CheckOptions, mine func(int) bool) error {
	n := e.c.Data
	firstFail := map[int]int{}
	for _, ci := range e.point {
		firstFail[ci] = n.N
	}
	total := 0
	for k := range plan.chunks {
		if mine(k) {
			total += len(plan.chunks[k])
		}
	}
	done := 0
	for k, chunk := range plan.chunks {
		if !mine(k) {
			continue
		}
		out := ChunkOutcome{Index: k, First: chunk[0], Last: chunk[len(chunk)-1]}
		rec := map[int]*ChunkClaim{}
		var pending []ob
		for _, ci := range e.point {
			for _, p := range chunk {
				if !e.covers(plan, ci, p) {
					continue
				}
				if rec[ci] == nil {
					rec[ci] = &ChunkClaim{Claim: ci, Asked: p < firstFail[ci]}
				}
				if p < firstFail[ci] {
					pending = append(pending, ob{ci, p})
				}
			}
		}
		slices.SortStableFunc(pending, func(a, b ob) int { return a.p - b.p })
		iteOnly := map[int]bool{}
		for len(pending) > 0 {
			q, patMode, err := e.pointQuery(pending, iteOnly, plan.patPos)
			if err != nil {
				return err
			}
			q.Name = fmt.Sprintf("points %d..%d", chunk[0], chunk[len(chunk)-1])
			res, err := run(q)
			if err != nil {
				return err
			}
			if res.Status == Unknown {
				for _, o := range pending {
					r := rec[o.c]
					if !r.Undecided {
						r.Undecided, r.Reason = true, fmt.Sprintf("%s: %s", q.Name, res.Reason)
					}
				}
				break
			}
			if res.Status == Unsat {
				break
			}
			progress := false
			for _, o := range pending {
				val, ok := res.Model[indName(o)]
				if !ok || !val.Bool {
					continue
				}
				if pat, pm := patMode[o.p]; pm && pat != o.c {
					if res.Model[indName(ob{pat, o.p})].Bool {
						// The stated pattern is false here, so the linear branches do not
						// compute the network: decide the output claims again with ite.
						if !iteOnly[o.p] {
							iteOnly[o.p] = true
							progress = true
						}
						continue
					}
				}
				if o.p < firstFail[o.c] {
					firstFail[o.c] = o.p
					progress = true
					rec[o.c].Failure = e.pointFailure(o)
				}
			}
			if !progress {
				return fmt.Errorf("smt: %s answered sat on %s but its model refutes no obligation", res.Solver, q.Name)
			}
			kept := pending[:0]
			for _, o := range pending {
				if o.p < firstFail[o.c] {
					kept = append(kept, o)
				}
			}
			pending = kept
		}
		out.Claims = []ChunkClaim{}
		for _, ci := range e.point {
			if r := rec[ci]; r != nil {
				out.Claims = append(out.Claims, *r)
			}
		}
		part.Chunks = append(part.Chunks, out)
		done += len(chunk)
		if opt.Progress != nil {
			opt.Progress(done, total)
		}
	}
	return nil
}

// MergeCheck puts the partials of every shard of c's second opinion (under the same
// options) together into the report of a single run. Every work item must be in exactly
// one partial.
func MergeCheck(c *cert.Certificate, opt CheckOptions, parts []*CheckPartial) (*CertReport, error) {
	e, plan, opt, err := prepare(c, opt)
	if err != nil {
		return nil, err
	}
	bad := func(format string, args ...any) error {
		return fmt.Errorf("%w: %s", ErrBadQuery, fmt.Sprintf(format, args...))
	}
	chunks := make([]*ChunkOutcome, len(plan.chunks))
	whole := map[int]*PartialVerdict{}
	rep := &CertReport{}
	var solvers []string
	for _, p := range parts {
		if p.Items != plan.items() {
			return nil, bad("a partial result of %d work items; this certificate has %d under these options", p.Items, plan.items())
		}
		if !slices.Contains(solvers, p.Solver) {
			solvers = append(solvers, p.Solver)
		}
		rep.Queries += p.Queries
		rep.Time += p.Time
		for k := range p.Chunks {
			ch := &p.Chunks[k]
			if ch.Index < 0 || ch.Index >= len(plan.chunks) {
				return nil, bad("point chunk %d: the certificate has %d", ch.Index, len(plan.chunks))
			}
			pts := plan.chunks[ch.Index]
			if ch.First != pts[0] || ch.Last != pts[len(pts)-1] {
				return nil, bad("point chunk %d is points %d..%d, not %d..%d", ch.Index, pts[0], pts[len(pts)-1], ch.First, ch.Last)
			}
			if chunks[ch.Index] != nil {
				return nil, bad("point chunk %d (points %d..%d) is in two partial results", ch.Index, ch.First, ch.Last)
			}
			chunks[ch.Index] = ch
		}
		for k := range p.Claims {
			v := &p.Claims[k]
			j := slices.Index(plan.whole, v.Index)
			if j < 0 || len(plan.chunks)+j != v.Item {
				return nil, bad("claims[%d] as work item %d: not a claim checked whole", v.Index, v.Item)
			}
			if whole[v.Index] != nil {
				return nil, bad("claims[%d] is in two partial results", v.Index)
			}
			switch v.Verdict {
			case "verified":
				v.Status = cert.Verified
			case "refuted":
				v.Status = cert.Refuted
			case "undecided":
				v.Status = cert.Undecided
			default:
				return nil, bad("claims[%d]: verdict %q", v.Index, v.Verdict)
			}
			if v.Kind != c.Claims[v.Index].Kind() {
				return nil, bad("claims[%d] is a %s claim, not %s", v.Index, c.Claims[v.Index].Kind(), v.Kind)
			}
			whole[v.Index] = v
		}
	}
	for k, ch := range chunks {
		if ch == nil {
			pts := plan.chunks[k]
			return nil, bad("point chunk %d (points %d..%d) is in no partial result", k, pts[0], pts[len(pts)-1])
		}
	}
	for _, ci := range plan.whole {
		if whole[ci] == nil {
			return nil, bad("claims[%d] (%s) is in no partial result", ci, c.Claims[ci].Kind())
		}
	}
	rep.Solver = strings.Join(solvers, "+")
	rep.Claims = make([]ClaimVerdict, len(c.Claims))
	for i, cl := range c.Claims {
		rep.Claims[i] = ClaimVerdict{Index: i, Kind: cl.Kind(), Status: cert.Verified, FirstKnown: true}
	}
	if len(e.point) > 0 {
		if err := e.foldChunks(plan, chunks, rep, opt); err != nil {
			return nil, err
		}
	}
	for i, cl := range c.Claims {
		v := &rep.Claims[i]
		if w := whole[i]; w != nil {
			*v = w.ClaimVerdict
			continue
		}
		switch cl := cl.(type) {
		case cert.PatternsClaim:
			if cl.Distinct && v.Status == cert.Verified {
				v.How += "; distinctness compared as strings (no arithmetic)"
				if f := distinctFailure(cl, i); f != nil {
					v.Status, v.Failure = cert.Refuted, f
				}
			}
		case cert.SizesClaim:
			if c.Network == nil {
				continue
			}
			v.Discharged, v.How = true, "recomputed from the network's numbers (no solver needed)"
			v.Checked, v.Failure = checkSizes(cl, c.Network, i)
			if v.Failure != nil {
				v.Status = cert.Refuted
			}
		case cert.PiecesClaim:
		default:
			if !isPointwise(cl) {
				v.Discharged, v.How = false, "no SMT encoding for this claim kind: the kernel's alone"
			}
		}
	}
	rep.Status = cert.Verified
	for _, v := range rep.Claims {
		switch {
		case v.Status == cert.Refuted:
			rep.Status = cert.Refuted
		case v.Status == cert.Undecided && rep.Status == cert.Verified:
			rep.Status = cert.Undecided
		}
	}
	return rep, nil
}

// foldChunks meets the chunks in order, as a single run does.
func (e *certEnc) foldChunks(plan *checkPlan, chunks []*ChunkOutcome, rep *CertReport, opt CheckOptions) error {
	c := e.c
	d := c.Data
	rep.Points, rep.Total = len(plan.pts), d.N
	rep.Sampled, rep.Seed = len(plan.pts) < d.N, opt.Seed
	firstFail := map[int]int{}
	for _, ci := range e.point {
		firstFail[ci] = d.N
		v := &rep.Claims[ci]
		v.Discharged = true
		v.How = "network as formulas (ite, or the linear branches of a stated pattern), negated claim per point (QF_LRA)"
		if _, ok := c.Claims[ci].(cert.PatternsClaim); ok {
			v.How = "stated pattern's sign constraints, linear branches (QF_LRA)"
		}
	}
	for k, ch := range chunks {
		pts := plan.chunks[k]
		got := map[int]*ChunkClaim{}
		for j := range ch.Claims {
			cc := &ch.Claims[j]
			if got[cc.Claim] != nil {
				return fmt.Errorf("%w: point chunk %d names claims[%d] twice", ErrBadQuery, k, cc.Claim)
			}
			got[cc.Claim] = cc
		}
		for _, ci := range e.point {
			covered := slices.ContainsFunc(pts, func(p int) bool { return e.covers(plan, ci, p) })
			cc := got[ci]
			delete(got, ci)
			if !covered {
				if cc != nil {
					return fmt.Errorf("%w: point chunk %d names claims[%d], which covers none of its points", ErrBadQuery, k, ci)
				}
				continue
			}
			if cc == nil {
				return fmt.Errorf("%w: point chunk %d says nothing of claims[%d]", ErrBadQuery, k, ci)
			}
			if firstFail[ci] < pts[0] {
				continue // refuted at an earlier point: a single run asks no more
			}
			if !cc.Asked {
				return fmt.Errorf("%w: point chunk %d did not ask about claims[%d], which no earlier chunk refutes", ErrBadQuery, k, ci)
			}
			v := &rep.Claims[ci]
			if f := cc.Failure; f != nil {
				if !slices.Contains(pts, f.Point) {
					return fmt.Errorf("%w: point chunk %d refutes claims[%d] at point %d, not one of its points", ErrBadQuery, k, ci, f.Point)
				}
				firstFail[ci] = f.Point
				v.Status, v.Failure = cert.Refuted, f
			}
			if cc.Undecided {
				if v.Status == cert.Verified {
					v.Status, v.Reason = cert.Undecided, cc.Reason
				}
				v.FirstKnown = false
			}
		}
		for ci := range got {
			return fmt.Errorf("%w: point chunk %d names claims[%d], not a point-wise claim", ErrBadQuery, k, ci)
		}
	}
	for _, ci := range e.point {
		n := 0
		for _, p := range plan.pts {
			if e.covers(plan, ci, p) && p <= firstFail[ci] {
				n++
			}
		}
		rep.Claims[ci].Checked = n
	}
	return nil
}
