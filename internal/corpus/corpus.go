// Package corpus generates malformed certificates from valid ones, for tests: every case
// must be refused as malformed input (exit 2), with the path of a field, and never crash.
//
// The mutations: truncations; a duplicated key; a key with its case changed; null in place
// of a value; a value of the wrong JSON type; numbers that are not exact rationals (NaN,
// infinities, exponents, hexadecimal, a zero denominator); absurd sizes; a weight row one
// entry too long; data paths that leave the certificate's folder; an unknown claim kind.
// Structural mutations are applied to every key of every claim, of the network and its
// first layer, and of the dataset, so every claim kind is covered by the fixtures it has.
//
// Only the standard library is used; the package is imported by tests only.
package corpus

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
)

// Case is one malformed certificate.
type Case struct {
	Name string // "<fixture>/<mutation>"
	Data []byte
	// PathPrefix, when set, is a prefix the error's field path must have.
	PathPrefix string
}

// Generate returns the malformed variants of the valid certificates given by name.
func Generate(valid map[string][]byte) []Case {
	names := make([]string, 0, len(valid))
	for n := range valid {
		names = append(names, n)
	}
	sort.Strings(names)
	var out []Case
	for _, name := range names {
		out = append(out, mutate(name, valid[name])...)
	}
	return out
}

