package cert

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"math/big"
	"os"
	"path/filepath"
	"strings"
)

// Source describes a dataset stored in files.
type Source struct {
	Format string // "csv" or "idx"
	// CSV: one point per line, comma-separated exact numbers, the label(s) last.
	Path         string
	SkipRows     int  // header lines to skip
	DetectHeader bool // with SkipRows 0: skip the first line when it is not all numbers (Loaded.SkipRows says)
	LabelColumns int  // regression: number of target columns (default 1)
	// IDX (MNIST, Fashion-MNIST): images and labels in two files, gzip or not.
	Images, LabelsPath string
	// Limit keeps only the first Limit points (0: all).
	Limit int
	Task  Task
	// Classes declared (0: derived).
	Classes int
	// SHA256, when set, is the expected SHA-256 of each file as stored (Path, or Images then
	// LabelsPath): a file whose hash differs is refused before it is parsed, and nothing of
	// its content is shown.
	SHA256 []string
	// DropConflicts keeps the first copy of an input that recurs with another label and
	// drops the later ones (Loaded.Dropped lists them) instead of refusing the dataset.
	// Certificates never set it: the CLI's --dedupe does, and writes the kept points inline.
	DropConflicts bool
}

// FileSHA256 hashes a file's bytes as stored (before any decompression).
func FileSHA256(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", fmt.Errorf("%s: %v", path, err)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// HashMismatchError is a data file whose SHA-256 is not the one expected. Index is the
// file's position in Source.SHA256.
type HashMismatchError struct {
	Index     int
	Path      string
	Got, Want string
}

func (e *HashMismatchError) Error() string {
	return fmt.Sprintf("%s: the file's SHA-256 is %s, the certificate says %s (the file was not read further)", e.Path, e.Got, e.Want)
}

// readStored reads a regular file of at most lim.MaxFileBytes, hashing it as it is read,
// and refuses it when its SHA-256 is not want (unless want is ""). It then returns a
// reader of its content, decompressed when it is gzip, that fails past lim.MaxFileBytes.
// The file is read once.
func readStored(path string, index int, want string, lim Limits) (io.Reader, string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, "", err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, "", err
	}
	if !st.Mode().IsRegular() {
		return nil, "", fmt.Errorf("%s: not a regular file (%s); a dataset is read from a file", path, st.Mode().Type())
	}
	if st.Size() > lim.MaxFileBytes {
		return nil, "", fmt.Errorf("%s: %d bytes, more than the limit of %d bytes", path, st.Size(), lim.MaxFileBytes)
	}
	raw := make([]byte, 0, st.Size()+1)
	for {
		n, err := f.Read(raw[len(raw):cap(raw)])
		raw = raw[:len(raw)+n]
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, "", fmt.Errorf("%s: %v", path, err)
		}
		if int64(len(raw)) > lim.MaxFileBytes {
			return nil, "", fmt.Errorf("%s: grew past the limit of %d bytes while being read", path, lim.MaxFileBytes)
		}
		if len(raw) == cap(raw) {
			raw = append(raw, 0)[:len(raw)]
		}
	}
	sum := sha256.Sum256(raw)
	digest := hex.EncodeToString(sum[:])
	if want != "" && digest != want {
		return nil, "", &HashMismatchError{Index: index, Path: path, Got: digest, Want: want}
	}
	r, err := decompressed(bytes.NewReader(raw), path, lim.MaxFileBytes)
	return r, digest, err
}

// decompressed returns r when it does not start with gzip's magic bytes, else a reader of
// its decompressed content that fails once more than limit bytes come out (a
// decompression bomb) and reads at most limit bytes of r. The one place gzip is
// recognised: data files and certificates. name names the input in errors.
func decompressed(r io.Reader, name string, limit int64) (io.Reader, error) {
	br := bufio.NewReader(r)
	if magic, _ := br.Peek(2); len(magic) < 2 || magic[0] != 0x1f || magic[1] != 0x8b {
		return br, nil
	}
	zr, err := gzip.NewReader(io.LimitReader(br, limit))
	if err != nil {
		return nil, fmt.Errorf("%s: corrupt gzip: %v", name, err)
	}
	return &boundedReader{r: zr, limit: limit, path: name}, nil
}

