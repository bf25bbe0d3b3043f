package cert

import (
	"fmt"
	"math/big"
	"reflect"
	"strings"

	"certify/internal/strictjson"
)

// Method "zigzag" of the no-fit claim: the argument is in nofit.go; this file enumerates
// its cases, derives each case's rows and checks the leaves' Farkas vectors.

// ZigzagMaxCore is the widest core the zigzag method enumerates: 2^4·C(5, K) ≤ 160 cases.
const ZigzagMaxCore = 4

// zigzagMaxLeaves bounds the leaves a claim may list (the most cases of any core allowed).
const zigzagMaxLeaves = 160

// ZigzagLeaf is one case of the zigzag method: the class of each core unit ("-" for a
// negative input weight, "+" otherwise; units by breakpoint), the indices k of the slopes
// S_k that take the K alternating signs, and the Farkas vector (one rational per slope).
type ZigzagLeaf struct {
	Classes string           `json:"classes"`
	Slopes  zigzagSlopeList  `json:"slopes"`
	Farkas  zigzagFarkasList `json:"farkas"`
}

// The leaves, their slope indices and coefficients are named types that strictjson counts
// while it reads a no-fit claim (zigzagBudgets), so that a claim listing millions of
// leaves, slope indices or coefficients is refused before they are decoded (ZigzagLeaf
// values cost some 200 bytes each as decoded, against 3 bytes for "{},").
type (
	zigzagSlopeList  []int
	zigzagFarkasList []string
	zigzagLeafList   []ZigzagLeaf
)

// zigzagBudgets caps the leaves of a claim at zigzagMaxLeaves and their slope indices and
// coefficients at ZigzagMaxCore + 1 per leaf, over the claim.
func zigzagBudgets() []strictjson.Budget {
	per := int64(zigzagMaxLeaves * (ZigzagMaxCore + 1))
	return []strictjson.Budget{
		{Type: reflect.TypeOf(zigzagLeafList(nil)), Max: zigzagMaxLeaves, What: "zigzag leaves"},
		{Type: reflect.TypeOf(zigzagSlopeList(nil)), Max: per, What: "zigzag slope indices in all leaves"},
		{Type: reflect.TypeOf(zigzagFarkasList(nil)), Max: per, What: "zigzag farkas coefficients in all leaves"},
	}
}

// validateZigzagLeaves checks that every leaf's Farkas coefficients are rationals within
// the digit limit (the cases themselves are compared with the enumeration when checked).
func validateZigzagLeaves(leaves []ZigzagLeaf, path string, maxDigits int) error {
	for i, l := range leaves {
		if err := validateFarkasVector(l.Farkas, fmt.Sprintf("%s.leaves[%d]", path, i), maxDigits); err != nil {
			return err
		}
	}
	return nil
}

func (l ZigzagLeaf) caseString() string {
	return fmt.Sprintf("classes %s, slopes %v", l.Classes, l.Slopes)
}

// ZigzagCases lists the cases of a core of width d and K forced pieces in the kernel's
// order (see nofit.go), without Farkas vectors: 2^d·C(d+1, K) of them, none when
// K > d + 1 or K < 1. d must be at most ZigzagMaxCore (else nil).
func ZigzagCases(d int, K int64) []ZigzagLeaf {
	if d < 1 || d > ZigzagMaxCore || K < 1 || K > int64(d)+1 {
		return nil
	}
	var tuples [][]int
	var walk func(prefix []int, next int)
	walk = func(prefix []int, next int) {
		if int64(len(prefix)) == K {
			tuples = append(tuples, append([]int(nil), prefix...))
			return
		}
		for k := next; k <= d; k++ {
			walk(append(prefix, k), k+1)
		}
	}
	walk(nil, 0)
	var out []ZigzagLeaf
	for mask := 0; mask < 1<<d; mask++ {
		var b strings.Builder
		for j := 0; j < d; j++ {
			if mask&(1<<(d-1-j)) != 0 {
				b.WriteByte('+')
			} else {
				b.WriteByte('-')
			}
		}
		for _, t := range tuples {
			out = append(out, ZigzagLeaf{Classes: b.String(), Slopes: t})
		}
	}
	return out
}

// ZigzagRows derives a case's rows (−1)^m·S_{k_m}(δ) ≥ 1 over the unknowns δ_0..δ_{d−1}:
// the coefficient of δ_j in S_k is −1 for a unit of class "-", plus 1 when j < k.
func ZigzagRows(classes string, slopes []int) []FarkasRow {
	rows := make([]FarkasRow, len(slopes))
	for m, k := range slopes {
		coef := make([]*big.Rat, len(classes))
		for j := range coef {
			v := int64(0)
			if classes[j] == '-' {
				v--
			}
			if j < k {
				v++
			}
			if m%2 == 1 {
				v = -v
			}
			coef[j] = big.NewRat(v, 1)
		}
		rows[m] = FarkasRow{Coef: coef, RHS: big.NewRat(1, 1), Ineq: true}
	}
	return rows
}

// zigzagCase says whether l is a case of a core of width d and K pieces (in any place).
func zigzagCase(l ZigzagLeaf, d int, K int64) bool {
	if len(l.Classes) != d || int64(len(l.Slopes)) != K {
		return false
	}
	for i := 0; i < d; i++ {
		if l.Classes[i] != '-' && l.Classes[i] != '+' {
			return false
		}
	}
	for m, k := range l.Slopes {
		if k < 0 || k > d || (m > 0 && k <= l.Slopes[m-1]) {
			return false
		}
	}
	return true
}

func sameZigzagCase(a, b ZigzagLeaf) bool {
	if a.Classes != b.Classes || len(a.Slopes) != len(b.Slopes) {
		return false
	}
	for i := range a.Slopes {
		if a.Slopes[i] != b.Slopes[i] {
			return false
		}
	}
	return true
}

