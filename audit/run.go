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
// activation memorises d (a construction from package construct, typically).
type Memoriser func(d *cert.Dataset, hidden []int, activation string) (*cert.Certificate, error)

// Options tune Run.
type Options struct {
	Budget    time.Duration // for all claims together (default 3 minutes)
	OutDir    string        // where counterexample certificates are written ("" = nowhere)
	Existence lowerbounds.Existence
	Memoriser Memoriser
	Tries     int    // networks per search instance (default 400)
	Seed      uint64 // search seed (default 1)
	Progress  func(format string, args ...any)
}

// Verdicts of a claim.
const (
	Holds     = "holds"     // on every instance tried
	Refuted   = "refuted"   // a counterexample, certified
	Undecided = "undecided" // nothing decided, or only partly
)

// Result is the audit of one claim.
type Result struct {
	ID        string `json:"id"`
	Source    string `json:"source"`
	Statement string `json:"statement"`
	Kind      string `json:"kind"`
	Verdict   string `json:"verdict"`
	Tried     int    `json:"instances_tried"`
	Held      int    `json:"instances_held"`
	Undecided int    `json:"instances_undecided"`
	Skipped   int    `json:"instances_skipped,omitempty"` // not reached: the budget ran out
	// Basis says what the verdict rests on: "kernel" (certificates checked exactly),
	// "solver" (an SMT solver's unsat somewhere), "exact search" (untrusted but exact
	// computation, e.g. an L¹ distance measured by package pwl).
	Basis          string  `json:"basis"`
	Counterexample string  `json:"counterexample,omitempty"` // certificate file
	Instance       string  `json:"instance,omitempty"`       // the refuting instance
	Detail         string  `json:"detail"`
	Seconds        float64 `json:"seconds"`
}

// Report is the whole audit.
type Report struct {
	Claims  []Result `json:"claims"`
	Refuted int      `json:"refuted"`
	Seconds float64  `json:"seconds"`
}

// Run audits every claim of f.
func Run(ctx context.Context, f *ClaimsFile, opt Options) (*Report, error) {
	if opt.Budget <= 0 {
		opt.Budget = 3 * time.Minute
	}
	if opt.Tries <= 0 {
		opt.Tries = 400
	}
	if opt.Seed == 0 {
		opt.Seed = 1
	}
	if opt.Progress == nil {
		opt.Progress = func(string, ...any) {}
	}
	if opt.OutDir != "" {
		if err := os.MkdirAll(opt.OutDir, 0o755); err != nil {
			return nil, err
		}
	}
	start := time.Now()
	rep := &Report{}
	deadline := start.Add(opt.Budget)
	for i := range f.Claims {
		c := &f.Claims[i]
		// Share what is left of the budget among the claims still to come.
		left := time.Until(deadline) / time.Duration(len(f.Claims)-i)
		cctx, cancel := context.WithTimeout(ctx, max(left, time.Second))
		opt.Progress("audit: %s …", c.ID)
		r := runClaim(cctx, c, opt)
		cancel()
		opt.Progress("audit: %s: %s (%s)", c.ID, r.Verdict, r.Detail)
		if r.Verdict == Refuted {
			rep.Refuted++
		}
		rep.Claims = append(rep.Claims, r)
	}
	// A second pass gives what is left of the budget to the claims that ran out of their
	// share (some instances undecided): they are tried again, whole, with more time.
	var again []int
	for i, r := range rep.Claims {
		if r.Verdict != Refuted && (r.Undecided > 0 || r.Skipped > 0) {
			again = append(again, i)
		}
	}
	for n, i := range again {
		left := time.Until(deadline) / time.Duration(len(again)-n)
		if left < 5*time.Second {
			break
		}
		c := &f.Claims[i]
		cctx, cancel := context.WithTimeout(ctx, left)
		opt.Progress("audit: %s again, with %s …", c.ID, left.Round(time.Second))
		r := runClaim(cctx, c, opt)
		cancel()
		if r.Verdict == Refuted {
			rep.Refuted++
		}
		if r.Verdict == Refuted || r.Held > rep.Claims[i].Held {
			rep.Claims[i] = r
		}
	}
	rep.Seconds = time.Since(start).Seconds()
	return rep, nil
}

