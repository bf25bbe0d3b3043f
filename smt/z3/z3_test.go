//go:build cgo

package z3

import (
	"context"
	"errors"
	"math/big"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"
)

func newCtx(t testing.TB) *Context {
	t.Helper()
	c, err := NewContext()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

func newSolver(t testing.TB, c *Context, logic string) *Solver {
	t.Helper()
	s, err := c.NewSolver(logic)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func mustAssert(t testing.TB, s *Solver, ts ...Term) {
	t.Helper()
	if err := s.Assert(ts...); err != nil {
		t.Fatal(err)
	}
}

func check(t testing.TB, s *Solver, want Result) {
	t.Helper()
	r, err := s.Check(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if r != want {
		t.Fatalf("check = %v (reason %q), want %v", r, s.ReasonUnknown(), want)
	}
}

func model(t testing.TB, s *Solver) *Model {
	t.Helper()
	m, err := s.Model()
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func ratOf(t testing.TB, m *Model, x Term) *big.Rat {
	t.Helper()
	r, err := m.Rat(x)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestVersion(t *testing.T) {
	if !Available() {
		t.Fatal("Available() = false with cgo")
	}
	if v := Version(); !strings.HasPrefix(v, "4.") {
		t.Fatalf("Version() = %q", v)
	}
}

func TestRationalModel(t *testing.T) {
	c := newCtx(t)
	s := newSolver(t, c, "QF_LRA")
	x := c.RealConst("x")
	mustAssert(t, s, c.Eq(c.Mul(x, c.RealFrac(3, 1)), c.RealFrac(1, 1)))
	check(t, s, Sat)
	if got := ratOf(t, model(t, s), x); got.Cmp(big.NewRat(1, 3)) != 0 {
		t.Fatalf("x = %v, want 1/3", got)
	}
}

func TestBigNumeralRoundTrip(t *testing.T) {
	c := newCtx(t)
	two200 := new(big.Int).Lsh(big.NewInt(1), 200)
	want := new(big.Rat).SetFrac(new(big.Int).Neg(two200), big.NewInt(3)) // -2^200/3
	s := newSolver(t, c, "QF_LRA")
	y, z := c.RealConst("y"), c.RealConst("z")
	// y*3 = -2^200 (solved by Z3), z = -2^200/3 (a numeral passed through).
	mustAssert(t, s,
		c.Eq(c.Mul(c.RealFrac(3, 1), y), c.Int(new(big.Int).Neg(two200))),
		c.Eq(z, c.Real(want)))
	check(t, s, Sat)
	m := model(t, s)
	for _, v := range []Term{y, z} {
		if got := ratOf(t, m, v); got.Cmp(want) != 0 {
			t.Fatalf("%v = %v, want %v", v, got, want)
		}
	}
	// A term value: y - z = 0 exactly; y/2^200 = -1/3.
	if got := ratOf(t, m, c.Sub(y, z)); got.Sign() != 0 {
		t.Fatalf("y - z = %v", got)
	}
	if got := ratOf(t, m, c.Div(y, c.Int(two200))); got.Cmp(big.NewRat(-1, 3)) != 0 {
		t.Fatalf("y/2^200 = %v", got)
	}

	// Integers: n*7 = 7*2^100.
	si := newSolver(t, c, "QF_LIA")
	n := c.IntConst("n")
	two100 := new(big.Int).Lsh(big.NewInt(1), 100)
	mustAssert(t, si, c.Eq(c.Mul(n, c.Int64(7)), c.Int(new(big.Int).Mul(two100, big.NewInt(7)))))
	check(t, si, Sat)
	got := ratOf(t, model(t, si), n)
	if !got.IsInt() || got.Num().Cmp(two100) != 0 {
		t.Fatalf("n = %v, want 2^100", got)
	}
}

func TestNumeralForms(t *testing.T) {
	c := newCtx(t)
	s := newSolver(t, c, "")
	cases := []struct {
		s    string
		k    Kind
		want *big.Rat
	}{
		{"-12", KindInt, big.NewRat(-12, 1)},
		{"1.25", KindReal, big.NewRat(5, 4)},
		{"-6/4", KindReal, big.NewRat(-3, 2)},
		{".5", KindReal, big.NewRat(1, 2)},
		{"10/5", KindInt, big.NewRat(2, 1)},
	}
	var vars []Term
	for i, tc := range cases {
		v := c.Const("v"+string(rune('a'+i)), tc.k)
		vars = append(vars, v)
		n := c.Numeral(tc.s, tc.k)
		if n.Err() != nil {
			t.Fatalf("Numeral(%q): %v", tc.s, n.Err())
		}
		if n.Kind() != tc.k {
			t.Fatalf("Numeral(%q).Kind() = %v", tc.s, n.Kind())
		}
		mustAssert(t, s, c.Eq(v, n))
	}
	check(t, s, Sat)
	m := model(t, s)
	for i, tc := range cases {
		if got := ratOf(t, m, vars[i]); got.Cmp(tc.want) != 0 {
			t.Errorf("%q: got %v want %v", tc.s, got, tc.want)
		}
	}
}

func TestUnsat(t *testing.T) {
	c := newCtx(t)
	x, y := c.RealConst("x"), c.RealConst("y")
	s := newSolver(t, c, "QF_LRA")
	mustAssert(t, s, c.Gt(x, c.RealFrac(1, 1)), c.Lt(x, c.RealFrac(0, 1)))
	check(t, s, Unsat)
	if _, err := s.Model(); !errors.Is(err, ErrNoModel) {
		t.Fatalf("Model after unsat: %v", err)
	}

	// Nonlinear: x*x + y*y < 0 and x*y = 1 with x = 0.
	for _, f := range []Term{
		c.Lt(c.Add(c.Mul(x, x), c.Mul(y, y)), c.RealFrac(0, 1)),
		c.And(c.Eq(c.Mul(x, y), c.RealFrac(1, 1)), c.Eq(x, c.RealFrac(0, 1))),
	} {
		sn := newSolver(t, c, "QF_NRA")
		mustAssert(t, sn, f)
		check(t, sn, Unsat)
		sn.Close()
	}
}

// hardNIA asks Z3 to factor (2^31-1)^2, which it does not do quickly.
func hardNIA(c *Context) Term {
	x, y := c.IntConst("x"), c.IntConst("y")
	n, _ := new(big.Int).SetString("4611686014132420609", 10)
	return c.And(c.Gt(x, c.Int64(1)), c.Gt(y, c.Int64(1)), c.Eq(c.Mul(x, y), c.Int(n)))
}

// hardNRA is a polynomial system Z3's nlsat does not settle quickly.
func hardNRA(c *Context) Term {
	a, b, cc, d, e := c.RealConst("a"), c.RealConst("b"), c.RealConst("c"), c.RealConst("d"), c.RealConst("e")
	return c.And(
		c.Eq(c.Add(c.Mul(a, a, b), c.Mul(b, b, cc), c.Mul(cc, cc, d), c.Mul(d, d, e), c.Mul(e, e, a)), c.RealFrac(1, 1)),
		c.Eq(c.Add(c.Mul(a, b, cc), c.Mul(b, cc, d), c.Mul(cc, d, e), c.Mul(d, e, a), c.Mul(e, a, b)), c.RealFrac(3, 1)),
		c.Eq(c.Add(c.Mul(a, a, a), c.Mul(b, b, b, cc), c.Mul(d, e, e)), c.RealFrac(-2, 1)),
		c.Lt(c.Mul(a, b, cc, d, e), c.RealFrac(-5, 1)),
		c.Gt(c.Add(c.Mul(a, cc), c.Mul(b, d, e)), c.RealFrac(7, 1)),
	)
}

func TestUnknownByTimeout(t *testing.T) {
	c := newCtx(t)
	// A model taken before the interrupted checks must stay usable after them.
	s0 := newSolver(t, c, "QF_LRA")
	w := c.RealConst("w")
	mustAssert(t, s0, c.Eq(c.Mul(w, c.RealFrac(7, 1)), c.RealFrac(1, 1)))
	check(t, s0, Sat)
	m0 := model(t, s0)
	for _, p := range []struct {
		logic string
		f     Term
	}{{"QF_NRA", hardNRA(c)}, {"QF_NIA", hardNIA(c)}} {
		s := newSolver(t, c, p.logic)
		mustAssert(t, s, p.f)
		t0 := time.Now()
		r, err := s.CheckTimeout(100 * time.Millisecond)
		el := time.Since(t0)
		if err != nil {
			t.Fatal(err)
		}
		if r != Unknown {
			t.Fatalf("%s: %v, want unknown", p.logic, r)
		}
		if el < 90*time.Millisecond || el > 5*time.Second {
			t.Fatalf("%s: took %v with a 100ms deadline", p.logic, el)
		}
		if !strings.Contains(s.ReasonUnknown(), "deadline exceeded") {
			t.Fatalf("%s: reason %q", p.logic, s.ReasonUnknown())
		}
		t.Logf("%s: unknown after %v: %s", p.logic, el, s.ReasonUnknown())
		s.Close()
	}
	// The interrupt does not stick: the old model still evaluates, a stray
	// Interrupt with nothing running is ignored, and the context still solves.
	c.Interrupt()
	if got := ratOf(t, m0, w); got.Cmp(big.NewRat(1, 7)) != 0 {
		t.Fatalf("w = %v", got)
	}
	s := newSolver(t, c, "QF_LRA")
	q := c.RealConst("q")
	mustAssert(t, s, c.Gt(q, c.RealFrac(1, 2)))
	check(t, s, Sat)
	c.Interrupt()
	if _, err := model(t, s).Rat(q); err != nil {
		t.Fatal(err)
	}
}

func TestCheckCancelled(t *testing.T) {
	c := newCtx(t)
	s := newSolver(t, c, "QF_NRA")
	mustAssert(t, s, hardNRA(c))

	// Already cancelled: not started.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if r, err := s.Check(ctx); r != Unknown || err != nil || !strings.HasPrefix(s.ReasonUnknown(), "not started") {
		t.Fatalf("pre-cancelled: %v %v %q", r, err, s.ReasonUnknown())
	}

	// Cancelled from another goroutine, and Context.Interrupt racing with it.
	ctx, cancel = context.WithCancel(context.Background())
	go func() {
		time.Sleep(50 * time.Millisecond)
		c.Interrupt()
		cancel()
	}()
	t0 := time.Now()
	r, err := s.Check(ctx)
	if err != nil || r != Unknown {
		t.Fatalf("cancelled: %v %v", r, err)
	}
	if el := time.Since(t0); el > 5*time.Second {
		t.Fatalf("cancel took %v", el)
	}
}

func TestUnknownByRlimit(t *testing.T) {
	run := func() (Result, string, string) {
		c := newCtx(t)
		s := newSolver(t, c, "QF_NRA")
		if err := s.SetSeed(1); err != nil {
			t.Fatal(err)
		}
		if err := s.SetRlimit(20000); err != nil {
			t.Fatal(err)
		}
		mustAssert(t, s, hardNRA(c))
		r, err := s.Check(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		st, err := s.Statistics()
		if err != nil {
			t.Fatal(err)
		}
		return r, s.ReasonUnknown(), st["rlimit count"]
	}
	r1, why1, n1 := run()
	r2, why2, n2 := run()
	if r1 != Unknown || !strings.Contains(why1, "resource limit") {
		t.Fatalf("rlimit: %v %q", r1, why1)
	}
	if r1 != r2 || why1 != why2 || n1 != n2 || n1 == "" {
		t.Fatalf("rlimit not deterministic: %v %q %s / %v %q %s", r1, why1, n1, r2, why2, n2)
	}
}

func TestAlgebraicModel(t *testing.T) {
	c := newCtx(t)
	s := newSolver(t, c, "QF_NRA")
	x := c.RealConst("x")
	mustAssert(t, s, c.Eq(c.Mul(x, x), c.RealFrac(2, 1)), c.Gt(x, c.RealFrac(0, 1)))
	check(t, s, Sat)
	m := model(t, s)
	v, err := m.Eval(x)
	if err != nil {
		t.Fatal(err)
	}
	if !v.Algebraic || v.Rat != nil || v.Kind != KindReal {
		t.Fatalf("value %+v: want algebraic", v)
	}
	if !strings.HasPrefix(v.Approx, "1.41421356237309504880") {
		t.Fatalf("approx %q", v.Approx)
	}
	two := big.NewRat(2, 1)
	lo2 := new(big.Rat).Mul(v.Lower, v.Lower)
	hi2 := new(big.Rat).Mul(v.Upper, v.Upper)
	if lo2.Cmp(two) >= 0 || hi2.Cmp(two) <= 0 {
		t.Fatalf("interval [%v, %v] does not isolate sqrt 2", v.Lower, v.Upper)
	}
	width := new(big.Rat).Sub(v.Upper, v.Lower)
	eps := new(big.Rat).SetFrac(big.NewInt(1), new(big.Int).Exp(big.NewInt(10), big.NewInt(DefaultAlgebraicPrecision), nil))
	if width.Sign() <= 0 || width.Cmp(eps) >= 0 {
		t.Fatalf("interval width %v", width.FloatString(40))
	}
	_, err = m.Rat(x)
	var ae *AlgebraicError
	if !errors.Is(err, ErrAlgebraic) || !errors.As(err, &ae) || ae.Lower == nil {
		t.Fatalf("Rat of algebraic: %v", err)
	}
	// A rational term of the same model still reads exactly: x*x = 2.
	if got := ratOf(t, m, c.Mul(x, x)); got.Cmp(two) != 0 {
		t.Fatalf("x*x = %v", got)
	}
}

func TestBoolAndOps(t *testing.T) {
	c := newCtx(t)
	s := newSolver(t, c, "")
	p, q, r := c.BoolConst("p"), c.BoolConst("q"), c.BoolConst("r")
	i, y := c.IntConst("i"), c.RealConst("y")
	mustAssert(t, s,
		c.Or(p, q), c.Not(p), c.Implies(q, r),
		c.Eq(y, c.Ite(r, c.RealFrac(1, 2), c.RealFrac(2, 1))),
		c.Eq(c.ToReal(i), c.Add(y, c.RealFrac(1, 2))), // i = 1
		c.Distinct(i, c.Int64(0), c.Int64(2)),
		c.Le(c.Neg(i), c.Int64(0)), c.Ge(i, c.Int64(1)), c.Lt(c.Sub(i, c.Int64(1)), c.Int64(1)),
		c.And(), c.Not(c.Or()),
	)
	check(t, s, Sat)
	m := model(t, s)
	for _, tc := range []struct {
		t    Term
		want bool
	}{{p, false}, {q, true}, {r, true}} {
		if b, err := m.Bool(tc.t); err != nil || b != tc.want {
			t.Fatalf("%v = %v (%v), want %v", tc.t, b, err, tc.want)
		}
	}
	if got := ratOf(t, m, y); got.Cmp(big.NewRat(1, 2)) != 0 {
		t.Fatalf("y = %v", got)
	}
	if got := ratOf(t, m, i); got.Cmp(big.NewRat(1, 1)) != 0 {
		t.Fatalf("i = %v", got)
	}
	if _, err := m.Bool(y); err == nil {
		t.Fatal("Bool of a Real term succeeded")
	}
	if k := c.Add(i, y).Kind(); k != KindReal {
		t.Fatalf("Int+Real kind %v", k)
	}
}

func TestPushPop(t *testing.T) {
	c := newCtx(t)
	s := newSolver(t, c, "QF_LRA")
	x := c.RealConst("x")
	mustAssert(t, s, c.Gt(x, c.RealFrac(0, 1)))
	if err := s.Push(); err != nil {
		t.Fatal(err)
	}
	mustAssert(t, s, c.Lt(x, c.RealFrac(-1, 1)))
	check(t, s, Unsat)
	if s.NumScopes() != 1 {
		t.Fatalf("scopes %d", s.NumScopes())
	}
	if err := s.Pop(1); err != nil {
		t.Fatal(err)
	}
	check(t, s, Sat)
	var ze *Error
	if err := s.Pop(3); !errors.As(err, &ze) {
		t.Fatalf("Pop(3) with no scope: %v", err)
	}
}

func TestErrors(t *testing.T) {
	c := newCtx(t)
	x, p := c.RealConst("x"), c.BoolConst("p")

	// Sort mismatch, reported by Z3.
	bad := c.Add(x, p)
	var ze *Error
	if !errors.As(bad.Err(), &ze) || !strings.Contains(ze.Msg, "Sort mismatch") {
		t.Fatalf("Add(Real, Bool): %v", bad.Err())
	}
	// Errors propagate through terms and to Assert, without a Z3 call.
	prop := c.Lt(c.Mul(bad, x), x)
	if prop.Err() != bad.Err() {
		t.Fatalf("propagated %v", prop.Err())
	}
	s := newSolver(t, c, "")
	if err := s.Assert(prop); err != bad.Err() {
		t.Fatalf("Assert: %v", err)
	}
	if err := s.Assert(x); !errors.As(err, &ze) { // asserting a non-Bool
		t.Fatalf("Assert(Real): %v", err)
	}
	if k := bad.Kind(); k != KindOther || !strings.HasPrefix(bad.String(), "<error") {
		t.Fatalf("bad term kind %v string %q", k, bad.String())
	}
	if err := c.Sub(p).Err(); err == nil {
		t.Fatal("Sub(Bool) succeeded")
	}
	if err := c.Add().Err(); err == nil {
		t.Fatal("Add() succeeded")
	}

	// Bad numerals, refused in Go.
	for _, str := range []string{"1/x", "1e5", "", "0x10", "1/2/3", " 1"} {
		if err := c.Numeral(str, KindReal).Err(); !errors.Is(err, ErrBadNumeral) {
			t.Errorf("Numeral(%q): %v", str, err)
		}
	}
	if err := c.Numeral("1/3", KindInt).Err(); !errors.Is(err, ErrBadNumeral) {
		t.Errorf("Int 1/3: %v", err)
	}
	if err := c.Numeral("1", KindBool).Err(); !errors.Is(err, ErrBadNumeral) {
		t.Errorf("Bool numeral: %v", err)
	}
	if err := c.RealFrac(1, 0).Err(); !errors.Is(err, ErrBadNumeral) {
		t.Errorf("1/0: %v", err)
	}
	if err := c.Real(nil).Err(); !errors.Is(err, ErrBadNumeral) {
		t.Errorf("nil: %v", err)
	}

	// Z3-side errors.
	if _, err := c.NewSolver("NO_SUCH_LOGIC"); !errors.As(err, &ze) {
		t.Errorf("bad logic: %v", err)
	}
	if err := s.SetUintParam("no_such_param", 1); !errors.As(err, &ze) || strings.Contains(ze.Msg, "Legal parameters") {
		t.Errorf("bad param: %v", err)
	}
	if _, err := s.Model(); !errors.Is(err, ErrNoModel) {
		t.Errorf("Model before check: %v", err)
	}

	// Zero and foreign terms.
	if err := c.Not(Term{}).Err(); !errors.Is(err, ErrZeroTerm) {
		t.Errorf("zero term: %v", err)
	}
	c2 := newCtx(t)
	if err := c.Add(x, c2.RealConst("x")).Err(); !errors.Is(err, ErrForeignTerm) {
		t.Errorf("foreign: %v", err)
	}
	// The context still works after all this.
	mustAssert(t, s, c.Gt(x, c.RealFrac(0, 1)))
	check(t, s, Sat)
}

func TestNumeralLimit(t *testing.T) {
	c := newCtx(t)
	pow10 := func(n int64) *big.Int { return new(big.Int).Exp(big.NewInt(10), big.NewInt(n), nil) }
	one := big.NewInt(1)
	// 10^6 digits: refused quickly, before Z3.
	huge := pow10(1_000_000)
	t0 := time.Now()
	if err := c.Int(huge).Err(); !errors.Is(err, ErrTooLarge) {
		t.Fatalf("10^6 digits: %v", err)
	}
	if err := c.Real(new(big.Rat).SetFrac(one, huge)).Err(); !errors.Is(err, ErrTooLarge) {
		t.Fatalf("denominator 10^6 digits: %v", err)
	}
	if el := time.Since(t0); el > time.Second {
		t.Fatalf("refusal took %v", el)
	}
	if err := c.Numeral(strings.Repeat("9", 30000), KindInt).Err(); !errors.Is(err, ErrTooLarge) {
		t.Fatalf("long string: %v", err)
	}
	// Exactly at the limit: 10^10000 - 1 has 10000 digits, 10^10000 has 10001.
	max := new(big.Int).Sub(pow10(DefaultMaxNumeralDigits), one)
	if err := c.Int(max).Err(); err != nil {
		t.Fatalf("10000 digits: %v", err)
	}
	if err := c.Int(new(big.Int).Neg(max)).Err(); err != nil {
		t.Fatalf("-10000 digits: %v", err)
	}
	if err := c.Int(pow10(DefaultMaxNumeralDigits)).Err(); !errors.Is(err, ErrTooLarge) {
		t.Fatalf("10001 digits: %v", err)
	}
	// Configurable, and a large numeral round-trips exactly.
	c.SetMaxNumeralDigits(0)
	big3000 := new(big.Rat).SetFrac(new(big.Int).Add(pow10(3000), one), big.NewInt(7))
	c.SetMaxNumeralDigits(5)
	if err := c.Real(big3000).Err(); !errors.Is(err, ErrTooLarge) {
		t.Fatalf("limit 5: %v", err)
	}
	c.SetMaxNumeralDigits(0)
	s := newSolver(t, c, "QF_LRA")
	x := c.RealConst("x")
	mustAssert(t, s, c.Eq(c.Mul(x, c.RealFrac(2, 1)), c.Real(big3000)))
	check(t, s, Sat)
	if got := ratOf(t, model(t, s), x); got.Cmp(new(big.Rat).Quo(big3000, big.NewRat(2, 1))) != 0 {
		t.Fatal("3000-digit round trip differs")
	}
}

func TestCheckDigitsBoundaries(t *testing.T) {
	// checkDigits must agree with len(String()) around every power of ten.
	for d := 2; d < 400; d++ { // limit n-1 >= 1 (0 means no limit)
		p := new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(d)), nil)
		for _, x := range []*big.Int{new(big.Int).Sub(p, big.NewInt(1)), p} {
			n := len(x.String())
			if checkDigits(x, n) != nil || checkDigits(x, n-1) == nil {
				t.Fatalf("checkDigits wrong for %d digits", n)
			}
		}
	}
}

func TestClose(t *testing.T) {
	c, err := NewContext()
	if err != nil {
		t.Fatal(err)
	}
	x := c.RealConst("x")
	s := newSolver(t, c, "QF_LRA")
	mustAssert(t, s, c.Gt(x, c.RealFrac(0, 1)))
	check(t, s, Sat)
	m := model(t, s)
	if err := m.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := m.Eval(x); !errors.Is(err, ErrClosed) {
		t.Fatalf("Eval on closed model: %v", err)
	}
	m2 := model(t, s)
	s2 := newSolver(t, c, "")
	if err := s2.Close(); err != nil || s2.Close() != nil {
		t.Fatal("solver Close not idempotent")
	}
	if err := s2.Assert(x); !errors.Is(err, ErrClosed) {
		t.Fatalf("Assert on closed solver: %v", err)
	}
	if c.NumRefs() == 0 {
		t.Fatal("no refs tracked")
	}
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
	c.Interrupt() // no-op
	if !errors.Is(x.Err(), ErrClosed) || !errors.Is(c.RealConst("y").Err(), ErrClosed) {
		t.Fatal("terms of a closed context usable")
	}
	if _, err := m2.Rat(x); !errors.Is(err, ErrClosed) {
		t.Fatalf("model of closed context: %v", err)
	}
	if _, err := s.CheckTimeout(time.Second); !errors.Is(err, ErrClosed) {
		t.Fatalf("solver of closed context: %v", err)
	}
	if _, err := c.NewSolver(""); !errors.Is(err, ErrClosed) {
		t.Fatal(err)
	}
	if m2.Close() != nil || s.Close() != nil {
		t.Fatal("Close after context Close")
	}
}

func TestStatistics(t *testing.T) {
	c := newCtx(t)
	s := newSolver(t, c, "QF_LRA")
	x, y := c.RealConst("x"), c.RealConst("y")
	mustAssert(t, s, c.Lt(x, y), c.Lt(y, c.RealFrac(1, 1)), c.Gt(x, c.RealFrac(0, 1)))
	check(t, s, Sat)
	st, err := s.Statistics()
	if err != nil {
		t.Fatal(err)
	}
	if len(st) == 0 || st["rlimit count"] == "" {
		t.Fatalf("statistics %v", st)
	}
}

func TestSMTLIB(t *testing.T) {
	c := newCtx(t)
	s := newSolver(t, c, "QF_LRA")
	x, y := c.RealConst("x"), c.RealConst("y")
	mustAssert(t, s, c.Lt(x, y), c.Eq(c.Add(x, y), c.RealFrac(1, 3)))
	out, err := s.ToSMTLIB()
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"(set-logic QF_LRA)", "(declare-fun x () Real)", "(declare-fun y () Real)", "(check-sat)"} {
		if !strings.Contains(out, want) {
			t.Fatalf("SMT-LIB lacks %q:\n%s", want, out)
		}
	}
	if str := s.String(); !strings.Contains(str, "(assert") {
		t.Fatalf("String():\n%s", str)
	}
	empty, err := newSolver(t, c, "").ToSMTLIB()
	if err != nil || !strings.Contains(empty, "(check-sat)") {
		t.Fatalf("empty solver: %v\n%s", err, empty)
	}
	// If the z3 binary is installed, it must accept the benchmark.
	bin, err := exec.LookPath("z3")
	if err != nil {
		t.Skip("z3 binary not installed")
	}
	cmd := exec.Command(bin, "-smt2", "-in")
	cmd.Stdin = strings.NewReader(out)
	res, err := cmd.CombinedOutput()
	if err != nil || strings.TrimSpace(string(res)) != "sat" {
		t.Fatalf("z3 on our benchmark: %v %q", err, res)
	}
}

// TestConcurrentContexts runs many goroutines, each with its own context,
// with interrupts flying; run with -race.
func TestConcurrentContexts(t *testing.T) {
	// Each live context costs ~17 MB in libz3 4.8.12, and glibc keeps freed
	// memory in per-thread arenas, so keep the worker count moderate.
	const workers, rounds = 8, 30
	var wg sync.WaitGroup
	errs := make(chan error, workers)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for r := 0; r < rounds; r++ {
				c, err := NewContext()
				if err != nil {
					errs <- err
					return
				}
				k := int64(w*rounds + r + 2)
				s, err := c.NewSolver("QF_LRA")
				if err != nil {
					errs <- err
					c.Close()
					return
				}
				x := c.RealConst("x")
				if err := s.Assert(c.Eq(c.Mul(x, c.RealFrac(k, 1)), c.RealFrac(1, 1))); err != nil {
					errs <- err
					c.Close()
					return
				}
				go c.Interrupt() // harmless, from another goroutine
				res, err := s.CheckTimeout(10 * time.Second)
				if err == nil && res == Sat {
					var m *Model
					if m, err = s.Model(); err == nil {
						var got *big.Rat
						if got, err = m.Rat(x); err == nil && got.Cmp(big.NewRat(1, k)) != 0 {
							err = errors.New("wrong value " + got.String())
						}
					}
				} else if why := s.ReasonUnknown(); err == nil && !strings.Contains(why, "interrupt") && !strings.Contains(why, "cancel") {
					// Only the stray interrupt may make it unknown.
					err = errors.New("unexpected " + res.String() + ": " + why)
				}
				c.Close()
				if err != nil {
					errs <- err
					return
				}
			}
		}(w)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

func rssKB(t testing.TB) int64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		t.Skip("no /proc/self/status")
	}
	for _, line := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(line, "VmRSS:") {
			var kb int64
			for _, f := range strings.Fields(line)[1:2] {
				for _, ch := range f {
					kb = kb*10 + int64(ch-'0')
				}
			}
			return kb
		}
	}
	t.Skip("no VmRSS")
	return 0
}

