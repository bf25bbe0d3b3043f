package search

import (
	"context"
	"fmt"
	"math/big"
	"strconv"
	"strings"
	"time"

	"certify/cert"
	"certify/smt"
)

// Existence queries: is there a ReLU network of a given architecture that fits a dataset
// exactly? The weights are unknowns, so the formula is nonlinear real arithmetic
// (QF_NRA): fitting a 2-layer ReLU network is ∃ℝ-complete, and a fit may need irrational
// weights.

// Arch is an architecture: input dimension, hidden widths (ReLU units) and one identity
// output per target coordinate.
type Arch struct {
	InputDim int
	Hidden   []int
	Outputs  int
}

func (a Arch) String() string {
	ws := make([]string, len(a.Hidden))
	for i, w := range a.Hidden {
		ws[i] = strconv.Itoa(w)
	}
	return fmt.Sprintf("%d→(%s)→%d", a.InputDim, strings.Join(ws, ","), a.Outputs)
}

func (a Arch) widths() []int { return append(append([]int{}, a.Hidden...), a.Outputs) }

// Encoding selects how activations and symmetries are written.
type Encoding string

// Encodings of an existence query.
const (
	// EncIte writes each unit's value as (ite (> z 0) z 0).
	EncIte Encoding = "ite"
	// EncPattern introduces a Boolean activation state per unit and point and asserts the
	// two linear cases: s → (z > 0 ∧ a = z), ¬s → (z ≤ 0 ∧ a = 0).
	EncPattern Encoding = "pattern"
	// EncNormalized is ite plus symmetry breaking. ReLU is positively homogeneous
	// (relu(c·z) = c·relu(z) for c > 0), so every hidden unit can be rescaled, its
	// outgoing weights divided by the same c, without changing the function: each hidden
	// unit's bias is normalised to {−1, 0, 1}, and when it is 0 its first incoming weight
	// to {−1, 0, 1}. Units of a layer can be permuted: their biases are also sorted.
	// Both normalisations, applied layer by layer from the input, keep every function the
	// architecture computes, so unsat stays a proof of non-existence.
	EncNormalized Encoding = "normalized"
	// EncNormalizedW normalises the first layer's first weight of every unit to
	// {−1, 0, 1} instead (for 1-D inputs: first-layer weights in {−1, 0, 1}).
	EncNormalizedW Encoding = "normalized-w"
)

// Encodings lists the encodings offered.
var Encodings = []Encoding{EncIte, EncPattern, EncNormalized, EncNormalizedW, EncSplit}

// ParseEncoding reads an encoding's name.
func ParseEncoding(name string) (Encoding, error) {
	e := Encoding(name)
	return e, e.check()
}

// check refuses a name that is not one of Encodings.
func (e Encoding) check() error {
	for _, k := range Encodings {
		if e == k {
			return nil
		}
	}
	return fmt.Errorf("%w: unknown encoding %q (want ite, pattern, normalized, normalized-w or split)", smt.ErrBadQuery, string(e))
}

func paramW(l, u, k int) string {
	return "w" + strconv.Itoa(l) + "_" + strconv.Itoa(u) + "_" + strconv.Itoa(k)
}
func paramB(l, u int) string { return "c" + strconv.Itoa(l) + "_" + strconv.Itoa(u) }

// Params lists the parameter names of arch, layer by layer: weights then biases.
func (a Arch) Params() []string {
	var out []string
	in := a.InputDim
	for l, w := range a.widths() {
		for u := 0; u < w; u++ {
			for k := 0; k < in; k++ {
				out = append(out, paramW(l, u, k))
			}
			out = append(out, paramB(l, u))
		}
		in = w
	}
	return out
}

// ExistsScript is the SMT-LIB 2 script of the existence query with encoding enc, for a
// solver to re-run (check-sat only; the split encoding gives one check-sat per case).
func ExistsScript(a Arch, d *cert.Dataset, enc Encoding, maxDigits int) (string, error) {
	if enc == EncSplit {
		return SplitScript(a, d, maxDigits)
	}
	q, err := ExistsQuery(a, d, enc, nil, maxDigits)
	if err != nil {
		return "", err
	}
	return q.Script(false), nil
}

