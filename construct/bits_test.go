package construct

import (
	"math/big"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"certify/cert"
	"certify/theorems"

	"pgregory.net/rapid"
)

// Tests of Vardi et al. 2022 Thm 6.2 (VardiBits) and of Park et al. 2021 on data whose
// projected range is far beyond 64 bits (near-collisions, 30-digit coordinates).

// nearCollisions is n pairs of integer points in [0, 100]² with a second copy 10⁻³⁰ to
// the right of each, labels in [C].
func nearCollisions(t testing.TB, n, C int) *cert.Dataset {
	t.Helper()
	q := new(big.Int).Exp(big.NewInt(10), big.NewInt(30), nil)
	var in [][]*big.Rat
	var lab []int
	seen := map[[2]int64]bool{}
	s := int64(7)
	next := func() int64 { s = (s*1103515245 + 12345) % 2147483648; return s % 101 }
	for len(in) < 2*n {
		x, y := next(), next()
		if seen[[2]int64{x, y}] {
			continue
		}
		seen[[2]int64{x, y}] = true
		xn := new(big.Int).Mul(big.NewInt(x), q)
		in = append(in, []*big.Rat{big.NewRat(x, 1), big.NewRat(y, 1)},
			[]*big.Rat{new(big.Rat).SetFrac(xn.Add(xn, big.NewInt(1)), q), big.NewRat(y, 1)})
		lab = append(lab, len(in)%C, (len(in)+1)%C)
	}
	d, err := cert.NewDataset(in, lab, nil, C)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// hugeCoordinates is n points with 30-digit integer coordinates, labels in [C].
func hugeCoordinates(t testing.TB, n, C int) *cert.Dataset {
	t.Helper()
	base := new(big.Int).Exp(big.NewInt(10), big.NewInt(29), nil)
	s := big.NewInt(12345)
	mod := new(big.Int).Exp(big.NewInt(10), big.NewInt(30), nil)
	mul := big.NewInt(6364136223846793005)
	var in [][]*big.Rat
	var lab []int
	for i := 0; i < n; i++ {
		x := make([]*big.Rat, 3)
		for k := range x {
			s.Mul(s, mul).Add(s, big.NewInt(1442695040888963407)).Mod(s, mod)
			v := new(big.Int).Add(base, s)
			if k == 1 {
				v.Neg(v)
			}
			x[k] = new(big.Rat).SetInt(v)
		}
		in = append(in, x)
		lab = append(lab, (i*7)%C)
	}
	d, err := cert.NewDataset(in, lab, nil, C)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestVardiBitsDigits(t *testing.T) {
	d := deepLoadCSV(t, "digits.csv.gz", 0, 0)
	prevDepth := 0
	for _, B := range []int{1000, 120, 60, 30} {
		st := time.Now()
		r, err := VardiBits(d, DeepOptions{}, B)
		if err != nil {
			t.Fatal(err)
		}
		bt := time.Since(st)
		rep := deepCheck(t, r)
		z := r.Summary.Sizes
		if z.MaxBits > B || maxHidden(z) > 12 || !r.Summary.HypothesisHolds || r.Summary.Theorem != "vardi2022-thm6.2" {
			t.Fatalf("B = %d: max_bits %d, width %d, theorem %s: %s", B, z.MaxBits, maxHidden(z), r.Summary.Theorem, r.Summary.Evaluated)
		}
		if z.Depth < prevDepth {
			t.Fatalf("B = %d: depth %d below the depth %d at a larger budget", B, z.Depth, prevDepth)
		}
		prevDepth = z.Depth
		t.Logf("vardi --bits %d on digits (N = %d): max_bits %d, depth %d, parameters %d, non-zero %d; build %v, check %v (%s)",
			B, d.N, z.MaxBits, z.Depth, z.Parameters, z.NonzeroWeights, bt, time.Since(st)-bt, rep.Engine)
	}
}

func TestVardiBitsFashion(t *testing.T) {
	d := deepFashion(t, 1000)
	for _, B := range []int{200, 60} {
		st := time.Now()
		r, err := VardiBits(d, DeepOptions{}, B)
		if err != nil {
			t.Fatal(err)
		}
		bt := time.Since(st)
		rep := deepCheck(t, r)
		z := r.Summary.Sizes
		if z.MaxBits > B || !r.Summary.HypothesisHolds {
			t.Fatalf("B = %d: max_bits %d: %s", B, z.MaxBits, r.Summary.Evaluated)
		}
		t.Logf("vardi --bits %d on Fashion-MNIST 1000: max_bits %d, depth %d, parameters %d; build %v, check %v (%s)",
			B, z.MaxBits, z.Depth, z.Parameters, bt, time.Since(st)-bt, rep.Engine)
	}
}

func TestVardiBitsRefuses(t *testing.T) {
	d := deepLoadCSV(t, "digits.csv.gz", 0, 100)
	for _, tc := range []struct {
		B    int
		o    DeepOptions
		want string
	}{
		{5, DeepOptions{}, "below the least bit complexity"},
		{0, DeepOptions{}, "must be positive"},
		{100, DeepOptions{MaxDepth: 40}, "cannot be combined"},
		{100, DeepOptions{GroupSize: 3}, "cannot be combined"},
	} {
		if _, err := VardiBits(d, tc.o, tc.B); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Fatalf("--bits %d %+v: error %v, want %q", tc.B, tc.o, err, tc.want)
		}
	}
}

// TestVardiBitsRapid: on random separated data and a random budget, VardiBits either
// builds a verified network within the budget and Thm 6.2's bounds, or refuses a budget
// below what one point per group needs (and then the unbudgeted-group network with one
// point per group indeed exceeds it).
func TestVardiBitsRapid(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		d := randomSeparated(t)
		B := rapid.IntRange(1, 120).Draw(t, "B")
		r, err := VardiBits(d, DeepOptions{}, B)
		if err != nil {
			if !strings.Contains(err.Error(), "below the least bit complexity") {
				t.Fatal(err)
			}
			one, err := Vardi(d, DeepOptions{GroupSize: 1})
			if err != nil {
				t.Fatal(err)
			}
			if one.Summary.Sizes.MaxBits <= B {
				t.Fatalf("refused B = %d, but one point per group has max_bits %d", B, one.Summary.Sizes.MaxBits)
			}
			return
		}
		if r.Summary.Sizes.MaxBits > B || !r.Summary.HypothesisHolds {
			t.Fatalf("B = %d: max_bits %d: %s", B, r.Summary.Sizes.MaxBits, r.Summary.Evaluated)
		}
		for _, eng := range cert.Engines {
			rep, err := cert.Check(r.Cert, cert.Options{Engine: eng, Theorems: theorems.Table})
			if err != nil {
				t.Fatal(err)
			}
			if rep.Status != cert.Verified {
				t.Fatalf("B = %d, engine %v: %v %+v", B, eng, rep.Status, rep.First)
			}
		}
	})
}

