package cert

// Theorem claims: a certificate states which published theorem its network instantiates,
// the theorem's hypothesis on this instance as inequalities between numbers, the size the
// theorem promises and the size built. The kernel compares numbers only; the text of a
// claim is for people and no verdict rests on it.
//
// # The claim
//
//	{
//	  "kind": "theorem",
//	  "theorem": "yun2019-thm3.1-relu",
//	  "statement": "4⌊d1/4⌋⌊d2/(4d_y)⌋ ≥ N",
//	  "instance": {"n": 149, "d_x": 4, "d_y": 1, "widths": [23, 14]},
//	  "hypothesis": [
//	    {"text": "4⌊d1/4⌋⌊d2/(4d_y)⌋ ≥ N", "lhs": "60", "op": ">=", "rhs": "149", "holds": false}
//	  ],
//	  "hypothesis_holds": false,
//	  "promised": {"depth": 3, "hidden_units": 50},
//	  "built": {"depth": 3, "widths": [23, 14, 1], "hidden_units": 37, "parameters": 453,
//	            "nonzero_weights": 390, "max_bits": 12},
//	  "within_promise": true,
//	  "exceeds_theorem": true
//	}
//
//	theorem           the theorem's id in the theorem table (package certify/theorems)
//	statement, text   informative prose; never compared
//	instance          n: distinct inputs of the dataset (N minus duplicate copies); d_x: input
//	                  dimension; d_y: output dimension; widths: the hidden widths (of a
//	                  residual network: the blocks' σ widths d_l, not the block outputs)
//	hypothesis        the theorem's hypothesis on this instance: a conjunction of
//	                  comparisons lhs op rhs between exact rationals, op one of
//	                  "<", "<=", "=", ">=", ">", each with its stated truth value
//	hypothesis_holds  the conjunction of the comparisons
//	promised          the size the theorem promises ("depth", "hidden_units")
//	built             the network's sizes (every field of a sizes claim but
//	                  nonzero_parameters)
//	within_promise    built ≤ promised in every promised measure
//	exceeds_theorem   exactly ¬hypothesis_holds: the network is outside the theorem's
//	                  hypothesis, so the certificate shows more than the theorem does
//
// # Who checks what
//
// The kernel derives the instance and the built sizes from the certificate and checks
// every truth value from the stated numbers: each comparison's holds, hypothesis_holds,
// exceeds_theorem and within_promise. What the kernel does not know is each theorem's
// formulas — its architecture, the two sides of each comparison as functions of the
// instance and the data, and the promised sizes. Those are a table outside the trusted
// core (package certify/theorems) that a caller passes in Options.Theorems; certify check
// passes it. With the table the stated sides and promise are compared to the table's
// numbers; without it every other obligation is still checked and the claim is Undecided
// with code theorem-formulas-unchecked (never Verified). An id the table does not know is
// malformed input.
//
// A wrong instance, comparison side or truth value is refuted as theorem-hypothesis; a
// wrong promise as theorem-promised-size; a wrong built size as size-mismatch; a wrong
// within_promise as theorem-bound-exceeded; a network not of the theorem's architecture
// as claim-shape. The theorem claim says nothing about memorisation itself: that is what
// the exact, argmax, threshold and epsilon claims of the same certificate say.

import (
	"encoding/json"
	"fmt"
	"math/big"
)

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

// Comparison is one inequality of a theorem's hypothesis on an instance: LHS Op RHS.
type Comparison struct {
	Text     string // informative
	LHS, RHS *big.Rat
	Op       string // "<", "<=", "=", ">=", ">"
	Holds    bool   // the stated truth value
}

// TheoremClaim states that the certificate's network is an instance of a theorem.
type TheoremClaim struct {
	Theorem         string
	Statement       string // informative
	Instance        TheoremInstance
	Hypothesis      []Comparison
	HypothesisHolds bool
	Promised        TheoremSizes
	Built           TheoremSizes
	WithinPromise   bool
	ExceedsTheorem  bool
}

// Theorems is the table of theorem formulas a theorem claim is checked against. The
// kernel does not contain one; package certify/theorems does.
type Theorems interface {
	// Known reports whether the table has theorem id.
	Known(id string) bool
	// Formulas evaluates theorem id (known) on c, whose network and dataset are present
	// and valid: the comparisons of its hypothesis with both sides computed (Holds is not
	// read) and the promised sizes. shape is "" when c's network is of the theorem's
	// architecture, else why not (and f is not used).
	Formulas(id string, c *Certificate) (f TheoremFormulas, shape string)
}

// TheoremFormulas are a theorem's numbers on one instance.
type TheoremFormulas struct {
	Hypothesis []Comparison
	Promised   TheoremSizes
}

