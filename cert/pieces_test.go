package cert

import (
	"errors"
	"fmt"
	"math/big"
	"strings"
	"testing"
)

// The kernel's tests build their networks and claims by hand: they must not depend on
// the enumerator (package pwl) whose output the kernel checks.

func rr(s string) *big.Rat {
	r, ok := new(big.Rat).SetString(s)
	if !ok {
		panic(s)
	}
	return r
}

// sawtooth is m^(L) as the composition of φ(z) = σ(σ(2z) − σ(4z − 2)).
func sawtooth(L int) *Network {
	relu := Activation{Kind: ActReLU}
	n := &Network{InputDim: 1}
	for i := 0; i < L; i++ {
		n.Layers = append(n.Layers,
			Layer{W: [][]*big.Rat{{rr("2")}, {rr("4")}}, B: []*big.Rat{rr("0"), rr("-2")}, Act: []Activation{relu, relu}},
			Layer{W: [][]*big.Rat{{rr("1"), rr("-1")}}, B: []*big.Rat{rr("0")}, Act: []Activation{relu}})
	}
	return n
}

func unitSeg(t0, t1 string) Segment {
	return Segment{A: []*big.Rat{rr("0")}, V: []*big.Rat{rr("1")}, T0: rr(t0), T1: rr(t1)}
}

// points spells runs as single points.
func points(ts ...string) []Run {
	out := []Run{}
	for _, t := range ts {
		out = append(out, Run{Start: rr(t), Count: 1})
	}
	return out
}

func sawClaim(L int) PiecesClaim {
	N := 1 << L
	h := big.NewRat(1, int64(N))
	run := []Run{{Start: h, Step: h, Count: N - 1}}
	return PiecesClaim{Segment: unitSeg("0", "1"), Breakpoints: run, PieceBreakpoints: run, Regions: N, Pieces: N}
}

// piecesEngine is the engine checkPieces uses.
var piecesEngine = EngineAuto

func checkPieces(t *testing.T, n *Network, cl PiecesClaim) *Report {
	t.Helper()
	rep, err := Check(&Certificate{Format: FormatV1, Network: n, Claims: []Claim{cl}}, Options{Engine: piecesEngine})
	if err != nil {
		t.Fatalf("Check: %v", err)
	}
	return rep
}

// layer builds a layer from rows "w1 w2 ... | b" and one activation.
func layer(act string, rows ...string) Layer {
	a, err := ParseActivation(act, 0)
	if err != nil {
		panic(err)
	}
	var l Layer
	for _, row := range rows {
		ws, b, _ := strings.Cut(row, "|")
		var w []*big.Rat
		for _, f := range strings.Fields(ws) {
			w = append(w, rr(f))
		}
		l.W = append(l.W, w)
		l.B = append(l.B, rr(strings.TrimSpace(b)))
		l.Act = append(l.Act, a)
	}
	return l
}

// absNet is |x| = σ(x) + σ(−x) and idNet is x = σ(x) − σ(−x): two regions each, two
// pieces and one piece.
func absNet(sign string) *Network {
	return &Network{InputDim: 1, Layers: []Layer{layer("relu", "1 | 0", "-1 | 0"), layer("identity", "1 "+sign+"1 | 0")}}
}

func TestPiecesSawtooth(t *testing.T) {
	for _, eng := range Engines {
		piecesEngine = eng
		for L := 1; L <= 12; L++ {
			rep := checkPieces(t, sawtooth(L), sawClaim(L))
			if rep.Status != Verified {
				t.Fatalf("L=%d engine %v: %v", L, eng, rep.First)
			}
			if got := rep.Claims[0].Checked; got != 1<<L {
				t.Errorf("L=%d: checked %d regions, want %d", L, got, 1<<L)
			}
		}
	}
	piecesEngine = EngineAuto
}

