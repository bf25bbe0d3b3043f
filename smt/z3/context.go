//go:build cgo

package z3

/*
#cgo LDFLAGS: -lz3
#include <stdlib.h>
#include <z3.h>
*/
import "C"

import (
	"fmt"
	"math/big"

	"certify/smt/internal/digits"
	"regexp"
	"strings"
	"sync"
	"unsafe"
)

// Available reports whether the package was built with Z3 support.
func Available() bool { return true }

// Version returns the libz3 version, e.g. "4.8.12.0".
func Version() string {
	var major, minor, build, rev C.uint
	C.Z3_get_version(&major, &minor, &build, &rev)
	return fmt.Sprintf("%d.%d.%d.%d", major, minor, build, rev)
}

// lifecycleMu serialises creation and deletion of Z3 contexts: the C API
// does not promise that these are re-entrant (the Java and .NET bindings
// lock around them too).
var lifecycleMu sync.Mutex

// Context owns one Z3_context. See the package documentation for the rules.
type Context struct {
	// mu guards closed, ctx and running against a concurrent Interrupt.
	mu      sync.Mutex
	closed  bool
	ctx     C.Z3_context
	running *Solver // the solver whose Check is in progress, if any

	boolSort, intSort, realSort C.Z3_sort

	refs      []C.Z3_ast // every AST inc_ref'd on behalf of a Term
	solvers   map[*Solver]struct{}
	models    map[*Model]struct{}
	maxDigits int
}

// NewContext creates a Context (reference-counted, models on, error handler
// off). It must be released with Close.
func NewContext() (*Context, error) {
	lifecycleMu.Lock()
	cfg := C.Z3_mk_config()
	if cfg == nil {
		lifecycleMu.Unlock()
		return nil, &Error{Op: "NewContext", Msg: "Z3_mk_config failed"}
	}
	setCfg(cfg, "model", "true")
	// ctrl_c is not a context parameter in 4.8.12 (Z3 would print a
	// warning); it is set on every solver instead.
	zc := C.Z3_mk_context_rc(cfg)
	C.Z3_del_config(cfg)
	lifecycleMu.Unlock()
	if zc == nil {
		return nil, &Error{Op: "NewContext", Msg: "Z3_mk_context_rc failed"}
	}
	C.Z3_set_error_handler(zc, nil)
	c := &Context{
		ctx:       zc,
		solvers:   map[*Solver]struct{}{},
		models:    map[*Model]struct{}{},
		maxDigits: DefaultMaxNumeralDigits,
	}
	c.boolSort = C.Z3_mk_bool_sort(zc)
	C.Z3_inc_ref(zc, C.Z3_sort_to_ast(zc, c.boolSort))
	c.intSort = C.Z3_mk_int_sort(zc)
	C.Z3_inc_ref(zc, C.Z3_sort_to_ast(zc, c.intSort))
	c.realSort = C.Z3_mk_real_sort(zc)
	C.Z3_inc_ref(zc, C.Z3_sort_to_ast(zc, c.realSort))
	if err := c.lastError("NewContext"); err != nil {
		c.Close()
		return nil, err
	}
	return c, nil
}

func setCfg(cfg C.Z3_config, k, v string) {
	ck, cv := C.CString(k), C.CString(v)
	C.Z3_set_param_value(cfg, ck, cv)
	C.free(unsafe.Pointer(ck))
	C.free(unsafe.Pointer(cv))
}

// Close releases every solver, model and term of the context and deletes it.
// It is idempotent. It must not run while another goroutine uses the context
// (Interrupt excepted).
func (c *Context) Close() error {
	if c == nil || c.closed {
		return nil
	}
	for m := range c.models {
		m.release()
	}
	for s := range c.solvers {
		s.release()
	}
	z := c.ctx
	for _, a := range c.refs {
		C.Z3_dec_ref(z, a)
	}
	c.refs = nil
	C.Z3_dec_ref(z, C.Z3_sort_to_ast(z, c.boolSort))
	C.Z3_dec_ref(z, C.Z3_sort_to_ast(z, c.intSort))
	C.Z3_dec_ref(z, C.Z3_sort_to_ast(z, c.realSort))

	c.mu.Lock()
	c.closed = true
	c.ctx = nil
	c.mu.Unlock()

	lifecycleMu.Lock()
	C.Z3_del_context(z)
	lifecycleMu.Unlock()
	return nil
}

