// Command certify checks, builds and audits exact certificates that ReLU networks
// memorise data. See README.md.
//
// Each command is an options struct and a run function (check.go, construct.go, …);
// main only calls os.Exit(Main()). Exit codes are the same for every command: 0 verified
// (or done), 1 refuted (a claim is false), 2 malformed input or bad flags, 3 undecided
// (a solver timed out, a claim rests on a solver). Errors are printed once, on standard
// error; reports go to standard output, as text or, with --json, one JSON object.
//
// The SMT features (check --smt, smt export/exists, the solver side of capacity and
// audit) are wired in by smt.go; without cgo they report that the Z3 API is unavailable
// and fall back to the z3 and cvc5 programs where they can.
//
// The CLI is tested as a user runs it: testdata/script/*.txtar (testscript);
// CERTIFY_UPDATE=1 go test ./cmd/certify rewrites their expected output.
package main
