package cert

import (
	"fmt"
	"math/big"
	"sync/atomic"
	"testing"

	"pgregory.net/rapid"
)

// The rank-one paths (rank1.go) against the reference: a first layer whose rows are
// rational multiples of one row (zero rows, negative multiples and repeated thresholds
// among them), then dense layers of every mode, on small integer points that land on the
// thresholds. The test requires the rank-one sums and both kinds of table (an int64 next
// layer and a wide one) to have been reached.
func TestEnginesAgreeRankOne(t *testing.T) {
	var rank, table64, tableW, several atomic.Int64
	mults := []string{"0", "1", "-1", "2", "-3", "1/2", "5/3", "-7/4", "1"}
	// 4000 cases: the first run that met two tables of different widths (a shared
	// scratch buffer sized for the wider) needed about 2500.
	propRounds(t, 4000, func(t *rapid.T) {
		d := rapid.IntRange(1, 4).Draw(t, "d")
		n := &Network{InputDim: d}
		mode := layerMode(rapid.IntRange(0, int(nModes)-1).Draw(t, "mode0"))
		g := make([]*big.Rat, d)
		for k := range g {
			g[k] = drawRat(t, mode, "g")
		}
		out := rapid.IntRange(4, 8).Draw(t, "width0")
		relu := rapid.IntRange(0, 4).Draw(t, "relu") > 0
		var first Layer
		for range out {
			c, _ := new(big.Rat).SetString(rapid.SampledFrom(mults).Draw(t, "c"))
			row := make([]*big.Rat, d)
			for k := range row {
				row[k] = new(big.Rat).Mul(c, g[k])
			}
			first.W = append(first.W, row)
			b := new(big.Rat).SetInt64(rapid.Int64Range(-6, 6).Draw(t, "b"))
			if rapid.IntRange(0, 3).Draw(t, "bmode") == 0 {
				b = drawRat(t, mode, "b")
			}
			first.B = append(first.B, b)
			act := Activation{Kind: ActReLU}
			if !relu {
				act = drawActivation(t, "act")
			}
			first.Act = append(first.Act, act)
		}
		n.Layers = append(n.Layers, first)
		in := out
		for l := 1; l <= rapid.IntRange(1, 3).Draw(t, "depth"); l++ {
			w := rapid.IntRange(1, 5).Draw(t, fmt.Sprintf("width%d", l))
			mode := layerMode(rapid.IntRange(0, int(nModes)-1).Draw(t, fmt.Sprintf("mode%d", l)))
			var layer Layer
			// A later layer may be rank one and ReLU too, so that a plan holds several
			// tables (of different widths: they share one scratch buffer).
			again := rapid.IntRange(0, 2).Draw(t, fmt.Sprintf("again%d", l)) == 0
			base := make([]*big.Rat, in)
			for k := range base {
				base[k] = drawRat(t, mode, "g")
			}
			if again {
				w = max(w, 4)
			}
			for range w {
				row := make([]*big.Rat, in)
				c, _ := new(big.Rat).SetString(rapid.SampledFrom(mults).Draw(t, "c"))
				for k := range row {
					if again {
						row[k] = new(big.Rat).Mul(c, base[k])
					} else {
						row[k] = drawRat(t, mode, "w")
					}
				}
				layer.W = append(layer.W, row)
				layer.B = append(layer.B, drawRat(t, mode, "b"))
				if again {
					layer.Act = append(layer.Act, Activation{Kind: ActReLU})
				} else {
					layer.Act = append(layer.Act, drawActivation(t, "act"))
				}
			}
			n.Layers = append(n.Layers, layer)
			in = w
		}
		var rows [][]*big.Rat
		for range rapid.IntRange(1, 20).Draw(t, "n") {
			x := make([]*big.Rat, d)
			for k := range x {
				x[k] = new(big.Rat).SetInt64(rapid.Int64Range(-5, 5).Draw(t, "x"))
			}
			rows = append(rows, x)
		}
		ds, err := distinctPoints(rows)
		if err != nil {
			t.Fatal(err)
		}
		if p, ok := newEngine(n, ds, budget{}).(*tierPlan); ok {
			if p.r1 != nil && p.r1[0] != nil {
				rank.Add(1)
			}
			tables := 0
			for _, pt := range p.pw {
				if pt != nil {
					tables++
				}
			}
			if tables > 1 {
				several.Add(1)
			}
			if len(p.pw) > 1 && p.pw[1] != nil {
				if p.start > 1 {
					table64.Add(1)
				} else {
					tableW.Add(1)
				}
			}
		}
		enginesAgree(t, n, ds)
	})
	t.Logf("rank one %d, tables %d (int64), %d (wide), plans with several tables %d", rank.Load(), table64.Load(), tableW.Load(), several.Load())
	// Under -short (a tenth of the cases) a plan with several tables is not reached.
	if rank.Load() == 0 || table64.Load() == 0 || tableW.Load() == 0 || several.Load() == 0 && !testing.Short() {
		t.Errorf("a rank-one path was never reached")
	}
}
