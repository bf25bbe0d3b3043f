package main

import (
	"os"
	"path/filepath"
	"testing"

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
		Setup: func(env *testscript.Env) error {
			env.Setenv("TESTDATA", td)
			return nil
		},
	})
}
