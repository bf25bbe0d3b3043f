package construct

import (
	"fmt"
	"math/big"

	"certify/cert"
)

// Bubeck builds the two-layer network of Baum 1988 and Bubeck, Eldan, Lee, Mikulincer
// 2020 ("Network size and weights size for memorization with two-layers neural
// networks"), in the form of Yun, Sra, Jadbabaie 2019, Corollary 4.2:
//
//	If the N inputs are in general position (no d_x + 1 of them on an affine hyperplane),
//	a 2-layer ReLU network with d1 ≥ 4N/d_x + 4d_y hidden units memorises them.
//
// Construction: the points, sorted by a projection, are taken d_x at a time. For a group
// G the integer normal u spans the null space of the differences x_i − x_first (i ∈ G), so
// the hyperplane H: u·x = β passes through G; it must pass through no other point, so that
// r(x) = u·x − β is a non-zero integer (|r| ≥ 1) off G. With s(x) = v·x + c the affine map
// through the group's labels and S ≥ max |s(x_i)| over all points, the four units
//
//	σ(2S·r + S + s) − σ(2S·r + S) − σ(2S·r − S + s) + σ(2S·r − S)
//
// equal s(x) = y on G and 0 at every other point (r ≥ 1: the four cancel; r ≤ −1: all four
// are off). This is Baum's bump (σ((u+δv)·x − b) − σ(u·x − b))/δ twice, with δ = 1/(2S)
// folded into the rows. With d_y outputs the two units without s are shared: 2 + 2d_y
// units per group, about (2 + 2d_y)N/d_x in all, within Cor 4.2's 4N/d_x + 4d_y.
//
// General position is checked only where it is used, by the kernel: the certificate's
// "hyperplanes" claim lists each H with its points and the kernel confirms that H passes
// through exactly them and that they are affinely independent. Where the data are not in
// general position (a group's points affinely dependent, or H through another point) the
// group is made smaller — its dependent points go back to the queue, or its last point is
// dropped and the normal chosen in the larger null space — down to a single point, for
// which the projection itself is a valid normal: the construction always certifies, with
// more units than 4N/d_x when it had to fall back.
//
// Bit complexity: the normals are integer null vectors, whose entries are minors of
// order up to d_x − 1 of the data: about d_x·log(d_x·max|x|) bits. This is the price of
// the O(N/d_x) size (Bubeck et al. discuss the weights' size); the summary reports it.
func Bubeck(d *cert.Dataset, o Options) (*Result, error) {
	p := newPoints(d)
	n, D := p.n(), d.D
	dy := d.LabelDim
	pr, err := chooseProjection(p, o.Progress)
	if err != nil {
		return nil, err
	}
	X := make([][]*big.Int, n)
	buf := make([]int64, D)
	for k := 0; k < n; k++ {
		if p.big != nil {
			X[k] = p.big[k]
			continue
		}
		X[k] = make([]*big.Int, D)
		for c, v := range p.row(k, buf) {
			X[k][c] = big.NewInt(v)
		}
	}
	// Copies of each distinct point in the dataset (for the hyperplanes claim).
	copies := make(map[int][]int, n)
	first := make(map[int]int, n)
	for k, i := range p.idx {
		first[i] = k
		copies[k] = []int{i}
	}
	for _, dup := range d.Duplicates {
		k := first[dup[0]]
		copies[k] = append(copies[k], dup[1])
	}
	type group struct {
		planeGroup
		v [][]*big.Rat // per output: v (over X)
		c []*big.Rat   // per output: s(X) = v·X + c
	}
	var groups []group
	queue := append([]int(nil), pr.order...)
	projU := make([]*big.Int, D)
	for c := range projU {
		projU[c] = big.NewInt(pr.u[c])
	}
	done := 0
	for len(queue) > 0 {
		o.progress("hyperplanes", done, n)
		cand := queue[:min(D, len(queue))]
		g, rest, u := chooseGroup(X, cand, projU)
		queue = append(rest, queue[len(cand):]...)
		done += len(g)
		beta := dot(u, X[g[0]])
		gr := group{planeGroup: planeGroup{pts: g, u: u, beta: beta}}
		for c := 0; c < dy; c++ {
			v, cc := affineThrough(X, g, func(k int) *big.Rat { return p.label(k)[c] })
			gr.v, gr.c = append(gr.v, v), append(gr.c, cc)
		}
		groups = append(groups, gr)
	}
	perGroup := 2 + 2*dy
	width := perGroup * len(groups)
	if o.Widths != nil {
		if len(o.Widths) != 1 {
			return nil, fmt.Errorf("bubeck: --widths takes one width (d1), got %v", o.Widths)
		}
		if o.Widths[0] < width {
			holds, ev := hypothesisOn("yun2019-cor4.2-relu", d, D, dy, o.Widths, cert.ActReLU)
			return nil, &FitError{Method: "bubeck", Widths: o.Widths, Evaluated: ev, HypothesisHolds: holds,
				Reason: fmt.Sprintf("the %d groups need %d hidden units", len(groups), width)}
		}
		width = o.Widths[0]
	}
	l1 := layer(D, width, cert.ActReLU)
	out := layer(width, dy, cert.ActIdentity)
	L := ratInt(p.L)
	hp := cert.HyperplanesClaim{}
	one, minusOne := rat(1), rat(-1)
	for gi, g := range groups {
		// S ≥ max |s(x_i)| over every point and output, at least 1.
		S := new(big.Rat).SetInt64(1)
		for c := 0; c < dy; c++ {
			for k := 0; k < n; k++ {
				s := dotRat(g.v[c], X[k])
				s.Add(s, g.c[c])
				if s.Abs(s).Cmp(S) > 0 {
					S = s
				}
			}
		}
		S = ratInt(ceilRat(S))
		twoS := new(big.Rat).Add(S, S)
		base := gi * perGroup
		// Rows over x: (w·X) = (L·w)·x.
		rowU := make([]*big.Rat, D)
		for c := range rowU {
			rowU[c] = new(big.Rat).Mul(new(big.Rat).Mul(ratInt(g.u[c]), twoS), L)
		}
		b0 := new(big.Rat).Mul(ratInt(g.beta), twoS)
		b0.Neg(b0)
		l1.W[base] = append([]*big.Rat(nil), rowU...)
		l1.B[base] = new(big.Rat).Add(b0, S) // σ(2S r + S)
		l1.W[base+1] = append([]*big.Rat(nil), rowU...)
		l1.B[base+1] = new(big.Rat).Sub(b0, S) // σ(2S r − S)
		out.W[0][base] = minusOne
		for c := 1; c < dy; c++ {
			out.W[c][base] = minusOne
		}
		for c := 0; c < dy; c++ {
			out.W[c][base+1] = one
			row := make([]*big.Rat, D)
			for k := range row {
				row[k] = new(big.Rat).Add(rowU[k], new(big.Rat).Mul(g.v[c][k], L))
			}
			bs := new(big.Rat).Add(b0, g.c[c])
			j := base + 2 + 2*c
			l1.W[j], l1.B[j] = row, new(big.Rat).Add(bs, S) // σ(2S r + S + s)
			l1.W[j+1] = append([]*big.Rat(nil), row...)
			l1.B[j+1] = new(big.Rat).Sub(bs, S) // σ(2S r − S + s)
			out.W[c][j], out.W[c][j+1] = one, minusOne
		}
		hp.Planes = append(hp.Planes, g.plane(L, copies, []int{base, base + 1}))
	}
	net := &cert.Network{InputDim: D, Layers: []cert.Layer{l1, out}}
	m := meta{method: "bubeck", theorem: "yun2019-cor4.2-relu",
		name: "Baum 1988; Bubeck, Eldan, Lee, Mikulincer 2020; Yun, Sra, Jadbabaie 2019, Corollary 4.2",
		reference: "E. B. Baum. On the capabilities of multilayer perceptrons. J. Complexity 4, 1988. " +
			"S. Bubeck, R. Eldan, Y. T. Lee, D. Mikulincer. Network size and weights size for memorization with two-layers neural networks. NeurIPS 2020. " + yunRef,
		params: map[string]string{"groups": fmt.Sprint(len(groups)), "group_size": fmt.Sprint(D)},
	}
	full := 0
	for _, g := range groups {
		if len(g.pts) == D {
			full++
		}
	}
	if full < len(groups)-1 {
		m.notes = append(m.notes, fmt.Sprintf("%d of %d groups have fewer than d_x = %d points (data not in general position there, or the last group).", len(groups)-full, len(groups), D))
	}
	res, err := finish(d, net, &o, m, p)
	if err != nil {
		return nil, err
	}
	insertBeforeSizes(res, hp)
	res.Summary.ProjectionK, res.Summary.Blocks, res.Summary.BlockCapacity = pr.K, len(groups), D
	return res, nil
}

