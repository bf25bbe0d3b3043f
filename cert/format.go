package cert

import (
	"encoding/json"
	"fmt"
	"io"
	"math/big"
	"reflect"
	"sort"
	"strings"

	"certify/internal/strictjson"
)

// FormatV1 is the value of the "format" field of a version-1 certificate.
const FormatV1 = "certify/v1"

// Certificate is a decoded certificate: a network, a dataset, and claims about them.
type Certificate struct {
	Format     string
	Provenance Provenance
	Network    *Network
	Data       *Dataset
	// Source is set when the dataset is stored in files rather than inline; it is kept so
	// that the certificate can be written back as it was read.
	Source *SourceRef
	Claims []Claim
}

// Provenance says what produced a certificate. It is informative: no verdict rests on it.
type Provenance struct {
	Producer     string            `json:"producer,omitempty"`     // program and command, e.g. "certify construct zhang"
	Construction string            `json:"construction,omitempty"` // construction name
	Theorem      string            `json:"theorem,omitempty"`      // e.g. "Zhang et al. 2017, Theorem 1"
	Reference    string            `json:"reference,omitempty"`    // bibliographic reference
	Params       map[string]string `json:"params,omitempty"`       // construction parameters
	Notes        string            `json:"notes,omitempty"`
}

// SourceRef is a dataset stored in files and pinned by SHA-256 (of the bytes as stored,
// before any decompression). Paths are relative to the certificate's folder unless absolute.
type SourceRef struct {
	Format       string `json:"format"` // "csv" or "idx"
	Task         string `json:"task,omitempty"`
	Classes      int    `json:"classes,omitempty"`
	Path         string `json:"path,omitempty"` // csv
	SHA256       string `json:"sha256,omitempty"`
	SkipRows     int    `json:"skip_rows,omitempty"`
	LabelColumns int    `json:"label_columns,omitempty"`
	Images       string `json:"images,omitempty"` // idx
	ImagesSHA256 string `json:"images_sha256,omitempty"`
	Labels       string `json:"labels,omitempty"`
	LabelsSHA256 string `json:"labels_sha256,omitempty"`
	Limit        int    `json:"limit,omitempty"`
}

// ---- wire types (the JSON schema, docs/format.md and cert.schema.json describe them) ----

type wireCert struct {
	Format     string            `json:"format"`
	Provenance *Provenance       `json:"provenance,omitempty"`
	Network    *WireNetwork      `json:"network,omitempty"`
	Dataset    *wireData         `json:"dataset,omitempty"`
	Claims     []json.RawMessage `json:"claims"`
}

// WireNetwork is a network as it is written in JSON.
type WireNetwork struct {
	InputDim int         `json:"input_dim"`
	Layers   []wireLayer `json:"layers"`
}

type wireLayer struct {
	Activation  string     `json:"activation,omitempty"`
	Activations []string   `json:"activations,omitempty"`
	Weights     []paramRow `json:"weights"`
	Biases      paramRow   `json:"biases"`
}

type wireData struct {
	Task    string     `json:"task,omitempty"`
	Classes int        `json:"classes,omitempty"`
	Inputs  pointList  `json:"inputs,omitempty"`
	Labels  labelList  `json:"labels,omitempty"`
	Targets []dataRow  `json:"targets,omitempty"`
	Source  *SourceRef `json:"source,omitempty"`
}

// Named types of the arrays that strictjson counts as it reads (see budgets), so that a
// document far over a limit is refused before it is decoded.
type (
	paramRow  []string  // weights of one unit, or a layer's biases: parameters
	dataRow   []string  // one inline point or target: coordinates
	pointList []dataRow // inline inputs: points
	labelList []int     // inline labels: points
)

// budgets are the limits strictjson checks while reading a certificate or a network.
func budgets(lim Limits) []strictjson.Budget {
	return []strictjson.Budget{
		{Type: reflect.TypeOf(paramRow(nil)), Max: lim.MaxParams, What: "network parameters (weights and biases)"},
		{Type: reflect.TypeOf(pointList(nil)), Max: int64(lim.MaxPoints), What: "inline points"},
		{Type: reflect.TypeOf(labelList(nil)), Max: int64(lim.MaxPoints), What: "inline labels"},
		{Type: reflect.TypeOf(dataRow(nil)), Max: lim.MaxParams, What: "inline coordinates (give a larger dataset as a file reference)"},
	}
}

