package cert

import (
	"bytes"
	"compress/gzip"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// The limits are checked while the input is read, and each names what it bounds.
func TestLimits(t *testing.T) {
	xor, err := os.ReadFile(filepath.Join("..", "testdata", "certs", "valid", "xor_index.json"))
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		lim  Limits
		want string
	}{
		{Limits{MaxParams: 5}, "network.layers[0].biases[1]: more than 5 network parameters (weights and biases) (limit)"},
		{Limits{MaxPoints: 3}, "dataset.inputs[3]: more than 3 inline points (limit)"},
		{Limits{MaxFileBytes: 100}, "the input is larger than the limit of 100 bytes"},
		{Limits{MaxParams: 9}, ""},
	} {
		_, err := Decode(bytes.NewReader(xor), ".", c.lim)
		switch {
		case c.want == "" && err != nil:
			t.Errorf("%+v: %v", c.lim, err)
		case c.want != "" && (err == nil || !strings.Contains(err.Error(), c.want)):
			t.Errorf("%+v: got %v, want %q", c.lim, err, c.want)
		}
	}
}

// A gzip file that decompresses past the limit is refused as it is decompressed, and an
// IDX header that promises more pixels than the limit before any is read.
func TestDecompressionBounds(t *testing.T) {
	dir := t.TempDir()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	row := []byte(strings.Repeat("0,", 500) + "0\n")
	for i := 0; i < 4000; i++ {
		zw.Write(row)
	}
	zw.Close()
	p := filepath.Join(dir, "bomb.csv.gz")
	if err := os.WriteFile(p, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := Load(Source{Format: "csv", Path: p}, Limits{MaxFileBytes: 1 << 20})
	if err == nil || !strings.Contains(err.Error(), "decompresses to more than the limit of 1048576 bytes") {
		t.Fatalf("csv bomb: %v", err)
	}
	buf.Reset()
	zw = gzip.NewWriter(&buf)
	zw.Write([]byte{0, 0, 8, 3, 0, 0x10, 0, 0, 0, 0, 0, 28, 0, 0, 0, 28})
	zw.Close()
	img := filepath.Join(dir, "i.gz")
	os.WriteFile(img, buf.Bytes(), 0o644)
	lab := filepath.Join(dir, "l")
	os.WriteFile(lab, []byte{0, 0, 8, 1, 0, 0x10, 0, 0}, 0o644)
	_, err = Load(Source{Format: "idx", Images: img, LabelsPath: lab}, Limits{MaxFileBytes: 1 << 20})
	if err == nil || !strings.Contains(err.Error(), "the header says 1048576 images of 784 bytes") {
		t.Fatalf("idx header: %v", err)
	}
}

// smallInt, the CSV reader's fast path, reads exactly what ParseRat reads as an integer.
func FuzzSmallInt(f *testing.F) {
	for _, s := range []string{"0", "-0", "007", "-", "", "123456789012345678", "1234567890123456789", "+1", "1.0", "-12"} {
		f.Add(s, 5)
	}
	f.Fuzz(func(t *testing.T, s string, maxDigits int) {
		maxDigits = 1 + (maxDigits&0x7fff)%40
		v, ok := smallInt(s, maxDigits)
		if !ok {
			return
		}
		r, err := ParseRat(s, maxDigits)
		if err != nil || !r.IsInt() || !r.Num().IsInt64() || r.Num().Int64() != v {
			t.Fatalf("%q: smallInt %d, ParseRat %v %v", s, v, r, err)
		}
	})
}

// DropConflicts keeps the first copy of a repeated input and derives the classes from the
// labels kept.
func TestDropConflicts(t *testing.T) {
	p := filepath.Join(t.TempDir(), "c.csv")
	os.WriteFile(p, []byte("0,0\n1,0\n0,2\n2,1\n1,1\n"), 0o644)
	l, err := Load(Source{Format: "csv", Path: p, DropConflicts: true}, Limits{})
	if err != nil {
		t.Fatal(err)
	}
	if d := l.Data; d.N != 3 || d.Classes != 2 || len(l.Dropped) != 2 || l.Dropped[0] != 2 || l.Dropped[1] != 4 || d.Labels[2] != 1 {
		t.Fatalf("got N=%d classes=%d dropped=%v labels=%v", d.N, d.Classes, l.Dropped, d.Labels)
	}
	if _, err := Load(Source{Format: "csv", Path: p}, Limits{}); err == nil {
		t.Fatal("conflicts accepted without DropConflicts")
	}
}

// A certificate may be stored gzip-compressed: it is recognised by its magic bytes and
// decompressed within MaxFileBytes, so a bomb is refused as soon as it passes the limit
// and a truncated or corrupt stream is refused rather than read as far as it goes.
func TestGzipCertificate(t *testing.T) {
	open := func(name string) *os.File {
		f, err := os.Open(filepath.Join("..", "testdata", "certs", "gzip", name))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { f.Close() })
		return f
	}
	c, err := Decode(open("xor_index.json.gz"), ".", Limits{})
	if err != nil {
		t.Fatal(err)
	}
	if rep, err := Check(c, Options{}); err != nil || rep.Status != Verified {
		t.Fatalf("xor_index.json.gz: %v %v, want verified", rep, err)
	}
	for _, tc := range []struct {
		name string
		lim  Limits
		want string
	}{
		{"whitespace_bomb.json.gz", Limits{MaxFileBytes: 1 << 20}, "the certificate: decompresses to more than the limit of 1048576 bytes"},
		{"truncated.json.gz", Limits{}, "the certificate: corrupt or truncated gzip"},
	} {
		start := time.Now()
		_, err := Decode(open(tc.name), ".", tc.lim)
		var me *MalformedError
		if !errors.As(err, &me) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want a malformed-input error containing %q", tc.name, err, tc.want)
		}
		if el := time.Since(start); el > 5*time.Second {
			t.Errorf("%s: refused after %v", tc.name, el)
		}
	}
}
