//go:build goexperiment.simd && amd64

package cert

import "simd/archsimd"

// The int64 sums in AVX-512 lanes (built with GOEXPERIMENT=simd, run when the CPU has
// AVX-512 F, CD, BW, DQ and VL; the scalar loops otherwise, and they are the reference the
// lanes are tested against).
//
// Exactness: VPMULLQ and VPADDQ compute products and sums modulo 2^64, as Go's int64 *
// and + do. The plan (fast.go, wide.go) proves before any point is evaluated that every
// product and every partial sum of a layer, in any order, lies below 2^62 in absolute
// value, so no lane ever wraps and each lane's result is the integer the scalar loop
// computes: the same sums, accumulated in a different order, which integer addition
// does not see.

var simdOn = archsimd.X86.AVX512()

func sum64(pk []int64, l *intLayer, a, z []int64, nz [][]int32) {
	if !simdOn {
		sum64Scalar(pk, l, a, z, nz)
		return
	}
	in, out := l.in, l.out
	var buf [8]int64
	for b := 0; b*8 < out; b++ {
		blk := pk[b*in*8 : (b+1)*in*8]
		for p, ks := range nz {
			ap := a[p*in : (p+1)*in]
			var s0, s1 archsimd.Int64x8
			i := 0
			for ; i+1 < len(ks); i += 2 {
				k0, k1 := int(ks[i]), int(ks[i+1])
				v0 := archsimd.BroadcastInt64x2(ap[k0]).Broadcast1To8()
				v1 := archsimd.BroadcastInt64x2(ap[k1]).Broadcast1To8()
				s0 = s0.Add(v0.Mul(archsimd.LoadInt64x8((*[8]int64)(blk[k0*8:]))))
				s1 = s1.Add(v1.Mul(archsimd.LoadInt64x8((*[8]int64)(blk[k1*8:]))))
			}
			if i < len(ks) {
				k0 := int(ks[i])
				v0 := archsimd.BroadcastInt64x2(ap[k0]).Broadcast1To8()
				s0 = s0.Add(v0.Mul(archsimd.LoadInt64x8((*[8]int64)(blk[k0*8:]))))
			}
			s0.Add(s1).Store(&buf)
			zp := z[p*out : (p+1)*out]
			for t, s := range buf {
				if j := b*8 + t; j < out {
					zp[j] = l.b[j] + s
				}
			}
		}
	}
}

// sumLimb adds Σ_k w_jk·a_k to z_j (N words) at each point p from its int64 inputs, in
// the four int64 limb sums of limb.go, 8 units per lane vector.
func sumLimb(l *wideLayer, a []int64, z []uint64, nz [][]int32) {
	lp := l.limb
	in, out, N := l.in, l.out, l.words
	mask := int64(1)<<lp.s - 1
	one := make([]uint64, N)
	one[0] = 1
	var b0, b1, b2, b3 [8]int64
	for b := 0; b*8 < out; b++ {
		bl := lp.pkL[b*in*8 : (b+1)*in*8]
		bh := lp.pkH[b*in*8 : (b+1)*in*8]
		for p, ks := range nz {
			ap := a[p*in : (p+1)*in]
			var ll, lh, hl, hh archsimd.Int64x8
			for _, k := range ks {
				v := ap[k]
				al := archsimd.BroadcastInt64x2(v & mask).Broadcast1To8()
				ah := archsimd.BroadcastInt64x2(v >> lp.s).Broadcast1To8()
				wl := archsimd.LoadInt64x8((*[8]int64)(bl[int(k)*8:]))
				wh := archsimd.LoadInt64x8((*[8]int64)(bh[int(k)*8:]))
				ll = ll.Add(wl.Mul(al))
				lh = lh.Add(wl.Mul(ah))
				hl = hl.Add(wh.Mul(al))
				hh = hh.Add(wh.Mul(ah))
			}
			ll.Store(&b0)
			lh.Store(&b1)
			hl.Store(&b2)
			hh.Store(&b3)
			zp := z[p*out*N : (p+1)*out*N]
			for t := range 8 {
				if j := b*8 + t; j < out {
					lp.combine(zp[j*N:(j+1)*N], b0[t], b1[t], b2[t], b3[t], one)
				}
			}
		}
	}
}
