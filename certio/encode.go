package certio

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math/big"

	"certify/cert"
)

// Encode writes c as a version-1 certificate. A dataset loaded from files is written as
// its file reference.
func Encode(w io.Writer, c *cert.Certificate) error {
	wc := wireCert{Format: cert.FormatV1}
	if c.Network != nil {
		wc.Network = json.RawMessage(netPlaceholder) // written by spliceNetwork
	}
	if p := c.Provenance; p.Producer != "" || p.Construction != "" || p.Theorem != "" ||
		p.Reference != "" || len(p.Params) > 0 || p.Notes != "" {
		wc.Provenance = &p
	}
	if c.Source != nil {
		wc.Dataset = &wireData{Source: c.Source}
	} else if c.Data != nil {
		wc.Dataset = wireDataset(c.Data)
	}
	for _, cl := range c.Claims {
		v, err := wireClaimOf(cl)
		if err != nil {
			return err
		}
		raw, err := marshal(v)
		if err != nil {
			return err
		}
		wc.Claims = append(wc.Claims, raw)
	}
	raw, err := marshal(wc)
	if err != nil {
		return err
	}
	var out bytes.Buffer
	prettyJSON(&out, raw)
	out.WriteByte('\n')
	return spliceNetwork(w, out.Bytes(), c.Network)
}

// EncodeNetwork writes a bare network object ({"input_dim", "layers"}).
func EncodeNetwork(w io.Writer, n *cert.Network) error {
	nw := newNetWriter(w)
	nw.network(n, 0)
	nw.w.WriteByte('\n')
	return nw.w.Flush()
}

// marshal is json.Marshal without HTML escaping (so "<=" stays "<=").
func marshal(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n")), nil
}

// ---- the JSON form, field by field in the order it is written ----

type wireCert struct {
	Format     string            `json:"format"`
	Provenance *cert.Provenance  `json:"provenance,omitempty"`
	Network    json.RawMessage   `json:"network,omitempty"`
	Dataset    *wireData         `json:"dataset,omitempty"`
	Claims     []json.RawMessage `json:"claims"`
}

type wireData struct {
	Task    string          `json:"task,omitempty"`
	Classes int             `json:"classes,omitempty"`
	Inputs  [][]string      `json:"inputs,omitempty"`
	Labels  []int           `json:"labels,omitempty"`
	Targets [][]string      `json:"targets,omitempty"`
	Source  *cert.SourceRef `json:"source,omitempty"`
}

type wireClaim struct {
	Kind              string     `json:"kind"`
	Margin            string     `json:"margin,omitempty"`
	Threshold         string     `json:"threshold,omitempty"`
	Epsilon           string     `json:"epsilon,omitempty"`
	Points            []int      `json:"points,omitempty"`
	Patterns          [][]string `json:"patterns,omitempty"`
	Distinct          bool       `json:"distinct,omitempty"`
	Depth             *int       `json:"depth,omitempty"`
	Widths            []int      `json:"widths,omitempty"`
	HiddenUnits       *int       `json:"hidden_units,omitempty"`
	Parameters        *int64     `json:"parameters,omitempty"`
	NonzeroWeights    *int64     `json:"nonzero_weights,omitempty"`
	NonzeroParameters *int64     `json:"nonzero_parameters,omitempty"`
	MaxBits           *int       `json:"max_bits,omitempty"`
	MaxBitsAtMost     *int       `json:"max_bits_at_most,omitempty"`
}

type wireSegment struct {
	A  []string `json:"a"`
	V  []string `json:"v"`
	T0 string   `json:"t0"`
	T1 string   `json:"t1"`
}

type wireRun struct {
	Start string `json:"start"`
	Step  string `json:"step,omitempty"`
	Count int    `json:"count"`
}

type wirePieces struct {
	Kind             string       `json:"kind"`
	Segment          *wireSegment `json:"segment"`
	Regions          int          `json:"regions"`
	Pieces           int          `json:"pieces"`
	Breakpoints      []any        `json:"breakpoints"`
	PieceBreakpoints []any        `json:"piece_breakpoints"`
}

type wirePlane struct {
	Normal []string `json:"normal"`
	Offset string   `json:"offset"`
	Points []int    `json:"points"`
	Units  []int    `json:"units,omitempty"`
}

