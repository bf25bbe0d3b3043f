//go:build !(goexperiment.simd && amd64)

package cert

// Without GOEXPERIMENT=simd (or off amd64) the sums are the scalar loops (wide.go).

// simdOn reports whether the AVX-512 paths run (sum_simd.go).
var simdOn = false

func sum64(pk []int64, l *intLayer, a, z []int64, nz [][]int32) { sum64Scalar(pk, l, a, z, nz) }

// sumLimb is never called without the AVX-512 lanes (simdOn is false).
func sumLimb(l *wideLayer, a []int64, z []uint64, nz [][]int32) { panic("sumLimb without SIMD") }
