package cert

// Theorem claims: a certificate states which published theorem its network instantiates,
// and the kernel evaluates the theorem's hypothesis and size promise on this instance
// itself.
//
// # The claim
//
//	{
//	  "kind": "theorem",
//	  "theorem": "yun2019-thm3.1-relu",
//	  "hypothesis": "4⌊d1/4⌋⌊d2/(4d_y)⌋ ≥ N",
//	  "instance": {"n": 149, "d_x": 4, "d_y": 1, "widths": [23, 14]},
//	  "evaluated": "4⌊23/4⌋⌊14/(4·1)⌋ = 60 ≥ 149 is false",
//	  "hypothesis_holds": false,
//	  "promised": {"depth": 3, "hidden_units": 50},
//	  "built": {"depth": 3, "widths": [23, 14, 1], "hidden_units": 37, "parameters": 453,
//	            "nonzero_weights": 390, "max_bits": 12},
//	  "within_promise": true,
//	  "exceeds_theorem": true
//	}
//
//	theorem           one of the ids in the table below; any other is malformed
//	hypothesis        the theorem's hypothesis as text; must be the kernel's text for the id
//	instance          n: distinct inputs of the dataset (N minus duplicate copies); d_x: input
//	                  dimension; d_y: output dimension of the network; widths: the hidden
//	                  widths. The kernel derives every one of them and compares.
//	evaluated         the hypothesis with this instance's numbers substituted and its truth
//	                  value, in the kernel's words (compared as text)
//	hypothesis_holds  the truth value of the hypothesis on this instance
//	promised          the size the theorem promises for this N, d_x, d_y: "depth" (affine
//	                  layers) and "hidden_units"; recomputed from the theorem's formula
//	built             the network's sizes (as in a sizes claim; every field required)
//	within_promise    built ≤ promised in every promised measure
//	exceeds_theorem   the network is outside the theorem's hypothesis (so the certificate,
//	                  if its memorisation claims hold, shows more than the theorem does):
//	                  exactly ¬hypothesis_holds
//
// Nothing the producer computed is believed: a wrong hypothesis text, instance,
// evaluation or truth value is refuted as theorem-hypothesis; a wrong promise as
// theorem-promised-size; a wrong built size as size-mismatch; a wrong within_promise as
// theorem-bound-exceeded. A network that is not of the theorem's architecture (depth,
// activations) is refuted as claim-shape. The theorem claim says nothing about
// memorisation itself: that is what the exact, argmax, threshold and epsilon claims of the
// same certificate say.
//
// # Theorems
//
//	zhang2017-thm1            Zhang et al. 2017, Thm 1: a 2-layer ReLU net with N hidden
//	                          units fits N distinct points. Hypothesis d1 ≥ N.
//	                          Promise: depth 2, N hidden units.
//	yun2019-thm3.1-relu       Yun, Sra, Jadbabaie 2019, Thm 3.1 (ReLU): 3 layers, hypothesis
//	                          4⌊d1/4⌋⌊d2/(4d_y)⌋ ≥ N. Promise: depth 3 and the least
//	                          d1 + d2 satisfying the hypothesis.
//	yun2019-thm3.1-hardtanh   the same for hard-tanh: 4⌊d1/2⌋⌊d2/(2d_y)⌋ ≥ N.
//	yun2019-prop3.2-relu      Prop 3.2: 4 layers, one-hot classification (d_y = classes =
//	                          outputs), hypothesis 4⌊d1/4⌋⌊d2/4⌋ ≥ N and d3 ≥ 4d_y. Promise:
//	                          depth 4, least d1 + d2 satisfying the first part, plus 4d_y.
//	yun2019-cor4.2-relu       Cor 4.2 (Baum 1988, Bubeck et al. 2020): 2 layers, hypothesis
//	                          d1 ≥ 4N/d_x + 4d_y (checked as d_x·d1 ≥ 4N + 4d_y·d_x).
//	                          Promise: depth 2, ⌈4N/d_x⌉ + 4d_y hidden units. General
//	                          position is not part of the evaluated hypothesis (it is a
//	                          property of all (d_x+1)-subsets); the hyperplanes a
//	                          construction uses are checked by a "hyperplanes" claim.
//	telgarsky2015-sawtooth    Telgarsky 2015: the 2^L points i/2^L, i = 0..2^L−1, labelled
//	                          i mod 2, are classified exactly by a ReLU net of 2 units in
//	                          each of 2L layers. Hypothesis: the dataset is exactly that
//	                          set, with L the number of hidden layers of the network (the
//	                          width-3 form m^(L) has L hidden layers). Promise: depth
//	                          2L + 1, 4L hidden units.