// chooseGroup picks, from the candidates (distinct-point indices), an affinely
// independent group through which an integer hyperplane passes that meets no other
// point. It returns the group, the candidates put back, and the normal u.
func chooseGroup(X [][]*big.Int, cand []int, projU []*big.Int) (g, rest []int, u []*big.Int) {
	g = append([]int(nil), cand...)
	for {
		if len(g) == 1 {
			// The projection separates every pair of points: u·x = u·x_g meets only x_g.
			return g, rest, projU
		}
		rows := make([][]*big.Int, len(g)-1)
		for i := range rows {
			rows[i] = sub(X[g[i+1]], X[g[0]])
		}
		E, piv, pivRows := bareiss(rows)
		// Keep the independent rows' points.
		keep := []int{g[0]}
		for _, r := range pivRows {
			keep = append(keep, g[r+1])
		}
		if len(keep) < len(g) {
			back := without(g, keep)
			g = orderLike(cand, keep)
			rest = orderLike(cand, back)
			rows = make([][]*big.Int, len(g)-1)
			for i := range rows {
				rows[i] = sub(X[g[i+1]], X[g[0]])
			}
			E, piv, _ = bareiss(rows)
		}
		basis := nullBasis(E, piv, len(X[0]))
		// Try the basis vectors and small combinations; keep the first u meeting no other point.
		rng := splitmix64(uint64(len(g))*7919 + uint64(g[0]))
		for try := 0; try < 8 && len(basis) > 0; try++ {
			var cu []*big.Int
			if try == 0 || len(basis) == 1 {
				cu = basis[0]
			} else {
				cu = make([]*big.Int, len(X[0]))
				for c := range cu {
					cu[c] = new(big.Int)
				}
				for _, b := range basis {
					f := big.NewInt(int64(rng.next()%7) - 3)
					for c := range cu {
						cu[c].Add(cu[c], new(big.Int).Mul(f, b[c]))
					}
				}
			}
			if onlyGroupOnPlane(X, g, cu) {
				return g, rest, cu
			}
			if len(basis) == 1 {
				break
			}
		}
		// Drop the last point and retry with a larger null space.
		rest = orderLike(cand, append(rest, g[len(g)-1]))
		g = g[:len(g)-1]
	}
}

