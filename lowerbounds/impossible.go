package lowerbounds

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"certify/cert"
)

// ErrTooWeak says that neither the piece-count nor the monotonicity argument proves that
// the architecture cannot fit the data (which may still be true: ask a solver).
var ErrTooWeak = errors.New("the kernel's arguments (pieces, monotonicity) do not prove impossibility here")

// Impossibility returns a certificate, checked by the kernel before it is returned, that
// no network of the architecture fits d (exactly for regression data, by the threshold
// 1/2 for 0/1 classes). It tries monotonicity (hidden widths all 1), then piece counting,
// then (relu, one hidden layer wider than 1) the zigzag cases of the core's slopes, then
// (one or two hidden relu layers, exact fitting) a case split with Farkas leaves.
func Impossibility(d *cert.Dataset, arch cert.Architecture, note string) (*cert.Certificate, error) {
	return ImpossibilityWith(d, arch, note, ImpossibilityOptions{})
}

// ImpossibilityOptions tune ImpossibilityWith.
type ImpossibilityOptions struct {
	// BranchNodes > 0 lets two hidden relu layers try the adaptive Farkas search
	// (FarkasBranchProof) with this many nodes at most, within BranchTime (0: 10 minutes).
	BranchNodes int
	BranchTime  time.Duration
	// NoZigzag skips the zigzag argument (to reach the Farkas split where both apply).
	NoZigzag bool
}

// DefaultBranchNodes is the node budget of the adaptive Farkas search in Capacity.
const DefaultBranchNodes = 2000000

// ImpossibilityWith is Impossibility with options; after the fixed Farkas split it tries,
// when asked, the adaptive one.
func ImpossibilityWith(d *cert.Dataset, arch cert.Architecture, note string, opt ImpossibilityOptions) (*cert.Certificate, error) {
	if arch.InputDim == 0 {
		arch.InputDim = 1
	}
	fit, thr := fitOf(d)
	forced, err := cert.ForcedPieces(d, thr)
	if err != nil {
		return nil, err
	}
	allOne := len(arch.Hidden) > 0
	for _, m := range arch.Hidden {
		allOne = allOne && m == 1
	}
	prov := cert.Provenance{Producer: "certify lowerbounds", Notes: note}
	var tries []cert.NoFitClaim
	if allOne {
		tries = append(tries, cert.NoFitClaim{Arch: arch, Fit: fit, Threshold: thr, Method: "monotone", ForcedPieces: &forced})
	}
	if bound, err := cert.MaxPiecesBound(arch); err == nil {
		tries = append(tries, cert.NoFitClaim{Arch: arch, Fit: fit, Threshold: thr, Method: "pieces", ForcedPieces: &forced, MaxPieces: bound})
	}
	for _, cl := range tries {
		c := &cert.Certificate{Format: cert.FormatV1, Provenance: prov, Data: d, Claims: []cert.Claim{cl}}
		rep, err := cert.Check(c, cert.Options{})
		if err != nil {
			return nil, fmt.Errorf("lowerbounds: built a malformed certificate: %w", err)
		}
		if rep.Status == cert.Verified {
			return c, nil
		}
	}
	if core, second := cert.ZigzagCore(arch.Hidden); core >= 0 && second < 0 && arch.Activation == "relu" && !opt.NoZigzag {
		if cl, err := ZigzagClaim(d, arch); err == nil {
			c := &cert.Certificate{Format: cert.FormatV1, Provenance: prov, Data: d, Claims: []cert.Claim{cl}}
			rep, err := cert.Check(c, cert.Options{})
			if err != nil {
				return nil, fmt.Errorf("lowerbounds: built a malformed certificate: %w", err)
			}
			if rep.Status != cert.Verified {
				return nil, fmt.Errorf("lowerbounds: the kernel refused the zigzag proof: %v", rep.First)
			}
			return c, nil
		}
	}
	if fit == "exact" && len(arch.Hidden) <= 2 && arch.Activation == "relu" {
		if proof, err := FarkasProof(d, arch); err == nil {
			return farkasCertificate(prov, d, arch, fit, proof, "Farkas proof")
		}
	}
	if fit == "exact" && len(arch.Hidden) == 2 && arch.Activation == "relu" && opt.BranchNodes > 0 {
		limit := opt.BranchTime
		if limit <= 0 {
			limit = 10 * time.Minute
		}
		ctx, cancel := context.WithTimeout(context.Background(), limit)
		defer cancel()
		start := time.Now()
		proof, st, err := FarkasBranchProof(d, arch, BranchOptions{MaxNodes: opt.BranchNodes, Ctx: ctx})
		if err == nil {
			prov.Notes = strings.TrimPrefix(fmt.Sprintf("%s; adaptive Farkas search: %d nodes, %d leaves, %.1f s", prov.Notes, st.Nodes, st.Leaves, time.Since(start).Seconds()), "; ")
			return farkasCertificate(prov, d, arch, fit, proof, "adaptive Farkas proof")
		}
	}
	return nil, ErrTooWeak
}

// farkasCertificate wraps a Farkas proof tree in a no-fit certificate and has the kernel
// check it: the certificate when verified, else an error naming what (what) was refused.
func farkasCertificate(prov cert.Provenance, d *cert.Dataset, arch cert.Architecture, fit string, proof *cert.FarkasNode, what string) (*cert.Certificate, error) {
	c := &cert.Certificate{Format: cert.FormatV1, Provenance: prov, Data: d,
		Claims: []cert.Claim{cert.NoFitClaim{Arch: arch, Fit: fit, Method: "farkas", Proof: proof}}}
	rep, err := cert.Check(c, cert.Options{})
	if err != nil {
		return nil, fmt.Errorf("lowerbounds: built a malformed certificate: %w", err)
	}
	if rep.Status != cert.Verified {
		return nil, fmt.Errorf("lowerbounds: the kernel refused the %s: %v", what, rep.First)
	}
	return c, nil
}
