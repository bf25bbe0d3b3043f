package construct

import (
	"fmt"
	"math/big"

	"certify/cert"
)

// Vardi builds the network of Vardi, Yehudai, Shamir 2022 ("On the optimal memorization
// power of ReLU neural networks"), Theorem 3.1:
//
//	Let x_1..x_N ∈ R^d with ‖x_i‖ ≤ r, ‖x_i − x_j‖ ≥ δ for i ≠ j, and labels in [C].
//	There is a ReLU network of width 12 and depth O(√N·log N + √(N/log N)·max{log R,
//	log C}), R = 10rN²δ⁻¹√(πd), that memorises them; its bit complexity is
//	O(log d + √(N/log N)·max{log R, log C}), so it has Õ(√N) parameters.
//
// Size met (checked by the kernel's theorem claim "vardi2022-thm3.1", which also
// computes r, δ and the paper's bound with the constants it states): width ≤ 12, depth
// 3 + G + n·(max(ρ, c) + 2) with n points per group, G = ⌈N/n⌉ groups, ρ the bits of a
// projected value and c the bits of a label; n ≈ √(N/(max(ρ,c)+2)) gives depth
// ≈ 2√(N·(ρ+2)). Bit complexity ≈ n·ρ (the packed group words). With MaxDepth set, the
// data is split into k parts whose sub-networks run side by side (Theorem 5.1: width
// 12k, depth ≈ depth of one part, Õ(N/L) parameters for depth L). This meets Theorem
// 5.1's bound as the theorem claim "vardi2022-thm5.1" states it with our constants (at the
// built depth L: width ≤ 12⌈8N(max(λ_R, ℓC) + 2)/L²⌉, non-zero weights ≤ 160·L·⌈…⌉ + d;
// e.g. digits, N = 1797: L = 60 gives width 501 ≤ 1680 and 44 270 non-zero weights) —
// no change was needed for it. The certificate stores dense layers, so a small MaxDepth
// (many parts) is refused when the dense parameter count would pass the kernel's limit
// cert.DefaultMaxParams. VardiBits (Theorem 6.2) bounds the bit complexity instead.
//
// The network, ReLU only (plus the identity output), in three stages (Vardi, Yehudai, Shamir 2022, §3):
//
// I. Projection. z = σ(u·x − min_j u·x_j) with the small integer vector u of
// chooseProjection: the z_i are distinct integers ≥ 0 (one unit; d weights).
//
// II. Group selection. Sort the points by z and split them into G groups of n
// consecutive points. For group g with values m_1 < … < m_n (padded with the value
// max z + 1, which no point has) and labels ℓ_1..ℓ_n, pack
// U_g = Σ_k m_k·2^{ρ(n−k)} and W_g = Σ_k ℓ_k·2^{c(n−k)}. One layer per group (7 units:
// z, U, W and a trapezoid) adds U_g·1[lo_g ≤ z ≤ hi_g] to U and W_g·1[…] to W.
//
// III. Bit extraction with Telgarsky's triangle φ(t) = 2σ(t) − 4σ(t − ½). For t =
// (U + ½)/2^B and t' = (U + ¼)/2^B (B = nρ), φ^(k) is affine on the dyadic cell of U, so
// φ^(k)(t) − φ^(k)(t') = ±2^{k−B−2}, with sign − exactly when bit k of U (from the top)
// is 1. The chains run on integers P = 2^{B+2}t: Φ(P) = 2σ(P) − 4σ(P − 2^{B+1}),
// P_0 = 4U + 2, P'_0 = 4U + 1, and ΔP_k = P_k − P'_k = ±2^k, so 2^{k+1}·bit_k =
// 2^k − ΔP_k. An accumulator scaled by 2^{k+1} (Â_k = 4Â_{k−1} + 2^k − ΔP_k) collects
// the ρ bits of each slot: after slot j, Â = S·m_j with S = 2^{jρ+1}. The same runs on
// W (c bits per slot) in parallel. A tent S·1[z = m_j] = σ(d+S) − 2σ(d) + σ(d−S),
// d = S·z − Â, gates the slot's scaled label (σ(Ŵ − M + (M/S)·tent) = Ŵ·1[z = m_j]),
// which is added, rescaled to a common 2^{nc+1}, to the output. Exactly one slot
// matches (the z are distinct and the pad value matches none), so the output is the
// label. Units per layer: z, out, 4 + 4 chain units, 2 accumulators = 12.
//
// Every weight is an integer except the output layer's single division by 2^{nc+1}.
func Vardi(d *cert.Dataset, o DeepOptions) (*Result, error) {
	v, err := newVardiPrep(d, o)
	if err != nil {
		return nil, err
	}
	return v.build(d, o, o.GroupSize, "")
}

