package cert

import (
	"fmt"
	"math/big"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"testing"
	"time"
)

// TestZigzagRowsHoldForNetworks: for random one-hidden-layer relu nets of width 2 and 3
// at random increasing positions, the slopes the kernel derives (S_k from the classes by
// breakpoint and δ_j = c_j·|s_j|) are the slopes of the net between breakpoints, the
// alternation the net shows is a case of the kernel's enumeration, and the net satisfies
// that case's rows strictly (so no Farkas vector can refute it). Width 2 never shows three
// alternating pieces — the cases the kernel refutes for (1,1,2), (1,2,1), (2,1,1).
func TestZigzagRowsHoldForNetworks(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 11))
	seen := map[[2]int]int{}
	for trial := 0; trial < 20000; trial++ {
		d := 2 + rng.IntN(2)
		s := make([]int64, d)
		b := make([]*big.Rat, d)
		c := make([]int64, d)
		for j := range s {
			s[j] = int64(rng.IntN(5) - 2)
			b[j] = big.NewRat(int64(rng.IntN(25)-12), 2)
			c[j] = int64(rng.IntN(7) - 3)
		}
		n := 3 + rng.IntN(6)
		xs := map[int]bool{}
		for len(xs) < n {
			xs[rng.IntN(41)-20] = true
		}
		var pos []*big.Rat
		for x := range xs {
			pos = append(pos, big.NewRat(int64(x), 3))
		}
		sort.Slice(pos, func(i, j int) bool { return pos[i].Cmp(pos[j]) < 0 })
		pre := func(j int, v *big.Rat) *big.Rat {
			z := new(big.Rat).Mul(big.NewRat(s[j], 1), v)
			return z.Add(z, b[j])
		}
		g := func(v *big.Rat) *big.Rat {
			out := new(big.Rat)
			for j := range s {
				if z := pre(j, v); z.Sign() > 0 {
					out.Add(out, z.Mul(z, big.NewRat(c[j], 1)))
				}
			}
			return out
		}
		slope := func(v *big.Rat) int64 {
			var out int64
			for j := range s {
				if pre(j, v).Sign() > 0 {
					out += c[j] * s[j]
				}
			}
			return out
		}
		// Units by breakpoint; constant units last, class +, δ = 0.
		type unit struct {
			j int
			t *big.Rat
		}
		var us []unit
		var flat []int
		for j := range s {
			if s[j] == 0 {
				flat = append(flat, j)
				continue
			}
			us = append(us, unit{j, new(big.Rat).Quo(new(big.Rat).Neg(b[j]), big.NewRat(s[j], 1))})
		}
		sort.SliceStable(us, func(a, b int) bool { return us[a].t.Cmp(us[b].t) < 0 })
		classes := make([]byte, 0, d)
		delta := make([]int64, 0, d)
		for _, u := range us {
			cl := byte('+')
			if s[u.j] < 0 {
				cl = '-'
			}
			classes = append(classes, cl)
			delta = append(delta, c[u.j]*abs64(s[u.j]))
		}
		for range flat {
			classes = append(classes, '+')
			delta = append(delta, 0)
		}
		// The signs of the differences, oriented so that the first is +.
		o := int64(0)
		var ks []int
		var signs []int
		for i := 0; i+1 < len(pos); i++ {
			sg := new(big.Rat).Sub(g(pos[i+1]), g(pos[i])).Sign()
			if sg == 0 {
				continue
			}
			if o == 0 {
				o = int64(sg)
			}
			// Sub-intervals between the breakpoints inside (pos[i], pos[i+1]).
			cuts := []*big.Rat{pos[i]}
			for _, u := range us {
				if u.t.Cmp(pos[i]) > 0 && u.t.Cmp(pos[i+1]) < 0 {
					cuts = append(cuts, u.t)
				}
			}
			cuts = append(cuts, pos[i+1])
			k := -1
			for q := 0; q+1 < len(cuts); q++ {
				if cuts[q].Cmp(cuts[q+1]) == 0 {
					continue
				}
				mid := new(big.Rat).Add(cuts[q], cuts[q+1])
				mid.Quo(mid, big.NewRat(2, 1))
				left := 0
				for _, u := range us {
					if u.t.Cmp(mid) < 0 {
						left++
					}
				}
				// The kernel's S_left at δ against the net's slope there.
				row := ZigzagRows(string(classes), []int{left})[0]
				S := new(big.Rat)
				for j, co := range row.Coef {
					S.Add(S, new(big.Rat).Mul(co, big.NewRat(delta[j], 1)))
				}
				if S.Cmp(big.NewRat(slope(mid), 1)) != 0 {
					t.Fatalf("trial %d: S_%d = %s, the net's slope is %d (s %v b %v c %v)", trial, left, S.RatString(), slope(mid), s, b, c)
				}
				if k < 0 && int64(sg)*slope(mid) > 0 {
					k = left
				}
			}
			if k < 0 {
				t.Fatalf("trial %d: a difference of sign %d over an interval without a slope of that sign", trial, sg)
			}
			if len(signs) > 0 && signs[len(signs)-1] == sg {
				continue // the same run: its first slope stands for it
			}
			if len(ks) > 0 && k <= ks[len(ks)-1] {
				t.Fatalf("trial %d: slope indices %v then %d do not increase", trial, ks, k)
			}
			signs = append(signs, sg)
			ks = append(ks, k)
		}
		if len(ks) == 0 {
			continue
		}
		K := len(ks)
		seen[[2]int{d, K}]++
		if d == 2 && K >= 3 {
			t.Fatalf("trial %d: two units show %d alternating pieces (s %v b %v c %v at %v)", trial, K, s, b, c, pos)
		}
		leaf := ZigzagLeaf{Classes: string(classes), Slopes: ks}
		found := false
		for _, cs := range ZigzagCases(d, int64(K)) {
			found = found || sameZigzagCase(cs, leaf)
		}
		if !found {
			t.Fatalf("trial %d: case %s is not in the enumeration", trial, leaf.caseString())
		}
		for m, r := range ZigzagRows(leaf.Classes, leaf.Slopes) {
			v := new(big.Rat)
			for j, co := range r.Coef {
				v.Add(v, new(big.Rat).Mul(co, big.NewRat(o*delta[j], 1)))
			}
			if v.Sign() <= 0 {
				t.Fatalf("trial %d: row %d of case %s is %s at the net's δ, not > 0", trial, m, leaf.caseString(), v.RatString())
			}
		}
	}
	if seen[[2]int{3, 4}] == 0 || seen[[2]int{2, 2}] == 0 {
		t.Fatalf("the random nets did not exercise the alternations: %v", seen)
	}
	t.Logf("alternations seen (width, pieces): %v", seen)
}

