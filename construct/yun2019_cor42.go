package construct

import (
	"fmt"
	"math/big"
	"math/bits"
	"strings"

	"certify/cert"
	"certify/theorems"
)

// YunCor42 builds the two-layer one-hot classifier of Yun, Sra, Jadbabaie 2019,
// Corollary 4.2:
//
//	Consider a d_y-class dataset {(x_i, y_i)}, i = 1..N, y_i ∈ {0,1}^{d_y} one-hot, whose
//	inputs are in general position (no d_x + 1 of them on one affine hyperplane). A
//	2-layer hard-tanh FNN with d1 ≥ 2N/d_x + 2d_y hidden units, or a 2-layer ReLU FNN
//	with d1 ≥ 4N/d_x + 4d_y, memorises it: f(x_i) = y_i.
//
// For CIFAR-10 (N = 50 000, d_x = 3072, d_y = 10) that is ⌈4N/d_x⌉ + 4d_y = 66 + 40 = 106
// ReLUs; for Fashion-MNIST (N = 60 000, d_x = 784) 307 + 40 = 347.
//
// Construction (ours; the paper defers its proof to an appendix we do not follow). The
// distinct points of each class, in the order of a separating projection, are cut into
// groups of d_x. For a group G the integer normal u spans the null space of the
// differences of its points, so the hyperplane H: u·X = β (X = L·x the data over a
// common denominator, so u·X is an integer) passes through G; general position is what
// makes H pass through no other point, so that r(x) = u·X − β is an integer with |r| ≥ 1
// off G. Two hard-tanh units make the bump
//
//	(σ_H(2r + 1) − σ_H(2r − 1)) / 2  =  1 on G (r = 0),  0 at every other point,
//
// (r ≥ 1: 1 − 1; r ≤ −1: −1 + 1), and three ReLUs the bump σ(r + 1) − 2σ(r) + σ(r − 1).
// The bump goes to the output of G's class with weight 1, to no other output, and every
// output bias is 0: the network's output at x_i is exactly the one-hot vector of y_i.
// A class with N_c points needs ⌈N_c/d_x⌉ groups, and Σ_c ⌈N_c/d_x⌉ ≤ N/d_x + d_y, so
// 2·groups ≤ 2N/d_x + 2d_y hard-tanh units and 3·groups < 4N/d_x + 4d_y ReLUs: whenever
// the corollary's hypothesis holds, the construction fits. Without --widths d1 is the
// corollary's own count (⌈2N/d_x⌉ + 2d_y or ⌈4N/d_x⌉ + 4d_y); units beyond the groups' are
// zero (zero row, bias and output weight).
//
// General position is checked by the kernel where it is used: the certificate's
// "hyperplanes" claim lists each H with its points and the units that read it, and the
// kernel confirms that H passes through exactly those points, that they are affinely
// independent, and that each unit's row is a positive multiple of the normal. Data that
// are not in general position (images whose always-0 pixels put every point on one
// hyperplane, so that d_x points of a class can be affinely dependent) are not claimed
// to be: a group whose d_x points are dependent, or whose hyperplane meets another
// point, is made smaller (its dependent points go back to the queue, or its last point
// is dropped) down to one point, where the projection itself is a valid normal. This is
// the construction in the data's affine hull: within a hull of dimension k, groups of k
// points are in general position, and the network reads only hull directions. It
// always certifies, but with more units than the corollary promises; the summary's
// notes say how many groups are short and how many coordinates are constant over the
// data, and the theorem claim's built size then exceeds the promise (within_promise
// false). Options.RequireGeneralPosition refuses such data instead (an input error).
//
// Bit complexity: the normals are integer null vectors, whose entries are minors of
// order up to d_x − 1 of the data (about d_x·log(d_x·max|X|) bits); the other weights
// are 0, ±1, ±2 and ±1/2.
//
// Large groups (min(d_x, the largest class's number of distinct points) at least
// cor42RoundedFrom = 200, such as images) take rounded normals instead (yunCor42Slabs):
// a rounded normal keeps a group in a slab of integer values, not on one value, so a
// group's bump is a 4-ReLU trapezoid (2 hard-tanh units) on a slab that holds exactly
// its points, and the certificate has no hyperplanes claim. On Fashion-MNIST's 60 000
// training images: 100 slabs, d1 = 400 ReLUs where the corollary counts 347 (hard-tanh:
// 200 units for 174), max bit complexity 42, built and verified in under two minutes
// (docs/resnet.md, "Cor 4.2 on Fashion-MNIST"):
//
//	certify construct yun-cor42 \
//	    --data /usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz \
//	    --labels /usr/share/datasets/fashion-mnist/train-labels-idx1-ubyte.gz \
//	    -o fashion-cor42.json --progress --json
func YunCor42(d *cert.Dataset, o Options) (*Result, error) {
	const method = "yun-cor42"
	if d.Task != cert.Classification || d.Classes < 2 {
		return nil, fmt.Errorf("%s: needs a classification dataset with at least 2 classes (the outputs are one-hot)", method)
	}
	hard, err := hardTanhOption(method, o.Activation)
	if err != nil {
		return nil, err
	}
	act, theorem, perGroup := cert.ActReLU, "yun2019-cor4.2-relu", 3
	if hard {
		act, theorem, perGroup = cert.ActHardTanh, "yun2019-cor4.2-hardtanh", 2
	}
	if err := checkWidths(method, o.Widths, 1); err != nil {
		return nil, err
	}
	p := newPoints(d)
	if p.big == nil && (o.cor42Rounded || cor42Group(d, p) >= cor42RoundedFrom) {
		return yunCor42Slabs(d, p, o, hard, theorem)
	}
	n, D, C := p.n(), d.D, d.Classes
	pr, err := chooseProjection(p, o.Progress)
	if err != nil {
		return nil, err
	}
	X := intRows(p)
	copies := pointCopies(p, d)
	projU := make([]*big.Int, D)
	for c := range projU {
		projU[c] = big.NewInt(pr.u[c])
	}
	type group struct {
		class int
		planeGroup
	}
	var groups []group
	short, done := 0, 0
	for class := 0; class < C; class++ {
		var queue []int
		for _, k := range pr.order {
			if d.Labels[p.idx[k]] == class {
				queue = append(queue, k)
			}
		}
		for len(queue) > 0 {
			o.progress("hyperplanes", done, n)
			cand := queue[:min(D, len(queue))]
			g, rest, u := chooseGroupOne(X, cand, projU)
			if len(g) < len(cand) {
				short++
			}
			queue = append(rest, queue[len(cand):]...)
			done += len(g)
			groups = append(groups, group{class: class, planeGroup: planeGroup{pts: g, u: u, beta: dot(u, X[g[0]])}})
		}
	}
	used := perGroup * len(groups)
	// The corollary's count: ⌈q·N/d_x⌉ + q·d_y (q = 2 hard-tanh, 4 ReLU).
	q := 4
	if hard {
		q = 2
	}
	promised := (q*n+D-1)/D + q*C
	constant := constantCoordinates(p)
	var notes []string
	if gp := axisPlaneNote(d); gp != "" {
		if o.RequireGeneralPosition {
			return nil, fmt.Errorf("%s: %s", method, gp)
		}
		notes = append(notes, gp+" (the theorem claim's hypothesis fails there).")
	}
	if short > 0 {
		why := fmt.Sprintf("the data are not in general position: %d of %d groups hold fewer than d_x = %d points of their class while more were left "+
			"(d_x of them were affinely dependent, or their hyperplane met another point)", short, len(groups), D)
		if constant > 0 {
			why += fmt.Sprintf("; %d of the %d coordinates are constant over the data, so the inputs lie in an affine space of dimension at most %d", constant, D, D-constant)
		}
		if o.RequireGeneralPosition {
			return nil, fmt.Errorf("%s: %s (without the general-position requirement the construction works in the data's affine hull, with more units)", method, why)
		}
		notes = append(notes, why+fmt.Sprintf("; the construction works in the data's affine hull and needs %d units where the corollary counts %d.", used, promised))
	}
	width := max(used, promised)
	if o.Widths != nil {
		if o.Widths[0] < used {
			holds, ev := hypothesisOn(theorem, d, D, C, o.Widths, act)
			if holds {
				return nil, fmt.Errorf("%s: the corollary's hypothesis holds (%s) but the %d groups need %d units: %s", method, ev, len(groups), used, notes)
			}
			return nil, &FitError{Method: method, Widths: o.Widths, Evaluated: ev, HypothesisHolds: holds,
				Reason: fmt.Sprintf("the %d groups need %d hidden units", len(groups), used)}
		}
		width = o.Widths[0]
	}
	l1 := layer(D, width, act)
	out := layer(width, C, cert.ActIdentity)
	L := ratInt(p.L)
	hp := cert.HyperplanesClaim{}
	for gi, g := range groups {
		base := gi * perGroup
		scale := int64(1)
		if hard {
			scale = 2
		}
		// r = u·X − β with X = L·x: the row over x is scale·L·u.
		row := make([]*big.Rat, D)
		for c := range row {
			row[c] = new(big.Rat).Mul(ratInt(g.u[c]), L)
			row[c].Mul(row[c], rat(scale))
		}
		b0 := ratInt(g.beta)
		b0.Mul(b0, rat(-scale))
		var units []int
		unit := func(j int, shift int64, w *big.Rat) {
			l1.W[base+j] = append([]*big.Rat(nil), row...)
			l1.B[base+j] = new(big.Rat).Add(b0, rat(shift))
			out.W[g.class][base+j] = w
			units = append(units, base+j)
		}
		if hard {
			unit(0, 1, big.NewRat(1, 2))   // σ_H(2r + 1)/2
			unit(1, -1, big.NewRat(-1, 2)) // −σ_H(2r − 1)/2
		} else {
			unit(0, 1, rat(1))  // σ(r + 1)
			unit(1, 0, rat(-2)) // −2σ(r)
			unit(2, -1, rat(1)) // σ(r − 1)
		}
		hp.Planes = append(hp.Planes, g.plane(L, copies, units))
	}
	net := &cert.Network{InputDim: D, Layers: []cert.Layer{l1, out}}
	name := "Yun, Sra, Jadbabaie 2019, Corollary 4.2 (ReLU)"
	actName := "relu"
	if hard {
		name, actName = "Yun, Sra, Jadbabaie 2019, Corollary 4.2 (hard-tanh)", "hardtanh"
	}
	m := meta{method: method, theorem: theorem, name: name, reference: yunRef,
		params: map[string]string{"groups": fmt.Sprint(len(groups)), "group_size": fmt.Sprint(D), "activation": actName,
			"units_per_group": fmt.Sprint(perGroup), "units_used": fmt.Sprint(used), "short_groups": fmt.Sprint(short)},
		notes: notes,
	}
	res, err := finish(d, net, &o, m, p)
	if err != nil {
		return nil, err
	}
	insertBeforeSizes(res, hp)
	res.Summary.ProjectionK, res.Summary.Blocks, res.Summary.BlockCapacity = pr.K, len(groups), D
	return res, nil
}

