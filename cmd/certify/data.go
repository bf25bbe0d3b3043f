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

// ref describes the dataset as a certificate's file reference, with paths relative to
// base (the folder the certificate will be in) where the file lies below it.
func (d *dataFlags) ref(base string) (*cert.SourceRef, error) {
	if d.path == "" {
		return nil, fmt.Errorf("--data is required")
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
	r := &cert.SourceRef{Format: format, Task: d.task, Classes: d.classes, Limit: d.limit}
	if d.task == "classification" {
		r.Task = ""
	}
	switch format {
	case "csv":
		r.Path = relTo(base, d.path)
		sum, err := cert.FileSHA256(d.path)
		if err != nil {
			return nil, err
		}
		r.SHA256 = sum
		r.SkipRows = d.skipRows
		if r.SkipRows < 0 {
			r.SkipRows = 0
			if hdr, err := sniffHeader(d.path); err == nil && hdr {
				r.SkipRows = 1
			}
		}
		if d.task == "regression" && d.labelColumns != 1 {
			r.LabelColumns = d.labelColumns
		}
	case "idx":
		if d.labels == "" {
			return nil, fmt.Errorf("IDX images need --labels")
		}
		r.Images, r.Labels = relTo(base, d.path), relTo(base, d.labels)
		var err error
		if r.ImagesSHA256, err = cert.FileSHA256(d.path); err != nil {
			return nil, err
		}
		if r.LabelsSHA256, err = cert.FileSHA256(d.labels); err != nil {
			return nil, err
		}
	default:
		return nil, fmt.Errorf("--format is %q; want csv or idx", format)
	}
	return r, nil
}

// load reads the dataset. base is the folder its reference is relative to.
// Data the kernel does not read by reference (datafiles.go) give a nil reference.
func (d *dataFlags) load(base string, lim cert.Limits) (*cert.Dataset, *cert.SourceRef, error) {
	if d.needsInline() {
		ds, _, err := loadInline(d, lim)
		return ds, nil, err
	}
	r, err := d.ref(base)
	if err != nil {
		return nil, nil, err
	}
	ds, err := cert.LoadRef(r, base, lim)
	if err != nil {
		return nil, nil, err
	}
	return ds, r, nil
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
