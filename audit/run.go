package audit

import (
	"context"
	"fmt"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"time"

	"certify/cert"
	"certify/lowerbounds"
	"certify/theorems"
)

// Memoriser builds a certificate that a network with the given hidden widths and
// activation memorises d (a construction from package construct, typically). The audit
// checks what it returns: the network's shape and the claim's form, then the kernel.
type Memoriser func(d *cert.Dataset, hidden []int, activation string) (*cert.Certificate, error)

// Options tune Run.
type Options struct {
	Budget    time.Duration // for all claims together (default 3 minutes)
	OutDir    string        // where certificates are written ("" = nowhere)
	Existence lowerbounds.Existence
	Memoriser Memoriser
	Known     *Known // results established earlier (LoadKnown), reused before asking a solver
	Tries     int    // networks per search instance (default: 200 per minute of budget, at least 100)
	Seed      uint64 // search and random-data seed (default 1)
	Version   string // the tool's version, for the report
	Progress  func(format string, args ...any)
	// The shards of one audit share their refutations (RunShard, shard.go). Skip, when
	// set, is asked before each instance of a claim (by index) on the first pass and
	// gives the earliest instance (by index) another shard marked refuted: the instances
	// after it are skipped, as a single run does not try them. Refuted is told each
	// first-pass refutation (claim and instance index).
	Skip    func(claim int) (inst int, ok bool)
	Refuted func(claim, inst int)

	claim int         // the claim runClaim runs (for Skip and Refuted)
	first bool        // runClaim runs the first pass
	pos   map[int]int // instance index in the claim by position in runClaim's list
}

// SkippedPast ends the reason of an instance skipped past another shard's refutation.
const SkippedPast = " (skipped past the global stop: another shard's refutation)"

// Verdicts of a claim (docs/claims.md says what each means and what it rests on).
const (
	Proved            = "proved"             // every instance in range, each by a kernel-checked certificate
	ProvedBySolver    = "proved-by-solver"   // every instance in range; some rest on an SMT unsat (proof file written)
	Refuted           = "refuted"            // a kernel-checked counterexample to the claim as stated
	RefutedBySolver   = "refuted-by-solver"  // a counterexample that rests on an SMT unsat (proof file written)
	RefutedUnverified = "refuted-unverified" // a counterexample computed exactly, but not a kernel claim (L¹)
	NotRefuted        = "not-refuted"        // held on every dataset / network tried; not a proof
	Partial           = "partial"            // some instances decided, some left open; none refuted
	Undecided         = "undecided"          // nothing decided
)

// Verdicts lists the verdict words.
var Verdicts = []string{Proved, ProvedBySolver, Refuted, RefutedBySolver, RefutedUnverified, NotRefuted, Partial, Undecided}

// IsRefutation says whether a verdict is a counterexample of some kind.
func IsRefutation(v string) bool {
	return v == Refuted || v == RefutedBySolver || v == RefutedUnverified
}

// Statuses of one instance: the verdict words that apply to one instance, and these.
const (
	HeldOnTried = "held-on-tried" // every dataset / network tried held; not a proof
	NotTried    = "not-tried"     // the budget ran out, or the claim was refuted first
)

// InstanceResult is the outcome on one instance.
type InstanceResult struct {
	Instance     string   `json:"instance"`
	Status       string   `json:"status"`
	How          string   `json:"how"`             // how it was decided, or why not
	Basis        string   `json:"basis,omitempty"` // what this instance's status rests on
	Certificates []string `json:"certificates,omitempty"`
}

// Result is the audit of one claim.
type Result struct {
	ID         string `json:"id"`
	Source     string `json:"source"`
	Statement  string `json:"statement"`
	Kind       string `json:"kind"`
	Activation string `json:"activation"`
	Verdict    string `json:"verdict"`
	Expect     string `json:"expect,omitempty"`
	Unexpected bool   `json:"unexpected,omitempty"` // the verdict differs from Expect
	InRange    int    `json:"instances_in_range"`
	Cap        int    `json:"max_instances,omitempty"` // asked for: only the first Cap tried
	Tried      int    `json:"instances_tried"`
	// Counts per instance status (proved, held-on-tried, undecided, not-tried, …).
	Counts map[string]int `json:"counts"`
	// Basis says what the verdict rests on: "kernel" (certificates checked exactly),
	// "solver" (an SMT unsat), "exact search" (exact but untrusted computation), "sampled
	// datasets" (kernel-checked witnesses on the datasets tried), "sampled networks" (no
	// network tried beat the bound).
	Basis string `json:"basis"`
	// Tried is what was tried: the dataset families or the network search, tries, seed.
	WhatTried      string           `json:"what_was_tried"`
	Counterexample string           `json:"counterexample,omitempty"` // certificate file
	Instance       string           `json:"instance,omitempty"`       // the refuting instance
	Detail         string           `json:"detail"`
	Open           []string         `json:"open,omitempty"` // every instance left open, and why
	Instances      []InstanceResult `json:"instances"`
	SecondPass     *SecondPass      `json:"second_pass,omitempty"`
	Seconds        float64          `json:"seconds"`
}

// SecondPass is what the second pass (what the first left of the budget) did for a claim.
type SecondPass struct {
	Seconds float64 `json:"seconds"` // the time it was given
	Retried int     `json:"retried"` // open instances tried again
	Decided int     `json:"decided"` // of them, decided this time
	Before  string  `json:"before"`  // the verdict after the first pass
	After   string  `json:"after"`   // the verdict with the second pass's results
}

