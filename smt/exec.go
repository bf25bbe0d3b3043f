package smt

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os/exec"
	"strings"
	"sync"
	"time"
)

// Binary runs a solver's command-line program (z3 or cvc5) on a query's SMT-LIB script,
// in a child process that is killed when the context is cancelled or its deadline
// passes: a hard wall-clock bound, which Z3's in-process interrupt cannot promise on
// nonlinear problems.
type Binary struct {
	Program string // "z3" or "cvc5"
	Path    string // executable; "" looks Program up in $PATH
}

// Z3Binary and CVC5Binary are the Debian packages' programs.
var (
	Z3Binary   = &Binary{Program: "z3"}
	CVC5Binary = &Binary{Program: "cvc5"}
)

// Name is the program's name.
func (b *Binary) Name() string { return b.Program }

// Available reports whether the program can be found.
func (b *Binary) Available() error {
	_, err := b.path()
	return err
}

func (b *Binary) path() (string, error) {
	if b.Path != "" {
		return b.Path, nil
	}
	p, err := exec.LookPath(b.Program)
	if err != nil {
		return "", fmt.Errorf("%w: the %s program is not installed (Debian: apt-get install %s)", ErrUnavailable, b.Program, b.Program)
	}
	return p, nil
}

// Solve runs the program on q.Script. A deadline in ctx is also passed to the program
// (z3 -T, cvc5 --tlimit) so that it stops by itself; the kill is the backstop.
func (b *Binary) Solve(ctx context.Context, q *Query) (Result, error) {
	path, err := b.path()
	if err != nil {
		return Result{}, err
	}
	var args []string
	script := q.Script(true)
	dl, hasDL := ctx.Deadline()
	switch b.Program {
	case "z3":
		args = []string{"-in", "-smt2"}
		if hasDL {
			args = append(args, fmt.Sprintf("-T:%d", max(1, int(math.Ceil(time.Until(dl).Seconds())))))
		}
		if q.WantReal && len(q.Want) > 0 {
			// z3 prints irrational values as root-obj; ask again in decimals for display
			// and rationalising ('?' marks an approximation).
			script = strings.TrimSuffix(script, "(exit)\n") +
				"(set-option :pp.decimal true)\n(set-option :pp.decimal_precision 40)\n(get-value (" + strings.Join(q.Want, " ") + "))\n(exit)\n"
		}
	case "cvc5":
		args = []string{"--lang=smt2"}
		if hasDL {
			args = append(args, fmt.Sprintf("--tlimit=%d", max(1, time.Until(dl).Milliseconds())))
		}
	default:
		return Result{}, fmt.Errorf("smt: unknown solver program %q", b.Program)
	}
	start := time.Now()
	out, errOut, runErr := run(ctx, path, args, script)
	res := Result{Solver: b.Program, Time: time.Since(start)}
	if ctx.Err() != nil {
		res.Reason = "timeout (process killed: " + ctx.Err().Error() + ")"
		return res, nil
	}
	return parseAnswer(res, out, errOut, runErr, q)
}

// run runs a solver program on a script in a child process that ctx's end kills (as does
// this process's death, on Linux), and returns what it printed.
func run(ctx context.Context, path string, args []string, script string) (stdout, stderr string, err error) {
	cmd := exec.CommandContext(ctx, path, args...)
	dieWithParent(cmd)
	cmd.Stdin = strings.NewReader(script)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	cmd.WaitDelay = 2 * time.Second
	err = cmd.Run()
	return out.String(), errb.String(), err
}

// parseAnswer reads "sat"/"unsat"/"unknown"/"timeout" and the get-value answers.
func parseAnswer(res Result, stdout, stderr string, runErr error, q *Query) (Result, error) {
	es, err := parseSexps(stdout)
	if err != nil || len(es) == 0 {
		return res, fmt.Errorf("smt: %s: unreadable answer %q (stderr %q, %v)", res.Solver, clipStr(stdout), clipStr(stderr), runErr)
	}
	for i, e := range es {
		if e.list && len(e.List) > 0 && e.List[0].Atom == "error" {
			return res, fmt.Errorf("smt: %s reported %s", res.Solver, clipStr(e.String()))
		}
		if e.list || i > 0 {
			continue
		}
		switch e.Atom {
		case "sat":
			res.Status = Sat
		case "unsat":
			res.Status = Unsat
			return res, nil
		case "unknown", "timeout":
			res.Reason = e.Atom
			if strings.Contains(stderr, "time") || e.Atom == "timeout" {
				res.Reason = "timeout"
			}
			return res, nil
		default:
			return res, fmt.Errorf("smt: %s answered %q", res.Solver, clipStr(e.Atom))
		}
	}
	if res.Status != Sat {
		return res, fmt.Errorf("smt: %s gave no answer (stderr %q)", res.Solver, clipStr(stderr))
	}
	if len(q.Want) == 0 {
		return res, nil
	}
	var models []map[string]Value
	for _, e := range es[1:] {
		m, err := parseModel(e)
		if err != nil {
			return res, fmt.Errorf("smt: %s: %v", res.Solver, err)
		}
		models = append(models, m)
	}
	if len(models) == 0 {
		return res, fmt.Errorf("smt: %s answered sat but gave no values", res.Solver)
	}
	res.Model = models[0]
	if len(models) > 1 { // decimal rendering of irrational values
		for k, v := range res.Model {
			if d, ok := models[1][k]; ok && v.Algebraic && d.Approx != "" {
				v.Approx = d.Approx
				res.Model[k] = v
			}
		}
	}
	return res, nil
}

