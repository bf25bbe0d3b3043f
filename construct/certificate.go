package construct

import (
	"bytes"
	"fmt"
	"math/big"
	"sort"
	"strings"

	"certify/cert"
	"certify/theorems"
)

// Options are the knobs shared by the constructions.
type Options struct {
	// Widths are the hidden widths asked for (nil: the smallest the construction supports).
	Widths []int
	// Activation of the hidden units: "relu" (default) or "hardtanh" (yun only).
	Activation string
	// Depth is the sawtooth's L.
	Depth int
	// Producer is written into the provenance (e.g. "certify construct yun").
	Producer string
	// Source, when set, is how the certificate refers to the dataset (files pinned by
	// SHA-256); the dataset is inlined otherwise.
	Source *cert.SourceRef
	// Progress, when set, is called on long steps: stage name, done, total (0: unknown).
	Progress func(stage string, done, total int)
	// OutsideHypothesis builds a construction whose theorem's hypothesis fails on the data
	// (yun-resnet on data not in general position); its theorem claim says so.
	OutsideHypothesis bool
	// PatternsBudget bounds N·parameters for computing a patterns claim (0: 5 000 000;
	// negative: never).
	PatternsBudget int64
	// RequireGeneralPosition makes yun-cor42 refuse data that are not in general
	// position instead of working in their affine hull with more units.
	RequireGeneralPosition bool
	// noRuns keeps yun-resnet to its hyperplane groups (the grouping before runs; tests
	// compare the two).
	noRuns bool
	// cor42Rounded makes yun-cor42 take rounded normals and slabs whatever the group
	// size (tests; see cor42RoundedFrom).
	cor42Rounded bool
}

func (o *Options) progress(stage string, done, total int) {
	if o.Progress != nil {
		o.Progress(stage, done, total)
	}
}

// Summary describes what a construction built.
type Summary struct {
	Method          string     `json:"method"`
	Theorem         string     `json:"theorem"`
	TheoremName     string     `json:"theorem_name"`
	N               int        `json:"n"`
	Distinct        int        `json:"distinct"`
	DX              int        `json:"d_x"`
	DY              int        `json:"d_y"`
	Classes         int        `json:"classes,omitempty"`
	Widths          []int      `json:"hidden_widths"`
	Sizes           cert.Sizes `json:"sizes"`
	DataMaxBits     int        `json:"data_max_bits"`
	Hypothesis      string     `json:"hypothesis"`
	Evaluated       string     `json:"evaluated"`
	HypothesisHolds bool       `json:"hypothesis_holds"`
	PromisedHidden  int        `json:"promised_hidden_units"`
	PromisedDepth   int        `json:"promised_depth"`
	WithinPromise   bool       `json:"within_promise"`
	ExceedsTheorem  bool       `json:"exceeds_theorem"`
	ProjectionK     int64      `json:"projection_max_entry,omitempty"`
	Blocks          int        `json:"blocks,omitempty"`
	BlockCapacity   int        `json:"block_capacity,omitempty"`
	Claims          []string   `json:"claims"`
	Notes           []string   `json:"notes,omitempty"`
}

// Result is a construction's output.
type Result struct {
	Cert    *cert.Certificate
	Summary Summary
}

// FitError says that the construction cannot be built with the widths asked for. It is
// an input error (the CLI exits 2), not a bug.
type FitError struct {
	Method          string
	Widths          []int
	Evaluated       string // the theorem's hypothesis on these widths (theorems.Evaluated)
	HypothesisHolds bool
	Reason          string
}

func (e *FitError) Error() string {
	s := fmt.Sprintf("%s: widths %s: %s", e.Method, widthsString(e.Widths), e.Reason)
	if e.Evaluated != "" {
		if e.HypothesisHolds {
			s += "; the theorem's hypothesis holds (" + e.Evaluated + ")"
		} else {
			s += "; the theorem's hypothesis fails (" + e.Evaluated + ")"
		}
	}
	return s
}

func widthsString(w []int) string {
	s := make([]string, len(w))
	for i, v := range w {
		s[i] = fmt.Sprint(v)
	}
	return strings.Join(s, ",")
}

// meta is what a construction says about itself.
type meta struct {
	method    string
	theorem   string // kernel theorem id
	name      string // e.g. "Yun, Sra, Jadbabaie 2019, Theorem 3.1 (ReLU)"
	reference string
	params    map[string]string
	notes     []string
}

// hypothesisOn evaluates theorem id's hypothesis on a skeleton network with the given
// hidden widths (the kernel's own words), for error messages before anything is built.
func hypothesisOn(id string, d *cert.Dataset, dx, dy int, hidden []int, act cert.ActKind) (bool, string) {
	n := &cert.Network{InputDim: dx}
	in := dx
	for _, w := range hidden {
		n.Layers = append(n.Layers, layer(in, max(w, 1), act))
		in = max(w, 1)
	}
	n.Layers = append(n.Layers, layer(in, dy, cert.ActIdentity))
	tc, err := theorems.NewClaim(id, &cert.Certificate{Format: cert.FormatV1, Network: n, Data: d})
	if err != nil {
		return false, err.Error()
	}
	return tc.HypothesisHolds, theorems.Evaluated(tc)
}

