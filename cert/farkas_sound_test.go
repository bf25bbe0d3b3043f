package cert

import (
	"bytes"
	"encoding/json"
	"math/big"
	"math/rand"
	"os"
	"slices"
	"strings"
	"testing"
)

// TestBranchRowsHoldForRealNetworks is the soundness of the adaptive form's relaxation: a
// random network of widths (d1, d2), put in the kernel's canonical form (first-layer units
// sorted by case, |w| moved into the second layer, w = 0 folded as a unit +n; output weights
// scaled to ±1/0 and sorted), computes labels y; then random facts true of it (activities,
// signs of weight combinations, t splits with τ strictly inside the interval) are decided, and
// the network's unknowns (c, b_k, v_kj, Q_kj = v_kj·t_j) must satisfy every row BranchRows
// derives. A violated row would let a Farkas vector refute a case a network is in.
func TestBranchRowsHoldForRealNetworks(t *testing.T) {
	rng := rand.New(rand.NewSource(7))
	ri := func(a, b int) int64 { return int64(a + rng.Intn(b-a+1)) }
	rat := func(a, b int64) *big.Rat { return big.NewRat(a, b) }
	for iter := 0; iter < 3000; iter++ {
		n, d1, d2 := 2+rng.Intn(5), 1+rng.Intn(3), 1+rng.Intn(3)
		// Distinct sorted inputs.
		var fd FarkasData
		x := ri(-5, 0)
		for r := 0; r < n; r++ {
			x += ri(1, 3)
			fd.X = append(fd.X, rat(x*2+ri(0, 1), 2))
		}
		type fu struct {
			u farkasUnit
			t *big.Rat
			w int64
			b *big.Rat
		}
		fus := make([]fu, d1)
		for j := range fus {
			w := ri(-2, 2)
			if rng.Intn(4) == 0 {
				w = 0
			}
			b := rat(ri(-20, 20), 2)
			fus[j] = fu{w: w, b: b}
		}
		// Second layer before canonicalisation: v[k][j], b2[k], a[k].
		v := make([][]*big.Rat, d2)
		b2 := make([]*big.Rat, d2)
		a := make([]int64, d2)
		for k := range v {
			for j := 0; j < d1; j++ {
				v[k] = append(v[k], rat(ri(-3, 3), 1))
			}
			b2[k] = rat(ri(-6, 6), 1)
			a[k] = ri(-2, 2)
		}
		c := rat(ri(-3, 3), 1)
		// The network's output, computed directly.
		relu := func(z *big.Rat) *big.Rat {
			if z.Sign() < 0 {
				return new(big.Rat)
			}
			return new(big.Rat).Set(z)
		}
		h := func(j int, x *big.Rat) *big.Rat {
			z := new(big.Rat).Mul(rat(fus[j].w, 1), x)
			return relu(z.Add(z, fus[j].b))
		}
		for r := 0; r < n; r++ {
			y := new(big.Rat).Set(c)
			for k := 0; k < d2; k++ {
				z := new(big.Rat).Set(b2[k])
				for j := 0; j < d1; j++ {
					z.Add(z, new(big.Rat).Mul(v[k][j], h(j, fd.X[r])))
				}
				y.Add(y, new(big.Rat).Mul(rat(a[k], 1), relu(z)))
			}
			fd.Y = append(fd.Y, y)
		}
		// Canonical first layer.
		for j := range fus {
			f := &fus[j]
			if f.w == 0 {
				for k := range v { // constant σ(b) into b_k, the unit +n (zero on the data)
					b2[k] = new(big.Rat).Add(b2[k], new(big.Rat).Mul(v[k][j], relu(f.b)))
				}
				f.u = farkasUnit{1, n}
				f.t = new(big.Rat).Add(fd.X[n-1], rat(ri(0, 3), 1))
				continue
			}
			f.t = new(big.Rat).Quo(new(big.Rat).Neg(f.b), rat(f.w, 1))
			aw := f.w
			if aw < 0 {
				aw = -aw
			}
			for k := range v {
				v[k][j] = new(big.Rat).Mul(v[k][j], rat(aw, 1))
			}
			p := 0
			if f.w > 0 {
				for p < n && fd.X[p].Cmp(f.t) <= 0 {
					p++
				}
				f.u = farkasUnit{1, p}
			} else {
				for p < n && fd.X[p].Cmp(f.t) < 0 {
					p++
				}
				f.u = farkasUnit{-1, p}
			}
		}
		perm := make([]int, d1)
		for j := range perm {
			perm[j] = j
		}
		slices.SortStableFunc(perm, func(i, j int) int { return unitIndex(fus[i].u, n) - unitIndex(fus[j].u, n) })
		units := make([]string, d1)
		ts := make([]*big.Rat, d1)
		for j, pj := range perm {
			units[j], ts[j] = fus[pj].u.String(), fus[pj].t
		}
		// Canonical second layer: rows of v permuted with perm, scaled by |a_k|, sorted + 0 −.
		type su struct {
			a int
			b *big.Rat
			v []*big.Rat
		}
		sus := make([]su, d2)
		for k := range sus {
			s, m := 0, a[k]
			if m > 0 {
				s = 1
			} else if m < 0 {
				s, m = -1, -m
			}
			if m == 0 {
				m = 1
			}
			sus[k] = su{a: s, b: new(big.Rat).Mul(b2[k], rat(m, 1))}
			for _, pj := range perm {
				sus[k].v = append(sus[k].v, new(big.Rat).Mul(v[k][pj], rat(m, 1)))
			}
		}
		slices.SortStableFunc(sus, func(p, q su) int { return q.a - p.a })
		out := make([]byte, d2)
		for k, s := range sus {
			out[k] = "-0+"[s.a+1]
		}
		f, err := NewFarkasFacts(fd, units, string(out))
		if err != nil {
			t.Fatal(err)
		}
		// The network's unknowns and its pre-activations z_kr.
		stride := 1 + 2*d1
		sol := make([]*big.Rat, 1+d2*stride)
		sol[0] = c
		for k, s := range sus {
			sol[1+k*stride] = s.b
			for j := 0; j < d1; j++ {
				sol[1+k*stride+1+2*j] = s.v[j]
				sol[1+k*stride+2+2*j] = new(big.Rat).Mul(s.v[j], ts[j])
			}
		}
		zkr := func(k, r int) *big.Rat {
			z := new(big.Rat).Set(sus[k].b)
			for j := 0; j < d1; j++ {
				if f.Active(j, r+1) {
					d := new(big.Rat).Sub(fd.X[r], ts[j])
					z.Add(z, d.Mul(d, rat(int64(f.units[j].s), 1)).Mul(d, sus[k].v[j]))
				}
			}
			return z
		}
		// Random true facts.
		for step := 0; step < 12; step++ {
			var fa FarkasFact
			var cs int
			switch rng.Intn(3) {
			case 0:
				k, r := rng.Intn(d2), rng.Intn(n)
				if f.Act[k][r] != 0 {
					continue
				}
				fa = FarkasFact{Split: SplitAct, K: k, R: r}
				z := zkr(k, r)
				if z.Sign() < 0 || (z.Sign() == 0 && rng.Intn(2) == 0) {
					cs = 1
				}
			case 1:
				j := rng.Intn(d1)
				lam := make([]*big.Rat, d2)
				V := new(big.Rat)
				nz := false
				for k := range lam {
					lam[k] = rat(ri(-2, 2), ri(1, 2))
					nz = nz || lam[k].Sign() != 0
					V.Add(V, new(big.Rat).Mul(lam[k], sus[k].v[j]))
				}
				if !nz {
					continue
				}
				fa = FarkasFact{Split: SplitV, J: j, Lam: lam}
				if V.Sign() < 0 || (V.Sign() == 0 && rng.Intn(2) == 0) {
					cs = 1
				}
			default:
				j := rng.Intn(d1)
				lo, hi := f.Lo[j], f.Hi[j]
				var tau *big.Rat
				switch {
				case lo != nil && hi != nil:
					w := rat(ri(1, 7), 8)
					tau = new(big.Rat).Add(lo, w.Mul(w, new(big.Rat).Sub(hi, lo)))
				case lo != nil:
					tau = new(big.Rat).Add(lo, rat(ri(1, 4), 2))
				case hi != nil:
					tau = new(big.Rat).Sub(hi, rat(ri(1, 4), 2))
				default:
					tau = rat(ri(-5, 5), 1)
				}
				if rng.Intn(5) == 0 {
					tau = new(big.Rat).Set(ts[j]) // τ at the breakpoint itself: both sides hold
				}
				fa = FarkasFact{Split: SplitT, J: j, Tau: tau}
				if (lo != nil && tau.Cmp(lo) <= 0) || (hi != nil && tau.Cmp(hi) >= 0) {
					continue
				}
				cmp := ts[j].Cmp(tau)
				if cmp > 0 || (cmp == 0 && rng.Intn(2) == 0) {
					cs = 1
				}
			}
			f.Decide(fa, cs)
		}
		for i, row := range BranchRows(fd, f) {
			lhs := new(big.Rat)
			for q, co := range row.Coef {
				lhs.Add(lhs, new(big.Rat).Mul(co, sol[q]))
			}
			cmp := lhs.Cmp(row.RHS)
			if (row.Ineq && cmp < 0) || (!row.Ineq && cmp != 0) {
				t.Fatalf("iter %d: units %v outputs %s: row %d (ineq %v) gives %s, rhs %s: the network of the case violates it",
					iter, units, out, i, row.Ineq, lhs.RatString(), row.RHS.RatString())
			}
		}
	}
}