// vardiPrep is what every Vardi network of a dataset shares: the labels, the projection
// and the sorted projected values.
type vardiPrep struct {
	p      *points
	dl     *deepLabels
	pr     *projection
	zs     []*big.Int // projected values, sorted, minus the least
	lab    []int64    // their labels
	pad    *big.Int   // max z + 1, which no point has
	rho, c int        // bits of a projected value and of a label
	slot   int        // max(rho, c)
}

func newVardiPrep(d *cert.Dataset, o DeepOptions) (*vardiPrep, error) {
	p := newPoints(d)
	dl, err := newDeepLabels(p, o.Epsilon)
	if err != nil {
		return nil, fmt.Errorf("vardi: %v", err)
	}
	pr, err := chooseProjection(p, o.Progress)
	if err != nil {
		return nil, fmt.Errorf("vardi: %v", err)
	}
	n := p.n()
	// z values in sorted order, and labels.
	zs := make([]*big.Int, n)
	lab := make([]int64, n)
	for k := 0; k < n; k++ {
		zs[k] = new(big.Int).Sub(pr.t[k], pr.t[0])
		lab[k] = dl.cls[pr.order[k]]
	}
	pad := new(big.Int).Add(zs[n-1], big.NewInt(1))
	rho := pad.BitLen()
	c := max(1, deepBitLen(big.NewInt(dl.C-1)))
	return &vardiPrep{p: p, dl: dl, pr: pr, zs: zs, lab: lab, pad: pad, rho: rho, c: c, slot: max(rho, c)}, nil
}

// build builds the network with groups of groupSize points (0: the depth minimiser) and,
// when o.MaxDepth > 0, side-by-side parts (Theorem 5.1). bits > 0 names Theorem 6.2's
// bound in the certificate (the caller chose groupSize to meet it).
func (v *vardiPrep) build(d *cert.Dataset, o DeepOptions, groupSize int, bits string) (*Result, error) {
	p, dl, pr, zs, lab, pad, rho, c, slot := v.p, v.dl, v.pr, v.zs, v.lab, v.pad, v.rho, v.c, v.slot
	n := p.n()
	parts := 1
	if o.MaxDepth > 0 {
		// Depth of one part of M points ≈ 2√(M(slot+2)) + 4; pick the fewest parts that fit.
		for parts < n {
			m := (n + parts - 1) / parts
			if vardiDepth(m, vardiGroupSize(m, slot, groupSize), slot) <= o.MaxDepth {
				break
			}
			parts++
		}
	}
	if parts > 1 {
		// The certificate stores dense layers: refuse before building what the kernel
		// would refuse to read (and what would take gigabytes to build).
		m := (n + parts - 1) / parts
		w := int64(12 * parts)
		est := int64(vardiDepth(m, vardiGroupSize(m, slot, groupSize), slot)) * (w + 1) * w
		if est > cert.DefaultMaxParams {
			return nil, fmt.Errorf("vardi: --max-depth %d needs %d parts side by side (width %d), about %d parameters as dense layers, above the certificate limit of %d; choose a larger --max-depth",
				o.MaxDepth, parts, w, est, int64(cert.DefaultMaxParams))
		}
	}
	b := newDeepNet(d.D)
	b.maxWidth = 12 * parts
	// Stage I.
	b.begin()
	row := aff{layer: 0}
	for k, w := range pr.row {
		if w.Sign() != 0 {
			row.t = append(row.t, affTerm{k, new(big.Int).Set(w.Num())})
		}
	}
	row.c = new(big.Int).Neg(pr.t[0])
	z := b.relu(row)
	b.end()

	// Parts: part q takes the sorted points q, q+parts, q+2·parts, … (interleaved, so
	// each part spans the whole range and the groups of different parts overlap: a
	// point of another part finds no matching slot and adds 0).
	subs := make([]*vardiSub, parts)
	for q := range subs {
		var idx []int
		for k := q; k < n; k += parts {
			idx = append(idx, k)
		}
		gs := vardiGroupSize(len(idx), slot, groupSize)
		subs[q] = newVardiSub(idx, zs, lab, gs, rho, c, pad)
	}
	// Run the parts' schedules side by side, one layer at a time, all reading the same z.
	steps := 0
	for _, s := range subs {
		steps = max(steps, s.steps())
	}
	zcur := z
	for st := 0; st < steps; st++ {
		if o.Progress != nil && st%64 == 0 {
			o.Progress("layers", st, steps)
		}
		b.begin()
		zNew := b.carry(zcur)
		for _, s := range subs {
			s.layer(b, st, zcur)
		}
		b.end()
		zcur = zNew
		for _, s := range subs {
			s.settle(b)
		}
	}
	// Output: Σ parts' out / 2^{nc+1} (all parts share the scale F = 2^{maxBW+1}).
	F := 0
	for _, s := range subs {
		F = max(F, s.BW+1)
	}
	outs := make([]aff, 0, parts)
	for _, s := range subs {
		outs = append(outs, s.out.scale(deepPow2(F-(s.BW+1))))
	}
	net := dl.output(b, affSum(outs...), deepPow2(F))

	gsz := subs[0].n
	m := meta{method: "vardi", theorem: "vardi2022-thm3.1",
		name:      "Vardi, Yehudai, Shamir 2022, Theorem 3.1",
		reference: "G. Vardi, G. Yehudai, O. Shamir. On the optimal memorization power of ReLU neural networks. ICLR 2022.",
		params: map[string]string{"group_size": fmt.Sprint(gsz), "groups": fmt.Sprint(subs[0].G), "rho": fmt.Sprint(rho),
			"label_bits": fmt.Sprint(c), "parts": fmt.Sprint(parts), "projection": "u·x, entries of u in [−K, K]",
			"projection_K": fmt.Sprint(pr.K)},
		notes: []string{"ReLU only: projection, one trapezoid layer per group, Telgarsky-triangle bit extraction on integer-scaled chains;",
			"the only non-integer weights are in the output layer."}}
	if parts > 1 {
		m.name = "Vardi, Yehudai, Shamir 2022, Theorem 5.1 (depth-limited)"
		m.params["max_depth"] = fmt.Sprint(o.MaxDepth)
		m.theorem = "vardi2022-thm5.1"
	}
	if bits != "" {
		m.name = "Vardi, Yehudai, Shamir 2022, Theorem 6.2 (bounded bit complexity)"
		m.params["bits"] = bits
		m.theorem = "vardi2022-thm6.2"
	}
	r, err := finishDeep(d, net, &o, m, p, dl)
	if err != nil {
		return nil, err
	}
	r.Summary.ProjectionK = pr.K
	r.Summary.Blocks = subs[0].G
	r.Summary.BlockCapacity = gsz
	return r, nil
}