type wireClaim struct {
	Kind string `json:"kind"`
	// argmax, threshold, epsilon
	Margin    string `json:"margin,omitempty"`
	Threshold string `json:"threshold,omitempty"`
	Epsilon   string `json:"epsilon,omitempty"`
	// patterns
	Points   []int      `json:"points,omitempty"`
	Patterns [][]string `json:"patterns,omitempty"`
	Distinct bool       `json:"distinct,omitempty"`
	// sizes
	Depth             *int   `json:"depth,omitempty"`
	Widths            []int  `json:"widths,omitempty"`
	HiddenUnits       *int   `json:"hidden_units,omitempty"`
	Parameters        *int64 `json:"parameters,omitempty"`
	NonzeroWeights    *int64 `json:"nonzero_weights,omitempty"`
	NonzeroParameters *int64 `json:"nonzero_parameters,omitempty"`
	MaxBits           *int   `json:"max_bits,omitempty"`
	MaxBitsAtMost     *int   `json:"max_bits_at_most,omitempty"`
}

// claimFields lists, per kind, the JSON fields a claim of that kind may have.
var claimFields = map[string][]string{
	KindExact:     {},
	KindArgmax:    {"margin"},
	KindThreshold: {"threshold"},
	KindEpsilon:   {"epsilon"},
	KindPatterns:  {"points", "patterns", "distinct"},
	KindSizes:     {"depth", "widths", "hidden_units", "parameters", "nonzero_weights", "nonzero_parameters", "max_bits", "max_bits_at_most"},
}

// Decode reads a certificate. dir is the folder that relative dataset paths are resolved
// against (see Limits.DataRoots for what may be read). Any problem with the input is a
// *MalformedError (or an I/O error); the certificate's claims are not checked here (see
// Check). The input is read strictly (one reading: exact-case keys, no duplicate keys, no
// null) and validated as it is read, within Limits.MaxFileBytes; gzip is recognised by
// its magic bytes and decompressed within the same limit.
func Decode(r io.Reader, dir string, lim Limits) (*Certificate, error) {
	lim = lim.withDefaults()
	r, err := decompressed(r, "the certificate", lim.MaxFileBytes)
	if err != nil {
		return nil, &MalformedError{Msg: err.Error()}
	}
	var w wireCert
	if _, err = strictjson.Read(r, lim.MaxFileBytes, &w, budgets(lim)...); err != nil {
		return nil, strictErr(err, true)
	}
	if w.Format != FormatV1 {
		if w.Format == "" {
			return nil, fieldErr("format", "missing; a version-1 certificate has \"format\": %q", FormatV1)
		}
		return nil, fieldErr("format", "is %q; this checker reads %q", clip(w.Format), FormatV1)
	}
	c := &Certificate{Format: w.Format}
	if w.Provenance != nil {
		c.Provenance = *w.Provenance
	}
	// A certificate about a dataset alone (no network of an architecture fits it) has no
	// network; validateClaim refuses claims that need one.
	if w.Network != nil {
		if c.Network, err = w.Network.toNetwork("network", lim); err != nil {
			return nil, err
		}
	}
	// A certificate may omit the dataset when no claim speaks of points (a pieces claim
	// about the network alone, say); validateClaim refuses point claims without one.
	if w.Dataset != nil {
		if c.Data, c.Source, err = w.Dataset.toDataset(dir, lim); err != nil {
			return nil, err
		}
		if c.Network != nil && c.Data.D != c.Network.InputDim {
			return nil, fieldErr("dataset", "points have dimension %d but network.input_dim is %d", c.Data.D, c.Network.InputDim)
		}
	}
	if w.Claims == nil {
		return nil, fieldErr("claims", "missing; a certificate states at least one claim")
	}
	for i, rc := range w.Claims {
		cl, err := decodeClaim(rc, fmt.Sprintf("claims[%d]", i), c, lim)
		if err != nil {
			return nil, err
		}
		c.Claims = append(c.Claims, cl)
	}
	if len(c.Claims) == 0 {
		return nil, fieldErr("claims", "is empty; a certificate states at least one claim")
	}
	for i, cl := range c.Claims {
		if err := validateClaim(cl, fmt.Sprintf("claims[%d]", i), c); err != nil {
			return nil, err
		}
	}
	return c, nil
}

