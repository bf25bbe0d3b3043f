package theorems

// The theorems of the deep, sublinear-parameter constructions: Park, Lee, Yun, Shin 2021
// and Vardi, Yehudai, Shamir 2022.
//
// These theorems speak of the data (Park: the Δ-separation of the inputs; Vardi: the
// radius r and the separation δ) and promise sizes that grow with log Δ or log R, so the
// kernel computes those quantities from the certificate's dataset and evaluates the
// paper's bounds — with the constants the papers leave hidden stated in the hypothesis
// text — against the built network. The hypothesis of each id is therefore "the network
// is within the theorem's bounds for this data" and hypothesis_holds is its truth value
// (exceeds_theorem = the network is outside them). The "promised" sizes of a theorem
// claim can only depend on N, d_x, d_y and the hidden widths; for these ids
// they are the architecture the theorem promises at the built depth: width 12 (Vardi
// Thm 3.1), 3 (Park Thm 2), i.e. hidden units ≤ 12·(depth − 1) or 3·(depth − 1).
//
// Vardi Thm 6.2 is a trade-off between depth and bit complexity "for every budget B";
// the claim takes B to be the network's own bit complexity (max_bits, which the kernel
// recomputes) and checks that the depth and parameters lie within the bound at that B.
// That max_bits is at most a budget a user asked for is read off the certificate's sizes
// claim (exact) and enforced by the construction.
//
// Data quantities. With the inputs x_i (distinct ones; duplicates share a label):
//
//	r²  = max ‖x_i‖²                       (exact)
//	δ²  = min_{i≠j} ‖x_i − x_j‖²           (exact when N²·d ≤ 10⁹, else the lower bound
//	                                        1/q² with q the largest coordinate denominator:
//	                                        distinct points differ by ≥ 1/q somewhere)
//	D²  = max_{i≠j} ‖x_i − x_j‖²           (exact when affordable, else the squared
//	                                        diagonal of the bounding box, an upper bound)
//
// The numbers above and below appear in the text of a claim's first comparison (for the
// reader); the comparisons themselves are the size bounds.
//
// λ_R = the least k with R ≤ 2^k, R = 10·r·N²·√(π·d)/δ, decided exactly as
// 100·r²·N⁴·(355/113)·d ≤ 4^k·δ² (π < 355/113, so λ_R bounds log₂ R from above);
// λ_Δ = the least k with D² < 4^k·δ² (the data is 2^{λ_Δ}-separated);
// ℓN = ⌈log₂ N⌉, ℓC = ⌈log₂ C⌉ (C = classes; 2 for regression), ℓd = ⌈log₂ d⌉, and
// √ rounded up (integer square root).

import (
	"fmt"
	"math/big"
	"runtime"
	"slices"
	"sync"

	"certify/cert"
)

func deepTheorem(id string) theorem {
	switch id {
	case "vardi2022-thm3.1":
		return theorem{
			statement: "‖x_i‖ ≤ r, ‖x_i−x_j‖ ≥ δ (i≠j), labels in [C]; bounds with our constants: width ≤ 12, " +
				"depth ≤ 2⌈√N⌉·ℓN + 2⌈√(N/⌊log₂N⌋)⌉·max(λ_R, ℓC) + 8, max_bits ≤ 2⌈√(N/⌊log₂N⌋)⌉·max(λ_R, ℓC) + ℓd + 8",
			shape:   deepShape,
			hyp:     func(c *cert.Certificate, in cert.TheoremInstance) []cert.Comparison { return vardiHyp(c, in, false) },
			promise: widthPromise(12),
		}
	case "vardi2022-thm5.1":
		return theorem{
			statement: "‖x_i‖ ≤ r, ‖x_i−x_j‖ ≥ δ (i≠j), labels in [C]; depth L ≤ Thm 3.1's depth bound; bounds with our " +
				"constants: width ≤ 12·⌈8N·(max(λ_R, ℓC) + 2)/L²⌉, non-zero weights ≤ 160·L·⌈8N·(max(λ_R, ℓC) + 2)/L²⌉ + d",
			shape:   deepShape,
			hyp:     func(c *cert.Certificate, in cert.TheoremInstance) []cert.Comparison { return vardiHyp(c, in, true) },
			promise: func(in cert.TheoremInstance) cert.TheoremSizes { return widthPromise(maxInts(in.Widths))(in) },
		}
	case "vardi2022-thm6.2":
		return theorem{
			statement: "‖x_i‖ ≤ r, ‖x_i−x_j‖ ≥ δ (i≠j), labels in [C]; B = max_bits of the network; bounds with our " +
				"constants: width ≤ 12, depth ≤ ⌈2N·(max(λ_R, ℓC) + 2)/(B − 3)⌉ + 2B + 8, parameters ≤ 156·(that depth bound) + 12(d + 1)",
			shape:   deepShape,
			hyp:     vardiBitsHyp,
			promise: widthPromise(12),
		}
	case "park2021-thm2":
		return theorem{
			statement: "x_1..x_N Δ-separated (max‖x_i−x_j‖ < Δ·min‖x_i−x_j‖), labels in [C]; bounds with our constants: " +
				"width ≤ 3, hidden layers ≤ 4·(ℓd + λ_Δ + 2ℓN) + 24·⌈N^{2/3}⌉·(ℓC + 1) + 16",
			shape:   deepShape,
			hyp:     parkHyp(false),
			promise: widthPromise(3),
		}
	}
	return theorem{ // park2021-thm1
		statement: "x_1..x_N Δ-separated (max‖x_i−x_j‖ < Δ·min‖x_i−x_j‖), labels in [C]; Thm 1 at w = 2/3, bounds with " +
			"our constants: hidden layers ≤ 4·(ℓd + λ_Δ + 2ℓN) + 24·⌈N^{2/3}⌉·(ℓC + 1) + 16, " +
			"parameters ≤ 4d + 8·(λ_Δ + ℓd + 2ℓN) + 64·⌈N^{2/3}⌉·(ℓC + 1)",
		shape: deepShape,
		hyp:   parkHyp(true),
		promise: func(in cert.TheoremInstance) cert.TheoremSizes {
			return widthPromise(maxInts(in.Widths))(in)
		},
	}
}

