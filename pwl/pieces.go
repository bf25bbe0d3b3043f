package pwl

import (
	"math/big"

	"certify/cert"
)

// Piece is a maximal interval (Lo, Hi) on which g is affine: g(t) = Intercept + Slope·t,
// one entry per output. Regions is the number of activation regions merged into it.
type Piece struct {
	Lo, Hi    *big.Rat
	Intercept []*big.Rat
	Slope     []*big.Rat
	Regions   int
}

// At returns the piece's affine map at t.
func (p *Piece) At(t *big.Rat) []*big.Rat {
	r := Region{Intercept: p.Intercept, Slope: p.Slope}
	return r.At(t)
}

// Stats counts what a walk saw.
type Stats struct {
	Regions int `json:"regions"`
	Pieces  int `json:"pieces"`
}

func hasStep(n *cert.Network) bool {
	for _, l := range n.Layers {
		for _, a := range l.Act {
			if a.Kind == cert.ActStep {
				return true
			}
		}
	}
	return false
}

func sameVec(a, b []*big.Rat) bool {
	for k := range a {
		if a[k].Cmp(b[k]) != 0 {
			return false
		}
	}
	return true
}

// walkBoundaries walks the regions and says, for each region after the first, whether
// its left end is a piece boundary: the affine maps on the two sides differ, or (for a
// network with step units) g jumps there, g(b) differing from the maps' common value.
// With maps false the regions carry no maps (unless a step unit needs them).
func walkBoundaries(n *cert.Network, seg cert.Segment, maps bool, fn func(r *Region, pieceAtLo bool) error) error {
	step := hasStep(n)
	first := true
	return sweep(n, seg, maps || step, func(r *Region, changed bool) error {
		piece := changed
		if !first && !piece && step {
			g := n.Eval(seg.Point(r.Lo), nil)
			piece = !sameVec(g, r.At(r.Lo))
		}
		first = false
		return fn(r, piece)
	})
}

// WalkPieces calls fn on every affine piece of g in increasing t (the Piece is reused
// between calls) and returns the counts.
func WalkPieces(n *cert.Network, seg cert.Segment, fn func(*Piece) error) (Stats, error) {
	var st Stats
	var cur *Piece
	err := walkBoundaries(n, seg, true, func(r *Region, pieceAtLo bool) error {
		st.Regions++
		if cur != nil && !pieceAtLo {
			cur.Hi = r.Hi
			cur.Regions++
			return nil
		}
		if cur != nil {
			if err := fn(cur); err != nil {
				return err
			}
		}
		st.Pieces++
		cur = &Piece{Lo: r.Lo, Hi: r.Hi, Intercept: r.Intercept, Slope: r.Slope, Regions: 1}
		return nil
	})
	if err != nil {
		return st, err
	}
	return st, fn(cur)
}

// Pieces collects every piece.
func Pieces(n *cert.Network, seg cert.Segment) ([]Piece, Stats, error) {
	var out []Piece
	st, err := WalkPieces(n, seg, func(p *Piece) error {
		out = append(out, *p)
		return nil
	})
	return out, st, err
}

// Count returns the numbers of regions and pieces without keeping them.
func Count(n *cert.Network, seg cert.Segment) (Stats, error) {
	var st Stats
	err := walkBoundaries(n, seg, false, func(_ *Region, pieceAtLo bool) error {
		st.Regions++
		if st.Regions == 1 || pieceAtLo {
			st.Pieces++
		}
		return nil
	})
	return st, err
}

// Claim enumerates g and states what it found as a pieces claim for the kernel to check.
// Equally spaced breakpoints are written as runs, so the claim for the sawtooth m^(L) is
// a few lines whatever L.
func Claim(n *cert.Network, seg cert.Segment) (cert.PiecesClaim, Stats, error) {
	var st Stats
	var bp, pb runBuilder
	err := walkBoundaries(n, seg, false, func(r *Region, pieceAtLo bool) error {
		st.Regions++
		if st.Regions == 1 {
			st.Pieces = 1
			return nil
		}
		bp.add(r.Lo)
		if pieceAtLo {
			st.Pieces++
			pb.add(r.Lo)
		}
		return nil
	})
	if err != nil {
		return cert.PiecesClaim{}, st, err
	}
	cl := cert.PiecesClaim{Segment: seg, Breakpoints: bp.finish(), PieceBreakpoints: pb.finish(),
		Regions: st.Regions, Pieces: st.Pieces}
	return cl, st, nil
}