// planeGroup is a group of distinct points (indices into the points, the first the base)
// on the integer hyperplane u·X = β that meets no other point.
type planeGroup struct {
	pts  []int
	u    []*big.Int
	beta *big.Int
}

// plane is the group's hyperplane as the kernel reads it, on x (X = L·x): through every
// copy of the group's points, read by the given first-layer units.
func (g planeGroup) plane(L *big.Rat, copies map[int][]int, units []int) cert.Hyperplane {
	pl := cert.Hyperplane{Normal: make([]*big.Rat, len(g.u)), Offset: ratInt(g.beta), Units: units}
	for c := range pl.Normal {
		pl.Normal[c] = new(big.Rat).Mul(ratInt(g.u[c]), L)
	}
	for _, k := range g.pts {
		pl.Points = append(pl.Points, copies[k]...)
	}
	sortInts(pl.Points)
	return pl
}

// insertBeforeSizes puts cl before the sizes and theorem claims (the last two).
func insertBeforeSizes(res *Result, cl cert.Claim) {
	cls := res.Cert.Claims
	res.Cert.Claims = append(append(append([]cert.Claim(nil), cls[:len(cls)-2]...), cl), cls[len(cls)-2:]...)
	res.Summary.Claims = nil
	for _, c := range res.Cert.Claims {
		res.Summary.Claims = append(res.Summary.Claims, c.Kind())
	}
}

