package cert

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// TestDocListsFiles: doc.go lists every non-test file of the package with its line
// count, within a few lines.
func TestDocListsFiles(t *testing.T) {
	const slack = 10
	doc, err := os.ReadFile("doc.go")
	if err != nil {
		t.Fatal(err)
	}
	re := regexp.MustCompile(`(?m)^//\t([a-z0-9_]+\.go) +([0-9]+) `)
	listed := map[string]int{}
	for _, m := range re.FindAllSubmatch(doc, -1) {
		n, _ := strconv.Atoi(string(m[2]))
		listed[string(m[1])] = n
	}
	files, _ := filepath.Glob("*.go")
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		got := bytes.Count(raw, []byte("\n"))
		want, ok := listed[f]
		switch {
		case !ok:
			t.Errorf("%s (%d lines) is not listed in doc.go", f, got)
		case got < want-slack || got > want+slack:
			t.Errorf("%s has %d lines; doc.go says %d", f, got, want)
		}
		delete(listed, f)
	}
	for f := range listed {
		t.Errorf("doc.go lists %s, which is not a file of the package", f)
	}
	// The stated size of the core.
	m := regexp.MustCompile(`The core \(([0-9]+) lines\)`).FindSubmatch(doc)
	if m == nil {
		t.Fatal("doc.go states no size of the core")
	}
	want, _ := strconv.Atoi(string(m[1]))
	got := 0
	for _, f := range []string{"doc.go", "verdict.go", "codes.go", "claims.go", "num.go", "network.go", "eval.go", "dataset.go", "format.go", "validate.go", "check.go"} {
		raw, _ := os.ReadFile(f)
		got += bytes.Count(raw, []byte("\n"))
	}
	if got < want-3*slack || got > want+3*slack {
		t.Errorf("the core has %d lines; doc.go says %d", got, want)
	}
}