// orderLike returns the members of set in the order they have in ref.
func orderLike(ref, set []int) []int {
	in := map[int]bool{}
	for _, k := range set {
		in[k] = true
	}
	var out []int
	for _, k := range ref {
		if in[k] {
			out = append(out, k)
		}
	}
	return out
}

func onlyGroupOnPlane(X [][]*big.Int, g []int, u []*big.Int) bool {
	zero := true
	for _, v := range u {
		zero = zero && v.Sign() == 0
	}
	if zero {
		return false
	}
	in := map[int]bool{}
	for _, k := range g {
		in[k] = true
	}
	beta := dot(u, X[g[0]])
	for k := range X {
		if on := dot(u, X[k]).Cmp(beta) == 0; on != in[k] {
			return false
		}
	}
	return true
}

func sub(a, b []*big.Int) []*big.Int {
	out := make([]*big.Int, len(a))
	for i := range a {
		out[i] = new(big.Int).Sub(a[i], b[i])
	}
	return out
}

func dot(u, x []*big.Int) *big.Int {
	s, t := new(big.Int), new(big.Int)
	for i := range u {
		if u[i].Sign() != 0 && x[i].Sign() != 0 {
			s.Add(s, t.Mul(u[i], x[i]))
		}
	}
	return s
}

func dotRat(v []*big.Rat, x []*big.Int) *big.Rat {
	s := new(big.Rat)
	for i := range v {
		if v[i].Sign() != 0 && x[i].Sign() != 0 {
			s.Add(s, new(big.Rat).Mul(v[i], ratInt(x[i])))
		}
	}
	return s
}

func ceilRat(r *big.Rat) *big.Int {
	q, m := new(big.Int).QuoRem(r.Num(), r.Denom(), new(big.Int))
	if m.Sign() > 0 {
		q.Add(q, big.NewInt(1))
	}
	return q
}

func sortInts(s []int) {
	for i := 1; i < len(s); i++ {
		for j := i; j > 0 && s[j] < s[j-1]; j-- {
			s[j], s[j-1] = s[j-1], s[j]
		}
	}
}

// bareiss brings rows (copied) to row echelon form by fraction-free elimination. It
// returns the echelon rows (the independent ones, in echelon order), their pivot columns,
// and the indices in rows of the rows that became pivots.
func bareiss(rows [][]*big.Int) (E [][]*big.Int, piv []int, pivRows []int) {
	m := len(rows)
	if m == 0 {
		return nil, nil, nil
	}
	cols := len(rows[0])
	M := make([][]*big.Int, m)
	idx := make([]int, m)
	for i := range rows {
		idx[i] = i
		M[i] = make([]*big.Int, cols)
		for j := range rows[i] {
			M[i][j] = new(big.Int).Set(rows[i][j])
		}
	}
	prev := big.NewInt(1)
	r := 0
	t1, t2 := new(big.Int), new(big.Int)
	for col := 0; col < cols && r < m; col++ {
		p := -1
		for i := r; i < m; i++ {
			if M[i][col].Sign() != 0 {
				p = i
				break
			}
		}
		if p < 0 {
			continue
		}
		M[r], M[p] = M[p], M[r]
		idx[r], idx[p] = idx[p], idx[r]
		for i := r + 1; i < m; i++ {
			for j := col + 1; j < cols; j++ {
				t1.Mul(M[r][col], M[i][j])
				t2.Mul(M[i][col], M[r][j])
				M[i][j].Sub(t1, t2)
				M[i][j].Quo(M[i][j], prev)
			}
			M[i][col].SetInt64(0)
		}
		prev = new(big.Int).Set(M[r][col])
		piv = append(piv, col)
		pivRows = append(pivRows, idx[r])
		r++
	}
	return M[:r], piv, pivRows
}