// Report is the whole audit.
type Report struct {
	Version      string         `json:"version,omitempty"`
	ClaimsSHA256 string         `json:"claims_sha256"`
	Seed         uint64         `json:"seed"`
	Tries        int            `json:"tries"`
	Budget       string         `json:"budget"`
	BudgetSpent  bool           `json:"budget_spent"`
	Claims       []Result       `json:"claims"`
	Verdicts     map[string]int `json:"verdicts"`   // claims per verdict
	Refuted      int            `json:"refuted"`    // claims with a refutation of any kind
	Unexpected   int            `json:"unexpected"` // claims whose verdict differs from expect
	Seconds      float64        `json:"seconds"`
}

// Run audits every claim of f.
func Run(ctx context.Context, f *ClaimsFile, opt Options) (*Report, error) {
	rep, _, err := runPick(ctx, f, opt, nil)
	return rep, err
}

// defaults fills in opt's defaults.
func defaults(opt Options) Options {
	if opt.Budget <= 0 {
		opt.Budget = 3 * time.Minute
	}
	if opt.Tries <= 0 {
		// Search effort scales with the budget, deterministically: 200 networks per
		// minute of budget, at least 100 (400 for the demo's two minutes).
		opt.Tries = max(100, int(200*opt.Budget/time.Minute))
	}
	if opt.Seed == 0 {
		opt.Seed = 1
	}
	if opt.Progress == nil {
		opt.Progress = func(string, ...any) {}
	}
	return opt
}

// runPick audits the instances pick accepts (claim index, instance index; nil: all) and
// returns the report and each claim's instance results after the first pass.
func runPick(ctx context.Context, f *ClaimsFile, opt Options, pick func(ci, k int) bool) (*Report, [][]InstanceResult, error) {
	opt = defaults(opt)
	if opt.OutDir != "" {
		if err := os.MkdirAll(opt.OutDir, 0o755); err != nil {
			return nil, nil, err
		}
	}
	insts := make([][]instance, len(f.Claims))
	for i := range f.Claims {
		insts[i] = f.Claims[i].insts
		if pick != nil {
			insts[i] = nil
			for k, x := range f.Claims[i].insts {
				if pick(i, k) {
					insts[i] = append(insts[i], x)
				}
			}
		}
	}
	firsts := make([][]InstanceResult, len(f.Claims))
	start := time.Now()
	rep := &Report{Version: opt.Version, ClaimsSHA256: f.SHA256, Seed: opt.Seed, Tries: opt.Tries, Budget: opt.Budget.String()}
	deadline := start.Add(opt.Budget)
	gctx, gcancel := context.WithDeadline(ctx, deadline)
	defer gcancel()
	for i := range f.Claims {
		c := &f.Claims[i]
		// Share what is left of the budget among the claims still to come.
		left := time.Until(deadline) / time.Duration(len(f.Claims)-i)
		share := max(left, time.Second)
		cctx, cancel := context.WithTimeout(gctx, share)
		opt.Progress("audit: %s (%d instance(s) in range) …", c.ID, c.inRange)
		copt := opt
		copt.claim, copt.first, copt.pos = i, true, map[int]int{}
		for k := range f.Claims[i].insts {
			if pick == nil || pick(i, k) {
				copt.pos[len(copt.pos)] = k
			}
		}
		r := runClaim(cctx, gctx, c, insts[i], copt, share)
		cancel()
		firsts[i] = r.Instances
		opt.Progress("audit: %s: %s (%s)", c.ID, r.Verdict, clipText(r.Detail, 160))
		rep.Claims = append(rep.Claims, r)
	}
	// A second pass gives what is left of the budget to the claims left with open
	// instances: those instances are tried again with more time.
	var again []int
	for i, r := range rep.Claims {
		if !IsRefutation(r.Verdict) && (r.Counts[Undecided] > 0 || r.Counts[NotTried] > 0) {
			again = append(again, i)
		}
	}
	for n, i := range again {
		left := time.Until(deadline) / time.Duration(len(again)-n)
		if left < 5*time.Second {
			break
		}
		c := &f.Claims[i]
		first := rep.Claims[i]
		open := map[string]bool{}
		for _, ir := range first.Instances {
			// (not those skipped past another shard's refutation: a single run stops there)
			if ir.Status == Undecided || ir.Status == NotTried && !strings.HasSuffix(ir.How, SkippedPast) {
				open[ir.Instance] = true
			}
		}
		var redo []instance
		for _, x := range insts[i] {
			if open[x.in.String()] {
				redo = append(redo, x)
			}
		}
		if len(redo) == 0 {
			continue
		}
		cctx, cancel := context.WithTimeout(gctx, left)
		opt.Progress("audit: %s again: %d open instance(s), %s …", c.ID, len(redo), left.Round(time.Second))
		second := runClaim(cctx, gctx, c, redo, opt, left)
		cancel()
		r := merge(first, second, c)
		r.SecondPass = &SecondPass{Seconds: left.Seconds(), Retried: len(redo), Decided: decided(second), Before: first.Verdict, After: r.Verdict}
		rep.Claims[i] = r
		opt.Progress("audit: %s, second pass: %d of %d decided: %s", c.ID, decided(second), len(redo), r.Verdict)
	}
	tally(rep)
	rep.BudgetSpent = gctx.Err() != nil
	rep.Seconds = time.Since(start).Seconds()
	return rep, firsts, nil
}

// tally counts the claims per verdict.
func tally(rep *Report) {
	rep.Verdicts = map[string]int{}
	rep.Refuted, rep.Unexpected = 0, 0
	for _, r := range rep.Claims {
		rep.Verdicts[r.Verdict]++
		if IsRefutation(r.Verdict) {
			rep.Refuted++
		}
		if r.Unexpected {
			rep.Unexpected++
		}
	}
}

// decided is the number of instances tried and decided.
func decided(r Result) int { return r.Tried - r.Counts[Undecided] }

// outcome is what one instance showed.
type outcome struct {
	status string // an instance status
	basis  string // kernel, solver, exact search, sampling
	how    string
	certs  []certOut
}

