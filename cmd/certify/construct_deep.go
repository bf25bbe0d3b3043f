package main

import (
	"bytes"
	"fmt"
	"math/big"
	"os"
	"path/filepath"
	"time"

	"certify/cert"
	"certify/certio"
	"certify/construct"
	"certify/theorems"

	"github.com/spf13/cobra"
)

// The deep constructions of issue 8: `certify construct park` and `certify construct
// vardi`.

type deepConstructOptions struct {
	*globalOptions
	data        dataFlags
	out         string
	epsilon     string
	noCheck     bool
	json        bool
	progress    bool
	groupSize   int
	maxDepth    int
	bits        int
	w           string
	wide        bool
	nativeSteps bool
}

func (o *deepConstructOptions) addCommon(cmd *cobra.Command) {
	o.data.add(cmd)
	f := cmd.Flags()
	f.StringVarP(&o.out, "out", "o", "", "write the certificate here (default: standard output)")
	f.StringVar(&o.epsilon, "epsilon", "", "regression: fit each target within ε by classes of width 2ε (Park et al. §4.3)")
	f.BoolVar(&o.noCheck, "no-check", false, "do not run the kernel on the certificate (by default it is checked; exit 1 if refuted)")
	f.BoolVar(&o.json, "json", false, "print the summary as JSON")
	f.BoolVar(&o.progress, "progress", false, "show progress on stderr")
}

