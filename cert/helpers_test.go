package cert

import (
	"os"
	"path/filepath"
	"testing"
)

func loadCSVString(t *testing.T, content string, task Task) (*Dataset, error) {
	t.Helper()
	p := filepath.Join(t.TempDir(), "d.csv")
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	ds, _, err := LoadSource(Source{Format: "csv", Path: p, Task: task}, Limits{})
	return ds, err
}
