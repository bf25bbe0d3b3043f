package cert

import (
	"encoding/json"
	"fmt"
	"math/big"
	"sort"

	"certify/internal/strictjson"
)

// The "no-fit" claim: no network of a stated architecture fits the certificate's dataset.
//
//	{"kind": "no-fit",
//	 "architecture": {"input_dim": 1, "hidden": [2, 2], "activation": "relu"},
//	 "fit": "exact",               // or "threshold" with "threshold": "1/2"
//	 "method": "pieces",           // or "monotone", "farkas", "zigzag", "solver"
//	 "forced_pieces": 13,          // pieces, monotone, zigzag: what the kernel recomputes
//	 "max_pieces": 9,
//	 "solver": {…}}                // solver: how the answer was obtained (informative)
//
// Method "pieces" (checked by the kernel, no solver): the dataset is one-dimensional with
// distinct inputs. Sort it by x. With "fit": "exact" every f fitting it has
// f(x_{i+1}) − f(x_i) = y_{i+1} − y_i; with "fit": "threshold" and 0/1 labels, a change of
// label from 0 to 1 forces f(x_{i+1}) − f(x_i) > 0 and from 1 to 0 forces < 0 (a strict
// change of side of the threshold). Each non-zero difference forces, by the mean value
// theorem applied to the continuous piecewise-linear f, a piece of that slope sign meeting
// the open interval (x_i, x_{i+1}); these pieces are ordered left to right, so a piece of f
// starts anew at every change of sign: f has at least forced = 1 + (number of sign
// changes in the sequence of non-zero differences) pieces.
//
// A network with input dimension 1, hidden widths m_1..m_L and an activation with p
// affine pieces (p − 1 breakpoints: relu and leaky-relu p = 2, hard-tanh p = 3, identity
// p = 1) has at most max = ∏_l (1 + (p−1)·m_l) pieces: if the outputs of layer l−1 are
// piecewise linear with at most B breakpoints in all, each pre-activation of layer l is
// affine between them (B + 1 pieces) and each of its m_l units adds at most p − 1
// breakpoints per piece, so B' + 1 ≤ (B + 1)(1 + (p − 1)m_l). The output layer is affine
// and adds none. (Step is discontinuous and is refused.) The claim is verified when
// forced > max: then no network of the architecture fits the data. Stated forced_pieces
// and max_pieces must equal the recomputed values.
//
// Method "monotone" (checked by the kernel): every hidden layer has width 1 and the
// activation is non-decreasing (relu, leaky-relu with slope ≥ 0, hard-tanh, step,
// identity). Then f(x) = c + a·σ(…σ(w·x + b)…) is a composition of monotone maps of the
// affine w·x + b, so f is monotone on the line: non-decreasing or non-increasing. It cannot
// fit data whose label differences (as above) take both signs, i.e. data forcing at least
// two pieces of opposite directions. The stated forced_pieces must be recomputed; no
// max_pieces is stated.
//
// Method "farkas" (checked by the kernel, no solver): "proof" is a case tree whose leaves
// carry exact Farkas vectors (see farkas.go); it states no forced_pieces or max_pieces.
//
// Method "zigzag" (checked by the kernel, no solver; zigzag.go): one input, one output,
// relu, every hidden layer of width 1 but one, the core, of width d with 2 ≤ d ≤ 4. The
// claim states "core" (the index of that layer in hidden), "forced_pieces" (K, as above)
// and "leaves", one Farkas vector per case below.
//
// Write f = m ∘ z ∘ u. u(x) is the output of the width-1 layers before the core (u = x
// when the core is the first layer): a composition of relu and affine maps of one
// variable, so monotone. z = e + Σ_j c_j·relu(s_j·u + b_j) is the first pre-activation
// after the core (the output itself when the core is the last hidden layer). m, the
// remaining width-1 layers and the identity output, is again a composition of relu and
// affine maps of one variable: non-decreasing or non-increasing. Sort the data by x. When
// f(x_{i+1}) − f(x_i) ≠ 0, z(x_{i+1}) − z(x_i) has the same sign (m non-decreasing) or the
// opposite one (m non-increasing), the same choice for every i, and so u(x_{i+1}) ≠
// u(x_i). As u is monotone, the open intervals between u(x_i) and u(x_{i+1}) of these i
// are disjoint and lie along the u axis in the order of the x's or in the reverse order.
// So g(v) = e + Σ_j c_j·relu(s_j·v + b_j), read along increasing v, has differences of
// non-zero sign over ordered disjoint intervals whose signs, runs of equal signs merged,
// are K alternating signs (all flipped, or reversed: still K alternating signs).
//
// The slopes of g. A unit with s_j > 0 has slope 0 left of t_j = −b_j/s_j and c_j·s_j right
// of it; with s_j < 0 it has slope c_j·s_j left and 0 right. With δ_j = c_j·|s_j| the slope
// of g grows by δ_j at t_j in both cases. A unit with s_j = 0 is constant: δ_j = 0, class
// "+", its breakpoint put last. Number the units by breakpoint (t_0 ≤ … ≤ t_{d−1}, ties in
// any order; the units of a layer are interchangeable). On an open interval without
// breakpoints that has k of them to its left, g has slope
//
//	S_k = −Σ_{j ∈ Neg} δ_j + Σ_{j < k} δ_j,   Neg = {j : s_j < 0}.
//
// g is continuous and piecewise linear: a difference of sign σ over [v, v'] gives an
// interval without breakpoints inside (v, v') where the slope has sign σ (mean value
// theorem); its k lies between the k's at v and at v' (k grows with v). Take one
// difference from each of the K runs: their intervals are ordered, so their k's do not
// decrease, and consecutive ones have opposite signs, so different slopes and k's. Hence
// there are k_0 < k_1 < … < k_{K−1} in 0..d with o·(−1)^m·S_{k_m} > 0 for m = 0..K−1 and a
// sign o. Negating every c_j negates every δ_j, so every S_k, and keeps classes and
// breakpoints: we may take o = +1. The conditions are homogeneous in δ, so scaling δ
// makes them (−1)^m·S_{k_m} ≥ 1.
//
// Cases and leaves. A case is a class string (one sign per unit by breakpoint: "-" for
// s_j < 0, "+" otherwise) and a tuple 0 ≤ k_0 < … < k_{K−1} ≤ d; the cases are ordered by
// class string ("-" before "+", first unit first), then by tuple lexicographically. The
// leaf of a case, {"classes", "slopes": [k_0, …], "farkas": [y_0, …, y_{K−1}]}, states y
// ≥ 0 with Σ_m y_m·(−1)^m·S_{k_m} = 0 as a linear form in δ and Σ_m y_m > 0: then 0 =
// Σ_m y_m·(−1)^m·S_{k_m}(δ) ≥ Σ_m y_m > 0 for any δ of the case, which has none. The
// kernel enumerates the 2^d·C(d+1, K) cases (none when K > d + 1: d + 1 slopes cannot
// alternate K times) and refuses a missing, extra or misplaced leaf. The claim is
// verified when every leaf closes: no network of the architecture fits the data.
//
// Method "solver": the impossibility rests on an SMT solver's "unsat" (recorded in
// "solver": name, version, encoding, seconds, and the SMT-LIB file with its SHA-256 that any
// solver can re-run). The kernel cannot re-prove it: such a claim is Undecided, and reports
// say that the verdict rests on a solver.