import (
	"encoding/json"
	"fmt"
	"math/big"
	"sort"
	"strings"
)

// KindTheorem names the theorem-instance claim.
const KindTheorem = "theorem"

// TheoremInstance is the data a theorem's hypothesis speaks of, derived by the kernel.
type TheoremInstance struct {
	N      int   `json:"n"`
	DX     int   `json:"d_x"`
	DY     int   `json:"d_y"`
	Widths []int `json:"widths"`
}

// TheoremSizes are the measures a theorem claim compares. Nil fields are absent.
type TheoremSizes struct {
	Depth          *int   `json:"depth,omitempty"`
	Widths         []int  `json:"widths,omitempty"`
	HiddenUnits    *int   `json:"hidden_units,omitempty"`
	Parameters     *int64 `json:"parameters,omitempty"`
	NonzeroWeights *int64 `json:"nonzero_weights,omitempty"`
	MaxBits        *int   `json:"max_bits,omitempty"`
}

// TheoremClaim states that the certificate's network is an instance of a theorem.
type TheoremClaim struct {
	Theorem         string
	Hypothesis      string
	Instance        TheoremInstance
	Evaluated       string
	HypothesisHolds bool
	Promised        TheoremSizes
	Built           TheoremSizes
	WithinPromise   bool
	ExceedsTheorem  bool
}

// Kind names the claim.
func (TheoremClaim) Kind() string { return KindTheorem }

type wireTheorem struct {
	Kind            string           `json:"kind"`
	Theorem         string           `json:"theorem"`
	Hypothesis      string           `json:"hypothesis"`
	Instance        *TheoremInstance `json:"instance"`
	Evaluated       string           `json:"evaluated"`
	HypothesisHolds *bool            `json:"hypothesis_holds"`
	Promised        *TheoremSizes    `json:"promised"`
	Built           *TheoremSizes    `json:"built"`
	WithinPromise   *bool            `json:"within_promise"`
	ExceedsTheorem  *bool            `json:"exceeds_theorem"`
}

func (t TheoremClaim) wire() any {
	inst, pr, bu := t.Instance, t.Promised, t.Built
	h, w, e := t.HypothesisHolds, t.WithinPromise, t.ExceedsTheorem
	return wireTheorem{Kind: KindTheorem, Theorem: t.Theorem, Hypothesis: t.Hypothesis, Instance: &inst,
		Evaluated: t.Evaluated, HypothesisHolds: &h, Promised: &pr, Built: &bu, WithinPromise: &w, ExceedsTheorem: &e}
}

func init() { registerWholeKind(KindTheorem, decodeTheorem) }

func decodeTheorem(raw json.RawMessage, path string, c *Certificate, lim Limits) (Claim, error) {
	var w wireTheorem
	if err := strictUnmarshal(raw, &w); err != nil {
		if me, ok := err.(*MalformedError); ok {
			me.Path = path + "." + me.Path
		}
		return nil, err
	}
	th, ok := theorems[w.Theorem]
	if !ok {
		return nil, fieldErr(path+".theorem", "unknown theorem %q (this checker knows %s)", clip(w.Theorem), theoremIDs())
	}
	switch {
	case w.Hypothesis == "":
		return nil, fieldErr(path+".hypothesis", "missing")
	case w.Instance == nil:
		return nil, fieldErr(path+".instance", "missing")
	case w.Evaluated == "":
		return nil, fieldErr(path+".evaluated", "missing")
	case w.HypothesisHolds == nil:
		return nil, fieldErr(path+".hypothesis_holds", "missing")
	case w.Promised == nil:
		return nil, fieldErr(path+".promised", "missing")
	case w.Built == nil:
		return nil, fieldErr(path+".built", "missing")
	case w.WithinPromise == nil:
		return nil, fieldErr(path+".within_promise", "missing")
	case w.ExceedsTheorem == nil:
		return nil, fieldErr(path+".exceeds_theorem", "missing")
	}
	b := w.Built
	if b.Depth == nil || b.Widths == nil || b.HiddenUnits == nil || b.Parameters == nil || b.NonzeroWeights == nil || b.MaxBits == nil {
		return nil, fieldErr(path+".built", "needs depth, widths, hidden_units, parameters, nonzero_weights and max_bits")
	}
	if th.needsData && c.Data == nil {
		return nil, fieldErr(path, "theorem %s speaks of a dataset but the certificate has none", w.Theorem)
	}
	return TheoremClaim{Theorem: w.Theorem, Hypothesis: w.Hypothesis, Instance: *w.Instance, Evaluated: w.Evaluated,
		HypothesisHolds: *w.HypothesisHolds, Promised: *w.Promised, Built: *w.Built,
		WithinPromise: *w.WithinPromise, ExceedsTheorem: *w.ExceedsTheorem}, nil
}

