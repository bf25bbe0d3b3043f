package cert

import (
	"encoding/json"
	"fmt"
)

// Status is the outcome of checking a claim or a whole certificate.
type Status uint8

// Statuses. The zero Status is Undecided, so that a result nobody set fails closed: a
// claim is Verified only when its check ran to the end and held, and a certificate only
// when every claim is.
const (
	Undecided Status = iota // the checker could not decide (a limit was reached, a table was missing)
	Verified                // the claim holds, proved exactly
	Refuted                 // the claim is false: the certificate is unsound
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
	Engine string        `json:"engine"` // which exact path ran: its tiers (int64, int128, int192, int256, big: "int64+int128+big"), big+int128, big or reference (pieces claims add theirs)
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
