package search

import (
	"context"
	"errors"
	"fmt"
	"math/big"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"certify/cert"
	"certify/smt"

	"pgregory.net/rapid"
)

// The sub-case counts of the three first-layer cases of the (2,2) network on 7 alternating
// points that the first level of the split leaves open.
func TestSplit2Count(t *testing.T) {
	d, err := Alternating(7)
	if err != nil {
		t.Fatal(err)
	}
	xs := distinctInputs(d)
	for _, c := range []struct {
		cs                     []splitUnit
		patterns, subs, pruned int
	}{
		{[]splitUnit{{1, 2}, {-1, 4}}, 67, 4033, 5147},
		{[]splitUnit{{1, 2}, {-1, 5}}, 65, 3616, 5030},
		{[]splitUnit{{1, 3}, {-1, 4}}, 63, 3159, 4969},
	} {
		subs, pruned, err := split2SubCases(c.cs, d, xs, 2)
		if err != nil {
			t.Fatal(err)
		}
		pats, err := split2Patterns(c.cs, 7)
		if err != nil {
			t.Fatal(err)
		}
		if got := len(pats); got != c.patterns || len(subs) != c.subs || pruned != c.pruned {
			t.Errorf("case %v: %d patterns, %d sub-cases, %d pruned; want %d, %d, %d", c.cs, got, len(subs), pruned, c.patterns, c.subs, c.pruned)
		}
		// (2 kinds of sign × patterns + the dropped unit), two units: a multiset.
		k := 2*c.patterns + 1
		if len(subs)+pruned != k*(k+1)/2 {
			t.Errorf("case %v: %d + %d sub-cases, want C(%d+1, 2)", c.cs, len(subs), pruned, k)
		}
	}
}

func TestSplit2PatternOK(t *testing.T) {
	gaps := []int{2, 4} // breakpoints between ranks 2 and 3, and 4 and 5: three pieces
	for _, c := range []struct {
		pat  string
		want bool
	}{
		{"1000000", true},  // one change
		{"1100110", true},  // three changes, one per piece
		{"1010000", false}, // changes at segments 1, 2, 3: pieces 0, 1, then none left for 3
		{"1011001", false}, // four changes, three pieces
		{"0111111", true},
		{"1101101", false},
		{"1110011", true},
	} {
		var p uint64
		for i, ch := range c.pat {
			if ch == '1' {
				p |= 1 << i
			}
		}
		if got := split2PatternOK(p, len(c.pat), gaps); got != c.want {
			t.Errorf("pattern %s with breakpoints at gaps %v: %v, want %v", c.pat, gaps, got, c.want)
		}
		if pattern(p, len(c.pat)) != c.pat {
			t.Errorf("pattern(%b) = %s", p, pattern(p, len(c.pat)))
		}
	}
}

// net22 is a (2,2) ReLU network on one input.
type net22 struct {
	w1, b1 [2]*big.Rat    // first layer
	w2     [2][2]*big.Rat // second layer, w2[u][k]
	b2     [2]*big.Rat
	v      [2]*big.Rat // output weights
	e      *big.Rat
}

func relu(x *big.Rat) *big.Rat {
	if x.Sign() < 0 {
		return new(big.Rat)
	}
	return x
}

// eval returns the second-layer pre-activations and the output at x.
func (n *net22) eval(x *big.Rat) (z [2]*big.Rat, y *big.Rat) {
	var h [2]*big.Rat
	for k := range h {
		h[k] = relu(new(big.Rat).Add(new(big.Rat).Mul(n.w1[k], x), n.b1[k]))
	}
	y = new(big.Rat).Set(n.e)
	for u := range z {
		z[u] = new(big.Rat).Set(n.b2[u])
		for k := range h {
			z[u].Add(z[u], new(big.Rat).Mul(n.w2[u][k], h[k]))
		}
		y.Add(y, new(big.Rat).Mul(n.v[u], relu(z[u])))
	}
	return z, y
}

func ratGen(name string) *rapid.Generator[*big.Rat] {
	return rapid.Custom(func(t *rapid.T) *big.Rat {
		return big.NewRat(int64(rapid.IntRange(-6, 6).Draw(t, name+"n")), int64(rapid.IntRange(1, 3).Draw(t, name+"d")))
	})
}

