package modelio

import (
	"archive/zip"
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"math/big"
	"sort"
	"strconv"
	"strings"

	"certify/cert"
)

// ---- safetensors ----

var safeDTypes = map[string]DType{"F64": F64, "F32": F32, "F16": F16, "BF16": BF16, "I64": I64, "I32": I32,
	"I16": I16, "I8": I8, "U64": U64, "U32": U32, "U16": U16, "U8": U8, "BOOL": Bool}

// ReadSafetensors reads every tensor of a safetensors file: an 8-byte little-endian
// header length, a JSON header {name: {dtype, shape, data_offsets}} (and an optional
// "__metadata__" of strings), then the data. Offsets must lie in the data, cover it
// without overlap, and match the dtype and shape.
func ReadSafetensors(b []byte, o *Options) ([]*Tensor, error) {
	if len(b) < 8 {
		return nil, fmt.Errorf("safetensors: %d bytes, shorter than the header length", len(b))
	}
	hl := binary.LittleEndian.Uint64(b)
	if hl > uint64(len(b)-8) || hl > 100<<20 {
		return nil, fmt.Errorf("safetensors: header length %d, but the file has %d bytes after it", hl, len(b)-8)
	}
	header, data := b[8:8+hl], b[8+hl:]
	keys, raw, err := strictObject(header)
	if err != nil {
		return nil, fmt.Errorf("safetensors header: %v", err)
	}
	type entry struct {
		DType   string  `json:"dtype"`
		Shape   []int64 `json:"shape"`
		Offsets []int64 `json:"data_offsets"`
	}
	var out []*Tensor
	type span struct {
		lo, hi int64
		name   string
	}
	var spans []span
	for _, k := range keys {
		if k == "__metadata__" {
			var md map[string]string
			if err := json.Unmarshal(raw[k], &md); err != nil {
				return nil, fmt.Errorf("safetensors header: __metadata__ must map strings to strings: %v", err)
			}
			continue
		}
		var e entry
		dec := json.NewDecoder(bytes.NewReader(raw[k]))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&e); err != nil {
			return nil, fmt.Errorf("safetensors: tensor %q: %v", k, err)
		}
		dt, ok := safeDTypes[e.DType]
		if !ok {
			return nil, fmt.Errorf("safetensors: tensor %q: dtype %q is not supported", k, e.DType)
		}
		n, err := numel(e.Shape, o.maxElements())
		if err != nil {
			return nil, fmt.Errorf("safetensors: tensor %q: %v", k, err)
		}
		if len(e.Offsets) != 2 || e.Offsets[0] < 0 || e.Offsets[1] < e.Offsets[0] || e.Offsets[1] > int64(len(data)) {
			return nil, fmt.Errorf("safetensors: tensor %q: data_offsets %v outside the %d bytes of data", k, e.Offsets, len(data))
		}
		if e.Offsets[1]-e.Offsets[0] != n*int64(dt.Size()) {
			return nil, fmt.Errorf("safetensors: tensor %q: shape %v of %s needs %d bytes, data_offsets give %d", k, e.Shape, dt, n*int64(dt.Size()), e.Offsets[1]-e.Offsets[0])
		}
		vals, err := decodeRaw(data[e.Offsets[0]:e.Offsets[1]], dt, int(n), k)
		if err != nil {
			return nil, err
		}
		t := &Tensor{Name: k, DType: dt, Vals: vals}
		for _, d := range e.Shape {
			t.Shape = append(t.Shape, int(d))
		}
		out = append(out, t)
		spans = append(spans, span{e.Offsets[0], e.Offsets[1], k})
	}
	sort.Slice(spans, func(i, j int) bool { return spans[i].lo < spans[j].lo })
	at := int64(0)
	for _, s := range spans {
		if s.lo != at {
			return nil, fmt.Errorf("safetensors: tensor %q starts at byte %d of the data, want %d (tensors must cover the data without gaps or overlap)", s.name, s.lo, at)
		}
		at = s.hi
	}
	if at != int64(len(data)) {
		return nil, fmt.Errorf("safetensors: %d bytes of data after the last tensor", int64(len(data))-at)
	}
	return out, nil
}

