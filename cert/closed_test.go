package cert_test

import (
	"encoding/json"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"certify/cert"
)

// The zero Status is Undecided; the JSON names are the format's.
func TestStatusZeroIsUndecided(t *testing.T) {
	var s cert.Status
	if s != cert.Undecided {
		t.Fatalf("zero Status is %v", s)
	}
	for st, name := range map[cert.Status]string{cert.Undecided: `"undecided"`, cert.Verified: `"verified"`, cert.Refuted: `"refuted"`} {
		if b, _ := json.Marshal(st); string(b) != name {
			t.Errorf("%d marshals as %s, want %s", st, b, name)
		}
	}
	var r cert.ClaimResult
	if r.Status == cert.Verified {
		t.Fatal("a zero ClaimResult is verified")
	}
}

// foreign embeds a kernel claim type: it implements cert.Claim through the promoted
// method, but it is not a kind the kernel knows.
type foreign struct{ cert.ExactClaim }

func (foreign) Kind() string { return "exact" }

func xor(t *testing.T) *cert.Certificate {
	t.Helper()
	f, err := os.Open(filepath.Join("..", "testdata", "certs", "valid", "xor_index.json"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	c, err := cert.Decode(f, ".", cert.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// A claim the kernel does not know is an error, never "verified with 0 obligations".
func TestUnknownClaimIsAnError(t *testing.T) {
	for _, cl := range []cert.Claim{foreign{}, &cert.ExactClaim{}, &cert.SizesClaim{}} {
		c := xor(t)
		c.Claims = append(c.Claims, cl)
		rep, err := cert.Check(c, cert.Options{})
		if err == nil {
			t.Fatalf("%T: no error; report %v", cl, rep.Status)
		}
		if !strings.Contains(err.Error(), "not one of the kinds") {
			t.Errorf("%T: %v", cl, err)
		}
	}
	c := xor(t)
	c.Claims = nil
	if _, err := cert.Check(c, cert.Options{}); err == nil {
		t.Fatal("a certificate without claims checked")
	}
}

// Claims built in memory with missing numbers or missing parts are errors naming the
// field, never a crash.
func TestInMemoryClaimsAreValidated(t *testing.T) {
	for _, tc := range []struct {
		cl   cert.Claim
		want string
	}{
		{cert.ArgmaxClaim{}, "margin"},
		{cert.ThresholdClaim{}, "threshold"},
		{cert.EpsilonClaim{Epsilon: big.NewRat(-1, 1)}, "epsilon"},
		{cert.PatternsClaim{Points: []int{0, 0}, Patterns: [][]string{{"11"}, {"00"}}}, "points[1]"},
		{cert.PiecesClaim{}, "segment"},
		{cert.HyperplanesClaim{}, "planes"},
		{cert.HyperplanesClaim{Planes: []cert.Hyperplane{{Normal: []*big.Rat{nil, nil}}}}, "planes[0]"},
		{cert.NoFitClaim{}, "activation"},
		{cert.TheoremClaim{}, "hypothesis"},
	} {
		c := xor(t)
		c.Claims = []cert.Claim{tc.cl}
		_, err := cert.Check(c, cert.Options{})
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%T: got %v, want an error naming %q", tc.cl, err, tc.want)
		}
	}
	c := xor(t)
	c.Network = nil
	c.Claims = []cert.Claim{cert.PiecesClaim{}}
	if _, err := cert.Check(c, cert.Options{}); err == nil || !strings.HasPrefix(err.Error(), "network: missing") {
		t.Errorf("pieces without network: %v", err)
	}
}

// A dataset changed after it was built is refused, not trusted: a label out of range
// (would index past the one-hot vector), a dropped or invented duplicate pair (the
// theorem instance counts distinct points by them).
func TestChangedDatasetIsRefused(t *testing.T) {
	for _, tc := range []struct {
		name string
		edit func(d *cert.Dataset)
		want string
	}{
		{"label out of range", func(d *cert.Dataset) { d.Labels[2] = 7 }, "dataset.labels[2]"},
		{"labels short", func(d *cert.Dataset) { d.Labels = d.Labels[:3] }, "dataset.labels"},
		{"more points", func(d *cert.Dataset) { d.N++ }, "dataset"},
		{"other dimension", func(d *cert.Dataset) { d.D = 1 }, "dataset"},
		{"invented duplicate", func(d *cert.Dataset) { d.Duplicates = append(d.Duplicates, [2]int{0, 3}) }, "duplicate"},
	} {
		c := xor(t)
		tc.edit(c.Data)
		_, err := cert.Check(c, cert.Options{})
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: got %v, want an error naming %q", tc.name, err, tc.want)
		}
	}
}
