package z3solver

import (
	"context"
	"fmt"
	"time"

	"certify/smt"
	"certify/smt/z3"
)

// Solver decides queries with the Z3 API.
type Solver struct {
	// MaxDigits bounds the digits of a numeral in the query text (0: the binding's
	// default, z3.DefaultMaxNumeralDigits).
	MaxDigits int
	// Precision is the number of decimal digits of the isolating interval given for an
	// irrational model value (0: 40).
	Precision int
}

// New returns the API solver, or an error matching smt.ErrUnavailable when this build
// has no Z3 (built without cgo).
func New() (*Solver, error) {
	if !z3.Available() {
		return nil, fmt.Errorf("%w: this build of certify has no Z3 API support (build with cgo after apt-get install libz3-dev)", smt.ErrUnavailable)
	}
	return &Solver{}, nil
}

// Name is "z3-api".
func (s *Solver) Name() string { return "z3-api" }

// Solve parses q into a fresh context and checks it; ctx's end interrupts the check.
func (s *Solver) Solve(ctx context.Context, q *smt.Query) (res smt.Result, err error) {
	start := time.Now()
	res.Solver = s.Name()
	defer func() { res.Time = time.Since(start) }()
	c, err := z3.NewContext()
	if err != nil {
		return res, fmt.Errorf("%w: %v", smt.ErrUnavailable, err)
	}
	defer c.Close()
	if s.MaxDigits != 0 {
		c.SetMaxNumeralDigits(s.MaxDigits)
	}
	terms, err := c.ParseSMTLIB2(q.Body)
	if err != nil {
		return res, fmt.Errorf("smt/z3solver: %s: %w", q.Name, err)
	}
	sol, err := c.NewSolver(q.Logic)
	if err != nil {
		return res, err
	}
	if err := sol.Assert(terms...); err != nil {
		return res, err
	}
	r, err := sol.Check(ctx)
	if err != nil {
		return res, err
	}
	switch r {
	case z3.Unsat:
		res.Status = smt.Unsat
		return res, nil
	case z3.Unknown:
		res.Reason = sol.ReasonUnknown()
		return res, nil
	}
	res.Status = smt.Sat
	if len(q.Want) == 0 {
		return res, nil
	}
	m, err := sol.Model()
	if err != nil {
		return res, err
	}
	prec := s.Precision
	if prec == 0 {
		prec = 40
	}
	res.Model = make(map[string]smt.Value, len(q.Want))
	for _, name := range q.Want {
		var t z3.Term
		if q.WantReal {
			t = c.RealConst(name)
		} else {
			t = c.BoolConst(name)
		}
		v, err := m.EvalPrec(t, prec)
		if err != nil {
			return res, fmt.Errorf("smt/z3solver: value of %s: %w", name, err)
		}
		res.Model[name] = smt.Value{IsBool: v.Kind == z3.KindBool, Bool: v.Bool, Rat: v.Rat,
			Algebraic: v.Algebraic, Lower: v.Lower, Upper: v.Upper, Approx: v.Approx}
	}
	return res, nil
}
