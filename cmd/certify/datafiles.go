package main

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"math/big"
	"os"
	"strconv"
	"strings"

	"certify/cert"
	"certify/modelio"
)

// Datasets the kernel's loader does not read by reference — NumPy .npy/.npz arrays,
// LIBSVM/svmlight text, and CSV files whose class labels are not 0..C−1 (labels.go) —
// are read here and written inline in the certificates that use them, with the file's
// format and SHA-256 (and the class names, if mapped) in the provenance parameters
// data_format, data_sha256 and class_names.
//
//	.npy   --data X.npy --labels y.npy: X of shape [N, …] (each point flattened), y of
//	       shape [N] (class labels, any integers) or, with --task regression, [N] or [N, k]
//	.npz   --data D.npz: the arrays named x (or X, inputs, data) and y (or Y, labels, targets)
//	libsvm "label index:value …" per line, indices from 1 (missing entries are 0; the
//	       dimension is the largest index), "#" starts a comment
//
// Values are exact: a float element is the dyadic rational its bits denote (modelio), a
// LIBSVM value the decimal or p/q it spells.

// inlineKind names the format when the data must be read here: "npy", "npz", "libsvm",
// or "" (CSV or IDX, read by reference). --format wins; else the content decides.
func (d *dataFlags) inlineKind() string {
	switch d.format {
	case "npy", "npz", "libsvm":
		return d.format
	case "":
	default:
		return ""
	}
	if d.path == "" {
		return ""
	}
	f, err := os.Open(d.path)
	if err != nil {
		return ""
	}
	defer f.Close()
	head := make([]byte, 4096)
	n, _ := io.ReadFull(f, head)
	head = head[:n]
	switch {
	case bytes.HasPrefix(head, []byte("\x93NUMPY")):
		return "npy"
	case bytes.HasPrefix(head, []byte("PK\x03\x04")), bytes.HasPrefix(head, []byte("PK\x05\x06")):
		return "npz"
	case bytes.IndexByte(head, 0) >= 0, bytes.HasPrefix(head, []byte{0x1f, 0x8b}):
		return "" // binary or gzip: IDX, or CSV.gz (a gzipped LIBSVM file needs --format libsvm)
	}
	for _, line := range strings.Split(string(head), "\n") {
		line = strings.TrimSpace(strings.SplitN(line, "#", 2)[0])
		if line == "" {
			continue
		}
		fs := strings.Fields(line)
		if strings.Contains(line, ",") {
			return ""
		}
		if len(fs) < 2 {
			continue // a label alone (an all-zero point) decides nothing
		}
		for _, f := range fs[1:] {
			if !strings.Contains(f, ":") {
				return ""
			}
		}
		return "libsvm"
	}
	return ""
}

// needsInline: the dataset is read here (this file or labels.go), not by the kernel's loader.
func (d *dataFlags) needsInline() bool {
	return d.inlineKind() != "" || d.needsClassNames()
}

// loadInline reads a dataset that needsInline, with the provenance parameters to record.
func loadInline(d *dataFlags, lim cert.Limits) (*cert.Dataset, map[string]string, error) {
	kind := d.inlineKind()
	params := map[string]string{}
	var ds *cert.Dataset
	var names []string
	var err error
	switch kind {
	case "":
		ds, names, err = loadClassNamed(d, lim)
	case "npy", "npz":
		ds, names, err = loadNumpy(d, kind, lim)
	case "libsvm":
		ds, names, err = loadLibsvm(d, lim)
	}
	if err != nil {
		return nil, nil, err
	}
	if kind == "" {
		kind = "csv"
	}
	params["data_format"] = kind
	for i, p := range []string{d.path, d.labels} {
		if p == "" || kind != "npy" && i == 1 {
			continue
		}
		sum, err := cert.FileSHA256(p)
		if err != nil {
			return nil, nil, err
		}
		params[[]string{"data_sha256", "labels_sha256"}[i]] = sum
	}
	if names != nil {
		params["class_names"] = classNamesParam(names)
	}
	return ds, params, nil
}