// boundedReader fails once more than limit bytes have been read (a decompression bomb).
type boundedReader struct {
	r           io.Reader
	read, limit int64
	path        string
}

func (b *boundedReader) Read(p []byte) (int, error) {
	n, err := b.r.Read(p)
	b.read += int64(n)
	if b.read > b.limit {
		return 0, fmt.Errorf("%s: decompresses to more than the limit of %d bytes", b.path, b.limit)
	}
	if err != nil && err != io.EOF {
		return n, fmt.Errorf("%s: corrupt or truncated gzip: %v", b.path, err)
	}
	return n, err
}

// Loaded is what Load read.
type Loaded struct {
	Data *Dataset
	// SHA256 of each file as stored: Path, or Images then LabelsPath.
	SHA256 []string
	// SkipRows is the number of header lines skipped (Source.DetectHeader may add one).
	SkipRows int
	// Dropped lists, with Source.DropConflicts, the points (0-based, in file order) dropped
	// because an earlier point has the same input and another label.
	Dropped []int
}

// Load reads a dataset from files, each file once: its bytes are hashed as they are read
// and checked against Source.SHA256 before anything is parsed; gzip is recognised by its
// magic bytes and decompressed as the data are parsed, within lim.MaxFileBytes.
func Load(src Source, lim Limits) (*Loaded, error) {
	lim = lim.withDefaults()
	var paths []string
	switch src.Format {
	case "csv":
		paths = []string{src.Path}
	case "idx":
		paths = []string{src.Images, src.LabelsPath}
	default:
		return nil, fieldErr("dataset.source.format", "is %q; want \"csv\" or \"idx\"", clip(src.Format))
	}
	out := &Loaded{SkipRows: src.SkipRows}
	var rs []io.Reader
	for i, p := range paths {
		want := ""
		if i < len(src.SHA256) {
			want = src.SHA256[i]
		}
		r, sum, err := readStored(p, i, want, lim)
		if err != nil {
			return nil, err
		}
		rs, out.SHA256 = append(rs, r), append(out.SHA256, sum)
	}
	var b *builder
	var labels []int
	var targets [][]*big.Rat
	var err error
	if src.Format == "csv" {
		if b, labels, targets, err = parseCSV(rs[0], src, lim, out); err != nil {
			return nil, fmt.Errorf("%s: %w", src.Path, err)
		}
	} else if b, labels, err = parseIDX(rs[0], rs[1], src, lim); err != nil {
		return nil, err
	}
	classes := src.Classes
	if src.Task == Regression {
		classes = 0
		if targets == nil {
			targets = [][]*big.Rat{}
		}
	}
	if out.Data, out.Dropped, err = b.finish(labels, targets, classes, src.DropConflicts); err != nil {
		return nil, err
	}
	return out, nil
}

// LoadSource reads a dataset from files (see Load). It returns the dataset and the SHA-256
// of each file read (in the order path/images, labels).
func LoadSource(src Source, lim Limits) (*Dataset, []string, error) {
	l, err := Load(src, lim)
	if err != nil {
		return nil, nil, err
	}
	return l.Data, l.SHA256, nil
}

