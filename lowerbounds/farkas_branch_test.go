package lowerbounds

import (
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"certify/cert"
)

// TestFarkasBranchSmall builds adaptive proofs for small no-fits and has the kernel check them.
func TestFarkasBranchSmall(t *testing.T) {
	for _, tc := range []struct {
		hidden []int
		n      int
	}{{[]int{1, 1}, 3}, {[]int{2, 1}, 4}, {[]int{1, 2}, 4}} {
		branchCase(t, tc.hidden, tc.n)
	}
}

// TestFarkasBranchRun runs one adaptive search named by CERTIFY_BRANCH ("2-2:7").
func TestFarkasBranchRun(t *testing.T) {
	spec := os.Getenv("CERTIFY_BRANCH")
	if spec == "" {
		t.Skip("CERTIFY_BRANCH not set")
	}
	w, ns, _ := strings.Cut(spec, ":")
	var hidden []int
	for _, s := range strings.Split(w, "-") {
		m, _ := strconv.Atoi(s)
		hidden = append(hidden, m)
	}
	n, _ := strconv.Atoi(ns)
	if os.Getenv("CERTIFY_BRANCH_SURVEY") != "" {
		d, _ := Dataset("alternating", n, 0)
		arch := cert.Architecture{InputDim: 1, Hidden: hidden, Activation: "relu"}
		_, st, err := FarkasBranchProof(d, arch, BranchOptions{Survey: true, CaseNodes: 20000, Progress: func(i, tot, nodes int) {
			t.Logf("%d/%d first-layer cases, %d nodes", i, tot, nodes)
		}})
		t.Logf("%d nodes, %d leaves, err %v, %d open:", st.Nodes, st.Leaves, err, len(st.Open))
		for _, o := range st.Open {
			t.Log(o)
		}
		return
	}
	branchCase(t, hidden, n)
}

func branchCase(t *testing.T, hidden []int, n int) {
	t.Helper()
	d, err := Dataset("alternating", n, 0)
	if err != nil {
		t.Fatal(err)
	}
	arch := cert.Architecture{InputDim: 1, Hidden: hidden, Activation: "relu"}
	start := time.Now()
	proof, st, err := FarkasBranchProof(d, arch, BranchOptions{Progress: func(i, tot, nodes int) {
		if testing.Verbose() {
			t.Logf("%d/%d first-layer cases, %d nodes, %v", i, tot, nodes, time.Since(start).Round(time.Millisecond))
		}
	}})
	if err != nil {
		t.Fatalf("%v %d: %v", hidden, n, err)
	}
	gen := time.Since(start)
	c := &cert.Certificate{Format: cert.FormatV1, Data: d,
		Claims: []cert.Claim{cert.NoFitClaim{Arch: arch, Fit: "exact", Method: "farkas", Proof: proof}}}
	start = time.Now()
	rep, err := cert.Check(c, cert.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Status != cert.Verified {
		t.Fatalf("%v %d: kernel says %v: %v", hidden, n, rep.Status, rep.First)
	}
	t.Logf("%v N=%d: %d nodes, %d leaves, %d exact fallbacks; built in %v, checked in %v", hidden, n, st.Nodes, st.Leaves, st.ExactFallbacks, gen.Round(time.Millisecond), time.Since(start).Round(time.Millisecond))
	if out := os.Getenv("CERTIFY_BRANCH_OUT"); out != "" {
		if err := WriteCert(out, c, ""); err != nil {
			t.Fatal(err)
		}
	}
}
