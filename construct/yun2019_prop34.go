package construct

import (
	"fmt"
	"math/big"
	"sort"
	"strings"

	"certify/cert"
	"certify/theorems"
)

// YunDeep builds the deep and narrow network of Yun, Sra, Jadbabaie 2019,
// Proposition 3.4:
//
//	An L-layer hard-tanh FNN with hidden widths d_1 … d_{L−1} memorises any N distinct
//	points if there are indices l_1 < … < l_m in [L−2] with l_j + 1 < l_{j+1} and
//	4 Σ_j ⌊(d_{l_j} − r_j)/2⌋ ⌊(d_{l_j+1} − r_j)/(2d_y)⌋ ≥ N, r_j = d_y·1{j > 1} + 1{j < m},
//	d_k ≥ d_y + 1 for the layers strictly between two blocks' pairs and d_k ≥ d_y for the
//	layers after the last pair. The same holds for ReLU with twice the widths.
//
// (The text we work from drops the minus signs: "⌊d_{l_j} r_j/2⌋"; with m = 1 the
// condition must be Theorem 3.1's, which fixes them.) The table (theorems.Prop34Chain)
// picks the admissible chain with the largest sum; the construction builds on that chain,
// and its theorem claim names it.
//
// Construction (ours, after the proof's outline: Theorem 3.1 blocks that each fit a
// subset and pass the input and the partial output on). Every layer works on the scalar
// s = (t − c)/M ∈ [−1, 1], t = u·x an integer projection that separates the points (c, M
// the centre and half-range of t on the data), so one hard-tanh unit carries s exactly.
// The points, sorted by t, are cut into consecutive ranges, one per block. Block j uses
// layers l_j and l_j + 1:
//
//   - layer l_j: h_0 = σ_H(s) (which is also the carried input) and, for each gap after a
//     sub-block's last point a, the step σ_H(2(t − a) − 1) (−1 up to a, +1 after); so the
//     block has p_j = d_{l_j} − d_y·1{j > 1} sub-blocks, the other d_y units carrying the
//     partial output;
//   - layer l_j + 1: per output coordinate an even number m_j = 2⌊(d_{l_j+1} − r_j)/(2d_y)⌋
//     of units with alternating signs σ_k = ±1, unit k placed on each sub-block at its
//     k-th point s_k: F = 2σ_k(t − s_k) + ρ_k, i.e. −σ_k before s_k, ρ_k at s_k, σ_k after
//     (a unit past a short sub-block's end sits at s_last + 1/2 with ρ = 0), the steps
//     giving each unit its own intercept per sub-block; plus the carries of s (j < m) and
//     of the partial output (j > 1).
//
// With an even number of alternating units and output weight w, the block adds 0 at
// every point left or right of its range (all units −σ_k, or all σ_k) and w(1 + ρ_k) at
// s_k, so with ρ_k = (y_k − lo)/w − 1 it adds y_k − lo there (lo, hi the label range per
// coordinate, w = (hi − lo)/2). The partial output P ∈ [0, 2w] is carried as P/(2w);
// the output layer adds lo. A block holds p_j·m_j points, and
// p_j·m_j ≥ 4⌊(d_{l_j} − r_j)/2⌋⌊(d_{l_j+1} − r_j)/(2d_y)⌋, so whenever the hypothesis holds
// the construction fits. Layers before l_1 carry s (one unit), layers between blocks s
// and P (d_y + 1), layers after the last block P (d_y); unused units are zero.
//
// ReLU (--activation relu, the default): the hard-tanh network on the halved widths
// ⌊d_k/2⌋, each hard-tanh unit σ_H(z) written as σ(z + 1) − σ(z − 1) − 1 (two ReLUs, the −1
// folded into the next layer's bias); an odd width's last unit is zero, and a layer of
// width 1 (before the first block, where the proposition asks nothing) carries s as the
// single ReLU σ(z + 1).
//
// Weights are rationals with small denominators (1/M, 1/(2w), halves); the bit
// complexity is that of t and of the labels.
func YunDeep(d *cert.Dataset, o Options) (*Result, error) { return yunDeep(d, o, false) }

