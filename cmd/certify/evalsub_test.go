package main

import (
	"math/big"
	"math/rand/v2"
	"testing"
)

// subRat agrees with Rat.Sub, integer and fractional subtrahends alike.
func TestSubRat(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	var tmp big.Int
	for range 3000 {
		x := big.NewRat(rng.Int64N(1<<40)-1<<39, 1+rng.Int64N(1<<30))
		y := big.NewRat(rng.Int64N(7)-3, 1)
		if rng.IntN(4) == 0 {
			y = big.NewRat(rng.Int64N(7)-3, 1+rng.Int64N(5))
		}
		got, want := new(big.Rat), new(big.Rat).Sub(x, y)
		subRat(got, x, y, &tmp)
		if got.Cmp(want) != 0 || got.RatString() != want.RatString() {
			t.Fatalf("%s − %s: %s, want %s", x.RatString(), y.RatString(), got.RatString(), want.RatString())
		}
	}
}