// Every (2,2) network falls in a first-layer case and a second-layer sub-case that the
// split enumerates, on data it fits (its own outputs): the pattern bound and the
// collinearity test never leave out a real network.
func TestSplit2CoversNetworks(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		var n net22
		for k := 0; k < 2; k++ {
			n.w1[k], n.b1[k] = ratGen("w1").Draw(t, "w1"), ratGen("b1").Draw(t, "b1")
			n.b2[k], n.v[k] = ratGen("b2").Draw(t, "b2"), ratGen("v").Draw(t, "v")
			for j := 0; j < 2; j++ {
				n.w2[k][j] = ratGen("w2").Draw(t, "w2")
			}
		}
		n.e = ratGen("e").Draw(t, "e")
		npts := rapid.IntRange(2, 8).Draw(t, "points")
		seen := map[string]bool{}
		var xs []*big.Rat
		for len(xs) < npts {
			x := big.NewRat(int64(rapid.IntRange(-12, 12).Draw(t, "x")), 2)
			if !seen[x.RatString()] {
				seen[x.RatString()] = true
				xs = append(xs, x)
			}
		}
		sort.Slice(xs, func(i, j int) bool { return xs[i].Cmp(xs[j]) < 0 })
		d, cs, sub := netCase(t, &n, xs)
		np := len(xs)
		subs, _, err := split2SubCases(cs, d, xs, 2)
		if err != nil {
			t.Fatal(err)
		}
		key := func(s []split2Unit) string {
			c := slices.Clone(s)
			slices.SortFunc(c, func(a, b split2Unit) int {
				if a.v != b.v {
					return b.v - a.v
				}
				return int(a.pat) - int(b.pat)
			})
			return subString(c, np)
		}
		want := key(sub)
		for _, s := range subs {
			if key(s) == want {
				return
			}
		}
		t.Fatalf("case %v: the network's sub-case %s is not enumerated (data %v, network %+v)", cs, want, xs, n)
	})
}

// netCase gives the data a network fits (its outputs at xs, sorted and distinct), the
// network's first-layer case (sorted as splitCases lists them) and its sub-case.
func netCase(t interface{ Fatal(...any) }, n *net22, xs []*big.Rat) (*cert.Dataset, []splitUnit, []split2Unit) {
	np := len(xs)
	in := make([][]*big.Rat, np)
	ys := make([][]*big.Rat, np)
	zs := make([][2]*big.Rat, np)
	for i, x := range xs {
		var y *big.Rat
		zs[i], y = n.eval(x)
		in[i], ys[i] = []*big.Rat{x}, []*big.Rat{y}
	}
	d, err := cert.NewDataset(in, nil, ys, 0)
	if err != nil {
		t.Fatal(err)
	}
	cs := make([]splitUnit, 2)
	for k := 0; k < 2; k++ {
		switch w := n.w1[k]; w.Sign() {
		case 0:
			cs[k] = splitUnit{1, np}
		case 1: // active where x > t
			tk := new(big.Rat).Quo(new(big.Rat).Neg(n.b1[k]), w)
			cs[k] = splitUnit{1, sort.Search(np, func(i int) bool { return xs[i].Cmp(tk) > 0 })}
		default: // active where x < t
			tk := new(big.Rat).Quo(new(big.Rat).Neg(n.b1[k]), w)
			cs[k] = splitUnit{-1, sort.Search(np, func(i int) bool { return xs[i].Cmp(tk) >= 0 })}
		}
	}
	order := caseOrder(np)
	slices.SortFunc(cs, func(a, b splitUnit) int { return order[a] - order[b] })
	sub := make([]split2Unit, 2)
	for u := 0; u < 2; u++ {
		var p uint64
		for i := range xs {
			if zs[i][u].Sign() > 0 { // active: z > 0
				p |= 1 << i
			}
		}
		if n.v[u].Sign() != 0 && p != 0 {
			sub[u] = split2Unit{v: n.v[u].Sign(), pat: p}
		}
	}
	return d, cs, sub
}

