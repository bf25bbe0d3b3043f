package cert

import (
	"math/big"
	"time"

	"certify/internal/exactint"
)

// Fixed-width tiers: 128, 192 and 256-bit integers between int64 and math/big.
//
// Float32 weights are m/2^k with k up to about 40 (and more for tiny weights), so the
// common denominators, and the numerators over them, grow by some 40–60 bits per layer:
// the int64 plan (fast.go) covers the first layer of a trained network and no more. The
// tiered plan carries on where it ends, with the same construction — one scale per layer,
// fixed for the whole dataset, z = Z/S with Z_j = Σ_k P'_jk·A_k + Q'_j and the activation
// mapping Z over S to integers over S·M — in N 64-bit words per number, N = 2, 3 or 4.
//
// The arithmetic is two's complement modulo 2^(64N) (internal/exactint): sums and products
// are right modulo 2^(64N) whatever the partial sums do, so a number whose true value is
// known to lie in (−2^(64N−1), 2^(64N−1)) is exactly the value its words denote. The plan
// proves that for every number a layer holds, in math/big, before any point is evaluated:
// for unit j, |Z_j| ≤ Σ_k |P'_jk|·max|A| + |Q'_j| (the int64 plan's bound); the unit's
// output is at most that bound times max(M, |c|) (c the leaky coefficient p·M/q), or S·M
// for step and hard-tanh units; the layer's inputs are at most max|A|. The layer runs in
// the narrowest N whose range holds every one of these bounds, its weights P'_jk and the
// multipliers M and c being int64 (|·| < 2^63); a layer that needs more than 256 bits, or
// whose weights or multipliers are wider, ends the tiers and the big engine (fast.go)
// takes the rest over from the last tier's activations as integers over its scale. No
// comparison, sign or state is ever taken of a number outside its proven range, so the
// verdict is exact, as with int64; overflow is impossible by the plan's bound, not by
// what the data happened to hold.
//
// Points are evaluated in blocks (up to tierBlock consecutive points of one worker's
// range): each weight column is read once per block, not once per point. A wide layer
// whose static bound fails int64 may still run a block in int64: when every input of the
// block is at most smallA in absolute value, the same bound taken with smallA in place of
// max|A| is below 2^62 (planSmall), proven for that block from its inputs — the
// constructions' layers, whose large weights cancel on the data, run so.

// tierBlock is how many points one pass over a layer's weights evaluates.
const tierBlock = 8

// pointBlock is how many consecutive points a worker takes at a time (check.go); blocks
// of tierBlock points never cross its boundaries.
const pointBlock = 64

// wideLayer is one layer of the tiers in n = words 64-bit words per number.
type wideLayer struct {
	in, out int
	words   int     // N: 2, 3 or 4
	inWords int     // the words of the input activations (1: int64 inputs)
	w       []int64 // w[k*out+j] = P_jk·S/(D·s)
	pk      []int64 // for 128 bits: w in blocks of 4 units (pack)
	b       []uint64
	S, negS []uint64 // S and −S, when a hard-tanh unit needs them
	SM      []uint64 // S·M, when a step unit needs it
	M       int64
	act     []Activation
	leakyC  []int64 // for leaky units: p·(M/q)
	// The sums in int64, for a block of points whose inputs are all at most smallA in
	// absolute value: then |Z_j| ≤ Σ_k |P'_jk|·smallA + |Q'_j| < 2^62 (planWide), the int64
	// bound, proven for the block from its inputs. nil when no input bound is small enough.
	small   *intLayer
	smallPk []int64 // small's weights packed in blocks of 8 units
	smallA  uint64
	// limb: the sums from int64 inputs in four int64 sums of limb products (limb.go).
	limb *limbPlan
}

// tierPlan runs the int64 plan's layers, then wide layers, then (bp) the big engine.
type tierPlan struct {
	d       *Dataset
	ip      *intPlan // the int64 layers 0…start−1 (nil: none)
	start   int      // the first wide layer
	wide    []wideLayer
	packed  [][]int64 // the int64 layers' weights in blocks of 8 units (pack)
	outS    *big.Int  // the scale of the last tiered layer's activations
	outPow2 int       // outS = 2^outPow2, or −1 when it is not a power of two
	bp      *bigPlan  // layers start+len(wide)… in math/big (nil: none left)
	nLayers int
	// r1[li]: int64 layer li as a rank-one layer; pw[li]: layer li's sums from a table
	// over the rank-one layer li−1 (rank1.go). nil where not (both of length end()).
	r1 []*rank1
	pw []*pwTable
}