type wireHyperplanes struct {
	Kind   string      `json:"kind"`
	Planes []wirePlane `json:"planes"`
}

type wireNoFit struct {
	Kind         string             `json:"kind"`
	Architecture cert.Architecture  `json:"architecture"`
	Fit          string             `json:"fit"`
	Threshold    string             `json:"threshold,omitempty"`
	Method       string             `json:"method"`
	ForcedPieces *int64             `json:"forced_pieces,omitempty"`
	MaxPieces    string             `json:"max_pieces,omitempty"`
	Solver       *cert.SolverRecord `json:"solver,omitempty"`
	Proof        *cert.FarkasNode   `json:"proof,omitempty"`
	Core         *int               `json:"core,omitempty"`
	Leaves       []cert.ZigzagLeaf  `json:"leaves,omitempty"`
}

type wireComparison struct {
	Text  string `json:"text,omitempty"`
	LHS   string `json:"lhs"`
	Op    string `json:"op"`
	RHS   string `json:"rhs"`
	Holds bool   `json:"holds"`
}

type wireTheorem struct {
	Kind            string               `json:"kind"`
	Theorem         string               `json:"theorem"`
	Statement       string               `json:"statement,omitempty"`
	Instance        cert.TheoremInstance `json:"instance"`
	Hypothesis      []wireComparison     `json:"hypothesis"`
	HypothesisHolds bool                 `json:"hypothesis_holds"`
	Promised        cert.TheoremSizes    `json:"promised"`
	Built           cert.TheoremSizes    `json:"built"`
	WithinPromise   bool                 `json:"within_promise"`
	ExceedsTheorem  bool                 `json:"exceeds_theorem"`
}

func ratStrings(v []*big.Rat) []string {
	out := make([]string, len(v))
	for i, r := range v {
		out[i] = r.RatString()
	}
	return out
}

func wireDataset(d *cert.Dataset) *wireData {
	wd := &wireData{Task: d.Task.String()}
	for i := 0; i < d.N; i++ {
		wd.Inputs = append(wd.Inputs, ratStrings(d.Input(i)))
	}
	if d.Task == cert.Regression {
		for _, t := range d.Targets {
			wd.Targets = append(wd.Targets, ratStrings(t))
		}
	} else {
		wd.Classes = d.Classes
		wd.Labels = d.Labels
	}
	return wd
}

func wireClaimOf(c cert.Claim) (any, error) {
	w := &wireClaim{Kind: c.Kind()}
	switch c := c.(type) {
	case cert.ExactClaim:
	case cert.ArgmaxClaim:
		w.Margin = c.Margin.RatString()
	case cert.ThresholdClaim:
		w.Threshold = c.Threshold.RatString()
	case cert.EpsilonClaim:
		w.Epsilon = c.Epsilon.RatString()
	case cert.PatternsClaim:
		w.Points, w.Patterns, w.Distinct = c.Points, c.Patterns, c.Distinct
	case cert.SizesClaim:
		w.Depth, w.Widths, w.HiddenUnits, w.Parameters = c.Depth, c.Widths, c.HiddenUnits, c.Parameters
		w.NonzeroWeights, w.NonzeroParameters, w.MaxBits, w.MaxBitsAtMost = c.NonzeroWeights, c.NonzeroParameters, c.MaxBits, c.MaxBitsAtMost
	case cert.PiecesClaim:
		return wirePiecesOf(c), nil
	case cert.HyperplanesClaim:
		h := wireHyperplanes{Kind: cert.KindHyperplanes, Planes: []wirePlane{}}
		for _, p := range c.Planes {
			h.Planes = append(h.Planes, wirePlane{Normal: ratStrings(p.Normal), Offset: p.Offset.RatString(), Points: p.Points, Units: p.Units})
		}
		return h, nil
	case cert.NoFitClaim:
		n := wireNoFit{Kind: cert.KindNoFit, Architecture: c.Arch, Fit: c.Fit, Method: c.Method, ForcedPieces: c.ForcedPieces, Solver: c.Solver, Proof: c.Proof, Core: c.Core, Leaves: c.Leaves}
		if c.Threshold != nil {
			n.Threshold = c.Threshold.RatString()
		}
		if c.MaxPieces != nil {
			n.MaxPieces = c.MaxPieces.String()
		}
		return n, nil
	case cert.FloatClaim:
		f := wireFloat{Kind: cert.KindFloat, Format: c.Format, Rule: c.Rule}
		if c.Threshold != nil {
			f.Threshold = c.Threshold.RatString()
		}
		if c.Epsilon != nil {
			f.Epsilon = c.Epsilon.RatString()
		}
		return f, nil
	case cert.TheoremClaim:
		t := wireTheorem{Kind: cert.KindTheorem, Theorem: c.Theorem, Statement: c.Statement, Instance: c.Instance,
			HypothesisHolds: c.HypothesisHolds, Promised: c.Promised, Built: c.Built,
			WithinPromise: c.WithinPromise, ExceedsTheorem: c.ExceedsTheorem, Hypothesis: []wireComparison{}}
		for _, h := range c.Hypothesis {
			t.Hypothesis = append(t.Hypothesis, wireComparison{Text: h.Text, LHS: h.LHS.RatString(), Op: h.Op, RHS: h.RHS.RatString(), Holds: h.Holds})
		}
		return t, nil
	default:
		return nil, fmt.Errorf("certio: cannot encode a claim of type %T", c)
	}
	return w, nil
}

