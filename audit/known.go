package audit

import (
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"

	"certify/cert"
)

// Known results: the capacity table that `certify capacity` writes (testdata/capacity in
// the repository): for a ReLU architecture and the alternating family, the certificate of
// the largest N with a witness and of the smallest N without (a kernel no-fit, or a
// solver's unsat with its SMT-LIB proof beside it, possibly gzipped). The audit reuses
// them instead of asking the solver again; nothing in them is believed — a witness is
// re-checked by the kernel on the instance's own data, and a no-fit is used only for the
// very dataset it speaks of.
type knownResult struct {
	dir      string
	fitN     int
	fit      *cert.Certificate
	noFitN   int
	noFit    *cert.Certificate
	noFitSMT string // the proof of a solver no-fit, decompressed
	// A gzipped no-fit (a large Farkas tree) is decoded, and checked by the kernel, when
	// first used.
	noFitPath string
	lazyDone  bool
}

// Known is a table of known results by architecture ("2-2" for hidden widths 2, 2).
type Known struct {
	Dir     string
	results map[string]*knownResult
}

var knownName = regexp.MustCompile(`^capacity_alternating_([0-9-]+)_N([0-9]+)_(fits|no-fit)\.json(\.gz)?$`)

// LoadKnown reads a capacity table folder: DIR/<widths>/capacity_alternating_<widths>_N<k>_{fits,no-fit}.json
// (or .json.gz).
func LoadKnown(dir string) (*Known, error) {
	k := &Known{Dir: dir, results: map[string]*knownResult{}}
	files, err := filepath.Glob(filepath.Join(dir, "*", "capacity_alternating_*.json"))
	if err != nil {
		return nil, err
	}
	gzipped, _ := filepath.Glob(filepath.Join(dir, "*", "capacity_alternating_*.json.gz")) // large Farkas trees
	files = append(files, gzipped...)
	if len(files) == 0 {
		if _, err := os.Stat(dir); err != nil {
			return nil, err
		}
	}
	for _, path := range files {
		m := knownName.FindStringSubmatch(filepath.Base(path))
		if m == nil || filepath.Base(filepath.Dir(path)) != m[1] {
			continue
		}
		n, _ := strconv.Atoi(m[2])
		if m[3] == "no-fit" && strings.HasSuffix(path, ".gz") {
			r := k.results[m[1]]
			if r == nil {
				r = &knownResult{dir: filepath.Dir(path)}
				k.results[m[1]] = r
			}
			r.noFitN, r.noFit, r.noFitSMT, r.noFitPath = n, nil, "", path
			continue
		}
		fh, err := os.Open(path)
		if err != nil {
			return nil, err
		}
		c, err := cert.Decode(fh, filepath.Dir(path), cert.Limits{})
		fh.Close()
		if err != nil {
			return nil, fmt.Errorf("%s: %v", path, err)
		}
		r := k.results[m[1]]
		if r == nil {
			r = &knownResult{dir: filepath.Dir(path)}
			k.results[m[1]] = r
		}
		if m[3] == "fits" {
			if c.Network != nil && n > r.fitN {
				r.fitN, r.fit = n, c
			}
			continue
		}
		nf, ok := c.Claims[0].(cert.NoFitClaim)
		if !ok {
			continue
		}
		smt := ""
		if nf.Method == "solver" && nf.Solver != nil && nf.Solver.SMTLIB != "" {
			raw, err := readMaybeGz(filepath.Join(filepath.Dir(path), nf.Solver.SMTLIB))
			if err != nil {
				continue // a solver no-fit without its proof is not reused
			}
			smt = string(raw)
		}
		r.noFitN, r.noFit, r.noFitSMT = n, c, smt
	}
	return k, nil
}

// Architectures is the number of architectures in the table.
func (k *Known) Architectures() int {
	if k == nil {
		return 0
	}
	return len(k.results)
}

func readMaybeGz(path string) ([]byte, error) {
	raw, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		gz, err := os.ReadFile(path + ".gz")
		if err != nil {
			return nil, err
		}
		zr, err := gzip.NewReader(bytes.NewReader(gz))
		if err != nil {
			return nil, err
		}
		return io.ReadAll(io.LimitReader(zr, 64<<20))
	}
	return raw, err
}

func (k *Known) lookup(arch cert.Architecture) *knownResult {
	if k == nil || arch.Activation != "relu" || arch.InputDim != 1 || (arch.OutputDim != 0 && arch.OutputDim != 1) {
		return nil
	}
	ws := make([]string, len(arch.Hidden))
	for i, w := range arch.Hidden {
		ws[i] = strconv.Itoa(w)
	}
	return k.results[strings.Join(ws, "-")]
}

// witness returns the known fit's network as a witness certificate for d (the first N
// alternating points fit whenever a larger alternating set does), or nil.
func (k *Known) witness(d *cert.Dataset, arch cert.Architecture) (*cert.Certificate, string) {
	r := k.lookup(arch)
	if r == nil || r.fit == nil || r.fitN < d.N {
		return nil, ""
	}
	return witnessCert(d, r.fit.Network, fmt.Sprintf("known result: the network of %s fitting %d alternating points", r.dir, r.fitN)), r.dir
}

// noFit returns the known no-fit certificate when it speaks of exactly d.
func (k *Known) noFit(d *cert.Dataset, arch cert.Architecture) (*knownResult, bool) {
	r := k.lookup(arch)
	if r != nil && r.noFitPath != "" && !r.lazyDone && r.noFitN == d.N {
		r.lazyDone = true
		if fh, err := os.Open(r.noFitPath); err == nil {
			c, err := cert.Decode(fh, filepath.Dir(r.noFitPath), cert.Limits{})
			fh.Close()
			if err == nil {
				if rep, err := cert.Check(c, cert.Options{}); err == nil && rep.Status == cert.Verified {
					r.noFit = c
				}
			}
		}
	}
	if r == nil || r.noFit == nil || r.noFitN != d.N || !sameData(r.noFit.Data, d) {
		return nil, false
	}
	return r, true
}

// kernelNoFit says whether a known no-fit is checked by the kernel (method farkas or
// zigzag, verified here, or for a gzipped one when it was loaded; the others are checked
// where they are used) rather than resting on a solver.
func (r *knownResult) kernelNoFit() (string, bool) {
	nf, ok := r.noFit.Claims[0].(cert.NoFitClaim)
	if !ok || (nf.Method != "farkas" && nf.Method != "zigzag") {
		return "", false
	}
	if r.noFitPath == "" {
		rep, err := cert.Check(r.noFit, cert.Options{})
		if err != nil || rep.Status != cert.Verified {
			return "", false
		}
	}
	return nf.Method, true
}