func mutate(name string, raw []byte) []Case {
	var cs []Case
	add := func(m string, data []byte, prefix string) {
		cs = append(cs, Case{Name: name + "/" + m, Data: data, PathPrefix: prefix})
	}
	for _, f := range []int{1, 3, 2} {
		add(fmt.Sprintf("truncated-%d", f), raw[:len(raw)*f/4], "")
	}
	root, err := parse(raw)
	if err != nil {
		return cs
	}
	obj := root.(*object)
	edit := func(m, prefix string, f func(*object) bool) {
		c := obj.clone().(*object)
		if f(c) {
			add(m, c.encode(), prefix)
		}
	}
	edit("duplicate-format", "(top level)", func(o *object) bool {
		o.members = append(o.members, member{"format", "certify/v1"})
		return true
	})
	edit("case-FORMAT", "(top level)", func(o *object) bool { return o.rename("format", "FORMAT") })
	edit("case-Claims", "(top level)", func(o *object) bool { return o.rename("claims", "Claims") })
	edit("format-null", "format", func(o *object) bool { return o.set("format", nil) })
	edit("format-number", "format", func(o *object) bool { return o.set("format", json.Number("1")) })
	edit("claims-null", "claims", func(o *object) bool { return o.set("claims", nil) })
	edit("claims-object", "claims", func(o *object) bool { return o.set("claims", &object{}) })
	edit("claims-empty", "claims", func(o *object) bool { return o.set("claims", []any{}) })

	claims, _ := obj.get("claims").([]any)
	for i, c := range claims {
		co, ok := c.(*object)
		if !ok {
			continue
		}
		p := fmt.Sprintf("claims[%d]", i)
		edit(p+"-duplicate-kind", p, func(o *object) bool {
			cl := o.get("claims").([]any)[i].(*object)
			cl.members = append(cl.members, member{"kind", co.get("kind")})
			return true
		})
		edit(p+"-case-KIND", p, func(o *object) bool { return o.get("claims").([]any)[i].(*object).rename("kind", "KIND") })
		edit(p+"-unknown-kind", p+".kind", func(o *object) bool {
			return o.get("claims").([]any)[i].(*object).set("kind", "no-such-kind")
		})
		edit(p+"-null", p, func(o *object) bool { o.get("claims").([]any)[i] = nil; return true })
		for _, m := range co.members {
			key := m.key
			structural(p, key, func(tag string, f func(*object) bool) {
				edit(p+"."+key+"-"+tag, p, func(o *object) bool { return f(o.get("claims").([]any)[i].(*object)) })
			})
		}
	}
	if net, ok := obj.get("network").(*object); ok {
		for _, m := range net.members {
			key := m.key
			structural("network", key, func(tag string, f func(*object) bool) {
				edit("network."+key+"-"+tag, "network", func(o *object) bool { return f(o.get("network").(*object)) })
			})
		}
		edit("network.input_dim-zero", "network", func(o *object) bool { return o.get("network").(*object).set("input_dim", json.Number("0")) })
		edit("network.input_dim-negative", "network", func(o *object) bool { return o.get("network").(*object).set("input_dim", json.Number("-1")) })
		edit("network.input_dim-huge", "network.input_dim", func(o *object) bool {
			return o.get("network").(*object).set("input_dim", json.Number("99999999999999999999999"))
		})
		edit("network.layers-empty", "network", func(o *object) bool { return o.get("network").(*object).set("layers", []any{}) })
		if layers, ok := net.get("layers").([]any); ok && len(layers) > 0 {
			l0 := layers[0].(*object)
			for _, m := range l0.members {
				key := m.key
				structural("network.layers[0]", key, func(tag string, f func(*object) bool) {
					edit("network.layers[0]."+key+"-"+tag, "network.layers[0]", func(o *object) bool {
						return f(o.get("network").(*object).get("layers").([]any)[0].(*object))
					})
				})
			}
			for _, bad := range []string{"NaN", "Inf", "-Infinity", "1e5", "0x10", "1/0", "", " 1", "1.", "--1", "1/-2", strings.Repeat("9", 5000)} {
				bad := bad
				edit("network.weight-"+strconv.Quote(clip(bad)), "network.layers[0].weights[0][0]", func(o *object) bool {
					w, ok := o.get("network").(*object).get("layers").([]any)[0].(*object).get("weights").([]any)
					if !ok || len(w) == 0 {
						return false
					}
					row, ok := w[0].([]any)
					if !ok || len(row) == 0 {
						return false
					}
					row[0] = bad
					return true
				})
			}
			edit("network.weight-row-long", "network.layers[0].weights[0]", func(o *object) bool {
				w, ok := o.get("network").(*object).get("layers").([]any)[0].(*object).get("weights").([]any)
				if !ok || len(w) == 0 {
					return false
				}
				row, ok := w[0].([]any)
				if !ok {
					return false
				}
				w[0] = append(row, "1")
				return true
			})
		}
	}
	if ds, ok := obj.get("dataset").(*object); ok {
		for _, m := range ds.members {
			key := m.key
			structural("dataset", key, func(tag string, f func(*object) bool) {
				edit("dataset."+key+"-"+tag, "dataset", func(o *object) bool { return f(o.get("dataset").(*object)) })
			})
		}
		if _, ok := ds.get("labels").([]any); ok {
			edit("dataset.labels-null-entry", "dataset.labels[0]", func(o *object) bool {
				o.get("dataset").(*object).get("labels").([]any)[0] = nil
				return true
			})
			edit("dataset.labels-float", "dataset.labels[0]", func(o *object) bool {
				o.get("dataset").(*object).get("labels").([]any)[0] = json.Number("1.0")
				return true
			})
			edit("dataset.labels-case", "dataset", func(o *object) bool { return o.get("dataset").(*object).rename("labels", "LABELS") })
		}
		if in, ok := ds.get("inputs").([]any); ok && len(in) > 1 {
			edit("dataset.inputs-ragged", "dataset.inputs[1]", func(o *object) bool {
				rows := o.get("dataset").(*object).get("inputs").([]any)
				rows[1] = append(rows[1].([]any), "0")
				return true
			})
		}
		if src, ok := ds.get("source").(*object); ok {
			for _, k := range []string{"path", "images", "labels"} {
				if src.get(k) == nil {
					continue
				}
				for tag, bad := range map[string]string{"parent": "../../../../../../etc/passwd", "absolute": "/etc/passwd", "missing": "no-such-file.csv"} {
					k, bad := k, bad
					edit("dataset.source."+k+"-"+tag, "dataset.source", func(o *object) bool {
						return o.get("dataset").(*object).get("source").(*object).set(k, bad)
					})
				}
			}
		}
	}
	return cs
}