type outcome struct {
	held, refuted bool
	basis         string // kernel, solver, exact search
	detail        string
	cert          *cert.Certificate
}

func runClaim(ctx context.Context, c *ClaimSpec, opt Options) Result {
	start := time.Now()
	r := Result{ID: c.ID, Source: c.Source, Statement: c.Statement, Kind: c.Kind, Verdict: Undecided}
	insts, err := c.Instances()
	if err != nil {
		r.Detail = "bad claim: " + err.Error()
		return r
	}
	bases := map[string]bool{}
	var details []string
	for i, in := range insts {
		if ctx.Err() != nil {
			r.Skipped = len(insts) - i
			details = append(details, fmt.Sprintf("budget spent, %d instance(s) not tried", r.Skipped))
			break
		}
		r.Tried++
		o := runInstance(ctx, c, in, opt)
		if o.basis != "" {
			bases[o.basis] = true
		}
		switch {
		case o.refuted:
			r.Verdict, r.Instance = Refuted, in.String()
			r.Detail = o.detail
			r.Basis = o.basis
			if opt.OutDir != "" && o.cert != nil {
				path := filepath.Join(opt.OutDir, certName(c.ID, in))
				if err := lowerbounds.WriteCert(path, o.cert, ""); err != nil {
					r.Detail += "; writing the certificate: " + err.Error()
				} else {
					r.Counterexample = path
				}
			}
			r.Seconds = time.Since(start).Seconds()
			return r
		case o.held:
			r.Held++
			if len(details) < 3 {
				details = append(details, in.String()+": "+o.detail)
			}
		default:
			r.Undecided++
			// Undecided instances are named first: they are what a reader needs to see.
			if r.Undecided <= 3 {
				details = append([]string{in.String() + ": undecided (" + o.detail + ")"}, details...)
				details = details[:min(len(details), 3)]
			}
		}
	}
	switch {
	case r.Tried == 0 && r.Skipped == 0:
		r.Detail = "no instance in range satisfies the hypothesis"
	case r.Held == r.Tried && r.Skipped == 0:
		r.Verdict = Holds
	}
	var bs []string
	for _, b := range []string{"kernel", "solver", "exact search"} {
		if bases[b] {
			bs = append(bs, b)
		}
	}
	r.Basis = strings.Join(bs, "+")
	if r.Detail == "" {
		r.Detail = strings.Join(details, "; ")
	}
	r.Seconds = time.Since(start).Seconds()
	return r
}

func certName(id string, in Instance) string {
	s := id + "_" + strings.NewReplacer(" ", "_", "=", "", "/", "over").Replace(in.String())
	return s + ".json"
}

