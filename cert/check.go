package cert

import (
	"fmt"
	"math/big"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Options tune a check. The zero value is ready to use.
type Options struct {
	// Workers evaluating points in parallel (0: GOMAXPROCS).
	Workers int
	// Progress, when set, is called from time to time with the number of points done.
	Progress func(done, total int)
	// Engine chooses the arithmetic (auto: the fastest exact one; see Engine).
	Engine Engine
	// Timeout, when positive, bounds the time of the whole check (the point pass and every
	// claim checked as a whole: pieces, hyperplanes, no-fit, theorem): work stopped by it
	// leaves the claim Undecided (limit-reached), never Verified or Refuted.
	Timeout time.Duration
	// MaxValueBits bounds the size of the numbers that compound (0: DefaultMaxValueBits;
	// negative: no bound): those computed while evaluating the network, walking a pieces
	// claim's regions, eliminating a hyperplane's points and multiplying a no-fit bound
	// (see doc.go, Numbers). A larger one leaves the claim Undecided (limit-reached).
	MaxValueBits int
	// Theorems is the table of theorem formulas that theorem claims are checked against
	// (package certify/theorems has it). Without it a theorem claim is Undecided with
	// code theorem-formulas-unchecked; see theorem.go.
	Theorems Theorems
}

// Check verifies every claim of c exactly and returns the verdict. The error is non-nil
// only when a claim does not fit the certificate's network or dataset (a *MalformedError):
// a false claim is a Refuted report, never an error.
func Check(c *Certificate, opt Options) (*Report, error) {
	bud := opt.budget(time.Now())
	if c.Network != nil {
		if err := c.Network.validate(); err != nil {
			return nil, err
		}
	}
	if c.Data != nil {
		if err := validateDataset(c.Data); err != nil {
			return nil, err
		}
		if c.Network != nil && c.Data.D != c.Network.InputDim {
			return nil, fieldErr("dataset", "points have dimension %d but network.input_dim is %d", c.Data.D, c.Network.InputDim)
		}
	}
	if len(c.Claims) == 0 {
		return nil, fieldErr("claims", "is empty; a certificate states at least one claim")
	}
	for i, cl := range c.Claims {
		path := fmt.Sprintf("claims[%d]", i)
		spec, ok := specOf(cl)
		if !ok {
			return nil, fieldErr(path, "a claim of type %T is not one of the kinds this kernel checks (%s)", cl, knownKinds())
		}
		if err := checkNeeds(spec, path, c); err != nil {
			return nil, err
		}
		if err := validateClaim(cl, path, c); err != nil {
			return nil, err
		}
		if t, ok := cl.(TheoremClaim); ok && opt.Theorems != nil {
			if !opt.Theorems.Known(t.Theorem) {
				return nil, fieldErr(path+".theorem", "unknown theorem %q", clip(t.Theorem))
			}
		}
	}
	d := c.Data
	rep := &Report{}
	if c.Network != nil {
		rep.Sizes = c.Network.ComputeSizes()
	}
	if d != nil {
		rep.Data = &DataSummary{N: d.N, D: d.D, Task: d.Task.String(), Classes: d.Classes,
			LabelDim: d.LabelDim, Duplicates: d.Duplicates}
	}
	// Every result starts Undecided and becomes Verified only where its check ran.
	results := make([]ClaimResult, len(c.Claims))
	for i, cl := range c.Claims {
		results[i] = ClaimResult{Index: i, Kind: cl.Kind(), Status: Undecided}
	}

	// Point-wise claims share one pass over the data.
	var pointwise []int
	needStates := false
	for i, cl := range c.Claims {
		switch cl.(type) {
		case ExactClaim, ArgmaxClaim, ThresholdClaim, EpsilonClaim:
			pointwise = append(pointwise, i)
		case PatternsClaim:
			pointwise = append(pointwise, i)
			needStates = true
		}
	}
	if len(pointwise) > 0 {
		eng := newEngine(c.Network, d, bud)
		rep.Engine = eng.name()
		fails, stop := runPoints(c, eng, pointwise, needStates, opt, bud, nil)
		for _, ci := range pointwise {
			results[ci].Checked = pointCount(c.Claims[ci], d)
			if f := fails[ci]; f != nil {
				// A false obligation is a refutation even when a limit stopped the pass.
				results[ci].Status = Refuted
				results[ci].Failure = f
			} else if stop != nil {
				results[ci].Status = Undecided
				results[ci].Failure = limitFailure(fmt.Sprintf("claims[%d]", ci), stop.msg)
				results[ci].Failure.Point, results[ci].Failure.Layer = stop.point, stop.layer
				results[ci].Checked = 0
			} else {
				results[ci].Status = Verified
			}
		}
	}
	for i, cl := range c.Claims {
		r := &results[i]
		switch cl := cl.(type) {
		case ExactClaim, ArgmaxClaim, ThresholdClaim, EpsilonClaim:
			// decided by the pass over the points
		case PatternsClaim:
			if r.Status == Verified && cl.Distinct {
				if f := checkDistinct(cl, i); f != nil {
					r.Status, r.Failure = Refuted, f
				}
			}
		case SizesClaim:
			f, n := checkSizes(cl, rep.Sizes, i)
			r.Status, r.Checked = Verified, n
			if f != nil {
				r.Status, r.Failure = Refuted, f
			}
		case PiecesClaim:
			var name string
			r.Status, r.Checked, r.Detail, r.Failure, name = cl.checkWithin(c, i, bud)
			if rep.Engine == "" {
				rep.Engine = name
			} else if rep.Engine != name {
				rep.Engine += ", " + name
			}
		case HyperplanesClaim:
			r.Status, r.Checked, r.Detail, r.Failure = cl.checkWithin(c, i, bud)
		case NoFitClaim:
			r.Status, r.Checked, r.Detail, r.Failure = cl.checkWithin(c, i, bud)
		case FloatClaim:
			r.Status, r.Checked, r.Detail, r.Failure = cl.checkWithin(c, i, bud)
		case TheoremClaim:
			r.Status, r.Checked, r.Detail, r.Failure = checkTheorem(cl, c, i, rep.Sizes, opt.Theorems, bud)
		default:
			// specOf refused every other type above; a kind added to the table but not
			// here stays Undecided rather than verified.
			r.Failure = &Failure{Code: CodeNotChecked, Path: fmt.Sprintf("claims[%d]", i), Point: -1, Layer: -1, Unit: -1,
				Message: "the kernel has no check for this claim kind"}
		}
		if r.Status != Verified && r.Failure == nil {
			r.Status = Undecided
			r.Failure = &Failure{Code: CodeNotChecked, Path: fmt.Sprintf("claims[%d]", i), Point: -1, Layer: -1, Unit: -1,
				Message: "the check of this claim ended without a verdict"}
		}
	}
	rep.Claims = results
	rep.Status = summarise(results, &rep.First)
	return rep, nil
}

// summarise is Refuted if any claim is (first the first refuted), else Undecided if any
// claim is (first the first undecided), else Verified.
func summarise(results []ClaimResult, first **Failure) Status {
	for i := range results {
		if results[i].Status == Refuted {
			*first = results[i].Failure
			return Refuted
		}
	}
	for i := range results {
		if results[i].Status != Verified {
			*first = results[i].Failure
			return Undecided
		}
	}
	if len(results) == 0 {
		return Undecided
	}
	return Verified
}

func pointCount(cl Claim, d *Dataset) int {
	if p, ok := cl.(PatternsClaim); ok && p.Points != nil {
		return len(p.Points)
	}
	return d.N
}

// pointStop says why a budget stopped the point pass.
type pointStop struct {
	msg          string
	point, layer int
}

// workerCrash carries a worker's panic to the caller's goroutine, where the CLI reports
// it as an internal error (exit 4): never a verdict, never a crash lost with the worker.
type workerCrash struct {
	mu sync.Mutex
	r  any
}

// catch, deferred in a worker, records its panic and stops the other workers.
func (c *workerCrash) catch(stopped *atomic.Bool) {
	if r := recover(); r != nil {
		c.mu.Lock()
		if c.r == nil {
			c.r = r
		}
		c.mu.Unlock()
		stopped.Store(true)
	}
}

// raise panics again with the first worker's panic, if there was one.
func (c *workerCrash) raise() {
	if c.r != nil {
		panic(c.r)
	}
}

// runPoints evaluates every point once and runs the point-wise claims on it (and keep,
// when not nil, on its outputs). It returns, per claim index, the failure at the smallest
// point index found (nil when none), and what stopped the pass when a limit of the budget
// did (nil when every point was done).
func runPoints(c *Certificate, eng engine, claims []int, needStates bool, opt Options, bud budget, keep func(i int, out []*big.Rat)) (map[int]*Failure, *pointStop) {
	d := c.Data
	workers := opt.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	// For pattern claims on a subset of points, map point → pattern entry.
	patIndex := map[int]map[int]int{}
	for _, ci := range claims {
		if p, ok := c.Claims[ci].(PatternsClaim); ok && p.Points != nil {
			m := make(map[int]int, len(p.Points))
			for k, pt := range p.Points {
				m[pt] = k
			}
			patIndex[ci] = m
		}
	}
	var mu sync.Mutex
	fails := map[int]*Failure{}
	record := func(ci int, f *Failure) {
		mu.Lock()
		if old := fails[ci]; old == nil || f.Point < old.Point {
			fails[ci] = f
		}
		mu.Unlock()
	}
	const block = pointBlock
	var next, done, evaluated atomic.Int64
	// The deadline stops every worker at once (stopped). The number size limit stops the
	// pass at the smallest point that exceeds it (stopAt): blocks are taken in order, so
	// every point before it is evaluated and the outcome does not depend on the workers.
	var stopped atomic.Bool
	var stopAt atomic.Int64
	stopAt.Store(int64(d.N))
	var stop, bitsStop *pointStop
	halt := func(ps *pointStop) {
		mu.Lock()
		if stop == nil {
			stop = ps
		}
		mu.Unlock()
		stopped.Store(true)
	}
	tooBig := func(ps *pointStop) {
		mu.Lock()
		if bitsStop == nil || ps.point < bitsStop.point {
			bitsStop = ps
			stopAt.Store(int64(ps.point))
		}
		mu.Unlock()
	}
	var wg sync.WaitGroup
	outDim := c.Network.OutputDim()
	var crash workerCrash
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer crash.catch(&stopped)
			ev := eng.newEvaluator()
			out := make([]*big.Rat, outDim)
			for k := range out {
				out[k] = new(big.Rat)
			}
			var states [][]byte
			if needStates {
				states = c.Network.NewStates()
			}
			pc := &pointChecker{d: d, outDim: outDim, t: new(big.Rat)}
			for !stopped.Load() {
				start := int(next.Add(block)) - block
				if start >= int(stopAt.Load()) {
					return
				}
				end := min(start+block, d.N)
				for i := start; i < end; i++ {
					if stopped.Load() || i >= int(stopAt.Load()) {
						return
					}
					if bud.late() {
						halt(&pointStop{msg: bud.timeMsg(int(evaluated.Load()), d.N, "points"), point: -1, layer: -1})
						return
					}
					if li := ev.eval(i, out, states); li >= 0 {
						if bud.late() {
							halt(&pointStop{msg: bud.timeMsg(int(evaluated.Load()), d.N, "points"), point: -1, layer: -1})
						} else {
							tooBig(&pointStop{msg: bud.bitsMsg(fmt.Sprintf("at point %d, layer %d", i, li)), point: i, layer: li})
						}
						return
					}
					evaluated.Add(1)
					if keep != nil {
						keep(i, out)
					}
					for _, ci := range claims {
						var f *Failure
						switch cl := c.Claims[ci].(type) {
						case ExactClaim:
							f = pc.exact(i, out)
						case ArgmaxClaim:
							f = pc.argmax(i, out, cl.Margin)
						case ThresholdClaim:
							f = pc.threshold(i, out, cl.Threshold)
						case EpsilonClaim:
							f = pc.epsilon(i, out, cl.Epsilon)
						case PatternsClaim:
							k := i
							if m, ok := patIndex[ci]; ok {
								var in bool
								if k, in = m[i]; !in {
									continue
								}
							}
							f = checkPattern(cl.Patterns[k], states, ci, i, k)
						}
						if f != nil {
							record(ci, f)
						}
					}
				}
				n := done.Add(int64(end - start))
				if opt.Progress != nil {
					opt.Progress(int(n), d.N)
				}
			}
		}()
	}
	wg.Wait()
	crash.raise()
	if stop == nil && bitsStop != nil {
		stop = bitsStop
		// Failures after the point that stopped the pass were found by chance.
		for ci, f := range fails {
			if f.Point > stop.point {
				delete(fails, ci)
			}
		}
	}
	return fails, stop
}

