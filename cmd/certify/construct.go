package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"certify/cert"
	"certify/certio"
	"certify/construct"
	"certify/theorems"

	"github.com/spf13/cobra"
)

type constructOptions struct {
	*globalOptions
	method     string
	data       dataFlags
	out        string
	json       bool
	widths     string
	activation string
	depth      int
	dedupe     bool
	progress   bool
	noCheck    bool
	requireGP  bool
	outside    bool
	float      floatFlags
}

// constructMethod describes one subcommand.
type constructMethod struct {
	name, short, long string
	widths            string // help for --widths ("" when the method takes none)
	activation        bool
	depth             bool
	noData            bool
	generalPosition   bool // --require-general-position
	outside           bool // takes --outside-hypothesis
	build             func(d *cert.Dataset, o construct.Options) (*construct.Result, error)
}

// constructMethods lists the methods that are subcommands of `certify construct`
// (construct_deep.go has the deep ones).
func constructMethods() []constructMethod {
	return []constructMethod{
		{name: "zhang", short: "2-layer ReLU net with one hidden unit per point (Zhang et al. 2017, Thm 1)",
			long:   "zhang builds f(x) = Σ w_k σ(a·x − b_k) with N hidden units: a small integer projection a,\nbreakpoints at the data, output weights that are differences of neighbouring slopes.",
			widths: "d1 (at least N; extra units are zero)", build: construct.Zhang},
		{name: "yun", short: "3-layer ReLU (or hard-tanh) net, Yun, Sra, Jadbabaie 2019, Thm 3.1",
			long: `yun builds the 3-layer network of Theorem 3.1 for scalar or vector labels. With
--widths d1,d2 it uses those widths; the theorem's hypothesis is
4⌊d1/4⌋⌊d2/(4d_y)⌋ ≥ N (ReLU) or 4⌊d1/2⌋⌊d2/(2d_y)⌋ ≥ N (--activation hardtanh).
Widths outside the hypothesis are built when the construction still fits (the
certificate then says it exceeds the theorem) and refused (exit 2) otherwise. Without
--widths the construction picks the fewest hidden units it supports.`,
			widths: "d1,d2", activation: true, build: construct.Yun},
		{name: "yun-classify", short: "4-layer ReLU one-hot classifier, Yun et al. 2019, Prop 3.2",
			long: `yun-classify memorises the class index with Theorem 3.1's two layers and turns it
into a one-hot output with C − 1 more units, so d1·d2 does not grow with the number of
classes. Hypothesis: 4⌊d1/4⌋⌊d2/4⌋ ≥ N and d3 ≥ 4d_y.`,
			widths: "d1,d2,d3", build: construct.YunClassify},
		{name: "zigzag", short: "3-layer ReLU net holding ≈ d1·d2/2 points (beyond Yun et al. Thm 3.1)",
			long: `zigzag is Theorem 3.1's skeleton with one layer-2 unit per point and block instead
of two (a zigzag interpolant with alternating slopes ±L): for the same widths it
memorises about twice the theorem's 4⌊d1/4⌋⌊d2/4⌋ points. Its certificate carries the
theorem claim of Thm 3.1, which then says it exceeds the theorem.`,
			widths: "d1,d2", build: construct.Zigzag},
		{name: "bubeck", short: "2-layer ReLU net with ≈ 4N/d_x units for data in general position (Baum 1988; Bubeck et al. 2020; Yun et al. Cor 4.2)",
			long: `bubeck groups the points d_x at a time, puts a hyperplane through exactly each group
and a 4-unit bump on it. The certificate's "hyperplanes" claim lets the kernel confirm
that each hyperplane passes through exactly its chosen points. Groups where the data
are not in general position are made smaller (a fallback that still certifies).`,
			widths: "d1 (optional: at least the units the groups need)", build: construct.Bubeck},
		{name: "yun-cor42", short: "2-layer one-hot classifier, ⌈4N/d_x⌉ + 4d_y ReLUs (⌈2N/d_x⌉ + 2d_y hard-tanh), Yun et al. 2019, Cor 4.2",
			long: `yun-cor42 builds Corollary 4.2's network for a classification dataset in general
position: the points of each class, d_x at a time, get a hyperplane through exactly
them and a bump of 3 ReLUs (2 hard-tanh units) that adds the class's one-hot vector
there and 0 elsewhere. Without --widths d1 is the corollary's own count, 106 ReLUs for
CIFAR-10's N = 50 000, d_x = 3072, d_y = 10. The certificate's "hyperplanes" claim lets
the kernel confirm that each hyperplane passes through exactly its chosen points.
Data not in general position (pixels that are always 0) are said to be: the groups
are made smaller (the construction in the data's affine hull, more units than the
corollary counts; the theorem claim then says built > promised), or, with
--require-general-position, refused (exit 2). Large groups (min(d_x, the largest class)
at least 200, such as images) take rounded normals: each group is a slab of integer
values holding exactly its points, read by 4 ReLUs (2 hard-tanh units), and the
certificate has no "hyperplanes" claim (Fashion-MNIST's 60 000 images: 400 ReLUs for
the corollary's 347).`,
			widths: "d1 (optional: at least the units the groups need)", activation: true, generalPosition: true, build: construct.YunCor42},
		{name: "yun-deep", short: "deep, narrow hard-tanh or ReLU net from Thm 3.1 blocks, Yun et al. 2019, Prop 3.4",
			long: `yun-deep builds Proposition 3.4's network for any hidden widths that admit a chain of
block layers l_1 < … < l_m (l_j + 1 < l_{j+1}) with
4Σ_j⌊(d_{l_j} − r_j)/2⌋⌊(d_{l_j+1} − r_j)/(2d_y)⌋ ≥ N, r_j = d_y·1{j>1} + 1{j<m}, and
carrying layers at least d_y + 1 wide between blocks (d_y after the last); ReLU with
every width halved. The chain is the admissible one with the largest sum; the output
and the theorem claim name it. Each block is Theorem 3.1's two layers on one range of
the points (sorted by an integer projection), passing the projected input and the
partial output on. Without --widths: four equal hidden layers, the narrowest that
satisfy the hypothesis.`,
			widths: "d_1,…,d_{L−1} (at least 2)", activation: true, build: construct.YunDeep},
		{name: "yun-deep-classify", short: "yun-deep with one more layer for one-hot outputs (Yun et al. 2019, Prop 3.4's classification variant)",
			long: `yun-deep-classify memorises the class index with yun-deep's layers and turns it into a
one-hot output with C − 1 hard-tanh units (2(C − 1) ReLUs) in one more hidden layer. The
theorem claim is our reading of the variant (its statement is in the paper's appendix):
Prop 3.4's conditions for d_y = 1 on the first L − 2 hidden layers and d_{L−1} ≥ 2d_y
(ReLU: ⌊d_{L−1}/2⌋ ≥ 2d_y).`,
			widths: "d_1,…,d_{L−1} (at least 3; the last is the one-hot layer)", activation: true, build: construct.YunDeepClassify},
		{name: "yun-resnet", short: "ReLU (or hard-tanh) ResNet with ⌈4N/d_x⌉ + 4d_y (⌈2N/d_x⌉ + 2d_y) block units for data in general position (Yun et al. 2019, Thm 4.1)",
			long: `yun-resnet builds the residual network of Theorem 4.1: class j is scored on stream
coordinate j; each block takes d_x points of one class, a hyperplane (rounded to integers
and checked exactly) on which they lie with no point of another class, and 4 ReLUs that
push exactly those points along their class's coordinate; the output block thresholds
the d_y scores with 2 ReLUs each. With --activation hardtanh a block has 2 hard-tanh
units and the output block one per class (the theorem's 2N/d_x + 2d_y and d_L ≥ d_y).
The slab around a group's rounded hyperplane is the widest run of the group's values
with no point of another class. Data with more than d_x points on one plane x_k = c are
not in general position and are refused; --outside-hypothesis builds anyway and the
theorem claim then says the network is outside the hypothesis.`,
			activation: true, outside: true, build: construct.YunResNet},
		{name: "sawtooth", short: "Telgarsky's sawtooth m^(L) on its 2^L alternating points",
			long:  "sawtooth builds m^(L), a width-3 ReLU net with L hidden layers, with the labelled\npoints i/2^L (label i mod 2) that it classifies exactly. The dataset is inline.",
			depth: true, noData: true,
			build: func(_ *cert.Dataset, o construct.Options) (*construct.Result, error) { return construct.Sawtooth(o) }},
	}
}

