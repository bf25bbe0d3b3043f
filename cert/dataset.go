package cert

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"hash/maphash"
	"io"
	"math"
	"math/big"
	"os"
	"strings"
)

// Task says what a dataset's labels are.
type Task uint8

// Tasks. Add new ones at the end.
const (
	Classification Task = iota // labels are class indices 0..Classes-1
	Regression                 // labels are vectors of rationals of length LabelDim
)

func (t Task) String() string {
	if t == Regression {
		return "regression"
	}
	return "classification"
}

// Dataset is N labelled points in Q^D. Inputs are stored as integers over one common
// denominator when they fit in int64 (real image data always does), as rationals otherwise.
type Dataset struct {
	Task     Task
	Classes  int // Classification: number of classes (labels are < Classes)
	LabelDim int // Regression: length of each target; Classification: 1
	N, D     int

	xInt []int64 // N*D numerators over xDen, when xRat == nil
	xDen int64
	xRat [][]*big.Rat

	Labels  []int        // Classification
	Targets [][]*big.Rat // Regression

	// Duplicates lists pairs (i, j), i < j, of identical inputs with identical labels.
	// Identical inputs with different labels are refused when the dataset is built.
	Duplicates [][2]int
}

// Input returns point i as rationals (freshly allocated).
func (d *Dataset) Input(i int) []*big.Rat {
	if d.xRat != nil {
		return d.xRat[i]
	}
	out := make([]*big.Rat, d.D)
	den := big.NewInt(d.xDen)
	for k := range out {
		out[k] = new(big.Rat).SetFrac(big.NewInt(d.xInt[i*d.D+k]), den)
	}
	return out
}

// Target returns the label of point i as a vector of rationals: the target for
// regression, the one-element vector (class index) for classification.
func (d *Dataset) Target(i int) []*big.Rat {
	if d.Task == Regression {
		return d.Targets[i]
	}
	return []*big.Rat{big.NewRat(int64(d.Labels[i]), 1)}
}

// TargetVector is the vector a network with outDim outputs must compute at point i for
// the exact and ε claims: the target for regression; for classification the class index
// when outDim is 1, else the one-hot vector of the class.
func (d *Dataset) TargetVector(i, outDim int) []*big.Rat {
	if d.Task == Regression || outDim == 1 {
		return d.Target(i)
	}
	t := make([]*big.Rat, outDim)
	for k := range t {
		t[k] = new(big.Rat)
	}
	t[d.Labels[i]].SetInt64(1)
	return t
}

// IntInputs reports the inputs as integers over a common denominator when they are stored
// that way: x[i][k] = num[i*D+k] / den.
func (d *Dataset) IntInputs() (num []int64, den int64, ok bool) {
	return d.xInt, d.xDen, d.xRat == nil
}

// NewDataset builds a dataset from rational inputs and labels, checking shapes, storing
// the inputs compactly, and finding duplicates. Exactly one of labels and targets is
// non-nil. classes may be 0 for classification (then max label + 1 is used).
func NewDataset(inputs [][]*big.Rat, labels []int, targets [][]*big.Rat, classes int) (*Dataset, error) {
	b := newBuilder(len(inputs))
	for i, x := range inputs {
		if err := b.add(x); err != nil {
			return nil, fieldErr(fmt.Sprintf("dataset.inputs[%d]", i), "%v", err)
		}
	}
	return b.finish(labels, targets, classes)
}

// builder accumulates inputs, switching from int64 to rational storage when needed.
type builder struct {
	d    int
	num  []int64
	den  int64
	rats [][]*big.Rat
	n    int
	// dropConflicts: finish drops later copies of an input with another label, listing
	// them in dropped, instead of refusing the dataset.
	dropConflicts bool
	dropped       []int
}

func newBuilder(capHint int) *builder { return &builder{d: -1, den: 1} }

func (b *builder) add(x []*big.Rat) error {
	if b.d < 0 {
		b.d = len(x)
		if b.d == 0 {
			return errors.New("a point needs at least one coordinate")
		}
	}
	if len(x) != b.d {
		return fmt.Errorf("has %d coordinates but earlier points have %d", len(x), b.d)
	}
	b.n++
	if b.rats != nil {
		b.rats = append(b.rats, x)
		return nil
	}
	// Fit x into the common denominator, growing it when needed.
	for _, v := range x {
		if !v.Denom().IsInt64() {
			b.toRat(x)
			return nil
		}
		q := v.Denom().Int64()
		if b.den%q != 0 {
			l, ok := lcm64(b.den, q)
			if !ok || !b.rescale(l/b.den) {
				b.toRat(x)
				return nil
			}
		}
	}
	start := len(b.num)
	for _, v := range x {
		num := new(big.Int).Mul(v.Num(), big.NewInt(b.den/v.Denom().Int64()))
		if !num.IsInt64() {
			b.num = b.num[:start]
			b.toRat(x)
			return nil
		}
		b.num = append(b.num, num.Int64())
	}
	return nil
}

