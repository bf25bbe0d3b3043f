package main

import (
	"bufio"
	"bytes"
	"fmt"
	"math/big"
	"sort"
	"strings"

	"certify/cert"
)

// Class labels as people keep them. The kernel reads class labels 0, 1, …, C−1. A CSV
// file whose labels are other integers (the binary convention −1/+1) or strings
// ("setosa") is read here, in the CLI, instead: each distinct label becomes an index —
// in the order --class-names gives, else ascending for integers and lexicographic for
// strings — and the dataset is written inline in the certificate (the file no longer
// says what the kernel reads), with the names in index order in the provenance
// parameter "class_names" (a JSON array of strings).

// labelKey is the canonical spelling of a label token: the exact rational's RatString
// when it is an integer ("+1", "1", "1.0" are one label), else the token without
// surrounding quotes.
func labelKey(tok string) (key string, isInt bool) {
	tok = strings.TrimSpace(tok)
	if r, ok := new(big.Rat).SetString(tok); ok && r.IsInt() && len(tok) < 40 {
		return r.RatString(), true
	}
	return strings.Trim(tok, `"'`), false
}

// needsClassNames reports whether the flags name a classification CSV whose labels are
// not all non-negative integers, or --class-names is given.
func (d *dataFlags) needsClassNames() bool {
	if d.task != "classification" || d.path == "" {
		return false
	}
	if d.classNames != "" {
		return true
	}
	src, err := d.source()
	if err != nil || src.Format != "csv" {
		return false
	}
	raw, err := readLimited(d.path, cert.Limits{})
	if err != nil {
		return false
	}
	skip := d.namedSkipRows(raw)
	sc := bufio.NewScanner(bytes.NewReader(raw))
	sc.Buffer(make([]byte, 0, 1<<16), 1<<26)
	for line := 0; sc.Scan(); line++ {
		text := strings.TrimSpace(sc.Text())
		if line < skip || text == "" {
			continue
		}
		k, isInt := labelKey(text[strings.LastIndexByte(text, ',')+1:])
		if !isInt || strings.HasPrefix(k, "-") {
			return true
		}
	}
	return false
}

// loadClassNamed reads a classification CSV with any labels, mapping them to indices.
// It returns the dataset and the names in index order.
func loadClassNamed(d *dataFlags, lim cert.Limits) (*cert.Dataset, []string, error) {
	src, err := d.source()
	if err != nil {
		return nil, nil, err
	}
	if src.Format != "csv" {
		return nil, nil, fmt.Errorf("--class-names: only CSV data have named labels")
	}
	raw, err := readLimited(d.path, lim)
	if err != nil {
		return nil, nil, err
	}
	skip := d.namedSkipRows(raw)
	var inputs [][]*big.Rat
	var keys []string
	allInt := true
	sc := bufio.NewScanner(bytes.NewReader(raw))
	sc.Buffer(make([]byte, 0, 1<<16), 1<<26)
	for line := 1; sc.Scan(); line++ {
		text := strings.TrimRight(sc.Text(), "\r")
		if line <= skip || strings.TrimSpace(text) == "" {
			continue
		}
		if d.limit > 0 && len(inputs) >= d.limit {
			break
		}
		if len(inputs) >= lim.MaxPoints && lim.MaxPoints > 0 {
			return nil, nil, fmt.Errorf("%s: more than %d points (limit)", d.path, lim.MaxPoints)
		}
		fs := strings.Split(text, ",")
		if len(fs) < 2 {
			return nil, nil, fmt.Errorf("%s: line %d: %d field(s); need at least one input and a label", d.path, line, len(fs))
		}
		x := make([]*big.Rat, len(fs)-1)
		for k := range x {
			v, err := cert.ParseRat(strings.TrimSpace(fs[k]), lim.MaxDigits)
			if err != nil {
				return nil, nil, fmt.Errorf("%s: line %d, column %d: %v", d.path, line, k+1, err)
			}
			x[k] = v
		}
		key, isInt := labelKey(fs[len(fs)-1])
		if key == "" {
			return nil, nil, fmt.Errorf("%s: line %d, column %d: empty class label", d.path, line, len(fs))
		}
		allInt = allInt && isInt
		inputs = append(inputs, x)
		keys = append(keys, key)
	}
	if err := sc.Err(); err != nil {
		return nil, nil, fmt.Errorf("%s: %v", d.path, err)
	}
	labels, names, classes, err := d.mapLabels(keys, allInt)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", d.path, err)
	}
	ds, err := cert.NewDataset(inputs, labels, nil, classes)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", d.path, err)
	}
	return ds, names, nil
}

// namedSkipRows is --skip-rows, or by default 1 when the first line is a header: when
// one of its fields but the last is not a number, or it has another number of fields
// than the second line (the iris header "150,4,setosa,…"). The label column of a
// named-label file is not numbers, so sniffHeader's rule does not apply.
func (d *dataFlags) namedSkipRows(raw []byte) int {
	if d.skipRows >= 0 {
		return d.skipRows
	}
	lines := strings.SplitN(string(raw), "\n", 3)
	if len(lines) == 0 {
		return 0
	}
	first := strings.Split(strings.TrimSpace(lines[0]), ",")
	for _, f := range first[:len(first)-1] {
		if _, ok := new(big.Rat).SetString(strings.TrimSpace(f)); !ok {
			return 1
		}
	}
	if len(lines) > 1 && strings.TrimSpace(lines[1]) != "" && len(strings.Split(strings.TrimSpace(lines[1]), ",")) != len(first) {
		return 1
	}
	return 0
}

// mapLabels turns label keys (labelKey spellings) into class indices: in the order of
// --class-names when given, else ascending (allInt) or lexicographic. It returns the
// indices, the names in index order and the number of classes (--classes if larger).
func (d *dataFlags) mapLabels(keys []string, allInt bool) ([]int, []string, int, error) {
	var names []string
	index := map[string]int{}
	if d.classNames != "" {
		for _, n := range splitList(d.classNames) {
			k, _ := labelKey(n)
			if _, dup := index[k]; dup {
				return nil, nil, 0, fmt.Errorf("--class-names: %q given twice", n)
			}
			index[k] = len(names)
			names = append(names, k)
		}
	} else {
		seen := map[string]bool{}
		for _, k := range keys {
			if !seen[k] {
				seen[k] = true
				names = append(names, k)
			}
		}
		if allInt {
			sort.Slice(names, func(i, j int) bool {
				a, _ := new(big.Rat).SetString(names[i])
				b, _ := new(big.Rat).SetString(names[j])
				return a.Cmp(b) < 0
			})
		} else {
			sort.Strings(names)
		}
		for i, n := range names {
			index[n] = i
		}
	}
	labels := make([]int, len(keys))
	for i, k := range keys {
		c, ok := index[k]
		if !ok {
			return nil, nil, 0, fmt.Errorf("point %d: class label %q is not one of --class-names (%s)", i, clipStr(k), strings.Join(names, ","))
		}
		labels[i] = c
	}
	classes := len(names)
	if d.classes > 0 {
		if d.classes < classes {
			return nil, nil, 0, fmt.Errorf("--classes %d: the data have %d distinct labels", d.classes, classes)
		}
		classes = d.classes
	}
	return labels, names, classes, nil
}

func clipStr(s string) string {
	if len(s) > 40 {
		return s[:40] + "…"
	}
	return s
}

// classNamesParam is the provenance parameter's value: the names as a JSON array.
func classNamesParam(names []string) string {
	var b strings.Builder
	b.WriteByte('[')
	for i, n := range names {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, "%q", n)
	}
	b.WriteByte(']')
	return b.String()
}
