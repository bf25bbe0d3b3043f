package main

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"certify/smt/z3"

	"github.com/rogpeppe/go-internal/testscript"
)

func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"certify": func() { os.Exit(Main()) },
	})
}

// TestScripts runs the CLI as a user does: testdata/script/*.txtar. Scripts find the
// repository's testdata folder in $TESTDATA. CERTIFY_UPDATE=1 rewrites the scripts'
// expected output files in place.
func TestScripts(t *testing.T) {
	td, err := filepath.Abs(filepath.Join("..", "..", "testdata"))
	if err != nil {
		t.Fatal(err)
	}
	testscript.Run(t, testscript.Params{
		Dir:           "testdata/script",
		UpdateScripts: os.Getenv("CERTIFY_UPDATE") != "",
		// [z3api]: this build links libz3 (cgo), so the in-process solver is there.
		Condition: func(cond string) (bool, error) {
			if cond == "z3api" {
				return z3.Available(), nil
			}
			return false, fmt.Errorf("unknown condition %q", cond)
		},
		Setup: func(env *testscript.Env) error {
			env.Setenv("TESTDATA", td)
			return nil
		},
	})
}