func newConstructCmd(g *globalOptions, s *streams) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "construct METHOD --data FILE -o CERT",
		Short: "Build a network by a published construction and write its certificate",
		Long: `construct builds a network by one of the constructions of the memorisation
literature, writes a certificate (network, a reference to the data pinned by SHA-256,
and claims: exact memorisation, sizes, and the theorem instance with its hypothesis
evaluated on this dataset), and checks it with the kernel.

Exit codes: 0 built and verified; 1 the kernel refutes the certificate (a bug in the
construction); 2 bad input, including widths that neither satisfy the theorem's
hypothesis nor fit the construction, and datasets with identical inputs that carry
different labels.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return malformed(fmt.Errorf("construct needs a method: %s", methodNames()))
		},
	}
	return cmd
}

// newConstructMethodCmds makes one subcommand of `certify construct` per method.
func newConstructMethodCmds(g *globalOptions, s *streams) []*cobra.Command {
	var cmds []*cobra.Command
	for _, m := range constructMethods() {
		cmds = append(cmds, newConstructMethodCmd(g, s, &m))
	}
	return cmds
}

func methodNames() string {
	var n []string
	for _, m := range constructMethods() {
		n = append(n, m.name)
	}
	return strings.Join(n, ", ")
}

func newConstructMethodCmd(g *globalOptions, s *streams, m *constructMethod) *cobra.Command {
	o := &constructOptions{globalOptions: g, method: m.name}
	use := m.name + " --data FILE -o CERT"
	if m.noData {
		use = m.name + " --depth L -o CERT"
	}
	cmd := &cobra.Command{
		Use:   use,
		Short: m.short,
		Long:  m.long,
		Args:  cobra.NoArgs,
		RunE:  func(cmd *cobra.Command, args []string) error { return runConstruct(o, m, s) },
	}
	f := cmd.Flags()
	f.StringVarP(&o.out, "out", "o", "", "certificate file to write (required)")
	f.BoolVar(&o.json, "json", false, "print a JSON summary on stdout")
	f.BoolVar(&o.progress, "progress", false, "show progress of long steps on stderr")
	f.BoolVar(&o.noCheck, "no-check", false, "do not run the kernel on the written certificate")
	if !m.noData {
		o.data.add(cmd)
		o.float.add(cmd)
		f.BoolVar(&o.dedupe, "dedupe", false, "drop later copies of an input whose label differs from the first copy's (the kept points are written inline)")
	}
	if m.widths != "" {
		f.StringVar(&o.widths, "widths", "", "hidden widths: "+m.widths+" (default: the smallest the construction supports)")
	}
	if m.activation {
		f.StringVar(&o.activation, "activation", "relu", "hidden activation: relu or hardtanh")
	}
	if m.generalPosition {
		f.BoolVar(&o.requireGP, "require-general-position", false, "refuse data that are not in general position instead of building in their affine hull with more units")
	}
	if m.outside {
		f.BoolVar(&o.outside, "outside-hypothesis", false, "build even when the data are not in general position (the theorem claim says so)")
	}
	if m.depth {
		f.IntVar(&o.depth, "depth", 0, "L, the number of compositions of the tent map (2^L points)")
	}
	return cmd
}

// constructReport is the --json summary.
type constructReport struct {
	File string `json:"file"`
	construct.Summary
	Verdict string `json:"verdict"`
	Engine  string `json:"engine,omitempty"`
	Dropped []int  `json:"dropped,omitempty"`
}

func runConstruct(o *constructOptions, m *constructMethod, s *streams) error {
	if o.out == "" {
		return malformed(fmt.Errorf("-o/--out CERT is required"))
	}
	widths, err := parseHiddenWidths(o.widths)
	if err != nil {
		return malformed(err)
	}
	dir := filepath.Dir(o.out)
	var stage func(string, int, int)
	var start time.Time
	if o.progress {
		stage = stagePrinter(s.err)
		start = time.Now()
	}
	opt := construct.Options{Widths: widths, Activation: o.activation, Depth: o.depth,
		Producer: "certify construct " + m.name, Progress: stage, RequireGeneralPosition: o.requireGP,
		OutsideHypothesis: o.outside}
	var d *cert.Dataset
	var dropped []int
	var inlineParams map[string]string
	if !m.noData && o.data.needsInline() {
		// NumPy, LIBSVM, or labels other than 0..C−1 (datafiles.go): the data inline.
		if d, inlineParams, err = loadInline(&o.data, o.limits()); err != nil {
			return malformed(err)
		}
	} else if !m.noData {
		if stage != nil {
			stage("loading data", 0, 0)
		}
		l, ref, err := o.data.loadAll(dir, o.limits(), o.dedupe)
		var ce *cert.ConflictError
		switch {
		case errors.As(err, &ce):
			return malformed(fmt.Errorf("%w\n(use --dedupe to keep the first copy of each such input and drop the later ones)", err))
		case err != nil:
			return malformed(err)
		}
		d, dropped = l.Data, l.Dropped
		if len(dropped) > 0 {
			// The files no longer describe the kept points: they are written inline.
			fmt.Fprintf(s.err, "certify: --dedupe: dropped %d point(s) whose input repeats an earlier point's with another label: %s\n",
				len(dropped), intList(dropped, 20))
		} else {
			opt.Source = ref
		}
	}
	res, err := m.build(d, opt)
	if err != nil {
		return malformed(err)
	}
	if d != nil {
		fcs, err := o.float.claims(res.Cert.Network, d, res.Cert.Claims)
		if err != nil {
			return malformed(err)
		}
		for _, fc := range fcs {
			res.Cert.Claims = append(res.Cert.Claims, fc)
			res.Summary.Claims = append(res.Summary.Claims, floatClaimString(fc.(cert.FloatClaim)))
		}
	}
	for k, v := range inlineParams {
		if res.Cert.Provenance.Params == nil {
			res.Cert.Provenance.Params = map[string]string{}
		}
		res.Cert.Provenance.Params[k] = v
	}
	if stage != nil {
		stage(fmt.Sprintf("built in %.1fs", time.Since(start).Seconds()), 0, 0)
	}
	var buf bytes.Buffer
	if err := certio.Encode(&buf, res.Cert); err != nil {
		return err
	}
	if err := os.WriteFile(o.out, buf.Bytes(), 0o644); err != nil {
		return malformed(err)
	}
	rep := constructReport{File: o.out, Summary: res.Summary, Verdict: "unchecked", Dropped: dropped}
	code := exitOK
	var report *cert.Report
	if !o.noCheck {
		t0 := time.Now()
		lim := o.limits()
		lim.DataRoots = append(lim.DataRoots, o.data.roots()...)
		c, err := loadCert(o.out, lim)
		if err != nil {
			return malformed(err)
		}
		copt := cert.Options{Workers: o.workers, Theorems: theorems.Table}
		if o.progress {
			copt.Progress = progressPrinter(s.err, "checking")
		}
		report, err = cert.Check(c, copt)
		if err != nil {
			return malformed(err)
		}
		rep.Verdict, rep.Engine = report.Status.String(), report.Engine
		code = statusExit(report.Status)
		if stage != nil {
			stage(fmt.Sprintf("checked in %.1fs", time.Since(t0).Seconds()), 0, 0)
		}
	}
	if o.json {
		writeJSON(s.out, rep)
	} else {
		printConstruct(s.out, &rep, report)
	}
	return exitFor(code)
}

func printConstruct(w io.Writer, r *constructReport, rep *cert.Report) {
	sm := &r.Summary
	fmt.Fprintf(w, "%s: wrote %s\n", sm.Method, r.File)
	fmt.Fprintf(w, "  theorem: %s [%s]\n", sm.TheoremName, sm.Theorem)
	fmt.Fprintf(w, "  data: %d points (%d distinct) in Q^%d, d_y = %d", sm.N, sm.Distinct, sm.DX, sm.DY)
	if sm.Classes > 0 {
		fmt.Fprintf(w, ", %d classes", sm.Classes)
	}
	fmt.Fprintf(w, ", max bit complexity %d\n", sm.DataMaxBits)
	fmt.Fprintf(w, "  network: %s\n", sizesLine(sm.Sizes))
	if sm.ProjectionK > 0 {
		fmt.Fprintf(w, "  projection: integer entries in [-%d, %d]", sm.ProjectionK, sm.ProjectionK)
		if sm.Blocks > 0 {
			fmt.Fprintf(w, "; %d blocks", sm.Blocks)
		}
		fmt.Fprintln(w)
	}
	fmt.Fprintf(w, "  hypothesis %s: %s\n", sm.Hypothesis, sm.Evaluated)
	fmt.Fprintf(w, "  promised: depth %d, %d hidden units; built: depth %d, %d hidden units (within promise: %v)\n",
		sm.PromisedDepth, sm.PromisedHidden, sm.Sizes.Depth, sm.Sizes.HiddenUnits, sm.WithinPromise)
	if sm.ExceedsTheorem {
		fmt.Fprintln(w, "  note: the widths do not satisfy the theorem's hypothesis; the construction fits anyway, so this certificate exceeds the theorem")
	}
	for _, n := range sm.Notes {
		fmt.Fprintln(w, "  note: "+n)
	}
	if rep == nil {
		fmt.Fprintln(w, "  not checked (--no-check)")
		return
	}
	fmt.Fprintf(w, "  kernel: %s (%s engine), claims: %s\n", rep.Status, rep.Engine, strings.Join(sm.Claims, ", "))
	if rep.First != nil {
		fmt.Fprintln(w, "    "+rep.First.String())
	}
}

func parseHiddenWidths(s string) ([]int, error) {
	if strings.TrimSpace(s) == "" {
		return nil, nil
	}
	var out []int
	for _, f := range strings.Split(s, ",") {
		v, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || v < 1 {
			return nil, fmt.Errorf("--widths: %q is not a positive integer", f)
		}
		out = append(out, v)
	}
	return out, nil
}

func intList(v []int, limit int) string {
	var parts []string
	for i, x := range v {
		if i == limit {
			parts = append(parts, fmt.Sprintf("… (%d more)", len(v)-limit))
			break
		}
		parts = append(parts, fmt.Sprint(x))
	}
	return strings.Join(parts, ", ")
}

// stagePrinter reports long steps on w: a stage name once, and for stages with a total,
// every 10%.
func stagePrinter(w io.Writer) func(string, int, int) {
	var mu sync.Mutex
	last, lastPct := "", -1
	return func(stage string, done, total int) {
		mu.Lock()
		defer mu.Unlock()
		if stage != last {
			last, lastPct = stage, -1
			if total == 0 {
				fmt.Fprintf(w, "construct: %s\n", stage)
				return
			}
		}
		if total > 0 {
			if pct := done * 100 / total; pct/10 > lastPct/10 {
				lastPct = pct
				fmt.Fprintf(w, "construct: %s %d/%d (%d%%)\n", stage, done, total, pct)
			}
		}
	}
}

// memoriser is the audit's constructive witness for "this architecture fits
// these data": Yun et al.'s Thm 3.1 network (relu or hard-tanh) for two hidden layers, then
// the zigzag construction for relu. The audit checks whatever it returns with the kernel.
func memoriser(d *cert.Dataset, hidden []int, activation string) (*cert.Certificate, error) {
	if len(hidden) != 2 {
		return nil, fmt.Errorf("no construction for %d hidden layers", len(hidden))
	}
	o := construct.Options{Widths: hidden, Activation: activation, Producer: "certify audit", PatternsBudget: -1}
	r, err := construct.Yun(d, o)
	if err == nil {
		return r.Cert, nil
	}
	if activation == "" || activation == "relu" {
		if r2, err2 := construct.Zigzag(d, o); err2 == nil {
			return r2.Cert, nil
		}
	}
	return nil, err
}
