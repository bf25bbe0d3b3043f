package cert

// Code is a stable identifier of why a claim was refuted or left undecided. Codes are part
// of the format's contract: never rename one; add new codes at the end. Every code names
// a fixture under testdata/certs that produces it (TestCodesHaveFixtures keeps the list
// true).
type Code string

// Codes, each with what it means and the fixture that produces it.
const (
	// f(x_i) differs from the label (exact claim). invalid/tent_wrong_label
	CodeOutputMismatch Code = "output-mismatch"
	// the labelled output does not beat another by the margin (argmax claim).
	// invalid/onehot_margin_too_large
	CodeArgmaxMargin Code = "argmax-margin"
	// 1[f(x_i) ≥ t] differs from the label (threshold claim). invalid/xor_threshold_flip
	CodeThresholdMismatch Code = "threshold-mismatch"
	// |f(x_i) − y_i| > ε in some coordinate (epsilon claim). invalid/tent_epsilon_too_small
	CodeEpsilonExceeded Code = "epsilon-exceeded"
	// a unit is not in the stated state at a point (patterns claim).
	// invalid/tent_flipped_pattern_bit
	CodePatternMismatch Code = "pattern-mismatch"
	// two stated patterns are equal though the claim says distinct.
	// invalid/tent_patterns_not_distinct
	CodePatternsNotUnique Code = "patterns-not-distinct"
	// a stated size differs from the recomputed one (sizes claim, a theorem's built
	// sizes). invalid/tent_sizes_off_by_one
	CodeSizeMismatch Code = "size-mismatch"
	// a theorem claim's instance, a side of a comparison of its hypothesis, or a truth
	// value is wrong. invalid/theorem_hypothesis_flipped
	CodeTheoremHypothesis Code = "theorem-hypothesis"
	// a theorem claim's promised size differs from the theorem's formula.
	// invalid/theorem_promise_wrong
	CodeTheoremPromise Code = "theorem-promised-size"
	// a theorem claim's within_promise is not built ≤ promised.
	// invalid/theorem_within_promise_wrong
	CodeTheoremBound Code = "theorem-bound-exceeded"
	// the network is not of the architecture a theorem speaks of.
	// invalid/theorem_wrong_architecture
	CodeClaimShape Code = "claim-shape"
	// undecided: a resource limit stopped the check (the time limit and the number size
	// limit are options of the check; the default number size limit is passed by
	// invalid/nofit_pieces_bound_past_bits_limit).
	CodeLimit Code = "limit-reached"
	// the pattern or the affine map changes inside a claimed region or piece (pieces
	// claim). invalid/pieces_missing_breakpoint
	CodePiecesMissing Code = "pieces-missing-breakpoint"
	// a claimed breakpoint where the pattern (or, for a piece breakpoint, the map) does
	// not change. invalid/pieces_not_a_breakpoint
	CodePiecesNotBreakpoint Code = "pieces-not-a-breakpoint"
	// the stated number of regions or pieces is not what the breakpoints give.
	// invalid/pieces_pieces_off_by_one
	CodePiecesCount Code = "pieces-count"
	// a data point is on a hyperplane but not listed, or listed but not on it.
	// invalid/hyperplanes_extra_point
	CodeHyperplanePoints Code = "hyperplane-points"
	// a hyperplane's listed points are affinely dependent.
	// invalid/hyperplanes_dependent_points
	CodeHyperplaneDependent Code = "hyperplane-dependent"
	// a listed unit's row is not a positive multiple of the normal.
	// invalid/hyperplanes_unit_not_parallel
	CodeHyperplaneUnit Code = "hyperplane-unit"
	// a no-fit claim's stated piece count differs from the recomputed one.
	// invalid/nofit_forced_off_by_one
	CodeNoFitCount Code = "nofit-count"
	// the forced pieces do not exceed the architecture's bound: the argument proves
	// nothing. invalid/nofit_not_implied
	CodeNoFitNotImplied Code = "nofit-not-implied"
	// undecided: a no-fit claim rests on a solver's unsat, which the kernel cannot
	// re-prove. invalid/nofit_by_solver
	CodeNoFitRestsSolver Code = "nofit-rests-on-solver"
	// undecided: a theorem claim was checked without a theorem table (Options.Theorems),
	// so its formulas are unchecked. valid/theorem_zhang checked without the table
	// (TestTheoremClaimsWithoutTable does, for every theorem fixture).
	CodeTheoremUnchecked Code = "theorem-formulas-unchecked"
	// undecided: a claim's check returned without a verdict. No fixture: it guards the
	// kernel's own consistency (a check that forgot to decide stays undecided).
	CodeNotChecked Code = "not-checked"
	// a leaf's Farkas vector does not combine the case's rows into a contradiction (a
	// coefficient of an unknown left, a negative weight on an inequality, a right-hand
	// side not positive, or the wrong length). invalid/nofit_farkas_wrong_coefficient
	CodeNoFitFarkas Code = "nofit-farkas"
	// a case of a split is missing (the cases are listed in order, each once).
	// invalid/nofit_farkas_missing_case
	CodeNoFitCaseMissing Code = "nofit-case-missing"
	// a case that is not one of its parent's split (a unit outside the data, unsorted
	// units, a sign vector of the wrong length, a case beyond the enumeration).
	// invalid/nofit_farkas_case_outside
	CodeNoFitCaseOutside Code = "nofit-case-outside"
	// evaluated in the claim's format in the plain order, the network breaks the rule at a
	// point (float claim; the witness is the computed value). invalid/float_refuted_float16
	CodeFloatMismatch Code = "float-mismatch"
	// undecided: at a point the exact margin does not exceed the rounding-error bound,
	// and the plain-order evaluation gives the label (float claim).
	// invalid/float_margin_below_bound
	CodeFloatBoundWeak Code = "float-bound-too-weak"
	// undecided: a value may reach the format's largest finite number, so the error
	// model does not apply (float claim). invalid/float_overflow_float16
	CodeFloatOverflow Code = "float-overflow"
)

// Codes lists every code, in the order above.
var Codes = []Code{
	CodeOutputMismatch, CodeArgmaxMargin, CodeThresholdMismatch, CodeEpsilonExceeded,
	CodePatternMismatch, CodePatternsNotUnique, CodeSizeMismatch, CodeTheoremHypothesis,
	CodeTheoremPromise, CodeTheoremBound, CodeClaimShape, CodeLimit, CodePiecesMissing,
	CodePiecesNotBreakpoint, CodePiecesCount, CodeHyperplanePoints, CodeHyperplaneDependent,
	CodeHyperplaneUnit, CodeNoFitCount, CodeNoFitNotImplied, CodeNoFitRestsSolver,
	CodeTheoremUnchecked, CodeNotChecked, CodeNoFitFarkas, CodeNoFitCaseMissing, CodeNoFitCaseOutside,
	CodeFloatMismatch, CodeFloatBoundWeak, CodeFloatOverflow,
}