// theorem describes one theorem the kernel knows.
type theorem struct {
	hypothesis string
	needsData  bool
	// shape checks the network's architecture (depth, activations); "" when it fits.
	shape func(c *Certificate) string
	// eval evaluates the hypothesis on the instance: truth value and the evaluated text.
	eval func(c *Certificate, in TheoremInstance) (bool, string)
	// promise computes the promised sizes.
	promise func(in TheoremInstance) TheoremSizes
}

var theorems = map[string]theorem{
	"zhang2017-thm1": {
		hypothesis: "x_1..x_N distinct and d1 ≥ N",
		needsData:  true,
		shape:      shapeCheck(2, ActReLU),
		eval: func(_ *Certificate, in TheoremInstance) (bool, string) {
			ok := in.Widths[0] >= in.N
			return ok, fmt.Sprintf("d1 = %d ≥ N = %d is %v", in.Widths[0], in.N, ok)
		},
		promise: func(in TheoremInstance) TheoremSizes { return promise(2, in.N) },
	},
	"yun2019-thm3.1-relu": {
		hypothesis: "4⌊d1/4⌋⌊d2/(4d_y)⌋ ≥ N",
		needsData:  true,
		shape:      shapeCheck(3, ActReLU),
		eval:       yunEval(4, false),
		promise: func(in TheoremInstance) TheoremSizes {
			return promise(3, leastWidthSum(in.N, 4, 4*in.DY))
		},
	},
	"yun2019-thm3.1-hardtanh": {
		hypothesis: "4⌊d1/2⌋⌊d2/(2d_y)⌋ ≥ N",
		needsData:  true,
		shape:      shapeCheck(3, ActHardTanh),
		eval:       yunEval(2, false),
		promise: func(in TheoremInstance) TheoremSizes {
			return promise(3, leastWidthSum(in.N, 2, 2*in.DY))
		},
	},
	"yun2019-prop3.2-relu": {
		hypothesis: "4⌊d1/4⌋⌊d2/4⌋ ≥ N and d3 ≥ 4d_y",
		needsData:  true,
		shape: func(c *Certificate) string {
			if s := shapeCheck(4, ActReLU)(c); s != "" {
				return s
			}
			if c.Data.Task != Classification || c.Network.OutputDim() != c.Data.Classes {
				return fmt.Sprintf("Prop 3.2 is one-hot classification: the network needs one output per class (%d outputs, %d classes)", c.Network.OutputDim(), c.Data.Classes)
			}
			return ""
		},
		eval: yunEval(4, true),
		promise: func(in TheoremInstance) TheoremSizes {
			return promise(4, leastWidthSum(in.N, 4, 4)+4*in.DY)
		},
	},
	"yun2019-cor4.2-relu": {
		hypothesis: "d1 ≥ 4N/d_x + 4d_y",
		needsData:  true,
		shape:      shapeCheck(2, ActReLU),
		eval: func(_ *Certificate, in TheoremInstance) (bool, string) {
			lhs := int64(in.DX) * int64(in.Widths[0])
			rhs := 4*int64(in.N) + 4*int64(in.DY)*int64(in.DX)
			ok := lhs >= rhs
			return ok, fmt.Sprintf("d_x·d1 = %d·%d = %d ≥ 4N + 4d_y·d_x = 4·%d + 4·%d·%d = %d is %v",
				in.DX, in.Widths[0], lhs, in.N, in.DY, in.DX, rhs, ok)
		},
		promise: func(in TheoremInstance) TheoremSizes {
			return promise(2, (4*in.N+in.DX-1)/in.DX+4*in.DY)
		},
	},
	"telgarsky2015-sawtooth": {
		hypothesis: "the points are i/2^L, i = 0..2^L−1, labelled i mod 2, L = hidden layers",
		needsData:  true,
		shape: func(c *Certificate) string {
			if c.Network.InputDim != 1 || c.Network.OutputDim() != 1 {
				return "the sawtooth network has one input and one output"
			}
			return hiddenActs(c, ActReLU)
		},
		eval: func(c *Certificate, in TheoremInstance) (bool, string) {
			L := len(in.Widths)
			ok, why := telgarskySet(c.Data, L)
			return ok, fmt.Sprintf("L = %d, N = %d: %s", L, c.Data.N, why)
		},
		promise: func(in TheoremInstance) TheoremSizes {
			L := len(in.Widths)
			return promise(2*L+1, 4*L)
		},
	},
}

