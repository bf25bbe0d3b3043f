package lowerbounds

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/big"

	"certify/cert"
)

// BranchOptions bound the adaptive search of FarkasBranchProof.
type BranchOptions struct {
	MaxNodes int             // nodes of the whole tree (0: 2 000 000)
	MaxDepth int             // splits on a path (0: 80)
	Ctx      context.Context // nil: no cancellation
	Progress func(done, total, nodes int)
	// Survey: go on past a case the search cannot refute and report them all (the tree
	// returned is then incomplete: the kernel refuses it).
	Survey bool
	// CaseNodes bounds the nodes under one outputs case (0: DefaultCaseNodes).
	CaseNodes int
	// NoMirror: no first-layer case is left to its mirror image.
	NoMirror bool
}

// BranchStats counts what the search did.
type BranchStats struct {
	Nodes, Leaves, ExactFallbacks int
	Open                          []string // under Survey: the cases left open
	Mirrored                      []string // first-layer cases left to their mirror image after a failed search
}

// DefaultCaseNodes bounds the nodes under one outputs case: past it the case is left open
// (to its mirror image, when there is one).
const DefaultCaseNodes = 40000

// ErrBranchLimit says that the adaptive search stopped at a limit (nodes or depth).
var ErrBranchLimit = errors.New("the adaptive Farkas search reached its limit")

// FarkasBranchProof builds a no-fit proof of the adaptive form (cert's farkas_branch.go) for
// two hidden relu layers: the first-layer multisets, under each the outputs multisets, and
// under each a tree of fact splits chosen DPLL-style. At each node a floating-point linear
// program (untrusted, a guide only) looks for a Farkas vector of the node's rows; when it finds
// one, the exact simplex refutes the rows of its support and the node is a leaf; else a
// floating-point solution of the rows (the exact simplex's when the float LP fails) picks
// the next split: an undecided activity (ranks in order); then, at the first first-layer unit
// j where the solution is no network, the sign of a combination Σ_k λ_k·v_kj with λ_k in
// {−1, 0, 1} whose ratio W/V leaves t_j's interval (or V = 0 and W ≠ 0), else, where the ratios
// Q_kj/v_kj disagree, on even depths the sign of λ = (1, −v_1j/v_2j) rounded (V = 0 at the
// solution: both cases cut it off) and otherwise a "t" split between the ratios. A solution
// that no split can cut is a network that fits: the search fails with ErrFarkasOpen. On
// symmetric data a first-layer case whose mirror image was refuted earlier is marked
// "mirror", and so is one whose search fails when its mirror image comes later.
func FarkasBranchProof(d *cert.Dataset, arch cert.Architecture, opt BranchOptions) (*cert.FarkasNode, BranchStats, error) {
	var st BranchStats
	if len(arch.Hidden) != 2 || arch.Activation != "relu" || arch.InputDim != 1 {
		return nil, st, fmt.Errorf("the adaptive Farkas split is for one input and two hidden relu layers")
	}
	fd, err := cert.SortedData(d)
	if err != nil {
		return nil, st, err
	}
	if opt.MaxNodes == 0 {
		opt.MaxNodes = 2000000
	}
	if opt.MaxDepth == 0 {
		opt.MaxDepth = 80
	}
	if opt.CaseNodes == 0 {
		opt.CaseNodes = DefaultCaseNodes
	}
	n := len(fd.X)
	var kinds []string
	for _, s := range []string{"+", "-"} {
		for p := 0; p <= n; p++ {
			kinds = append(kinds, fmt.Sprintf("%s%d", s, p))
		}
	}
	var outs []string
	for _, o := range multisetsOf([]string{"+", "0", "-"}, arch.Hidden[1]) {
		s := ""
		for _, c := range o {
			s += c
		}
		outs = append(outs, s)
	}
	b := &brancher{fd: fd, n: n, opt: opt, st: &st}
	root := &cert.FarkasNode{Split: cert.SplitFirstLayer}
	firsts := multisetsOf(kinds, arch.Hidden[0])
	// Mirror images (symmetric data): a case whose mirror came earlier and was refuted by
	// its own subtree is marked "mirror"; a case whose search fails is marked "mirror" when
	// its mirror comes later (which is then searched itself).
	index := map[string]int{}
	for i, u := range firsts {
		index[fmt.Sprint(u)] = i
	}
	own := map[int]bool{} // refuted by its own subtree
	mirrorOf := func(i int) int {
		m, ok := cert.MirrorCase(fd, firsts[i])
		if !ok {
			return -1
		}
		if j, ok := index[fmt.Sprint(m)]; ok && j != i {
			return j
		}
		return -1
	}
	pending := map[int]bool{} // marked mirror, waiting for its mirror's own subtree
	for i, units := range firsts {
		if j := mirrorOf(i); j >= 0 && j < i && own[j] && !opt.NoMirror {
			root.Cases = append(root.Cases, cert.FarkasNode{Units: units, Split: cert.SplitMirror})
			continue
		}
		nd, err := b.firstCase(units, outs, fd)
		if err != nil {
			if j := mirrorOf(i); j > i && !opt.NoMirror && (errors.Is(err, ErrFarkasOpen) || errors.Is(err, ErrBranchLimit)) {
				pending[j] = true
				b.st.Mirrored = append(b.st.Mirrored, fmt.Sprintf("%v (by %v): %v", units, firsts[j], err))
				root.Cases = append(root.Cases, cert.FarkasNode{Units: units, Split: cert.SplitMirror})
				continue
			}
			return nil, st, err
		}
		own[i] = true
		root.Cases = append(root.Cases, *nd)
		if opt.Progress != nil {
			opt.Progress(i+1, len(firsts), st.Nodes)
		}
	}
	for j := range pending {
		if !own[j] {
			return nil, st, fmt.Errorf("first-layer case %v: its mirror image was not refuted", firsts[j])
		}
	}
	return root, st, nil
}

