package modelio

import (
	"fmt"
	"strings"
	"testing"
)

// External data: read through Options.External, bare file names only, offset and length
// inside the file; refused without the callback.
func TestONNXExternalData(t *testing.T) {
	in, out := vinfo("x", 1, 1, 2), vinfo("y", 1, 1, 2)
	file := append([]byte("pad!"), f32bytes(3, 0.5)...)
	ext := func(kv ...string) []byte {
		p := pb{}.varint(fTensorDims, 2).varint(fTensorDataType, 1).str(fTensorName, "far")
		for i := 0; i+1 < len(kv); i += 2 {
			p = p.msg(fTensorExternalData, pb{}.str(1, kv[i]).str(2, kv[i+1]))
		}
		p = p.varint(fTensorDataLocation, 1)
		return model([]pb{node("Mul", "m", []string{"x", "far"}, []string{"y"})}, []pb{p}, in, out)
	}
	var asked []string
	opts := &Options{External: func(loc string) ([]byte, error) {
		asked = append(asked, loc)
		if loc != "w.bin" {
			return nil, fmt.Errorf("no such file")
		}
		return file, nil
	}}
	n, err := ReadONNX(ext("location", "w.bin", "offset", "4", "length", "8"), opts)
	if err != nil {
		t.Fatal(err)
	}
	if got := evalStr(n, "1", "1"); got != "3 1/2" {
		t.Errorf("got %s, want 3 1/2", got)
	}
	if len(asked) != 1 || asked[0] != "w.bin" {
		t.Errorf("asked for %q", asked)
	}
	for _, c := range []struct {
		b    []byte
		o    *Options
		want string
	}{
		{ext("location", "w.bin", "offset", "4"), nil, `tensor "far": its data is stored in an external file`},
		{ext("location", "../w.bin"), opts, `external data location "../w.bin" is not a file name beside the model`},
		{ext("location", "sub/w.bin"), opts, `is not a file name beside the model`},
		{ext("location", ".."), opts, `is not a file name beside the model`},
		{ext("offset", "4"), opts, `external data without a location`},
		{ext("location", "other.bin"), opts, `external data "other.bin": no such file`},
		{ext("location", "w.bin", "offset", "13"), opts, `offset "13" is not inside "w.bin" (12 bytes)`},
		{ext("location", "w.bin", "offset", "8", "length", "8"), opts, `length "8" does not fit`},
		{ext("location", "w.bin", "offset", "-1"), opts, `offset "-1"`},
		{ext("location", "w.bin"), opts, `tensor "far"`}, // 12 bytes for 2 floats
		{ext("location", "w.bin", "location", "w.bin"), opts, `external_data key "location" given twice`},
	} {
		_, err := ReadONNX(c.b, c.o)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("error %v does not say %q", err, c.want)
		}
	}
}
