package construct

import (
	"fmt"
	"math/big"

	"certify/cert"
)

// Zhang builds the network of Zhang, Bengio, Hardt, Recht, Vinyals 2017 ("Understanding
// deep learning requires rethinking generalization"), Theorem 1:
//
//	There exists a two-layer neural network with ReLU activations and 2n + d weights
//	that can represent any function on a sample of size n in d dimensions.
//
// Size met: exactly N hidden units (N distinct inputs), one hidden layer, so the kernel's
// theorem claim "zhang2017-thm1" (hypothesis d1 ≥ N, promise: depth 2, N hidden units)
// holds with equality. The paper's count 2n + d shares the projection a among the units;
// the certificate's network repeats a in each row (N·d_x + N + (N + 1)·d_y parameters).
//
// Construction: t = a·x with a small integer vector a (see chooseProjection) makes the
// t_i distinct integers; sort them, t_1 < … < t_N. Unit 1 is σ(t − t_1 + 1), unit k ≥ 2
// is σ(t − t_{k−1}), so f = Σ w_k·unit_k is piecewise linear with breakpoints t_1 − 1,
// t_1, …, t_{N−1} and is 0 left of t_1 − 1. With s_0 = y_1 (the slope of the first ramp,
// of width 1) and s_k = (y_{k+1} − y_k)/(t_{k+1} − t_k) the slope between neighbouring
// points, the output weights w_1 = s_0 and w_{k+1} = s_k − s_{k−1} make f(t_k) = y_k. Each
// weight is a difference of two neighbouring slopes, so its denominator divides the
// product of two neighbouring gaps: no denominators multiply along the chain (as they
// would in a forward substitution with breakpoints between the points). Vector labels
// use the same hidden units, one row of output weights per coordinate.
func Zhang(d *cert.Dataset, o Options) (*Result, error) {
	p := newPoints(d)
	n := p.n()
	if o.Widths != nil {
		if len(o.Widths) != 1 || o.Widths[0] < 1 {
			return nil, fmt.Errorf("zhang: --widths takes one width (d1), got %v", o.Widths)
		}
		if o.Widths[0] < n {
			holds, ev := hypothesisOn("zhang2017-thm1", d, d.D, 1, o.Widths, cert.ActReLU)
			return nil, &FitError{Method: "zhang", Widths: o.Widths, Evaluated: ev, HypothesisHolds: holds,
				Reason: fmt.Sprintf("the construction needs one hidden unit per distinct point (%d)", n)}
		}
	}
	pr, err := chooseProjection(p, o.Progress)
	if err != nil {
		return nil, err
	}
	dy := d.LabelDim
	width := n
	if o.Widths != nil {
		width = o.Widths[0]
	}
	net := &cert.Network{InputDim: d.D}
	l1 := layer(d.D, width, cert.ActReLU)
	l2 := layer(width, dy, cert.ActIdentity)
	for k := 0; k < n; k++ {
		l1.W[k] = append([]*big.Rat(nil), pr.row...)
		var b *big.Rat
		if k == 0 {
			b = ratInt(new(big.Int).Sub(big.NewInt(1), pr.t[0])) // σ(t − t_1 + 1)
		} else {
			b = ratInt(new(big.Int).Neg(pr.t[k-1])) // σ(t − t_{k−1})
		}
		l1.B[k] = b
	}
	o.progress("weights", 0, n)
	for c := 0; c < dy; c++ {
		prev := new(big.Rat).Set(p.label(pr.order[0])[c]) // s_0 = y_1
		l2.W[c][0] = new(big.Rat).Set(prev)
		for k := 1; k < n; k++ {
			dy := new(big.Rat).Sub(p.label(pr.order[k])[c], p.label(pr.order[k-1])[c])
			gap := new(big.Rat).SetInt(new(big.Int).Sub(pr.t[k], pr.t[k-1]))
			s := dy.Quo(dy, gap)
			l2.W[c][k] = new(big.Rat).Sub(s, prev)
			prev = s
		}
	}
	net.Layers = []cert.Layer{l1, l2}
	m := meta{method: "zhang", theorem: "zhang2017-thm1",
		name:      "Zhang, Bengio, Hardt, Recht, Vinyals 2017, Theorem 1",
		reference: "C. Zhang, S. Bengio, M. Hardt, B. Recht, O. Vinyals. Understanding deep learning requires rethinking generalization. ICLR 2017.",
		params:    map[string]string{"projection_max_entry": fmt.Sprint(pr.K), "hidden_units": fmt.Sprint(width)},
	}
	res, err := finish(d, net, &o, m, p)
	if err != nil {
		return nil, err
	}
	res.Summary.ProjectionK = pr.K
	return res, nil
}