// firstCase searches the outputs cases of one first-layer case.
func (b *brancher) firstCase(units, outs []string, fd cert.FarkasData) (*cert.FarkasNode, error) {
	st, opt := b.st, b.opt
	{
		nd := cert.FarkasNode{Units: units, Split: cert.SplitOutputs}
		for _, o := range outs {
			f, err := cert.NewFarkasFacts(fd, units, o)
			if err != nil {
				return nil, err
			}
			b.caseStart = st.Nodes
			ch, err := b.search(f, 0)
			if err != nil && opt.Survey && !errors.Is(err, context.Canceled) {
				st.Open = append(st.Open, fmt.Sprintf("%v %s: %v", units, o, err))
				ch, err = &cert.FarkasNode{Farkas: []string{"0"}}, nil
			}
			if err != nil {
				return nil, fmt.Errorf("first-layer case %v, outputs %s: %w", units, o, err)
			}
			ch.Outputs = o
			nd.Cases = append(nd.Cases, *ch)
		}
		return &nd, nil
	}
}

type brancher struct {
	fd  cert.FarkasData
	n   int
	opt BranchOptions
	st  *BranchStats

	caseStart int
}

func (b *brancher) search(f *cert.FarkasFacts, depth int) (*cert.FarkasNode, error) {
	b.st.Nodes++
	if b.st.Nodes > b.opt.MaxNodes {
		return nil, fmt.Errorf("%w: more than %d nodes", ErrBranchLimit, b.opt.MaxNodes)
	}
	if b.opt.CaseNodes > 0 && b.st.Nodes-b.caseStart > b.opt.CaseNodes {
		return nil, fmt.Errorf("%w: more than %d nodes under one outputs case", ErrBranchLimit, b.opt.CaseNodes)
	}
	if b.opt.Ctx != nil && b.st.Nodes%64 == 0 && b.opt.Ctx.Err() != nil {
		return nil, b.opt.Ctx.Err()
	}
	rows := cert.BranchRows(b.fd, f)
	if y := b.refute(rows); y != nil {
		b.st.Leaves++
		return &cert.FarkasNode{Farkas: y}, nil
	}
	if depth >= b.opt.MaxDepth {
		return nil, fmt.Errorf("%w: a path of %d splits", ErrBranchLimit, depth)
	}
	fa, on := b.choose(f, rows, depth)
	split := fa.Split
	if split == "" {
		if y := farkasVector(rows); y != nil {
			b.st.ExactFallbacks++
			b.st.Leaves++
			return &cert.FarkasNode{Farkas: y}, nil
		}
		return nil, ErrFarkasOpen
	}
	nd := &cert.FarkasNode{Split: split, On: on}
	for c, lab := range cert.BranchLabels(split) {
		undo := f.Decide(fa, c)
		ch, err := b.search(f, depth+1)
		undo()
		if err != nil {
			return nil, err
		}
		ch.Case = lab
		nd.Cases = append(nd.Cases, *ch)
	}
	return nd, nil
}

