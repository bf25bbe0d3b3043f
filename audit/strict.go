package audit

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strings"
)

// decodeStrict reads one JSON value into v with one reading only: object keys must match
// the Go field tags exactly (encoding/json alone would take "ID" for "id"), no key may
// appear twice in an object (encoding/json alone keeps the last), unknown keys, null and
// trailing data are refused. Errors name the field by its path (claims[2].params.N).
//
// It is the claims file's whole decoder, behind one function so that it can be replaced
// by the project's shared strict decoder without touching its callers.
func decodeStrict(raw []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if err := walkStrict(dec, reflect.TypeOf(v).Elem(), ""); err != nil {
		return err
	}
	if _, err := dec.Token(); err != io.EOF {
		return errors.New("trailing data after the top-level value")
	}
	d2 := json.NewDecoder(bytes.NewReader(raw))
	d2.DisallowUnknownFields()
	if err := d2.Decode(v); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) {
			return fmt.Errorf("%s: a JSON %s where %s is wanted", te.Field, te.Value, te.Type)
		}
		return err
	}
	return nil
}

func pathJoin(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

// walkStrict checks the next value of dec against type t.
func walkStrict(dec *json.Decoder, t reflect.Type, path string) error {
	tok, err := dec.Token()
	if err != nil {
		return fmt.Errorf("%s: %v", orTop(path), err)
	}
	if tok == nil {
		return fmt.Errorf("%s: null is not a value here", orTop(path))
	}
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch d := tok.(type) {
	case json.Delim:
		switch d {
		case '{':
			switch t.Kind() {
			case reflect.Struct:
				fields := map[string]reflect.Type{}
				for i := 0; i < t.NumField(); i++ {
					f := t.Field(i)
					name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
					if name != "" && name != "-" {
						fields[name] = f.Type
					}
				}
				seen := map[string]bool{}
				for dec.More() {
					kt, err := dec.Token()
					if err != nil {
						return fmt.Errorf("%s: %v", orTop(path), err)
					}
					k := kt.(string)
					ft, ok := fields[k]
					if !ok {
						for name := range fields {
							if strings.EqualFold(name, k) {
								return fmt.Errorf("%s: key %q is spelt %q (keys are case-sensitive)", pathJoin(path, k), k, name)
							}
						}
						return fmt.Errorf("%s: unknown key %q", pathJoin(path, k), k)
					}
					if seen[k] {
						return fmt.Errorf("%s: key %q appears twice", pathJoin(path, k), k)
					}
					seen[k] = true
					if err := walkStrict(dec, ft, pathJoin(path, k)); err != nil {
						return err
					}
				}
			case reflect.Map:
				seen := map[string]bool{}
				for dec.More() {
					kt, err := dec.Token()
					if err != nil {
						return fmt.Errorf("%s: %v", orTop(path), err)
					}
					k := kt.(string)
					if seen[k] {
						return fmt.Errorf("%s: key %q appears twice", pathJoin(path, k), k)
					}
					seen[k] = true
					if err := walkStrict(dec, t.Elem(), pathJoin(path, k)); err != nil {
						return err
					}
				}
			default:
				return fmt.Errorf("%s: an object where %s is wanted", orTop(path), t)
			}
			_, err := dec.Token() // '}'
			return err
		case '[':
			if t.Kind() != reflect.Slice && t.Kind() != reflect.Array {
				return fmt.Errorf("%s: a list where %s is wanted", orTop(path), t)
			}
			n := 0
			for ; dec.More(); n++ {
				if err := walkStrict(dec, t.Elem(), fmt.Sprintf("%s[%d]", path, n)); err != nil {
					return err
				}
			}
			if t.Kind() == reflect.Array && n != t.Len() {
				return fmt.Errorf("%s: a list of %d where %d values are wanted", orTop(path), n, t.Len())
			}
			_, err := dec.Token() // ']'
			return err
		}
	}
	return nil // scalars: their types are checked by encoding/json
}

func orTop(path string) string {
	if path == "" {
		return "claims file"
	}
	return path
}
