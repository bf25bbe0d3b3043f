package construct

import (
	"fmt"
	"math/big"

	"certify/cert"
)

// The three-layer constructions (yun, yun-classify, zigzag) share one skeleton
// (Yun, Sra, Jadbabaie 2019, Thm 3.1): the points sorted by t = u·x are cut into p consecutive blocks; layer 1
// has a unit h_0 = σ(t − t_1) and, for each gap between block j (last point a) and block
// j+1, the pair σ(t − a), σ(t − a − 1); any layer-2 unit can then be an independent
// affine map A_j·t + B_j on each block. Both gap units break at integers (t is an
// integer, the next block starts at b ≥ a + 1), so the coefficients that switch from
// block j's map to block j+1's,
//
//	c⁺ = −(F_{j+1}(a) − F_j(a)),   c⁻ = (A_{j+1} − A_j) − c⁺,
//
// are differences of the maps' values, with no division: integer data and labels give
// integer weights.

// sortedLabels are the labels of the points in projection order, with the facts the
// block schemes count.
type sortedLabels struct {
	dy  int
	y   [][]*big.Rat // y[k][c]: label coordinate c of the k-th point in t order
	sgn [][]int8     // sign of y[k][c]
	nz  [][]bool     // y[k][c] ≠ y[k−1][c] (false for k = 0)
}

func newSortedLabels(p *points, pr *projection, label func(k int) []*big.Rat, dy int) *sortedLabels {
	n := len(pr.order)
	s := &sortedLabels{dy: dy, y: make([][]*big.Rat, n), sgn: make([][]int8, n), nz: make([][]bool, n)}
	for k, i := range pr.order {
		s.y[k] = label(i)
		s.sgn[k] = make([]int8, dy)
		s.nz[k] = make([]bool, dy)
		for c := 0; c < dy; c++ {
			s.sgn[k][c] = int8(s.y[k][c].Sign())
			if k > 0 {
				s.nz[k][c] = s.y[k][c].Cmp(s.y[k-1][c]) != 0
			}
		}
	}
	return s
}

// scheme says how many plus units (output weight +1) and minus units (−1) per output
// coordinate a block needs, point by point.
type scheme interface {
	// start resets the count for a block whose first point is k; add counts point k
	// (k > first) into the block. Both report whether the block still fits in P plus and
	// Q minus units per coordinate.
	start(k, P, Q int) bool
	add(k int) bool
}

// greedyBlocks cuts the sorted points into blocks, each as long as the scheme allows.
func greedyBlocks(n int, sc scheme, P, Q int) ([][2]int, error) {
	var blocks [][2]int
	first := 0
	if !sc.start(0, P, Q) {
		return nil, fmt.Errorf("a block cannot hold even one point with %d plus and %d minus units", P, Q)
	}
	for k := 1; k < n; k++ {
		if sc.add(k) {
			continue
		}
		blocks = append(blocks, [2]int{first, k})
		first = k
		if !sc.start(k, P, Q) {
			return nil, fmt.Errorf("a block cannot hold even one point with %d plus and %d minus units", P, Q)
		}
	}
	return append(blocks, [2]int{first, n}), nil
}

// blockPlan is the layer-2 design: for each layer-2 unit its output coordinate and sign,
// and the affine map A·t + B it must be on each block (A = B = 0: off, σ(0) = 0).
type blockPlan struct {
	pr     *projection
	blocks [][2]int
	coord  []int
	sign   []int
	A, B   [][]*big.Rat // [unit][block]; nil entries mean 0
}

func newBlockPlan(pr *projection, blocks [][2]int, units int) *blockPlan {
	bp := &blockPlan{pr: pr, blocks: blocks, coord: make([]int, units), sign: make([]int, units),
		A: make([][]*big.Rat, units), B: make([][]*big.Rat, units)}
	for u := range bp.A {
		bp.A[u] = make([]*big.Rat, len(blocks))
		bp.B[u] = make([]*big.Rat, len(blocks))
	}
	return bp
}

func (bp *blockPlan) set(u, j int, a, b *big.Rat) { bp.A[u][j], bp.B[u][j] = a, b }

var ratZero = new(big.Rat)

func orZero(r *big.Rat) *big.Rat {
	if r == nil {
		return ratZero
	}
	return r
}

// value is F(t) = A t + B on block j.
func (bp *blockPlan) value(u, j int, t *big.Int) *big.Rat {
	v := new(big.Rat).Mul(orZero(bp.A[u][j]), ratInt(t))
	return v.Add(v, orZero(bp.B[u][j]))
}

