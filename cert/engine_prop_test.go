package cert

import (
	"fmt"
	"math/big"
	"sync"
	"sync/atomic"
	"testing"

	"pgregory.net/rapid"
)

// The engines' property test. Every engine computes the same exact function; this test
// draws networks and data at the edges of the fast paths and requires the auto and big
// engines to agree with the reference (Network.Eval) on every output and every unit's
// state at every point.
//
// The edges: the int64 engine proves a static bound per layer and ends its int64 prefix at
// the first layer that fails it (so each layer is drawn in one of several modes — small,
// decimal denominators, binary denominators, huge numerators — which puts the failing
// layer at every position); its scale is the lcm of denominators, grown by leaky slopes'
// denominators (slopes such as 1/10 and 1/10^9 with decimal data); the 128-bit sums of
// the big engine under auto hold below 2^126 (numerators near 2^62, 2^63 and 2^127);
// states change at z = 0 and, for hard-tanh, at z = ±1 (small integers reach them). The
// wide tiers (wide.go) hold a layer's numbers in 128, 192 or 256 bits when its bound is
// below 2^127, 2^191, 2^255: biases near those powers put a layer's bound on either side of
// each boundary, and float32-like weights m/2^k (k up to 60) grow the scales layer after
// layer as a trained network's do. The test requires every tier to have been reached.

// propCases is how many cases one run of TestEnginesAgreeProperty draws (fewer with
// -short): the property runs in rounds of rapid's -rapid.checks cases.
const propCases = 10000

var decDens = []int64{1, 10, 100, 1000, 1_000_000, 1_000_000_000, 1_000_000_000_000_000_000}
var binDens = []int64{1, 2, 4, 1 << 20, 1 << 31, 1 << 32, 1 << 40, 1 << 52, 1 << 61, 1 << 62}
var oddDens = []int64{1, 3, 7, 9, 641, 6700417}

// nearPow draws ±(2^k + δ) for a k near an int64 or 128-bit boundary.
func nearPow(t *rapid.T, label string) *big.Int {
	k := rapid.SampledFrom([]uint{20, 30, 31, 32, 40, 52, 60, 61, 62, 63, 64, 65, 125, 126, 127, 128,
		129, 189, 190, 191, 192, 253, 254, 255, 256}).Draw(t, label+"-k")
	v := new(big.Int).Lsh(big.NewInt(1), k)
	v.Add(v, big.NewInt(rapid.Int64Range(-2, 2).Draw(t, label+"-delta")))
	if rapid.Bool().Draw(t, label+"-neg") {
		v.Neg(v)
	}
	return v
}

// layerMode says how a layer's numbers are drawn.
type layerMode int

const (
	modeSmall   layerMode = iota // small integers and halves
	modeDecimal                  // decimal fractions such as 0.000000001
	modeBinary                   // binary fractions such as 1/2^40
	modeHuge                     // numerators near 2^62, 2^63, 2^127, 2^191, 2^255
	modeFloat                    // float32-like m/2^k, m < 2^24, k ≤ 60
	modeMixed                    // any of the above, per number
	nModes
)

func drawRat(t *rapid.T, mode layerMode, label string) *big.Rat {
	if mode == modeMixed {
		mode = layerMode(rapid.IntRange(0, int(modeFloat)).Draw(t, label+"-mode"))
	}
	num := big.NewInt(rapid.Int64Range(-4, 4).Draw(t, label+"-num"))
	den := int64(1)
	switch mode {
	case modeSmall:
		den = rapid.SampledFrom([]int64{1, 1, 1, 2}).Draw(t, label+"-den")
	case modeDecimal:
		den = rapid.SampledFrom(decDens).Draw(t, label+"-den")
		if rapid.IntRange(0, 3).Draw(t, label+"-long") == 0 {
			num = big.NewInt(rapid.Int64Range(-123456789, 123456789).Draw(t, label+"-lnum"))
		}
	case modeBinary:
		den = rapid.SampledFrom(append(binDens, oddDens...)).Draw(t, label+"-den")
	case modeHuge:
		if rapid.IntRange(0, 2).Draw(t, label+"-which") > 0 {
			num = nearPow(t, label)
		}
		den = rapid.SampledFrom([]int64{1, 1, 2, 1 << 31, 1 << 62}).Draw(t, label+"-den")
	case modeFloat:
		num = big.NewInt(rapid.Int64Range(-(1<<24-1), 1<<24-1).Draw(t, label+"-m"))
		r := new(big.Rat).SetFrac(num, new(big.Int).Lsh(bigOne, uint(rapid.IntRange(0, 60).Draw(t, label+"-k"))))
		return r
	}
	return new(big.Rat).SetFrac(num, big.NewInt(den))
}

var propSlopes = []string{"1/10", "0.1", "0.01", "1/1000000000", "1/2", "-1/3", "3/2", "2", "1/1099511627776", "0", "1/641", "-7/10"}

