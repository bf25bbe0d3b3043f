//go:build cgo

package z3

/*
#include <stdlib.h>
#include <z3.h>
*/
import "C"

import (
	"context"
	"fmt"
	"math/big"
	"strconv"
	"sync"
	"time"
	"unsafe"
)

// interruptEvery is how often a cancelled check is interrupted again: an
// interrupt that arrives before Z3 has armed its handler is lost.
const interruptEvery = 25 * time.Millisecond

// Solver is a Z3 solver of a Context. Release it with Close, or let
// Context.Close do it.
type Solver struct {
	c      *Context
	s      C.Z3_solver
	logic  string
	closed bool
	last   Result
	sat    bool // the last check returned Sat
	reason string
}

// NewSolver creates a solver. logic names an SMT-LIB logic ("QF_NRA",
// "QF_LRA", "QF_LIA", ...) to select Z3's solver for it (declaring the logic
// matters for speed); "" gives Z3's general solver. The solver is created
// with ctrl_c=false.
func (c *Context) NewSolver(logic string) (*Solver, error) {
	if c.closed {
		return nil, ErrClosed
	}
	var zs C.Z3_solver
	if logic == "" {
		zs = C.Z3_mk_solver(c.ctx)
	} else {
		cs := C.CString(logic)
		sym := C.Z3_mk_string_symbol(c.ctx, cs)
		C.free(unsafe.Pointer(cs))
		zs = C.Z3_mk_solver_for_logic(c.ctx, sym)
	}
	if err := c.lastError("NewSolver(" + logic + ")"); err != nil {
		return nil, err
	}
	if zs == nil {
		return nil, &Error{Op: "NewSolver(" + logic + ")", Msg: "Z3 returned no solver"}
	}
	C.Z3_solver_inc_ref(c.ctx, zs)
	s := &Solver{c: c, s: zs, logic: logic}
	c.solvers[s] = struct{}{}
	if err := s.SetBoolParam("ctrl_c", false); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

func (s *Solver) usable() error {
	if s == nil || s.closed || s.c.closed {
		return ErrClosed
	}
	return nil
}

func (s *Solver) release() {
	if s.closed {
		return
	}
	C.Z3_solver_dec_ref(s.c.ctx, s.s)
	s.closed = true
	s.s = nil
	delete(s.c.solvers, s)
}

// Close releases the solver. It is idempotent; models already taken from
// the solver stay valid.
func (s *Solver) Close() error {
	if s == nil || s.closed || s.c.closed {
		return nil
	}
	s.release()
	return nil
}

// Logic returns the logic the solver was made for ("" for the general one).
func (s *Solver) Logic() string { return s.logic }

// Assert adds the Bool terms ts to the solver.
func (s *Solver) Assert(ts ...Term) error {
	if err := s.usable(); err != nil {
		return err
	}
	as, err := s.c.args(ts)
	if err != nil {
		return err
	}
	for _, a := range as {
		C.Z3_solver_assert(s.c.ctx, s.s, a)
		if err := s.c.lastError("Assert"); err != nil {
			return err
		}
	}
	return nil
}

// Push opens a backtracking scope.
func (s *Solver) Push() error {
	if err := s.usable(); err != nil {
		return err
	}
	C.Z3_solver_push(s.c.ctx, s.s)
	return s.c.lastError("Push")
}

// Pop closes n scopes (an error if fewer are open).
func (s *Solver) Pop(n int) error {
	if err := s.usable(); err != nil {
		return err
	}
	if n < 0 {
		return &Error{Op: "Pop", Code: C.Z3_IOB, Msg: "negative scope count"}
	}
	C.Z3_solver_pop(s.c.ctx, s.s, C.uint(n))
	return s.c.lastError("Pop")
}

// NumScopes returns the number of open scopes (0 on a closed solver).
func (s *Solver) NumScopes() int {
	if s.usable() != nil {
		return 0
	}
	return int(C.Z3_solver_get_num_scopes(s.c.ctx, s.s))
}

func (s *Solver) setParam(op string, set func(C.Z3_context, C.Z3_params, C.Z3_symbol), name string) error {
	if err := s.usable(); err != nil {
		return err
	}
	z := s.c.ctx
	p := C.Z3_mk_params(z)
	if err := s.c.lastError(op); err != nil {
		return err
	}
	C.Z3_params_inc_ref(z, p)
	defer C.Z3_params_dec_ref(z, p)
	cs := C.CString(name)
	sym := C.Z3_mk_string_symbol(z, cs)
	C.free(unsafe.Pointer(cs))
	set(z, p, sym)
	C.Z3_solver_set_params(z, s.s, p)
	return s.c.lastError(op)
}

// SetUintParam sets an unsigned solver parameter (validated by Z3).
func (s *Solver) SetUintParam(name string, v uint32) error {
	return s.setParam("SetUintParam("+name+")", func(z C.Z3_context, p C.Z3_params, k C.Z3_symbol) {
		C.Z3_params_set_uint(z, p, k, C.uint(v))
	}, name)
}

// SetBoolParam sets a Boolean solver parameter (validated by Z3).
func (s *Solver) SetBoolParam(name string, v bool) error {
	return s.setParam("SetBoolParam("+name+")", func(z C.Z3_context, p C.Z3_params, k C.Z3_symbol) {
		C.Z3_params_set_bool(z, p, k, C.bool(v))
	}, name)
}

// SetSeed sets the solver's random seed (parameter random_seed).
func (s *Solver) SetSeed(seed uint32) error { return s.SetUintParam("random_seed", seed) }

// SetRlimit sets a deterministic resource limit per check (parameter
// rlimit; 0 means none). A check that exceeds it returns Unknown.
func (s *Solver) SetRlimit(limit uint32) error { return s.SetUintParam("rlimit", limit) }

// Check decides the assertions. When ctx is cancelled or its deadline
// passes, the check is interrupted (as by Context.Interrupt, repeated until
// the check returns) and normally returns Unknown with a reason; see
// ReasonUnknown.
// Z3 can be slow to notice an interrupt on some nonlinear problems.
func (s *Solver) Check(ctx context.Context) (Result, error) {
	if err := s.usable(); err != nil {
		return Unknown, err
	}
	if ctx == nil {
		ctx = context.Background()
	}
	s.sat, s.last, s.reason = false, Unknown, ""
	if err := ctx.Err(); err != nil {
		s.reason = "not started: " + err.Error()
		return Unknown, nil
	}
	var stop chan struct{}
	var wg sync.WaitGroup
	if ctx.Done() != nil {
		stop = make(chan struct{})
		wg.Add(1)
		go func() {
			defer wg.Done()
			select {
			case <-stop:
				return
			case <-ctx.Done():
			}
			t := time.NewTicker(interruptEvery)
			defer t.Stop()
			for {
				s.c.Interrupt()
				select {
				case <-stop:
					return
				case <-t.C:
				}
			}
		}()
	}
	s.c.setRunning(s)
	r := C.Z3_solver_check(s.c.ctx, s.s)
	s.c.setRunning(nil)
	if stop != nil {
		close(stop)
		wg.Wait()
	}
	if err := s.c.lastError("Check"); err != nil {
		return Unknown, err
	}
	switch r {
	case C.Z3_L_TRUE:
		s.last, s.sat = Sat, true
	case C.Z3_L_FALSE:
		s.last = Unsat
	default:
		s.last = Unknown
		s.reason = C.GoString(C.Z3_solver_get_reason_unknown(s.c.ctx, s.s))
		if err := ctx.Err(); err != nil {
			s.reason += " (" + err.Error() + ")"
		}
	}
	return s.last, nil
}

// CheckTimeout is Check with a wall-clock budget d (d <= 0: none).
func (s *Solver) CheckTimeout(d time.Duration) (Result, error) {
	if d <= 0 {
		return s.Check(context.Background())
	}
	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel()
	return s.Check(ctx)
}

// ReasonUnknown explains the last Unknown result ("" otherwise), e.g.
// "canceled (context deadline exceeded)" or "max. resource limit exceeded".
func (s *Solver) ReasonUnknown() string { return s.reason }

// Model returns the model of the last check, which must have returned Sat.
func (s *Solver) Model() (*Model, error) {
	if err := s.usable(); err != nil {
		return nil, err
	}
	if !s.sat {
		return nil, ErrNoModel
	}
	m := C.Z3_solver_get_model(s.c.ctx, s.s)
	if err := s.c.lastError("Model"); err != nil {
		return nil, err
	}
	if m == nil {
		return nil, ErrNoModel
	}
	C.Z3_model_inc_ref(s.c.ctx, m)
	mod := &Model{c: s.c, m: m}
	s.c.models[mod] = struct{}{}
	return mod, nil
}

// Statistics returns the solver's statistics of the last check, keyed by
// Z3's names. Unsigned values are decimal integers; double values (times,
// memory) are formatted with strconv 'g'.
func (s *Solver) Statistics() (map[string]string, error) {
	if err := s.usable(); err != nil {
		return nil, err
	}
	z := s.c.ctx
	st := C.Z3_solver_get_statistics(z, s.s)
	if err := s.c.lastError("Statistics"); err != nil {
		return nil, err
	}
	C.Z3_stats_inc_ref(z, st)
	defer C.Z3_stats_dec_ref(z, st)
	n := C.Z3_stats_size(z, st)
	out := make(map[string]string, int(n))
	for i := C.uint(0); i < n; i++ {
		k := C.GoString(C.Z3_stats_get_key(z, st, i))
		if C.Z3_stats_is_uint(z, st, i) {
			out[k] = strconv.FormatUint(uint64(C.Z3_stats_get_uint_value(z, st, i)), 10)
		} else {
			out[k] = strconv.FormatFloat(float64(C.Z3_stats_get_double_value(z, st, i)), 'g', -1, 64)
		}
	}
	return out, s.c.lastError("Statistics")
}

// String returns Z3's rendering of the solver (Z3_solver_to_string):
// declarations and assertions in SMT-LIB syntax, followed, after a check, by
// Z3's internal model-converter notes. Use ToSMTLIB for a clean benchmark.
func (s *Solver) String() string {
	if s.usable() != nil {
		return "<closed solver>"
	}
	str := C.GoString(C.Z3_solver_to_string(s.c.ctx, s.s))
	if err := s.c.lastError("String"); err != nil {
		return "<error: " + err.Error() + ">"
	}
	return str
}

// ToSMTLIB writes the solver's assertions as an SMT-LIB 2 benchmark
// (set-logic when the solver has a logic, declarations, asserts,
// check-sat) via Z3_benchmark_to_smtlib_string.
func (s *Solver) ToSMTLIB() (string, error) {
	if err := s.usable(); err != nil {
		return "", err
	}
	z := s.c.ctx
	v := C.Z3_solver_get_assertions(z, s.s)
	if err := s.c.lastError("ToSMTLIB"); err != nil {
		return "", err
	}
	C.Z3_ast_vector_inc_ref(z, v)
	defer C.Z3_ast_vector_dec_ref(z, v)
	n := int(C.Z3_ast_vector_size(z, v))
	as := make([]C.Z3_ast, n, n+1)
	for i := range as {
		as[i] = C.Z3_ast_vector_get(z, v, C.uint(i))
	}
	var formula C.Z3_ast
	if n == 0 {
		formula = C.Z3_mk_true(z)
		C.Z3_inc_ref(z, formula)
		defer C.Z3_dec_ref(z, formula)
	} else {
		formula, as = as[n-1], as[:n-1]
	}
	as = append(as, nil) // keep &as[0] valid when there are no assumptions
	cname, clogic := C.CString(""), C.CString(s.logic)
	cstatus, cattr := C.CString("unknown"), C.CString("")
	defer func() {
		for _, p := range []*C.char{cname, clogic, cstatus, cattr} {
			C.free(unsafe.Pointer(p))
		}
	}()
	str := C.GoString(C.Z3_benchmark_to_smtlib_string(z, cname, clogic, cstatus, cattr,
		C.uint(len(as)-1), &as[0], formula))
	if err := s.c.lastError("ToSMTLIB"); err != nil {
		return "", err
	}
	return str, nil
}

// --- models ------------------------------------------------------------

// Model is a satisfying assignment. Release it with Close, or let
// Context.Close do it.
type Model struct {
	c      *Context
	m      C.Z3_model
	closed bool
}

func (m *Model) usable() error {
	if m == nil || m.closed || m.c.closed {
		return ErrClosed
	}
	return nil
}

func (m *Model) release() {
	if m.closed {
		return
	}
	C.Z3_model_dec_ref(m.c.ctx, m.m)
	m.closed = true
	m.m = nil
	delete(m.c.models, m)
}

// Close releases the model; idempotent.
func (m *Model) Close() error {
	if m == nil || m.closed || m.c.closed {
		return nil
	}
	m.release()
	return nil
}

// String returns Z3's rendering of the model.
func (m *Model) String() string {
	if m.usable() != nil {
		return "<closed model>"
	}
	return C.GoString(C.Z3_model_to_string(m.c.ctx, m.m))
}

// Eval evaluates t in the model with model completion (unconstrained
// constants get a value) and reads the value back exactly; irrational
// algebraic values are bracketed to DefaultAlgebraicPrecision digits.
func (m *Model) Eval(t Term) (Value, error) { return m.EvalPrec(t, DefaultAlgebraicPrecision) }

// EvalPrec is Eval with the precision (decimal digits) used for irrational
// algebraic values.
func (m *Model) EvalPrec(t Term, digits int) (Value, error) {
	if err := m.usable(); err != nil {
		return Value{}, err
	}
	if digits < 1 {
		digits = 1
	}
	c := m.c
	as, err := c.args([]Term{t})
	if err != nil {
		return Value{}, err
	}
	var out C.Z3_ast
	ok := C.Z3_model_eval(c.ctx, m.m, as[0], true, &out)
	if err := c.lastError("Eval"); err != nil {
		return Value{}, err
	}
	if !ok || out == nil {
		return Value{}, &Error{Op: "Eval", Msg: "model evaluation failed for " + t.String()}
	}
	C.Z3_inc_ref(c.ctx, out)
	defer C.Z3_dec_ref(c.ctx, out)
	return c.value(out, digits)
}

func (c *Context) value(a C.Z3_ast, digits int) (Value, error) {
	z := c.ctx
	v := Value{Kind: c.kindOf(a)}
	switch v.Kind {
	case KindBool:
		switch C.Z3_get_bool_value(z, a) {
		case C.Z3_L_TRUE:
			v.Bool = true
		case C.Z3_L_FALSE:
			v.Bool = false
		default:
			return Value{}, fmt.Errorf("z3: model value is not a Boolean constant: %s", c.astString(a))
		}
		return v, nil
	case KindInt, KindReal:
		if C.Z3_is_algebraic_number(z, a) {
			v.Algebraic = true
			v.Approx = C.GoString(C.Z3_get_numeral_decimal_string(z, a, C.uint(digits)))
			lo := C.Z3_get_algebraic_number_lower(z, a, C.uint(digits))
			if err := c.lastError("Eval"); err != nil {
				return Value{}, err
			}
			var err error
			if v.Lower, err = c.tempRat(lo); err != nil {
				return Value{}, err
			}
			hi := C.Z3_get_algebraic_number_upper(z, a, C.uint(digits))
			if err := c.lastError("Eval"); err != nil {
				return Value{}, err
			}
			if v.Upper, err = c.tempRat(hi); err != nil {
				return Value{}, err
			}
			return v, nil
		}
		if !C.Z3_is_numeral_ast(z, a) {
			return Value{}, fmt.Errorf("z3: model value is not a numeral: %s", c.astString(a))
		}
		r, err := c.ratOf(a)
		if err != nil {
			return Value{}, err
		}
		v.Rat = r
		return v, nil
	}
	return Value{}, fmt.Errorf("z3: model value of unsupported sort: %s", c.astString(a))
}

func (c *Context) astString(a C.Z3_ast) string { return C.GoString(C.Z3_ast_to_string(c.ctx, a)) }

// tempRat reads a fresh numeral AST (taking and dropping a reference).
func (c *Context) tempRat(a C.Z3_ast) (*big.Rat, error) {
	if a == nil {
		return nil, &Error{Op: "Eval", Msg: "Z3 returned no bound"}
	}
	C.Z3_inc_ref(c.ctx, a)
	defer C.Z3_dec_ref(c.ctx, a)
	return c.ratOf(a)
}

func (c *Context) ratOf(a C.Z3_ast) (*big.Rat, error) {
	s := C.GoString(C.Z3_get_numeral_string(c.ctx, a))
	if err := c.lastError("Eval"); err != nil {
		return nil, err
	}
	r, ok := new(big.Rat).SetString(s)
	if !ok {
		return nil, fmt.Errorf("z3: cannot read numeral %q", s)
	}
	return r, nil
}

// Rat evaluates the Int or Real term t to an exact rational. An irrational
// algebraic value gives an *AlgebraicError (errors.Is(err, ErrAlgebraic)).
func (m *Model) Rat(t Term) (*big.Rat, error) {
	v, err := m.Eval(t)
	if err != nil {
		return nil, err
	}
	if v.Algebraic {
		return nil, &AlgebraicError{Lower: v.Lower, Upper: v.Upper, Approx: v.Approx}
	}
	if v.Rat == nil {
		return nil, fmt.Errorf("z3: term of sort %v has no rational value", v.Kind)
	}
	return v.Rat, nil
}

// Bool evaluates the Bool term t.
func (m *Model) Bool(t Term) (bool, error) {
	v, err := m.Eval(t)
	if err != nil {
		return false, err
	}
	if v.Kind != KindBool {
		return false, fmt.Errorf("z3: term of sort %v is not Bool", v.Kind)
	}
	return v.Bool, nil
}
