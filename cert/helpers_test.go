package cert

import (
	"math/big"
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

// distinctPoints is a regression dataset of the rows, repeats dropped, each with target 0:
// the engines' tests evaluate networks on it and compare outputs, not labels.
func distinctPoints(rows [][]*big.Rat) (*Dataset, error) {
	var inputs, targets [][]*big.Rat
	seen := map[string]bool{}
	for _, x := range rows {
		if !seen[ratKey(x)] {
			seen[ratKey(x)] = true
			inputs = append(inputs, x)
			targets = append(targets, []*big.Rat{new(big.Rat)})
		}
	}
	return NewDataset(inputs, nil, targets, 0)
}
