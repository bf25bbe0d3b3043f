package cert

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// fixtureLimits lets the fixtures read their data files in testdata/certs/data by the
// relative path "data/…" (found under the root testdata/certs, as with --data-root).
var fixtureLimits = Limits{DataRoots: []string{filepath.Join("..", "testdata", "certs")}}

// A data file whose SHA-256 does not match is never parsed, so no error shows its content.
func TestHashMismatchShowsNoContent(t *testing.T) {
	dir := t.TempDir()
	secret := "TOP-SECRET-LINE,not,numbers\n"
	if err := os.WriteFile(filepath.Join(dir, "s.csv"), []byte(secret), 0o644); err != nil {
		t.Fatal(err)
	}
	in := `{"format":"certify/v1","network":{"input_dim":1,"layers":[{"activation":"identity","weights":[["1"]],"biases":["0"]}]},` +
		`"dataset":{"source":{"format":"csv","path":"s.csv","sha256":"` + strings.Repeat("0", 64) + `"}},"claims":[{"kind":"exact"}]}`
	_, err := Decode(strings.NewReader(in), dir, Limits{})
	if err == nil || strings.Contains(err.Error(), "SECRET") || !strings.Contains(err.Error(), "dataset.source.sha256") {
		t.Fatalf("got %v", err)
	}
}

// Relative paths are looked up in the certificate's folder, then in each data root; an
// absolute path only inside one of them.
func TestDataRoots(t *testing.T) {
	certDir, root := t.TempDir(), t.TempDir()
	data := []byte("0,0\n1,1\n")
	if err := os.WriteFile(filepath.Join(root, "d.csv"), data, 0o644); err != nil {
		t.Fatal(err)
	}
	sum, _ := FileSHA256(filepath.Join(root, "d.csv"))
	for _, c := range []struct {
		path  string
		roots []string
		want  string // "" for success
	}{
		{"d.csv", nil, "no such file"},
		{"d.csv", []string{root}, ""},
		{filepath.ToSlash(filepath.Join(root, "d.csv")), nil, "lies outside"},
		{filepath.ToSlash(filepath.Join(root, "d.csv")), []string{root}, ""},
		{"../" + filepath.Base(root) + "/d.csv", []string{root}, ""}, // lands in the root again
		{"../../../../../../etc/passwd", []string{root}, "leads outside"},
	} {
		in := `{"format":"certify/v1","network":{"input_dim":1,"layers":[{"activation":"identity","weights":[["1"]],"biases":["0"]}]},` +
			`"dataset":{"source":{"format":"csv","path":"` + c.path + `","sha256":"` + sum + `"}},"claims":[{"kind":"exact"}]}`
		_, err := Decode(strings.NewReader(in), certDir, Limits{DataRoots: c.roots})
		switch {
		case c.want == "" && err != nil:
			t.Errorf("%s %v: %v", c.path, c.roots, err)
		case c.want != "" && (err == nil || !strings.Contains(err.Error(), c.want)):
			t.Errorf("%s %v: got %v, want %q", c.path, c.roots, err, c.want)
		}
	}
}
