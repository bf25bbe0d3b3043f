package construct

import (
	"fmt"

	"certify/cert"
)

// YunClassify builds the four-layer classifier of Yun, Sra, Jadbabaie 2019,
// Proposition 3.2:
//
//	For a d_y-class dataset with one-hot labels, a 4-layer ReLU FNN with widths d1, d2,
//	d3 memorises it if 4⌊d1/4⌋⌊d2/4⌋ ≥ N and d3 ≥ 4d_y (hard-tanh: 4⌊d1/2⌋⌊d2/2⌋ ≥ N,
//	d3 ≥ 2d_y).
//
// The point is that d1·d2 does not grow with the number of classes. Construction: layers
// 1 and 2 are the ReLU construction of Theorem 3.1 (see Yun) memorising the class index
// c ∈ {0, …, C−1} as a scalar s (layer 2's units enter layer 3 with weights ±1), and layer
// 3 has the C − 1 units g_a = σ(s − a), a = 0, …, C−2, from which the output is one-hot
// exactly: e_c = g_{c−1} − 2g_c + g_{c+1} on the data, with g_{−1} = g_0 + 1 (s ≥ 0) and
// g_{C−1} = g_C = 0 (s ≤ C − 1). So d3 = C − 1 suffices, below the paper's 4d_y: the
// certificate's theorem claim then says that the network is outside the hypothesis
// (exceeds_theorem), which is a gain, not a defect. Pass --widths d1,d2,d3 with
// d3 ≥ 4d_y for an instance inside the hypothesis (extra units are zero).
//
// Weights are integers: those of Theorem 3.1's construction (integer labels), ±1 into
// layer 3, biases −a, and output weights 1, −2, 1.
func YunClassify(d *cert.Dataset, o Options) (*Result, error) {
	if d.Task != cert.Classification {
		return nil, fmt.Errorf("yun-classify: needs a classification dataset")
	}
	if err := checkWidths("yun-classify", o.Widths, 3); err != nil {
		return nil, err
	}
	C := d.Classes
	d3need := max(C-1, 1)
	if o.Widths != nil && o.Widths[2] < d3need {
		holds, ev := hypothesisOn("yun2019-prop3.2-relu", d, d.D, C, o.Widths, cert.ActReLU)
		return nil, &FitError{Method: "yun-classify", Widths: o.Widths, Evaluated: ev, HypothesisHolds: holds,
			Reason: fmt.Sprintf("the one-hot layer needs d3 ≥ C − 1 = %d units", d3need)}
	}
	p := newPoints(d)
	o.progress("projection", 0, 0)
	pr, err := chooseProjection(p, o.Progress)
	if err != nil {
		return nil, err
	}
	l := newSortedLabels(p, pr, p.label, 1)
	newScheme := func() scheme { return &yunScheme{l: l} }
	var w12 []int
	if o.Widths != nil {
		w12 = o.Widths[:2]
	}
	d1, d2, U, blocks, err := chooseBlockWidths("yun-classify", "yun2019-thm3.1-relu", d, w12, 1, newScheme, l, 2)
	if err != nil {
		if fe, ok := err.(*FitError); ok {
			fe.Method, fe.Widths = "yun-classify", o.Widths
			fe.HypothesisHolds, fe.Evaluated = hypothesisOn("yun2019-prop3.2-relu", d, d.D, C, o.Widths, cert.ActReLU)
		}
		return nil, err
	}
	d3 := d3need
	if o.Widths != nil {
		d3 = o.Widths[2]
	}
	bp := yunPlan(pr, l, blocks, U)
	l1, l2, sOut := bp.layers(d.D, d1, d2, 1, o.Progress)
	// Layer 3: g_a = σ(s − a) with s = sOut·h2 (weights ±1, bias 0).
	l3 := layer(d2, d3, cert.ActReLU)
	for a := 0; a < C-1; a++ {
		l3.W[a] = append(l3.W[a][:0], sOut.W[0]...)
		l3.B[a] = rat(int64(-a))
	}
	out := layer(d3, C, cert.ActIdentity)
	g := func(c, a int, v int64) {
		if a >= 0 && a < C-1 {
			out.W[c][a] = rat(v)
		}
	}
	for c := 0; c < C; c++ {
		if c == 0 {
			// e_0 = g_{−1} − 2g_0 + g_1 = 1 − g_0 + g_1. (With one class, one output is
			// read as the class index, 0.)
			if C > 1 {
				out.B[0] = rat(1)
			}
			g(0, 0, -1)
			g(0, 1, 1)
			continue
		}
		g(c, c-1, 1)
		g(c, c, -2)
		g(c, c+1, 1)
	}
	net := &cert.Network{InputDim: d.D, Layers: []cert.Layer{l1, l2, l3, out}}
	m := meta{method: "yun-classify", theorem: "yun2019-prop3.2-relu",
		name:      "Yun, Sra, Jadbabaie 2019, Proposition 3.2 (ReLU)",
		reference: yunRef,
		params: map[string]string{"projection_max_entry": fmt.Sprint(pr.K), "blocks": fmt.Sprint(len(blocks)),
			"units_per_output": fmt.Sprint(U), "classes": fmt.Sprint(C)},
	}
	res, err := finish(d, net, &o, m, p)
	if err != nil {
		return nil, err
	}
	res.Summary.ProjectionK, res.Summary.Blocks, res.Summary.BlockCapacity = pr.K, len(blocks), U/2
	return res, nil
}
