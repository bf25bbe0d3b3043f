package audit

import (
	"crypto/sha256"
	_ "embed"
	"encoding/hex"
	"fmt"
	"math/big"
	"os"
	"slices"
	"sort"
	"strings"

	"certify/cert"
	"certify/lowerbounds"
)

// ClaimsFile is a claims file: docs/claims.md documents it with examples.
type ClaimsFile struct {
	Version int         `json:"version"`
	Claims  []ClaimSpec `json:"claims"`
	// SHA256 is the hex SHA-256 of the file's bytes (set by ParseClaims).
	SHA256 string `json:"-"`
}

// Claim kinds.
const (
	KindMemorises      = "memorises"         // ∀ instances, ∀ datasets of N points: the architecture fits them
	KindCannotMemorise = "cannot-memorise"   // ∀ instances: some N-point dataset is not fitted
	KindPieceBound     = "piece-bound"       // ∀ networks of the architecture: pieces on [0,1] (<|≤) bound
	KindMisclassify    = "misclassification" // ∀ networks: ≥ fraction of Telgarsky's 2^k points misclassified
	KindL1             = "l1-separation"     // ∀ networks: ∫₀¹ |f − m^(target)| ≥ epsilon
	KindSize           = "size"              // a theorem's promised size at an instance is within a quoted figure
)

// ArchFNN is the only architecture family the audit builds: fully connected feed-forward
// networks, every hidden unit with the claim's activation, an affine output layer.
const ArchFNN = "fnn"

// ArchResNet is for size claims against a residual network theorem's formula only
// (Yun et al. 2019, Thm 4.1): the audit builds no residual networks.
const ArchResNet = "resnet"

// Limits on what the audit builds. An instance beyond them is refused as a malformed
// claim (it cannot be checked faithfully), never tried in a smaller setting.
const (
	maxAssignments     = 1_000_000 // parameter assignments enumerated per claim
	maxPoints          = 100_000   // N
	maxInputDim        = 64        // input_dim
	maxCoords          = 2_000_000 // N · input_dim
	maxOutputs         = 64
	maxClasses         = 1000
	maxWidth           = 4096
	maxLayers          = 64
	maxProofPoints     = 100_000 // the dataset of a piece-bound proof certificate
	maxConstructPoints = 4096    // N of a size claim against a construction (built on real data)
	// N · input_dim of a size claim against a construction: the constructions take no
	// context, and Zhang et al.'s at 4096 points in 64 dimensions ran past a minute and 2 GB
	// (16 384 coordinates: under 10 s).
	maxConstructCoords = 16_384
)

// ClaimSpec is one claim: a statement over integer parameters, and the instances to try.
type ClaimSpec struct {
	ID        string `json:"id"`
	Source    string `json:"source"`
	Statement string `json:"statement"`
	Kind      string `json:"kind"`
	// The network family the statement speaks of: architecture ("fnn"; "resnet" only for a
	// residual network theorem's size formula), the hidden
	// units' activation, the hidden widths as expressions or a uniform stack.
	Architecture string   `json:"architecture"`
	Activation   string   `json:"activation"`
	Hidden       []string `json:"hidden,omitempty"`
	Width        string   `json:"width,omitempty"`  // with Layers: Layers hidden layers of Width units
	Layers       string   `json:"layers,omitempty"` //
	// The data the statement speaks of (memorises, cannot-memorise): the input dimension,
	// and either the output dimension (regression) or the number of classes (one-hot
	// classification); whether the statement assumes general position.
	InputDim        string `json:"input_dim,omitempty"`
	Outputs         string `json:"outputs,omitempty"`
	Classes         string `json:"classes,omitempty"`
	GeneralPosition bool   `json:"general_position,omitempty"`
	// Params ranges over integers, inclusive: {"d1": [1, 8]}.
	Params map[string][2]int64 `json:"params"`
	// When is the statement's hypothesis; instances where it is false are not in range.
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
	// MaxInstances, when positive, caps the instances tried (the smallest first); a capped
	// claim is never proved. Zero: every instance in range.
	MaxInstances int `json:"max_instances,omitempty"`
	// size: the theorem (cert.TheoremIDs) whose promise is compared, and the quoted
	// figures (hidden units; depth in affine layers, optional). N, input_dim and outputs
	// or classes give the instance.
	Theorem     string `json:"theorem,omitempty"`
	HiddenUnits string `json:"hidden_units,omitempty"`
	Depth       string `json:"depth,omitempty"`
	// size against a construction: the construction of package construct built on the
	// instance's data ("zhang", "park", "vardi"), the paper's counting convention (count),
	// and the quoted parameter figure. Delta: Δ of park2021-thm3 (the separation ratio).
	Construction string `json:"construction,omitempty"`
	Count        string `json:"count,omitempty"`
	Parameters   string `json:"parameters,omitempty"`
	Delta        string `json:"delta,omitempty"`
	// Expect is the verdict the claim is expected to get (for --fail-on-unexpected).
	Expect string `json:"expect,omitempty"`

	act     cert.Activation
	inRange int
	insts   []instance // what Run tries: every instance in range, or the first MaxInstances
}

