package certio

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"certify/cert"
	"certify/theorems"
)

// Encoding is deterministic and round-trips: every valid fixture decodes, encodes,
// decodes again to the same bytes, and still verifies.
func TestEncodeRoundTrip(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join("..", "testdata", "certs", "valid", "*.json"))
	if len(files) == 0 {
		t.Fatal("no fixtures")
	}
	for _, path := range files {
		f, err := os.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		c, err := cert.Decode(f, filepath.Dir(path), cert.Limits{DataRoots: []string{filepath.Join("..", "testdata", "certs")}})
		f.Close()
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		var a, b bytes.Buffer
		if err := Encode(&a, c); err != nil {
			t.Fatal(err)
		}
		c2, err := cert.Decode(bytes.NewReader(a.Bytes()), filepath.Dir(path), cert.Limits{DataRoots: []string{filepath.Join("..", "testdata", "certs")}})
		if err != nil {
			t.Fatalf("%s: re-decoding: %v\n%s", path, err, a.String())
		}
		if err := Encode(&b, c2); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(a.Bytes(), b.Bytes()) {
			t.Errorf("%s: encoding is not stable", path)
		}
		rep, err := cert.Check(c2, cert.Options{Theorems: theorems.Table})
		if err != nil || rep.Status != cert.Verified {
			t.Errorf("%s: re-encoded certificate does not verify: %v %v", path, err, rep)
		}
	}
}
