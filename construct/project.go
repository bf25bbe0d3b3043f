package construct

import (
	"fmt"
	"math/big"
	"math/bits"
	"slices"
	"sort"

	"certify/cert"
)

// points are the distinct inputs of a dataset as integers over one common scale:
// X_i = L·x_i, so that for an integer vector u, u·X_i = (L·u)·x_i is an integer.
type points struct {
	d   *cert.Dataset
	idx []int // dataset index of each distinct point (first copies), increasing
	// X row k (distinct point k) is p.row(k, buf) when big == nil, else big[k].
	big   [][]*big.Int
	L     *big.Int
	maxX  *big.Int // max |X_ik|
	dBits int      // max bit complexity of an input coordinate (as a rational)
	dense []int64  // ints(): every distinct row, row-major, built on first use
}

func newPoints(d *cert.Dataset) *points {
	later := make(map[int]bool, len(d.Duplicates))
	for _, p := range d.Duplicates {
		later[p[1]] = true
	}
	p := &points{d: d, maxX: new(big.Int)}
	for i := 0; i < d.N; i++ {
		if !later[i] {
			p.idx = append(p.idx, i)
		}
	}
	if den, ok := d.IntDenom(); ok {
		p.L = big.NewInt(den)
		var mx int64
		buf := make([]int64, d.D)
		for k := range p.idx {
			for _, v := range p.row(k, buf) {
				if v < 0 {
					v = -v
				}
				mx = max(mx, v)
			}
		}
		p.maxX.SetInt64(mx)
		p.dBits = bits.Len64(uint64(mx)) + bits.Len64(uint64(den))
		return p
	}
	// General rationals: L is the lcm of every denominator.
	p.L = big.NewInt(1)
	rows := make([][]*big.Rat, len(p.idx))
	for k, i := range p.idx {
		rows[k] = d.Input(i)
		for _, v := range rows[k] {
			lcmInto(p.L, v.Denom())
			p.dBits = max(p.dBits, cert.BitComplexity(v))
		}
	}
	p.big = make([][]*big.Int, len(p.idx))
	t := new(big.Int)
	for k, row := range rows {
		p.big[k] = make([]*big.Int, d.D)
		for c, v := range row {
			x := new(big.Int).Quo(p.L, v.Denom())
			x.Mul(x, v.Num())
			p.big[k][c] = x
			if t.Abs(x).Cmp(p.maxX) > 0 {
				p.maxX.Set(t)
			}
		}
	}
	return p
}

// n is the number of distinct points.
func (p *points) n() int { return len(p.idx) }

// row writes the numerators X_k of distinct point k into buf (inputs stored as integers).
func (p *points) row(k int, buf []int64) []int64 { return p.d.IntRow(p.idx[k], buf) }

// ints returns the distinct points' numerators (big == nil) as one row-major int64 slice,
// built on first use: 8 bytes a coordinate, for constructions that index coordinates at
// random.
func (p *points) ints() []int64 {
	if p.dense == nil {
		D := p.d.D
		p.dense = make([]int64, p.n()*D)
		for k := range p.idx {
			p.row(k, p.dense[k*D:(k+1)*D])
		}
	}
	return p.dense
}

// label returns the label vector of distinct point k: the class index for
// classification, the target for regression.
func (p *points) label(k int) []*big.Rat { return p.d.Target(p.idx[k]) }

func lcmInto(acc, x *big.Int) {
	if x.Cmp(acc) == 0 || x.Cmp(big.NewInt(1)) == 0 {
		return
	}
	g := new(big.Int).GCD(nil, nil, acc, x)
	acc.Mul(acc, new(big.Int).Quo(x, g))
}

// projection is a small integer vector u with t_i = u·X_i pairwise distinct on the
// distinct points, and the points sorted by t.
type projection struct {
	u     []int64
	K     int64      // entries of u lie in [−K, K]
	row   []*big.Rat // L·u: the weight row with t = row·x
	order []int      // distinct-point indices sorted by increasing t
	t     []*big.Int // t of order[k]
}

// splitmix64 is a tiny, fully specified generator: the projection must not depend on
// the Go release's math/rand.
type splitmix64 uint64