func (p *tierPlan) end() int { return p.start + len(p.wide) }

// name lists the tiers the layers ran in: int64, int128, int192, int256, big.
func (p *tierPlan) name() string {
	var s string
	add := func(t string) {
		if s != "" {
			s += "+"
		}
		s += t
	}
	if p.ip != nil {
		add("int64")
	}
	last := 0
	for _, l := range p.wide {
		if l.words != last {
			add([...]string{2: "int128", 3: "int192", 4: "int256"}[l.words])
			last = l.words
		}
	}
	if p.bp != nil {
		add("big")
	}
	return s
}

// Tiers lists, per layer, the arithmetic it runs in under the auto engine on d: "int64",
// "int128", "int192", "int256" or "big" (math/big from that layer on).
func Tiers(n *Network, d *Dataset) []string {
	t := make([]string, len(n.Layers))
	p, _ := newEngine(n, d, budget{}).(*tierPlan)
	for li := range t {
		switch {
		case p == nil || li >= p.end():
			t[li] = "big"
		case li < p.start:
			t[li] = "int64"
		default:
			t[li] = [...]string{2: "int128", 3: "int192", 4: "int256"}[p.wide[li-p.start].words]
		}
	}
	return t
}

// planTiers extends the int64 plan ip (nil when even the first layer failed it) with
// wide layers; it returns nil when the dataset's inputs are not integers over one scale,
// or when neither int64 nor a wide tier holds the first layer.
func planTiers(n *Network, d *Dataset, ip *intPlan, maxBits int, deadline time.Time) *tierPlan {
	den, ok := d.IntDenom()
	if !ok {
		return nil
	}
	p := &tierPlan{d: d, nLayers: len(n.Layers)}
	s, A := big.NewInt(den), new(big.Int)
	if ip != nil {
		p.ip, p.start = ip, ip.prefix
		s.SetInt64(ip.outS)
		A.Set(ip.outA)
		for _, l := range ip.layers[:p.start] {
			p.packed = append(p.packed, pack(l.wT, l.in, l.out, 8))
		}
	} else {
		A.SetUint64(d.maxAbsNum())
	}
	inWords := 1
	for li := p.start; li < len(n.Layers); li++ {
		wl, sOut, aOut, ok := planWide(&n.Layers[li], s, A, inWords)
		if !ok {
			break
		}
		p.wide = append(p.wide, wl)
		s, A, inWords = sOut, aOut, wl.words
	}
	if p.ip == nil && len(p.wide) == 0 {
		return nil
	}
	p.outS = s
	p.outPow2 = pow2Exp(s)
	p.planRank1()
	if p.end() < len(n.Layers) {
		p.bp = planBig(n, d, false, maxBits)
		p.bp.deadline = deadline
	}
	return p
}

// planRank1 finds the rank-one int64 layers and the tables of the layers after them
// (rank1.go).
func (p *tierPlan) planRank1() {
	end := p.end()
	p.r1, p.pw = make([]*rank1, end), make([]*pwTable, end)
	for li := 0; li < p.start; li++ {
		l := &p.ip.layers[li]
		if p.pw[li] != nil {
			continue // its sums come from a table: no T to hand on
		}
		r := rankOne(l)
		if r == nil {
			continue
		}
		p.r1[li] = r
		switch {
		case li+1 >= end:
		case li+1 < p.start:
			nl := &p.ip.layers[li+1]
			q := make([]*big.Int, nl.out)
			for i, b := range nl.b {
				q[i] = big.NewInt(b)
			}
			p.pw[li+1] = planTable(l, r, nl.wT, q, nl.out, 1)
		default:
			wl := &p.wide[li+1-p.start]
			q := make([]*big.Int, wl.out)
			tmp := make([]uint64, wl.words)
			for i := range q {
				q[i] = exactint.BigW(new(big.Int), wl.b[i*wl.words:(i+1)*wl.words], tmp)
			}
			p.pw[li+1] = planTable(l, r, wl.w, q, wl.out, wl.words)
		}
	}
}

