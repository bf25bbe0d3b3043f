package lowerbounds

import (
	"math/big"
	"os"
	"path/filepath"
	"testing"

	"certify/cert"
)

// TestWriteBranchFixtures writes the adaptive-form fixtures of testdata/certs (a valid
// proof for widths (1,1) on three alternating points, one leaf replaced by a "t" split, and
// its broken twins) into the folder CERTIFY_WRITE_FIXTURES names (the repository's
// testdata/certs); without it, it builds them and has the kernel check the valid one.
func TestWriteBranchFixtures(t *testing.T) {
	d, err := Dataset("alternating", 3, 0)
	if err != nil {
		t.Fatal(err)
	}
	arch := cert.Architecture{InputDim: 1, Hidden: []int{1, 1}, Activation: "relu"}
	proof, _, err := FarkasBranchProof(d, arch, BranchOptions{})
	if err != nil {
		t.Fatal(err)
	}
	fd, _ := cert.SortedData(d)
	// The first leaf below a "v" split becomes a "t" split at the middle of its interval.
	var tNode *cert.FarkasNode
	var walk func(nd *cert.FarkasNode, f *cert.FarkasFacts) bool
	walk = func(nd *cert.FarkasNode, f *cert.FarkasFacts) bool {
		if nd.Split == "" {
			if len(f.V) == 0 || f.Lo[0] == nil || f.Hi[0] == nil {
				return false
			}
			mid := new(big.Rat).Add(f.Lo[0], f.Hi[0])
			mid.Quo(mid, big.NewRat(2, 1))
			fa, err := f.ParseFact(cert.SplitT, "1 "+mid.RatString(), 0)
			if err != nil {
				t.Fatal(err)
			}
			*nd = cert.FarkasNode{Case: nd.Case, Split: cert.SplitT, On: "1 " + mid.RatString()}
			for c, lab := range cert.BranchLabels(cert.SplitT) {
				undo := f.Decide(fa, c)
				y := farkasVector(cert.BranchRows(fd, f))
				undo()
				if y == nil {
					t.Fatal("a half of a refuted case is feasible")
				}
				nd.Cases = append(nd.Cases, cert.FarkasNode{Case: lab, Farkas: y})
			}
			tNode = nd
			return true
		}
		fa, err := f.ParseFact(nd.Split, nd.On, 0)
		if err != nil {
			t.Fatal(err)
		}
		for c := range nd.Cases {
			undo := f.Decide(fa, c)
			done := walk(&nd.Cases[c], f)
			undo()
			if done {
				return true
			}
		}
		return false
	}
	found := false
	for i := range proof.Cases {
		for o := range proof.Cases[i].Cases {
			oc := &proof.Cases[i].Cases[o]
			f, _ := cert.NewFarkasFacts(fd, proof.Cases[i].Units, oc.Outputs)
			if !found && walk(oc, f) {
				found = true
			}
		}
	}
	if !found {
		t.Fatal("no leaf below a v split")
	}
	certOf := func(p *cert.FarkasNode, note string) *cert.Certificate {
		return &cert.Certificate{Format: cert.FormatV1, Provenance: cert.Provenance{Producer: "certify lowerbounds", Notes: note}, Data: d,
			Claims: []cert.Claim{cert.NoFitClaim{Arch: arch, Fit: "exact", Method: "farkas", Proof: p}}}
	}
	valid := certOf(proof, "adaptive form: outputs multisets, act/v/t splits")
	rep, err := cert.Check(valid, cert.Options{})
	if err != nil || rep.Status != cert.Verified {
		t.Fatalf("the valid fixture: %v %v %v", err, rep.Status, rep.First)
	}
	dir := os.Getenv("CERTIFY_WRITE_FIXTURES")
	if dir == "" {
		return
	}
	write := func(sub, name string, c *cert.Certificate, want string) {
		p := filepath.Join(dir, sub, name+".json")
		if err := WriteCert(p, c, ""); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, sub, name+".want"), []byte(want), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("valid", "nofit_farkas_adaptive", valid, "verified\n# widths (1,1) cannot fit three alternating points: first-layer cases, outputs multisets, then act, v and t splits chosen by the producer, exact Farkas leaves\n")
	first := &proof.Cases[0].Cases[0] // units +0, outputs "+": an act split
	twin := func(name, want string, edit func(p *cert.FarkasNode)) {
		cp := deepCopy(proof)
		edit(cp)
		write("invalid", name, certOf(cp, "broken twin of nofit_farkas_adaptive"), want)
	}
	twin("nofit_farkas_adaptive_wrong_coefficient", "refuted nofit-farkas\n# claims[0].proof.cases[0].cases[0].cases[0].cases[0].cases[0]: a Farkas coefficient changed, the combination keeps an unknown\n", func(p *cert.FarkasNode) {
		leaf := &p.Cases[0].Cases[0].Cases[0].Cases[0].Cases[0]
		leaf.Farkas[0] = "7"
	})
	twin("nofit_farkas_adaptive_missing_case", "refuted nofit-case-missing\n# claims[0].proof.cases[0].cases[0].cases: the act split lost its case \"-\"\n", func(p *cert.FarkasNode) {
		p.Cases[0].Cases[0].Cases = p.Cases[0].Cases[0].Cases[:1]
	})
	twin("nofit_farkas_adaptive_case_outside", "refuted nofit-case-outside\n# claims[0].proof.cases[0].cases[0].cases[0].on: a split on the activity at rank 1, already decided by its parent\n", func(p *cert.FarkasNode) {
		p.Cases[0].Cases[0].Cases[0].On = first.On
	})
	twin("nofit_farkas_adaptive_tau_outside", "refuted nofit-case-outside\n# the t split's τ moved to the end of its interval (not strictly inside): no cover\n", func(p *cert.FarkasNode) {
		nd := findT(p)
		nd.On = "1 " + findHi(tNode)
	})
	twin("nofit_farkas_adaptive_outputs_missing", "refuted nofit-case-missing\n# claims[0].proof.cases[0].cases[1]: the outputs case \"0\" left out\n", func(p *cert.FarkasNode) {
		p.Cases[0].Cases = append(p.Cases[0].Cases[:1], p.Cases[0].Cases[2:]...)
	})
}

func deepCopy(nd *cert.FarkasNode) *cert.FarkasNode {
	c := *nd
	c.Farkas = append([]string(nil), nd.Farkas...)
	if nd.Farkas == nil {
		c.Farkas = nil
	}
	c.Cases = nil
	for i := range nd.Cases {
		c.Cases = append(c.Cases, *deepCopy(&nd.Cases[i]))
	}
	return &c
}

func findT(nd *cert.FarkasNode) *cert.FarkasNode {
	if nd.Split == cert.SplitT {
		return nd
	}
	for i := range nd.Cases {
		if f := findT(&nd.Cases[i]); f != nil {
			return f
		}
	}
	return nil
}

// findHi is a τ at the upper end of the t split's interval: twice the middle minus... the
// interval's ends are data points; the middle of [x_p, x_p+1] plus 1/2 is x_p+1.
func findHi(nd *cert.FarkasNode) string {
	_, mid, _ := cut(nd.On)
	m, _ := new(big.Rat).SetString(mid)
	return m.Add(m, big.NewRat(1, 2)).RatString()
}

func cut(s string) (string, string, bool) {
	for i := 0; i < len(s); i++ {
		if s[i] == ' ' {
			return s[:i], s[i+1:], true
		}
	}
	return s, "", false
}
