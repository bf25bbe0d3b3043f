package strictjson

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"unicode/utf16"
	"unicode/utf8"
)

// MaxDepth is the deepest nesting of arrays and objects accepted.
const MaxDepth = 200

// MaxString is the longest string accepted, in bytes as written.
const MaxString = 16 << 20

// readChunk is the most read from the input at once.
const readChunk = 1 << 20

// Error is a document that does not have one strict reading.
type Error struct {
	Path         string // JSON path of the offending value ("" for the document itself)
	Offset       int64  // byte offset in the input
	Line, Column int    // 1-based position of Offset
	Msg          string
	// Found and Want are set for a value of the wrong JSON type: what the document has
	// ("a number", "null", …) and what the Go type needs ("a string", "an integer", …).
	Found, Want string
}

func (e *Error) Error() string {
	p := e.Path
	if p == "" {
		p = "(top level)"
	}
	return fmt.Sprintf("%s: %s (line %d, column %d)", p, e.Msg, e.Line, e.Column)
}

// Unmarshal decodes data into v strictly (see the package doc).
func Unmarshal(data []byte, v any, budgets ...Budget) error {
	s := &scanner{buf: data, limit: -1}
	s.setBudgets(budgets)
	return s.decode(v)
}

// A Budget caps the number of elements, over the whole document, of the arrays decoded
// into values of the slice type Type (a named type, so that it marks the arrays meant).
// It is checked as the document is read, before anything is decoded, so that a document
// far over a semantic limit (parameters of a network, say) costs no more than its bytes.
type Budget struct {
	Type reflect.Type
	Max  int64
	What string // "parameters": the error says "more than Max parameters (limit)"
}

func (s *scanner) setBudgets(bs []Budget) {
	for _, b := range bs {
		if s.budgets == nil {
			s.budgets = map[reflect.Type]*budgetState{}
		}
		s.budgets[b.Type] = &budgetState{Budget: b}
	}
}

type budgetState struct {
	Budget
	used int64
}

// Read reads one JSON document of at most limit bytes from r, validating it as it is read,
// and decodes it into v. It returns the bytes read. An *os.File that is a regular file
// larger than limit is refused before it is read.
func Read(r io.Reader, limit int64, v any, budgets ...Budget) ([]byte, error) {
	s := &scanner{r: r, limit: limit}
	s.setBudgets(budgets)
	if f, ok := r.(*os.File); ok {
		if st, err := f.Stat(); err == nil && st.Mode().IsRegular() {
			if st.Size() > limit {
				return nil, &Error{Line: 1, Column: 1, Msg: fmt.Sprintf("the file has %d bytes, more than the limit of %d", st.Size(), limit)}
			}
			s.buf = make([]byte, 0, st.Size()+1)
		}
	}
	if s.buf == nil {
		s.buf = make([]byte, 0, 64<<10)
	}
	err := s.decode(v)
	return s.buf, err
}

// scanner walks the input once, checking it against the Go type it is to be decoded into.
type scanner struct {
	r     io.Reader // nil: buf is the whole input
	rerr  error     // the reader's error once it has ended
	buf   []byte
	pos   int
	limit int64 // -1: none
	path  []seg
	depth int
	// Leading white space is counted, not kept: skipped bytes, of which skippedLines
	// newlines, and skippedCol bytes after the last one.
	skipped                  int64
	skippedLines, skippedCol int
	budgets                  map[reflect.Type]*budgetState
	holes                    []hole
	cut                      int64 // bytes in holes
}

// seg is one step of a JSON path: an object key or an array index.
type seg struct {
	key   string
	index int // -1 for a key
}

type failure struct{ err *Error }

func (s *scanner) decode(v any) (err error) {
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.Pointer || rv.IsNil() {
		return &Error{Line: 1, Column: 1, Msg: "strictjson: decoding needs a non-nil pointer"}
	}
	defer func() {
		if r := recover(); r != nil {
			f, ok := r.(failure)
			if !ok {
				panic(r)
			}
			err = f.err
		}
	}()
	s.skipLeading()
	s.value(rv.Type().Elem())
	s.skipSpace()
	if s.more() {
		s.fail("extra data after the JSON value")
	}
	if s.rerr != nil && s.rerr != io.EOF {
		return s.rerr
	}
	// The walk has refused every key that is not a field's exact name, which is stricter
	// than DisallowUnknownFields; json.Unmarshal decodes in place (a json.Decoder would
	// copy the input into buffers of its own).
	if err := json.Unmarshal(s.buf, v); err != nil {
		// The walk above admits only documents encoding/json reads; this is a bug here.
		return &Error{Line: 1, Column: 1, Msg: "encoding/json refused a document the strict reader accepted: " + err.Error()}
	}
	return nil
}