// vardiGroupSize is n ≈ √(M/(slot+2)) (or the one asked for).
func vardiGroupSize(M, slot, asked int) int {
	if asked > 0 {
		return min(asked, M)
	}
	best, bestD := 1, -1
	for g := 1; g <= M; g++ {
		dd := vardiDepth(M, g, slot)
		if bestD < 0 || dd < bestD {
			best, bestD = g, dd
		}
		if g*g > 4*M {
			break
		}
	}
	return best
}

// vardiDepth is the depth of one sub-network: projection, G groups, n slots of
// slot + 2 layers, output.
func vardiDepth(M, g, slot int) int {
	G := (M + g - 1) / g
	return 1 + G + g*(slot+2) + 1
}

// vardiSub is one sub-network's schedule: G group layers, then n slots of the bit
// extraction. Its signals are forms over the last committed layer.
type vardiSub struct {
	n, G, rho, c, slot int
	BU, BW             int
	lo, hi             []*big.Int // group ranges
	U, W               []*big.Int // packed words
	// signals
	Us, Ws, out  aff
	P, P2, Q, Q2 aff
	accU, accW   aff
	kU, kW       int
	tent         aff
	// pending forms produced by the open layer, turned into signals by settle
	pend func()
}

func newVardiSub(idx []int, zs []*big.Int, lab []int64, n, rho, c int, pad *big.Int) *vardiSub {
	M := len(idx)
	G := (M + n - 1) / n
	s := &vardiSub{n: n, G: G, rho: rho, c: c, slot: max(rho, c), BU: n * rho, BW: n * c}
	for g := 0; g < G; g++ {
		members := idx[g*n : min((g+1)*n, M)]
		U, W := new(big.Int), new(big.Int)
		for k := 0; k < n; k++ {
			U.Lsh(U, uint(rho))
			W.Lsh(W, uint(c))
			if k < len(members) {
				U.Add(U, zs[members[k]])
				W.Add(W, big.NewInt(lab[members[k]]))
			} else {
				U.Add(U, pad)
			}
		}
		s.lo = append(s.lo, zs[members[0]])
		s.hi = append(s.hi, zs[members[len(members)-1]])
		s.U = append(s.U, U)
		s.W = append(s.W, W)
	}
	s.Us, s.Ws, s.out = constAff(1, new(big.Int)), constAff(1, new(big.Int)), constAff(1, new(big.Int))
	return s
}

// steps is the number of layers after the projection: G group layers and n slots of
// slot + 2 layers.
func (s *vardiSub) steps() int { return s.G + s.n*(s.slot+2) }

