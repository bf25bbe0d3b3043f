package cert

import (
	"bytes"
	"compress/gzip"
	"math/big"
	"os"
	"path/filepath"
	"testing"

	"certify/internal/corpus"
)

// The decoders never panic or hang, whatever the input; anything they accept checks
// without error. Seeds: every fixture. Run longer with
//
//	go test ./cert -fuzz FuzzDecode -fuzztime 60s
//
// New interesting inputs are kept in testdata/fuzz/FuzzDecode.
func FuzzDecode(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("..", "testdata", "certs", "*", "*.json"))
	for _, p := range files {
		if b, err := os.ReadFile(p); err == nil {
			f.Add(b)
		}
	}
	// The malformed corpus: near misses of every valid fixture.
	for i, c := range corpus.Generate(validFixtures(f)) {
		if i%5 == 0 {
			f.Add(c.Data)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := Decode(bytes.NewReader(data), t.TempDir(), Limits{MaxDigits: 200, MaxPoints: 1000, MaxParams: 10000})
		if err != nil {
			return
		}
		if _, err := Check(c, Options{Workers: 1}); err != nil {
			t.Fatalf("decoded certificate failed to check: %v", err)
		}
	})
}

func FuzzParseRat(f *testing.F) {
	for _, s := range []string{"0", "-3", "7/12", "0.125", "1e5", "NaN", "1/0", "-.5", "00.00"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		r, err := ParseRat(s, 50)
		if err != nil {
			return
		}
		back, err := ParseRat(r.RatString(), 200)
		if err != nil || back.Cmp(r) != 0 {
			t.Fatalf("%q → %s does not round-trip: %v", s, r.RatString(), err)
		}
	})
}

func FuzzCSV(f *testing.F) {
	f.Add([]byte("1,2,0\n3,4,1\n"), false, false)
	f.Add([]byte("0.5,1/3,-2\n"), true, false)
	f.Add([]byte("150,4,a,b\n5.1,3.5,0\n5.1,3.5,1\n"), false, true)
	f.Fuzz(func(t *testing.T, data []byte, regression, loose bool) {
		src := Source{Format: "csv", Task: Classification, DetectHeader: loose, DropConflicts: loose}
		if regression {
			src.Task = Regression
		}
		out := &Loaded{}
		b, labels, targets, err := parseCSV(bytes.NewReader(data), src, Limits{MaxDigits: 100, MaxPoints: 1000}.withDefaults(), out)
		if err != nil {
			return
		}
		if regression && targets == nil {
			targets = [][]*big.Rat{}
		}
		if ds, _, err := b.finish(labels, targets, 0, loose); err == nil && loose && len(ds.Labels) != ds.N && !regression {
			t.Fatalf("labels and points disagree after dropping conflicts")
		}
	})
}

func FuzzIDX(f *testing.F) {
	img := []byte{0, 0, 8, 3, 0, 0, 0, 2, 0, 0, 0, 1, 0, 0, 0, 2, 1, 2, 3, 4}
	lab := []byte{0, 0, 8, 1, 0, 0, 0, 2, 0, 1}
	f.Add(img, lab)
	f.Fuzz(func(t *testing.T, img, lab []byte) {
		_, _, _ = parseIDX(bytes.NewReader(img), bytes.NewReader(lab), Source{Format: "idx"}, Limits{MaxPoints: 1000, MaxFileBytes: 1 << 20}.withDefaults())
	})
}

func FuzzGzipFile(f *testing.F) {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write([]byte("1,2,0\n"))
	zw.Close()
	f.Add(buf.Bytes())
	f.Fuzz(func(t *testing.T, data []byte) {
		p := filepath.Join(t.TempDir(), "d.csv")
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		_, _, _ = LoadSource(Source{Format: "csv", Path: p}, Limits{MaxFileBytes: 1 << 20, MaxPoints: 1000})
	})
}

func FuzzDecodeNetwork(f *testing.F) {
	f.Add([]byte(`{"input_dim":1,"layers":[{"activation":"relu","weights":[["1"]],"biases":["0"]}]}`))
	f.Add([]byte(`{"format":"certify/v1","network":{"input_dim":2,"layers":[{"activations":["relu","step"],"weights":[["1","1/2"],["0.5","-1"]],"biases":["0","1"]}]}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		n, err := DecodeNetwork(bytes.NewReader(data), Limits{MaxDigits: 100, MaxParams: 10000})
		if err != nil {
			return
		}
		if err := n.validate(); err != nil {
			t.Fatalf("decoded network is out of shape: %v", err)
		}
		_ = n.ComputeSizes()
	})
}

func FuzzParseActivation(f *testing.F) {
	for _, s := range []string{"relu", "identity", "leaky-relu:1/10", "hard-tanh", "step", "leaky-relu:", "leaky-relu:1e3"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		a, err := ParseActivation(s, 50)
		if err != nil {
			return
		}
		back, err := ParseActivation(a.String(), 200)
		if err != nil || back.String() != a.String() {
			t.Fatalf("%q → %q does not round-trip: %v", s, a.String(), err)
		}
	})
}

// FuzzResolveData: whatever path a certificate names, a file found lies inside the
// certificate's folder or a data root, with links resolved.
func FuzzResolveData(f *testing.F) {
	for _, s := range []string{"data/xor.csv", "../data/xor.csv", "/etc/passwd", "data/passwd-link", "valid/../data/xor.csv", "./data//xor.csv", "data/../../certs/data/xor.csv"} {
		f.Add(s)
	}
	dir := filepath.Join("..", "testdata", "certs", "valid")
	roots := []string{filepath.Join("..", "testdata", "certs")}
	f.Fuzz(func(t *testing.T, p string) {
		got, err := resolveData(p, dir, roots)
		if err != nil {
			return
		}
		if !inside(got, dir, true) && !inside(got, roots[0], true) {
			t.Fatalf("%q resolved to %q, outside every allowed folder", p, got)
		}
	})
}