type pointChecker struct {
	d      *Dataset
	outDim int
	t      *big.Rat
}

func (pc *pointChecker) exact(i int, out []*big.Rat) *Failure {
	want := pc.d.TargetVector(i, pc.outDim)
	for k, v := range out {
		if v.Cmp(want[k]) != 0 {
			return &Failure{Code: CodeOutputMismatch, Path: fmt.Sprintf("points[%d].output[%d]", i, k),
				Point: i, Layer: -1, Unit: k, Want: want[k].RatString(), Got: v.RatString(),
				Message: fmt.Sprintf("f(x_%d)[%d] is not the label", i, k)}
		}
	}
	return nil
}

func (pc *pointChecker) argmax(i int, out []*big.Rat, margin *big.Rat) *Failure {
	c := pc.d.Labels[i]
	for j, v := range out {
		if j == c {
			continue
		}
		diff := pc.t.Sub(out[c], v)
		if diff.Cmp(margin) < 0 {
			return &Failure{Code: CodeArgmaxMargin, Path: fmt.Sprintf("points[%d].output[%d]", i, j),
				Point: i, Layer: -1, Unit: j, Want: ">= " + margin.RatString(), Got: diff.RatString(),
				Message: fmt.Sprintf("f(x_%d)[%d] − f(x_%d)[%d] (label %d against output %d) is below the margin", i, c, i, j, c, j)}
		}
	}
	return nil
}