// refute returns an exact Farkas vector of the rows or nil.
func (b *brancher) refute(rows []cert.FarkasRow) []string {
	if len(rows) == 0 {
		return nil
	}
	yf := floatFarkas(rows)
	if yf == nil {
		return nil
	}
	var sub []cert.FarkasRow
	var idx []int
	for r, v := range yf {
		if math.Abs(v) > 1e-9 {
			sub = append(sub, rows[r])
			idx = append(idx, r)
		}
	}
	y := farkasVector(sub)
	if y == nil {
		b.st.ExactFallbacks++
		return farkasVector(rows)
	}
	out := make([]string, len(rows))
	for r := range out {
		out[r] = "0"
	}
	for i, r := range idx {
		out[r] = y[i]
	}
	return out
}

// choose picks the next split from a floating-point solution of the rows: the fact and its
// "on".
func (b *brancher) choose(f *cert.FarkasFacts, rows []cert.FarkasRow, depth int) (cert.FarkasFact, string) {
	for r := 0; r < b.n; r++ {
		for k, a := range f.Out {
			if a != 0 && f.Act[k][r] == 0 {
				return cert.FarkasFact{Split: cert.SplitAct, K: k, R: r}, fmt.Sprintf("%d %d", k+1, r+1)
			}
		}
	}
	none := cert.FarkasFact{}
	z := floatSolve(rows)
	if z == nil {
		b.st.ExactFallbacks++
		if z = exactSolve(rows); z == nil {
			return none, ""
		}
	}
	d1, d2 := len(f.Lo), len(f.Out)
	stride := 1 + 2*d1
	vq := func(k, j int) (float64, float64) { return z[1+k*stride+1+2*j], z[1+k*stride+2+2*j] }
	vsplit := func(j int, lam []*big.Rat) (cert.FarkasFact, string) {
		on := fmt.Sprint(j + 1)
		for _, l := range lam {
			on += " " + l.RatString()
		}
		return cert.FarkasFact{Split: cert.SplitV, J: j, Lam: lam}, on
	}
	decided := func(j int, lam []*big.Rat) bool {
		for _, cb := range f.V {
			if cb.J != j {
				continue
			}
			same := true
			for k := range lam {
				same = same && cb.Lam[k].Cmp(lam[k]) == 0
			}
			if same {
				return true
			}
		}
		return false
	}
	for j := 0; j < d1; j++ {
		used := false
		for r := 1; r <= b.n; r++ {
			used = used || f.Active(j, r)
		}
		if !used {
			continue
		}
		lo, hi := math.Inf(-1), math.Inf(1)
		if f.Lo[j] != nil {
			lo = ratF(f.Lo[j])
		}
		if f.Hi[j] != nil {
			hi = ratF(f.Hi[j])
		}
		bounded := f.Lo[j] != nil && f.Hi[j] != nil
		// Combinations with coefficients −1, 0, 1 (singles first) whose ratio leaves the
		// interval, or a zero sum with a non-zero W.
		for _, lam := range b.small(f) {
			if decided(j, lam) {
				continue
			}
			var V, W, scale float64
			for k, l := range lam {
				v, q := vq(k, j)
				lf := ratF(l)
				V += lf * v
				W += lf * q
				scale = math.Max(scale, math.Max(math.Abs(v), math.Abs(q)))
			}
			bad := false
			if math.Abs(V) <= 1e-9*(1+scale) {
				bad = bounded && math.Abs(W) > 1e-7*(1+scale)
			} else {
				rt := W / V
				eps := 1e-7 * (1 + math.Abs(rt))
				bad = rt < lo-eps || rt > hi+eps
			}
			if bad {
				return vsplit(j, lam)
			}
		}
		// Ratios Q_kj/v_kj that disagree: cut the point by the sign of
		// v_k2j·v_k1j' − v_k1j·v_k2j' ≈ 0 (an angle), else by a t split between them.
		k1, k2 := -1, -1
		var mn, mx float64
		for k, a := range f.Out {
			v, q := vq(k, j)
			if a == 0 || math.Abs(v) <= 1e-9 {
				continue
			}
			rt := q / v
			if k1 < 0 || rt < mn {
				k1, mn = k, rt
			}
			if k2 < 0 || rt > mx {
				k2, mx = k, rt
			}
		}
		if k1 < 0 || mx-mn <= 1e-7*(1+math.Abs(mx)) {
			continue
		}
		if bounded && depth%2 == 0 {
			v1, _ := vq(k1, j)
			v2, _ := vq(k2, j)
			lam := make([]*big.Rat, d2)
			for k := range lam {
				lam[k] = new(big.Rat)
			}
			// λ = (1 at k1, −μ at k2) with μ ≈ v1/v2, or (−μ' at k1, 1 at k2).
			if math.Abs(v1) <= math.Abs(v2) {
				lam[k1].SetInt64(1)
				lam[k2].Neg(ratNear(v1 / v2))
			} else {
				lam[k2].SetInt64(1)
				lam[k1].Neg(ratNear(v2 / v1))
			}
			if !decided(j, lam) {
				return vsplit(j, lam)
			}
		}
		if tau := ratBetween(math.Max(mn, lo), math.Min(mx, hi), f.Lo[j], f.Hi[j]); tau != nil {
			return cert.FarkasFact{Split: cert.SplitT, J: j, Tau: tau}, fmt.Sprintf("%d %s", j+1, tau.RatString())
		}
	}
	return none, ""
}