func maxInts(v []int) int {
	m := 0
	for _, x := range v {
		m = max(m, x)
	}
	return m
}

// widthPromise promises width w at the built depth.
func widthPromise(w int) func(in cert.TheoremInstance) cert.TheoremSizes {
	return func(in cert.TheoremInstance) cert.TheoremSizes {
		return promise(len(in.Widths)+1, w*len(in.Widths))
	}
}

// deepShape: ReLU, step or identity hidden units (ReLU-only by default; the native
// STEP + ID form is Park et al.'s own network), identity output, one output.
func deepShape(c *cert.Certificate) string {
	n := c.Network
	for li := range n.Layers {
		for j, a := range n.Layers[li].Act {
			last := li == len(n.Layers)-1
			switch {
			case last && a.Kind != cert.ActIdentity:
				return fmt.Sprintf("network.layers[%d] unit %d: the output is identity", li, j)
			case !last && a.Kind != cert.ActReLU && a.Kind != cert.ActStep && a.Kind != cert.ActIdentity:
				return fmt.Sprintf("network.layers[%d] unit %d has activation %s; the theorem builds ReLU (or STEP + ID) networks", li, j, a)
			}
		}
	}
	if n.OutputDim() != 1 {
		return "the construction outputs the class index (one output)"
	}
	return ""
}

// DataGeometry are the squared radius and the squared smallest and largest distances
// between distinct inputs (see the comment at the top of this file).
type DataGeometry struct {
	R2, Min2, Max2 *big.Rat
	Exact          bool // Min2 and Max2 are exact (else a lower and an upper bound)
}

// pairBudget bounds N²·d for the exact pairwise pass.
const pairBudget = 1_000_000_000