// DecodeNetwork reads a network: either a bare network object ({"input_dim", "layers"})
// or a certificate, whose network is returned.
func DecodeNetwork(r io.Reader, lim Limits) (*Network, error) {
	lim = lim.withDefaults()
	var probe map[string]json.RawMessage
	raw, err := strictjson.Read(r, lim.MaxFileBytes, &probe)
	if err != nil {
		return nil, strictErr(err, true)
	}
	var w WireNetwork
	if nr, ok := probe["network"]; ok {
		err = strictErr(strictjson.Unmarshal(nr, &w, budgets(lim)...), false)
		if me, ok := err.(*MalformedError); ok {
			me.Path = joinPath("network", me.Path)
		}
	} else {
		// A bare network: the whole document, so positions are meaningful.
		err = strictErr(strictjson.Unmarshal(raw, &w, budgets(lim)...), true)
		if me, ok := err.(*MalformedError); ok {
			me.Path = joinPath("network", strings.TrimPrefix(me.Path, "(top level)"))
		}
	}
	if err != nil {
		return nil, err
	}
	return w.toNetwork("network", lim)
}

// strictUnmarshal decodes a part of a document already read by strictjson.Read (a claim,
// say) against its own type. Paths in its errors are relative to the part ("" for the part
// itself); the caller prefixes them.
func strictUnmarshal(raw []byte, v any) error {
	return strictErr(strictjson.Unmarshal(raw, v), false)
}

// strictErr turns strictjson's errors into MalformedErrors; withPos adds the line and
// column (meaningful for a whole document, not for a part of one).
func strictErr(err error, withPos bool) error {
	e, ok := strictjson.IsError(err)
	if !ok {
		return err
	}
	msg := e.Msg
	if e.Found == "a number" && e.Want == "a string" {
		msg += " (exact numbers are written as strings: \"3\", \"7/12\", \"0.125\")"
	}
	if strings.HasPrefix(msg, "unknown key") && !strings.Contains(msg, "case-sensitive") {
		msg += " (not part of format " + FormatV1 + ")"
	}
	path := e.Path
	if withPos {
		msg += fmt.Sprintf(" (line %d, column %d)", e.Line, e.Column)
		if path == "" {
			path = "(top level)"
		}
	}
	return &MalformedError{Path: path, Msg: msg}
}

// joinPath appends a relative path to a field path.
func joinPath(base, rel string) string {
	switch {
	case rel == "":
		return base
	case rel[0] == '[':
		return base + rel
	}
	return base + "." + rel
}

func parseRatsAt(path string, ss []string, lim Limits) ([]*big.Rat, error) {
	out := make([]*big.Rat, len(ss))
	for i, s := range ss {
		r, err := ParseRat(s, lim.MaxDigits)
		if err != nil {
			return nil, fieldErr(fmt.Sprintf("%s[%d]", path, i), "%v", err)
		}
		out[i] = r
	}
	return out, nil
}

