// Package z3 is the project's own small cgo binding to the Z3 C API
// (libz3 4.8.12 as shipped by Debian, package libz3-dev). It covers only what
// the project needs: Bool, Int and Real terms, exact rational numerals,
// linear and nonlinear arithmetic, solvers with push/pop, interruptible
// checks, models read back exactly, statistics and SMT-LIB output.
//
// # Contract
//
// Contexts. A [Context] wraps one Z3_context created with Z3_mk_context_rc
// (reference-counted ASTs) and model generation on. Z3's error handler is
// switched off (Z3_set_error_handler(ctx, NULL)): the default handler would
// exit the process. After every call that can fail the binding reads
// Z3_get_error_code and turns a failure into a Go error.
//
// Thread safety. A Context and everything made from it (terms, solvers,
// models) must be used by one goroutine at a time; use one Context per
// goroutine. The single exception is [Context.Interrupt], which may be called
// from any goroutine. Creating and deleting contexts is serialised inside the
// package, so contexts may be created and closed from many goroutines at once.
// Terms of different contexts cannot be mixed (this is reported as
// [ErrForeignTerm]).
//
// Numbers. No floating-point value crosses the boundary in either direction.
// Numerals are built from *big.Int / *big.Rat through their exact decimal
// string "p/q", and model values are read back with Z3_get_numeral_string
// into *big.Rat. Numerals are refused with [ErrTooLarge] before reaching Z3
// when the numerator or denominator has more decimal digits than the
// context's limit ([DefaultMaxNumeralDigits] unless changed). Irrational
// algebraic model values (root-obj) are never rounded silently: [Model.Eval]
// marks them Algebraic and gives a rational isolating interval plus a decimal
// string meant for display only, and [Model.Rat] fails with an error that
// matches [ErrAlgebraic]. The only floats read from Z3 are double-valued
// statistics, which are returned already formatted as strings.
//
// Errors. Term-building methods return a [Term] that carries its error (see
// [Term.Err]); an operation given an erroneous term returns a term with that
// same error without calling Z3, so an expression can be built in one go and
// checked once, at the end or when it is asserted ([Solver.Assert] returns the
// error). Errors reported by libz3 are of type *[Error]. Methods on a closed
// context return [ErrClosed].
//
// Memory. Every AST handed out is Z3_inc_ref'd when it is created and
// recorded in its Context; all of them are Z3_dec_ref'd by [Context.Close]
// (Terms are plain values and need no release of their own). Solvers and
// models hold Z3 references too: they may be released early with their Close
// method, and any still open are released by Context.Close. There are no
// finalizers: Close is required, and is idempotent. Memory therefore grows
// with the number of terms built until Close; for long runs use a fresh
// Context per chunk of work. Using a term, solver or model after its Context
// has been closed returns ErrClosed and never touches freed memory.
// Measured with 4.8.12: a context itself costs about 17 MB inside libz3
// (all returned by Close), so keep the number of live contexts bounded; with
// many goroutines glibc's per-thread malloc arenas keep freed memory
// resident (MALLOC_ARENA_MAX limits that).
//
// Timeouts. Do not use Z3's own "timeout" parameter: in 4.8.12 its timer
// thread pool can deadlock with the nested timers of the QF_NRA tactic.
// [Solver.Check] takes a context.Context and, when it is cancelled or its
// deadline passes, interrupts the check from another goroutine (repeatedly,
// until the check returns). The binding uses Z3_solver_interrupt rather than
// Z3_interrupt, because in 4.8.12 Z3_interrupt leaves the context cancelled:
// model retrieval and evaluation then fail with "canceled" until the next
// check. Z3 honours the interrupt only at its own
// checkpoints: some nonlinear queries have been measured to ignore it for
// minutes, so a hard wall-clock bound needs a separate, killable process.
// For reproducible bounds use [Solver.SetRlimit] (a deterministic resource
// limit). Every solver is created with ctrl_c=false so Z3 never installs a
// SIGINT handler (in 4.8.12 ctrl_c is a solver parameter, not a context one).
//
// Advice measured with 4.8.12: declare the logic ([Context.NewSolver] with
// "QF_NRA", "QF_LRA", ...), and use a fresh solver per query (a second check
// on the same solver may switch to a slower engine).
//
// Without cgo (CGO_ENABLED=0) the package still compiles with the same API;
// [NewContext] then returns [ErrUnavailable] and [Available] reports false.
package z3
