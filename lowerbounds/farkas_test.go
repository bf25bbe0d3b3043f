package lowerbounds

import (
	"testing"

	"certify/cert"
)

// TestFarkasWidth2 builds and has the kernel check the Farkas proof that two relu units
// cannot fit four alternating points, and finds no proof where a network fits (N = 3).
func TestFarkasWidth2(t *testing.T) {
	arch := cert.Architecture{InputDim: 1, Hidden: []int{2}, Activation: "relu"}
	for n, wantProof := range map[int]bool{3: false, 4: true, 5: true} {
		d, err := Dataset(FamilyAlternating, n, 0)
		if err != nil {
			t.Fatal(err)
		}
		_, err = FarkasProof(d, arch)
		if (err == nil) != wantProof {
			t.Errorf("N = %d: FarkasProof error %v", n, err)
		}
		if !wantProof {
			continue
		}
		c, err := Impossibility(d, arch, "test")
		if err != nil {
			t.Fatalf("N = %d: %v", n, err)
		}
		if m := c.Claims[0].(cert.NoFitClaim).Method; n == 4 && m != "farkas" {
			t.Errorf("N = %d: method %s", n, m)
		}
	}
}
