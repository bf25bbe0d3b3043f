package smt

import (
	"bufio"
	"context"
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"
)

// A Batch is many queries that share declarations, asked in one incremental SMT-LIB 2
// script: each query inside push/pop with its own check-sat. Starting a solver per query
// costs more than solving the small queries of a case split. The prefix is written again
// inside every push: with it declared once outside, cvc5 1.0.3 took 3.3 times as long on
// the (2,2) sub-cases and gave up on some.
type Batch struct {
	Name   string   // for reports
	Logic  string   // declared once
	Header string   // written once, at the top level, before the queries
	Prefix string   // declarations and assertions common to every query, in each push
	Bodies []string // one query each (assertions only)
}

// Script is the batch as one SMT-LIB 2 script; the answers come one line per body.
func (b *Batch) Script() string {
	var s strings.Builder
	b.WriteTo(&s, true)
	s.WriteString("(exit)\n")
	return s.String()
}

// WriteTo writes the batch into a larger script, with set-logic when withLogic.
func (b *Batch) WriteTo(s *strings.Builder, withLogic bool) {
	if withLogic && b.Logic != "" {
		fmt.Fprintf(s, "(set-logic %s)\n", b.Logic)
	}
	s.WriteString(b.Header)
	for _, body := range b.Bodies {
		s.WriteString("(push 1)\n")
		s.WriteString(b.Prefix)
		s.WriteString(body)
		s.WriteString("(check-sat)\n(pop 1)\n")
	}
}

// BatchResult is a solver's answers to a batch, one per body (Unknown: given up at the
// per-query limit, or not reached before the context ended), and who gave each.
type BatchResult struct {
	Status []Status
	Solver []string
	Time   time.Duration
}

// Decided counts the definite answers.
func (r *BatchResult) Decided() int {
	n := 0
	for _, s := range r.Status {
		if s != Unknown {
			n++
		}
	}
	return n
}

// A BatchSolver answers a batch in one run. perQuery bounds each query (0: none).
type BatchSolver interface {
	SolveBatch(ctx context.Context, b *Batch, perQuery time.Duration) (*BatchResult, error)
}

// RunScript runs the program on a whole SMT-LIB 2 script (cvc5 in incremental mode, so
// that push/pop and several check-sat work) and returns what it printed. perQuery bounds
// each check-sat (0: none). killed says ctx ended the run; the output is what came before.
func (b *Binary) RunScript(ctx context.Context, script string, perQuery time.Duration) (out string, killed bool, err error) {
	path, err := b.path()
	if err != nil {
		return "", false, err
	}
	var args []string
	switch b.Program {
	case "z3":
		args = []string{"-in", "-smt2"}
		if perQuery > 0 {
			args = append(args, fmt.Sprintf("-t:%d", max(1, perQuery.Milliseconds())))
		}
	case "cvc5":
		args = []string{"--lang=smt2", "--incremental"}
		if perQuery > 0 {
			args = append(args, fmt.Sprintf("--tlimit-per=%d", max(1, perQuery.Milliseconds())))
		}
	default:
		return "", false, fmt.Errorf("smt: unknown solver program %q", b.Program)
	}
	stdout, stderr, runErr := run(ctx, path, args, script)
	if ctx.Err() != nil {
		return stdout, true, nil
	}
	if runErr != nil && stdout == "" {
		return "", false, fmt.Errorf("smt: %s: %v (stderr %q)", b.Program, runErr, clipStr(stderr))
	}
	return stdout, false, nil
}

// SolveBatch runs the program on the batch's script. The answers read before ctx ends
// are kept: a killed run still gives its first answers.
func (b *Binary) SolveBatch(ctx context.Context, bt *Batch, perQuery time.Duration) (*BatchResult, error) {
	start := time.Now()
	out, killed, err := b.RunScript(ctx, bt.Script(), perQuery)
	if err != nil {
		return nil, err
	}
	res := &BatchResult{Status: make([]Status, len(bt.Bodies)), Solver: make([]string, len(bt.Bodies)), Time: time.Since(start)}
	sc := bufio.NewScanner(strings.NewReader(out))
	sc.Buffer(make([]byte, 64*1024), 1<<20)
	i := 0
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" {
			continue
		}
		var st Status
		switch line {
		case "sat":
			st = Sat
		case "unsat":
			st = Unsat
		case "unknown", "timeout":
			st = Unknown
		default:
			if killed {
				return res, nil // a line cut by the kill
			}
			return nil, fmt.Errorf("smt: %s on batch %s: unexpected output %q", b.Program, bt.Name, clipStr(line))
		}
		if i >= len(bt.Bodies) {
			return nil, fmt.Errorf("smt: %s on batch %s: more answers than queries", b.Program, bt.Name)
		}
		res.Status[i] = st
		if st != Unknown {
			res.Solver[i] = b.Program
		}
		i++
	}
	if !killed && i < len(bt.Bodies) {
		return nil, fmt.Errorf("smt: %s on batch %s: %d answers for %d queries", b.Program, bt.Name, i, len(bt.Bodies))
	}
	return res, nil
}

