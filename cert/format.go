package cert

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/big"
	"os"
	"path/filepath"
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
	Residual    bool       `json:"residual,omitempty"` // adds the previous layer's input (Layer.Residual)
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
}

// claimFields lists, per kind, the JSON fields a claim of that kind may have.
var claimFields = map[string][]string{
	KindExact:     {},
	KindArgmax:    {"margin"},
	KindThreshold: {"threshold"},
	KindEpsilon:   {"epsilon"},
	KindPatterns:  {"points", "patterns", "distinct"},
	KindSizes:     {"depth", "widths", "hidden_units", "parameters", "nonzero_weights", "nonzero_parameters", "max_bits"},
}

// Decode reads a certificate. dir is the folder that relative dataset paths are resolved
// against (see Limits.DataRoots for what may be read). Any problem with the input is a
// *MalformedError (or an I/O error); the certificate's claims are not checked here (see
// Check). The input is read strictly (one reading: exact-case keys, no duplicate keys, no
// null) and validated as it is read, within Limits.MaxFileBytes.
func Decode(r io.Reader, dir string, lim Limits) (*Certificate, error) {
	lim = lim.withDefaults()
	var w wireCert
	_, err := strictjson.Read(r, lim.MaxFileBytes, &w, budgets(lim)...)
	if err != nil {
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
		l.Residual = wl.Residual
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

// LoadRef loads a dataset from its file reference and checks the files' SHA-256 before
// parsing them.
//
// Where data may be: a relative path (slash-separated) is looked up in the certificate's
// folder dir, then in each of lim.DataRoots in order; an absolute path is read only when it
// lies in dir or in one of lim.DataRoots. In every case the file, with symbolic links
// resolved, must lie inside the folder it was found in (so "../x" and links out are
// refused), must be a regular file, and must have the pinned SHA-256; a file that does not
// is never parsed and nothing of its content is shown.
func LoadRef(s *SourceRef, dir string, lim Limits) (*Dataset, error) {
	task, err := parseTask(s.Task)
	if err != nil {
		return nil, fieldErr("dataset.source.task", "%v", err)
	}
	if s.Limit < 0 || s.SkipRows < 0 || s.LabelColumns < 0 || s.Classes < 0 {
		return nil, fieldErr("dataset.source", "limit, skip_rows, label_columns and classes cannot be negative")
	}
	src := Source{Format: s.Format, Task: task, Classes: s.Classes, Limit: s.Limit, SkipRows: s.SkipRows, LabelColumns: s.LabelColumns}
	var want, names, fields []string
	var paths []*string
	switch s.Format {
	case "csv":
		if s.Path == "" {
			return nil, fieldErr("dataset.source.path", "missing")
		}
		want, names = []string{s.SHA256}, []string{"dataset.source.sha256"}
		fields, paths = []string{"dataset.source.path"}, []*string{&src.Path}
		src.Path = s.Path
	case "idx":
		if s.Images == "" || s.Labels == "" {
			return nil, fieldErr("dataset.source", "an idx source needs images and labels")
		}
		if task != Classification {
			return nil, fieldErr("dataset.source.task", "idx files hold class labels")
		}
		want, names = []string{s.ImagesSHA256, s.LabelsSHA256}, []string{"dataset.source.images_sha256", "dataset.source.labels_sha256"}
		fields, paths = []string{"dataset.source.images", "dataset.source.labels"}, []*string{&src.Images, &src.LabelsPath}
		src.Images, src.LabelsPath = s.Images, s.Labels
	default:
		return nil, fieldErr("dataset.source.format", "is %q; want \"csv\" or \"idx\"", clip(s.Format))
	}
	for i, h := range want {
		if len(h) != 64 || strings.ToLower(h) != h || strings.Trim(h, "0123456789abcdef") != "" {
			return nil, fieldErr(names[i], "must be the file's SHA-256 as 64 lower-case hex digits")
		}
	}
	for i, p := range paths {
		resolved, err := resolveData(*p, dir, lim.DataRoots)
		if err != nil {
			return nil, fieldErr(fields[i], "%v", err)
		}
		*p = resolved
	}
	src.SHA256 = want
	l, err := Load(src, lim)
	if err != nil {
		var hm *HashMismatchError
		if errors.As(err, &hm) {
			return nil, fieldErr(names[hm.Index], "the file's SHA-256 is %s, the certificate says %s (the file was not parsed)", hm.Got, hm.Want)
		}
		var me *MalformedError
		if errors.As(err, &me) {
			return nil, err
		}
		return nil, &MalformedError{Path: "dataset.source", Msg: err.Error()}
	}
	return l.Data, nil
}

// resolveData finds a data file named by a certificate (see LoadRef for the rules).
func resolveData(p, dir string, roots []string) (string, error) {
	if dir == "" {
		dir = "."
	}
	if strings.ContainsRune(p, 0) {
		return "", fmt.Errorf("%q is not a path", clipPath(p))
	}
	all := append([]string{dir}, roots...)
	local := filepath.FromSlash(p)
	var tried []string
	out := false // a candidate lies outside its folder (lexically or through a link)
	for _, root := range all {
		cand := local
		if !filepath.IsAbs(local) {
			cand = filepath.Join(root, local)
		}
		if !inside(cand, root, false) {
			out = true
			continue
		}
		if _, err := os.Stat(cand); err != nil {
			tried = append(tried, cand)
			continue
		}
		if !inside(cand, root, true) {
			out = true
			continue
		}
		return cand, nil
	}
	switch {
	case !out:
		return "", fmt.Errorf("%q: no such file (looked for %s)", clipPath(p), strings.Join(tried, ", "))
	case filepath.IsAbs(local):
		return "", fmt.Errorf("%q lies outside the certificate's folder; data outside it are read only from folders allowed with --data-root", clipPath(p))
	}
	return "", fmt.Errorf("%q leads outside the certificate's folder; data outside it are read only from folders allowed with --data-root", clipPath(p))
}

// clipPath shortens a path for a message, less than clip does (paths are long).
func clipPath(p string) string {
	if len(p) > 300 {
		return strings.ToValidUTF8(p[:300], "") + "…"
	}
	return p
}

// inside reports whether path lies in the folder root: lexically, and when links is set
// also with symbolic links resolved (path must exist).
func inside(path, root string, links bool) bool {
	within := func(p, r string) bool {
		rel, err := filepath.Rel(r, p)
		return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) && !filepath.IsAbs(rel)
	}
	ap, err1 := filepath.Abs(path)
	ar, err2 := filepath.Abs(root)
	if err1 != nil || err2 != nil || !within(ap, ar) {
		return false
	}
	if !links {
		return true
	}
	rp, err1 := filepath.EvalSymlinks(ap)
	rr, err2 := filepath.EvalSymlinks(ar)
	return err1 == nil && err2 == nil && within(rp, rr)
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
			NonzeroWeights: w.NonzeroWeights, NonzeroParameters: w.NonzeroParameters, MaxBits: w.MaxBits}, nil
	}
	return nil, fieldErr(path+".kind", "unknown claim kind %q", kind)
}