type certOut struct {
	suffix string // appended to the file name ("" for the instance's only certificate)
	cert   *cert.Certificate
	smtlib string // the SMT-LIB proof of a solver's unsat, written beside the certificate
}

// runClaim tries insts (all of the claim's, or the open ones on a second pass) and
// summarises.
func runClaim(ctx, global context.Context, c *ClaimSpec, insts []instance, opt Options, share time.Duration) Result {
	start := time.Now()
	r := Result{ID: c.ID, Source: c.Source, Statement: c.Statement, Kind: c.Kind, Activation: c.act.String(),
		Expect: c.Expect, InRange: c.inRange}
	if c.Capped() {
		r.Cap = c.MaxInstances
	}
	r.WhatTried = c.whatTried(opt)
	var refutedAt string
	for i, x := range insts {
		if refutedAt != "" {
			r.Instances = append(r.Instances, InstanceResult{Instance: x.in.String(), Status: NotTried, How: "not tried: the claim is refuted at " + refutedAt})
			continue
		}
		if opt.first && opt.Skip != nil {
			if k, ok := opt.Skip(opt.claim); ok && k >= 0 && k < len(c.insts) && k < opt.pos[i] {
				at := c.insts[k].in.String()
				r.Instances = append(r.Instances, InstanceResult{Instance: x.in.String(), Status: NotTried, How: "not tried: the claim is refuted at " + at + SkippedPast})
				continue
			}
		}
		if ctx.Err() != nil {
			why := fmt.Sprintf("not tried: this claim's share of the budget (%s) ran out", share.Round(time.Second))
			if global.Err() != nil {
				why = "not tried: the budget is spent"
			}
			for _, y := range insts[i:] {
				r.Instances = append(r.Instances, InstanceResult{Instance: y.in.String(), Status: NotTried, How: why})
			}
			break
		}
		o := runInstance(ctx, c, x, opt)
		ir := InstanceResult{Instance: x.in.String(), Status: o.status, How: o.how, Basis: o.basis}
		for _, co := range o.certs {
			if opt.OutDir == "" || co.cert == nil {
				continue
			}
			path := filepath.Join(opt.OutDir, certName(c.ID, x.in, co.suffix))
			if err := lowerbounds.WriteCert(path, co.cert, co.smtlib); err != nil {
				ir.How += "; writing the certificate: " + err.Error()
				continue
			}
			ir.Certificates = append(ir.Certificates, path)
		}
		if IsRefutation(o.status) {
			refutedAt = x.in.String()
			if opt.first && opt.Refuted != nil {
				opt.Refuted(opt.claim, opt.pos[i])
			}
		}
		r.Instances = append(r.Instances, ir)
	}
	r.Seconds = time.Since(start).Seconds()
	summarize(&r, c)
	return r
}

// merge puts a second pass's results for the instances it retried into the first's.
func merge(first, second Result, c *ClaimSpec) Result {
	redo := map[string]InstanceResult{}
	for _, ir := range second.Instances {
		redo[ir.Instance] = ir
	}
	out := first
	out.Instances = make([]InstanceResult, len(first.Instances))
	for i, ir := range first.Instances {
		if nr, ok := redo[ir.Instance]; ok {
			ir = nr
		}
		out.Instances[i] = ir
	}
	out.Seconds += second.Seconds
	summarize(&out, c)
	return out
}

// summarize derives the counts, the open list, the verdict and its basis from the
// instance results.
func summarize(r *Result, c *ClaimSpec) {
	r.Counts = map[string]int{}
	r.Open, r.Verdict, r.Instance, r.Counterexample, r.Basis = nil, "", "", "", ""
	r.Tried = 0
	bases := map[string]bool{}
	for _, ir := range r.Instances {
		r.Counts[ir.Status]++
		if ir.Status != NotTried {
			r.Tried++
		}
		if ir.Basis != "" {
			bases[ir.Basis] = true
		}
		switch {
		case IsRefutation(ir.Status) && r.Verdict == "":
			r.Verdict, r.Instance, r.Detail, r.Basis = ir.Status, ir.Instance, ir.How, ir.Basis
			if len(ir.Certificates) > 0 {
				r.Counterexample = ir.Certificates[0]
			}
		case ir.Status == Undecided || ir.Status == NotTried && !strings.HasPrefix(ir.How, "not tried: the claim is refuted"):
			r.Open = append(r.Open, ir.Instance+": "+ir.How)
		}
	}
	defer func() { r.Unexpected = r.Expect != "" && r.Expect != r.Verdict }()
	if r.Verdict != "" { // refuted
		r.Open = nil
		return
	}
	open := len(r.Open)
	var bs []string
	for _, b := range []string{"kernel", "kernel formula", "solver", "exact search", "sampled datasets", "sampled networks"} {
		if bases[b] {
			bs = append(bs, b)
		}
	}
	r.Basis = strings.Join(bs, "+")
	switch {
	case c.inRange == 0:
		r.Verdict = Undecided
		r.Detail = "no instance in range satisfies the hypothesis: the claim is vacuous on these ranges"
	case open > 0 && open == len(r.Instances):
		r.Verdict = Undecided
		r.Detail = fmt.Sprintf("no instance decided; open: %s", strings.Join(r.Open, "; "))
	case open > 0:
		r.Verdict = Partial
		r.Detail = fmt.Sprintf("%d of %d instance(s) decided, none refuted; open: %s", len(r.Instances)-open, len(r.Instances), strings.Join(r.Open, "; "))
	case c.Capped() || r.Counts[HeldOnTried] > 0:
		r.Verdict = NotRefuted
		r.Detail = fmt.Sprintf("held on every instance tried (%s)", r.WhatTried)
		if c.Capped() {
			r.Detail = fmt.Sprintf("%d of %d instance(s) in range tried (max_instances %d); %s", len(r.Instances), c.inRange, c.MaxInstances, r.Detail)
		}
	case r.Counts[ProvedBySolver] > 0:
		r.Verdict = ProvedBySolver
		r.Detail = fmt.Sprintf("all %d instance(s) in range established; %d rest on an SMT solver's unsat", c.inRange, r.Counts[ProvedBySolver])
	default:
		r.Verdict = Proved
		r.Detail = fmt.Sprintf("all %d instance(s) in range established by kernel-checked certificates", c.inRange)
		if r.Basis == "kernel formula" {
			r.Detail = fmt.Sprintf("all %d instance(s) in range established by the kernel's size formula", c.inRange)
		}
	}
	if len(r.Instances) > 0 && r.Verdict != Undecided && r.Verdict != Partial {
		r.Detail += "; e.g. " + r.Instances[0].Instance + ": " + r.Instances[0].How
	}
}