func runInstance(ctx context.Context, c *ClaimSpec, in Instance, opt Options) outcome {
	hidden, err := c.hiddenOf(in)
	if err != nil {
		return outcome{detail: err.Error()}
	}
	arch := cert.Architecture{InputDim: 1, Hidden: hidden, Activation: c.Activation}
	switch c.Kind {
	case KindMemorises:
		n, err := mustInt(c.N, in)
		if err != nil || n < 1 || n > 100000 {
			return outcome{detail: fmt.Sprintf("bad N: %v", err)}
		}
		var held []string
		basis := "kernel"
		for _, fam := range c.Families {
			d, err := lowerbounds.Dataset(fam, int(n), opt.Seed)
			if err != nil {
				return outcome{detail: err.Error()}
			}
			if ic, err := lowerbounds.Impossibility(d, arch, fmt.Sprintf("refutes %s at %s (%s family)", c.ID, in, fam)); err == nil {
				m := ic.Claims[0].(cert.NoFitClaim).Method
				return outcome{refuted: true, basis: "kernel", cert: ic,
					detail: fmt.Sprintf("no network of widths %v fits the %d-point %s dataset (kernel, by %s)", hidden, n, fam, m)}
			}
			how, b, wc := fitWitness(ctx, d, arch, opt)
			switch {
			case wc != nil:
				held = append(held, fam+" fits ("+how+")")
				if b == "solver" {
					basis = "kernel" // a witness is checked by the kernel whatever found it
				}
			case how == "unsat":
				forced, _ := cert.ForcedPieces(d, nil)
				nc := &cert.Certificate{Format: cert.FormatV1, Data: d, Claims: []cert.Claim{cert.NoFitClaim{Arch: arch, Fit: "exact", Method: "solver", ForcedPieces: &forced, Solver: &cert.SolverRecord{Solver: b, Answer: "unsat"}}}}
				return outcome{refuted: true, basis: "solver", cert: nc,
					detail: fmt.Sprintf("the solver proves no network of widths %v fits the %d-point %s dataset", hidden, n, fam)}
			default:
				return outcome{detail: fam + ": " + how}
			}
		}
		return outcome{held: true, basis: basis, detail: strings.Join(held, ", ")}
	case KindCannotMemorise:
		n, err := mustInt(c.N, in)
		if err != nil || n < 1 || n > 100000 {
			return outcome{detail: fmt.Sprintf("bad N: %v", err)}
		}
		d, err := lowerbounds.Dataset(lowerbounds.FamilyAlternating, int(n), opt.Seed)
		if err != nil {
			return outcome{detail: err.Error()}
		}
		if ic, err := lowerbounds.Impossibility(d, arch, fmt.Sprintf("witness for %s at %s", c.ID, in)); err == nil {
			cl := ic.Claims[0].(cert.NoFitClaim)
			detail := fmt.Sprintf("alternating data force %d pieces", *cl.ForcedPieces)
			if cl.MaxPieces != nil {
				detail += ", the widths allow " + cl.MaxPieces.String()
			}
			return outcome{held: true, basis: "kernel", detail: detail + " (kernel)", cert: ic}
		}
		if opt.Existence != nil {
			qctx, cancel := context.WithTimeout(ctx, 60*time.Second)
			res := opt.Existence.Exists(qctx, arch, d)
			cancel()
			if res.Answer == "unsat" {
				return outcome{held: true, basis: "solver", detail: "alternating data: solver unsat"}
			}
		}
		return outcome{detail: "neither the kernel's arguments nor a solver decide it"}
	case KindPieceBound:
		b, err := mustRat(c.Bound, in)
		if err != nil {
			return outcome{detail: err.Error()}
		}
		bound := new(big.Int).Quo(b.Num(), b.Denom()) // floor; bounds are integers in practice
		res, err := lowerbounds.SearchPieces(ctx, hidden, bound, c.Strict, opt.Tries, opt.Seed)
		if err != nil {
			return outcome{detail: err.Error()}
		}
		rel := "≤"
		if c.Strict {
			rel = "<"
		}
		if res.Exceeds {
			return outcome{refuted: true, basis: "kernel", cert: res.Cert,
				detail: fmt.Sprintf("a network of widths %v has %d pieces on [0,1] (%s; kernel-checked pieces claim), against the claimed %s %s", hidden, res.Best, res.BestFrom, rel, bound)}
		}
		return outcome{held: true, basis: "exact search", detail: fmt.Sprintf("best of %d networks: %d pieces %s %s", res.Tried, res.Best, rel, bound)}
	case KindMisclassify:
		k, err := mustInt(c.K, in)
		if err != nil || k < 1 || k > 20 {
			return outcome{detail: fmt.Sprintf("bad k: %v", err)}
		}
		frac, err := mustRat(c.Fraction, in)
		if err != nil {
			return outcome{detail: err.Error()}
		}
		res, err := lowerbounds.SearchMisclassification(ctx, hidden, int(k), opt.Tries, opt.Seed)
		if err != nil {
			return outcome{detail: err.Error()}
		}
		got := big.NewRat(int64(res.Wrong), int64(res.N))
		if got.Cmp(frac) < 0 && res.Kernel == "verified" {
			return outcome{refuted: true, basis: "kernel", cert: res.Cert,
				detail: fmt.Sprintf("a network of widths %v misclassifies only %d of %d points (kernel-checked threshold claim on the %d it gets right)", hidden, res.Wrong, res.N, res.N-res.Wrong)}
		}
		return outcome{held: true, basis: "exact search", detail: fmt.Sprintf("best of %d networks misclassifies %d/%d ≥ %s", res.Tried, res.Wrong, res.N, frac.RatString())}
	case KindL1:
		K, err := mustInt(c.Target, in)
		if err != nil || K < 1 || K > 20 {
			return outcome{detail: fmt.Sprintf("bad target: %v", err)}
		}
		eps, err := mustRat(c.Epsilon, in)
		if err != nil {
			return outcome{detail: err.Error()}
		}
		res, err := lowerbounds.SearchL1(ctx, hidden, int(K), opt.Tries, opt.Seed)
		if err != nil {
			return outcome{detail: err.Error()}
		}
		best, _ := new(big.Rat).SetString(res.Best)
		if best.Cmp(eps) < 0 {
			return outcome{refuted: true, basis: "exact search",
				detail: fmt.Sprintf("a network of widths %v has ∫|f − m^(%d)| = %s < %s (exact, by package pwl; not a kernel claim)", hidden, K, res.Best, eps.RatString())}
		}
		return outcome{held: true, basis: "exact search", detail: fmt.Sprintf("best of %d networks: ∫|f − m^(%d)| = %s ≥ %s (%s)", res.Tried, K, res.Best, eps.RatString(), res.BestFrom)}
	}
	return outcome{detail: "unknown kind"}
}