// strictObject reads one JSON object, refusing duplicate keys, and returns its keys in
// order with their raw values.
func strictObject(b []byte) ([]string, map[string]json.RawMessage, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	tok, err := dec.Token()
	if err != nil || tok != json.Delim('{') {
		return nil, nil, fmt.Errorf("not a JSON object")
	}
	raw := map[string]json.RawMessage{}
	var keys []string
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, nil, err
		}
		k, _ := tok.(string)
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return nil, nil, fmt.Errorf("key %q: %v", k, err)
		}
		if _, dup := raw[k]; dup {
			return nil, nil, fmt.Errorf("key %q appears twice", k)
		}
		raw[k] = v
		keys = append(keys, k)
	}
	if _, err := dec.Token(); err != nil {
		return nil, nil, err
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, nil, fmt.Errorf("data after the JSON object")
	}
	return keys, raw, nil
}

// ---- NumPy ----

var npyDTypes = map[string]DType{"f8": F64, "f4": F32, "f2": F16, "i8": I64, "i4": I32, "i2": I16, "i1": I8,
	"u8": U64, "u4": U32, "u2": U16, "u1": U8, "b1": Bool}

// ReadNpy reads one .npy array (format versions 1–3): the magic, a Python-literal header
// {'descr': …, 'fortran_order': …, 'shape': (…)}, then the data. Object arrays refused.
func ReadNpy(b []byte, name string, o *Options) (*Tensor, error) {
	if len(b) < 10 || string(b[:6]) != "\x93NUMPY" {
		return nil, fmt.Errorf("npy %q: not a .npy array (no \\x93NUMPY magic)", name)
	}
	var hl, start int
	switch b[6] {
	case 1:
		hl, start = int(binary.LittleEndian.Uint16(b[8:])), 10
	case 2, 3:
		if len(b) < 12 {
			return nil, fmt.Errorf("npy %q: truncated header", name)
		}
		hl, start = int(binary.LittleEndian.Uint32(b[8:])), 12
	default:
		return nil, fmt.Errorf("npy %q: format version %d.%d is not supported", name, b[6], b[7])
	}
	if hl < 0 || hl > len(b)-start || hl > 1<<20 {
		return nil, fmt.Errorf("npy %q: header length %d beyond the file", name, hl)
	}
	h, err := parseNpyHeader(string(b[start : start+hl]))
	if err != nil {
		return nil, fmt.Errorf("npy %q: header: %v", name, err)
	}
	descr := h.descr
	order := descr[0]
	dt, ok := npyDTypes[descr[1:]]
	if !ok || (order != '<' && order != '>' && order != '|' && order != '=') {
		return nil, fmt.Errorf("npy %q: dtype %q is not supported", name, descr)
	}
	n, err := numel(h.shape, o.maxElements())
	if err != nil {
		return nil, fmt.Errorf("npy %q: %v", name, err)
	}
	data := b[start+hl:]
	if int64(len(data)) != n*int64(dt.Size()) {
		return nil, fmt.Errorf("npy %q: shape %v of %s needs %d bytes of data, the file has %d", name, h.shape, descr, n*int64(dt.Size()), len(data))
	}
	if order == '>' && dt.Size() > 1 {
		sw := make([]byte, len(data))
		for i := 0; i < len(data); i += dt.Size() {
			for k := 0; k < dt.Size(); k++ {
				sw[i+k] = data[i+dt.Size()-1-k]
			}
		}
		data = sw
	}
	vals, err := decodeRaw(data, dt, int(n), name)
	if err != nil {
		return nil, err
	}
	t := &Tensor{Name: name, DType: dt}
	for _, d := range h.shape {
		t.Shape = append(t.Shape, int(d))
	}
	if h.fortran && len(t.Shape) > 1 {
		// Column-major: element (i0, …, ik) is at Σ i_j·stride_j with stride_0 = 1.
		rev := make([]int, len(t.Shape))
		perm := make([]int64, len(t.Shape))
		for i := range rev {
			rev[i] = t.Shape[len(t.Shape)-1-i]
			perm[i] = int64(len(t.Shape) - 1 - i)
		}
		idx, _, err := transposeIndex(rev, perm)
		if err != nil {
			return nil, err
		}
		rm := make([]*big.Rat, len(vals))
		for r, i := range idx {
			rm[r] = vals[i]
		}
		vals = rm
	}
	t.Vals = vals
	return t, nil
}

