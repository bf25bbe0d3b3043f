package theorems

// Yun, Sra, Jadbabaie 2019: Corollary 4.2 for hard-tanh (the ReLU entry is in table.go),
// Proposition 3.4, deeper and narrower networks, hard-tanh and ReLU, and the hidden-unit
// count of Theorem 4.1 (residual networks; promise only, see yunTheorem).
//
// Proposition 3.4 (hard-tanh): an L-layer FNN (widths d_1 … d_{L−1}, d_L = d_y) memorises
// any N distinct points if there are indices l_1 < … < l_m in [1, L−2] with
// l_j + 1 < l_{j+1} and
//
//	4 Σ_j ⌊(d_{l_j} − r_j)/2⌋ ⌊(d_{l_j+1} − r_j)/(2d_y)⌋ ≥ N,  r_j = d_y·1{j > 1} + 1{j < m},
//	d_k ≥ d_y + 1 for l_j + 2 ≤ k ≤ l_{j+1} − 1,   d_k ≥ d_y for l_m + 2 ≤ k ≤ L − 1.
//
// (The r_j are the units that carry the input and the partial output past block j; with
// m = 1 the condition is Theorem 3.1's.) The ReLU version is the same with every width
// halved (⌊d_k/2⌋ in place of d_k): a hard-tanh unit is two ReLUs. The hypothesis is an
// existence statement over index sets; the table decides it by choosing, with Prop34Chain,
// the admissible chain with the largest sum (the first such, scanning l_1 upwards), and
// states that chain's comparisons, naming the l_j in the text. A chain is admissible when
// every floor in its sum has a non-negative argument and the width conditions hold; with
// no admissible chain the hypothesis is the false comparison "admissible chains ≥ 1".
// Promise: the architecture itself, depth L and Σ d_k hidden units (the proposition is
// about given widths).

import (
	"fmt"
	"strings"

	"certify/cert"
)

// yunTheorem is the table entry of the ids of this file ("", false when id is not one).
func yunTheorem(id string) (theorem, bool) {
	switch id {
	case "yun2019-cor4.2-hardtanh":
		return cor42Theorem(2, cert.ActHardTanh), true
	case "yun2019-prop3.4-classify-hardtanh", "yun2019-prop3.4-classify-relu":
		relu := id == "yun2019-prop3.4-classify-relu"
		act, q := cert.ActHardTanh, 2
		if relu {
			act, q = cert.ActReLU, 4
		}
		return theorem{
			statement: fmt.Sprintf("one-hot classes (our reading of the corollary in the paper's Appendix A): Prop 3.4's conditions for d_y = 1 on "+
				"the first L − 2 hidden layers and d_{L−1} ≥ %dd_y", q),
			shape: func(c *cert.Certificate) string {
				if len(c.Network.Layers) < 4 {
					return fmt.Sprintf("the classification variant has at least 4 layers; this network has %d", len(c.Network.Layers))
				}
				if c.Data.Task != cert.Classification || c.Network.OutputDim() != c.Data.Classes {
					return fmt.Sprintf("the classification variant is one-hot: one output per class (%d outputs, %d classes)", c.Network.OutputDim(), c.Data.Classes)
				}
				return hiddenActs(c, act)
			},
			hyp: func(_ *cert.Certificate, in cert.TheoremInstance) []cert.Comparison {
				k := len(in.Widths)
				sub := in
				sub.Widths, sub.DY = in.Widths[:k-1], 1
				out := prop34Hyp(sub, relu)
				last, text := int64(in.Widths[k-1]), fmt.Sprintf("d_%d ≥ 2d_y (the one-hot layer)", k)
				if relu {
					last, text = last/2, fmt.Sprintf("⌊d_%d/2⌋ ≥ 2d_y (the one-hot layer)", k)
				}
				return append(out, cmp(text, last, ">=", 2*int64(in.DY)))
			},
			promise: allHidden,
		}, true
	case "yun2019-prop3.4-hardtanh", "yun2019-prop3.4-relu":
		relu := id == "yun2019-prop3.4-relu"
		act, half := cert.ActHardTanh, ""
		if relu {
			act, half = cert.ActReLU, " with every width halved (⌊d_k/2⌋)"
		}
		return theorem{
			statement: "indices l_1 < … < l_m in [L−2], l_j + 1 < l_{j+1}: 4Σ_j⌊(d_{l_j} − r_j)/2⌋⌊(d_{l_j+1} − r_j)/(2d_y)⌋ ≥ N, " +
				"r_j = d_y·1{j>1} + 1{j<m}; d_k ≥ d_y + 1 between blocks, d_k ≥ d_y after the last" + half,
			shape: func(c *cert.Certificate) string {
				if len(c.Network.Layers) < 3 {
					return fmt.Sprintf("Prop 3.4 is about networks of at least 3 layers; this one has %d", len(c.Network.Layers))
				}
				return hiddenActs(c, act)
			},
			hyp:     func(_ *cert.Certificate, in cert.TheoremInstance) []cert.Comparison { return prop34Hyp(in, relu) },
			promise: allHidden,
		}, true
	}
	return theorem{}, false
}

