package audit

import (
	"context"
	"fmt"
	"math/big"
	"strings"

	"certify/cert"
	"certify/construct"
	"certify/theorems"
)

// runConstructionSize builds the claim's construction on each family's dataset of the
// instance, has the kernel verify the certificate together with a sizes claim stating
// the network's sizes (so the counts are the kernel's recomputation, not the
// construction's own report), and compares the count of the claim's convention with the
// quoted figure. A construction within the figure on every dataset tried is
// held-on-tried (its count may depend on the data); one above it refutes "the
// construction has at most this many", with the certificate.
func (c *ClaimSpec) runConstructionSize(ctx context.Context, x instance, opt Options) outcome {
	var held []string
	var certs []certOut
	for _, fam := range c.Families {
		if ctx.Err() != nil {
			return outcome{status: Undecided, how: "interrupted: " + ctx.Err().Error()}
		}
		d, err := buildData(fam, x, opt.Seed)
		if err != nil {
			return outcome{status: Undecided, how: fam + ": " + err.Error()}
		}
		var res *construct.Result
		switch c.Construction {
		case "zhang":
			res, err = construct.Zhang(d, construct.Options{Producer: "certify audit"})
		case "park":
			res, err = construct.Park(d, construct.DeepOptions{Options: construct.Options{Producer: "certify audit"}})
		case "vardi":
			res, err = construct.Vardi(d, construct.DeepOptions{Options: construct.Options{Producer: "certify audit"}})
		}
		if err != nil {
			return outcome{status: Undecided, how: fmt.Sprintf("%s: construction %s: %s", fam, c.Construction, clipText(err.Error(), 200))}
		}
		sc := res.Cert
		if sc == nil || sc.Network == nil {
			return outcome{status: Undecided, how: fam + ": the construction returned no network"}
		}
		s := sc.Network.ComputeSizes()
		sizes := cert.SizesClaim{Depth: &s.Depth, HiddenUnits: &s.HiddenUnits, Parameters: &s.Parameters,
			NonzeroWeights: &s.NonzeroWeights, NonzeroParameters: &s.NonzeroParameters}
		sc = copyCert(sc)
		sc.Claims = append(sc.Claims, sizes)
		rep, err := cert.Check(sc, cert.Options{Theorems: theorems.Table})
		if err != nil || rep.Status != cert.Verified {
			why := "error"
			if err != nil {
				why = err.Error()
			} else {
				why = string(rep.Status)
			}
			return outcome{status: Undecided, how: fmt.Sprintf("%s: the kernel did not verify the construction's certificate with its sizes (%s): reported, not believed", fam, clipText(why, 160))}
		}
		// The deep constructions output the class index (one output), not a one-hot
		// vector: the certificate must speak of the claim's data and claim a fit of it.
		if sc.Data != d && !sameData(sc.Data, d) || sc.Network.InputDim != x.dx || !claimsFit(sc) {
			return outcome{status: Undecided, how: fam + ": the construction's certificate is not a fit of the claim's data"}
		}
		count, how, err := countBy(c.Count, sc.Network, s)
		if err != nil {
			return outcome{status: Undecided, how: fam + ": " + err.Error()}
		}
		what := fmt.Sprintf("%s: %s's network (%d hidden units, depth %d, %d parameters, %d non-zero weights) has %d by the %s count (%s)",
			fam, c.Construction, s.HiddenUnits, s.Depth, s.Parameters, s.NonzeroWeights, count, c.Count, how)
		over := count > x.params
		if x.units >= 0 && int64(s.HiddenUnits) > x.units {
			over = true
			what += fmt.Sprintf("; %d hidden units", s.HiddenUnits)
		}
		if x.depth > 0 && int64(s.Depth) > x.depth {
			over = true
			what += fmt.Sprintf("; depth %d", s.Depth)
		}
		if over {
			return outcome{status: Refuted, basis: "kernel", certs: []certOut{{suffix: fam, cert: sc}},
				how: what + fmt.Sprintf(", more than quoted (parameters %d%s): the certificate's sizes claim is verified by the kernel", x.params, quotedExtra(x))}
		}
		held = append(held, what+fmt.Sprintf(" ≤ %d", x.params))
		certs = append(certs, certOut{suffix: fam, cert: sc})
	}
	return outcome{status: HeldOnTried, basis: "sampled datasets", certs: certs,
		how: strings.Join(held, "; ") + " (the construction's size on the datasets tried, verified by the kernel; not a proof for every dataset)"}
}