// small lists the combinations with coefficients −1, 0, 1 over the units with a non-zero
// output weight, the first non-zero 1: singles first.
func (b *brancher) small(f *cert.FarkasFacts) [][]*big.Rat {
	d2 := len(f.Out)
	var singles, others [][]*big.Rat
	var rec func(pre []int, nz int)
	rec = func(pre []int, nz int) {
		if len(pre) == d2 {
			if nz == 0 {
				return
			}
			lam := make([]*big.Rat, d2)
			for k, l := range pre {
				lam[k] = big.NewRat(int64(l), 1)
			}
			if nz == 1 {
				singles = append(singles, lam)
			} else {
				others = append(others, lam)
			}
			return
		}
		k := len(pre)
		for _, l := range []int{1, 0, -1} {
			if (l != 0 && f.Out[k] == 0) || (nz == 0 && l == -1) {
				continue
			}
			c := nz
			if l != 0 {
				c++
			}
			rec(append(pre, l), c)
		}
	}
	rec(nil, 0)
	return append(singles, others...)
}

// ratNear is a rational within about 1e-9 (relative) of x.
func ratNear(x float64) *big.Rat {
	r := new(big.Rat)
	r.SetFloat64(x)
	// Shorten: continued fraction until close enough.
	a, b := ratBetweenF(x-1e-9*(1+math.Abs(x)), x+1e-9*(1+math.Abs(x)))
	if b != 0 {
		r.SetFrac64(a, b)
	}
	return r
}