// Prop34Chain is the chain of block indices (1-based hidden layers l_1 < … < l_m) that
// the table evaluates Prop 3.4's hypothesis on, for hidden widths w (already halved for
// ReLU) and d_y outputs: the admissible chain with the largest sum
// Σ_j ⌊(d_{l_j} − r_j)/2⌋⌊(d_{l_j+1} − r_j)/(2d_y)⌋ (the first found), and that sum. It
// returns nil when no chain is admissible. Producers use it to build on the same chain.
func Prop34Chain(w []int, dy int) ([]int, int64) {
	L := len(w) + 1 // layers; hidden layers 1..L−1, w[k−1] = d_k
	d := func(k int) int { return w[k-1] }
	val := func(l int, first, last bool) (int64, bool) {
		r := 0
		if !first {
			r += dy
		}
		if !last {
			r++
		}
		a, b := d(l)-r, d(l+1)-r
		if a < 0 || b < 0 {
			return 0, false
		}
		return int64(a/2) * int64(b/(2*dy)), true
	}
	carries := func(from, to, need int) bool { // layers from..to all ≥ need
		for k := from; k <= to; k++ {
			if d(k) < need {
				return false
			}
		}
		return true
	}
	type best struct {
		ok    bool
		sum   int64
		chain []int
	}
	// memo[l][first]: the best chain starting with a block at l.
	memo := make([][2]*best, L)
	var solve func(l int, first bool) best
	solve = func(l int, first bool) best {
		fi := 0
		if first {
			fi = 1
		}
		if m := memo[l][fi]; m != nil {
			return *m
		}
		var b best
		if v, ok := val(l, first, true); ok && carries(l+2, L-1, dy) {
			b = best{ok: true, sum: v, chain: []int{l}}
		}
		if v, ok := val(l, first, false); ok {
			for n := l + 2; n <= L-2; n++ {
				if !carries(l+2, n-1, dy+1) {
					break
				}
				if r := solve(n, false); r.ok && (!b.ok || v+r.sum > b.sum) {
					b = best{ok: true, sum: v + r.sum, chain: append([]int{l}, r.chain...)}
				}
			}
		}
		memo[l][fi] = &b
		return b
	}
	var out best
	for l := 1; l <= L-2; l++ {
		if r := solve(l, true); r.ok && (!out.ok || r.sum > out.sum) {
			out = r
		}
	}
	if !out.ok {
		return nil, 0
	}
	return out.chain, out.sum
}

// Prop34Widths is the widths Prop 3.4's conditions are read on: the hidden widths, or
// for ReLU each halved.
func Prop34Widths(widths []int, relu bool) []int {
	w := append([]int(nil), widths...)
	if relu {
		for k := range w {
			w[k] /= 2
		}
	}
	return w
}

func prop34Hyp(in cert.TheoremInstance, relu bool) []cert.Comparison {
	w := Prop34Widths(in.Widths, relu)
	dk := func(k string) string { // how width d_k is read
		if relu {
			return "⌊d_" + k + "/2⌋"
		}
		return "d_" + k
	}
	chain, sum := Prop34Chain(w, in.DY)
	if chain == nil {
		return []cert.Comparison{cmp("admissible chains of block indices (none: every chain has a negative floor or a narrow carrying layer) ≥ 1", 0, ">=", 1)}
	}
	names := make([]string, len(chain))
	for j, l := range chain {
		names[j] = fmt.Sprint(l)
	}
	L := len(w) + 1
	out := []cert.Comparison{cmp(fmt.Sprintf("4Σ_j⌊(%s − r_j)/2⌋⌊(%s − r_j)/(2d_y)⌋ ≥ N with (l_1, …, l_m) = (%s)", dk("{l_j}"), dk("{l_j+1}"), strings.Join(names, ", ")),
		4*sum, ">=", int64(in.N))}
	for j, l := range chain {
		to, need, plus := L-1, in.DY, ""
		if j+1 < len(chain) {
			to, need, plus = chain[j+1]-1, in.DY+1, " + 1"
		}
		for k := l + 2; k <= to; k++ {
			out = append(out, cmp(fmt.Sprintf("%s ≥ d_y%s (carrying past block l_%d = %d)", dk(fmt.Sprint(k)), plus, j+1, l), int64(w[k-1]), ">=", int64(need)))
		}
	}
	return out
}

// allHidden promises the instance's own depth and every hidden unit of its widths.
func allHidden(in cert.TheoremInstance) cert.TheoremSizes {
	s := 0
	for _, w := range in.Widths {
		s += w
	}
	return promise(len(in.Widths)+1, s)
}

// cor42Theorem is Cor 4.2's entry with q = 4 (ReLU) or 2 (hard-tanh): d1 ≥ qN/d_x + q·d_y,
// and of general position the part the kernel can refute cheaply: at most d_x distinct
// points on any hyperplane x_k = c (AxisPlaneMax; images whose pixel k is 0 on more than
// d_x of them are not in general position). The other hyperplanes are not evaluated here;
// the hyperplanes a construction uses are checked by its "hyperplanes" claim.
func cor42Theorem(q int64, act cert.ActKind) theorem {
	return theorem{
		statement: fmt.Sprintf("d1 ≥ %dN/d_x + %dd_y, data in general position (checked: at most d_x points on any hyperplane x_k = c; the other hyperplanes only where a hyperplanes claim lists them)", q, q),
		shape:     shapeCheck(2, act),
		hyp: func(c *cert.Certificate, in cert.TheoremInstance) []cert.Comparison {
			lhs := int64(in.DX) * int64(in.Widths[0])
			rhs := q*int64(in.N) + q*int64(in.DY)*int64(in.DX)
			return []cert.Comparison{
				cmp(fmt.Sprintf("d_x·d1 ≥ %dN + %dd_y·d_x", q, q), lhs, ">=", rhs),
				axisPlaneComparison(c.Data, in.DX),
			}
		},
		promise: func(in cert.TheoremInstance) cert.TheoremSizes {
			return promise(2, (int(q)*in.N+in.DX-1)/in.DX+int(q)*in.DY)
		},
	}
}