func abs64(x int64) int64 {
	if x < 0 {
		return -x
	}
	return x
}

// TestZigzagCasesCount: 2^d·C(d+1, K) cases, each once, none beyond d + 1 pieces.
func TestZigzagCasesCount(t *testing.T) {
	binom := func(n, k int) int {
		r := 1
		for i := 0; i < k; i++ {
			r = r * (n - i) / (i + 1)
		}
		return r
	}
	for d := 2; d <= ZigzagMaxCore; d++ {
		for K := 1; K <= d+2; K++ {
			cs := ZigzagCases(d, int64(K))
			want := 0
			if K <= d+1 {
				want = (1 << d) * binom(d+1, K)
			}
			if len(cs) != want {
				t.Fatalf("d %d K %d: %d cases, want %d", d, K, len(cs), want)
			}
			for i, c := range cs {
				if !zigzagCase(c, d, int64(K)) {
					t.Fatalf("d %d K %d: case %d (%s) is not a case", d, K, i, c.caseString())
				}
				for _, e := range cs[:i] {
					if sameZigzagCase(c, e) {
						t.Fatalf("d %d K %d: case %s twice", d, K, c.caseString())
					}
				}
			}
		}
	}
	if ZigzagCases(ZigzagMaxCore+1, 3) != nil {
		t.Fatal("a core past the limit is enumerated")
	}
}

