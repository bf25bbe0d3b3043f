package cert

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestSchemaValidatesValidFixtures checks every valid fixture against cert.schema.json
// with the small validator below (the JSON-Schema subset the schema uses: type,
// properties, additionalProperties, required, items, minItems, uniqueItems, minimum,
// pattern, enum, const, oneOf, $ref to #/$defs/…), and that broken fixtures the schema
// can see are refused by it too.
func TestSchemaValidatesValidFixtures(t *testing.T) {
	schema := loadJSON(t, filepath.Join("..", "cert.schema.json"))
	v := &validator{root: schema.(map[string]any)}
	files, _ := filepath.Glob(filepath.Join("..", "testdata", "certs", "valid", "*.json"))
	if len(files) == 0 {
		t.Fatal("no fixtures")
	}
	for _, path := range files {
		if err := v.validate(v.root, loadJSON(t, path), "$"); err != nil {
			t.Errorf("%s: %v", filepath.Base(path), err)
		}
	}
	for _, name := range []string{"unknown_field", "claim_extra_field", "unknown_claim_kind", "exponent_weight", "wrong_format_version", "patterns_repeated_point"} {
		path := filepath.Join("..", "testdata", "certs", "invalid", name+".json")
		if err := v.validate(v.root, loadJSON(t, path), "$"); err == nil {
			t.Errorf("%s: the schema admits a certificate the kernel refuses", name)
		}
	}
}

// TestSchemaValidator checks the validator itself on small cases.
func TestSchemaValidator(t *testing.T) {
	v := &validator{root: map[string]any{}}
	for _, tc := range []struct {
		schema, doc string
		ok          bool
	}{
		{`{"type": "integer", "minimum": 1}`, `2`, true},
		{`{"type": "integer", "minimum": 1}`, `0`, false},
		{`{"type": "integer"}`, `1.5`, false},
		{`{"type": "string", "pattern": "^a+$"}`, `"aa"`, true},
		{`{"type": "string", "pattern": "^a+$"}`, `"ab"`, false},
		{`{"type": "object", "required": ["x"], "additionalProperties": false, "properties": {"x": {"const": 1}}}`, `{"x": 1}`, true},
		{`{"type": "object", "required": ["x"], "additionalProperties": false, "properties": {"x": {"const": 1}}}`, `{"x": 1, "y": 2}`, false},
		{`{"type": "object", "required": ["x"]}`, `{}`, false},
		{`{"type": "array", "minItems": 1, "uniqueItems": true, "items": {"type": "integer"}}`, `[1, 2]`, true},
		{`{"type": "array", "uniqueItems": true}`, `[1, 1]`, false},
		{`{"type": "array", "minItems": 1}`, `[]`, false},
		{`{"oneOf": [{"type": "string"}, {"type": "integer"}]}`, `true`, false},
		{`{"oneOf": [{"type": "integer"}, {"minimum": 0}]}`, `3`, false},
		{`{"enum": ["a", "b"]}`, `"b"`, true},
		{`{"enum": ["a", "b"]}`, `"c"`, false},
		{`{"type": "boolean"}`, `false`, true},
	} {
		var s, d any
		dec := json.NewDecoder(strings.NewReader(tc.schema))
		dec.UseNumber()
		if err := dec.Decode(&s); err != nil {
			t.Fatal(err)
		}
		dec = json.NewDecoder(strings.NewReader(tc.doc))
		dec.UseNumber()
		if err := dec.Decode(&d); err != nil {
			t.Fatal(err)
		}
		if err := v.validate(s, d, "$"); (err == nil) != tc.ok {
			t.Errorf("%s on %s: %v, want ok=%v", tc.schema, tc.doc, err, tc.ok)
		}
	}
}

func loadJSON(t *testing.T, path string) any {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return v
}

// validator is a JSON-Schema validator for the keywords cert.schema.json uses; any
// other keyword (but the annotations) is an error, so the schema cannot silently use
// one this test does not check.
type validator struct{ root map[string]any }

var annotations = map[string]bool{"$schema": true, "$id": true, "title": true, "description": true, "$defs": true}

