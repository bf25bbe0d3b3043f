package pwl

import (
	"fmt"
	"math/big"

	"certify/cert"
)

// Func is a scalar piecewise-affine function on [Breaks[0], Breaks[len−1]]: on
// (Breaks[i], Breaks[i+1]) it is Intercept[i] + Slope[i]·t. Its values at the breaks do
// not matter to an integral.
type Func struct {
	Breaks           []*big.Rat
	Intercept, Slope []*big.Rat
}

// FuncOf collects output coordinate k of a network's pieces on a segment.
func FuncOf(n *cert.Network, seg cert.Segment, k int) (Func, error) {
	if k < 0 || k >= n.OutputDim() {
		return Func{}, fmt.Errorf("output %d: the network has %d outputs", k, n.OutputDim())
	}
	f := Func{Breaks: []*big.Rat{new(big.Rat).Set(seg.T0)}}
	_, err := WalkPieces(n, seg, func(p *Piece) error {
		f.Breaks = append(f.Breaks, p.Hi)
		f.Intercept = append(f.Intercept, p.Intercept[k])
		f.Slope = append(f.Slope, p.Slope[k])
		return nil
	})
	return f, err
}

// L1 returns ∫ |f − g| over the common domain of f and g, exactly: it merges their
// breaks, splits each interval where f − g changes sign at the crossing point, and adds
// the trapezoids. f and g must have the same domain.
func L1(f, g Func) (*big.Rat, error) {
	if len(f.Breaks) < 2 || len(g.Breaks) < 2 {
		return nil, fmt.Errorf("a function needs at least one piece")
	}
	if f.Breaks[0].Cmp(g.Breaks[0]) != 0 || f.Breaks[len(f.Breaks)-1].Cmp(g.Breaks[len(g.Breaks)-1]) != 0 {
		return nil, fmt.Errorf("the functions have different domains")
	}
	sum := new(big.Rat)
	i, j := 0, 0 // current pieces of f and g
	lo := f.Breaks[0]
	end := f.Breaks[len(f.Breaks)-1]
	da, db := new(big.Rat), new(big.Rat)
	for lo.Cmp(end) < 0 {
		hi := f.Breaks[i+1]
		if g.Breaks[j+1].Cmp(hi) < 0 {
			hi = g.Breaks[j+1]
		}
		// d(t) = da + db·t on (lo, hi).
		da.Sub(f.Intercept[i], g.Intercept[j])
		db.Sub(f.Slope[i], g.Slope[j])
		sum.Add(sum, absIntegral(da, db, lo, hi))
		if f.Breaks[i+1].Cmp(hi) == 0 {
			i++
		}
		if g.Breaks[j+1].Cmp(hi) == 0 {
			j++
		}
		lo = hi
	}
	return sum, nil
}

// absIntegral is ∫_lo^hi |a + b·t| dt.
func absIntegral(a, b, lo, hi *big.Rat) *big.Rat {
	at := func(t *big.Rat) *big.Rat {
		v := new(big.Rat).Mul(b, t)
		return v.Add(v, a)
	}
	u, w := at(lo), at(hi)
	width := new(big.Rat).Sub(hi, lo)
	half := big.NewRat(1, 2)
	if u.Sign()*w.Sign() >= 0 { // no sign change inside: a trapezoid
		s := new(big.Rat).Add(u, w)
		s.Abs(s)
		return s.Mul(s.Mul(s, width), half)
	}
	// Two triangles meeting at the root r = lo + width·u/(u − w).
	du := new(big.Rat).Sub(u, w)
	left := new(big.Rat).Quo(u, du)
	left.Mul(left, width) // r − lo
	right := new(big.Rat).Sub(width, left)
	s := new(big.Rat).Mul(new(big.Rat).Abs(u), left)
	s.Add(s, new(big.Rat).Mul(new(big.Rat).Abs(w), right))
	return s.Mul(s, half)
}

// Misclassification is how a one-input network fares on Telgarsky's 2^k alternating
// points x_i = i/2^k (i = 0, …, 2^k − 1) with labels y_i = i mod 2, classified by
// 1[f(x_i) ≥ 1/2].
type Misclassification struct {
	K     int `json:"k"`
	N     int `json:"n"`     // 2^k
	Wrong int `json:"wrong"` // points misclassified
	// Pieces of f on [0, 1].
	Pieces int `json:"pieces"`
}

// Fraction is Wrong/N.
func (m Misclassification) Fraction() *big.Rat { return big.NewRat(int64(m.Wrong), int64(m.N)) }

// CountingBound is max(0, 1/2 − t/n) with t the pieces of f on [0, 1], a lower bound on
// the fraction misclassified by a continuous f: 1[f ≥ 1/2] is constant on at most 2t
// intervals covering [0, 1], and an interval holding j consecutive alternating points
// gets at least ⌊j/2⌋ ≥ (j − 1)/2 of them wrong. With t ≤ n/8, Telgarsky's hypothesis
// (2m)^l ≤ 2^(k−3), it gives 3/8 ≥ 1/6.
func (m Misclassification) CountingBound() *big.Rat {
	b := new(big.Rat).Sub(big.NewRat(1, 2), big.NewRat(int64(m.Pieces), int64(m.N)))
	if b.Sign() < 0 {
		b.SetInt64(0)
	}
	return b
}

// Misclassified evaluates a one-input network on the 2^k alternating points exactly. It
// walks the pieces of f on [0, 1] once: a point takes the map of the piece it lies in or
// begins (f is continuous there unless the network has step units; then a point on a
// boundary is evaluated directly).
func Misclassified(n *cert.Network, k int) (Misclassification, error) {
	if n.InputDim != 1 || n.OutputDim() != 1 {
		return Misclassification{}, fmt.Errorf("the network must have one input and one output (it has %d and %d)", n.InputDim, n.OutputDim())
	}
	if k < 1 || k > 26 {
		return Misclassification{}, fmt.Errorf("k = %d: want 1 ≤ k ≤ 26", k)
	}
	N := 1 << k
	m := Misclassification{K: k, N: N}
	half := big.NewRat(1, 2)
	den := big.NewInt(int64(N))
	i := 0
	x := new(big.Rat)
	classify := func(v *big.Rat, i int) {
		if (v.Cmp(half) >= 0) != (i%2 == 1) {
			m.Wrong++
		}
	}
	jumps := hasStep(n) // only then can f(b) differ from the maps beside b
	st, err := WalkPieces(n, UnitInterval(), func(p *Piece) error {
		for ; i < N; i++ {
			x.SetFrac(big.NewInt(int64(i)), den)
			if x.Cmp(p.Hi) >= 0 {
				return nil // a point on the boundary belongs to the next piece
			}
			if jumps && x.Cmp(p.Lo) == 0 {
				classify(n.Eval([]*big.Rat{x}, nil)[0], i)
				continue
			}
			v := new(big.Rat).Mul(p.Slope[0], x)
			classify(v.Add(v, p.Intercept[0]), i)
		}
		return nil
	})
	m.Pieces = st.Pieces
	return m, err
}

// TelgarskyHypothesis reports whether (2m)^l ≤ 2^(k−3) for the architecture's bound
// (2m)^l: Telgarsky 2015's condition m ≤ 2^((k−3)/l − 1), under which every network of l
// layers of m units misclassifies at least 1/6 of the 2^k alternating points.
func TelgarskyHypothesis(b Bounds, k int) bool {
	if !b.TelgarskyApplies || k < 3 {
		return false
	}
	return b.Telgarsky.Cmp(new(big.Int).Lsh(big.NewInt(1), uint(k-3))) <= 0
}
