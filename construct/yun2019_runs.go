package construct

import (
	"math"
)

// runDirections proposes, in floating point (an untrusted guide), directions w along which
// the remaining points R of class j lie close together while the other classes' points lie
// far from them: a block needs no hyperplane through affinely independent points, only a
// direction on which the class's values form a run of the sorted values of all points that
// holds no point of another class (trySlab finds the run exactly on the rounded integer w).
//
// With the data augmented by a constant 1 (z = (x, 1)), G_j = Σ_{R} z zᵀ and G_o the same
// sum over a sample O of the other classes' points (both exact in float64 for 8-bit
// images), the direction (w, b) maximising Σ_O (w·y + b)² / Σ_R (w·x + b)² is the top
// generalised eigenvector of (G_o, G_j); a few steps of inverse iteration
// v ← (G_j + μI)⁻¹ G_o v from a seeded random start approach it. A class of low rank (its
// affine span a proper subspace) has G_j singular: every step lands in (near) its null
// space, where all of R has w·x + b ≈ 0, and G_o weights the null directions by how far
// they move the other classes. The iterates after 1 and 2 steps for μ = 10⁻⁹ and 10⁻⁶
// times G_j's mean diagonal are returned, w only (b places the slab, which trySlab finds).
// nil when the elimination fails (no positive definite G_j + μI).
func runDirections(xs []int64, D int, R, O []int, seed *splitmix64) [][]float64 {
	m := D + 1
	gram := func(set []int) []float64 {
		g := make([]float64, m*m)
		z := make([]float64, m)
		nz := make([]int, 0, m)
		for _, k := range set {
			nz = nz[:0]
			for c, v := range xs[k*D : (k+1)*D] {
				z[c] = float64(v)
				if v != 0 {
					nz = append(nz, c)
				}
			}
			z[D] = 1
			nz = append(nz, D)
			for _, a := range nz {
				row := g[a*m:]
				za := z[a]
				for _, b := range nz {
					row[b] += za * z[b]
				}
			}
		}
		return g
	}
	gj, gO := gram(R), gram(O)
	tr := 0.0
	for a := 0; a < m; a++ {
		tr += gj[a*m+a]
	}
	tr /= float64(m)
	if tr == 0 {
		return nil
	}
	var out [][]float64
	// Fisher's discriminant: w = (Σ_j + Σ_o + μI)⁻¹ (m_o − m_j) with the classes'
	// covariances Σ and means m (from the same sums), which puts the class on one side
	// of the others when a linear separation of the two is near.
	if nj, no := gj[D*m+D], gO[D*m+D]; nj > 0 && no > 0 {
		cov := make([]float64, m*m)
		diff := make([]float64, m)
		for a := 0; a < D; a++ {
			ma, oa := gj[D*m+a]/nj, gO[D*m+a]/no
			diff[a] = oa - ma
			for b := 0; b < D; b++ {
				cov[a*m+b] = gj[a*m+b]/nj - ma*gj[D*m+b]/nj + gO[a*m+b]/no - oa*gO[D*m+b]/no
			}
		}
		cov[D*m+D] = 1 // the constant coordinate: unused
		ctr := 0.0
		for a := 0; a < D; a++ {
			ctr += cov[a*m+a]
		}
		ctr /= float64(D)
		for _, rel := range []float64{1e-4, 1e-2} {
			if ch := cholesky(cov, m, rel*ctr); ch != nil && ctr > 0 {
				u := append([]float64(nil), diff...)
				cholSolve(ch, m, u)
				mx := 0.0
				for _, x := range u[:D] {
					mx = math.Max(mx, math.Abs(x))
				}
				if mx > 0 && !math.IsNaN(mx) && !math.IsInf(mx, 0) {
					for c := range u {
						u[c] /= mx
					}
					out = append(out, u[:D])
				}
			}
		}
	}
	for _, rel := range []float64{1e-9, 1e-6} {
		mu := rel * tr
		ch := cholesky(gj, m, mu)
		if ch == nil {
			continue
		}
		v := make([]float64, m)
		for c := range v {
			v[c] = float64(int64(seed.next()>>11)-(1<<52)) / (1 << 52)
		}
		for step := 1; step <= 2; step++ {
			u := make([]float64, m)
			for a := 0; a < m; a++ {
				s := 0.0
				row := gO[a*m : (a+1)*m]
				for b, x := range row {
					s += x * v[b]
				}
				u[a] = s
			}
			cholSolve(ch, m, u)
			mx := 0.0
			for _, x := range u {
				mx = math.Max(mx, math.Abs(x))
			}
			if mx == 0 || math.IsNaN(mx) || math.IsInf(mx, 0) {
				break
			}
			for c := range u {
				u[c] /= mx
			}
			v = u
			out = append(out, append([]float64(nil), v[:D]...))
		}
	}
	return out
}

// cholesky factors G + μI = LLᵀ (G symmetric m×m, row-major), L in the lower triangle of
// the result; nil when a pivot is not positive.
func cholesky(g []float64, m int, mu float64) []float64 {
	l := make([]float64, m*m)
	for i := 0; i < m; i++ {
		li := l[i*m : i*m+i+1]
		for j := 0; j <= i; j++ {
			lj := l[j*m : j*m+j]
			s := g[i*m+j]
			if i == j {
				s += mu
			}
			for k, x := range lj {
				s -= li[k] * x
			}
			if i == j {
				if !(s > 0) {
					return nil
				}
				li[i] = math.Sqrt(s)
			} else {
				li[j] = s / l[j*m+j]
			}
		}
	}
	return l
}

// cholSolve solves LLᵀ x = b in place.
func cholSolve(l []float64, m int, b []float64) {
	for i := 0; i < m; i++ {
		s := b[i]
		for k := 0; k < i; k++ {
			s -= l[i*m+k] * b[k]
		}
		b[i] = s / l[i*m+i]
	}
	for i := m - 1; i >= 0; i-- {
		s := b[i]
		for k := i + 1; k < m; k++ {
			s -= l[k*m+i] * b[k]
		}
		b[i] = s / l[i*m+i]
	}
}