// intRows is the distinct points as big integers X = L·x.
func intRows(p *points) [][]*big.Int {
	n, D := p.n(), p.d.D
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
	return X
}

// pointCopies maps each distinct point to its dataset indices (every copy).
func pointCopies(p *points, d *cert.Dataset) map[int][]int {
	copies := make(map[int][]int, p.n())
	first := make(map[int]int, p.n())
	for k, i := range p.idx {
		first[i] = k
		copies[k] = []int{i}
	}
	for _, dup := range d.Duplicates {
		k := first[dup[0]]
		copies[k] = append(copies[k], dup[1])
	}
	return copies
}

// constantCoordinates counts the input coordinates that take one value on every point.
func constantCoordinates(p *points) int {
	n, D := p.n(), p.d.D
	if n == 0 {
		return D
	}
	same := make([]bool, D)
	for c := range same {
		same[c] = true
	}
	var first, row []int64
	if p.big == nil {
		first, row = p.row(0, make([]int64, D)), make([]int64, D)
	}
	for k := 1; k < n; k++ {
		if p.big == nil {
			p.row(k, row)
		}
		for c := 0; c < D; c++ {
			if !same[c] {
				continue
			}
			if p.big != nil {
				same[c] = p.big[k][c].Cmp(p.big[0][c]) == 0
			} else {
				same[c] = row[c] == first[c]
			}
		}
	}
	count := 0
	for _, s := range same {
		if s {
			count++
		}
	}
	return count
}

