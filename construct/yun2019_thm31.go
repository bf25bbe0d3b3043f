package construct

import (
	"fmt"
	"math"
	"math/big"

	"certify/cert"
)

// Yun builds the three-layer network of Yun, Sra, Jadbabaie 2019 ("Small ReLU networks
// are powerful memorizers: a tight analysis of memorization capacity"), Theorem 3.1:
//
//	Consider any dataset {(x_i, y_i)}, i = 1..N, with distinct x_i ∈ R^{d_x} and
//	y_i ∈ [−1, 1]^{d_y}. If a 3-layer hard-tanh FNN with widths d1, d2 satisfies
//	4⌊d1/2⌋⌊d2/(2d_y)⌋ ≥ N, it can memorise the dataset; a 3-layer ReLU FNN can if
//	4⌊d1/4⌋⌊d2/(4d_y)⌋ ≥ N.
//
// (Labels outside [−1, 1] only rescale the output layer, which the construction absorbs.)
//
// ReLU (a reconstruction of the paper's proof): the points sorted by
// t = u·x (u a small integer vector) are cut into p blocks; layer 1 has 2p − 1 units (see
// blocks.go) that let every layer-2 unit be an independent affine map of t on each block;
// layer 2 has, per output coordinate, U units, half with output weight +1 and half −1.
// On a block, the first label is a constant unit and each change of label Δ between
// neighbouring points s_{k−1} < s_k is a pair of units of slope |Δ| breaking at s_k − 1
// and s_k, whose difference is the step Δ. A block of m points needs at most m plus and m
// minus units, so blocks of m = ⌊U/2⌋ points always fit and the capacity is
// p·m = ⌊(d1+1)/2⌋·⌊d2/(2d_y)⌋ ≥ 4⌊d1/4⌋⌊d2/(4d_y)⌋: whenever the theorem's hypothesis
// holds the construction fits. Blocks are filled greedily, and a repeated neighbouring
// label costs no unit, so the construction often fits narrower widths too; the
// certificate then says that it exceeds the theorem.
//
// All weights are integers when the inputs and labels are (t is an integer, breakpoints
// are data values or one beside them, layer-2 weights are differences of the blocks'
// affine maps at a data value): the bit complexity is that of t plus that of the labels.
//
// Hard-tanh: see yunHardTanh.
func Yun(d *cert.Dataset, o Options) (*Result, error) {
	switch o.Activation {
	case "", "relu":
		return yunReLU(d, o)
	case "hardtanh", "hard-tanh":
		return yunHardTanh(d, o)
	}
	return nil, fmt.Errorf("yun: --activation is %q; want relu or hardtanh", o.Activation)
}

func yunReLU(d *cert.Dataset, o Options) (*Result, error) {
	p := newPoints(d)
	dy := d.LabelDim
	if err := checkWidths("yun", o.Widths, 2); err != nil {
		return nil, err
	}
	pr, err := chooseProjection(p, o.Progress)
	if err != nil {
		return nil, err
	}
	l := newSortedLabels(p, pr, p.label, dy)
	newScheme := func() scheme { return &yunScheme{l: l} }
	d1, d2, U, blocks, err := chooseBlockWidths("yun", "yun2019-thm3.1-relu", d, o.Widths, dy, newScheme, l, 2)
	if err != nil {
		return nil, err
	}
	bp := yunPlan(pr, l, blocks, U)
	l1, l2, out := bp.layers(d.D, d1, d2, dy, o.Progress)
	net := &cert.Network{InputDim: d.D, Layers: []cert.Layer{l1, l2, out}}
	m := meta{method: "yun", theorem: "yun2019-thm3.1-relu",
		name:      "Yun, Sra, Jadbabaie 2019, Theorem 3.1 (ReLU)",
		reference: yunRef,
		params: map[string]string{"projection_max_entry": fmt.Sprint(pr.K), "blocks": fmt.Sprint(len(blocks)),
			"units_per_output": fmt.Sprint(U), "activation": "relu"},
	}
	res, err := finish(d, net, &o, m, p)
	if err != nil {
		return nil, err
	}
	res.Summary.ProjectionK, res.Summary.Blocks = pr.K, len(blocks)
	res.Summary.BlockCapacity = U / 2
	return res, nil
}