func (pc *pointChecker) threshold(i int, out []*big.Rat, t *big.Rat) *Failure {
	pred := 0
	if out[0].Cmp(t) >= 0 {
		pred = 1
	}
	if pred != pc.d.Labels[i] {
		return &Failure{Code: CodeThresholdMismatch, Path: fmt.Sprintf("points[%d].output[0]", i),
			Point: i, Layer: -1, Unit: 0, Want: fmt.Sprintf("class %d", pc.d.Labels[i]), Got: fmt.Sprintf("class %d (f = %s)", pred, out[0].RatString()),
			Message: fmt.Sprintf("1[f(x_%d) >= %s] is not the label", i, t.RatString())}
	}
	return nil
}

func (pc *pointChecker) epsilon(i int, out []*big.Rat, eps *big.Rat) *Failure {
	want := pc.d.TargetVector(i, pc.outDim)
	for k, v := range out {
		diff := pc.t.Sub(v, want[k])
		diff.Abs(diff)
		if diff.Cmp(eps) > 0 {
			return &Failure{Code: CodeEpsilonExceeded, Path: fmt.Sprintf("points[%d].output[%d]", i, k),
				Point: i, Layer: -1, Unit: k, Want: "<= " + eps.RatString(), Got: diff.RatString(),
				Message: fmt.Sprintf("|f(x_%d)[%d] − y| exceeds ε (f = %s, y = %s)", i, k, v.RatString(), want[k].RatString())}
		}
	}
	return nil
}

