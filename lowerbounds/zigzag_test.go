package lowerbounds

import (
	"math/big"
	"strings"
	"testing"

	"certify/cert"
)

// TestZigzagClaim: the zigzag argument decides (1,1,2), (1,2,1), (2,1,1) and (2) at four
// alternating points (4 leaves), (1,3,1) at six (no case: 5 pieces, 4 slopes), and not
// (1,3,1) at five, where a width-3 core can rise, fall, rise and fall.
func TestZigzagClaim(t *testing.T) {
	for _, tc := range []struct {
		widths []int
		n      int
		leaves int // -1: no proof
	}{
		{[]int{1, 1, 2}, 4, 4}, {[]int{1, 2, 1}, 4, 4}, {[]int{2, 1, 1}, 4, 4}, {[]int{2}, 4, 4},
		{[]int{1, 3, 1}, 6, 0}, {[]int{1, 1, 3}, 6, 0}, {[]int{1, 3}, 6, 0}, {[]int{3, 1}, 6, 0}, {[]int{1, 3, 1}, 5, -1}, {[]int{2}, 3, -1},
	} {
		arch := cert.Architecture{InputDim: 1, Hidden: tc.widths, Activation: "relu"}
		d, err := Dataset(FamilyAlternating, tc.n, 0)
		if err != nil {
			t.Fatal(err)
		}
		cl, err := ZigzagClaim(d, arch)
		if tc.leaves < 0 {
			if err == nil || !strings.Contains(err.Error(), "feasible") {
				t.Fatalf("%v N = %d: want a feasible case, got %v", tc.widths, tc.n, err)
			}
			continue
		}
		if err != nil {
			t.Fatalf("%v N = %d: %v", tc.widths, tc.n, err)
		}
		if len(cl.Leaves) != tc.leaves {
			t.Fatalf("%v N = %d: %d leaves, want %d", tc.widths, tc.n, len(cl.Leaves), tc.leaves)
		}
		c := &cert.Certificate{Format: cert.FormatV1, Data: d, Claims: []cert.Claim{cl}}
		rep, err := cert.Check(c, cert.Options{})
		if err != nil || rep.Status != cert.Verified {
			t.Fatalf("%v N = %d: %v %v %v", tc.widths, tc.n, err, rep.Status, rep.First)
		}
		ic, err := Impossibility(d, arch, "test")
		if err != nil {
			t.Fatalf("%v N = %d: Impossibility: %v", tc.widths, tc.n, err)
		}
		if m := ic.Claims[0].(cert.NoFitClaim).Method; m != "zigzag" && m != "pieces" {
			t.Fatalf("%v N = %d: Impossibility by %s", tc.widths, tc.n, m)
		}
	}
}

// TestZigzagWrongDerivationCaught: Farkas vectors found for rows that forget the slope
// −Σ_{class −} δ_j at the far left (S_0 = 0 for every class) are refused by the kernel,
// which derives the rows itself.
func TestZigzagWrongDerivationCaught(t *testing.T) {
	d, err := Dataset(FamilyAlternating, 4, 0)
	if err != nil {
		t.Fatal(err)
	}
	arch := cert.Architecture{InputDim: 1, Hidden: []int{1, 2, 1}, Activation: "relu"}
	cl, err := ZigzagClaim(d, arch)
	if err != nil {
		t.Fatal(err)
	}
	for i := range cl.Leaves {
		y := farkasVector(wrongZigzagRows(cl.Leaves[i].Classes, cl.Leaves[i].Slopes))
		if y == nil {
			t.Fatalf("the wrong rows of case %d have no Farkas vector", i)
		}
		cl.Leaves[i].Farkas = y
	}
	c := &cert.Certificate{Format: cert.FormatV1, Data: d, Claims: []cert.Claim{cl}}
	rep, err := cert.Check(c, cert.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Status != cert.Refuted || rep.First == nil || rep.First.Code != cert.CodeNoFitFarkas {
		t.Fatalf("a wrong derivation passed: %v %v", rep.Status, rep.First)
	}
	if rep.First.Path != "claims[0].leaves[0].farkas" {
		t.Fatalf("refused at %s, want the first leaf (classes --, whose S_0 is −δ_0 − δ_1)", rep.First.Path)
	}
}

// wrongZigzagRows are the kernel's rows of a case with the far-left slope's −Σ_{class −} δ_j
// forgotten (S_k = Σ_{j<k} δ_j): a wrong derivation, for the test that the kernel catches it.
func wrongZigzagRows(classes string, slopes []int) []cert.FarkasRow {
	rows := cert.ZigzagRows(classes, slopes)
	for m := range rows {
		for j, c := range rows[m].Coef {
			if classes[j] == '-' {
				sign := int64(1)
				if m%2 == 1 {
					sign = -1
				}
				rows[m].Coef[j] = new(big.Rat).Add(c, big.NewRat(sign, 1))
			}
		}
	}
	return rows
}
