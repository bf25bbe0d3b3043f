// Package smt is certify's second opinion and its search engine for existence questions.
// It writes a certificate's obligations as SMT-LIB 2 formulas and has a solver discharge
// them, independently of the kernel (package cert), and it asks whether a network of a
// given architecture fits a dataset at all.
//
// # Contract
//
//   - Independence. The network is written as formulas over exact rationals (ite for an
//     activation, or the linear branch a stated pattern selects); nothing is taken from
//     the kernel's evaluation. Each obligation is negated and asserted, so unsat
//     discharges it and sat refutes it, the model naming the failing point
//     (CheckCertificate). Compare says where the kernel and the solver disagree; a
//     disagreement is a bug, and the CLI reports it loudly.
//   - Exactness. Numbers cross into formulas as exact literals, bounded in digits
//     (DefaultMaxDigits; Lit refuses larger ones before any solver sees them). Models are
//     read back as exact rationals; an irrational algebraic value is reported as such
//     (Value.Algebraic), never rounded into a verdict.
//   - Honest verdicts. A query not decided in time is Unknown, and a claim with an
//     Unknown obligation is undecided: never verified. A solver error is an error.
//   - Bounded memory. Certificates are sent in chunks (AutoChunk: about two million
//     weight terms per query), and each in-process query has its own Z3 context.
//
// # Solvers
//
// Solver is the boundary: the in-process Z3 binding (package certify/smt/z3solver), the
// z3 and cvc5 programs (Binary), the binding in a killable child process (Worker), and
// a Portfolio racing several, the first definite answer winning. Everything outside
// smt/z3 and smt/z3solver builds without cgo.
//
// # Existence queries
//
// Exists decides "is there a ReLU network with these hidden widths fitting these data
// exactly?": the weights are unknowns, so the formula is nonlinear real arithmetic. The
// encodings (Encodings) are ite, pattern (Boolean activation states), normalized and
// normalized-w (symmetry breaking by positive homogeneity and unit permutation), and
// split (one-dimensional data: a case split on the first layer's activation pattern; see
// EncSplit for why the cases cover every network; with two hidden layers or more, the
// cases left open are split again on the second layer's patterns, split2.go says why the
// sub-cases cover them, and data that are their own mirror image close mirrored cases). A
// sat answer gives a witness certificate that the caller checks with the kernel; an unsat
// answer is recorded with the SMT-LIB script of the proof as it was run
// (ExistsResult.Script, or ExistsScript) that any solver can re-run. The kernel cannot
// re-prove an unsat: reports say which verdicts rest on a solver.
//
// # Batches and proofs
//
// A Batch is many small queries in one incremental script (push/pop, one check-sat each),
// answered by one solver process (BatchSolver; a Portfolio merges its members' answers
// query by query). ConfirmUnsat re-runs a proof, block by block with z3 and cvc5 racing;
// CheckCertificate does so for a no-fit claim that rests on a solver when given the file
// it names (CheckOptions.ReadFile), after checking the file's SHA-256. Solver processes
// are killed when the context ends and, on Linux, when this process dies.
package smt
