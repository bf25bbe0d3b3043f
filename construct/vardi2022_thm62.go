package construct

import (
	"fmt"

	"certify/cert"
)

// VardiBits builds the network of Vardi, Yehudai, Shamir 2022, Theorem 6.2 (bounded bit
// complexity):
//
//	In the setting of Theorem 3.1, for a bit budget B (up to Õ(√N)) there is a ReLU network
//	of width 12 whose weights have bit complexity Õ(B) and whose depth is Õ(N/B), so it has
//	Õ(N/B) parameters.
//
// With Theorem 6.1 (ReLU networks of P parameters of b bits each shatter at most O(P·b)
// points) this is tight up to logarithmic factors: the product of parameters and bits
// cannot go below about N.
//
// Bit complexity is the kernel's measure (cert.BitComplexity: bits of the numerator plus
// bits of the denominator of each weight and bias, maximised over the network; an integer
// w ≠ 0 counts bitlen|w| + 1), stated and recomputed in the certificate's sizes claim as
// max_bits. The construction guarantees max_bits ≤ bits or refuses, and states the budget
// in the sizes claim ("max_bits_at_most": bits), so the kernel checks it too.
//
// Construction. The paper partitions the data into subsets of about B² points, builds a
// Theorem 3.1 network for each (its packed words have about B bits) and concatenates them
// in depth, adding each one's output to a running sum; a point outside a subset matches no
// slot of that subset's network and adds 0. Here the concatenation is merged: one
// Theorem 3.1 network (see Vardi) whose groups have n points, n the largest group size
// whose network has max_bits ≤ bits (at most Theorem 3.1's depth-minimising size; more
// bits do not lower the depth further). The group words then have n·ρ bits (ρ the bits
// of a projected value), about n·max(ρ, c) + 3 for the whole network, and the depth is
// 3 + ⌈N/n⌉ + n·(max(ρ, c) + 2): the paper's concatenated network with its K bit-extraction
// stages of n·(max(ρ, c) + 2) layers each replaced by one, since every point selects
// exactly one group word whichever subset it is in. The depth is therefore at most that of
// the paper's concatenation.
//
// Size met (checked by the kernel's theorem claim "vardi2022-thm6.2", which takes B to be
// the network's own max_bits and computes λ = max(λ_R, ℓC) from the data as for Theorem
// 3.1): width ≤ 12, depth ≤ ⌈2N·(λ + 2)/(B − 3)⌉ + 2B + 8 and parameters ≤ 156 times that
// plus 12(d + 1) — Õ(N/B) parameters at bit complexity B.
//
// bits must allow one projected value per group (n = 1): about max(ρ, c) + 3 bits, more if
// the projection's own weights are longer (inputs with large numerators or denominators);
// below that the construction refuses, naming the least bit complexity it reaches.
func VardiBits(d *cert.Dataset, o DeepOptions, bits int) (*Result, error) {
	if bits <= 0 {
		return nil, fmt.Errorf("vardi: --bits must be positive, got %d", bits)
	}
	if o.MaxDepth > 0 || o.GroupSize > 0 {
		return nil, fmt.Errorf("vardi: --bits chooses the group size itself (Theorem 6.2); it cannot be combined with --max-depth or --group-size")
	}
	v, err := newVardiPrep(d, o)
	if err != nil {
		return nil, err
	}
	N := v.p.n()
	// The depth minimiser caps n; the estimate n·slot + 3 ≤ bits starts the search, and
	// the built network's own max_bits decides.
	nMax := vardiGroupSize(N, v.slot, 0)
	n := min(nMax, max(1, (bits-3)/v.slot))
	for ; n >= 1; n-- {
		r, err := v.build(d, o, n, fmt.Sprint(bits))
		if err != nil {
			return nil, err
		}
		if got := r.Summary.Sizes.MaxBits; got <= bits {
			// The budget itself, in the sizes claim: the kernel checks max_bits ≤ bits.
			for i, cl := range r.Cert.Claims {
				if sc, ok := cl.(cert.SizesClaim); ok {
					b := bits
					sc.MaxBitsAtMost = &b
					r.Cert.Claims[i] = sc
				}
			}
			r.Summary.Notes = append(r.Summary.Notes, fmt.Sprintf("bit budget %d: group size %d, max_bits %d (Theorem 3.1's depth-minimising group size is %d)", bits, n, got, nMax))
			return r, nil
		} else if n == 1 {
			return nil, fmt.Errorf("vardi: --bits %d is below the least bit complexity this construction reaches on the data (%d, one projected value of %d bits per group)", bits, got, v.rho)
		}
	}
	return nil, fmt.Errorf("vardi: no group size meets --bits %d", bits)
}