// addInts adds a point of integer coordinates: add without math/big when the storage is
// integral and nothing overflows, add otherwise.
func (b *builder) addInts(x []int64) error {
	if b.rats != nil || len(x) == 0 || b.d >= 0 && len(x) != b.d {
		return b.add(ratsOf(x))
	}
	start := len(b.num)
	for _, v := range x {
		w, ok := mul64(v, b.den)
		if !ok {
			b.num = b.num[:start]
			return b.add(ratsOf(x))
		}
		b.num = append(b.num, w)
	}
	b.d = len(x)
	b.n++
	return nil
}

func ratsOf(x []int64) []*big.Rat {
	out := make([]*big.Rat, len(x))
	for i, v := range x {
		out[i] = big.NewRat(v, 1)
	}
	return out
}

// smallInt reads a decimal integer of at most 18 digits ("-" allowed) and at most
// maxDigits, as ParseRat would; false sends the string to ParseRat.
func smallInt(s string, maxDigits int) (int64, bool) {
	neg := len(s) > 0 && s[0] == '-'
	if neg {
		s = s[1:]
	}
	if len(s) == 0 || len(s) > 18 || len(s) > maxDigits {
		return 0, false
	}
	var v int64
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		v = v*10 + int64(c-'0')
	}
	if neg {
		v = -v
	}
	return v, true
}

// rescale multiplies every stored numerator by f; false on overflow (nothing changed).
func (b *builder) rescale(f int64) bool {
	for _, v := range b.num {
		if _, ok := mul64(v, f); !ok {
			return false
		}
	}
	for i := range b.num {
		b.num[i] *= f
	}
	b.den *= f
	return true
}

// toRat converts the storage to rationals and appends x (the point being added).
func (b *builder) toRat(x []*big.Rat) {
	n := len(b.num) / b.d
	b.rats = make([][]*big.Rat, 0, n+1)
	den := big.NewInt(b.den)
	for i := 0; i < n; i++ {
		row := make([]*big.Rat, b.d)
		for k := range row {
			row[k] = new(big.Rat).SetFrac(big.NewInt(b.num[i*b.d+k]), den)
		}
		b.rats = append(b.rats, row)
	}
	b.rats = append(b.rats, x)
	b.num = nil
}

func (b *builder) finish(labels []int, targets [][]*big.Rat, classes int) (*Dataset, error) {
	derived := classes <= 0
	if b.n == 0 {
		return nil, fieldErr("dataset", "is empty: a dataset needs at least one point")
	}
	ds := &Dataset{N: b.n, D: b.d, xInt: b.num, xDen: b.den, xRat: b.rats}
	switch {
	case targets != nil:
		ds.Task = Regression
		if len(targets) != b.n {
			return nil, fieldErr("dataset.targets", "has %d entries for %d points", len(targets), b.n)
		}
		ds.LabelDim = len(targets[0])
		if ds.LabelDim == 0 {
			return nil, fieldErr("dataset.targets[0]", "is empty")
		}
		for i, t := range targets {
			if len(t) != ds.LabelDim {
				return nil, fieldErr(fmt.Sprintf("dataset.targets[%d]", i), "has %d entries but targets[0] has %d", len(t), ds.LabelDim)
			}
		}
		ds.Targets = targets
	default:
		ds.Task = Classification
		ds.LabelDim = 1
		if len(labels) != b.n {
			return nil, fieldErr("dataset.labels", "has %d entries for %d points", len(labels), b.n)
		}
		maxL := 0
		for i, l := range labels {
			if l < 0 {
				return nil, fieldErr(fmt.Sprintf("dataset.labels[%d]", i), "is %d; class labels are 0, 1, 2, …", l)
			}
			if classes > 0 && l >= classes {
				return nil, fieldErr(fmt.Sprintf("dataset.labels[%d]", i), "is %d but the dataset declares %d classes", l, classes)
			}
			maxL = max(maxL, l)
		}
		if classes <= 0 {
			classes = maxL + 1
		}
		ds.Classes = classes
		ds.Labels = labels
	}
	if b.dropConflicts {
		b.dropped = ds.dropConflicts()
		if ds.Task == Classification && derived && len(b.dropped) > 0 {
			ds.Classes = 0 // derived from the labels kept
			for _, l := range ds.Labels {
				ds.Classes = max(ds.Classes, l+1)
			}
		}
	}
	if err := ds.findDuplicates(); err != nil {
		return nil, err
	}
	return ds, nil
}