// whatTried says, for the report, what the audit tries on each instance of the claim.
func (c *ClaimSpec) whatTried(opt Options) string {
	switch c.Kind {
	case KindMemorises:
		return fmt.Sprintf("datasets: %s (seed %d)%s; witnesses: interpolant%s, construction%s", strings.Join(c.Families, ", "), opt.Seed, gp(c), knownWord(opt), solverWord(opt))
	case KindCannotMemorise:
		return fmt.Sprintf("datasets: %s (seed %d); impossibility: kernel piece counting and monotonicity%s%s", strings.Join(c.Families, ", "), opt.Seed, knownWord(opt), solverWord(opt))
	case KindPieceBound:
		return fmt.Sprintf("the kernel's piece bound ∏(1 + (p−1)·m_l); else a search of %d %s networks (zigzag, random, local search; seed %d)", opt.Tries, c.act, opt.Seed)
	case KindSize:
		switch {
		case c.Construction != "":
			return fmt.Sprintf("construction %s built on datasets: %s (seed %d); sizes recomputed by the kernel, counted as %s", c.Construction, strings.Join(c.Families, ", "), opt.Seed, c.Count)
		case c.Theorem == TheoremParkThm3:
			return "construct.ParkThm3Smallest: one family of architectures meeting Theorem 3's conditions, decided exactly"
		}
		return fmt.Sprintf("the kernel's size formula for %s (theorems.Promise)", c.Theorem)
	case KindMisclassify, KindL1:
		return fmt.Sprintf("a search of %d %s networks (zigzag, random, local search; seed %d)", opt.Tries, c.act, opt.Seed)
	}
	return ""
}

func gp(c *ClaimSpec) string {
	if c.GeneralPosition {
		return ", in general position"
	}
	return ""
}

func knownWord(opt Options) string {
	if opt.Known.Architectures() > 0 {
		return fmt.Sprintf(", known results (%s, %d architectures)", opt.Known.Dir, opt.Known.Architectures())
	}
	return ""
}

func solverWord(opt Options) string {
	if opt.Existence != nil {
		return ", SMT existence query"
	}
	return ""
}

// certName is the file name of an instance's certificate: the claim's id, the instance
// and a suffix (the family), reduced to letters, digits, '.', '-' and '_' so that no id
// can name a path outside the output folder.
func certName(id string, in Instance, suffix string) string {
	s := id
	if len(in) > 0 {
		s += "_" + strings.NewReplacer(" ", "_", "=", "", "/", "over").Replace(in.String())
	}
	if suffix != "" {
		s += "_" + suffix
	}
	s = strings.Map(func(r rune) rune {
		if r < 128 && (r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '.' || r == '-' || r == '_') {
			return r
		}
		return '_'
	}, s)
	if strings.HasPrefix(s, ".") {
		s = "_" + s
	}
	return s + ".json"
}

func (c *ClaimSpec) arch(x instance) cert.Architecture {
	return cert.Architecture{InputDim: x.dx, Hidden: x.hidden, Activation: c.act.String(), OutputDim: x.dy}
}

func runInstance(ctx context.Context, c *ClaimSpec, x instance, opt Options) outcome {
	switch c.Kind {
	case KindMemorises:
		return c.runMemorises(ctx, x, opt)
	case KindCannotMemorise:
		return c.runCannotMemorise(ctx, x, opt)
	case KindPieceBound:
		return c.runPieceBound(ctx, x, opt)
	case KindMisclassify:
		return c.runMisclassify(ctx, x, opt)
	case KindL1:
		return c.runL1(ctx, x, opt)
	case KindSize:
		switch {
		case c.Construction != "":
			return c.runConstructionSize(ctx, x, opt)
		case c.Theorem == TheoremParkThm3:
			return c.runParkThm3(x)
		}
		return c.runSize(x)
	}
	return outcome{status: Undecided, how: "unknown kind"}
}

// oneD says whether the instance's data are one-dimensional with scalar regression
// targets: the setting of the kernel's impossibility arguments.
func oneD(x instance) bool { return x.dx == 1 && x.dy == 1 && !x.classes }