func (w *WireNetwork) toNetwork(path string, lim Limits) (*Network, error) {
	n := &Network{InputDim: w.InputDim}
	var params int64
	for i, wl := range w.Layers {
		p := fmt.Sprintf("%s.layers[%d]", path, i)
		var l Layer
		units := len(wl.Biases)
		params += int64(units) // biases; then every weight as written
		for _, row := range wl.Weights {
			params += int64(len(row))
		}
		if params > lim.MaxParams {
			return nil, fieldErr(p, "the network has more than %d parameters (limit)", lim.MaxParams)
		}
		switch {
		case wl.Activation != "" && wl.Activations != nil:
			return nil, fieldErr(p, "has both activation and activations; give one")
		case wl.Activation != "":
			a, err := ParseActivation(wl.Activation, lim.MaxDigits)
			if err != nil {
				return nil, fieldErr(p+".activation", "%v", err)
			}
			l.Act = make([]Activation, units)
			for j := range l.Act {
				l.Act[j] = a
			}
		case wl.Activations != nil:
			for j, s := range wl.Activations {
				a, err := ParseActivation(s, lim.MaxDigits)
				if err != nil {
					return nil, fieldErr(fmt.Sprintf("%s.activations[%d]", p, j), "%v", err)
				}
				l.Act = append(l.Act, a)
			}
		default:
			return nil, fieldErr(p, "states no activation (give \"activation\" for the layer or \"activations\" per unit; the output layer is usually \"identity\")")
		}
		for j, row := range wl.Weights {
			r, err := parseRatsAt(fmt.Sprintf("%s.weights[%d]", p, j), row, lim)
			if err != nil {
				return nil, err
			}
			l.W = append(l.W, r)
		}
		b, err := parseRatsAt(p+".biases", wl.Biases, lim)
		if err != nil {
			return nil, err
		}
		l.B = b
		n.Layers = append(n.Layers, l)
	}
	if err := n.validate(); err != nil {
		if me, ok := err.(*MalformedError); ok && path != "network" {
			me.Path = path + strings.TrimPrefix(me.Path, "network")
		}
		return nil, err
	}
	return n, nil
}

func parseTask(s string) (Task, error) {
	switch s {
	case "", "classification":
		return Classification, nil
	case "regression":
		return Regression, nil
	}
	return 0, fmt.Errorf("is %q; want \"classification\" or \"regression\"", clip(s))
}

func (w *wireData) toDataset(dir string, lim Limits) (*Dataset, *SourceRef, error) {
	if w.Source != nil {
		if w.Inputs != nil || w.Labels != nil || w.Targets != nil {
			return nil, nil, fieldErr("dataset", "has both inline points and a source; give one")
		}
		if w.Task != "" || w.Classes != 0 {
			return nil, nil, fieldErr("dataset", "with a source, task and classes go inside dataset.source")
		}
		ds, err := LoadRef(w.Source, dir, lim)
		return ds, w.Source, err
	}
	task, err := parseTask(w.Task)
	if err != nil {
		return nil, nil, fieldErr("dataset.task", "%v", err)
	}
	if w.Inputs == nil {
		return nil, nil, fieldErr("dataset", "has neither inputs nor a source")
	}
	if len(w.Inputs) > lim.MaxPoints {
		return nil, nil, fieldErr("dataset.inputs", "has %d points, more than the limit of %d", len(w.Inputs), lim.MaxPoints)
	}
	inputs := make([][]*big.Rat, len(w.Inputs))
	for i, row := range w.Inputs {
		if inputs[i], err = parseRatsAt(fmt.Sprintf("dataset.inputs[%d]", i), row, lim); err != nil {
			return nil, nil, err
		}
	}
	if task == Regression {
		if w.Labels != nil || w.Classes != 0 {
			return nil, nil, fieldErr("dataset", "a regression dataset has targets, not labels or classes")
		}
		if w.Targets == nil {
			return nil, nil, fieldErr("dataset.targets", "missing")
		}
		targets := make([][]*big.Rat, len(w.Targets))
		for i, row := range w.Targets {
			if targets[i], err = parseRatsAt(fmt.Sprintf("dataset.targets[%d]", i), row, lim); err != nil {
				return nil, nil, err
			}
		}
		ds, err := NewDataset(inputs, nil, targets, 0)
		return ds, nil, err
	}
	if w.Targets != nil {
		return nil, nil, fieldErr("dataset", "a classification dataset has labels, not targets (set \"task\": \"regression\")")
	}
	if w.Labels == nil {
		return nil, nil, fieldErr("dataset.labels", "missing")
	}
	if w.Classes < 0 {
		return nil, nil, fieldErr("dataset.classes", "is negative")
	}
	ds, err := NewDataset(inputs, w.Labels, nil, w.Classes)
	return ds, nil, err
}