// dropConflicts removes every point whose input equals an earlier kept point's and whose
// label differs from it, and returns their indices.
func (d *Dataset) dropConflicts() []int {
	seed := maphash.MakeSeed()
	seen := make(map[uint64][]int, d.N)
	var dropped []int
	var buf []byte
	for i := 0; i < d.N; i++ {
		buf = d.appendKey(buf[:0], i)
		h := maphash.Bytes(seed, buf)
		drop := false
		for _, j := range seen[h] {
			if d.sameInput(i, j) {
				drop = d.labelString(i) != d.labelString(j)
				break
			}
		}
		if drop {
			dropped = append(dropped, i)
			continue
		}
		seen[h] = append(seen[h], i)
	}
	if len(dropped) == 0 {
		return nil
	}
	k, next := 0, 0
	for i := 0; i < d.N; i++ {
		if next < len(dropped) && dropped[next] == i {
			next++
			continue
		}
		if d.xRat == nil {
			copy(d.xInt[k*d.D:(k+1)*d.D], d.xInt[i*d.D:(i+1)*d.D])
		} else {
			d.xRat[k] = d.xRat[i]
		}
		if d.Task == Regression {
			d.Targets[k] = d.Targets[i]
		} else {
			d.Labels[k] = d.Labels[i]
		}
		k++
	}
	d.N = k
	if d.xRat == nil {
		d.xInt = d.xInt[:k*d.D]
	} else {
		d.xRat = d.xRat[:k]
	}
	if d.Task == Regression {
		d.Targets = d.Targets[:k]
	} else {
		d.Labels = d.Labels[:k]
	}
	return dropped
}

// ConflictError reports two identical inputs with different labels: no function
// memorises such a dataset.
type ConflictError struct {
	I, J           int
	LabelI, LabelJ string
}

func (e *ConflictError) Error() string {
	return fmt.Sprintf("dataset: points %d and %d have identical inputs but different labels (%s and %s); no function can memorise both", e.I, e.J, e.LabelI, e.LabelJ)
}

func (d *Dataset) findDuplicates() error {
	seed := maphash.MakeSeed()
	seen := make(map[uint64][]int, d.N)
	var buf []byte
	for i := 0; i < d.N; i++ {
		buf = d.appendKey(buf[:0], i)
		h := maphash.Bytes(seed, buf)
		for _, j := range seen[h] {
			if !d.sameInput(i, j) {
				continue
			}
			if li, lj := d.labelString(i), d.labelString(j); li != lj {
				return &ConflictError{I: j, J: i, LabelI: lj, LabelJ: li}
			}
			d.Duplicates = append(d.Duplicates, [2]int{j, i})
			break
		}
		seen[h] = append(seen[h], i)
	}
	return nil
}

func (d *Dataset) appendKey(buf []byte, i int) []byte {
	if d.xRat == nil {
		for _, v := range d.xInt[i*d.D : (i+1)*d.D] {
			buf = binary.LittleEndian.AppendUint64(buf, uint64(v))
		}
		return buf
	}
	return append(buf, ratKey(d.xRat[i])...)
}

func (d *Dataset) sameInput(i, j int) bool {
	if d.xRat == nil {
		a, b := d.xInt[i*d.D:(i+1)*d.D], d.xInt[j*d.D:(j+1)*d.D]
		for k := range a {
			if a[k] != b[k] {
				return false
			}
		}
		return true
	}
	for k := range d.xRat[i] {
		if d.xRat[i][k].Cmp(d.xRat[j][k]) != 0 {
			return false
		}
	}
	return true
}

func (d *Dataset) labelString(i int) string {
	if d.Task == Regression {
		return "(" + ratKey(d.Targets[i]) + ")"
	}
	return fmt.Sprint(d.Labels[i])
}

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

