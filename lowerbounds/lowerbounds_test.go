package lowerbounds

import (
	"context"
	"math/big"
	"testing"

	"certify/cert"
	"certify/pwl"

	"pgregory.net/rapid"
)

func TestCapacityKernelOnly(t *testing.T) {
	ctx := context.Background()
	cases := []struct {
		hidden         []int
		largest, nofit int
		basisOfNoFit   string
	}{
		{[]int{1}, 2, 3, "kernel: monotone"},
		{[]int{1, 1}, 2, 3, "kernel: monotone"},
		{[]int{1, 1, 1}, 2, 3, "kernel: monotone"},
		{[]int{3}, 4, 0, ""}, // no solver: 5 is undecided
	}
	for _, c := range cases {
		r, err := Capacity(ctx, cert.Architecture{Hidden: c.hidden}, FamilyAlternating, CapacityOptions{MaxN: 20})
		if err != nil {
			t.Fatal(err)
		}
		if r.LargestFit != c.largest || r.SmallestNoFit != c.nofit {
			t.Errorf("%v: largest fit %d, smallest no-fit %d; want %d, %d", c.hidden, r.LargestFit, r.SmallestNoFit, c.largest, c.nofit)
		}
		last := r.Rows[len(r.Rows)-1]
		if c.nofit > 0 && last.Basis != c.basisOfNoFit {
			t.Errorf("%v: no-fit basis %q, want %q", c.hidden, last.Basis, c.basisOfNoFit)
		}
		for _, row := range r.Rows {
			if row.Verdict != Undecided && row.Kernel != "verified" {
				t.Errorf("%v N=%d: %s but the kernel says %s", c.hidden, row.N, row.Verdict, row.Kernel)
			}
		}
	}
}

// Yun et al.'s Thm 3.3 witness is certified impossible by piece counting for every
// d1, d2 tried, and the certificate re-checks after encoding.
func TestYunThm33Witness(t *testing.T) {
	for d1 := 1; d1 <= 5; d1++ {
		for d2 := 1; d2 <= 5; d2++ {
			n := 2*d1*d2 + d2 + 3
			d, err := Dataset(FamilyAlternating, n, 0)
			if err != nil {
				t.Fatal(err)
			}
			c, err := Impossibility(d, cert.Architecture{Hidden: []int{d1, d2}, Activation: "relu"}, "")
			if err != nil {
				t.Fatalf("(%d,%d), N=%d: %v", d1, d2, n, err)
			}
			cl := c.Claims[0].(cert.NoFitClaim)
			if cl.Method == "monotone" {
				continue // widths (1,1): monotonicity decides first
			}
			if *cl.ForcedPieces != int64(n-1) || cl.MaxPieces.Int64() != int64((d1+1)*(d2+1)) {
				t.Errorf("(%d,%d): forced %d bound %s", d1, d2, *cl.ForcedPieces, cl.MaxPieces)
			}
		}
	}
	// One point fewer than the bound allows: the argument must not claim impossibility.
	d, _ := Dataset(FamilyAlternating, 10, 0) // forces 9 = (2+1)(2+1)
	if _, err := Impossibility(d, cert.Architecture{Hidden: []int{2, 2}, Activation: "relu"}, ""); err != ErrTooWeak {
		t.Errorf("N = 10, widths (2,2): want ErrTooWeak, got %v", err)
	}
}

func TestZigzagPieces(t *testing.T) {
	for _, h := range [][]int{{2}, {3}, {2, 2}, {4, 4}, {3, 2, 2}} {
		st, err := pwl.Count(Zigzag(h), pwl.UnitInterval())
		if err != nil {
			t.Fatal(err)
		}
		want := 1
		for _, m := range h {
			want *= m
		}
		if st.Pieces != want {
			t.Errorf("zigzag %v: %d pieces, want %d", h, st.Pieces, want)
		}
	}
}

// The lecture notes' corollary "pieces < 2^(L²)" fails at L = 2, width 4: the zigzag has
// 16 pieces, certified by the kernel.
func TestSearchPiecesBreaksCorollary(t *testing.T) {
	r, err := SearchPieces(context.Background(), []int{4, 4}, big.NewInt(16), true, 50, 1)
	if err != nil {
		t.Fatal(err)
	}
	if !r.Exceeds || r.Best != 16 || r.Kernel != "verified" {
		t.Errorf("got %+v", r)
	}
	// (m+1)^l is a theorem: never exceeded.
	r, err = SearchPieces(context.Background(), []int{2, 2}, big.NewInt(9), false, 300, 2)
	if err != nil {
		t.Fatal(err)
	}
	if r.Exceeds || r.Best > 9 {
		t.Errorf("(2,2): %d pieces beat the bound 9", r.Best)
	}
}

