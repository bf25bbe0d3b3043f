package strictjson

import (
	"bytes"
	"encoding/json"
	"io"
	"reflect"
	"strings"
	"testing"
	"testing/iotest"
)

type inner struct {
	Labels []int             `json:"labels"`
	Name   string            `json:"name,omitempty"`
	Pair   [2]int            `json:"pair,omitempty"`
	Params map[string]string `json:"params,omitempty"`
	Small  int8              `json:"small,omitempty"`
}

type doc struct {
	Kind   string            `json:"kind"`
	Data   *inner            `json:"dataset,omitempty"`
	Claims []json.RawMessage `json:"claims,omitempty"`
	Flag   bool              `json:"flag,omitempty"`
	X      float64           `json:"x,omitempty"`
}

func TestRefused(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{`{"kind":"a","dataset":{"labels":[0,null]}}`, `dataset.labels[1]: null where an integer is expected`},
		{`{"kind":"a","kind":"b"}`, `(top level): duplicate key "kind"`},
		{`{"kind":"a","\u006bind":"b"}`, `duplicate key "kind"`},
		{`{"kind":"a","claims":[{"kind":"x","kind":"y"}]}`, `claims[0]: duplicate key "kind"`},
		{`{"kind":"a","dataset":{"labels":[1],"LABELS":[2]}}`, `dataset: unknown key "LABELS" (keys are case-sensitive; did you mean "labels"?)`},
		{`{"KIND":"a"}`, `did you mean "kind"?`},
		{`{"kind":"a","dataset":{"labels":[1.0]}}`, `dataset.labels[0]: wrong type: the number 1.0 where an integer is expected`},
		{`{"kind":"a","dataset":{"labels":[1e2]}}`, `wrong type: the number 1e2`},
		{`{"kind":"a","dataset":{"small":300}}`, `dataset.small: wrong type: the number 300 (out of range)`},
		{`{"kind":"a","dataset":{"labels":[99999999999999999999]}}`, `out of range`},
		{`{"kind":3}`, `kind: wrong type: a number where a string is expected`},
		{`{"kind":"a","dataset":null}`, `dataset: null where an object is expected`},
		{`{"kind":"a","dataset":{"pair":[1,2,3]}}`, `dataset.pair[2]: more than the 2 elements expected`},
		{`{"kind":"a","dataset":{"pair":[1]}}`, `an array of 1 elements where 2 are expected`},
		{`{"kind":"a","dataset":{"params":{"a":"1","a":"2"}}}`, `dataset.params: duplicate key "a"`},
		{`{"kind":"a","claims":[null]}`, `claims[0]: null`},
		{`{"kind":"a"} x`, `extra data after the JSON value`},
		{`{"kind":"a"`, `truncated JSON`},
		{``, `truncated JSON`},
		{"\x00\x00", `a NUL byte where a value is expected`},
		{"{\"kind\":\"a\xff\"}", `kind: invalid UTF-8 in a string`},
		{`{"kind":"\ud800"}`, `lone surrogate`},
		{`{"kind":"\udc00\ud800"}`, `lone surrogate`},
		{`{"kind":"a` + "\n" + `"}`, `control characters must be escaped`},
		{`{"kind":"a","x":01}`, `leading zero`},
		{`{"kind":"a","x":-}`, `in a number`},
		{`{"kind":"a","x":1.}`, `in a number`},
		{`{"kind":"a","flag":tru}`, `in a literal`},
		{`{"kind":"a","claims":` + strings.Repeat("[", 300) + strings.Repeat("]", 300) + `}`, `nested deeper than`},
		{`{"kind":"a",}`, `where an object key`},
		{`[1]`, `(top level): wrong type: an array where an object is expected`},
		{`{"kind":"` + strings.Repeat("7", MaxString+1) + `"}`, `kind: a string longer than 16777216 bytes (limit)`},
	} {
		var d doc
		err := Unmarshal([]byte(c.in), &d)
		if err == nil {
			t.Errorf("%s: accepted", c.in)
			continue
		}
		if _, ok := IsError(err); !ok {
			t.Errorf("%s: not an *Error: %v", c.in, err)
		}
		if !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s:\n got %v\nwant %s", c.in, err, c.want)
		}
	}
}

