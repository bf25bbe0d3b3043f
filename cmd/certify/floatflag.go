package main

import (
	"fmt"
	"strings"

	"certify/cert"

	"github.com/spf13/cobra"
)

// floatFlags is --float F (repeatable) and --float-epsilon E, shared by construct and
// import: each F adds a float claim (cert.FloatClaim) for that IEEE format.
type floatFlags struct {
	formats []string
	epsilon string
}

func (f *floatFlags) add(cmd *cobra.Command) {
	fl := cmd.Flags()
	fl.StringSliceVar(&f.formats, "float", nil, "add a float claim for this IEEE format: float16, bfloat16, float32 or float64 (repeatable)")
	fl.StringVar(&f.epsilon, "float-epsilon", "1/4", "ε of a float claim whose rule is epsilon (networks that output a class index or a target)")
}

// claims makes one float claim per format. The rule follows the network and the claims
// already made: argmax for a one-hot output, the threshold of a threshold claim, else
// epsilon (within --float-epsilon of the class index or target).
func (f *floatFlags) claims(n *cert.Network, d *cert.Dataset, have []cert.Claim) ([]cert.Claim, error) {
	if len(f.formats) == 0 {
		return nil, nil
	}
	base := cert.FloatClaim{Rule: "epsilon"}
	for _, c := range have {
		if t, ok := c.(cert.ThresholdClaim); ok {
			base = cert.FloatClaim{Rule: "threshold", Threshold: t.Threshold}
		}
	}
	if d.Task == cert.Classification && n.OutputDim() >= 2 && n.OutputDim() == d.Classes {
		base = cert.FloatClaim{Rule: "argmax"}
	}
	if base.Rule == "epsilon" {
		e, err := cert.ParseRat(f.epsilon, 1000)
		if err != nil || e.Sign() < 0 {
			return nil, fmt.Errorf("--float-epsilon %q: want a non-negative exact rational", f.epsilon)
		}
		base.Epsilon = e
	}
	var out []cert.Claim
	for _, name := range f.formats {
		name = strings.TrimSpace(name)
		switch name {
		case "float16", "bfloat16", "float32", "float64":
		default:
			return nil, fmt.Errorf("--float %q: want float16, bfloat16, float32 or float64", name)
		}
		c := base
		c.Format = name
		out = append(out, c)
	}
	return out, nil
}

// floatClaimString names a float claim for summaries.
func floatClaimString(c cert.FloatClaim) string {
	switch c.Rule {
	case "threshold":
		return fmt.Sprintf("float %s, threshold %s", c.Format, c.Threshold.RatString())
	case "epsilon":
		return fmt.Sprintf("float %s, ε = %s", c.Format, c.Epsilon.RatString())
	}
	return fmt.Sprintf("float %s, argmax", c.Format)
}

// floatClaimPoints is one float claim's per-point report in `certify check --json`.
type floatClaimPoints struct {
	Claim  int          `json:"claim"`
	Format string       `json:"format"`
	Rule   string       `json:"rule"`
	Points []floatPoint `json:"points"`
}

// floatPoint is one point of it: the exact margin and the bound it must beat (both
// exact rationals; absent when the error model does not apply, Why says why), and for a
// point the bound does not prove, whether the plain-order evaluation breaks the rule.
type floatPoint struct {
	Point    int    `json:"point"`
	Proven   bool   `json:"proven"`
	Margin   string `json:"margin,omitempty"`
	Bound    string `json:"bound,omitempty"`
	Why      string `json:"why,omitempty"`
	Wrong    bool   `json:"wrong_in_plain_order,omitempty"`
	Unit     *int   `json:"unit,omitempty"`
	Computed string `json:"computed,omitempty"`
	Overflow string `json:"overflow,omitempty"`
}

// floatPointsOf reports every float claim of c point by point (cert.FloatPoints).
func floatPointsOf(c *cert.Certificate) []floatClaimPoints {
	var out []floatClaimPoints
	for i, cl := range c.Claims {
		fc, ok := cl.(cert.FloatClaim)
		if !ok || c.Network == nil || c.Data == nil {
			continue
		}
		r := floatClaimPoints{Claim: i, Format: fc.Format, Rule: fc.Rule, Points: []floatPoint{}}
		for k, p := range cert.FloatPoints(c.Network, c.Data, fc) {
			fp := floatPoint{Point: k, Proven: p.Proven, Why: p.Why, Wrong: p.Wrong, Overflow: p.Overflow}
			if p.Bound != nil {
				fp.Margin, fp.Bound = p.Margin.RatString(), p.Bound.RatString()
			}
			if p.Wrong {
				u := p.Unit
				fp.Unit, fp.Computed = &u, p.Got.RatString()
			}
			r.Points = append(r.Points, fp)
		}
		out = append(out, r)
	}
	return out
}
