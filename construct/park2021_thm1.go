package construct

import (
	"fmt"
	"math"
	"math/big"
	"sort"

	"certify/cert"
)

// Park builds the networks of Park, Lee, Yun, Shin 2021 ("Provable memorization via deep
// neural networks using sub-linear parameters"):
//
//	Theorem 1. For w ∈ [2/3, 1] a network of O(log d + log Δ + N^{2−2w}/(1 + (1.5w−1)
//	log N)·log C) hidden layers and O(d + log Δ + N^w + N^{1−w/2}·log C) parameters
//	memorises any Δ-separated N points in d dimensions with C classes.
//	Theorem 2. Width 3 and Θ(log d + log Δ + N^{2/3}·log C) hidden layers suffice.
//
// The paper builds STEP + ID networks (STEP(a) = 1[a ≥ 0]) and approximates them by a
// sigmoidal network of the same architecture (Lemma 8; for ReLU through the hard-tanh
// identity of its footnote 5). Here every value that reaches a STEP is an integer (the
// projected inputs, the searched offsets and the packed label words are integers), so
// the STEP + ID network is realised exactly: each STEP + ID layer becomes two ReLU layers
// of the same width, ID v ↦ σ(σ(v + B)) − B and STEP a ↦ 1 − σ(1 − σ(a + 1))
// (deep_gadgets.go), or — with NativeStepID — stays one layer of step and identity
// units, which the kernel checks natively. Stages (each in the STEP + ID form):
//
//  1. Lemma 4: z = u·x − min_j u·x_j with the small integer vector u of
//     chooseProjection: N distinct integers in [0, K) (absorbed into the first layer).
//  2. Lemma 5/14 (width 3): while K > ⌊N²/4⌋ + 1, with T = max(⌈K/2⌉, ⌊N²/4⌋ + 1),
//     x ↦ x for x < T and (x + b) mod T for x ≥ T, b the least offset keeping the
//     values distinct (it exists because T > N²/4): one layer x, STEP(x−T), STEP(x+b−2T).
//     The range K may have any number of bits (near-collisions 10⁻³⁰ apart, 30-digit
//     coordinates): T and b are exact integers, one layer per halving, so this stage has
//     about log₂ K − 2·log₂ N layers — the depth grows with log Δ, as the theorems say.
//     Below 2^62 the values are int64 (the same offsets, faster); N < 2^31. K is the range
//     of the integer projection of the data in lattice coordinates x̃_c = (L·x_c − X0_c)/g_c
//     (g_c the gcd of coordinate c's differences; latticeMap): data on a coarse lattice
//     (all coordinates multiples of 10^30, say) get the depth of the same data unscaled.
//     The projection is not divided by its smallest gap beyond that: data far apart but
//     off any coarse lattice (10^30·x plus small integer offsets) keep log₂ K above log₂ Δ,
//     and the theorem claim then reports the network outside its bounds.
//  3. Lemma 6/15: K ↦ T = ⌈K/2⌉ with the values in [T, K) split into blocks of at most
//     ⌊T/N⌋ points, block i shifted by its own searched offset b_i; f(x) = x +
//     Σ c_i·1[x ≥ M_i] − T·Σ 1[x ≥ e_i]. Width 3: one STEP per layer with x and the
//     running sum carried (2C layers); wide (Thm 1): all 2C STEPs in one layer and a
//     width-1 bypass layer. Repeated down to a range V chosen to minimise the depth
//     (Thm 2) or V ≈ N^{2−w} (Thm 1).
//  4. Lemma 19: x = a·B + r ↦ (W_a, r), W_a packing the labels y(a, 0..B−1) as D-bit
//     digits (D = ⌈log₂ C⌉) above a D-bit record area. Width 3: A − 1 layers; wide: one.
//  5. Lemma 22 (width 3, (2D+1)·B layers): extract the digits of W_a bit by bit from the
//     top (n = STEP(W − θ_k)); a counter X = r − m − 1 (reset far away once negative)
//     is −1 exactly in position m = r, and 1[X − n < −1] copies the bit into the record
//     area. The output is the record area: the class.
//
// Regression (one target) is fitted by ε-classes (§4.3): see DeepOptions.Epsilon.
// Bit extraction uses Lemma 22 (R = 1 bit per step) in both variants; Lemma 20's R-bit
// chunks (2^R-wide layers) are not built, so Thm 1's depth for w near 1 is that of the
// R = 1 variant.
func Park(d *cert.Dataset, o DeepOptions) (*Result, error) {
	p := newPoints(d)
	dl, err := newDeepLabels(p, o.Epsilon)
	if err != nil {
		return nil, fmt.Errorf("park: %v", err)
	}
	if o.W != nil && (o.W.Cmp(big.NewRat(2, 3)) < 0 || o.W.Cmp(big.NewRat(1, 1)) > 0) {
		return nil, fmt.Errorf("park: w must lie in [2/3, 1], got %s", o.W.RatString())
	}
	// On a coarse lattice (every coordinate's differences share a factor g_c) the
	// projection works on x̃ = (L·x − X0)/g and the first layer is composed with the map at
	// the end: the projected range, and with it the Lemma 14 depth, then follows the
	// data's spread in units of their own lattice, not the size of their numerators.
	lp, lm := p.lattice()
	pr, err := chooseProjection(lp, o.Progress)
	if err != nil {
		return nil, fmt.Errorf("park: %v", err)
	}
	n := p.n()
	vals := make([]*big.Int, n) // value of each sorted point: any size (Lemma 14 brings it below N²/4 + 1)
	lab := make([]int64, n)
	for k := 0; k < n; k++ {
		vals[k] = new(big.Int).Sub(pr.t[k], pr.t[0])
		lab[k] = dl.cls[pr.order[k]]
	}
	plan, err := parkPlan(vals, int64(n), dl.C, o)
	if err != nil {
		return nil, fmt.Errorf("park: %v", err)
	}

	b := newDeepNet(d.D)
	native := o.NativeStepID
	if !o.Wide {
		b.maxWidth = 3
	}
	// x as a form over the input: the projection.
	x := aff{layer: 0}
	for k, w := range pr.row {
		if w.Sign() != 0 {
			x.t = append(x.t, affTerm{k, new(big.Int).Set(w.Num())})
		}
	}
	x.c = new(big.Int).Neg(pr.t[0])
	I := func(v int64) *big.Int { return big.NewInt(v) }

	// Stage 2: Lemma 14 layers.
	for _, h := range plan.halve {
		negT := new(big.Int).Neg(h.T)
		u := b.sidLayer([]sidUnit{{pre: x}, {step: true, pre: x.plusC(negT)}, {step: true, pre: x.plusC(new(big.Int).Sub(h.b, new(big.Int).Lsh(h.T, 1)))}}, native)
		x = affSum(u[0], u[1].scale(new(big.Int).Sub(h.b, h.T)), u[2].scale(negT))
	}
	// Stage 3: Lemma 15 blocks.
	for _, s := range plan.shrink {
		if len(s.M) == 0 {
			continue // no value in [T, K): the halving moves nothing and needs no layer
		}
		type thr struct{ theta, coef int64 }
		var ts []thr
		for i := range s.M {
			ts = append(ts, thr{s.M[i], s.c[i]}, thr{s.e[i], -s.T})
		}
		if o.Wide {
			units := []sidUnit{{pre: x}}
			for _, t := range ts {
				units = append(units, sidUnit{step: true, pre: x.plusC(I(-t.theta))})
			}
			u := b.sidLayerFlat(units, native)
			nx := u[0]
			for i, t := range ts {
				nx = affSum(nx, u[i+1].scaleI(t.coef))
			}
			// The bypass layer of width 1 (Park et al.: avoids N⁴/K² parameters between two wide layers).
			x = b.sidLayerFlat([]sidUnit{{pre: nx}}, native)[0]
			continue
		}
		var bound int64
		for _, t := range ts {
			bound += abs64(t.coef)
		}
		acc := aff{}
		hasAcc := false
		var prevStep aff
		var prevCoef int64
		for i, t := range ts {
			units := []sidUnit{{pre: x}, {step: true, pre: x.plusC(I(-t.theta))}}
			if i > 0 {
				a := prevStep.scaleI(prevCoef)
				if hasAcc {
					a = affSum(acc, a)
				}
				units = append(units, sidUnit{pre: a, shift: I(bound)})
			}
			u := b.sidLayer(units, native)
			x, prevStep, prevCoef = u[0], u[1], t.coef
			if i > 0 {
				acc, hasAcc = u[2], true
			}
		}
		nx := affSum(x, prevStep.scaleI(prevCoef))
		if hasAcc {
			nx = affSum(nx, acc)
		}
		x = nx
	}
	// Stage 4: Lemma 19.
	A, B, D := plan.A, plan.B, plan.D
	words := make([]*big.Int, A)
	for a := range words {
		words[a] = new(big.Int)
	}
	for k := range vals {
		a, r := plan.final[k]/int64(B), plan.final[k]%int64(B)
		// digit r of word a sits at bits [D(B−r), D(B−r+1)).
		words[a].Add(words[a], new(big.Int).Lsh(big.NewInt(lab[k]), uint(D*(B-int(r)))))
	}
	var W aff
	if o.Wide && A > 1 {
		units := []sidUnit{{pre: x}}
		for a := 1; a < A; a++ {
			units = append(units, sidUnit{step: true, pre: x.plusC(I(-int64(a) * int64(B)))})
		}
		u := b.sidLayerFlat(units, native)
		x = u[0]
		W = constAff(b.layers, words[0])
		for a := 1; a < A; a++ {
			x = affSum(x, u[a].scaleI(-int64(B)))
			W = affSum(W, u[a].scale(new(big.Int).Sub(words[a], words[a-1])))
		}
	} else {
		var wIsConst = true
		Wc := words[0]
		for a := 1; a < A; a++ {
			units := []sidUnit{{pre: x}, {step: true, pre: x.plusC(I(-int64(B)))}}
			if !wIsConst {
				units = append(units, sidUnit{pre: W})
			}
			u := b.sidLayer(units, native)
			base := constAff(b.layers, Wc)
			if !wIsConst {
				base = u[2]
			}
			x = affSum(u[0], u[1].scaleI(-int64(B)))
			W = affSum(base, u[1].scale(new(big.Int).Sub(words[a], words[a-1])))
			wIsConst = false
		}
		if wIsConst {
			W = constAff(b.layers, Wc)
		}
	}
	// Stage 5: Lemma 22. X starts at r (= x).
	X := x
	J := int64(B) + 3
	for m := 0; m < B; m++ {
		// h: X ← X − 1 + J·1[X < 0].
		u := b.sidLayer([]sidUnit{{pre: X, shift: I(1)}, {pre: W}, {step: true, pre: X.scaleI(-1).plusC(I(-1))}}, native)
		X = affSum(u[0], u[2].scaleI(J)).plusC(I(-1))
		W = u[1]
		for j := 0; j < D; j++ {
			k := m*D + j
			theta := deepPow2(D*(B+1) - 1 - k)
			// g: n = 1[W ≥ θ], W ← W − θ·n.
			u := b.sidLayer([]sidUnit{{pre: X, shift: I(1)}, {pre: W}, {step: true, pre: W.plusC(new(big.Int).Neg(theta))}}, native)
			var nBit aff
			X, nBit = u[0], u[2]
			W = affSum(u[1], nBit.scale(new(big.Int).Neg(theta)))
			// f: W ← W + 2^{D−1−j}·1[X − n < −1].
			u = b.sidLayer([]sidUnit{{pre: X, shift: I(1)}, {pre: W}, {step: true, pre: affSum(nBit, X.scaleI(-1)).plusC(I(-2))}}, native)
			X = u[0]
			W = affSum(u[1], u[2].scale(deepPow2(D-1-j)))
		}
	}
	net := dl.output(b, W, big.NewInt(1))
	lm.apply(net)

	id, name := "park2021-thm2", "Park, Lee, Yun, Shin 2021, Theorem 2 (width 3)"
	if o.Wide {
		id, name = "park2021-thm1", "Park, Lee, Yun, Shin 2021, Theorem 1"
	}
	form := "ReLU (each STEP + ID layer as two ReLU layers)"
	if native {
		form = "STEP + ID (native step and identity units)"
	}
	m := meta{method: "park", theorem: id, name: name,
		reference: "S. Park, J. Lee, C. Yun, J. Shin. Provable memorization via deep neural networks using sub-linear parameters. COLT 2021.",
		params: map[string]string{"lemma14_layers": fmt.Sprint(len(plan.halve)), "lemma15_halvings": fmt.Sprint(len(plan.shrink)),
			"range_V": fmt.Sprint(plan.V), "A": fmt.Sprint(A), "B": fmt.Sprint(B), "label_bits": fmt.Sprint(D),
			"projection_K": fmt.Sprint(pr.K), "form": form, "wide": fmt.Sprint(o.Wide)},
		notes: []string{"Every STEP input is an integer on the data (margin 1); Lemma 22 bit extraction (one bit per step)."}}
	if o.W != nil {
		m.params["w"] = o.W.RatString()
	}
	r, err := finishDeep(d, net, &o, m, p, dl)
	if err != nil {
		return nil, err
	}
	r.Summary.ProjectionK = pr.K
	return r, nil
}

