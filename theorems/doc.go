// Package theorems is the table of the published theorems a certificate's theorem claim
// may name: for each id, the architecture the theorem speaks of, its hypothesis as
// comparisons between numbers computed from the instance (and, for some, the data), and
// the size it promises. The kernel (package cert) compares the numbers a claim states
// with Table's (cert.Options.Theorems) and checks every truth value itself; this package
// is not part of the kernel's core, but a theorem claim's verdict rests on it, so it is
// read with the kernel when such a claim is checked. It also builds the claims for
// producers (NewClaim).
//
// It imports the kernel and the standard library only and uses no floating point.
//
// # Theorems
//
//	zhang2017-thm1            Zhang et al. 2017, Thm 1: a 2-layer ReLU net with N hidden
//	                          units fits N distinct points. Hypothesis d1 ≥ N.
//	                          Promise: depth 2, N hidden units.
//	yun2019-thm3.1-relu       Yun, Sra, Jadbabaie 2019, Thm 3.1 (ReLU): 3 layers, hypothesis
//	                          4⌊d1/4⌋⌊d2/(4d_y)⌋ ≥ N. Promise: depth 3 and the least
//	                          d1 + d2 satisfying the hypothesis.
//	yun2019-thm3.1-hardtanh   the same for hard-tanh: 4⌊d1/2⌋⌊d2/(2d_y)⌋ ≥ N.
//	yun2019-prop3.2-relu      Prop 3.2: 4 layers, one-hot classification (d_y = classes =
//	                          outputs), hypothesis 4⌊d1/4⌋⌊d2/4⌋ ≥ N and d3 ≥ 4d_y. Promise:
//	                          depth 4, least d1 + d2 satisfying the first part, plus 4d_y.
//	yun2019-cor4.2-relu       Cor 4.2 (Baum 1988, Bubeck et al. 2020): 2 layers, hypothesis
//	                          d1 ≥ 4N/d_x + 4d_y (compared as d_x·d1 ≥ 4N + 4d_y·d_x).
//	                          Promise: depth 2, ⌈4N/d_x⌉ + 4d_y hidden units. Of general
//	                          position (a property of all (d_x+1)-subsets) the hypothesis
//	                          evaluates what refutes it cheaply: at most d_x points on any
//	                          hyperplane x_k = c; the hyperplanes a construction uses are
//	                          checked by a "hyperplanes" claim.
//	yun2019-cor4.2-hardtanh   the same for hard-tanh: d1 ≥ 2N/d_x + 2d_y (d_x·d1 ≥ 2N +
//	                          2d_y·d_x). Promise: depth 2, ⌈2N/d_x⌉ + 2d_y hidden units.
//	yun2019-prop3.4-hardtanh  Prop 3.4: L ≥ 3 layers, a chain of blocks l_1 < … < l_m with
//	                          4Σ_j⌊(d_{l_j} − r_j)/2⌋⌊(d_{l_j+1} − r_j)/(2d_y)⌋ ≥ N and the
//	                          carrying layers' widths (yun2019.go). Promise: the architecture.
//	yun2019-prop3.4-relu      the same with every width halved (a hard-tanh unit is two ReLUs).
//	yun2019-prop3.4-classify-hardtanh, yun2019-prop3.4-classify-relu
//	                          the classification variant (one more layer; our reading of
//	                          the paper's Appendix A, which we do not have): one-hot outputs,
//	                          Prop 3.4's conditions for d_y = 1 on the first L − 2 hidden
//	                          layers and d_{L−1} ≥ 2d_y (ReLU: ⌊d_{L−1}/2⌋ ≥ 2d_y).
//	yun2019-thm4.1-relu, yun2019-thm4.1-hardtanh
//	                          Thm 4.1 (ResNets): residual blocks of σ units (ReLU or
//	                          hard-tanh), Σ_{l<L} d_l ≥ 4N/d_x + 4d_y and d_L ≥ 2d_y
//	                          (hard-tanh 2N/d_x + 2d_y, d_L ≥ d_y); promise ⌈4N/d_x⌉ + 4d_y +
//	                          2d_y hidden units (hard-tanh ⌈2N/d_x⌉ + 2d_y + d_y); general
//	                          position checked on the planes x_k = c and the affine rank.
//	yun2019-thm4.1-relu-hull, yun2019-thm4.1-hardtanh-hull
//	                          Thm 4.1 applied in the data's affine hull of dimension d' < d_x
//	                          (d' stated exactly: rank mod 2^61−1 against d_x − constant
//	                          coordinates or an exact rank over Q for small data), d' in
//	                          place of d_x in the counts, general position on the planes
//	                          x_k = c of the non-constant coordinates.
//	telgarsky2015-sawtooth    Telgarsky 2015: the 2^L points i/2^L, i = 0..2^L−1, labelled
//	                          i mod 2, are classified exactly by a ReLU net of 2 units in
//	                          each of 2L layers. Hypothesis: N = 2^L and every point is
//	                          some i/2^L labelled i mod 2, each i once (the count of such
//	                          points equals N), L the number of hidden layers. Promise:
//	                          depth 2L + 1, 4L hidden units.
//	vardi2022-thm3.1, vardi2022-thm5.1, vardi2022-thm6.2, park2021-thm1, park2021-thm2
//	                          the deep, sublinear-parameter constructions: Vardi, Yehudai,
//	                          Shamir 2022 and Park, Lee, Yun, Shin 2021 (deep.go).
//
// # Wiring
//
// Table is passed explicitly: certify check and the construction commands set
// cert.Options{Theorems: theorems.Table}. Nothing registers itself; an id the table does not
// have is malformed input for Check.
package theorems
