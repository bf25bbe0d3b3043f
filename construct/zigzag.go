package construct

import (
	"fmt"
	"math/big"

	"certify/cert"
)

// Zigzag is a three-layer ReLU construction of ours that memorises about twice as many
// points as Theorem 3.1 of Yun, Sra, Jadbabaie 2019 guarantees for the same widths:
//
//	capacity ≥ ⌊(d1+1)/2⌋·⌊d2/d_y⌋ points, against 4⌊d1/4⌋⌊d2/(4d_y)⌋ ≈ d1·d2/(4d_y),
//
// still a factor of about 4 below the upper bound 2·d1·d2 of their Theorem 3.3 (ReLU,
// p = 2 pieces). Its certificate carries the theorem claim "yun2019-thm3.1-relu", which
// reports exceeds_theorem whenever the widths are below the theorem's hypothesis.
//
// The skeleton is Yun's (blocks.go): points sorted by t = u·x, cut into p blocks, layer 1
// of 2p − 1 units making every layer-2 unit an independent affine map on each block. The
// difference is inside a block. Theorem 3.1's construction spends a plus and a minus unit
// on each change of label. Here the block's points s_1 < … < s_m are interpolated by a
// zigzag: with an integer L larger than every secant slope |y_{k+1} − y_k|/(s_{k+1} − s_k),
// the function starts through (s_1, y_1) with slope ±L (the sign of y_1, so that one unit
// of that sign carries it) and between s_k and s_{k+1} turns once, from slope μ to −μ, at
//
//	β_k = (s_k + s_{k+1})/2 ± Δ_k/(2L)   (+ when the slope before it is +L),
//
// which lies strictly between the two points because |Δ_k| < L·(s_{k+1} − s_k). A turn
// from +L to −L is a minus unit σ(2L·t − L(s_k + s_{k+1}) − Δ_k); from −L to +L a plus unit
// σ(2L·t − L(s_k + s_{k+1}) + Δ_k). The turns alternate in sign, so a block of m points
// uses ⌈m/2⌉ units of one sign and ⌊m/2⌋ of the other: one layer-2 unit per point and
// block, where Theorem 3.1's construction needs two. Every weight is an integer when the
// data and labels are (L, t and the labels are).
func Zigzag(d *cert.Dataset, o Options) (*Result, error) {
	p := newPoints(d)
	dy := d.LabelDim
	if err := checkWidths("zigzag", o.Widths, 2); err != nil {
		return nil, err
	}
	pr, err := chooseProjection(p, o.Progress)
	if err != nil {
		return nil, err
	}
	l := newSortedLabels(p, pr, p.label, dy)
	newScheme := func() scheme { return &zigzagScheme{l: l} }
	d1, d2, U, blocks, err := chooseBlockWidths("zigzag", "yun2019-thm3.1-relu", d, o.Widths, dy, newScheme, l, 2)
	if err != nil {
		return nil, err
	}
	bp := zigzagPlan(pr, l, blocks, U)
	l1, l2, out := bp.layers(d.D, d1, d2, dy, o.Progress)
	net := &cert.Network{InputDim: d.D, Layers: []cert.Layer{l1, l2, out}}
	// Thm 3.1's guarantee for these widths, for the summary.
	guarantee := 4 * int64(d1/4) * int64(d2/(4*dy))
	capacity := int64((d1+1)/2) * int64(U)
	m := meta{method: "zigzag", theorem: "yun2019-thm3.1-relu",
		name:      "certify zigzag construction (beyond Yun, Sra, Jadbabaie 2019, Theorem 3.1)",
		reference: yunRef + " Construction: certify, construct/zigzag.go.",
		params: map[string]string{"projection_max_entry": fmt.Sprint(pr.K), "blocks": fmt.Sprint(len(blocks)),
			"units_per_output": fmt.Sprint(U)},
		notes: []string{fmt.Sprintf("With widths %d, %d the construction holds at least %d points; Theorem 3.1 guarantees %d.", d1, d2, capacity, guarantee)},
	}
	res, err := finish(d, net, &o, m, p)
	if err != nil {
		return nil, err
	}
	res.Summary.ProjectionK, res.Summary.Blocks, res.Summary.BlockCapacity = pr.K, len(blocks), U
	return res, nil
}

// zigzagScheme counts the units of the zigzag: the first point one unit of the sign of
// y_1 (plus when y_1 ≥ 0), then turns of alternating sign.
type zigzagScheme struct {
	l       *sortedLabels
	P, Q    int
	plus    []int
	minu    []int
	turns   []int
	startUp []bool
}