func promise(depth, hidden int) TheoremSizes {
	return TheoremSizes{Depth: &depth, HiddenUnits: &hidden}
}

func theoremIDs() string {
	ids := make([]string, 0, len(theorems))
	for id := range theorems {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	return strings.Join(ids, ", ")
}

// shapeCheck requires depth affine layers, hidden activation act, identity output.
func shapeCheck(depth int, act ActKind) func(c *Certificate) string {
	return func(c *Certificate) string {
		if got := len(c.Network.Layers); got != depth {
			return fmt.Sprintf("the theorem is about %d-layer networks; this one has %d layers", depth, got)
		}
		return hiddenActs(c, act)
	}
}

func hiddenActs(c *Certificate, act ActKind) string {
	n := c.Network
	for li := range n.Layers {
		want := act
		if li == len(n.Layers)-1 {
			want = ActIdentity
		}
		for j, a := range n.Layers[li].Act {
			if a.Kind != want {
				return fmt.Sprintf("network.layers[%d] unit %d has activation %s; the theorem needs %s", li, j, a, Activation{Kind: want})
			}
		}
	}
	return ""
}

// yunEval evaluates 4⌊d1/q⌋⌊d2/(q·d_y')⌋ ≥ N where d_y' = d_y (Thm 3.1) or 1 with the
// extra condition d3 ≥ 4d_y (Prop 3.2).
func yunEval(q int, prop bool) func(*Certificate, TheoremInstance) (bool, string) {
	return func(_ *Certificate, in TheoremInstance) (bool, string) {
		d1, d2 := in.Widths[0], in.Widths[1]
		dy := in.DY
		if prop {
			dy = 1
		}
		a, b := int64(d1/q), int64(d2/(q*dy))
		lhs := 4 * a * b
		ok := lhs >= int64(in.N)
		var s string
		if prop {
			s = fmt.Sprintf("4⌊%d/%d⌋⌊%d/%d⌋ = %d ≥ N = %d", d1, q, d2, q, lhs, in.N)
			d3ok := in.Widths[2] >= 4*in.DY
			s += fmt.Sprintf(" is %v, d3 = %d ≥ 4d_y = %d is %v", ok, in.Widths[2], 4*in.DY, d3ok)
			ok = ok && d3ok
			return ok, s
		}
		s = fmt.Sprintf("4⌊%d/%d⌋⌊%d/(%d·%d)⌋ = %d ≥ N = %d is %v", d1, q, d2, q, dy, lhs, in.N, ok)
		return ok, s
	}
}

// leastWidthSum is min{d1 + d2 : 4⌊d1/q1⌋⌊d2/q2⌋ ≥ n}: with d1 = q1·a, d2 = q2·⌈n/(4a)⌉.
func leastWidthSum(n, q1, q2 int) int {
	if n <= 0 {
		return q1 + q2
	}
	best := -1
	for a := 1; a <= (n+3)/4; a++ {
		b := (n + 4*a - 1) / (4 * a)
		if s := q1*a + q2*b; best < 0 || s < best {
			best = s
		}
	}
	return best
}

// telgarskySet reports whether d is exactly {(i/2^L, i mod 2) : i = 0..2^L−1}.
func telgarskySet(d *Dataset, L int) (bool, string) {
	if L < 1 || L > 30 {
		return false, "L must be between 1 and 30"
	}
	n := 1 << L
	if d.D != 1 || d.Task != Classification {
		return false, "the set is one-dimensional with class labels"
	}
	if d.N != n {
		return false, fmt.Sprintf("N ≠ 2^L = %d", n)
	}
	seen := make([]bool, n)
	scale := big.NewRat(int64(n), 1)
	t := new(big.Rat)
	for i := 0; i < d.N; i++ {
		t.Mul(d.Input(i)[0], scale)
		if !t.IsInt() || t.Num().Sign() < 0 || t.Num().Cmp(big.NewInt(int64(n))) >= 0 {
			return false, fmt.Sprintf("point %d is not i/2^L with 0 ≤ i < 2^L", i)
		}
		k := int(t.Num().Int64())
		if seen[k] {
			return false, fmt.Sprintf("point %d repeats %d/2^L", i, k)
		}
		seen[k] = true
		if d.Labels[i] != k%2 {
			return false, fmt.Sprintf("point %d = %d/2^L has label %d, not %d", i, k, d.Labels[i], k%2)
		}
	}
	return true, "the set is {(i/2^L, i mod 2)}: true"
}

// instanceOf derives the theorem instance from the certificate.
func instanceOf(c *Certificate) TheoremInstance {
	n := c.Network
	in := TheoremInstance{DX: n.InputDim, DY: n.OutputDim(), Widths: []int{}}
	if c.Data != nil {
		in.N = c.Data.N - len(c.Data.Duplicates)
	}
	for li := 0; li < len(n.Layers)-1; li++ {
		in.Widths = append(in.Widths, n.Layers[li].Out())
	}
	return in
}

func (t TheoremClaim) check(c *Certificate, index int, s Sizes) (Status, int, string, *Failure) {
	th := theorems[t.Theorem]
	path := fmt.Sprintf("claims[%d]", index)
	fail := func(code Code, field, want, got, msg string) (Status, int, string, *Failure) {
		return Refuted, 0, "", &Failure{Code: code, Path: path + "." + field, Point: -1, Layer: -1, Unit: -1,
			Want: want, Got: got, Message: msg}
	}
	if why := th.shape(c); why != "" {
		return fail(CodeClaimShape, "theorem", t.Theorem, "", why)
	}
	checked := 0
	if t.Hypothesis != th.hypothesis {
		return fail(CodeTheoremHypothesis, "hypothesis", t.Hypothesis, th.hypothesis, "the stated hypothesis is not the theorem's")
	}
	checked++
	in := instanceOf(c)
	if fmt.Sprint(t.Instance.N, t.Instance.DX, t.Instance.DY, t.Instance.Widths) != fmt.Sprint(in.N, in.DX, in.DY, in.Widths) {
		return fail(CodeTheoremHypothesis, "instance", fmt.Sprintf("%+v", t.Instance), fmt.Sprintf("%+v", in),
			"the stated instance (N distinct points, d_x, d_y, hidden widths) is not the certificate's")
	}
	checked++
	holds, evaluated := th.eval(c, in)
	if t.Evaluated != evaluated {
		return fail(CodeTheoremHypothesis, "evaluated", t.Evaluated, evaluated, "the stated evaluation of the hypothesis is wrong")
	}
	checked++
	if t.HypothesisHolds != holds {
		return fail(CodeTheoremHypothesis, "hypothesis_holds", fmt.Sprint(t.HypothesisHolds), fmt.Sprint(holds), "the hypothesis's truth value on this instance is wrong: "+evaluated)
	}
	checked++
	if t.ExceedsTheorem != !holds {
		return fail(CodeTheoremHypothesis, "exceeds_theorem", fmt.Sprint(t.ExceedsTheorem), fmt.Sprint(!holds),
			"exceeds_theorem must be true exactly when the hypothesis fails on the built network")
	}
	checked++
	pr := th.promise(in)
	if f, ok := sizesDiffer(t.Promised, pr); !ok {
		return fail(CodeTheoremPromise, "promised."+f, sizeField(t.Promised, f), sizeField(pr, f), "the stated promise differs from the theorem's formula")
	}
	checked++
	bu := builtOf(s)
	if f, ok := sizesDiffer(t.Built, bu); !ok {
		return fail(CodeSizeMismatch, "built."+f, sizeField(t.Built, f), sizeField(bu, f), "stated built size differs from the network's")
	}
	checked++
	within, what := withinPromise(bu, pr)
	if t.WithinPromise != within {
		return fail(CodeTheoremBound, "within_promise", fmt.Sprint(t.WithinPromise), fmt.Sprint(within), what)
	}
	checked++
	detail := fmt.Sprintf("%s: %s; %s", t.Theorem, evaluated, what)
	return Verified, checked, detail, nil
}

func builtOf(s Sizes) TheoremSizes {
	d, h, p, nz, mb := s.Depth, s.HiddenUnits, s.Parameters, s.NonzeroWeights, s.MaxBits
	return TheoremSizes{Depth: &d, Widths: s.Widths, HiddenUnits: &h, Parameters: &p, NonzeroWeights: &nz, MaxBits: &mb}
}

// sizesDiffer compares stated against computed field by field (an absent field differs
// from a present one). It returns the first differing field.
func sizesDiffer(stated, got TheoremSizes) (string, bool) {
	for _, f := range []string{"depth", "widths", "hidden_units", "parameters", "nonzero_weights", "max_bits"} {
		a, b := sizeField(stated, f), sizeField(got, f)
		if a != b {
			return f, false
		}
	}
	return "", true
}

// sizeField renders one field ("" when absent).
func sizeField(s TheoremSizes, f string) string {
	switch f {
	case "depth":
		return optInt(s.Depth)
	case "widths":
		if s.Widths == nil {
			return ""
		}
		return fmt.Sprint(s.Widths)
	case "hidden_units":
		return optInt(s.HiddenUnits)
	case "parameters":
		return optInt64(s.Parameters)
	case "nonzero_weights":
		return optInt64(s.NonzeroWeights)
	case "max_bits":
		return optInt(s.MaxBits)
	}
	return ""
}

func optInt(p *int) string {
	if p == nil {
		return ""
	}
	return fmt.Sprint(*p)
}

func optInt64(p *int64) string {
	if p == nil {
		return ""
	}
	return fmt.Sprint(*p)
}

// withinPromise: built ≤ promised in every promised measure (depth, hidden units).
func withinPromise(bu, pr TheoremSizes) (bool, string) {
	var over []string
	if pr.Depth != nil && *bu.Depth > *pr.Depth {
		over = append(over, fmt.Sprintf("depth %d > %d", *bu.Depth, *pr.Depth))
	}
	if pr.HiddenUnits != nil && *bu.HiddenUnits > *pr.HiddenUnits {
		over = append(over, fmt.Sprintf("hidden units %d > %d", *bu.HiddenUnits, *pr.HiddenUnits))
	}
	if len(over) > 0 {
		return false, "built exceeds the promised size: " + strings.Join(over, ", ")
	}
	return true, fmt.Sprintf("built within the promise (hidden units %d ≤ %d, depth %d ≤ %d)",
		*bu.HiddenUnits, *pr.HiddenUnits, *bu.Depth, *pr.Depth)
}

// TheoremIDs lists the theorem ids the kernel knows, sorted.
func TheoremIDs() []string { return strings.Split(theoremIDs(), ", ") }

// NewTheoremClaim fills a theorem claim for c from the kernel's own evaluation: the
// producer's convenience. The claim is checked like any other; building it here only
// saves producers from restating the kernel's formulas (a wrong claim would still be
// refuted by Check).
func NewTheoremClaim(id string, c *Certificate) (TheoremClaim, error) {
	th, ok := theorems[id]
	if !ok {
		return TheoremClaim{}, fmt.Errorf("unknown theorem %q (known: %s)", id, theoremIDs())
	}
	if th.needsData && c.Data == nil {
		return TheoremClaim{}, fmt.Errorf("theorem %s needs a dataset", id)
	}
	if why := th.shape(c); why != "" {
		return TheoremClaim{}, fmt.Errorf("theorem %s: %s", id, why)
	}
	in := instanceOf(c)
	holds, ev := th.eval(c, in)
	pr := th.promise(in)
	bu := builtOf(c.Network.ComputeSizes())
	within, _ := withinPromise(bu, pr)
	return TheoremClaim{Theorem: id, Hypothesis: th.hypothesis, Instance: in, Evaluated: ev, HypothesisHolds: holds,
		Promised: pr, Built: bu, WithinPromise: within, ExceedsTheorem: !holds}, nil
}

// TheoremPromise is the size theorem id promises for an instance (N, d_x, d_y, and the
// hidden widths where the promise depends on them), by the kernel's own formula: what a
// size calculation quoted from a paper is compared against.
func TheoremPromise(id string, in TheoremInstance) (TheoremSizes, error) {
	th, ok := theorems[id]
	if !ok {
		return TheoremSizes{}, fmt.Errorf("unknown theorem %q (known: %s)", id, theoremIDs())
	}
	return th.promise(in), nil
}