// canonUnit is the case label of a first-layer unit σ(w·x + b) on sorted inputs X (w = 0:
// the unit +n, zero on the data once its constant is folded into the next layer).
func canonUnit(w, b *big.Rat, X []*big.Rat) farkasUnit {
	n := len(X)
	if w.Sign() == 0 {
		return farkasUnit{1, n}
	}
	t := new(big.Rat).Quo(new(big.Rat).Neg(b), w)
	p := 0
	if w.Sign() > 0 {
		for p < n && X[p].Cmp(t) <= 0 {
			p++
		}
		return farkasUnit{1, p}
	}
	for p < n && X[p].Cmp(t) < 0 {
		p++
	}
	return farkasUnit{-1, p}
}

// TestMirrorUnitsOfMirrorNetwork: on symmetric inputs (x_r + x_{n+1−r} = C), the network
// x ↦ f(C − x) has first-layer units σ(−w·x + (b + w·C)); their cases, sorted, are the
// kernel's mirrorUnits of f's case, up to the two labels of a unit zero on the data (+n and
// −0), and each unit's activity on the data is the mirror of the original's.
func TestMirrorUnitsOfMirrorNetwork(t *testing.T) {
	rng := rand.New(rand.NewSource(11))
	zeroOnData := func(u farkasUnit, n int) bool { return (u.s > 0 && u.p == n) || (u.s < 0 && u.p == 0) }
	for iter := 0; iter < 5000; iter++ {
		n, m := 1+rng.Intn(7), 1+rng.Intn(4)
		C := big.NewRat(int64(rng.Intn(9)-4), int64(1+rng.Intn(2)))
		half := []*big.Rat{}
		x := big.NewRat(0, 1)
		if n%2 == 1 {
			half = append(half, new(big.Rat).Quo(C, big.NewRat(2, 1)))
			x.Set(half[0])
		} else {
			x.Quo(C, big.NewRat(2, 1))
			x.Sub(x, big.NewRat(int64(rng.Intn(3)), 2))
		}
		X := make([]*big.Rat, n)
		for r := (n - 1) / 2; r >= 0; r-- {
			if n%2 == 1 && r == (n-1)/2 {
				X[r] = half[0]
				continue
			}
			x = new(big.Rat).Sub(x, big.NewRat(int64(1+rng.Intn(3)), int64(1+rng.Intn(2))))
			X[r] = x
		}
		for r := 0; r < n/2; r++ {
			X[n-1-r] = new(big.Rat).Sub(C, X[r])
		}
		for r := 1; r < n; r++ {
			if X[r].Cmp(X[r-1]) <= 0 {
				t.Fatalf("iter %d: inputs not sorted: %v", iter, X)
			}
		}
		fd := FarkasData{X: X, Y: make([]*big.Rat, n)}
		for r := range fd.Y {
			fd.Y[r] = new(big.Rat)
		}
		if err := mirrorData(fd); err != nil {
			t.Fatalf("iter %d: symmetric inputs refused: %v", iter, err)
		}
		var us, gs []farkasUnit
		for j := 0; j < m; j++ {
			w := big.NewRat(int64(rng.Intn(5)-2), 1)
			var b *big.Rat
			if rng.Intn(3) == 0 { // breakpoint on a data point
				b = new(big.Rat).Neg(new(big.Rat).Mul(w, X[rng.Intn(n)]))
			} else {
				b = big.NewRat(int64(rng.Intn(41)-20), int64(1+rng.Intn(4)))
			}
			u := canonUnit(w, b, X)
			g := canonUnit(new(big.Rat).Neg(w), new(big.Rat).Add(b, new(big.Rat).Mul(w, C)), X)
			for r := 1; r <= n; r++ { // activity of g at rank r is f's at rank n+1−r
				act := farkasUnit.active
				if act(g, r) != act(u, n+1-r) {
					t.Fatalf("iter %d: unit %v mirrors to %v: activity at rank %d differs", iter, u, g, r)
				}
			}
			us, gs = append(us, u), append(gs, g)
		}
		slices.SortFunc(us, func(a, b farkasUnit) int { return unitIndex(a, n) - unitIndex(b, n) })
		want := mirrorUnits(us, n)
		norm := func(v []farkasUnit) []farkasUnit {
			o := make([]farkasUnit, len(v))
			for i, u := range v {
				if zeroOnData(u, n) {
					u = farkasUnit{1, n}
				}
				o[i] = u
			}
			slices.SortFunc(o, func(a, b farkasUnit) int { return unitIndex(a, n) - unitIndex(b, n) })
			return o
		}
		if !slices.Equal(norm(want), norm(gs)) {
			t.Fatalf("iter %d: case %v: the mirror network's units %v, mirrorUnits %v", iter, us, gs, want)
		}
	}
}