// Architecture is a network shape without weights.
type Architecture struct {
	InputDim   int    `json:"input_dim"`
	Hidden     []int  `json:"hidden"`
	Activation string `json:"activation"`
	OutputDim  int    `json:"output_dim,omitempty"` // default 1
}

// SolverRecord says how a solver-based verdict was obtained.
type SolverRecord struct {
	Solver   string `json:"solver"`
	Version  string `json:"version,omitempty"`
	Encoding string `json:"encoding,omitempty"`
	Seconds  string `json:"seconds,omitempty"`
	SMTLIB   string `json:"smtlib,omitempty"` // file, relative to the certificate
	SHA256   string `json:"sha256,omitempty"`
	Answer   string `json:"answer"` // "unsat"
}

// NoFitClaim states that no network of Arch fits the dataset (see the comment above).
type NoFitClaim struct {
	Arch         Architecture
	Fit          string   // "exact" or "threshold"
	Threshold    *big.Rat // for "threshold"
	Method       string   // "pieces" or "solver"
	ForcedPieces *int64
	MaxPieces    *big.Int
	Solver       *SolverRecord
	Proof        *FarkasNode  // method "farkas": the case tree (farkas.go)
	Core         *int         // method "zigzag": the index of the wide hidden layer
	Leaves       []ZigzagLeaf // method "zigzag": one per case, in the kernel's order
	// maxDigits is the decoder's digit limit, which the proof's numbers are read with
	// again when they are checked (0: the default).
	maxDigits int
}