// LoadRef loads a dataset from its file reference and checks the files' SHA-256 before
// parsing them.
//
// Where data may be: a relative path (slash-separated) is looked up in the certificate's
// folder dir, then in each of lim.DataRoots in order; an absolute path is read only when it
// lies in dir or in one of lim.DataRoots. In every case the file, with symbolic links
// resolved, must lie inside the folder it was found in (so "../x" and links out are
// refused), must be a regular file, and must have the pinned SHA-256; a file that does not
// is never parsed and nothing of its content is shown.
func LoadRef(s *SourceRef, dir string, lim Limits) (*Dataset, error) {
	task, err := parseTask(s.Task)
	if err != nil {
		return nil, fieldErr("dataset.source.task", "%v", err)
	}
	if s.Limit < 0 || s.SkipRows < 0 || s.LabelColumns < 0 || s.Classes < 0 {
		return nil, fieldErr("dataset.source", "limit, skip_rows, label_columns and classes cannot be negative")
	}
	src := Source{Format: s.Format, Task: task, Classes: s.Classes, Limit: s.Limit, SkipRows: s.SkipRows, LabelColumns: s.LabelColumns}
	var want, names, fields []string
	var paths []*string
	switch s.Format {
	case "csv":
		if s.Path == "" {
			return nil, fieldErr("dataset.source.path", "missing")
		}
		want, names = []string{s.SHA256}, []string{"dataset.source.sha256"}
		fields, paths = []string{"dataset.source.path"}, []*string{&src.Path}
		src.Path = s.Path
	case "idx":
		if s.Images == "" || s.Labels == "" {
			return nil, fieldErr("dataset.source", "an idx source needs images and labels")
		}
		if task != Classification {
			return nil, fieldErr("dataset.source.task", "idx files hold class labels")
		}
		want, names = []string{s.ImagesSHA256, s.LabelsSHA256}, []string{"dataset.source.images_sha256", "dataset.source.labels_sha256"}
		fields, paths = []string{"dataset.source.images", "dataset.source.labels"}, []*string{&src.Images, &src.LabelsPath}
		src.Images, src.LabelsPath = s.Images, s.Labels
	default:
		return nil, fieldErr("dataset.source.format", "is %q; want \"csv\" or \"idx\"", clip(s.Format))
	}
	for i, h := range want {
		if len(h) != 64 || strings.ToLower(h) != h || strings.Trim(h, "0123456789abcdef") != "" {
			return nil, fieldErr(names[i], "must be the file's SHA-256 as 64 lower-case hex digits")
		}
	}
	for i, p := range paths {
		resolved, err := resolveData(*p, dir, lim.DataRoots)
		if err != nil {
			return nil, fieldErr(fields[i], "%v", err)
		}
		*p = resolved
	}
	src.SHA256 = want
	l, err := Load(src, lim)
	if err != nil {
		var hm *HashMismatchError
		if errors.As(err, &hm) {
			return nil, fieldErr(names[hm.Index], "the file's SHA-256 is %s, the certificate says %s (the file was not parsed)", hm.Got, hm.Want)
		}
		var me *MalformedError
		if errors.As(err, &me) {
			return nil, err
		}
		return nil, &MalformedError{Path: "dataset.source", Msg: err.Error()}
	}
	return l.Data, nil
}

// resolveData finds a data file named by a certificate (see LoadRef for the rules).
func resolveData(p, dir string, roots []string) (string, error) {
	if dir == "" {
		dir = "."
	}
	if strings.ContainsRune(p, 0) {
		return "", fmt.Errorf("%q is not a path", clipPath(p))
	}
	all := append([]string{dir}, roots...)
	local := filepath.FromSlash(p)
	var tried []string
	out := false // a candidate lies outside its folder (lexically or through a link)
	for _, root := range all {
		cand := local
		if !filepath.IsAbs(local) {
			cand = filepath.Join(root, local)
		}
		if !inside(cand, root, false) {
			out = true
			continue
		}
		if _, err := os.Stat(cand); err != nil {
			tried = append(tried, cand)
			continue
		}
		if !inside(cand, root, true) {
			out = true
			continue
		}
		return cand, nil
	}
	switch {
	case !out:
		return "", fmt.Errorf("%q: no such file (looked for %s)", clipPath(p), strings.Join(tried, ", "))
	case filepath.IsAbs(local):
		return "", fmt.Errorf("%q lies outside the certificate's folder; data outside it are read only from folders allowed with --data-root", clipPath(p))
	}
	return "", fmt.Errorf("%q leads outside the certificate's folder; data outside it are read only from folders allowed with --data-root", clipPath(p))
}

// clipPath shortens a path for a message, less than clip does (paths are long).
func clipPath(p string) string {
	if len(p) > 300 {
		return strings.ToValidUTF8(p[:300], "") + "…"
	}
	return p
}

// inside reports whether path lies in the folder root: lexically, and when links is set
// also with symbolic links resolved (path must exist).
func inside(path, root string, links bool) bool {
	within := func(p, r string) bool {
		rel, err := filepath.Rel(r, p)
		return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) && !filepath.IsAbs(rel)
	}
	ap, err1 := filepath.Abs(path)
	ar, err2 := filepath.Abs(root)
	if err1 != nil || err2 != nil || !within(ap, ar) {
		return false
	}
	if !links {
		return true
	}
	rp, err1 := filepath.EvalSymlinks(ap)
	rr, err2 := filepath.EvalSymlinks(ar)
	return err1 == nil && err2 == nil && within(rp, rr)
}
