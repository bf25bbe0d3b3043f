package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"certify/cert"
)

// Bad data files are errors naming the problem, never panics.
func TestDataFilesRefusals(t *testing.T) {
	dir := t.TempDir()
	cases := []struct {
		name, content, format, task, want string
	}{
		{"empty.svm", "", "libsvm", "classification", "no features"},
		{"huge.svm", "1 16777217:1\n", "libsvm", "classification", "beyond 2^24"},
		{"zero.svm", "1 0:1\n", "libsvm", "classification", "index ≥ 1"},
		{"noval.svm", "1 3\n", "libsvm", "classification", "not index:value"},
		{"badval.svm", "1 1:1e5\n", "libsvm", "classification", "index 1"},
		{"badtarget.svm", "x 1:1\n", "libsvm", "regression", "target"},
		{"conflict.svm", "1 1:1\n2 1:1\n", "libsvm", "classification", "conflict"},
		{"trunc.npz", "PK\x03\x04garbage", "npz", "classification", "npz"},
		{"trunc.npy", "\x93NUMPY\x01\x00", "npy", "classification", "labels"},
	}
	for _, c := range cases {
		p := filepath.Join(dir, c.name)
		if err := os.WriteFile(p, []byte(c.content), 0o644); err != nil {
			t.Fatal(err)
		}
		d := &dataFlags{path: p, format: c.format, task: c.task, skipRows: -1}
		_, _, err := loadInline(d, cert.Limits{MaxDigits: 100})
		if err == nil || !strings.Contains(strings.ToLower(err.Error()), strings.ToLower(c.want)) {
			t.Errorf("%s: got %v, want an error mentioning %q", c.name, err, c.want)
		}
	}
}

func TestInlineKindSniff(t *testing.T) {
	dir := t.TempDir()
	for name, c := range map[string]struct{ content, want string }{
		"a.svm":  {"# comment\n-1\n+1 1:0.5 3:2\n", "libsvm"},
		"a.csv":  {"0,1,2\n", ""},
		"a.npy":  {"\x93NUMPY\x01\x00", "npy"},
		"a.npz":  {"PK\x03\x04", "npz"},
		"a.gz":   {"\x1f\x8b\x08\x00", ""},
		"a.bin":  {"x 1:2\x00", ""},
		"a.text": {"hello world\n", ""},
	} {
		p := filepath.Join(dir, name)
		os.WriteFile(p, []byte(c.content), 0o644)
		if got := (&dataFlags{path: p}).inlineKind(); got != c.want {
			t.Errorf("%s: inlineKind %q, want %q", name, got, c.want)
		}
	}
}