func (s *splitmix64) next() uint64 {
	*s += 0x9e3779b97f4a7c15
	z := uint64(*s)
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

// chooseProjection finds u with entries in [−K, K], K as small as it can: it tries K =
// 1, 2, 3, 4, 6, 9, … (about ×1.5 each step), a few fixed seeds for each, and keeps the
// first u that separates every pair of distinct points. The moment curve (1, λ, λ², …)
// would separate them at once but its entries have about d·log λ bits; these have
// log K + 1, and t = u·X stays within the bits of the data plus log(d·K).
func chooseProjection(p *points, progress func(string, int, int)) (*projection, error) {
	n, D := p.n(), p.d.D
	if n == 1 {
		u := make([]int64, D)
		u[0] = 1
		return finishProjection(p, u, 1), nil
	}
	const seedsPerK = 3
	u := make([]int64, D)
	tv := make([]int64, n)
	buf := make([]int64, D)
	maxX := p.maxX
	step := 0
	for K := int64(1); K < 1<<40; K += max(1, K/2) {
		step++
		if progress != nil {
			progress("projection", step, 0)
		}
		// Can t be computed in int64? |t| ≤ D·K·maxX.
		bound := new(big.Int).Mul(maxX, big.NewInt(K*int64(D)))
		fast := p.big == nil && bound.BitLen() < 62
		for s := 0; s < seedsPerK; s++ {
			rng := splitmix64(uint64(K)*1000003 + uint64(s))
			nonzero := false
			for c := range u {
				u[c] = int64(rng.next()%uint64(2*K+1)) - K
				nonzero = nonzero || u[c] != 0
			}
			if !nonzero {
				continue
			}
			if fast {
				for k := 0; k < n; k++ {
					row := p.row(k, buf)
					var acc int64
					for c, x := range row {
						acc += u[c] * x
					}
					tv[k] = acc
				}
				sorted := append([]int64(nil), tv...)
				sort.Slice(sorted, func(a, b int) bool { return sorted[a] < sorted[b] })
				ok := true
				for k := 1; k < n && ok; k++ {
					ok = sorted[k] != sorted[k-1]
				}
				if ok {
					return finishProjection(p, append([]int64(nil), u...), K), nil
				}
				continue
			}
			pr := finishProjection(p, append([]int64(nil), u...), K)
			ok := true
			for k := 1; k < n && ok; k++ {
				ok = pr.t[k].Cmp(pr.t[k-1]) != 0
			}
			if ok {
				return pr, nil
			}
		}
	}
	return nil, fmt.Errorf("no projection with entries below 2^40 separates the points")
}

// finishProjection computes t for u (exactly, in big.Int) and sorts the points by it.
func finishProjection(p *points, u []int64, K int64) *projection {
	n, D := p.n(), p.d.D
	pr := &projection{u: u, K: K, row: make([]*big.Rat, D), order: make([]int, n)}
	for c := range u {
		pr.row[c] = new(big.Rat).SetInt(new(big.Int).Mul(big.NewInt(u[c]), p.L))
	}
	ts := make([]*big.Int, n)
	tmp := new(big.Int)
	buf := make([]int64, D)
	for k := 0; k < n; k++ {
		acc := new(big.Int)
		if p.big == nil {
			row := p.row(k, buf)
			var hi big.Int
			// Sum in int64 where it cannot overflow (|u|·|x| < 2^62 each, flushed often).
			var part int64
			for c, x := range row {
				if u[c] == 0 || x == 0 {
					continue
				}
				hiBits := bits.Len64(uint64(abs64(u[c]))) + bits.Len64(uint64(abs64(x)))
				if hiBits >= 61 {
					tmp.Mul(big.NewInt(u[c]), big.NewInt(x))
					acc.Add(acc, tmp)
					continue
				}
				v := u[c] * x
				if (part > 0 && v > (1<<62)-part) || (part < 0 && v < -(1<<62)-part) {
					hi.SetInt64(part)
					acc.Add(acc, &hi)
					part = 0
				}
				part += v
			}
			hi.SetInt64(part)
			acc.Add(acc, &hi)
		} else {
			for c, x := range p.big[k] {
				if u[c] == 0 {
					continue
				}
				tmp.Mul(big.NewInt(u[c]), x)
				acc.Add(acc, tmp)
			}
		}
		ts[k] = acc
	}
	for k := range pr.order {
		pr.order[k] = k
	}
	sort.SliceStable(pr.order, func(a, b int) bool { return ts[pr.order[a]].Cmp(ts[pr.order[b]]) < 0 })
	pr.t = make([]*big.Int, n)
	for k, i := range pr.order {
		pr.t[k] = ts[i]
	}
	return pr
}

func abs64(x int64) int64 {
	if x < 0 {
		return -x
	}
	return x
}

// ---- small helpers for building networks ----

func rat(n int64) *big.Rat { return new(big.Rat).SetInt64(n) }

func ratInt(x *big.Int) *big.Rat { return new(big.Rat).SetInt(x) }

func zeros(n int) []*big.Rat {
	z := make([]*big.Rat, n)
	zero := new(big.Rat)
	for i := range z {
		z[i] = zero
	}
	return z
}

func acts(n int, k cert.ActKind) []cert.Activation {
	a := make([]cert.Activation, n)
	for i := range a {
		a[i] = cert.Activation{Kind: k}
	}
	return a
}

// layer allocates a layer of out units over in inputs, all weights and biases zero.
// Rows are separate slices (a weight replaced in one row changes no other row); the
// zero entries share one *big.Rat, which nothing here modifies in place.
func layer(in, out int, k cert.ActKind) cert.Layer {
	l := cert.Layer{W: make([][]*big.Rat, out), B: zeros(out), Act: acts(out, k)}
	for j := range l.W {
		l.W[j] = zeros(in)
	}
	return l
}

// latticeMap is the exact affine change of coordinates x̃_c = (L·x_c − X0_c)/g_c that
// takes the data's integer numerators X = L·x to the coarsest integer lattice they lie
// on: X0 is the first distinct point and g_c the gcd of X_kc − X0_c over the points (1
// for a constant coordinate). The x̃ are integers with gcd 1 in every coordinate, and a
// network N̂ built on them becomes one on x by composing its first layer with the map
// (apply).
type latticeMap struct {
	scale  []*big.Rat // L/g_c: the weight on x_c of x̃_c
	offset []*big.Rat // −X0_c/g_c: the constant of x̃_c
}

// lattice returns the points in lattice coordinates and the map, or (p, nil) when every
// g_c is 1 (the coordinates are already as fine as the data: nothing to gain).
func (p *points) lattice() (*points, *latticeMap) {
	n, D := p.n(), p.d.D
	if n < 2 {
		return p, nil
	}
	// Integer rows (the common case) are scanned in int64 first: most data are on no coarser
	// lattice, and that is known without widening n·D values to big integers.
	buf := make([]int64, D)
	if p.big == nil && p.maxX.BitLen() < 62 {
		g64 := make([]int64, D)
		x0 := append([]int64(nil), p.row(0, buf)...)
		for k := 1; k < n; k++ {
			for c, v := range p.row(k, buf) {
				if g64[c] != 1 {
					g64[c] = gcd64(g64[c], abs64(v-x0[c]))
				}
			}
		}
		if !slices.ContainsFunc(g64, func(v int64) bool { return v > 1 }) {
			return p, nil
		}
	}
	rows := make([][]*big.Int, n)
	for k := 0; k < n; k++ {
		if p.big != nil {
			rows[k] = p.big[k]
			continue
		}
		rows[k] = make([]*big.Int, D)
		for c, v := range p.row(k, buf) {
			rows[k][c] = big.NewInt(v)
		}
	}
	g := make([]*big.Int, D)
	coarse := false
	diff := new(big.Int)
	for c := 0; c < D; c++ {
		g[c] = new(big.Int)
		for k := 1; k < n; k++ {
			diff.Sub(rows[k][c], rows[0][c])
			g[c].GCD(nil, nil, g[c], diff.Abs(diff))
		}
		if g[c].Sign() == 0 {
			g[c].SetInt64(1)
		}
		coarse = coarse || g[c].Cmp(big.NewInt(1)) > 0
	}
	if !coarse {
		return p, nil
	}
	q := &points{d: p.d, idx: p.idx, L: big.NewInt(1), maxX: new(big.Int), dBits: p.dBits, big: make([][]*big.Int, n)}
	for k := 0; k < n; k++ {
		q.big[k] = make([]*big.Int, D)
		for c := 0; c < D; c++ {
			x := new(big.Int).Sub(rows[k][c], rows[0][c])
			x.Quo(x, g[c])
			q.big[k][c] = x
			if diff.Abs(x).Cmp(q.maxX) > 0 {
				q.maxX.Set(diff)
			}
		}
	}
	m := &latticeMap{scale: make([]*big.Rat, D), offset: make([]*big.Rat, D)}
	for c := 0; c < D; c++ {
		m.scale[c] = new(big.Rat).SetFrac(p.L, g[c])
		m.offset[c] = new(big.Rat).SetFrac(new(big.Int).Neg(rows[0][c]), g[c])
	}
	return q, m
}

// apply composes the network's first layer with the map: a unit's pre-activation
// Σ_c w_c·x̃_c + b becomes Σ_c (w_c·scale_c)·x_c + (b + Σ_c w_c·offset_c), the same value
// at every input.
func (m *latticeMap) apply(net *cert.Network) {
	if m == nil {
		return
	}
	l := &net.Layers[0]
	t := new(big.Rat)
	for j, row := range l.W {
		b := new(big.Rat).Set(l.B[j])
		for c, w := range row {
			if w.Sign() == 0 {
				continue
			}
			b.Add(b, t.Mul(w, m.offset[c]))
			row[c] = new(big.Rat).Mul(w, m.scale[c])
		}
		l.B[j] = b
	}
}

// gcd64 is the gcd of a, b ≥ 0 (gcd(0, b) = b).
func gcd64(a, b int64) int64 {
	for b != 0 {
		a, b = b, a%b
	}
	return a
}