// YunDeepClassify is the classification variant of Proposition 3.4 (Yun, Sra, Jadbabaie
// 2019, §3.3: "by inserting one additional hidden layer between layer l_m + 1 and the
// output layer", as Proposition 3.2 does for Theorem 3.1). Its exact statement is in the
// paper's Appendix A, which we do not have; the theorem table's reading
// (yun2019-prop3.4-classify-*) is: for a C-class one-hot dataset, an L-layer FNN whose
// first L − 2 hidden layers satisfy Proposition 3.4's conditions for the scalar class index
// (d_y = 1) and whose last hidden layer has d_{L−1} ≥ 2C units (hard-tanh; ReLU: every
// width halved, so 4C) memorises it with one-hot outputs.
//
// Construction: YunDeep's network for the class index s ∈ {0, …, C−1} on the first L − 2
// hidden layers, then C − 1 hard-tanh units g_a = σ_H(2(s − a) − 1) (−1 for s ≤ a, +1 for
// s ≥ a + 1) and the outputs e_c = (g_{c−1} − g_c)/2 with g_{−1} = 1 and g_{C−1} = −1:
// exactly the one-hot vector of s. So d_{L−1} = C − 1 suffices; without --widths it is
// 2C (4C for ReLU), inside the hypothesis. ReLU as in YunDeep.
func YunDeepClassify(d *cert.Dataset, o Options) (*Result, error) { return yunDeep(d, o, true) }