const yunRef = "C. Yun, S. Sra, A. Jadbabaie. Small ReLU networks are powerful memorizers: a tight analysis of memorization capacity. NeurIPS 2019."

func checkWidths(method string, w []int, n int) error {
	if w == nil {
		return nil
	}
	if len(w) != n {
		return fmt.Errorf("%s: --widths takes %d hidden widths, got %d", method, n, len(w))
	}
	for _, v := range w {
		if v < 1 {
			return fmt.Errorf("%s: widths must be positive, got %v", method, w)
		}
	}
	return nil
}

// chooseBlockWidths picks (d1, d2): the widths asked for, if the scheme fits them, or
// else the pair with the fewest hidden units d1 + d2 (ties: the smaller d1). perBlock is
// how many layer-1 units a block costs (2 for ReLU: d1 = 2p − 1).
func chooseBlockWidths(method, theorem string, d *cert.Dataset, widths []int, dy int, newScheme func() scheme,
	l *sortedLabels, perBlock int) (d1, d2, U int, blocks [][2]int, err error) {
	n := len(l.y)
	try := func(U int) ([][2]int, error) {
		P, Q := plusMinus(U)
		return greedyBlocks(n, newScheme(), P, Q)
	}
	if widths != nil {
		d1, d2 = widths[0], widths[1]
		U = d2 / dy
		var why string
		if U < 1 {
			why = fmt.Sprintf("d2 = %d gives no unit per output coordinate (d_y = %d)", d2, dy)
		} else {
			blocks, err = try(U)
			if err != nil {
				why = err.Error()
			} else if need := perBlock*len(blocks) - 1; need > d1 {
				why = fmt.Sprintf("with %d units per output coordinate the points need %d blocks, i.e. d1 ≥ %d", U, len(blocks), need)
			}
		}
		if why != "" {
			holds, ev := hypothesisOn(theorem, d, d.D, dy, widths, cert.ActReLU)
			if holds {
				return 0, 0, 0, nil, fmt.Errorf("%s: internal error: the theorem's hypothesis holds (%s) but the construction does not fit: %s", method, ev, why)
			}
			return 0, 0, 0, nil, &FitError{Method: method, Widths: widths, Evaluated: ev, HypothesisHolds: holds, Reason: "the construction does not fit: " + why}
		}
		return d1, d2, U, blocks, nil
	}
	// Search U around the balanced choice U ≈ 2√(N/d_y).
	u0 := max(2, int(2*math.Sqrt(float64(n)/float64(dy)))) // float only guides the search range
	best := -1
	for u := max(1, u0/2); u <= 2*u0+2; u++ {
		bl, err := try(u)
		if err != nil {
			continue
		}
		c1, c2 := perBlock*len(bl)-1, u*dy
		if s := c1 + c2; best < 0 || s < best || (s == best && c1 < d1) {
			best, d1, d2, U, blocks = s, c1, c2, u, bl
		}
	}
	if best < 0 {
		return 0, 0, 0, nil, fmt.Errorf("%s: no widths found", method)
	}
	return d1, d2, U, blocks, nil
}