// ZigzagCore returns the index of the one hidden layer of width ≥ 2, or −1 with the
// index of the second wide layer (or −1 when there is none).
func ZigzagCore(hidden []int) (core, second int) {
	core = -1
	for i, m := range hidden {
		if m >= 2 {
			if core >= 0 {
				return -1, i
			}
			core = i
		}
	}
	return core, -1
}

// checkZigzag checks a no-fit claim of method "zigzag" (see nofit.go).
func checkZigzag(cl NoFitClaim, c *Certificate, path string, bud budget) (Status, int, string, *Failure) {
	fail := func(code Code, field, want, got, msg string) *Failure {
		return &Failure{Code: code, Path: path + field, Point: -1, Layer: -1, Unit: -1, Want: want, Got: got, Message: msg}
	}
	a := cl.Arch
	if a.InputDim != 1 || c.Data.D != 1 {
		return Refuted, 1, "", fail(CodeNoFitNotImplied, ".architecture.input_dim", "1", fmt.Sprintf("%d (data dimension %d)", a.InputDim, c.Data.D), "the zigzag argument is for one-dimensional inputs")
	}
	if a.OutputDim > 1 {
		return Refuted, 1, "", fail(CodeNoFitNotImplied, ".architecture.output_dim", "1", fmt.Sprint(a.OutputDim), "the zigzag argument is for one output")
	}
	if a.Activation != "relu" {
		return Refuted, 1, "", fail(CodeNoFitNotImplied, ".architecture.activation", "relu", clip(a.Activation), "the zigzag argument derives the core's slopes for relu")
	}
	core, second := ZigzagCore(a.Hidden)
	switch {
	case second >= 0:
		return Refuted, 1, "", fail(CodeNoFitNotImplied, fmt.Sprintf(".architecture.hidden[%d]", second), "1", fmt.Sprint(a.Hidden[second]),
			"the zigzag argument needs exactly one hidden layer of width ≥ 2; this is a second one")
	case core < 0:
		return Refuted, 1, "", fail(CodeNoFitNotImplied, ".architecture.hidden", "one layer of width ≥ 2", "none",
			"the zigzag argument needs exactly one hidden layer of width ≥ 2 (all of width 1: method monotone)")
	case *cl.Core != core:
		return Refuted, 1, "", fail(CodeNoFitNotImplied, ".core", fmt.Sprint(core), fmt.Sprint(*cl.Core), "the stated core is not the architecture's wide layer")
	}
	d := a.Hidden[core]
	if d > ZigzagMaxCore {
		return Refuted, 1, "", fail(CodeNoFitNotImplied, fmt.Sprintf(".architecture.hidden[%d]", core), fmt.Sprintf("at most %d", ZigzagMaxCore), fmt.Sprint(d),
			fmt.Sprintf("the zigzag cases are enumerated for a core of at most %d units", ZigzagMaxCore))
	}
	forced, err := ForcedPieces(c.Data, cl.Threshold)
	if err != nil {
		return Refuted, 1, "", fail(CodeNoFitNotImplied, "", "", "", err.Error())
	}
	if *cl.ForcedPieces != forced {
		return Refuted, 1, "", fail(CodeNoFitCount, ".forced_pieces", fmt.Sprint(*cl.ForcedPieces), fmt.Sprint(forced), "the stated forced piece count is not what the data force")
	}
	cases := ZigzagCases(d, forced)
	for i := 0; i < max(len(cases), len(cl.Leaves)); i++ {
		lp := fmt.Sprintf(".leaves[%d]", i)
		if bud.late() {
			return Undecided, i, "", limitFailure(path, bud.timeMsg(i, len(cases), "zigzag leaves"))
		}
		if i >= len(cl.Leaves) {
			return Refuted, i, "", fail(CodeNoFitCaseMissing, lp, cases[i].caseString(), "no leaf", fmt.Sprintf("the zigzag method has %d cases; %d leaves are listed", len(cases), len(cl.Leaves)))
		}
		l := cl.Leaves[i]
		if i >= len(cases) {
			// Clipped, as every echo of the certificate: the leaf may be any size.
			return Refuted, i, "", fail(CodeNoFitCaseOutside, lp, fmt.Sprintf("%d leaves", len(cases)), clip(l.caseString()), "a leaf beyond the enumeration of the cases")
		}
		if !sameZigzagCase(l, cases[i]) {
			if zigzagCase(l, d, forced) {
				return Refuted, i, "", fail(CodeNoFitCaseMissing, lp, cases[i].caseString(), l.caseString(), "the cases are listed in the kernel's order, each once: this one is missing here")
			}
			return Refuted, i, "", fail(CodeNoFitCaseOutside, lp, cases[i].caseString(), clip(l.caseString()),
				fmt.Sprintf("not a case: %d classes of + or -, %d increasing slope indices in 0..%d", d, forced, d))
		}
		if f := checkFarkasRows(ZigzagRows(l.Classes, l.Slopes), l.Farkas, path+lp, bud, cl.maxDigits, func(j int) string { return fmt.Sprintf("δ_%d", j) }); f != nil {
			return Refuted, i, "", f
		}
	}
	if len(cases) == 0 {
		return Verified, 0, fmt.Sprintf("a core of %d units has %d slopes, which cannot alternate %d times: no network of widths %v fits", d, d+1, forced, a.Hidden), nil
	}
	return Verified, len(cases), fmt.Sprintf("the data force %d alternating pieces; all %d cases of the core's %d slopes are infeasible (Farkas): no network of widths %v fits", forced, len(cases), d+1, a.Hidden), nil
}