// ---- input ----

// more reports whether a byte is available at s.pos, reading more input when needed.
func (s *scanner) more() bool { return s.ensure(1) }

// ensure reports whether n bytes are available from s.pos, reading more input when needed.
func (s *scanner) ensure(n int) bool {
	for s.pos+n > len(s.buf) {
		if s.r == nil || s.rerr != nil {
			return false
		}
		if len(s.buf) == cap(s.buf) {
			c := 2 * cap(s.buf)
			if s.limit >= 0 && int64(c) > s.limit+1 {
				c = int(s.limit + 1)
			}
			if c <= len(s.buf) {
				c = len(s.buf) + 1
			}
			nb := make([]byte, len(s.buf), c)
			copy(nb, s.buf)
			s.buf = nb
		}
		// Read a chunk at a time, so that a document refused early is not read whole.
		m, err := s.r.Read(s.buf[len(s.buf):min(cap(s.buf), len(s.buf)+readChunk)])
		s.buf = s.buf[:len(s.buf)+m]
		if s.limit >= 0 && s.skipped+s.cut+int64(len(s.buf)) > s.limit {
			s.buf = s.buf[:s.limit-s.skipped-s.cut]
			s.pos = len(s.buf)
			s.fail(fmt.Sprintf("the input is larger than the limit of %d bytes", s.limit))
		}
		if err != nil {
			s.rerr = err
			if err != io.EOF {
				s.fail("reading: " + err.Error())
			}
		}
	}
	return true
}

func (s *scanner) peek() byte {
	if !s.more() {
		s.truncated()
	}
	return s.buf[s.pos]
}

func (s *scanner) skipSpace() {
	start := s.pos
	for {
		for s.pos < len(s.buf) {
			switch s.buf[s.pos] {
			case ' ', '\t', '\n', '\r':
				s.pos++
			default:
				s.compact(start)
				return
			}
		}
		if s.compact(start) {
			start = s.pos - 1
		}
		if !s.more() {
			return
		}
	}
}

// compactRun is the longest run of white space kept from a stream; longer runs are cut
// to one byte (holes remembers them for positions), so that white space inside a
// document read from a pipe does not fill memory up to the byte limit.
var compactRun = 1 << 16

// hole is a run of white space cut from the buffer before index at: n bytes, of which
// lines newlines, and tail bytes after the last one.
type hole struct {
	at          int
	n           int64
	lines, tail int
}

// compact cuts the white space buf[start+1:pos] when it is longer than compactRun and the
// input is a stream, and reports whether it did.
func (s *scanner) compact(start int) bool {
	if s.r == nil || s.pos-start <= compactRun {
		return false
	}
	cut := s.buf[start+1 : s.pos]
	h := hole{at: start + 1, n: int64(len(cut)), lines: bytes.Count(cut, []byte{'\n'})}
	if i := bytes.LastIndexByte(cut, '\n'); i >= 0 {
		h.tail = len(cut) - i - 1
	}
	s.holes = append(s.holes, h)
	s.cut += h.n
	n := copy(s.buf[start+1:], s.buf[s.pos:])
	s.buf = s.buf[:start+1+n]
	s.pos = start + 1
	return true
}

// skipLeading skips the white space before the value without keeping it, so that an
// endless stream of white space costs no memory.
func (s *scanner) skipLeading() {
	for {
		for s.pos < len(s.buf) {
			switch s.buf[s.pos] {
			case ' ', '\t', '\n', '\r':
				s.pos++
				continue
			}
			return
		}
		if s.r != nil {
			// Everything buffered is white space: count it and drop it.
			ws := s.buf[:s.pos]
			if i := bytes.LastIndexByte(ws, '\n'); i >= 0 {
				s.skippedLines += bytes.Count(ws, []byte{'\n'})
				s.skippedCol = len(ws) - i - 1
			} else {
				s.skippedCol += len(ws)
			}
			s.skipped += int64(len(ws))
			s.buf, s.pos = s.buf[:0], 0
		}
		if !s.more() {
			return
		}
	}
}