// Geometry computes the data quantities the deep theorems speak of.
func Geometry(d *cert.Dataset) DataGeometry {
	// Distinct points only.
	dup := make(map[int]bool, len(d.Duplicates))
	for _, p := range d.Duplicates {
		dup[p[1]] = true
	}
	var idx []int
	for i := 0; i < d.N; i++ {
		if !dup[i] {
			idx = append(idx, i)
		}
	}
	g := DataGeometry{R2: new(big.Rat), Min2: new(big.Rat), Max2: new(big.Rat)}
	n := len(idx)
	if den, ok := d.IntDenom(); ok {
		row := make([]int64, d.D)
		lo := slices.Clone(d.IntRow(idx[0], row))
		hi := slices.Clone(lo)
		r2 := new(big.Int)
		t := new(big.Int)
		for _, i := range idx {
			s := new(big.Int)
			for k, v := range d.IntRow(i, row) {
				t.SetInt64(v)
				s.Add(s, t.Mul(t, t))
				lo[k], hi[k] = min(lo[k], v), max(hi[k], v)
			}
			if s.Cmp(r2) > 0 {
				r2 = s
			}
		}
		den2 := new(big.Int).Mul(big.NewInt(den), big.NewInt(den))
		g.R2.SetFrac(r2, den2)
		if n < 2 {
			g.Exact = true
			return g
		}
		// Can squared differences be summed in int64? max diff² · d < 2^62.
		var span int64
		safe := true
		for k := range lo {
			if hi[k]-lo[k] < 0 || hi[k]-lo[k] > 1<<30 {
				safe = false
			}
			span = max(span, hi[k]-lo[k])
		}
		safe = safe && span > 0 && span*span <= (int64(1)<<62)/int64(d.D)
		if safe && float64(n)*float64(n)*float64(d.D) <= pairBudget {
			mn, mx := pairwiseInt(d, idx)
			g.Min2.SetFrac(big.NewInt(mn), den2)
			g.Max2.SetFrac(big.NewInt(mx), den2)
			g.Exact = true
			return g
		}
		box := new(big.Int)
		for k := range lo {
			t.SetInt64(hi[k] - lo[k])
			box.Add(box, t.Mul(t, t))
		}
		g.Min2.SetFrac(big.NewInt(1), den2)
		g.Max2.SetFrac(box, den2)
		return g
	}
	// General rationals: exact pairwise pass in big.Rat when affordable.
	pts := make([][]*big.Rat, n)
	for a, i := range idx {
		pts[a] = d.Input(i)
	}
	sq := func(x []*big.Rat) *big.Rat {
		s, t := new(big.Rat), new(big.Rat)
		for _, v := range x {
			s.Add(s, t.Mul(v, v))
		}
		return s
	}
	for _, x := range pts {
		if s := sq(x); s.Cmp(g.R2) > 0 {
			g.R2 = s
		}
	}
	if n < 2 {
		g.Exact = true
		return g
	}
	if float64(n)*float64(n)*float64(d.D) <= pairBudget/100 {
		first := true
		diff := make([]*big.Rat, d.D)
		for k := range diff {
			diff[k] = new(big.Rat)
		}
		for a := 0; a < n; a++ {
			for b := a + 1; b < n; b++ {
				for k := range diff {
					diff[k].Sub(pts[a][k], pts[b][k])
				}
				s := sq(diff)
				if first || s.Cmp(g.Min2) < 0 {
					g.Min2 = s
				}
				if first || s.Cmp(g.Max2) > 0 {
					g.Max2 = s
				}
				first = false
			}
		}
		g.Exact = true
		return g
	}
	q := big.NewInt(1)
	box := new(big.Rat)
	for k := 0; k < d.D; k++ {
		lo, hi := pts[0][k], pts[0][k]
		for _, x := range pts {
			if x[k].Denom().Cmp(q) > 0 {
				q = x[k].Denom()
			}
			if x[k].Cmp(lo) < 0 {
				lo = x[k]
			}
			if x[k].Cmp(hi) > 0 {
				hi = x[k]
			}
		}
		t := new(big.Rat).Sub(hi, lo)
		box.Add(box, t.Mul(t, t))
	}
	g.Min2.SetFrac(big.NewInt(1), new(big.Int).Mul(q, q))
	g.Max2 = box
	return g
}

// pairwiseInt returns the smallest and largest squared distance between the points idx
// of d (stored as integers), in parallel.
func pairwiseInt(d *cert.Dataset, idx []int) (int64, int64) {
	n := len(idx)
	workers := runtime.GOMAXPROCS(0)
	mins := make([]int64, workers)
	maxs := make([]int64, workers)
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			mn, mx := int64(-1), int64(0)
			xa, xb := make([]int64, d.D), make([]int64, d.D)
			for a := w; a < n; a += workers {
				xa = d.IntRow(idx[a], xa)
				for b := a + 1; b < n; b++ {
					xb = d.IntRow(idx[b], xb)
					var s int64
					for k, v := range xa {
						t := v - xb[k]
						s += t * t
					}
					if mn < 0 || s < mn {
						mn = s
					}
					mx = max(mx, s)
				}
			}
			mins[w], maxs[w] = mn, mx
		}(w)
	}
	wg.Wait()
	mn, mx := int64(-1), int64(0)
	for w := range mins {
		if mins[w] >= 0 && (mn < 0 || mins[w] < mn) {
			mn = mins[w]
		}
		mx = max(mx, maxs[w])
	}
	return mn, mx
}

