package main

// The SMT integration: `check --smt` (a second, independent opinion from Z3 on every
// obligation with an encoding) and the `smt` commands (export, exists, worker).
//
// Agreement rule (check --smt): for each claim the solver discharges, the kernel's and
// the solver's verdicts must be equal and, when both refute, so must the failure code
// and the first false point (smt.Compare). A disagreement prints "DISAGREEMENT" with the
// claim and the obligation on stdout and stderr and exits 1. When the solver is
// undecided (a query timed out) where the kernel verified, check exits 3.
//
// The solver for check --smt is chosen by CERTIFY_SMT_SOLVER (api, z3, cvc5, portfolio;
// default api, or the z3 program when this build has no Z3 API) and each query is
// bounded by CERTIFY_SMT_TIMEOUT (a Go duration, default 10m).

import (
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math/big"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"certify/cert"
	"certify/certio"
	"certify/lowerbounds"
	"certify/smt"
	"certify/smt/search"
	"certify/smt/z3"
	"certify/smt/z3solver"

	"github.com/spf13/cobra"
)

// newExistence is the existence solver of capacity and audit (each query bounded by
// timeout).
func newExistence(timeout time.Duration) lowerbounds.Existence {
	return &smtExistence{timeout: timeout}
}

// smtExistence answers the lower-bound search's existence queries (capacity, audit) with
// a portfolio: the Z3 API in a killable worker, the z3 program and the cvc5 program race on
// each query (no solver and no encoding wins everywhere; see search.Exists). The encodings are
// tried in turn, each but the last with half of the time left: for one-dimensional data the
// case split on the first layer's pattern, then biases normalised to {−1, 0, 1}, then
// first-layer weights normalised. A witness is returned for the caller to check with the
// kernel; an unsat answer carries the query as SMT-LIB 2 so that it can be re-run.
type smtExistence struct {
	timeout time.Duration
}

func (e *smtExistence) Exists(ctx context.Context, a cert.Architecture, d *cert.Dataset) lowerbounds.ExistenceResult {
	start := time.Now()
	res := lowerbounds.ExistenceResult{Answer: "unknown"}
	defer func() { res.Elapsed = time.Since(start) }()
	if a.Activation != "" && a.Activation != "relu" {
		res.Note = "the existence encodings cover relu only, not " + a.Activation
		return res
	}
	solver, err := solverByName("portfolio", e.timeout)
	if err != nil {
		res.Note = err.Error()
		return res
	}
	arch := search.Arch{InputDim: d.D, Hidden: a.Hidden, Outputs: d.LabelDim}
	encs := []search.Encoding{search.EncNormalized, search.EncNormalizedW}
	if d.D == 1 && d.LabelDim == 1 && len(a.Hidden) > 0 {
		encs = append([]search.Encoding{search.EncSplit}, encs...)
	}
	var notes []string
	for i, enc := range encs {
		qctx, cancel := ctx, context.CancelFunc(func() {})
		if dl, ok := ctx.Deadline(); ok && i < len(encs)-1 {
			qctx, cancel = context.WithTimeout(ctx, time.Until(dl)/2)
		}
		r, err := search.Exists(qctx, solver, arch, d, enc, smt.DefaultMaxDigits)
		cancel()
		switch {
		case err != nil:
			notes = append(notes, string(enc)+": "+err.Error())
		case r.Status == smt.Sat && r.Witness != nil:
			res.Answer, res.Witness = "sat", r.Witness.Network
			res.Note = fmt.Sprintf("%s, encoding %s, %s", r.Solver, enc, r.Time.Round(time.Millisecond))
			if r.Note != "" {
				res.Note += "; " + r.Note
			}
			return res
		case r.Status == smt.Sat:
			notes = append(notes, string(enc)+": sat, "+r.Note)
		case r.Status == smt.Unsat:
			script, err := r.Script, error(nil)
			if script == "" {
				script, err = search.ExistsScript(arch, d, enc, smt.DefaultMaxDigits)
			}
			if err == nil {
				res.SMTLIB = fmt.Sprintf("; certify: is there a ReLU network %s that fits these %d points exactly?\n"+
					"; %s answered unsat in %s with encoding %s: no such network exists.\n"+
					"; %s\n"+
					"; Expected answer: unsat (on every line). Re-run with any SMT-LIB 2 solver (z3 FILE, cvc5 --incremental FILE),\n"+
					"; or certify check --smt on the certificate (z3 and cvc5 racing, each block to whichever answers).\n%s",
					arch, d.N, r.Solver, r.Time.Round(time.Millisecond), enc, strings.ReplaceAll(r.Note, "\n", " "), script)
			}
			res.Answer = "unsat"
			res.Record = &cert.SolverRecord{Solver: r.Solver, Version: solverVersion(r.Solver), Encoding: string(enc),
				Seconds: strconv.FormatFloat(r.Time.Seconds(), 'f', 3, 64), Answer: "unsat"}
			return res
		default:
			notes = append(notes, string(enc)+": "+r.Reason)
		}
		if ctx.Err() != nil {
			break
		}
	}
	res.Note = strings.Join(notes, "; ")
	return res
}

