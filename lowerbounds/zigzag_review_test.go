package lowerbounds

import (
	"fmt"
	"math/big"
	"math/rand/v2"
	"testing"

	"certify/cert"
)

// TestZigzagNeverRefutesAFittingNet is a differential test of the zigzag method against
// networks that fit by construction: random relu nets with one input, one output, every
// hidden layer of width 1 but a core of width 2..4 (width-1 layers before and after it,
// small integer weights so that zero weights, constant units, coinciding breakpoints and
// width-1 layers that are constant on some points are common) are evaluated exactly at
// random distinct points; the data they label (exact targets, and 0/1 labels by a
// threshold) must never get a zigzag no-fit claim the kernel verifies, and the kernel
// must verify that the net fits them. The largest alternation seen per core width is
// logged; width 2 reaches its limit, 2 pieces, next to the 3 that the kernel refutes.
func TestZigzagNeverRefutesAFittingNet(t *testing.T) {
	rng := rand.New(rand.NewPCG(2026, 12))
	relu, _ := cert.ParseActivation("relu", 0)
	ident, _ := cert.ParseActivation("identity", 0)
	small := func(lo, hi int) *big.Rat { return big.NewRat(int64(lo+rng.IntN(hi-lo+1)), 1) }
	best := map[int]int64{}
	trials := 6000
	if testing.Short() {
		trials = 1500
	}
	for trial := 0; trial < trials; trial++ {
		d := 2 + rng.IntN(3)
		var widths []int
		for range rng.IntN(3) {
			widths = append(widths, 1)
		}
		core := len(widths)
		widths = append(widths, d)
		for range rng.IntN(3) {
			widths = append(widths, 1)
		}
		if d == 2 && len(widths) == 1 && rng.IntN(2) == 0 {
			widths = append([]int{1}, widths...)
			core++
		}
		// Half the cores are built to zigzag: breakpoints spread over the points' range,
		// output weights of alternating signs.
		shaped := rng.IntN(2) == 0
		net := &cert.Network{InputDim: 1}
		in := 1
		for l, w := range append(append([]int(nil), widths...), 1) {
			layer := cert.Layer{}
			for u := range w {
				row := make([]*big.Rat, in)
				for k := range row {
					row[k] = small(-3, 3)
					if shaped && l > 0 && widths[l-1] > 1 {
						row[k] = big.NewRat(int64((1-2*(k%2))*(1+rng.IntN(4))), 1)
					}
				}
				b := small(-6, 6)
				b.Quo(b, big.NewRat(2, 1))
				if shaped && l > core && l < len(widths) && rng.IntN(4) > 0 {
					// A width-1 layer past the core that is affine on the data's range.
					if widths[l-1] == 1 {
						row[0] = big.NewRat(int64(1-2*rng.IntN(2)), 1)
					}
					b = big.NewRat(1000, 1)
				}
				if shaped && w > 1 {
					s := int64(1 + rng.IntN(2))
					if rng.IntN(2) == 0 {
						s = -s
					}
					row[0] = big.NewRat(s, 1)
					b = big.NewRat(-s*int64(rng.IntN(13)-6+u), 2)
				}
				layer.W = append(layer.W, row)
				layer.B = append(layer.B, b)
				if l < len(widths) {
					layer.Act = append(layer.Act, relu)
				} else {
					layer.Act = append(layer.Act, ident)
				}
			}
			net.Layers = append(net.Layers, layer)
			in = w
		}
		eval := func(x *big.Rat) *big.Rat {
			v := []*big.Rat{x}
			for _, layer := range net.Layers {
				out := make([]*big.Rat, len(layer.B))
				for u := range out {
					z := new(big.Rat).Set(layer.B[u])
					for k, w := range layer.W[u] {
						z.Add(z, new(big.Rat).Mul(w, v[k]))
					}
					out[u] = layer.Act[u].Apply(z)
				}
				v = out
			}
			return v[0]
		}
		n := 4 + rng.IntN(10)
		seen := map[int]bool{}
		var inputs [][]*big.Rat
		var targets [][]*big.Rat
		for len(inputs) < n {
			x := rng.IntN(49) - 24
			if seen[x] {
				continue
			}
			seen[x] = true
			xr := big.NewRat(int64(x), 4)
			inputs = append(inputs, []*big.Rat{xr})
			targets = append(targets, []*big.Rat{eval(xr)})
		}
		arch := cert.Architecture{InputDim: 1, Hidden: widths, Activation: "relu"}
		describe := func() string {
			s := fmt.Sprintf("widths %v, points", widths)
			for i := range inputs {
				s += fmt.Sprintf(" (%s, %s)", inputs[i][0].RatString(), targets[i][0].RatString())
			}
			for l, layer := range net.Layers {
				s += fmt.Sprintf("\n  layer %d: W %v b %v", l, layer.W, layer.B)
			}
			return s
		}
		// Exact targets, then 0/1 labels by the threshold of a random target.
		thr := new(big.Rat).Set(targets[rng.IntN(n)][0])
		labels := make([]int, n)
		for i := range labels {
			if targets[i][0].Cmp(thr) >= 0 {
				labels[i] = 1
			}
		}
		for _, threshold := range []bool{false, true} {
			var ds *cert.Dataset
			var err error
			var fitClaim cert.Claim = cert.ExactClaim{}
			if threshold {
				ds, err = cert.NewDataset(inputs, labels, nil, 2)
				fitClaim = cert.ThresholdClaim{Threshold: thr}
			} else {
				ds, err = cert.NewDataset(inputs, nil, targets, 0)
			}
			if err != nil {
				t.Fatal(err)
			}
			var th *big.Rat
			if threshold {
				th = big.NewRat(1, 2) // ForcedPieces does not use its value
			}
			forced, err := cert.ForcedPieces(ds, th)
			if err != nil {
				t.Fatal(err)
			}
			best[d] = max(best[d], forced)
			if d == 2 && forced >= 3 {
				t.Fatalf("trial %d: a width-2 core shows %d alternating pieces: %s", trial, forced, describe())
			}
			cl, err := ZigzagClaim(ds, arch)
			if err == nil {
				if threshold {
					cl.Threshold = thr
				}
				rep, err := cert.Check(&cert.Certificate{Format: cert.FormatV1, Data: ds, Claims: []cert.Claim{cl}}, cert.Options{Workers: 1})
				if err != nil {
					t.Fatal(err)
				}
				if rep.Status == cert.Verified {
					t.Fatalf("trial %d (threshold %v): the kernel verifies no-fit by zigzag for data this net fits: %s", trial, threshold, describe())
				}
			}
			if err == nil || trial%50 == 0 {
				rep, err := cert.Check(&cert.Certificate{Format: cert.FormatV1, Network: net, Data: ds, Claims: []cert.Claim{fitClaim}}, cert.Options{Workers: 1})
				if err != nil || rep.Status != cert.Verified {
					t.Fatalf("trial %d: the net does not fit its own data: %v %v %v", trial, err, rep.Status, rep.First)
				}
			}
		}
	}
	t.Logf("largest alternation by core width: %v", best)
	if best[2] < 2 || best[3] < 3 || best[4] < 3 {
		t.Fatalf("the random nets did not reach the alternations: %v", best)
	}
}
