// Package z3solver is the smt.Solver backed by libz3 in-process, through the project's
// own binding (certify/smt/z3). Each query gets a fresh Z3 context, parsed from the
// query's SMT-LIB text, and the context is deleted when the query ends, so memory is
// bounded by one query (a chunk of a certificate) and never accumulates.
//
// Without cgo the package still builds: New returns an error matching
// smt.ErrUnavailable, naming the Debian package to install.
//
// The in-process solver is interrupted when the query's context ends, but Z3 honours an
// interrupt only at its own checkpoints and some nonlinear queries ignore it for minutes:
// for a hard deadline on existence queries run it in a worker process (smt.Worker).
package z3solver