func (v *validator) validate(schema, doc any, at string) error {
	s, ok := schema.(map[string]any)
	if !ok {
		return fmt.Errorf("%s: schema is not an object", at)
	}
	for k, kv := range s {
		if annotations[k] {
			continue
		}
		var err error
		switch k {
		case "$ref":
			ref, _ := kv.(string)
			name, ok := strings.CutPrefix(ref, "#/$defs/")
			defs, _ := v.root["$defs"].(map[string]any)
			if !ok || defs[name] == nil {
				return fmt.Errorf("%s: unresolvable $ref %q", at, ref)
			}
			err = v.validate(defs[name], doc, at)
		case "type":
			if !hasType(doc, kv.(string)) {
				err = fmt.Errorf("%s: not of type %s", at, kv)
			}
		case "const":
			if !jsonEqual(kv, doc) {
				err = fmt.Errorf("%s: is not %v", at, kv)
			}
		case "enum":
			found := false
			for _, e := range kv.([]any) {
				found = found || jsonEqual(e, doc)
			}
			if !found {
				err = fmt.Errorf("%s: %v is not one of %v", at, doc, kv)
			}
		case "pattern":
			if str, ok := doc.(string); ok && !regexp.MustCompile(kv.(string)).MatchString(str) {
				err = fmt.Errorf("%s: %q does not match %s", at, str, kv)
			}
		case "minimum":
			if n, ok := doc.(json.Number); ok {
				x, _ := n.Float64() // test-only: the schema's minima are small integers
				m, _ := kv.(json.Number).Float64()
				if x < m {
					err = fmt.Errorf("%s: %v < %v", at, n, kv)
				}
			}
		case "minItems":
			m, _ := kv.(json.Number).Int64()
			if a, ok := doc.([]any); ok && int64(len(a)) < m {
				err = fmt.Errorf("%s: fewer than %d items", at, m)
			}
		case "uniqueItems":
			if a, ok := doc.([]any); ok && kv == true {
				for i := range a {
					for j := i + 1; j < len(a); j++ {
						if jsonEqual(a[i], a[j]) {
							err = fmt.Errorf("%s: items %d and %d are equal", at, i, j)
						}
					}
				}
			}
		case "items":
			if a, ok := doc.([]any); ok {
				for i, x := range a {
					if err = v.validate(kv, x, fmt.Sprintf("%s[%d]", at, i)); err != nil {
						break
					}
				}
			}
		case "required":
			if o, ok := doc.(map[string]any); ok {
				for _, r := range kv.([]any) {
					if _, has := o[r.(string)]; !has {
						err = fmt.Errorf("%s: missing %q", at, r)
						break
					}
				}
			}
		case "properties":
			if o, ok := doc.(map[string]any); ok {
				props := kv.(map[string]any)
				for name, x := range o {
					if ps, has := props[name]; has {
						if err = v.validate(ps, x, at+"."+name); err != nil {
							break
						}
					}
				}
			}
		case "additionalProperties":
			if o, ok := doc.(map[string]any); ok {
				props, _ := s["properties"].(map[string]any)
				for name, x := range o {
					if _, has := props[name]; has {
						continue
					}
					if kv == false {
						err = fmt.Errorf("%s: unexpected field %q", at, name)
					} else if err = v.validate(kv, x, at+"."+name); err != nil {
						break
					}
				}
			}
		case "oneOf":
			n, why := 0, []string{}
			for _, sub := range kv.([]any) {
				if e := v.validate(sub, doc, at); e == nil {
					n++
				} else {
					why = append(why, e.Error())
				}
			}
			if n != 1 {
				err = fmt.Errorf("%s: matches %d branches of oneOf, want 1 (%s)", at, n, strings.Join(why, "; "))
			}
		default:
			return fmt.Errorf("%s: schema keyword %q is not supported by this validator", at, k)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

func hasType(doc any, t string) bool {
	switch t {
	case "object":
		_, ok := doc.(map[string]any)
		return ok
	case "array":
		_, ok := doc.([]any)
		return ok
	case "string":
		_, ok := doc.(string)
		return ok
	case "boolean":
		_, ok := doc.(bool)
		return ok
	case "integer":
		n, ok := doc.(json.Number)
		return ok && regexp.MustCompile(`^-?[0-9]+$`).MatchString(string(n))
	}
	return false
}

func jsonEqual(a, b any) bool {
	x, _ := json.Marshal(a)
	y, _ := json.Marshal(b)
	return bytes.Equal(x, y)
}