func yunDeep(d *cert.Dataset, o Options, classify bool) (*Result, error) {
	method := "yun-deep"
	if classify {
		method = "yun-deep-classify"
		if d.Task != cert.Classification || d.Classes < 2 {
			return nil, fmt.Errorf("%s: needs a classification dataset with at least 2 classes (the outputs are one-hot)", method)
		}
	}
	hard, err := hardTanhOption(method, o.Activation)
	if err != nil {
		return nil, err
	}
	relu := !hard
	theorem, act := "yun2019-prop3.4-relu", cert.ActReLU
	if !relu {
		theorem, act = "yun2019-prop3.4-hardtanh", cert.ActHardTanh
	}
	if classify {
		theorem = strings.Replace(theorem, "prop3.4-", "prop3.4-classify-", 1)
	}
	p := newPoints(d)
	n, dy := p.n(), d.LabelDim
	outDim := dy
	minWidths := 2
	if classify {
		outDim, minWidths = d.Classes, 3
	}
	widths := o.Widths
	if widths != nil {
		if len(widths) < minWidths {
			return nil, fmt.Errorf("%s: --widths takes at least %d hidden widths (L ≥ %d layers), got %d", method, minWidths, minWidths+1, len(widths))
		}
		for _, w := range widths {
			if w < 1 {
				return nil, fmt.Errorf("%s: widths must be positive, got %v", method, widths)
			}
		}
	} else {
		widths = yunDeepDefault(n, dy, relu)
		if classify {
			q := 2
			if relu {
				q = 4
			}
			widths = append(widths, q*d.Classes)
		}
	}
	allWidths := widths
	if classify {
		widths = widths[:len(widths)-1]
	}
	hw := theorems.Prop34Widths(widths, relu)
	chain, _ := theorems.Prop34Chain(hw, dy)
	fitErr := func(why string) error {
		holds, ev := hypothesisOn(theorem, d, d.D, outDim, allWidths, act)
		if holds {
			return fmt.Errorf("%s: internal error: the hypothesis holds (%s) but %s", method, ev, why)
		}
		return &FitError{Method: method, Widths: allWidths, Evaluated: ev, HypothesisHolds: holds, Reason: why}
	}
	if classify {
		last := allWidths[len(allWidths)-1]
		if relu {
			last /= 2
		}
		if last < d.Classes-1 {
			return nil, fitErr(fmt.Sprintf("the one-hot layer needs %d hard-tanh units (%d ReLUs)", d.Classes-1, 2*(d.Classes-1)))
		}
	}
	// A ReLU layer of width 1 (halved: 0) can only carry a value in [−1, 1], as the
	// single ReLU σ(z + 1) (see hardTanhAsReLU): it is built as one hard-tanh unit.
	hwb := append([]int(nil), hw...)
	for k := range hwb {
		hwb[k] = max(hwb[k], 1)
	}
	if chain == nil {
		return nil, fitErr("no admissible chain of block layers")
	}
	m := len(chain)
	pj, mj := make([]int, m), make([]int, m)
	capacity := 0
	for j, l := range chain {
		r := 0
		if j > 0 {
			r += dy
		}
		if j < m-1 {
			r++
		}
		pj[j] = hw[l-1]
		if j > 0 {
			pj[j] -= dy
		}
		mj[j] = 2 * ((hw[l] - r) / (2 * dy))
		if pj[j] < 1 || mj[j] < 2 {
			pj[j], mj[j] = 0, 0
		}
		capacity += pj[j] * mj[j]
	}
	if capacity < n {
		return nil, fitErr(fmt.Sprintf("the blocks on layers (%s) hold %d points, fewer than N = %d", intsString(chain), capacity, n))
	}
	pr, err := chooseProjection(p, o.Progress)
	if err != nil {
		return nil, err
	}
	lab := newSortedLabels(p, pr, p.label, dy)
	// Label range per coordinate, and the carry scale Λ = 2w.
	lo, w := make([]*big.Rat, dy), make([]*big.Rat, dy)
	for c := 0; c < dy; c++ {
		l, h := lab.y[0][c], lab.y[0][c]
		for k := range lab.y {
			if lab.y[k][c].Cmp(l) < 0 {
				l = lab.y[k][c]
			}
			if lab.y[k][c].Cmp(h) > 0 {
				h = lab.y[k][c]
			}
		}
		lo[c] = l
		w[c] = new(big.Rat).Sub(h, l)
		w[c].Quo(w[c], rat(2))
		if w[c].Sign() == 0 {
			w[c] = big.NewRat(1, 2)
		}
	}
	// Blocks' point ranges and sub-blocks (sorted positions).
	type block struct {
		subs [][2]int // [from, to) in t order
	}
	blocks := make([]block, m)
	next := 0
	for j := range blocks {
		take := min(pj[j]*mj[j], n-next)
		for s := next; s < next+take; s += mj[j] {
			blocks[j].subs = append(blocks[j].subs, [2]int{s, min(s+mj[j], next+take)})
		}
		next += take
	}
	tMin, tMax := ratInt(pr.t[0]), ratInt(pr.t[n-1])
	cMid := new(big.Rat).Add(tMin, tMax)
	cMid.Quo(cMid, rat(2))
	M := new(big.Rat).Sub(tMax, tMin)
	M.Quo(M, rat(2))
	if M.Sign() == 0 {
		M = rat(1)
	}
	// s over the input: (row·x − c)/M.
	sE := newLin()
	for k, v := range pr.row {
		if v.Sign() != 0 {
			sE.w[k] = new(big.Rat).Quo(v, M)
		}
	}
	sE.b = new(big.Rat).Neg(new(big.Rat).Quo(cMid, M))
	var PE []*lin // partial output per coordinate (nil before the first block)
	L := len(hw) + 1
	blockAt := map[int]int{}
	for j, l := range chain {
		blockAt[l] = j
	}
	laterBlock := func(k int) bool { return chain[m-1] > k }
	var h0 int
	var steps []int
	prevDim := d.D
	var net cert.Network
	net.InputDim = d.D
	two := rat(2)
	for k := 1; k <= L-1; k++ {
		var units []*lin
		add := func(e *lin) int { units = append(units, e); return len(units) - 1 }
		carryP := func() []*lin {
			if PE == nil {
				return nil
			}
			q := make([]*lin, dy)
			for c := range q {
				q[c] = unitLin(add(PE[c].scaled(new(big.Rat).Inv(new(big.Rat).Mul(w[c], two)))))
				q[c] = q[c].scaled(new(big.Rat).Mul(w[c], two))
			}
			return q
		}
		if j, ok := blockAt[k]; ok {
			bl := blocks[j]
			steps = steps[:0]
			h0 = -1
			if len(bl.subs) > 0 || j < m-1 {
				h0 = add(sE.clone())
				for b := 0; b+1 < len(bl.subs); b++ {
					a := ratInt(pr.t[bl.subs[b][1]-1])
					e := sE.scaled(new(big.Rat).Mul(M, two))
					cst := new(big.Rat).Mul(cMid, two)
					cst.Sub(cst, new(big.Rat).Mul(a, two))
					cst.Sub(cst, rat(1))
					e.b.Add(e.b, cst)
					steps = append(steps, add(e))
				}
			}
			PE = carryP()
			if h0 >= 0 {
				sE = unitLin(h0)
			} else {
				sE = nil
			}
		} else if j, ok := blockAt[k-1]; ok {
			bl := blocks[j]
			var blockUnits [][]int // [c][k]
			if len(bl.subs) > 0 {
				blockUnits = make([][]int, dy)
				for c := 0; c < dy; c++ {
					for u := 0; u < mj[j]; u++ {
						sg := int64(altSign(u))
						alpha := new(big.Rat).Mul(M, rat(2*sg))
						I := make([]*big.Rat, len(bl.subs))
						for b, sb := range bl.subs {
							var s, r *big.Rat
							if pos := sb[0] + u; pos < sb[1] {
								s = ratInt(pr.t[pos])
								r = new(big.Rat).Sub(lab.y[pos][c], lo[c])
								r.Quo(r, w[c])
								r.Sub(r, rat(1))
							} else {
								s = new(big.Rat).Add(ratInt(pr.t[sb[1]-1]), big.NewRat(1, 2))
								r = new(big.Rat)
							}
							iv := new(big.Rat).Sub(cMid, s)
							iv.Mul(iv, rat(2*sg))
							I[b] = iv.Add(iv, r)
						}
						e := newLin()
						e.w[h0] = alpha
						gamma := new(big.Rat).Set(I[0])
						for b := 0; b+1 < len(I); b++ {
							beta := new(big.Rat).Sub(I[b+1], I[b])
							beta.Quo(beta, two)
							if beta.Sign() != 0 {
								e.w[steps[b]] = beta
							}
							gamma.Add(gamma, beta)
						}
						e.b = gamma
						blockUnits[c] = append(blockUnits[c], add(e))
					}
				}
			}
			var sc int
			if j < m-1 {
				sc = add(unitLin(h0))
			}
			q := carryP()
			if q == nil {
				q = make([]*lin, dy)
				for c := range q {
					q[c] = newLin()
				}
			}
			for c := range blockUnits {
				for _, u := range blockUnits[c] {
					q[c].w[u] = new(big.Rat).Set(w[c])
				}
			}
			PE = q
			if j < m-1 {
				sE = unitLin(sc)
			} else {
				sE = nil
			}
		} else {
			if sE != nil && laterBlock(k) {
				sE = unitLin(add(sE.clone()))
			} else {
				sE = nil
			}
			PE = carryP()
		}
		if len(units) > hwb[k-1] {
			if relu && widths[k-1] == 1 {
				return nil, fitErr(fmt.Sprintf("layer %d has one ReLU, which carries one value, but needs %d", k, len(units)))
			}
			return nil, fmt.Errorf("%s: internal error: layer %d needs %d units, has %d", method, k, len(units), hwb[k-1])
		}
		ly := layer(prevDim, hwb[k-1], cert.ActHardTanh)
		for u, e := range units {
			e.into(&ly, u)
		}
		net.Layers = append(net.Layers, ly)
		prevDim = hwb[k-1]
	}
	out := layer(prevDim, dy, cert.ActIdentity)
	for c := 0; c < dy; c++ {
		e := PE[c].clone()
		e.b.Add(e.b, lo[c])
		e.into(&out, c)
	}
	if classify {
		// s = out's row·h + bias, an integer class index: g_a = σ_H(2(s − a) − 1).
		last := allWidths[len(allWidths)-1]
		if relu {
			last /= 2
		}
		C := d.Classes
		oh := layer(prevDim, last, cert.ActHardTanh)
		for a := 0; a < C-1; a++ {
			for k, v := range out.W[0] {
				if v.Sign() != 0 {
					oh.W[a][k] = new(big.Rat).Mul(v, two)
				}
			}
			b := new(big.Rat).Mul(out.B[0], two)
			oh.B[a] = b.Sub(b, rat(int64(2*a+1)))
		}
		net.Layers = append(net.Layers, oh)
		out = layer(last, C, cert.ActIdentity)
		half := big.NewRat(1, 2)
		for c := 0; c < C; c++ {
			if c == 0 {
				out.B[c] = new(big.Rat).Set(half) // g_{−1} = 1
			} else {
				out.W[c][c-1] = half
			}
			if c == C-1 {
				out.B[c] = new(big.Rat).Add(out.B[c], half) // −g_{C−1} = 1
			} else {
				out.W[c][c] = new(big.Rat).Neg(half)
			}
		}
	}
	net.Layers = append(net.Layers, out)
	built := &net
	if relu {
		built = hardTanhAsReLU(&net, allWidths)
	}
	actName := "relu"
	if !relu {
		actName = "hardtanh"
	}
	var used []string
	for j := range chain {
		used = append(used, fmt.Sprintf("l_%d = %d: %d points in %d sub-blocks of ≤ %d", j+1, chain[j], countPts(blocks[j].subs), len(blocks[j].subs), mj[j]))
	}
	name := "Yun, Sra, Jadbabaie 2019, Proposition 3.4 (ReLU, twice the widths)"
	if !relu {
		name = "Yun, Sra, Jadbabaie 2019, Proposition 3.4 (hard-tanh)"
	}
	if classify {
		name = strings.Replace(name, "3.4 (", "3.4, classification with one more layer (", 1)
	}
	mt := meta{method: method, theorem: theorem, name: name, reference: yunRef,
		params: map[string]string{"activation": actName, "chain": intsString(chain), "capacity": fmt.Sprint(capacity),
			"projection_max_entry": fmt.Sprint(pr.K)},
		notes: []string{"Blocks on the chain (" + intsString(chain) + "): " + strings.Join(used, "; ") + "."},
	}
	res, err := finish(d, built, &o, mt, p)
	if err != nil {
		return nil, err
	}
	res.Summary.ProjectionK, res.Summary.Blocks, res.Summary.BlockCapacity = pr.K, m, capacity
	return res, nil
}

