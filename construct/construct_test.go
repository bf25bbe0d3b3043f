package construct

import (
	"bytes"
	"errors"
	"fmt"
	"math/big"
	"path/filepath"
	"testing"

	"certify/cert"
	"certify/certio"
	"certify/theorems"

	"pgregory.net/rapid"
)

func loadData(t testing.TB, name string, limit int) *cert.Dataset {
	t.Helper()
	skip := 0
	if name == "iris.csv" {
		skip = 1 // scikit-learn's "150,4,setosa,…" header
	}
	d, _, err := cert.LoadSource(cert.Source{Format: "csv", Path: filepath.Join("..", "testdata", "data", name),
		SkipRows: skip, Limit: limit}, cert.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// tb is what the helpers need from *testing.T, *testing.B and *rapid.T.
type tb interface {
	Helper()
	Fatal(args ...any)
	Fatalf(format string, args ...any)
}

func encode(t tb, c *cert.Certificate) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := certio.Encode(&buf, c); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// checkBytes decodes a certificate as a user's file and runs the kernel on it.
func checkBytes(t tb, raw []byte) *cert.Report {
	t.Helper()
	c, err := cert.Decode(bytes.NewReader(raw), ".", cert.Limits{})
	if err != nil {
		t.Fatalf("decode: %v", err)
	}
	rep, err := cert.Check(c, cert.Options{Theorems: theorems.Table})
	if err != nil {
		t.Fatalf("check: %v", err)
	}
	return rep
}

type method struct {
	name  string
	build func(d *cert.Dataset, o Options) (*Result, error)
}

var methods = []method{
	{"zhang", Zhang},
	{"yun", Yun},
	{"yun-hardtanh", func(d *cert.Dataset, o Options) (*Result, error) { o.Activation = "hardtanh"; return Yun(d, o) }},
	{"yun-classify", YunClassify},
	{"zigzag", Zigzag},
	{"bubeck", Bubeck},
	// digits has constant pixels: outside Thm 4.1's hypothesis, which the claim says.
	{"yun-resnet", func(d *cert.Dataset, o Options) (*Result, error) { o.OutsideHypothesis = true; return YunResNet(d, o) }},
	{"yun-resnet-hardtanh", func(d *cert.Dataset, o Options) (*Result, error) {
		o.OutsideHypothesis, o.Activation = true, "hardtanh"
		return YunResNet(d, o)
	}},
}

// Every method builds a certificate that the kernel verifies on the real datasets, with
// a theorem claim whose hypothesis the kernel evaluates; building twice gives the same
// bytes.
func TestRealData(t *testing.T) {
	sets := []struct {
		name  string
		limit int
	}{{"iris.csv", 0}, {"digits.csv.gz", 0}}
	for _, ds := range sets {
		d := loadData(t, ds.name, ds.limit)
		for _, m := range methods {
			t.Run(ds.name+"/"+m.name, func(t *testing.T) {
				if testing.Short() && ds.name == "digits.csv.gz" && m.name == "bubeck" {
					t.Skip("slow")
				}
				r, err := m.build(d, Options{})
				if err != nil {
					t.Fatal(err)
				}
				raw := encode(t, r.Cert)
				rep := checkBytes(t, raw)
				if rep.Status != cert.Verified {
					t.Fatalf("kernel: %s: %v", rep.Status, rep.First)
				}
				kinds := map[string]bool{}
				for _, c := range rep.Claims {
					kinds[c.Kind] = true
				}
				for _, k := range []string{"exact", "sizes", "theorem"} {
					if !kinds[k] {
						t.Errorf("no %s claim", k)
					}
				}
				s := r.Summary
				t.Logf("%s: widths %v, %d params, %d non-zero weights, max bits %d (data %d); %s; engine %s",
					m.name, s.Widths, s.Sizes.Parameters, s.Sizes.NonzeroWeights, s.Sizes.MaxBits, s.DataMaxBits, s.Evaluated, rep.Engine)
				r2, err := m.build(d, Options{})
				if err != nil {
					t.Fatal(err)
				}
				if !bytes.Equal(raw, encode(t, r2.Cert)) {
					t.Error("two builds gave different certificates")
				}
			})
		}
	}
}

func TestSawtooth(t *testing.T) {
	for _, L := range []int{1, 2, 5, 12} {
		r, err := Sawtooth(Options{Depth: L})
		if err != nil {
			t.Fatal(err)
		}
		rep := checkBytes(t, encode(t, r.Cert))
		if rep.Status != cert.Verified {
			t.Fatalf("L=%d: %v", L, rep.First)
		}
		if !r.Summary.HypothesisHolds || !r.Summary.WithinPromise || r.Summary.Sizes.MaxBits != 4 {
			t.Errorf("L=%d: summary %+v", L, r.Summary)
		}
	}
	if _, err := Sawtooth(Options{Depth: 0}); err == nil {
		t.Error("depth 0 accepted")
	}
}

// With the theorem's hypothesis met, the construction always fits: Thm 3.1 (ReLU and
// hard-tanh) and Prop 3.2 at the smallest widths the hypothesis allows.
func TestWidthsAtTheHypothesis(t *testing.T) {
	d := loadData(t, "digits.csv.gz", 600)
	n := d.N - len(d.Duplicates)
	// 4⌊d1/4⌋⌊d2/4⌋ ≥ N with d1 = d2.
	a := 1
	for 4*a*a < n {
		a++
	}
	for _, tc := range []struct {
		name string
		f    func() (*Result, error)
	}{
		{"yun", func() (*Result, error) { return Yun(d, Options{Widths: []int{4 * a, 4 * a}}) }},
		{"yun-hardtanh", func() (*Result, error) {
			b := 1
			for 4*b*b < n {
				b++
			}
			return Yun(d, Options{Widths: []int{2 * b, 2 * b}, Activation: "hardtanh"})
		}},
		{"yun-classify", func() (*Result, error) { return YunClassify(d, Options{Widths: []int{4 * a, 4 * a, 4 * d.Classes}}) }},
		{"zigzag", func() (*Result, error) { return Zigzag(d, Options{Widths: []int{4 * a, 4 * a}}) }},
	} {
		r, err := tc.f()
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if !r.Summary.HypothesisHolds || r.Summary.ExceedsTheorem {
			t.Errorf("%s: hypothesis should hold: %s", tc.name, r.Summary.Evaluated)
		}
		if rep := checkBytes(t, encode(t, r.Cert)); rep.Status != cert.Verified {
			t.Fatalf("%s: %v", tc.name, rep.First)
		}
	}
}

// Widths that neither meet the hypothesis nor fit give a *FitError naming the hypothesis.
func TestWidthsTooSmall(t *testing.T) {
	d := loadData(t, "digits.csv.gz", 300)
	for _, f := range []func() (*Result, error){
		func() (*Result, error) { return Zhang(d, Options{Widths: []int{10}}) },
		func() (*Result, error) { return Yun(d, Options{Widths: []int{3, 4}}) },
		func() (*Result, error) { return Yun(d, Options{Widths: []int{3, 4}, Activation: "hardtanh"}) },
		func() (*Result, error) { return YunClassify(d, Options{Widths: []int{3, 4, 9}}) },
		func() (*Result, error) { return YunClassify(d, Options{Widths: []int{40, 40, 2}}) },
		func() (*Result, error) { return Zigzag(d, Options{Widths: []int{3, 4}}) },
	} {
		_, err := f()
		var fe *FitError
		if !errors.As(err, &fe) {
			t.Fatalf("want a FitError, got %v", err)
		}
		if fe.HypothesisHolds || fe.Evaluated == "" {
			t.Errorf("FitError without a failed hypothesis: %v", fe)
		}
	}
}

// genData draws a dataset with distinct rational inputs: classification (1..4 classes)
// or regression (1..2 target coordinates).
func genData(t *rapid.T) *cert.Dataset {
	n := rapid.IntRange(1, 24).Draw(t, "n")
	dim := rapid.IntRange(1, 4).Draw(t, "d")
	dens := []int64{1, 1, 2, 3, 5, 7}
	regression := rapid.Bool().Draw(t, "regression")
	classes := rapid.IntRange(1, 4).Draw(t, "classes")
	dy := rapid.IntRange(1, 2).Draw(t, "dy")
	var inputs, targets [][]*big.Rat
	var labels []int
	seen := map[string]bool{}
	for i := 0; i < n; i++ {
		x := make([]*big.Rat, dim)
		key := ""
		for k := range x {
			x[k] = big.NewRat(rapid.Int64Range(-9, 9).Draw(t, "num"), rapid.SampledFrom(dens).Draw(t, "den"))
			key += x[k].RatString() + ","
		}
		if seen[key] {
			continue
		}
		seen[key] = true
		inputs = append(inputs, x)
		if regression {
			y := make([]*big.Rat, dy)
			for k := range y {
				y[k] = big.NewRat(rapid.Int64Range(-5, 5).Draw(t, "ynum"), rapid.SampledFrom(dens).Draw(t, "yden"))
			}
			targets = append(targets, y)
		} else {
			labels = append(labels, rapid.IntRange(0, classes-1).Draw(t, "label"))
		}
	}
	if regression {
		labels = nil
	} else {
		targets = nil
	}
	d, err := cert.NewDataset(inputs, labels, targets, classesIf(!regression, classes))
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func classesIf(ok bool, c int) int {
	if ok {
		return c
	}
	return 0
}

// widthsMeeting draws (d1, d2) with 4⌊d1/q⌋⌊d2/(q·dy)⌋ ≥ n: the hypothesis of Thm 3.1
// (q = 4 ReLU, q = 2 hard-tanh, in the hard-tanh form 4⌊d1/2⌋⌊d2/(2dy)⌋).
func widthsMeeting(t *rapid.T, n, dy, q int) []int {
	a := rapid.IntRange(1, n).Draw(t, "a")
	b := (n + 4*a - 1) / (4 * a)
	return []int{q*a + rapid.IntRange(0, q-1).Draw(t, "r1"), q*dy*b + rapid.IntRange(0, q*dy-1).Draw(t, "r2")}
}

// Random datasets, random widths meeting each theorem's hypothesis: every certificate
// verifies, and its theorem claim says the hypothesis holds.
func TestRandomDataProperty(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		d := genData(t)
		n := d.N - len(d.Duplicates)
		which := rapid.SampledFrom([]string{"zhang", "yun", "yun-hardtanh", "yun-classify", "zigzag", "bubeck"}).Draw(t, "method")
		var r *Result
		var err error
		wantHolds := true
		switch which {
		case "zhang":
			r, err = Zhang(d, Options{Widths: []int{n + rapid.IntRange(0, 2).Draw(t, "extra")}})
		case "yun":
			r, err = Yun(d, Options{Widths: widthsMeeting(t, n, d.LabelDim, 4)})
		case "yun-hardtanh":
			r, err = Yun(d, Options{Widths: widthsMeeting(t, n, d.LabelDim, 2), Activation: "hardtanh"})
		case "yun-classify":
			if d.Task != cert.Classification {
				t.Skip("regression")
			}
			w := widthsMeeting(t, n, 1, 4)
			r, err = YunClassify(d, Options{Widths: append(w, 4*d.Classes+rapid.IntRange(0, 3).Draw(t, "r3"))})
		case "zigzag":
			r, err = Zigzag(d, Options{Widths: widthsMeeting(t, n, d.LabelDim, 4)})
		case "bubeck":
			r, err = Bubeck(d, Options{})
			wantHolds = false // no widths asked: the construction's own
		}
		if err != nil {
			t.Fatalf("%s: %v", which, err)
		}
		if wantHolds && !r.Summary.HypothesisHolds {
			t.Fatalf("%s: hypothesis should hold: %s", which, r.Summary.Evaluated)
		}
		rep := checkBytes(t, encode(t, r.Cert))
		if rep.Status != cert.Verified {
			t.Fatalf("%s: %s: %v", which, rep.Status, rep.First)
		}
	})
}

// Mutation: change one weight of a built network. The kernel must refute the
// certificate whenever the reference evaluation (Network.Eval) shows a wrong output, and
// an output weight of a unit that is active on some point always does.
func TestMutationProperty(t *testing.T) {
	iris := loadData(t, "iris.csv", 0)
	digits := loadData(t, "digits.csv.gz", 200)
	built := map[string]*Result{}
	for _, m := range methods {
		for name, d := range map[string]*cert.Dataset{"iris": iris, "digits": digits} {
			r, err := m.build(d, Options{PatternsBudget: -1})
			if err != nil {
				t.Fatal(err)
			}
			built[m.name+"/"+name] = r
		}
	}
	saw, err := Sawtooth(Options{Depth: 4})
	if err != nil {
		t.Fatal(err)
	}
	built["sawtooth"] = saw
	keys := make([]string, 0, len(built))
	for k := range built {
		keys = append(keys, k)
	}
	sortStrings(keys)
	refuted := 0
	rapid.Check(t, func(t *rapid.T) {
		key := rapid.SampledFrom(keys).Draw(t, "cert")
		raw := encode(t, built[key].Cert)
		c, err := cert.Decode(bytes.NewReader(raw), ".", cert.Limits{})
		if err != nil {
			t.Fatal(err)
		}
		n := c.Network
		outputOnly := rapid.Bool().Draw(t, "output-layer")
		li := len(n.Layers) - 1
		if !outputOnly {
			li = rapid.IntRange(0, len(n.Layers)-1).Draw(t, "layer")
		}
		l := &n.Layers[li]
		j := rapid.IntRange(0, len(l.W)-1).Draw(t, "unit")
		k := rapid.IntRange(0, len(l.W[j])-1).Draw(t, "input")
		delta := rapid.SampledFrom([]int64{1, -1, 3}).Draw(t, "delta")
		l.W[j][k] = new(big.Rat).Add(l.W[j][k], big.NewRat(delta, 1))
		// Reference: does the mutated network still fit every point?
		wrong := -1
		states := n.NewStates()
		activeK := false
		for i := 0; i < c.Data.N && wrong < 0; i++ {
			x := c.Data.Input(i)
			out := n.Eval(x, states)
			want := c.Data.TargetVector(i, n.OutputDim())
			for q := range out {
				if out[q].Cmp(want[q]) != 0 {
					wrong = i
				}
			}
			if li == len(n.Layers)-1 && li > 0 {
				// Is input k of the output layer non-zero here?
				if a := activation(n, x, li-1)[k]; a.Sign() != 0 {
					activeK = true
				}
			}
		}
		rep, err := cert.Check(c, cert.Options{Theorems: theorems.Table})
		if err != nil {
			t.Fatal(err)
		}
		if wrong >= 0 && rep.Status != cert.Refuted {
			t.Fatalf("%s: layer %d weight [%d][%d] %+d makes point %d wrong, but the kernel says %s", key, li, j, k, delta, wrong, rep.Status)
		}
		if activeK && rep.Status != cert.Refuted {
			t.Fatalf("%s: output weight [%d][%d] of an active unit changed, kernel says %s", key, j, k, rep.Status)
		}
		if rep.Status == cert.Refuted {
			refuted++
		}
	})
	if refuted == 0 {
		t.Error("no mutation was refuted")
	}
}

// activation is the output of hidden layer l at x.
func activation(n *cert.Network, x []*big.Rat, l int) []*big.Rat {
	sub := &cert.Network{InputDim: n.InputDim, Layers: n.Layers[:l+1]}
	return sub.Eval(x, nil)
}

func sortStrings(s []string) {
	for i := 1; i < len(s); i++ {
		for j := i; j > 0 && s[j] < s[j-1]; j-- {
			s[j], s[j-1] = s[j-1], s[j]
		}
	}
}

// A certificate whose theorem claim is tampered with is refuted with the theorem codes.
func TestTheoremClaimTampering(t *testing.T) {
	d := loadData(t, "iris.csv", 0)
	r, err := Yun(d, Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		edit func(tc *cert.TheoremClaim)
		code cert.Code
	}{
		{func(tc *cert.TheoremClaim) { tc.HypothesisHolds = !tc.HypothesisHolds }, cert.CodeTheoremHypothesis},
		{func(tc *cert.TheoremClaim) { tc.ExceedsTheorem = !tc.ExceedsTheorem }, cert.CodeTheoremHypothesis},
		{func(tc *cert.TheoremClaim) { tc.Instance.N++ }, cert.CodeTheoremHypothesis},
		{func(tc *cert.TheoremClaim) { v := *tc.Promised.HiddenUnits - 1; tc.Promised.HiddenUnits = &v }, cert.CodeTheoremPromise},
		{func(tc *cert.TheoremClaim) { v := *tc.Built.MaxBits + 1; tc.Built.MaxBits = &v }, cert.CodeSizeMismatch},
		{func(tc *cert.TheoremClaim) { tc.WithinPromise = !tc.WithinPromise }, cert.CodeTheoremBound},
	} {
		c := *r.Cert
		c.Claims = append([]cert.Claim(nil), c.Claims...)
		for i, cl := range c.Claims {
			if tcl, ok := cl.(cert.TheoremClaim); ok {
				tc.edit(&tcl)
				c.Claims[i] = tcl
			}
		}
		rep := checkBytes(t, encode(t, &c))
		if rep.Status != cert.Refuted || rep.First.Code != tc.code {
			t.Errorf("want refuted %s, got %s %v", tc.code, rep.Status, rep.First)
		}
	}
}

func ExampleYunClassify() {
	var inputs [][]*big.Rat
	var labels []int
	for i := 0; i < 12; i++ {
		inputs = append(inputs, []*big.Rat{big.NewRat(int64(i), 1), big.NewRat(int64(i*i%7), 1)})
		labels = append(labels, i%3)
	}
	d, _ := cert.NewDataset(inputs, labels, nil, 3)
	r, err := YunClassify(d, Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	var buf bytes.Buffer
	certio.Encode(&buf, r.Cert)
	c, _ := cert.Decode(&buf, ".", cert.Limits{})
	rep, _ := cert.Check(c, cert.Options{Theorems: theorems.Table})
	fmt.Println(rep.Status, r.Summary.Widths)
	// Output: verified [7 4 2]
}
