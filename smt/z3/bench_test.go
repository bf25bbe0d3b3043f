//go:build cgo

package z3

import (
	"context"
	"math/big"
	"testing"
)

// BenchmarkLinear10k builds and checks a sparse linear system of 10 000
// constraints over 5 000 reals (x_i >= i/7, 3x_i - 2x_j <= (i+5000)/5 with j
// a pseudo-random partner), then reads the model back and verifies every
// constraint exactly with big.Rat.
func BenchmarkLinear10k(b *testing.B) {
	const n = 5000
	partner := func(i int) int { return (i*7919 + 1) % n }
	for it := 0; it < b.N; it++ {
		c, err := NewContext()
		if err != nil {
			b.Fatal(err)
		}
		s, err := c.NewSolver("QF_LRA")
		if err != nil {
			b.Fatal(err)
		}
		three, two := c.RealFrac(3, 1), c.RealFrac(2, 1)
		xs := make([]Term, n)
		for i := range xs {
			xs[i] = c.RealConst("x" + itoa(i))
		}
		cs := make([]Term, 0, 2*n)
		for i := 0; i < n; i++ {
			cs = append(cs, c.Ge(xs[i], c.RealFrac(int64(i), 7)),
				c.Le(c.Sub(c.Mul(three, xs[i]), c.Mul(two, xs[partner(i)])), c.RealFrac(int64(i+n), 5)))
		}
		if err := s.Assert(cs...); err != nil {
			b.Fatal(err)
		}
		r, err := s.Check(context.Background())
		if err != nil || r != Sat {
			b.Fatalf("%v %v", r, err)
		}
		m, err := s.Model()
		if err != nil {
			b.Fatal(err)
		}
		vals := make([]*big.Rat, n)
		for i := range xs {
			if vals[i], err = m.Rat(xs[i]); err != nil {
				b.Fatal(err)
			}
		}
		for i := 0; i < n; i++ {
			lhs := new(big.Rat).Mul(big.NewRat(3, 1), vals[i])
			lhs.Sub(lhs, new(big.Rat).Mul(big.NewRat(2, 1), vals[partner(i)]))
			if vals[i].Cmp(big.NewRat(int64(i), 7)) < 0 || lhs.Cmp(big.NewRat(int64(i+n), 5)) > 0 {
				b.Fatalf("model violates constraint %d", i)
			}
		}
		c.Close()
	}
}

// BenchmarkContextCycle measures one create / two terms / check / model /
// close cycle.
func BenchmarkContextCycle(b *testing.B) {
	for i := 0; i < b.N; i++ {
		contextCycle(b, i)
	}
}

// BenchmarkBigNumeral round-trips a 2^200/3 numeral through a model.
func BenchmarkBigNumeral(b *testing.B) {
	c, err := NewContext()
	if err != nil {
		b.Fatal(err)
	}
	defer c.Close()
	want := new(big.Rat).SetFrac(new(big.Int).Lsh(big.NewInt(1), 200), big.NewInt(3))
	x := c.RealConst("x")
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		s, err := c.NewSolver("QF_LRA")
		if err != nil {
			b.Fatal(err)
		}
		if err := s.Assert(c.Eq(x, c.Real(want))); err != nil {
			b.Fatal(err)
		}
		if r, err := s.Check(context.Background()); err != nil || r != Sat {
			b.Fatal(r, err)
		}
		m, err := s.Model()
		if err != nil {
			b.Fatal(err)
		}
		got, err := m.Rat(x)
		if err != nil || got.Cmp(want) != 0 {
			b.Fatal(got, err)
		}
		m.Close()
		s.Close()
	}
}

func itoa(i int) string { return big.NewInt(int64(i)).String() }