// solverVersion names the version of the solver that answered (a portfolio member).
func solverVersion(name string) string {
	switch {
	case strings.HasPrefix(name, "z3-api"):
		return z3.Version()
	case name == "z3" || name == "cvc5":
		out, err := exec.Command(name, "--version").Output()
		if err != nil {
			return ""
		}
		line, _, _ := strings.Cut(string(out), "\n")
		return strings.TrimPrefix(strings.TrimSpace(line), "This is ")
	}
	return ""
}

// solverByName builds a solver: api (in-process Z3), worker (the API in a killable child
// process), z3, cvc5 (the programs), portfolio (worker, z3 and cvc5 racing).
func solverByName(name string, timeout time.Duration) (smt.Solver, error) {
	switch name {
	case "api":
		return z3solver.New()
	case "worker":
		if _, err := z3solver.New(); err != nil {
			return nil, err
		}
		exe, err := os.Executable()
		if err != nil {
			return nil, err
		}
		argv := []string{exe, "smt", "worker"}
		if timeout > 0 {
			argv = append(argv, "--timeout", timeout.String())
		}
		return &smt.Worker{Label: "z3-api(worker)", Argv: argv}, nil
	case "z3":
		return smt.Z3Binary, smt.Z3Binary.Available()
	case "cvc5":
		return smt.CVC5Binary, smt.CVC5Binary.Available()
	case "portfolio":
		var p smt.Portfolio
		var errs []string
		for _, n := range []string{"worker", "z3", "cvc5"} {
			s, err := solverByName(n, timeout)
			if err != nil {
				errs = append(errs, err.Error())
				continue
			}
			p = append(p, s)
		}
		if len(p) == 0 {
			return nil, fmt.Errorf("%w: %s", smt.ErrUnavailable, strings.Join(errs, "; "))
		}
		return p, nil
	}
	return nil, fmt.Errorf("unknown solver %q (want api, worker, z3, cvc5 or portfolio)", name)
}

// defaultSolver is the API when compiled in, else the z3 program.
func defaultSolver() (smt.Solver, error) {
	if name := os.Getenv("CERTIFY_SMT_SOLVER"); name != "" {
		return solverByName(name, 0)
	}
	if s, err := z3solver.New(); err == nil {
		return s, nil
	}
	if err := smt.Z3Binary.Available(); err == nil {
		return smt.Z3Binary, nil
	}
	return nil, fmt.Errorf("%w: no Z3 available: this build has no Z3 API (rebuild with cgo after apt-get install libz3-dev) and the z3 program is not installed (apt-get install z3)", smt.ErrUnavailable)
}

type smtCheckJSON struct {
	*smt.CertReport
	Agreement     string             `json:"agreement"` // "agree", "DISAGREEMENT", "undecided"
	Disagreements []smt.Disagreement `json:"disagreements,omitempty"`
}

