package cert

import (
	"fmt"
	"math/big"
	"testing"

	"pgregory.net/rapid"
)

// genRat draws small rationals, sometimes with large numerators or denominators so that
// both the int64 engine and its fallback are exercised.
func genRat(t *rapid.T, label string) *big.Rat {
	den := rapid.SampledFrom([]int64{1, 1, 1, 2, 3, 4, 7, 10, 1 << 20}).Draw(t, label+"-den")
	num := rapid.Int64Range(-9, 9).Draw(t, label+"-num")
	if rapid.IntRange(0, 30).Draw(t, label+"-big") == 0 {
		num *= 1 << 40
	}
	return big.NewRat(num, den)
}

func genNetwork(t *rapid.T, d int) *Network {
	n := &Network{InputDim: d}
	in := d
	depth := rapid.IntRange(1, 4).Draw(t, "depth")
	for l := 0; l < depth; l++ {
		out := rapid.IntRange(1, 4).Draw(t, fmt.Sprintf("width%d", l))
		var layer Layer
		for j := 0; j < out; j++ {
			row := make([]*big.Rat, in)
			for k := range row {
				row[k] = genRat(t, "w")
			}
			layer.W = append(layer.W, row)
			layer.B = append(layer.B, genRat(t, "b"))
			kind := ActKind(rapid.IntRange(0, 4).Draw(t, "act"))
			a := Activation{Kind: kind}
			if kind == ActLeakyReLU {
				a.Slope = big.NewRat(int64(rapid.IntRange(-3, 3).Draw(t, "sn")), int64(rapid.IntRange(1, 5).Draw(t, "sd")))
			}
			layer.Act = append(layer.Act, a)
		}
		n.Layers = append(n.Layers, layer)
		in = out
	}
	return n
}

func genDataset(t *rapid.T, d int) *Dataset {
	npts := rapid.IntRange(1, 12).Draw(t, "n")
	var rows [][]*big.Rat
	for i := 0; i < npts; i++ {
		x := make([]*big.Rat, d)
		for k := range x {
			x[k] = genRat(t, "x")
		}
		rows = append(rows, x)
	}
	ds, err := distinctPoints(rows)
	if err != nil {
		t.Fatal(err)
	}
	return ds
}

// The integer engines agree with the plain rational evaluation, outputs and states.
func TestEnginesMatchReference(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		d := rapid.IntRange(1, 4).Draw(t, "d")
		n := genNetwork(t, d)
		ds := genDataset(t, d)
		for _, eng := range []engine{newEngine(n, ds, budget{}), planBig(n, ds, true, 0)} {
			ev := eng.newEvaluator()
			out := make([]*big.Rat, n.OutputDim())
			for k := range out {
				out[k] = new(big.Rat)
			}
			states := n.NewStates()
			ref := n.NewStates()
			for i := 0; i < ds.N; i++ {
				want := n.Eval(ds.Input(i), ref)
				ev.eval(i, out, states)
				for k := range out {
					if out[k].Cmp(want[k]) != 0 {
						t.Fatalf("%s engine, point %d output %d: got %s want %s", eng.name(), i, k, out[k].RatString(), want[k].RatString())
					}
				}
				for l := range ref {
					if string(ref[l]) != string(states[l]) {
						t.Fatalf("%s engine, point %d layer %d: states %q want %q", eng.name(), i, l, states[l], ref[l])
					}
				}
			}
		}
	})
}

// The int64 engine is chosen for small integer data and refuses (falls back) when values
// could overflow.
func TestInt64EngineChoiceAndFallback(t *testing.T) {
	mk := func(w string) *Network {
		r, _ := new(big.Rat).SetString(w)
		return &Network{InputDim: 1, Layers: []Layer{{W: [][]*big.Rat{{r}}, B: []*big.Rat{new(big.Rat)}, Act: []Activation{{Kind: ActIdentity}}}}}
	}
	ds, err := NewDataset([][]*big.Rat{{big.NewRat(3, 1)}}, nil, [][]*big.Rat{{new(big.Rat)}}, 0)
	if err != nil {
		t.Fatal(err)
	}
	if e := newEngine(mk("5"), ds, budget{}); e.name() != "int64" {
		t.Errorf("small weights: engine %s, want int64", e.name())
	}
	// 2^61 · 3 overflows the proven int64 bound: the kernel must use 128 bits and stay
	// exact; a weight of 2^200 fits no tier: math/big.
	for _, c := range []struct{ w, engine, want string }{
		{"2305843009213693952", "int128", "6917529027641081856"},
		{"1606938044258990275541962092341162602522202993782792835301376", "big", "4820814132776970826625886277023487807566608981348378505904128"},
	} {
		n := mk(c.w)
		if e := newEngine(n, ds, budget{}); e.name() != c.engine {
			t.Errorf("weight %s: engine %s, want %s", c.w, e.name(), c.engine)
		}
		out := []*big.Rat{new(big.Rat)}
		newEngine(n, ds, budget{}).newEvaluator().eval(0, out, nil)
		if out[0].RatString() != c.want {
			t.Errorf("weight %s: got %s", c.w, out[0].RatString())
		}
	}
}