// planWide plans one layer whose inputs are integers over s of absolute value at most A,
// held in inWords words. It returns the layer, its output scale and the bound on its
// outputs, or false when no tier holds it.
func planWide(l *Layer, s, A *big.Int, inWords int) (wideLayer, *big.Int, *big.Int, bool) {
	var no wideLayer
	D, E := layerDens(l)
	Ds := new(big.Int).Mul(D, s)
	S := new(big.Int).Set(Ds)
	lcmInto(S, E)
	mulW := new(big.Int).Quo(S, Ds)
	mulB := new(big.Int).Quo(S, E)
	M := leakyM(l)
	if M.BitLen() > 63 {
		return no, nil, nil, false
	}
	wl := wideLayer{in: len(l.W[0]), out: l.Out(), inWords: inWords, M: M.Int64(), act: l.Act}
	wl.w = make([]int64, wl.in*wl.out)
	wl.leakyC = make([]int64, wl.out)
	biases := make([]*big.Int, wl.out)
	need := new(big.Int).Set(A) // the largest bound: every number of the layer is at most it
	aOut := new(big.Int)
	SM := new(big.Int).Mul(S, M)
	var needS, needSM bool
	rowAbs, t := new(big.Int), new(big.Int)
	for j, row := range l.W {
		rowAbs.SetInt64(0)
		for k, w := range row {
			if w.Sign() == 0 {
				continue
			}
			v := scaledNum(w, D)
			v.Mul(v, mulW)
			if v.BitLen() > 63 {
				return no, nil, nil, false
			}
			wl.w[k*wl.out+j] = v.Int64()
			rowAbs.Add(rowAbs, t.Abs(v))
		}
		bq := scaledNum(l.B[j], E)
		bq.Mul(bq, mulB)
		biases[j] = bq
		// |Z_j| ≤ Σ_k |P'_jk|·A + |Q'_j|.
		rowAbs.Mul(rowAbs, A)
		rowAbs.Add(rowAbs, t.Abs(bq))
		if rowAbs.Cmp(need) > 0 {
			need.Set(rowAbs)
		}
		out := new(big.Int)
		switch a := l.Act[j]; a.Kind {
		case ActStep:
			out.Set(SM)
			needSM = true
		case ActHardTanh:
			out.Set(SM)
			needS = true
		case ActLeakyReLU:
			c := leakyCoef(M, a)
			if c.BitLen() > 63 {
				return no, nil, nil, false
			}
			wl.leakyC[j] = c.Int64()
			out.Mul(rowAbs, leakyFactor(c, M))
		default:
			out.Mul(rowAbs, M)
		}
		if out.Cmp(aOut) > 0 {
			aOut = out
		}
	}
	if aOut.Cmp(need) > 0 {
		need.Set(aOut)
	}
	words := max(2, inWords)
	for !exactint.FitsW(need, words) {
		words++
	}
	if words > 4 {
		return no, nil, nil, false
	}
	wl.words = words
	if words == 2 {
		wl.pk = pack(wl.w, wl.in, wl.out, 4)
	}
	planSmall(&wl, biases)
	if inWords == 1 {
		wl.limb = planLimb(&wl, A)
	}
	wl.b = make([]uint64, wl.out*words)
	for j, bq := range biases {
		exactint.SetW(wl.b[j*words:(j+1)*words], bq)
	}
	if needS { // S ≤ S·M ≤ need
		wl.S, wl.negS = make([]uint64, words), make([]uint64, words)
		exactint.SetW(wl.S, S)
		exactint.SetW(wl.negS, new(big.Int).Neg(S))
	}
	if needSM {
		wl.SM = make([]uint64, words)
		exactint.SetW(wl.SM, SM)
	}
	return wl, SM, aOut, true
}

// planSmall sets the int64 path of a wide layer: smallA = ⌊(2^62 − 1 − max_j |Q'_j|) /
// max_j Σ_k |P'_jk|⌋ (capped at 2^62 − 1), when that is at least 1.
func planSmall(wl *wideLayer, biases []*big.Int) {
	rowMax, bMax, t := new(big.Int), new(big.Int), new(big.Int)
	for j := range wl.out {
		row := new(big.Int)
		for k := range wl.in {
			row.Add(row, t.SetInt64(wl.w[k*wl.out+j]).Abs(t))
		}
		if row.Cmp(rowMax) > 0 {
			rowMax = row
		}
		if t.Abs(biases[j]).Cmp(bMax) > 0 {
			bMax.Set(t)
		}
	}
	room := new(big.Int).Sub(big.NewInt(int64Safe-1), bMax)
	if room.Sign() <= 0 {
		return
	}
	a := room
	if rowMax.Sign() > 0 {
		a = new(big.Int).Quo(room, rowMax)
	}
	if a.Sign() <= 0 {
		return
	}
	limit := uint64(int64Safe - 1)
	if a.IsUint64() {
		limit = min(a.Uint64(), limit)
	}
	sl := &intLayer{in: wl.in, out: wl.out, wT: wl.w, b: make([]int64, wl.out)}
	for j, b := range biases {
		sl.b[j] = b.Int64() // |b| ≤ bMax < 2^62
	}
	wl.small, wl.smallPk, wl.smallA = sl, pack(wl.w, wl.in, wl.out, 8), limit
}