func (s *scanner) expect(c byte) {
	s.skipSpace()
	if b := s.peek(); b != c {
		s.fail(fmt.Sprintf("invalid JSON: %s where %q is expected", describe(b), c))
	}
	s.pos++
}

// ---- errors ----

func (s *scanner) pathString() string {
	var b strings.Builder
	for i, p := range s.path {
		if len(s.path) > 24 && i >= 12 && i < len(s.path)-8 {
			if i == 12 {
				fmt.Fprintf(&b, "…(%d levels)…", len(s.path)-20)
			}
			continue
		}
		if p.index >= 0 {
			fmt.Fprintf(&b, "[%d]", p.index)
			continue
		}
		if b.Len() > 0 {
			b.WriteByte('.')
		}
		if isIdent(p.key) {
			b.WriteString(p.key)
		} else {
			b.WriteString(strconv.Quote(clip(p.key)))
		}
	}
	return b.String()
}

func isIdent(k string) bool {
	if k == "" {
		return false
	}
	for _, c := range k {
		if !(c == '_' || c == '-' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}

func (s *scanner) errAt(off int, msg string) *Error {
	end := min(off, len(s.buf))
	line := 1 + s.skippedLines + bytes.Count(s.buf[:end], []byte{'\n'})
	offset := s.skipped + int64(off)
	var before []hole // the holes cut before end
	for _, h := range s.holes {
		if h.at <= end {
			before = append(before, h)
			line += h.lines
			offset += h.n
		}
	}
	// The column counts the bytes of the input since the last newline, holes included.
	col, segEnd := 1, end
	for i := len(before) - 1; i >= -1; i-- {
		at := 0
		if i >= 0 {
			at = before[i].at
		}
		seg := s.buf[at:segEnd]
		if j := bytes.LastIndexByte(seg, '\n'); j >= 0 {
			col += len(seg) - j - 1
			break
		}
		col += len(seg)
		if i < 0 {
			col += s.skippedCol
			break
		}
		if before[i].lines > 0 {
			col += before[i].tail
			break
		}
		col += int(before[i].n)
		segEnd = at
	}
	return &Error{Path: s.pathString(), Offset: offset, Line: line, Column: col, Msg: msg}
}

func (s *scanner) fail(msg string) {
	panic(failure{s.errAt(s.pos, msg)})
}

func (s *scanner) failAt(off int, msg string) {
	panic(failure{s.errAt(off, msg)})
}

func (s *scanner) truncated() {
	s.fail("truncated JSON: the input ends in the middle of a value")
}

func describe(b byte) string {
	switch {
	case b == 0:
		return "a NUL byte"
	case b < 0x20 || b >= 0x7f:
		return fmt.Sprintf("the byte 0x%02x", b)
	}
	return fmt.Sprintf("%q", b)
}

func clip(s string) string {
	if len(s) > 40 {
		i := 40
		for i > 0 && !utf8.RuneStart(s[i]) {
			i--
		}
		return s[:i] + "…"
	}
	return s
}

// ---- the walk ----

// kind is what a Go type needs from the document.
type kind uint8

const (
	kAny kind = iota
	kString
	kBool
	kInt
	kUint
	kFloat
	kArray
	kObject // struct
	kMap
)

var (
	rawType       = reflect.TypeOf(json.RawMessage(nil))
	unmarshalerTy = reflect.TypeOf((*json.Unmarshaler)(nil)).Elem()
)

func kindOf(t reflect.Type) (kind, reflect.Type) {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t == rawType || t.Kind() == reflect.Interface || reflect.PointerTo(t).Implements(unmarshalerTy) {
		return kAny, t
	}
	switch t.Kind() {
	case reflect.String:
		return kString, t
	case reflect.Bool:
		return kBool, t
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return kInt, t
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return kUint, t
	case reflect.Float32, reflect.Float64:
		return kFloat, t
	case reflect.Slice, reflect.Array:
		return kArray, t
	case reflect.Struct:
		return kObject, t
	case reflect.Map:
		return kMap, t
	}
	return kAny, t
}

var wantName = [...]string{kAny: "a value", kString: "a string", kBool: "true or false", kInt: "an integer",
	kUint: "a non-negative integer", kFloat: "a number", kArray: "an array", kObject: "an object", kMap: "an object"}

func (s *scanner) value(t reflect.Type) {
	k, t := kindOf(t)
	start := s.pos
	c := s.peek()
	found := ""
	switch c {
	case '{':
		found = "an object"
		if k == kObject || k == kMap || k == kAny {
			s.object(k, t)
			return
		}
	case '[':
		found = "an array"
		if k == kArray || k == kAny {
			s.array(k, t)
			return
		}
	case '"':
		found = "a string"
		if k == kString || k == kAny {
			s.str()
			return
		}
	case 't', 'f':
		found = "true or false"
		s.literal()
		if k == kBool || k == kAny {
			return
		}
	case 'n':
		s.literal()
		e := s.errAt(start, "null where "+wantName[k]+" is expected (null is not accepted: give the value, or leave the key out where it is optional)")
		e.Found, e.Want = "null", wantName[k]
		panic(failure{e})
	default:
		if c == '-' || c >= '0' && c <= '9' {
			found = "a number"
			isInt := s.number()
			switch k {
			case kAny, kFloat:
				return
			case kInt, kUint:
				lit := string(s.buf[start:s.pos])
				if !isInt {
					s.typeErr(start, "the number "+clip(lit), wantName[k], "a number")
				}
				bits := t.Bits()
				var err error
				if k == kInt {
					_, err = strconv.ParseInt(lit, 10, bits)
				} else {
					_, err = strconv.ParseUint(lit, 10, bits)
				}
				if err != nil {
					s.typeErr(start, "the number "+clip(lit)+" (out of range)", wantName[k], "a number")
				}
				return
			}
			break
		}
		s.fail(fmt.Sprintf("invalid JSON: %s where a value is expected", describe(c)))
	}
	s.typeErr(start, found, wantName[k], found)
}

func (s *scanner) typeErr(off int, what, want, found string) {
	e := s.errAt(off, "wrong type: "+what+" where "+want+" is expected")
	e.Found, e.Want = found, want
	panic(failure{e})
}

func (s *scanner) literal() {
	for _, lit := range []string{"true", "false", "null"} {
		if s.buf[s.pos] != lit[0] {
			continue
		}
		for i := 0; i < len(lit); i++ {
			if s.peek() != lit[i] {
				s.fail("invalid JSON: " + describe(s.buf[s.pos]) + " in a literal (true, false or null)")
			}
			s.pos++
		}
		return
	}
}

// number scans a JSON number and reports whether it is an integer literal (no fraction,
// no exponent).
func (s *scanner) number() bool {
	digits := func() int {
		n := 0
		for s.more() && s.buf[s.pos] >= '0' && s.buf[s.pos] <= '9' {
			s.pos++
			n++
		}
		return n
	}
	isInt := true
	if s.buf[s.pos] == '-' {
		s.pos++
	}
	first := s.pos
	if n := digits(); n == 0 {
		s.badNumber()
	} else if n > 1 && s.buf[first] == '0' {
		s.failAt(first, "invalid JSON: a number with a leading zero")
	}
	if s.more() && s.buf[s.pos] == '.' {
		isInt = false
		s.pos++
		if digits() == 0 {
			s.badNumber()
		}
	}
	if s.more() && (s.buf[s.pos] == 'e' || s.buf[s.pos] == 'E') {
		isInt = false
		s.pos++
		if s.more() && (s.buf[s.pos] == '+' || s.buf[s.pos] == '-') {
			s.pos++
		}
		if digits() == 0 {
			s.badNumber()
		}
	}
	return isInt
}

func (s *scanner) badNumber() {
	if !s.more() {
		s.truncated()
	}
	s.fail("invalid JSON: " + describe(s.buf[s.pos]) + " in a number")
}

// str scans a string and returns its value.
func (s *scanner) str() string {
	s.pos++ // opening quote
	start := s.pos
	var b []byte // only when there are escapes
	for {
		if b == nil {
			for s.pos < len(s.buf) {
				if c := s.buf[s.pos]; c < 0x20 || c == '"' || c == '\\' || c >= utf8.RuneSelf {
					break
				}
				s.pos++
			}
		}
		if s.pos-start > MaxString {
			s.failAt(start-1, fmt.Sprintf("a string longer than %d bytes (limit)", MaxString))
		}
		c := s.peek()
		switch {
		case c == '"':
			var out string
			if b == nil {
				out = string(s.buf[start:s.pos])
			} else {
				out = string(b)
			}
			s.pos++
			return out
		case c == '\\':
			if b == nil {
				b = append([]byte{}, s.buf[start:s.pos]...)
			}
			b = s.escape(b)
		case c < 0x20:
			s.fail("invalid JSON: " + describe(c) + " in a string (control characters must be escaped)")
		case c < utf8.RuneSelf:
			s.pos++
			if b != nil {
				b = append(b, c)
			}
		default:
			s.ensure(utf8.UTFMax) // the whole rune, unless the input ends first
			r, n := utf8.DecodeRune(s.buf[s.pos:])
			if r == utf8.RuneError && n <= 1 {
				s.fail("invalid UTF-8 in a string")
			}
			if b != nil {
				b = append(b, s.buf[s.pos:s.pos+n]...)
			}
			s.pos += n
		}
	}
}

func (s *scanner) escape(b []byte) []byte {
	s.pos++ // backslash
	c := s.peek()
	s.pos++
	switch c {
	case '"', '\\', '/':
		return append(b, c)
	case 'b':
		return append(b, '\b')
	case 'f':
		return append(b, '\f')
	case 'n':
		return append(b, '\n')
	case 'r':
		return append(b, '\r')
	case 't':
		return append(b, '\t')
	case 'u':
		r := s.hex4()
		if utf16.IsSurrogate(r) {
			at := s.pos
			if r >= 0xdc00 || s.peek() != '\\' {
				s.failAt(at-6, "a lone surrogate escape in a string (readers disagree on it)")
			}
			s.pos++
			if s.peek() != 'u' {
				s.failAt(at-6, "a lone surrogate escape in a string (readers disagree on it)")
			}
			s.pos++
			r2 := s.hex4()
			r = utf16.DecodeRune(r, r2)
			if r == utf8.RuneError {
				s.failAt(at-6, "a lone surrogate escape in a string (readers disagree on it)")
			}
		}
		return utf8.AppendRune(b, r)
	}
	s.failAt(s.pos-2, "invalid JSON: unknown escape \\"+string(rune(c))+" in a string")
	return nil
}

func (s *scanner) hex4() rune {
	var r rune
	for i := 0; i < 4; i++ {
		c := s.peek()
		var v byte
		switch {
		case c >= '0' && c <= '9':
			v = c - '0'
		case c >= 'a' && c <= 'f':
			v = c - 'a' + 10
		case c >= 'A' && c <= 'F':
			v = c - 'A' + 10
		default:
			s.fail("invalid JSON: " + describe(c) + " in a \\u escape")
		}
		r = r<<4 | rune(v)
		s.pos++
	}
	return r
}

func (s *scanner) enter() {
	s.depth++
	if s.depth > MaxDepth {
		s.fail(fmt.Sprintf("nested deeper than %d levels", MaxDepth))
	}
}

func (s *scanner) array(k kind, t reflect.Type) {
	elem, fixed := anyType, -1
	var budget *budgetState
	if k == kArray {
		budget = s.budgets[t]
		elem = t.Elem()
		if t.Kind() == reflect.Array {
			fixed = t.Len() // encoding/json would drop extra elements silently
		}
	}
	start := s.pos
	s.enter()
	s.pos++ // [
	s.skipSpace()
	if s.peek() == ']' {
		s.pos++
		s.depth--
		if fixed > 0 {
			s.failAt(start, fmt.Sprintf("an array of 0 elements where %d are expected", fixed))
		}
		return
	}
	s.path = append(s.path, seg{index: 0})
	top := len(s.path) - 1
	for i := 0; ; i++ {
		s.path[top].index = i
		if i == fixed {
			s.fail(fmt.Sprintf("more than the %d elements expected", fixed))
		}
		if budget != nil {
			if budget.used++; budget.used > budget.Max {
				s.fail(fmt.Sprintf("more than %d %s (limit)", budget.Max, budget.What))
			}
		}
		s.skipSpace()
		s.value(elem)
		s.skipSpace()
		switch c := s.peek(); c {
		case ',':
			s.pos++
		case ']':
			s.pos++
			s.path = s.path[:top]
			s.depth--
			if fixed >= 0 && i+1 != fixed {
				s.failAt(start, fmt.Sprintf("an array of %d elements where %d are expected", i+1, fixed))
			}
			return
		default:
			s.fail("invalid JSON: " + describe(c) + " after an array element (want ',' or ']')")
		}
	}
}

var anyType = reflect.TypeOf((*any)(nil)).Elem()

func (s *scanner) object(k kind, t reflect.Type) {
	s.enter()
	s.pos++ // {
	var fields *fieldSet
	var elem reflect.Type = anyType
	switch k {
	case kObject:
		fields = fieldsOf(t)
	case kMap:
		elem = t.Elem()
	}
	var seen map[string]bool
	var seenSmall [8]string
	nSeen := 0
	s.skipSpace()
	if s.peek() == '}' {
		s.pos++
		s.depth--
		return
	}
	for {
		s.skipSpace()
		keyAt := s.pos
		if c := s.peek(); c != '"' {
			s.fail("invalid JSON: " + describe(c) + " where an object key (a string) is expected")
		}
		key := s.str()
		dup := false
		if seen == nil && nSeen < len(seenSmall) {
			for _, k := range seenSmall[:nSeen] {
				dup = dup || k == key
			}
			seenSmall[nSeen] = key
			nSeen++
		} else {
			if seen == nil {
				seen = make(map[string]bool, 2*nSeen)
				for _, k := range seenSmall[:nSeen] {
					seen[k] = true
				}
			}
			dup = seen[key]
			seen[key] = true
		}
		if dup {
			s.failAt(keyAt, fmt.Sprintf("duplicate key %q (readers disagree on which one counts)", clip(key)))
		}
		vt := elem
		if fields != nil {
			ft, ok := fields.byName[key]
			if !ok {
				s.failAt(keyAt, fields.unknown(key))
			}
			vt = ft
		}
		s.expect(':')
		s.skipSpace()
		s.path = append(s.path, seg{key: key, index: -1})
		s.value(vt)
		s.path = s.path[:len(s.path)-1]
		s.skipSpace()
		switch c := s.peek(); c {
		case ',':
			s.pos++
		case '}':
			s.pos++
			s.depth--
			return
		default:
			s.fail("invalid JSON: " + describe(c) + " after an object member (want ',' or '}')")
		}
	}
}

// fieldSet is the JSON names of a struct's fields.
type fieldSet struct {
	byName map[string]reflect.Type
	names  []string
}

func (f *fieldSet) unknown(key string) string {
	for _, n := range f.names {
		if strings.EqualFold(n, key) {
			return fmt.Sprintf("unknown key %q (keys are case-sensitive; did you mean %q?)", clip(key), n)
		}
	}
	return fmt.Sprintf("unknown key %q", clip(key))
}

var fieldCache sync.Map // reflect.Type → *fieldSet

func fieldsOf(t reflect.Type) *fieldSet {
	if f, ok := fieldCache.Load(t); ok {
		return f.(*fieldSet)
	}
	f := &fieldSet{byName: map[string]reflect.Type{}}
	addFields(f, t)
	fieldCache.Store(t, f)
	return f
}

func addFields(f *fieldSet, t reflect.Type) {
	for i := 0; i < t.NumField(); i++ {
		sf := t.Field(i)
		tag := sf.Tag.Get("json")
		if tag == "-" {
			continue
		}
		name, _, _ := strings.Cut(tag, ",")
		if sf.Anonymous && name == "" {
			et := sf.Type
			if et.Kind() == reflect.Pointer {
				et = et.Elem()
			}
			if et.Kind() == reflect.Struct {
				addFields(f, et)
				continue
			}
		}
		if !sf.IsExported() {
			continue
		}
		if name == "" {
			name = sf.Name
		}
		if _, dup := f.byName[name]; !dup {
			f.names = append(f.names, name)
		}
		f.byName[name] = sf.Type
	}
}

// IsError reports whether err is an *Error and returns it.
func IsError(err error) (*Error, bool) {
	var e *Error
	ok := errors.As(err, &e)
	return e, ok
}