// Limits bound the resources that input size drives, and the folders a certificate may
// read data from. Zero fields take the defaults.
type Limits struct {
	MaxDigits    int   // digits in one number (DefaultMaxDigits)
	MaxFileBytes int64 // bytes of one file, as stored and after decompression (DefaultMaxFileBytes)
	MaxPoints    int   // points in a dataset (DefaultMaxPoints)
	MaxParams    int64 // weights and biases in a network (DefaultMaxParams)
	// DataRoots are folders, besides the certificate's own, that a certificate's dataset
	// reference may name files in (see LoadRef).
	DataRoots []string
}

// The default limits. They keep the largest accepted input within a few GiB of memory: a
// file is held once as stored (≤ 256 MiB), a network of 10 million parameters takes about
// 2 GiB as exact rationals, and a million points of a CSV file about as much.
const (
	DefaultMaxFileBytes = 256 << 20
	DefaultMaxPoints    = 1_000_000
	DefaultMaxParams    = 10_000_000
)

func (l Limits) withDefaults() Limits {
	if l.MaxDigits <= 0 {
		l.MaxDigits = DefaultMaxDigits
	}
	if l.MaxFileBytes <= 0 {
		l.MaxFileBytes = DefaultMaxFileBytes
	}
	if l.MaxPoints <= 0 {
		l.MaxPoints = DefaultMaxPoints
	}
	if l.MaxParams <= 0 {
		l.MaxParams = DefaultMaxParams
	}
	return l
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
	var r io.Reader = bytes.NewReader(raw)
	if len(raw) >= 2 && raw[0] == 0x1f && raw[1] == 0x8b {
		zr, err := gzip.NewReader(r)
		if err != nil {
			return nil, "", fmt.Errorf("%s: corrupt gzip: %v", path, err)
		}
		r = &boundedReader{r: zr, limit: lim.MaxFileBytes, path: path}
	}
	return r, digest, nil
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
	want := func(i int) string {
		if i < len(src.SHA256) {
			return src.SHA256[i]
		}
		return ""
	}
	out := &Loaded{SkipRows: src.SkipRows}
	switch src.Format {
	case "csv":
		r, sum, err := readStored(src.Path, 0, want(0), lim)
		if err != nil {
			return nil, err
		}
		out.SHA256 = []string{sum}
		b, labels, targets, err := parseCSV(r, src, lim, out)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", src.Path, err)
		}
		if err := out.finish(b, labels, targets, src); err != nil {
			return nil, err
		}
		return out, nil
	case "idx":
		imgs, s1, err := readStored(src.Images, 0, want(0), lim)
		if err != nil {
			return nil, err
		}
		labs, s2, err := readStored(src.LabelsPath, 1, want(1), lim)
		if err != nil {
			return nil, err
		}
		out.SHA256 = []string{s1, s2}
		b, labels, err := parseIDX(imgs, labs, src, lim)
		if err != nil {
			return nil, err
		}
		if err := out.finish(b, labels, nil, src); err != nil {
			return nil, err
		}
		return out, nil
	}
	return nil, fieldErr("dataset.source.format", "is %q; want \"csv\" or \"idx\"", clip(src.Format))
}