// A network's own sub-case, asked of a solver, is sat, and the model becomes a witness
// the kernel verifies.
func TestSubCaseWitness(t *testing.T) {
	if smt.Z3Binary.Available() != nil {
		t.Skip("z3 not installed")
	}
	r := func(a, b int64) *big.Rat { return big.NewRat(a, b) }
	n := net22{
		w1: [2]*big.Rat{r(1, 1), r(-1, 1)}, b1: [2]*big.Rat{r(-2, 1), r(4, 1)},
		w2: [2][2]*big.Rat{{r(2, 1), r(-1, 1)}, {r(-1, 1), r(1, 2)}},
		b2: [2]*big.Rat{r(1, 2), r(0, 1)}, v: [2]*big.Rat{r(1, 1), r(-3, 2)}, e: r(1, 3),
	}
	var xs []*big.Rat
	for i := int64(0); i <= 6; i++ {
		xs = append(xs, r(i, 1))
	}
	d, cs, sub := netCase(t, &n, xs)
	a := Arch{InputDim: 1, Hidden: []int{2, 2}, Outputs: 1}
	q, err := split2Query(a, d, cs, xs, nil, sub, 0)
	if err != nil {
		t.Fatal(err)
	}
	res, err := smt.Z3Binary.Solve(context.Background(), q)
	if err != nil || res.Status != smt.Sat {
		t.Fatalf("case %v sub-case %s: %v %v", cs, subString(sub, len(xs)), res.Status, err)
	}
	fixed := map[string]*big.Rat{}
	for u, su := range sub {
		fixed[paramW(2, 0, u)] = big.NewRat(int64(su.v), 1)
	}
	w, note, err := splitWitness(context.Background(), smt.Z3Binary, a, d, cs, func(ts []*big.Rat) (*smt.Query, error) {
		return split2Query(a, d, cs, xs, ts, sub, 0)
	}, fixed, res)
	if err != nil || w == nil {
		t.Fatalf("witness: %v (%s)", err, note)
	}
	rep, err := cert.Check(w, cert.Options{})
	if err != nil || rep.Status != cert.Verified {
		t.Fatalf("kernel: %v %v", rep, err)
	}
}

// caseOrder numbers the first-layer unit kinds as splitCases lists them.
func caseOrder(n int) map[splitUnit]int {
	m := map[splitUnit]int{}
	for _, s := range []int{1, -1} {
		for p := 0; p <= n; p++ {
			m[splitUnit{s, p}] = len(m)
		}
	}
	return m
}

// The (2,1) network does not fit 4 alternating points: every first-layer case is unsat
// through its sub-cases as well (the second level of the split run on its own).
func TestSubSplitUnsat(t *testing.T) {
	if smt.CVC5Binary.Available() != nil {
		t.Skip("cvc5 not installed")
	}
	d, err := Alternating(4)
	if err != nil {
		t.Fatal(err)
	}
	a := Arch{InputDim: 1, Hidden: []int{2, 1}, Outputs: 1}
	xs := distinctInputs(d)
	total := 0
	for _, cs := range splitCases(len(xs), 2) {
		st, _, note, err := existsSubSplit(context.Background(), context.Background(), smt.CVC5Binary, a, d, cs, xs, 0)
		if err != nil {
			t.Fatal(err)
		}
		if st != smt.Unsat {
			t.Fatalf("case %v: %v (%s)", cs, st, note)
		}
		subs, _, _ := split2SubCases(cs, d, xs, 1)
		total += len(subs)
	}
	if total == 0 {
		t.Fatal("no sub-cases")
	}
	t.Logf("%d sub-cases, all unsat", total)
}