func TestPiecesSawtoothL20(t *testing.T) {
	if testing.Short() {
		t.Skip("2^20 regions")
	}
	rep := checkPieces(t, sawtooth(20), sawClaim(20))
	if rep.Status != Verified {
		t.Fatal(rep.First)
	}
}

func TestPiecesBrokenTwins(t *testing.T) {
	saw := sawtooth(3)
	id := absNet("-")
	seg11 := unitSeg("-1", "1")
	good := func() PiecesClaim {
		return PiecesClaim{Segment: unitSeg("0", "1"),
			Breakpoints:      points("1/8", "1/4", "3/8", "1/2", "5/8", "3/4", "7/8"),
			PieceBreakpoints: points("1/8", "1/4", "3/8", "1/2", "5/8", "3/4", "7/8"), Regions: 8, Pieces: 8}
	}
	drop := func(rs []Run, i int) []Run { return append(append([]Run{}, rs[:i]...), rs[i+1:]...) }
	tests := []struct {
		name string
		n    *Network
		cl   func() PiecesClaim
		code Code // "" = verified
	}{
		{"sawtooth as points", saw, good, ""},
		{"sawtooth as a run", saw, func() PiecesClaim { return sawClaim(3) }, ""},
		{"regions off by one", saw, func() PiecesClaim { c := good(); c.Regions = 9; return c }, CodePiecesCount},
		{"pieces off by one", saw, func() PiecesClaim { c := good(); c.Pieces = 7; return c }, CodePiecesCount},
		{"run count off by one", saw, func() PiecesClaim {
			c := sawClaim(3)
			c.Breakpoints = []Run{{Start: rr("1/8"), Step: rr("1/8"), Count: 6}}
			c.PieceBreakpoints, c.Regions, c.Pieces = c.Breakpoints, 7, 7
			return c
		}, CodePiecesMissing},
		{"one breakpoint removed", saw, func() PiecesClaim {
			c := good()
			c.Breakpoints, c.PieceBreakpoints, c.Regions, c.Pieces = drop(c.Breakpoints, 3), drop(c.PieceBreakpoints, 3), 7, 7
			return c
		}, CodePiecesMissing},
		{"breakpoint moved", saw, func() PiecesClaim {
			c := good()
			c.Breakpoints[0] = Run{Start: rr("1/9"), Count: 1}
			return c
		}, CodePiecesMissing},
		{"a point that is not a breakpoint", saw, func() PiecesClaim {
			c := good()
			c.Breakpoints = append(points("1/16"), c.Breakpoints...)
			c.PieceBreakpoints = append(points("1/16"), c.PieceBreakpoints...)
			c.Regions, c.Pieces = 9, 9
			return c
		}, CodePiecesNotBreakpoint},
		{"piece breakpoint missing", saw, func() PiecesClaim {
			c := good()
			c.PieceBreakpoints, c.Pieces = drop(c.PieceBreakpoints, 0), 7
			return c
		}, CodePiecesMissing},
		{"identity: two regions, one piece", id, func() PiecesClaim {
			return PiecesClaim{Segment: seg11, Breakpoints: points("0"), PieceBreakpoints: points(), Regions: 2, Pieces: 1}
		}, ""},
		{"identity: a region boundary claimed a piece boundary", id, func() PiecesClaim {
			return PiecesClaim{Segment: seg11, Breakpoints: points("0"), PieceBreakpoints: points("0"), Regions: 2, Pieces: 2}
		}, CodePiecesNotBreakpoint},
		{"identity: regions confused with pieces", id, func() PiecesClaim {
			return PiecesClaim{Segment: seg11, Breakpoints: points("0"), PieceBreakpoints: points(), Regions: 2, Pieces: 2}
		}, CodePiecesCount},
		{"piece breakpoint not among breakpoints", id, func() PiecesClaim {
			return PiecesClaim{Segment: seg11, Breakpoints: points("0"), PieceBreakpoints: points("1/2"), Regions: 2, Pieces: 2}
		}, CodePiecesNotBreakpoint},
		{"abs: two pieces", absNet("+"), func() PiecesClaim {
			return PiecesClaim{Segment: seg11, Breakpoints: points("0"), PieceBreakpoints: points("0"), Regions: 2, Pieces: 2}
		}, ""},
		{"no breakpoints claimed for abs", absNet("+"), func() PiecesClaim {
			return PiecesClaim{Segment: seg11, Breakpoints: points(), PieceBreakpoints: points(), Regions: 1, Pieces: 1}
		}, CodePiecesMissing},
		{"abs on a segment away from its kink", absNet("+"), func() PiecesClaim {
			return PiecesClaim{Segment: unitSeg("1/3", "7"), Breakpoints: points(), PieceBreakpoints: points(), Regions: 1, Pieces: 1}
		}, ""},
	}
	for _, tt := range tests {
		for _, eng := range Engines {
			piecesEngine = eng
			rep := checkPieces(t, tt.n, tt.cl())
			switch {
			case tt.code == "" && rep.Status != Verified:
				t.Errorf("%s (engine %v): want verified, got %v", tt.name, eng, rep.First)
			case tt.code != "" && (rep.Status != Refuted || rep.First.Code != tt.code):
				t.Errorf("%s (engine %v): want refuted %s, got %v %v", tt.name, eng, tt.code, rep.Status, rep.First)
			}
		}
	}
	piecesEngine = EngineAuto
}