// TestZigzagLeafBeyondCasesClipped: a leaf listed past the kernel's cases is named in the
// failure clipped, like every other echo of the certificate (a leaf of a megabyte of
// classes was copied whole into the report, twice in its JSON form).
func TestZigzagLeafBeyondCasesClipped(t *testing.T) {
	var inputs, targets [][]*big.Rat
	for i := int64(0); i < 6; i++ {
		inputs = append(inputs, []*big.Rat{big.NewRat(i, 1)})
		targets = append(targets, []*big.Rat{big.NewRat(i%2, 1)})
	}
	d, err := NewDataset(inputs, nil, targets, 0)
	if err != nil {
		t.Fatal(err)
	}
	forced, core := int64(5), 1
	long := make([]byte, 100000)
	for i := range long {
		long[i] = '+'
	}
	slopes := make([]int, 10000)
	for _, leaves := range [][]ZigzagLeaf{nil, {{Classes: string(long), Slopes: slopes}}} {
		cl := NoFitClaim{Arch: Architecture{InputDim: 1, Hidden: []int{1, 2, 1}, Activation: "relu"}, Fit: "exact",
			Method: "zigzag", ForcedPieces: &forced, Core: &core, Leaves: leaves}
		rep, err := Check(&Certificate{Format: FormatV1, Data: d, Claims: []Claim{cl}}, Options{})
		if err != nil {
			t.Fatal(err)
		}
		if leaves == nil {
			if rep.Status != Verified {
				t.Fatalf("5 alternating pieces, a core of 2: %v %v", rep.Status, rep.First)
			}
			continue
		}
		if rep.Status != Refuted || rep.First == nil || rep.First.Code != CodeNoFitCaseOutside {
			t.Fatalf("a leaf beyond no cases: %v %v", rep.Status, rep.First)
		}
		if len(rep.First.Got) > 100 || len(rep.First.Want) > 100 || len(rep.First.Message) > 200 {
			t.Fatalf("the failure echoes the leaf unclipped: got %d bytes, want %d, message %d", len(rep.First.Got), len(rep.First.Want), len(rep.First.Message))
		}
	}
}

// TestZigzagCasesWitnessOrFarkas: every case of every core width and piece count is
// either feasible — some integer δ in [−6, 6]^d satisfies its rows, checked directly —
// or refuted by some Farkas vector in {0..3}^K the kernel accepts, never both, and never
// neither (so these small searches decide every case the kernel enumerates). A kernel
// that accepted a vector for a feasible case would verify false no-fit claims.
func TestZigzagCasesWitnessOrFarkas(t *testing.T) {
	bud := Options{}.budget(time.Now())
	refuted := map[[2]int]int{}
	for d := 2; d <= ZigzagMaxCore; d++ {
		for K := 1; K <= d+1; K++ {
			for _, cs := range ZigzagCases(d, int64(K)) {
				rows := ZigzagRows(cs.Classes, cs.Slopes)
				for _, r := range rows {
					for _, co := range r.Coef {
						if !co.IsInt() || r.RHS.Cmp(big.NewRat(1, 1)) != 0 || !r.Ineq {
							t.Fatalf("%s: a row is not an integer inequality ≥ 1", cs.caseString())
						}
					}
				}
				// A witness: δ with every row ≥ 1.
				witness := false
				delta := make([]int64, d)
				var walk func(j int)
				walk = func(j int) {
					if witness {
						return
					}
					if j == d {
						for _, r := range rows {
							v := int64(0)
							for i, co := range r.Coef {
								v += co.Num().Int64() * delta[i] // integer coefficients
							}
							if v < 1 {
								return
							}
						}
						witness = true
						return
					}
					for v := int64(-6); v <= 6; v++ {
						delta[j] = v
						walk(j + 1)
					}
				}
				walk(0)
				accepted := 0
				y := make([]int, K)
				for {
					farkas := make([]string, K)
					for m := range y {
						farkas[m] = fmt.Sprint(y[m])
					}
					if checkFarkasRows(rows, farkas, "", bud, 0, func(j int) string { return "" }) == nil {
						accepted++
					}
					m := 0
					for m < K && y[m] == 3 {
						y[m] = 0
						m++
					}
					if m == K {
						break
					}
					y[m]++
				}
				switch {
				case witness && accepted > 0:
					t.Fatalf("d %d K %d %s: feasible, yet %d Farkas vectors are accepted", d, K, cs.caseString(), accepted)
				case !witness && accepted == 0:
					t.Fatalf("d %d K %d %s: no witness and no Farkas vector found", d, K, cs.caseString())
				case accepted > 0:
					refuted[[2]int{d, K}]++
				}
			}
		}
	}
	// Width 2 cannot alternate three times: all 4 cases of K = 3 are refuted.
	if refuted[[2]int{2, 3}] != 4 {
		t.Fatalf("refuted cases by (width, pieces): %v", refuted)
	}
	t.Logf("refuted cases by (width, pieces): %v", refuted)
}