// chooseGroupOne is chooseGroup with one null vector per try instead of a whole null
// basis: the free coordinates get small pseudo-random integers (the first free one 1)
// and the pivots follow by back-substitution. Large groups in high dimension (hundreds
// of images) need this: the basis has d_x − |G| + 1 vectors.
func chooseGroupOne(X [][]*big.Int, cand []int, projU []*big.Int) (g, rest []int, u []*big.Int) {
	g = append([]int(nil), cand...)
	D := len(X[0])
	for {
		if len(g) == 1 {
			return g, rest, projU
		}
		rows := make([][]*big.Int, len(g)-1)
		for i := range rows {
			rows[i] = sub(X[g[i+1]], X[g[0]])
		}
		E, piv, pivRows := bareiss(rows)
		if len(pivRows) < len(rows) {
			keep := []int{g[0]}
			for _, r := range pivRows {
				keep = append(keep, g[r+1])
			}
			back := without(g, keep)
			g = orderLike(cand, keep)
			rest = orderLike(cand, append(rest, back...))
			continue // recompute the echelon form of the kept points
		}
		isPiv := make([]bool, D)
		for _, c := range piv {
			isPiv[c] = true
		}
		rng := splitmix64(uint64(len(g))*7919 + uint64(g[0]))
		for try := 0; try < 8 && len(piv) < D; try++ {
			z := make([]*big.Rat, D)
			first := true
			for c := range z {
				z[c] = new(big.Rat)
				if isPiv[c] {
					continue
				}
				if first {
					z[c].SetInt64(1)
					first = false
				} else if try > 0 {
					z[c].SetInt64(int64(rng.next()%7) - 3)
				}
			}
			for i := len(E) - 1; i >= 0; i-- {
				s := new(big.Rat)
				for j := piv[i] + 1; j < D; j++ {
					if E[i][j].Sign() != 0 && z[j].Sign() != 0 {
						s.Add(s, new(big.Rat).Mul(ratInt(E[i][j]), z[j]))
					}
				}
				z[piv[i]] = s.Neg(s).Quo(s, ratInt(E[i][piv[i]]))
			}
			if cu := integerVector(z); onlyGroupOnPlane(X, g, cu) {
				return g, rest, cu
			}
		}
		rest = orderLike(cand, append(rest, g[len(g)-1]))
		g = g[:len(g)-1]
	}
}

// cor42RoundedFrom is the group size from which yun-cor42 takes rounded normals and
// slabs (yunCor42Slabs) instead of exact null vectors: a group's normal has entries of
// about |G|·log(d_x·max|X|) bits (some 14 000 for 784 images), and finding it by exact
// elimination of |G| = 784 images is not attempted. The group size is min(d_x, the
// largest class's number of distinct points); below the threshold the exact
// construction of YunCor42's comment is kept (Options.cor42Rounded forces the slabs). The
// threshold is a chosen round number, not tuned.
const cor42RoundedFrom = 200

// cor42Group is the largest group yun-cor42 would form: min(d_x, the largest class's
// number of distinct points).
func cor42Group(d *cert.Dataset, p *points) int {
	count := make(map[int]int)
	most := 0
	for _, i := range p.idx {
		count[d.Labels[i]]++
		most = max(most, count[d.Labels[i]])
	}
	return min(d.D, most)
}