// layer adds this sub-network's units for step st to the open layer; z is the projected
// value (a form over the last committed layer).
func (s *vardiSub) layer(b *deepNet, st int, z aff) {
	one := big.NewInt(1)
	if st >= s.steps() {
		// Finished: carry the output.
		o := b.carry(s.out)
		s.pend = func() { s.out = o }
		return
	}
	if st < s.G {
		g := st
		Uu, Wu := b.carry(s.Us), b.carry(s.Ws)
		G := b.trapezoid(z, s.lo[g], s.hi[g])
		U, W := s.U[g], s.W[g]
		s.pend = func() {
			s.Us = affSum(Uu, G.scale(U))
			s.Ws = affSum(Wu, G.scale(W))
			if g == s.G-1 {
				// Start the chains: P = 4U + 2, P' = 4U + 1 (and the same for W).
				s.P = s.Us.scaleI(4).plusC(big.NewInt(2))
				s.P2 = s.Us.scaleI(4).plusC(one)
				s.Q = s.Ws.scaleI(4).plusC(big.NewInt(2))
				s.Q2 = s.Ws.scaleI(4).plusC(one)
			}
		}
		return
	}
	r := st - s.G
	j, pos := r/(s.slot+2), r%(s.slot+2) // slot j (0-based), position in the slot
	ou := b.carry(s.out)
	switch {
	case pos < s.slot:
		var setU, setW func()
		if pos < s.rho {
			setU = s.chainStep(b, &s.P, &s.P2, &s.accU, &s.kU, s.BU, pos == 0)
		} else {
			setU = s.chainCarry(b, &s.P, &s.P2, &s.accU)
		}
		if pos < s.c {
			setW = s.chainStep(b, &s.Q, &s.Q2, &s.accW, &s.kW, s.BW, pos == 0)
		} else {
			setW = s.chainCarry(b, &s.Q, &s.Q2, &s.accW)
		}
		s.pend = func() { s.out = ou; setU(); setW() }
	case pos == s.slot:
		// Tent: S·1[z = m_j], S = 2^{kU+1}.
		S := deepPow2(s.kU + 1)
		tent := b.tent(z.scale(S).sub(s.accU), S)
		setU := s.chainCarry(b, &s.P, &s.P2, nil)
		setW := s.chainCarry(b, &s.Q, &s.Q2, &s.accW)
		s.pend = func() {
			s.out = ou
			setU()
			setW()
			s.tent = tent
		}
	default:
		// Gate: out += 2^{BW−kW}·σ(Ŵ − M + (M/S)·tent), M = q·S ≥ max Ŵ = 2^{kW+1}(2^c − 1).
		S := deepPow2(s.kU + 1)
		wmax := new(big.Int).Mul(deepPow2(s.kW+1), new(big.Int).Sub(deepPow2(s.c), one))
		q := new(big.Int).Add(wmax, new(big.Int).Sub(S, one))
		q.Quo(q, S)
		if q.Sign() == 0 {
			q.SetInt64(1)
		}
		g := b.gate(s.accW, s.tent, S, new(big.Int).Mul(q, S))
		last := j == s.n-1
		var setU, setW func()
		if !last {
			setU = s.chainCarry(b, &s.P, &s.P2, nil)
			setW = s.chainCarry(b, &s.Q, &s.Q2, nil)
		}
		sh := deepPow2(s.BW - s.kW)
		s.pend = func() {
			s.out = affSum(ou, g.scale(sh))
			if !last {
				setU()
				setW()
			}
			s.accU, s.accW, s.tent = aff{}, aff{}, aff{}
		}
	}
}

// chainStep adds one triangle step of a chain (4 units) and the accumulator's carry, and
// returns the function that sets the new signals once the layer is committed.
func (s *vardiSub) chainStep(b *deepNet, P, P2, acc *aff, k *int, B int, first bool) func() {
	H := deepPow2(B + 1)
	nP, nP2 := b.triangle(*P, H), b.triangle(*P2, H)
	var accu aff
	if !first {
		accu = b.carry(*acc)
	}
	*k++
	kk := *k
	return func() {
		*P, *P2 = nP, nP2
		dP := P.sub(*P2)
		na := dP.scaleI(-1).plusC(deepPow2(kk))
		if !first {
			na = affSum(accu.scaleI(4), na)
		}
		*acc = na
	}
}

// chainCarry carries a chain's two values (and the accumulator, when acc is non-nil).
func (s *vardiSub) chainCarry(b *deepNet, P, P2, acc *aff) func() {
	pu, p2u := b.carry(*P), b.carry(*P2)
	var au aff
	if acc != nil {
		au = b.carry(*acc)
	}
	return func() {
		*P, *P2 = pu, p2u
		if acc != nil {
			*acc = au
		}
	}
}

// settle turns the pending forms into signals after the layer is committed.
func (s *vardiSub) settle(b *deepNet) {
	if s.pend != nil {
		s.pend()
		s.pend = nil
	}
}
