package cert_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"certify/cert"
	"certify/theorems"
)

// TestMissingPartsNeverPanic: every fixture with its network, its dataset, or any one
// field of any claim removed is either checked or refused with an error; it never
// panics, and a refusal of a valid fixture with a part removed names a field.
func TestMissingPartsNeverPanic(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join("..", "testdata", "certs", "*", "*.json"))
	cases := 0
	for _, path := range files {
		raw, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		var doc map[string]any
		if json.Unmarshal(raw, &doc) != nil {
			continue
		}
		valid := filepath.Base(filepath.Dir(path)) == "valid"
		var variants []map[string]any
		for _, top := range []string{"network", "dataset"} {
			if _, ok := doc[top]; ok {
				v := clone(doc)
				delete(v, top)
				variants = append(variants, v)
			}
		}
		claims, _ := doc["claims"].([]any)
		for i, cl := range claims {
			m, _ := cl.(map[string]any)
			for field := range m {
				v := clone(doc)
				delete(v["claims"].([]any)[i].(map[string]any), field)
				variants = append(variants, v)
			}
		}
		for k, v := range variants {
			cases++
			b, _ := json.Marshal(v)
			name := fmt.Sprintf("%s#%d", filepath.Base(path), k)
			func() {
				defer func() {
					if r := recover(); r != nil {
						t.Errorf("%s: panic: %v\n%s", name, r, b)
					}
				}()
				named := func(err error) {
					var me *cert.MalformedError
					// Only the valid fixtures are well formed but for the part removed.
					if valid && (!errors.As(err, &me) || me.Path == "") {
						t.Errorf("%s: refused without a field: %v", name, err)
					}
				}
				c, err := cert.Decode(bytes.NewReader(b), filepath.Dir(path), cert.Limits{})
				if err != nil {
					named(err)
					return
				}
				if _, err := cert.Check(c, cert.Options{Workers: 1, Theorems: theorems.Table}); err != nil {
					named(err)
				}
			}()
		}
	}
	t.Logf("%d certificates with a part removed", cases)
	if cases < 200 {
		t.Fatalf("only %d cases", cases)
	}
}

func clone(m map[string]any) map[string]any {
	b, _ := json.Marshal(m)
	var out map[string]any
	json.Unmarshal(b, &out)
	return out
}