// pack lays out the weights wT (wT[k*out+j]) unit block after unit block: for block b of
// width units, pk[(b*in+k)*width+t] = wT[k*out+b*width+t], 0 past the last unit. A block's
// weights are then contiguous, and one point's sums over it run in registers.
func pack(wT []int64, in, out, width int) []int64 {
	nb := (out + width - 1) / width
	pk := make([]int64, nb*in*width)
	for b := range nb {
		for k := range in {
			for t := range width {
				if j := b*width + t; j < out {
					pk[(b*in+k)*width+t] = wT[k*out+j]
				}
			}
		}
	}
	return pk
}

// tierEval evaluates the tiered layers a block of points at a time and keeps the block's
// activations of the last tiered layer (and the states) until its points are asked for.
type tierEval struct {
	p            *tierPlan
	first, count int  // the block held: points first…first+count−1 (count 0: none)
	withStates   bool // the block's states were recorded
	ia           [][]int64
	wa           [][]uint64
	ext          []uint64   // a layer's inputs widened to its words
	nz           [][]int32  // nz[p]: the indices of point p's non-zero inputs to a layer
	a64, z64     []int64    // a wide layer's inputs and sums on its int64 path
	st           [][][]byte // st[p][li]: the states of point first+p at tiered layer li
	tmp          []uint64
	in           []int64   // the block's inputs, widened row by row (Dataset.IntRow)
	T            [][]int64 // T[li][p]: point p's projection at rank-one layer li
	acc          []uint64  // a table's W words of scratch
	be           *bigEval
	ba           []*big.Int
	bs, t        *big.Int
}

func (p *tierPlan) newEvaluator() evaluator {
	e := &tierEval{p: p, bs: new(big.Int), t: new(big.Int), tmp: make([]uint64, 4)}
	if p.ip != nil {
		for _, l := range p.ip.layers[:p.start] {
			e.ia = append(e.ia, make([]int64, tierBlock*l.out))
		}
	}
	maxIn := 0
	for _, l := range p.wide {
		e.wa = append(e.wa, make([]uint64, tierBlock*l.out*l.words))
		maxIn = max(maxIn, l.in*l.words)
	}
	e.ext = make([]uint64, tierBlock*maxIn)
	maxOut := 0
	for _, l := range p.wide {
		maxOut = max(maxOut, l.out)
	}
	e.a64, e.z64 = make([]int64, tierBlock*maxIn), make([]int64, tierBlock*maxOut)
	e.nz = make([][]int32, tierBlock)
	e.st = make([][][]byte, tierBlock)
	for i := range e.st {
		for li := 0; li < min(p.end(), p.nLayers-1); li++ {
			e.st[i] = append(e.st[i], make([]byte, e.layerOut(li)))
		}
	}
	e.T = make([][]int64, len(p.r1))
	maxW := 1
	for li, r := range p.r1 {
		if r != nil {
			e.T[li] = make([]int64, tierBlock)
		}
		if pt := p.pw[li]; pt != nil {
			maxW = max(maxW, pt.W)
		}
	}
	e.acc = make([]uint64, maxW)
	if p.bp != nil {
		e.be = p.bp.newEvaluator().(*bigEval)
		e.ba = newInts(e.layerOut(p.end() - 1))
	}
	return e
}

func (e *tierEval) layerOut(li int) int {
	if li < e.p.start {
		return e.p.ip.layers[li].out
	}
	return e.p.wide[li-e.p.start].out
}

// inputs returns the integer numerators of points i…i+n−1 of d, row after row, widened
// into the evaluator's buffer.
func (e *tierEval) inputs(d *Dataset, i, n int) []int64 {
	if len(e.in) < n*d.D {
		e.in = make([]int64, tierBlock*d.D)
	}
	for p := range n {
		d.IntRow(i+p, e.in[p*d.D:])
	}
	return e.in[:n*d.D]
}