// Interrupt asks Z3 to stop the check in progress in this context, which then
// normally returns Unknown. It may be called from any goroutine; it does
// nothing when no check is running (or the context is closed). Z3 only
// notices it at its own checkpoints.
//
// It uses Z3_solver_interrupt, not Z3_interrupt: in 4.8.12 Z3_interrupt
// leaves the context cancelled for later calls outside a check
// (Z3_solver_get_model, Z3_model_eval fail with "canceled" until the next
// check), whereas Z3_solver_interrupt only fires the running check's handler.
func (c *Context) Interrupt() {
	if c == nil {
		return
	}
	c.mu.Lock()
	if !c.closed && c.running != nil {
		C.Z3_solver_interrupt(c.ctx, c.running.s)
	}
	c.mu.Unlock()
}

func (c *Context) setRunning(s *Solver) {
	c.mu.Lock()
	c.running = s
	c.mu.Unlock()
}

// SetMaxNumeralDigits sets the largest number of decimal digits allowed in a
// numeral's numerator or denominator; n <= 0 removes the limit.
func (c *Context) SetMaxNumeralDigits(n int) { c.maxDigits = n }

// MaxNumeralDigits returns the current limit (<= 0: none).
func (c *Context) MaxNumeralDigits() int { return c.maxDigits }

// NumRefs returns the number of AST references the context holds for its
// terms (all released by Close). For diagnostics.
func (c *Context) NumRefs() int { return len(c.refs) }

// lastError turns a pending Z3 error code into a Go error and clears it.
func (c *Context) lastError(op string) error {
	code := C.Z3_get_error_code(c.ctx)
	if code == C.Z3_OK {
		return nil
	}
	msg := C.GoString(C.Z3_get_error_msg(c.ctx, code))
	C.Z3_set_error(c.ctx, C.Z3_OK)
	// An unknown-parameter message lists every legal parameter: keep the head.
	if i := strings.Index(msg, "\nLegal parameters are:"); i >= 0 {
		msg = msg[:i]
	}
	msg = strings.TrimSpace(msg)
	if msg == "" {
		msg = errorCodeName(int(code))
	}
	return &Error{Op: op, Code: int(code), Msg: msg}
}

func errorCodeName(code int) string {
	names := map[int]string{
		C.Z3_SORT_ERROR:        "sort error",
		C.Z3_IOB:               "index out of bounds",
		C.Z3_INVALID_ARG:       "invalid argument",
		C.Z3_PARSER_ERROR:      "parser error",
		C.Z3_NO_PARSER:         "no parser",
		C.Z3_INVALID_PATTERN:   "invalid pattern",
		C.Z3_MEMOUT_FAIL:       "out of memory",
		C.Z3_FILE_ACCESS_ERROR: "file access error",
		C.Z3_INTERNAL_FATAL:    "internal fatal error",
		C.Z3_INVALID_USAGE:     "invalid usage",
		C.Z3_DEC_REF_ERROR:     "dec_ref error",
		C.Z3_EXCEPTION:         "Z3 exception without message",
	}
	if n, ok := names[code]; ok {
		return n
	}
	return "unknown error"
}

// --- terms -------------------------------------------------------------

// Term is a Z3 expression of a Context, or an error (see Err). Terms are
// plain values; their Z3 reference is held by the Context until Close.
type Term struct {
	c   *Context
	a   C.Z3_ast
	err error
}

// Err returns the error that occurred while building the term, if any.
func (t Term) Err() error {
	if t.err != nil {
		return t.err
	}
	if t.c == nil {
		return ErrZeroTerm
	}
	if t.c.closed {
		return ErrClosed
	}
	return nil
}

// Context returns the term's context (nil for the zero Term).
func (t Term) Context() *Context { return t.c }

// Kind returns the term's sort (KindOther for an erroneous term).
func (t Term) Kind() Kind {
	if t.Err() != nil {
		return KindOther
	}
	return t.c.kindOf(t.a)
}

// String returns the term in SMT-LIB syntax, or "<error: ...>".
func (t Term) String() string {
	if err := t.Err(); err != nil {
		return "<error: " + err.Error() + ">"
	}
	return C.GoString(C.Z3_ast_to_string(t.c.ctx, t.a))
}

func (c *Context) kindOf(a C.Z3_ast) Kind {
	switch C.Z3_get_sort_kind(c.ctx, C.Z3_get_sort(c.ctx, a)) {
	case C.Z3_BOOL_SORT:
		return KindBool
	case C.Z3_INT_SORT:
		return KindInt
	case C.Z3_REAL_SORT:
		return KindReal
	}
	return KindOther
}

func (c *Context) fail(err error) Term { return Term{c: c, err: err} }