func TestParkAnyRange(t *testing.T) {
	for _, tc := range []struct {
		name string
		d    *cert.Dataset
	}{
		{"near-collisions", nearCollisions(t, 30, 3)},
		{"30-digit", hugeCoordinates(t, 50, 5)},
	} {
		for _, v := range []struct {
			name string
			o    DeepOptions
		}{
			{"thm2", DeepOptions{}},
			{"thm2-native", DeepOptions{NativeStepID: true}},
			{"thm1", DeepOptions{Wide: true, W: big.NewRat(2, 3)}},
		} {
			t.Run(tc.name+"/"+v.name, func(t *testing.T) {
				st := time.Now()
				r, err := Park(tc.d, v.o)
				if err != nil {
					t.Fatal(err)
				}
				bt := time.Since(st)
				rep := deepCheck(t, r)
				if !r.Summary.HypothesisHolds {
					t.Fatalf("outside the theorem's bounds: %s", r.Summary.Evaluated)
				}
				z := r.Summary.Sizes
				l14 := r.Cert.Provenance.Params["lemma14_layers"]
				t.Logf("park %s %s: Lemma 14 layers %s, depth %d, parameters %d, max_bits %d; build %v, check %v (%s)",
					tc.name, v.name, l14, z.Depth, z.Parameters, z.MaxBits, bt, time.Since(st)-bt, rep.Engine)
			})
		}
	}
}