// smtCheckOpts are the solver options of check --smt, the same in a single run, its
// shards and their merge.
func smtCheckOpts(o *checkOptions, krep *cert.Report, s *streams) (smt.CheckOptions, error) {
	timeout := 10 * time.Minute
	if v := os.Getenv("CERTIFY_SMT_TIMEOUT"); v != "" {
		var err error
		if timeout, err = time.ParseDuration(v); err != nil {
			return smt.CheckOptions{}, fmt.Errorf("CERTIFY_SMT_TIMEOUT: %v", err)
		}
	}
	opt := smt.CheckOptions{Chunk: o.smtChunk, Sample: o.smtSample, Seed: o.smtSeed,
		Include: smt.KernelFailurePoints(krep), Timeout: timeout, MaxDigits: max(smt.DefaultMaxDigits, o.maxDigits)}
	if o.progress {
		opt.Progress = progressPrinter(s.err, "smt")
	}
	opt.ReadFile = func(name string) ([]byte, error) { return readBeside(o.path, name) }
	for _, b := range []*smt.Binary{smt.CVC5Binary, smt.Z3Binary} {
		if b.Available() == nil {
			opt.Rerun = append(opt.Rerun, b)
		}
	}
	return opt, nil
}

func smtCheck(o *checkOptions, c *cert.Certificate, krep *cert.Report, s *streams) (any, int, error) {
	solver, err := defaultSolver()
	if err != nil {
		return nil, exitUndecided, err
	}
	opt, err := smtCheckOpts(o, krep, s)
	if err != nil {
		return nil, exitMalformed, err
	}
	srep, err := smt.CheckCertificate(context.Background(), solver, c, opt)
	if err != nil {
		return nil, exitUndecided, fmt.Errorf("--smt: %w", err)
	}
	out, code := smtAgreement(o, krep, srep, s)
	return out, code, nil
}

// smtAgreement compares the solver's report with the kernel's and prints it.
func smtAgreement(o *checkOptions, krep *cert.Report, srep *smt.CertReport, s *streams) (*smtCheckJSON, int) {
	dis := smt.Compare(krep, srep)
	out := &smtCheckJSON{CertReport: srep, Agreement: "agree", Disagreements: dis}
	code := exitOK
	switch {
	case len(dis) > 0:
		out.Agreement, code = "DISAGREEMENT", exitRefuted
	case srep.Status == cert.Undecided && krep.Status == cert.Verified:
		out.Agreement, code = "undecided", exitUndecided
	}
	for _, v := range srep.Claims {
		if v.Status == cert.Refuted && v.Index < len(krep.Claims) && krep.Claims[v.Index].Status == cert.Undecided {
			code = exitRefuted // e.g. a no-fit proof that does not re-run to unsat
		}
	}
	if !o.json {
		printSMTReport(s, o.path, srep, krep, out)
	}
	for _, d := range dis {
		fmt.Fprintln(s.err, "certify: DISAGREEMENT between kernel and solver: "+d.String())
	}
	return out, code
}

func printSMTReport(s *streams, path string, r *smt.CertReport, k *cert.Report, j *smtCheckJSON) {
	w := s.out
	head := fmt.Sprintf("smt %s  %s: %s, %d queries, %s", r.Status, path, r.Solver, r.Queries, r.Time.Round(time.Millisecond))
	if r.Total > 0 {
		head += fmt.Sprintf("; %d of %d points", r.Points, r.Total)
		if r.Sampled {
			head += fmt.Sprintf(" (random sample, seed %d, with the kernel's failing points)", r.Seed)
		}
	}
	fmt.Fprintln(w, head)
	for _, cv := range r.Claims {
		st := cv.Status.String()
		if !cv.Discharged {
			st = "-"
		}
		line := fmt.Sprintf("  claims[%d] %-10s %-9s %d obligation(s); %s", cv.Index, cv.Kind, st, cv.Checked, cv.How)
		fmt.Fprintln(w, line)
		if cv.Failure != nil {
			fmt.Fprintln(w, "    "+cv.Failure.String())
		}
		if cv.Reason != "" {
			fmt.Fprintln(w, "    undecided: "+cv.Reason)
		}
	}
	switch j.Agreement {
	case "agree":
		fmt.Fprintf(w, "  agreement: kernel %s, solver %s\n", k.Status, r.Status)
	case "undecided":
		fmt.Fprintf(w, "  agreement: undecided (kernel %s, solver undecided)\n", k.Status)
	default:
		for _, d := range j.Disagreements {
			fmt.Fprintln(w, "  DISAGREEMENT: "+d.String())
		}
	}
}

// ---- certify smt ----

