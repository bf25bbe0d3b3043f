package lowerbounds

import (
	"fmt"

	"certify/cert"
)

// ZigzagClaim builds a no-fit claim of method "zigzag" (see cert/nofit.go): the
// architecture has one input, relu, and every hidden layer of width 1 but one, the core,
// of width d ≤ cert.ZigzagMaxCore. For each case of the kernel's enumeration it derives the
// case's rows (−1)^m·S_{k_m}(δ) ≥ 1 as the kernel does (cert.ZigzagRows) and finds a
// Farkas vector with the exact simplex of the Farkas split (farkasVector). It returns an
// error naming the first case with none.
// Nothing here is trusted: the kernel re-derives the rows and checks every vector.
func ZigzagClaim(d *cert.Dataset, arch cert.Architecture) (cert.NoFitClaim, error) {
	if arch.InputDim == 0 {
		arch.InputDim = 1
	}
	if arch.InputDim != 1 || d.D != 1 || arch.Activation != "relu" || arch.OutputDim > 1 {
		return cert.NoFitClaim{}, fmt.Errorf("zigzag: needs one input, one output and relu")
	}
	core, second := cert.ZigzagCore(arch.Hidden)
	if core < 0 || second >= 0 {
		return cert.NoFitClaim{}, fmt.Errorf("zigzag: needs exactly one hidden layer of width ≥ 2")
	}
	w := arch.Hidden[core]
	if w > cert.ZigzagMaxCore {
		return cert.NoFitClaim{}, fmt.Errorf("zigzag: a core of %d units (at most %d)", w, cert.ZigzagMaxCore)
	}
	fit, thr := fitOf(d)
	forced, err := cert.ForcedPieces(d, thr)
	if err != nil {
		return cert.NoFitClaim{}, err
	}
	cases := cert.ZigzagCases(w, forced)
	for i := range cases {
		y := farkasVector(cert.ZigzagRows(cases[i].Classes, cases[i].Slopes))
		if y == nil {
			return cert.NoFitClaim{}, fmt.Errorf("zigzag: case classes %s, slopes %v is feasible: the core's slopes can alternate %d times", cases[i].Classes, cases[i].Slopes, forced)
		}
		cases[i].Farkas = y
	}
	if cases == nil {
		cases = []cert.ZigzagLeaf{}
	}
	return cert.NoFitClaim{Arch: arch, Fit: fit, Threshold: thr, Method: "zigzag", ForcedPieces: &forced, Core: &core, Leaves: cases}, nil
}