// yunCor42Slabs is yun-cor42 with slabs on rounded normals, for high-dimensional data
// (d_x ≥ cor42RoundedFrom). A group of not yet used points of one class is chosen as for
// yun-resnet (pickGroup: rare non-zero coordinates first, up to 2·d_x candidates), its
// normal w found in floating point (slabNormal, an untrusted guide) and rounded to
// integers (groupSlab: 24, 34, then all allowed bits, the group cut to 7/8 when no
// rounding keeps 15/16 of it). A rounded normal does not keep a group of hundreds of
// points exactly on one hyperplane: the values t = w·X (X = L·x, integers) of the group
// spread over an interval [A2, A3]. The slab [A2, A3] is taken as the run of values that
// holds no point of another class and no point already used by an earlier slab (the
// points used are given a class of their own, −1, for trySlab), and every point with a
// value in it is used by this slab. As t is an integer, every other point has
// t ≤ A2 − 1 or t ≥ A3 + 1, and the trapezoid
//
//	σ(t − A2 + 1) − σ(t − A2) − σ(t − A3) + σ(t − A3 − 1)
//
// (4 ReLUs; 3 when A2 = A3: σ(t − A2 + 1) − 2σ(t − A2) + σ(t − A2 − 1)) is 1 on the slab's
// points and 0 at every other point; with hard-tanh, σ_H(2(t − A2) + 1) − σ_H(2(t − A3) − 1)
// is 2 on the slab and 0 elsewhere (2 units, output weight 1/2). Each point lies in exactly
// one slab, of its class: the output is its one-hot label, exactly (the kernel checks it
// on every point). The slabs are not hyperplanes, so the certificate has no hyperplanes
// claim. The data need not be in general position: the theorem claim evaluates the
// corollary's width count and, of general position, the planes x_k = c (theorems/doc.go),
// and says how the built width compares with the corollary's. More than d_x points on
// one such plane is said in the notes, and refused with Options.RequireGeneralPosition.
func yunCor42Slabs(d *cert.Dataset, p *points, o Options, hard bool, theorem string) (*Result, error) {
	const method = "yun-cor42"
	n, D, C := p.n(), d.D, d.Classes
	wBits := 58 - p.maxX.BitLen() - bits.Len(uint(D))
	if wBits < 8 || !p.L.IsInt64() {
		return nil, fmt.Errorf("%s: the inputs have %d bits over their common denominator; rounded normals need them below 40 bits", method, p.maxX.BitLen())
	}
	// General position is not needed by the slabs; it is looked at on the planes
	// x_k = c only (the notes say when it fails there).
	gpNote := axisPlaneNote(d)
	if gpNote != "" && o.RequireGeneralPosition {
		return nil, fmt.Errorf("%s: %s", method, gpNote)
	}
	xs := p.ints()
	labels := make([]int, n) // −1 once a point is used by a slab
	for k, i := range p.idx {
		labels[k] = d.Labels[i]
	}
	done := make([]bool, n)
	extra := make([]int64, n)
	t := make([]int64, n)
	seed := splitmix64(0xc042)
	var slabs []*slab
	var slabClass []int
	perClass := make([]int, C)
	cuts, single, used := 0, 0, 0
	G := D
	for j := 0; j < C; j++ {
		for {
			S := pickGroup(xs, D, labels, done, j, 2*G)
			if len(S) == 0 {
				break
			}
			o.progress(fmt.Sprintf("slab %d (class %d, %d points left in it)", len(slabs)+1, j, left(labels, done, j)), len(slabs), 0)
			sl, _, c := groupSlab(p, S, labels, extra, j, 1, t, done, &seed, wBits)
			cuts += c
			if sl == nil {
				return nil, fmt.Errorf("%s: internal error: no slab isolates point %d of class %d", method, p.idx[S[0]], j)
			}
			for _, k := range sl.inside {
				done[k] = true
				labels[k] = -1
			}
			slabs = append(slabs, sl)
			slabClass = append(slabClass, j)
			perClass[j]++
			switch {
			case hard:
				used += 2
			case sl.a2 == sl.a3:
				used += 3
				single++
			default:
				used += 4
			}
		}
	}
	q := 4
	if hard {
		q = 2
	}
	promised := (q*n+D-1)/D + q*C
	act := cert.ActReLU
	if hard {
		act = cert.ActHardTanh
	}
	width := max(used, promised)
	if o.Widths != nil {
		if o.Widths[0] < used {
			holds, ev := hypothesisOn(theorem, d, D, C, o.Widths, act)
			return nil, &FitError{Method: method, Widths: o.Widths, Evaluated: ev, HypothesisHolds: holds,
				Reason: fmt.Sprintf("the %d slabs need %d hidden units", len(slabs), used)}
		}
		width = o.Widths[0]
	}
	l1 := layer(D, width, act)
	out := layer(width, C, cert.ActIdentity)
	L := p.L.Int64()
	u := 0
	unit := func(w []int64, scale int64, bias int64, class int, v *big.Rat) {
		row := make([]*big.Rat, D)
		for c := range row {
			row[c] = new(big.Rat).SetInt64(w[c])
			row[c].Mul(row[c], big.NewRat(L*scale, 1))
		}
		l1.W[u], l1.B[u] = row, big.NewRat(bias, 1)
		out.W[class][u] = v
		u++
	}
	for si, sl := range slabs {
		j := slabClass[si]
		// t = w·X = L·(w·x).
		switch {
		case hard:
			unit(sl.w, 2, -2*sl.a2+1, j, big.NewRat(1, 2))  // σ_H(2(t − A2) + 1)/2
			unit(sl.w, 2, -2*sl.a3-1, j, big.NewRat(-1, 2)) // −σ_H(2(t − A3) − 1)/2
		case sl.a2 == sl.a3:
			unit(sl.w, 1, -sl.a2+1, j, rat(1))
			unit(sl.w, 1, -sl.a2, j, rat(-2))
			unit(sl.w, 1, -sl.a2-1, j, rat(1))
		default:
			unit(sl.w, 1, -sl.a2+1, j, rat(1))
			unit(sl.w, 1, -sl.a2, j, rat(-1))
			unit(sl.w, 1, -sl.a3, j, rat(-1))
			unit(sl.w, 1, -sl.a3-1, j, rat(1))
		}
	}
	var notes []string
	if gpNote != "" {
		notes = append(notes, gpNote+"; the slabs do not need it.")
	}
	notes = append(notes, fmt.Sprintf("rounded normals (groups of up to %d points; exact normals are taken below %d): %d slabs of integer values of a rounded normal, each holding exactly its points (no point of another class or of another slab has a value in it), %d of them a single value; %d hidden units used where the corollary counts %d.", cor42Group(d, p), cor42RoundedFrom, len(slabs), single, used, promised))
	if cuts > 0 {
		notes = append(notes, fmt.Sprintf("%d time(s) no rounding kept 15/16 of a group apart and the group was cut to 7/8.", cuts))
	}
	net := &cert.Network{InputDim: D, Layers: []cert.Layer{l1, out}}
	name, actName, perGroup := "Yun, Sra, Jadbabaie 2019, Corollary 4.2 (ReLU)", "relu", "4 (3 on a single value)"
	if hard {
		name, actName, perGroup = "Yun, Sra, Jadbabaie 2019, Corollary 4.2 (hard-tanh)", "hardtanh", "2"
	}
	m := meta{method: method, theorem: theorem, name: name, reference: yunRef,
		params: map[string]string{"normals": "rounded", "groups": fmt.Sprint(len(slabs)), "group_size": fmt.Sprint(D), "activation": actName,
			"units_per_group": perGroup, "units_used": fmt.Sprint(used), "single_value_slabs": fmt.Sprint(single),
			"groups_per_class": strings.Trim(fmt.Sprint(perClass), "[]")},
		notes: notes,
	}
	res, err := finish(d, net, &o, m, p)
	if err != nil {
		return nil, err
	}
	res.Summary.Blocks, res.Summary.BlockCapacity = len(slabs), D
	return res, nil
}

// axisPlaneNote says, when more than d_x distinct points share one value of one input
// coordinate (all on the hyperplane x_k = c), that the data are not in general position
// ("" otherwise): the part of general position the theorem claim evaluates.
func axisPlaneNote(d *cert.Dataset) string {
	if most, k, c := theorems.AxisPlaneMax(d); most > d.D {
		return fmt.Sprintf("the data are not in general position: %d points have x_%d = %s (general position allows at most d_x = %d on a hyperplane)", most, k, c.RatString(), d.D)
	}
	return ""
}