func drawActivation(t *rapid.T, label string) Activation {
	kind := ActKind(rapid.IntRange(0, 4).Draw(t, label))
	a := Activation{Kind: kind}
	if kind == ActLeakyReLU {
		a.Slope, _ = new(big.Rat).SetString(rapid.SampledFrom(propSlopes).Draw(t, label+"-slope"))
	}
	return a
}

func drawPropNetwork(t *rapid.T, d int) *Network {
	n := &Network{InputDim: d}
	in, blockIn := d, d // blockIn: the previous layer's input, which a residual layer adds
	depth := rapid.IntRange(1, 6).Draw(t, "depth")
	for l := 0; l < depth; l++ {
		out := rapid.IntRange(1, 4).Draw(t, fmt.Sprintf("width%d", l))
		mode := layerMode(rapid.IntRange(0, int(nModes)-1).Draw(t, fmt.Sprintf("mode%d", l)))
		var layer Layer
		// Residual blocks (Yun et al. 2019, §4): the layer adds its block's input.
		if l > 0 && rapid.IntRange(0, 2).Draw(t, fmt.Sprintf("residual%d", l)) == 0 {
			layer.Residual, out = true, blockIn
		}
		for j := 0; j < out; j++ {
			row := make([]*big.Rat, in)
			for k := range row {
				row[k] = drawRat(t, mode, "w")
			}
			layer.W = append(layer.W, row)
			layer.B = append(layer.B, drawRat(t, mode, "b"))
			layer.Act = append(layer.Act, drawActivation(t, "act"))
		}
		n.Layers = append(n.Layers, layer)
		in, blockIn = out, in
	}
	return n
}

func drawPropDataset(t *rapid.T, d int) *Dataset {
	mode := layerMode(rapid.IntRange(0, int(nModes)-1).Draw(t, "data-mode"))
	npts := rapid.IntRange(1, 6).Draw(t, "n")
	var rows [][]*big.Rat
	for i := 0; i < npts; i++ {
		x := make([]*big.Rat, d)
		for k := range x {
			x[k] = drawRat(t, mode, "x")
		}
		rows = append(rows, x)
	}
	ds, err := distinctPoints(rows)
	if err != nil {
		t.Fatal(err)
	}
	return ds
}

// enginesAgree evaluates every point of ds under every engine and fails t unless each
// output and state equals the reference's.
func enginesAgree(t *rapid.T, n *Network, ds *Dataset) {
	ref := newEngine(n, ds, budget{engine: EngineReference}).newEvaluator()
	want := newRats(n.OutputDim())
	wantSt := n.NewStates()
	for _, e := range []Engine{EngineAuto, EngineBig} {
		eng := newEngine(n, ds, budget{engine: e})
		if e == EngineAuto {
			for _, tier := range Tiers(n, ds) {
				tiersSeen.Store(tier, true)
			}
		}
		ev := eng.newEvaluator()
		got := newRats(n.OutputDim())
		st := n.NewStates()
		for i := 0; i < ds.N; i++ {
			if ref.eval(i, want, wantSt) >= 0 || ev.eval(i, got, st) >= 0 {
				t.Fatalf("point %d: a number size limit without a limit", i)
			}
			for k := range got {
				if got[k].Cmp(want[k]) != 0 {
					t.Fatalf("%s engine (%s), point %d, output %d: %s, reference %s", e, eng.name(), i, k, got[k].RatString(), want[k].RatString())
				}
			}
			for l := range st {
				if string(st[l]) != string(wantSt[l]) {
					t.Fatalf("%s engine (%s), point %d, layer %d: states %q, reference %q", e, eng.name(), i, l, st[l], wantSt[l])
				}
			}
		}
	}
}

// propRounds runs prop in rounds of rapid's -rapid.checks cases (each round with its own
// seed) until want cases have run (a tenth of them under -short); it returns the count.
func propRounds(t *testing.T, want int, prop func(*rapid.T)) int64 {
	if testing.Short() {
		want /= 10
	}
	var cases atomic.Int64
	for int(cases.Load()) < want {
		rapid.Check(t, func(t *rapid.T) {
			cases.Add(1)
			prop(t)
		})
		if t.Failed() {
			break
		}
	}
	return cases.Load()
}

func TestEnginesAgreeProperty(t *testing.T) {
	cases := propRounds(t, propCases, func(t *rapid.T) {
		d := rapid.IntRange(1, 3).Draw(t, "d")
		enginesAgree(t, drawPropNetwork(t, d), drawPropDataset(t, d))
	})
	if t.Failed() {
		return
	}
	t.Logf("%d cases", cases)
	for _, tier := range []string{"int64", "int128", "int192", "int256", "big"} {
		if _, ok := tiersSeen.Load(tier); !ok {
			t.Errorf("no case ran a layer in %s", tier)
		}
	}
}

// tiersSeen records the tiers (Tiers) the auto engine ran layers in.
var tiersSeen sync.Map