func (e *tierEval) eval(i int, out []*big.Rat, states [][]byte) int {
	if i < e.first || i >= e.first+e.count || states != nil && !e.withStates {
		e.block(i, states != nil)
	}
	p := i - e.first
	if states != nil {
		for li, s := range e.st[p] {
			copy(states[li], s)
		}
	}
	last := e.p.end() - 1
	n := e.layerOut(last)
	set := func(j int, z *big.Int) { z.SetInt64(e.ia[last][p*n+j]) }
	if last >= e.p.start {
		l := &e.p.wide[last-e.p.start]
		w := l.words
		set = func(j int, z *big.Int) {
			exactint.BigW(z, e.wa[last-e.p.start][(p*n+j)*w:(p*n+j+1)*w], e.tmp[:w])
		}
	}
	if e.p.bp == nil {
		for j := range out {
			set(j, e.t)
			if e.p.outPow2 >= 0 {
				setDyadic(out[j], e.t, uint(e.p.outPow2))
			} else {
				out[j].SetFrac(e.t, e.p.outS)
			}
		}
		return -1
	}
	for j, z := range e.ba {
		set(j, z)
	}
	e.bs.Set(e.p.outS)
	return e.be.evalFrom(e.p.end(), e.ba, e.bs, out, states)
}

// block evaluates the tiered layers at points i… (at most tierBlock of them, within i's
// block of pointBlock points).
func (e *tierEval) block(i int, withStates bool) {
	d := e.p.d
	n := min(tierBlock, d.N-i, pointBlock-i%pointBlock)
	e.first, e.count, e.withStates = i, n, withStates
	hidden := e.p.nLayers - 1
	states := func(li, p int) []byte {
		if !withStates || li >= hidden {
			return nil
		}
		return e.st[p][li]
	}
	in := e.inputs(d, i, n)
	// The int64 layers.
	var a []int64 = in
	for li := 0; li < e.p.start; li++ {
		l := &e.p.ip.layers[li]
		z := e.ia[li][:n*l.out]
		switch {
		case e.p.pw[li] != nil:
			e.p.pw[li].eval64(e.T[li-1][:n], z, e.acc)
		case e.p.r1[li] != nil:
			e.p.r1[li].sum(l, a, z, e.T[li][:n], n)
		default:
			for p := range n {
				e.nz[p] = nonZero64(a[p*l.in:(p+1)*l.in], e.nz[p][:0])
			}
			sum64(e.p.packed[li], l, a, z, e.nz[:n])
		}
		for p := 0; p < n; p++ {
			l.activate(z[p*l.out:(p+1)*l.out], states(li, p))
		}
		a = z
	}
	// The wide layers: widen the inputs to the layer's words, then sum.
	var wa []uint64
	for wi := range e.p.wide {
		l := &e.p.wide[wi]
		li := e.p.start + wi
		N := l.words
		if pt := e.p.pw[li]; pt != nil {
			z := e.wa[wi][:n*l.out*N]
			pt.evalW(e.T[li-1][:n], z, N, e.acc)
			for p := 0; p < n; p++ {
				l.activate(z[p*l.out*N:(p+1)*l.out*N], states(li, p), e.tmp[:N])
			}
			wa = z
			continue
		}
		x := e.ext[:n*l.in*N]
		if wi == 0 {
			for k, v := range a[:n*l.in] {
				s := uint64(v >> 63)
				x[k*N] = uint64(v)
				for t := 1; t < N; t++ {
					x[k*N+t] = s
				}
			}
		} else {
			inW := l.inWords
			for k := 0; k < n*l.in; k++ {
				exactint.ExtendW(x[k*N:(k+1)*N], wa[k*inW:(k+1)*inW])
			}
		}
		z := e.wa[wi][:n*l.out*N]
		for p := 0; p < n; p++ {
			copy(z[p*l.out*N:(p+1)*l.out*N], l.b)
		}
		switch {
		case e.smallBlock(l, x, z, n):
		case wi == 0 && l.limb != nil && simdOn:
			for p := range n {
				e.nz[p] = nonZero64(a[p*l.in:(p+1)*l.in], e.nz[p][:0])
			}
			sumLimb(l, a, z, e.nz[:n])
		case N == 2:
			for p := range n {
				e.nz[p] = nonZeroW(x[p*l.in*2:(p+1)*l.in*2], 2, e.nz[p][:0])
			}
			l.sum2(x, z, e.nz[:n])
		case N == 3:
			l.sum3(x, z, n)
		default:
			l.sum4(x, z, n)
		}
		for p := 0; p < n; p++ {
			l.activate(z[p*l.out*N:(p+1)*l.out*N], states(li, p), e.tmp[:N])
		}
		wa = z
	}
}