// instance is one assignment of the parameters with the claim's expressions evaluated.
type instance struct {
	in      Instance
	hidden  []int
	n       int      // points
	dx, dy  int      // input dimension; outputs (regression) or classes
	classes bool     // dy counts classes (one-hot)
	pmax    *big.Int // piece-bound: the largest piece count the claim allows
	k       int
	frac    *big.Rat
	target  int
	eps     *big.Rat
	units   int64 // size: the quoted hidden units (-1: not quoted)
	depth   int64 // size: the quoted depth (0: not quoted)
	params  int64 // size: the quoted parameters (-1: not quoted)
	delta   *big.Rat
}

//go:embed builtin.json
var builtinJSON []byte

// Builtin returns the claims the tool ships: the seeds' statements as printed in the
// original papers and in the lecture notes of seed 000.
func Builtin() (*ClaimsFile, error) { return ParseClaims(builtinJSON) }

// ParseClaims reads and validates a claims file: strict JSON (exact-case keys, no
// duplicates, no unknown keys), every field checked, and every expression evaluated on
// every instance in range, so that a claim that cannot be read, or cannot be checked
// faithfully, is an error here and never an "undecided" later.
func ParseClaims(raw []byte) (*ClaimsFile, error) {
	var f ClaimsFile
	if err := decodeStrict(raw, &f); err != nil {
		return nil, fmt.Errorf("claims file: %v", err)
	}
	if f.Version != 1 {
		return nil, fmt.Errorf("claims file: version is %d; this tool reads version 1", f.Version)
	}
	sum := sha256.Sum256(raw)
	f.SHA256 = hex.EncodeToString(sum[:])
	seen := map[string]bool{}
	files := map[string]string{}
	for i := range f.Claims {
		c := &f.Claims[i]
		if err := c.validate(); err != nil {
			return nil, fmt.Errorf("claims[%d] (%s).%v", i, c.ID, err)
		}
		if seen[c.ID] {
			return nil, fmt.Errorf("claims[%d].id: duplicate id %q", i, c.ID)
		}
		seen[c.ID] = true
		// Certificates are named after the id, reduced to a file name: two ids may not
		// reduce to the same one.
		file := certName(c.ID, nil, "")
		if other, ok := files[file]; ok {
			return nil, fmt.Errorf("claims[%d].id: %q and %q name the same certificate files (%s); make them differ in letters or digits", i, other, c.ID, file)
		}
		files[file] = c.ID
	}
	return &f, nil
}

// InRange is the number of instances in range (parameter assignments satisfying When).
func (c *ClaimSpec) InRange() int { return c.inRange }

// Capped says whether fewer instances are tried than are in range.
func (c *ClaimSpec) Capped() bool { return len(c.insts) < c.inRange }

// fieldError is a problem with one field of a claim; with an instance, the problem
// appears on that instance only.
func fieldError(field string, in Instance, format string, args ...any) error {
	msg := fmt.Sprintf(format, args...)
	if in != nil {
		return fmt.Errorf("%s: at %s: %s", field, in, msg)
	}
	return fmt.Errorf("%s: %s", field, msg)
}

