package theorems

import (
	"testing"

	"certify/cert"
)

// The figures Yun, Sra and Jadbabaie quote after Thm 4.1 come out of the table's promise:
// CIFAR-10 (N = 50 000, d_x = 3072, d_y = 10) needs 126 ReLUs in a ResNet (⌈4N/d_x⌉ + 4d_y
// = 106 in the blocks before the output, 2d_y = 20 in it), and Fashion-MNIST (N = 60 000,
// d_x = 784) 347 + 20.
func TestYunResNetQuotedFigures(t *testing.T) {
	for _, tc := range []struct {
		n, dx, dy, want int
	}{{50000, 3072, 10, 126}, {60000, 784, 10, 367}} {
		pr := yunResNet().promise(cert.TheoremInstance{N: tc.n, DX: tc.dx, DY: tc.dy})
		if *pr.HiddenUnits != tc.want {
			t.Errorf("N = %d, d_x = %d: promised %d hidden units, want %d", tc.n, tc.dx, *pr.HiddenUnits, tc.want)
		}
	}
}

// Modular arithmetic of the affine rank: 2^61 − 1 is the modulus, inverses invert.
func TestModP(t *testing.T) {
	for _, a := range []uint64{1, 2, 3, 12345, modP - 1, 1 << 60} {
		if got := modMul(a, modInv(a)); got != 1 {
			t.Errorf("%d·%d⁻¹ = %d", a, a, got)
		}
	}
	if got := modMul(modP-1, modP-1); got != 1 { // (−1)² = 1
		t.Errorf("(p−1)² = %d", got)
	}
}
