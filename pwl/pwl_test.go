package pwl

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"math/big"
	"strings"
	"testing"

	"certify/cert"

	"pgregory.net/rapid"
)

func rat(s string) *big.Rat {
	r, ok := new(big.Rat).SetString(s)
	if !ok {
		panic(s)
	}
	return r
}

func kernel(t interface{ Fatalf(string, ...any) }, n *cert.Network, cl cert.PiecesClaim) *cert.Report {
	rep, err := cert.Check(&cert.Certificate{Format: cert.FormatV1, Network: n, Claims: []cert.Claim{cl}}, cert.Options{})
	if err != nil {
		t.Fatalf("kernel: %v", err)
	}
	return rep
}

func TestSawtoothPieces(t *testing.T) {
	for L := 1; L <= 12; L++ {
		n := Sawtooth(L)
		cl, st, err := Claim(n, UnitInterval())
		if err != nil {
			t.Fatal(err)
		}
		if st.Regions != 1<<L || st.Pieces != 1<<L {
			t.Fatalf("L=%d: %+v, want 2^L regions and pieces", L, st)
		}
		if len(cl.Breakpoints) != 1 && L > 1 {
			t.Errorf("L=%d: the sawtooth's breakpoints should be one run, got %d", L, len(cl.Breakpoints))
		}
		if rep := kernel(t, n, cl); rep.Status != cert.Verified {
			t.Fatalf("L=%d: %v", L, rep.First)
		}
		// m^(L)(x) = m(frac(2^(L−1) x)): the pieces alternate slopes ±2^L.
		ps, _, _ := Pieces(n, UnitInterval())
		for i, p := range ps {
			want := big.NewRat(1<<L, 1)
			if i%2 == 1 {
				want.Neg(want)
			}
			if p.Slope[0].Cmp(want) != 0 {
				t.Fatalf("L=%d piece %d: slope %s, want %s", L, i, p.Slope[0].RatString(), want.RatString())
			}
		}
	}
}

func TestSawtoothL20(t *testing.T) {
	if testing.Short() {
		t.Skip("2^20 pieces")
	}
	n := Sawtooth(20)
	cl, st, err := Claim(n, UnitInterval())
	if err != nil {
		t.Fatal(err)
	}
	if st.Pieces != 1<<20 {
		t.Fatalf("%+v", st)
	}
	if rep := kernel(t, n, cl); rep.Status != cert.Verified {
		t.Fatal(rep.First)
	}
}

func TestBadSegments(t *testing.T) {
	n := Sawtooth(2)
	one, zero := []*big.Rat{rat("1")}, []*big.Rat{rat("0")}
	tests := []struct {
		name string
		seg  cert.Segment
		want string
	}{
		{"zero direction", cert.Segment{A: zero, V: zero, T0: rat("0"), T1: rat("1")}, "zero vector"},
		{"empty", cert.Segment{A: zero, V: one, T0: rat("1/2"), T1: rat("1/2")}, "empty"},
		{"reversed", cert.Segment{A: zero, V: one, T0: rat("1"), T1: rat("0")}, "t0 = 1 > t1 = 0"},
		{"dimension", cert.Segment{A: []*big.Rat{rat("0"), rat("0")}, V: []*big.Rat{rat("1"), rat("0")}, T0: rat("0"), T1: rat("1")}, "input dimension is 1"},
	}
	for _, tt := range tests {
		err := Walk(n, tt.seg, func(*Region) error { return nil })
		if !errors.Is(err, ErrSegment) || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: got %v, want an ErrSegment containing %q", tt.name, err, tt.want)
		}
		if _, _, err := Claim(n, tt.seg); err == nil {
			t.Errorf("%s: Claim accepted the segment", tt.name)
		}
	}
}

