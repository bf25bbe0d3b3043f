package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math/big"
	"os"
	"strconv"
	"strings"
	"time"

	"certify/cert"
	"certify/certio"
	"certify/pwl"

	"github.com/spf13/cobra"
)

// segmentFlags choose the segment a network is restricted to.
type segmentFlags struct {
	segment string
	t0, t1  string
}

func (s *segmentFlags) add(cmd *cobra.Command) {
	f := cmd.Flags()
	f.StringVar(&s.segment, "segment", "", `the segment "A;V;T0;T1": points A + t·V for t in [T0, T1], A and V comma-separated exact rationals`)
	f.StringVar(&s.t0, "t0", "0", "for a one-input network: the interval's left end")
	f.StringVar(&s.t1, "t1", "1", "for a one-input network: the interval's right end")
}

// resolve gives the segment: --segment, else the certificate's first pieces claim's
// segment when --t0/--t1 are not set, else [t0, t1] for a one-input network.
func (s *segmentFlags) resolve(cmd *cobra.Command, n *cert.Network, c *cert.Certificate, lim cert.Limits) (cert.Segment, error) {
	changed := cmd.Flags().Changed("t0") || cmd.Flags().Changed("t1")
	parse := func(name, v string) (*big.Rat, error) {
		r, err := cert.ParseRat(strings.TrimSpace(v), lim.MaxDigits)
		if err != nil {
			return nil, fmt.Errorf("%s: %v", name, err)
		}
		return r, nil
	}
	var seg cert.Segment
	switch {
	case s.segment != "":
		if changed {
			return seg, fmt.Errorf("give --segment or --t0/--t1, not both")
		}
		parts := strings.Split(s.segment, ";")
		if len(parts) != 4 {
			return seg, fmt.Errorf("--segment %q: want \"A;V;T0;T1\" (four parts separated by ';')", s.segment)
		}
		for i, dst := range []*[]*big.Rat{&seg.A, &seg.V} {
			for _, f := range strings.Split(parts[i], ",") {
				r, err := parse("--segment", f)
				if err != nil {
					return seg, err
				}
				*dst = append(*dst, r)
			}
		}
		var err error
		if seg.T0, err = parse("--segment t0", parts[2]); err != nil {
			return seg, err
		}
		if seg.T1, err = parse("--segment t1", parts[3]); err != nil {
			return seg, err
		}
	case !changed && c != nil && firstPieces(c) != nil:
		seg = firstPieces(c).Segment
	default:
		if n.InputDim != 1 {
			return seg, fmt.Errorf("the network has %d inputs: give the segment with --segment \"A;V;T0;T1\"", n.InputDim)
		}
		t0, err := parse("--t0", s.t0)
		if err != nil {
			return seg, err
		}
		t1, err := parse("--t1", s.t1)
		if err != nil {
			return seg, err
		}
		seg = pwl.Interval(t0, t1)
	}
	return seg, pwl.CheckSegment(n, seg)
}

func firstPieces(c *cert.Certificate) *cert.PiecesClaim {
	for _, cl := range c.Claims {
		if p, ok := cl.(cert.PiecesClaim); ok {
			return &p
		}
	}
	return nil
}

// loadNetOrCert reads a certificate (a JSON object with a "format" field), a bare
// network, or a model file (ONNX, NNet, safetensors, .npz/.npy: anything that does not
// start with "{", told apart by content as modelio.Sniff does); the certificate is nil
// unless the file is one.
func loadNetOrCert(path string, lim cert.Limits) (*cert.Network, *cert.Certificate, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, nil, err
	}
	if !looksLikeJSON(raw) {
		n, err := loadModel(path, raw)
		return n, nil, err
	}
	var probe map[string]json.RawMessage
	if json.Unmarshal(raw, &probe) == nil {
		if _, ok := probe["format"]; ok {
			c, err := loadCert(path, lim)
			if err != nil {
				return nil, nil, err
			}
			return c.Network, c, nil
		}
	}
	n, err := cert.DecodeNetwork(bytes.NewReader(raw), lim)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", path, err)
	}
	return n, nil, nil
}

func segmentString(s cert.Segment) string {
	return fmt.Sprintf("a + t·v, a = (%s), v = (%s), t in [%s, %s]",
		strings.Join(ratList(s.A), ", "), strings.Join(ratList(s.V), ", "), s.T0.RatString(), s.T1.RatString())
}