func (c *ClaimSpec) runMemorises(ctx context.Context, x instance, opt Options) outcome {
	arch := c.arch(x)
	var held []string
	var certs []certOut
	for _, fam := range c.Families {
		d, err := buildData(fam, x, opt.Seed)
		if err != nil {
			return outcome{status: Undecided, how: fam + ": " + err.Error()}
		}
		if oneD(x) {
			ka := arch
			ka.OutputDim = 0
			if ic, err := lowerbounds.Impossibility(d, ka, fmt.Sprintf("refutes %s at %s (%s family)", c.ID, x.in, fam)); err == nil {
				m := ic.Claims[0].(cert.NoFitClaim).Method
				return outcome{status: Refuted, basis: "kernel", certs: []certOut{{cert: ic}},
					how: fmt.Sprintf("no %s network of widths %v fits the %d-point %s dataset (kernel, by %s)", c.act, x.hidden, x.n, fam, m)}
			}
		}
		if r, ok := opt.Known.noFit(d, arch); ok && fam == lowerbounds.FamilyAlternating {
			if m, ok := r.kernelNoFit(); ok {
				return outcome{status: Refuted, basis: "kernel", certs: []certOut{{cert: copyCert(r.noFit)}},
					how: fmt.Sprintf("known result (%s): no %s network of widths %v fits the %d-point %s dataset (kernel, by %s)", r.dir, c.act, x.hidden, x.n, fam, m)}
			}
			return outcome{status: RefutedBySolver, basis: "solver", certs: []certOut{{cert: copyCert(r.noFit), smtlib: r.noFitSMT}},
				how: fmt.Sprintf("known result (%s): an SMT solver's unsat shows that no network of widths %v fits the %d-point %s dataset; the proof file re-runs with certify check --smt", r.dir, x.hidden, x.n, fam)}
		}
		w := c.fitWitness(ctx, d, arch, x, fam, opt)
		switch {
		case w.cert != nil:
			held = append(held, fam+" fits ("+w.how+")")
			certs = append(certs, certOut{suffix: fam, cert: w.cert})
		case w.unsat != nil:
			return outcome{status: RefutedBySolver, basis: "solver", certs: []certOut{{cert: w.unsat, smtlib: w.smtlib}},
				how: fmt.Sprintf("the SMT solver (%s) proves that no network of widths %v fits the %d-point %s dataset; the proof file re-runs with certify check --smt", w.how, x.hidden, x.n, fam)}
		default:
			return outcome{status: Undecided, how: fam + ": " + w.how}
		}
	}
	return outcome{status: HeldOnTried, basis: "sampled datasets", certs: certs,
		how: "witnesses verified by the kernel: " + strings.Join(held, ", ") + " (a witness per dataset tried, not a proof for every dataset)"}
}

func (c *ClaimSpec) runCannotMemorise(ctx context.Context, x instance, opt Options) outcome {
	arch := c.arch(x)
	arch.OutputDim = 0
	var notes []string
	for _, fam := range c.Families {
		d, err := buildData(fam, x, opt.Seed)
		if err != nil {
			notes = append(notes, fam+": "+err.Error())
			continue
		}
		if ic, err := lowerbounds.Impossibility(d, arch, fmt.Sprintf("witness for %s at %s (%s family)", c.ID, x.in, fam)); err == nil {
			cl := ic.Claims[0].(cert.NoFitClaim)
			var how string
			switch {
			case cl.Method == "pieces":
				how = fmt.Sprintf("the %d-point %s dataset forces %d pieces, the widths allow %s", x.n, fam, *cl.ForcedPieces, cl.MaxPieces)
			case cl.Method == "monotone":
				how = fmt.Sprintf("the %d-point %s dataset forces %d pieces going up and down; the widths are all 1 (monotone)", x.n, fam, *cl.ForcedPieces)
			case cl.Method == "zigzag":
				how = fmt.Sprintf("the %d-point %s dataset forces %d alternating pieces, which the slopes of the one wide layer cannot give (zigzag)", x.n, fam, *cl.ForcedPieces)
			default:
				how = fmt.Sprintf("no network of widths %v fits the %d-point %s dataset (by %s)", x.hidden, x.n, fam, cl.Method)
			}
			return outcome{status: Proved, basis: "kernel", how: how + " (kernel-checked no-fit certificate)", certs: []certOut{{cert: ic}}}
		}
		if r, ok := opt.Known.noFit(d, arch); ok {
			if m, ok := r.kernelNoFit(); ok {
				return outcome{status: Proved, basis: "kernel", certs: []certOut{{cert: copyCert(r.noFit)}},
					how: fmt.Sprintf("known result (%s): no network of widths %v fits the %d-point %s dataset (kernel-checked no-fit certificate, by %s)", r.dir, x.hidden, x.n, fam, m)}
			}
		}
		if r, ok := opt.Known.noFit(d, arch); ok && r.noFitSMT != "" {
			return outcome{status: ProvedBySolver, basis: "solver", certs: []certOut{{cert: copyCert(r.noFit), smtlib: r.noFitSMT}},
				how: fmt.Sprintf("known result (%s): an SMT solver's unsat shows that no network of widths %v fits the %d-point %s dataset; the proof file re-runs with certify check --smt", r.dir, x.hidden, x.n, fam)}
		}
		if opt.Existence != nil {
			qctx, cancel := context.WithTimeout(ctx, 60*time.Second)
			res := opt.Existence.Exists(qctx, arch, d)
			cancel()
			if res.Answer == "unsat" {
				return outcome{status: ProvedBySolver, basis: "solver", certs: []certOut{{cert: solverNoFit(d, arch, res), smtlib: res.SMTLIB}},
					how: fmt.Sprintf("the SMT solver proves that no network of widths %v fits the %d-point %s dataset; the proof file re-runs with certify check --smt", x.hidden, x.n, fam)}
			}
			notes = append(notes, fam+": solver "+res.Answer+" "+res.Note)
			continue
		}
		notes = append(notes, fam+": the kernel's arguments do not decide it")
	}
	return outcome{status: Undecided, how: strings.Join(notes, "; ") + solverMissing(opt)}
}

// copyCert copies a certificate's top level and claim list (WriteCert rewrites claims).
func copyCert(c *cert.Certificate) *cert.Certificate {
	cp := *c
	cp.Claims = append([]cert.Claim(nil), c.Claims...)
	return &cp
}

