package z3solver_test

import (
	"bufio"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"certify/cert"
	"certify/smt"
	"certify/smt/z3solver"
)

func newSolver(t testing.TB) *z3solver.Solver {
	t.Helper()
	s, err := z3solver.New()
	if err != nil {
		t.Skip(err)
	}
	return s
}

// TestFixturesAgree: on every certificate in testdata/certs that decodes, the solver's
// verdict agrees with the kernel's and with the fixture's sidecar.
func TestFixturesAgree(t *testing.T) {
	s := newSolver(t)
	files, _ := filepath.Glob(filepath.Join("..", "..", "testdata", "certs", "*", "*.json"))
	if len(files) == 0 {
		t.Fatal("no fixtures")
	}
	n := 0
	for _, f := range files {
		want := readWant(t, strings.TrimSuffix(f, ".json")+".want")
		if strings.HasPrefix(want, "malformed") {
			continue
		}
		t.Run(filepath.Base(filepath.Dir(f))+"/"+filepath.Base(f), func(t *testing.T) {
			if os.Getenv("CERTIFY_SMT_LONG") == "" && strings.Contains(f, "sawtooth_L12") {
				t.Skip("4096 regions of a 24-layer network, about two minutes: set CERTIFY_SMT_LONG=1")
			}
			fh, err := os.Open(f)
			if err != nil {
				t.Fatal(err)
			}
			defer fh.Close()
			c, err := cert.Decode(fh, filepath.Dir(f), cert.Limits{DataRoots: []string{filepath.Join("..", "..", "testdata", "certs")}}) // fixtures name data/… under testdata/certs
			if err != nil {
				t.Fatal(err)
			}
			chunks := []int{2, 500}
			if c.Data != nil && c.Data.N > 50 || strings.Contains(f, "sawtooth_L12") {
				chunks = []int{500}
			}
			krep, err := cert.Check(c, cert.Options{})
			if err != nil {
				t.Fatal(err)
			}
			for _, chunk := range chunks {
				srep, err := smt.CheckCertificate(context.Background(), s, c, smt.CheckOptions{Chunk: chunk})
				if err != nil {
					t.Fatal(err)
				}
				if d := smt.Compare(krep, srep); len(d) > 0 {
					t.Fatalf("chunk %d: disagreement: %v", chunk, d)
				}
				all := true
				for _, cv := range srep.Claims {
					all = all && cv.Discharged && !cv.Partial
				}
				if !all {
					continue
				}
				got := srep.Status.String()
				if srep.Status == cert.Refuted {
					for _, cv := range srep.Claims {
						if cv.Failure != nil {
							got += " " + string(cv.Failure.Code)
							break
						}
					}
				}
				if !strings.HasPrefix(got, strings.Fields(want)[0]) || (srep.Status == cert.Refuted && got != want) {
					t.Errorf("chunk %d: solver says %q, fixture wants %q", chunk, got, want)
				}
			}
		})
		n++
	}
	t.Logf("%d fixtures compared", n)
}

func readWant(t *testing.T, path string) string {
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Scan()
	return strings.TrimSpace(sc.Text())
}