// fitWitness finds a network of arch fitting d: the interpolant, a construction, or the
// solver. It returns how, the basis, and the kernel-verified certificate (nil if none);
// how is "unsat" when the solver proved that none exists.
func fitWitness(ctx context.Context, d *cert.Dataset, arch cert.Architecture, opt Options) (string, string, *cert.Certificate) {
	if net, ok := lowerbounds.InterpolantNetwork(d, arch); ok {
		if c, st := lowerbounds.WitnessCert(d, net, "linear interpolant"); st == "verified" {
			return "interpolant", "kernel", c
		}
	}
	if opt.Memoriser != nil {
		if c, err := opt.Memoriser(d, arch.Hidden, arch.Activation); err == nil && c != nil {
			if rep, err := cert.Check(c, cert.Options{Theorems: theorems.Table}); err == nil && rep.Status == cert.Verified {
				return "construction", "kernel", c
			}
		}
	}
	if opt.Existence != nil {
		qctx, cancel := context.WithTimeout(ctx, 60*time.Second)
		res := opt.Existence.Exists(qctx, arch, d)
		cancel()
		switch {
		case res.Answer == "sat" && res.Witness != nil:
			if c, st := lowerbounds.WitnessCert(d, res.Witness, strings.TrimSuffix("SMT witness: "+res.Note, ": ")); st == "verified" {
				return "solver witness", "solver", c
			}
			return "solver witness rejected by the kernel", "", nil
		case res.Answer == "unsat":
			solver := "smt"
			if res.Record != nil {
				solver = res.Record.Solver
			}
			return "unsat", solver, nil
		default:
			return "solver: " + res.Answer + " " + res.Note, "", nil
		}
	}
	return "no witness found (no construction or solver for this case)", "", nil
}