type wireNoFit struct {
	Kind         string         `json:"kind"`
	Architecture Architecture   `json:"architecture"`
	Fit          string         `json:"fit"`
	Threshold    string         `json:"threshold,omitempty"`
	Method       string         `json:"method"`
	ForcedPieces *int64         `json:"forced_pieces,omitempty"`
	MaxPieces    string         `json:"max_pieces,omitempty"` // an integer, as a string (it can be huge)
	Solver       *SolverRecord  `json:"solver,omitempty"`
	Proof        *FarkasNode    `json:"proof,omitempty"`
	Core         *int           `json:"core,omitempty"`
	Leaves       zigzagLeafList `json:"leaves,omitempty"` // counted while read (zigzagBudgets)
}

func decodeNoFit(raw json.RawMessage, path string, c *Certificate, lim Limits) (Claim, error) {
	var w wireNoFit
	if err := strictErr(strictjson.Unmarshal(raw, &w, append(zigzagBudgets(), farkasBudgets()...)...), false); err != nil {
		if me, ok := err.(*MalformedError); ok {
			me.Path = path + "." + me.Path
		}
		return nil, err
	}
	cl := NoFitClaim{Arch: w.Architecture, Fit: w.Fit, Method: w.Method, ForcedPieces: w.ForcedPieces, Solver: w.Solver, Proof: w.Proof, Core: w.Core, Leaves: w.Leaves}
	a := w.Architecture
	if a.InputDim <= 0 {
		return nil, fieldErr(path+".architecture.input_dim", "must be positive")
	}
	for i, m := range a.Hidden {
		if m <= 0 {
			return nil, fieldErr(fmt.Sprintf("%s.architecture.hidden[%d]", path, i), "must be positive")
		}
	}
	if len(a.Hidden) > 10000 {
		return nil, fieldErr(path+".architecture.hidden", "more than 10000 layers")
	}
	if a.OutputDim < 0 {
		return nil, fieldErr(path+".architecture.output_dim", "must be positive")
	}
	if _, err := activationPieces(a.Activation); err != nil {
		return nil, fieldErr(path+".architecture.activation", "%v", err)
	}
	if c.Data == nil {
		return nil, fieldErr(path, "a no-fit claim speaks of a dataset; the certificate has none")
	}
	switch w.Fit {
	case "exact":
		if w.Threshold != "" {
			return nil, fieldErr(path+".threshold", "only for \"fit\": \"threshold\"")
		}
	case "threshold":
		t, err := ParseRat(w.Threshold, lim.MaxDigits)
		if err != nil {
			return nil, fieldErr(path+".threshold", "%v", err)
		}
		cl.Threshold = t
		if c.Data.Task != Classification || c.Data.Classes > 2 {
			return nil, fieldErr(path+".fit", "threshold fitting needs classes 0 and 1")
		}
	default:
		return nil, fieldErr(path+".fit", "is %q; want \"exact\" or \"threshold\"", clip(w.Fit))
	}
	if w.Proof != nil && w.Method != "farkas" {
		return nil, fieldErr(path+".proof", "only for method \"farkas\"")
	}
	if w.Core != nil && w.Method != "zigzag" {
		return nil, fieldErr(path+".core", "only for method \"zigzag\"")
	}
	if w.Leaves != nil && w.Method != "zigzag" {
		return nil, fieldErr(path+".leaves", "only for method \"zigzag\"")
	}
	switch w.Method {
	case "zigzag":
		if w.Core == nil || w.ForcedPieces == nil || w.MaxPieces != "" || w.Solver != nil {
			return nil, fieldErr(path, "method \"zigzag\" states core, forced_pieces and leaves (no max_pieces or solver)")
		}
		if len(w.Leaves) > zigzagMaxLeaves {
			return nil, fieldErr(path+".leaves", "more than %d leaves", zigzagMaxLeaves)
		}
		// The coefficients are rationals within the digit limit, as a Farkas tree's: a
		// number past the limit is malformed here, not a refuted leaf.
		if err := validateZigzagLeaves(cl.Leaves, path, lim.MaxDigits); err != nil {
			return nil, err
		}
		cl.maxDigits = lim.MaxDigits
	case "farkas":
		if w.Proof == nil || w.MaxPieces != "" || w.ForcedPieces != nil || w.Solver != nil {
			return nil, fieldErr(path, "method \"farkas\" states its proof only (no forced_pieces, max_pieces or solver)")
		}
		if err := validateFarkasTree(w.Proof, path+".proof", 0, len(a.Hidden), lim.MaxDigits); err != nil {
			return nil, err
		}
		cl.maxDigits = lim.MaxDigits
	case "pieces":
		if w.ForcedPieces == nil || w.MaxPieces == "" {
			return nil, fieldErr(path, "method \"pieces\" states forced_pieces and max_pieces")
		}
		if len(w.MaxPieces) > lim.MaxDigits {
			return nil, fieldErr(path+".max_pieces", "more than %d digits", lim.MaxDigits)
		}
		m, ok := new(big.Int).SetString(w.MaxPieces, 10)
		if !ok || m.Sign() < 0 {
			return nil, fieldErr(path+".max_pieces", "%q is not a non-negative integer", clip(w.MaxPieces))
		}
		cl.MaxPieces = m
	case "monotone":
		if w.ForcedPieces == nil || w.MaxPieces != "" {
			return nil, fieldErr(path, "method \"monotone\" states forced_pieces and no max_pieces")
		}
	case "solver":
		if w.Solver == nil || w.Solver.Solver == "" || w.Solver.Answer != "unsat" {
			return nil, fieldErr(path+".solver", "method \"solver\" records the solver and its answer \"unsat\"")
		}
	default:
		return nil, fieldErr(path+".method", "is %q; want \"pieces\", \"monotone\", \"farkas\", \"zigzag\" or \"solver\"", clip(w.Method))
	}
	return cl, nil
}