// TestBitsMutations: every single-weight mutation (+1 to one non-zero weight or bias, and
// doubling it) of a Thm 6.2 network and of a Park network on near-collisions is rejected
// by the kernel exactly when the reference evaluator says the claims no longer hold. On
// near-collisions many +1 mutants survive, correctly: a STEP threshold of ~100 bits moved
// by one still separates the same integers (the reference evaluator confirms each); the
// doubled ones must nearly all be rejected.
func TestBitsMutations(t *testing.T) {
	var in [][]*big.Rat
	var lab []int
	for i := 0; i < 12; i++ {
		in = append(in, []*big.Rat{big.NewRat(int64((i*5)%12), 1), big.NewRat(int64((i*i)%7), 1)})
		lab = append(lab, (i*3)%4)
	}
	d, err := cert.NewDataset(in, lab, nil, 4)
	if err != nil {
		t.Fatal(err)
	}
	near := nearCollisions(t, 4, 3)
	plus1 := func(w *big.Rat) *big.Rat { return new(big.Rat).Add(w, big.NewRat(1, 1)) }
	double := func(w *big.Rat) *big.Rat { return new(big.Rat).Add(w, w) }
	for _, tc := range []struct {
		name   string
		d      *cert.Dataset
		f      func() (*Result, error)
		mutate func(*big.Rat) *big.Rat
		minPct int // least share of mutants that must change the claimed behaviour
	}{
		{"vardi-bits+1", d, func() (*Result, error) { return VardiBits(d, DeepOptions{}, 12) }, plus1, 80},
		{"park-near+1", near, func() (*Result, error) { return Park(near, DeepOptions{}) }, plus1, 60},
		{"park-near×2", near, func() (*Result, error) { return Park(near, DeepOptions{}) }, double, 75},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, err := tc.f()
			if err != nil {
				t.Fatal(err)
			}
			var pats cert.PatternsClaim
			for _, cl := range r.Cert.Claims {
				if p, ok := cl.(cert.PatternsClaim); ok {
					pats = p
				}
			}
			if pats.Patterns == nil {
				t.Fatal("no patterns claim on a small network")
			}
			net := r.Cert.Network
			sz0 := net.ComputeSizes()
			total, rejected := 0, 0
			for li := range net.Layers {
				l := &net.Layers[li]
				for j := range l.W {
					slots := make([]**big.Rat, 0, len(l.W[j])+1)
					for k := range l.W[j] {
						slots = append(slots, &l.W[j][k])
					}
					slots = append(slots, &l.B[j])
					for _, slot := range slots {
						old := *slot
						if old.Sign() == 0 {
							continue
						}
						*slot = tc.mutate(old)
						want := referenceHolds(net, tc.d, pats, sz0)
						rep, err := cert.Check(r.Cert, cert.Options{Workers: 1, Theorems: theorems.Table})
						*slot = old
						if err != nil {
							t.Fatal(err)
						}
						total++
						if got := rep.Status == cert.Verified; got != want {
							t.Fatalf("layer %d unit %d: kernel %v, reference evaluator says holds=%v", li, j, rep.Status, want)
						}
						if !want {
							rejected++
						}
					}
				}
			}
			t.Logf("%s: %d of %d single-weight mutants rejected; the other %d still memorise the data with the same patterns and sizes",
				tc.name, rejected, total, total-rejected)
			if rejected*100 < total*tc.minPct {
				t.Fatalf("only %d of %d mutants change the claimed behaviour", rejected, total)
			}
		})
	}
}