// nonZero64 appends to nz the indices of a's non-zero entries.
func nonZero64(a []int64, nz []int32) []int32 {
	for k, v := range a {
		if v != 0 {
			nz = append(nz, int32(k))
		}
	}
	return nz
}

// nonZeroW appends to nz the indices of the non-zero N-word numbers of x.
func nonZeroW(x []uint64, N int, nz []int32) []int32 {
	for k := 0; k < len(x)/N; k++ {
		for _, w := range x[k*N : (k+1)*N] {
			if w != 0 {
				nz = append(nz, int32(k))
				break
			}
		}
	}
	return nz
}

// sum64Scalar sets z_j = Q'_j + Σ_k P'_jk·a_k for an int64 layer at each point p, a and z
// holding the points' inputs and sums row after row, nz[p] the indices of point p's
// non-zero inputs, pk the weights packed in blocks of 8 units. The sums are exact: the
// int64 plan bounds every partial sum, in any order, below 2^62. sum64 is this, or the
// same sums in AVX-512 lanes (sum_simd.go).
func sum64Scalar(pk []int64, l *intLayer, a, z []int64, nz [][]int32) {
	in, out := l.in, l.out
	for b := 0; b*8 < out; b++ {
		blk := pk[b*in*8 : (b+1)*in*8]
		for p, ks := range nz {
			ap := a[p*in : (p+1)*in]
			var s0, s1, s2, s3, s4, s5, s6, s7 int64
			for _, k := range ks {
				v := ap[k]
				w := (*[8]int64)(blk[int(k)*8:])
				s0 += v * w[0]
				s1 += v * w[1]
				s2 += v * w[2]
				s3 += v * w[3]
				s4 += v * w[4]
				s5 += v * w[5]
				s6 += v * w[6]
				s7 += v * w[7]
			}
			zp := z[p*out : (p+1)*out]
			for t, s := range [8]int64{s0, s1, s2, s3, s4, s5, s6, s7} {
				if j := b*8 + t; j < out {
					zp[j] = l.b[j] + s
				}
			}
		}
	}
}

// smallBlock sums a wide layer in int64 (z_j = Q'_j + Σ_k P'_jk·x_k, sign-extended to the
// layer's words) when every input of the block's n points is at most l.smallA in absolute
// value, and reports whether it did.
func (e *tierEval) smallBlock(l *wideLayer, x, z []uint64, n int) bool {
	if l.small == nil {
		return false
	}
	N := l.words
	a := e.a64[:n*l.in]
	for k := range a {
		v := int64(x[k*N])
		s := uint64(v >> 63)
		for _, w := range x[k*N+1 : (k+1)*N] {
			if w != s {
				return false
			}
		}
		if exactint.Abs(v) > l.smallA {
			return false
		}
		a[k] = v
	}
	for p := range n {
		e.nz[p] = nonZero64(a[p*l.in:(p+1)*l.in], e.nz[p][:0])
	}
	zs := e.z64[:n*l.out]
	sum64(l.smallPk, l.small, a, zs, e.nz[:n])
	for k, v := range zs {
		s := uint64(v >> 63)
		z[k*N] = uint64(v)
		for t := 1; t < N; t++ {
			z[k*N+t] = s
		}
	}
	return true
}