func (c *ClaimSpec) validate() error {
	if c.ID == "" {
		return fieldError("id", nil, "is required")
	}
	kinds := []string{KindMemorises, KindCannotMemorise, KindPieceBound, KindMisclassify, KindL1, KindSize}
	if !slices.Contains(kinds, c.Kind) {
		return fieldError("kind", nil, "unknown kind %q (want one of %s)", c.Kind, strings.Join(kinds, ", "))
	}
	switch c.Architecture {
	case ArchFNN:
	case ArchResNet:
		if c.Kind != KindSize || c.Theorem == "" || !resnetTheorems[c.Theorem] {
			return fieldError("architecture", nil, "%q is only for size claims against a residual network theorem's formula (one of %s): the audit builds no residual networks", ArchResNet, strings.Join(sortedKeys(resnetTheorems), ", "))
		}
	case "":
		return fieldError("architecture", nil, "is required (%q: fully connected feed-forward, the only family the audit builds)", ArchFNN)
	default:
		return fieldError("architecture", nil, "%q is not a family the audit builds (only %q, fully connected feed-forward): the claim cannot be checked faithfully", c.Architecture, ArchFNN)
	}
	if c.Activation == "" {
		return fieldError("activation", nil, "is required (relu, leaky-relu:S, hard-tanh or identity)")
	}
	act, err := cert.ParseActivation(c.Activation, 0)
	if err != nil {
		return fieldError("activation", nil, "%v", err)
	}
	if act.Kind == cert.ActStep {
		return fieldError("activation", nil, "step is discontinuous: the audit's data, piece bounds and searches are for continuous activations (relu, leaky-relu:S, hard-tanh, identity)")
	}
	c.act = act
	if c.Expect != "" && !slices.Contains(Verdicts, c.Expect) {
		return fieldError("expect", nil, "%q is not a verdict (want one of %s)", c.Expect, strings.Join(Verdicts, ", "))
	}
	if c.MaxInstances < 0 {
		return fieldError("max_instances", nil, "must be positive (or absent: every instance in range)")
	}

	// Every expression: parsed, and its parameters declared.
	names := make([]string, 0, len(c.Params))
	for p, r := range c.Params {
		if r[0] > r[1] {
			return fieldError("params."+p, nil, "range [%d, %d] is empty", r[0], r[1])
		}
		if e, err := ParseExpr(p); err != nil || len(e.Vars()) != 1 || e.Vars()[0] != p {
			return fieldError("params."+p, nil, "%q is not a parameter name (a letter or _, then letters, digits or _)", p)
		}
		names = append(names, p)
	}
	sort.Strings(names)
	exprs := map[string]*Expr{}
	parse := func(field, src string) error {
		if src == "" {
			return nil
		}
		e, err := ParseExpr(src)
		if err != nil {
			return fieldError(field, nil, "%v", err)
		}
		for _, v := range e.Vars() {
			if _, ok := c.Params[v]; !ok {
				return fieldError(field, nil, "expression %q: unknown parameter %q (params are %s)", src, v, strings.Join(names, ", "))
			}
		}
		exprs[field] = e
		return nil
	}
	if c.Kind == KindSize {
		if err := c.checkSize(); err != nil {
			return err
		}
	} else if (c.Hidden == nil) == (c.Width == "") {
		return fieldError("hidden", nil, "give hidden (a list of width expressions) or width and layers")
	} else if c.Theorem != "" || c.HiddenUnits != "" || c.Depth != "" || c.Construction != "" || c.Count != "" || c.Parameters != "" || c.Delta != "" {
		return fieldError("theorem", nil, "theorem, construction, count, hidden_units, parameters, depth and delta are for size claims")
	}
	if c.Hidden != nil && len(c.Hidden) == 0 {
		return fieldError("hidden", nil, "needs at least one hidden layer")
	}
	if c.Width != "" && c.Layers == "" {
		return fieldError("layers", nil, "width needs layers")
	}
	if c.Width == "" && c.Layers != "" {
		return fieldError("layers", nil, "layers needs width (or give hidden)")
	}
	for i, h := range c.Hidden {
		if err := parse(fmt.Sprintf("hidden[%d]", i), h); err != nil {
			return err
		}
	}
	need := func(field, v string) error {
		if v == "" {
			return fieldError(field, nil, "a %s claim needs %q", c.Kind, field)
		}
		return nil
	}
	refuse := func(field, v, why string) error {
		if v != "" {
			return fieldError(field, nil, "not for a %s claim: %s", c.Kind, why)
		}
		return nil
	}
	perKind := map[string][]string{
		KindMemorises:      {"n", "input_dim"},
		KindCannotMemorise: {"n", "input_dim"},
		KindPieceBound:     {"bound"},
		KindMisclassify:    {"k", "fraction"},
		KindL1:             {"target", "epsilon"},
		KindSize:           {"n", "input_dim"},
	}
	values := map[string]string{"width": c.Width, "layers": c.Layers, "when": c.When, "n": c.N,
		"input_dim": c.InputDim, "outputs": c.Outputs, "classes": c.Classes, "bound": c.Bound,
		"k": c.K, "fraction": c.Fraction, "target": c.Target, "epsilon": c.Epsilon,
		"hidden_units": c.HiddenUnits, "depth": c.Depth, "parameters": c.Parameters, "delta": c.Delta}
	for _, f := range perKind[c.Kind] {
		if err := need(f, values[f]); err != nil {
			return err
		}
	}
	for f, v := range values {
		if err := parse(f, v); err != nil {
			return err
		}
	}
	// Fields of other kinds are refused rather than ignored.
	own := map[string]bool{"width": true, "layers": true, "when": true, "input_dim": true, "outputs": true}
	for _, f := range perKind[c.Kind] {
		own[f] = true
	}
	dataKind := c.Kind == KindMemorises || c.Kind == KindCannotMemorise
	if dataKind || c.Kind == KindSize {
		own["classes"] = true
	}
	if c.Kind == KindSize {
		own["depth"], own["hidden_units"], own["parameters"], own["delta"] = true, true, true, true
	}
	for _, f := range []string{"n", "classes", "bound", "k", "fraction", "target", "epsilon", "hidden_units", "depth", "parameters", "delta"} {
		if !own[f] {
			if err := refuse(f, values[f], "it belongs to another kind"); err != nil {
				return err
			}
		}
	}
	if c.Strict && c.Kind != KindPieceBound {
		return fieldError("strict", nil, "only for a piece-bound claim")
	}
	buildsData := dataKind || c.Kind == KindSize && c.Construction != ""
	if !buildsData {
		if len(c.Families) > 0 {
			return fieldError("families", nil, "only for memorises and cannot-memorise claims")
		}
		if c.GeneralPosition {
			return fieldError("general_position", nil, "only for memorises and cannot-memorise claims")
		}
	}
	if dataKind || c.Kind == KindSize {
		if (c.Outputs == "") == (c.Classes == "") {
			return fieldError("outputs", nil, "a %s claim gives outputs (regression targets) or classes (one-hot labels), one of them", c.Kind)
		}
	}
	if dataKind {
		if (c.Outputs == "") == (c.Classes == "") {
			return fieldError("outputs", nil, "a %s claim gives outputs (regression targets) or classes (one-hot labels), one of them", c.Kind)
		}
		if c.Kind == KindCannotMemorise && c.Classes != "" {
			return fieldError("classes", nil, "the kernel's impossibility arguments are for scalar regression targets; a cannot-memorise claim about one-hot classes cannot be checked faithfully")
		}
	}
	if buildsData {
		if len(c.Families) == 0 {
			c.Families = []string{lowerbounds.FamilyAlternating}
		}
		for i, fam := range c.Families {
			if err := c.checkFamily(fmt.Sprintf("families[%d]", i), fam); err != nil {
				return err
			}
		}
	}
	if err := c.enumerate(names, exprs); err != nil {
		return err
	}
	// A file family is read now, with the most points any instance takes: a file that does
	// not parse, or has too few points, is the claim's error (exit 2), not an undecided.
	if buildsData {
		maxN := 0
		for _, x := range c.insts {
			maxN = max(maxN, x.n)
		}
		for i, fam := range c.Families {
			if strings.HasPrefix(fam, "file:") && maxN > 0 {
				if _, err := lowerbounds.Dataset(fam, maxN, 1); err != nil {
					return fieldError(fmt.Sprintf("families[%d]", i), nil, "%v", err)
				}
			}
		}
	}
	return nil
}