func newSMTCmd(g *globalOptions, s *streams) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "smt",
		Short: "SMT: export a certificate's obligations, ask whether a network exists",
		Long: `smt gathers the SMT features. The solvers: api (libz3 in-process), worker (the
same in a killable child process), z3 and cvc5 (the Debian programs), portfolio
(worker, z3 and cvc5 racing; the first definite answer wins).`,
		Args: cobra.NoArgs, // an unknown subcommand is a usage error, not help
		RunE: func(cmd *cobra.Command, args []string) error { return cmd.Help() },
	}
	return cmd
}

type smtExportOptions struct {
	*globalOptions
	path   string
	dir    string
	chunk  int
	sample int
	seed   int64
}

func newSMTExportCmd(g *globalOptions, s *streams) *cobra.Command {
	o := &smtExportOptions{globalOptions: g}
	cmd := &cobra.Command{
		Use:   "export CERT -o DIR",
		Short: "Write a certificate's obligations as SMT-LIB 2 files (expected answer: unsat)",
		Long: `export writes one SMT-LIB 2 file per chunk of obligations: the negation of every
obligation in the chunk, with the logic declared and (check-sat); unsat means they
all hold. Re-check with: z3 FILE, or cvc5 FILE.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			o.path = args[0]
			return runSMTExport(o, s)
		},
	}
	cmd.Flags().StringVarP(&o.dir, "output", "o", "", "output folder")
	cmd.Flags().IntVar(&o.chunk, "chunk", smt.DefaultChunk, "points per file")
	cmd.Flags().IntVar(&o.sample, "sample", 0, "export a seeded random sample of K points (0: all)")
	cmd.Flags().Int64Var(&o.seed, "seed", 1, "the sample's seed")
	return cmd
}

func runSMTExport(o *smtExportOptions, s *streams) error {
	c, err := loadCert(o.path, o.limits())
	if err != nil {
		return malformed(err)
	}
	if o.dir == "" {
		return malformed(errors.New("export: give the output folder with -o DIR"))
	}
	qs, err := smt.Export(c, smt.CheckOptions{Chunk: o.chunk, Sample: o.sample, Seed: o.seed, MaxDigits: max(smt.DefaultMaxDigits, o.maxDigits)})
	if err != nil {
		return malformed(err)
	}
	if err := os.MkdirAll(o.dir, 0o755); err != nil {
		return err
	}
	base := strings.TrimSuffix(filepath.Base(o.path), filepath.Ext(o.path))
	for i, q := range qs {
		name := filepath.Join(o.dir, fmt.Sprintf("%s-%03d.smt2", base, i+1))
		if err := os.WriteFile(name, []byte(q.Script(false)), 0o644); err != nil {
			return err
		}
		fmt.Fprintf(s.out, "%s  %s\n", name, q.Name)
	}
	fmt.Fprintf(s.out, "%d file(s); expected answer of each: unsat\n", len(qs))
	return nil
}

func smtParseWidths(s string) ([]int, error) {
	var out []int
	for _, f := range strings.Split(s, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n <= 0 {
			return nil, fmt.Errorf("--widths: %q is not a positive width", f)
		}
		out = append(out, n)
	}
	return out, nil
}

type smtExistsOptions struct {
	*globalOptions
	widths     string // hidden widths, comma-separated
	data       string // CSV dataset
	alt        int    // or the alternating family's N
	enc        string
	solverName string
	timeout    time.Duration
	out        string // witness certificate
	smt2       string // the query (or the proof as it was run) as SMT-LIB 2
	caseLimit  time.Duration
	shard      shardFlags
}

func newSMTExistsCmd(g *globalOptions, s *streams) *cobra.Command {
	o := &smtExistsOptions{globalOptions: g}
	cmd := &cobra.Command{
		Use:   "exists --widths W1[,W2…] (--data FILE | --alternating N)",
		Short: "Is there a ReLU network of these hidden widths that fits the data exactly?",
		Long: `exists asks a solver whether some ReLU network with the given hidden widths (and
one identity output per target coordinate) fits the dataset exactly; the weights are
the unknowns (nonlinear real arithmetic).

Answers: sat (a witness network; written with -o as a certificate, which the kernel
checks before it is reported; an irrational witness is reported as such and
rationalised when possible), unsat (no such network), unknown (exit 3, with the time
spent). --data reads a CSV file: one point per line, the target last.

Exit codes: 0 sat with a witness the kernel verified, or unsat; 1 the kernel rejected
the witness; 2 bad input; 3 unknown or an irrational witness that could not be
rationalised.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runSMTExists(o, s)
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.widths, "widths", "", "hidden widths, e.g. 2,2")
	f.StringVar(&o.data, "data", "", "CSV dataset (target last)")
	f.IntVar(&o.alt, "alternating", 0, "use x_i = i, y_i = i mod 2 for i = 1..N")
	f.StringVar(&o.enc, "encoding", string(search.EncNormalized), "ite, pattern, normalized, normalized-w or split (1-D data: a case split on the first layer's pattern)")
	f.StringVar(&o.solverName, "solver", "worker", "api, worker, z3, cvc5 or portfolio")
	f.DurationVar(&o.timeout, "timeout", 60*time.Second, "wall-clock limit")
	f.StringVarP(&o.out, "output", "o", "", "write the witness certificate here")
	f.StringVar(&o.smt2, "smt2", "", "also write the query as SMT-LIB 2 to this file (check-sat only, for any solver to re-run; for an unsat split, the proof as it was run)")
	f.DurationVar(&o.caseLimit, "case-limit", 0, "split: bound each first-layer case at the first level (default 10s; a case left open goes to the second level)")
	o.shard.register(f)
	o.shard.registerRounds(f)
	return cmd
}

