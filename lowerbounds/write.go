package lowerbounds

import (
	"bytes"
	"compress/gzip"
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

// GzipAbove is the size of an encoded certificate past which WriteCertSized writes it
// gzipped (a large Farkas tree: the kernel reads gzip by its magic bytes).
const GzipAbove = 2 << 20

// WriteCertSized is WriteCert, but a certificate whose encoding exceeds GzipAbove bytes is
// written gzipped to path + ".gz" (and a stale uncompressed path removed). It returns the
// path written and the encoded (uncompressed) size.
func WriteCertSized(path string, c *cert.Certificate, smtlib string) (string, int, error) {
	var buf bytes.Buffer
	if err := certio.Encode(&buf, c); err != nil {
		return "", 0, err
	}
	if buf.Len() <= GzipAbove {
		os.Remove(path + ".gz")
		return path, buf.Len(), WriteCert(path, c, smtlib)
	}
	if smtlib != "" {
		return "", 0, os.ErrInvalid // a solver no-fit is small; its script goes beside it
	}
	var gz bytes.Buffer
	zw, err := gzip.NewWriterLevel(&gz, gzip.BestCompression)
	if err != nil {
		return "", 0, err
	}
	if _, err := zw.Write(buf.Bytes()); err != nil {
		return "", 0, err
	}
	if err := zw.Close(); err != nil {
		return "", 0, err
	}
	os.Remove(path)
	return path + ".gz", buf.Len(), os.WriteFile(path+".gz", gz.Bytes(), 0o644)
}
