package construct

import (
	"fmt"
	"math"
	"math/big"
	"math/bits"
	"sort"
	"strings"

	"certify/cert"
	"certify/theorems"
)

// YunResNet builds a memorising residual network after Yun, Sra, Jadbabaie 2019 ("Small
// ReLU networks are powerful memorizers: a tight analysis of memorization capacity"),
// Theorem 4.1:
//
//	Consider any dataset {(x_i, y_i)} with no d_x + 1 points on one affine hyperplane
//	(general position), and d_x ≥ d_y. If a ReLU-like ResNet satisfies
//	Σ_{l<L} d_l ≥ 4N/d_x + 4d_y and d_L ≥ 2d_y, there are parameters with y_i = g(x_i)
//	for all i (y_i one-hot of d_y classes).
//
// The ResNet is h⁰ = x, h^l = h^{l−1} + V^l σ(U^l h^{l−1} + b^l) + c^l for l < L and
// g = V^L σ(U^L h^{L−1} + b^L) + c^L; in the certificate each block is a ReLU layer and
// a residual identity layer ("residual": true), the output block a ReLU layer and the
// identity output layer, and d_l counts the ReLU units of block l.
//
// Size met: Σ_{l<L} d_l = 4·(number of groups) and d_L = 2d_y. The groups are at most
// Σ_j ⌈N_j/G⌉ ≤ N/G + d_y for classes of N_j points and groups of G = d_x points (G is
// the data's affine rank, d_x in general position), so the kernel's theorem claim
// "yun2019-thm4.1-relu" (promise ⌈4N/d_x⌉ + 4d_y + 2d_y hidden units) holds whenever
// every group takes its G points; when a group must be smaller (see below) the claim says
// how far the build is from the promise, never less.
//
// Construction (the proof's idea: a hyperplane through d_x points of one class, which in
// general position contains no other point, lets one block "push" exactly those points).
// Class j is scored on stream coordinate j (d_x ≥ d_y gives d_y distinct coordinates):
// a_j is the largest value of x_j over the points of other classes, and the output block
// computes g_j = σ(h_j − a_j) − σ(h_j − a_j − 1), which is 1 when h_j ≥ a_j + 1 and 0 when
// h_j ≤ a_j. Each block takes G not yet pushed points S of one class j, a normal w with
// w·x_s = β on S (found in floating point: an untrusted guide), rounded to integers; with
// the exact values t_k = w·h_k of every point on the current stream, S spans [A2, A3]
// and no point of another class lies in that interval. Four units make the trapezoid
// σ(t−A1) − σ(t−A2) − σ(t−A3) + σ(t−A4), A1 = A2 − r, A4 = A3 + r, with r at most the gap
// to the nearest point outside [A2, A3]: it is r on [A2, A3] and 0 outside (A1, A4),
// where no point lies. V^l adds V·(trapezoid) to coordinate j, V = ⌈need_j / r⌉ so that
// every pushed point ends with h_j ≥ a_j + 1 (points of class j already pushed that fall
// in [A2, A3] are pushed again, which keeps them there). Points of other classes are
// never moved along coordinate j, so h_j ≤ a_j for them. All numbers are integers over
// the data's common denominator: the stream keeps that one scale.
//
// A group is found among up to 2·d_x not yet pushed points of the class (pickGroup:
// rare non-zero coordinates first), and the elimination keeps the independent ones (a
// row counts as dependent below a pivot of 10⁻³, pivotTol). When a rounded normal puts a
// point of another class among the group's values, the slab is the widest run of values
// free of other classes (the rest of the group waits for a later block); the normal is
// rounded with 24, 34 and then all allowed bits, and the group is cut to 7/8 when no
// rounding keeps 15/16 of it. General position is not assumed by the construction (each
// slab is checked exactly as it is built), but it is the theorem's hypothesis: data with
// more than d_x points on one hyperplane x_k = c (images whose pixel k is 0 on more than
// d_x of them) are refused unless o.OutsideHypothesis; the theorem claim then says the
// network is outside the hypothesis. Data in a proper affine hull of dimension d'
// (constant coordinates, points on a plane in R³) are built in the hull: groups of d'
// points and the theorem claim "yun2019-thm4.1-relu-hull" (or -hardtanh-hull), whose
// counts have d' for d_x and whose general position is that of the hull.
//
// With o.Activation "hardtanh" a block is 2 hard-tanh units, σ_H((2/r)(t − A1) − 1) −
// σ_H((2/r)(t − A3) − 1) (2 on [A2, A3], 0 outside (A1, A4); ramps r ≤ 2 wide, so that the
// slope 2/r and every weight are integers over the data's scale), and the output block one unit
// a class, g_j = (σ_H(2h_j − 2a_j − 1) + 1)/2: Thm 4.1's hard-tanh counts 2N/d_x + 2d_y
// and d_L ≥ d_y ("yun2019-thm4.1-hardtanh").
//
// Runs. A block needs no hyperplane: only an integer direction w on which the values of
// some not yet pushed points of class j form a run, in the sorted values of all points,
// that holds no point of another class (the slab [A2, A3]; the ramps lie in the gaps). Per
// block, runSlab proposes directions: the sum of the stream coordinates of the classes
// already pushed (pushes are made to reach h_c ≥ 2M + 1, M = max_k Σ_{c<d_y} |x_kc|, so
// that on this sum every pushed point lies above every point not yet pushed), Fisher's
// discriminant of the class's remaining points against the others not yet pushed, and
// inverse-iteration directions of the two Gram matrices (runDirections: floating point,
// an untrusted guide), each rounded to integers alone and under a large multiple of the
// sum; the run holding the most points of the class is compared with the hyperplane
// group, and the larger wins (runs are tried for a class until a hyperplane wins once).
// The class whose trial hyperplane group is smallest (the class of lowest rank, as a
// rule) is processed last: it meets only pushed points and goes in one run on the sum.
// The classes' order and per-class blocks are in the provenance's parameters.
//
// On Fashion-MNIST's 60 000 training images (not in general position: 59 987 of them have
// pixel 0 equal to 0), with --outside-hypothesis: 76 blocks, Σ_{l<L} d_l = 304 (the
// theorem's count ⌈4N/d_x + 4d_y⌉ = 347, which the theorem does not promise here since
// its hypothesis fails), d_L = 20, 324 hidden units; hyperplane groups alone took 99
// blocks (416 units). Figures and the history of the grouping are in docs/resnet.md:
//
//	/usr/bin/time -v certify construct yun-resnet --outside-hypothesis \
//	    --data /usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz \
//	    --labels /usr/share/datasets/fashion-mnist/train-labels-idx1-ubyte.gz \
//	    -o fashion-resnet.json --progress --json
func YunResNet(d *cert.Dataset, o Options) (*Result, error) {
	if d.Task != cert.Classification {
		return nil, fmt.Errorf("yun-resnet: Thm 4.1 is about classification data (one-hot labels); this dataset is regression")
	}
	K, D := d.Classes, d.D
	if K < 2 {
		return nil, fmt.Errorf("yun-resnet: needs at least 2 classes (one-hot outputs), got %d", K)
	}
	if D < K {
		return nil, fmt.Errorf("yun-resnet: Thm 4.1 needs d_x ≥ d_y (%d inputs, %d classes): class j is scored on stream coordinate j", D, K)
	}
	hard, err := hardTanhOption("yun-resnet", o.Activation)
	if err != nil {
		return nil, err
	}
	theorem, name, q := "yun2019-thm4.1-relu", "Yun, Sra, Jadbabaie 2019, Theorem 4.1 (ReLU ResNet)", 4
	if hard {
		theorem, name, q = "yun2019-thm4.1-hardtanh", "Yun, Sra, Jadbabaie 2019, Theorem 4.1 (hard-tanh ResNet)", 2
	}
	if o.Widths != nil {
		return nil, fmt.Errorf("yun-resnet: --widths is not supported (the construction chooses its blocks: 4 ReLUs per group of d_x points)")
	}
	p := newPoints(d)
	if p.big != nil {
		return nil, fmt.Errorf("yun-resnet: the inputs over their common denominator must fit in int64")
	}
	n := p.n()
	o.progress("affine rank", 0, 0)
	most, mk, mc := theorems.AxisPlaneMax(d)
	constant, rank := theorems.AffineRank(d, true)
	var notes []string
	// A proper affine hull (rank below min(d_x, N − 1)): the theorem is applied in the
	// hull, d' = rank, and general position is asked of the hull's hyperplanes; the
	// planes x_k = c of the constant coordinates hold the whole hull and do not count.
	hull := rank < min(D, n-1)
	if hull {
		theorem += "-hull"
		name = strings.Replace(name, "ResNet)", "ResNet, in the data's affine hull)", 1)
		most, mk, mc = theorems.AxisPlaneMaxHull(d)
		notes = append(notes, fmt.Sprintf("the data lie in an affine subspace of dimension d' = %d < d_x = %d (%d constant coordinates): the theorem is applied in the hull, groups of d' points, blocks reading only directions that separate points.", rank, D, constant))
	}
	if limit := map[bool]int{false: D, true: rank}[hull]; most > limit {
		msg := fmt.Sprintf("the data are not in general position: %d points have x_%d = %s (they lie on one hyperplane; general position allows at most d_x = %d); the affine rank is %d", most, mk, mc.RatString(), D, rank)
		if hull {
			msg = fmt.Sprintf("the data are not in general position in their affine hull of dimension d' = %d: %d points have x_%d = %s (a hyperplane of the hull; general position allows at most d')", rank, most, mk, mc.RatString())
		}
		if !o.OutsideHypothesis {
			return nil, fmt.Errorf("yun-resnet: %s; Thm 4.1 does not apply. With --outside-hypothesis the network is built anyway (each group takes the points of its class that its hyperplane can hold) and its theorem claim says that it is outside the hypothesis", msg)
		}
		notes = append(notes, msg+"; built outside the theorem's hypothesis.")
	}
	G := max(1, min(D, rank))
	// Weights of wBits bits keep every t = w·h below 2^60 (trySlab checks the pushes):
	// |w·x| < 2^wBits·max|X|·D.
	wBits := 58 - p.maxX.BitLen() - bits.Len(uint(D))
	if wBits < 8 {
		return nil, fmt.Errorf("yun-resnet: the inputs have %d bits over their common denominator; this implementation keeps w·x below 2^60 with normals of at least 8 bits", p.maxX.BitLen())
	}
	L := p.L.Int64()
	if !p.L.IsInt64() {
		return nil, fmt.Errorf("yun-resnet: the data's common denominator must fit in int64")
	}
	xs := p.ints()
	X := func(k, c int) int64 { return xs[k*D+c] }
	labels := make([]int, n)
	for k, i := range p.idx {
		labels[k] = d.Labels[i]
	}
	// a_j (over L): the largest x_j among other classes; need_j: the push (over L) that
	// takes every point of class j to x_j ≥ a_j + 1.
	var classSum int64 // M = max_k Σ_{c<d_y} |x_kc|, over L
	for k := 0; k < n; k++ {
		var m int64
		for c := 0; c < K; c++ {
			m += abs64(X(k, c))
		}
		classSum = max(classSum, m)
	}
	aMax := make([]int64, K)
	need := make([]int64, K)
	for j := 0; j < K; j++ {
		aMax[j], need[j] = math.MinInt64, 1
		lo := int64(math.MaxInt64)
		for k := 0; k < n; k++ {
			if labels[k] != j {
				aMax[j] = max(aMax[j], X(k, j))
			} else {
				lo = min(lo, X(k, j))
			}
		}
		if aMax[j] == math.MinInt64 { // one class only: any value
			aMax[j] = lo - L
		}
		if lo != math.MaxInt64 {
			need[j] = max(1, aMax[j]+L-lo)
			if !o.noRuns && lo > math.MinInt64/2 {
				// Pushed points far enough up that, on the sum of the pushed
				// classes' coordinates, every one of them lies above every point
				// not yet pushed (h_c ≥ 2M + 1 with M = max_k Σ_{c<d_y} |x_kc|
				// gives a pushed point at least M + 1, the others at most M).
				need[j] = max(need[j], 2*classSum+1-lo)
			}
		}
	}
	extra := make([]int64, n) // the push of point k on coordinate labels[k], over L
	done := make([]bool, n)
	net := &cert.Network{InputDim: D}
	blocks, halved := 0, 0
	t := make([]int64, n)
	seed := splitmix64(0x5eed)
	// The runs' own stream, so that the hyperplane groups draw as they did before runs.
	runSeed := splitmix64(0x7275)
	lost := 0 // points a group's rounded hyperplane could not keep (they wait for a later block)
	planeSlab := func(S []int, j int) (*slab, []int) {
		sl, kept, cuts := groupSlab(p, S, labels, extra, j, need[j], t, done, &seed, wBits)
		halved += cuts
		return sl, kept
	}
	// runSlab is the block of the longest run: over the directions runDirections
	// proposes for the class's remaining points R (O: a sample of the other classes),
	// each rounded to 34 bits and to all allowed bits, and the direction Σ_{c∈P} e_c
	// (P: the classes whose points are all pushed, each pushed point at h_c ≥ 2M + 1,
	// so that on this sum every pushed point lies above every point not yet pushed: the
	// class processed last meets no unpushed point of another class),
	// the slab whose run of values free of other classes holds the most points of R.
	runSlab := func(R, O []int, j int, P []int) *slab {
		var sl *slab
		try := func(w []int64) {
			c := trySlab(p, w, R, labels, extra, j, need[j], t, done)
			if c != nil && (sl == nil || c.gain > sl.gain) {
				sl = c
			}
		}
		var sum []int64
		if len(P) > 0 {
			sum = make([]int64, D)
			for _, c := range P {
				sum[c] = 1
			}
			try(sum)
		}
		if len(O) == 0 {
			return sl
		}
		// A direction v rounded to vBits bits under S·sum, S above twice the largest
		// |v·h| over the points not yet pushed: the pushed points stay above them and
		// v orders the rest.
		const vBits = 12
		sBits := vBits + p.maxX.BitLen() + bits.Len(uint(D)) + 1
		for _, w := range runDirections(xs, D, R, O, &runSeed) {
			for _, bitsW := range []int{min(34, wBits), wBits} {
				try(roundNormal(w, bitsW))
			}
			if sum != nil && sBits+bits.Len64(uint64(2*classSum+1)) < 56 {
				v := roundNormal(w, vBits)
				for c := range v {
					v[c] += sum[c] << sBits
				}
				try(v)
			}
		}
		return sl
	}
	runBlocks := 0
	perClass := make([]int, K)
	// The class order: with runs, the class whose first hyperplane group is smallest
	// (by a trial elimination; the class of lowest rank, as a rule) comes last, where
	// every other point is pushed and the direction Σ_{c∈P} e_c isolates the class in
	// one run; the others keep their order.
	order := make([]int, 0, K)
	if o.noRuns {
		for j := 0; j < K; j++ {
			order = append(order, j)
		}
	} else {
		o.progress("class order", 0, 0)
		estSeed := splitmix64(0xe57)
		last, lastSize := -1, 0
		for j := 0; j < K; j++ {
			S := pickGroup(xs, D, labels, done, j, 2*G)
			if len(S) == 0 {
				continue
			}
			size := len(S)
			if _, kept := slabNormal(p, S, &estSeed); kept != nil {
				size = len(kept)
			}
			if last < 0 || size <= lastSize {
				last, lastSize = j, size
			}
		}
		for j := 0; j < K; j++ {
			if j != last {
				order = append(order, j)
			}
		}
		if last >= 0 {
			order = append(order, last)
		}
	}
	var pushed []int // the classes whose points are all pushed
	for _, j := range order {
		// Runs are tried for a class until a hyperplane group beats them once.
		useRuns := !o.noRuns
		var O []int
		if useRuns {
			others := 0
			for k, l := range labels {
				if l != j && !done[k] {
					others++
				}
			}
			step := max(1, (others+5999)/6000)
			c := 0
			for k, l := range labels {
				if l != j && !done[k] { // the others not yet pushed (the pushed move up)
					if c%step == 0 {
						O = append(O, k)
					}
					c++
				}
			}
		}
		for {
			S := pickGroup(xs, D, labels, done, j, 2*G)
			if len(S) == 0 {
				break
			}
			o.progress(fmt.Sprintf("block %d (class %d, %d points left in it)", blocks+1, j, left(labels, done, j)), blocks, 0)
			var sl *slab
			fromRun := false
			if useRuns {
				var R []int
				for k, l := range labels {
					if l == j && !done[k] {
						R = append(R, k)
					}
				}
				sl, fromRun = runSlab(R, O, j, pushed), true
			}
			if sl == nil || sl.gain < len(S) {
				pl, kept := planeSlab(S, j)
				if pl != nil && (sl == nil || pl.gain > sl.gain) {
					lost += max(0, len(kept)-pl.gain)
					sl, fromRun, useRuns = pl, false, false
				}
			}
			if sl == nil {
				return nil, fmt.Errorf("yun-resnet: internal error: no slab isolates point %d of class %d", p.idx[S[0]], j)
			}
			if fromRun {
				runBlocks++
			}
			if hard {
				sl.hardTanh(need[j], L)
			}
			for _, k := range sl.inside {
				done[k] = true
				extra[k] += sl.push
			}
			net.Layers = append(net.Layers, sl.layers(D, j, L, hard)...)
			blocks++
			perClass[j]++
		}
		pushed = append(pushed, j)
	}
	// The output block: g_j = σ(h_j − a_j) − σ(h_j − a_j − 1) (ReLU), or
	// g_j = (σ_H(2h_j − 2a_j − 1) + 1)/2 (hard-tanh: −1 when h_j ≤ a_j, 1 when
	// h_j ≥ a_j + 1).
	var u, v cert.Layer
	if hard {
		u, v = layer(D, K, cert.ActHardTanh), layer(K, K, cert.ActIdentity)
		for j := 0; j < K; j++ {
			u.W[j][j] = rat(2)
			u.B[j] = new(big.Rat).SetFrac64(-(2*aMax[j] + L), L)
			v.W[j][j], v.B[j] = big.NewRat(1, 2), big.NewRat(1, 2)
		}
	} else {
		u, v = layer(D, 2*K, cert.ActReLU), layer(2*K, K, cert.ActIdentity)
		for j := 0; j < K; j++ {
			a := new(big.Rat).SetFrac64(aMax[j], L)
			u.W[2*j][j], u.W[2*j+1][j] = rat(1), rat(1)
			u.B[2*j] = new(big.Rat).Neg(a)
			u.B[2*j+1] = new(big.Rat).Sub(u.B[2*j], rat(1))
			v.W[j][2*j], v.W[j][2*j+1] = rat(1), rat(-1)
		}
	}
	net.Layers = append(net.Layers, u, v)
	if halved > 0 {
		notes = append(notes, fmt.Sprintf("%d time(s) no rounded hyperplane kept a point of the group apart from the other classes and the group was cut to 7/8.", halved))
	}
	if lost > 0 {
		notes = append(notes, fmt.Sprintf("%d time(s) in all a point of a group fell on the wrong side of a point of another class on its rounded hyperplane's values and waited for a later block.", lost))
	}
	lb := planeBlocksLowerBound(xs, D, labels, K)
	if !hull && most > D || hull && most > rank {
		notes = append(notes, fmt.Sprintf("blocks whose points are affinely independent on one hyperplane hold at most min(d_x, z + 1) points each, z the number of coordinates non-zero on some point of the block; counting, per class, how many blocks each coordinate can be non-zero in gives at least %d such blocks (%d block units) on these data; this build has %d blocks, %d of them runs along other directions (not bound by this count).", lb, q*lb, blocks, runBlocks))
	}
	m := meta{method: "yun-resnet", theorem: theorem,
		name:      name,
		reference: "C. Yun, S. Sra, A. Jadbabaie. Small ReLU networks are powerful memorizers: a tight analysis of memorization capacity. NeurIPS 2019, §4, Theorem 4.1.",
		params:    map[string]string{"blocks": fmt.Sprint(blocks), "run_blocks": fmt.Sprint(runBlocks), "blocks_per_class": strings.Trim(fmt.Sprint(perClass), "[]"), "class_order": strings.Trim(fmt.Sprint(order), "[]"), "group_size": fmt.Sprint(G), "plane_blocks_lower_bound": fmt.Sprint(lb)},
		notes:     notes}
	res, err := finish(d, net, &o, m, p)
	if err != nil {
		return nil, err
	}
	res.Summary.Widths = cert.InstanceOf(res.Cert).Widths // the blocks' σ widths d_l
	res.Summary.Blocks = blocks + 1
	res.Summary.BlockCapacity = G
	return res, nil
}