func runSMTExists(o *smtExistsOptions, s *streams) error {
	hidden, err := smtParseWidths(o.widths)
	if err != nil {
		return malformed(err)
	}
	if _, err := search.ParseEncoding(o.enc); err != nil {
		return malformed(err)
	}
	var d *cert.Dataset
	switch {
	case o.data != "" && o.alt > 0:
		return malformed(errors.New("give --data or --alternating, not both"))
	case o.data != "":
		d, _, err = cert.LoadSource(cert.Source{Format: "csv", Path: o.data, Task: cert.Regression}, o.limits())
	case o.alt > 0:
		d, err = search.Alternating(o.alt)
	default:
		return malformed(errors.New("give the data: --data FILE or --alternating N"))
	}
	if err != nil {
		return malformed(err)
	}
	solver, err := solverByName(o.solverName, o.timeout)
	if err != nil {
		return malformed(err)
	}
	a := search.Arch{InputDim: d.D, Hidden: hidden, Outputs: d.LabelDim}
	if o.shard.spec != "" {
		return runSMTExistsShard(o, s, solver, a, d)
	}
	if o.smt2 != "" {
		script, err := search.ExistsScript(a, d, search.Encoding(o.enc), max(smt.DefaultMaxDigits, o.maxDigits))
		if err != nil {
			return malformed(err)
		}
		if err := os.WriteFile(o.smt2, []byte(script), 0o644); err != nil {
			return err
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), o.timeout)
	defer cancel()
	var res *search.ExistsResult
	switch {
	case o.caseLimit < 0 || (o.caseLimit > 0 && search.Encoding(o.enc) != search.EncSplit):
		return malformed(fmt.Errorf("--case-limit %s: a positive duration, with --encoding split", o.caseLimit))
	case o.caseLimit > 0:
		res, err = search.ExistsSplitLimit(ctx, solver, a, d, max(smt.DefaultMaxDigits, o.maxDigits), o.caseLimit)
	default:
		res, err = search.Exists(ctx, solver, a, d, search.Encoding(o.enc), max(smt.DefaultMaxDigits, o.maxDigits))
	}
	if errors.Is(err, smt.ErrBadQuery) || errors.Is(err, smt.ErrTooLarge) {
		return malformed(err)
	}
	if err != nil {
		return &exitError{code: exitUndecided, err: err}
	}
	if o.smt2 != "" && res.Script != "" { // the proof as it was run (cases split again)
		if err := os.WriteFile(o.smt2, []byte(res.Script), 0o644); err != nil {
			return err
		}
	}
	return reportExists(s, a, d, res, o.out)
}

