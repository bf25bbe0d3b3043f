package main

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
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
//
// Besides testscript's own commands, a script has
//
//	exits CODE PROGRAM [ARGS...]
//
// which runs PROGRAM as exec does and fails unless it exits with CODE (0 verified, 1
// refuted, 2 malformed or bad usage, 3 undecided, 4 internal error): every certify
// invocation that is expected to fail says by which number. Each certify invocation is
// followed by `! stderr 'panic:'`.
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
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"exits": cmdExits,
		},
		Setup: func(env *testscript.Env) error {
			env.Setenv("TESTDATA", td)
			return nil
		},
	})
}

// cmdExits is `exits CODE PROGRAM [ARGS...]`: exec with the exit code asserted.
func cmdExits(ts *testscript.TestScript, neg bool, args []string) {
	if neg {
		ts.Fatalf("exits: no '!' (the code says what is expected)")
	}
	if len(args) < 2 {
		ts.Fatalf("usage: exits CODE PROGRAM [ARGS...]")
	}
	want, err := strconv.Atoi(args[0])
	if err != nil || want < 0 || want > 255 {
		ts.Fatalf("exits: %q is not an exit code", args[0])
	}
	got := 0
	if err := ts.Exec(args[1], args[2:]...); err != nil {
		var ee *exec.ExitError
		if !errors.As(err, &ee) {
			ts.Fatalf("exits: %v", err)
		}
		got = ee.ExitCode() // -1 when a signal ended it
	}
	if got != want {
		ts.Fatalf("%s exited with code %d, want %d", args[1], got, want)
	}
}

// TestScriptsAssertExitCodes keeps the scripts' rule: no certify invocation expects
// failure without naming its code (`! exec certify`), and each is followed by
// `! stderr 'panic:'` under the same conditions.
func TestScriptsAssertExitCodes(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "script", "*.txtar"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no scripts: %v", err)
	}
	invocation := regexp.MustCompile(`^((?:\[[^\]]+\] )*)(! )?(exec|exits \S+) certify( |$)`)
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		lines := strings.Split(string(raw), "\n")
		for i, l := range lines {
			if strings.HasPrefix(l, "-- ") && strings.HasSuffix(l, " --") {
				break // the archive's files
			}
			m := invocation.FindStringSubmatch(l)
			if m == nil {
				continue
			}
			if m[2] != "" {
				t.Errorf("%s:%d: a failing certify names its code: exits CODE certify …", f, i+1)
			}
			want := m[1] + "! stderr 'panic:'"
			if i+1 >= len(lines) || strings.TrimSpace(lines[i+1]) != want {
				t.Errorf("%s:%d: not followed by %s", f, i+1, want)
			}
		}
	}
}