// finish assembles the certificate: memorisation claims for the task, patterns (when
// affordable and distinct), sizes, theorem.
func finish(d *cert.Dataset, net *cert.Network, o *Options, m meta, p *points) (*Result, error) {
	c := &cert.Certificate{Format: cert.FormatV1, Network: net, Data: d, Source: o.Source}
	keys := make([]string, 0, len(m.params))
	for k := range m.params {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	params := make(map[string]string, len(keys))
	for _, k := range keys {
		params[k] = m.params[k]
	}
	c.Provenance = cert.Provenance{Producer: o.Producer, Construction: m.method, Theorem: m.name,
		Reference: m.reference, Params: params, Notes: strings.Join(m.notes, " ")}
	if c.Provenance.Producer == "" {
		c.Provenance.Producer = "certify/construct"
	}
	out := net.OutputDim()
	c.Claims = append(c.Claims, cert.ExactClaim{})
	if d.Task == cert.Classification && out == d.Classes && out >= 2 {
		c.Claims = append(c.Claims, cert.ArgmaxClaim{Margin: big.NewRat(1, 1)})
	}
	if d.Task == cert.Classification && out == 1 && d.Classes <= 2 {
		c.Claims = append(c.Claims, cert.ThresholdClaim{Threshold: big.NewRat(1, 2)})
	}
	sz := net.ComputeSizes()
	if pc, ok := patternsClaim(net, p, sz, o); ok {
		c.Claims = append(c.Claims, pc)
	}
	dep, hu, mb := sz.Depth, sz.HiddenUnits, sz.MaxBits
	par, nzw, nzp := sz.Parameters, sz.NonzeroWeights, sz.NonzeroParameters
	c.Claims = append(c.Claims, cert.SizesClaim{Depth: &dep, Widths: sz.Widths, HiddenUnits: &hu, Parameters: &par,
		NonzeroWeights: &nzw, NonzeroParameters: &nzp, MaxBits: &mb})
	tc, err := theorems.NewClaim(m.theorem, c)
	if err != nil {
		return nil, fmt.Errorf("construct %s: %v", m.method, err)
	}
	c.Claims = append(c.Claims, tc)

	s := Summary{Method: m.method, Theorem: m.theorem, TheoremName: m.name, N: d.N, Distinct: p.n(), DX: d.D,
		DY: out, Sizes: sz, DataMaxBits: dataBits(d, p), Hypothesis: tc.Statement, Evaluated: theorems.Evaluated(tc),
		HypothesisHolds: tc.HypothesisHolds, WithinPromise: tc.WithinPromise, ExceedsTheorem: tc.ExceedsTheorem,
		Notes: m.notes}
	if d.Task == cert.Classification {
		s.Classes = d.Classes
	}
	s.Widths = sz.Widths[:len(sz.Widths)-1]
	if tc.Promised.HiddenUnits != nil {
		s.PromisedHidden = *tc.Promised.HiddenUnits
	}
	if tc.Promised.Depth != nil {
		s.PromisedDepth = *tc.Promised.Depth
	}
	for _, cl := range c.Claims {
		s.Claims = append(s.Claims, cl.Kind())
	}
	return &Result{Cert: c, Summary: s}, nil
}

// dataBits is the largest bit complexity of an input coordinate or label.
func dataBits(d *cert.Dataset, p *points) int {
	b := p.dBits
	if d.Task == cert.Classification {
		return max(b, cert.BitComplexity(big.NewRat(int64(max(d.Classes-1, 0)), 1)))
	}
	for _, t := range d.Targets {
		for _, v := range t {
			b = max(b, cert.BitComplexity(v))
		}
	}
	return b
}

// patternsClaim states every distinct point's activation pattern, when N·parameters is
// within the budget and the patterns are pairwise distinct.
func patternsClaim(net *cert.Network, p *points, sz cert.Sizes, o *Options) (cert.PatternsClaim, bool) {
	budget := o.PatternsBudget
	if budget == 0 {
		budget = 5_000_000
	}
	if budget < 0 || int64(p.n())*sz.Parameters > budget || len(net.Layers) < 2 {
		return cert.PatternsClaim{}, false
	}
	states := net.NewStates()
	pats := make([][]string, p.n())
	seen := make(map[string]bool, p.n())
	var key bytes.Buffer
	for k, i := range p.idx {
		net.Eval(p.d.Input(i), states)
		pats[k] = make([]string, len(states))
		key.Reset()
		for l, s := range states {
			pats[k][l] = string(s)
			key.Write(s)
			key.WriteByte('|')
		}
		if seen[key.String()] {
			return cert.PatternsClaim{}, false
		}
		seen[key.String()] = true
	}
	pc := cert.PatternsClaim{Patterns: pats, Distinct: true}
	if p.n() != p.d.N {
		pc.Points = append([]int(nil), p.idx...)
	}
	return pc, true
}