func contextCycle(t testing.TB, i int) {
	c, err := NewContext()
	if err != nil {
		t.Fatal(err)
	}
	s, err := c.NewSolver("QF_LRA")
	if err != nil {
		t.Fatal(err)
	}
	x, y := c.RealConst("x"), c.RealConst("y")
	if err := s.Assert(c.Lt(x, y), c.Eq(c.Add(x, y), c.RealFrac(int64(i), 7))); err != nil {
		t.Fatal(err)
	}
	if r, err := s.Check(context.Background()); err != nil || r != Sat {
		t.Fatalf("cycle %d: %v %v", i, r, err)
	}
	m, err := s.Model()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := m.Rat(x); err != nil {
		t.Fatal(err)
	}
	c.Close()
}

// TestContextLeak creates and closes many contexts and checks that neither
// libz3's own allocation count nor the resident set size keeps growing.
func TestContextLeak(t *testing.T) {
	n := 10000
	if testing.Short() {
		n = 1000
	}
	for i := 0; i < 500; i++ { // warm up the allocators
		contextCycle(t, i)
	}
	// A live context alone accounts for megabytes in libz3's count, so one
	// leaked context, or a leaked term per cycle, is far above these bounds.
	z0, r0 := z3AllocBytes(), rssKB(t)
	t0 := time.Now()
	for i := 0; i < n; i++ {
		contextCycle(t, i)
	}
	z1, r1 := z3AllocBytes(), rssKB(t)
	t.Logf("%d contexts in %v; libz3 allocated %d -> %d bytes; RSS %d -> %d KB",
		n, time.Since(t0), z0, z1, r0, r1)
	if int64(z1)-int64(z0) > 1<<20 {
		t.Errorf("libz3 allocation grew by %d bytes over %d contexts", int64(z1)-int64(z0), n)
	}
	if r1-r0 > 64*1024 {
		t.Errorf("RSS grew by %d KB over %d contexts", r1-r0, n)
	}
	// The measure is sensitive: one live context shows up clearly.
	c := newCtx(t)
	if live := z3AllocBytes(); live < z1+1<<20 {
		t.Errorf("a live context shows only %d bytes more in libz3's count", int64(live)-int64(z1))
	}
	c.Close()
}
