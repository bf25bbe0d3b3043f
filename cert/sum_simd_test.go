package cert

import (
	"math/big"
	"math/rand/v2"
	"testing"
)

// The AVX-512 lanes (sum_simd.go, built with GOEXPERIMENT=simd) against the scalar loops
// they replace. Without the experiment both sides are the scalar loops.

// sum64's lanes against sum64Scalar, with sums up to near 2^61 and zero inputs.
func TestSum64Lanes(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for range 300 {
		in, out := 1+rng.IntN(40), 1+rng.IntN(20)
		n := 1 + rng.IntN(tierBlock)
		l := &intLayer{in: in, out: out, wT: make([]int64, in*out), b: make([]int64, out)}
		for i := range l.wT {
			l.wT[i] = rng.Int64N(1<<31) - 1<<30
		}
		for j := range l.b {
			l.b[j] = rng.Int64N(1<<40) - 1<<39
		}
		a := make([]int64, n*in)
		nz := make([][]int32, n)
		for i := range a {
			if rng.IntN(3) > 0 {
				a[i] = rng.Int64N(1<<25) - 1<<24
			}
		}
		for p := range n {
			nz[p] = nonZero64(a[p*in:(p+1)*in], nil)
		}
		pk := pack(l.wT, in, out, 8)
		got, want := make([]int64, n*out), make([]int64, n*out)
		sum64(pk, l, a, got, nz)
		sum64Scalar(pk, l, a, want, nz)
		for i := range got {
			if got[i] != want[i] {
				t.Fatalf("in %d, out %d, sum %d: lanes %d, scalar %d", in, out, i, got[i], want[i])
			}
		}
	}
}

// A float32-like network whose second layer needs 128 bits: the limb lanes (limb.go)
// against the scalar 128-bit loop and the reference, output by output.
func TestLimbLanes(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for trial := range 20 {
		widths := []int{2 + rng.IntN(30), 1 + rng.IntN(20), 1 + rng.IntN(20), 1 + rng.IntN(4)}
		n := &Network{InputDim: widths[0]}
		for li := 1; li < len(widths); li++ {
			var layer Layer
			for range widths[li] {
				row := make([]*big.Rat, widths[li-1])
				for k := range row {
					row[k] = big.NewRat(rng.Int64N(1<<24)-1<<23, 1<<(20+rng.IntN(21)))
					if rng.IntN(5) == 0 {
						row[k] = new(big.Rat)
					}
				}
				layer.W = append(layer.W, row)
				layer.B = append(layer.B, big.NewRat(rng.Int64N(1<<24)-1<<23, 1<<(20+rng.IntN(21))))
				act := Activation{Kind: ActReLU}
				if li == len(widths)-1 || rng.IntN(4) == 0 {
					act = Activation{Kind: ActIdentity}
				}
				layer.Act = append(layer.Act, act)
			}
			n.Layers = append(n.Layers, layer)
		}
		var inputs, targets [][]*big.Rat
		for range 1 + rng.IntN(3*tierBlock) {
			x := make([]*big.Rat, widths[0])
			for k := range x {
				x[k] = big.NewRat(rng.Int64N(256), 1)
			}
			inputs = append(inputs, x)
			targets = append(targets, []*big.Rat{new(big.Rat)})
		}
		ds, err := NewDataset(inputs, nil, targets, 0)
		if err != nil {
			t.Fatal(err)
		}
		p, ok := newEngine(n, ds, budget{}).(*tierPlan)
		if !ok || p.start != 1 || len(p.wide) == 0 || p.wide[0].limb == nil {
			t.Fatalf("trial %d: no limb plan for the second layer (tiers %v)", trial, Tiers(n, ds))
		}
		on := simdOn
		lanes, err := Outputs(n, ds, Options{})
		simdOn = false
		scalar, err2 := Outputs(n, ds, Options{})
		simdOn = on
		ref, err3 := Outputs(n, ds, Options{Engine: EngineReference})
		if err != nil || err2 != nil || err3 != nil {
			t.Fatal(err, err2, err3)
		}
		for i := range ref {
			for k := range ref[i] {
				if lanes[i][k].Cmp(ref[i][k]) != 0 || scalar[i][k].Cmp(ref[i][k]) != 0 {
					t.Fatalf("trial %d, point %d, output %d: lanes %s, scalar %s, reference %s", trial, i, k,
						lanes[i][k].RatString(), scalar[i][k].RatString(), ref[i][k].RatString())
				}
			}
		}
	}
	t.Logf("lanes on: %v", simdOn)
}

// setDyadic agrees with SetFrac on numerators of every sign and size.
func TestSetDyadic(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	r := new(big.Rat)
	for range 5000 {
		num := new(big.Int).Lsh(big.NewInt(rng.Int64N(1<<40)-1<<39), uint(rng.IntN(150)))
		if rng.IntN(10) == 0 {
			num.SetInt64(0)
		}
		e := uint(rng.IntN(200))
		setDyadic(r, num, e)
		want := new(big.Rat).SetFrac(num, new(big.Int).Lsh(bigOne, e))
		if r.Cmp(want) != 0 || r.RatString() != want.RatString() || r.Denom().Cmp(want.Denom()) != 0 {
			t.Fatalf("%s/2^%d: %s, want %s", num, e, r.RatString(), want.RatString())
		}
	}
	if pow2Exp(big.NewInt(1)) != 0 || pow2Exp(big.NewInt(1<<40)) != 40 || pow2Exp(big.NewInt(6)) != -1 || pow2Exp(big.NewInt(3)) != -1 {
		t.Fatal("pow2Exp")
	}
}