// SolveBatch races the members that can answer batches and merges their answers (the
// first definite answer for each query); it stops the others once one member has
// decided every query it was asked. With no such member it asks Solve query by query.
func (p Portfolio) SolveBatch(ctx context.Context, bt *Batch, perQuery time.Duration) (*BatchResult, error) {
	var members []BatchSolver
	for _, s := range p {
		if b, ok := s.(BatchSolver); ok {
			members = append(members, b)
		}
	}
	if len(members) == 0 {
		return solveBatchOneByOne(ctx, p, bt, perQuery)
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	start := time.Now()
	merged := &BatchResult{Status: make([]Status, len(bt.Bodies)), Solver: make([]string, len(bt.Bodies))}
	var mu sync.Mutex
	var wg sync.WaitGroup
	var errs []string
	var grace sync.Once // when one member is done, the others get as long again
	for _, m := range members {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r, err := m.SolveBatch(ctx, bt, perQuery)
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				if ctx.Err() == nil {
					errs = append(errs, err.Error())
				}
				return
			}
			for i, st := range r.Status {
				if st != Unknown && merged.Status[i] == Unknown {
					merged.Status[i], merged.Solver[i] = st, r.Solver[i]
				}
			}
			if r.Decided() == len(bt.Bodies) {
				cancel()
			}
			grace.Do(func() { time.AfterFunc(time.Since(start)+time.Second, cancel) })
		}()
	}
	wg.Wait()
	merged.Time = time.Since(start)
	if len(errs) == len(members) {
		return nil, fmt.Errorf("smt: every solver failed on batch %s: %s", bt.Name, strings.Join(errs, "; "))
	}
	return merged, nil
}

// solveBatchOneByOne asks s each query of the batch in turn.
func solveBatchOneByOne(ctx context.Context, s Solver, bt *Batch, perQuery time.Duration) (*BatchResult, error) {
	start := time.Now()
	res := &BatchResult{Status: make([]Status, len(bt.Bodies)), Solver: make([]string, len(bt.Bodies))}
	for i, body := range bt.Bodies {
		if ctx.Err() != nil {
			break
		}
		qctx, cancel := ctx, context.CancelFunc(func() {})
		if perQuery > 0 {
			qctx, cancel = context.WithTimeout(ctx, perQuery)
		}
		r, err := s.Solve(qctx, &Query{Name: bt.Name, Logic: bt.Logic, Body: bt.Prefix + body})
		cancel()
		if err != nil {
			return nil, err
		}
		res.Status[i], res.Solver[i] = r.Status, r.Solver
	}
	res.Time = time.Since(start)
	return res, nil
}

// SolveBatch answers a batch with s: in one run when s can, else query by query.
func SolveBatch(ctx context.Context, s Solver, bt *Batch, perQuery time.Duration) (*BatchResult, error) {
	if b, ok := s.(BatchSolver); ok {
		return b.SolveBatch(ctx, bt, perQuery)
	}
	return solveBatchOneByOne(ctx, s, bt, perQuery)
}

