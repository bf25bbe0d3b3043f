package cert

import (
	"math/big"
	"testing"
)

// A numerator of exactly −2^63 (−2^43 over the common denominator 2^20): its absolute value
// is not an int64, and the int64 engine once took the wrapped bound for a small one and
// returned 0 for 2^40·(−2^43) (found by TestEnginesMatchReference).
func TestEngineMinInt64Numerator(t *testing.T) {
	r := func(a, b int64) *big.Rat { return big.NewRat(a, b) }
	in := [][]*big.Rat{{r(-(1 << 43), 1), r(0, 1), r(0, 1)}, {r(-1, 1<<20), r(0, 1), r(0, 1)}}
	ds, err := NewDataset(in, nil, [][]*big.Rat{{r(0, 1)}, {r(0, 1)}}, 0)
	if err != nil {
		t.Fatal(err)
	}
	n := &Network{InputDim: 3, Layers: []Layer{{W: [][]*big.Rat{{r(1<<40, 1), r(0, 1), r(0, 1)}}, B: []*big.Rat{r(0, 1)}, Act: []Activation{{Kind: 0}}}}}
	want := []*big.Rat{new(big.Rat).SetInt(new(big.Int).Neg(new(big.Int).Lsh(big.NewInt(1), 83))), r(-(1 << 20), 1)}
	for _, eng := range []engine{newEngine(n, ds, budget{}), planBig(n, ds, true, 0)} {
		ev := eng.newEvaluator()
		out := []*big.Rat{new(big.Rat)}
		st := n.NewStates()
		for i := range want {
			ev.eval(i, out, st)
			if out[0].Cmp(want[i]) != 0 {
				t.Errorf("%s engine, point %d: %s, want %s", eng.name(), i, out[0].RatString(), want[i].RatString())
			}
		}
	}
}