func solverMissing(opt Options) string {
	if opt.Existence == nil {
		return " (no SMT solver asked)"
	}
	return ""
}

func solverNoFit(d *cert.Dataset, arch cert.Architecture, res lowerbounds.ExistenceResult) *cert.Certificate {
	forced, _ := cert.ForcedPieces(d, nil)
	rec := res.Record
	if rec == nil {
		rec = &cert.SolverRecord{Solver: "smt", Answer: "unsat"}
	}
	return &cert.Certificate{Format: cert.FormatV1, Data: d, Provenance: cert.Provenance{Producer: "certify audit"},
		Claims: []cert.Claim{cert.NoFitClaim{Arch: arch, Fit: "exact", Method: "solver", ForcedPieces: &forced, Solver: rec}}}
}

func (c *ClaimSpec) runPieceBound(ctx context.Context, x instance, opt Options) outcome {
	arch := cert.Architecture{InputDim: 1, Hidden: x.hidden, Activation: c.act.String()}
	allowed := fmt.Sprintf("at most %s pieces", x.pmax)
	if x.pmax.Cmp(big.NewInt(1)) == 0 {
		allowed = "at most 1 piece"
	}
	if x.pmax.Sign() < 0 {
		allowed = "no network at all"
	}
	// The kernel's counting argument: every network of the architecture has at most
	// M = ∏(1 + (p−1)·m_l) pieces. If M ≤ pmax, the claim holds for every network: the
	// certificate is a no-fit claim on data forcing pmax + 1 pieces, which the kernel
	// verifies exactly when its recomputed M is below pmax + 1.
	if M, err := cert.MaxPiecesBound(arch); err == nil && M.Cmp(x.pmax) <= 0 {
		how := fmt.Sprintf("the kernel's piece bound gives every %s network of widths %v at most %s pieces; the claim allows %s", c.act, x.hidden, M, allowed)
		n := new(big.Int).Add(x.pmax, big.NewInt(2))
		if !n.IsInt64() || n.Int64() > maxProofPoints {
			return outcome{status: Proved, basis: "kernel", how: how + fmt.Sprintf(" (cert.MaxPiecesBound; no certificate written: its dataset would have %s points)", n)}
		}
		// The certificate must use the counting argument (method pieces), not monotonicity,
		// which would prove the no-fit without saying anything about the count.
		d, err := lowerbounds.Dataset(lowerbounds.FamilyAlternating, int(n.Int64()), 1)
		if err == nil {
			forced := x.pmax.Int64() + 1
			note := fmt.Sprintf("proof of %s at %s: %s alternating points force %d pieces; by the kernel's count no network of the architecture has that many", c.ID, x.in, n, forced)
			pc := &cert.Certificate{Format: cert.FormatV1, Provenance: cert.Provenance{Producer: "certify audit", Notes: note}, Data: d,
				Claims: []cert.Claim{cert.NoFitClaim{Arch: arch, Fit: "exact", Method: "pieces", ForcedPieces: &forced, MaxPieces: M}}}
			if rep, err := cert.Check(pc, cert.Options{Theorems: theorems.Table}); err == nil && rep.Status == cert.Verified {
				return outcome{status: Proved, basis: "kernel", certs: []certOut{{cert: pc}},
					how: how + fmt.Sprintf(" (kernel-checked no-fit certificate by piece counting: %s alternating points force %d pieces, more than the architecture has)", n, forced)}
			}
		}
		return outcome{status: Undecided, how: how + ", but the kernel did not verify the piece-counting certificate (a bug: reported, not believed)"}
	}
	res, err := lowerbounds.SearchPiecesAct(ctx, x.hidden, c.act, x.pmax, false, opt.Tries, opt.Seed)
	if err != nil {
		return outcome{status: Undecided, how: err.Error()}
	}
	if res.Exceeds {
		if res.Cert == nil || res.Cert.Network == nil {
			return outcome{status: Undecided, how: "the search reported a network beating the bound without a certificate (reported, not believed)"}
		}
		if err := checkShape(res.Cert.Network, x, c.act); err != nil {
			return outcome{status: Undecided, how: "the search's network is not of the claim's family (reported, not believed): " + err.Error()}
		}
		return outcome{status: Refuted, basis: "kernel", certs: []certOut{{cert: res.Cert}},
			how: fmt.Sprintf("a %s network of widths %v has %d pieces on [0,1] (%s; kernel-checked pieces claim); the claim allows %s", c.act, x.hidden, res.Best, res.BestFrom, allowed)}
	}
	if res.Tried < opt.Tries {
		return outcome{status: Undecided, how: fmt.Sprintf("interrupted after %d of %d networks (best %d pieces)", res.Tried, opt.Tries, res.Best)}
	}
	M, _ := cert.MaxPiecesBound(arch)
	return outcome{status: HeldOnTried, basis: "sampled networks", certs: []certOut{{cert: res.Cert}},
		how: fmt.Sprintf("best of %d networks: %d pieces, within %s; the kernel's bound (%s) does not prove it", res.Tried, res.Best, allowed, M)}
}