// ConfirmUnsat re-runs a script that should answer unsat at every check-sat (a proof of
// non-existence, as package certify/smt/search writes them). A script made of
// independent top-level push/pop blocks, one check-sat each (the form search writes), is
// re-run in batches of blocks with the programs racing on each batch (each block may be
// decided by a different program: z3 and cvc5 are each slow on some); any other script is
// run whole by each program. It returns Unsat and who answered when every check-sat was unsat, Sat
// when a program answered sat somewhere (the proof is wrong), Unknown otherwise, with the
// number of check-sat.
func ConfirmUnsat(ctx context.Context, script string, programs []*Binary) (Status, string, int, error) {
	checks := strings.Count(script, "(check-sat)")
	if checks == 0 {
		return Unknown, "", 0, fmt.Errorf("smt: the script has no check-sat")
	}
	if len(programs) == 0 {
		return Unknown, "", checks, fmt.Errorf("smt: no program to re-run the script")
	}
	header, blocks, ok := splitBlocks(script)
	if !ok || len(blocks) != checks {
		header, blocks = "", []string{script}
	}
	var port Portfolio
	for _, p := range programs {
		port = append(port, p)
	}
	by := map[string]int{}
	// account counts a run's answers for the blocks idx: the first sat found, and the
	// blocks left open.
	account := func(res *BatchResult, idx []int) (satBy string, open []int) {
		for i, st := range res.Status {
			switch st {
			case Sat:
				return res.Solver[i], nil
			case Unknown:
				open = append(open, idx[i])
			default:
				by[res.Solver[i]]++
			}
		}
		return "", open
	}
	var open []int
	if header == "" { // one whole script: run it as it is
		res, err := confirmWhole(ctx, script, checks, programs)
		if err != nil {
			return Unknown, "", checks, err
		}
		idx := make([]int, checks)
		for i := range idx {
			idx[i] = i
		}
		var who string
		if who, open = account(res, idx); who != "" {
			return Sat, who, checks, nil
		}
	} else {
		// Batches of blocks, each block first with a per-query limit (a program stuck on
		// one block would hold up the batch), then the blocks left open without one.
		const perBatch = 500
		for pass := 0; pass < 2; pass++ {
			idx := open
			if pass == 0 {
				idx = make([]int, len(blocks))
				for i := range idx {
					idx[i] = i
				}
			}
			open = nil
			for lo := 0; lo < len(idx); lo += perBatch {
				part := idx[lo:min(lo+perBatch, len(idx))]
				bt := &Batch{Name: fmt.Sprintf("proof blocks %d..%d", part[0]+1, part[len(part)-1]+1), Header: header}
				for _, k := range part {
					bt.Bodies = append(bt.Bodies, blocks[k])
				}
				limit := time.Minute
				if pass == 1 {
					limit = 0
				}
				res, err := port.SolveBatch(ctx, bt, limit)
				if err != nil {
					return Unknown, "", checks, err
				}
				who, left := account(res, part)
				if who != "" {
					return Sat, who, checks, nil
				}
				open = append(open, left...)
			}
			if len(open) == 0 {
				break
			}
		}
	}
	if len(open) > 0 {
		return Unknown, "", checks, fmt.Errorf("%d of %d check-sat not decided (the first: number %d)", len(open), checks, open[0]+1)
	}
	who := make([]string, 0, len(by))
	for k := range by {
		who = append(who, k)
	}
	sort.Strings(who)
	if len(who) > 1 {
		for i, k := range who {
			who[i] = fmt.Sprintf("%s (%d)", k, by[k])
		}
	}
	return Unsat, strings.Join(who, ", "), checks, nil
}

// confirmWhole runs a whole script with each program racing; one status per check-sat
// from the first program that answered all of them definitely.
func confirmWhole(ctx context.Context, script string, checks int, programs []*Binary) (*BatchResult, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	ch := make(chan *BatchResult, len(programs))
	for _, p := range programs {
		go func() {
			res := &BatchResult{Status: make([]Status, checks), Solver: make([]string, checks)}
			out, killed, err := p.RunScript(ctx, script, 0)
			if err == nil && !killed {
				i := 0
				for _, l := range strings.Split(out, "\n") {
					l = strings.TrimSpace(l)
					if (l == "sat" || l == "unsat") && i < checks {
						res.Status[i], res.Solver[i] = Unsat, p.Program
						if l == "sat" {
							res.Status[i] = Sat
						}
						i++
					}
				}
			}
			ch <- res
		}()
	}
	var last *BatchResult
	for range programs {
		last = <-ch
		if last.Decided() == checks {
			return last, nil
		}
		for _, st := range last.Status {
			if st == Sat {
				return last, nil
			}
		}
	}
	return last, nil
}

// splitBlocks cuts a script into its header (before the first top-level push) and the
// bodies of its top-level "(push 1) … (check-sat) (pop 1)" blocks; comment lines between
// blocks are dropped. ok is false for any other shape.
func splitBlocks(script string) (header string, bodies []string, ok bool) {
	lines := strings.SplitAfter(script, "\n")
	var hb, cur strings.Builder
	in, started := false, false
	for _, l := range lines {
		t := strings.TrimSpace(l)
		switch {
		case t == "(push 1)" && !in:
			in, started = true, true
			cur.Reset()
		case t == "(push 1)":
			return "", nil, false // nested
		case t == "(pop 1)" && in:
			body := cur.String()
			if strings.Count(body, "(check-sat)") != 1 || !strings.HasSuffix(body, "(check-sat)\n") {
				return "", nil, false
			}
			bodies = append(bodies, strings.TrimSuffix(body, "(check-sat)\n"))
			in = false
		case in:
			cur.WriteString(l)
		case t == "" || strings.HasPrefix(t, ";") || t == "(exit)":
		case started:
			return "", nil, false // a command between blocks
		default:
			hb.WriteString(l)
		}
	}
	if in || len(bodies) == 0 {
		return "", nil, false
	}
	return hb.String(), bodies, true
}