type wireComparison struct {
	Text  string `json:"text,omitempty"`
	LHS   string `json:"lhs"`
	Op    string `json:"op"`
	RHS   string `json:"rhs"`
	Holds *bool  `json:"holds"`
}

type wireTheorem struct {
	Kind            string           `json:"kind"`
	Theorem         string           `json:"theorem"`
	Statement       string           `json:"statement,omitempty"`
	Instance        *TheoremInstance `json:"instance"`
	Hypothesis      []wireComparison `json:"hypothesis"`
	HypothesisHolds *bool            `json:"hypothesis_holds"`
	Promised        *TheoremSizes    `json:"promised"`
	Built           *TheoremSizes    `json:"built"`
	WithinPromise   *bool            `json:"within_promise"`
	ExceedsTheorem  *bool            `json:"exceeds_theorem"`
}

func decodeTheorem(raw json.RawMessage, path string, c *Certificate, lim Limits) (Claim, error) {
	var w wireTheorem
	if err := strictUnmarshal(raw, &w); err != nil {
		if me, ok := err.(*MalformedError); ok {
			me.Path = path + "." + me.Path
		}
		return nil, err
	}
	switch {
	case w.Theorem == "":
		return nil, fieldErr(path+".theorem", "missing")
	case w.Instance == nil:
		return nil, fieldErr(path+".instance", "missing")
	case len(w.Hypothesis) == 0:
		return nil, fieldErr(path+".hypothesis", "missing or empty (a list of comparisons)")
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
	if len(w.Hypothesis) > 64 {
		return nil, fieldErr(path+".hypothesis", "has %d comparisons (limit 64)", len(w.Hypothesis))
	}
	if w.Promised.Depth == nil || w.Promised.HiddenUnits == nil {
		return nil, fieldErr(path+".promised", "needs depth and hidden_units")
	}
	b := w.Built
	if b.Depth == nil || b.Widths == nil || b.HiddenUnits == nil || b.Parameters == nil || b.NonzeroWeights == nil || b.MaxBits == nil {
		return nil, fieldErr(path+".built", "needs depth, widths, hidden_units, parameters, nonzero_weights and max_bits")
	}
	cl := TheoremClaim{Theorem: w.Theorem, Statement: w.Statement, Instance: *w.Instance,
		HypothesisHolds: *w.HypothesisHolds, Promised: *w.Promised, Built: *w.Built,
		WithinPromise: *w.WithinPromise, ExceedsTheorem: *w.ExceedsTheorem}
	for k, wc := range w.Hypothesis {
		p := fmt.Sprintf("%s.hypothesis[%d]", path, k)
		cmp := Comparison{Text: wc.Text, Op: wc.Op}
		if _, ok := compareOps[wc.Op]; !ok {
			return nil, fieldErr(p+".op", "is %q; want one of \"<\", \"<=\", \"=\", \">=\", \">\"", clip(wc.Op))
		}
		var err error
		for _, side := range []struct {
			name, s string
			dst     **big.Rat
		}{{"lhs", wc.LHS, &cmp.LHS}, {"rhs", wc.RHS, &cmp.RHS}} {
			if side.s == "" {
				return nil, fieldErr(p+"."+side.name, "missing")
			}
			if *side.dst, err = ParseRat(side.s, lim.MaxDigits); err != nil {
				return nil, fieldErr(p+"."+side.name, "%v", err)
			}
		}
		if wc.Holds == nil {
			return nil, fieldErr(p+".holds", "missing")
		}
		cmp.Holds = *wc.Holds
		cl.Hypothesis = append(cl.Hypothesis, cmp)
	}
	return cl, nil
}

// compareOps maps each comparison to the signs of lhs − rhs for which it holds.
var compareOps = map[string][3]bool{ // index sign+1: <, =, >
	"<":  {true, false, false},
	"<=": {true, true, false},
	"=":  {false, true, false},
	">=": {false, true, true},
	">":  {false, false, true},
}

// Evaluate reports whether lhs op rhs holds (false for an unknown op).
func (c Comparison) Evaluate() bool {
	ok := compareOps[c.Op]
	return ok[c.LHS.Cmp(c.RHS)+1]
}

// InstanceOf derives the theorem instance of c: distinct points, input and output
// dimensions, hidden widths. c's network is present; its dataset may be nil (N = 0).
func InstanceOf(c *Certificate) TheoremInstance {
	n := c.Network
	in := TheoremInstance{DX: n.InputDim, DY: n.OutputDim(), Widths: []int{}}
	if c.Data != nil {
		in.N = c.Data.N - len(c.Data.Duplicates)
	}
	for li := 0; li < len(n.Layers)-1; li++ {
		if !n.Layers[li].Residual { // a residual layer's units are a block's output
			in.Widths = append(in.Widths, n.Layers[li].Out())
		}
	}
	return in
}

// BuiltOf is the built-size part of a theorem claim for sizes s.
func BuiltOf(s Sizes) TheoremSizes {
	d, h, p, nz, mb := s.Depth, s.HiddenUnits, s.Parameters, s.NonzeroWeights, s.MaxBits
	return TheoremSizes{Depth: &d, Widths: s.Widths, HiddenUnits: &h, Parameters: &p, NonzeroWeights: &nz, MaxBits: &mb}
}

// WithinPromise is built ≤ promised in every promised measure (depth, hidden units).
func WithinPromise(built, promised TheoremSizes) bool {
	return *built.Depth <= *promised.Depth && *built.HiddenUnits <= *promised.HiddenUnits
}

// checkTheorem checks a theorem claim; table may be nil (see the comment at the top).
// Steps alternate between the kernel's own and the table's, in the order a reader
// would: architecture, instance, hypothesis, promise, built, bound.
func checkTheorem(t TheoremClaim, c *Certificate, index int, s Sizes, table Theorems, bud budget) (Status, int, string, *Failure) {
	path := fmt.Sprintf("claims[%d]", index)
	checked := 0
	// steps: the checks below, for the time limit's message.
	steps := 6 + len(t.Hypothesis)
	if table != nil {
		steps += 2 + len(t.Hypothesis)
	}
	fail := func(code Code, field, want, got, msg string) (Status, int, string, *Failure) {
		return Refuted, checked, "", &Failure{Code: code, Path: path + "." + field, Point: -1, Layer: -1, Unit: -1,
			Want: want, Got: got, Message: msg}
	}
	// The deadline is looked at before and after the table's formulas (the table is code
	// outside the kernel, of any cost) and before each comparison.
	stop := func() (Status, int, string, *Failure) {
		return Undecided, checked, "", limitFailure(path, bud.timeMsg(checked, steps, "theorem checks"))
	}
	if bud.late() {
		return stop()
	}
	var f TheoremFormulas
	if table != nil {
		var shape string
		f, shape = table.Formulas(t.Theorem, c) // Check has made sure that the id is known
		if shape != "" {
			return fail(CodeClaimShape, "theorem", t.Theorem, "", shape)
		}
		checked++
		if bud.late() {
			return stop()
		}
	}
	in := InstanceOf(c)
	if fmt.Sprint(t.Instance.N, t.Instance.DX, t.Instance.DY, t.Instance.Widths) != fmt.Sprint(in.N, in.DX, in.DY, in.Widths) {
		return fail(CodeTheoremHypothesis, "instance", fmt.Sprintf("%+v", t.Instance), fmt.Sprintf("%+v", in),
			"the stated instance (N distinct points, d_x, d_y, hidden widths) is not the certificate's")
	}
	checked++
	if table != nil {
		if len(f.Hypothesis) != len(t.Hypothesis) {
			return fail(CodeTheoremHypothesis, "hypothesis", fmt.Sprintf("%d comparisons", len(t.Hypothesis)),
				fmt.Sprintf("%d comparisons", len(f.Hypothesis)), "the theorem's hypothesis has another number of comparisons")
		}
		for k, want := range f.Hypothesis {
			if bud.late() {
				return stop()
			}
			got := t.Hypothesis[k]
			p := fmt.Sprintf("hypothesis[%d]", k)
			switch {
			case got.Op != want.Op:
				return fail(CodeTheoremHypothesis, p+".op", got.Op, want.Op, "the comparison is not the theorem's")
			case got.LHS.Cmp(want.LHS) != 0:
				return fail(CodeTheoremHypothesis, p+".lhs", got.LHS.RatString(), want.LHS.RatString(), "the left side is not the theorem's formula on this instance")
			case got.RHS.Cmp(want.RHS) != 0:
				return fail(CodeTheoremHypothesis, p+".rhs", got.RHS.RatString(), want.RHS.RatString(), "the right side is not the theorem's formula on this instance")
			}
			checked++
		}
	}
	holds := true
	for k, cmp := range t.Hypothesis {
		if bud.late() {
			return stop()
		}
		h := cmp.Evaluate()
		if cmp.Holds != h {
			return fail(CodeTheoremHypothesis, fmt.Sprintf("hypothesis[%d].holds", k), fmt.Sprint(cmp.Holds), fmt.Sprint(h),
				fmt.Sprintf("%s %s %s is %v", cmp.LHS.RatString(), cmp.Op, cmp.RHS.RatString(), h))
		}
		holds = holds && h
		checked++
	}
	if t.HypothesisHolds != holds {
		return fail(CodeTheoremHypothesis, "hypothesis_holds", fmt.Sprint(t.HypothesisHolds), fmt.Sprint(holds),
			"hypothesis_holds must be the conjunction of the hypothesis's comparisons")
	}
	checked++
	if t.ExceedsTheorem != !holds {
		return fail(CodeTheoremHypothesis, "exceeds_theorem", fmt.Sprint(t.ExceedsTheorem), fmt.Sprint(!holds),
			"exceeds_theorem must be true exactly when the hypothesis fails on the built network")
	}
	checked++
	if table != nil {
		if fld, ok := sizesDiffer(t.Promised, f.Promised); !ok {
			return fail(CodeTheoremPromise, "promised."+fld, sizeField(t.Promised, fld), sizeField(f.Promised, fld), "the stated promise differs from the theorem's formula")
		}
		checked++
	}
	bu := BuiltOf(s)
	if fld, ok := sizesDiffer(t.Built, bu); !ok {
		return fail(CodeSizeMismatch, "built."+fld, sizeField(t.Built, fld), sizeField(bu, fld), "stated built size differs from the network's")
	}
	checked++
	if within := WithinPromise(bu, t.Promised); t.WithinPromise != within {
		return fail(CodeTheoremBound, "within_promise", fmt.Sprint(t.WithinPromise), fmt.Sprint(within),
			fmt.Sprintf("built depth %d, hidden units %d; promised depth %d, hidden units %d", *bu.Depth, *bu.HiddenUnits, *t.Promised.Depth, *t.Promised.HiddenUnits))
	}
	checked++
	detail := t.Theorem + ": the hypothesis holds on this instance"
	if !holds {
		detail = t.Theorem + ": the hypothesis fails on this instance (the network exceeds the theorem)"
	}
	if t.WithinPromise {
		detail += "; built within the promised size"
	} else {
		detail += "; built larger than the promised size"
	}
	if table == nil {
		return Undecided, checked, detail + "; formulas unchecked", &Failure{Code: CodeTheoremUnchecked, Path: path + ".theorem", Point: -1, Layer: -1, Unit: -1,
			Want: t.Theorem, Message: "the theorem's formulas (the sides of its hypothesis, its promise) are not part of the kernel and no theorem table was given; every other obligation holds"}
	}
	return Verified, checked, detail, nil
}

// sizesDiffer compares stated against computed field by field (an absent field differs
// from a present one). It returns the first differing field.
func sizesDiffer(stated, got TheoremSizes) (string, bool) {
	for _, f := range []string{"depth", "widths", "hidden_units", "parameters", "nonzero_weights", "max_bits"} {
		if sizeField(stated, f) != sizeField(got, f) {
			return f, false
		}
	}
	return "", true
}

// sizeField renders one field ("" when absent).
func sizeField(s TheoremSizes, f string) string {
	var p any
	switch f {
	case "depth":
		p = s.Depth
	case "widths":
		if s.Widths == nil {
			return ""
		}
		return fmt.Sprint(s.Widths)
	case "hidden_units":
		p = s.HiddenUnits
	case "parameters":
		p = s.Parameters
	case "nonzero_weights":
		p = s.NonzeroWeights
	case "max_bits":
		p = s.MaxBits
	}
	switch p := p.(type) {
	case *int:
		if p != nil {
			return fmt.Sprint(*p)
		}
	case *int64:
		if p != nil {
			return fmt.Sprint(*p)
		}
	}
	return ""
}

// validateTheorem checks that an in-memory theorem claim is well formed (see
// validatePieces).
func validateTheorem(t TheoremClaim, path string) error {
	if len(t.Hypothesis) == 0 {
		return fieldErr(path+".hypothesis", "missing or empty")
	}
	for k, h := range t.Hypothesis {
		if _, ok := compareOps[h.Op]; !ok || h.LHS == nil || h.RHS == nil {
			return fieldErr(fmt.Sprintf("%s.hypothesis[%d]", path, k), "needs lhs, rhs and an op among <, <=, =, >=, >")
		}
	}
	if t.Promised.Depth == nil || t.Promised.HiddenUnits == nil {
		return fieldErr(path+".promised", "needs depth and hidden_units")
	}
	b := t.Built
	if b.Depth == nil || b.Widths == nil || b.HiddenUnits == nil || b.Parameters == nil || b.NonzeroWeights == nil || b.MaxBits == nil {
		return fieldErr(path+".built", "needs depth, widths, hidden_units, parameters, nonzero_weights and max_bits")
	}
	return nil
}
