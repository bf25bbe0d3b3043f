package z3

import (
	"context"
	"errors"
	"fmt"
	"math/big"
	"time"
)

// DefaultMaxNumeralDigits is the default limit on the number of decimal
// digits of a numeral's numerator or denominator (see [Context.SetMaxNumeralDigits]).
const DefaultMaxNumeralDigits = 10000

// DefaultAlgebraicPrecision is the number of decimal digits used by
// [Model.Eval] for the isolating interval and the decimal approximation of an
// irrational algebraic value.
const DefaultAlgebraicPrecision = 30

var (
	// ErrUnavailable is returned by every constructor when the package was
	// built without cgo.
	ErrUnavailable = errors.New("z3: Z3 support not compiled in (build with cgo and install libz3-dev)")
	// ErrClosed is returned when a closed Context (or a solver, model or term
	// belonging to one, or a closed solver or model) is used.
	ErrClosed = errors.New("z3: use of a closed context, solver or model")
	// ErrTooLarge is returned (wrapped) when a numeral has more decimal digits
	// than the context's limit.
	ErrTooLarge = errors.New("z3: numeral too large")
	// ErrBadNumeral is returned (wrapped) for a numeral string that is not an
	// exact decimal or fraction, or a non-integer given for an Int numeral.
	ErrBadNumeral = errors.New("z3: bad numeral")
	// ErrAlgebraic is matched (errors.Is) by the error of [Model.Rat] when
	// the value is an irrational algebraic number; the error is an
	// *[AlgebraicError] carrying an isolating interval.
	ErrAlgebraic = errors.New("z3: value is an irrational algebraic number")
	// ErrNoModel is returned by [Solver.Model] when the last check did not
	// return Sat.
	ErrNoModel = errors.New("z3: no model (last check was not sat)")
	// ErrForeignTerm is returned when a term of one Context is used with
	// another Context.
	ErrForeignTerm = errors.New("z3: term belongs to another context")
	// ErrZeroTerm is returned when the zero Term value is used.
	ErrZeroTerm = errors.New("z3: zero Term (not made by a Context)")
)

// Error is a failure reported by libz3 (through Z3_get_error_code).
type Error struct {
	Op   string // the binding operation, e.g. "Add"
	Code int    // the Z3_error_code
	Msg  string // Z3_get_error_msg, or a description of the code when Z3 gives none
}

func (e *Error) Error() string { return fmt.Sprintf("z3: %s: %s (code %d)", e.Op, e.Msg, e.Code) }

// AlgebraicError is returned by [Model.Rat] for an irrational algebraic
// value; errors.Is(err, ErrAlgebraic) holds. Lower < value < Upper.
type AlgebraicError struct {
	Lower, Upper *big.Rat
	Approx       string // decimal approximation, for display only
}

func (e *AlgebraicError) Error() string {
	return "z3: value is an irrational algebraic number ≈ " + e.Approx
}

// Is reports whether target is ErrAlgebraic.
func (e *AlgebraicError) Is(target error) bool { return target == ErrAlgebraic }

// Result is the outcome of [Solver.Check].
type Result int

const (
	Unknown Result = iota
	Sat
	Unsat
)

func (r Result) String() string {
	switch r {
	case Sat:
		return "sat"
	case Unsat:
		return "unsat"
	default:
		return "unknown"
	}
}

// Kind is the sort of a term.
type Kind int

const (
	KindOther Kind = iota // a sort this binding does not construct
	KindBool
	KindInt
	KindReal
)

func (k Kind) String() string {
	switch k {
	case KindBool:
		return "Bool"
	case KindInt:
		return "Int"
	case KindReal:
		return "Real"
	default:
		return "Other"
	}
}

// Value is a model value read back exactly.
type Value struct {
	Kind Kind
	Bool bool     // for KindBool
	Rat  *big.Rat // exact value for KindInt/KindReal; nil when Algebraic
	// Algebraic is set for an irrational algebraic number (a root-obj).
	// Then Lower < value < Upper with Upper-Lower < 10^-precision, and
	// Approx is a decimal approximation for display only.
	Algebraic    bool
	Lower, Upper *big.Rat
	Approx       string
}

func (v Value) String() string {
	switch {
	case v.Kind == KindBool:
		return fmt.Sprint(v.Bool)
	case v.Algebraic:
		return "≈" + v.Approx
	case v.Rat != nil:
		return v.Rat.RatString()
	default:
		return "<no value>"
	}
}

// The interfaces below list the exported API so that the cgo and the !cgo
// builds are checked to offer the same methods.

type contextAPI interface {
	Close() error
	Interrupt()
	SetMaxNumeralDigits(n int)
	MaxNumeralDigits() int
	NumRefs() int

	Const(name string, k Kind) Term
	RealConst(name string) Term
	IntConst(name string) Term
	BoolConst(name string) Term

	Bool(b bool) Term
	Real(r *big.Rat) Term
	RealFrac(num, den int64) Term
	Int(i *big.Int) Term
	Int64(n int64) Term
	Numeral(s string, k Kind) Term

	Add(ts ...Term) Term
	Sub(a Term, bs ...Term) Term
	Mul(ts ...Term) Term
	Div(a, b Term) Term
	Neg(a Term) Term
	ToReal(a Term) Term
	Lt(a, b Term) Term
	Le(a, b Term) Term
	Gt(a, b Term) Term
	Ge(a, b Term) Term
	Eq(a, b Term) Term
	Distinct(ts ...Term) Term
	Ite(cond, then, els Term) Term
	And(ts ...Term) Term
	Or(ts ...Term) Term
	Not(a Term) Term
	Implies(a, b Term) Term

	NewSolver(logic string) (*Solver, error)
	ParseSMTLIB2(src string) ([]Term, error)
}

type termAPI interface {
	Err() error
	Kind() Kind
	String() string
	Context() *Context
}

type solverAPI interface {
	Close() error
	Logic() string
	Assert(ts ...Term) error
	Push() error
	Pop(n int) error
	NumScopes() int
	SetSeed(seed uint32) error
	SetRlimit(limit uint32) error
	SetUintParam(name string, v uint32) error
	SetBoolParam(name string, v bool) error
	Check(ctx context.Context) (Result, error)
	CheckTimeout(d time.Duration) (Result, error)
	ReasonUnknown() string
	Model() (*Model, error)
	Statistics() (map[string]string, error)
	String() string
	ToSMTLIB() (string, error)
}

type modelAPI interface {
	Close() error
	Eval(t Term) (Value, error)
	EvalPrec(t Term, digits int) (Value, error)
	Rat(t Term) (*big.Rat, error)
	Bool(t Term) (bool, error)
	String() string
}

var (
	_ contextAPI = (*Context)(nil)
	_ termAPI    = Term{}
	_ solverAPI  = (*Solver)(nil)
	_ modelAPI   = (*Model)(nil)
)