// parkHalve is one Lemma 14 layer: values ≥ T go to (v + b) mod T. T and b are exact
// integers of any size (the projected range of near-collisions or long coordinates has
// hundreds of bits; one layer halves it).
type parkHalve struct{ T, b *big.Int }

type parkShrink struct {
	T       int64
	M, e, c []int64
}

type parkPlanT struct {
	halve  []parkHalve
	shrink []parkShrink
	final  []int64 // value of each sorted point entering stage 4
	V      int64   // range of the final values
	A, B   int
	D      int
	layers int // STEP + ID layers (estimate of the built count)
}

// parkPlan runs stages 2–3 on the values (searching the offsets) and chooses where to
// stop and the split A·B ≥ V.
func parkPlan(bvals []*big.Int, N, C int64, o DeepOptions) (*parkPlanT, error) {
	D := max(1, deepBitLen(big.NewInt(C-1)))
	pl := &parkPlanT{D: D}
	if N >= 1<<31 {
		return nil, fmt.Errorf("%d points: the label lookup keeps N²/4 below 2^62", N)
	}
	K := big.NewInt(0)
	for _, v := range bvals {
		if v.Cmp(K) >= 0 {
			K = new(big.Int).Add(v, big.NewInt(1))
		}
	}
	Tstar := N*N/4 + 1
	var cur []int64
	if K.BitLen() <= 62 {
		cur = make([]int64, len(bvals))
		for i, v := range bvals {
			cur[i] = v.Int64()
		}
	} else {
		// Lemma 14 on big integers until the range fits 62 bits (it then continues below).
		vals := append([]*big.Int(nil), bvals...)
		for K.BitLen() > 62 {
			T := new(big.Int).Add(K, big.NewInt(1))
			T.Rsh(T, 1) // ⌈K/2⌉ > N²/4 + 1
			b, ok := searchOffsetBig(vals, T)
			if !ok {
				return nil, fmt.Errorf("no offset for the range halving %s → %s (Lemma 14 guarantees one; bug)", K, T)
			}
			for i, v := range vals {
				if v.Cmp(T) >= 0 {
					w := new(big.Int).Add(v, b)
					for w.Cmp(T) >= 0 {
						w.Sub(w, T)
					}
					vals[i] = w
				}
			}
			pl.halve = append(pl.halve, parkHalve{T, b})
			K = T
		}
		cur = make([]int64, len(vals))
		for i, v := range vals {
			cur[i] = v.Int64()
		}
	}
	k := K.Int64()
	for k > Tstar {
		T := max((k+1)/2, Tstar)
		b, ok := searchOffset(cur, T)
		if !ok {
			return nil, fmt.Errorf("no offset for the range halving %d → %d (Lemma 14 guarantees one; bug)", k, T)
		}
		for i, v := range cur {
			if v >= T {
				cur[i] = (v + b) % T
			}
		}
		pl.halve = append(pl.halve, parkHalve{big.NewInt(T), big.NewInt(b)})
		k = T
	}
	K64 := k
	// Candidate stops: after each Lemma 15 halving. Keep the states.
	type state struct {
		vals   []int64
		K      int64
		layers int // stage-3 layers so far (width 3: 2C per halving; wide: 2)
		shrink []parkShrink
	}
	states := []state{{append([]int64(nil), cur...), K64, 0, nil}}
	var wTarget int64 = -1
	if o.W != nil {
		// Stop once K ≤ N^{2−w} (a float only picks the stopping point; nothing is
		// trusted from it).
		wf, _ := o.W.Float64()
		wTarget = int64(math.Pow(float64(N), 2-wf))
	}
	for {
		s := states[len(states)-1]
		T := (s.K + 1) / 2
		if T < N || T < 2 || (wTarget >= 0 && s.K <= max(wTarget, 2*N)) {
			break
		}
		sh, next, ok := shrinkStep(s.vals, T, s.K, N)
		if !ok {
			break
		}
		states = append(states, state{next, T, s.layers + 2*len(sh.M), append(append([]parkShrink(nil), s.shrink...), sh)})
		if len(states) > 64 {
			break
		}
	}
	best := -1
	var bestA, bestB, bestL int
	for i, s := range states {
		if wTarget >= 0 && i != len(states)-1 {
			continue
		}
		A, B, L := chooseAB(s.K, D, o.Wide)
		total := s.layers + L
		if best < 0 || total < bestL {
			best, bestA, bestB, bestL = i, A, B, total
		}
	}
	s := states[best]
	pl.shrink, pl.final, pl.V, pl.A, pl.B = s.shrink, s.vals, s.K, bestA, bestB
	pl.layers = len(pl.halve) + bestL
	return pl, nil
}

