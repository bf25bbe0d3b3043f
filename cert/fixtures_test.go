package cert

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestFixtures walks testdata/certs/{valid,invalid}: every X.json has a sidecar X.want
// whose first line is the expected outcome — "verified", "refuted CODE" or
// "undecided CODE" or "malformed SUBSTRING" (SUBSTRING must occur in the error) — and whose
// second line says
// why. Every kind of certificate has a valid fixture and at least one broken twin.
func TestFixtures(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("..", "testdata", "certs", "*", "*.json"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no fixtures found: %v", err)
	}
	for _, path := range files {
		name := strings.TrimSuffix(path, ".json")
		t.Run(filepath.Base(filepath.Dir(path))+"/"+filepath.Base(name), func(t *testing.T) {
			wantRaw, err := os.ReadFile(name + ".want")
			if err != nil {
				t.Fatalf("fixture without expectation: %v", err)
			}
			want := strings.SplitN(strings.TrimSpace(string(wantRaw)), "\n", 2)[0]
			verb, arg, _ := strings.Cut(want, " ")
			inValid := filepath.Base(filepath.Dir(path)) == "valid"
			if inValid != (verb == "verified") {
				t.Fatalf("fixture in the wrong folder for expectation %q", want)
			}
			got, detail := runFixture(path)
			switch verb {
			case "verified":
				if got != "verified" {
					t.Fatalf("got %s (%s), want verified", got, detail)
				}
			case "refuted":
				if got != "refuted "+arg {
					t.Fatalf("got %s (%s), want refuted %s", got, detail, arg)
				}
			case "undecided":
				if got != "undecided "+arg {
					t.Fatalf("got %s (%s), want undecided %s", got, detail, arg)
				}
			case "malformed":
				if got != "malformed" || !strings.Contains(detail, arg) {
					t.Fatalf("got %s (%s), want malformed mentioning %q", got, detail, arg)
				}
			default:
				t.Fatalf("bad expectation %q", want)
			}
		})
	}
}

// runFixture decodes and checks one certificate file under every engine: "verified",
// "refuted CODE", "undecided CODE", or "malformed" with the error text as detail. The
// engines must agree on the verdict and on the first failure's code and path; when they
// do not the outcome is "engines disagree".
func runFixture(path string) (string, string) {
	f, err := os.Open(path)
	if err != nil {
		return "malformed", err.Error()
	}
	defer f.Close()
	c, err := Decode(f, filepath.Dir(path), fixtureLimits)
	if err != nil {
		return "malformed", err.Error()
	}
	var outcome, where, detail string
	for k, eng := range Engines {
		o, w, d := checkFixture(c, eng)
		if k == 0 {
			outcome, where, detail = o, w, d
			continue
		}
		if o != outcome || w != where {
			return "engines disagree", fmt.Sprintf("%s engine: %s (%s); %s engine: %s (%s)", Engines[0], outcome, detail, eng, o, d)
		}
	}
	return outcome, detail
}

// checkFixture checks c with one engine: the outcome (the verdict and the first failure's
// code), the failure's path, and a detail for messages.
func checkFixture(c *Certificate, eng Engine) (outcome, path, detail string) {
	rep, err := Check(c, Options{Engine: eng, Theorems: fixtureTheorems})
	if err != nil {
		return "malformed", "", err.Error()
	}
	if rep.First != nil && rep.Status != Verified {
		return rep.Status.String() + " " + string(rep.First.Code), rep.First.Path, rep.First.String()
	}
	return rep.Status.String(), "", ""
}