// Activations other than relu: each case is a network on [−2, 2] with its regions and
// pieces worked out by hand.
func TestPiecesActivations(t *testing.T) {
	tests := []struct {
		name           string
		n              *Network
		bps, pbs       []string
		regions, piece int
	}{
		// hard-tanh(x): kinks at ±1.
		{"hard-tanh", &Network{InputDim: 1, Layers: []Layer{layer("hard-tanh", "1 | 0")}}, []string{"-1", "1"}, []string{"-1", "1"}, 3, 3},
		// leaky-relu(x) with slope 1/4: one kink.
		{"leaky", &Network{InputDim: 1, Layers: []Layer{layer("leaky-relu:1/4", "1 | 0")}}, []string{"0"}, []string{"0"}, 2, 2},
		// leaky(x) − leaky(−x)·... with slope 1: leaky-relu:1 is the identity; a pattern change
		// without a kink.
		{"leaky slope 1", &Network{InputDim: 1, Layers: []Layer{layer("leaky-relu:1", "1 | 0")}}, []string{"0"}, []string{}, 2, 1},
		// step(x − 1/2): a jump is a piece boundary.
		{"step", &Network{InputDim: 1, Layers: []Layer{layer("step", "1 | -1/2")}}, []string{"1/2"}, []string{"1/2"}, 2, 2},
		// step(x) + step(−x) − 1: 0 on both sides, 1 at x = 0: the same map on both sides but
		// not affine near 0.
		{"step spike", &Network{InputDim: 1, Layers: []Layer{layer("step", "1 | 0", "-1 | 0"), layer("identity", "1 1 | -1")}}, []string{"0"}, []string{"0"}, 2, 2},
		// identity network: one region.
		{"identity", &Network{InputDim: 1, Layers: []Layer{layer("identity", "3 | 1")}}, []string{}, []string{}, 1, 1},
	}
	for _, tt := range tests {
		for _, eng := range Engines {
			piecesEngine = eng
			cl := PiecesClaim{Segment: unitSeg("-2", "2"), Breakpoints: points(tt.bps...), PieceBreakpoints: points(tt.pbs...), Regions: tt.regions, Pieces: tt.piece}
			if rep := checkPieces(t, tt.n, cl); rep.Status != Verified {
				t.Errorf("%s (engine %v): %v", tt.name, eng, rep.First)
			}
			cl.Pieces++
			if rep := checkPieces(t, tt.n, cl); rep.Status != Refuted {
				t.Errorf("%s (engine %v): a wrong count verified", tt.name, eng)
			}
		}
	}
	piecesEngine = EngineAuto
}

