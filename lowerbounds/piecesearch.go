package lowerbounds

import (
	"context"
	"fmt"
	"math/big"
	"math/rand/v2"

	"certify/cert"
	"certify/pwl"
)

// PieceSearchResult is the outcome of a search for a network with many pieces.
type PieceSearchResult struct {
	Hidden   []int             `json:"hidden"`
	Bound    string            `json:"bound"`     // the claimed bound P
	Strict   bool              `json:"strict"`    // the claim is pieces < P (else pieces ≤ P)
	Best     int               `json:"best"`      // most pieces found on [0, 1]
	Tried    int               `json:"tried"`     // networks evaluated
	Exceeds  bool              `json:"exceeds"`   // Best breaks the claimed bound
	Kernel   string            `json:"kernel"`    // the kernel's verdict on the best network's pieces certificate
	BestFrom string            `json:"best_from"` // "zigzag", "random", "local search"
	Cert     *cert.Certificate `json:"-"`
}

// SearchPieces looks for a one-input ReLU network with the given hidden widths whose
// restriction to [0, 1] has more pieces than a claimed bound allows (strict: the claim is
// "pieces < bound"; otherwise "pieces ≤ bound"). It starts from the zigzag composition,
// then tries random networks over a small grid of rational weights and hill-climbs on
// the best, until the context ends or tries networks have been evaluated. The best
// network comes with a pieces certificate the kernel has verified.
func SearchPieces(ctx context.Context, hidden []int, bound *big.Int, strict bool, tries int, seed uint64) (*PieceSearchResult, error) {
	return SearchPiecesAct(ctx, hidden, cert.Activation{Kind: cert.ActReLU}, bound, strict, tries, seed)
}

// SearchPiecesAct is SearchPieces for hidden units of activation act (relu, leaky-relu,
// hard-tanh, identity): it starts from ZigzagAct and searches networks of that activation.
func SearchPiecesAct(ctx context.Context, hidden []int, act cert.Activation, bound *big.Int, strict bool, tries int, seed uint64) (*PieceSearchResult, error) {
	res := &PieceSearchResult{Hidden: hidden, Bound: bound.String(), Strict: strict}
	seg := pwl.UnitInterval()
	var best *cert.Network
	consider := func(n *cert.Network, from string) error {
		st, err := pwl.Count(n, seg)
		if err != nil {
			return err
		}
		res.Tried++
		if best == nil || st.Pieces > res.Best {
			best, res.Best, res.BestFrom = n, st.Pieces, from
		}
		return nil
	}
	if err := consider(ZigzagAct(hidden, act), "zigzag"); err != nil {
		return nil, err
	}
	rng := rand.New(rand.NewPCG(seed, 7))
	breaks := func() bool {
		b := big.NewInt(int64(res.Best))
		c := b.Cmp(bound)
		return c > 0 || (strict && c == 0)
	}
	for res.Tried < tries && ctx.Err() == nil && !breaks() {
		if rng.IntN(2) == 0 {
			if err := consider(randomNetAct(rng, hidden, act, 4, 2), "random"); err != nil {
				return nil, err
			}
		} else {
			if err := consider(mutate(rng, best, 4, 2), "local search"); err != nil {
				return nil, err
			}
		}
	}
	res.Exceeds = breaks()
	cl, _, err := pwl.Claim(best, seg)
	if err != nil {
		return nil, err
	}
	c := &cert.Certificate{Format: cert.FormatV1, Network: best, Claims: []cert.Claim{cl},
		Provenance: cert.Provenance{Producer: "certify lowerbounds", Notes: fmt.Sprintf("%d pieces on [0,1] for hidden widths %v (%s); claimed bound %s %s", res.Best, hidden, res.BestFrom, map[bool]string{true: "<", false: "≤"}[strict], bound)}}
	rep, err := cert.Check(c, cert.Options{})
	if err != nil {
		return nil, err
	}
	res.Kernel, res.Cert = rep.Status.String(), c
	if rep.Status != cert.Verified {
		res.Exceeds = false
	}
	return res, nil
}