// yunDeepDefault is the default architecture: four hidden layers of one width (doubled
// for ReLU), the least that the hypothesis holds for.
func yunDeepDefault(n, dy int, relu bool) []int {
	for w := dy + 2; ; w++ {
		hw := []int{w, w, w, w}
		if _, sum := theorems.Prop34Chain(hw, dy); 4*sum >= int64(n) {
			if relu {
				w *= 2
			}
			return []int{w, w, w, w}
		}
	}
}

func countPts(subs [][2]int) int {
	s := 0
	for _, b := range subs {
		s += b[1] - b[0]
	}
	return s
}

func intsString(v []int) string {
	s := make([]string, len(v))
	for i, x := range v {
		s[i] = fmt.Sprint(x)
	}
	return strings.Join(s, ",")
}

// lin is an affine expression over the previous layer's outputs (or the input).
type lin struct {
	w map[int]*big.Rat
	b *big.Rat
}

func newLin() *lin { return &lin{w: map[int]*big.Rat{}, b: new(big.Rat)} }

func unitLin(u int) *lin {
	e := newLin()
	e.w[u] = rat(1)
	return e
}

func (e *lin) clone() *lin {
	f := newLin()
	for k, v := range e.w {
		f.w[k] = new(big.Rat).Set(v)
	}
	f.b.Set(e.b)
	return f
}