// readLimited reads a data file for the CLI's own readers (datafiles.go, labels.go),
// gunzipping it when it is gzip: a regular file only, and at most lim.MaxFileBytes as
// stored and after decompression, so that neither /dev/zero nor a gzip bomb can exhaust
// memory.
func readLimited(path string, lim cert.Limits) ([]byte, error) {
	max := lim.MaxFileBytes
	if max <= 0 {
		max = cert.DefaultMaxFileBytes
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if st, err := f.Stat(); err != nil {
		return nil, err
	} else if !st.Mode().IsRegular() {
		return nil, fmt.Errorf("%s: not a regular file", path)
	} else if st.Size() > max {
		return nil, fmt.Errorf("%s: the file has %d bytes, more than the limit of %d", path, st.Size(), max)
	}
	br := bufio.NewReader(f)
	var r io.Reader = br
	if head, _ := br.Peek(2); len(head) == 2 && head[0] == 0x1f && head[1] == 0x8b {
		zr, err := gzip.NewReader(br)
		if err != nil {
			return nil, fmt.Errorf("%s: %v", path, err)
		}
		r = zr
	}
	raw, err := io.ReadAll(io.LimitReader(r, max+1))
	if err != nil {
		return nil, fmt.Errorf("%s: %v", path, err)
	}
	if int64(len(raw)) > max {
		return nil, fmt.Errorf("%s: more than the limit of %d bytes after decompression", path, max)
	}
	return raw, nil
}

func loadNumpy(d *dataFlags, kind string, lim cert.Limits) (*cert.Dataset, []string, error) {
	raw, err := readLimited(d.path, lim)
	if err != nil {
		return nil, nil, err
	}
	var x, y *modelio.Tensor
	if kind == "npy" {
		if d.labels == "" {
			return nil, nil, fmt.Errorf("%s: a .npy dataset needs --labels y.npy", d.path)
		}
		if x, err = modelio.ReadNpy(raw, d.path, nil); err != nil {
			return nil, nil, err
		}
		lraw, err := readLimited(d.labels, lim)
		if err != nil {
			return nil, nil, err
		}
		if y, err = modelio.ReadNpy(lraw, d.labels, nil); err != nil {
			return nil, nil, err
		}
	} else {
		ts, err := modelio.ReadNpz(raw, nil)
		if err != nil {
			return nil, nil, fmt.Errorf("%s: %w", d.path, err)
		}
		byName := map[string]*modelio.Tensor{}
		var have []string
		for _, t := range ts {
			byName[t.Name] = t
			have = append(have, t.Name)
		}
		for _, n := range []string{"x", "X", "inputs", "data"} {
			if x == nil {
				x = byName[n]
			}
		}
		for _, n := range []string{"y", "Y", "labels", "targets"} {
			if y == nil {
				y = byName[n]
			}
		}
		if x == nil || y == nil {
			return nil, nil, fmt.Errorf("%s: want arrays named x (or X, inputs, data) and y (or Y, labels, targets); the file has %s", d.path, strings.Join(have, ", "))
		}
	}
	if len(x.Shape) == 0 || len(y.Shape) == 0 || x.Shape[0] != y.Shape[0] {
		return nil, nil, fmt.Errorf("%s: inputs of shape %v and labels of shape %v: want [N, …] and [N] with the same N", d.path, x.Shape, y.Shape)
	}
	n := x.Shape[0]
	if d.limit > 0 && d.limit < n {
		n = d.limit
	}
	if lim.MaxPoints > 0 && n > lim.MaxPoints {
		return nil, nil, fmt.Errorf("%s: more than %d points (limit)", d.path, lim.MaxPoints)
	}
	dim, k := 1, 1
	for _, s := range x.Shape[1:] {
		dim *= s
	}
	for _, s := range y.Shape[1:] {
		k *= s
	}
	inputs := make([][]*big.Rat, n)
	for i := range inputs {
		inputs[i] = x.Vals[i*dim : (i+1)*dim]
	}
	if d.task == "regression" {
		targets := make([][]*big.Rat, n)
		for i := range targets {
			targets[i] = y.Vals[i*k : (i+1)*k]
		}
		ds, err := cert.NewDataset(inputs, nil, targets, 0)
		return ds, nil, wrapPath(d.path, err)
	}
	if k != 1 {
		return nil, nil, fmt.Errorf("%s: class labels of shape %v: want one label per point (shape [N])", d.path, y.Shape)
	}
	keys := make([]string, n)
	allInt := true
	for i := range keys {
		keys[i] = y.Vals[i].RatString()
		allInt = allInt && y.Vals[i].IsInt()
	}
	return d.classify(inputs, keys, allInt)
}

// classify builds a classification dataset from label keys: integers 0..C−1 as they are
// (no names), anything else through mapLabels.
func (d *dataFlags) classify(inputs [][]*big.Rat, keys []string, allInt bool) (*cert.Dataset, []string, error) {
	plain := allInt && d.classNames == ""
	labels := make([]int, len(keys))
	for i, k := range keys {
		v, err := strconv.Atoi(k)
		if !plain || err != nil || v < 0 {
			plain = false
			break
		}
		labels[i] = v
	}
	var names []string
	classes := d.classes
	if !plain {
		var err error
		if labels, names, classes, err = d.mapLabels(keys, allInt); err != nil {
			return nil, nil, fmt.Errorf("%s: %w", d.path, err)
		}
	}
	ds, err := cert.NewDataset(inputs, labels, nil, classes)
	return ds, names, wrapPath(d.path, err)
}

func wrapPath(p string, err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("%s: %w", p, err)
}

func loadLibsvm(d *dataFlags, lim cert.Limits) (*cert.Dataset, []string, error) {
	raw, err := readLimited(d.path, lim)
	if err != nil {
		return nil, nil, err
	}
	type entry struct {
		idx int
		v   *big.Rat
	}
	var rows [][]entry
	var keys []string
	var targets [][]*big.Rat
	allInt := true
	dim := 0
	sc := bufio.NewScanner(bytes.NewReader(raw))
	sc.Buffer(make([]byte, 0, 1<<16), 1<<26)
	for line := 1; sc.Scan(); line++ {
		text := strings.TrimSpace(strings.SplitN(sc.Text(), "#", 2)[0])
		if text == "" {
			continue
		}
		if d.limit > 0 && len(rows) >= d.limit {
			break
		}
		if lim.MaxPoints > 0 && len(rows) >= lim.MaxPoints {
			return nil, nil, fmt.Errorf("%s: more than %d points (limit)", d.path, lim.MaxPoints)
		}
		fs := strings.Fields(text)
		if d.task == "regression" {
			t, err := cert.ParseRat(fs[0], lim.MaxDigits)
			if err != nil {
				return nil, nil, fmt.Errorf("%s: line %d: target %q: %v", d.path, line, clipStr(fs[0]), err)
			}
			targets = append(targets, []*big.Rat{t})
		} else {
			k, isInt := labelKey(fs[0])
			keys = append(keys, k)
			allInt = allInt && isInt
		}
		var row []entry
		last := 0
		for _, f := range fs[1:] {
			is, vs, ok := strings.Cut(f, ":")
			idx, err := strconv.Atoi(is)
			if !ok || err != nil || idx < 1 {
				return nil, nil, fmt.Errorf("%s: line %d: %q is not index:value with an index ≥ 1", d.path, line, clipStr(f))
			}
			if idx <= last {
				return nil, nil, fmt.Errorf("%s: line %d: index %d after %d (want ascending indices)", d.path, line, idx, last)
			}
			if idx > 1<<24 {
				return nil, nil, fmt.Errorf("%s: line %d: index %d is beyond 2^24 features", d.path, line, idx)
			}
			last = idx
			v, err := cert.ParseRat(vs, lim.MaxDigits)
			if err != nil {
				return nil, nil, fmt.Errorf("%s: line %d, index %d: %v", d.path, line, idx, err)
			}
			row = append(row, entry{idx, v})
		}
		dim = max(dim, last)
		rows = append(rows, row)
	}
	if err := sc.Err(); err != nil {
		return nil, nil, fmt.Errorf("%s: %v", d.path, err)
	}
	if dim == 0 {
		return nil, nil, fmt.Errorf("%s: no features (every point is empty)", d.path)
	}
	if int64(dim)*int64(len(rows)) > 100_000_000 {
		return nil, nil, fmt.Errorf("%s: %d points × %d features is too large to hold densely", d.path, len(rows), dim)
	}
	zero := new(big.Rat)
	inputs := make([][]*big.Rat, len(rows))
	for i, row := range rows {
		x := make([]*big.Rat, dim)
		for k := range x {
			x[k] = zero
		}
		for _, e := range row {
			x[e.idx-1] = e.v
		}
		inputs[i] = x
	}
	if d.task == "regression" {
		ds, err := cert.NewDataset(inputs, nil, targets, 0)
		return ds, nil, wrapPath(d.path, err)
	}
	return d.classify(inputs, keys, allInt)
}