func quotedExtra(x instance) string {
	s := ""
	if x.units >= 0 {
		s += fmt.Sprintf(", hidden units %d", x.units)
	}
	if x.depth > 0 {
		s += fmt.Sprintf(", depth %d", x.depth)
	}
	return s
}

// countBy counts a verified network's parameters by a paper's convention. The shared
// direction (Zhang et al.'s 2n + d) is defined only for a one-hidden-layer network whose
// hidden units all read the same direction a: a counted once (d), a bias per hidden unit,
// every output weight, and the output biases that are not zero (the paper's network has
// none). The rows are compared exactly; a network with different rows has no such count.
func countBy(count string, n *cert.Network, s cert.Sizes) (int64, string, error) {
	switch count {
	case CountParameters:
		return s.Parameters, "all weights and biases", nil
	case CountNonzeroWeights:
		return s.NonzeroWeights, "non-zero weights", nil
	case CountNonzeroParameters:
		return s.NonzeroParameters, "non-zero weights and biases", nil
	case CountSharedDirection:
		if len(n.Layers) != 2 {
			return 0, "", fmt.Errorf("the shared-direction count is for one hidden layer; the network has %d", len(n.Layers)-1)
		}
		h, o := &n.Layers[0], &n.Layers[1]
		for j := 1; j < len(h.W); j++ {
			for k := range h.W[j] {
				if h.W[j][k].Cmp(h.W[0][k]) != 0 {
					return 0, "", fmt.Errorf("hidden unit %d reads another direction than unit 1: the shared-direction count does not apply", j+1)
				}
			}
		}
		var outB int64
		for _, b := range o.B {
			if b.Sign() != 0 {
				outB++
			}
		}
		var outW int64
		for _, row := range o.W {
			outW += int64(len(row))
		}
		total := int64(n.InputDim) + int64(len(h.B)) + outW + outB
		return total, fmt.Sprintf("direction a %d + hidden biases %d + output weights %d + non-zero output biases %d", n.InputDim, len(h.B), outW, outB), nil
	}
	return 0, "", fmt.Errorf("unknown count %q", count)
}

// runParkThm3 searches construct.ParkThm3Smallest's family for the fewest parameters
// meeting Park et al.'s Theorem 3 conditions (decided exactly, by construct, not the
// kernel). Within the figure: the claim holds on the family tried (the conditions are
// the theorem's, decided exactly, but not kernel-checked). Above it: nothing is refuted
// — the conditions are sufficient, and one family of architectures is searched.
func (c *ClaimSpec) runParkThm3(x instance) outcome {
	res, widths, err := construct.ParkThm3Smallest(int64(x.n), x.delta, x.dx, int64(x.dy))
	if err != nil {
		return outcome{status: Undecided, how: "construct.ParkThm3Smallest: " + err.Error()}
	}
	first := int64(x.dx+1) * int64(widths[0])
	how := fmt.Sprintf("the fewest parameters in the family searched (N = %d, Δ = %s, d_x = %d, C = %d): %d (%d hidden layers; %d of them read the %d inputs), meets the conditions: %v",
		x.n, x.delta.RatString(), x.dx, x.dy, res.Params, res.Hidden, first, x.dx, res.Meets)
	if !res.Meets {
		return outcome{status: Undecided, how: how + "; the architecture found does not meet the conditions: " + res.Reason}
	}
	if res.Params <= x.params {
		return outcome{status: HeldOnTried, basis: "exact search",
			how: how + fmt.Sprintf(" ≤ %d quoted (decided exactly by construct.ParkThm3, not a kernel certificate)", x.params)}
	}
	ratio := new(big.Rat).SetFrac64(res.Params, max(x.params, 1))
	return outcome{status: Undecided, basis: "exact search",
		how: how + fmt.Sprintf(": %s× the quoted %d. Not a refutation: the conditions are sufficient, not necessary, and only one family of architectures is searched", ratio.FloatString(2), x.params)}
}

// claimsFit says whether a certificate claims a fit of its data (exact, argmax, or within
// ε: the deep constructions' regression).
func claimsFit(c *cert.Certificate) bool {
	for _, cl := range c.Claims {
		switch cl.(type) {
		case cert.ExactClaim, cert.ArgmaxClaim, cert.EpsilonClaim:
			return true
		}
	}
	return false
}
