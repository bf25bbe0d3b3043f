package main

import (
	"context"
	"fmt"
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
	tries         int
	seed          uint64
	noSolver      bool
	quiet         bool
}

func newAuditCmd(g *globalOptions, s *streams) *cobra.Command {
	o := &auditOptions{globalOptions: g}
	cmd := &cobra.Command{
		Use:   "audit",
		Short: "Try published claims on concrete instances: holds, refuted (with a certificate), or undecided",
		Long: `audit tries each claim of a claims file (by default the claims the tool ships:
the seeds' statements as the papers state them and as the lecture notes print them)
on the instances it names, and prints a table: the claim, the instances tried, the
verdict — holds on every instance tried, refuted (the counterexample certificate is
written to the output folder and verifies on its own with certify check), or
undecided — and what the verdict rests on: the kernel, an SMT solver, or an exact
search. The same table is written as report.md and report.json in the output folder.

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
	f.BoolVar(&o.failOnRefuted, "fail-on-refuted", false, "exit 1 when a claim is refuted (for CI)")
	f.IntVar(&o.tries, "tries", 400, "networks evaluated per search instance")
	f.Uint64Var(&o.seed, "seed", 1, "seed of the searches")
	f.BoolVar(&o.noSolver, "no-solver", false, "do not ask an SMT solver (kernel arguments and constructions only)")
	f.BoolVarP(&o.quiet, "quiet", "q", false, "no progress on stderr")
	return cmd
}

func runAudit(o *auditOptions, s *streams) error {
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
		return malformed(err)
	}
	opt := audit.Options{Budget: o.budget, OutDir: o.out, Tries: o.tries, Seed: o.seed, Memoriser: memoriser}
	if !o.noSolver {
		opt.Existence = newExistence(60 * time.Second)
	}
	if !o.quiet {
		opt.Progress = func(format string, args ...any) { fmt.Fprintf(s.err, format+"\n", args...) }
	}
	rep, err := audit.Run(context.Background(), f, opt)
	if err != nil {
		return err
	}
	if o.out != "" {
		if mf, err := os.Create(filepath.Join(o.out, "report.md")); err == nil {
			rep.WriteMarkdown(mf)
			mf.Close()
		}
		if jf, err := os.Create(filepath.Join(o.out, "report.json")); err == nil {
			writeJSON(jf, rep)
			jf.Close()
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
	if o.failOnRefuted && rep.Refuted > 0 {
		return silentExit(exitRefuted)
	}
	return nil
}
