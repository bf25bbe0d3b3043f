package smt

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"certify/cert"
)

// TestCapacityTable checks the certificates of the capacity table (testdata/capacity,
// written by scripts/capacity_table.sh): every fit verified by the kernel; every no-fit
// verified by the kernel, or resting on a solver with its proof beside it (gzipped) and
// the SHA-256 the claim names, re-run here to unsat by z3 and cvc5 racing, 30 seconds each
// at most: CERTIFY_LONG=1 re-runs them all.
func TestCapacityTable(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join("..", "testdata", "capacity", "*", "*.json"))
	gzipped, _ := filepath.Glob(filepath.Join("..", "testdata", "capacity", "*", "*.json.gz"))
	files = append(files, gzipped...)
	if len(files) < 20 {
		t.Fatalf("%d capacity certificates, want both directions for every architecture", len(files))
	}
	var progs []*Binary
	for _, b := range []*Binary{CVC5Binary, Z3Binary} {
		if b.Available() == nil {
			progs = append(progs, b)
		}
	}
	for _, path := range files {
		t.Run(filepath.Base(filepath.Dir(path))+"/"+filepath.Base(path), func(t *testing.T) {
			f, err := os.Open(path)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			c, err := cert.Decode(f, filepath.Dir(path), cert.Limits{})
			if err != nil {
				t.Fatal(err)
			}
			rep, err := cert.Check(c, cert.Options{})
			if err != nil {
				t.Fatal(err)
			}
			if strings.HasSuffix(path, "_fits.json") || rep.Status == cert.Verified {
				if rep.Status != cert.Verified {
					t.Fatalf("kernel: %v", rep.Status)
				}
				return
			}
			nf, ok := c.Claims[0].(cert.NoFitClaim)
			if !ok || nf.Method != "solver" || nf.Solver == nil || rep.Status != cert.Undecided {
				t.Fatalf("a no-fit the kernel does not verify must rest on a solver: %v", rep.Status)
			}
			gz, err := os.ReadFile(filepath.Join(filepath.Dir(path), nf.Solver.SMTLIB+".gz"))
			if err != nil {
				t.Fatal(err)
			}
			zr, err := gzip.NewReader(bytes.NewReader(gz))
			if err != nil {
				t.Fatal(err)
			}
			script, err := io.ReadAll(zr)
			if err != nil {
				t.Fatal(err)
			}
			sum := sha256.Sum256(script)
			if hex.EncodeToString(sum[:]) != nf.Solver.SHA256 {
				t.Fatalf("%s.gz does not have the SHA-256 the claim names", nf.Solver.SMTLIB)
			}
			if len(progs) == 0 {
				t.Skip("no z3 or cvc5 to re-run the proof")
			}
			long := os.Getenv("CERTIFY_LONG") != ""
			if len(script) > 4<<20 && !long {
				t.Skipf("a %d-byte proof (minutes): re-run with CERTIFY_LONG=1", len(script))
			}
			limit := 30 * time.Second
			if long {
				limit = 30 * time.Minute
			}
			ctx, cancel := context.WithTimeout(context.Background(), limit)
			defer cancel()
			st, who, n, err := ConfirmUnsat(ctx, string(script), progs)
			switch {
			case st == Unknown && ctx.Err() != nil && !long:
				t.Skipf("re-run not finished in %s (the SHA-256 was checked): CERTIFY_LONG=1 for the whole re-run", limit)
			case st != Unsat:
				t.Fatalf("re-run: %v (%v)", st, err)
			}
			t.Logf("%d check-sat, all unsat (%s)", n, who)
		})
	}
}