// genNet draws a small network with every activation the kernel knows.
func genNet(t *rapid.T) *cert.Network {
	acts := []string{"relu", "relu", "relu", "leaky-relu:1/4", "hard-tanh", "identity", "step"}
	in := rapid.IntRange(1, 2).Draw(t, "in")
	depth := rapid.IntRange(1, 4).Draw(t, "depth")
	n := &cert.Network{InputDim: in}
	prev := in
	for l := 0; l < depth; l++ {
		out := rapid.IntRange(1, 4).Draw(t, "width")
		if l == depth-1 {
			out = rapid.IntRange(1, 2).Draw(t, "outputs")
		}
		var layer cert.Layer
		for j := 0; j < out; j++ {
			var row []*big.Rat
			for k := 0; k < prev; k++ {
				row = append(row, genRat(t, "w"))
			}
			layer.W = append(layer.W, row)
			layer.B = append(layer.B, genRat(t, "b"))
			name := rapid.SampledFrom(acts).Draw(t, "act")
			if l == depth-1 && rapid.Bool().Draw(t, "identity-out") {
				name = "identity"
			}
			a, err := cert.ParseActivation(name, 0)
			if err != nil {
				t.Fatal(err)
			}
			layer.Act = append(layer.Act, a)
		}
		n.Layers = append(n.Layers, layer)
		prev = out
	}
	return n
}

func genRat(t *rapid.T, label string) *big.Rat {
	return big.NewRat(int64(rapid.IntRange(-6, 6).Draw(t, label+"num")), int64(rapid.IntRange(1, 3).Draw(t, label+"den")))
}

func genSeg(t *rapid.T, n *cert.Network) cert.Segment {
	s := cert.Segment{T0: genRat(t, "t0")}
	s.T1 = new(big.Rat).Add(s.T0, big.NewRat(int64(rapid.IntRange(1, 8).Draw(t, "len")), int64(rapid.IntRange(1, 2).Draw(t, "lenden"))))
	for i := 0; i < n.InputDim; i++ {
		s.A = append(s.A, genRat(t, "a"))
		s.V = append(s.V, genRat(t, "v"))
	}
	if s.V[0].Sign() == 0 {
		s.V[0].SetInt64(1)
	}
	return s
}

func states(n *cert.Network, x []*big.Rat) []byte {
	st := n.NewStates()
	n.Eval(x, st)
	return bytes.Join(st, nil)
}

// The regions tile the segment; at many rational points the exact evaluation agrees with
// the region's map and pattern; at the ends of a region of a continuous network too.
func TestWalkAgreesWithEval(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		n := genNet(t)
		seg := genSeg(t, n)
		rs, err := Regions(n, seg)
		if err != nil {
			t.Fatal(err)
		}
		hidden := len(states(n, seg.Point(seg.T0)))
		jumps := hasStep(n)
		for i, r := range rs {
			if i == 0 && r.Lo.Cmp(seg.T0) != 0 || i > 0 && r.Lo.Cmp(rs[i-1].Hi) != 0 || r.Lo.Cmp(r.Hi) >= 0 {
				t.Fatalf("regions do not tile the segment at %d", i)
			}
			if i > 0 && bytes.Equal(r.Pattern, rs[i-1].Pattern) {
				t.Fatalf("regions %d and %d have the same pattern", i-1, i)
			}
			// Interior points: a/(q) + ... the points lo + (hi − lo)·j/7.
			for j := 1; j < 7; j++ {
				x := new(big.Rat).Sub(r.Hi, r.Lo)
				x.Mul(x, big.NewRat(int64(j), 7))
				x.Add(x, r.Lo)
				got := n.Eval(seg.Point(x), nil)
				if !sameVec(got, r.At(x)) {
					t.Fatalf("region %d at t = %s: f = %v, the region's map gives %v", i, x.RatString(), got, r.At(x))
				}
				if p := states(n, seg.Point(x)); !bytes.Equal(p, r.Pattern[:hidden]) {
					t.Fatalf("region %d at t = %s: states %s, pattern %s", i, x.RatString(), p, r.Pattern)
				}
			}
			if !jumps {
				for _, x := range []*big.Rat{r.Lo, r.Hi} {
					if got := n.Eval(seg.Point(x), nil); !sameVec(got, r.At(x)) {
						t.Fatalf("region %d: continuity fails at t = %s", i, x.RatString())
					}
				}
			}
		}
		st, _ := Count(n, seg)
		if st.Regions != len(rs) || st.Pieces > st.Regions {
			t.Fatalf("count %+v for %d regions", st, len(rs))
		}
		if b := PieceBounds(n); big.NewInt(int64(st.Regions)).Cmp(b.Product) > 0 {
			t.Fatalf("%d regions exceed the bound %s", st.Regions, b.Product)
		}
	})
}

