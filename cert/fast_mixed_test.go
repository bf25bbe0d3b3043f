package cert

import (
	"math/big"
	"testing"
)

// When a later layer fits no tier (int64, nor 128 to 256 bits), the layers before it run in
// int64 and the rest in math/big; the result must be the reference's, states included.
func TestMixedEngineMatchesReference(t *testing.T) {
	r := func(s string) *big.Rat {
		v, ok := new(big.Rat).SetString(s)
		if !ok {
			t.Fatal(s)
		}
		return v
	}
	huge := "1606938044258990275541962092341162602522202993782792835301376" // 2^200: layer 1 fits no tier
	n := &Network{InputDim: 2, Layers: []Layer{
		{W: [][]*big.Rat{{r("1"), r("-2")}, {r("3/2"), r("1")}, {r("-1"), r("1")}}, B: []*big.Rat{r("1/3"), r("-1"), r("0")},
			Act: []Activation{{Kind: ActReLU}, {Kind: ActReLU}, {Kind: ActLeakyReLU, Slope: r("1/2")}}},
		{W: [][]*big.Rat{{r(huge), r("-" + huge), r("1")}, {r("1"), r("1"), r("1")}}, B: []*big.Rat{r("5"), r("-" + huge)},
			Act: []Activation{{Kind: ActReLU}, {Kind: ActHardTanh}}},
		{W: [][]*big.Rat{{r("1"), r("7/3")}}, B: []*big.Rat{r("0")}, Act: []Activation{{Kind: ActIdentity}}},
	}}
	var inputs, targets [][]*big.Rat
	for _, p := range [][2]string{{"0", "0"}, {"1", "2"}, {"-3", "5"}, {"7", "-1"}, {"2", "2"}, {"1/5", "9"}} {
		inputs = append(inputs, []*big.Rat{r(p[0]), r(p[1])})
		targets = append(targets, []*big.Rat{new(big.Rat)})
	}
	ds, err := NewDataset(inputs, nil, targets, 0)
	if err != nil {
		t.Fatal(err)
	}
	eng := newEngine(n, ds, budget{})
	if eng.name() != "int64+big" {
		t.Fatalf("engine %s, want int64+big", eng.name())
	}
	if p := eng.(*tierPlan).start; p != 1 {
		t.Fatalf("int64 prefix %d, want 1", p)
	}
	ev := eng.newEvaluator()
	out := []*big.Rat{new(big.Rat)}
	states := n.NewStates()
	ref := n.NewStates()
	for i := 0; i < ds.N; i++ {
		ev.eval(i, out, states)
		want := n.Eval(ds.Input(i), ref)
		if out[0].Cmp(want[0]) != 0 {
			t.Errorf("point %d: %s, want %s", i, out[0].RatString(), want[0].RatString())
		}
		for l := range ref {
			if string(ref[l]) != string(states[l]) {
				t.Errorf("point %d layer %d: states %q, want %q", i, l, states[l], ref[l])
			}
		}
	}
}

// sum128 agrees with math/big on products near its limit, of every sign.
func TestSum128(t *testing.T) {
	w := []int64{1<<61 - 1, -(1<<61 - 1), 3, -7, 1 << 40, 0}
	n := &Network{InputDim: len(w), Layers: []Layer{{Act: []Activation{{Kind: ActIdentity}, {Kind: ActIdentity}}}}}
	row1, row2 := make([]*big.Rat, len(w)), make([]*big.Rat, len(w))
	for k, v := range w {
		row1[k] = big.NewRat(v, 1)
		row2[k] = big.NewRat(-v/2, 1)
	}
	n.Layers[0].W = [][]*big.Rat{row1, row2}
	n.Layers[0].B = []*big.Rat{new(big.Rat), new(big.Rat)}
	bp := planBig(n, nil, false, 0)
	if bp.layers[0].cols64 == nil {
		t.Fatal("cols64 not built")
	}
	e := &bigEval{p: bp, t: new(big.Int)}
	for _, av := range [][]int64{
		{1<<62 - 1, 1<<62 - 1, 5, 9, -(1 << 50), 4},
		{-(1<<62 - 1), 1<<62 - 1, -5, 9, 1 << 50, -4},
		{-(1<<62 - 1), -(1<<62 - 1), -(1<<62 - 1), -(1<<62 - 1), -(1<<62 - 1), 0},
	} {
		a := make([]*big.Int, len(av))
		for k, v := range av {
			a[k] = big.NewInt(v)
		}
		z := newInts(2)
		if !e.sum128(&bp.layers[0], a, z) {
			t.Fatal("sum128 refused values within its bound")
		}
		for j, row := range n.Layers[0].W {
			want := new(big.Int)
			for k, r := range row {
				want.Add(want, new(big.Int).Mul(r.Num(), a[k]))
			}
			if z[j].Cmp(want) != 0 {
				t.Errorf("unit %d: %s, want %s", j, z[j], want)
			}
		}
	}
	// Beyond the bound it refuses.
	a := []*big.Int{new(big.Int).Lsh(big.NewInt(1), 64), big.NewInt(1), big.NewInt(1), big.NewInt(1), big.NewInt(1), big.NewInt(1)}
	if e.sum128(&bp.layers[0], a, newInts(2)) {
		t.Error("sum128 accepted a 65-bit activation")
	}
}
