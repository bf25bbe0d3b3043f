package lowerbounds

import (
	"context"
	"fmt"
	"math/big"
	"slices"
	"sort"
	"strings"
	"time"

	"certify/cert"
)

// Existence answers "is there a network of this architecture that fits these data?"
// (an SMT existence query; see package smt). A Sat answer carries a rational witness; an
// Unsat answer a record of the solver run.
type Existence interface {
	Exists(ctx context.Context, arch cert.Architecture, d *cert.Dataset) ExistenceResult
}

// ExistenceResult is an Existence answer.
type ExistenceResult struct {
	Answer  string // "sat", "unsat" or "unknown"
	Witness *cert.Network
	Record  *cert.SolverRecord
	Note    string // e.g. why unknown, or "witness irrational"
	Elapsed time.Duration
	// SMTLIB is the query the solver answered unsat, as an SMT-LIB 2 script that any
	// solver can re-run (written beside the certificate by WriteCert).
	SMTLIB string
}

// Verdicts of a capacity row.
const (
	Fits      = "fits"
	NoFit     = "no-fit"
	Undecided = "undecided"
)

// CapacityRow is the outcome for one N.
type CapacityRow struct {
	N       int               `json:"n"`
	Verdict string            `json:"verdict"`
	Basis   string            `json:"basis"`  // how it was decided
	Kernel  string            `json:"kernel"` // the kernel's verdict on the certificate
	Seconds float64           `json:"seconds"`
	Cert    *cert.Certificate `json:"-"`
	SMTLIB  string            `json:"-"` // for a solver's unsat: the query (see WriteCert)
}

// CapacityResult is the capacity of an architecture on a family of datasets.
type CapacityResult struct {
	Arch          cert.Architecture `json:"architecture"`
	Family        string            `json:"family"`
	LargestFit    int               `json:"largest_fit"`     // 0: none found
	SmallestNoFit int               `json:"smallest_no_fit"` // 0: none found within MaxN
	RestsOnSolver bool              `json:"rests_on_solver"` // the no-fit bound is a solver's unsat
	Rows          []CapacityRow     `json:"rows"`
}

// CapacityOptions tune Capacity.
type CapacityOptions struct {
	MaxN      int           // largest N tried (default 64)
	Seed      uint64        // random family
	Existence Existence     // nil: constructions and the kernel's arguments only
	Timeout   time.Duration // per existence query (default 60 s)
	// Only, when set, restricts the walk to the N it accepts (a shard's share, see
	// MergeCapacity): the walk still stops at the first of them that does not fit.
	Only func(n int) bool
	// EndOfData, when set, is told the first N the family has no dataset for.
	EndOfData func(n int)
	// BranchNodes bounds the adaptive Farkas search of a two-hidden-layer no-fit (0:
	// DefaultBranchNodes; negative: not tried).
	BranchNodes int
	// NoZigzag skips the zigzag argument, so that the Farkas split or the solver decides
	// architectures with one wide layer.
	NoZigzag bool
}

