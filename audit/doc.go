// Package audit checks published claims about ReLU-like networks on every instance of
// their parameter ranges and reports, for each, a verdict that says what was shown:
//
//	proved              every instance in range, each by a kernel-checked certificate of the
//	                    claim's logical form (or, for a size claim, the kernel's size formula)
//	proved-by-solver    the same, some instances resting on an SMT unsat (proof file written)
//	refuted             a kernel-checked counterexample to the claim as stated
//	refuted-by-solver   a counterexample resting on an SMT unsat (proof file written)
//	refuted-unverified  a counterexample computed exactly but not a kernel claim (L¹)
//	not-refuted         held on every dataset or network tried, or capped: not a proof
//	partial, undecided  some or all instances open, each named with the reason
//
// Contract:
//
//   - Claims are data (ClaimsFile; docs/claims.md), read strictly: exact-case keys, no
//     duplicates, no unknown keys or null. ParseClaims evaluates every expression on
//     every instance in range, so a claim that cannot be read — or cannot be checked
//     faithfully (data larger than the audit builds, an architecture it does not build,
//     an impossibility argument the kernel does not have) — is an error there, naming the
//     field and the instance, and is never tried in a smaller setting and reported.
//   - Every instance in range is tried, smallest first, unless the claim asks for a cap;
//     a capped claim is never proved. Enumeration is bounded up front (at most 10⁶
//     parameter assignments, expression values of at most 65 536 bits).
//   - Data and networks match the claim: its input dimension (points on the moment curve,
//     in general position, when d > 1), outputs or one-hot classes, activation (relu,
//     leaky-relu, hard-tanh, identity) in witnesses and searches alike. A witness counts
//     only if its network has the claim's shape and the kernel verifies its fit.
//   - Every certificate a verdict rests on — counterexamples, proofs, witnesses — is
//     checked by the kernel before it is reported and written to the output folder; a
//     solver's unsat is written with its SMT-LIB proof beside it. Known results (the
//     capacity table, LoadKnown) are reused under the same checks.
//   - Data and searches are seeded and deterministic (a fixed number of networks per
//     search, by default scaled with the budget); only what a budget leaves open depends
//     on the machine's speed, and the report names it.
//
// An audit can be cut into shards by instance (RunShard: item k, counted across the
// claims in order, to shard k mod n + 1) and put back together (MergeShards) into a
// single run's report; each shard has the whole budget (shard.go).
//
// Nothing here is trusted: the kernel (package cert) decides every certificate.
package audit