// slab is one block's trapezoid on t = w·h: A1 < A2 ≤ A3 < A4 over the scale L.
type slab struct {
	w              []int64
	a1, a2, a3, a4 int64
	v, push        int64 // output weight; push = v·r over L
	inside         []int // points of the class with t in [A2, A3]
	gain           int   // how many of them were not yet pushed
}

// layers are the block's σ layer and residual layer (adding to coordinate j).
func (s *slab) layers(D, j int, L int64, hard bool) []cert.Layer {
	if hard {
		// σ_H((2/r)(t − A1) − 1) − σ_H((2/r)(t − A3) − 1) with t = L·(w·x): 0 at t ≤ A1
		// and t ≥ A4 = A3 + r, 2 on [A2, A3] = [A1 + r, A3].
		r := s.a2 - s.a1
		u := layer(D, 2, cert.ActHardTanh)
		row := make([]*big.Rat, D)
		for c, x := range s.w {
			row[c] = new(big.Rat).SetFrac(new(big.Int).Mul(big.NewInt(2*L), big.NewInt(x)), big.NewInt(r))
		}
		for q, a := range []int64{s.a1, s.a3} {
			u.W[q] = row
			u.B[q] = new(big.Rat).SetFrac(new(big.Int).Neg(new(big.Int).Add(new(big.Int).Mul(big.NewInt(2), big.NewInt(a)), big.NewInt(r))), big.NewInt(r))
		}
		res := layer(2, D, cert.ActIdentity)
		res.Residual = true
		res.W[j] = []*big.Rat{rat(s.v), rat(-s.v)}
		return []cert.Layer{u, res}
	}
	u := layer(D, 4, cert.ActReLU)
	row := make([]*big.Rat, D)
	for c, x := range s.w {
		row[c] = rat(x)
	}
	for q, a := range []int64{s.a1, s.a2, s.a3, s.a4} {
		u.W[q] = row
		u.B[q] = new(big.Rat).SetFrac64(-a, L)
	}
	r := layer(4, D, cert.ActIdentity)
	r.Residual = true
	r.W[j] = []*big.Rat{rat(s.v), rat(-s.v), rat(-s.v), rat(s.v)}
	return []cert.Layer{u, r}
}