// Capacity walks N = 1, 2, … on a family of one-dimensional datasets whose members are
// nested (the first N−1 points of the N-point set are the (N−1)-point set, so a fit of N
// points fits N − 1): it stops at the first N that does not fit (or cannot be decided).
// Every "fits" row has a witness certificate and every kernel "no-fit" row an
// impossibility certificate, both verified by the kernel; a solver's unsat is marked.
func Capacity(ctx context.Context, arch cert.Architecture, family string, opt CapacityOptions) (*CapacityResult, error) {
	if opt.MaxN <= 0 {
		opt.MaxN = 64
	}
	if opt.Timeout <= 0 {
		opt.Timeout = 60 * time.Second
	}
	if arch.InputDim == 0 {
		arch.InputDim = 1
	}
	if arch.Activation == "" {
		arch.Activation = "relu"
	}
	if family == FamilyTelgarsky {
		return nil, fmt.Errorf("capacity needs nested datasets; Telgarsky's points i/N are not nested in N (use alternating or random)")
	}
	res := &CapacityResult{Arch: arch, Family: family}
	branch := opt.BranchNodes
	if branch == 0 {
		branch = DefaultBranchNodes
	}
	for n := 1; n <= opt.MaxN; n++ {
		if err := ctx.Err(); err != nil {
			break
		}
		if opt.Only != nil && !opt.Only(n) {
			continue
		}
		start := time.Now()
		d, err := Dataset(family, n, opt.Seed)
		if err != nil {
			if n > 1 && strings.HasPrefix(family, "file:") {
				if opt.EndOfData != nil {
					opt.EndOfData(n)
				}
				break // the file has no more points
			}
			return nil, err
		}
		row := CapacityRow{N: n}
		note := fmt.Sprintf("capacity of widths %v on the %s family, N = %d", arch.Hidden, family, n)
		// The adaptive Farkas search (two hidden layers) runs where no witness was found:
		// after the solver's answer, or without a solver after the construction.
		adaptive := func() bool {
			if branch < 0 || len(arch.Hidden) != 2 {
				return false
			}
			c, err := ImpossibilityWith(d, arch, note, ImpossibilityOptions{BranchNodes: branch, NoZigzag: opt.NoZigzag})
			if err != nil || c.Claims[0].(cert.NoFitClaim).Method != "farkas" {
				return false
			}
			row.Verdict, row.Basis, row.Kernel, row.Cert, row.SMTLIB = NoFit, "kernel: farkas", "verified", c, ""
			return true
		}
		if c, err := ImpossibilityWith(d, arch, note, ImpossibilityOptions{NoZigzag: opt.NoZigzag}); err == nil {
			row.Verdict, row.Basis, row.Kernel, row.Cert = NoFit, "kernel: "+c.Claims[0].(cert.NoFitClaim).Method, "verified", c
		} else if net, ok := InterpolantNetwork(d, arch); ok {
			c, st := WitnessCert(d, net, "construction: linear interpolant, breakpoints at the data")
			row.Verdict, row.Basis, row.Kernel, row.Cert = Fits, "construction", st, c
			if st != "verified" {
				row.Verdict = Undecided
			}
		} else if opt.Existence != nil {
			qctx, cancel := context.WithTimeout(ctx, opt.Timeout)
			r := opt.Existence.Exists(qctx, arch, d)
			cancel()
			switch {
			case r.Answer == "sat" && r.Witness != nil:
				c, st := WitnessCert(d, r.Witness, strings.TrimSuffix("SMT existence query witness: "+r.Note, ": "))
				row.Verdict, row.Basis, row.Kernel, row.Cert = Fits, "solver witness", st, c
				if st != "verified" {
					row.Verdict, row.Basis = Undecided, "solver witness rejected by the kernel"
				}
			case adaptive():
			case r.Answer == "unsat":
				forced, _ := cert.ForcedPieces(d, thresholdOf(d))
				fit, thr := fitOf(d)
				c := &cert.Certificate{Format: cert.FormatV1, Data: d, Provenance: cert.Provenance{Producer: "certify lowerbounds"},
					Claims: []cert.Claim{cert.NoFitClaim{Arch: arch, Fit: fit, Threshold: thr, Method: "solver", ForcedPieces: &forced, Solver: r.Record}}}
				row.Verdict, row.Basis, row.Kernel, row.Cert = NoFit, basisSolverUnsat, "undecided (rests on solver)", c
				row.SMTLIB = r.SMTLIB
				res.RestsOnSolver = true
			default:
				row.Verdict, row.Basis = Undecided, "solver: "+r.Answer+" "+r.Note
			}
		} else if !adaptive() {
			row.Verdict, row.Basis = Undecided, "no solver available"
		}
		row.Seconds = time.Since(start).Seconds()
		res.Rows = append(res.Rows, row)
		switch row.Verdict {
		case Fits:
			res.LargestFit = n
			continue
		case NoFit:
			res.SmallestNoFit = n
		}
		break
	}
	return res, nil
}

// basisSolverUnsat is the basis of a no-fit row that rests on a solver's unsat.
const basisSolverUnsat = "solver unsat"

// CapacityShard is one shard's share of a capacity walk: its rows (N in the shard's
// share, from the smallest up to its first that does not fit), and the first N of its
// share the family had no dataset for (0: none).
type CapacityShard struct {
	Rows      []CapacityRow
	EndOfData int
}

// MergeCapacity puts the shards of a capacity walk (N = 1, 2, … cut into n shards,
// N to the shard own(N)) together into the result of a single run: the rows from N = 1
// up to the first that does not fit. Each shard stops at its own first N that does not
// fit, which is never before the single run's stop, so every N below it is in a shard.
func MergeCapacity(arch cert.Architecture, family string, maxN int, own func(n int) int, shards []CapacityShard) (*CapacityResult, error) {
	if maxN <= 0 {
		maxN = 64
	}
	if arch.InputDim == 0 {
		arch.InputDim = 1
	}
	if arch.Activation == "" {
		arch.Activation = "relu"
	}
	byN := map[int]*CapacityRow{}
	for k := range shards {
		for j := range shards[k].Rows {
			r := &shards[k].Rows[j]
			if r.N < 1 || r.N > maxN || own(r.N) != k {
				return nil, fmt.Errorf("N = %d is not in shard %d's share", r.N, k+1)
			}
			if byN[r.N] != nil {
				return nil, fmt.Errorf("N = %d is in two partial results", r.N)
			}
			byN[r.N] = r
		}
	}
	res := &CapacityResult{Arch: arch, Family: family}
	for n := 1; n <= maxN; n++ {
		row := byN[n]
		if row == nil {
			if shards[own(n)].EndOfData == n {
				break
			}
			return nil, fmt.Errorf("N = %d is in no partial result (shard %d stopped before it)", n, own(n)+1)
		}
		res.Rows = append(res.Rows, *row)
		switch row.Verdict {
		case Fits:
			res.LargestFit = n
			continue
		case NoFit:
			res.SmallestNoFit = n
			res.RestsOnSolver = row.Basis == basisSolverUnsat
		}
		break
	}
	return res, nil
}