// TestMirrorDataExact: the symmetry of the data is exact in the inputs (x_r + x_{n+1−r}
// constant) and the labels (read backwards, an affine image α + β·y with β ≠ 0).
func TestMirrorDataExact(t *testing.T) {
	rs := func(v ...int64) []*big.Rat {
		o := make([]*big.Rat, len(v))
		for i, x := range v {
			o[i] = big.NewRat(x, 1)
		}
		return o
	}
	for _, tc := range []struct {
		x, y []*big.Rat
		ok   bool
	}{
		{rs(1, 2, 3, 4), rs(0, 1, 1, 0), true},        // α = 0, β = 1
		{rs(1, 2, 4, 5), rs(0, 1, 2, 3), true},        // α = 3, β = −1
		{rs(1, 2, 3, 4), rs(2, 2, 2, 2), true},        // constant
		{rs(-3, 0, 3), rs(1, 5, 9), true},             // α = 10, β = −1
		{rs(1, 2, 3, 5), rs(0, 1, 1, 0), false},       // inputs not symmetric
		{rs(1, 2, 3, 4), rs(0, 1, 3, 3), false},       // β = 0 at rank 2
		{rs(1, 2, 3, 4), rs(1, 2, 4, 0), false},       // affine on two ranks, not on the third
		{rs(1, 2, 3, 4, 5), rs(0, 1, 7, 1, 1), false}, // only the first label breaks it
		{rs(1, 2, 3, 4, 5), rs(1, 1, 7, 1, 0), false},
	} {
		err := mirrorData(FarkasData{X: tc.x, Y: tc.y})
		if (err == nil) != tc.ok {
			t.Errorf("x %v y %v: symmetric %v, want %v (%v)", tc.x, tc.y, err == nil, tc.ok, err)
		}
	}
}