// hardTanh sets the ramps, output weight and push of the hard-tanh block: ramps of width
// r' = min(r, 2) (narrower ramps stay inside the gaps, and the slope 2/r' is then an
// integer, so that every weight is an integer over the data's scale); the two units'
// difference is 2 on [A2, A3], so V·2 is added to h_j, 2·V·L over L, at least need.
func (s *slab) hardTanh(need, L int64) {
	r := min(s.a2-s.a1, 2)
	s.a1, s.a4 = s.a2-r, s.a3+r
	s.v = max(1, (need+2*L-1)/(2*L))
	s.push = 2 * L * s.v
}

// trySlab computes t_k = w·h_k exactly for every point (h_k: the input plus its push on
// its class's coordinate) and the trapezoid around S: [A2, A3] is the run of values,
// between two values of points of other classes, that holds the most points of class j
// not yet pushed (all of S when no point of another class lies among S's values). nil
// when no such run holds one, or a value leaves the safe int64 range. The slab's gain is
// the number of not yet pushed points of class j in [A2, A3].
func trySlab(p *points, w []int64, S []int, labels []int, extra []int64, j int, need int64, t []int64, done []bool) *slab {
	D := p.d.D
	const lim = int64(1) << 60
	for k := range t {
		var s int64
		x := p.ints()[k*D : (k+1)*D]
		for c, wc := range w {
			if x[c] != 0 && wc != 0 {
				s += wc * x[c] // |Σ| < 2^wBits·max|X|·D < 2^58: no overflow
			}
		}
		if e := extra[k]; e != 0 {
			wc := w[labels[k]]
			if wc != 0 && (abs64(e) > lim/abs64(wc)) {
				return nil
			}
			s += wc * e
		}
		if abs64(s) > lim {
			return nil
		}
		t[k] = s
	}
	a2, a3 := t[S[0]], t[S[0]]
	for _, k := range S {
		a2, a3 = min(a2, t[k]), max(a3, t[k])
	}
	blocked := map[int64]bool{}
	var among []int // the points with values in [a2, a3]
	for k, tk := range t {
		if tk >= a2 && tk <= a3 {
			among = append(among, k)
			if labels[k] != j {
				blocked[tk] = true
			}
		}
	}
	if len(blocked) > 0 {
		// The best run between blocked values.
		sort.Slice(among, func(x, y int) bool { return t[among[x]] < t[among[y]] })
		best, gain := -1, 0
		var lo, hi, bLo, bHi int64
		for _, k := range append(among, -1) {
			if k < 0 || blocked[t[k]] {
				if gain > best {
					best, bLo, bHi = gain, lo, hi
				}
				gain = 0
				continue
			}
			if labels[k] == j && !done[k] {
				if gain == 0 {
					lo = t[k]
				}
				hi = t[k]
				gain++
			}
		}
		if best <= 0 {
			return nil
		}
		a2, a3 = bLo, bHi
	}
	sl := &slab{w: w, a2: a2, a3: a3}
	r := need // the ramp: at most the gap on either side, and no wider than need
	for k, tk := range t {
		switch {
		case tk >= a2 && tk <= a3:
			if labels[k] != j {
				return nil // not reached: the run holds no point of another class
			}
			sl.inside = append(sl.inside, k)
			if !done[k] {
				sl.gain++
			}
		case tk < a2:
			r = min(r, a2-tk)
		default:
			r = min(r, tk-a3)
		}
	}
	sl.a1, sl.a4 = a2-r, a3+r
	sl.v = (need + r - 1) / r
	sl.push = sl.v * r
	// The kernel evaluates V·σ(t − A_q) unit by unit in checked int64 (a point whose
	// values leave (−2^62, 2^62) is evaluated again in math/big, slowly): keep
	// 4·V·max|t − A_q| below 2^61 on every point.
	var far int64
	for _, tk := range t {
		far = max(far, abs64(tk-sl.a1), abs64(tk-sl.a4))
	}
	if far > (int64(1)<<59)/sl.v {
		return nil
	}
	return sl
}