// own wraps the result of a Z3 call: it checks the error code, takes a
// reference at once (a fresh AST has refcount 0 in an rc context) and records
// it for Close.
func (c *Context) own(op string, a C.Z3_ast) Term {
	if err := c.lastError(op); err != nil {
		return c.fail(err)
	}
	if a == nil {
		return c.fail(&Error{Op: op, Msg: "Z3 returned no term"})
	}
	C.Z3_inc_ref(c.ctx, a)
	c.refs = append(c.refs, a)
	return Term{c: c, a: a}
}

// args validates the operands of an operation.
func (c *Context) args(ts []Term) ([]C.Z3_ast, error) {
	if c.closed {
		return nil, ErrClosed
	}
	out := make([]C.Z3_ast, len(ts))
	for i, t := range ts {
		if t.err != nil {
			return nil, t.err
		}
		if t.c == nil {
			return nil, ErrZeroTerm
		}
		if t.c != c {
			return nil, ErrForeignTerm
		}
		out[i] = t.a
	}
	return out, nil
}

func (c *Context) sortOf(k Kind) (C.Z3_sort, error) {
	switch k {
	case KindBool:
		return c.boolSort, nil
	case KindInt:
		return c.intSort, nil
	case KindReal:
		return c.realSort, nil
	}
	return nil, fmt.Errorf("z3: unsupported sort kind %v", k)
}

// Const returns the constant (free variable) name of the given sort.
// The same name and sort give the same constant.
func (c *Context) Const(name string, k Kind) Term {
	if c.closed {
		return c.fail(ErrClosed)
	}
	s, err := c.sortOf(k)
	if err != nil {
		return c.fail(err)
	}
	cs := C.CString(name)
	sym := C.Z3_mk_string_symbol(c.ctx, cs)
	C.free(unsafe.Pointer(cs))
	return c.own("Const", C.Z3_mk_const(c.ctx, sym, s))
}

// RealConst returns the Real constant name.
func (c *Context) RealConst(name string) Term { return c.Const(name, KindReal) }

// IntConst returns the Int constant name.
func (c *Context) IntConst(name string) Term { return c.Const(name, KindInt) }

// BoolConst returns the Bool constant name.
func (c *Context) BoolConst(name string) Term { return c.Const(name, KindBool) }

// Bool returns true or false.
func (c *Context) Bool(b bool) Term {
	if c.closed {
		return c.fail(ErrClosed)
	}
	if b {
		return c.own("Bool", C.Z3_mk_true(c.ctx))
	}
	return c.own("Bool", C.Z3_mk_false(c.ctx))
}

// --- numerals ----------------------------------------------------------

// checkDigits refuses |x| with more than max decimal digits (see package digits).
func checkDigits(x *big.Int, max int) error {
	n, exact, over := digits.Over(x, max)
	switch {
	case !over:
		return nil
	case exact:
		return fmt.Errorf("%w: %d decimal digits (limit %d)", ErrTooLarge, n, max)
	}
	return fmt.Errorf("%w: more than %d decimal digits (limit %d)", ErrTooLarge, n-1, max)
}

// numeral builds a numeral of sort k from the exact value r.
func (c *Context) numeral(op string, r *big.Rat, k Kind) Term {
	if c.closed {
		return c.fail(ErrClosed)
	}
	if r == nil {
		return c.fail(fmt.Errorf("%w: nil number", ErrBadNumeral))
	}
	s, err := c.sortOf(k)
	if err != nil || k == KindBool {
		return c.fail(fmt.Errorf("%w: numeral of sort %v", ErrBadNumeral, k))
	}
	if k == KindInt && !r.IsInt() {
		return c.fail(fmt.Errorf("%w: %s is not an integer", ErrBadNumeral, r.RatString()))
	}
	if err := checkDigits(r.Num(), c.maxDigits); err != nil {
		return c.fail(err)
	}
	if err := checkDigits(r.Denom(), c.maxDigits); err != nil {
		return c.fail(err)
	}
	if r.IsInt() && r.Num().IsInt64() {
		return c.own(op, C.Z3_mk_int64(c.ctx, C.int64_t(r.Num().Int64()), s))
	}
	cs := C.CString(r.RatString()) // "p/q", or "p" when q = 1
	defer C.free(unsafe.Pointer(cs))
	return c.own(op, C.Z3_mk_numeral(c.ctx, cs, s))
}

// Real returns the Real numeral r (exact).
func (c *Context) Real(r *big.Rat) Term { return c.numeral("Real", r, KindReal) }

