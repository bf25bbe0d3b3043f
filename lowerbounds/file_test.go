package lowerbounds

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"certify/cert"
)

// The user-given family: prefixes of a CSV file.
func TestCapacityFileFamily(t *testing.T) {
	p := filepath.Join(t.TempDir(), "u.csv")
	if err := os.WriteFile(p, []byte("0,0\n1,1\n2,0\n3,1\n4,0\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	r, err := Capacity(context.Background(), cert.Architecture{Hidden: []int{1}}, "file:"+p, CapacityOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if r.LargestFit != 2 || r.SmallestNoFit != 3 {
		t.Errorf("width 1 on the file's prefixes: largest fit %d, smallest no-fit %d; want 2, 3", r.LargestFit, r.SmallestNoFit)
	}
	r, err = Capacity(context.Background(), cert.Architecture{Hidden: []int{8}}, "file:"+p, CapacityOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if r.LargestFit != 5 || r.SmallestNoFit != 0 {
		t.Errorf("width 8: the whole file (5 points) fits; got %d, %d", r.LargestFit, r.SmallestNoFit)
	}
}
