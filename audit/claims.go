package audit

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"fmt"
	"math/big"
	"sort"
	"strings"
)

// ClaimsFile is a claims file: docs/claims.md documents it with examples.
type ClaimsFile struct {
	Version int         `json:"version"`
	Claims  []ClaimSpec `json:"claims"`
}

// Claim kinds.
const (
	KindMemorises      = "memorises"         // ∀ instances: every N-point dataset is fitted by the architecture
	KindCannotMemorise = "cannot-memorise"   // ∀ instances: some N-point dataset is not fitted
	KindPieceBound     = "piece-bound"       // ∀ networks of the architecture: pieces on [0,1] (<|≤) bound
	KindMisclassify    = "misclassification" // ∀ networks: ≥ fraction of Telgarsky's 2^k points misclassified
	KindL1             = "l1-separation"     // ∀ networks: ∫₀¹ |f − m^(target)| ≥ epsilon
)

// ClaimSpec is one claim: a statement over integer parameters, and the instances to try.
type ClaimSpec struct {
	ID        string `json:"id"`
	Source    string `json:"source"`
	Statement string `json:"statement"`
	Kind      string `json:"kind"`
	// Architecture: hidden widths as expressions, or a uniform stack.
	Activation string   `json:"activation,omitempty"` // default relu
	Hidden     []string `json:"hidden,omitempty"`
	Width      string   `json:"width,omitempty"`  // with Layers: Layers hidden layers of Width units
	Layers     string   `json:"layers,omitempty"` //
	// Params ranges over integers, inclusive: {"d1": [1, 8]}.
	Params map[string][2]int64 `json:"params"`
	// When is the statement's hypothesis; instances where it is false are not tried.
	When string `json:"when,omitempty"`
	// memorises / cannot-memorise: the number of points and the dataset families.
	N        string   `json:"n,omitempty"`
	Families []string `json:"families,omitempty"`
	// piece-bound
	Bound  string `json:"bound,omitempty"`
	Strict bool   `json:"strict,omitempty"`
	// misclassification
	K        string `json:"k,omitempty"`
	Fraction string `json:"fraction,omitempty"`
	// l1-separation
	Target  string `json:"target,omitempty"`
	Epsilon string `json:"epsilon,omitempty"`
	// MaxInstances caps the instances tried (default 12).
	MaxInstances int `json:"max_instances,omitempty"`
}

//go:embed builtin.json
var builtinJSON []byte

// Builtin returns the claims the tool ships: the seeds' statements as printed in the
// original papers and in the lecture notes of seed 000.
func Builtin() (*ClaimsFile, error) { return ParseClaims(builtinJSON) }

// ParseClaims reads and validates a claims file.
func ParseClaims(raw []byte) (*ClaimsFile, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	var f ClaimsFile
	if err := dec.Decode(&f); err != nil {
		return nil, fmt.Errorf("claims file: %v", err)
	}
	if f.Version != 1 {
		return nil, fmt.Errorf("claims file: version is %d; this tool reads version 1", f.Version)
	}
	seen := map[string]bool{}
	for i := range f.Claims {
		c := &f.Claims[i]
		if err := c.validate(); err != nil {
			return nil, fmt.Errorf("claims[%d] (%s): %v", i, c.ID, err)
		}
		if seen[c.ID] {
			return nil, fmt.Errorf("claims[%d]: duplicate id %q", i, c.ID)
		}
		seen[c.ID] = true
	}
	return &f, nil
}

