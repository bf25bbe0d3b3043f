package smt

import (
	"context"
	"fmt"

	"certify/cert"
)

// Disagreement is a claim on which the kernel and the solver give different verdicts: a
// bug in one of them, never to be smoothed over.
type Disagreement struct {
	Claim      int    `json:"claim"`
	Kind       string `json:"kind"`
	Kernel     string `json:"kernel"`
	Solver     string `json:"solver"`
	Obligation string `json:"obligation"` // the obligation in dispute
}

func (d Disagreement) String() string {
	return fmt.Sprintf("claims[%d] (%s): kernel %s, solver %s; obligation %s", d.Claim, d.Kind, d.Kernel, d.Solver, d.Obligation)
}

// Compare applies the agreement rule to a kernel report and a solver report of the same
// certificate. For each claim the solver discharged, where neither side is undecided:
//
//   - the verdicts (verified / refuted) must be equal;
//   - when both refute, the codes must be equal and, when the solver knows it found the
//     first false obligation, so must the point it names (the kernel names the first
//     false point; the solver's search returns the first one too, over the points it was
//     given, which include the kernel's).
//
// A Partial solver verdict (only some obligations have an encoding) disagrees only when
// the solver refutes what the kernel verified. Claims with no encoding are skipped.
func Compare(k *cert.Report, s *CertReport) []Disagreement {
	var out []Disagreement
	for i := range s.Claims {
		sv := &s.Claims[i]
		if i >= len(k.Claims) || !sv.Discharged {
			continue
		}
		kv := &k.Claims[i]
		if kv.Status == cert.Undecided || sv.Status == cert.Undecided {
			continue
		}
		d := Disagreement{Claim: i, Kind: sv.Kind, Kernel: kv.Status.String(), Solver: sv.Status.String()}
		if kv.Failure != nil {
			d.Kernel += " (" + kv.Failure.String() + ")"
		}
		if sv.Failure != nil {
			d.Solver += " (" + sv.Failure.String() + ")"
		}
		switch {
		case sv.Partial:
			if sv.Status == cert.Refuted && kv.Status == cert.Verified {
				d.Obligation = sv.Failure.Path
				out = append(out, d)
			}
		case kv.Status != sv.Status:
			if sv.Failure != nil {
				d.Obligation = sv.Failure.Path
			} else if kv.Failure != nil {
				d.Obligation = kv.Failure.Path
			}
			out = append(out, d)
		case kv.Status == cert.Refuted:
			if kv.Failure.Code != sv.Failure.Code {
				d.Obligation = kv.Failure.Path + " / " + sv.Failure.Path
				out = append(out, d)
			} else if sv.FirstKnown && kv.Failure.Point != sv.Failure.Point {
				d.Obligation = fmt.Sprintf("first false point: kernel %d, solver %d", kv.Failure.Point, sv.Failure.Point)
				out = append(out, d)
			}
		}
	}
	return out
}

// KernelFailurePoints lists the points the kernel names in its failures, to be included
// in a sample (CheckOptions.Include) so that a sampled check still meets them.
func KernelFailurePoints(k *cert.Report) []int {
	var pts []int
	for _, c := range k.Claims {
		if c.Failure != nil && c.Failure.Point >= 0 {
			pts = append(pts, c.Failure.Point)
		}
	}
	return pts
}

// Export returns the certificate's obligations as self-contained queries, one per chunk
// of points (and of pieces obligations), each the negation of its obligations: the
// expected answer is unsat. Claims without an encoding are listed in the header only.
func Export(c *cert.Certificate, opt CheckOptions) ([]*Query, error) {
	rec := &recorder{}
	opt.Progress = nil
	if _, err := CheckCertificate(context.Background(), rec, c, opt); err != nil {
		return nil, err
	}
	for i, q := range rec.qs {
		q.Comment = append([]string{
			fmt.Sprintf("certify: obligations of a certificate, file %d of %d: %s.", i+1, len(rec.qs), q.Name),
			"Each obligation is negated and their disjunction asserted: the expected answer is unsat,",
			"which means every obligation in this file holds. sat means one is false: in a model the",
			"indicator constants that are true name it (b<claim>_<point> for claim <claim> at",
			"point <point>; bad<j> for obligation j of a pieces claim). Network, activations and",
			"claims are written as formulas over exact rationals; nothing here was evaluated by",
			"the checker that wrote it.",
		}, q.Comment...)
	}
	return rec.qs, nil
}

// recorder is a Solver that answers unsat to everything and keeps the queries.
type recorder struct{ qs []*Query }

func (r *recorder) Name() string { return "export" }

func (r *recorder) Solve(_ context.Context, q *Query) (Result, error) {
	r.qs = append(r.qs, q)
	return Result{Status: Unsat, Solver: "export"}, nil
}