func TestSearchMisclassification(t *testing.T) {
	// A width-1 network is monotone: on 16 alternating points it gets at most 9 right.
	r, err := SearchMisclassification(context.Background(), []int{1}, 4, 200, 1)
	if err != nil {
		t.Fatal(err)
	}
	if r.Wrong < 7 || r.Kernel != "verified" {
		t.Errorf("width 1, k = 4: %d wrong (kernel %s); a monotone classifier gets at least 7 wrong", r.Wrong, r.Kernel)
	}
}

func TestSearchL1(t *testing.T) {
	r, err := SearchL1(context.Background(), []int{2}, 3, 100, 1)
	if err != nil {
		t.Fatal(err)
	}
	best, _ := new(big.Rat).SetString(r.Best)
	if best.Cmp(big.NewRat(1, 4)) > 0 {
		t.Errorf("the constant 1/2 is at L¹ distance 1/4 from m^(3); best found %s", r.Best)
	}
}

// The interpolant fits any 1-D data with N ≤ d1 + 1, at any depth.
func TestInterpolantProperty(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		n := rapid.IntRange(1, 8).Draw(t, "n")
		seen := map[int64]bool{}
		var inputs, targets [][]*big.Rat
		for len(inputs) < n {
			x := rapid.Int64Range(-50, 50).Draw(t, "x")
			if seen[x] {
				continue
			}
			seen[x] = true
			inputs = append(inputs, []*big.Rat{big.NewRat(x, rapid.Int64Range(1, 3).Draw(t, "xd"))})
			targets = append(targets, []*big.Rat{big.NewRat(rapid.Int64Range(-9, 9).Draw(t, "y"), rapid.Int64Range(1, 4).Draw(t, "yd"))})
		}
		d, err := cert.NewDataset(inputs, nil, targets, 0)
		if err != nil {
			t.Skip("duplicate after reduction")
		}
		hidden := []int{n - 1 + rapid.IntRange(0, 2).Draw(t, "extra")}
		if hidden[0] == 0 {
			hidden[0] = 1
		}
		for l := rapid.IntRange(0, 2).Draw(t, "layers"); l > 0; l-- {
			hidden = append(hidden, rapid.IntRange(1, 3).Draw(t, "w"))
		}
		net, ok := InterpolantNetwork(d, cert.Architecture{Hidden: hidden, Activation: "relu"})
		if !ok {
			t.Fatalf("no interpolant for N=%d widths %v", n, hidden)
		}
		if _, st := WitnessCert(d, net, ""); st != "verified" {
			t.Fatalf("interpolant not verified: %s", st)
		}
	})
}

// Repeated inputs with equal targets are one point for the interpolant (the rapid test
// above once drew 2/2 and 1/1: a division by zero).
func TestInterpolantRepeatedInput(t *testing.T) {
	in := [][]*big.Rat{{big.NewRat(1, 1)}, {big.NewRat(2, 2)}, {big.NewRat(3, 1)}}
	ys := [][]*big.Rat{{big.NewRat(5, 1)}, {big.NewRat(5, 1)}, {big.NewRat(-1, 2)}}
	d, err := cert.NewDataset(in, nil, ys, 0)
	if err != nil {
		t.Fatal(err)
	}
	net, ok := InterpolantNetwork(d, cert.Architecture{Hidden: []int{1}, Activation: "relu"})
	if !ok {
		t.Fatal("two distinct inputs need one unit")
	}
	if _, st := WitnessCert(d, net, ""); st != "verified" {
		t.Fatalf("interpolant not verified: %s", st)
	}
}

// The hard-tanh zigzag has 2m + 1 pieces after one layer of m units, more than a ReLU
// layer can have: the search finds them for a hard-tanh claim.
func TestSearchPiecesHardTanh(t *testing.T) {
	ht := cert.Activation{Kind: cert.ActHardTanh}
	for m := 1; m <= 4; m++ {
		r, err := SearchPiecesAct(context.Background(), []int{m}, ht, big.NewInt(int64(m+1)), false, 10, 1)
		if err != nil {
			t.Fatal(err)
		}
		if !r.Exceeds || r.Best != 2*m+1 || r.Kernel != "verified" {
			t.Errorf("m = %d: best %d (%s, exceeds %v), want %d verified", m, r.Best, r.Kernel, r.Exceeds, 2*m+1)
		}
	}
}
