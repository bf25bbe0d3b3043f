package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"runtime/debug"

	"certify/cert"

	"github.com/spf13/cobra"
)

// Exit codes, shared by every command. They are the only ones certify returns (a
// command's help may say which of them it uses and when).
const (
	exitOK        = 0 // verified / success
	exitRefuted   = 1 // a claim is false
	exitMalformed = 2 // input malformed or unreadable, bad usage
	exitUndecided = 3 // the checker could not decide
	exitInternal  = 4 // certify itself failed (a panic: a bug, whatever the input)
)

// exitError carries an exit code through cobra. A nil err means the message was
// already printed.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string {
	if e.err == nil {
		return fmt.Sprintf("exit %d", e.code)
	}
	return e.err.Error()
}

func (e *exitError) Unwrap() error { return e.err }

// silentExit ends the command with a code after its output has been written.
func silentExit(code int) error { return &exitError{code: code} }

// malformed wraps an input error: exit 2.
func malformed(err error) error { return &exitError{code: exitMalformed, err: err} }

// globalOptions are the flags every command shares.
type globalOptions struct {
	maxDigits    int
	maxFileBytes int64
	maxPoints    int
	workers      int
	dataRoots    []string
}

func (g *globalOptions) limits() cert.Limits {
	return cert.Limits{MaxDigits: g.maxDigits, MaxFileBytes: g.maxFileBytes, MaxPoints: g.maxPoints, DataRoots: g.dataRoots}
}

// streams are the command's outputs (set from tests).
type streams struct {
	out, err io.Writer
}

// newRootCmd builds the whole command tree. Every command is made by its own
// constructor (newXCmd: an options struct and a run function, in the command's file)
// from the shared flags and the streams; the tree is written out here, in one place,
// and nothing is registered from elsewhere.
func newRootCmd(s *streams) *cobra.Command {
	g := &globalOptions{}
	root := &cobra.Command{
		Use:   "certify",
		Short: "Exact certificates that ReLU networks memorise data, and counterexamples to published bounds",
		Long: `certify checks machine-readable certificates that a ReLU network memorises a
dataset, in exact rational arithmetic, and builds such certificates from the
constructions of the memorisation literature.

Exit codes: 0 verified (or done), 1 refuted (a claim is false), 2 malformed
input or bad usage, 3 undecided, 4 an internal error (a bug in certify).`,
		Version:       readVersion().Version, // certify --version, as certify version's first line
		SilenceErrors: true,
		SilenceUsage:  true,
	}
	root.SetVersionTemplate("certify {{.Version}}\n")
	root.SetOut(s.out)
	root.SetErr(s.err)
	pf := root.PersistentFlags()
	pf.IntVar(&g.maxDigits, "max-digits", cert.DefaultMaxDigits, "largest number of digits accepted in one number")
	pf.Int64Var(&g.maxFileBytes, "max-file-bytes", cert.DefaultMaxFileBytes, "largest file accepted, in bytes (as stored and after decompression)")
	pf.IntVar(&g.maxPoints, "max-points", cert.DefaultMaxPoints, "largest dataset accepted, in points")
	pf.StringArrayVar(&g.dataRoots, "data-root", nil, "a folder, besides the certificate's own, that a certificate's data files may be read from (repeatable)")
	pf.IntVar(&g.workers, "workers", 0, "goroutines evaluating points (0: one per CPU)")
	root.AddCommand(
		newCheckCmd(g, s),
		newEvalCmd(g, s),
		newInspectCmd(g, s),
		withSubcommands(newConstructCmd(g, s),
			append(newConstructMethodCmds(g, s),
				newConstructParkCmd(g, s),
				newConstructVardiCmd(g, s))...),
		newImportCmd(g, s),
		newSizesCmd(g, s),
		newPiecesCmd(g, s),
		newSeparationCmd(g, s),
		newPlotCmd(g, s),
		withSubcommands(newCapacityCmd(g, s),
			newCapacityParkCmd(g, s)),
		newAuditCmd(g, s),
		withSubcommands(newSMTCmd(g, s),
			newSMTExportCmd(g, s),
			newSMTExistsCmd(g, s),
			newSMTWorkerCmd(g, s)),
		newMergeCmd(g, s),
		newVersionCmd(g, s),
	)
	return root
}

// withSubcommands adds subs to cmd and returns cmd.
func withSubcommands(cmd *cobra.Command, subs ...*cobra.Command) *cobra.Command {
	cmd.AddCommand(subs...)
	return cmd
}

// Main runs the command line and returns the exit code.
func Main() int { return run(os.Args[1:], &streams{out: os.Stdout, err: os.Stderr}) }

// run executes one command line and returns its exit code. Every error is printed
// here, once, on s.err; commands print only their reports. A panic in the command's
// goroutine is reported as an internal error (exit 4), so that a crash is never taken
// for a clean refusal (exit 2).
func run(args []string, s *streams) int { return execute(newRootCmd(s), args, s) }

// execute runs root on args (run's body, apart so that tests can give it any tree).
func execute(root *cobra.Command, args []string, s *streams) (code int) {
	defer func() {
		if r := recover(); r != nil {
			fmt.Fprintf(s.err, "certify: internal error (a bug in certify, whatever the input): panic: %v\n%s", r, debug.Stack())
			code = exitInternal
		}
	}()
	root.SetArgs(args)
	err := root.Execute()
	if err == nil {
		return exitOK
	}
	var ee *exitError
	if errors.As(err, &ee) {
		if ee.err != nil {
			fmt.Fprintln(s.err, "certify:", ee.err)
		}
		return ee.code
	}
	// Usage errors from cobra (unknown flag, wrong argument count) and unexpected errors.
	fmt.Fprintln(s.err, "certify:", err)
	return exitMalformed
}