func TestAcceptedAsEncodingJSON(t *testing.T) {
	in := `{"kind":"k\u00e9\ud83d\ude00\n","dataset":{"labels":[0,1,-2],"pair":[3,4],"params":{"A":"x","a":"y"}},` +
		`"claims":[{"kind":"exact"},[1,{"x":null}]],"flag":true,"x":-1.5e3}`
	var got, want doc
	// null inside a RawMessage is refused too (see TestRefused); this one has none.
	in = strings.Replace(in, `{"x":null}`, `{"x":false}`, 1)
	if err := Unmarshal([]byte(in), &got); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal([]byte(in), &want); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got %+v, want %+v", got, want)
	}
}

func TestReadLimitAndStreaming(t *testing.T) {
	var d doc
	// A reader that never ends and is not JSON is refused at its first byte.
	_, err := Read(io.LimitReader(zeros{}, 1<<40), 1<<20, &d)
	if err == nil || !strings.Contains(err.Error(), "NUL") {
		t.Fatalf("zeros: %v", err)
	}
	// Endless white space stops at the limit.
	_, err = Read(io.LimitReader(spaces{}, 1<<40), 1<<20, &d)
	if err == nil || !strings.Contains(err.Error(), "larger than the limit of 1048576 bytes") {
		t.Fatalf("spaces: %v", err)
	}
	// One byte at a time reads the same.
	in := `{"kind":"é","dataset":{"labels":[1,2]}}`
	raw, err := Read(iotest.OneByteReader(strings.NewReader(in)), 1<<20, &d)
	if err != nil || string(raw) != in || d.Kind != "é" || len(d.Data.Labels) != 2 {
		t.Fatalf("one byte at a time: %v %q %+v", err, raw, d)
	}
	if _, err := Read(strings.NewReader(in), int64(len(in)-1), &d); err == nil {
		t.Fatal("a document over the limit was accepted")
	}
}

type zeros struct{}

func (zeros) Read(p []byte) (int, error) { clear(p); return len(p), nil }

type spaces struct{}

func (spaces) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = ' '
	}
	return len(p), nil
}