// layers builds layer 1 (d1 ≥ 2p − 1 units, extra ones zero) and layer 2 (d2 ≥ units),
// and the output layer's rows (dy outputs; unit u adds sign[u] to output coord[u]).
func (bp *blockPlan) layers(dx, d1, d2, dy int, progress func(string, int, int)) (l1, l2, out cert.Layer) {
	p := len(bp.blocks)
	pr := bp.pr
	l1 = layer(dx, d1, cert.ActReLU)
	lastT := func(j int) *big.Int { return pr.t[bp.blocks[j][1]-1] }
	l1.W[0] = append([]*big.Rat(nil), pr.row...)
	l1.B[0] = ratInt(new(big.Int).Neg(pr.t[0]))
	for j := 0; j < p-1; j++ {
		a := lastT(j)
		l1.W[1+2*j] = append([]*big.Rat(nil), pr.row...)
		l1.B[1+2*j] = ratInt(new(big.Int).Neg(a))
		l1.W[2+2*j] = append([]*big.Rat(nil), pr.row...)
		l1.B[2+2*j] = ratInt(new(big.Int).Sub(big.NewInt(-1), a))
	}
	l2 = layer(d1, d2, cert.ActReLU)
	t0 := ratInt(pr.t[0])
	for u := range bp.A {
		if progress != nil && u%64 == 0 {
			progress("layer 2", u, len(bp.A))
		}
		row := l2.W[u]
		a0 := orZero(bp.A[u][0])
		row[0] = a0
		b := new(big.Rat).Mul(a0, t0)
		l2.B[u] = b.Add(b, orZero(bp.B[u][0]))
		for j := 0; j < p-1; j++ {
			a := lastT(j)
			dA := new(big.Rat).Sub(orZero(bp.A[u][j+1]), orZero(bp.A[u][j]))
			cPlus := new(big.Rat).Sub(bp.value(u, j, a), bp.value(u, j+1, a))
			cMinus := new(big.Rat).Sub(dA, cPlus)
			if cMinus.Sign() != 0 {
				row[1+2*j] = cMinus
			}
			if cPlus.Sign() != 0 {
				row[2+2*j] = cPlus
			}
		}
	}
	out = layer(d2, dy, cert.ActIdentity)
	one, minusOne := big.NewRat(1, 1), big.NewRat(-1, 1)
	for u := range bp.A {
		if bp.sign[u] > 0 {
			out.W[bp.coord[u]][u] = one
		} else {
			out.W[bp.coord[u]][u] = minusOne
		}
	}
	return l1, l2, out
}

// ---- the Yun et al. scheme (a reconstruction of the paper's proof) ----

// yunScheme: per block and coordinate, the first label y_1 needs one unit of its sign
// (the constant |y_1|; none when y_1 = 0), and each change Δ = y_k − y_{k−1} ≠ 0 one plus
// and one minus unit: slopes |Δ| with breakpoints one apart, σ(|Δ|(t − s_k + 1)) −
// σ(|Δ|(t − s_k)) = |Δ| on the points from s_k on and 0 before. A block of m points
// thus fits in m plus and m minus units (fewer when neighbouring labels repeat).
type yunScheme struct {
	l          *sortedLabels
	P, Q       int
	plus, minu []int
}

func (s *yunScheme) start(k, P, Q int) bool {
	s.P, s.Q = P, Q
	if s.plus == nil {
		s.plus, s.minu = make([]int, s.l.dy), make([]int, s.l.dy)
	}
	for c := 0; c < s.l.dy; c++ {
		s.plus[c], s.minu[c] = 0, 0
		switch s.l.sgn[k][c] {
		case 1:
			s.plus[c]++
		case -1:
			s.minu[c]++
		}
	}
	return s.fits()
}

func (s *yunScheme) add(k int) bool {
	for c := 0; c < s.l.dy; c++ {
		if s.l.nz[k][c] && (s.plus[c]+1 > s.P || s.minu[c]+1 > s.Q) {
			return false
		}
	}
	for c := 0; c < s.l.dy; c++ {
		if s.l.nz[k][c] {
			s.plus[c]++
			s.minu[c]++
		}
	}
	return true
}

func (s *yunScheme) fits() bool {
	for c := range s.plus {
		if s.plus[c] > s.P || s.minu[c] > s.Q {
			return false
		}
	}
	return true
}

// plusMinus splits U units per coordinate into P plus and Q minus units.
func plusMinus(U int) (P, Q int) { return (U + 1) / 2, U / 2 }

// yunPlan fills the block plan by the Yun scheme. Units of coordinate c are
// c·U … c·U+P−1 (plus) and c·U+P … (c+1)·U−1 (minus).
func yunPlan(pr *projection, l *sortedLabels, blocks [][2]int, U int) *blockPlan {
	P, _ := plusMinus(U)
	bp := newBlockPlan(pr, blocks, U*l.dy)
	for c := 0; c < l.dy; c++ {
		for i := 0; i < U; i++ {
			u := c*U + i
			bp.coord[u] = c
			bp.sign[u] = 1
			if i >= P {
				bp.sign[u] = -1
			}
		}
	}
	for j, b := range blocks {
		for c := 0; c < l.dy; c++ {
			np, nm := 0, 0
			nextPlus := func() int { np++; return c*U + np - 1 }
			nextMinus := func() int { nm++; return c*U + P + nm - 1 }
			y1 := l.y[b[0]][c]
			switch y1.Sign() {
			case 1:
				bp.set(nextPlus(), j, nil, y1)
			case -1:
				bp.set(nextMinus(), j, nil, new(big.Rat).Neg(y1))
			}
			for k := b[0] + 1; k < b[1]; k++ {
				if !l.nz[k][c] {
					continue
				}
				delta := new(big.Rat).Sub(l.y[k][c], l.y[k-1][c])
				abs := new(big.Rat).Abs(delta)
				s := ratInt(pr.t[k])
				// F_early = |Δ|(t − s_k + 1) is on from s_k; F_late = |Δ|(t − s_k) from after s_k.
				early := new(big.Rat).Sub(rat(1), s)
				early.Mul(early, abs)
				late := new(big.Rat).Neg(s)
				late.Mul(late, abs)
				if delta.Sign() > 0 {
					bp.set(nextPlus(), j, abs, early)
					bp.set(nextMinus(), j, abs, late)
				} else {
					bp.set(nextPlus(), j, abs, late)
					bp.set(nextMinus(), j, abs, early)
				}
			}
		}
	}
	return bp
}
