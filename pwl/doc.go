// Package pwl computes, exactly, the piecewise-linear structure of a network restricted
// to a line: g(t) = f(a + t·v) for t in [t0, t1].
//
// # Contract
//
//   - Walk streams the activation regions of g in increasing t: for each, its ends (exact
//     rationals), the activation pattern (the state of every unit of every layer, the
//     output layer included, by cert.Activation.State's convention) and the affine map
//     of g on the open region. It holds O(network) memory, however many regions there
//     are: the sawtooth with 2^24 pieces is walked in a few MB.
//   - Pieces merges adjacent regions whose affine maps agree (and, for networks with step
//     units, where g does not jump) into the affine pieces of g: regions and pieces are
//     reported separately, never confused.
//   - Claim produces a cert.PiecesClaim, breakpoints written as arithmetic-progression
//     runs where they are equally spaced. The kernel (package cert) checks it without
//     trusting anything computed here.
//   - Bounds gives the architecture's piece bounds ∏(m_i + 1) and Telgarsky's (2m)^l;
//     Sawtooth builds Telgarsky's m^(L); L1 integrates |f − g| exactly; Misclassified
//     counts Telgarsky's 2^k alternating points that 1[f ≥ 1/2] gets wrong; SVG draws g.
//
// Everything here is untrusted (a producer, like package construct): the numbers are
// exact (math/big, or int64 with checked overflow and a math/big fallback), but the only
// verdict on them is the kernel's. Floating point is used only for drawing coordinates in
// SVG. The package imports cert and the standard library.
package pwl
