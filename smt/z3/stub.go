//go:build !cgo

package z3

// This file gives the package its API when built without cgo: NewContext
// returns ErrUnavailable and every method of the (never non-nil) types
// reports ErrUnavailable or a zero value, so callers compile either way.

import (
	"context"
	"math/big"
	"time"
)

// Available reports whether the package was built with Z3 support.
func Available() bool { return false }

// Version returns "" when Z3 support is not compiled in.
func Version() string { return "" }

// Context is unavailable without cgo.
type Context struct{}

// NewContext returns ErrUnavailable without cgo.
func NewContext() (*Context, error) { return nil, ErrUnavailable }

func (c *Context) Close() error                            { return nil }
func (c *Context) Interrupt()                              {}
func (c *Context) SetMaxNumeralDigits(n int)               {}
func (c *Context) MaxNumeralDigits() int                   { return DefaultMaxNumeralDigits }
func (c *Context) NumRefs() int                            { return 0 }
func (c *Context) Const(name string, k Kind) Term          { return Term{} }
func (c *Context) RealConst(name string) Term              { return Term{} }
func (c *Context) IntConst(name string) Term               { return Term{} }
func (c *Context) BoolConst(name string) Term              { return Term{} }
func (c *Context) Bool(b bool) Term                        { return Term{} }
func (c *Context) Real(r *big.Rat) Term                    { return Term{} }
func (c *Context) RealFrac(num, den int64) Term            { return Term{} }
func (c *Context) Int(i *big.Int) Term                     { return Term{} }
func (c *Context) Int64(n int64) Term                      { return Term{} }
func (c *Context) Numeral(s string, k Kind) Term           { return Term{} }
func (c *Context) Add(ts ...Term) Term                     { return Term{} }
func (c *Context) Sub(a Term, bs ...Term) Term             { return Term{} }
func (c *Context) Mul(ts ...Term) Term                     { return Term{} }
func (c *Context) Div(a, b Term) Term                      { return Term{} }
func (c *Context) Neg(a Term) Term                         { return Term{} }
func (c *Context) ToReal(a Term) Term                      { return Term{} }
func (c *Context) Lt(a, b Term) Term                       { return Term{} }
func (c *Context) Le(a, b Term) Term                       { return Term{} }
func (c *Context) Gt(a, b Term) Term                       { return Term{} }
func (c *Context) Ge(a, b Term) Term                       { return Term{} }
func (c *Context) Eq(a, b Term) Term                       { return Term{} }
func (c *Context) Distinct(ts ...Term) Term                { return Term{} }
func (c *Context) Ite(cond, then, els Term) Term           { return Term{} }
func (c *Context) And(ts ...Term) Term                     { return Term{} }
func (c *Context) Or(ts ...Term) Term                      { return Term{} }
func (c *Context) Not(a Term) Term                         { return Term{} }
func (c *Context) Implies(a, b Term) Term                  { return Term{} }
func (c *Context) NewSolver(logic string) (*Solver, error) { return nil, ErrUnavailable }
func (c *Context) ParseSMTLIB2(src string) ([]Term, error) { return nil, ErrUnavailable }

// Term is unavailable without cgo.
type Term struct{}

func (t Term) Err() error        { return ErrUnavailable }
func (t Term) Kind() Kind        { return KindOther }
func (t Term) String() string    { return "<z3 unavailable>" }
func (t Term) Context() *Context { return nil }

// Solver is unavailable without cgo.
type Solver struct{}

func (s *Solver) Close() error                                 { return nil }
func (s *Solver) Logic() string                                { return "" }
func (s *Solver) Assert(ts ...Term) error                      { return ErrUnavailable }
func (s *Solver) Push() error                                  { return ErrUnavailable }
func (s *Solver) Pop(n int) error                              { return ErrUnavailable }
func (s *Solver) NumScopes() int                               { return 0 }
func (s *Solver) SetSeed(seed uint32) error                    { return ErrUnavailable }
func (s *Solver) SetRlimit(limit uint32) error                 { return ErrUnavailable }
func (s *Solver) SetUintParam(name string, v uint32) error     { return ErrUnavailable }
func (s *Solver) SetBoolParam(name string, v bool) error       { return ErrUnavailable }
func (s *Solver) Check(ctx context.Context) (Result, error)    { return Unknown, ErrUnavailable }
func (s *Solver) CheckTimeout(d time.Duration) (Result, error) { return Unknown, ErrUnavailable }
func (s *Solver) ReasonUnknown() string                        { return "" }
func (s *Solver) Model() (*Model, error)                       { return nil, ErrUnavailable }
func (s *Solver) Statistics() (map[string]string, error)       { return nil, ErrUnavailable }
func (s *Solver) String() string                               { return "<z3 unavailable>" }
func (s *Solver) ToSMTLIB() (string, error)                    { return "", ErrUnavailable }

// Model is unavailable without cgo.
type Model struct{}

func (m *Model) Close() error                               { return nil }
func (m *Model) Eval(t Term) (Value, error)                 { return Value{}, ErrUnavailable }
func (m *Model) EvalPrec(t Term, digits int) (Value, error) { return Value{}, ErrUnavailable }
func (m *Model) Rat(t Term) (*big.Rat, error)               { return nil, ErrUnavailable }
func (m *Model) Bool(t Term) (bool, error)                  { return false, ErrUnavailable }
func (m *Model) String() string                             { return "<z3 unavailable>" }
