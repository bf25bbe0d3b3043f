package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"certify/internal/corpus"
)

// TestMalformedCorpusCLI runs a sample of the malformed corpus (see cert's
// TestMalformedCorpus for all of it) through the command line: exit 2, a message that
// names a field, no stack trace, nothing on stdout.
func TestMalformedCorpusCLI(t *testing.T) {
	certs := filepath.Join("..", "..", "testdata", "certs")
	files, _ := filepath.Glob(filepath.Join(certs, "valid", "*.json"))
	valid := map[string][]byte{}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		valid[strings.TrimSuffix(filepath.Base(f), ".json")] = b
	}
	cases := corpus.Generate(valid)
	if len(cases) < 200 {
		t.Fatalf("only %d cases", len(cases))
	}
	dir := t.TempDir()
	n := 0
	for i := 0; i < len(cases); i += 17 {
		c := cases[i]
		p := filepath.Join(dir, "c.json")
		if err := os.WriteFile(p, c.Data, 0o644); err != nil {
			t.Fatal(err)
		}
		var out, errb bytes.Buffer
		code := run([]string{"check", "--data-root", certs, p}, &streams{out: &out, err: &errb})
		switch {
		case code != exitMalformed:
			t.Errorf("%s: exit %d, want 2 (stderr %q)", c.Name, code, errb.String())
		case strings.Contains(errb.String(), "panic:") || strings.Contains(errb.String(), "goroutine "):
			t.Errorf("%s: a stack trace: %s", c.Name, errb.String())
		case out.Len() != 0:
			t.Errorf("%s: stdout %q", c.Name, out.String())
		case !strings.Contains(errb.String(), p+": "):
			t.Errorf("%s: stderr %q does not name the file and a field", c.Name, errb.String())
		}
		n++
	}
	t.Logf("%d of %d cases through the CLI", n, len(cases))
}
