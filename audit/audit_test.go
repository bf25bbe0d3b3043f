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
	for _, bad := range []string{"", "1 +", "floor(1, 2)", "(1", "x y", "2^10000", "(2^4096)^4096", "((3^4096)^16)*((3^4096)^16)", "1/0", "unknown + 1", "1 < 2 + (3 < 4)"} {
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

// claim wraps one claim's JSON fields (without the braces) into a claims file.
// With no activation, it is relu.
func claim(fields string) []byte {
	if !strings.Contains(fields, `"activation"`) {
		fields = `"activation": "relu", ` + fields
	}
	return []byte(`{"version": 1, "claims": [{"id": "a", "architecture": "fnn", ` + fields + `}]}`)
}

func TestClaimsFileErrors(t *testing.T) {
	mem := `"kind": "memorises", "input_dim": "1", "outputs": "1", "hidden": ["d1"], "n": "N", "params": {"d1": [1, 3], "N": [1, 3]}`
	bad := map[string]string{
		`{"version": 2, "claims": []}`:                                                                    "version",
		string(claim(`"kind": "vibes", "hidden": ["1"], "params": {}`)):                                   "unknown kind",
		string(claim(`"kind": "piece-bound", "hidden": ["m"], "params": {"m": [1, 2]}`)):                  "bound",
		string(claim(`"kind": "piece-bound", "hidden": ["m +"], "bound": "1"`)):                           "hidden[0]: expression",
		string(claim(`"kind": "piece-bound", "hidden": ["1"], "bound": "1", "typo": 1`)):                  `unknown key "typo"`,
		string(claim(`"kind": "piece-bound", "hidden": ["1"], "bound": "1", "Bound": "2"`)):               `spelt "bound"`,
		string(claim(`"kind": "piece-bound", "hidden": ["1"], "bound": "1", "bound": "2"`)):               "appears twice",
		string(claim(`"kind": "piece-bound", "hidden": ["1"], "bound": null`)):                            "null",
		string(claim(`"kind": "piece-bound", "hidden": ["1"], "bound": "1", "params": {"m": [1, 2, 3]}`)): "a list of 3",
		`{"version": 1, "claims": [{"id": "a", "architecture": "fnn", "activation": "relu", "kind": "piece-bound", "hidden": ["1"], "bound": "1"}, {"id": "a", "architecture": "fnn", "activation": "relu", "kind": "piece-bound", "hidden": ["1"], "bound": "1"}]}`: "duplicate",
		// Non-integer exponent: an error of the claim, naming the field and the instance.
		string(claim(`"kind": "piece-bound", "width": "2", "layers": "L", "bound": "2^(L/2)", "params": {"L": [1, 2]}`)):                                         "bound: at L=1: ",
		string(claim(`"kind": "piece-bound", "hidden": ["d3"], "bound": "1", "params": {"d1": [1, 2]}`)):                                                         `unknown parameter "d3"`,
		string(claim(mem + `, "families": ["alternatng"]`)):                                                                                                      `families[0]: unknown dataset family "alternatng"`,
		string(claim(mem + `, "families": ["file:no-such-file.csv"]`)):                                                                                           "no-such-file.csv",
		strings.Replace(string(claim(`"kind": "piece-bound", "hidden": ["1"], "bound": "1"`)), `"relu"`, `"rleu"`, 1):                                            "activation",
		strings.Replace(string(claim(`"kind": "piece-bound", "hidden": ["1"], "bound": "1"`)), `"fnn"`, `"resnet"`, 1):                                           "cannot be checked faithfully",
		string(claim(`"kind": "memorises", "hidden": ["d1"], "n": "N", "params": {"d1": [1, 3], "N": [1, 3]}`)):                                                  "input_dim",
		string(claim(`"kind": "memorises", "input_dim": "1", "hidden": ["d1"], "n": "N", "params": {"d1": [1, 3], "N": [1, 3]}`)):                                "outputs",
		string(claim(mem + `, "expect": "holds"`)):                                                                                                               "expect",
		string(claim(`"kind": "memorises", "input_dim": "1", "outputs": "1", "hidden": ["d1"], "n": "N/2", "params": {"d1": [1, 3], "N": [1, 3]}`)):              "n: at N=1",
		string(claim(`"kind": "piece-bound", "hidden": ["a"], "bound": "b", "params": {"a": [1, 1000], "b": [1, 1001]}`)):                                        "more than 1000000 assignments",
		string(claim(`"kind": "piece-bound", "hidden": ["a"], "bound": "1", "params": {"a": [-9223372036854775808, 9223372036854775807]}`)):                      "more than 1000000 assignments",
		string(claim(`"kind": "piece-bound", "hidden": ["a"], "bound": "1", "params": {"a": [1, 2.5]}`)):                                                         "params",
		string(claim(`"kind": "piece-bound", "hidden": ["1"], "bound": "1", "max_instances": -1`)):                                                               "max_instances",
		string(claim(`"kind": "piece-bound", "hidden": ["1"], "bound": "1", "n": "3"`)):                                                                          "n: not for a piece-bound claim",
		string(claim(`"kind": "cannot-memorise", "input_dim": "2", "outputs": "1", "hidden": ["1"], "n": "3"`)):                                                  "impossibility arguments",
		string(claim(`"kind": "piece-bound", "hidden": ["1"], "bound": "1"`)) + "{}":                                                                             "trailing data",
		string(claim(`"kind": "size", "theorem": "telgarsky2015-sawtooth", "n": "4", "input_dim": "1", "outputs": "1", "hidden_units": "4"`)):                    "no size formula",
		string(claim(`"kind": "size", "activation": "hard-tanh", "theorem": "zhang2017-thm1", "n": "4", "input_dim": "1", "outputs": "1", "hidden_units": "4"`)): "relu networks",
		string(claim(`"kind": "size", "theorem": "zhang2017-thm1", "hidden": ["4"], "n": "4", "input_dim": "1", "outputs": "1", "hidden_units": "4"`)):           "architecture is its theorem's",
		// Yun et al.'s Cor 4.2 for CIFAR-10: 50 000 points in 3072 dimensions are more than
		// the audit builds; the claim is refused, never tried on smaller (1-D) data.
		string(claim(`"kind": "memorises", "input_dim": "3072", "classes": "10", "general_position": true, "hidden": ["106"], "n": "50000"`)): "cannot be checked faithfully",
	}
	for src, want := range bad {
		if _, err := ParseClaims([]byte(src)); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s:\n error %v\n does not mention %q", src, err, want)
		}
	}
}

