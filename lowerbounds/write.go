package lowerbounds

import (
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"

	"certify/cert"
	"certify/certio"
)

// WriteCert writes c to path. When smtlib is not empty (a solver's unsat), the script is
// written beside it as the same name with .smt2 for .json, and every no-fit claim resting on
// a solver records that file (relative to the certificate) and its SHA-256, so that anyone
// can re-run the query with the solver of their choice.
func WriteCert(path string, c *cert.Certificate, smtlib string) error {
	if smtlib != "" {
		q := strings.TrimSuffix(path, ".json") + ".smt2"
		if err := os.WriteFile(q, []byte(smtlib), 0o644); err != nil {
			return err
		}
		sum := sha256.Sum256([]byte(smtlib))
		for i, cl := range c.Claims {
			nf, ok := cl.(cert.NoFitClaim)
			if !ok || nf.Method != "solver" || nf.Solver == nil {
				continue
			}
			rec := *nf.Solver
			rec.SMTLIB, rec.SHA256 = filepath.Base(q), hex.EncodeToString(sum[:])
			nf.Solver = &rec
			c.Claims[i] = nf
		}
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := certio.Encode(f, c); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
