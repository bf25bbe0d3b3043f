package construct

import (
	"math/big"
	"path/filepath"
	"testing"

	"certify/cert"

	"pgregory.net/rapid"
)

// The hard-tanh ResNet of Thm 4.1 on random data in general position: 2 units a block,
// d_y in the output block, verified by the kernel after a round trip through JSON, and
// its theorem claim is the hard-tanh one.
func TestYunResNetHardTanhRandomProperty(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		d := drawWideRangeData(t)
		k := d.Classes
		r, err := YunResNet(d, Options{OutsideHypothesis: true, Activation: "hardtanh"})
		if err != nil {
			t.Fatal(err)
		}
		if rep := checkBytes(t, encode(t, r.Cert)); rep.Status != cert.Verified {
			t.Fatalf("%s: %v", rep.Status, rep.First)
		}
		s := r.Summary
		if s.Widths[len(s.Widths)-1] != k {
			t.Fatalf("output block has %d units, want d_y = %d", s.Widths[len(s.Widths)-1], k)
		}
		for _, w := range s.Widths[:len(s.Widths)-1] {
			if w != 2 {
				t.Fatalf("a block has %d units, want 2", w)
			}
		}
		if s.Theorem != "yun2019-thm4.1-hardtanh" {
			t.Fatalf("theorem %q", s.Theorem)
		}
	})
}

// Digits and iris subsets are not in general position: refused without
// --outside-hypothesis, built and verified with it (ReLU and hard-tanh), the claim
// saying that the hypothesis fails.
func TestYunResNetDigitsIris(t *testing.T) {
	for _, src := range []struct {
		name  string
		limit int
	}{{"digits.csv.gz", 200}, {"iris.csv", 0}} {
		d := loadData(t, src.name, src.limit)
		for _, act := range []string{"relu", "hardtanh"} {
			if _, err := YunResNet(d, Options{Activation: act}); err == nil {
				t.Fatalf("%s %s: built inside the hypothesis; the data are not in general position", src.name, act)
			}
			r, err := YunResNet(d, Options{Activation: act, OutsideHypothesis: true, PatternsBudget: -1})
			if err != nil {
				t.Fatal(err)
			}
			if rep := checkBytes(t, encode(t, r.Cert)); rep.Status != cert.Verified {
				t.Fatalf("%s %s: %s: %v", src.name, act, rep.Status, rep.First)
			}
			if r.Summary.HypothesisHolds {
				t.Fatalf("%s %s: the claim must say the data are outside the hypothesis", src.name, act)
			}
		}
	}
}

