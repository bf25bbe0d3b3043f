// Package smt is certify's second opinion. It writes a certificate's obligations as
// SMT-LIB 2 formulas and has a solver discharge them, independently of the kernel
// (package cert), and it re-runs the solver proofs that no-fit claims name. It also holds
// the solvers that the existence search (package certify/smt/search: is there a network
// of a given architecture that fits a dataset at all?) runs on.
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
// The existence search is package certify/smt/search (Exists, the encodings, the case
// splits). It uses this package's solvers, literals (Lit, Lits) and batches; this package
// does not import it, and nothing in the second opinion depends on it: a no-fit claim's
// proof is re-run as the script it names (ConfirmUnsat), whoever wrote it.
//
// # Batches and proofs
//
// A Batch is many small queries in one incremental script (push/pop, one check-sat each),
// answered by one solver process (BatchSolver; a Portfolio merges its members' answers
// query by query); the search's second-level split sends its sub-cases so. ConfirmUnsat
// re-runs a proof, block by block with z3 and cvc5 racing; CheckCertificate does so for
// a no-fit claim that rests on a solver when given the file it names
// (CheckOptions.ReadFile), after checking the file's SHA-256 (proof.go). Solver processes
// are killed when the context ends and, on Linux, when this process dies.
//
// # Shards
//
// CheckCertificate's work is a fixed list of items — the point chunks, then the claims
// checked whole — that CheckShard cuts into n shards (item k to shard k mod n + 1) and
// MergeCheck folds back in item order; CheckCertificate is the one-shard run merged, so a
// merge of any n shards gives a single run's verdicts, failures and counts (shard.go).
package smt
