package main

import (
	"fmt"
	"path/filepath"
	"strings"

	"certify/cert"

	"github.com/spf13/cobra"
)

// dataFlags select a dataset stored in files: CSV (label last) or IDX images + labels.
type dataFlags struct {
	path         string
	labels       string
	format       string
	task         string
	classes      int
	skipRows     int
	labelColumns int
	limit        int
	classNames   string // labels.go
}

func (d *dataFlags) add(cmd *cobra.Command) {
	f := cmd.Flags()
	f.StringVar(&d.path, "data", "", "dataset file: CSV (one point per line, label last; .gz allowed) or IDX images (with --labels)")
	f.StringVar(&d.labels, "labels", "", "IDX labels file (for IDX images given by --data)")
	f.StringVar(&d.format, "format", "", "csv, idx, npy, npz or libsvm (default: from the content and the file names)")
	f.StringVar(&d.task, "task", "classification", "classification (integer class label) or regression (rational targets)")
	f.IntVar(&d.classes, "classes", 0, "number of classes (default: largest label + 1)")
	f.IntVar(&d.skipRows, "skip-rows", -1, "CSV header lines to skip (default: 1 if the first line is iris-style 'N,d,names…' header, else 0)")
	f.IntVar(&d.labelColumns, "label-columns", 1, "regression: number of target columns at the end of each CSV line")
	f.IntVar(&d.limit, "limit", 0, "keep only the first N points (0: all)")
	f.StringVar(&d.classNames, "class-names", "", "CSV class labels in index order, comma-separated (default: labels that are not 0..C-1 are sorted, integers numerically; see labels.go)")
}

// source is the dataset the flags name, as cert.Load reads it.
func (d *dataFlags) source() (cert.Source, error) {
	if d.path == "" {
		return cert.Source{}, fmt.Errorf("--data is required")
	}
	format := d.format
	if format == "" {
		switch {
		case d.labels != "" || strings.Contains(filepath.Base(d.path), "idx"):
			format = "idx"
		default:
			format = "csv"
		}
	}
	src := cert.Source{Format: format, Classes: d.classes, Limit: d.limit}
	switch d.task {
	case "classification":
	case "regression":
		src.Task = cert.Regression
		src.LabelColumns = d.labelColumns
	default:
		return src, fmt.Errorf("--task is %q; want classification or regression", d.task)
	}
	switch format {
	case "csv":
		src.Path = d.path
		if d.skipRows < 0 {
			src.DetectHeader = true
		} else {
			src.SkipRows = d.skipRows
		}
	case "idx":
		if d.labels == "" {
			return src, fmt.Errorf("IDX images need --labels")
		}
		src.Images, src.LabelsPath = d.path, d.labels
	default:
		return src, fmt.Errorf("--format is %q; want csv or idx", format)
	}
	return src, nil
}

// load reads the dataset (each file once) and returns it with its reference for a
// certificate in the folder base. Data the kernel does not read by reference
// (datafiles.go) give a nil reference.
func (d *dataFlags) load(base string, lim cert.Limits) (*cert.Dataset, *cert.SourceRef, error) {
	if d.needsInline() {
		ds, _, err := loadInline(d, lim)
		return ds, nil, err
	}
	l, r, err := d.loadAll(base, lim, false)
	if err != nil {
		return nil, nil, err
	}
	return l.Data, r, nil
}

// loadAll is load with what cert.Load reports; dropConflicts is --dedupe's policy.
func (d *dataFlags) loadAll(base string, lim cert.Limits, dropConflicts bool) (*cert.Loaded, *cert.SourceRef, error) {
	src, err := d.source()
	if err != nil {
		return nil, nil, err
	}
	src.DropConflicts = dropConflicts
	l, err := cert.Load(src, lim)
	if err != nil {
		return nil, nil, err
	}
	r := &cert.SourceRef{Format: src.Format, Classes: src.Classes, Limit: src.Limit}
	if src.Task == cert.Regression {
		r.Task = "regression"
		if src.LabelColumns != 1 {
			r.LabelColumns = src.LabelColumns
		}
	}
	switch src.Format {
	case "csv":
		r.Path, r.SHA256, r.SkipRows = relTo(base, src.Path), l.SHA256[0], l.SkipRows
	case "idx":
		r.Images, r.ImagesSHA256 = relTo(base, src.Images), l.SHA256[0]
		r.Labels, r.LabelsSHA256 = relTo(base, src.LabelsPath), l.SHA256[1]
	}
	return l, r, nil
}

// roots are the folders of the data files, which a certificate written elsewhere names
// by absolute path: the command's own check of what it wrote may read them.
func (d *dataFlags) roots() []string {
	var out []string
	for _, p := range []string{d.path, d.labels} {
		if p != "" {
			if a, err := filepath.Abs(filepath.Dir(p)); err == nil {
				out = append(out, a)
			}
		}
	}
	return out
}

// relTo expresses p relative to base when p lies below base, and as an absolute,
// slash-separated path otherwise, so that certificates are the same on every machine
// that has the same layout.
func relTo(base, p string) string {
	ab, err1 := filepath.Abs(base)
	ap, err2 := filepath.Abs(p)
	if err1 != nil || err2 != nil {
		return filepath.ToSlash(p)
	}
	rel, err := filepath.Rel(ab, ap)
	if err != nil || strings.HasPrefix(rel, "..") {
		return filepath.ToSlash(ap)
	}
	return filepath.ToSlash(rel)
}
