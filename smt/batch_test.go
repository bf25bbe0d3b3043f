package smt

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestSolveBatchPrograms(t *testing.T) {
	bt := &Batch{
		Name: "test", Logic: "QF_NRA",
		Prefix: "(declare-const x Real)\n(assert (> x 0.0))\n",
		Bodies: []string{"(assert (= (* x x) 2.0))\n", "(assert (< x 0.0))\n", "(assert (= x 3.0))\n"},
	}
	want := []Status{Sat, Unsat, Sat}
	var solvers []Solver
	for _, b := range []*Binary{Z3Binary, CVC5Binary} {
		if b.Available() != nil {
			t.Logf("%s not installed", b.Program)
			continue
		}
		solvers = append(solvers, b)
	}
	if len(solvers) == 0 {
		t.Skip("neither z3 nor cvc5 is installed")
	}
	portfolio := Portfolio(slices.Clone(solvers))
	solvers = append(solvers, portfolio)
	for _, s := range solvers {
		r, err := SolveBatch(context.Background(), s, bt, time.Second)
		if err != nil {
			t.Fatalf("%s: %v", s.Name(), err)
		}
		// cvc5 1.0.3 in incremental mode answers "unknown" where the answer is sat;
		// a definite answer must be right, and z3 (alone or in the portfolio) decides all.
		for i, st := range r.Status {
			if st != Unknown && st != want[i] {
				t.Errorf("%s: query %d: %v, want %v", s.Name(), i, st, want[i])
			}
		}
		if n := s.Name(); (n == "z3" || len(portfolio) == 2 && n == portfolio.Name()) && r.Decided() != 3 {
			t.Errorf("%s: %v, want %v", n, r.Status, want)
		}
	}
	// A malformed body is an error, not an answer.
	bad := &Batch{Name: "bad", Logic: "QF_NRA", Bodies: []string{"(assert (= y 1.0))\n"}}
	for _, s := range solvers[:len(solvers)-1] {
		if _, err := SolveBatch(context.Background(), s, bad, time.Second); err == nil || !strings.Contains(err.Error(), "bad") {
			t.Errorf("%s on a malformed batch: %v", s.Name(), err)
		}
	}
}

func TestConfirmUnsat(t *testing.T) {
	var progs []*Binary
	for _, b := range []*Binary{CVC5Binary, Z3Binary} {
		if b.Available() == nil {
			progs = append(progs, b)
		}
	}
	if len(progs) == 0 {
		t.Skip("neither z3 nor cvc5 is installed")
	}
	blocks := "(set-logic QF_NRA)\n; case 1\n(push 1)\n(declare-const x Real)\n(assert (< (* x x) 0.0))\n(check-sat)\n(pop 1)\n; case 2\n(push 1)\n(declare-const x Real)\n(assert (> x 1.0))\n(assert (< x 0.0))\n(check-sat)\n(pop 1)\n(exit)\n"
	h, bodies, ok := splitBlocks(blocks)
	if !ok || h != "(set-logic QF_NRA)\n" || len(bodies) != 2 {
		t.Fatalf("splitBlocks: %q %q %v", h, bodies, ok)
	}
	for _, c := range []struct {
		name, script string
		want         Status
	}{
		{"blocks", blocks, Unsat},
		{"one sat block", strings.Replace(blocks, "(assert (< x 0.0))", "(assert (< x 2.0))", 1), Sat},
		{"whole script", "(set-logic QF_LRA)\n(declare-const y Real)\n(assert (> y 1.0))\n(check-sat)\n(assert (< y 0.0))\n(check-sat)\n", Sat},
		{"whole script unsat", "(set-logic QF_LRA)\n(declare-const y Real)\n(assert (> y 1.0))\n(assert (< y 0.0))\n(check-sat)\n", Unsat},
	} {
		st, who, n, err := ConfirmUnsat(context.Background(), c.script, progs)
		if st != c.want {
			t.Errorf("%s: %v (%s, %d check-sat, %v), want %v", c.name, st, who, n, err, c.want)
		}
	}
	if _, _, _, err := ConfirmUnsat(context.Background(), "(set-logic QF_LRA)\n", progs); err == nil {
		t.Error("a script without check-sat: want an error")
	}
}
