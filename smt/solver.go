package smt

import (
	"context"
	"errors"
	"fmt"
	"math/big"
	"strings"
	"time"
)

// Status is a solver's answer to a query.
type Status int

// Answers. The zero value is Unknown: a query not (yet) decided.
const (
	Unknown Status = iota // undecided: timeout, resource limit, incomplete theory…
	Sat                   // the assertions have a model
	Unsat                 // the assertions have none
)

func (s Status) String() string {
	switch s {
	case Sat:
		return "sat"
	case Unsat:
		return "unsat"
	}
	return "unknown"
}

// MarshalText writes the status as its name.
func (s Status) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// UnmarshalText reads a status name.
func (s *Status) UnmarshalText(b []byte) error {
	switch string(b) {
	case "sat":
		*s = Sat
	case "unsat":
		*s = Unsat
	case "unknown":
		*s = Unknown
	default:
		return fmt.Errorf("smt: unknown status %q", b)
	}
	return nil
}

// Query is one satisfiability question in SMT-LIB 2.
type Query struct {
	// Name says what the query is about ("claims[0] points 0..499"); for reports.
	Name string
	// Logic is the SMT-LIB logic to declare ("QF_LRA", "QF_NRA").
	Logic string
	// Comment is written, one "; " line each, at the head of an exported file.
	Comment []string
	// Body holds the declarations and assertions: no set-logic, no check-sat.
	Body string
	// Want names the constants whose values a Sat answer should return; they are Bool
	// constants, or Real ones when WantReal is set.
	Want     []string
	WantReal bool
}

// Script is the complete SMT-LIB 2 script of q: the header comment, set-logic, the body,
// check-sat and, when withValues is set and q.Want is not empty, get-value for the wanted
// constants.
func (q *Query) Script(withValues bool) string {
	var b strings.Builder
	for _, c := range q.Comment {
		b.WriteString("; ")
		b.WriteString(c)
		b.WriteByte('\n')
	}
	if withValues {
		b.WriteString("(set-option :produce-models true)\n")
	}
	if q.Logic != "" {
		fmt.Fprintf(&b, "(set-logic %s)\n", q.Logic)
	}
	b.WriteString(q.Body)
	b.WriteString("(check-sat)\n")
	if withValues && len(q.Want) > 0 {
		b.WriteString("(get-value (")
		for i, w := range q.Want {
			if i > 0 {
				b.WriteByte(' ')
			}
			b.WriteString(w)
		}
		b.WriteString("))\n")
	}
	b.WriteString("(exit)\n")
	return b.String()
}

// Value is a model value read back exactly: a Boolean, a rational, or an irrational
// algebraic number known only by an isolating interval and a decimal approximation.
type Value struct {
	IsBool    bool
	Bool      bool
	Rat       *big.Rat // exact value of a Real; nil for a Boolean or an algebraic number
	Algebraic bool     // an irrational algebraic number (a root-obj)
	// For an algebraic number: Lower < value < Upper when the solver gave an interval
	// (nil otherwise), and Approx, a decimal for display and for rationalising.
	Lower, Upper *big.Rat
	Approx       string
}

func (v Value) String() string {
	switch {
	case v.IsBool:
		return fmt.Sprint(v.Bool)
	case v.Algebraic:
		return "≈" + v.Approx + " (irrational)"
	case v.Rat != nil:
		return v.Rat.RatString()
	}
	return "?"
}

// Result is a solver's answer with its cost.
type Result struct {
	Status Status
	Reason string        // why Unknown (timeout, incomplete, …)
	Time   time.Duration // wall-clock time of the query
	Solver string        // which solver answered (a portfolio names the winner)
	// Model holds the values of Query.Want when Status is Sat (missing names were not
	// reported by the solver).
	Model map[string]Value
}

// A Solver decides SMT-LIB queries. Implementations: the in-process Z3 binding
// (package certify/smt/z3solver), the z3 and cvc5 binaries (Binary), a worker process
// (Worker) and a Portfolio of those.
//
// Solve returns an Unknown result, not an error, when the query was not decided in time
// (ctx's deadline) or the solver gave up; an error means the solver could not be run or
// did not understand the query (a missing binary, a malformed script).
type Solver interface {
	Name() string
	Solve(ctx context.Context, q *Query) (Result, error)
}

// ErrUnavailable is matched (errors.Is) by the error of a solver that cannot run on this
// machine or in this build; the message names what to install.
var ErrUnavailable = errors.New("smt: solver unavailable")

// ErrTooLarge is matched by the error returned when a number would put more digits into
// a formula than the encoder's limit allows.
var ErrTooLarge = errors.New("smt: number too large for a formula")

// ErrBadQuery is wrapped by the errors that say a query cannot be asked as given (an
// unknown encoding, data the encoding does not apply to, a split with too many cases):
// bad input, not a solver failure.
var ErrBadQuery = errors.New("smt: bad query")