func ratList(v []*big.Rat) []string {
	out := make([]string, len(v))
	for i, r := range v {
		out[i] = r.RatString()
	}
	return out
}

func joinInts(v []int, sep string) string {
	s := make([]string, len(v))
	for i, x := range v {
		s[i] = strconv.Itoa(x)
	}
	return strings.Join(s, sep)
}

// ---- certify pieces ----

type piecesOptions struct {
	*globalOptions
	path  string
	seg   segmentFlags
	emit  bool
	out   string
	json  bool
	stats bool
}

func newPiecesCmd(g *globalOptions, s *streams) *cobra.Command {
	o := &piecesOptions{globalOptions: g}
	cmd := &cobra.Command{
		Use:   "pieces CERT|NET",
		Short: "Count exactly the activation regions and affine pieces of a network on a segment",
		Long: `pieces restricts the network to the segment {a + t·v : t in [t0, t1]} (for a
one-input network, by default the interval [0, 1]; a certificate's pieces claim
gives the default segment) and enumerates, exactly, every breakpoint. It prints the
number of activation regions (intervals of constant activation pattern) and of
affine pieces (maximal intervals where the function is affine: adjacent regions with
the same affine map are one piece), and the architecture's bounds ∏(k_i·m_i + 1)
and Telgarsky's (2m)^l.

With --emit-claim it writes a certificate holding the network and a pieces claim
(-o FILE, or standard output), after checking it with the kernel.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			o.path = args[0]
			return runPieces(cmd, o, s)
		},
	}
	o.seg.add(cmd)
	f := cmd.Flags()
	f.BoolVar(&o.emit, "emit-claim", false, "write a certificate with a pieces claim (checked by the kernel first)")
	f.StringVarP(&o.out, "output", "o", "-", "with --emit-claim: the certificate file (- for standard output)")
	f.BoolVar(&o.json, "json", false, "print a JSON object")
	f.BoolVar(&o.stats, "stats", false, "print timings and pieces per second on standard error")
	return cmd
}

type piecesReport struct {
	File    string        `json:"file"`
	Segment any           `json:"segment"`
	Regions int           `json:"regions"`
	Pieces  int           `json:"pieces"`
	Bounds  pwl.Bounds    `json:"bounds"`
	Kernel  string        `json:"kernel,omitempty"` // the kernel's verdict on the emitted claim
	Failure *cert.Failure `json:"failure,omitempty"`
	Written string        `json:"written,omitempty"`
}

func runPieces(cmd *cobra.Command, o *piecesOptions, s *streams) error {
	n, c, err := loadNetOrCert(o.path, o.limits())
	if err != nil {
		return malformed(err)
	}
	seg, err := o.seg.resolve(cmd, n, c, o.limits())
	if err != nil {
		return malformed(err)
	}
	if o.json && o.emit && o.out == "-" {
		return malformed(fmt.Errorf("--json and --emit-claim both write to standard output: give -o FILE"))
	}
	start := time.Now()
	var rep piecesReport
	var claim cert.PiecesClaim
	if o.emit {
		cl, st, err := pwl.Claim(n, seg)
		if err != nil {
			return malformed(err)
		}
		claim, rep.Regions, rep.Pieces = cl, st.Regions, st.Pieces
	} else {
		st, err := pwl.Count(n, seg)
		if err != nil {
			return malformed(err)
		}
		rep.Regions, rep.Pieces = st.Regions, st.Pieces
	}
	enumerated := time.Since(start)
	rep.File = o.path
	rep.Segment = map[string]any{"a": ratList(seg.A), "v": ratList(seg.V), "t0": seg.T0.RatString(), "t1": seg.T1.RatString()}
	rep.Bounds = pwl.PieceBounds(n)
	code := exitOK
	var checked time.Duration
	if o.emit {
		out := &cert.Certificate{Format: cert.FormatV1, Network: n, Claims: []cert.Claim{claim},
			Provenance: cert.Provenance{Producer: "certify pieces"}}
		if c != nil {
			out.Provenance.Construction, out.Provenance.Theorem, out.Provenance.Reference = c.Provenance.Construction, c.Provenance.Theorem, c.Provenance.Reference
			out.Provenance.Params = c.Provenance.Params
		}
		t := time.Now()
		kr, err := cert.Check(out, cert.Options{Workers: o.workers})
		checked = time.Since(t)
		if err != nil {
			return malformed(fmt.Errorf("the emitted claim does not fit its certificate (a bug): %w", err))
		}
		rep.Kernel = kr.Status.String()
		rep.Failure = kr.First
		code = statusExit(kr.Status)
		var buf bytes.Buffer
		if err := certio.Encode(&buf, out); err != nil {
			return err
		}
		if o.out == "-" {
			if _, err := s.out.Write(buf.Bytes()); err != nil {
				return err
			}
		} else {
			if err := os.WriteFile(o.out, buf.Bytes(), 0o644); err != nil {
				return err
			}
			rep.Written = o.out
		}
	}
	if o.stats {
		fmt.Fprintf(s.err, "enumerated %d regions in %v (%.0f regions/s)\n", rep.Regions, enumerated.Round(time.Millisecond), float64(rep.Regions)/enumerated.Seconds())
		if o.emit {
			fmt.Fprintf(s.err, "kernel checked them in %v (%.0f regions/s)\n", checked.Round(time.Millisecond), float64(rep.Regions)/checked.Seconds())
		}
	}
	switch {
	case o.json:
		writeJSON(s.out, rep)
	case !o.emit || o.out != "-":
		printPieces(s.out, seg, rep)
	}
	if rep.Failure != nil {
		fmt.Fprintln(s.err, "certify: the kernel refuted the emitted claim (a bug in the enumerator): "+rep.Failure.String())
	}
	return exitFor(code)
}

func printPieces(w io.Writer, seg cert.Segment, rep piecesReport) {
	fmt.Fprintf(w, "segment: %s\n", segmentString(seg))
	fmt.Fprintf(w, "regions: %d\n", rep.Regions)
	fmt.Fprintf(w, "pieces: %d\n", rep.Pieces)
	b := rep.Bounds
	fmt.Fprintf(w, "bound ∏(k_i·m_i + 1), nonlinear widths %s: %s\n", joinInts(b.Widths, "-"), b.Product)
	if b.TelgarskyApplies {
		fmt.Fprintf(w, "bound (2m)^l, l = %d: %s\n", len(b.Widths), b.Telgarsky)
	} else {
		fmt.Fprintf(w, "bound (2m)^l: not applicable (hard-tanh units)\n")
	}
	if rep.Kernel != "" {
		line := "kernel: " + rep.Kernel
		if rep.Written != "" {
			line += "; certificate written to " + rep.Written
		}
		fmt.Fprintln(w, line)
	}
}

// ---- certify separation ----

type separationOptions struct {
	*globalOptions
	net  string
	k    int
	json bool
}

func newSeparationCmd(g *globalOptions, s *streams) *cobra.Command {
	o := &separationOptions{globalOptions: g}
	cmd := &cobra.Command{
		Use:   "separation --net NET --k K",
		Short: "Telgarsky's depth separation, exactly: a network against the sawtooth m^(k)",
		Long: `separation compares a one-input network f with Telgarsky's sawtooth m^(k) on
[0, 1]: it counts f's pieces, evaluates f exactly on the 2^k points i/2^k with
alternating labels 0, 1, 0, … (classified by 1[f ≥ 1/2]) and reports the fraction
misclassified, the lower bound 1/2 − t/2^k that t pieces force, whether Telgarsky's
hypothesis (2m)^l ≤ 2^(k−3) holds (then at least 1/6 must be misclassified), and the
exact L¹ distance ∫₀¹ |f − m^(k)|.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error { return runSeparation(o, s) },
	}
	cmd.Flags().StringVar(&o.net, "net", "", "network file (a network object or a certificate)")
	cmd.Flags().IntVar(&o.k, "k", 0, "the sawtooth's depth k: 2^k points, target m^(k)")
	cmd.Flags().BoolVar(&o.json, "json", false, "print a JSON object")
	return cmd
}