func (out *Loaded) finish(b *builder, labels []int, targets [][]*big.Rat, src Source) error {
	classes := src.Classes
	if src.Task == Regression {
		classes = 0
		if targets == nil {
			targets = [][]*big.Rat{}
		}
	}
	b.dropConflicts = src.DropConflicts
	ds, err := b.finish(labels, targets, classes)
	if err != nil {
		return err
	}
	out.Data, out.Dropped = ds, b.dropped
	return nil
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

// isHeader reports whether a CSV line is a header: one whose fields are not all numbers
// (scikit-learn's "150,4,setosa,…" or a line of column names).
func isHeader(line string) bool {
	for _, f := range strings.Split(strings.TrimSpace(line), ",") {
		f = strings.TrimSpace(f)
		if f == "" || strings.Trim(f, "-0123456789./") != "" {
			return true
		}
	}
	return false
}

// textReader refuses bytes that no CSV dataset has (NUL and the other control characters
// but tab, CR and LF), so that a binary file or a bomb of zeros is refused at its first
// byte rather than after a 64 MiB line.
type textReader struct {
	r   io.Reader
	off int64
	err error // the first error other than EOF: it explains a truncated last line
}

func (t *textReader) Read(p []byte) (int, error) {
	n, err := t.r.Read(p)
	for i, c := range p[:n] {
		if c < 0x20 && c != '\n' && c != '\r' && c != '\t' || c == 0x7f {
			t.err = fmt.Errorf("byte %d is 0x%02x, a control character: a CSV dataset is text", t.off+int64(i)+1, c)
			return i, t.err
		}
	}
	t.off += int64(n)
	if err != nil && err != io.EOF {
		t.err = err
	}
	return n, err
}

func parseCSV(r io.Reader, src Source, lim Limits, out *Loaded) (*builder, []int, [][]*big.Rat, error) {
	tr := &textReader{r: r}
	b, labels, targets, err := scanCSV(bufio.NewScanner(tr), src, lim, out)
	if tr.err != nil {
		// The input stopped (a limit, corrupt gzip): that, not the cut line, is the error.
		return nil, nil, nil, tr.err
	}
	return b, labels, targets, err
}

func scanCSV(sc *bufio.Scanner, src Source, lim Limits, out *Loaded) (*builder, []int, [][]*big.Rat, error) {
	const maxLine = 1 << 26
	sc.Buffer(make([]byte, 0, 1<<16), maxLine)
	b := newBuilder(0)
	var labels []int
	var targets [][]*big.Rat
	nLab := 1
	if src.Task == Regression && src.LabelColumns > 0 {
		nLab = src.LabelColumns
	}
	line := 0
	var ints []int64
	for sc.Scan() {
		line++
		if line <= src.SkipRows {
			continue
		}
		text := strings.TrimRight(sc.Text(), "\r")
		if line == 1 && src.DetectHeader && src.SkipRows == 0 && isHeader(text) {
			out.SkipRows = 1
			continue
		}
		if strings.TrimSpace(text) == "" {
			continue
		}
		if src.Limit > 0 && b.n >= src.Limit {
			break
		}
		if b.n >= lim.MaxPoints {
			return nil, nil, nil, fmt.Errorf("more than %d points (limit)", lim.MaxPoints)
		}
		fields := strings.Split(text, ",")
		if len(fields) <= nLab {
			return nil, nil, nil, fmt.Errorf("line %d: %d fields; need at least one input and %d label column(s)", line, len(fields), nLab)
		}
		nx := len(fields) - nLab
		// Most data are small integers (pixels, counts): read them without math/big.
		ints = ints[:0]
		for _, f := range fields[:nx] {
			v, ok := smallInt(strings.TrimSpace(f), lim.MaxDigits)
			if !ok {
				break
			}
			ints = append(ints, v)
		}
		if len(ints) == nx {
			if err := b.addInts(ints); err != nil {
				return nil, nil, nil, fmt.Errorf("line %d: %v", line, err)
			}
		} else {
			x := make([]*big.Rat, nx)
			for k := range x {
				v, err := ParseRat(strings.TrimSpace(fields[k]), lim.MaxDigits)
				if err != nil {
					return nil, nil, nil, fmt.Errorf("line %d, column %d: %v", line, k+1, err)
				}
				x[k] = v
			}
			if err := b.add(x); err != nil {
				return nil, nil, nil, fmt.Errorf("line %d: %v", line, err)
			}
		}
		labF := fields[len(fields)-nLab:]
		if src.Task == Regression {
			t := make([]*big.Rat, nLab)
			for k, f := range labF {
				v, err := ParseRat(strings.TrimSpace(f), lim.MaxDigits)
				if err != nil {
					return nil, nil, nil, fmt.Errorf("line %d, column %d: %v", line, nx+k+1, err)
				}
				t[k] = v
			}
			targets = append(targets, t)
		} else if v, ok := smallInt(strings.TrimSpace(labF[0]), lim.MaxDigits); ok && v >= 0 && v <= math.MaxInt32 {
			labels = append(labels, int(v))
		} else {
			v, err := ParseRat(strings.TrimSpace(labF[0]), lim.MaxDigits)
			if err != nil || !v.IsInt() || v.Sign() < 0 || !v.Num().IsInt64() || v.Num().Int64() > math.MaxInt32 {
				return nil, nil, nil, fmt.Errorf("line %d, column %d: class label %q is not a non-negative integer", line, len(fields), clip(labF[0]))
			}
			labels = append(labels, int(v.Num().Int64()))
		}
	}
	if err := sc.Err(); err != nil {
		if err == bufio.ErrTooLong {
			return nil, nil, nil, fmt.Errorf("line %d: longer than %d bytes", line+1, maxLine)
		}
		return nil, nil, nil, fmt.Errorf("line %d: %v", line+1, err)
	}
	return b, labels, targets, nil
}

// parseIDX reads unsigned-byte IDX images and labels as they are decompressed: the headers
// are checked against the limits before the pixels are read.
func parseIDX(imgs, labs io.Reader, src Source, lim Limits) (*builder, []int, error) {
	var hdr [4]byte
	if _, err := io.ReadFull(imgs, hdr[:]); err != nil || hdr[0] != 0 || hdr[1] != 0 || hdr[2] != 0x08 || hdr[3] == 0 {
		return nil, nil, fmt.Errorf("%s: not an unsigned-byte IDX file (bad magic)", src.Images)
	}
	nd := int(hdr[3])
	dims := make([]byte, 4*nd)
	if _, err := io.ReadFull(imgs, dims); err != nil {
		return nil, nil, fmt.Errorf("%s: truncated IDX header", src.Images)
	}
	n := int64(binary.BigEndian.Uint32(dims))
	dim := int64(1)
	for k := 1; k < nd; k++ {
		dim *= int64(binary.BigEndian.Uint32(dims[4*k:]))
		if dim > 1<<24 {
			return nil, nil, fmt.Errorf("%s: absurd image size in the IDX header", src.Images)
		}
	}
	if n*dim > lim.MaxFileBytes {
		return nil, nil, fmt.Errorf("%s: the header says %d images of %d bytes (%d bytes), more than the limit of %d bytes", src.Images, n, dim, n*dim, lim.MaxFileBytes)
	}
	var lh [8]byte
	if _, err := io.ReadFull(labs, lh[:]); err != nil || lh[0] != 0 || lh[1] != 0 || lh[2] != 0x08 || lh[3] != 1 {
		return nil, nil, fmt.Errorf("%s: not an unsigned-byte 1-D IDX label file (bad magic)", src.LabelsPath)
	}
	if nl := int64(binary.BigEndian.Uint32(lh[4:])); nl != n {
		return nil, nil, fmt.Errorf("%s: %d labels for %d images in %s", src.LabelsPath, nl, n, src.Images)
	}
	keep := n
	if src.Limit > 0 && int64(src.Limit) < n {
		keep = int64(src.Limit)
	}
	if keep > int64(lim.MaxPoints) {
		return nil, nil, fmt.Errorf("%s: %d points exceed the limit of %d", src.Images, keep, lim.MaxPoints)
	}
	if keep == 0 {
		return nil, nil, fieldErr("dataset", "is empty: a dataset needs at least one point")
	}
	d := int(dim)
	b := &builder{d: d, den: 1, n: int(keep), num: make([]int64, int(keep)*d)}
	row := make([]byte, d)
	for i := int64(0); i < n; i++ {
		if _, err := io.ReadFull(imgs, row); err != nil {
			return nil, nil, fmt.Errorf("%s: header says %d images of %d bytes, the file ends at image %d (truncated?): %v", src.Images, n, dim, i, err)
		}
		if i < keep {
			for k, v := range row {
				b.num[i*dim+int64(k)] = int64(v)
			}
		}
	}
	if err := atEOF(imgs); err != nil {
		return nil, nil, fmt.Errorf("%s: %v", src.Images, err)
	}
	lb := make([]byte, n)
	if _, err := io.ReadFull(labs, lb); err != nil {
		return nil, nil, fmt.Errorf("%s: header says %d labels, the file ends early (truncated?): %v", src.LabelsPath, n, err)
	}
	if err := atEOF(labs); err != nil {
		return nil, nil, fmt.Errorf("%s: %v", src.LabelsPath, err)
	}
	labels := make([]int, keep)
	for i := range labels {
		labels[i] = int(lb[i])
	}
	return b, labels, nil
}

// atEOF checks that r has nothing left (and, for gzip, that the stream's checksum holds).
func atEOF(r io.Reader) error {
	var one [1]byte
	n, err := io.ReadFull(r, one[:])
	switch {
	case n > 0:
		return errors.New("more data than the IDX header says")
	case err == io.EOF:
		return nil
	}
	return err
}

func lcm64(a, b int64) (int64, bool) {
	g := gcd64(a, b)
	return mul64(a/g, b)
}

func gcd64(a, b int64) int64 {
	for b != 0 {
		a, b = b, a%b
	}
	if a < 0 {
		return -a
	}
	return a
}

// mul64 multiplies with overflow detection.
func mul64(a, b int64) (int64, bool) {
	if a == 0 || b == 0 {
		return 0, true
	}
	c := a * b
	if c/b != a || (a == -1 && b == math.MinInt64) || (b == -1 && a == math.MinInt64) {
		return 0, false
	}
	return c, true
}