func newConstructParkCmd(g *globalOptions, s *streams) *cobra.Command {
	o := &deepConstructOptions{globalOptions: g}
	cmd := &cobra.Command{
		Use:   "park --data FILE [--wide --w 2/3] [--native-step-id] -o cert.json",
		Short: "Park, Lee, Yun, Shin 2021: O(N^{2/3}) parameters, width 3 (Thm 2) or wide layers (Thm 1)",
		Long: `park builds the STEP + ID network of Park et al. 2021 exactly (every STEP input is an
integer on the data) and realises it by ReLU (two width-3 ReLU layers per STEP + ID
layer), or keeps the step and identity units with --native-step-id. Default: Theorem 2,
width 3. --wide: Theorem 1's wide layers, with --w in [2/3, 1] setting the range N^{2−w}
before the label lookup.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error { return runDeepConstruct(o, s, "park") },
	}
	o.addCommon(cmd)
	f := cmd.Flags()
	f.StringVar(&o.w, "w", "", "Theorem 1's w ∈ [2/3, 1] (implies --wide)")
	f.BoolVar(&o.wide, "wide", false, "Theorem 1's wide layers instead of Theorem 2's width 3")
	f.BoolVar(&o.nativeSteps, "native-step-id", false, "keep STEP and ID units (checked natively) instead of ReLU")
	return cmd
}

func newConstructVardiCmd(g *globalOptions, s *streams) *cobra.Command {
	o := &deepConstructOptions{globalOptions: g}
	cmd := &cobra.Command{
		Use:   "vardi --data FILE [--max-depth L | --bits B] -o cert.json",
		Short: "Vardi, Yehudai, Shamir 2022: width 12, depth and parameters Õ(√N) (Thm 3.1; Thm 5.1 with --max-depth; Thm 6.2 with --bits)",
		Long: `vardi builds the three-stage ReLU network of Vardi et al. 2022, Theorem 3.1: a
projection to distinct integers, one trapezoid layer per group of ≈√N points adding the
group's packed values and labels, and bit extraction with Telgarsky's triangle map.
Width ≤ 12. --max-depth L splits the data into parts built side by side (Theorem 5.1).
--bits B bounds the bit complexity of every weight and bias (bits of the numerator plus
bits of the denominator, the sizes claim's max_bits) by B: smaller groups, depth and
parameters Õ(N/B) (Theorem 6.2); it refuses a B below what one point per group needs.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error { return runDeepConstruct(o, s, "vardi") },
	}
	o.addCommon(cmd)
	f := cmd.Flags()
	f.IntVar(&o.groupSize, "group-size", 0, "points per group (0: the depth minimiser ≈ √(N/ρ))")
	f.IntVar(&o.maxDepth, "max-depth", 0, "Theorem 5.1: limit the depth (0: Theorem 3.1)")
	f.IntVar(&o.bits, "bits", 0, "Theorem 6.2: bound every weight's bit complexity by B (0: no bound)")
	return cmd
}

// deepSummary is what the command prints.
type deepSummary struct {
	construct.Summary
	Certificate string  `json:"certificate,omitempty"`
	BuildSecs   float64 `json:"build_seconds"`
	CheckSecs   float64 `json:"check_seconds,omitempty"`
	Verdict     string  `json:"verdict,omitempty"`
	Engine      string  `json:"engine,omitempty"`
}

func runDeepConstruct(o *deepConstructOptions, s *streams, method string) error {
	base := "."
	if o.out != "" {
		base = filepath.Dir(o.out)
	}
	lim := o.limits()
	d, ref, err := o.data.load(base, lim)
	if err != nil {
		return malformed(err)
	}
	do := construct.DeepOptions{Options: construct.Options{Producer: "certify construct " + method, Source: ref},
		GroupSize: o.groupSize, MaxDepth: o.maxDepth, Wide: o.wide, NativeStepID: o.nativeSteps}
	if o.epsilon != "" {
		e, err := cert.ParseRat(o.epsilon, 0)
		if err != nil || e.Sign() <= 0 {
			return malformed(fmt.Errorf("--epsilon: want a positive rational, got %q", o.epsilon))
		}
		do.Epsilon = e
	}
	if o.w != "" {
		w, err := cert.ParseRat(o.w, 0)
		if err != nil || w.Cmp(big.NewRat(2, 3)) < 0 || w.Cmp(big.NewRat(1, 1)) > 0 {
			return malformed(fmt.Errorf("--w: want a rational in [2/3, 1], got %q", o.w))
		}
		do.W, do.Wide = w, true
	}
	if o.groupSize < 0 || o.maxDepth < 0 || o.bits < 0 {
		return malformed(fmt.Errorf("--group-size, --max-depth and --bits cannot be negative"))
	}
	if o.progress {
		do.Progress = func(stage string, done, total int) {
			if total > 0 {
				fmt.Fprintf(s.err, "\r%s %d/%d", stage, done, total)
			}
		}
	}
	t0 := time.Now()
	var r *construct.Result
	switch method {
	case "park":
		r, err = construct.Park(d, do)
	default:
		if o.bits > 0 {
			r, err = construct.VardiBits(d, do, o.bits)
		} else {
			r, err = construct.Vardi(d, do)
		}
	}
	if o.progress {
		fmt.Fprintln(s.err)
	}
	if err != nil {
		return malformed(err)
	}
	sum := deepSummary{Summary: r.Summary, BuildSecs: time.Since(t0).Seconds(), Certificate: o.out}
	var buf bytes.Buffer
	if err := certio.Encode(&buf, r.Cert); err != nil {
		return err
	}
	if o.out != "" {
		if err := os.WriteFile(o.out, buf.Bytes(), 0o644); err != nil {
			return malformed(err)
		}
	}
	code := exitOK
	if !o.noCheck {
		t1 := time.Now()
		lim.DataRoots = append(lim.DataRoots, o.data.roots()...) // the data it was built from
		c, err := cert.Decode(bytes.NewReader(buf.Bytes()), base, lim)
		if err != nil {
			return malformed(err)
		}
		rep, err := cert.Check(c, cert.Options{Workers: o.workers, Theorems: theorems.Table})
		if err != nil {
			return malformed(err)
		}
		sum.CheckSecs, sum.Verdict, sum.Engine = time.Since(t1).Seconds(), rep.Status.String(), rep.Engine
		if rep.Status != cert.Verified {
			code = exitRefuted
			if rep.First != nil {
				fmt.Fprintf(s.err, "certify: %s: %s\n", rep.Status, rep.First)
			}
		}
	}
	out := s.err
	if o.out == "" {
		_, _ = s.out.Write(buf.Bytes())
	} else {
		out = s.out
	}
	if o.json {
		writeJSON(out, sum)
	} else {
		z := r.Summary.Sizes
		fmt.Fprintf(out, "%s: %s\n  N = %d (%d distinct), d = %d; depth %d, max width %d, parameters %d, non-zero weights %d, max bits %d\n  theorem: %s\n",
			method, r.Summary.TheoremName, r.Summary.N, r.Summary.Distinct, r.Summary.DX, z.Depth, maxWidth(z.Widths), z.Parameters, z.NonzeroWeights, z.MaxBits, r.Summary.Evaluated)
		if !o.noCheck {
			fmt.Fprintf(out, "  check: %s (%s engine)\n", sum.Verdict, sum.Engine)
		}
	}
	if code != exitOK {
		return silentExit(code)
	}
	return nil
}

func maxWidth(w []int) int {
	m := 0
	for _, v := range w {
		m = max(m, v)
	}
	return m
}