// ExistsQuery writes "some network of arch fits d exactly". Parameters named in fixed
// are replaced by those rationals (used to rationalise an irrational witness: with every
// hidden layer fixed the query is linear). maxDigits bounds the numbers written.
func ExistsQuery(a Arch, d *cert.Dataset, enc Encoding, fixed map[string]*big.Rat, maxDigits int) (*smt.Query, error) {
	if err := enc.check(); err != nil {
		return nil, err
	}
	if enc == EncSplit {
		return nil, fmt.Errorf("%w: the split encoding is many queries: use Exists or ExistsScript", smt.ErrBadQuery)
	}
	if a.InputDim != d.D {
		return nil, fmt.Errorf("smt: the architecture reads %d inputs, the data have dimension %d", a.InputDim, d.D)
	}
	if a.Outputs == 0 {
		a.Outputs = 1
	}
	var sb strings.Builder
	param := map[string]string{}
	var want []string
	for _, name := range a.Params() {
		if r, ok := fixed[name]; ok {
			s, err := smt.Lit(r, maxDigits)
			if err != nil {
				return nil, err
			}
			param[name] = s
			continue
		}
		param[name] = name
		want = append(want, name)
		fmt.Fprintf(&sb, "(declare-const %s Real)\n", name)
	}
	// Symmetry breaking.
	if enc == EncNormalized || enc == EncNormalizedW {
		in := a.InputDim
		for l, w := range a.Hidden {
			for u := 0; u < w; u++ {
				unit := func(s string) string { return "(or (= " + s + " (- 1.0)) (= " + s + " 0.0) (= " + s + " 1.0))" }
				switch {
				case enc == EncNormalized:
					b, w0 := param[paramB(l, u)], param[paramW(l, u, 0)]
					fmt.Fprintf(&sb, "(assert (or (= %s (- 1.0)) (= %s 1.0) (and (= %s 0.0) %s)))\n", b, b, b, unit(w0))
					if u > 0 {
						fmt.Fprintf(&sb, "(assert (<= %s %s))\n", param[paramB(l, u-1)], b)
					}
				case l == 0:
					fmt.Fprintf(&sb, "(assert %s)\n", unit(param[paramW(l, u, 0)]))
				}
			}
			in = w
		}
		_ = in
	}
	nonlinear := false
	widths := a.widths()
	for p := 0; p < d.N; p++ {
		x, err := smt.Lits(d.Input(p), maxDigits)
		if err != nil {
			return nil, err
		}
		in := x
		for l, w := range widths {
			next := make([]string, w)
			for u := 0; u < w; u++ {
				var terms []string
				for k := range in {
					wt := param[paramW(l, u, k)]
					if l > 0 && wt == paramW(l, u, k) && !strings.HasPrefix(in[k], "(") && !isLit(in[k]) {
						nonlinear = true
					}
					terms = append(terms, "(* "+wt+" "+in[k]+")")
				}
				affine := "(+ " + param[paramB(l, u)] + " " + strings.Join(terms, " ") + ")"
				if l == len(widths)-1 {
					next[u] = affine
					continue
				}
				z := "z" + strconv.Itoa(p) + "_" + strconv.Itoa(l) + "_" + strconv.Itoa(u)
				av := "a" + strconv.Itoa(p) + "_" + strconv.Itoa(l) + "_" + strconv.Itoa(u)
				fmt.Fprintf(&sb, "(declare-const %s Real)\n(assert (= %s %s))\n(declare-const %s Real)\n", z, z, affine, av)
				switch enc {
				case EncPattern:
					s := "s" + strconv.Itoa(p) + "_" + strconv.Itoa(l) + "_" + strconv.Itoa(u)
					fmt.Fprintf(&sb, "(declare-const %s Bool)\n(assert (ite %s (and (> %s 0.0) (= %s %s)) (and (<= %s 0.0) (= %s 0.0))))\n", s, s, z, av, z, z, av)
				default:
					fmt.Fprintf(&sb, "(assert (= %s (ite (> %s 0.0) %s 0.0)))\n", av, z, z)
				}
				next[u] = av
			}
			in = next
		}
		y, err := smt.Lits(d.Target(p), maxDigits)
		if err != nil {
			return nil, err
		}
		if d.Task == cert.Classification && a.Outputs > 1 {
			return nil, fmt.Errorf("smt: existence queries fit class indices with one output")
		}
		for k := range in {
			fmt.Fprintf(&sb, "(assert (= %s %s))\n", in[k], y[k])
		}
	}
	logic := "QF_NRA"
	if !nonlinear {
		logic = "QF_LRA"
	}
	return &smt.Query{
		Name:  fmt.Sprintf("exists %s fitting %d points (%s)", a, d.N, enc),
		Logic: logic,
		Comment: []string{
			fmt.Sprintf("certify: does a ReLU network %s fit these %d points exactly? encoding %s.", a, d.N, enc),
			"sat: yes (the model gives weights w<layer>_<unit>_<input> and biases c<layer>_<unit>);",
			"unsat: no network of this architecture fits the data.",
		},
		Body: sb.String(), Want: want, WantReal: true,
	}, nil
}

