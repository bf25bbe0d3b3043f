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
			return nil, fmt.Errorf("dataset.inputs[%d]: %v", i, err)
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
	if err := ds.findDuplicates(); err != nil {
		return nil, err
	}
	return ds, nil
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
	SkipRows     int // header lines to skip
	LabelColumns int // regression: number of target columns (default 1)
	// IDX (MNIST, Fashion-MNIST): images and labels in two files, gzip or not.
	Images, LabelsPath string
	// Limit keeps only the first Limit points (0: all).
	Limit int
	Task  Task
	// Classes declared (0: derived).
	Classes int
}

// Limits bound the resources that input size drives. Zero fields take the defaults.
type Limits struct {
	MaxDigits    int   // digits in one number (DefaultMaxDigits)
	MaxFileBytes int64 // bytes read from one file, after decompression (4 GiB)
	MaxPoints    int   // points in a dataset (10 000 000)
	MaxParams    int64 // weights and biases in a network (100 000 000)
}

func (l Limits) withDefaults() Limits {
	if l.MaxDigits <= 0 {
		l.MaxDigits = DefaultMaxDigits
	}
	if l.MaxFileBytes <= 0 {
		l.MaxFileBytes = 4 << 30
	}
	if l.MaxPoints <= 0 {
		l.MaxPoints = 10_000_000
	}
	if l.MaxParams <= 0 {
		l.MaxParams = 100_000_000
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

// readFile reads a whole file, decompressing gzip when the content starts with the gzip
// magic, within the byte limit; it also returns the SHA-256 of the stored bytes.
func readFile(path string, lim Limits) ([]byte, string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, "", err
	}
	defer f.Close()
	raw, err := io.ReadAll(io.LimitReader(f, lim.MaxFileBytes+1))
	if err != nil {
		return nil, "", fmt.Errorf("%s: %v", path, err)
	}
	if int64(len(raw)) > lim.MaxFileBytes {
		return nil, "", fmt.Errorf("%s: larger than the limit of %d bytes", path, lim.MaxFileBytes)
	}
	sum := sha256.Sum256(raw)
	digest := hex.EncodeToString(sum[:])
	if len(raw) >= 2 && raw[0] == 0x1f && raw[1] == 0x8b {
		zr, err := gzip.NewReader(bytes.NewReader(raw))
		if err != nil {
			return nil, "", fmt.Errorf("%s: corrupt gzip: %v", path, err)
		}
		out, err := io.ReadAll(io.LimitReader(zr, lim.MaxFileBytes+1))
		if err != nil {
			return nil, "", fmt.Errorf("%s: corrupt or truncated gzip: %v", path, err)
		}
		if int64(len(out)) > lim.MaxFileBytes {
			return nil, "", fmt.Errorf("%s: decompresses to more than the limit of %d bytes", path, lim.MaxFileBytes)
		}
		raw = out
	}
	return raw, digest, nil
}

// LoadSource reads a dataset from files. It returns the dataset and the SHA-256 of each
// file read (in the order path/images, labels).
func LoadSource(src Source, lim Limits) (*Dataset, []string, error) {
	lim = lim.withDefaults()
	switch src.Format {
	case "csv":
		raw, sum, err := readFile(src.Path, lim)
		if err != nil {
			return nil, nil, err
		}
		ds, err := parseCSV(raw, src, lim)
		if err != nil {
			return nil, nil, fmt.Errorf("%s: %w", src.Path, err)
		}
		return ds, []string{sum}, nil
	case "idx":
		imgs, s1, err := readFile(src.Images, lim)
		if err != nil {
			return nil, nil, err
		}
		labs, s2, err := readFile(src.LabelsPath, lim)
		if err != nil {
			return nil, nil, err
		}
		ds, err := parseIDX(imgs, labs, src, lim)
		if err != nil {
			return nil, nil, err
		}
		return ds, []string{s1, s2}, nil
	}
	return nil, nil, fieldErr("dataset.source.format", "is %q; want \"csv\" or \"idx\"", src.Format)
}

func parseCSV(raw []byte, src Source, lim Limits) (*Dataset, error) {
	sc := bufio.NewScanner(bytes.NewReader(raw))
	sc.Buffer(make([]byte, 0, 1<<16), 1<<26)
	b := newBuilder(0)
	var labels []int
	var targets [][]*big.Rat
	nLab := 1
	if src.Task == Regression && src.LabelColumns > 0 {
		nLab = src.LabelColumns
	}
	line := 0
	for sc.Scan() {
		line++
		if line <= src.SkipRows {
			continue
		}
		text := strings.TrimRight(sc.Text(), "\r")
		if strings.TrimSpace(text) == "" {
			continue
		}
		if src.Limit > 0 && b.n >= src.Limit {
			break
		}
		if b.n >= lim.MaxPoints {
			return nil, fmt.Errorf("more than %d points (limit)", lim.MaxPoints)
		}
		fields := strings.Split(text, ",")
		if len(fields) <= nLab {
			return nil, fmt.Errorf("line %d: %d fields; need at least one input and %d label column(s)", line, len(fields), nLab)
		}
		x := make([]*big.Rat, len(fields)-nLab)
		for k := range x {
			v, err := ParseRat(strings.TrimSpace(fields[k]), lim.MaxDigits)
			if err != nil {
				return nil, fmt.Errorf("line %d, column %d: %v", line, k+1, err)
			}
			x[k] = v
		}
		if err := b.add(x); err != nil {
			return nil, fmt.Errorf("line %d: %v", line, err)
		}
		labF := fields[len(fields)-nLab:]
		if src.Task == Regression {
			t := make([]*big.Rat, nLab)
			for k, f := range labF {
				v, err := ParseRat(strings.TrimSpace(f), lim.MaxDigits)
				if err != nil {
					return nil, fmt.Errorf("line %d, column %d: %v", line, len(x)+k+1, err)
				}
				t[k] = v
			}
			targets = append(targets, t)
		} else {
			v, err := ParseRat(strings.TrimSpace(labF[0]), lim.MaxDigits)
			if err != nil || !v.IsInt() || v.Sign() < 0 || !v.Num().IsInt64() || v.Num().Int64() > math.MaxInt32 {
				return nil, fmt.Errorf("line %d, column %d: class label %q is not a non-negative integer", line, len(fields), clip(labF[0]))
			}
			labels = append(labels, int(v.Num().Int64()))
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("line %d: %v", line+1, err)
	}
	if src.Task == Regression {
		if targets == nil {
			targets = [][]*big.Rat{}
		}
		return b.finish(nil, targets, 0)
	}
	return b.finish(labels, nil, src.Classes)
}

func parseIDX(imgs, labs []byte, src Source, lim Limits) (*Dataset, error) {
	if len(imgs) < 4 || imgs[0] != 0 || imgs[1] != 0 || imgs[2] != 0x08 || imgs[3] == 0 {
		return nil, fmt.Errorf("%s: not an unsigned-byte IDX file (bad magic)", src.Images)
	}
	nd := int(imgs[3])
	if len(imgs) < 4+4*nd {
		return nil, fmt.Errorf("%s: truncated IDX header", src.Images)
	}
	n := int(binary.BigEndian.Uint32(imgs[4:]))
	dim := int64(1)
	for k := 1; k < nd; k++ {
		dim *= int64(binary.BigEndian.Uint32(imgs[4+4*k:]))
		if dim > 1<<24 {
			return nil, fmt.Errorf("%s: absurd image size in the IDX header", src.Images)
		}
	}
	if len(labs) < 8 || labs[0] != 0 || labs[1] != 0 || labs[2] != 0x08 || labs[3] != 1 {
		return nil, fmt.Errorf("%s: not an unsigned-byte 1-D IDX label file (bad magic)", src.LabelsPath)
	}
	if nl := int(binary.BigEndian.Uint32(labs[4:])); nl != n {
		return nil, fmt.Errorf("%s: %d labels for %d images in %s", src.LabelsPath, nl, n, src.Images)
	}
	body := imgs[4+4*nd:]
	if int64(len(body)) != int64(n)*dim {
		return nil, fmt.Errorf("%s: header says %d images of %d bytes, file has %d bytes of data (truncated?)", src.Images, n, dim, len(body))
	}
	if len(labs)-8 != n {
		return nil, fmt.Errorf("%s: header says %d labels, file has %d (truncated?)", src.LabelsPath, n, len(labs)-8)
	}
	if src.Limit > 0 && src.Limit < n {
		n = src.Limit
	}
	if n > lim.MaxPoints {
		return nil, fmt.Errorf("%s: %d points exceed the limit of %d", src.Images, n, lim.MaxPoints)
	}
	if n == 0 {
		return nil, fieldErr("dataset", "is empty: a dataset needs at least one point")
	}
	d := int(dim)
	b := &builder{d: d, den: 1, n: n, num: make([]int64, n*d)}
	for i, v := range body[:n*d] {
		b.num[i] = int64(v)
	}
	labels := make([]int, n)
	for i := range labels {
		labels[i] = int(labs[8+i])
	}
	return b.finish(labels, nil, src.Classes)
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