// The whole split with every first-layer case sent to the second level (the first round
// given no time): unsat, and the proof script, re-run by cvc5, says unsat on every line.
func TestExistsSplitSecondLevel(t *testing.T) {
	if smt.CVC5Binary.Available() != nil || smt.Z3Binary.Available() != nil {
		t.Skip("z3 or cvc5 not installed")
	}
	defer func(l time.Duration) { splitCaseLimit = l }(splitCaseLimit)
	splitCaseLimit = time.Nanosecond
	d, err := Alternating(4)
	if err != nil {
		t.Fatal(err)
	}
	a := Arch{InputDim: 1, Hidden: []int{2, 1}, Outputs: 1}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	res, err := Exists(ctx, smt.Portfolio{smt.Z3Binary, smt.CVC5Binary}, a, d, EncSplit, 0)
	if err != nil {
		t.Fatal(err)
	}
	if res.Status != smt.Unsat || !strings.Contains(res.Note, "55 of them split again") {
		t.Fatalf("%v: %s %s", res.Status, res.Note, res.Reason)
	}
	if n := strings.Count(res.Script, "(check-sat)"); n != 378 {
		t.Errorf("proof script: %d check-sat, want 378 (the sub-cases)", n)
	}
	r, err := smt.CVC5Binary.SolveBatch(ctx, &smt.Batch{Name: "proof"}, 0) // a zero batch: nothing to ask
	if err != nil || len(r.Status) != 0 {
		t.Fatalf("empty batch: %v %v", r, err)
	}
	out, killed, err := smt.CVC5Binary.RunScript(ctx, res.Script, 0)
	if err != nil || killed {
		t.Fatal(err, killed)
	}
	if got := strings.Count(out, "unsat"); got != 378 || strings.Count(out, "sat") != 378 {
		t.Errorf("cvc5 on the proof script: %d unsat lines of %d answers", got, strings.Count(out, "sat"))
	}
}

func TestMirrorSymmetry(t *testing.T) {
	for _, n := range []int{4, 7} {
		d, err := Alternating(n)
		if err != nil {
			t.Fatal(err)
		}
		if !mirrorSymmetric(d, distinctInputs(d)) {
			t.Errorf("alternating %d: want mirror-symmetric", n)
		}
	}
	// Targets 0, 1, 0, 0 at 1..4: the mirror 0, 0, 1, 0 is no affine image of them.
	in := [][]*big.Rat{{big.NewRat(1, 1)}, {big.NewRat(2, 1)}, {big.NewRat(3, 1)}, {big.NewRat(4, 1)}}
	ys := [][]*big.Rat{{big.NewRat(0, 1)}, {big.NewRat(1, 1)}, {big.NewRat(0, 1)}, {big.NewRat(0, 1)}}
	d, err := cert.NewDataset(in, nil, ys, 0)
	if err != nil {
		t.Fatal(err)
	}
	if mirrorSymmetric(d, distinctInputs(d)) {
		t.Error("0,1,0,0: not mirror-symmetric")
	}
	// Inputs 1, 2, 4: not symmetric whatever the targets.
	d, _ = cert.NewDataset(in[:2:2], nil, ys[:2:2], 0)
	d2, _ := cert.NewDataset(append(in[:2:2], []*big.Rat{big.NewRat(4, 1)}), nil, [][]*big.Rat{ys[0], ys[0], ys[0]}, 0)
	if !mirrorSymmetric(d, distinctInputs(d)) || mirrorSymmetric(d2, distinctInputs(d2)) {
		t.Error("two points are symmetric; 1, 2, 4 are not")
	}
	if got := fmt.Sprint(mirrorCase([]splitUnit{{1, 1}}, 4)); got != "[−3]" {
		t.Errorf("mirror of [+1] on 4 points: %s", got)
	}
	if got := fmt.Sprint(mirrorCase([]splitUnit{{1, 2}, {-1, 4}}, 7)); got != "[+3 −5]" {
		t.Errorf("mirror of [+2 −4] on 7 points: %s", got)
	}
	// Mirroring twice is the identity on every case.
	for _, cs := range splitCases(5, 2) {
		if fmt.Sprint(mirrorCase(mirrorCase(cs, 5), 5)) != fmt.Sprint(cs) {
			t.Fatalf("mirror twice of %v", cs)
		}
	}
}

// Patterns are built from their changes: 64 points with one first-layer unit is quick,
// and a split that would try too many patterns is refused as bad input, not enumerated.
func TestSplit2PatternsLarge(t *testing.T) {
	pats, err := split2Patterns([]splitUnit{{1, 30}}, 64)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range pats {
		if !split2PatternOK(p, 64, []int{30}) || p == 0 {
			t.Fatalf("pattern %b not allowed", p)
		}
	}
	if len(pats) == 0 || !slices.IsSorted(pats) {
		t.Fatalf("%d patterns, sorted %v", len(pats), slices.IsSorted(pats))
	}
	if _, err := split2Patterns([]splitUnit{{1, 1}, {1, 2}, {1, 3}, {1, 4}}, 64); !errors.Is(err, smt.ErrBadQuery) {
		t.Errorf("64 points, 4 units: %v, want ErrBadQuery", err)
	}
}
