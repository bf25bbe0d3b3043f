package construct

import (
	"bytes"
	"math/big"
	"os"
	"path/filepath"
	"testing"
	"time"

	"certify/cert"
	"certify/certio"
	"certify/theorems"

	"pgregory.net/rapid"
)

func deepLoadCSV(t testing.TB, name string, skip, limit int) *cert.Dataset {
	t.Helper()
	d, _, err := cert.LoadSource(cert.Source{Format: "csv", Path: filepath.Join("..", "testdata", "data", name), SkipRows: skip, Limit: limit}, cert.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// fashionSource is the first n Fashion-MNIST training images (all for n = 0) as a
// source, from CERTIFY_FASHION_DIR or where Debian's dataset-fashion-mnist puts them; it
// skips when the files are missing.
func fashionSource(t testing.TB, n int) cert.Source {
	t.Helper()
	dir := os.Getenv("CERTIFY_FASHION_DIR")
	if dir == "" {
		dir = "/usr/share/datasets/fashion-mnist"
	}
	src := cert.Source{Format: "idx", Images: filepath.Join(dir, "train-images-idx3-ubyte.gz"),
		LabelsPath: filepath.Join(dir, "train-labels-idx1-ubyte.gz"), Limit: n}
	if _, err := os.Stat(src.Images); err != nil {
		t.Skip("Fashion-MNIST not installed (apt-get install dataset-fashion-mnist)")
	}
	return src
}

// deepFashion loads the first n Fashion-MNIST images, or skips.
func deepFashion(t testing.TB, n int) *cert.Dataset {
	t.Helper()
	d, _, err := cert.LoadSource(fashionSource(t, n), cert.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// deepEncode is the certificate's bytes.
func deepEncode(t testing.TB, r *Result) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := certio.Encode(&buf, r.Cert); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// deepCheck encodes, decodes and checks r; it fails the test unless every claim holds.
func deepCheck(t testing.TB, r *Result) *cert.Report {
	t.Helper()
	c, err := cert.Decode(bytes.NewReader(deepEncode(t, r)), ".", cert.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	rep, err := cert.Check(c, cert.Options{Theorems: theorems.Table})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Status != cert.Verified {
		t.Fatalf("%s: %v: %+v", r.Summary.Method, rep.Status, rep.First)
	}
	return rep
}

func maxHidden(s cert.Sizes) int {
	m := 0
	for _, w := range s.Widths[:len(s.Widths)-1] {
		m = max(m, w)
	}
	return m
}

func TestVardiDigits(t *testing.T) {
	d := deepLoadCSV(t, "digits.csv.gz", 0, 0)
	st := time.Now()
	r, err := Vardi(d, DeepOptions{})
	if err != nil {
		t.Fatal(err)
	}
	bt := time.Since(st)
	rep := deepCheck(t, r)
	z := r.Summary.Sizes
	if maxHidden(z) > 12 || !r.Summary.HypothesisHolds {
		t.Fatalf("width %d, theorem: %s", maxHidden(z), r.Summary.Evaluated)
	}
	t.Logf("vardi digits: build %v, check %v (%s); depth %d, params %d, non-zero %d, bits %d", bt, time.Since(st)-bt, rep.Engine,
		z.Depth, z.Parameters, z.NonzeroWeights, z.MaxBits)
}

func TestParkDigits(t *testing.T) {
	d := deepLoadCSV(t, "digits.csv.gz", 0, 0)
	for _, tc := range []struct {
		name  string
		o     DeepOptions
		width int
	}{
		{"thm2-relu", DeepOptions{}, 3},
		{"thm2-native", DeepOptions{NativeStepID: true}, 3},
		{"thm1-w2/3", DeepOptions{Wide: true, W: big.NewRat(2, 3)}, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, err := Park(d, tc.o)
			if err != nil {
				t.Fatal(err)
			}
			deepCheck(t, r)
			z := r.Summary.Sizes
			if tc.width > 0 && maxHidden(z) > tc.width {
				t.Fatalf("width %d > %d", maxHidden(z), tc.width)
			}
			if !r.Summary.HypothesisHolds {
				t.Fatalf("outside the theorem's bounds: %s", r.Summary.Evaluated)
			}
			acts := map[cert.ActKind]bool{}
			for _, l := range r.Cert.Network.Layers[:len(r.Cert.Network.Layers)-1] {
				for _, a := range l.Act {
					acts[a.Kind] = true
				}
			}
			if !tc.o.NativeStepID && (len(acts) != 1 || !acts[cert.ActReLU]) {
				t.Fatalf("hidden activations %v, want ReLU only", acts)
			}
			t.Logf("park %s: depth %d, params %d, non-zero %d, bits %d", tc.name, z.Depth, z.Parameters, z.NonzeroWeights, z.MaxBits)
		})
	}
}

func TestDeepFashionSmall(t *testing.T) {
	d := deepFashion(t, 300)
	for _, f := range []func() (*Result, error){
		func() (*Result, error) { return Vardi(d, DeepOptions{}) },
		func() (*Result, error) { return Park(d, DeepOptions{}) },
	} {
		r, err := f()
		if err != nil {
			t.Fatal(err)
		}
		deepCheck(t, r)
	}
}

// TestDeepRegression fits rational targets within ε by ε-classes.
func TestDeepRegression(t *testing.T) {
	var in [][]*big.Rat
	var y [][]*big.Rat
	for i := 0; i < 40; i++ {
		in = append(in, []*big.Rat{big.NewRat(int64(i*7%40), 1), big.NewRat(int64(i*i%13), 3)})
		y = append(y, []*big.Rat{big.NewRat(int64((i*37)%101), 100)})
	}
	d, err := cert.NewDataset(in, nil, y, 0)
	if err != nil {
		t.Fatal(err)
	}
	eps := big.NewRat(1, 20)
	for _, f := range []func() (*Result, error){
		func() (*Result, error) { return Vardi(d, DeepOptions{Epsilon: eps}) },
		func() (*Result, error) { return Park(d, DeepOptions{Epsilon: eps}) },
	} {
		r, err := f()
		if err != nil {
			t.Fatal(err)
		}
		deepCheck(t, r)
		if _, ok := r.Cert.Claims[0].(cert.EpsilonClaim); !ok {
			t.Fatalf("first claim is %T, want an ε claim", r.Cert.Claims[0])
		}
	}
}

// TestVardiDepthLimited builds Thm 5.1's side-by-side parts.
func TestVardiDepthLimited(t *testing.T) {
	d := deepLoadCSV(t, "digits.csv.gz", 0, 600)
	full, err := Vardi(d, DeepOptions{})
	if err != nil {
		t.Fatal(err)
	}
	lim := full.Summary.Sizes.Depth / 2
	r, err := Vardi(d, DeepOptions{MaxDepth: lim})
	if err != nil {
		t.Fatal(err)
	}
	deepCheck(t, r)
	z := r.Summary.Sizes
	if z.Depth > lim || r.Summary.Theorem != "vardi2022-thm5.1" {
		t.Fatalf("depth %d > %d (theorem %s)", z.Depth, lim, r.Summary.Theorem)
	}
	t.Logf("thm 3.1 depth %d; thm 5.1 at ≤ %d: depth %d, width %d, %s", full.Summary.Sizes.Depth, lim, z.Depth, maxHidden(z), r.Summary.Evaluated)
}

// randomSeparated draws N distinct integer points in [−R, R]^d with labels in [C].
func randomSeparated(t *rapid.T) *cert.Dataset {
	n := rapid.IntRange(1, 40).Draw(t, "n")
	dim := rapid.IntRange(1, 4).Draw(t, "d")
	C := rapid.IntRange(1, 6).Draw(t, "C")
	R := rapid.IntRange(n, 4*n+10).Draw(t, "R")
	seen := map[string]bool{}
	var in [][]*big.Rat
	var lab []int
	for len(in) < n {
		x := make([]*big.Rat, dim)
		key := ""
		for k := range x {
			v := rapid.IntRange(-R, R).Draw(t, "x")
			x[k] = big.NewRat(int64(v), int64(rapid.IntRange(1, 3).Draw(t, "den")))
			key += x[k].RatString() + ","
		}
		if seen[key] {
			continue
		}
		seen[key] = true
		in = append(in, x)
		lab = append(lab, rapid.IntRange(0, C-1).Draw(t, "y"))
	}
	d, err := cert.NewDataset(in, lab, nil, C)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// TestDeepRapid: on random separated data every variant builds, is deterministic and
// is verified by the kernel (both engines).
func TestDeepRapid(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		d := randomSeparated(t)
		variant := rapid.IntRange(0, 4).Draw(t, "variant")
		g := rapid.IntRange(0, 5).Draw(t, "g")
		build := func() (*Result, error) {
			switch variant {
			case 0:
				return Vardi(d, DeepOptions{})
			case 1:
				return Vardi(d, DeepOptions{MaxDepth: 12, GroupSize: g})
			case 2:
				return Park(d, DeepOptions{})
			case 3:
				return Park(d, DeepOptions{NativeStepID: true})
			}
			return Park(d, DeepOptions{Wide: true, W: big.NewRat(3, 4)})
		}
		r, err := build()
		if err != nil {
			t.Fatal(err)
		}
		r2, err := build()
		if err != nil {
			t.Fatal(err)
		}
		var b1, b2 bytes.Buffer
		if err := certio.Encode(&b1, r.Cert); err != nil {
			t.Fatal(err)
		}
		if err := certio.Encode(&b2, r2.Cert); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(b1.Bytes(), b2.Bytes()) {
			t.Fatal("two builds differ")
		}
		for _, eng := range cert.Engines {
			rep, err := cert.Check(r.Cert, cert.Options{Engine: eng, Theorems: theorems.Table})
			if err != nil {
				t.Fatal(err)
			}
			if rep.Status != cert.Verified {
				t.Fatalf("variant %d: %v %+v", variant, rep.Status, rep.First)
			}
		}
	})
}

// TestDeepMutations changes every non-zero weight and bias of small deep networks by
// +1, one at a time. A mutant must be refuted exactly when it no longer does what the
// certificate claims, as the plain reference evaluator (cert.Network.Eval) decides
// independently of the kernel's engines: its output differs from a label, or a unit
// leaves the stated pattern, or a stated size changes. A mutant that still memorises
// the data with the same patterns (a STEP whose margin absorbs the change) is a correct
// network and must be verified; the test reports how many there are.
func TestDeepMutations(t *testing.T) {
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
	for _, tc := range []struct {
		name string
		f    func() (*Result, error)
	}{
		{"vardi", func() (*Result, error) { return Vardi(d, DeepOptions{}) }},
		{"park", func() (*Result, error) { return Park(d, DeepOptions{}) }},
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
			one := big.NewRat(1, 1)
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
						*slot = new(big.Rat).Add(old, one)
						want := referenceHolds(net, d, pats, sz0)
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
			if rejected*10 < total*8 {
				t.Fatalf("only %d of %d mutants change the claimed behaviour", rejected, total)
			}
		})
	}
}

// referenceHolds evaluates the exact and patterns claims with the plain evaluator and
// compares the sizes a mutation can change.
func referenceHolds(net *cert.Network, d *cert.Dataset, pats cert.PatternsClaim, sz0 cert.Sizes) bool {
	sz := net.ComputeSizes()
	if sz.NonzeroWeights != sz0.NonzeroWeights || sz.NonzeroParameters != sz0.NonzeroParameters || sz.MaxBits != sz0.MaxBits {
		return false
	}
	states := net.NewStates()
	for i := 0; i < d.N; i++ {
		out := net.Eval(d.Input(i), states)
		if out[0].Cmp(big.NewRat(int64(d.Labels[i]), 1)) != 0 {
			return false
		}
		k := i
		if pats.Points != nil {
			continue
		}
		for l, s := range pats.Patterns[k] {
			if s != string(states[l]) {
				return false
			}
		}
	}
	return true
}
