package cert

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/maphash"
	"math"
	"math/big"

	"certify/internal/exactint"
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
// denominator when they fit in int64 (real image data always does) — one byte each when
// every input is an integer 0..255, as pixels are — and as rationals otherwise.
type Dataset struct {
	Task     Task
	Classes  int // Classification: number of classes (labels are < Classes)
	LabelDim int // Regression: length of each target; Classification: 1
	N, D     int

	xByte []byte  // N*D coordinates, when every one is an integer 0..255 (xDen 1)
	xInt  []int64 // N*D numerators over xDen, when xByte == nil and xRat == nil
	xDen  int64
	xRat  [][]*big.Rat

	Labels  []int        // Classification
	Targets [][]*big.Rat // Regression

	// Duplicates lists pairs (i, j), i < j, of identical inputs with identical labels.
	// Identical inputs with different labels are refused when the dataset is built.
	Duplicates [][2]int
}

// Input returns point i as rationals: freshly allocated when the inputs are stored as
// integers, the stored row otherwise (the caller must not change it).
func (d *Dataset) Input(i int) []*big.Rat {
	if d.xRat != nil {
		return d.xRat[i]
	}
	out := make([]*big.Rat, d.D)
	den := big.NewInt(d.xDen)
	for k, v := range d.IntRow(i, make([]int64, d.D)) {
		out[k] = new(big.Rat).SetFrac(big.NewInt(v), den)
	}
	return out
}

// IntDenom reports whether the inputs are stored as integers over one common denominator,
// and that denominator; IntRow then gives a point's numerators.
func (d *Dataset) IntDenom() (den int64, ok bool) { return d.xDen, d.xRat == nil }

// IntRow writes the numerators of point i over IntDenom into buf (of length at least D)
// and returns buf[:D]. The inputs must be stored as integers (IntDenom).
func (d *Dataset) IntRow(i int, buf []int64) []int64 {
	buf = buf[:d.D]
	if d.xByte != nil {
		for k, v := range d.xByte[i*d.D : (i+1)*d.D] {
			buf[k] = int64(v)
		}
	} else {
		copy(buf, d.xInt[i*d.D:(i+1)*d.D])
	}
	return buf
}