// activationPieces is the number of affine pieces of an activation usable in a no-fit
// claim (continuous activations only).
func activationPieces(name string) (int64, error) {
	switch name {
	case "identity":
		return 1, nil
	case "relu":
		return 2, nil
	case "hard-tanh":
		return 3, nil
	}
	if a, err := ParseActivation(name, 0); err == nil && a.Kind == ActLeakyReLU {
		return 2, nil
	}
	return 0, fmt.Errorf("%q: the piece argument needs identity, relu, leaky-relu:S or hard-tanh", clip(name))
}

// MaxPiecesBound is ∏_l (1 + (p−1)·m_l), the bound on the pieces of a one-input network
// of the architecture (see the no-fit claim).
func MaxPiecesBound(a Architecture) (*big.Int, error) {
	b, _, err := maxPiecesWithin(a, 0)
	return b, err
}

// maxPiecesWithin is MaxPiecesBound, stopped at the first hidden layer (returned, with a
// nil bound) where the product passes maxBits bits (maxBits ≤ 0: no bound). The product
// compounds layer by layer: ten thousand layers of width 2^30 make a number of 300 000
// bits.
func maxPiecesWithin(a Architecture, maxBits int) (*big.Int, int, error) {
	p, err := activationPieces(a.Activation)
	if err != nil {
		return nil, 0, err
	}
	b, f := big.NewInt(1), new(big.Int)
	for l, m := range a.Hidden {
		// 1 + (p−1)·m in math/big: in int64 a width near 2^63 wrapped (hard-tanh widths
		// 2^63 − 1, 2^63 − 1 gave factors −1, −1 and the bound 1).
		f.SetInt64(int64(m))
		f.Mul(f, big.NewInt(p-1)).Add(f, big.NewInt(1))
		if b.Mul(b, f); maxBits > 0 && b.BitLen() > maxBits {
			return nil, l, nil
		}
	}
	return b, 0, nil
}

