// Package lowerbounds searches for counterexamples to published bounds on ReLU networks
// and packages what it finds as certificates for the kernel.
//
// Three kinds of search, all untrusted (like package construct: the only verdict on what
// they produce is the kernel's, or, where the kernel cannot decide, an SMT solver's
// answer recorded as such):
//
//   - Impossibility: a dataset that no network of an architecture fits. Impossibility
//     builds "no-fit" certificates the kernel checks without a solver (the piece-count
//     argument: the data force more pieces than the architecture can have; or, for
//     hidden layers of width 1, monotonicity). Capacity walks a family of datasets
//     (alternating, Telgarsky's points, random 1-D) to find, for an architecture, the
//     largest N that fits (with a witness certificate) and the smallest that does not
//     (with an impossibility certificate), asking an Existence solver where the kernel's
//     arguments are too weak.
//   - Piece bounds: networks that exceed a claimed bound on the number of affine pieces
//     of their restriction to an interval (zigzag compositions, random and local search
//     over small rational weights), certified by a pieces claim.
//   - Depth separation: shallow networks that classify Telgarsky's 2^k alternating
//     points, or approximate the sawtooth m^(k) in L¹, better than a claimed bound;
//     measured exactly with package pwl.
//
// Floating point is never used. Randomness is seeded, so every search is reproducible.
package lowerbounds
