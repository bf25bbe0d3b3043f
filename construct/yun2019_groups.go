package construct

import "sort"

// pickGroup chooses up to G points of class j not yet pushed for one block of yun-resnet.
// A hyperplane w·x = 1 holds at most as many linearly independent points as there are
// coordinates non-zero on one of them, so a group whose points are all 0 on a coordinate
// loses one point for it (images: pixels that are non-zero on a few images only). The
// group therefore first takes, rarest coordinate first, a point that is non-zero on each
// coordinate no point taken so far covers (coordinates non-zero on so many points that a
// group of G is all but sure to cover them are left to the fill), then fills up in index
// order. Taking one such point per group spreads a rare coordinate's points over the
// class's groups.
func pickGroup(xs []int64, D int, labels []int, done []bool, j, G int) []int {
	var R []int
	for k, l := range labels {
		if l == j && !done[k] {
			R = append(R, k)
		}
	}
	if len(R) <= G {
		return R
	}
	m := make([]int, D)
	for _, k := range R {
		for c, v := range xs[k*D : (k+1)*D] {
			if v != 0 {
				m[c]++
			}
		}
	}
	// Rare: fewer than 20 points expected in a group of G.
	var rare []int
	for c, mc := range m {
		if mc > 0 && mc*G < 20*len(R) {
			rare = append(rare, c)
		}
	}
	sort.SliceStable(rare, func(a, b int) bool { return m[rare[a]] < m[rare[b]] })
	covered := make([]bool, D)
	taken := make(map[int]bool, G)
	S := make([]int, 0, G)
	take := func(k int) {
		taken[k] = true
		S = append(S, k)
		for c, v := range xs[k*D : (k+1)*D] {
			if v != 0 {
				covered[c] = true
			}
		}
	}
	for _, c := range rare {
		if len(S) == G {
			break
		}
		if covered[c] {
			continue
		}
		for _, k := range R {
			if !taken[k] && xs[k*D+c] != 0 {
				take(k)
				break
			}
		}
	}
	for _, k := range R {
		if len(S) == G {
			break
		}
		if !taken[k] {
			take(k)
		}
	}
	return S
}

// planeBlocksLowerBound counts the blocks that groups on hyperplanes need at least: a set of
// affinely independent points on one hyperplane lies in the coordinate subspace of the
// z coordinates non-zero on one of them, so it has at most min(d_x, z + 1) points; over
// g disjoint groups of class j, coordinate c is non-zero in at most min(m_c, g) of them
// (m_c: the class's points non-zero on c), so g groups hold at most
// min(g·d_x, Σ_c min(m_c, g) + g) points, and the class needs the least g for which
// that reaches its count. The sum over the classes is returned.
func planeBlocksLowerBound(xs []int64, D int, labels []int, K int) int {
	total := 0
	for j := 0; j < K; j++ {
		m := make([]int, D)
		n := 0
		for k, l := range labels {
			if l != j {
				continue
			}
			n++
			for c, v := range xs[k*D : (k+1)*D] {
				if v != 0 {
					m[c]++
				}
			}
		}
		for g := 1; n > 0; g++ {
			hold := g
			for _, mc := range m {
				hold += min(mc, g)
			}
			if min(hold, g*D) >= n {
				total += g
				break
			}
		}
	}
	return total
}

// pivotTol is the elimination's threshold, on entries scaled to [−1, 1], below which a
// row counts as dependent on the rows before it. At 10⁻¹³ (float64's own noise) rows
// that are dependent in exact arithmetic survived with tiny pivots and the normal came
// out with entries near 10¹⁵, which no 40-bit rounding keeps on the plane (Fashion-MNIST:
// 75 groups cut); at 10⁻³ a group of 1500 trousers images keeps 513 (the class's rank
// modulo 2^61 − 1 is 620) and the normal rounded to 34 or 40 bits keeps all of them.
const pivotTol = 1e-3