type separationReport struct {
	K                  int        `json:"k"`
	N                  int        `json:"n"`
	Regions            int        `json:"regions"`
	Pieces             int        `json:"pieces"`
	Bounds             pwl.Bounds `json:"bounds"`
	Hypothesis         bool       `json:"telgarsky_hypothesis"`
	Wrong              int        `json:"misclassified"`
	Fraction           string     `json:"fraction"`
	CountingBound      string     `json:"counting_bound"`
	TelgarskyBound     string     `json:"telgarsky_bound,omitempty"`
	L1                 string     `json:"l1"`
	SawtoothPieces     int        `json:"sawtooth_pieces"`
	SawtoothMisclassed int        `json:"sawtooth_misclassified"`
}

func runSeparation(o *separationOptions, s *streams) error {
	if o.net == "" {
		return malformed(fmt.Errorf("--net is required"))
	}
	if o.k < 1 || o.k > 24 {
		return malformed(fmt.Errorf("--k %d: want 1 ≤ k ≤ 24", o.k))
	}
	n, _, err := loadNetOrCert(o.net, o.limits())
	if err != nil {
		return malformed(err)
	}
	if n.InputDim != 1 || n.OutputDim() != 1 {
		return malformed(fmt.Errorf("%s: separation needs a network with one input and one output (it has %d and %d)", o.net, n.InputDim, n.OutputDim()))
	}
	mc, err := pwl.Misclassified(n, o.k)
	if err != nil {
		return malformed(err)
	}
	st, err := pwl.Count(n, pwl.UnitInterval())
	if err != nil {
		return malformed(err)
	}
	saw := pwl.Sawtooth(o.k)
	f, err := pwl.FuncOf(n, pwl.UnitInterval(), 0)
	if err != nil {
		return malformed(err)
	}
	g, err := pwl.FuncOf(saw, pwl.UnitInterval(), 0)
	if err != nil {
		return err
	}
	l1, err := pwl.L1(f, g)
	if err != nil {
		return err
	}
	sm, err := pwl.Misclassified(saw, o.k)
	if err != nil {
		return err
	}
	b := pwl.PieceBounds(n)
	rep := separationReport{K: o.k, N: mc.N, Regions: st.Regions, Pieces: st.Pieces, Bounds: b,
		Hypothesis: pwl.TelgarskyHypothesis(b, o.k), Wrong: mc.Wrong, Fraction: mc.Fraction().RatString(),
		CountingBound: mc.CountingBound().RatString(), L1: l1.RatString(),
		SawtoothPieces: sm.Pieces, SawtoothMisclassed: sm.Wrong}
	if rep.Hypothesis {
		rep.TelgarskyBound = "1/6"
	}
	if o.json {
		writeJSON(s.out, rep)
		return nil
	}
	w := s.out
	fmt.Fprintf(w, "network: nonlinear widths %s (l = %d layers, m = %d)\n", joinInts(b.Widths, "-"), len(b.Widths), maxInt(b.Widths))
	fmt.Fprintf(w, "pieces on [0, 1]: %d (%d regions); bound (2m)^l = %s\n", st.Pieces, st.Regions, b.Telgarsky)
	yes := map[bool]string{true: "holds", false: "does not hold"}
	fmt.Fprintf(w, "Telgarsky's hypothesis (2m)^l ≤ 2^(k−3) = %d: %s\n", 1<<max(o.k-3, 0), yes[rep.Hypothesis])
	fmt.Fprintf(w, "alternating points: n = 2^%d = %d; misclassified by 1[f ≥ 1/2]: %d = %s ≈ %s\n", o.k, mc.N, mc.Wrong, rep.Fraction, mc.Fraction().FloatString(4))
	fmt.Fprintf(w, "lower bound from pieces, 1/2 − t/n: %s\n", rep.CountingBound)
	if rep.Hypothesis {
		fmt.Fprintf(w, "Telgarsky 2015 lower bound: 1/6 (%s)\n", map[bool]string{true: "met", false: "VIOLATED"}[mc.Fraction().Cmp(big.NewRat(1, 6)) >= 0])
	}
	fmt.Fprintf(w, "L1 distance ∫₀¹ |f − m^(%d)|: %s ≈ %s\n", o.k, rep.L1, l1.FloatString(6))
	fmt.Fprintf(w, "sawtooth m^(%d): %d pieces, misclassifies %d\n", o.k, sm.Pieces, sm.Wrong)
	return nil
}