type npyHeader struct {
	descr   string
	fortran bool
	shape   []int64
}

// parseNpyHeader reads the header dict exactly as numpy writes it (keys in any order,
// each once).
func parseNpyHeader(s string) (*npyHeader, error) {
	s = strings.TrimSpace(s)
	if !strings.HasPrefix(s, "{") || !strings.HasSuffix(s, "}") {
		return nil, fmt.Errorf("not a dict")
	}
	s = strings.TrimSpace(s[1 : len(s)-1])
	h := &npyHeader{}
	seen := map[string]bool{}
	for s != "" {
		var key string
		if !strings.HasPrefix(s, "'") {
			return nil, fmt.Errorf("expected a quoted key at %q", clipStr(s))
		}
		end := strings.Index(s[1:], "'")
		if end < 0 {
			return nil, fmt.Errorf("unterminated key")
		}
		key, s = s[1:1+end], strings.TrimSpace(s[2+end:])
		if seen[key] {
			return nil, fmt.Errorf("key %q twice", key)
		}
		seen[key] = true
		if !strings.HasPrefix(s, ":") {
			return nil, fmt.Errorf("expected ':' after %q", key)
		}
		s = strings.TrimSpace(s[1:])
		switch key {
		case "descr":
			if !strings.HasPrefix(s, "'") {
				return nil, fmt.Errorf("descr is not a simple dtype string (structured arrays are not supported)")
			}
			e := strings.Index(s[1:], "'")
			if e < 2 {
				return nil, fmt.Errorf("bad descr")
			}
			h.descr, s = s[1:1+e], s[2+e:]
		case "fortran_order":
			switch {
			case strings.HasPrefix(s, "True"):
				h.fortran, s = true, s[4:]
			case strings.HasPrefix(s, "False"):
				s = s[5:]
			default:
				return nil, fmt.Errorf("fortran_order is not True or False")
			}
		case "shape":
			if !strings.HasPrefix(s, "(") {
				return nil, fmt.Errorf("shape is not a tuple")
			}
			e := strings.Index(s, ")")
			if e < 0 {
				return nil, fmt.Errorf("unterminated shape")
			}
			for _, f := range strings.Split(s[1:e], ",") {
				f = strings.TrimSpace(f)
				if f == "" {
					continue
				}
				v, err := strconv.ParseInt(f, 10, 64)
				if err != nil || v < 0 {
					return nil, fmt.Errorf("shape entry %q", f)
				}
				h.shape = append(h.shape, v)
			}
			s = s[e+1:]
		default:
			return nil, fmt.Errorf("unknown key %q", key)
		}
		s = strings.TrimSpace(s)
		s = strings.TrimSpace(strings.TrimPrefix(s, ","))
	}
	if !seen["descr"] || !seen["shape"] || !seen["fortran_order"] {
		return nil, fmt.Errorf("want the keys descr, fortran_order and shape")
	}
	return h, nil
}

