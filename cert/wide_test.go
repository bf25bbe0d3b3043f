package cert

import (
	"math/big"
	"math/rand/v2"
	"slices"
	"testing"
)

// float32Net draws a dense ReLU network with float32-like weights m/2^k (m < 2^24, k up
// to 24+kMax), as a trained network exported in float32 has.
func float32Net(rng *rand.Rand, dims []int, kMax int) *Network {
	n := &Network{InputDim: dims[0]}
	f := func() *big.Rat {
		m := rng.Int64N(1<<24) - 1<<23
		return new(big.Rat).SetFrac(big.NewInt(m), new(big.Int).Lsh(bigOne, uint(24+rng.IntN(kMax+1))))
	}
	for l := 1; l < len(dims); l++ {
		var L Layer
		for range dims[l] {
			row := make([]*big.Rat, dims[l-1])
			for k := range row {
				row[k] = f()
			}
			L.W = append(L.W, row)
			L.B = append(L.B, f())
			act := Activation{Kind: ActReLU}
			if l == len(dims)-1 {
				act.Kind = ActIdentity
			}
			L.Act = append(L.Act, act)
		}
		n.Layers = append(n.Layers, L)
	}
	return n
}

// A float32 network's layers climb the tiers; the blocked evaluator gives the reference's
// outputs and states whatever order the points are asked for in, with and without states.
func TestTiersFloat32Network(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	n := float32Net(rng, []int{20, 16, 16, 12, 3}, 30)
	var in, tg [][]*big.Rat
	for i := range 70 {
		x := make([]*big.Rat, 20)
		for k := range x {
			x[k] = big.NewRat(rng.Int64N(256), 1)
		}
		x[0] = big.NewRat(int64(i), 1) // distinct points
		in = append(in, x)
		tg = append(tg, []*big.Rat{new(big.Rat), new(big.Rat), new(big.Rat)})
	}
	ds, err := NewDataset(in, nil, tg, 0)
	if err != nil {
		t.Fatal(err)
	}
	tiers := Tiers(n, ds)
	if want := []string{"int64", "int128", "int192", "int256"}; !slices.Equal(tiers, want) {
		t.Fatalf("tiers %v, want %v", tiers, want)
	}
	eng := newEngine(n, ds, budget{})
	if eng.name() != "int64+int128+int192+int256" {
		t.Fatalf("engine %s", eng.name())
	}
	ev := eng.newEvaluator()
	order := rng.Perm(ds.N)
	order = append(order, 0, 1, 2, 63, 64, 65, 69)
	got, want := newRats(3), newRats(3)
	for c, i := range order {
		var st [][]byte
		if c%3 != 0 {
			st = n.NewStates()
		}
		ref := n.NewStates()
		ev.eval(i, got, st)
		w := n.Eval(ds.Input(i), ref)
		for k := range w {
			want[k].Set(w[k])
			if got[k].Cmp(want[k]) != 0 {
				t.Fatalf("point %d output %d: %s, want %s", i, k, got[k].RatString(), want[k].RatString())
			}
		}
		for l := range st {
			if string(st[l]) != string(ref[l]) {
				t.Fatalf("point %d layer %d: states %q, want %q", i, l, st[l], ref[l])
			}
		}
	}
	// One layer more does not fit 256 bits: the rest runs in math/big, still exact.
	n2 := float32Net(rng, []int{20, 16, 16, 12, 8, 3}, 30)
	if tiers := Tiers(n2, ds); tiers[4] != "big" {
		t.Fatalf("tiers %v, want big last", tiers)
	}
	ev2 := newEngine(n2, ds, budget{}).newEvaluator()
	for i := range ds.N {
		ev2.eval(i, got, nil)
		w := n2.Eval(ds.Input(i), nil)
		for k := range w {
			if got[k].Cmp(w[k]) != 0 {
				t.Fatalf("5 layers, point %d output %d: %s, want %s", i, k, got[k].RatString(), w[k].RatString())
			}
		}
	}
}
