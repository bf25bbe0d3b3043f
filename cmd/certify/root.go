package main

import (
	"errors"
	"fmt"
	"io"
	"os"

	"certify/cert"

	"github.com/spf13/cobra"
)

// Exit codes, shared by every command.
const (
	exitOK        = 0 // verified / success
	exitRefuted   = 1 // a claim is false
	exitMalformed = 2 // input malformed or unreadable, bad usage
	exitUndecided = 3 // the checker could not decide
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

// extraCommands lets other files of this package add commands.
var extraCommands []func(*globalOptions, *streams) *cobra.Command

func newRootCmd(s *streams) *cobra.Command {
	g := &globalOptions{}
	root := &cobra.Command{
		Use:   "certify",
		Short: "Exact certificates that ReLU networks memorise data, and counterexamples to published bounds",
		Long: `certify checks machine-readable certificates that a ReLU network memorises a
dataset, in exact rational arithmetic, and builds such certificates from the
constructions of the memorisation literature.

Exit codes: 0 verified, 1 refuted (a claim is false), 2 malformed input,
3 undecided.`,
		SilenceErrors: true,
		SilenceUsage:  true,
	}
	root.SetOut(s.out)
	root.SetErr(s.err)
	pf := root.PersistentFlags()
	pf.IntVar(&g.maxDigits, "max-digits", cert.DefaultMaxDigits, "largest number of digits accepted in one number")
	pf.Int64Var(&g.maxFileBytes, "max-file-bytes", cert.DefaultMaxFileBytes, "largest file accepted, in bytes (as stored and after decompression)")
	pf.IntVar(&g.maxPoints, "max-points", cert.DefaultMaxPoints, "largest dataset accepted, in points")
	pf.StringArrayVar(&g.dataRoots, "data-root", nil, "a folder, besides the certificate's own, that a certificate's data files may be read from (repeatable)")
	pf.IntVar(&g.workers, "workers", 0, "goroutines evaluating points (0: one per CPU)")
	root.AddCommand(newCheckCmd(g, s), newEvalCmd(g, s), newInspectCmd(g, s))
	for _, f := range extraCommands {
		root.AddCommand(f(g, s))
	}
	return root
}

// Main runs the command line and returns the exit code.
func Main() int { return run(os.Args[1:], &streams{out: os.Stdout, err: os.Stderr}) }

func run(args []string, s *streams) int {
	root := newRootCmd(s)
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