// The proof's numbers are read with the decoder's digit limit when they are checked too:
// a Farkas vector scaled by 10^4200 (still a Farkas vector) is verified under
// MaxDigits 10 000 and refused at decoding under the default.
func TestFarkasDigitLimitHonoured(t *testing.T) {
	raw, err := os.ReadFile("../testdata/certs/valid/nofit_farkas_adaptive.json")
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	scale := "1" + strings.Repeat("0", 4200)
	var scaled bool
	var walk func(n map[string]any)
	walk = func(n map[string]any) {
		if f, ok := n["farkas"].([]any); ok && !scaled {
			for i, v := range f {
				if s := v.(string); s != "0" {
					y, _ := new(big.Rat).SetString(s)
					sc, _ := new(big.Rat).SetString(scale)
					f[i] = y.Mul(y, sc).RatString()
				}
			}
			scaled = true
		}
		if cs, ok := n["cases"].([]any); ok {
			for _, c := range cs {
				walk(c.(map[string]any))
			}
		}
	}
	for _, c := range doc["claims"].([]any) {
		if p, ok := c.(map[string]any)["proof"].(map[string]any); ok {
			walk(p)
		}
	}
	if !scaled {
		t.Fatal("no leaf found")
	}
	big, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Decode(bytes.NewReader(big), "", Limits{}); err == nil || !strings.Contains(err.Error(), "digits") {
		t.Fatalf("default limit: got %v, want a digit-limit error", err)
	}
	c, err := Decode(bytes.NewReader(big), "", Limits{MaxDigits: 10000})
	if err != nil {
		t.Fatal(err)
	}
	rep, err := Check(c, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Status != Verified {
		t.Fatalf("got %v, want verified: %+v", rep.Status, rep)
	}
}