// roundNormal scales w so that its largest entry is 2^bits and rounds to integers.
func roundNormal(w []float64, bits int) []int64 {
	m := 0.0
	for _, v := range w {
		m = math.Max(m, math.Abs(v))
	}
	out := make([]int64, len(w))
	if m == 0 {
		return out
	}
	f := math.Ldexp(1, bits) / m
	for c, v := range w {
		out[c] = int64(math.Round(v * f))
	}
	return out
}

// slabNormal finds, in floating point, w with w·x_s = 1 for every s in S (a hyperplane
// through S that misses the origin, so that it is not one of the hyperplanes that hold
// all the data, such as x_k = 0 for a pixel that is always 0), by Gaussian elimination
// that pivots, row by row, on the row's largest remaining entry (columns swapped in
// place, so every inner loop runs over contiguous memory). The free unknowns are drawn
// from seed. A row that reduces to 0 is dropped from the elimination (its point lies on
// the others' span): the points of the rows kept are returned, in increasing order. nil
// when no usable normal comes out.
func slabNormal(p *points, S []int, seed *splitmix64) ([]float64, []int) {
	D := p.d.D
	cols := D + 1 // the last column is the right-hand side
	scale := 1.0
	if mx, _ := p.maxX.Float64(); mx > 0 {
		scale = 1 / mx
	}
	rows := make([][]float64, 0, len(S))
	who := make([]int, 0, len(S)) // the point of each row
	for _, k := range S {
		who = append(who, k)
		r := make([]float64, cols)
		for c := 0; c < D; c++ {
			r[c] = float64(p.ints()[k*D+c]) * scale
		}
		r[D] = 1
		rows = append(rows, r)
	}
	perm := make([]int, D) // perm[c]: the unknown in column c
	for c := range perm {
		perm[c] = c
	}
	rank := 0
	for i := 0; i < len(rows); i++ {
		r := rows[i]
		bc, bv := -1, pivotTol // entries are scaled to [−1, 1]
		for c := rank; c < D; c++ {
			if v := math.Abs(r[c]); v > bv {
				bc, bv = c, v
			}
		}
		if bc < 0 {
			continue // dependent on the rows before it
		}
		if bc != rank {
			for _, q := range rows {
				q[bc], q[rank] = q[rank], q[bc]
			}
			perm[bc], perm[rank] = perm[rank], perm[bc]
		}
		rows[rank], rows[i] = rows[i], rows[rank]
		who[rank], who[i] = who[i], who[rank]
		piv := rows[rank]
		for q := i + 1; q < len(rows); q++ {
			rq := rows[q]
			f := rq[rank] / piv[rank]
			if f == 0 {
				continue
			}
			rq = rq[rank:]
			for c, v := range piv[rank:] {
				rq[c] -= f * v
			}
		}
		rank++
	}
	if rank == 0 {
		return nil, nil
	}
	x := make([]float64, D) // in column order
	for c := rank; c < D; c++ {
		x[c] = float64(int64(seed.next()>>11)-(1<<52)) / (1 << 52) // in [−1, 1)
	}
	for r := rank - 1; r >= 0; r-- {
		row := rows[r]
		s := row[D]
		for c := r + 1; c < D; c++ {
			s -= row[c] * x[c]
		}
		x[r] = s / row[r]
	}
	w := make([]float64, D)
	for c, u := range perm {
		w[u] = x[c]
	}
	for _, v := range w {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return nil, nil
		}
	}
	kept := append([]int(nil), who[:rank]...)
	sort.Ints(kept)
	return w, kept
}

