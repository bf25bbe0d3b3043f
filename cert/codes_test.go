package cert

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestCodesHaveFixtures: every Code of codes.go has a comment naming the fixture that
// produces it, the fixture exists and its .want expects that code; Codes lists them all.
// The codes without a fixture say so ("No fixture") and are listed here.
func TestCodesHaveFixtures(t *testing.T) {
	noFixture := map[Code]bool{CodeNotChecked: true}
	byTable := map[Code]bool{CodeTheoremUnchecked: true} // checked by TestTheoremClaimsWithoutTable
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "codes.go", nil, parser.ParseComments)
	if err != nil {
		t.Fatal(err)
	}
	fixtureRe := regexp.MustCompile(`\b(valid|invalid)/([a-z0-9_]+)`)
	declared := map[Code]bool{}
	for _, d := range f.Decls {
		g, ok := d.(*ast.GenDecl)
		if !ok || g.Tok != token.CONST {
			continue
		}
		for _, sp := range g.Specs {
			vs := sp.(*ast.ValueSpec)
			lit := vs.Values[0].(*ast.BasicLit)
			code := Code(strings.Trim(lit.Value, `"`))
			declared[code] = true
			doc := vs.Doc.Text()
			if doc == "" {
				t.Errorf("%s has no comment", code)
				continue
			}
			if noFixture[code] {
				if !strings.Contains(doc, "No fixture") {
					t.Errorf("%s: listed as without fixture but its comment does not say so", code)
				}
				continue
			}
			m := fixtureRe.FindStringSubmatch(doc)
			if m == nil {
				t.Errorf("%s: the comment names no fixture", code)
				continue
			}
			want, err := os.ReadFile(filepath.Join("..", "testdata", "certs", m[1], m[2]+".want"))
			if err != nil {
				t.Errorf("%s: %v", code, err)
				continue
			}
			first := strings.SplitN(string(want), "\n", 2)[0]
			if byTable[code] {
				continue
			}
			if first != "refuted "+string(code) && first != "undecided "+string(code) {
				t.Errorf("%s: fixture %s/%s expects %q", code, m[1], m[2], first)
			}
		}
	}
	listed := map[Code]bool{}
	for _, c := range Codes {
		listed[c] = true
		if !declared[c] {
			t.Errorf("Codes lists %s, which codes.go does not declare", c)
		}
	}
	for c := range declared {
		if !listed[c] {
			t.Errorf("%s is not in Codes", c)
		}
	}
}

// TestKindsHaveFixtures: every claim kind of the table has a valid fixture with a claim
// of that kind, and a broken twin: an invalid fixture refuted (or undecided) at a claim
// of that kind.
func TestKindsHaveFixtures(t *testing.T) {
	valid, broken := map[string]int{}, map[string]int{}
	files, _ := filepath.Glob(filepath.Join("..", "testdata", "certs", "*", "*.json"))
	for _, path := range files {
		f, err := os.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		c, err := Decode(f, filepath.Dir(path), fixtureLimits)
		f.Close()
		if err != nil {
			continue // malformed fixtures
		}
		rep, err := Check(c, Options{Theorems: fixtureTheorems})
		if err != nil {
			continue
		}
		if filepath.Base(filepath.Dir(path)) == "valid" {
			for _, cl := range c.Claims {
				valid[cl.Kind()]++
			}
			continue
		}
		for _, r := range rep.Claims {
			if r.Status != Verified {
				broken[r.Kind]++
				break
			}
		}
	}
	for _, k := range claimKinds {
		if valid[k.name] == 0 {
			t.Errorf("kind %s: no valid fixture", k.name)
		}
		if broken[k.name] == 0 {
			t.Errorf("kind %s: no broken twin", k.name)
		}
	}
}