// maxAbsNum is the largest |numerator| of the integer inputs, as an unsigned number
// (|math.MinInt64| = 2^63 is not an int64).
func (d *Dataset) maxAbsNum() uint64 {
	var m uint64
	for _, v := range d.xByte {
		m = max(m, uint64(v))
	}
	for _, v := range d.xInt {
		m = max(m, exactint.Abs(v))
	}
	return m
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

// NewDataset builds a dataset from rational inputs and labels, checking shapes, storing
// the inputs compactly, and finding duplicates. Exactly one of labels and targets is
// non-nil. classes may be 0 for classification (then max label + 1 is used).
func NewDataset(inputs [][]*big.Rat, labels []int, targets [][]*big.Rat, classes int) (*Dataset, error) {
	b := &builder{d: -1, den: 1}
	for i, x := range inputs {
		if err := b.add(x); err != nil {
			return nil, fieldErr(fmt.Sprintf("dataset.inputs[%d]", i), "%v", err)
		}
	}
	ds, _, err := b.finish(labels, targets, classes, false)
	return ds, err
}

// builder accumulates inputs in the narrowest storage that holds them: bytes while every
// coordinate is an integer 0..255, then int64 numerators over a common denominator, then
// rationals.
type builder struct {
	d, n int
	pix  []byte // while !wide
	wide bool
	num  []int64 // numerators over den, once wide (until rats)
	den  int64
	rats [][]*big.Rat
}

// room makes room for n more coordinates in pix or num by doubling the capacity: append
// grows large slices by a quarter, which copies a large dataset several times over.
func (b *builder) room(n int) {
	if b.wide {
		if len(b.num)+n > cap(b.num) {
			g := make([]int64, len(b.num), max(2*cap(b.num), len(b.num)+n, 1<<13))
			copy(g, b.num)
			b.num = g
		}
	} else if len(b.pix)+n > cap(b.pix) {
		g := make([]byte, len(b.pix), max(2*cap(b.pix), len(b.pix)+n, 1<<16))
		copy(g, b.pix)
		b.pix = g
	}
}

// widen moves the inputs from bytes to int64 numerators.
func (b *builder) widen() {
	if !b.wide {
		b.wide, b.num = true, make([]int64, len(b.pix))
		for k, v := range b.pix {
			b.num[k] = int64(v)
		}
		b.pix = nil
	}
}

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
	if !b.wide && pixels(x) {
		b.room(len(x))
		for _, v := range x {
			b.pix = append(b.pix, byte(v.Num().Int64()))
		}
		return nil
	}
	b.widen()
	// Fit x into the common denominator, growing it when needed.
	for _, v := range x {
		if !v.Denom().IsInt64() {
			b.toRat(x)
			return nil
		}
		q := v.Denom().Int64()
		if b.den%q != 0 {
			l, ok := mul64(b.den/gcd64(b.den, q), q)
			if !ok || !b.rescale(l/b.den) {
				b.toRat(x)
				return nil
			}
		}
	}
	b.room(len(x))
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

// finish checks the labels and builds the dataset, the integer inputs narrowed to bytes
// when they fit. With dropConflicts it drops the later copies of an input that recurs
// with another label (returning their indices) instead of refusing the dataset.
func (b *builder) finish(labels []int, targets [][]*big.Rat, classes int, dropConflicts bool) (*Dataset, []int, error) {
	if b.n == 0 {
		return nil, nil, fieldErr("dataset", "is empty: a dataset needs at least one point")
	}
	ds := &Dataset{N: b.n, D: b.d, xByte: b.pix, xInt: b.num, xDen: b.den, xRat: b.rats}
	if targets != nil {
		ds.Task, ds.Targets = Regression, targets
		if len(targets) != b.n {
			return nil, nil, fieldErr("dataset.targets", "has %d entries for %d points", len(targets), b.n)
		}
		ds.LabelDim = len(targets[0])
		if ds.LabelDim == 0 {
			return nil, nil, fieldErr("dataset.targets[0]", "is empty")
		}
		for i, t := range targets {
			if len(t) != ds.LabelDim {
				return nil, nil, fieldErr(fmt.Sprintf("dataset.targets[%d]", i), "has %d entries but targets[0] has %d", len(t), ds.LabelDim)
			}
		}
	} else {
		ds.Task, ds.LabelDim, ds.Classes, ds.Labels = Classification, 1, classes, labels
		if len(labels) != b.n {
			return nil, nil, fieldErr("dataset.labels", "has %d entries for %d points", len(labels), b.n)
		}
		for i, l := range labels {
			if l < 0 {
				return nil, nil, fieldErr(fmt.Sprintf("dataset.labels[%d]", i), "is %d; class labels are 0, 1, 2, …", l)
			}
			if classes > 0 && l >= classes {
				return nil, nil, fieldErr(fmt.Sprintf("dataset.labels[%d]", i), "is %d but the dataset declares %d classes", l, classes)
			}
		}
	}
	var dropped []int
	if dropConflicts {
		ds.eachRepeat(func(i, j int) {
			if ds.labelString(i) != ds.labelString(j) {
				dropped = append(dropped, i)
			}
		})
		ds.drop(dropped)
	}
	if ds.Task == Classification && classes <= 0 {
		for _, l := range ds.Labels { // derived from the labels kept
			ds.Classes = max(ds.Classes, l+1)
		}
	}
	if err := ds.findDuplicates(); err != nil {
		return nil, nil, err
	}
	return ds, dropped, nil
}

// pixels reports whether every coordinate is an integer 0..255.
func pixels(x []*big.Rat) bool {
	for _, v := range x {
		if !v.IsInt() || v.Sign() < 0 || v.Num().Cmp(big.NewInt(math.MaxUint8)) > 0 {
			return false
		}
	}
	return true
}

// drop removes the points listed (in increasing order).
func (d *Dataset) drop(points []int) {
	if len(points) == 0 {
		return
	}
	d.xByte = keepRows(d.xByte, d.D, points)
	d.xInt = keepRows(d.xInt, d.D, points)
	d.xRat = keepRows(d.xRat, 1, points)
	d.Labels = keepRows(d.Labels, 1, points)
	d.Targets = keepRows(d.Targets, 1, points)
	d.N -= len(points)
}

// keepRows removes from s, a sequence of rows of w elements, the rows listed in drop (in
// increasing order), in place.
func keepRows[T any](s []T, w int, drop []int) []T {
	k := 0
	for i := 0; i < len(s)/w; i++ {
		if len(drop) > 0 && drop[0] == i {
			drop = drop[1:]
			continue
		}
		copy(s[k*w:(k+1)*w], s[i*w:(i+1)*w])
		k++
	}
	return s[:k*w]
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

// findDuplicates lists the repeated inputs in d.Duplicates, or refuses one with another
// label.
func (d *Dataset) findDuplicates() error {
	var err error
	d.eachRepeat(func(i, j int) {
		if li, lj := d.labelString(i), d.labelString(j); err == nil && li != lj {
			err = &ConflictError{I: j, J: i, LabelI: lj, LabelJ: li}
		}
		d.Duplicates = append(d.Duplicates, [2]int{j, i})
	})
	return err
}

// eachRepeat calls f(i, j) for every point i whose input equals an earlier point's, j
// being the first such point.
func (d *Dataset) eachRepeat(f func(i, j int)) {
	seed := maphash.MakeSeed()
	first := make(map[uint64][]int, d.N) // by hash: the first point of each input
	var key, other []byte
	for i := 0; i < d.N; i++ {
		key = d.appendKey(key[:0], i)
		h := maphash.Bytes(seed, key)
		repeat := false
		for _, j := range first[h] {
			if other = d.appendKey(other[:0], j); bytes.Equal(key, other) {
				f(i, j)
				repeat = true
				break
			}
		}
		if !repeat {
			first[h] = append(first[h], i)
		}
	}
}

// appendKey appends a byte string that identifies point i's input.
func (d *Dataset) appendKey(buf []byte, i int) []byte {
	switch {
	case d.xByte != nil:
		return append(buf, d.xByte[i*d.D:(i+1)*d.D]...)
	case d.xRat == nil:
		for _, v := range d.xInt[i*d.D : (i+1)*d.D] {
			buf = binary.LittleEndian.AppendUint64(buf, uint64(v))
		}
		return buf
	}
	return append(buf, ratKey(d.xRat[i])...)
}

func (d *Dataset) labelString(i int) string {
	if d.Task == Regression {
		return "(" + ratKey(d.Targets[i]) + ")"
	}
	return fmt.Sprint(d.Labels[i])
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