// nullBasis returns integer vectors spanning {z : E z = 0}, one per free column.
func nullBasis(E [][]*big.Int, piv []int, cols int) [][]*big.Int {
	isPiv := make([]bool, cols)
	for _, c := range piv {
		isPiv[c] = true
	}
	var basis [][]*big.Int
	for f := 0; f < cols; f++ {
		if isPiv[f] {
			continue
		}
		z := make([]*big.Rat, cols)
		for c := range z {
			z[c] = new(big.Rat)
		}
		z[f].SetInt64(1)
		for i := len(E) - 1; i >= 0; i-- {
			s := new(big.Rat)
			for j := piv[i] + 1; j < cols; j++ {
				if E[i][j].Sign() != 0 && z[j].Sign() != 0 {
					s.Add(s, new(big.Rat).Mul(ratInt(E[i][j]), z[j]))
				}
			}
			z[piv[i]] = s.Neg(s).Quo(s, ratInt(E[i][piv[i]]))
		}
		basis = append(basis, integerVector(z))
	}
	return basis
}

// integerVector scales a rational vector to coprime integers.
func integerVector(z []*big.Rat) []*big.Int {
	l := big.NewInt(1)
	for _, v := range z {
		lcmInto(l, v.Denom())
	}
	out := make([]*big.Int, len(z))
	g := new(big.Int)
	for i, v := range z {
		out[i] = new(big.Int).Mul(v.Num(), new(big.Int).Quo(l, v.Denom()))
		if out[i].Sign() != 0 {
			if g.Sign() == 0 {
				g.Abs(out[i])
			} else {
				g.GCD(nil, nil, g, new(big.Int).Abs(out[i]))
			}
		}
	}
	if g.Sign() > 0 && g.Cmp(big.NewInt(1)) != 0 {
		for _, v := range out {
			v.Quo(v, g)
		}
	}
	return out
}

// affineThrough finds v, c with v·X_k + c = y(k) for the group's (affinely independent)
// points: v solves v·(X_k − X_base) = y(k) − y(base), free coordinates 0.
func affineThrough(X [][]*big.Int, g []int, y func(k int) *big.Rat) ([]*big.Rat, *big.Rat) {
	D := len(X[0])
	v := make([]*big.Rat, D)
	for c := range v {
		v[c] = new(big.Rat)
	}
	base := g[0]
	if len(g) > 1 {
		// Augment the difference rows with the right-hand sides, scaled to integers.
		q := big.NewInt(1)
		for _, k := range g[1:] {
			lcmInto(q, new(big.Rat).Sub(y(k), y(base)).Denom())
		}
		rows := make([][]*big.Int, len(g)-1)
		for i, k := range g[1:] {
			rows[i] = append(sub(X[k], X[base]), new(big.Int).Mul(ratNum(new(big.Rat).Sub(y(k), y(base)), q), big.NewInt(1)))
		}
		E, piv, _ := bareiss(rows)
		for i := len(E) - 1; i >= 0; i-- {
			if piv[i] >= D {
				panic("construct: affineThrough on dependent points")
			}
			s := ratInt(E[i][D])
			for j := piv[i] + 1; j < D; j++ {
				if E[i][j].Sign() != 0 && v[j].Sign() != 0 {
					s.Sub(s, new(big.Rat).Mul(ratInt(E[i][j]), v[j]))
				}
			}
			v[piv[i]] = s.Quo(s, ratInt(E[i][piv[i]]))
		}
		qr := ratInt(q)
		for c := range v {
			v[c].Quo(v[c], qr)
		}
	}
	c := dotRat(v, X[base])
	c.Sub(y(base), c)
	return v, c
}

// ratNum returns r·q as an integer (q a multiple of r's denominator).
func ratNum(r *big.Rat, q *big.Int) *big.Int {
	n := new(big.Int).Quo(q, r.Denom())
	return n.Mul(n, r.Num())
}

// without returns the elements of g that are not in keep, in g's order.
func without(g, keep []int) []int {
	in := make(map[int]bool, len(keep))
	for _, k := range keep {
		in[k] = true
	}
	var out []int
	for _, k := range g {
		if !in[k] {
			out = append(out, k)
		}
	}
	return out
}