// expand lists every point of a list of runs.
func expand(rs []cert.Run) []*big.Rat {
	var out []*big.Rat
	for _, r := range rs {
		t := new(big.Rat).Set(r.Start)
		for k := 0; k < r.Count; k++ {
			out = append(out, new(big.Rat).Set(t))
			if r.Step != nil {
				t.Add(t, r.Step)
			}
		}
	}
	return out
}

func singles(ts []*big.Rat) []cert.Run {
	out := []cert.Run{}
	for _, t := range ts {
		out = append(out, cert.Run{Start: t, Count: 1})
	}
	return out
}

// The kernel verifies every emitted claim and refutes its mutants.
func TestClaimKernelProperty(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		n := genNet(t)
		seg := genSeg(t, n)
		cl, st, err := Claim(n, seg)
		if err != nil {
			t.Fatal(err)
		}
		if rep := kernel(t, n, cl); rep.Status != cert.Verified {
			t.Fatalf("emitted claim refuted: %v", rep.First)
		}
		bps, pbs := expand(cl.Breakpoints), expand(cl.PieceBreakpoints)
		if len(bps) != st.Regions-1 || len(pbs) != st.Pieces-1 {
			t.Fatalf("runs expand to %d and %d points for %+v", len(bps), len(pbs), st)
		}
		isPiece := map[string]bool{}
		for _, p := range pbs {
			isPiece[p.RatString()] = true
		}
		mutant := cl
		switch rapid.IntRange(0, 3).Draw(t, "mutation") {
		case 0: // a count off by one
			if rapid.Bool().Draw(t, "which") {
				mutant.Regions += rapid.SampledFrom([]int{-1, 1}).Draw(t, "d")
			} else {
				mutant.Pieces += rapid.SampledFrom([]int{-1, 1}).Draw(t, "d")
			}
			if mutant.Regions < 1 || mutant.Pieces < 1 {
				return
			}
		case 1: // a breakpoint removed, the counts adjusted
			if len(bps) == 0 {
				return
			}
			i := rapid.IntRange(0, len(bps)-1).Draw(t, "i")
			var nb, np []*big.Rat
			for k, b := range bps {
				if k != i {
					nb = append(nb, b)
				}
			}
			for _, p := range pbs {
				if p.Cmp(bps[i]) != 0 {
					np = append(np, p)
				}
			}
			mutant = cert.PiecesClaim{Segment: seg, Breakpoints: singles(nb), PieceBreakpoints: singles(np), Regions: len(nb) + 1, Pieces: len(np) + 1}
		case 2: // a point that is not a breakpoint added
			all := append([]*big.Rat{seg.T0}, append(bps, seg.T1)...)
			i := rapid.IntRange(0, len(all)-2).Draw(t, "i")
			mid := new(big.Rat).Add(all[i], all[i+1])
			mid.Quo(mid, big.NewRat(2, 1))
			nb := append(append(append([]*big.Rat{}, bps[:i]...), mid), bps[i:]...)
			mutant = cert.PiecesClaim{Segment: seg, Breakpoints: singles(nb), PieceBreakpoints: singles(pbs), Regions: len(nb) + 1, Pieces: len(pbs) + 1}
		case 3: // a piece boundary toggled
			if len(bps) == 0 {
				return
			}
			i := rapid.IntRange(0, len(bps)-1).Draw(t, "i")
			var np []*big.Rat
			for _, b := range bps {
				if isPiece[b.RatString()] != (b.Cmp(bps[i]) == 0) {
					np = append(np, b)
				}
			}
			mutant = cert.PiecesClaim{Segment: seg, Breakpoints: singles(bps), PieceBreakpoints: singles(np), Regions: len(bps) + 1, Pieces: len(np) + 1}
		}
		if rep := kernel(t, n, mutant); rep.Status != cert.Refuted {
			t.Fatalf("mutant verified")
		}
	})
}