// Worker runs queries in a child process speaking JSON (see ServeWorker): typically the
// certify binary itself ("certify smt worker --solver api"), so that the in-process Z3 API
// gets the hard deadline of a killable process.
type Worker struct {
	Label string
	Argv  []string
}

// Name is the worker's label.
func (w *Worker) Name() string { return w.Label }

type workerReply struct {
	Result Result `json:"result"`
	Error  string `json:"error,omitempty"`
}

// Solve sends q to a fresh worker process and kills it when ctx ends.
func (w *Worker) Solve(ctx context.Context, q *Query) (Result, error) {
	start := time.Now()
	req, err := json.Marshal(q)
	if err != nil {
		return Result{}, err
	}
	cmd := exec.CommandContext(ctx, w.Argv[0], w.Argv[1:]...)
	dieWithParent(cmd)
	cmd.Stdin = bytes.NewReader(req)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	cmd.WaitDelay = 2 * time.Second
	runErr := cmd.Run()
	if ctx.Err() != nil {
		return Result{Solver: w.Label, Time: time.Since(start), Reason: "timeout (worker killed: " + ctx.Err().Error() + ")"}, nil
	}
	var rep workerReply
	if err := json.Unmarshal(out.Bytes(), &rep); err != nil {
		return Result{}, fmt.Errorf("smt: worker %s: %v (stderr %q, %v)", w.Label, err, clipStr(errb.String()), runErr)
	}
	if rep.Error != "" {
		if strings.Contains(rep.Error, ErrUnavailable.Error()) {
			return Result{}, fmt.Errorf("%w: %s", ErrUnavailable, rep.Error)
		}
		return Result{}, errors.New(rep.Error)
	}
	rep.Result.Time = time.Since(start)
	rep.Result.Solver = w.Label
	return rep.Result, nil
}

// ServeWorker answers one query read as JSON from r with s, writing the reply to w.
// timeout bounds the solve (0: none); the parent's kill is the hard bound.
func ServeWorker(r io.Reader, w io.Writer, s Solver, timeout time.Duration) error {
	var q Query
	dec := json.NewDecoder(r)
	var rep workerReply
	if err := dec.Decode(&q); err != nil {
		rep.Error = "worker: bad query: " + err.Error()
	} else {
		ctx := context.Background()
		if timeout > 0 {
			var cancel context.CancelFunc
			ctx, cancel = context.WithTimeout(ctx, timeout)
			defer cancel()
		}
		res, err := s.Solve(ctx, &q)
		rep.Result = res
		if err != nil {
			rep.Error = err.Error()
		}
	}
	return json.NewEncoder(w).Encode(rep)
}

// Portfolio runs its solvers at once on each query; the first definite answer (sat or
// unsat) wins and the others are cancelled (their processes killed).
type Portfolio []Solver

// Name lists the members.
func (p Portfolio) Name() string {
	names := make([]string, len(p))
	for i, s := range p {
		names[i] = s.Name()
	}
	return "portfolio(" + strings.Join(names, ",") + ")"
}

// Solve races the members. Unknown answers are combined; an error is returned only when
// every member failed.
func (p Portfolio) Solve(ctx context.Context, q *Query) (Result, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	type ans struct {
		r   Result
		err error
	}
	ch := make(chan ans, len(p))
	var wg sync.WaitGroup
	for _, s := range p {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r, err := s.Solve(ctx, q)
			if r.Solver == "" {
				r.Solver = s.Name()
			}
			ch <- ans{r, err}
		}()
	}
	go func() { wg.Wait(); close(ch) }()
	var reasons, errs []string
	var best Result
	start := time.Now()
	for a := range ch {
		switch {
		case a.err != nil:
			errs = append(errs, a.err.Error())
		case a.r.Status != Unknown:
			cancel()
			go func() {
				for range ch {
				}
			}()
			return a.r, nil
		default:
			reasons = append(reasons, a.r.Solver+": "+a.r.Reason)
			best = a.r
		}
	}
	if len(reasons) == 0 && len(errs) > 0 {
		return Result{}, errors.New(strings.Join(errs, "; "))
	}
	best.Status, best.Solver, best.Time = Unknown, p.Name(), time.Since(start)
	best.Reason = strings.Join(append(reasons, errs...), "; ")
	return best, nil
}
