package cert

import (
	"math/big"
	"os"
	"path/filepath"
	"testing"
)

// Inputs are stored in the narrowest form that holds them: bytes while every coordinate
// is an integer 0..255, int64 numerators over a common denominator once one is not, and
// rationals once those overflow; every form reads back the same numbers, and IntRow
// widens a byte row into the caller's buffer.
func TestInputStorage(t *testing.T) {
	r := func(s string) *big.Rat { v, _ := new(big.Rat).SetString(s); return v }
	rows := func(ss ...[]string) [][]*big.Rat {
		var out [][]*big.Rat
		for _, s := range ss {
			var x []*big.Rat
			for _, v := range s {
				x = append(x, r(v))
			}
			out = append(out, x)
		}
		return out
	}
	for _, tc := range []struct {
		name   string
		inputs [][]*big.Rat
		form   string
		den    int64
	}{
		{"pixels", rows([]string{"0", "255"}, []string{"7", "1"}), "bytes", 1},
		{"a 256", rows([]string{"0", "255"}, []string{"256", "1"}), "int64", 1},
		{"a negative", rows([]string{"0", "255"}, []string{"-1", "1"}), "int64", 1},
		{"a fraction", rows([]string{"0", "255"}, []string{"1/3", "1"}), "int64", 3},
		{"too wide", rows([]string{"0", "255"}, []string{"1/9223372036854775807", "9223372036854775807"}), "rationals", 0},
	} {
		d, err := NewDataset(tc.inputs, make([]int, len(tc.inputs)), nil, 1)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		form := "rationals"
		switch {
		case d.xByte != nil && d.xInt == nil && d.xRat == nil:
			form = "bytes"
		case d.xInt != nil && d.xByte == nil && d.xRat == nil:
			form = "int64"
		}
		if form != tc.form {
			t.Errorf("%s: stored as %s, want %s", tc.name, form, tc.form)
		}
		buf := make([]int64, d.D)
		for i, x := range tc.inputs {
			got := d.Input(i)
			for k := range x {
				if got[k].Cmp(x[k]) != 0 {
					t.Errorf("%s: point %d coordinate %d reads %s, want %s", tc.name, i, k, got[k].RatString(), x[k].RatString())
				}
			}
			if den, ok := d.IntDenom(); ok {
				if den != tc.den {
					t.Errorf("%s: denominator %d, want %d", tc.name, den, tc.den)
				}
				for k, v := range d.IntRow(i, buf) {
					if new(big.Rat).SetFrac64(v, den).Cmp(x[k]) != 0 {
						t.Errorf("%s: IntRow(%d)[%d] = %d/%d, want %s", tc.name, i, k, v, den, x[k].RatString())
					}
				}
			}
		}
	}
	// The CSV and IDX readers store pixels as bytes.
	dir := t.TempDir()
	csv := filepath.Join(dir, "p.csv")
	os.WriteFile(csv, []byte("0,255,0\n3,4,1\n"), 0o644)
	img, lab := filepath.Join(dir, "i"), filepath.Join(dir, "l")
	os.WriteFile(img, []byte{0, 0, 8, 3, 0, 0, 0, 2, 0, 0, 0, 1, 0, 0, 0, 2, 0, 255, 3, 4}, 0o644)
	os.WriteFile(lab, []byte{0, 0, 8, 1, 0, 0, 0, 2, 0, 1}, 0o644)
	for _, src := range []Source{{Format: "csv", Path: csv}, {Format: "idx", Images: img, LabelsPath: lab}} {
		d, _, err := LoadSource(src, Limits{})
		if err != nil {
			t.Fatal(err)
		}
		if d.xByte == nil || d.xInt != nil || d.N != 2 || d.D != 2 {
			t.Errorf("%s: not stored as bytes (N=%d D=%d)", src.Format, d.N, d.D)
		}
		if row := d.IntRow(0, make([]int64, 2)); row[0] != 0 || row[1] != 255 {
			t.Errorf("%s: row 0 reads %v", src.Format, row)
		}
	}
}
