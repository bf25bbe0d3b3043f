package cert

import (
	"math/big"
	"testing"
)

// When a layer's output scale S·M leaves the int64 range the int64 prefix ends before that
// layer, over the scale of the layer's input. It once ended over the rejected scale: a
// wrong magnitude (10^19 wrapped, for the 10^-9 weight and 1/10 slope of the fixture
// int64_scale_bailout) or, when the scale wrapped to 0, a division by zero (here 2^40·2^24
// = 2^64).
func TestInt64PrefixEndsOverItsInputScale(t *testing.T) {
	r := func(a, b int64) *big.Rat { return big.NewRat(a, b) }
	n := &Network{InputDim: 1, Layers: []Layer{
		{W: [][]*big.Rat{{r(1, 1)}}, B: []*big.Rat{r(0, 1)}, Act: []Activation{{Kind: ActIdentity}}},
		{W: [][]*big.Rat{{r(1, 1)}}, B: []*big.Rat{r(0, 1)}, Act: []Activation{{Kind: ActLeakyReLU, Slope: r(1, 1<<24)}}},
		{W: [][]*big.Rat{{r(3, 1)}}, B: []*big.Rat{r(0, 1)}, Act: []Activation{{Kind: ActIdentity}}},
	}}
	in := [][]*big.Rat{{r(1, 1<<40)}, {r(-5, 1<<40)}, {r(3, 1<<20)}}
	ds, err := NewDataset(in, nil, [][]*big.Rat{{r(0, 1)}, {r(0, 1)}, {r(0, 1)}}, 0)
	if err != nil {
		t.Fatal(err)
	}
	eng := newEngine(n, ds, budget{})
	// The layer the int64 prefix leaves out runs in 128 bits (wide.go).
	if eng.name() != "int64+int128" {
		t.Fatalf("engine %s, want int64+int128", eng.name())
	}
	ev := eng.newEvaluator()
	out := []*big.Rat{new(big.Rat)}
	st := n.NewStates()
	for i := range in {
		ev.eval(i, out, st)
		if want := n.Eval(ds.Input(i), nil); out[0].Cmp(want[0]) != 0 {
			t.Errorf("point %d: %s, want %s", i, out[0].RatString(), want[0].RatString())
		}
	}
}