func maxInt(v []int) int {
	m := 0
	for _, x := range v {
		m = max(m, x)
	}
	return m
}

// ---- certify plot ----

type plotOptions struct {
	*globalOptions
	path   string
	seg    segmentFlags
	out    string
	target string
	output int
	title  string
}

func newPlotCmd(g *globalOptions, s *streams) *cobra.Command {
	o := &plotOptions{globalOptions: g}
	cmd := &cobra.Command{
		Use:   "plot CERT|NET -o OUT.svg",
		Short: "Draw a network on a segment as SVG: pieces, breakpoints, data points, a target",
		Long: `plot draws g(t) = f(a + t·v) on the segment (as for pieces) from its exact
pieces, marks its breakpoints, and, for a certificate over one-dimensional data, the
data points on the interval (filled when f meets the label exactly, hollow red when
not). --target sawtooth:K adds Telgarsky's m^(K), dashed.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			o.path = args[0]
			return runPlot(cmd, o, s)
		},
	}
	o.seg.add(cmd)
	f := cmd.Flags()
	f.StringVarP(&o.out, "output", "o", "", "the SVG file to write (- for standard output)")
	f.StringVar(&o.target, "target", "", "a function to draw for comparison: sawtooth:K")
	f.IntVar(&o.output, "coord", 0, "the output coordinate to draw")
	f.StringVar(&o.title, "title", "", "the picture's title (default: the file name)")
	return cmd
}

func runPlot(cmd *cobra.Command, o *plotOptions, s *streams) error {
	if o.out == "" {
		return malformed(fmt.Errorf("-o OUT.svg is required"))
	}
	n, c, err := loadNetOrCert(o.path, o.limits())
	if err != nil {
		return malformed(err)
	}
	seg, err := o.seg.resolve(cmd, n, c, o.limits())
	if err != nil {
		return malformed(err)
	}
	if o.output < 0 || o.output >= n.OutputDim() {
		return malformed(fmt.Errorf("--coord %d: the network has %d outputs", o.output, n.OutputDim()))
	}
	pieces, _, err := pwl.Pieces(n, seg)
	if err != nil {
		return malformed(err)
	}
	opt := pwl.PlotOptions{Title: o.title, Output: o.output}
	if opt.Title == "" {
		opt.Title = o.path
	}
	if o.target != "" {
		k, ok := strings.CutPrefix(o.target, "sawtooth:")
		K, err := strconv.Atoi(k)
		if !ok || err != nil || K < 1 || K > 14 {
			return malformed(fmt.Errorf("--target %q: want sawtooth:K with 1 ≤ K ≤ 14", o.target))
		}
		if n.InputDim != 1 {
			return malformed(fmt.Errorf("--target: the sawtooth is a function of one input; the network has %d", n.InputDim))
		}
		tp, _, err := pwl.Pieces(pwl.Sawtooth(K), pwl.Interval(seg.T0, seg.T1))
		if err != nil {
			return err
		}
		opt.Target, opt.TargetName = tp, fmt.Sprintf("sawtooth m^(%d)", K)
	}
	if c != nil && c.Data != nil && n.InputDim == 1 && seg.A[0].Sign() == 0 && seg.V[0].Cmp(big.NewRat(1, 1)) == 0 {
		d := c.Data
		for i := 0; i < d.N; i++ {
			x := d.Input(i)[0]
			if x.Cmp(seg.T0) < 0 || x.Cmp(seg.T1) > 0 {
				continue
			}
			want := d.TargetVector(i, n.OutputDim())[o.output]
			got := n.Eval([]*big.Rat{x}, nil)[o.output]
			opt.Data = append(opt.Data, pwl.PlotPoint{T: x, Y: want, Fitted: got.Cmp(want) == 0})
		}
	}
	var buf bytes.Buffer
	if err := pwl.SVG(&buf, pieces, opt); err != nil {
		return malformed(err)
	}
	if o.out == "-" {
		_, err = s.out.Write(buf.Bytes())
		return err
	}
	if err := os.WriteFile(o.out, buf.Bytes(), 0o644); err != nil {
		return err
	}
	fmt.Fprintf(s.out, "%s: %d pieces on [%s, %s]", o.out, len(pieces), seg.T0.RatString(), seg.T1.RatString())
	if len(opt.Data) > 0 {
		fitted := 0
		for _, p := range opt.Data {
			if p.Fitted {
				fitted++
			}
		}
		fmt.Fprintf(s.out, ", %d of %d data points fitted", fitted, len(opt.Data))
	}
	fmt.Fprintln(s.out)
	return nil
}
