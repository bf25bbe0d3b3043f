package cert

import (
	"bufio"
	"fmt"
	"io"
	"math"
	"math/big"
	"strings"
)

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
	b := &builder{d: -1, den: 1}
	var labels []int
	var targets [][]*big.Rat
	nLab := 1
	if src.Task == Regression && src.LabelColumns > 0 {
		nLab = src.LabelColumns
	}
	line := 0
	var ints []int64
	var fields []string
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
		fields = splitComma(fields, text)
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

// addInts adds a point of integer coordinates: add without math/big when the storage is
// integral and nothing overflows, add otherwise.
func (b *builder) addInts(x []int64) error {
	if b.rats != nil || len(x) == 0 || b.d >= 0 && len(x) != b.d {
		return b.add(ratsOf(x))
	}
	b.d = len(x)
	if !b.wide && pixelInts(x) {
		b.room(len(x))
		for _, v := range x {
			b.pix = append(b.pix, byte(v))
		}
		b.n++
		return nil
	}
	b.widen()
	b.room(len(x))
	start := len(b.num)
	for _, v := range x {
		w, ok := mul64(v, b.den)
		if !ok {
			b.num = b.num[:start]
			return b.add(ratsOf(x))
		}
		b.num = append(b.num, w)
	}
	b.n++
	return nil
}

func pixelInts(x []int64) bool {
	for _, v := range x {
		if uint64(v) > math.MaxUint8 {
			return false
		}
	}
	return true
}

func ratsOf(x []int64) []*big.Rat {
	out := make([]*big.Rat, len(x))
	for i, v := range x {
		out[i] = big.NewRat(v, 1)
	}
	return out
}

// splitComma is strings.Split(s, ",") into dst's storage (one slice for every line of a
// file, not one per line).
func splitComma(dst []string, s string) []string {
	dst = dst[:0]
	for {
		i := strings.IndexByte(s, ',')
		if i < 0 {
			return append(dst, s)
		}
		dst = append(dst, s[:i])
		s = s[i+1:]
	}
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
