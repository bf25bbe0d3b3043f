package construct

import (
	"strings"
	"testing"

	"certify/cert"
)

// Cor 4.2 with rounded normals and slabs (the mode of large groups, forced here on a
// Fashion-MNIST subset and on digits): builds, the kernel verifies it, every slab's units
// read its points only (exact one-hot outputs), and two builds are byte-identical.
func TestYunCor42Slabs(t *testing.T) {
	sets := []struct {
		name string
		d    func(t *testing.T) *cert.Dataset
	}{
		{"fashion400", func(t *testing.T) *cert.Dataset { return deepFashion(t, 400) }},
		{"digits300", func(t *testing.T) *cert.Dataset { return loadData(t, "digits.csv.gz", 300) }},
	}
	for _, s := range sets {
		for _, act := range []string{"relu", "hardtanh"} {
			t.Run(s.name+"/"+act, func(t *testing.T) {
				d := s.d(t)
				r, err := YunCor42(d, Options{Activation: act, PatternsBudget: -1, cor42Rounded: true})
				if err != nil {
					t.Fatal(err)
				}
				if r.Cert.Provenance.Params["normals"] != "rounded" {
					t.Fatalf("params %v: not the rounded mode", r.Cert.Provenance.Params)
				}
				rep, _ := gpCheck(t, r)
				tc := theoremOf(t, r)
				if r.Cert.Network.OutputDim() != d.Classes {
					t.Errorf("%d outputs for %d classes", r.Cert.Network.OutputDim(), d.Classes)
				}
				r2, err := YunCor42(d, Options{Activation: act, PatternsBudget: -1, cor42Rounded: true})
				if err != nil {
					t.Fatal(err)
				}
				a, b := encode(t, r.Cert), encode(t, r2.Cert)
				if string(a) != string(b) {
					t.Error("two builds differ")
				}
				t.Logf("%s %s: d1 = %d (promised %d), groups %s (%s single-value), max bits %d, engine %s, hypothesis %v",
					s.name, act, *tc.Built.HiddenUnits, *tc.Promised.HiddenUnits, r.Cert.Provenance.Params["groups"],
					r.Cert.Provenance.Params["single_value_slabs"], r.Summary.Sizes.MaxBits, rep.Engine, tc.HypothesisHolds)
			})
		}
	}
}

// Digits are not in general position (pixel 0 is 0 on every image): the rounded mode says
// so in its notes and refuses when general position is required.
func TestYunCor42SlabsGeneralPosition(t *testing.T) {
	d := loadData(t, "digits.csv.gz", 300)
	for _, rounded := range []bool{true, false} {
		r, err := YunCor42(d, Options{PatternsBudget: -1, cor42Rounded: rounded})
		if err != nil {
			t.Fatal(err)
		}
		if len(r.Summary.Notes) == 0 || !strings.Contains(r.Summary.Notes[0], "not in general position") {
			t.Errorf("rounded %v: notes %q do not say that the data are not in general position", rounded, r.Summary.Notes)
		}
		// The theorem claim, checked by the kernel, says the hypothesis fails: 300 digits
		// share pixel 0 = 0, more than d_x = 64 on one hyperplane.
		rep, _ := gpCheck(t, r)
		if tc := theoremOf(t, r); tc.HypothesisHolds || rep.Status != cert.Verified {
			t.Errorf("rounded %v: hypothesis_holds %v, status %v", rounded, tc.HypothesisHolds, rep.Status)
		}
		if _, err := YunCor42(d, Options{PatternsBudget: -1, cor42Rounded: rounded, RequireGeneralPosition: true}); err == nil {
			t.Errorf("rounded %v: general position required: built anyway", rounded)
		}
	}
}