func isLit(s string) bool {
	_, ok := new(big.Rat).SetString(strings.TrimSuffix(s, ".0"))
	return ok
}

// ExistsResult is the answer to an existence query.
type ExistsResult struct {
	Status   smt.Status    `json:"answer"`
	Reason   string        `json:"reason,omitempty"`
	Solver   string        `json:"solver"`
	Encoding Encoding      `json:"encoding"`
	Time     time.Duration `json:"time_ns"`
	// For Sat: the witness network when every weight is rational (possibly after
	// rationalising), and whether the solver's model was irrational.
	Witness      *cert.Certificate `json:"-"`
	Irrational   bool              `json:"irrational,omitempty"`
	Rationalized bool              `json:"rationalized,omitempty"`
	Note         string            `json:"note,omitempty"`
	// Script, for an Unsat answer of the split encoding, is the SMT-LIB 2 script of the
	// proof as it was run (which cases were split again); empty otherwise.
	Script string `json:"-"`
}

// Exists decides whether a network of arch fits d, with solver s and encoding enc, under
// ctx's deadline. A Sat answer with a rational model gives a witness certificate (exact
// claim) that the caller should check with the kernel; an irrational model is rationalised
// when possible (every hidden layer fixed to nearby rationals, the output layer solved
// again, a linear query) and reported as irrational otherwise.
func Exists(ctx context.Context, s smt.Solver, a Arch, d *cert.Dataset, enc Encoding, maxDigits int) (*ExistsResult, error) {
	if a.Outputs == 0 {
		a.Outputs = 1
	}
	if err := enc.check(); err != nil {
		return nil, err
	}
	if enc == EncSplit {
		return existsSplit(ctx, s, a, d, maxDigits)
	}
	q, err := ExistsQuery(a, d, enc, nil, maxDigits)
	if err != nil {
		return nil, err
	}
	res, err := s.Solve(ctx, q)
	if err != nil {
		return nil, err
	}
	out := &ExistsResult{Status: res.Status, Reason: res.Reason, Solver: res.Solver, Encoding: enc, Time: res.Time}
	if res.Status != smt.Sat {
		return out, nil
	}
	vals := map[string]*big.Rat{}
	var irr []string
	for _, name := range a.Params() {
		v, ok := res.Model[name]
		switch {
		case !ok:
			vals[name] = new(big.Rat) // unconstrained: any value fits
		case v.Algebraic:
			irr = append(irr, name)
		case v.Rat != nil:
			vals[name] = v.Rat
		default:
			return nil, fmt.Errorf("smt: %s gave no value for %s", res.Solver, name)
		}
	}
	if len(irr) == 0 {
		out.Witness = witnessCert(a, d, vals, fmt.Sprintf("%s, encoding %s", res.Solver, enc))
		return out, nil
	}
	out.Irrational = true
	out.Note = fmt.Sprintf("the solver's model has %d irrational (algebraic) weight(s), e.g. %s = %s", len(irr), irr[0], res.Model[irr[0]].Approx)
	// Rationalise: fix every hidden-layer parameter to a decimal truncation, solve the
	// output layer again (linear), finer truncations until one fits.
	outLayer := len(a.Hidden)
	for _, digits := range []int{2, 4, 8, 16, 30} {
		fixed := map[string]*big.Rat{}
		ok := true
		for _, name := range a.Params() {
			if layerOf(name) == outLayer {
				continue
			}
			if r, have := vals[name]; have {
				fixed[name] = r
				continue
			}
			r, good := truncDecimal(res.Model[name], digits)
			if !good {
				ok = false
				break
			}
			fixed[name] = r
		}
		if !ok {
			break
		}
		q2, err := ExistsQuery(a, d, EncIte, fixed, maxDigits)
		if err != nil {
			return nil, err
		}
		r2, err := s.Solve(ctx, q2)
		if err != nil {
			return nil, err
		}
		if r2.Status != smt.Sat {
			continue
		}
		all := map[string]*big.Rat{}
		for k, v := range fixed {
			all[k] = v
		}
		good := true
		for _, name := range q2.Want {
			v := r2.Model[name]
			if v.Rat == nil {
				good = false
				break
			}
			all[name] = v.Rat
		}
		if !good {
			continue
		}
		out.Witness = witnessCert(a, d, all, fmt.Sprintf("%s, encoding %s; hidden layers rationalised to %d decimals, output layer re-solved", res.Solver, enc, digits))
		out.Rationalized = true
		out.Note += fmt.Sprintf("; rationalised: hidden layers truncated to %d decimals, output layer solved again (%s)", digits, r2.Time.Round(time.Millisecond))
		return out, nil
	}
	out.Note += "; rationalising failed: no rational witness found near it"
	return out, nil
}

