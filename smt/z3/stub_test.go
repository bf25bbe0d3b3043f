//go:build !cgo

package z3

import (
	"errors"
	"testing"
)

func TestUnavailableWithoutCgo(t *testing.T) {
	if Available() || Version() != "" {
		t.Fatal("stub claims Z3 support")
	}
	c, err := NewContext()
	if c != nil || !errors.Is(err, ErrUnavailable) {
		t.Fatalf("NewContext() = %v, %v", c, err)
	}
	if err := c.RealConst("x").Err(); !errors.Is(err, ErrUnavailable) {
		t.Fatal(err)
	}
	if _, err := c.NewSolver("QF_LRA"); !errors.Is(err, ErrUnavailable) {
		t.Fatal(err)
	}
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
}
