package lowerbounds

import (
	"context"
	"fmt"
	"math/big"
	"math/rand/v2"

	"certify/cert"
	"certify/pwl"
)

// MisclassSearchResult is the best shallow classifier found for Telgarsky's 2^k points.
type MisclassSearchResult struct {
	Hidden   []int  `json:"hidden"`
	K        int    `json:"k"`
	Wrong    int    `json:"wrong"` // fewest misclassified points found
	N        int    `json:"n"`
	Fraction string `json:"fraction"` // Wrong/N
	Tried    int    `json:"tried"`
	BestFrom string `json:"best_from"`
	// Cert states that the best network classifies the N − Wrong points it gets right
	// (a threshold claim on that subset), verified by the kernel.
	Kernel string            `json:"kernel"`
	Cert   *cert.Certificate `json:"-"`
}

// SearchMisclassification looks for a one-input ReLU network with the given hidden widths
// that misclassifies few of Telgarsky's 2^k alternating points under 1[f ≥ 1/2]
// (zigzag compositions, then random and local search), counting exactly with pwl.
func SearchMisclassification(ctx context.Context, hidden []int, k, tries int, seed uint64) (*MisclassSearchResult, error) {
	return SearchMisclassificationAct(ctx, hidden, cert.Activation{Kind: cert.ActReLU}, k, tries, seed)
}

// SearchMisclassificationAct is SearchMisclassification for hidden units of activation act.
func SearchMisclassificationAct(ctx context.Context, hidden []int, act cert.Activation, k, tries int, seed uint64) (*MisclassSearchResult, error) {
	if k < 1 || k > 24 {
		return nil, fmt.Errorf("k must be in 1..24")
	}
	res := &MisclassSearchResult{Hidden: hidden, K: k, N: 1 << k}
	var best *cert.Network
	consider := func(n *cert.Network, from string) error {
		m, err := pwl.Misclassified(n, k)
		if err != nil {
			return err
		}
		res.Tried++
		if best == nil || m.Wrong < res.Wrong {
			best, res.Wrong, res.BestFrom = n, m.Wrong, from
		}
		return nil
	}
	// The zigzag swings between 0 and 1; shifting it by ±1/2·(1/m) aligns its peaks with
	// the odd points in the best case. Try it as built.
	if err := consider(ZigzagAct(hidden, act), "zigzag"); err != nil {
		return nil, err
	}
	rng := rand.New(rand.NewPCG(seed, 11))
	for res.Tried < tries && ctx.Err() == nil && res.Wrong > 0 {
		var err error
		if rng.IntN(2) == 0 {
			err = consider(randomNetAct(rng, hidden, act, 4, 2), "random")
		} else {
			err = consider(mutate(rng, best, 4, 2), "local search")
		}
		if err != nil {
			return nil, err
		}
	}
	res.Fraction = big.NewRat(int64(res.Wrong), int64(res.N)).RatString()
	// Certificate: the points it classifies right.
	var inputs [][]*big.Rat
	var labels []int
	for i := 0; i < res.N; i++ {
		x := big.NewRat(int64(i), int64(res.N))
		out := best.Eval([]*big.Rat{x}, nil)[0]
		pred := 0
		if out.Cmp(big.NewRat(1, 2)) >= 0 {
			pred = 1
		}
		if pred == i%2 {
			inputs = append(inputs, []*big.Rat{x})
			labels = append(labels, i%2)
		}
	}
	if len(inputs) > 0 {
		d, err := cert.NewDataset(inputs, labels, nil, 2)
		if err != nil {
			return nil, err
		}
		c := &cert.Certificate{Format: cert.FormatV1, Network: best, Data: d,
			Claims: []cert.Claim{cert.ThresholdClaim{Threshold: big.NewRat(1, 2)}},
			Provenance: cert.Provenance{Producer: "certify lowerbounds", Notes: fmt.Sprintf(
				"classifies %d of Telgarsky's %d points i/%d (alternating labels) by 1[f >= 1/2]; hidden widths %v", len(inputs), res.N, res.N, hidden)}}
		rep, err := cert.Check(c, cert.Options{})
		if err != nil {
			return nil, err
		}
		res.Kernel, res.Cert = rep.Status.String(), c
	}
	return res, nil
}

// L1SearchResult is the best L¹ approximation of the sawtooth found.
type L1SearchResult struct {
	Hidden   []int         `json:"hidden"`
	K        int           `json:"k"`  // target m^(K)
	Best     string        `json:"l1"` // smallest ∫₀¹ |f − m^(K)| found, exact
	Tried    int           `json:"tried"`
	BestFrom string        `json:"best_from"`
	Net      *cert.Network `json:"-"`
}

// ConstantNet is the network of the given hidden widths that outputs c everywhere.
func ConstantNet(hidden []int, c *big.Rat) *cert.Network {
	n := randomNet(rand.New(rand.NewPCG(0, 0)), hidden, 0, 1) // all weights 0
	n.Layers[len(n.Layers)-1].B[0] = new(big.Rat).Set(c)
	return n
}

// SearchL1 looks for a one-input ReLU network with the given hidden widths close to the
// sawtooth m^(K) in L¹ on [0, 1]: the constant 1/2, zigzags, random and local search, each
// measured exactly (pwl.L1).
func SearchL1(ctx context.Context, hidden []int, K, tries int, seed uint64) (*L1SearchResult, error) {
	return SearchL1Act(ctx, hidden, cert.Activation{Kind: cert.ActReLU}, K, tries, seed)
}

// SearchL1Act is SearchL1 for hidden units of activation act.
func SearchL1Act(ctx context.Context, hidden []int, act cert.Activation, K, tries int, seed uint64) (*L1SearchResult, error) {
	seg := pwl.UnitInterval()
	g, err := pwl.FuncOf(pwl.Sawtooth(K), seg, 0)
	if err != nil {
		return nil, err
	}
	res := &L1SearchResult{Hidden: hidden, K: K}
	var best *big.Rat
	var bestNet *cert.Network
	consider := func(n *cert.Network, from string) error {
		f, err := pwl.FuncOf(n, seg, 0)
		if err != nil {
			return err
		}
		d, err := pwl.L1(f, g)
		if err != nil {
			return err
		}
		res.Tried++
		if best == nil || d.Cmp(best) < 0 {
			best, bestNet, res.BestFrom = d, n, from
		}
		return nil
	}
	c := randomNetAct(rand.New(rand.NewPCG(0, 0)), hidden, act, 0, 1) // all weights 0
	c.Layers[len(c.Layers)-1].B[0] = big.NewRat(1, 2)
	if err := consider(c, "constant 1/2"); err != nil {
		return nil, err
	}
	if err := consider(ZigzagAct(hidden, act), "zigzag"); err != nil {
		return nil, err
	}
	rng := rand.New(rand.NewPCG(seed, 13))
	for res.Tried < tries && ctx.Err() == nil {
		if rng.IntN(2) == 0 {
			err = consider(randomNetAct(rng, hidden, act, 4, 2), "random")
		} else {
			err = consider(mutate(rng, bestNet, 4, 2), "local search")
		}
		if err != nil {
			return nil, err
		}
	}
	res.Best, res.Net = best.RatString(), bestNet
	return res, nil
}
