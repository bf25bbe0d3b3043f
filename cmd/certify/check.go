package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"certify/cert"
	"certify/theorems"

	"github.com/spf13/cobra"
)

type checkOptions struct {
	*globalOptions
	path     string
	json     bool
	progress bool
	engine   cert.Engine
	timeout  time.Duration
	// extraCheck, when set (by the smt files), runs a second, independent check.
	smt       bool
	smtSample int
	smtSeed   int64
	smtChunk  int
	shard     shardFlags
}

func newCheckCmd(g *globalOptions, s *streams) *cobra.Command {
	o := &checkOptions{globalOptions: g}
	cmd := &cobra.Command{
		Use:   "check CERT",
		Short: "Check every claim of a certificate exactly",
		Long: `check reads a certificate and verifies each of its claims in exact arithmetic.

Data files that the certificate names are read only from its own folder and from
folders allowed with --data-root, and only when their SHA-256 matches.

Exit codes: 0 every claim verified; 1 a claim is false (the first false obligation
is named: point, layer, unit, claimed and computed values); 2 the certificate is
malformed or unreadable (the field and position are named); 3 undecided.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			o.path = args[0]
			return runCheck(o, s)
		},
	}
	f := cmd.Flags()
	f.BoolVar(&o.json, "json", false, "print one JSON report object")
	f.BoolVar(&o.progress, "progress", false, "show progress on stderr")
	addEngineFlags(f, &o.engine, true)
	f.DurationVar(&o.timeout, "timeout", 0, "stop after this long (e.g. 30s, 5m; 0: no limit): the claims left unchecked are undecided (exit 3)")
	f.BoolVar(&o.smt, "smt", false, "also discharge the obligations with the Z3 SMT solver and compare verdicts")
	f.IntVar(&o.smtSample, "smt-sample", 0, "with --smt: discharge a seeded random sample of K points (0: all)")
	f.Int64Var(&o.smtSeed, "smt-seed", 1, "with --smt-sample: the sample's seed")
	f.IntVar(&o.smtChunk, "smt-chunk", 0, "with --smt: points per solver context (0: up to 500, fewer for large networks so that one context holds about 2M weight terms)")
	o.shard.register(f)
	return cmd
}

// loadCert reads and decodes a certificate file.
func loadCert(path string, lim cert.Limits) (*cert.Certificate, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	c, err := cert.Decode(f, filepath.Dir(path), lim)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return c, nil
}

type jsonCheckReport struct {
	File  string `json:"file"`
	Error string `json:"error,omitempty"`
	*cert.Report
	Verdict string `json:"verdict"`
	SMT     any    `json:"smt,omitempty"`
	// Float lists, per float claim, every point's exact margin and rounding-error bound.
	Float []floatClaimPoints `json:"float_points,omitempty"`
}

func runCheck(o *checkOptions, s *streams) error {
	if o.shard.spec != "" && !o.smt {
		return malformed(fmt.Errorf("--shard: only the solver's second opinion (check --smt) is cut into shards"))
	}
	c, err := loadCert(o.path, o.limits())
	if err != nil {
		if o.json {
			writeJSON(s.out, jsonCheckReport{File: o.path, Verdict: "malformed", Error: err.Error()})
		}
		return malformed(err)
	}
	opt := cert.Options{Workers: o.workers, Engine: o.engine, Timeout: o.timeout, Theorems: theorems.Table}
	if o.progress {
		opt.Progress = progressPrinter(s.err, "checking")
	}
	rep, err := cert.Check(c, opt)
	if err != nil {
		err = fmt.Errorf("%s: %w", o.path, err)
		if o.json {
			writeJSON(s.out, jsonCheckReport{File: o.path, Verdict: "malformed", Error: err.Error()})
		}
		return malformed(err)
	}
	if o.shard.spec != "" {
		return runCheckShard(o, c, rep, s)
	}
	code := statusExit(rep.Status)
	var smtRep any
	if o.smt {
		var smtCode int
		smtRep, smtCode, err = smtCheck(o, c, rep, s)
		if err != nil {
			return &exitError{code: exitUndecided, err: err}
		}
		code = combineSMTCode(code, smtCode)
	}
	return finishCheck(o, c, rep, code, smtRep, s)
}

func combineSMTCode(code, smtCode int) int {
	if smtCode != exitOK && (code == exitOK || smtCode == exitRefuted) {
		return smtCode
	}
	return code
}

// finishCheck prints the kernel's report (after the solver's) and gives the exit code.
func finishCheck(o *checkOptions, c *cert.Certificate, rep *cert.Report, code int, smtRep any, s *streams) error {
	if o.json {
		writeJSON(s.out, jsonCheckReport{File: o.path, Report: rep, Verdict: rep.Status.String(), SMT: smtRep, Float: floatPointsOf(c)})
	} else {
		printReport(s.out, o.path, rep)
	}
	return exitFor(code)
}

func exitFor(code int) error {
	if code == exitOK {
		return nil
	}
	return silentExit(code)
}

func statusExit(st cert.Status) int {
	switch st {
	case cert.Verified:
		return exitOK
	case cert.Refuted:
		return exitRefuted
	}
	return exitUndecided
}

func printReport(w io.Writer, path string, rep *cert.Report) {
	head := fmt.Sprintf("%s  %s: %d claim(s)", rep.Status, path, len(rep.Claims))
	if rep.Data != nil {
		head += fmt.Sprintf(" on %d points", rep.Data.N)
	}
	if rep.Engine != "" {
		head += fmt.Sprintf(" (%s engine)", rep.Engine)
	}
	fmt.Fprintln(w, head)
	for _, cr := range rep.Claims {
		line := fmt.Sprintf("  claims[%d] %-10s %-9s %d obligation(s)", cr.Index, cr.Kind, cr.Status, cr.Checked)
		if cr.Detail != "" {
			line += "; " + cr.Detail
		}
		fmt.Fprintln(w, line)
		if cr.Failure != nil {
			fmt.Fprintln(w, "    "+cr.Failure.String())
		}
	}
	if rep.Sizes.Depth > 0 {
		fmt.Fprintln(w, "  network: "+sizesLine(rep.Sizes))
	}
	if d := rep.Data; d != nil {
		line := fmt.Sprintf("  dataset: %d points in Q^%d, %s", d.N, d.D, d.Task)
		if d.Task == "classification" {
			line += fmt.Sprintf(", %d classes", d.Classes)
		} else {
			line += fmt.Sprintf(", label dimension %d", d.LabelDim)
		}
		if len(d.Duplicates) > 0 {
			line += fmt.Sprintf("; %d duplicate input(s) with equal labels (first: points %d and %d)", len(d.Duplicates), d.Duplicates[0][0], d.Duplicates[0][1])
		}
		fmt.Fprintln(w, line)
	}
}

func sizesLine(s cert.Sizes) string {
	ws := make([]string, len(s.Widths))
	for i, v := range s.Widths {
		ws[i] = fmt.Sprint(v)
	}
	return fmt.Sprintf("depth %d, widths %s, %d hidden units, %d parameters, %d non-zero weights (%d non-zero parameters), max bit complexity %d",
		s.Depth, strings.Join(ws, "-"), s.HiddenUnits, s.Parameters, s.NonzeroWeights, s.NonzeroParameters, s.MaxBits)
}

func writeJSON(w io.Writer, v any) {
	b, err := marshalVersioned(v)
	if err != nil {
		fmt.Fprintf(w, "{\"error\": %q}\n", err.Error())
		return
	}
	w.Write(append(b, '\n'))
}

// progressPrinter reports progress on w at every 10%.
func progressPrinter(w io.Writer, what string) func(done, total int) {
	var mu sync.Mutex
	last := -1
	return func(done, total int) {
		pct := done * 100 / max(total, 1)
		mu.Lock()
		defer mu.Unlock()
		if pct/10 > last/10 || last < 0 {
			last = pct
			fmt.Fprintf(w, "%s: %d/%d points (%d%%)\n", what, done, total, pct)
		}
	}
}