// ForcedPieces is the number of pieces every continuous piecewise-linear f fitting a
// one-dimensional dataset must have (see the no-fit claim). threshold is nil for exact
// fitting.
func ForcedPieces(d *Dataset, threshold *big.Rat) (int64, error) {
	if d.D != 1 {
		return 0, fmt.Errorf("the piece argument needs one-dimensional inputs; the data have dimension %d", d.D)
	}
	if threshold == nil && d.LabelDim != 1 {
		return 0, fmt.Errorf("the piece argument needs scalar labels")
	}
	if len(d.Duplicates) > 0 {
		return 0, fmt.Errorf("points %d and %d have the same input", d.Duplicates[0][0], d.Duplicates[0][1])
	}
	idx := make([]int, d.N)
	xs := make([]*big.Rat, d.N)
	for i := range idx {
		idx[i] = i
		xs[i] = d.Input(i)[0]
	}
	sort.Slice(idx, func(a, b int) bool { return xs[idx[a]].Cmp(xs[idx[b]]) < 0 })
	forced := int64(1)
	last := 0
	t := new(big.Rat)
	for k := 0; k+1 < d.N; k++ {
		i, j := idx[k], idx[k+1]
		var s int
		if threshold != nil {
			s = d.Labels[j] - d.Labels[i] // 0→1 up, 1→0 down
		} else {
			s = t.Sub(d.Target(j)[0], d.Target(i)[0]).Sign()
		}
		if s == 0 {
			continue
		}
		if last != 0 && (s > 0) != (last > 0) {
			forced++
		}
		last = s
	}
	return forced, nil
}

// checkWithin checks the claim within the budget's deadline: a Farkas tree looks at it
// before each leaf; the other methods do little work and look once.
func (cl NoFitClaim) checkWithin(c *Certificate, index int, bud budget) (Status, int, string, *Failure) {
	path := fmt.Sprintf("claims[%d]", index)
	fail := func(code Code, field, want, got, msg string) *Failure {
		return &Failure{Code: code, Path: path + field, Point: -1, Layer: -1, Unit: -1, Want: want, Got: got, Message: msg}
	}
	if cl.Method == "farkas" {
		return checkFarkas(cl, c, path, bud)
	}
	if cl.Method == "zigzag" {
		return checkZigzag(cl, c, path, bud)
	}
	if cl.Method != "solver" && bud.late() {
		return Undecided, 0, "", limitFailure(path, bud.timeMsg(0, 1, "piece counts"))
	}
	if cl.Method == "solver" {
		s := cl.Solver
		detail := fmt.Sprintf("rests on solver %s %s (%s): not re-provable by the kernel", s.Solver, s.Version, s.Encoding)
		return Undecided, 0, detail, fail(CodeNoFitRestsSolver, ".solver", "", "", detail)
	}
	if cl.Arch.InputDim != 1 || c.Data.D != 1 {
		return Refuted, 1, "", fail(CodeNoFitNotImplied, ".architecture.input_dim", "1", fmt.Sprint(cl.Arch.InputDim), "the piece argument is for one-dimensional inputs")
	}
	forced, err := ForcedPieces(c.Data, cl.Threshold)
	if err != nil {
		return Refuted, 1, "", fail(CodeNoFitNotImplied, "", "", "", err.Error())
	}
	if *cl.ForcedPieces != forced {
		return Refuted, 1, "", fail(CodeNoFitCount, ".forced_pieces", fmt.Sprint(*cl.ForcedPieces), fmt.Sprint(forced), "the stated forced piece count is not what the data force")
	}
	if cl.Method == "monotone" {
		for i, m := range cl.Arch.Hidden {
			if m != 1 {
				return Refuted, 2, "", fail(CodeNoFitNotImplied, fmt.Sprintf(".architecture.hidden[%d]", i), "1", fmt.Sprint(m), "the monotonicity argument needs every hidden layer of width 1")
			}
		}
		if a, _ := ParseActivation(cl.Arch.Activation, 0); a.Kind == ActLeakyReLU && a.Slope.Sign() < 0 {
			return Refuted, 2, "", fail(CodeNoFitNotImplied, ".architecture.activation", "a non-decreasing activation", a.String(), "a leaky ReLU with negative slope is not monotone")
		}
		if forced < 2 {
			return Refuted, 3, "", fail(CodeNoFitNotImplied, ".forced_pieces", ">= 2", fmt.Sprint(forced), "the data are monotone: a monotone network may fit them")
		}
		return Verified, 3, fmt.Sprintf("every network of widths %v is monotone; the data go up and down: no network of the architecture fits", cl.Arch.Hidden), nil
	}
	bound, at, _ := maxPiecesWithin(cl.Arch, bud.maxBits)
	if bound == nil {
		return Undecided, 1, "", limitFailure(path, bud.bitsMsg(fmt.Sprintf("in the bound ∏(1 + (p−1)·m_l) at architecture.hidden[%d]", at)))
	}
	if cl.MaxPieces.Cmp(bound) != 0 {
		return Refuted, 2, "", fail(CodeNoFitCount, ".max_pieces", cl.MaxPieces.String(), bound.String(), "the stated bound is not ∏(1 + (p−1)·m_l)")
	}
	if big.NewInt(forced).Cmp(bound) <= 0 {
		return Refuted, 3, "", fail(CodeNoFitNotImplied, "", "> "+bound.String(), fmt.Sprint(forced),
			"the data force no more pieces than the architecture can have: the argument proves nothing")
	}
	return Verified, 3, fmt.Sprintf("the data force %d pieces, the architecture has at most %s: no network of widths %v fits", forced, bound, cl.Arch.Hidden), nil
}

