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
		// At N = 4 the zigzag argument (4 leaves) comes before the Farkas split.
		if m := c.Claims[0].(cert.NoFitClaim).Method; n == 4 && m != "zigzag" {
			t.Errorf("N = %d: method %s", n, m)
		}
	}
}

// TestFarkasTwoLayers: (2,1) cannot fit four alternating points, by a kernel-checked
// Farkas tree; (1,1) at N = 2 fits, so no tree exists.
func TestFarkasTwoLayers(t *testing.T) {
	for _, tc := range []struct {
		widths []int
		n      int
		proof  bool
	}{{[]int{2, 1}, 4, true}, {[]int{1, 1}, 2, false}} {
		arch := cert.Architecture{InputDim: 1, Hidden: tc.widths, Activation: "relu"}
		d, err := Dataset(FamilyAlternating, tc.n, 0)
		if err != nil {
			t.Fatal(err)
		}
		p, err := FarkasProof(d, arch)
		if (err == nil) != tc.proof {
			t.Fatalf("%v N = %d: %v", tc.widths, tc.n, err)
		}
		if !tc.proof {
			continue
		}
		c := &cert.Certificate{Format: cert.FormatV1, Data: d, Claims: []cert.Claim{cert.NoFitClaim{Arch: arch, Fit: "exact", Method: "farkas", Proof: p}}}
		rep, err := cert.Check(c, cert.Options{})
		if err != nil || rep.Status != cert.Verified {
			t.Fatalf("%v N = %d: %v %v %v", tc.widths, tc.n, err, rep.Status, rep.First)
		}
	}
}