// RealFrac returns the Real numeral num/den.
func (c *Context) RealFrac(num, den int64) Term {
	if den == 0 {
		return c.fail(fmt.Errorf("%w: zero denominator", ErrBadNumeral))
	}
	return c.numeral("RealFrac", big.NewRat(num, den), KindReal)
}

// Int returns the Int numeral i.
func (c *Context) Int(i *big.Int) Term {
	if i == nil {
		return c.fail(fmt.Errorf("%w: nil number", ErrBadNumeral))
	}
	return c.numeral("Int", new(big.Rat).SetInt(i), KindInt)
}

// Int64 returns the Int numeral n.
func (c *Context) Int64(n int64) Term { return c.numeral("Int64", big.NewRat(n, 1), KindInt) }

var numeralRE = regexp.MustCompile(`^[+-]?(?:[0-9]+/[0-9]+|[0-9]+(?:\.[0-9]*)?|\.[0-9]+)$`)

// Numeral returns the numeral of sort k (KindInt or KindReal) written s:
// an integer "-12", a fraction "p/q" or a decimal "1.25" (no exponent).
// The value is exact; for KindInt it must be an integer.
func (c *Context) Numeral(s string, k Kind) Term {
	if c.maxDigits > 0 && len(s) > 2*c.maxDigits+3 {
		return c.fail(fmt.Errorf("%w: numeral string of %d characters (limit %d digits)", ErrTooLarge, len(s), c.maxDigits))
	}
	if !numeralRE.MatchString(s) {
		return c.fail(fmt.Errorf("%w: %q", ErrBadNumeral, s))
	}
	r, ok := new(big.Rat).SetString(s)
	if !ok {
		return c.fail(fmt.Errorf("%w: %q", ErrBadNumeral, s))
	}
	return c.numeral("Numeral", r, k)
}

// --- operations --------------------------------------------------------

type naryFn func(C.Z3_context, C.uint, *C.Z3_ast) C.Z3_ast

func (c *Context) nary(op string, f naryFn, ts []Term) Term {
	as, err := c.args(ts)
	if err != nil {
		return c.fail(err)
	}
	return c.own(op, f(c.ctx, C.uint(len(as)), &as[0]))
}

func (c *Context) unary(op string, f func(C.Z3_context, C.Z3_ast) C.Z3_ast, a Term) Term {
	as, err := c.args([]Term{a})
	if err != nil {
		return c.fail(err)
	}
	return c.own(op, f(c.ctx, as[0]))
}

func (c *Context) binary(op string, f func(C.Z3_context, C.Z3_ast, C.Z3_ast) C.Z3_ast, a, b Term) Term {
	as, err := c.args([]Term{a, b})
	if err != nil {
		return c.fail(err)
	}
	return c.own(op, f(c.ctx, as[0], as[1]))
}

func (c *Context) needArgs(op string, ts []Term) error {
	if len(ts) == 0 {
		return fmt.Errorf("z3: %s needs at least one argument", op)
	}
	return nil
}

// Add returns the sum of ts (at least one term; Int and Real may be mixed:
// Z3 inserts to_real).
func (c *Context) Add(ts ...Term) Term {
	if err := c.needArgs("Add", ts); err != nil {
		return c.fail(err)
	}
	return c.nary("Add", func(z C.Z3_context, n C.uint, p *C.Z3_ast) C.Z3_ast { return C.Z3_mk_add(z, n, p) }, ts)
}

// Sub returns a - b1 - b2 - ...
func (c *Context) Sub(a Term, bs ...Term) Term {
	ts := append([]Term{a}, bs...)
	if len(ts) == 1 { // Z3_mk_sub of one argument would be a negation
		if _, err := c.args(ts); err != nil {
			return c.fail(err)
		}
		if k := a.Kind(); k != KindInt && k != KindReal {
			return c.fail(&Error{Op: "Sub", Code: C.Z3_SORT_ERROR, Msg: "argument of sort " + k.String() + " is not arithmetic"})
		}
		return a
	}
	return c.nary("Sub", func(z C.Z3_context, n C.uint, p *C.Z3_ast) C.Z3_ast { return C.Z3_mk_sub(z, n, p) }, ts)
}

// Mul returns the product of ts (at least one term; nonlinear products are
// allowed).
func (c *Context) Mul(ts ...Term) Term {
	if err := c.needArgs("Mul", ts); err != nil {
		return c.fail(err)
	}
	return c.nary("Mul", func(z C.Z3_context, n C.uint, p *C.Z3_ast) C.Z3_ast { return C.Z3_mk_mul(z, n, p) }, ts)
}