// leastPow4 is the least k ≥ 0 with lhs ≤ 4^k·rhs (strict: lhs < 4^k·rhs); 0 when rhs ≤ 0
// (a single point: no pair, nothing to separate).
func leastPow4(lhs, rhs *big.Rat, strict bool) int {
	if rhs.Sign() <= 0 || lhs.Sign() <= 0 {
		return 0
	}
	q := new(big.Rat).Quo(lhs, rhs)
	holds := func(k int) bool { // q ≤ 4^k (or <)
		p := new(big.Rat).SetInt(new(big.Int).Lsh(big.NewInt(1), uint(2*k)))
		c := q.Cmp(p)
		return c < 0 || (c == 0 && !strict)
	}
	// Start near log₄ q from the bit lengths and step to the least k.
	k := max(0, (q.Num().BitLen()-q.Denom().BitLen())/2-1)
	for k > 0 && holds(k-1) {
		k--
	}
	for !holds(k) {
		k++
	}
	return k
}

func ceilLog2Int(n int64) int {
	k := 0
	for int64(1)<<k < n {
		k++
	}
	return k
}

func floorLog2Int(n int64) int {
	k := 0
	for int64(1)<<(k+1) <= n {
		k++
	}
	return k
}

// ceilSqrt is ⌈√(p/q)⌉ for p ≥ 0, q > 0.
func ceilSqrt(p, q int64) int64 {
	// least s with s²·q ≥ p
	s := new(big.Int).Sqrt(big.NewInt(p / max(q, 1)))
	v := s.Int64()
	for v*v*q < p {
		v++
	}
	for v > 0 && (v-1)*(v-1)*q >= p {
		v--
	}
	return v
}

// ceilPow23 is ⌈N^{2/3}⌉: the least s with s³ ≥ N².
func ceilPow23(n int64) int64 {
	n2 := new(big.Int).Mul(big.NewInt(n), big.NewInt(n))
	s := int64(1)
	for {
		c := new(big.Int).Exp(big.NewInt(s), big.NewInt(3), nil)
		if c.Cmp(n2) >= 0 {
			return s
		}
		s++
	}
}

func classesOf(d *cert.Dataset) int64 {
	if d.Task == cert.Classification {
		return int64(max(d.Classes, 2))
	}
	return 2
}

func geomText(g DataGeometry) string {
	how := "exact"
	if !g.Exact {
		how = "bounds: min ≥ 1/q², max ≤ bounding-box diagonal²"
	}
	return fmt.Sprintf("r² = %s, min‖x_i−x_j‖² = %s, max‖x_i−x_j‖² = %s (%s)", g.R2.RatString(), g.Min2.RatString(), g.Max2.RatString(), how)
}

// VardiLambdaR is λ_R for the dataset (see the top of this file).
func vardiLambdaR(g DataGeometry, N int64, dim int) int {
	lhs := new(big.Rat).Mul(g.R2, big.NewRat(100*355, 113))
	n4 := new(big.Int).Exp(big.NewInt(N), big.NewInt(4), nil)
	lhs.Mul(lhs, new(big.Rat).SetInt(n4))
	lhs.Mul(lhs, big.NewRat(int64(dim), 1))
	return leastPow4(lhs, g.Min2, false)
}

func vardiHyp(c *cert.Certificate, in cert.TheoremInstance, depthLimited bool) []cert.Comparison {
	d := c.Data
	g := Geometry(d)
	N := int64(max(in.N, 1))
	C := classesOf(d)
	lR := vardiLambdaR(g, N, d.D)
	lN, lC, ld := ceilLog2Int(N), ceilLog2Int(C), ceilLog2Int(int64(d.D))
	fl := int64(max(floorLog2Int(N), 1))
	sqN := ceilSqrt(N, 1)
	sqNl := ceilSqrt(N, fl)
	lam := int64(max(lR, lC))
	depthB := 2*sqN*int64(lN) + 2*sqNl*lam + 8
	bitsB := 2*sqNl*lam + int64(ld) + 8
	s := c.Network.ComputeSizes()
	width := int64(maxInts(s.Widths))
	L := int64(s.Depth)
	head := fmt.Sprintf(" (N = %d, d = %d, C = %d, %s; λ_R = %d, ℓN = %d, ℓC = %d, ℓd = %d)", N, d.D, C, geomText(g), lR, lN, lC, ld)
	if !depthLimited {
		return []cert.Comparison{
			cmp("width ≤ 12"+head, width, "<=", 12),
			cmp("depth ≤ 2⌈√N⌉·ℓN + 2⌈√(N/⌊log₂N⌋)⌉·max(λ_R, ℓC) + 8", L, "<=", depthB),
			cmp("max_bits ≤ 2⌈√(N/⌊log₂N⌋)⌉·max(λ_R, ℓC) + ℓd + 8", int64(s.MaxBits), "<=", bitsB),
		}
	}
	k := (8*N*(lam+2) + L*L - 1) / (L * L)
	return []cert.Comparison{
		cmp("depth L ≤ 2⌈√N⌉·ℓN + 2⌈√(N/⌊log₂N⌋)⌉·max(λ_R, ℓC) + 8"+head, L, "<=", depthB),
		cmp("width ≤ 12·⌈8N·(max(λ_R, ℓC) + 2)/L²⌉", width, "<=", 12*k),
		cmp("non-zero weights ≤ 160·L·⌈8N·(max(λ_R, ℓC) + 2)/L²⌉ + d", s.NonzeroWeights, "<=", 160*L*k+int64(d.D)),
	}
}