// ReadNpz reads the arrays of an .npz (a zip of .npy files, stored or deflated), named
// without the ".npy" suffix. Decompressed sizes are bounded by the element limit.
func ReadNpz(b []byte, o *Options) ([]*Tensor, error) {
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		return nil, fmt.Errorf("npz: %v", err)
	}
	limit := o.maxElements()*8 + 1<<20
	var out []*Tensor
	seen := map[string]bool{}
	for _, f := range zr.File {
		name := strings.TrimSuffix(f.Name, ".npy")
		if name == f.Name {
			return nil, fmt.Errorf("npz: member %q is not a .npy array", f.Name)
		}
		if seen[name] {
			return nil, fmt.Errorf("npz: member %q twice", f.Name)
		}
		seen[name] = true
		if f.UncompressedSize64 > uint64(limit) {
			return nil, fmt.Errorf("npz: member %q decompresses to %d bytes, over the limit", f.Name, f.UncompressedSize64)
		}
		rc, err := f.Open()
		if err != nil {
			return nil, fmt.Errorf("npz: member %q: %v", f.Name, err)
		}
		data, err := io.ReadAll(io.LimitReader(rc, limit+1))
		rc.Close()
		if err != nil {
			return nil, fmt.Errorf("npz: member %q: %v", f.Name, err)
		}
		if int64(len(data)) > limit {
			return nil, fmt.Errorf("npz: member %q decompresses beyond the limit", f.Name)
		}
		t, err := ReadNpy(data, name, o)
		if err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, nil
}

// ---- tensors to layers: the naming convention ----

// Stack makes a network of dense layers from named tensors. A layer is a prefix P with a
// tensor "P.weight" of shape [out, in] (PyTorch's nn.Linear) or "P.kernel" of shape
// [in, out] (Flax, Keras; transposed here), and optionally "P.bias" of shape [out]
// (absent: zero). Layers are ordered by o.Layers when given, otherwise by their prefixes
// in natural order: split on ".", numbers compared as numbers, other parts with their
// digit runs compared as numbers ("0" < "2" < "10", "fc1" < "fc2" < "fc10"). Any tensor
// outside this convention is refused by name. Activations come from o.Activations.
func Stack(ts []*Tensor, o *Options) (*cert.Network, error) {
	type lay struct {
		w, b      *Tensor
		transpose bool
	}
	byPrefix := map[string]*lay{}
	for _, t := range ts {
		i := strings.LastIndex(t.Name, ".")
		if i <= 0 {
			return nil, fmt.Errorf("tensor %q: not named PREFIX.weight, PREFIX.kernel or PREFIX.bias (see docs/import.md)", t.Name)
		}
		p, s := t.Name[:i], t.Name[i+1:]
		l := byPrefix[p]
		if l == nil {
			l = &lay{}
			byPrefix[p] = l
		}
		switch s {
		case "weight", "kernel":
			if l.w != nil {
				return nil, fmt.Errorf("tensor %q: layer %q has two weight tensors", t.Name, p)
			}
			l.w, l.transpose = t, s == "kernel"
		case "bias":
			l.b = t
		default:
			return nil, fmt.Errorf("tensor %q: suffix %q is not weight, kernel or bias (layers other than dense are not supported)", t.Name, s)
		}
	}
	var order []string
	if len(o.Layers) > 0 {
		used := map[string]bool{}
		for _, p := range o.Layers {
			if byPrefix[p] == nil {
				return nil, fmt.Errorf("layer %q: no tensor %q.weight", p, p)
			}
			if used[p] {
				return nil, fmt.Errorf("layer %q listed twice", p)
			}
			used[p] = true
			order = append(order, p)
		}
		for p := range byPrefix {
			if !used[p] {
				return nil, fmt.Errorf("layer %q is in the file but not in the layer list", p)
			}
		}
	} else {
		for p := range byPrefix {
			order = append(order, p)
		}
		sort.Slice(order, func(i, j int) bool { return naturalLess(order[i], order[j]) })
	}
	if len(order) == 0 {
		return nil, fmt.Errorf("no tensors")
	}
	acts, err := layerActivations(o.Activations, len(order))
	if err != nil {
		return nil, err
	}
	net := &cert.Network{}
	for li, p := range order {
		l := byPrefix[p]
		if l.w == nil {
			return nil, fmt.Errorf("layer %q: a bias without a weight", p)
		}
		if len(l.w.Shape) != 2 {
			return nil, fmt.Errorf("tensor %q: shape %v is not a matrix", l.w.Name, l.w.Shape)
		}
		out, in := l.w.Shape[0], l.w.Shape[1]
		if l.transpose {
			out, in = in, out
		}
		if li == 0 {
			net.InputDim = in
		} else if prev := net.Layers[li-1].Out(); prev != in {
			return nil, fmt.Errorf("tensor %q: layer %q reads %d inputs but the layer before it has %d outputs", l.w.Name, p, in, prev)
		}
		if out == 0 || in == 0 {
			return nil, fmt.Errorf("tensor %q: empty matrix %v", l.w.Name, l.w.Shape)
		}
		if l.b != nil && (len(l.b.Shape) != 1 || l.b.Shape[0] != out) {
			return nil, fmt.Errorf("tensor %q: shape %v, want [%d]", l.b.Name, l.b.Shape, out)
		}
		L := cert.Layer{W: make([][]*big.Rat, out), B: make([]*big.Rat, out), Act: make([]cert.Activation, out)}
		for j := 0; j < out; j++ {
			row := make([]*big.Rat, in)
			for k := 0; k < in; k++ {
				if l.transpose {
					row[k] = l.w.Vals[k*out+j]
				} else {
					row[k] = l.w.Vals[j*in+k]
				}
			}
			L.W[j] = row
			if l.b != nil {
				L.B[j] = l.b.Vals[j]
			} else {
				L.B[j] = new(big.Rat)
			}
			L.Act[j] = acts[li]
		}
		net.Layers = append(net.Layers, L)
	}
	return net, nil
}