func decodeClaim(raw json.RawMessage, path string, c *Certificate, lim Limits) (Claim, error) {
	var fields map[string]json.RawMessage
	if err := strictUnmarshal(raw, &fields); err != nil {
		if me, ok := err.(*MalformedError); ok {
			me.Path = joinPath(path, me.Path)
		}
		return nil, err
	}
	var kind string
	if k, ok := fields["kind"]; !ok || strictjson.Unmarshal(k, &kind) != nil {
		return nil, fieldErr(path+".kind", "missing or not a string")
	}
	spec, known := specByName(kind)
	if !known {
		return nil, fieldErr(path+".kind", "unknown claim kind %q (this checker knows %s); a claim it cannot check is an error, never skipped", clip(kind), knownKinds())
	}
	if err := checkNeeds(spec, path, c); err != nil {
		return nil, err
	}
	cl, err := spec.decode(raw, path, c, lim)
	if me, ok := err.(*MalformedError); ok {
		// A decoder prefixes "claims[i]." to a path relative to the claim; the claim
		// itself has the empty relative path.
		me.Path = strings.TrimSuffix(me.Path, ".")
	}
	return cl, err
}

// decodeBasic reads the claim kinds of wireClaim (exact, argmax, threshold, epsilon,
// patterns, sizes).
func decodeBasic(raw json.RawMessage, path string, c *Certificate, lim Limits) (Claim, error) {
	var fields map[string]json.RawMessage
	if err := strictUnmarshal(raw, &fields); err != nil {
		if me, ok := err.(*MalformedError); ok {
			me.Path = joinPath(path, me.Path)
		}
		return nil, err
	}
	var kind string
	if err := strictjson.Unmarshal(fields["kind"], &kind); err != nil {
		return nil, fieldErr(path+".kind", "missing or not a string")
	}
	allowed := claimFields[kind]
	var w wireClaim
	if err := strictUnmarshal(raw, &w); err != nil {
		if me, ok := err.(*MalformedError); ok {
			me.Path = joinPath(path, me.Path)
		}
		return nil, err
	}
	keys := make([]string, 0, len(fields))
	for f := range fields {
		keys = append(keys, f)
	}
	sort.Strings(keys) // the first bad field named is the same on every run
	for _, f := range keys {
		if f == "kind" {
			continue
		}
		ok := false
		for _, a := range allowed {
			ok = ok || a == f
		}
		if !ok {
			return nil, fieldErr(path+"."+f, "is not a field of a %q claim", kind)
		}
	}
	rat := func(name, s string) (*big.Rat, error) {
		if s == "" {
			return nil, fieldErr(path+"."+name, "missing")
		}
		r, err := ParseRat(s, lim.MaxDigits)
		if err != nil {
			return nil, fieldErr(path+"."+name, "%v", err)
		}
		return r, nil
	}
	switch kind {
	case KindExact:
		return ExactClaim{}, nil
	case KindArgmax:
		m, err := rat("margin", w.Margin)
		if err != nil {
			return nil, err
		}
		if m.Sign() <= 0 {
			return nil, fieldErr(path+".margin", "must be positive (a strict margin), got %s", m.RatString())
		}
		return ArgmaxClaim{Margin: m}, nil
	case KindThreshold:
		t, err := rat("threshold", w.Threshold)
		if err != nil {
			return nil, err
		}
		return ThresholdClaim{Threshold: t}, nil
	case KindEpsilon:
		e, err := rat("epsilon", w.Epsilon)
		if err != nil {
			return nil, err
		}
		if e.Sign() < 0 {
			return nil, fieldErr(path+".epsilon", "must not be negative")
		}
		return EpsilonClaim{Epsilon: e}, nil
	case KindPatterns:
		if w.Patterns == nil {
			return nil, fieldErr(path+".patterns", "missing")
		}
		return PatternsClaim{Points: w.Points, Patterns: w.Patterns, Distinct: w.Distinct}, nil
	case KindSizes:
		return SizesClaim{Depth: w.Depth, Widths: w.Widths, HiddenUnits: w.HiddenUnits, Parameters: w.Parameters,
			NonzeroWeights: w.NonzeroWeights, NonzeroParameters: w.NonzeroParameters, MaxBits: w.MaxBits, MaxBitsAtMost: w.MaxBitsAtMost}, nil
	}
	return nil, fieldErr(path+".kind", "unknown claim kind %q", kind)
}