// structural calls f with the mutations of one key of an object: null, a wrong JSON type,
// the key duplicated, the key in upper case. Each is malformed whatever the key.
func structural(at, key string, f func(tag string, mut func(*object) bool)) {
	f("null", func(o *object) bool { return o.set(key, nil) })
	f("wrong-type", func(o *object) bool {
		switch o.get(key).(type) {
		case string:
			return o.set(key, json.Number("7"))
		case json.Number:
			return o.set(key, "7")
		case []any:
			return o.set(key, &object{})
		case *object:
			return o.set(key, []any{})
		case bool:
			return o.set(key, "yes")
		}
		return false
	})
	f("duplicate", func(o *object) bool {
		o.members = append(o.members, member{key, o.get(key)})
		return true
	})
	if up := strings.ToUpper(key); up != key {
		f("upper-case", func(o *object) bool { return o.rename(key, up) })
	}
}

func clip(s string) string {
	if len(s) > 12 {
		return s[:12] + "…"
	}
	return s
}

// ---- an order-preserving JSON tree ----

type member struct {
	key   string
	value any
}

type object struct{ members []member }

func (o *object) get(k string) any {
	for _, m := range o.members {
		if m.key == k {
			return m.value
		}
	}
	return nil
}

func (o *object) set(k string, v any) bool {
	for i := range o.members {
		if o.members[i].key == k {
			o.members[i].value = v
			return true
		}
	}
	return false
}

func (o *object) rename(k, to string) bool {
	for i := range o.members {
		if o.members[i].key == k {
			o.members[i].key = to
			return true
		}
	}
	return false
}

func (o *object) clone() any { return cloneValue(o) }

func cloneValue(v any) any {
	switch x := v.(type) {
	case *object:
		c := &object{members: make([]member, len(x.members))}
		for i, m := range x.members {
			c.members[i] = member{m.key, cloneValue(m.value)}
		}
		return c
	case []any:
		c := make([]any, len(x))
		for i, e := range x {
			c[i] = cloneValue(e)
		}
		return c
	}
	return v
}

func parse(raw []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	return parseValue(dec)
}

func parseValue(dec *json.Decoder) (any, error) {
	t, err := dec.Token()
	if err != nil {
		return nil, err
	}
	switch t {
	case json.Delim('{'):
		o := &object{}
		for dec.More() {
			k, err := dec.Token()
			if err != nil {
				return nil, err
			}
			v, err := parseValue(dec)
			if err != nil {
				return nil, err
			}
			o.members = append(o.members, member{k.(string), v})
		}
		_, err := dec.Token()
		return o, err
	case json.Delim('['):
		a := []any{}
		for dec.More() {
			v, err := parseValue(dec)
			if err != nil {
				return nil, err
			}
			a = append(a, v)
		}
		_, err := dec.Token()
		return a, err
	}
	return t, nil
}

func (o *object) encode() []byte {
	var b bytes.Buffer
	writeValue(&b, o)
	b.WriteByte('\n')
	return b.Bytes()
}

func writeValue(w io.Writer, v any) {
	switch x := v.(type) {
	case *object:
		io.WriteString(w, "{")
		for i, m := range x.members {
			if i > 0 {
				io.WriteString(w, ",")
			}
			k, _ := json.Marshal(m.key)
			w.Write(k)
			io.WriteString(w, ":")
			writeValue(w, m.value)
		}
		io.WriteString(w, "}")
	case []any:
		io.WriteString(w, "[")
		for i, e := range x {
			if i > 0 {
				io.WriteString(w, ",")
			}
			writeValue(w, e)
		}
		io.WriteString(w, "]")
	case json.Number:
		io.WriteString(w, string(x))
	default:
		b, _ := json.Marshal(x) // string, bool, nil
		w.Write(b)
	}
}
