package cert

import (
	"fmt"
	"math/big"
	"time"
)

// Engine chooses the arithmetic the kernel evaluates networks with. Every engine computes
// the same exact values and so gives the same verdict (the fixture harness and a property
// test hold them to that); they differ in speed and in how much code a verdict rests on.
type Engine uint8

// Engines. The zero value is EngineAuto.
const (
	// EngineAuto: int64 arithmetic where a static bound proves it exact, then 128, 192
	// or 256-bit integers where a static bound proves them exact (wide.go), 128-bit sums
	// where the operands' sizes prove them exact, math/big elsewhere (fast.go); for
	// pieces claims the checked int64 region walk, math/big when a value leaves its range.
	EngineAuto Engine = iota
	// EngineBig: math/big integers over per-point scales, no int64 or 128-bit arithmetic;
	// the math/big region walk for pieces claims.
	EngineBig
	// EngineReference: Network.Eval (rational arithmetic, one unit after another) at
	// every point, and the rational region walk for pieces claims: the simplest code.
	EngineReference
)

var engineNames = [...]string{EngineAuto: "auto", EngineBig: "big", EngineReference: "reference"}

// Engines lists every engine, in the order of their names in ParseEngine.
var Engines = []Engine{EngineAuto, EngineBig, EngineReference}

func (e Engine) String() string {
	if int(e) < len(engineNames) {
		return engineNames[e]
	}
	return fmt.Sprintf("engine(%d)", e)
}

// ParseEngine reads an engine's name: auto, big or reference.
func ParseEngine(s string) (Engine, error) {
	for e, name := range engineNames {
		if s == name {
			return Engine(e), nil
		}
	}
	return 0, fmt.Errorf("unknown engine %q (want auto, big or reference)", s)
}

// DefaultMaxValueBits bounds, when Options.MaxValueBits is 0, the size of every number the
// kernel computes while evaluating a network: a numerator, a denominator or a scale of
// more bits stops the check as undecided (limit-reached). Exact evaluation multiplies
// numbers layer after layer, so a deep network whose every weight is under the digit
// limit can still ask for numbers of millions of digits, and the gcds that keep fractions
// in lowest terms cost quadratic time in their size. The constructions' certificates
// (every one the construct tests build, Vardi's deep digit extraction included) reach at
// most 5 583 bits; 2^16 bits is twelve times that, and one gcd at that size takes about
// 10 ms (at 2^18 bits: 0.4 s).
const DefaultMaxValueBits = 1 << 16

// budget is what bounds one check: the engine, the deadline and the number size.
type budget struct {
	engine   Engine
	timeout  time.Duration
	deadline time.Time // zero: none
	maxBits  int       // ≤ 0: none
}

func (o Options) budget(start time.Time) budget {
	b := budget{engine: o.Engine, timeout: o.Timeout, maxBits: o.MaxValueBits}
	if o.Timeout > 0 {
		b.deadline = start.Add(o.Timeout)
	}
	if b.maxBits == 0 {
		b.maxBits = DefaultMaxValueBits
	}
	return b
}

// late reports whether the deadline has passed.
func (b budget) late() bool { return !b.deadline.IsZero() && time.Now().After(b.deadline) }

// timeMsg names the time limit and how far the check got.
func (b budget) timeMsg(done, total int, what string) string {
	return fmt.Sprintf("time limit %v reached after %d of %d %s", b.timeout, done, total, what)
}

// bitsMsg names the number size limit.
func (b budget) bitsMsg(where string) string {
	return fmt.Sprintf("number size limit of %d bits reached %s", b.maxBits, where)
}

func limitFailure(path, msg string) *Failure {
	return &Failure{Code: CodeLimit, Path: path, Point: -1, Layer: -1, Unit: -1, Message: msg}
}

// newEngine returns the point evaluator of the chosen engine for n on d.
func newEngine(n *Network, d *Dataset, b budget) engine {
	switch b.engine {
	case EngineBig:
		return b.withDeadline(planBig(n, d, true, b.maxBits))
	case EngineReference:
		return &refEngine{n: n, d: d, maxBits: b.maxBits, deadline: b.deadline}
	}
	if p := planTiers(n, d, planInt64(n, d), b.maxBits, b.deadline); p != nil {
		return p
	}
	return b.withDeadline(planBig(n, d, false, b.maxBits))
}

func (b budget) withDeadline(p *bigPlan) *bigPlan {
	p.deadline = b.deadline
	return p
}

// refEngine evaluates every point with Network.Eval's plain rational arithmetic.
type refEngine struct {
	n        *Network
	d        *Dataset
	maxBits  int
	deadline time.Time
}

func (r *refEngine) name() string            { return "reference" }
func (r *refEngine) newEvaluator() evaluator { return r }

func (r *refEngine) eval(i int, out []*big.Rat, states [][]byte) int {
	v, bad := r.n.eval(r.d.Input(i), states, r.maxBits, r.deadline)
	if bad >= 0 {
		return bad
	}
	for k := range out {
		out[k].Set(v[k])
	}
	return -1
}

// ratBits is the size of r: the larger bit length of its numerator and denominator.
func ratBits(r *big.Rat) int { return max(r.Num().BitLen(), r.Denom().BitLen()) }

// LimitError reports that a limit of Options (time, number size) stopped an evaluation
// before it was done.
type LimitError struct{ Msg string }

func (e *LimitError) Error() string { return e.Msg }
