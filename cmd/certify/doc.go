// Command certify checks, builds and audits exact certificates that ReLU networks
// memorise data. See README.md.
//
// Each command is an options struct and a run function, made by its constructor
// newXCmd(globals, streams) in the command's file (check.go, construct.go, …); root.go
// writes out the whole command tree, and nothing registers itself (no init(), no
// package-level hooks or state). main only calls os.Exit(Main()).
//
// Exit codes are the same for every command and are defined once, in root.go: 0
// verified (or done), 1 refuted (a claim is false), 2 malformed input or bad usage, 3
// undecided (a limit stopped it, a solver timed out, a claim rests on a solver), 4 an
// internal error (a panic: a bug in certify, never an answer about the input). Errors
// are printed once, by Main, on standard error, without the usage text; reports go to
// standard output, as text or, with --json, one JSON object whose first field is
// "version" (certify version: the module version and commit from the build
// information).
//
// The SMT features (check --smt, smt export/exists, the solver side of capacity and
// audit) are in smt.go; without cgo they report that the Z3 API is unavailable and fall
// back to the z3 and cvc5 programs where they can.
//
// The CLI is tested as a user runs it: testdata/script/*.txtar (testscript), where
// `exits CODE certify …` asserts an exit code by number and every certify invocation is
// followed by `! stderr 'panic:'` (TestScriptsAssertExitCodes keeps both rules);
// CERTIFY_UPDATE=1 go test ./cmd/certify rewrites their expected output.
package main