// reportExists prints an existence answer (and writes the witness certificate to out):
// the end of a single run and of a merge of its shards.
func reportExists(s *streams, a search.Arch, d *cert.Dataset, res *search.ExistsResult, out string) error {
	fmt.Fprintf(s.out, "%s  network %s on %d points: %s, encoding %s, %s\n", res.Status, a, d.N, res.Solver, res.Encoding, res.Time.Round(time.Millisecond))
	if res.Reason != "" {
		fmt.Fprintln(s.out, "  reason: "+res.Reason)
	}
	if res.Note != "" {
		fmt.Fprintln(s.out, "  "+res.Note)
	}
	switch res.Status {
	case smt.Unsat:
		fmt.Fprintln(s.out, "  no network of this architecture fits the data")
		return nil
	case smt.Unknown:
		return silentExit(exitUndecided)
	}
	if res.Witness == nil {
		fmt.Fprintln(s.out, "  no rational witness: the certificate format holds exact rationals only")
		return silentExit(exitUndecided)
	}
	krep, err := cert.Check(res.Witness, cert.Options{})
	if err != nil {
		return &exitError{code: exitRefuted, err: fmt.Errorf("witness: %w", err)}
	}
	fmt.Fprintf(s.out, "  witness checked by the kernel: %s\n", krep.Status)
	for _, l := range res.Witness.Network.Layers {
		for u := range l.B {
			fmt.Fprintf(s.out, "    w=%s b=%s\n", smtRatList(l.W[u]), l.B[u].RatString())
		}
	}
	if out != "" {
		f, err := os.Create(out)
		if err != nil {
			return err
		}
		if err := certio.Encode(f, res.Witness); err != nil {
			f.Close()
			return err
		}
		if err := f.Close(); err != nil {
			return err
		}
		fmt.Fprintln(s.out, "  wrote "+out)
	}
	if krep.Status != cert.Verified {
		return silentExit(exitRefuted)
	}
	return nil
}

func smtRatList(v []*big.Rat) string {
	parts := make([]string, len(v))
	for i, r := range v {
		parts[i] = r.RatString()
	}
	return "[" + strings.Join(parts, " ") + "]"
}

type smtWorkerOptions struct {
	*globalOptions
	timeout time.Duration
}

func newSMTWorkerCmd(g *globalOptions, s *streams) *cobra.Command {
	o := &smtWorkerOptions{globalOptions: g}
	cmd := &cobra.Command{
		Use:    "worker",
		Short:  "Answer one JSON query on stdin with the Z3 API (used by --solver worker)",
		Hidden: true,
		Args:   cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runSMTWorker(o, s)
		},
	}
	cmd.Flags().DurationVar(&o.timeout, "timeout", 0, "give up after this long (the parent kills the process anyway)")
	return cmd
}

func runSMTWorker(o *smtWorkerOptions, s *streams) error {
	solver, err := z3solver.New()
	if err != nil {
		return smt.ServeWorker(strings.NewReader("{}"), s.out, errSolver{err}, 0)
	}
	if o.timeout > 0 {
		// Z3's interrupt does not always stop a nonlinear query: past its time
		// (and a grace period) the worker ends itself, whoever its parent is.
		time.AfterFunc(o.timeout+10*time.Second, func() { os.Exit(exitUndecided) })
	}
	return smt.ServeWorker(os.Stdin, s.out, solver, o.timeout)
}

type errSolver struct{ err error }

func (e errSolver) Name() string { return "unavailable" }
func (e errSolver) Solve(context.Context, *smt.Query) (smt.Result, error) {
	return smt.Result{}, e.err
}

// maxProofBytes bounds a proof file read beside a certificate (and its decompressed size).
const maxProofBytes = 1 << 30

// readBeside reads the file a certificate names, relative to the certificate's folder
// (name.gz, decompressed, when name is not there). The name must stay in that folder.
func readBeside(certPath, name string) ([]byte, error) {
	if name != filepath.Base(name) || name == "." || name == ".." {
		return nil, fmt.Errorf("%q is not a plain file name beside the certificate", name)
	}
	p := filepath.Join(filepath.Dir(certPath), name)
	f, err := os.Open(p)
	gz := false
	if errors.Is(err, fs.ErrNotExist) {
		if f, err = os.Open(p + ".gz"); err == nil {
			gz = true
		}
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var r io.Reader = f
	if gz {
		zr, err := gzip.NewReader(f)
		if err != nil {
			return nil, fmt.Errorf("%s.gz: %v", p, err)
		}
		r = zr
	}
	data, err := io.ReadAll(io.LimitReader(r, maxProofBytes+1))
	if err != nil {
		return nil, err
	}
	if len(data) > maxProofBytes {
		return nil, fmt.Errorf("%s: larger than %d bytes", p, maxProofBytes)
	}
	return data, nil
}