// yunHardTanh builds the hard-tanh network of Theorem 3.1 (hypothesis
// 4⌊d1/2⌋⌊d2/(2d_y)⌋ ≥ N). A construction of ours, meeting the bound with capacity
// d1·⌊d2/d_y⌋ ≥ 4⌊d1/2⌋⌊d2/(2d_y)⌋:
//
// Layer 1 (d1 = p units for p blocks of at most m = ⌊d2/d_y⌋ points): h_0 = htanh((t − c)/M)
// with c, M the centre and half-range of the t values, which is linear on the data, and
// for each gap after a block's last point a a step S_j = htanh(2(t − a) − 1), −1 up to a
// and +1 from a + 1 on. Layer-2 pre-activations are then α·t + I_j: one slope per unit,
// any intercept per block.
//
// Layer 2 (m units per output coordinate, slopes alternately +2 and −2 in t): on each
// block unit k sits at the block's k-th point s_k, F = ±2(t − s_k) + r_k/w: saturated at
// ∓1 before s_k and ±1 after, and r_k/w at s_k. With w = (max y − min y)/2 and
// r_k = y_k − mid, the saturated units of an alternating sequence add the same constant
// at every point of every block, which the output bias cancels: f(s_k) = y_k. Units past
// a short block's last point sit "after" it.
func yunHardTanh(d *cert.Dataset, o Options) (*Result, error) {
	p := newPoints(d)
	dy := d.LabelDim
	n := p.n()
	if err := checkWidths("yun", o.Widths, 2); err != nil {
		return nil, err
	}
	var d1, d2, m int
	if o.Widths != nil {
		d1, d2 = o.Widths[0], o.Widths[1]
		m = d2 / dy
		if m < 1 || d1*m < n {
			holds, ev := hypothesisOn("yun2019-thm3.1-hardtanh", d, d.D, dy, o.Widths, cert.ActHardTanh)
			why := fmt.Sprintf("the construction holds d1·⌊d2/d_y⌋ = %d points, fewer than N = %d", d1*m, n)
			if holds {
				return nil, fmt.Errorf("yun: internal error: hypothesis holds (%s) but %s", ev, why)
			}
			return nil, &FitError{Method: "yun", Widths: o.Widths, Evaluated: ev, HypothesisHolds: holds, Reason: why}
		}
	} else {
		best := -1
		for mm := 1; mm <= n; mm++ {
			pp := (n + mm - 1) / mm
			if s := pp + mm*dy; best < 0 || s < best {
				best, d1, m = s, pp, mm
			}
		}
		d2 = m * dy
	}
	pr, err := chooseProjection(p, o.Progress)
	if err != nil {
		return nil, err
	}
	l := newSortedLabels(p, pr, p.label, dy)
	var blocks [][2]int
	for s := 0; s < n; s += m {
		blocks = append(blocks, [2]int{s, min(s+m, n)})
	}
	nb := len(blocks)
	// Layer 1.
	tMin, tMax := ratInt(pr.t[0]), ratInt(pr.t[n-1])
	c := new(big.Rat).Add(tMin, tMax)
	c.Quo(c, rat(2))
	M := new(big.Rat).Sub(tMax, tMin)
	M.Quo(M, rat(2))
	if M.Sign() == 0 {
		M = rat(1)
	}
	l1 := layer(d.D, d1, cert.ActHardTanh)
	for k, w := range pr.row {
		l1.W[0][k] = new(big.Rat).Quo(w, M)
	}
	l1.B[0] = new(big.Rat).Neg(new(big.Rat).Quo(c, M))
	two := rat(2)
	for j := 0; j < nb-1; j++ {
		a := pr.t[blocks[j][1]-1]
		for k, w := range pr.row {
			l1.W[1+j][k] = new(big.Rat).Mul(w, two)
		}
		b := new(big.Int).Mul(a, big.NewInt(-2))
		l1.B[1+j] = ratInt(b.Sub(b, big.NewInt(1)))
	}
	// Layer 2 and output.
	l2 := layer(d1, d2, cert.ActHardTanh)
	out := layer(d2, dy, cert.ActIdentity)
	for cc := 0; cc < dy; cc++ {
		lo, hi := l.y[0][cc], l.y[0][cc]
		for k := range l.y {
			if l.y[k][cc].Cmp(lo) < 0 {
				lo = l.y[k][cc]
			}
			if l.y[k][cc].Cmp(hi) > 0 {
				hi = l.y[k][cc]
			}
		}
		mid := new(big.Rat).Add(lo, hi)
		mid.Quo(mid, two)
		w := new(big.Rat).Sub(hi, lo)
		w.Quo(w, two)
		if w.Sign() == 0 {
			w = rat(1)
		}
		// Alternating signs σ_k = +1, −1, …: every point sees the constant
		// Σ_{k'<k} σ_{k'} − Σ_{k'>k} σ_{k'} = −Σ_{k'≥2} σ_{k'} (the same for all k).
		constSum := 0
		for k := 1; k < m; k++ {
			constSum += altSign(k)
		}
		bias := new(big.Rat).Mul(w, rat(int64(constSum)))
		out.B[cc] = bias.Add(bias, mid)
		for k := 0; k < m; k++ {
			u := cc*m + k
			sg := rat(int64(altSign(k)))
			alpha := new(big.Rat).Mul(two, sg)
			alpha.Mul(alpha, M) // slope 2σ in t: α·h_0 = α(t − c)/M
			l2.W[u][0] = alpha
			out.W[cc][u] = w
			// Intercept per block: I_j = −2σ s + r/w + 2σ c, with s the unit's point.
			I := make([]*big.Rat, nb)
			for j, b := range blocks {
				var iv *big.Rat
				if pos := b[0] + k; pos < b[1] {
					r := new(big.Rat).Sub(l.y[pos][cc], mid)
					r.Quo(r, w)
					iv = new(big.Rat).Mul(ratInt(pr.t[pos]), sg)
					iv.Mul(iv, rat(-2))
					iv.Add(iv, r)
				} else {
					// After the block: σ(2(t − s_last) − 3) saturates at −σ on the block.
					iv = new(big.Rat).Mul(ratInt(pr.t[b[1]-1]), sg)
					iv.Mul(iv, rat(-2))
					iv.Sub(iv, new(big.Rat).Mul(sg, rat(3)))
				}
				cs := new(big.Rat).Mul(c, sg)
				iv.Add(iv, cs.Mul(cs, two))
				I[j] = iv
			}
			// On block j the steps add −Σ_{j'≥j} β_{j'} + Σ_{j'<j} β_{j'}: β_j = (I_{j+1} − I_j)/2.
			gamma := new(big.Rat).Set(I[0])
			for j := 0; j < nb-1; j++ {
				beta := new(big.Rat).Sub(I[j+1], I[j])
				beta.Quo(beta, two)
				if beta.Sign() != 0 {
					l2.W[u][1+j] = beta
				}
				gamma.Add(gamma, beta)
			}
			l2.B[u] = gamma
		}
	}
	net := &cert.Network{InputDim: d.D, Layers: []cert.Layer{l1, l2, out}}
	mt := meta{method: "yun", theorem: "yun2019-thm3.1-hardtanh",
		name:      "Yun, Sra, Jadbabaie 2019, Theorem 3.1 (hard-tanh)",
		reference: yunRef,
		params: map[string]string{"projection_max_entry": fmt.Sprint(pr.K), "blocks": fmt.Sprint(nb),
			"block_capacity": fmt.Sprint(m), "activation": "hard-tanh"},
	}
	res, err := finish(d, net, &o, mt, p)
	if err != nil {
		return nil, err
	}
	res.Summary.ProjectionK, res.Summary.Blocks, res.Summary.BlockCapacity = pr.K, nb, m
	return res, nil
}

func altSign(k int) int {
	if k%2 == 0 {
		return 1
	}
	return -1
}

// hardTanhOption reads --activation for the constructions of Yun et al. that come in a
// ReLU and a hard-tanh form: true for hard-tanh, false for ReLU (the default).
func hardTanhOption(method, activation string) (bool, error) {
	switch activation {
	case "", "relu":
		return false, nil
	case "hardtanh", "hard-tanh":
		return true, nil
	}
	return false, fmt.Errorf("%s: --activation is %q; want relu or hardtanh", method, activation)
}