func TestRunBuilder(t *testing.T) {
	var b runBuilder
	for _, s := range []string{"1", "2", "3", "4", "10", "11", "13", "15", "17", "20"} {
		b.add(rat(s))
	}
	var got []string
	for _, r := range b.finish() {
		if r.Count == 1 {
			got = append(got, r.Start.RatString())
		} else {
			got = append(got, fmt.Sprintf("%s+%s*%d", r.Start.RatString(), r.Step.RatString(), r.Count))
		}
	}
	if want := "1+1*4 10 11+2*4 20"; strings.Join(got, " ") != want {
		t.Fatalf("runs %v, want %s", got, want)
	}
}

func TestBounds(t *testing.T) {
	b := PieceBounds(Sawtooth(3))
	if b.Product.Int64() != 216 || b.Telgarsky.Int64() != 4096 || !b.TelgarskyApplies {
		t.Fatalf("%+v", b)
	}
	ht := &cert.Network{InputDim: 1, Layers: []cert.Layer{{W: [][]*big.Rat{{rat("1")}, {rat("2")}}, B: []*big.Rat{rat("0"), rat("0")},
		Act: []cert.Activation{{Kind: cert.ActHardTanh}, {Kind: cert.ActReLU}}}, {W: [][]*big.Rat{{rat("1"), rat("1")}}, B: []*big.Rat{rat("0")}, Act: []cert.Activation{{Kind: cert.ActIdentity}}}}}
	b = PieceBounds(ht)
	if b.Product.Int64() != 5 || b.TelgarskyApplies {
		t.Fatalf("hard-tanh: %+v", b)
	}
}

func fn(breaks []string, maps ...string) Func {
	var f Func
	for _, b := range breaks {
		f.Breaks = append(f.Breaks, rat(b))
	}
	for _, m := range maps {
		a, s, _ := strings.Cut(m, "+")
		f.Intercept = append(f.Intercept, rat(a))
		f.Slope = append(f.Slope, rat(strings.TrimSuffix(s, "t")))
	}
	return f
}

func TestL1Exact(t *testing.T) {
	zero := fn([]string{"0", "1"}, "0+0t")
	tests := []struct {
		name string
		f, g Func
		want string
	}{
		{"∫x", fn([]string{"0", "1"}, "0+1t"), zero, "1/2"},
		{"∫|x − 1/2| (a crossing)", fn([]string{"0", "1"}, "-1/2+1t"), zero, "1/4"},
		{"tent", fn([]string{"0", "1/2", "1"}, "0+2t", "2+-2t"), zero, "1/2"},
		{"same function", fn([]string{"0", "1/2", "1"}, "0+2t", "2+-2t"), fn([]string{"0", "1/4", "1/2", "1"}, "0+2t", "0+2t", "2+-2t"), "0"},
	}
	for _, tt := range tests {
		got, err := L1(tt.f, tt.g)
		if err != nil || got.RatString() != tt.want {
			t.Errorf("%s: %v %v, want %s", tt.name, got, err, tt.want)
		}
	}
	// ∫₀¹ |m^(1) − m^(k)| = 1/3 for k ≥ 2 (worked by hand for k = 2), and m^(k) against
	// itself is 0.
	m1, _ := FuncOf(Sawtooth(1), UnitInterval(), 0)
	for k := 2; k <= 8; k++ {
		mk, _ := FuncOf(Sawtooth(k), UnitInterval(), 0)
		if d, _ := L1(m1, mk); d.RatString() != "1/3" {
			t.Errorf("∫|m1 − m%d| = %s", k, d.RatString())
		}
		if d, _ := L1(mk, mk); d.Sign() != 0 {
			t.Errorf("∫|m%d − m%d| = %s", k, k, d.RatString())
		}
	}
	if _, err := L1(zero, fn([]string{"0", "2"}, "0+0t")); err == nil {
		t.Error("different domains accepted")
	}
}