func (c *ClaimSpec) validate() error {
	if c.ID == "" {
		return fmt.Errorf("id is required")
	}
	if c.Activation == "" {
		c.Activation = "relu"
	}
	if c.MaxInstances <= 0 {
		c.MaxInstances = 12
	}
	need := func(name, v string) error {
		if v == "" {
			return fmt.Errorf("a %s claim needs %q", c.Kind, name)
		}
		_, err := ParseExpr(v)
		return err
	}
	if (c.Hidden == nil) == (c.Width == "") {
		return fmt.Errorf("give hidden (a list of width expressions) or width and layers")
	}
	for _, h := range c.Hidden {
		if _, err := ParseExpr(h); err != nil {
			return err
		}
	}
	if c.Width != "" {
		if err := need("layers", c.Layers); err != nil {
			return err
		}
		if err := need("width", c.Width); err != nil {
			return err
		}
	}
	if c.When != "" {
		if _, err := ParseExpr(c.When); err != nil {
			return err
		}
	}
	for p, r := range c.Params {
		if r[0] > r[1] || r[1]-r[0] > 10000 {
			return fmt.Errorf("params.%s: range [%d, %d] is empty or too large", p, r[0], r[1])
		}
	}
	switch c.Kind {
	case KindMemorises, KindCannotMemorise:
		if len(c.Families) == 0 {
			c.Families = []string{"alternating"}
		}
		return need("n", c.N)
	case KindPieceBound:
		return need("bound", c.Bound)
	case KindMisclassify:
		if err := need("k", c.K); err != nil {
			return err
		}
		return need("fraction", c.Fraction)
	case KindL1:
		if err := need("target", c.Target); err != nil {
			return err
		}
		return need("epsilon", c.Epsilon)
	}
	return fmt.Errorf("unknown kind %q (want %s, %s, %s, %s or %s)", c.Kind, KindMemorises, KindCannotMemorise, KindPieceBound, KindMisclassify, KindL1)
}

// Instance is one assignment of the parameters.
type Instance map[string]*big.Rat

func (in Instance) String() string {
	keys := make([]string, 0, len(in))
	for k := range in {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var parts []string
	for _, k := range keys {
		parts = append(parts, k+"="+in[k].RatString())
	}
	return strings.Join(parts, " ")
}

// Instances enumerates the parameter assignments satisfying When, in lexicographic order
// of the sorted parameter names, smallest first, at most MaxInstances of them.
func (c *ClaimSpec) Instances() ([]Instance, error) {
	names := make([]string, 0, len(c.Params))
	for k := range c.Params {
		names = append(names, k)
	}
	sort.Strings(names)
	var when *Expr
	if c.When != "" {
		when, _ = ParseExpr(c.When)
	}
	var out []Instance
	cur := make([]int64, len(names))
	for i, n := range names {
		cur[i] = c.Params[n][0]
	}
	for steps := 0; steps < 1_000_000; steps++ {
		in := Instance{}
		for i, n := range names {
			in[n] = big.NewRat(cur[i], 1)
		}
		ok := true
		if when != nil {
			b, err := when.Bool(in)
			if err != nil {
				return nil, err
			}
			ok = b
		}
		if ok {
			out = append(out, in)
			if len(out) >= c.MaxInstances {
				break
			}
		}
		// Advance the odometer, last name fastest.
		i := len(names) - 1
		for ; i >= 0; i-- {
			if cur[i] < c.Params[names[i]][1] {
				cur[i]++
				break
			}
			cur[i] = c.Params[names[i]][0]
		}
		if i < 0 {
			break
		}
	}
	return out, nil
}

// hiddenOf evaluates the architecture's hidden widths on an instance.
func (c *ClaimSpec) hiddenOf(in Instance) ([]int, error) {
	var ws []string
	if c.Hidden != nil {
		ws = c.Hidden
	} else {
		l, err := mustInt(c.Layers, in)
		if err != nil {
			return nil, err
		}
		if l < 1 || l > 64 {
			return nil, fmt.Errorf("layers = %d out of range", l)
		}
		for i := int64(0); i < l; i++ {
			ws = append(ws, c.Width)
		}
	}
	var out []int
	for _, w := range ws {
		v, err := mustInt(w, in)
		if err != nil {
			return nil, err
		}
		if v < 1 || v > 4096 {
			return nil, fmt.Errorf("width %s = %d out of range", w, v)
		}
		out = append(out, int(v))
	}
	return out, nil
}

func mustInt(src string, in Instance) (int64, error) {
	e, err := ParseExpr(src)
	if err != nil {
		return 0, err
	}
	return e.Int(in)
}

func mustRat(src string, in Instance) (*big.Rat, error) {
	e, err := ParseExpr(src)
	if err != nil {
		return nil, err
	}
	return e.Rat(in)
}
