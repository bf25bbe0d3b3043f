package cert

import (
	"encoding/json"
	"fmt"
)

// Status is the outcome of checking a claim or a whole certificate.
type Status uint8

// Statuses. A certificate is Verified only when every claim is.
const (
	Verified  Status = iota // the claim holds, proved exactly
	Refuted                 // the claim is false: the certificate is unsound
	Undecided               // the checker could not decide (a limit was reached)
)

func (s Status) String() string {
	switch s {
	case Verified:
		return "verified"
	case Refuted:
		return "refuted"
	}
	return "undecided"
}

// MarshalJSON writes the status as its name.
func (s Status) MarshalJSON() ([]byte, error) { return json.Marshal(s.String()) }

// Code is a stable identifier of why a claim was refuted or left undecided. Codes are part
// of the format's contract: never rename one; add new codes at the end.
type Code string

// Rejection codes.
const (
	CodeOutputMismatch    Code = "output-mismatch"    // exact memorisation: f(x_i) differs from the label
	CodeArgmaxMargin      Code = "argmax-margin"      // the labelled output does not beat another by the margin
	CodeThresholdMismatch Code = "threshold-mismatch" // 1[f(x_i) >= t] differs from the label
	CodeEpsilonExceeded   Code = "epsilon-exceeded"   // |f(x_i) - y_i| > ε in some coordinate
	CodePatternMismatch   Code = "pattern-mismatch"   // a unit is not in the stated state at a point
	CodePatternsNotUnique Code = "patterns-not-distinct"
	CodeSizeMismatch      Code = "size-mismatch"         // a stated size differs from the recomputed one
	CodeTheoremHypothesis Code = "theorem-hypothesis"    // the stated truth value of a theorem's hypothesis is wrong
	CodeTheoremPromise    Code = "theorem-promised-size" // the stated promised size differs from the theorem's formula
	CodeTheoremBound      Code = "theorem-bound-exceeded"
	CodeClaimShape        Code = "claim-shape"   // the claim does not fit the network or the data
	CodeLimit             Code = "limit-reached" // undecided: a resource limit stopped the check
	// pieces claims (pieces.go)
	CodePiecesMissing       Code = "pieces-missing-breakpoint" // the pattern or the affine map changes inside a claimed region/piece
	CodePiecesNotBreakpoint Code = "pieces-not-a-breakpoint"   // a claimed breakpoint where the pattern (or, for a piece breakpoint, the map) does not change
	CodePiecesCount         Code = "pieces-count"              // the stated number of regions or pieces is not what the breakpoints give
	// theorem and hyperplanes claims (theorem.go, hyperplanes.go)
	CodeHyperplanePoints    Code = "hyperplane-points"    // a data point is on a hyperplane but not listed, or listed but not on it
	CodeHyperplaneDependent Code = "hyperplane-dependent" // a hyperplane's listed points are affinely dependent
	CodeHyperplaneUnit      Code = "hyperplane-unit"      // a listed unit's row is not a positive multiple of the normal
)

// Failure names the first false obligation of a claim: where it is (a path into the
// certificate) and the two values that differ.
type Failure struct {
	Code    Code   `json:"code"`
	Path    string `json:"path"`           // e.g. "claims[1].patterns[41][0][3]" or "dataset.points[41]"
	Point   int    `json:"point"`          // the data point, -1 when none
	Layer   int    `json:"layer"`          // 0-based layer, -1 when none
	Unit    int    `json:"unit"`           // 0-based unit or output coordinate, -1 when none
	Want    string `json:"want,omitempty"` // what the claim states
	Got     string `json:"got,omitempty"`  // what the kernel computed
	Message string `json:"message"`
}

func (f *Failure) String() string {
	s := fmt.Sprintf("%s at %s: %s", f.Code, f.Path, f.Message)
	if f.Want != "" || f.Got != "" {
		s += fmt.Sprintf(" (claimed %s, computed %s)", f.Want, f.Got)
	}
	return s
}

// ClaimResult is the verdict on one claim.
type ClaimResult struct {
	Index   int      `json:"index"`
	Kind    string   `json:"kind"`
	Status  Status   `json:"verdict"`
	Checked int      `json:"checked"` // obligations discharged (points, units, pieces…)
	Detail  string   `json:"detail,omitempty"`
	Failure *Failure `json:"failure,omitempty"`
}

// Report is the kernel's answer on a certificate.
type Report struct {
	Status Status        `json:"verdict"`
	Claims []ClaimResult `json:"claims"`
	Sizes  Sizes         `json:"sizes"`
	Data   *DataSummary  `json:"dataset,omitempty"`
	First  *Failure      `json:"first_failure,omitempty"`
	Engine string        `json:"engine"` // "int64" or "big": which exact path evaluated the network
}

// DataSummary describes the dataset a certificate was checked against.
type DataSummary struct {
	N          int      `json:"n"`
	D          int      `json:"d"`
	Task       string   `json:"task"`
	Classes    int      `json:"classes,omitempty"`
	LabelDim   int      `json:"label_dim"`
	Duplicates [][2]int `json:"duplicates,omitempty"` // identical inputs with identical labels
}

// MalformedError reports input that cannot be read as a certificate, network or dataset:
// the path of the offending field (and for JSON syntax, the line and column).
type MalformedError struct {
	Path string
	Msg  string
}

func (e *MalformedError) Error() string {
	if e.Path == "" {
		return e.Msg
	}
	return e.Path + ": " + e.Msg
}

func fieldErr(path, format string, args ...any) error {
	return &MalformedError{Path: path, Msg: fmt.Sprintf(format, args...)}
}