func checkPattern(stated []string, states [][]byte, ci, i, k int) *Failure {
	for l, s := range stated {
		got := states[l]
		for u := 0; u < len(s); u++ {
			if s[u] != got[u] {
				return &Failure{Code: CodePatternMismatch, Path: fmt.Sprintf("claims[%d].patterns[%d][%d][%d]", ci, k, l, u),
					Point: i, Layer: l, Unit: u, Want: string(s[u]), Got: string(got[u]),
					Message: fmt.Sprintf("unit %d of hidden layer %d is not in the stated state at point %d", u, l, i)}
			}
		}
	}
	return nil
}

func checkDistinct(cl PatternsClaim, ci int) *Failure {
	point := func(k int) int {
		if cl.Points != nil {
			return cl.Points[k]
		}
		return k
	}
	first := make(map[string]int, len(cl.Patterns))
	for k, p := range cl.Patterns {
		key := strings.Join(p, "|")
		if j, seen := first[key]; seen {
			return &Failure{Code: CodePatternsNotUnique, Path: fmt.Sprintf("claims[%d].patterns[%d]", ci, k),
				Point: point(k), Layer: -1, Unit: -1, Want: "distinct patterns", Got: fmt.Sprintf("same as patterns[%d]", j),
				Message: fmt.Sprintf("points %d and %d share an activation pattern", point(j), point(k))}
		}
		first[key] = k
	}
	return nil
}

