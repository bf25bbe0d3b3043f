// Package construct builds networks by the published memorisation constructions and
// emits them as certificates for the kernel (package cert) to check.
//
// # Contract
//
// The package is an untrusted producer. Everything it emits is checked by the kernel
// (cert.Check): a bug here can only make a certificate be refuted, never make a false
// claim verified. Constructions nonetheless aim to be right first time, and the tests
// check every certificate they build.
//
// Each construction lives in its own file named after its paper and theorem, whose doc
// comment states the theorem and the size bound the construction meets:
//
//	zhang2017_thm1.go          Zhang et al. 2017, Thm 1         2 layers, N hidden units
//	yun2019_thm31.go           Yun, Sra, Jadbabaie 2019, Thm 3.1 3 layers, d1·d2 ≈ 4N
//	yun2019_prop32.go          Yun et al. 2019, Prop 3.2         4 layers, one-hot classes
//	baum1988_bubeck2020.go     Baum 1988, Bubeck et al. 2020,   2 layers, ≈ 4N/d_x units
//	                           Yun et al. 2019 Cor 4.2
//	yun2019_cor42.go           Yun et al. 2019, Cor 4.2          2 layers, one-hot, exactly
//	                           ⌈4N/d_x⌉ + 4d_y ReLU (⌈2N/d_x⌉ + 2d_y hard-tanh)
//	yun2019_prop34.go          Yun et al. 2019, Prop 3.4         deep and narrow: Thm 3.1
//	                           blocks on a chain of layer pairs, hard-tanh or ReLU (×2);
//	                           YunDeepClassify adds a one-hot layer
//	telgarsky2015_sawtooth.go  Telgarsky 2015                   the sawtooth m^(L)
//	zigzag.go                  beyond the paper: ≈ d1·d2/2 points with the widths of Thm 3.1
//
// Shared pieces are in project.go (the projection), blocks.go (the three-layer block
// skeleton) and certificate.go (options, summary, the certificate's common claims).
//
// Every function takes a *cert.Dataset and options and returns a *Result: the certificate
// (provenance filled: producer, construction, theorem, reference, parameters) and a
// Summary of what was built. Every certificate carries a sizes claim and a theorem claim
// (kind "theorem", built by theorems.NewClaim and checked by the kernel with the theorem
// table: the hypothesis's comparisons on this instance, promised and built sizes), plus the memorisation claims that fit the task (exact; argmax for
// one-hot outputs; threshold for 0/1 labels) and, for small datasets, a patterns claim
// with distinct=true where the construction gives each point its own activation pattern.
//
// # Exactness and determinism
//
// No floating point is used anywhere: weights are math/big rationals, chosen so that
// their bit complexity stays bounded by that of the data (small integer projection
// vectors, breakpoints at data points or one unit beside them, output weights that are
// label differences or differences of neighbouring slopes). The same inputs give a
// byte-identical certificate: no map iteration order, no clock, and the only
// pseudo-random choice (the projection vector) comes from a fixed-seed generator
// implemented here (splitmix64), so it does not depend on the Go release.
//
// Inputs are the distinct points of the dataset: a later copy of an input (the kernel
// lists it in Dataset.Duplicates, with the same label) is fitted by the network because
// its first copy is. Datasets with identical inputs and different labels never reach this
// package: cert.NewDataset and cert.LoadRef refuse them with a *cert.ConflictError.
package construct