func (e *lin) scaled(r *big.Rat) *lin {
	f := newLin()
	for k, v := range e.w {
		f.w[k] = new(big.Rat).Mul(v, r)
	}
	f.b.Mul(e.b, r)
	return f
}

// into writes e as unit u's row and bias of l.
func (e *lin) into(l *cert.Layer, u int) {
	keys := make([]int, 0, len(e.w))
	for k := range e.w {
		keys = append(keys, k)
	}
	sort.Ints(keys)
	for _, k := range keys {
		if e.w[k].Sign() != 0 {
			l.W[u][k] = e.w[k]
		}
	}
	l.B[u] = e.b
}

// hardTanhAsReLU writes each hard-tanh unit σ_H(z) of n's hidden layers as the ReLU pair
// σ(z + 1), σ(z − 1) (σ_H(z) = σ(z + 1) − σ(z − 1) − 1), the −1 folded into the next
// layer's bias; hidden layer k gets widths[k] units (the extra one, for an odd width, zero).
// A layer of width 1 has one hard-tanh unit whose pre-activation z lies in [−1, 1] on the
// data (a carry): it becomes the single ReLU σ(z + 1), read as σ_H(z) + 1.
func hardTanhAsReLU(n *cert.Network, widths []int) *cert.Network {
	out := &cert.Network{InputDim: n.InputDim}
	prevOrig, prevNew := n.InputDim, n.InputDim
	converted, single := false, false
	for li, l := range n.Layers {
		hidden := li < len(n.Layers)-1
		units := l.Out()
		// Re-express the rows over the converted previous layer.
		W := make([][]*big.Rat, units)
		B := make([]*big.Rat, units)
		for v := 0; v < units; v++ {
			W[v] = zeros(prevNew)
			B[v] = new(big.Rat).Set(l.B[v])
			for u := 0; u < prevOrig; u++ {
				x := l.W[v][u]
				if x.Sign() == 0 {
					continue
				}
				if single {
					W[v][u] = x
					B[v].Sub(B[v], x)
				} else if converted {
					W[v][2*u] = x
					W[v][2*u+1] = new(big.Rat).Neg(x)
					B[v].Sub(B[v], x)
				} else {
					W[v][u] = x
				}
			}
		}
		if !hidden {
			out.Layers = append(out.Layers, cert.Layer{W: W, B: B, Act: l.Act})
			break
		}
		nl := layer(prevNew, widths[li], cert.ActReLU)
		if widths[li] == 1 {
			// One carry with pre-activation z ∈ [−1, 1] on the data: σ(z + 1) = σ_H(z) + 1.
			nl.W[0], nl.B[0] = W[0], new(big.Rat).Add(B[0], rat(1))
			out.Layers = append(out.Layers, nl)
			prevOrig, prevNew, converted, single = units, 1, true, true
			continue
		}
		for v := 0; v < units; v++ {
			nl.W[2*v], nl.W[2*v+1] = W[v], append([]*big.Rat(nil), W[v]...)
			nl.B[2*v] = new(big.Rat).Add(B[v], rat(1))
			nl.B[2*v+1] = new(big.Rat).Sub(B[v], rat(1))
		}
		out.Layers = append(out.Layers, nl)
		prevOrig, prevNew, converted, single = units, widths[li], true, false
	}
	return out
}
