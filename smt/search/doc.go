// Package search asks whether a network exists: "is there a ReLU network with these
// hidden widths (and one identity output per target coordinate) that fits these data
// exactly?", the weights being the unknowns. It is the lower-bound search's engine (the
// capacity walk and the audit call it through the CLI), built on package certify/smt's
// solvers; it is not part of certify's second opinion on a certificate, which is smt's
// CheckCertificate.
//
// # Contract
//
//   - Untrusted producer. Nothing this package returns is a verdict. A sat answer comes
//     with a witness certificate (an exact-memorisation claim on the data) that the caller
//     checks with the kernel (package cert) before it reports a fit; an unsat answer is a
//     solver's word, recorded with the SMT-LIB 2 script of the proof as it was run
//     (ExistsResult.Script, or ExistsScript) so that any solver can re-run it
//     (smt.ConfirmUnsat, check --smt). Reports say which verdicts rest on a solver.
//   - Sound encodings. Every encoding (Encodings) keeps every function the architecture
//     computes: the symmetry breaking (positive homogeneity, permutations of units of a
//     layer) and the case splits (EncSplit on the first layer's pattern for 1-D data; the
//     second level on the second layer's patterns, split2.go; mirror images of data that
//     are their own mirror) are argued where they are written, so that unsat on all of a
//     query's cases is a proof of non-existence.
//   - Exactness. Data and fixed weights enter the formulas as exact literals bounded in
//     digits (smt.Lit); models come back as exact rationals. An irrational model is
//     rationalised when possible (hidden layers fixed to nearby rationals, the output
//     layer solved again, a linear query) and otherwise reported as irrational, never
//     rounded into a witness.
//   - Honest answers and bounded work. A query not decided before its context ends is
//     smt.Unknown. A split with more cases than MaxSplitCases is refused as bad input
//     (smt.ErrBadQuery) before any case is built, as is an encoding that does not fit
//     the query (split needs 1-D data, one output and a hidden layer); the second level
//     enumerates at most MaxSplit2SubCases patterns of a case.
//   - Deterministic scripts. ExistsScript gives the same script, byte for byte, for the
//     same architecture, data, encoding and digit bound.
//
// # Files
//
// exists.go: architectures, the encodings, Exists, ExistsQuery, ExistsScript, witness
// certificates, the alternating family. split.go: the first-level case split (EncSplit).
// split2.go: the second level, for two hidden layers. The solvers, batches (one
// incremental script for many small queries) and the proof re-run are smt's.
package search