func TestVerdicts(t *testing.T) {
	cases := []struct {
		name, fields, want string
		inRange, tried     int
	}{
		// The lecture notes' N ≤ 4⌈d1/2⌉⌈d2/2⌉ written naturally: no instance is skipped,
		// so N = 3 at d1 = d2 = 1 is reached and refuted (monotone networks).
		{"ceil-form", `"kind": "memorises", "input_dim": "1", "outputs": "1", "hidden": ["d1", "d2"], "params": {"d1": [1, 4], "d2": [1, 4], "N": [1, 16]}, "when": "N <= 4*ceil(d1/2)*ceil(d2/2)", "n": "N"`, Refuted, 144, 10},
		// The same, capped by request: "k of M", never proved.
		{"capped", `"kind": "cannot-memorise", "input_dim": "1", "outputs": "1", "hidden": ["d1"], "params": {"d1": [1, 12], "N": [1, 40]}, "when": "N == d1 + 3", "n": "N", "max_instances": 3`, NotRefuted, 12, 3},
		{"uncapped", `"kind": "cannot-memorise", "input_dim": "1", "outputs": "1", "hidden": ["d1"], "params": {"d1": [1, 12], "N": [1, 40]}, "when": "N == d1 + 3", "n": "N"`, Proved, 12, 12},
		// Strict rational bounds compared exactly: one ReLU unit has at most 2 pieces.
		{"lt-5/2", `"kind": "piece-bound", "hidden": ["1"], "bound": "5/2", "strict": true`, Proved, 1, 1},
		{"lt-2", `"kind": "piece-bound", "hidden": ["1"], "bound": "2", "strict": true`, Refuted, 1, 1},
		{"le-5/2", `"kind": "piece-bound", "hidden": ["1"], "bound": "5/2"`, Proved, 1, 1},
		// A false hard-tanh piece bound (the ReLU count) is refuted by a hard-tanh network.
		{"hardtanh-false", `"kind": "piece-bound", "activation": "hard-tanh", "width": "m", "layers": "1", "params": {"m": [1, 3]}, "bound": "m + 1"`, Refuted, 3, 1},
		{"hardtanh-true", `"kind": "piece-bound", "activation": "hard-tanh", "width": "m", "layers": "l", "params": {"m": [1, 3], "l": [1, 2]}, "bound": "(2*m + 1)^l"`, Proved, 6, 6},
		// A true bound the kernel's count does not prove, checked by sampling: not refuted.
		{"sampled", `"kind": "piece-bound", "width": "2", "layers": "2", "bound": "8"`, NotRefuted, 1, 1},
		{"misclass", `"kind": "misclassification", "width": "1", "layers": "1", "k": "4", "fraction": "1/6"`, NotRefuted, 1, 1},
		// Faithful data: d-dimensional general-position points with one-hot classes.
		{"cor4.2", `"kind": "memorises", "input_dim": "dx", "classes": "2", "general_position": true, "hidden": ["ceil(4*N/dx + 8)"], "params": {"dx": [2, 3], "N": [1, 4]}, "n": "N", "families": ["alternating", "random"]`, NotRefuted, 8, 8},
		{"leaky", `"kind": "memorises", "activation": "leaky-relu:1/4", "input_dim": "2", "outputs": "2", "hidden": ["N", "2"], "params": {"N": [1, 5]}, "n": "N"`, NotRefuted, 5, 5},
		// Size claims against the kernel's theorem table: the quoted CIFAR-10 figure, and a
		// smaller one.
		{"cifar-106", `"kind": "size", "theorem": "yun2019-cor4.2-relu", "n": "50000", "input_dim": "3072", "classes": "10", "hidden_units": "106"`, Proved, 1, 1},
		{"cifar-100", `"kind": "size", "theorem": "yun2019-cor4.2-relu", "n": "50000", "input_dim": "3072", "classes": "10", "hidden_units": "100"`, Refuted, 1, 1},
		{"imagenet", `"kind": "size", "theorem": "yun2019-prop3.2-relu", "n": "10^6", "input_dim": "150528", "classes": "1000", "hidden_units": "8000", "depth": "4"`, Proved, 1, 1},
		{"hardtanh-deep", `"kind": "memorises", "activation": "hard-tanh", "input_dim": "3", "outputs": "2", "hidden": ["N", "3", "2"], "params": {"N": [1, 6]}, "n": "N", "families": ["alternating", "random", "telgarsky"]`, NotRefuted, 6, 6},
		{"classes-1d", `"kind": "memorises", "activation": "leaky-relu:-1/2", "input_dim": "1", "classes": "3", "hidden": ["N"], "params": {"N": [1, 6]}, "n": "N", "families": ["alternating", "random"]`, NotRefuted, 6, 6},
		{"vacuous", `"kind": "piece-bound", "hidden": ["m"], "params": {"m": [1, 3]}, "when": "m > 5", "bound": "1"`, Undecided, 0, 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f, err := ParseClaims(claim(tc.fields))
			if err != nil {
				t.Fatal(err)
			}
			rep, err := Run(context.Background(), f, Options{Budget: 30 * time.Second, OutDir: t.TempDir(), Tries: 100})
			if err != nil {
				t.Fatal(err)
			}
			r := rep.Claims[0]
			if r.Verdict != tc.want || r.InRange != tc.inRange || r.Tried != tc.tried {
				t.Errorf("%s, %d tried of %d in range (%s); want %s, %d of %d", r.Verdict, r.Tried, r.InRange, r.Detail, tc.want, tc.tried, tc.inRange)
			}
			if len(r.Instances) != min(tc.inRange, max(r.Cap, tc.inRange*btoi(r.Cap == 0))) {
				t.Errorf("%d instance results for %d in range (cap %d)", len(r.Instances), r.InRange, r.Cap)
			}
			for _, ir := range r.Instances {
				for _, p := range ir.Certificates {
					c := verifies(t, p, r.Verdict)
					// A piece bound is proved by the counting argument, never by monotonicity.
					if nf, ok := c.Claims[0].(cert.NoFitClaim); ok && strings.Contains(tc.fields, `"kind": "piece-bound"`) && nf.Method != "pieces" {
						t.Errorf("%s: a piece bound proved by method %s", p, nf.Method)
					}
				}
			}
		})
	}
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