// TestZigzagFarkasDigitsLimit: a leaf's Farkas coefficient longer than the digit limit is
// refused when the certificate is read, naming the field (as a Farkas tree's are), not
// reported as a refuted leaf: with a higher limit the same proof may verify.
func TestZigzagFarkasDigitsLimit(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join("..", "testdata", "certs", "valid", "nofit_zigzag_1_2_1.json"))
	if err != nil {
		t.Fatal(err)
	}
	// Leaf 2 (classes +-) states y = (1, 1, 1); scale it by 10^12.
	big12 := "1000000000000"
	src := strings.Replace(string(raw), "\"classes\": \"+-\",\n     \"slopes\": [\n      0,\n      1,\n      2\n     ],\n     \"farkas\": [\n      \"1\",\n      \"1\",\n      \"1\"",
		"\"classes\": \"+-\",\n     \"slopes\": [\n      0,\n      1,\n      2\n     ],\n     \"farkas\": [\n      \""+big12+"\",\n      \""+big12+"\",\n      \""+big12+"\"", 1)
	if src == string(raw) {
		t.Fatal("the fixture's leaf 2 has changed; update the test")
	}
	c, err := Decode(strings.NewReader(src), ".", Limits{MaxDigits: 20})
	if err != nil {
		t.Fatalf("within the limit: %v", err)
	}
	if rep, err := Check(c, Options{}); err != nil || rep.Status != Verified {
		t.Fatalf("within the limit: %v %v", err, rep.First)
	}
	_, err = Decode(strings.NewReader(src), ".", Limits{MaxDigits: 5})
	if err == nil || !strings.Contains(err.Error(), "claims[0].leaves[2].farkas[0]") {
		t.Fatalf("past the limit: want a malformed error naming the leaf's coefficient, got %v", err)
	}
}

// TestZigzagHugeLeavesRefusedWhileRead: a claim listing a million empty leaves (3 MB) is
// refused as it is read, before the leaves are decoded: counted by strictjson's budgets
// like a network's parameters (decoding first and counting after held about 200 bytes
// per leaf: 2 GB for a 30 MB file). Likewise a leaf with a million slope indices.
func TestZigzagHugeLeavesRefusedWhileRead(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join("..", "testdata", "certs", "valid", "nofit_zigzag_1_2_1.json"))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ at, insert, want string }{
		{`"leaves": [`, strings.Repeat("{},", 1_000_000), "leaves"},
		{`"slopes": [`, strings.Repeat("0,", 1_000_000), "slope"},
		{`"farkas": [`, strings.Repeat(`"0",`, 1_000_000), "farkas"},
	} {
		src := strings.Replace(string(raw), tc.at, tc.at+tc.insert, 1)
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		_, err := Decode(strings.NewReader(src), ".", Limits{})
		runtime.ReadMemStats(&after)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Fatalf("%s: want an error about %s, got %v", tc.at, tc.want, err)
		}
		if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 8*uint64(len(src)) {
			t.Fatalf("%s: reading %d bytes allocated %d bytes before refusing", tc.at, len(src), alloc)
		}
	}
}
