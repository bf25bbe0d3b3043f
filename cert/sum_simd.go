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
	var buf [4][8]int64
	nb := (out + 7) / 8
	for b := 0; b < nb; {
		if b+4 > nb { // one block of 8 units
			blk := pk[b*in*8 : (b+1)*in*8]
			for p, ks := range nz {
				ap := a[p*in : (p+1)*in]
				var s0 archsimd.Int64x8
				for _, k := range ks {
					v := archsimd.BroadcastInt64x2(ap[k]).Broadcast1To8()
					s0 = s0.Add(v.Mul(archsimd.LoadInt64x8((*[8]int64)(blk[int(k)*8:]))))
				}
				s0.Store(&buf[0])
				store64(z[p*out:(p+1)*out], l.b, b, buf[:1])
			}
			b++
			continue
		}
		// four blocks of 8 units: one broadcast for 32 products
		b0 := pk[b*in*8 : (b+1)*in*8]
		b1 := pk[(b+1)*in*8 : (b+2)*in*8]
		b2 := pk[(b+2)*in*8 : (b+3)*in*8]
		b3 := pk[(b+3)*in*8 : (b+4)*in*8]
		for p, ks := range nz {
			ap := a[p*in : (p+1)*in]
			var s0, s1, s2, s3 archsimd.Int64x8
			for _, k := range ks {
				v := archsimd.BroadcastInt64x2(ap[k]).Broadcast1To8()
				o := int(k) * 8
				s0 = s0.Add(v.Mul(archsimd.LoadInt64x8((*[8]int64)(b0[o:]))))
				s1 = s1.Add(v.Mul(archsimd.LoadInt64x8((*[8]int64)(b1[o:]))))
				s2 = s2.Add(v.Mul(archsimd.LoadInt64x8((*[8]int64)(b2[o:]))))
				s3 = s3.Add(v.Mul(archsimd.LoadInt64x8((*[8]int64)(b3[o:]))))
			}
			s0.Store(&buf[0])
			s1.Store(&buf[1])
			s2.Store(&buf[2])
			s3.Store(&buf[3])
			store64(z[p*out:(p+1)*out], l.b, b, buf[:])
		}
		b += 4
	}
}

// store64 sets zp_j = b_j + s for the sums s of blocks b, b+1, … (8 units each).
func store64(zp, bias []int64, b int, bufs [][8]int64) {
	for i, buf := range bufs {
		for t, s := range buf {
			if j := (b+i)*8 + t; j < len(zp) {
				zp[j] = bias[j] + s
			}
		}
	}
}

// sumLimb adds Σ_k w_jk·a_k to z_j (N words) at each point p from its int64 inputs, in
// the four int64 limb sums of limb.go, 8 units per lane vector, 16 per pass.
func sumLimb(l *wideLayer, a []int64, z []uint64, nz [][]int32) {
	lp := l.limb
	in, out, N := l.in, l.out, l.words
	mask := int64(1)<<lp.s - 1
	one := make([]uint64, N)
	one[0] = 1
	var buf [8][8]int64
	nb := (out + 7) / 8
	for b := 0; b < nb; b += 2 {
		two := b+2 <= nb
		bl0, bh0 := lp.pkL[b*in*8:(b+1)*in*8], lp.pkH[b*in*8:(b+1)*in*8]
		bl1, bh1 := bl0, bh0 // the second block, when there is one
		if two {
			bl1, bh1 = lp.pkL[(b+1)*in*8:(b+2)*in*8], lp.pkH[(b+1)*in*8:(b+2)*in*8]
		}
		for p, ks := range nz {
			ap := a[p*in : (p+1)*in]
			var ll0, lh0, hl0, hh0, ll1, lh1, hl1, hh1 archsimd.Int64x8
			for _, k := range ks {
				v := ap[k]
				al := archsimd.BroadcastInt64x2(v & mask).Broadcast1To8()
				ah := archsimd.BroadcastInt64x2(v >> lp.s).Broadcast1To8()
				o := int(k) * 8
				wl := archsimd.LoadInt64x8((*[8]int64)(bl0[o:]))
				wh := archsimd.LoadInt64x8((*[8]int64)(bh0[o:]))
				ll0 = ll0.Add(wl.Mul(al))
				lh0 = lh0.Add(wl.Mul(ah))
				hl0 = hl0.Add(wh.Mul(al))
				hh0 = hh0.Add(wh.Mul(ah))
				wl = archsimd.LoadInt64x8((*[8]int64)(bl1[o:]))
				wh = archsimd.LoadInt64x8((*[8]int64)(bh1[o:]))
				ll1 = ll1.Add(wl.Mul(al))
				lh1 = lh1.Add(wl.Mul(ah))
				hl1 = hl1.Add(wh.Mul(al))
				hh1 = hh1.Add(wh.Mul(ah))
			}
			ll0.Store(&buf[0])
			lh0.Store(&buf[1])
			hl0.Store(&buf[2])
			hh0.Store(&buf[3])
			ll1.Store(&buf[4])
			lh1.Store(&buf[5])
			hl1.Store(&buf[6])
			hh1.Store(&buf[7])
			zp := z[p*out*N : (p+1)*out*N]
			for i := range 2 {
				if i == 1 && !two {
					break
				}
				for t := range 8 {
					if j := (b+i)*8 + t; j < out {
						lp.combine(zp[j*N:(j+1)*N], buf[4*i][t], buf[4*i+1][t], buf[4*i+2][t], buf[4*i+3][t], one)
					}
				}
			}
		}
	}
}
