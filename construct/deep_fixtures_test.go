package construct

import (
	"bytes"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"certify/cert"
)

// TestDeepFixtures keeps the golden certificates of the deep constructions and their
// broken twins in testdata/certs (the kernel's fixture test checks them against their
// .want files). The valid ones must be byte-identical to a fresh build (determinism);
// CERTIFY_UPDATE=1 rewrites all of them.
func TestDeepFixtures(t *testing.T) {
	d := deepLoadCSV(t, "digits.csv.gz", 0, 60)
	root := filepath.Join("..", "testdata", "certs")
	for _, fx := range []struct {
		name  string
		build func() (*Result, error)
		// breakIt changes the valid certificate into the broken twin.
		breakIt func(c *cert.Certificate) string
		want    string
	}{
		{"vardi_digits60", func() (*Result, error) { return Vardi(d, DeepOptions{}) },
			func(c *cert.Certificate) string {
				n := c.Network
				// The output layer's scale 1/2^{nc+1}, doubled.
				l := &n.Layers[len(n.Layers)-1]
				for k, w := range l.W[0] {
					if w.Sign() != 0 {
						l.W[0][k] = new(big.Rat).Add(w, w)
						return "the output weight 1/2^(nc+1) doubled: every label is read twice too large"
					}
				}
				panic("no output weight")
			}, "refuted output-mismatch"},
		{"park_digits60", func() (*Result, error) { return Park(d, DeepOptions{}) },
			func(c *cert.Certificate) string {
				n := c.Network
				// The last Lemma 22 record step writes into bit 0 with weight 1: make it 2.
				l := &n.Layers[len(n.Layers)-1]
				for k, w := range l.W[0] {
					if w.Cmp(big.NewRat(-1, 1)) == 0 {
						l.W[0][k] = big.NewRat(-2, 1)
						return "the output weight of the last extracted label bit doubled"
					}
				}
				panic("no output weight −1")
			}, "refuted output-mismatch"},
		{"vardi_digits60_depth", func() (*Result, error) { return Vardi(d, DeepOptions{}) },
			func(c *cert.Certificate) string {
				for i, cl := range c.Claims {
					if tc, ok := cl.(cert.TheoremClaim); ok {
						d := *tc.Built.Depth - 1
						tc.Built.Depth = &d
						c.Claims[i] = tc
						return "the theorem claim understates the built depth by one"
					}
				}
				panic("no theorem claim")
			}, "refuted size-mismatch"},
	} {
		t.Run(fx.name, func(t *testing.T) {
			r, err := fx.build()
			if err != nil {
				t.Fatal(err)
			}
			good := deepEncode(t, r)
			validName, _, _ := strings.Cut(fx.name, "_depth")
			validPath := filepath.Join(root, "valid", validName+".json")
			why := fx.breakIt(r.Cert)
			bad := deepEncode(t, r)
			badPath := filepath.Join(root, "invalid", fx.name+"_broken.json")
			fixturePair(t, validPath, good, badPath, bad, r.Summary.TheoremName+", built by construct."+funcName(fx.name)+"; regenerate with CERTIFY_UPDATE=1 go test ./construct -run TestDeepFixtures", fx.want, why)
		})
	}
}

func writeFixture(t *testing.T, path string, body []byte, want string) {
	t.Helper()
	if err := os.WriteFile(path, body, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path[:len(path)-len(".json")]+".want", []byte(want), 0o644); err != nil {
		t.Fatal(err)
	}
}

// fixturePair is a construction's valid fixture and its broken twin, built fresh: good
// is the certificate, bad the same after breakIt (why says what it broke, want is the
// twin's expected verdict), built says how to regenerate them. With CERTIFY_UPDATE set
// both files and their .want files are written; else both must equal the stored files
// byte for byte.
func fixturePair(t *testing.T, validPath string, good []byte, badPath string, bad []byte, built, want, why string) {
	t.Helper()
	if os.Getenv("CERTIFY_UPDATE") != "" {
		writeFixture(t, validPath, good, "verified\n# "+built+"\n")
		writeFixture(t, badPath, bad, want+"\n# "+why+"\n")
		return
	}
	old, err := os.ReadFile(validPath)
	if err != nil {
		t.Fatalf("%v (CERTIFY_UPDATE=1 writes it)", err)
	}
	if !bytes.Equal(old, good) {
		t.Fatalf("%s differs from a fresh build (CERTIFY_UPDATE=1 rewrites it)", validPath)
	}
	oldBad, err := os.ReadFile(badPath)
	if err != nil || !bytes.Equal(oldBad, bad) {
		t.Fatalf("%s differs from the broken twin built now (CERTIFY_UPDATE=1 rewrites it)", badPath)
	}
}

// funcName is the construction's Go function for a fixture name ("vardi_…" → "Vardi").
func funcName(fixture string) string {
	m, _, _ := strings.Cut(fixture, "_")
	return strings.ToUpper(m[:1]) + m[1:]
}
