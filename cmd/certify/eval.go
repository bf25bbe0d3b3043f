package main

import (
	"fmt"
	"math"
	"math/big"
	"runtime"
	"sync"

	"certify/cert"
	"certify/floatsim"

	"github.com/spf13/cobra"
)

type evalOptions struct {
	*globalOptions
	net     string
	data    dataFlags
	epsilon string
	json    bool
	engine  cert.Engine
	float32 bool
	float64 bool
	prove   []string
	show    int
}

func newEvalCmd(g *globalOptions, s *streams) *cobra.Command {
	o := &evalOptions{globalOptions: g}
	cmd := &cobra.Command{
		Use:   "eval --net NET --data DATA [--float32] [--float64]",
		Short: "Evaluate a network exactly on a dataset (no certificate needed), and beside it in float",
		Long: `eval computes f(x_i) exactly for every point and reports how many points the
network fits exactly, how many it classifies correctly by argmax (one output per
class; a tie is wrong), by threshold 1/2 (one output, two classes) or by the nearest
class index (one output, more classes: |f − label| < 1/2), how many lie within ε of the
label, the worst residual max_i ‖f(x_i) − y_i‖∞ and the smallest exact margin. NET is
a network JSON object, a certificate, or a model file (ONNX, NNet, safetensors,
.npz/.npy, told apart by content).

--float32 and --float64 also evaluate the network in simulated IEEE binary32 or
binary64 arithmetic, the way a float framework's plain loop would: every weight, bias
and input rounded to nearest (ties to even), then for each unit acc = 0, acc +=
w_jk·x_k in index order with every product and sum rounded (no fused multiply-add),
then + bias, then the activation. A BLAS may reorder and fuse these sums and so differ
in the last bits. The same counts are given for each arithmetic, and the points where
the float answer (correct, exact, within ε) differs from the exact one, the first few
with their exact margin. Float results are a report only: no verdict uses them.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error { return runEval(o, s) },
	}
	f := cmd.Flags()
	f.StringVar(&o.net, "net", "", "network file (a network object, a certificate, or a model file)")
	f.StringVar(&o.epsilon, "epsilon", "0", "ε for the count of points within ε (exact rational)")
	f.BoolVar(&o.json, "json", false, "print a JSON object")
	f.BoolVar(&o.float32, "float32", false, "also evaluate in simulated IEEE float32 (a report, never a verdict)")
	f.BoolVar(&o.float64, "float64", false, "also evaluate in simulated IEEE float64 (a report, never a verdict)")
	f.StringSliceVar(&o.prove, "prove", nil, "count the points the kernel's float bound proves correct in this IEEE format: float16, bfloat16, float32 or float64 (repeatable; --float32/--float64 imply their own)")
	f.IntVar(&o.show, "show", 5, "with --float32/--float64: how many disagreeing points to list")
	addEngineFlags(f, &o.engine, false)
	o.data.add(cmd)
	return cmd
}

type evalReport struct {
	N             int    `json:"n"`
	Exact         int    `json:"exact"`
	Argmax        *int   `json:"argmax_correct,omitempty"`
	Threshold     *int   `json:"threshold_correct,omitempty"`
	Nearest       *int   `json:"nearest_correct,omitempty"`
	Epsilon       string `json:"epsilon"`
	WithinEpsilon int    `json:"within_epsilon"`
	WorstResidual string `json:"worst_residual"`
	WorstPoint    int    `json:"worst_point"`
	// SmallestMargin is, over the points, the exact margin of the label: f_c − max_{j≠c} f_j
	// for argmax, f − 1/2 (class 1) or 1/2 − f (class 0) for threshold 1/2, 1/2 − |f − c|
	// for the nearest class.
	SmallestMargin *string         `json:"smallest_exact_margin,omitempty"`
	MarginPoint    *int            `json:"smallest_margin_point,omitempty"`
	Float          []*floatReport  `json:"float,omitempty"`
	Proven         []*provenReport `json:"proven,omitempty"`
}

// provenReport counts, for one IEEE format, the points where the kernel's rounding-error
// bound proves the float answer correct in any summation order (cert.FloatClaim), those
// where the plain-order evaluation (the kernel's exact simulation) is wrong, and the rest.
type provenReport struct {
	Format    string `json:"format"`
	Rule      string `json:"rule"`
	Proven    int    `json:"proven"`
	Wrong     int    `json:"wrong_in_plain_order"`
	Undecided int    `json:"undecided"`
	N         int    `json:"n"`
}

// floatReport is what one simulated float arithmetic answers.
type floatReport struct {
	Arith             string `json:"arithmetic"`
	Note              string `json:"note"`
	RoundedParameters int    `json:"rounded_parameters"`
	Exact             int    `json:"exact"`
	Argmax            *int   `json:"argmax_correct,omitempty"`
	Threshold         *int   `json:"threshold_correct,omitempty"`
	Nearest           *int   `json:"nearest_correct,omitempty"`
	WithinEpsilon     int    `json:"within_epsilon"`
	NonFinite         int    `json:"non_finite"`
	// Disagree counts the points where correct, exact or within ε differs from the exact
	// evaluation's answer; First lists the first of them.
	Disagree int           `json:"disagree"`
	First    []disagreeing `json:"first_disagreements"`
}

type disagreeing struct {
	Point       int     `json:"point"`
	Label       *int    `json:"label,omitempty"`
	FloatClass  *int    `json:"float_class,omitempty"` // argmax of the float outputs (first maximum)
	ExactMargin *string `json:"exact_margin,omitempty"`
	Correct     [2]bool `json:"correct"` // exact, float
	Fit         [2]bool `json:"exact_fit"`
	Within      [2]bool `json:"within_epsilon"`
}

const floatNote = "simulated IEEE arithmetic, plain-loop order (sum in index order from 0, then + bias, no FMA); a report, never a verdict"

// judgement is what one point's outputs say against its label.
type judgement struct {
	correct, fit, within bool
	margin               *big.Rat // nil unless classification with a margin defined
	residual             *big.Rat // nil unless the label is a target vector
}

type evalCtx struct {
	d              *cert.Dataset
	outDim         int
	eps            *big.Rat
	argmax, thresh bool
	nearest        bool
	canTarget      bool
	half           *big.Rat
	tmp            big.Int // subRat's scratch
}

// subRat sets t = x − y; when y is an integer (a one-hot target), without the gcd that
// Rat.Sub computes: (a − y·b)/b is in lowest terms when a/b is.
func subRat(t, x, y *big.Rat, tmp *big.Int) {
	if !y.IsInt() {
		t.Sub(x, y)
		return
	}
	t.Set(x) // Set gives t a denominator, so Denom refers to it
	if y.Sign() != 0 {
		t.Num().Sub(t.Num(), tmp.Mul(y.Num(), t.Denom()))
	}
}

func (e *evalCtx) judge(i int, out []*big.Rat) judgement {
	var j judgement
	t := new(big.Rat)
	if e.argmax {
		c := e.d.Labels[i]
		var best *big.Rat
		for k := range out {
			if k != c && (best == nil || out[k].Cmp(best) > 0) {
				best = out[k]
			}
		}
		j.margin = new(big.Rat).Sub(out[c], best)
		j.correct = j.margin.Sign() > 0
	}
	if e.thresh {
		j.margin = new(big.Rat).Sub(out[0], e.half)
		if e.d.Labels[i] != 1 {
			j.margin.Neg(j.margin)
			j.correct = j.margin.Sign() > 0
		} else {
			j.correct = j.margin.Sign() >= 0
		}
	}
	if e.nearest {
		// One output holding the class index: correct when |f − c| < 1/2.
		t.SetInt64(int64(e.d.Labels[i]))
		t.Sub(out[0], t)
		t.Abs(t)
		j.margin = new(big.Rat).Sub(e.half, t)
		j.correct = j.margin.Sign() > 0
	}
	if e.canTarget {
		want := e.d.TargetVector(i, e.outDim)
		res := new(big.Rat)
		for k := range out {
			subRat(t, out[k], want[k], &e.tmp)
			t.Abs(t)
			if t.Cmp(res) > 0 {
				res.Set(t)
			}
		}
		j.residual = res
		j.fit = res.Sign() == 0
		j.within = res.Cmp(e.eps) <= 0
	}
	return j
}

func runEval(o *evalOptions, s *streams) error {
	if o.net == "" {
		return malformed(fmt.Errorf("--net is required"))
	}
	eps, err := cert.ParseRat(o.epsilon, o.maxDigits)
	if err != nil || eps.Sign() < 0 {
		return malformed(fmt.Errorf("--epsilon: want a non-negative exact rational"))
	}
	n, err := loadNetwork(o.net, o.limits())
	if err != nil {
		return malformed(err)
	}
	d, _, err := o.data.load(".", o.limits())
	if err != nil {
		return malformed(err)
	}
	if d.D != n.InputDim {
		return malformed(fmt.Errorf("the data points have dimension %d but the network reads %d inputs", d.D, n.InputDim))
	}
	var sims []*floatsim.Net
	for _, a := range []struct {
		on bool
		a  floatsim.Arith
	}{{o.float32, floatsim.Float32}, {o.float64, floatsim.Float64}} {
		if a.on {
			m, err := floatsim.Compile(n, a.a)
			if err != nil {
				return malformed(err)
			}
			sims = append(sims, m)
		}
	}
	outs, err := cert.Outputs(n, d, cert.Options{Workers: o.workers, Engine: o.engine})
	if err != nil {
		return malformed(err)
	}
	outDim := n.OutputDim()
	e := &evalCtx{d: d, outDim: outDim, eps: eps, half: big.NewRat(1, 2),
		argmax:    d.Task == cert.Classification && outDim == d.Classes && outDim > 1,
		thresh:    d.Task == cert.Classification && outDim == 1 && d.Classes <= 2,
		nearest:   d.Task == cert.Classification && outDim == 1 && d.Classes > 2,
		canTarget: d.Task == cert.Regression && outDim == d.LabelDim || d.Task == cert.Classification && (outDim == 1 || outDim == d.Classes),
	}
	if d.Task == cert.Classification && (e.argmax || e.thresh) {
		for i := range outs {
			if d.Labels[i] >= outDim && e.argmax {
				return malformed(fmt.Errorf("point %d has class %d but the network has %d outputs", i, d.Labels[i], outDim))
			}
		}
	}
	rep := evalReport{N: d.N, Epsilon: eps.RatString(), WorstPoint: -1}
	worst := new(big.Rat).SetInt64(-1)
	var least *big.Rat
	leastAt := -1
	correct := 0
	exact := make([]judgement, len(outs))
	for i, out := range outs {
		j := e.judge(i, out)
		exact[i] = j
		if j.correct {
			correct++
		}
		if j.margin != nil && (least == nil || j.margin.Cmp(least) < 0) {
			least, leastAt = j.margin, i
		}
		if j.residual == nil {
			continue
		}
		if j.fit {
			rep.Exact++
		}
		if j.within {
			rep.WithinEpsilon++
		}
		if j.residual.Cmp(worst) > 0 {
			worst.Set(j.residual)
			rep.WorstPoint = i
		}
	}
	if e.argmax {
		rep.Argmax = &correct
	}
	if e.thresh {
		rep.Threshold = &correct
	}
	if e.nearest {
		rep.Nearest = &correct
	}
	if e.canTarget {
		rep.WorstResidual = worst.RatString()
	}
	if least != nil {
		m := least.RatString()
		rep.SmallestMargin, rep.MarginPoint = &m, &leastAt
	}
	for _, m := range sims {
		rep.Float = append(rep.Float, floatEval(o, e, m, exact))
	}
	if rep.Proven, err = provenCounts(o, e, n, eps); err != nil {
		return malformed(err)
	}
	if o.json {
		writeJSON(s.out, rep)
		return nil
	}
	fmt.Fprintf(s.out, "points: %d\n", rep.N)
	if e.canTarget {
		fmt.Fprintf(s.out, "fit exactly: %d\n", rep.Exact)
		fmt.Fprintf(s.out, "within ε = %s: %d\n", rep.Epsilon, rep.WithinEpsilon)
		fmt.Fprintf(s.out, "worst residual: %s (≈ %s) at point %d\n", rep.WorstResidual, worst.FloatString(6), rep.WorstPoint)
	}
	if rep.Argmax != nil {
		fmt.Fprintf(s.out, "argmax correct: %d\n", *rep.Argmax)
	}
	if rep.Threshold != nil {
		fmt.Fprintf(s.out, "threshold 1/2 correct: %d\n", *rep.Threshold)
	}
	if rep.Nearest != nil {
		fmt.Fprintf(s.out, "nearest class correct (|f − label| < 1/2): %d\n", *rep.Nearest)
	}
	if least != nil {
		fmt.Fprintf(s.out, "smallest exact margin: %s (≈ %s) at point %d\n", *rep.SmallestMargin, approx(least), leastAt)
	}
	for _, f := range rep.Float {
		printFloat(s, e, f)
	}
	for _, p := range rep.Proven {
		fmt.Fprintf(s.out, "proven correct in %s (%s, any summation order, with or without FMA): %d of %d; wrong in the plain order: %d; undecided: %d\n",
			p.Format, p.Rule, p.Proven, p.N, p.Wrong, p.Undecided)
	}
	return nil
}

// provenCounts runs the kernel's float bound (cert.FloatPoints) for each format asked.
// The rule is argmax or threshold 1/2 where the eval counts those, else within ε of the
// class index or target (--epsilon, or 1/4 for a class index when --epsilon is 0).
func provenCounts(o *evalOptions, e *evalCtx, n *cert.Network, eps *big.Rat) ([]*provenReport, error) {
	formats := append([]string(nil), o.prove...)
	if o.float32 {
		formats = append(formats, "float32")
	}
	if o.float64 {
		formats = append(formats, "float64")
	}
	var out []*provenReport
	seen := map[string]bool{}
	for _, f := range formats {
		if seen[f] {
			continue
		}
		seen[f] = true
		cl := cert.FloatClaim{Format: f, Rule: "epsilon", Epsilon: eps}
		switch {
		case e.argmax:
			cl = cert.FloatClaim{Format: f, Rule: "argmax"}
		case e.thresh:
			cl = cert.FloatClaim{Format: f, Rule: "threshold", Threshold: e.half}
		case e.nearest && eps.Sign() == 0:
			cl.Epsilon = big.NewRat(1, 4)
		case !e.canTarget:
			return nil, fmt.Errorf("--prove: the network's outputs fit no rule (argmax, threshold, ε) for these labels")
		}
		if err := cert.ValidateFloatClaim(cl, n, e.d); err != nil {
			return nil, fmt.Errorf("--prove %s: %v", f, err)
		}
		r := &provenReport{Format: f, Rule: cl.Rule, N: e.d.N}
		for _, p := range cert.FloatPoints(n, e.d, cl) {
			switch {
			case p.Proven:
				r.Proven++
			case p.Wrong:
				r.Wrong++
			default:
				r.Undecided++
			}
		}
		out = append(out, r)
	}
	return out, nil
}

// approx prints a rational to about six significant digits.
func approx(r *big.Rat) string {
	f, _ := r.Float64()
	return fmt.Sprintf("%.6g", f)
}

func floatEval(o *evalOptions, e *evalCtx, m *floatsim.Net, exact []judgement) *floatReport {
	d := e.d
	res := make([][]float64, d.N)
	workers := o.workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	den, isInt := d.IntDenom()
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			row := make([]int64, d.D)
			for i := w; i < d.N; i += workers {
				if isInt {
					res[i] = m.EvalFrac(d.IntRow(i, row), den)
				} else {
					res[i] = m.Eval(d.Input(i))
				}
			}
		}(w)
	}
	wg.Wait()
	r := &floatReport{Arith: m.Arith.String(), Note: floatNote, RoundedParameters: m.Rounded, First: []disagreeing{}}
	correct := 0
	out := make([]*big.Rat, e.outDim)
	for i, f := range res {
		finite := true
		for k, v := range f {
			if math.IsInf(v, 0) || math.IsNaN(v) {
				finite = false
				break
			}
			out[k] = new(big.Rat).SetFloat64(v)
		}
		var j judgement
		if finite {
			j = e.judge(i, out)
		} else {
			r.NonFinite++
		}
		if j.correct {
			correct++
		}
		if j.fit {
			r.Exact++
		}
		if j.within {
			r.WithinEpsilon++
		}
		x := exact[i]
		if j.correct == x.correct && j.fit == x.fit && j.within == x.within {
			continue
		}
		r.Disagree++
		if len(r.First) >= o.show {
			continue
		}
		dg := disagreeing{Point: i, Correct: [2]bool{x.correct, j.correct}, Fit: [2]bool{x.fit, j.fit}, Within: [2]bool{x.within, j.within}}
		if d.Task == cert.Classification {
			c := d.Labels[i]
			dg.Label = &c
		}
		if x.margin != nil {
			s := x.margin.RatString()
			dg.ExactMargin = &s
		}
		if e.argmax {
			k := 0
			for q := range f {
				if f[q] > f[k] {
					k = q
				}
			}
			dg.FloatClass = &k
		}
		r.First = append(r.First, dg)
	}
	if e.argmax {
		r.Argmax = &correct
	}
	if e.thresh {
		r.Threshold = &correct
	}
	if e.nearest {
		r.Nearest = &correct
	}
	return r
}

func printFloat(s *streams, e *evalCtx, f *floatReport) {
	w := s.out
	fmt.Fprintf(w, "%s (%s):\n", f.Arith, f.Note)
	fmt.Fprintf(w, "  parameters rounded: %d\n", f.RoundedParameters)
	if f.Argmax != nil {
		fmt.Fprintf(w, "  argmax correct: %d\n", *f.Argmax)
	}
	if f.Threshold != nil {
		fmt.Fprintf(w, "  threshold 1/2 correct: %d\n", *f.Threshold)
	}
	if f.Nearest != nil {
		fmt.Fprintf(w, "  nearest class correct: %d\n", *f.Nearest)
	}
	if e.canTarget {
		fmt.Fprintf(w, "  fit exactly: %d\n", f.Exact)
		fmt.Fprintf(w, "  within ε = %s: %d\n", e.eps.RatString(), f.WithinEpsilon)
	}
	if f.NonFinite > 0 {
		fmt.Fprintf(w, "  non-finite outputs (overflow): %d points\n", f.NonFinite)
	}
	fmt.Fprintf(w, "  points where %s and exact disagree: %d\n", f.Arith, f.Disagree)
	for _, dg := range f.First {
		line := fmt.Sprintf("    point %d:", dg.Point)
		if dg.Label != nil {
			line += fmt.Sprintf(" label %d", *dg.Label)
		}
		if dg.FloatClass != nil {
			line += fmt.Sprintf(", %s argmax %d", f.Arith, *dg.FloatClass)
		}
		if dg.ExactMargin != nil {
			m, _ := new(big.Rat).SetString(*dg.ExactMargin)
			line += fmt.Sprintf(", exact margin %s (≈ %s)", *dg.ExactMargin, approx(m))
		}
		line += fmt.Sprintf("; correct exact %v / %s %v", dg.Correct[0], f.Arith, dg.Correct[1])
		if e.canTarget {
			line += fmt.Sprintf(", fit %v / %v, within ε %v / %v", dg.Fit[0], dg.Fit[1], dg.Within[0], dg.Within[1])
		}
		fmt.Fprintln(w, line)
	}
}
