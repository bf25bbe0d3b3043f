package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"certify/audit"

	"github.com/spf13/cobra"
)

type auditOptions struct {
	*globalOptions
	claims        string
	budget        time.Duration
	out           string
	json          bool
	markdown      bool
	failOnRefuted bool
	failOnUndec   bool
	failOnUnexp   bool
	tries         int
	seed          uint64
	noSolver      bool
	known         string
	quiet         bool
	shard         shardFlags
}

func newAuditCmd(g *globalOptions, s *streams) *cobra.Command {
	o := &auditOptions{globalOptions: g}
	cmd := &cobra.Command{
		Use:   "audit",
		Short: "Try published claims on every instance in range: proved, refuted (with a certificate), not refuted, or undecided",
		Long: `audit tries each claim of a claims file (by default the claims the tool ships:
the seeds' statements as the papers state them and as the lecture notes print them)
on every instance in its ranges, and prints a table: the claim, the instances tried
of those in range, the verdict, and what it rests on. Verdicts:

  proved              every instance in range, each by a kernel-checked certificate
  proved-by-solver    every instance in range; some rest on an SMT unsat (proof file written)
  refuted             a kernel-checked counterexample to the claim as stated
  refuted-by-solver   a counterexample resting on an SMT unsat (certify check --smt re-runs it)
  refuted-unverified  a counterexample computed exactly, but not a kernel claim (L¹)
  not-refuted         held on every dataset or network tried: not a proof
  partial             some instances decided, others open (each named); none refuted
  undecided           nothing decided

Every certificate a verdict rests on (counterexamples, proofs and witnesses) is
written to the output folder with report.md and report.json.

Exit codes: 0 the audit ran; 1 with --fail-on-refuted a claim is refuted, or with
--fail-on-unexpected a verdict differs from the claim's "expect"; 2 the claims file is
malformed or a claim cannot be checked faithfully (nothing is run); 3 with
--fail-on-undecided a claim is undecided or partial (1 wins over 3).

The claims file format is described in docs/claims.md.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error { return runAudit(o, s) },
	}
	f := cmd.Flags()
	f.StringVar(&o.claims, "claims", "", "claims file (default: the built-in claims)")
	f.DurationVar(&o.budget, "budget", 3*time.Minute, "time for the whole audit")
	f.StringVarP(&o.out, "out", "o", "audit-out", "folder for counterexample certificates and the reports")
	f.BoolVar(&o.json, "json", false, "print the report as JSON")
	f.BoolVar(&o.markdown, "markdown", false, "print the report as a Markdown table")
	f.BoolVar(&o.failOnRefuted, "fail-on-refuted", false, "exit 1 when a claim is refuted, by any kind of counterexample (for CI)")
	f.BoolVar(&o.failOnUndec, "fail-on-undecided", false, "exit 3 when a claim is undecided or partial (for CI)")
	f.BoolVar(&o.failOnUnexp, "fail-on-unexpected", false, "exit 1 when a claim's verdict differs from its \"expect\" (for CI)")
	f.IntVar(&o.tries, "tries", 0, "networks evaluated per search instance (default: 200 per minute of --budget, at least 100)")
	f.Uint64Var(&o.seed, "seed", 1, "seed of the searches")
	f.BoolVar(&o.noSolver, "no-solver", false, "do not ask an SMT solver (kernel arguments and constructions only)")
	f.StringVar(&o.known, "known", "", "folder of known results (certify capacity's table) reused before asking a solver (default: testdata/capacity when present; \"none\" for none)")
	f.BoolVarP(&o.quiet, "quiet", "q", false, "no progress on stderr")
	o.shard.register(f)
	return cmd
}

func runAudit(o *auditOptions, s *streams) error {
	f, opt, err := auditSetup(o, s)
	if err != nil {
		return err
	}
	if o.shard.spec != "" {
		return runAuditShard(o, s, f, opt)
	}
	rep, err := audit.Run(context.Background(), f, opt)
	if err != nil {
		return err
	}
	return reportAudit(o, s, rep)
}

// auditSetup reads the claims and makes the options of a run, a shard or a merge.
func auditSetup(o *auditOptions, s *streams) (*audit.ClaimsFile, audit.Options, error) {
	var f *audit.ClaimsFile
	var err error
	if o.claims == "" {
		f, err = audit.Builtin()
	} else {
		var raw []byte
		raw, err = os.ReadFile(o.claims)
		if err == nil {
			f, err = audit.ParseClaims(raw)
		}
	}
	if err != nil {
		return nil, audit.Options{}, malformed(err)
	}
	if o.tries < 0 {
		return nil, audit.Options{}, malformed(fmt.Errorf("--tries is %d; it must be positive (or 0: by the budget)", o.tries))
	}
	if o.budget <= 0 {
		return nil, audit.Options{}, malformed(fmt.Errorf("--budget is %s; it must be positive", o.budget))
	}
	opt := audit.Options{Budget: o.budget, OutDir: o.out, Tries: o.tries, Seed: o.seed, Memoriser: memoriser, Version: readVersion().Version}
	switch known := o.known; known {
	case "none":
	case "":
		k, err := audit.LoadKnown(filepath.Join("testdata", "capacity"))
		switch {
		case err == nil:
			opt.Known = k
		case !errors.Is(err, fs.ErrNotExist):
			return nil, audit.Options{}, malformed(fmt.Errorf("testdata/capacity: %v", err))
		}
	default:
		k, err := audit.LoadKnown(known)
		if err != nil {
			return nil, audit.Options{}, malformed(fmt.Errorf("--known %s: %v", known, err))
		}
		opt.Known = k
	}
	if !o.noSolver {
		opt.Existence = newExistence(60 * time.Second)
	}
	if !o.quiet {
		opt.Progress = func(format string, args ...any) { fmt.Fprintf(s.err, format+"\n", args...) }
	}
	return f, opt, nil
}

// reportAudit writes the reports and prints one: the end of a run and of a merge.
func reportAudit(o *auditOptions, s *streams, rep *audit.Report) error {
	if o.out != "" {
		write := func(name string, fn func(io.Writer)) error {
			fh, err := os.Create(filepath.Join(o.out, name))
			if err != nil {
				return err
			}
			fn(fh)
			return fh.Close()
		}
		if err := write("report.md", rep.WriteMarkdown); err != nil {
			return err
		}
		if err := write("report.json", func(w io.Writer) { writeJSON(w, rep) }); err != nil {
			return err
		}
	}
	switch {
	case o.json:
		writeJSON(s.out, rep)
	case o.markdown:
		rep.WriteMarkdown(s.out)
	default:
		rep.WriteText(s.out)
	}
	switch {
	case o.failOnRefuted && rep.Refuted > 0, o.failOnUnexp && rep.Unexpected > 0:
		return silentExit(exitRefuted)
	case o.failOnUndec && rep.Verdicts[audit.Undecided]+rep.Verdicts[audit.Partial] > 0:
		return silentExit(exitUndecided)
	}
	return nil
}