func (c *ClaimSpec) runMisclassify(ctx context.Context, x instance, opt Options) outcome {
	res, err := lowerbounds.SearchMisclassificationAct(ctx, x.hidden, c.act, x.k, opt.Tries, opt.Seed)
	if err != nil {
		return outcome{status: Undecided, how: err.Error()}
	}
	got := big.NewRat(int64(res.Wrong), int64(res.N))
	if got.Cmp(x.frac) < 0 && res.Kernel != "verified" {
		// A network that would refute the claim, but whose certificate the kernel did not
		// verify: neither a refutation nor evidence that the claim held.
		return outcome{status: Undecided, how: fmt.Sprintf("a network of widths %v misclassifies %d of %d points, fewer than %s, but the kernel says %s of its threshold certificate (reported, not believed)", x.hidden, res.Wrong, res.N, x.frac.RatString(), res.Kernel)}
	}
	if got.Cmp(x.frac) < 0 {
		if res.Cert == nil || res.Cert.Network == nil {
			return outcome{status: Undecided, how: "the search reported a misclassification rate below the claim's without a certificate (reported, not believed)"}
		}
		if err := checkShape(res.Cert.Network, x, c.act); err != nil {
			return outcome{status: Undecided, how: "the search's network is not of the claim's family (reported, not believed): " + err.Error()}
		}
		return outcome{status: Refuted, basis: "kernel", certs: []certOut{{cert: res.Cert}},
			how: fmt.Sprintf("a network of widths %v misclassifies only %d of %d points, fewer than %s (kernel-checked threshold claim on the %d it gets right)", x.hidden, res.Wrong, res.N, x.frac.RatString(), res.N-res.Wrong)}
	}
	if res.Tried < opt.Tries && res.Wrong > 0 {
		return outcome{status: Undecided, how: fmt.Sprintf("interrupted after %d of %d networks (best misclassifies %d/%d)", res.Tried, opt.Tries, res.Wrong, res.N)}
	}
	return outcome{status: HeldOnTried, basis: "sampled networks", certs: []certOut{{cert: res.Cert}},
		how: fmt.Sprintf("best of %d networks misclassifies %d/%d ≥ %s", res.Tried, res.Wrong, res.N, x.frac.RatString())}
}

func (c *ClaimSpec) runL1(ctx context.Context, x instance, opt Options) outcome {
	res, err := lowerbounds.SearchL1Act(ctx, x.hidden, c.act, x.target, opt.Tries, opt.Seed)
	if err != nil {
		return outcome{status: Undecided, how: err.Error()}
	}
	best, ok := new(big.Rat).SetString(res.Best)
	if !ok {
		return outcome{status: Undecided, how: fmt.Sprintf("the search reported ∫|f − m^(%d)| = %q, not an exact rational", x.target, res.Best)}
	}
	if best.Cmp(x.eps) < 0 {
		return outcome{status: RefutedUnverified, basis: "exact search",
			how: fmt.Sprintf("a network of widths %v has ∫|f − m^(%d)| = %s < %s (exact, by package pwl; not a kernel claim)", x.hidden, x.target, res.Best, x.eps.RatString())}
	}
	if res.Tried < opt.Tries {
		return outcome{status: Undecided, how: fmt.Sprintf("interrupted after %d of %d networks (best ∫|f − m^(%d)| = %s)", res.Tried, opt.Tries, x.target, res.Best)}
	}
	return outcome{status: HeldOnTried, basis: "sampled networks",
		how: fmt.Sprintf("best of %d networks: ∫|f − m^(%d)| = %s ≥ %s (%s)", res.Tried, x.target, res.Best, x.eps.RatString(), res.BestFrom)}
}

// runSize compares the theorem's promise, by the kernel's formula, with the quoted
// figures: the claim is that the theorem's network for this instance has at most the
// quoted hidden units (and depth, when quoted).
func (c *ClaimSpec) runSize(x instance) outcome {
	pr, err := theorems.Promise(c.Theorem, cert.TheoremInstance{N: x.n, DX: x.dx, DY: x.dy})
	if err != nil || pr.HiddenUnits == nil {
		return outcome{status: Undecided, how: fmt.Sprintf("no size formula: %v", err)}
	}
	how := fmt.Sprintf("the kernel's formula for %s at N = %d, d_x = %d, d_y = %d promises %d hidden units", c.Theorem, x.n, x.dx, x.dy, *pr.HiddenUnits)
	if pr.Depth != nil {
		how += fmt.Sprintf(" in %d affine layers", *pr.Depth)
	}
	how += fmt.Sprintf("; the quoted figure is %d", x.units)
	if x.depth > 0 {
		how += fmt.Sprintf(" (depth %d)", x.depth)
	}
	if x.depth > 0 && pr.Depth == nil {
		return outcome{status: Undecided, how: how + ": the kernel's formula gives no depth to compare with the quoted one"}
	}
	ok := int64(*pr.HiddenUnits) <= x.units && (x.depth == 0 || int64(*pr.Depth) <= x.depth)
	if !ok {
		return outcome{status: Refuted, basis: "kernel formula", how: how + ": the theorem needs more than quoted (no certificate: the quantity is a formula, not a network)"}
	}
	return outcome{status: Proved, basis: "kernel formula", how: how + " (no certificate: the quantity is a formula, not a network)"}
}

// witness is fitWitness's answer: a verified witness certificate, or a solver's unsat
// (a no-fit certificate resting on it, and the proof), or neither (how says why).
type witness struct {
	how    string
	cert   *cert.Certificate
	unsat  *cert.Certificate
	smtlib string
}