// wireFloat is a float claim as written.
type wireFloat struct {
	Kind      string `json:"kind"`
	Format    string `json:"format"`
	Rule      string `json:"rule"`
	Threshold string `json:"threshold,omitempty"`
	Epsilon   string `json:"epsilon,omitempty"`
}

func wirePiecesOf(cl cert.PiecesClaim) wirePieces {
	runs := func(rs []cert.Run) []any {
		out := []any{}
		for _, r := range rs {
			if r.Count == 1 {
				out = append(out, r.Start.RatString())
			} else {
				out = append(out, wireRun{Start: r.Start.RatString(), Step: r.Step.RatString(), Count: r.Count})
			}
		}
		return out
	}
	s := cl.Segment
	return wirePieces{Kind: cert.KindPieces,
		Segment: &wireSegment{A: ratStrings(s.A), V: ratStrings(s.V), T0: s.T0.RatString(), T1: s.T1.RatString()},
		Regions: cl.Regions, Pieces: cl.Pieces,
		Breakpoints: runs(cl.Breakpoints), PieceBreakpoints: runs(cl.PieceBreakpoints)}
}

// prettyJSON indents compact JSON, keeping arrays of scalars on one line so that a weight
// row reads as one line.
func prettyJSON(out *bytes.Buffer, raw []byte) {
	depth := 0
	inString := false
	indent := func() {
		out.WriteByte('\n')
		for i := 0; i < depth; i++ {
			out.WriteString("  ")
		}
	}
	for i := 0; i < len(raw); i++ {
		c := raw[i]
		if inString {
			out.WriteByte(c)
			if c == '\\' {
				i++
				out.WriteByte(raw[i])
			} else if c == '"' {
				inString = false
			}
			continue
		}
		switch c {
		case '"':
			inString = true
			out.WriteByte(c)
		case '[':
			if end, ok := scalarArray(raw, i); ok {
				in := false
				for j := i; j <= end; j++ {
					b := raw[j]
					out.WriteByte(b)
					switch {
					case in && b == '\\':
						j++
						out.WriteByte(raw[j])
					case b == '"':
						in = !in
					case b == ',' && !in:
						out.WriteByte(' ')
					}
				}
				i = end
				continue
			}
			fallthrough
		case '{':
			out.WriteByte(c)
			if i+1 < len(raw) && (raw[i+1] == ']' || raw[i+1] == '}') {
				out.WriteByte(raw[i+1])
				i++
				continue
			}
			depth++
			indent()
		case ']', '}':
			depth--
			indent()
			out.WriteByte(c)
		case ',':
			out.WriteByte(c)
			indent()
		case ':':
			out.WriteString(": ")
		default:
			out.WriteByte(c)
		}
	}
}

// scalarArray reports whether the array starting at raw[i] contains no nested array or
// object, and where it ends.
func scalarArray(raw []byte, i int) (int, bool) {
	inStr := false
	for j := i + 1; j < len(raw); j++ {
		c := raw[j]
		if inStr {
			if c == '\\' {
				j++
			} else if c == '"' {
				inStr = false
			}
			continue
		}
		switch c {
		case '"':
			inStr = true
		case '[', '{':
			return 0, false
		case ']':
			return j, true
		}
	}
	return 0, false
}