// A segment in a 2-D input space: f(x, y) = σ(x) + σ(y) on (−1, −1) + t·(1, 2), t in [0, 1]:
// x = 0 at t = 1, y = 0 at t = 1/2.
func TestPiecesSegment2D(t *testing.T) {
	n := &Network{InputDim: 2, Layers: []Layer{layer("relu", "1 0 | 0", "0 1 | 0"), layer("identity", "1 1 | 0")}}
	seg := Segment{A: []*big.Rat{rr("-1"), rr("-1")}, V: []*big.Rat{rr("1"), rr("2")}, T0: rr("0"), T1: rr("1")}
	cl := PiecesClaim{Segment: seg, Breakpoints: points("1/2"), PieceBreakpoints: points("1/2"), Regions: 2, Pieces: 2}
	if rep := checkPieces(t, n, cl); rep.Status != Verified {
		t.Fatal(rep.First)
	}
	seg.T1 = rr("2")
	cl = PiecesClaim{Segment: seg, Breakpoints: points("1/2", "1"), PieceBreakpoints: points("1/2", "1"), Regions: 3, Pieces: 3}
	if rep := checkPieces(t, n, cl); rep.Status != Verified {
		t.Fatal(rep.First)
	}
}

// The JSON form round-trips, and malformed claims are errors naming the field.
func TestPiecesDecode(t *testing.T) {
	// The sawtooth m^(3) of sawtooth(3) with the claim of sawClaim(3), as certio writes it
	// (the writer's round trip is tested in package certio).
	good := `{
  "format": "certify/v1",
  "network": {
    "input_dim": 1,
    "layers": [
    {"activation": "relu", "weights": [["2"], ["4"]], "biases": ["0", "-2"]},
    {"activation": "relu", "weights": [["1", "-1"]], "biases": ["0"]},
    {"activation": "relu", "weights": [["2"], ["4"]], "biases": ["0", "-2"]},
    {"activation": "relu", "weights": [["1", "-1"]], "biases": ["0"]},
    {"activation": "relu", "weights": [["2"], ["4"]], "biases": ["0", "-2"]},
    {"activation": "relu", "weights": [["1", "-1"]], "biases": ["0"]}
    ]
  },
  "claims": [{"kind": "pieces", "segment": {"a": ["0"], "v": ["1"], "t0": "0", "t1": "1"}, "regions": 8, "pieces": 8,
    "breakpoints": [{"start": "1/8", "step": "1/8", "count": 7}],
    "piece_breakpoints": [{"start": "1/8", "step": "1/8", "count": 7}]}]
}
`
	c2, err := Decode(strings.NewReader(good), ".", Limits{})
	if err != nil {
		t.Fatal(err)
	}
	if rep, err := Check(c2, Options{}); err != nil || rep.Status != Verified {
		t.Fatalf("decoded: %v %v", err, rep)
	}
	claim := func(body string) string {
		i := strings.Index(good, `"claims"`)
		return good[:i] + `"claims": [` + body + "]\n}\n"
	}
	seg := `"segment": {"a": ["0"], "v": ["1"], "t0": "0", "t1": "1"}`
	tail := `"regions": 2, "pieces": 2, "breakpoints": ["1/2"], "piece_breakpoints": ["1/2"]`
	bad := []struct{ name, body, want string }{
		{"zero direction", `{"kind": "pieces", "segment": {"a": ["0"], "v": ["0"], "t0": "0", "t1": "1"}, ` + tail + `}`, "zero vector"},
		{"empty segment", `{"kind": "pieces", "segment": {"a": ["0"], "v": ["1"], "t0": "1/2", "t1": "1/2"}, ` + tail + `}`, "empty"},
		{"t0 > t1", `{"kind": "pieces", "segment": {"a": ["0"], "v": ["1"], "t0": "1", "t1": "0"}, ` + tail + `}`, "t0 = 1 > t1 = 0"},
		{"dimension", `{"kind": "pieces", "segment": {"a": ["0", "0"], "v": ["1", "1"], "t0": "0", "t1": "1"}, ` + tail + `}`, "input dimension is 1"},
		{"missing segment", `{"kind": "pieces", ` + tail + `}`, "segment: missing"},
		{"breakpoint outside", `{"kind": "pieces", ` + seg + `, "regions": 2, "pieces": 2, "breakpoints": ["3/2"], "piece_breakpoints": []}`, "not below t1"},
		{"breakpoint at t0", `{"kind": "pieces", ` + seg + `, "regions": 2, "pieces": 2, "breakpoints": ["0"], "piece_breakpoints": []}`, "not greater than t0"},
		{"not increasing", `{"kind": "pieces", ` + seg + `, "regions": 3, "pieces": 1, "breakpoints": ["1/2", "1/4"], "piece_breakpoints": []}`, "not greater than the previous"},
		{"zero step", `{"kind": "pieces", ` + seg + `, "regions": 3, "pieces": 1, "breakpoints": [{"start": "1/2", "step": "0", "count": 2}], "piece_breakpoints": []}`, "must be positive"},
		{"run count", `{"kind": "pieces", ` + seg + `, "regions": 3, "pieces": 1, "breakpoints": [{"start": "1/2", "step": "1", "count": 0}], "piece_breakpoints": []}`, "count: must be at least 1"},
		{"unknown run field", `{"kind": "pieces", ` + seg + `, "regions": 3, "pieces": 1, "breakpoints": [{"start": "1/2", "stride": "1", "count": 2}], "piece_breakpoints": []}`, "stride"},
		{"float", `{"kind": "pieces", ` + seg + `, "regions": 2, "pieces": 1, "breakpoints": ["1e-1"], "piece_breakpoints": []}`, "breakpoints[0]"},
		{"missing regions", `{"kind": "pieces", ` + seg + `, "pieces": 1, "breakpoints": [], "piece_breakpoints": []}`, "regions: missing"},
		{"zero pieces", `{"kind": "pieces", ` + seg + `, "regions": 1, "pieces": 0, "breakpoints": [], "piece_breakpoints": []}`, "pieces: must be at least 1"},
		{"missing list", `{"kind": "pieces", ` + seg + `, "regions": 1, "pieces": 1, "breakpoints": []}`, "piece_breakpoints: missing"},
		{"unknown field", `{"kind": "pieces", ` + seg + `, "regions": 1, "pieces": 1, "breakpoints": [], "piece_breakpoints": [], "extra": 1}`, "extra"},
		{"too many", `{"kind": "pieces", ` + seg + `, "regions": 1, "pieces": 1, "breakpoints": [{"start": "1/2", "step": "1/1000000000000", "count": 100000000}], "piece_breakpoints": []}`, "limit"},
	}
	for _, b := range bad {
		_, err := Decode(strings.NewReader(claim(b.body)), ".", Limits{})
		var me *MalformedError
		if !errors.As(err, &me) || !strings.Contains(err.Error(), b.want) {
			t.Errorf("%s: want a malformed error containing %q, got %v", b.name, b.want, err)
		}
	}
}

// The int64 path falls back to math/big when values leave its range: a network whose
// weights need more than 62 bits still checks.
func TestPiecesBigFallback(t *testing.T) {
	w := fmt.Sprintf("%d", uint64(1)<<63)
	n := &Network{InputDim: 1, Layers: []Layer{layer("relu", w+" | -"+w), layer("identity", "1/"+w+" | 0")}}
	cl := PiecesClaim{Segment: unitSeg("0", "2"), Breakpoints: points("1"), PieceBreakpoints: points("1"), Regions: 2, Pieces: 2}
	if newIntRegionEval(n, cl.Segment) != nil {
		t.Fatal("int path should not apply")
	}
	if rep := checkPieces(t, n, cl); rep.Status != Verified {
		t.Fatal(rep.First)
	}
}
