package audit

import (
	"context"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"certify/cert"
	"certify/theorems"
)

func TestExpr(t *testing.T) {
	env := Instance{"d1": big.NewRat(5, 1), "d2": big.NewRat(9, 1), "N": big.NewRat(8, 1)}
	cases := map[string]string{
		"4*floor(d1/4)*floor(d2/4)": "8",
		"4*ceil(d1/2)*ceil(d2/2)":   "60",
		"2*d1*d2 + d2 + 2":          "101",
		"(2*d1)^2":                  "100",
		"2^-2":                      "1/4",
		"-d1 + 1/2":                 "-9/2",
		"min(d1, d2, N)":            "5",
		"max(d1, d2, N)":            "9",
		"floor(-3/2)":               "-2",
		"ceil(-3/2)":                "-1",
		"2^(3^2)":                   "512",
	}
	for src, want := range cases {
		e, err := ParseExpr(src)
		if err != nil {
			t.Fatalf("%s: %v", src, err)
		}
		r, err := e.Rat(env)
		if err != nil || r.RatString() != want {
			t.Errorf("%s = %v (%v), want %s", src, r, err, want)
		}
	}
	conds := map[string]bool{
		"4*floor(d1/4)*floor(d2/4) >= N": true,
		"N < 3 or d1 == 5":               true,
		"not (N < 3) and d2 != 9":        false,
		"d1 <= 5 && d2 > 8 || N > 100":   true,
	}
	for src, want := range conds {
		e, err := ParseExpr(src)
		if err != nil {
			t.Fatalf("%s: %v", src, err)
		}
		if got, err := e.Bool(env); err != nil || got != want {
			t.Errorf("%s = %v (%v), want %v", src, got, err, want)
		}
	}
	for _, bad := range []string{"", "1 +", "floor(1, 2)", "(1", "x y", "2^10000", "1/0", "unknown + 1", "1 < 2 + (3 < 4)"} {
		e, err := ParseExpr(bad)
		if err == nil {
			_, err = e.Rat(env)
			if err == nil {
				_, err = e.Bool(env)
			}
		}
		if err == nil {
			t.Errorf("%q: want an error", bad)
		}
	}
}

func TestClaimsFileErrors(t *testing.T) {
	bad := map[string]string{
		`{"version": 2, "claims": []}`: "version",
		`{"version": 1, "claims": [{"id": "a", "kind": "vibes", "hidden": ["1"], "params": {}}]}`:                                                                          "unknown kind",
		`{"version": 1, "claims": [{"id": "a", "kind": "piece-bound", "hidden": ["m"], "params": {}}]}`:                                                                    "bound",
		`{"version": 1, "claims": [{"id": "a", "kind": "piece-bound", "hidden": ["m +"], "bound": "1"}]}`:                                                                  "expression",
		`{"version": 1, "claims": [{"id": "a", "kind": "piece-bound", "hidden": ["1"], "bound": "1", "typo": 1}]}`:                                                         "typo",
		`{"version": 1, "claims": [{"id": "a", "kind": "piece-bound", "hidden": ["1"], "bound": "1"}, {"id": "a", "kind": "piece-bound", "hidden": ["1"], "bound": "1"}]}`: "duplicate",
	}
	for src, want := range bad {
		if _, err := ParseClaims([]byte(src)); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: error %v does not mention %q", src, err, want)
		}
	}
}

func TestBuiltinAudit(t *testing.T) {
	f, err := Builtin()
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"seed000-yun-thm3.1":       Refuted,
		"seed000-corollary-pieces": Refuted,
		"yun2019-thm3.3":           Holds,
		"yun2019-thm3.3-2layer":    Holds,
		"zhang2017-thm1":           Holds,
		"telgarsky-piece-lemma":    Holds,
		"telgarsky2015-separation": Holds,
	}
	var sub ClaimsFile
	sub.Version = 1
	for _, c := range f.Claims {
		if _, ok := want[c.ID]; ok {
			sub.Claims = append(sub.Claims, c)
		}
	}
	dir := t.TempDir()
	rep, err := Run(context.Background(), &sub, Options{Budget: time.Minute, OutDir: dir, Tries: 100})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rep.Claims {
		if r.Verdict != want[r.ID] {
			t.Errorf("%s: %s (%s), want %s", r.ID, r.Verdict, r.Detail, want[r.ID])
		}
		if r.Verdict != Refuted {
			continue
		}
		// The counterexample verifies on its own.
		fh, err := os.Open(r.Counterexample)
		if err != nil {
			t.Fatalf("%s: %v", r.ID, err)
		}
		c, err := cert.Decode(fh, filepath.Dir(r.Counterexample), cert.Limits{})
		fh.Close()
		if err != nil {
			t.Fatalf("%s: %v", r.ID, err)
		}
		cr, err := cert.Check(c, cert.Options{Theorems: theorems.Table})
		if err != nil || cr.Status != cert.Verified {
			t.Errorf("%s: counterexample does not verify: %v %v", r.ID, err, cr)
		}
	}
	if rep.Refuted != 2 {
		t.Errorf("refuted %d claims, want 2", rep.Refuted)
	}
}
