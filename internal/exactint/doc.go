// Package exactint holds the checked int64 and 128-bit integer helpers of the kernel's
// fast paths (cert's pieces check, pwl's region enumeration), and the multi-word
// (128, 192, 256-bit) two's-complement arithmetic of cert's wide tiers, and arithmetic
// modulo the prime 2^61 − 1 with which cert's hyperplanes check screens exact questions
// (modp.go: a residue proves one answer only; the other is decided exactly), with the
// exact Bareiss rank of an integer matrix that certify/theorems uses for small data.
//
// Contract: every function is exact. A checked operation either returns the true integer
// result, which then lies in (−Safe, Safe), or reports false; nothing wraps silently. The
// 128-bit functions compute exactly in two's complement for the argument ranges stated
// on each. The multi-word functions (wide.go) compute exactly modulo 2^(64n); the caller
// proves that the true values lie in the n-word range. Standard library only, no floating point; the package is read as part of the
// trusted kernel.
package exactint
