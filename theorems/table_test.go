package theorems

import (
	"math/big"
	"os"
	"path/filepath"
	"testing"

	"certify/cert"
)

func TestIDsAreKnown(t *testing.T) {
	for _, id := range IDs() {
		if !Table.Known(id) {
			t.Errorf("%s listed but not known", id)
		}
	}
	if Table.Known("yun2019-thm9.9") {
		t.Error("an unknown id is known")
	}
}

// Every fixture's theorem claim is what NewClaim builds, and moving any side of any
// comparison by one is refuted as theorem-hypothesis.
func TestFixtureClaims(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join("..", "testdata", "certs", "valid", "*.json"))
	n := 0
	for _, path := range files {
		f, err := os.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		c, err := cert.Decode(f, filepath.Dir(path), cert.Limits{DataRoots: []string{filepath.Join("..", "testdata", "certs")}})
		f.Close()
		if err != nil {
			t.Fatal(err)
		}
		for i, cl := range c.Claims {
			tc, ok := cl.(cert.TheoremClaim)
			if !ok {
				continue
			}
			n++
			built, err := NewClaim(tc.Theorem, c)
			if err != nil {
				t.Fatalf("%s: %v", path, err)
			}
			if Evaluated(built) != Evaluated(tc) {
				t.Errorf("%s: NewClaim gives %s, the fixture says %s", path, Evaluated(built), Evaluated(tc))
			}
			for k := range tc.Hypothesis {
				for side := 0; side < 2; side++ {
					bad := tc
					bad.Hypothesis = append([]cert.Comparison(nil), tc.Hypothesis...)
					h := &bad.Hypothesis[k]
					one := big.NewRat(1, 1)
					if side == 0 {
						h.LHS = new(big.Rat).Add(h.LHS, one)
					} else {
						h.RHS = new(big.Rat).Add(h.RHS, one)
					}
					h.Holds = h.Evaluate() // the truth value follows the wrong numbers
					holds := true
					for _, x := range bad.Hypothesis {
						holds = holds && x.Holds
					}
					bad.HypothesisHolds, bad.ExceedsTheorem = holds, !holds
					c2 := *c
					c2.Claims = append([]cert.Claim(nil), c.Claims...)
					c2.Claims[i] = bad
					rep, err := cert.Check(&c2, cert.Options{Theorems: Table})
					if err != nil || rep.Status != cert.Refuted || rep.First.Code != cert.CodeTheoremHypothesis {
						t.Errorf("%s: side %d of comparison %d moved: %v %v", path, side, k, err, rep.First)
					}
				}
			}
		}
	}
	if n < 5 {
		t.Fatalf("only %d theorem claims", n)
	}
}
