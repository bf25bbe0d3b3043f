package theorems

import (
	"fmt"
	"math/big"

	"certify/cert"
	"certify/internal/exactint"
)

// Thm 4.1 in the data's affine hull: data that lie in an affine subspace of dimension
// d' < d_x (a constant coordinate, points on a plane in R³) are not in general position
// in R^{d_x}, but they can be in the hull, and an affine bijection of the hull onto
// R^{d'} (d' pivot coordinates) keeps the dataset and the ResNet's function on it. The
// theorem applied in d' dimensions promises Σ_{l<L} d_l ≥ qN/d' + q·d_y and
// d_L ≥ (q/2)·d_y (q = 4 ReLU, 2 hard-tanh) with d' ≥ d_y. The network reads x in R^{d_x};
// a first layer U = U'P that reads only hull coordinates is the composition.
//
// The hypothesis states d' exactly: the rank modulo 2^61 − 1 of the differences
// x_i − x_0 is at most the rank over the rationals, and the rank over the rationals is
// at most d_x minus the constant coordinates, or, for data small enough
// (N·d_x ≤ exactRankLimit), is computed by fraction-free elimination; the two bounds
// must meet. As in R^{d_x}, general position in the hull is checked only for the planes
// x_k = c of the coordinates that are not constant (each meets the hull in a hyperplane
// of it): at most d' points on each.

// exactRankLimit bounds N·d_x for the exact elimination of the hull's dimension.
const exactRankLimit = 1 << 16

func yunResNetHull(act cert.ActKind) theorem {
	q, name := int64(4), "ReLU"
	if act == cert.ActHardTanh {
		q, name = 2, "hard-tanh"
	}
	hullDim := func(d *cert.Dataset) (dim int, text string) {
		constant, rank := AffineRank(d, true)
		if rank == d.D-constant {
			return rank, fmt.Sprintf("affine rank mod 2^61−1 = d_x − constant coordinates = %d", rank)
		}
		if d.N*d.D <= exactRankLimit {
			if exact := ExactAffineRank(d); exact == rank {
				return rank, fmt.Sprintf("affine rank mod 2^61−1 = affine rank over Q = %d", rank)
			}
		}
		return -1, "the hull's dimension is not decided (the rank modulo 2^61−1 and the upper bound differ)"
	}
	return theorem{
		statement: fmt.Sprintf("%s ResNet in the data's affine hull of dimension d' < d_x: d' ≥ d_y, Σ_{l<L} d_l ≥ %dN/d' + %dd_y, d_L ≥ %s, data in general position in the hull (checked: at most d' points on any plane x_k = c of a non-constant coordinate; the other hyperplanes are not checked)",
			name, q, q, map[int64]string{4: "2d_y", 2: "d_y"}[q]),
		shape: func(c *cert.Certificate) string { return resNetShape(c, act) },
		hyp: func(c *cert.Certificate, in cert.TheoremInstance) []cert.Comparison {
			dim, text := hullDim(c.Data)
			if dim < 0 {
				return []cert.Comparison{cmp(text, 0, ">=", 1)}
			}
			L := len(in.Widths)
			var sum int64
			for _, w := range in.Widths[:L-1] {
				sum += int64(w)
			}
			hyp := []cert.Comparison{
				cmp(text+" (d')", int64(dim), "=", int64(dim)),
				cmp("d' < d_x (a proper hull)", int64(dim), "<", int64(in.DX)),
				cmp("d' ≥ d_y", int64(dim), ">=", int64(in.DY)),
			}
			if dim == 0 {
				return hyp
			}
			need := new(big.Rat).SetFrac64(q*int64(in.N), int64(dim))
			need.Add(need, big.NewRat(q*int64(in.DY), 1))
			hyp = append(hyp,
				cert.Comparison{Text: fmt.Sprintf("Σ_{l<L} d_l ≥ %dN/d' + %dd_y", q, q), LHS: big.NewRat(sum, 1), Op: ">=", RHS: need},
				cmp(map[int64]string{4: "d_L ≥ 2d_y", 2: "d_L ≥ d_y"}[q], int64(in.Widths[L-1]), ">=", q/2*int64(in.DY)))
			most, _, _ := AxisPlaneMaxHull(c.Data)
			hyp = append(hyp, cmp("most points on one plane x_k = c of a non-constant coordinate ≤ d'", int64(most), "<=", int64(dim)))
			return hyp
		},
		promise: func(in cert.TheoremInstance) cert.TheoremSizes {
			// Without the data (a quoted figure) d' is not known: the count for the
			// largest proper hull, d' = d_x − 1, the least the theorem can promise.
			return hullPromise(in, max(1, in.DX-1), int(q))
		},
		promiseOn: func(c *cert.Certificate, in cert.TheoremInstance) cert.TheoremSizes {
			dim, _ := hullDim(c.Data)
			if dim < 1 {
				dim = max(1, in.DX-1)
			}
			return hullPromise(in, dim, int(q))
		},
	}
}

// hullPromise: ⌈qN/d'⌉ + q·d_y units before the output block, (q/2)·d_y in it; with at
// least one σ unit per block, at most 2·(⌈qN/d'⌉ + q·d_y + 1) layers.
func hullPromise(in cert.TheoremInstance, dim, q int) cert.TheoremSizes {
	pre := (q*in.N+dim-1)/dim + q*in.DY
	h, depth := pre+q/2*in.DY, 2*(pre+1)
	return cert.TheoremSizes{Depth: &depth, HiddenUnits: &h}
}

// ExactAffineRank is the rank over the rationals of the differences x_i − x_0 of d's
// points, by fraction-free (Bareiss) elimination on the integer rows L·x_i (L the common
// denominator); exact, and quadratic in the entries' size: for small data.
func ExactAffineRank(d *cert.Dataset) int {
	if d.N < 2 {
		return 0
	}
	D := d.D
	// A common denominator: the lcm of every entry's denominator.
	den := big.NewInt(1)
	for i := 0; i < d.N; i++ {
		for _, v := range d.Input(i) {
			g := new(big.Int).GCD(nil, nil, den, v.Denom())
			den.Mul(den, new(big.Int).Quo(v.Denom(), g))
		}
	}
	scaled := func(i int) []*big.Int {
		out := make([]*big.Int, D)
		for k, v := range d.Input(i) {
			t := new(big.Int).Mul(v.Num(), den)
			out[k] = t.Quo(t, v.Denom())
		}
		return out
	}
	x0 := scaled(0)
	var m [][]*big.Int
	for i := 1; i < d.N; i++ {
		r := scaled(i)
		for k := range r {
			r[k].Sub(r[k], x0[k])
		}
		m = append(m, r)
	}
	return exactint.RankInt(m)
}
