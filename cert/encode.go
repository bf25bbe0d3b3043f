package cert

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math/big"
)

// Encode writes c as a version-1 certificate. The output is deterministic: the same
// certificate gives the same bytes (canonical rationals "p/q" in lowest terms, fixed field
// order, no timestamps). A dataset loaded from files is written as its file reference.
func Encode(w io.Writer, c *Certificate) error {
	wc := wireCert{Format: FormatV1}
	if c.Network != nil {
		wc.Network = WireNet(c.Network)
	}
	if c.Provenance.Producer != "" || c.Provenance.Construction != "" || c.Provenance.Theorem != "" ||
		c.Provenance.Reference != "" || len(c.Provenance.Params) > 0 || c.Provenance.Notes != "" {
		p := c.Provenance
		wc.Provenance = &p
	}
	if c.Source != nil {
		wc.Dataset = &wireData{Source: c.Source}
	} else if c.Data != nil {
		wc.Dataset = wireDataset(c.Data)
	}
	for _, cl := range c.Claims {
		if wc2, ok := cl.(wholeClaim); ok {
			raw, err := json.Marshal(wc2.wire())
			if err != nil {
				return err
			}
			wc.Claims = append(wc.Claims, raw)
			continue
		}
		wcl, err := wireClaimOf(cl)
		if err != nil {
			return err
		}
		raw, err := json.Marshal(wcl)
		if err != nil {
			return err
		}
		wc.Claims = append(wc.Claims, raw)
	}
	return writeJSON(w, wc)
}

// EncodeNetwork writes a bare network object.
func EncodeNetwork(w io.Writer, n *Network) error { return writeJSON(w, WireNet(n)) }

func writeJSON(w io.Writer, v any) error {
	raw, err := json.Marshal(v)
	if err != nil {
		return err
	}
	var out bytes.Buffer
	prettyJSON(&out, raw)
	out.WriteByte('\n')
	_, err = w.Write(out.Bytes())
	return err
}

// WireNet converts a network to its JSON form.
func WireNet(n *Network) *WireNetwork {
	wn := &WireNetwork{InputDim: n.InputDim}
	for _, l := range n.Layers {
		var wl wireLayer
		same := true
		for _, a := range l.Act {
			same = same && a.String() == l.Act[0].String()
		}
		if same {
			wl.Activation = l.Act[0].String()
		} else {
			for _, a := range l.Act {
				wl.Activations = append(wl.Activations, a.String())
			}
		}
		for _, row := range l.W {
			wl.Weights = append(wl.Weights, ratStrings(row))
		}
		wl.Biases = ratStrings(l.B)
		wn.Layers = append(wn.Layers, wl)
	}
	return wn
}

func ratStrings(v []*big.Rat) []string {
	out := make([]string, len(v))
	for i, r := range v {
		out[i] = r.RatString()
	}
	return out
}

func wireDataset(d *Dataset) *wireData {
	wd := &wireData{Task: d.Task.String()}
	for i := 0; i < d.N; i++ {
		wd.Inputs = append(wd.Inputs, ratStrings(d.Input(i)))
	}
	if d.Task == Regression {
		for _, t := range d.Targets {
			wd.Targets = append(wd.Targets, ratStrings(t))
		}
	} else {
		wd.Classes = d.Classes
		wd.Labels = d.Labels
	}
	return wd
}

func wireClaimOf(c Claim) (*wireClaim, error) {
	w := &wireClaim{Kind: c.Kind()}
	switch c := c.(type) {
	case ExactClaim:
	case ArgmaxClaim:
		w.Margin = c.Margin.RatString()
	case ThresholdClaim:
		w.Threshold = c.Threshold.RatString()
	case EpsilonClaim:
		w.Epsilon = c.Epsilon.RatString()
	case PatternsClaim:
		w.Points, w.Patterns, w.Distinct = c.Points, c.Patterns, c.Distinct
	case SizesClaim:
		w.Depth, w.Widths, w.HiddenUnits, w.Parameters = c.Depth, c.Widths, c.HiddenUnits, c.Parameters
		w.NonzeroWeights, w.NonzeroParameters, w.MaxBits = c.NonzeroWeights, c.NonzeroParameters, c.MaxBits
	default:
		return nil, fmt.Errorf("cert: cannot encode claim of kind %q", c.Kind())
	}
	return w, nil
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