// sum2 adds Σ_k w_jk·x_k to z_j (128 bits) at each point p, nz[p] the indices of its
// non-zero inputs; the sums of four units at a time run in registers.
func (l *wideLayer) sum2(x, z []uint64, nz [][]int32) {
	in, out := l.in, l.out
	for b := 0; b*4 < out; b++ {
		blk := l.pk[b*in*4 : (b+1)*in*4]
		for p, ks := range nz {
			xp := x[p*in*2 : (p+1)*in*2]
			var l0, h0, l1, h1, l2, h2, l3, h3 uint64
			for _, k := range ks {
				a := (*[2]uint64)(xp[int(k)*2:])
				a0, a1 := a[0], a[1]
				w := (*[4]int64)(blk[int(k)*4:])
				l0, h0 = exactint.MulAcc2(l0, h0, w[0], a0, a1)
				l1, h1 = exactint.MulAcc2(l1, h1, w[1], a0, a1)
				l2, h2 = exactint.MulAcc2(l2, h2, w[2], a0, a1)
				l3, h3 = exactint.MulAcc2(l3, h3, w[3], a0, a1)
			}
			zp := z[p*out*2 : (p+1)*out*2]
			for t, s := range [4][2]uint64{{l0, h0}, {l1, h1}, {l2, h2}, {l3, h3}} {
				if j := b*4 + t; j < out {
					exactint.MulAdd2((*[2]uint64)(zp[2*j:]), 1, s[0], s[1])
				}
			}
		}
	}
}

// sum3 is sum2 in 192 bits.
func (l *wideLayer) sum3(x, z []uint64, n int) {
	for k := 0; k < l.in; k++ {
		col := l.w[k*l.out : (k+1)*l.out]
		for p := 0; p < n; p++ {
			xa := x[(p*l.in+k)*3:][:3]
			if xa[0]|xa[1]|xa[2] == 0 {
				continue
			}
			zp := z[p*l.out*3 : (p+1)*l.out*3]
			zp = zp[:3*len(col)]
			for j, w := range col {
				if w != 0 {
					exactint.MulAdd3((*[3]uint64)(zp[3*j:]), w, xa[0], xa[1], xa[2])
				}
			}
		}
	}
}

// sum4 is sum2 in 256 bits.
func (l *wideLayer) sum4(x, z []uint64, n int) {
	for k := 0; k < l.in; k++ {
		col := l.w[k*l.out : (k+1)*l.out]
		for p := 0; p < n; p++ {
			xa := x[(p*l.in+k)*4:][:4]
			if xa[0]|xa[1]|xa[2]|xa[3] == 0 {
				continue
			}
			zp := z[p*l.out*4 : (p+1)*l.out*4]
			zp = zp[:4*len(col)]
			for j, w := range col {
				if w != 0 {
					exactint.MulAdd4((*[4]uint64)(zp[4*j:]), w, xa[0], xa[1], xa[2], xa[3])
				}
			}
		}
	}
}

// activate maps one point's pre-activations z (over S, N words each) to activations over
// S·M in place, recording the states in st when it is not nil; tmp is N words of scratch.
func (l *wideLayer) activate(z []uint64, st []byte, tmp []uint64) {
	N := l.words
	for j := range l.out {
		zj := z[j*N : (j+1)*N]
		act := l.act[j]
		sign := exactint.SignW(zj)
		if st != nil {
			lo, hi := 0, 0
			if act.Kind == ActHardTanh {
				lo, hi = exactint.CmpW(zj, l.negS), exactint.CmpW(zj, l.S)
			}
			st[j] = act.stateSign(sign, lo, hi)
		}
		m := l.M
		switch act.Kind {
		case ActReLU:
			if sign < 0 {
				clear(zj)
				continue
			}
		case ActLeakyReLU:
			if sign <= 0 {
				m = l.leakyC[j]
			}
		case ActStep:
			if sign >= 0 {
				copy(zj, l.SM)
			} else {
				clear(zj)
			}
			continue
		case ActHardTanh:
			if exactint.CmpW(zj, l.S) > 0 {
				copy(zj, l.S)
			} else if exactint.CmpW(zj, l.negS) < 0 {
				copy(zj, l.negS)
			}
		}
		if m != 1 {
			exactint.MulW(zj, m, tmp)
		}
	}
}

// pow2Exp returns e when s = 2^e (s > 0), else −1.
func pow2Exp(s *big.Int) int {
	if e := s.BitLen() - 1; e >= 0 && s.TrailingZeroBits() == uint(e) {
		return e
	}
	return -1
}

// setDyadic sets r to num/2^e in lowest terms without the gcd that SetFrac computes: with
// t = min(e, the trailing zero bits of num), num/2^t is exact and either odd or over 1.
func setDyadic(r *big.Rat, num *big.Int, e uint) {
	if num.Sign() == 0 {
		r.SetInt64(0)
		return
	}
	t := min(num.TrailingZeroBits(), e)
	r.SetInt64(1) // the denominator is set: Denom refers to it
	r.Num().Rsh(num, t)
	d := r.Denom()
	d.Lsh(d, e-t)
}