// checkSizes compares each stated size with the network's, in a fixed order; it returns
// the first that differs and the number compared.
func checkSizes(cl SizesClaim, s Sizes, ci int) (*Failure, int) {
	var stated [][3]string // field, stated, computed
	num := func(field string, want *int64, got int64) {
		if want != nil {
			stated = append(stated, [3]string{field, fmt.Sprint(*want), fmt.Sprint(got)})
		}
	}
	wide := func(p *int) *int64 {
		if p == nil {
			return nil
		}
		v := int64(*p)
		return &v
	}
	num("depth", wide(cl.Depth), int64(s.Depth))
	num("hidden_units", wide(cl.HiddenUnits), int64(s.HiddenUnits))
	num("parameters", cl.Parameters, s.Parameters)
	num("nonzero_weights", cl.NonzeroWeights, s.NonzeroWeights)
	num("nonzero_parameters", cl.NonzeroParameters, s.NonzeroParameters)
	num("max_bits", wide(cl.MaxBits), int64(s.MaxBits))
	if cl.Widths != nil {
		stated = append(stated, [3]string{"widths", fmt.Sprint(cl.Widths), fmt.Sprint(s.Widths)})
	}
	for k, it := range stated {
		if it[1] != it[2] {
			return &Failure{Code: CodeSizeMismatch, Path: fmt.Sprintf("claims[%d].%s", ci, it[0]), Point: -1, Layer: -1, Unit: -1,
				Want: it[1], Got: it[2], Message: "stated " + it[0] + " differs from the network's"}, k + 1
		}
	}
	n := len(stated)
	if b := cl.MaxBitsAtMost; b != nil {
		n++
		if s.MaxBits > *b {
			return &Failure{Code: CodeSizeMismatch, Path: fmt.Sprintf("claims[%d].max_bits_at_most", ci), Point: -1, Layer: -1, Unit: -1,
				Want: fmt.Sprintf("max_bits ≤ %d", *b), Got: fmt.Sprint(s.MaxBits), Message: "the network's max_bits exceeds the stated bound"}, n
		}
	}
	return nil, n
}

// Outputs evaluates n exactly at every point of d (in parallel) and returns f(x_i) for each
// i. n's input dimension must match d's.
func Outputs(n *Network, d *Dataset, opt Options) ([][]*big.Rat, error) {
	if err := n.validate(); err != nil {
		return nil, err
	}
	if n.InputDim != d.D {
		return nil, fieldErr("network.input_dim", "is %d but the data points have dimension %d", n.InputDim, d.D)
	}
	bud := opt.budget(time.Now())
	res := make([][]*big.Rat, d.N)
	_, stop := runPoints(&Certificate{Network: n, Data: d}, newEngine(n, d, bud), nil, false, opt, bud, func(i int, out []*big.Rat) {
		res[i] = make([]*big.Rat, len(out))
		for k, v := range out {
			res[i][k] = new(big.Rat).Set(v)
		}
	})
	if stop != nil {
		return nil, &LimitError{Msg: stop.msg}
	}
	return res, nil
}