// ratBetweenF is the simplest fraction a/b in (lo, hi) by the Stern–Brocot descent, or b = 0.
func ratBetweenF(lo, hi float64) (int64, int64) {
	if math.IsNaN(lo) || math.IsNaN(hi) || math.Abs(lo) > 1e12 || math.Abs(hi) > 1e12 {
		return 0, 0
	}
	fl := math.Floor(lo)
	if fl+1 < hi {
		return int64(fl + 1), 1
	}
	// lo, hi in (fl, fl+1]: continued fraction of the fractional parts.
	x, y := lo-fl, hi-fl
	if x == 0 {
		return int64(fl), 1
	}
	// 1/y < 1/x
	p, q := ratBetweenF(1/y, 1/x)
	if q == 0 || p == 0 || p > 1<<40 {
		return 0, 0
	}
	// fl + q/p
	return int64(fl)*p + q, p
}

// ratBetween is a short rational strictly between a < b (floats), and strictly inside
// (lo, hi) (nil: unbounded), or nil.
func ratBetween(a, b float64, lo, hi *big.Rat) *big.Rat {
	if !(a < b) {
		return nil
	}
	m, w := (a+b)/2, (b-a)/4
	for den := int64(1); den <= 1<<40; den *= 2 {
		for _, dd := range []int64{den, 3 * den, 5 * den} {
			num := math.Round(m * float64(dd))
			if math.Abs(num/float64(dd)-m) >= w || math.Abs(num) > 1<<52 {
				continue
			}
			t := new(big.Rat).SetFrac(big.NewInt(int64(num)), big.NewInt(dd))
			if (lo == nil || t.Cmp(lo) > 0) && (hi == nil || t.Cmp(hi) < 0) {
				return t
			}
		}
	}
	return nil
}

func ratF(r *big.Rat) float64 { v, _ := r.Float64(); return v }

// floatFarkas looks for y (free on equalities, ≥ 0 on inequalities) with Σ y·row = 0 and
// Σ y·rhs = 1 in floating point (a guide only).
func floatFarkas(rows []cert.FarkasRow) []float64 {
	nv := len(rows[0].Coef)
	var cols [][2]int
	for r, row := range rows {
		cols = append(cols, [2]int{r, 1})
		if !row.Ineq {
			cols = append(cols, [2]int{r, -1})
		}
	}
	M := make([][]float64, nv+1)
	d := make([]float64, nv+1)
	for i := range M {
		M[i] = make([]float64, len(cols))
		for j, cl := range cols {
			v := rows[cl[0]].RHS
			if i < nv {
				v = rows[cl[0]].Coef[i]
			}
			M[i][j] = ratF(v) * float64(cl[1])
		}
	}
	d[nv] = 1
	w := feasibleFloat(M, d, len(cols))
	if w == nil {
		return nil
	}
	y := make([]float64, len(rows))
	for j, cl := range cols {
		y[cl[0]] += w[j] * float64(cl[1])
	}
	return y
}

// floatSolve finds z with the rows (= or ≥) in floating point, or nil.
func floatSolve(rows []cert.FarkasRow) []float64 {
	nv := len(rows[0].Coef)
	nineq := 0
	for _, r := range rows {
		if r.Ineq {
			nineq++
		}
	}
	nw := 2*nv + nineq
	M := make([][]float64, len(rows))
	d := make([]float64, len(rows))
	s := 0
	for r, row := range rows {
		M[r] = make([]float64, nw)
		sg := 1.0
		if row.RHS.Sign() < 0 {
			sg = -1
		}
		for i, c := range row.Coef {
			M[r][i] = sg * ratF(c)
			M[r][nv+i] = -sg * ratF(c)
		}
		if row.Ineq {
			M[r][2*nv+s] = -sg
			s++
		}
		d[r] = sg * ratF(row.RHS)
	}
	w := feasibleFloat(M, d, nw)
	if w == nil {
		return nil
	}
	z := make([]float64, nv)
	for i := range z {
		z[i] = w[i] - w[nv+i]
	}
	return z
}

