package cert_test

import (
	"math/big"
	"testing"

	"certify/cert"
	"certify/pwl"

	"pgregory.net/rapid"
)

// The kernel's int64 and math/big paths agree on pieces claims, true and false, for
// random networks with every activation (claims produced by package pwl, then mutated).
func TestPiecesIntAgreesWithBig(t *testing.T) {
	acts := []string{"relu", "relu", "leaky-relu:1/3", "hard-tanh", "identity", "step"}
	rapid.Check(t, func(t *rapid.T) {
		r := func(label string) *big.Rat {
			return big.NewRat(int64(rapid.IntRange(-5, 5).Draw(t, label)), int64(rapid.IntRange(1, 4).Draw(t, label+"/")))
		}
		n := &cert.Network{InputDim: 1}
		prev := 1
		depth := rapid.IntRange(1, 3).Draw(t, "depth")
		for l := 0; l < depth; l++ {
			w := rapid.IntRange(1, 3).Draw(t, "width")
			var layer cert.Layer
			for j := 0; j < w; j++ {
				row := make([]*big.Rat, prev)
				for k := range row {
					row[k] = r("w")
				}
				a, _ := cert.ParseActivation(rapid.SampledFrom(acts).Draw(t, "act"), 0)
				layer.W, layer.B, layer.Act = append(layer.W, row), append(layer.B, r("b")), append(layer.Act, a)
			}
			n.Layers = append(n.Layers, layer)
			prev = w
		}
		t0 := r("t0")
		seg := pwl.Interval(t0, new(big.Rat).Add(t0, big.NewRat(int64(rapid.IntRange(1, 6).Draw(t, "len")), 1)))
		cl, st, err := pwl.Claim(n, seg)
		if err != nil {
			t.Fatal(err)
		}
		switch rapid.IntRange(0, 2).Draw(t, "mutation") {
		case 1:
			cl.Pieces++
		case 2:
			if st.Regions > 1 { // the claim without its first breakpoint (counts adjusted)
				var bps []*big.Rat
				for _, run := range cl.Breakpoints {
					x := new(big.Rat).Set(run.Start)
					for k := 0; k < run.Count; k++ {
						bps = append(bps, new(big.Rat).Set(x))
						if run.Step != nil {
							x.Add(x, run.Step)
						}
					}
				}
				cl.Breakpoints = nil
				for _, b := range bps[1:] {
					cl.Breakpoints = append(cl.Breakpoints, cert.Run{Start: b, Count: 1})
				}
				cl.Regions--
			}
		}
		check := func(eng cert.Engine) *cert.Report {
			rep, err := cert.Check(&cert.Certificate{Format: cert.FormatV1, Network: n, Claims: []cert.Claim{cl}}, cert.Options{Engine: eng})
			if err != nil {
				t.Fatal(err)
			}
			return rep
		}
		a := check(cert.EngineAuto)
		for _, eng := range cert.Engines[1:] {
			b := check(eng)
			if a.Status != b.Status || (a.First == nil) != (b.First == nil) || a.First != nil && (a.First.Code != b.First.Code || a.First.Path != b.First.Path) {
				t.Fatalf("auto engine (%s): %v %v; %s engine: %v %v", a.Engine, a.Status, a.First, eng, b.Status, b.First)
			}
		}
	})
}