// validateNoFit checks that an in-memory no-fit claim is well formed (see
// validatePieces).
func validateNoFit(cl NoFitClaim, path string, c *Certificate) error {
	if _, err := activationPieces(cl.Arch.Activation); err != nil {
		return fieldErr(path+".architecture.activation", "%v", err)
	}
	for i, m := range cl.Arch.Hidden {
		if m <= 0 {
			return fieldErr(fmt.Sprintf("%s.architecture.hidden[%d]", path, i), "must be positive")
		}
	}
	switch cl.Fit {
	case "exact":
	case "threshold":
		if cl.Threshold == nil {
			return fieldErr(path+".threshold", "missing")
		}
		if c.Data.Task != Classification || c.Data.Classes > 2 {
			return fieldErr(path+".fit", "threshold fitting needs classes 0 and 1")
		}
	default:
		return fieldErr(path+".fit", "is %q; want \"exact\" or \"threshold\"", clip(cl.Fit))
	}
	switch cl.Method {
	case "pieces":
		if cl.ForcedPieces == nil || cl.MaxPieces == nil {
			return fieldErr(path, "method \"pieces\" states forced_pieces and max_pieces")
		}
	case "monotone":
		if cl.ForcedPieces == nil {
			return fieldErr(path+".forced_pieces", "missing")
		}
	case "solver":
		if cl.Solver == nil {
			return fieldErr(path+".solver", "missing")
		}
	case "zigzag":
		if cl.Core == nil || cl.ForcedPieces == nil {
			return fieldErr(path, "method \"zigzag\" states core and forced_pieces")
		}
		return validateZigzagLeaves(cl.Leaves, path, cl.maxDigits)
	case "farkas":
		if cl.Proof == nil {
			return fieldErr(path+".proof", "missing")
		}
		return validateFarkasTree(cl.Proof, path+".proof", 0, len(cl.Arch.Hidden), cl.maxDigits)
	default:
		return fieldErr(path+".method", "is %q; want \"pieces\", \"monotone\", \"farkas\", \"zigzag\" or \"solver\"", clip(cl.Method))
	}
	return nil
}