// chooseAB splits V ≤ A·B minimising the layers of stages 4–5: (A − 1) + (2D+1)·B for
// width 3, 1 + (2D+1)·B with a parameter-balanced B for the wide variant.
func chooseAB(V int64, D int, wide bool) (A, B, layers int) {
	best := -1
	for b := int64(1); b <= V; b++ {
		a := (V + b - 1) / b
		var cost int64
		if wide {
			// parameters: ≈ 3·(A+1) (one wide layer) + ≈ 12·(2D+1)·B (width-3 extraction)
			cost = 3*(a+1) + 12*int64(2*D+1)*b
		} else {
			cost = (a - 1) + int64(2*D+1)*b
		}
		if best < 0 || cost < int64(best) {
			best, A, B = int(cost), int(a), int(b)
		}
		if b*b > 4*V {
			break
		}
	}
	if wide {
		layers = 1 + (2*D+1)*B
	} else {
		layers = A - 1 + (2*D+1)*B
	}
	return
}

// searchOffset finds the least b ∈ [0, T) such that the values ≥ T (all in [T, 2T)),
// mapped to (v + b) mod T, avoid the values < T (Lemma 14: one exists when T > N²/4).
func searchOffset(vals []int64, T int64) (int64, bool) {
	used := make(map[int64]bool, len(vals))
	var move []int64
	for _, v := range vals {
		if v < T {
			used[v] = true
		} else {
			move = append(move, v)
		}
	}
	for b := int64(0); b < T; b++ {
		ok := true
		for _, v := range move {
			if used[(v+b)%T] {
				ok = false
				break
			}
		}
		if ok {
			return b, true
		}
	}
	return 0, false
}