// TestBitsFixtures keeps the golden certificates of Thm 6.2 on digits and of Park on
// near-collisions, and a broken twin of each, in testdata/certs (checked by the kernel's
// fixture test against their .want files); as TestDeepFixtures, the valid ones must be
// byte-identical to a fresh build, and CERTIFY_UPDATE=1 rewrites them.
func TestBitsFixtures(t *testing.T) {
	d := deepLoadCSV(t, "digits.csv.gz", 0, 60)
	near := nearCollisions(t, 8, 3)
	root := filepath.Join("..", "testdata", "certs")
	for _, fx := range []struct {
		name, fn string // fn: the construction; a name with "_budget" shares the valid fixture without it
		build    func() (*Result, error)
		breakIt  func(c *cert.Certificate) string
		want     string
	}{
		{"vardi_bits40_digits60", "VardiBits", func() (*Result, error) { return VardiBits(d, DeepOptions{}, 40) },
			func(c *cert.Certificate) string {
				for i, cl := range c.Claims {
					if tc, ok := cl.(cert.TheoremClaim); ok {
						h := &tc.Hypothesis[1] // depth ≤ ⌈2N(λ+2)/(B−3)⌉ + 2B + 8
						h.RHS = new(big.Rat).Sub(h.LHS, big.NewRat(1, 1))
						h.Holds = false
						tc.HypothesisHolds, tc.ExceedsTheorem = false, true
						c.Claims[i] = tc
						return "the theorem claim states Thm 6.2's depth bound as one below the depth (consistently marked false)"
					}
				}
				panic("no theorem claim")
			}, "refuted theorem-hypothesis"},
		{"vardi_bits40_digits60_budget", "VardiBits", func() (*Result, error) { return VardiBits(d, DeepOptions{}, 40) },
			func(c *cert.Certificate) string {
				for i, cl := range c.Claims {
					if sc, ok := cl.(cert.SizesClaim); ok {
						b := *sc.MaxBits - 1
						sc.MaxBitsAtMost = &b
						c.Claims[i] = sc
						return "the sizes claim's bit budget max_bits_at_most set one below the network's max_bits"
					}
				}
				panic("no sizes claim")
			}, "refuted size-mismatch"},
		{"park_near_collisions", "Park", func() (*Result, error) { return Park(near, DeepOptions{}) },
			func(c *cert.Certificate) string {
				// The first ~100-bit weight (a Lemma 14 coefficient b − T or −T), moved by one.
				for li := range c.Network.Layers {
					l := &c.Network.Layers[li]
					for j := range l.W {
						for k, w := range l.W[j] {
							if w.Num().BitLen() > 64 {
								l.W[j][k] = new(big.Rat).Add(w, big.NewRat(1, 1))
								return "a Lemma 14 coefficient of about 100 bits moved by one"
							}
						}
					}
				}
				panic("no large weight")
			}, "refuted output-mismatch"},
	} {
		t.Run(fx.name, func(t *testing.T) {
			r, err := fx.build()
			if err != nil {
				t.Fatal(err)
			}
			good := deepEncode(t, r)
			validName, _, _ := strings.Cut(fx.name, "_budget")
			validPath := filepath.Join(root, "valid", validName+".json")
			why := fx.breakIt(r.Cert)
			bad := deepEncode(t, r)
			badPath := filepath.Join(root, "invalid", fx.name+"_broken.json")
			fixturePair(t, validPath, good, badPath, bad, r.Summary.TheoremName+", built by construct."+fx.fn+"; regenerate with CERTIFY_UPDATE=1 go test ./construct -run TestBitsFixtures", fx.want, why)
		})
	}
}

// TestParkAnyRangeRapid: random separated data, scaled by 10^k (k up to 30) and with
// some points given a twin 10^−k' away (k' up to 30), is memorised by all three Park
// variants and verified by the kernel (every engine). Unscaled, or scaled without twins
// (a coarse lattice), the network is within the theorem's bounds. Scaled with twins it
// may not be, and the claim then says so (hypothesis_holds false): the twins break the
// lattice and the projection does not divide by the smallest gap, so the Lemma 14 layers
// follow log₂ of the projected range, which grows with the scale while Δ does not.
func TestParkAnyRangeRapid(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		base := randomSeparated(t)
		k := rapid.IntRange(0, 30).Draw(t, "k")
		scale := new(big.Rat).SetInt(new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(k)), nil))
		eps := new(big.Rat).SetFrac(big.NewInt(1), new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(rapid.IntRange(1, 30).Draw(t, "k'"))), nil))
		twins := rapid.IntRange(0, 3).Draw(t, "twins")
		C := max(base.Classes, 2)
		var in [][]*big.Rat
		var lab []int
		for i := 0; i < base.N; i++ {
			x := base.Input(i)
			y := make([]*big.Rat, len(x))
			for k := range x {
				y[k] = new(big.Rat).Mul(x[k], scale)
			}
			in = append(in, y)
			lab = append(lab, base.Labels[i])
			if i < twins {
				z := append([]*big.Rat(nil), y...)
				z[0] = new(big.Rat).Add(z[0], eps)
				in = append(in, z)
				lab = append(lab, (base.Labels[i]+1)%C)
			}
		}
		d, err := cert.NewDataset(in, lab, nil, C)
		if err != nil {
			t.Fatal(err)
		}
		variant := rapid.IntRange(0, 2).Draw(t, "variant")
		o := []DeepOptions{{}, {NativeStepID: true}, {Wide: true, W: big.NewRat(2, 3)}}[variant]
		r, err := Park(d, o)
		if err != nil {
			t.Fatal(err)
		}
		// Unscaled, or scaled without twins (a coarse lattice: the lattice coordinates are
		// those of the unscaled data), the network is within the theorem's bounds.
		if (k == 0 || twins == 0) && !r.Summary.HypothesisHolds {
			t.Fatalf("k = %d, twins = %d: outside the theorem's bounds: %s", k, twins, r.Summary.Evaluated)
		}
		for _, eng := range cert.Engines {
			rep, err := cert.Check(r.Cert, cert.Options{Engine: eng, Theorems: theorems.Table})
			if err != nil {
				t.Fatal(err)
			}
			if rep.Status != cert.Verified {
				t.Fatalf("variant %d, engine %v: %v %+v", variant, eng, rep.Status, rep.First)
			}
		}
	})
}

