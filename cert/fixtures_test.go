package cert

import (
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

// runFixture decodes and checks one certificate file: "verified", "refuted CODE",
// "undecided", or "malformed" with the error text as detail.
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
	for _, big := range []bool{false, true} {
		rep, err := Check(c, Options{ForceBig: big, Theorems: fixtureTheorems})
		if err != nil {
			return "malformed", err.Error()
		}
		if big {
			break
		}
		switch rep.Status {
		case Verified:
			// Both engines must agree.
			if r2, _ := Check(c, Options{ForceBig: true, Theorems: fixtureTheorems}); r2.Status != Verified {
				return "engines disagree", r2.First.String()
			}
			return "verified", ""
		case Refuted:
			r2, _ := Check(c, Options{ForceBig: true, Theorems: fixtureTheorems})
			if r2.Status != Refuted || r2.First.Code != rep.First.Code || r2.First.Path != rep.First.Path {
				return "engines disagree", rep.First.String()
			}
			return "refuted " + string(rep.First.Code), rep.First.String()
		}
		if rep.Status == Undecided {
			return "undecided " + string(rep.First.Code), rep.First.String()
		}
		return rep.Status.String(), ""
	}
	return "", ""
}