// TestYunResNetHardTanhFixtures keeps the hard-tanh ResNet on 40 points in general
// position in Q^3 and two broken twins in testdata/certs (the kernel's fixture test checks
// them against their .want files); the valid one must be byte-identical to a fresh build,
// and CERTIFY_UPDATE=1 rewrites them.
func TestYunResNetHardTanhFixtures(t *testing.T) {
	gp := deepLoadCSV(t, "general_position_3d.csv", 0, 0)
	plane := deepLoadCSV(t, "plane_3d.csv", 0, 0)
	root := filepath.Join("..", "testdata", "certs")
	for _, fx := range []struct {
		name    string
		breakIt func(c *cert.Certificate) string
		want    string
		valid   string        // the valid fixture's name
		d       *cert.Dataset // its data
		act     string
	}{
		{"theorem_yun_resnet_hardtanh_push", func(c *cert.Certificate) string {
			l := &c.Network.Layers[1] // the first block's residual layer
			for j := range l.W {
				if l.W[j][0].Sign() != 0 {
					l.W[j][0], l.W[j][1] = new(big.Rat), new(big.Rat)
					return "the first block's push weights V, −V set to 0: its points are not lifted"
				}
			}
			panic("no push weight")
		}, "refuted output-mismatch", "theorem_yun_resnet_hardtanh", gp, "hardtanh"},
		{"theorem_yun_resnet_hardtanh_relu_theorem", func(c *cert.Certificate) string {
			for i, cl := range c.Claims {
				if tc, ok := cl.(cert.TheoremClaim); ok {
					tc.Theorem = "yun2019-thm4.1-relu"
					c.Claims[i] = tc
					return "the theorem claim names the ReLU Thm 4.1 for the hard-tanh network"
				}
			}
			panic("no theorem claim")
		}, "refuted claim-shape", "theorem_yun_resnet_hardtanh", gp, "hardtanh"},
		{"theorem_yun_resnet_hull_dimension", func(c *cert.Certificate) string {
			for i, cl := range c.Claims {
				if tc, ok := cl.(cert.TheoremClaim); ok {
					h := &tc.Hypothesis[0] // d' = the hull's dimension
					h.LHS, h.RHS = big.NewRat(3, 1), big.NewRat(3, 1)
					c.Claims[i] = tc
					return "the theorem claim states the hull's dimension d' as 3 (the data's is 2)"
				}
			}
			panic("no theorem claim")
		}, "refuted theorem-hypothesis", "theorem_yun_resnet_hull", plane, "relu"},
	} {
		t.Run(fx.name, func(t *testing.T) {
			r, err := YunResNet(fx.d, Options{Activation: fx.act})
			if err != nil {
				t.Fatal(err)
			}
			good := deepEncode(t, r)
			validPath := filepath.Join(root, "valid", fx.valid+".json")
			why := fx.breakIt(r.Cert)
			bad := deepEncode(t, r)
			badPath := filepath.Join(root, "invalid", fx.name+".json")
			fixturePair(t, validPath, good, badPath, bad, r.Summary.TheoremName+", built by construct.YunResNet --activation "+fx.act+
				"; regenerate with CERTIFY_UPDATE=1 go test ./construct -run TestYunResNetHardTanhFixtures", fx.want, why)
		})
	}
}

// Points on a plane in R³ (tilted, and one with a constant coordinate) are not in general
// position in R³ but are in the plane: the theorem is applied in the affine hull (d' = 2),
// the hypothesis holds there, and the network is verified (ReLU and hard-tanh).
func TestYunResNetAffineHull(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		k := rapid.IntRange(2, 2).Draw(t, "classes")
		n := rapid.IntRange(k+2, 30).Draw(t, "n")
		tilted := rapid.Bool().Draw(t, "tilted")
		var xs [][]*big.Rat
		labels := make([]int, n)
		for i := 0; i < n; i++ {
			a := rapid.Int64Range(-1_000_000, 1_000_000).Draw(t, "a")
			b := rapid.Int64Range(-1_000_000, 1_000_000).Draw(t, "b")
			z := int64(7)
			if tilted {
				z = 2*a - 3*b + 5
			}
			xs = append(xs, []*big.Rat{big.NewRat(a, 1), big.NewRat(b, 1), big.NewRat(z, 1)})
			labels[i] = i % k
		}
		d, err := cert.NewDataset(xs, labels, nil, k)
		if err != nil {
			t.Skip("duplicate point drawn")
		}
		for _, act := range []string{"relu", "hardtanh"} {
			r, err := YunResNet(d, Options{Activation: act, OutsideHypothesis: true})
			if err != nil {
				t.Fatal(err)
			}
			if rep := checkBytes(t, encode(t, r.Cert)); rep.Status != cert.Verified {
				t.Fatalf("%s: %s: %v", act, rep.Status, rep.First)
			}
			want := map[string]string{"relu": "yun2019-thm4.1-relu-hull", "hardtanh": "yun2019-thm4.1-hardtanh-hull"}[act]
			if r.Summary.Theorem != want {
				t.Fatalf("theorem %q, want %q", r.Summary.Theorem, want)
			}
			if r.Summary.BlockCapacity != 2 {
				t.Fatalf("groups of %d points, want d' = 2", r.Summary.BlockCapacity)
			}
		}
	})
}