// Telgarsky 2015: networks with (2m)^l ≤ 2^(k−3) misclassify at least 1/6 of the 2^k
// alternating points; m^(k) classifies all of them.
func TestTelgarskySeparation(t *testing.T) {
	for k := 3; k <= 10; k++ {
		m, err := Misclassified(Sawtooth(k), k)
		if err != nil || m.Wrong != 0 || m.Pieces != 1<<k {
			t.Fatalf("m^(%d): %+v %v", k, m, err)
		}
	}
	sixth := big.NewRat(1, 6)
	rapid.Check(t, func(t *rapid.T) {
		k := rapid.IntRange(5, 10).Draw(t, "k")
		l := rapid.IntRange(1, 2).Draw(t, "layers")
		// The widest m with (2m)^l ≤ 2^(k−3).
		mMax := 0
		for pow(2*(mMax+1), l) <= 1<<(k-3) {
			mMax++
		}
		if mMax == 0 {
			return
		}
		width := rapid.IntRange(1, mMax).Draw(t, "m")
		n := &cert.Network{InputDim: 1}
		prev := 1
		for i := 0; i < l; i++ {
			var layer cert.Layer
			for j := 0; j < width; j++ {
				var row []*big.Rat
				for p := 0; p < prev; p++ {
					row = append(row, big.NewRat(int64(rapid.IntRange(-40, 40).Draw(t, "w")), 4))
				}
				layer.W = append(layer.W, row)
				layer.B = append(layer.B, big.NewRat(int64(rapid.IntRange(-40, 40).Draw(t, "b")), 8))
				layer.Act = append(layer.Act, cert.Activation{Kind: cert.ActReLU})
			}
			n.Layers = append(n.Layers, layer)
			prev = width
		}
		var out cert.Layer
		var row []*big.Rat
		for p := 0; p < prev; p++ {
			row = append(row, big.NewRat(int64(rapid.IntRange(-40, 40).Draw(t, "u")), 4))
		}
		out.W, out.B, out.Act = [][]*big.Rat{row}, []*big.Rat{big.NewRat(int64(rapid.IntRange(-8, 8).Draw(t, "c")), 8)}, []cert.Activation{{Kind: cert.ActIdentity}}
		n.Layers = append(n.Layers, out)
		if !TelgarskyHypothesis(PieceBounds(n), k) {
			t.Fatalf("hypothesis should hold: widths %d×%d, k = %d", l, width, k)
		}
		m, err := Misclassified(n, k)
		if err != nil {
			t.Fatal(err)
		}
		if m.Fraction().Cmp(sixth) < 0 || m.Fraction().Cmp(m.CountingBound()) < 0 {
			t.Fatalf("misclassified %s < max(1/6, %s) with %d pieces", m.Fraction().RatString(), m.CountingBound().RatString(), m.Pieces)
		}
		f, _ := FuncOf(n, UnitInterval(), 0)
		g, _ := FuncOf(Sawtooth(k), UnitInterval(), 0)
		if d, err := L1(f, g); err != nil || d.Sign() <= 0 {
			t.Fatalf("L1 = %v %v", d, err)
		}
	})
}

func pow(b, e int) int {
	r := 1
	for ; e > 0; e-- {
		r *= b
	}
	return r
}

func TestSVG(t *testing.T) {
	n := Sawtooth(3)
	ps, st, err := Pieces(n, UnitInterval())
	if err != nil {
		t.Fatal(err)
	}
	target, _, _ := Pieces(Sawtooth(2), UnitInterval())
	opt := PlotOptions{Title: "m^(3)", Target: target, TargetName: "m^(2)",
		Data: []PlotPoint{{T: rat("1/8"), Y: rat("1"), Fitted: true}, {T: rat("1/2"), Y: rat("1"), Fitted: false}}}
	var a, b bytes.Buffer
	if err := SVG(&a, ps, opt); err != nil {
		t.Fatal(err)
	}
	if err := SVG(&b, ps, opt); err != nil || a.String() != b.String() {
		t.Fatal("SVG output is not deterministic")
	}
	count := map[string]int{}
	dec := xml.NewDecoder(&a)
	for {
		tok, err := dec.Token()
		if err != nil {
			break
		}
		if se, ok := tok.(xml.StartElement); ok {
			for _, at := range se.Attr {
				if at.Name.Local == "class" {
					count[at.Value]++
				}
			}
		}
	}
	want := map[string]int{"piece": st.Pieces, "breakpoint": st.Pieces - 1, "target": 4, "point fitted": 1, "point missed": 1}
	for k, v := range want {
		if count[k] != v {
			t.Errorf("%d elements of class %q, want %d", count[k], k, v)
		}
	}
	if err := SVG(&a, ps, PlotOptions{MaxPieces: 4}); err == nil {
		t.Error("too many pieces drawn")
	}
}