// fitWitness finds a network of arch fitting d: the interpolant, a construction, or the
// solver. Whatever is found is checked: the network has the claim's shape and
// activation, the certificate's claim is a fit of d, and the kernel verifies it.
func (c *ClaimSpec) fitWitness(ctx context.Context, d *cert.Dataset, arch cert.Architecture, x instance, fam string, opt Options) witness {
	var notes []string
	if net, ok := interpolant(d, x, c.act); ok {
		wc := witnessCert(d, net, "interpolant along the first coordinate")
		if err := checkWitness(wc, d, x, c.act); err == nil {
			return witness{how: "interpolant", cert: wc}
		} else {
			notes = append(notes, "interpolant: "+err.Error())
		}
	}
	if fam == lowerbounds.FamilyAlternating && oneD(x) {
		ka := arch
		ka.OutputDim = 0
		if wc, dir := opt.Known.witness(d, ka); wc != nil {
			if err := checkWitness(wc, d, x, c.act); err == nil {
				return witness{how: "known result, " + dir, cert: wc}
			} else {
				notes = append(notes, "known result: "+err.Error())
			}
		}
	}
	if opt.Memoriser != nil {
		if wc, err := opt.Memoriser(d, arch.Hidden, arch.Activation); err == nil && wc != nil {
			if err := checkWitness(wc, d, x, c.act); err == nil {
				return witness{how: "construction", cert: wc}
			} else {
				notes = append(notes, "construction: "+err.Error())
			}
		} else if err != nil {
			notes = append(notes, "construction: "+clipText(err.Error(), 120))
		}
	}
	if opt.Existence != nil && !x.classes {
		qctx, cancel := context.WithTimeout(ctx, 60*time.Second)
		ea := arch
		ea.OutputDim = 0
		res := opt.Existence.Exists(qctx, ea, d)
		cancel()
		switch {
		case res.Answer == "sat" && res.Witness != nil:
			wc := witnessCert(d, res.Witness, strings.TrimSuffix("SMT witness: "+res.Note, ": "))
			if err := checkWitness(wc, d, x, c.act); err == nil {
				return witness{how: "solver witness", cert: wc}
			} else {
				notes = append(notes, "solver witness rejected: "+err.Error())
			}
		case res.Answer == "unsat":
			solver := "smt"
			if res.Record != nil {
				solver = res.Record.Solver
			}
			return witness{how: solver, unsat: solverNoFit(d, ea, res), smtlib: res.SMTLIB}
		default:
			notes = append(notes, "solver: "+res.Answer+" "+clipText(res.Note, 160))
		}
	}
	if len(notes) == 0 {
		notes = append(notes, "no witness found (no interpolant or construction for these widths)")
	}
	return witness{how: strings.Join(notes, "; ") + solverMissing(opt)}
}

func witnessCert(d *cert.Dataset, net *cert.Network, note string) *cert.Certificate {
	return &cert.Certificate{Format: cert.FormatV1, Network: net, Data: d,
		Provenance: cert.Provenance{Producer: "certify audit", Notes: note}, Claims: []cert.Claim{cert.ExactClaim{}}}
}

// checkWitness accepts a certificate as a witness that the claim's architecture fits d:
// it speaks of d, its network has the instance's input and output dimensions, as many
// hidden layers, no wider, every hidden unit of the claim's activation and an affine
// output; every claim it makes is a fit (exact, or argmax for classes), and the kernel
// verifies it. A narrower layer is a witness for the wider one (idle units added).
func checkWitness(wc *cert.Certificate, d *cert.Dataset, x instance, act cert.Activation) error {
	n := wc.Network
	if n == nil {
		return fmt.Errorf("the certificate has no network")
	}
	if wc.Data != d && !sameData(wc.Data, d) {
		return fmt.Errorf("the certificate speaks of other data")
	}
	if err := checkShape(n, x, act); err != nil {
		return err
	}
	if len(wc.Claims) == 0 {
		return fmt.Errorf("the certificate makes no claim")
	}
	fit := false
	for _, cl := range wc.Claims {
		switch cl.(type) {
		case cert.ExactClaim:
			fit = true
		case cert.ArgmaxClaim:
			fit = fit || x.classes
		}
	}
	if !fit {
		return fmt.Errorf("the certificate claims no fit of the data (exact, or argmax for classes)")
	}
	rep, err := cert.Check(wc, cert.Options{Theorems: theorems.Table})
	if err != nil {
		return err
	}
	if rep.Status != cert.Verified {
		return fmt.Errorf("the kernel says %s", rep.Status)
	}
	return nil
}

func sameData(a, b *cert.Dataset) bool {
	if a == nil || b == nil || a.N != b.N || a.D != b.D || a.Task != b.Task || a.LabelDim != b.LabelDim || a.Classes != b.Classes {
		return false
	}
	for i := 0; i < a.N; i++ {
		xa, xb := a.Input(i), b.Input(i)
		for k := range xa {
			if xa[k].Cmp(xb[k]) != 0 {
				return false
			}
		}
		if a.Task == cert.Classification {
			if a.Labels[i] != b.Labels[i] {
				return false
			}
			continue
		}
		ta, tb := a.Target(i), b.Target(i)
		for k := range ta {
			if ta[k].Cmp(tb[k]) != 0 {
				return false
			}
		}
	}
	return true
}

// checkShape says whether n is a network of the claim's family at instance x: the
// instance's input and output dimensions, as many hidden layers, none wider, every hidden
// unit of the claim's activation, an affine output.
func checkShape(n *cert.Network, x instance, act cert.Activation) error {
	if n.InputDim != x.dx || n.OutputDim() != x.dy {
		return fmt.Errorf("the network maps %d inputs to %d outputs; the claim speaks of %d to %d", n.InputDim, n.OutputDim(), x.dx, x.dy)
	}
	if len(n.Layers) != len(x.hidden)+1 {
		return fmt.Errorf("the network has %d hidden layers; the claim %d", len(n.Layers)-1, len(x.hidden))
	}
	for l, m := range x.hidden {
		if n.Layers[l].Out() > m {
			return fmt.Errorf("hidden layer %d has %d units; the claim allows %d", l+1, n.Layers[l].Out(), m)
		}
		for _, a := range n.Layers[l].Act {
			if a.String() != act.String() {
				return fmt.Errorf("hidden layer %d has a %s unit; the claim is about %s", l+1, a, act)
			}
		}
	}
	for _, a := range n.Layers[len(n.Layers)-1].Act {
		if a.Kind != cert.ActIdentity {
			return fmt.Errorf("the output layer has a %s unit; the claim's networks have an affine output", a)
		}
	}
	return nil
}