// vardiBitsHyp is Theorem 6.2's trade-off at the network's own bit complexity B: the
// depth is at most ⌈2N·(λ + 2)/(B − 3)⌉ + 2B + 8 (B ≤ 3 leaves no room for a group word:
// the bound is then 0 and fails).
func vardiBitsHyp(c *cert.Certificate, in cert.TheoremInstance) []cert.Comparison {
	d := c.Data
	g := Geometry(d)
	N := int64(max(in.N, 1))
	C := classesOf(d)
	lR := vardiLambdaR(g, N, d.D)
	lC := ceilLog2Int(C)
	lam := int64(max(lR, lC))
	s := c.Network.ComputeSizes()
	B := int64(s.MaxBits)
	var depthB int64
	if B > 3 {
		depthB = (2*N*(lam+2)+B-4)/(B-3) + 2*B + 8
	}
	head := fmt.Sprintf(" (N = %d, d = %d, C = %d, %s; λ_R = %d, ℓC = %d; B = max_bits = %d)", N, d.D, C, geomText(g), lR, lC, B)
	return []cert.Comparison{
		cmp("width ≤ 12"+head, int64(maxInts(s.Widths)), "<=", 12),
		cmp("depth ≤ ⌈2N·(max(λ_R, ℓC) + 2)/(B − 3)⌉ + 2B + 8", int64(s.Depth), "<=", depthB),
		cmp("parameters ≤ 156·(⌈2N·(max(λ_R, ℓC) + 2)/(B − 3)⌉ + 2B + 8) + 12(d + 1)", s.Parameters, "<=", 156*depthB+12*int64(d.D+1)),
	}
}

func parkHyp(thm1 bool) func(c *cert.Certificate, in cert.TheoremInstance) []cert.Comparison {
	return func(c *cert.Certificate, in cert.TheoremInstance) []cert.Comparison {
		d := c.Data
		g := Geometry(d)
		N := int64(max(in.N, 1))
		C := classesOf(d)
		lD := 0
		if N >= 2 {
			lD = leastPow4(g.Max2, g.Min2, true)
		}
		lN, lC, ld := ceilLog2Int(N), ceilLog2Int(C), ceilLog2Int(int64(d.D))
		n23 := ceilPow23(N)
		s := c.Network.ComputeSizes()
		width := int64(maxInts(s.Widths[:len(s.Widths)-1]))
		hidden := int64(s.Depth - 1)
		// Park et al. count STEP + ID layers; the ReLU form has two layers for each.
		hB := 4*int64(ld+lD+2*lN) + 24*n23*int64(lC+1) + 16
		head := fmt.Sprintf(" (N = %d, d = %d, C = %d, %s; Δ = 2^%d, ℓN = %d, ℓC = %d, ℓd = %d, ⌈N^{2/3}⌉ = %d)",
			N, d.D, C, geomText(g), lD, lN, lC, ld, n23)
		hidText := "hidden layers ≤ 4·(ℓd + λ_Δ + 2ℓN) + 24·⌈N^{2/3}⌉·(ℓC + 1) + 16"
		if !thm1 {
			return []cert.Comparison{cmp("width ≤ 3"+head, width, "<=", 3), cmp(hidText, hidden, "<=", hB)}
		}
		pB := 4*int64(d.D) + 8*int64(lD+ld+2*lN) + 64*n23*int64(lC+1)
		return []cert.Comparison{
			cmp(hidText+head, hidden, "<=", hB),
			cmp("parameters ≤ 4d + 8·(λ_Δ + ℓd + 2ℓN) + 64·⌈N^{2/3}⌉·(ℓC + 1)", s.Parameters, "<=", pB),
		}
	}
}