// exactSolve finds z with the rows exactly (the exact simplex), as floats, or nil.
func exactSolve(rows []cert.FarkasRow) []float64 {
	nv := len(rows[0].Coef)
	nineq := 0
	for _, r := range rows {
		if r.Ineq {
			nineq++
		}
	}
	nw := 2*nv + nineq
	M := make([][]*big.Rat, len(rows))
	d := make([]*big.Rat, len(rows))
	s := 0
	for r, row := range rows {
		M[r] = make([]*big.Rat, nw)
		for i := range M[r] {
			M[r][i] = new(big.Rat)
		}
		sg := big.NewRat(1, 1)
		if row.RHS.Sign() < 0 {
			sg.SetInt64(-1)
		}
		for i, c := range row.Coef {
			M[r][i].Mul(sg, c)
			M[r][nv+i].Neg(M[r][i])
		}
		if row.Ineq {
			M[r][2*nv+s].Neg(sg)
			s++
		}
		d[r] = new(big.Rat).Mul(sg, row.RHS)
	}
	w := feasible(M, d, nw)
	if w == nil {
		return nil
	}
	z := make([]float64, nv)
	for i := range z {
		z[i] = ratF(new(big.Rat).Sub(w[i], w[nv+i]))
	}
	return z
}

// feasibleFloat is feasible (simplex.go) in floating point with tolerances: w ≥ 0 with
// M·w = d (d ≥ 0), or nil. A guide only.
func feasibleFloat(M [][]float64, d []float64, nw int) []float64 {
	const eps = 1e-9
	R := len(M)
	C := nw + R
	T := make([][]float64, R)
	bb := make([]float64, R)
	basis := make([]int, R)
	rc := make([]float64, C)
	for i := range T {
		T[i] = make([]float64, C)
		for j := 0; j < nw; j++ {
			T[i][j] = M[i][j]
			rc[j] -= M[i][j]
		}
		T[i][nw+i] = 1
		bb[i] = d[i]
		basis[i] = nw + i
	}
	for iter := 0; iter < 20000; iter++ {
		enter := -1
		for j := 0; j < C; j++ {
			if rc[j] < -eps {
				enter = j
				break
			}
		}
		if enter < 0 {
			break
		}
		leave := -1
		best := 0.0
		for i := 0; i < R; i++ {
			if T[i][enter] <= eps {
				continue
			}
			ratio := bb[i] / T[i][enter]
			if leave < 0 || ratio < best-1e-12 || (math.Abs(ratio-best) <= 1e-12 && basis[i] < basis[leave]) {
				leave, best = i, ratio
			}
		}
		if leave < 0 {
			return nil
		}
		piv := T[leave][enter]
		for j := 0; j < C; j++ {
			T[leave][j] /= piv
		}
		bb[leave] /= piv
		for i := 0; i < R; i++ {
			if i == leave || T[i][enter] == 0 {
				continue
			}
			fct := T[i][enter]
			for j := 0; j < C; j++ {
				T[i][j] -= fct * T[leave][j]
			}
			bb[i] -= fct * bb[leave]
		}
		fct := rc[enter]
		for j := 0; j < C; j++ {
			rc[j] -= fct * T[leave][j]
		}
		basis[leave] = enter
	}
	w := make([]float64, nw)
	for i, j := range basis {
		if j >= nw {
			if bb[i] > 1e-7 {
				return nil
			}
			continue
		}
		w[j] = bb[i]
	}
	return w
}
