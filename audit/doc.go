// Package audit tries published claims about ReLU networks on concrete instances and
// reports, for each, whether it held on every instance tried, was refuted (with a
// counterexample certificate that `certify check` verifies on its own), or could not be
// decided — and what each verdict rests on: the kernel (certificates checked exactly), an
// SMT solver's answer, or an exact but untrusted computation.
//
// Claims are data (a claims file, docs/claims.md): a statement over integer parameters,
// its hypothesis as an exact expression, the architecture as width expressions, and the
// instance ranges to try. The tool ships the seeds' claims (Builtin), both as the papers
// state them and as the lecture notes of seed 000 print them.
//
// Nothing here is trusted: every certificate it writes is checked by the kernel before it
// is reported, and an SMT answer is reported as such.
package audit