// FuzzUnmarshal: whatever the strict reader accepts, encoding/json reads the same way
// (into a typed value and into an untyped one), and the strict reader never panics.
func FuzzUnmarshal(f *testing.F) {
	for _, s := range []string{`{"kind":"a","dataset":{"labels":[0,1]}}`, `{"kind":"a","claims":[{"b":[1,"x",true]}]}`,
		`{"kind":"\u00e9"}`, `{"kind":"a","x":1e5}`, `{"kind":"a","dataset":{"pair":[1,2],"params":{"k":"v"}}}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var got doc
		if err := Unmarshal(data, &got); err == nil {
			var want doc
			if err := json.Unmarshal(data, &want); err != nil {
				t.Fatalf("strict accepted what encoding/json refuses: %v", err)
			}
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("readings differ: %+v vs %+v", got, want)
			}
		}
		var a, b any
		if err := Unmarshal(data, &a); err == nil {
			if err := json.Unmarshal(data, &b); err != nil || !reflect.DeepEqual(a, b) {
				t.Fatalf("untyped: %v", err)
			}
			if !json.Valid(data) || bytes.Contains(data, []byte("null")) && strings.Contains(string(data), "null") && containsNull(a) {
				t.Fatalf("accepted invalid JSON or a null")
			}
		}
	})
}

func containsNull(v any) bool {
	switch x := v.(type) {
	case nil:
		return true
	case []any:
		for _, e := range x {
			if containsNull(e) {
				return true
			}
		}
	case map[string]any:
		for _, e := range x {
			if containsNull(e) {
				return true
			}
		}
	}
	return false
}

// Leading white space is not kept, and positions after it are still right.
func TestLeadingSpace(t *testing.T) {
	var d doc
	in := strings.Repeat(" ", 100000) + "\n\n   " + `{"kind":1}`
	_, err := Read(iotest.HalfReader(strings.NewReader(in)), 1<<20, &d)
	e, ok := IsError(err)
	if !ok || e.Line != 3 || e.Column != 12 || e.Path != "kind" {
		t.Fatalf("got %#v", err)
	}
	if _, err := Read(strings.NewReader(in), 100, &d); err == nil || !strings.Contains(err.Error(), "larger than the limit") {
		t.Fatalf("limit with leading space: %v", err)
	}
}

// FuzzRead: reading from a stream, one byte at a time, gives what Unmarshal gives.
func FuzzRead(f *testing.F) {
	f.Add([]byte(`  {"kind":"a","dataset":{"labels":[0,1]}}`))
	f.Add([]byte("\n\n {\"kind\":\"\u00e9\"} "))
	defer func(old int) { compactRun = old }(compactRun)
	compactRun = 2 // cut every run of white space longer than 2 bytes from the stream
	f.Fuzz(func(t *testing.T, data []byte) {
		var a, b doc
		errA := Unmarshal(data, &a)
		_, errB := Read(iotest.OneByteReader(bytes.NewReader(data)), 1<<20, &b)
		if (errA == nil) != (errB == nil) {
			t.Fatalf("Unmarshal: %v; Read: %v", errA, errB)
		}
		if errA == nil && !reflect.DeepEqual(a, b) {
			t.Fatalf("readings differ")
		}
		if errA != nil && errA.Error() != errB.Error() {
			t.Fatalf("errors differ: %v / %v", errA, errB)
		}
	})
}

type row []string

func TestBudget(t *testing.T) {
	var v struct {
		A []row    `json:"a"`
		B []row    `json:"b"`
		C []string `json:"c"`
	}
	b := Budget{Type: reflect.TypeOf(row(nil)), Max: 4, What: "weights"}
	if err := Unmarshal([]byte(`{"a":[["1","2"]],"b":[["3","4"]],"c":["x","y","z"]}`), &v, b); err != nil {
		t.Fatal(err)
	}
	err := Unmarshal([]byte(`{"a":[["1","2"]],"b":[["3"],["4","5"]]}`), &v, b)
	if err == nil || !strings.Contains(err.Error(), `b[1][1]: more than 4 weights (limit)`) {
		t.Fatalf("got %v", err)
	}
}

// White space inside a document read from a stream is cut, not kept, and positions after
// it are those of the input.
func TestStreamWhiteSpaceCut(t *testing.T) {
	in := `{"kind":` + strings.Repeat("  \n ", 100000) + strings.Repeat(" ", 70000) + `1}`
	var a, b doc
	errA := Unmarshal([]byte(in), &a)
	raw, errB := Read(iotest.HalfReader(strings.NewReader(in)), 1<<22, &b)
	if errA == nil || errB == nil || errA.Error() != errB.Error() {
		t.Fatalf("Unmarshal: %v\nRead: %v", errA, errB)
	}
	if len(raw) > 200000 {
		t.Fatalf("kept %d bytes of a %d-byte input", len(raw), len(in))
	}
}

func TestStreamWhiteSpaceLimit(t *testing.T) {
	var d doc
	r := io.MultiReader(strings.NewReader(`{"kind":`), io.LimitReader(spaces{}, 1<<40))
	_, err := Read(r, 1<<22, &d)
	if err == nil || !strings.Contains(err.Error(), "larger than the limit of 4194304 bytes") {
		t.Fatalf("got %v", err)
	}
}