func (c *ClaimSpec) checkFamily(field, fam string) error {
	if path, ok := strings.CutPrefix(fam, "file:"); ok {
		if c.InputDim != "1" || c.Outputs != "1" {
			return fieldError(field, nil, "a file family gives one-dimensional regression data: the claim must say input_dim \"1\" and outputs \"1\"")
		}
		fh, err := os.Open(path)
		if err != nil {
			return fieldError(field, nil, "%v", err)
		}
		fh.Close()
		return nil
	}
	if !slices.Contains(lowerbounds.Families, fam) {
		return fieldError(field, nil, "unknown dataset family %q (want one of %s, or file:PATH)", fam, strings.Join(lowerbounds.Families, ", "))
	}
	return nil
}

// enumerate walks every parameter assignment, keeps those satisfying When, and evaluates
// every expression on each (an error is the claim's, naming the field and the instance).
func (c *ClaimSpec) enumerate(names []string, exprs map[string]*Expr) error {
	total := int64(1)
	for _, n := range names {
		r := c.Params[n]
		// The width as unsigned: r[1] − r[0] overflows int64 for ranges near ±2^63.
		if uint64(r[1])-uint64(r[0]) >= maxAssignments {
			total = maxAssignments + 1
			break
		}
		total *= r[1] - r[0] + 1
		if total > maxAssignments {
			break
		}
	}
	if total > maxAssignments {
		return fieldError("params", nil, "the ranges span more than %d assignments: the audit enumerates every one (narrow the ranges)", maxAssignments)
	}
	cur := make([]int64, len(names))
	for i, n := range names {
		cur[i] = c.Params[n][0]
	}
	var all []instance
	for {
		in := Instance{}
		for i, n := range names {
			in[n] = big.NewRat(cur[i], 1)
		}
		ok := true
		if e := exprs["when"]; e != nil {
			b, err := e.Bool(in)
			if err != nil {
				return fieldError("when", in, "%v", err)
			}
			ok = b
		}
		if ok {
			x, err := c.evaluate(in, exprs)
			if err != nil {
				return err
			}
			all = append(all, x)
		}
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
	// Smallest first: by the sum of the parameters, then in the odometer's order, so that
	// a cap tries small instances of every parameter rather than the first values of one.
	sum := func(x instance) *big.Rat {
		s := new(big.Rat)
		for _, v := range x.in {
			s.Add(s, v)
		}
		return s
	}
	sort.SliceStable(all, func(a, b int) bool { return sum(all[a]).Cmp(sum(all[b])) < 0 })
	c.inRange = len(all)
	c.insts = all
	if c.MaxInstances > 0 && c.MaxInstances < len(all) {
		c.insts = all[:c.MaxInstances]
	}
	return nil
}

func (c *ClaimSpec) evaluate(in Instance, exprs map[string]*Expr) (instance, error) {
	x := instance{in: in}
	intIn := func(field string, lo, hi int64) (int, error) {
		e := exprs[field]
		v, err := e.Int(in)
		if err != nil {
			return 0, fieldError(field, in, "%v", err)
		}
		if v < lo || v > hi {
			return 0, fieldError(field, in, "%s = %d is outside [%d, %d]", e, v, lo, hi)
		}
		return int(v), nil
	}
	ratOf := func(field string) (*big.Rat, error) {
		r, err := exprs[field].Rat(in)
		if err != nil {
			return nil, fieldError(field, in, "%v", err)
		}
		return r, nil
	}
	if c.Kind == KindSize {
		return c.evaluateSize(x, in, exprs)
	}
	if c.Hidden != nil {
		for i := range c.Hidden {
			w, err := intIn(fmt.Sprintf("hidden[%d]", i), 1, maxWidth)
			if err != nil {
				return x, err
			}
			x.hidden = append(x.hidden, w)
		}
	} else {
		l, err := intIn("layers", 1, maxLayers)
		if err != nil {
			return x, err
		}
		w, err := intIn("width", 1, maxWidth)
		if err != nil {
			return x, err
		}
		for range l {
			x.hidden = append(x.hidden, w)
		}
	}
	var err error
	x.dx, x.dy = 1, 1
	if exprs["input_dim"] != nil {
		if x.dx, err = intIn("input_dim", 1, 1<<20); err != nil {
			return x, err
		}
	}
	if exprs["outputs"] != nil {
		if x.dy, err = intIn("outputs", 1, maxOutputs); err != nil {
			return x, err
		}
	}
	if exprs["classes"] != nil {
		if x.dy, err = intIn("classes", 2, maxClasses); err != nil {
			return x, err
		}
		x.classes = true
	}
	switch c.Kind {
	case KindMemorises, KindCannotMemorise:
		if x.n, err = intIn("n", 1, maxPoints); err != nil {
			return x, err
		}
		if x.dx > maxInputDim || x.n*x.dx > maxCoords {
			return x, fieldError("input_dim", in, "a dataset of %d points in %d dimensions (%d coordinates) is larger than the audit builds (input_dim at most %d, at most %d coordinates): the claim cannot be checked faithfully here, and it is not tried in a smaller setting", x.n, x.dx, int64(x.n)*int64(x.dx), maxInputDim, maxCoords)
		}
		if c.Kind == KindCannotMemorise && (x.dx != 1 || x.dy != 1) {
			return x, fieldError("input_dim", in, "input_dim %d, outputs %d: the kernel's impossibility arguments (piece counting, monotonicity) are for one-dimensional inputs and scalar targets; the claim cannot be checked faithfully", x.dx, x.dy)
		}
	default:
		if x.dx != 1 || x.dy != 1 {
			return x, fieldError("input_dim", in, "a %s claim speaks of one-input, one-output networks on [0, 1]; input_dim and outputs must be 1", c.Kind)
		}
	}
	switch c.Kind {
	case KindPieceBound:
		b, err := ratOf("bound")
		if err != nil {
			return x, err
		}
		// The largest integer piece count the claim allows, compared exactly: pieces ≤ b
		// is pieces ≤ ⌊b⌋; pieces < b is pieces ≤ ⌈b⌉ − 1.
		fl := new(big.Int).Div(b.Num(), b.Denom())
		if c.Strict {
			if b.IsInt() {
				fl.Sub(fl, big.NewInt(1))
			}
		}
		x.pmax = fl
	case KindMisclassify:
		if x.k, err = intIn("k", 1, 20); err != nil {
			return x, err
		}
		if x.frac, err = ratOf("fraction"); err != nil {
			return x, err
		}
	case KindL1:
		if x.target, err = intIn("target", 1, 20); err != nil {
			return x, err
		}
		if x.eps, err = ratOf("epsilon"); err != nil {
			return x, err
		}
	}
	return x, nil
}

// Instance is one assignment of the parameters.
type Instance map[string]*big.Rat

func (in Instance) String() string {
	if len(in) == 0 {
		return "(no parameters)"
	}
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

// Instances returns the instances Run tries: every instance in range, smallest first (by
// the sum of the parameters), or the first max_instances of them.
func (c *ClaimSpec) Instances() []Instance {
	out := make([]Instance, len(c.insts))
	for i, x := range c.insts {
		out[i] = x.in
	}
	return out
}

// Size claims: the theorems whose promise depends on N, d_x and d_y only, with the
// activation and architecture of each.
var sizeTheorems = map[string]string{
	"zhang2017-thm1":          "relu",
	"yun2019-thm3.1-relu":     "relu",
	"yun2019-thm3.1-hardtanh": "hard-tanh",
	"yun2019-prop3.2-relu":    "relu",
	"yun2019-cor4.2-relu":     "relu",
	"yun2019-cor4.2-hardtanh": "hard-tanh",
	"yun2019-thm4.1-relu":     "relu",
	"yun2019-thm4.1-hardtanh": "hard-tanh",
}

// resnetTheorems are the size theorems about residual networks (architecture "resnet").
var resnetTheorems = map[string]bool{"yun2019-thm4.1-relu": true, "yun2019-thm4.1-hardtanh": true}

// TheoremParkThm3 is the size claim against Park et al.'s Theorem 3 (the sufficient
// conditions on an architecture): the fewest parameters of the architectures that
// construct.ParkThm3Smallest searches, for N points in d_x dimensions, C classes, Δ.
const TheoremParkThm3 = "park2021-thm3"

// Counting conventions of a size claim against a construction (docs/claims.md).
const (
	CountSharedDirection   = "shared-direction"   // Zhang et al.: 2n + d, the projection a counted once
	CountParameters        = "parameters"         // Park et al.: all weights and biases
	CountNonzeroWeights    = "nonzero-weights"    // Vardi et al.: the non-zero weights (edges)
	CountNonzeroParameters = "nonzero-parameters" // non-zero weights and biases
)

// sizeConstructions are the constructions a size claim can be checked against, with the
// counting conventions that apply to each.
var sizeConstructions = map[string][]string{
	"zhang": {CountSharedDirection, CountParameters, CountNonzeroWeights, CountNonzeroParameters},
	"park":  {CountParameters, CountNonzeroWeights, CountNonzeroParameters},
	"vardi": {CountParameters, CountNonzeroWeights, CountNonzeroParameters},
}

func sortedKeys[V any](m map[string]V) []string {
	ids := make([]string, 0, len(m))
	for id := range m {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	return ids
}

func (c *ClaimSpec) checkSize() error {
	if c.Hidden != nil || c.Width != "" || c.Layers != "" {
		return fieldError("hidden", nil, "a size claim's architecture is its theorem's or construction's; give no hidden, width or layers")
	}
	if c.GeneralPosition || c.Strict {
		return fieldError("general_position", nil, "general_position and strict are not for size claims")
	}
	if (c.Theorem == "") == (c.Construction == "") {
		return fieldError("theorem", nil, "a size claim names its theorem (one of %s, %s) or its construction (one of %s), one of them",
			strings.Join(sortedKeys(sizeTheorems), ", "), TheoremParkThm3, strings.Join(sortedKeys(sizeConstructions), ", "))
	}
	if c.Construction != "" {
		counts, ok := sizeConstructions[c.Construction]
		if !ok {
			return fieldError("construction", nil, "unknown construction %q (want one of %s)", c.Construction, strings.Join(sortedKeys(sizeConstructions), ", "))
		}
		if c.act.Kind != cert.ActReLU {
			return fieldError("activation", nil, "construction %s builds relu networks, not %s", c.Construction, c.act)
		}
		if c.Count == "" || c.Parameters == "" {
			return fieldError("count", nil, "a size claim against a construction gives parameters (the quoted figure) and count (how the paper counts them: one of %s)", strings.Join(counts, ", "))
		}
		if !slices.Contains(counts, c.Count) {
			return fieldError("count", nil, "%q is not a convention for construction %s (want one of %s)", c.Count, c.Construction, strings.Join(counts, ", "))
		}
		if c.Delta != "" {
			return fieldError("delta", nil, "only for theorem %s", TheoremParkThm3)
		}
		if c.Construction != "zhang" && c.Classes == "" {
			return fieldError("classes", nil, "construction %s memorises classes: the claim gives classes", c.Construction)
		}
		return nil
	}
	if len(c.Families) > 0 {
		return fieldError("families", nil, "a size claim against a theorem's formula builds no data; families are for claims against a construction")
	}
	if c.Count != "" {
		return fieldError("count", nil, "only for a size claim against a construction")
	}
	if c.Theorem == TheoremParkThm3 {
		if c.act.Kind != cert.ActReLU {
			return fieldError("activation", nil, "theorem %s is about relu networks, not %s", c.Theorem, c.act)
		}
		if c.Parameters == "" || c.Delta == "" || c.Classes == "" {
			return fieldError("parameters", nil, "a %s size claim gives parameters (the quoted figure), delta (Δ) and classes", TheoremParkThm3)
		}
		if c.HiddenUnits != "" || c.Depth != "" {
			return fieldError("hidden_units", nil, "a %s size claim quotes parameters only", TheoremParkThm3)
		}
		return nil
	}
	act, ok := sizeTheorems[c.Theorem]
	if !ok {
		return fieldError("theorem", nil, "%q has no size formula in the kernel's theorem table that depends on N, d_x, d_y alone (want one of %s, or %s)", c.Theorem, strings.Join(sortedKeys(sizeTheorems), ", "), TheoremParkThm3)
	}
	if c.act.String() != act {
		return fieldError("activation", nil, "theorem %s is about %s networks, not %s", c.Theorem, act, c.act)
	}
	if resnetTheorems[c.Theorem] != (c.Architecture == ArchResNet) {
		return fieldError("architecture", nil, "theorem %s is about %s networks, not %s", c.Theorem, map[bool]string{true: ArchResNet, false: ArchFNN}[resnetTheorems[c.Theorem]], c.Architecture)
	}
	if c.HiddenUnits == "" {
		return fieldError("hidden_units", nil, "a size claim against theorem %s gives hidden_units (the quoted figure)", c.Theorem)
	}
	if (c.Theorem == "yun2019-prop3.2-relu" || strings.HasPrefix(c.Theorem, "yun2019-cor4.2") || resnetTheorems[c.Theorem]) && c.Classes == "" {
		return fieldError("classes", nil, "theorem %s is about one-hot classification: the claim gives classes, not outputs", c.Theorem)
	}
	if c.Parameters != "" || c.Delta != "" {
		return fieldError("parameters", nil, "the kernel's formula for %s gives hidden units and depth, not parameters: compare parameters against a construction", c.Theorem)
	}
	return nil
}

func (c *ClaimSpec) evaluateSize(x instance, in Instance, exprs map[string]*Expr) (instance, error) {
	geti := func(field string, lo, hi int64) (int64, error) {
		v, err := exprs[field].Int(in)
		if err != nil {
			return 0, fieldError(field, in, "%v", err)
		}
		if v < lo || v > hi {
			return 0, fieldError(field, in, "%s = %d is outside [%d, %d]", exprs[field], v, lo, hi)
		}
		return v, nil
	}
	n, err := geti("n", 1, 100_000_000)
	if err != nil {
		return x, err
	}
	dx, err := geti("input_dim", 1, 1<<30)
	if err != nil {
		return x, err
	}
	dyField := "outputs"
	if c.Classes != "" {
		dyField = "classes"
		x.classes = true
	}
	lo := int64(1)
	if x.classes {
		lo = 2
	}
	dy, err := geti(dyField, lo, 1<<20)
	if err != nil {
		return x, err
	}
	x.n, x.dx, x.dy = int(n), int(dx), int(dy)
	x.units, x.params = -1, -1
	if exprs["hidden_units"] != nil {
		if x.units, err = geti("hidden_units", 0, 1<<62); err != nil {
			return x, err
		}
	}
	if exprs["parameters"] != nil {
		if x.params, err = geti("parameters", 0, 1<<62); err != nil {
			return x, err
		}
	}
	if exprs["depth"] != nil {
		if x.depth, err = geti("depth", 1, 1<<20); err != nil {
			return x, err
		}
	}
	if exprs["delta"] != nil {
		if x.delta, err = exprs["delta"].Rat(in); err != nil {
			return x, fieldError("delta", in, "%v", err)
		}
		if x.delta.Cmp(big.NewRat(1, 1)) <= 0 {
			return x, fieldError("delta", in, "Δ = %s must exceed 1 (the ratio of the largest to the smallest distance)", x.delta.RatString())
		}
		if x.dx > 1<<24 {
			return x, fieldError("input_dim", in, "d_x = %d is larger than %s's search takes", x.dx, TheoremParkThm3)
		}
	}
	if c.Construction != "" {
		// The construction is built on the instance's data: the data must be buildable.
		if x.n > maxConstructPoints || x.dx > maxInputDim || int64(x.n)*int64(x.dx) > maxConstructCoords || x.dy > maxOutputs && !x.classes || x.dy > maxClasses {
			return x, fieldError("n", in, "a dataset of %d points in %d dimensions with %d %s is larger than the audit builds a construction on (at most %d points, input_dim at most %d, at most %d coordinates): the claim cannot be checked faithfully here, and it is not tried in a smaller setting",
				x.n, x.dx, x.dy, map[bool]string{true: "classes", false: "outputs"}[x.classes], maxConstructPoints, maxInputDim, maxConstructCoords)
		}
	}
	return x, nil
}
