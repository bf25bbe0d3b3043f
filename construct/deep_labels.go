package construct

import (
	"fmt"
	"math/big"

	"certify/cert"
)

// DeepOptions are the knobs of the deep constructions (Park et al., Vardi et al.).
type DeepOptions struct {
	Options
	// Epsilon, for regression with one target: the network outputs the centre of the
	// target's class of width 2ε (Park et al. §4.3), so |f(x_i) − y_i| ≤ ε; the
	// certificate claims exactly that (an "epsilon" claim).
	Epsilon *big.Rat
	// GroupSize (Vardi) is the number of points per group n (0: ≈ √(N/(ρ+2)), the depth
	// minimiser).
	GroupSize int
	// MaxDepth (Vardi Thm 5.1): when > 0, split the data into parallel sub-networks so
	// that the depth is at most about MaxDepth (0: Thm 3.1, one sub-network).
	MaxDepth int
	// W (Park Thm 1) ∈ [2/3, 1] sets the target range N^{2−w} of the well-separated values
	// before the label lookup (nil: the range that minimises the depth, which is the
	// width-3 network of Thm 2).
	W *big.Rat
	// Wide (Park) builds Thm 1's wide layers (Lemma 14 at width d, Lemma 15 and Lemma 19
	// in one wide layer each) instead of Thm 2's width-3 network.
	Wide bool
	// NativeStepID (Park) keeps the STEP and ID units of the paper's network (checked
	// natively by the kernel) instead of realising them by ReLU.
	NativeStepID bool
}

// deepLabels maps each distinct point to an integer class in [0, C): the class index
// for classification; for regression (one target) the index of the target's class of
// width 2ε above the smallest target. out turns the class back into the output value:
// f = base + step·class.
type deepLabels struct {
	cls   []int64 // by distinct-point index
	C     int64
	base  *big.Rat
	step  *big.Rat
	claim cert.Claim // the memorisation claim the output supports
}

func newDeepLabels(p *points, eps *big.Rat) (*deepLabels, error) {
	d := p.d
	dl := &deepLabels{cls: make([]int64, p.n()), base: new(big.Rat), step: big.NewRat(1, 1), claim: cert.ExactClaim{}}
	if d.Task == cert.Classification {
		dl.C = int64(max(d.Classes, 1))
		for k := range dl.cls {
			dl.cls[k] = int64(d.Labels[p.idx[k]])
		}
		return dl, nil
	}
	if d.LabelDim != 1 {
		return nil, fmt.Errorf("the deep constructions fit one output; the targets have dimension %d", d.LabelDim)
	}
	if eps == nil || eps.Sign() <= 0 {
		return nil, fmt.Errorf("regression needs a positive --epsilon (the targets are fitted by classes of width 2ε)")
	}
	ymin := p.label(0)[0]
	for k := 1; k < p.n(); k++ {
		if y := p.label(k)[0]; y.Cmp(ymin) < 0 {
			ymin = y
		}
	}
	w := new(big.Rat).Add(eps, eps)
	t := new(big.Rat)
	half := big.NewRat(1, 2)
	for k := range dl.cls {
		// class = ⌊(y − ymin)/(2ε) + ½⌋: |y − (ymin + 2ε·class)| ≤ ε.
		t.Sub(p.label(k)[0], ymin)
		t.Quo(t, w)
		t.Add(t, half)
		q := new(big.Int).Quo(t.Num(), t.Denom())
		if !q.IsInt64() || q.Int64() > 1<<40 {
			return nil, fmt.Errorf("ε is too small for the targets' range (more than 2^40 classes)")
		}
		dl.cls[k] = q.Int64()
		dl.C = max(dl.C, q.Int64()+1)
	}
	dl.base, dl.step = new(big.Rat).Set(ymin), w
	dl.claim = cert.EpsilonClaim{Epsilon: new(big.Rat).Set(eps)}
	return dl, nil
}

// outputForm returns the output unit base + step·(v/den) as a form over v's layer with
// the common denominator of its coefficients.
func (dl *deepLabels) output(b *deepNet, v aff, den *big.Int) *cert.Network {
	// f = base + step·v/den = (base_num·step_den·den + step_num·base_den·v) / (base_den·step_den·den)
	bn, bd := dl.base.Num(), dl.base.Denom()
	sn, sd := dl.step.Num(), dl.step.Denom()
	D := new(big.Int).Mul(bd, sd)
	D.Mul(D, den)
	c := new(big.Int).Mul(bn, sd)
	c.Mul(c, den)
	o := v.scale(new(big.Int).Mul(sn, bd)).plusC(c)
	return b.output([]aff{o}, D)
}

// finishDeep assembles the certificate through the shared finish and replaces the exact
// claim by an ε claim for regression.
func finishDeep(d *cert.Dataset, net *cert.Network, o *DeepOptions, m meta, p *points, dl *deepLabels) (*Result, error) {
	opt := o.Options
	if opt.PatternsBudget == 0 {
		opt.PatternsBudget = 2_000_000
	}
	r, err := finish(d, net, &opt, m, p)
	if err != nil {
		return nil, err
	}
	if _, ok := dl.claim.(cert.EpsilonClaim); ok {
		for i, cl := range r.Cert.Claims {
			if _, ok := cl.(cert.ExactClaim); ok {
				r.Cert.Claims[i] = dl.claim
			}
		}
		for i, k := range r.Summary.Claims {
			if k == cert.KindExact {
				r.Summary.Claims[i] = cert.KindEpsilon
			}
		}
	}
	return r, nil
}