func (s *zigzagScheme) start(k, P, Q int) bool {
	s.P, s.Q = P, Q
	dy := s.l.dy
	if s.plus == nil {
		s.plus, s.minu, s.turns, s.startUp = make([]int, dy), make([]int, dy), make([]int, dy), make([]bool, dy)
	}
	for c := 0; c < dy; c++ {
		s.turns[c] = 0
		s.startUp[c] = s.l.sgn[k][c] >= 0
		s.plus[c], s.minu[c] = 0, 0
		if s.startUp[c] {
			s.plus[c] = 1
		} else {
			s.minu[c] = 1
		}
	}
	for c := 0; c < dy; c++ {
		if s.plus[c] > P || s.minu[c] > Q {
			return false
		}
	}
	return true
}

// turnIsPlus: turn number i (1-based) goes from +L to −L (a minus unit) when the slope
// before it is +L, i.e. when (i odd) == startUp.
func turnIsPlus(i int, startUp bool) bool { return (i%2 == 1) != startUp }

func (s *zigzagScheme) add(k int) bool {
	for c := 0; c < s.l.dy; c++ {
		if turnIsPlus(s.turns[c]+1, s.startUp[c]) {
			if s.plus[c]+1 > s.P {
				return false
			}
		} else if s.minu[c]+1 > s.Q {
			return false
		}
	}
	for c := 0; c < s.l.dy; c++ {
		s.turns[c]++
		if turnIsPlus(s.turns[c], s.startUp[c]) {
			s.plus[c]++
		} else {
			s.minu[c]++
		}
	}
	return true
}

// zigzagPlan fills the block plan. L_c = ⌊max |Δ|/gap⌋ + 1 over neighbouring points in a
// block, per output coordinate.
func zigzagPlan(pr *projection, l *sortedLabels, blocks [][2]int, U int) *blockPlan {
	P, _ := plusMinus(U)
	bp := newBlockPlan(pr, blocks, U*l.dy)
	for c := 0; c < l.dy; c++ {
		for i := 0; i < U; i++ {
			u := c*U + i
			bp.coord[u], bp.sign[u] = c, 1
			if i >= P {
				bp.sign[u] = -1
			}
		}
	}
	Ls := make([]*big.Rat, l.dy)
	for c := range Ls {
		mx := new(big.Rat)
		for _, b := range blocks {
			for k := b[0] + 1; k < b[1]; k++ {
				q := new(big.Rat).Sub(l.y[k][c], l.y[k-1][c])
				q.Abs(q)
				q.Quo(q, ratInt(new(big.Int).Sub(pr.t[k], pr.t[k-1])))
				if q.Cmp(mx) > 0 {
					mx = q
				}
			}
		}
		fl := new(big.Int).Quo(mx.Num(), mx.Denom())
		Ls[c] = ratInt(fl.Add(fl, big.NewInt(1)))
	}
	for j, b := range blocks {
		for c := 0; c < l.dy; c++ {
			L := Ls[c]
			twoL := new(big.Rat).Add(L, L)
			np, nm := 0, 0
			nextPlus := func() int { np++; return c*U + np - 1 }
			nextMinus := func() int { nm++; return c*U + P + nm - 1 }
			y1 := l.y[b[0]][c]
			s1 := ratInt(pr.t[b[0]])
			ls1 := new(big.Rat).Mul(L, s1)
			up := y1.Sign() >= 0
			if up { // plus unit L(t − s_1) + y_1
				bp.set(nextPlus(), j, L, new(big.Rat).Sub(y1, ls1))
			} else { // minus unit L(t − s_1) − y_1
				bBias := new(big.Rat).Neg(y1)
				bp.set(nextMinus(), j, L, bBias.Sub(bBias, ls1))
			}
			slopeUp := up
			for k := b[0]; k+1 < b[1]; k++ {
				delta := new(big.Rat).Sub(l.y[k+1][c], l.y[k][c])
				sum := ratInt(new(big.Int).Add(pr.t[k], pr.t[k+1]))
				bias := new(big.Rat).Mul(L, sum)
				bias.Neg(bias)
				if slopeUp { // +L → −L: minus unit 2Lt − L(s_k + s_{k+1}) − Δ
					bp.set(nextMinus(), j, twoL, bias.Sub(bias, delta))
				} else { // −L → +L: plus unit 2Lt − L(s_k + s_{k+1}) + Δ
					bp.set(nextPlus(), j, twoL, bias.Add(bias, delta))
				}
				slopeUp = !slopeUp
			}
		}
	}
	return bp
}