// left counts the points of class j not yet pushed.
func left(labels []int, done []bool, j int) int {
	c := 0
	for k, l := range labels {
		if l == j && !done[k] {
			c++
		}
	}
	return c
}

// groupSlab is the block of a group S (of class j, on one hyperplane in floating point)
// of yun-resnet and yun-cor42: the best slab (trySlab) over the roundings of slabNormal's
// normal to 24, 34 and wBits bits, with the group cut to 7/8 while the slab keeps less
// than 15/16 of it (a smaller system is better conditioned) and a cut group could still
// beat it; a single point left takes small random directions. It returns the slab (nil
// when none was found), the group as last tried and how many times it was cut.
func groupSlab(p *points, S []int, labels []int, extra []int64, j int, need int64, t []int64, done []bool, seed *splitmix64, wBits int) (*slab, []int, int) {
	D := p.d.D
	halved := 0
	var sl *slab
	for len(S) > 0 && (sl == nil || (16*sl.gain < 15*len(S) && len(S) > sl.gain)) {
		w, kept := slabNormal(p, S, seed)
		if w != nil {
			S = kept
			// The fewest bits that keep the whole group, else the rounding that
			// keeps most of it.
			for _, bitsW := range []int{min(24, wBits), min(34, wBits), wBits} {
				c := trySlab(p, roundNormal(w, bitsW), S, labels, extra, j, need, t, done)
				if c != nil && (sl == nil || c.gain > sl.gain) {
					sl = c
				}
				if sl != nil && sl.gain >= len(S) {
					break
				}
			}
		}
		if sl == nil && len(S) == 1 {
			// One point: any direction on which no point of another class
			// shares its value (small random integers, as construct zhang's
			// projection; a point at the origin included).
			for try := 0; try < 64 && sl == nil; try++ {
				wi := make([]int64, D)
				for c := range wi {
					wi[c] = int64(seed.next()%uint64(2*try+3)) - int64(try+1)
				}
				sl = trySlab(p, wi, S, labels, extra, j, need, t, done)
			}
		}
		if sl == nil || (16*sl.gain < 15*len(S) && len(S) > 1) {
			S = S[:len(S)*7/8]
			halved++
		}
	}
	return sl, S, halved
}
