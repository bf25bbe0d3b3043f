package cert

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// TestFarkasBranchOnRefused mutates the first split of the adaptive fixture: every "on"
// that names no undecided fact is refused with a path (refuted, or malformed at decoding),
// never a panic.
func TestFarkasBranchOnRefused(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join("..", "testdata", "certs", "valid", "nofit_farkas_adaptive.json"))
	if err != nil {
		t.Fatal(err)
	}
	const first = `"on": "1 1"`
	if !strings.Contains(string(raw), first) {
		t.Fatal("the fixture's first split is not act 1 1")
	}
	for _, on := range []string{"", "1", "1 1 1", "1  1", " 1 1", "0 1", "2 1", "1 0", "1 4", "+1 1", "1 +1",
		"a b", "1 1/2", "999999999999 1", "1 -1", "1 99999999999999999999"} {
		txt := strings.Replace(string(raw), first, `"on": "`+on+`"`, 1)
		c, err := Decode(strings.NewReader(txt), ".", fixtureLimits)
		if err != nil {
			if !strings.Contains(err.Error(), "claims[0].proof") {
				t.Errorf("on %q: malformed without the proof's path: %v", on, err)
			}
			continue
		}
		rep, err := Check(c, Options{})
		if err != nil {
			t.Fatalf("on %q: %v", on, err)
		}
		if rep.Status != Refuted || rep.First == nil || rep.First.Code != CodeNoFitCaseOutside || !strings.HasSuffix(rep.First.Path, ".on") {
			t.Errorf("on %q: %v %+v, want refuted %s at a split's on", on, rep.Status, rep.First, CodeNoFitCaseOutside)
		}
	}
	// A "t" split and a "v" split with their facts out of place.
	for _, tc := range []struct{ split, on string }{{"t", "1 100"}, {"t", "2 1/2"}, {"v", "1 0"}, {"v", "2 1"}, {"v", "1 1 1"}, {"t", "1 x"}} {
		txt := strings.Replace(string(raw), `"split": "act",
                "on": "1 1"`, `"split": "`+tc.split+`",
                "on": "`+tc.on+`"`, 1)
		if txt == string(raw) {
			t.Fatal("the fixture's first split was not replaced")
		}
		c, err := Decode(strings.NewReader(txt), ".", fixtureLimits)
		if err != nil {
			continue
		}
		rep, _ := Check(c, Options{})
		if rep.Status != Refuted || rep.First.Code != CodeNoFitCaseOutside {
			t.Errorf("%s %q: %v %+v, want refuted %s", tc.split, tc.on, rep.Status, rep.First, CodeNoFitCaseOutside)
		}
	}
}

// TestFarkasHugeTreeRefusedWhileRead: a proof tree with three million empty cases (9 MB)
// is refused at the first case past the node budget, as it is read: decoding first and
// counting after held some 500 bytes a node (1.6 GB for this file).
func TestFarkasHugeTreeRefusedWhileRead(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join("..", "testdata", "certs", "valid", "nofit_farkas_mirror.json"))
	if err != nil {
		t.Fatal(err)
	}
	at := `"cases": [`
	src := strings.Replace(string(raw), at, at+strings.Repeat("{},", farkasMaxNodes+500000), 1)
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	_, err = Decode(strings.NewReader(src), ".", Limits{})
	runtime.ReadMemStats(&after)
	want := fmt.Sprintf("claims[0].proof.cases[%d]", farkasMaxNodes)
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Fatalf("want an error at %s, got %v", want, err)
	}
	if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 8*uint64(len(src)) {
		t.Fatalf("reading %d bytes allocated %d bytes before refusing", len(src), alloc)
	}
}