// searchOffsetBig is searchOffset on integers of any size: the least b ≥ 0 such that the
// values in [T, 2T), mapped to (v + b) mod T, avoid the values < T. Each pair (kept value,
// moved value) rules out one b, so the least good b is at most their number (< T).
func searchOffsetBig(vals []*big.Int, T *big.Int) (*big.Int, bool) {
	used := make(map[string]bool, len(vals))
	var move []*big.Int
	for _, v := range vals {
		if v.Cmp(T) < 0 {
			used[string(v.Bytes())] = true
		} else {
			move = append(move, new(big.Int).Sub(v, T))
		}
	}
	limit := int64(len(used))*int64(len(move)) + 1
	w := new(big.Int)
	for b := int64(0); b <= limit; b++ {
		bb := big.NewInt(b)
		if bb.Cmp(T) >= 0 {
			break
		}
		ok := true
		for _, m := range move {
			w.Add(m, bb)
			if w.Cmp(T) >= 0 {
				w.Sub(w, T)
			}
			if used[string(w.Bytes())] {
				ok = false
				break
			}
		}
		if ok {
			return bb, true
		}
	}
	return nil, false
}

// shrinkStep is one application of Lemma 15: K ↦ T = ⌈K/2⌉.
func shrinkStep(vals []int64, T, K, N int64) (parkShrink, []int64, bool) {
	g := T / N
	if g < 1 {
		return parkShrink{}, nil, false
	}
	var hi []int64
	used := make(map[int64]bool, len(vals))
	for _, v := range vals {
		if v >= T {
			hi = append(hi, v)
		} else {
			used[v] = true
		}
	}
	sort.Slice(hi, func(a, b int) bool { return hi[a] < hi[b] })
	sh := parkShrink{T: T}
	img := map[int64]int64{}
	var bs []int64
	for start := 0; start < len(hi); start += int(g) {
		blk := hi[start:min(start+int(g), len(hi))]
		M := T
		if start > 0 {
			M = blk[0]
		}
		found := false
		for b := int64(0); b < T; b++ {
			ok := true
			for _, v := range blk {
				if used[(v+b)%T] {
					ok = false
					break
				}
			}
			if ok {
				for _, v := range blk {
					used[(v+b)%T] = true
					img[v] = (v + b) % T
				}
				bs = append(bs, b)
				found = true
				break
			}
		}
		if !found {
			return parkShrink{}, nil, false
		}
		sh.M = append(sh.M, M)
	}
	C := len(sh.M)
	for i := 0; i < C; i++ {
		next := K
		if i+1 < C {
			next = sh.M[i+1]
		}
		e := max(sh.M[i], min(2*T-bs[i], next))
		sh.e = append(sh.e, e)
		if i == 0 {
			sh.c = append(sh.c, bs[0]-T)
		} else {
			sh.c = append(sh.c, bs[i]-bs[i-1]+T)
		}
	}
	out := make([]int64, len(vals))
	for i, v := range vals {
		if v >= T {
			out[i] = img[v]
		} else {
			out[i] = v
		}
	}
	return sh, out, true
}