// TestParkEmptyHalving: a Lemma 15 halving with no value in [T, K) moves nothing; it used
// to panic building a layer from no thresholds (found by TestParkAnyRangeRapid).
func TestParkEmptyHalving(t *testing.T) {
	var in [][]*big.Rat
	var lab []int
	for i, x := range []string{"0", "1/100", "2", "201/100", "-1", "-99/100", "5"} {
		v, _ := new(big.Rat).SetString(x)
		in = append(in, []*big.Rat{v})
		lab = append(lab, i%2)
	}
	d, err := cert.NewDataset(in, lab, nil, 2)
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range []DeepOptions{{}, {NativeStepID: true}, {Wide: true, W: big.NewRat(2, 3)}} {
		r, err := Park(d, o)
		if err != nil {
			t.Fatal(err)
		}
		deepCheck(t, r)
	}
}

// TestParkCoarseLattice: data on a coarse lattice (every coordinate a multiple of 10^30,
// shifted by 7·10^31) get exactly the network of the same data unscaled, but for the
// first layer composed with the lattice map: the same depth and Lemma 14 layers, within
// the theorem's bounds, verified by the kernel. Before the lattice map the projected
// range had about 100 more bits and the network was outside the bounds.
func TestParkCoarseLattice(t *testing.T) {
	q := new(big.Int).Exp(big.NewInt(10), big.NewInt(30), nil)
	shift := new(big.Int).Mul(big.NewInt(70), q)
	var in, coarse [][]*big.Rat
	var lab []int
	for i := 0; i < 40; i++ {
		x := []int64{int64((i * 37) % 101), int64((i * i * 11) % 53), int64(i % 5)}
		var a, b []*big.Rat
		for _, v := range x {
			a = append(a, big.NewRat(v, 1))
			c := new(big.Int).Mul(big.NewInt(v), q)
			b = append(b, new(big.Rat).SetInt(c.Add(c, shift)))
		}
		in, coarse = append(in, a), append(coarse, b)
		lab = append(lab, (i*3)%4)
	}
	plain, err := cert.NewDataset(in, lab, nil, 4)
	if err != nil {
		t.Fatal(err)
	}
	big30, err := cert.NewDataset(coarse, lab, nil, 4)
	if err != nil {
		t.Fatal(err)
	}
	// The map: none on the plain data (every coordinate's differences have gcd 1, found by
	// the int64 scan), 1/10^30 per coordinate on the coarse data.
	if p := newPoints(plain); func() bool { q, m := p.lattice(); return q != p || m != nil }() {
		t.Fatal("a lattice map for data on no coarser lattice")
	}
	if _, m := newPoints(big30).lattice(); m == nil || m.scale[0].Cmp(new(big.Rat).SetFrac(big.NewInt(1), q)) != 0 {
		t.Fatalf("lattice map of the coarse data: %+v", m)
	}
	for _, o := range []DeepOptions{{}, {NativeStepID: true}, {Wide: true, W: big.NewRat(2, 3)}} {
		r0, err := Park(plain, o)
		if err != nil {
			t.Fatal(err)
		}
		r1, err := Park(big30, o)
		if err != nil {
			t.Fatal(err)
		}
		if !r1.Summary.HypothesisHolds {
			t.Fatalf("%+v: outside the theorem's bounds: %s", o, r1.Summary.Evaluated)
		}
		z0, z1 := r0.Summary.Sizes, r1.Summary.Sizes
		l0, l1 := r0.Cert.Provenance.Params["lemma14_layers"], r1.Cert.Provenance.Params["lemma14_layers"]
		if z0.Depth != z1.Depth || z0.Parameters != z1.Parameters || l0 != l1 {
			t.Fatalf("%+v: unscaled depth %d, parameters %d, Lemma 14 layers %s; coarse %d, %d, %s",
				o, z0.Depth, z0.Parameters, l0, z1.Depth, z1.Parameters, l1)
		}
		deepCheck(t, r1)
	}
}