func thresholdOf(d *cert.Dataset) *big.Rat {
	_, t := fitOf(d)
	return t
}

// WitnessCert wraps a network fitting d into a certificate and has the kernel check it.
func WitnessCert(d *cert.Dataset, net *cert.Network, note string) (*cert.Certificate, string) {
	var cl cert.Claim = cert.ExactClaim{}
	if d.Task == cert.Classification {
		cl = cert.ThresholdClaim{Threshold: big.NewRat(1, 2)}
	}
	c := &cert.Certificate{Format: cert.FormatV1, Network: net, Data: d,
		Provenance: cert.Provenance{Producer: "certify lowerbounds", Notes: note}, Claims: []cert.Claim{cl}}
	rep, err := cert.Check(c, cert.Options{})
	if err != nil {
		return c, "malformed: " + err.Error()
	}
	return c, rep.Status.String()
}

// InterpolantNetwork builds, when the first hidden layer is wide enough (N ≤ d1 + 1), a
// network of the architecture whose output is the linear interpolant of the
// one-dimensional data: f(x) = y_1 + Σ_j (s_j − s_{j−1}) σ(x − x_j) with s_j the slope
// between consecutive points, s_0 = 0. Output weights are differences of slopes, so their
// size stays that of the data. Further hidden layers carry the value through σ(v + B) with
// B large enough to keep v + B ≥ 0 on the data (the ID gadget), their other units idle.
// Classification data (0/1) are interpolated as numbers.
func InterpolantNetwork(d *cert.Dataset, arch cert.Architecture) (*cert.Network, bool) {
	if d.D != 1 || len(arch.Hidden) == 0 || arch.Activation != "relu" {
		return nil, false
	}
	type pt struct{ x, y *big.Rat }
	pts := make([]pt, 0, d.N)
	for i := 0; i < d.N; i++ {
		pts = append(pts, pt{d.Input(i)[0], d.Target(i)[0]})
	}
	sort.Slice(pts, func(a, b int) bool { return pts[a].x.Cmp(pts[b].x) < 0 })
	// Repeated inputs (the dataset allows them with equal targets) are one point: a
	// zero-width step would divide by zero.
	pts = slices.CompactFunc(pts, func(a, b pt) bool { return a.x.Cmp(b.x) == 0 })
	if len(pts)-1 > arch.Hidden[0] {
		return nil, false
	}
	relu := cert.Activation{Kind: cert.ActReLU}
	zero := func() *big.Rat { return new(big.Rat) }
	layer := func(out, in int) cert.Layer { return ZeroLayer(out, in, relu) }
	net := &cert.Network{InputDim: 1}
	// Layer 1: σ(x − x_j) for j = 1..N−1; output coefficients c_j.
	l1 := layer(arch.Hidden[0], 1)
	coef := make([]*big.Rat, arch.Hidden[0])
	for j := range coef {
		coef[j] = zero()
	}
	prev := zero()
	for j := 0; j+1 < len(pts); j++ {
		dx := new(big.Rat).Sub(pts[j+1].x, pts[j].x)
		s := new(big.Rat).Sub(pts[j+1].y, pts[j].y)
		s.Quo(s, dx)
		l1.W[j][0].SetInt64(1)
		l1.B[j].Neg(pts[j].x)
		coef[j].Sub(s, prev)
		prev = s
	}
	net.Layers = append(net.Layers, l1)
	bias := new(big.Rat).Set(pts[0].y) // f = bias + Σ coef_j h_j
	// Carry v = f − bias·0 through the remaining hidden layers with σ(v + B) − B.
	B := new(big.Rat)
	for _, p := range pts {
		if p.y.Sign() < 0 && new(big.Rat).Neg(p.y).Cmp(B) > 0 {
			B.Neg(p.y)
		}
	}
	in := arch.Hidden[0]
	for _, w := range arch.Hidden[1:] {
		l := layer(w, in)
		for k := range coef {
			l.W[0][k].Set(coef[k])
		}
		l.B[0].Add(bias, B) // unit 0 = σ(f + B) = f + B on the data
		net.Layers = append(net.Layers, l)
		coef = make([]*big.Rat, w)
		for j := range coef {
			coef[j] = zero()
		}
		coef[0].SetInt64(1)
		bias = new(big.Rat).Neg(B)
		in = w
	}
	out := cert.Layer{W: [][]*big.Rat{coef}, B: []*big.Rat{bias}, Act: []cert.Activation{{Kind: cert.ActIdentity}}}
	net.Layers = append(net.Layers, out)
	return net, true
}

// ZeroLayer is a layer of out units reading in inputs, every weight and bias a fresh 0,
// every unit with activation act: the blank that the interpolants fill in.
func ZeroLayer(out, in int, act cert.Activation) cert.Layer {
	l := cert.Layer{}
	for j := 0; j < out; j++ {
		row := make([]*big.Rat, in)
		for k := range row {
			row[k] = new(big.Rat)
		}
		l.W = append(l.W, row)
		l.B = append(l.B, new(big.Rat))
		l.Act = append(l.Act, act)
	}
	return l
}
