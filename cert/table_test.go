package cert_test

import (
	"os"
	"path/filepath"
	"testing"

	"certify/cert"
	"certify/theorems"
)

// TestMain gives the fixture harness the theorem table, as certify check does.
func TestMain(m *testing.M) {
	cert.SetFixtureTheorems(theorems.Table)
	os.Exit(m.Run())
}

// Every valid fixture with a theorem claim: without the table the theorem claim is
// Undecided with theorem-formulas-unchecked (never verified); with it, rewording every
// text of the claim changes no verdict.
func TestTheoremClaimsWithoutTable(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join("..", "testdata", "certs", "valid", "*.json"))
	seen := 0
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
		ti := -1
		for i, cl := range c.Claims {
			if _, ok := cl.(cert.TheoremClaim); ok {
				ti = i
			}
		}
		if ti < 0 {
			continue
		}
		seen++
		rep, err := cert.Check(c, cert.Options{})
		if err != nil {
			t.Fatal(err)
		}
		if rep.Status != cert.Undecided || rep.Claims[ti].Status != cert.Undecided || rep.First.Code != cert.CodeTheoremUnchecked {
			t.Errorf("%s without a table: %v %v", path, rep.Status, rep.First)
		}
		tc := c.Claims[ti].(cert.TheoremClaim)
		tc.Statement = "reworded"
		hyp := append([]cert.Comparison(nil), tc.Hypothesis...)
		for k := range hyp {
			hyp[k].Text = "reworded " + hyp[k].Text
		}
		tc.Hypothesis = hyp
		c.Claims[ti] = tc
		if rep, err := cert.Check(c, cert.Options{Theorems: theorems.Table}); err != nil || rep.Status != cert.Verified {
			t.Errorf("%s reworded: %v %v", path, err, rep.First)
		}
	}
	if seen < 5 {
		t.Fatalf("only %d fixtures with a theorem claim", seen)
	}
}