// Div returns a / b: real division for Real operands, SMT-LIB integer
// division for Int operands. Division by zero is unspecified in SMT-LIB (a
// model may give it any value).
func (c *Context) Div(a, b Term) Term {
	return c.binary("Div", func(z C.Z3_context, x, y C.Z3_ast) C.Z3_ast { return C.Z3_mk_div(z, x, y) }, a, b)
}

// Neg returns -a.
func (c *Context) Neg(a Term) Term {
	return c.unary("Neg", func(z C.Z3_context, x C.Z3_ast) C.Z3_ast { return C.Z3_mk_unary_minus(z, x) }, a)
}

// ToReal converts an Int term to Real.
func (c *Context) ToReal(a Term) Term {
	return c.unary("ToReal", func(z C.Z3_context, x C.Z3_ast) C.Z3_ast { return C.Z3_mk_int2real(z, x) }, a)
}

// Lt returns a < b.
func (c *Context) Lt(a, b Term) Term {
	return c.binary("Lt", func(z C.Z3_context, x, y C.Z3_ast) C.Z3_ast { return C.Z3_mk_lt(z, x, y) }, a, b)
}

// Le returns a <= b.
func (c *Context) Le(a, b Term) Term {
	return c.binary("Le", func(z C.Z3_context, x, y C.Z3_ast) C.Z3_ast { return C.Z3_mk_le(z, x, y) }, a, b)
}

// Gt returns a > b.
func (c *Context) Gt(a, b Term) Term {
	return c.binary("Gt", func(z C.Z3_context, x, y C.Z3_ast) C.Z3_ast { return C.Z3_mk_gt(z, x, y) }, a, b)
}

// Ge returns a >= b.
func (c *Context) Ge(a, b Term) Term {
	return c.binary("Ge", func(z C.Z3_context, x, y C.Z3_ast) C.Z3_ast { return C.Z3_mk_ge(z, x, y) }, a, b)
}

// Eq returns a = b (any sort; for Bool it is "iff").
func (c *Context) Eq(a, b Term) Term {
	return c.binary("Eq", func(z C.Z3_context, x, y C.Z3_ast) C.Z3_ast { return C.Z3_mk_eq(z, x, y) }, a, b)
}

// Distinct returns pairwise distinctness of ts (true for fewer than two).
func (c *Context) Distinct(ts ...Term) Term {
	if len(ts) < 2 {
		if _, err := c.args(ts); err != nil {
			return c.fail(err)
		}
		return c.Bool(true)
	}
	return c.nary("Distinct", func(z C.Z3_context, n C.uint, p *C.Z3_ast) C.Z3_ast { return C.Z3_mk_distinct(z, n, p) }, ts)
}

// Ite returns if cond then then else els.
func (c *Context) Ite(cond, then, els Term) Term {
	as, err := c.args([]Term{cond, then, els})
	if err != nil {
		return c.fail(err)
	}
	return c.own("Ite", C.Z3_mk_ite(c.ctx, as[0], as[1], as[2]))
}

// And returns the conjunction of ts (true when empty).
func (c *Context) And(ts ...Term) Term {
	if len(ts) == 0 {
		return c.Bool(true)
	}
	return c.nary("And", func(z C.Z3_context, n C.uint, p *C.Z3_ast) C.Z3_ast { return C.Z3_mk_and(z, n, p) }, ts)
}

// Or returns the disjunction of ts (false when empty).
func (c *Context) Or(ts ...Term) Term {
	if len(ts) == 0 {
		return c.Bool(false)
	}
	return c.nary("Or", func(z C.Z3_context, n C.uint, p *C.Z3_ast) C.Z3_ast { return C.Z3_mk_or(z, n, p) }, ts)
}

// Not returns ¬a.
func (c *Context) Not(a Term) Term {
	return c.unary("Not", func(z C.Z3_context, x C.Z3_ast) C.Z3_ast { return C.Z3_mk_not(z, x) }, a)
}

// Implies returns a ⇒ b.
func (c *Context) Implies(a, b Term) Term {
	return c.binary("Implies", func(z C.Z3_context, x, y C.Z3_ast) C.Z3_ast { return C.Z3_mk_implies(z, x, y) }, a, b)
}

// z3AllocBytes is libz3's global estimate of the bytes it has allocated
// (all contexts); used by the leak test.
func z3AllocBytes() uint64 { return uint64(C.Z3_get_estimated_alloc_size()) }