// layerActivations reads --activations: empty (relu hidden, identity last), one name
// (every hidden layer; identity last), or one per layer.
func layerActivations(spec []string, n int) ([]cert.Activation, error) {
	out := make([]cert.Activation, n)
	for i := range out {
		out[i] = cert.Activation{Kind: cert.ActReLU}
	}
	out[n-1] = cert.Activation{Kind: cert.ActIdentity}
	switch len(spec) {
	case 0:
		return out, nil
	case 1:
		a, err := cert.ParseActivation(spec[0], 4096)
		if err != nil {
			return nil, fmt.Errorf("activations: %v", err)
		}
		for i := 0; i < n-1; i++ {
			out[i] = a
		}
		return out, nil
	case n:
		for i, s := range spec {
			a, err := cert.ParseActivation(s, 4096)
			if err != nil {
				return nil, fmt.Errorf("activations[%d]: %v", i, err)
			}
			out[i] = a
		}
		return out, nil
	}
	return nil, fmt.Errorf("activations: %d given for %d layers (give one for every hidden layer, or one per layer)", len(spec), n)
}

// naturalLess orders layer prefixes: dot-separated parts, digit runs compared as numbers.
func naturalLess(a, b string) bool {
	pa, pb := strings.Split(a, "."), strings.Split(b, ".")
	for i := 0; i < len(pa) && i < len(pb); i++ {
		if pa[i] != pb[i] {
			return partLess(pa[i], pb[i])
		}
	}
	return len(pa) < len(pb)
}

func partLess(a, b string) bool {
	for a != "" && b != "" {
		da, db := digitRun(a), digitRun(b)
		if da > 0 && db > 0 {
			na, nb := strings.TrimLeft(a[:da], "0"), strings.TrimLeft(b[:db], "0")
			if len(na) != len(nb) {
				return len(na) < len(nb)
			}
			if na != nb {
				return na < nb
			}
			a, b = a[da:], b[db:]
			continue
		}
		if a[0] != b[0] {
			return a[0] < b[0]
		}
		a, b = a[1:], b[1:]
	}
	return len(a) < len(b)
}

func digitRun(s string) int {
	i := 0
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	return i
}