// runBuilder compresses an increasing stream of points into runs: maximal arithmetic
// progressions of at least three points, other points alone.
type runBuilder struct {
	runs              []cert.Run
	start, step, last *big.Rat
	count             int
	d                 big.Rat
}

func (b *runBuilder) add(t *big.Rat) {
	t = new(big.Rat).Set(t)
	switch b.count {
	case 0:
		b.start, b.count = t, 1
	case 1:
		b.step, b.last, b.count = new(big.Rat).Sub(t, b.start), t, 2
	default:
		if b.d.Sub(t, b.last).Cmp(b.step) == 0 {
			b.last = t
			b.count++
			return
		}
		if b.count == 2 {
			b.runs = append(b.runs, cert.Run{Start: b.start, Count: 1})
			b.start, b.step, b.last = b.last, new(big.Rat).Sub(t, b.last), t
			return
		}
		b.runs = append(b.runs, cert.Run{Start: b.start, Step: b.step, Count: b.count})
		b.start, b.step, b.last, b.count = t, nil, nil, 1
	}
}

func (b *runBuilder) finish() []cert.Run {
	switch b.count {
	case 1:
		b.runs = append(b.runs, cert.Run{Start: b.start, Count: 1})
	case 2:
		b.runs = append(b.runs, cert.Run{Start: b.start, Count: 1}, cert.Run{Start: b.last, Count: 1})
	default:
		if b.count > 2 {
			b.runs = append(b.runs, cert.Run{Start: b.start, Step: b.step, Count: b.count})
		}
	}
	if b.runs == nil {
		b.runs = []cert.Run{}
	}
	return b.runs
}

// Bounds are upper bounds on the number of activation regions (hence of pieces) of a
// one-input network on any interval, from its architecture alone.
type Bounds struct {
	// Widths of the nonlinear layers: every layer with a unit that is not the identity
	// (the output layer too when it has such a unit).
	Widths []int `json:"widths"`
	// Product is ∏ (k_i·m_i + 1), k_i the most breakpoints one unit's activation has in
	// layer i (1 for relu, leaky-relu and step, 2 for hard-tanh): a layer cuts each part
	// on which its pre-activations are affine into at most k_i·m_i + 1 parts.
	Product *big.Int `json:"product"`
	// Telgarsky is (2m)^l, m the largest of the l widths: Telgarsky's bound for networks
	// whose units have one breakpoint each; it is at least Product then.
	Telgarsky *big.Int `json:"telgarsky"`
	// TelgarskyApplies is false when a hard-tanh unit makes (2m)^l unproven.
	TelgarskyApplies bool `json:"telgarsky_applies"`
}

// PieceBounds computes the bounds of n's architecture.
func PieceBounds(n *cert.Network) Bounds {
	b := Bounds{Product: big.NewInt(1), TelgarskyApplies: true}
	m := 0
	for _, l := range n.Layers {
		k := 0
		for _, a := range l.Act {
			switch a.Kind {
			case cert.ActReLU, cert.ActLeakyReLU, cert.ActStep:
				k = max(k, 1)
			case cert.ActHardTanh:
				k = 2
				b.TelgarskyApplies = false
			}
		}
		if k == 0 {
			continue
		}
		b.Widths = append(b.Widths, l.Out())
		b.Product.Mul(b.Product, big.NewInt(int64(k*l.Out()+1)))
		m = max(m, l.Out())
	}
	b.Telgarsky = new(big.Int).Exp(big.NewInt(int64(2*m)), big.NewInt(int64(len(b.Widths))), nil)
	return b
}