// verifies checks that a written certificate decodes and the kernel verifies it.
func verifies(t *testing.T, path, verdict string) *cert.Certificate {
	t.Helper()
	fh, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer fh.Close()
	c, err := cert.Decode(fh, filepath.Dir(path), cert.Limits{})
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	cr, err := cert.Check(c, cert.Options{Theorems: theorems.Table})
	if verdict == RefutedBySolver || verdict == ProvedBySolver {
		return c
	}
	if err != nil || cr.Status != cert.Verified {
		t.Errorf("%s does not verify: %v %v", path, err, cr)
	}
	return c
}

func TestBuiltinAudit(t *testing.T) {
	f, err := Builtin()
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"seed000-yun-thm3.1":                    Refuted,
		"seed000-corollary-pieces":              Refuted,
		"yun2019-thm3.3":                        Proved,
		"yun2019-thm3.3-2layer":                 Proved,
		"zhang2017-thm1":                        NotRefuted,
		"telgarsky-piece-lemma":                 Proved,
		"telgarsky2015-2m-pow-l":                Proved,
		"seed000-corollary-pieces-affine-depth": Proved,
		"yun2019-prop3.2-imagenet":              Proved,
		"yun2019-cor4.2-cifar10":                Proved,
		"zhang2017-thm1-weights":                NotRefuted,
		"park2021-imagenet-0.7M":                Undecided,
		"park2021-openimages-4.5M":              Undecided,
		"yun2019-thm4.1-cifar10":                Proved,
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
		if r.Verdict != want[r.ID] || r.Unexpected {
			t.Errorf("%s: %s (%s), want %s (expect %q)", r.ID, r.Verdict, r.Detail, want[r.ID], r.Expect)
		}
		if r.Verdict == Refuted {
			verifies(t, r.Counterexample, r.Verdict)
		}
		// Every certificate a verdict rests on is written and verifies: each decided
		// instance (but a size formula's) has one.
		for _, ir := range r.Instances {
			if ir.Status == NotTried || ir.Status == Undecided || ir.Basis == "kernel formula" {
				continue
			}
			if len(ir.Certificates) == 0 {
				t.Errorf("%s at %s: %s with no certificate written", r.ID, ir.Instance, ir.Status)
			}
			for _, p := range ir.Certificates {
				verifies(t, p, ir.Status)
			}
		}
	}
	if rep.Refuted != 2 {
		t.Errorf("refuted %d claims, want 2", rep.Refuted)
	}
}

// FuzzParseClaims: no input makes the claims reader panic or accept a file whose claims
// it cannot enumerate.
func FuzzParseClaims(f *testing.F) {
	f.Add(string(builtinJSON))
	f.Add(string(claim(`"kind": "piece-bound", "width": "m", "layers": "l", "params": {"m": [1, 4], "l": [1, 3]}, "bound": "(m+1)^l"`)))
	f.Add(string(claim(`"kind": "memorises", "input_dim": "dx", "classes": "2", "hidden": ["N"], "params": {"dx": [1, 3], "N": [1, 4]}, "n": "N"`)))
	f.Fuzz(func(t *testing.T, src string) {
		cf, err := ParseClaims([]byte(src))
		if err != nil {
			return
		}
		for i := range cf.Claims {
			c := &cf.Claims[i]
			if len(c.Instances()) > c.InRange() || c.InRange() > maxAssignments {
				t.Fatalf("%s: %d instances of %d in range", c.ID, len(c.Instances()), c.InRange())
			}
		}
	})
}