func layerOf(name string) int {
	s := name[1:]
	if i := strings.IndexByte(s, '_'); i >= 0 {
		s = s[:i]
	}
	l, _ := strconv.Atoi(s)
	return l
}

// truncDecimal reads the decimal approximation of v truncated to digits decimals.
func truncDecimal(v smt.Value, digits int) (*big.Rat, bool) {
	s := strings.TrimSuffix(v.Approx, "?")
	if s == "" && v.Lower != nil && v.Upper != nil {
		m := new(big.Rat).Add(v.Lower, v.Upper)
		s = m.Quo(m, big.NewRat(2, 1)).FloatString(digits)
	}
	if i := strings.IndexByte(s, '.'); i >= 0 && len(s) > i+1+digits {
		s = s[:i+1+digits]
	}
	r, ok := new(big.Rat).SetString(s)
	return r, ok
}

// witnessCert builds the certificate "this network fits d exactly".
func witnessCert(a Arch, d *cert.Dataset, vals map[string]*big.Rat, how string) *cert.Certificate {
	n := &cert.Network{InputDim: a.InputDim}
	in := a.InputDim
	widths := a.widths()
	for l, w := range widths {
		act := cert.Activation{Kind: cert.ActReLU}
		if l == len(widths)-1 {
			act = cert.Activation{Kind: cert.ActIdentity}
		}
		var layer cert.Layer
		for u := 0; u < w; u++ {
			row := make([]*big.Rat, in)
			for k := range row {
				row[k] = vals[paramW(l, u, k)]
			}
			layer.W = append(layer.W, row)
			layer.B = append(layer.B, vals[paramB(l, u)])
			layer.Act = append(layer.Act, act)
		}
		n.Layers = append(n.Layers, layer)
		in = w
	}
	return &cert.Certificate{
		Format:     cert.FormatV1,
		Provenance: cert.Provenance{Producer: "certify smt exists", Notes: "witness found by " + how},
		Network:    n, Data: d, Claims: []cert.Claim{cert.ExactClaim{}},
	}
}

// Alternating is the 1-D dataset x_i = i, y_i = i mod 2 for i = 1..n (regression targets).
func Alternating(n int) (*cert.Dataset, error) {
	xs := make([][]*big.Rat, n)
	ys := make([][]*big.Rat, n)
	for i := range xs {
		xs[i] = []*big.Rat{big.NewRat(int64(i+1), 1)}
		ys[i] = []*big.Rat{big.NewRat(int64((i+1)%2), 1)}
	}
	return cert.NewDataset(xs, nil, ys, 0)
}
