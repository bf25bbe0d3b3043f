package audit

import (
	"fmt"
	"math/big"
	"strings"
	"unicode"
)

// Expressions in claims files: exact rational arithmetic over named integer parameters.
//
//	numbers     3, 1/2 (as division), 0.25
//	operators   + − * / ^ (integer exponent, |e| ≤ 4096), unary −
//	functions   floor(x), ceil(x), min(x, y, …), max(x, y, …)
//	comparisons < <= > >= == !=
//	logic       and, or, not (also && || !)
//
// A comparison yields a boolean; arithmetic on booleans is an error.

type value struct {
	r      *big.Rat
	b      bool
	isBool bool
}

type exprNode interface {
	eval(env map[string]*big.Rat) (value, error)
}

type numNode struct{ r *big.Rat }
type varNode struct{ name string }
type unNode struct {
	op string
	x  exprNode
}
type binNode struct {
	op   string
	x, y exprNode
}
type callNode struct {
	fn   string
	args []exprNode
}

// Expr is a parsed expression.
type Expr struct {
	src  string
	root exprNode
}

func (e *Expr) String() string { return e.src }

// ParseExpr parses an expression.
func ParseExpr(src string) (*Expr, error) {
	p := &parser{src: src}
	p.next()
	n, err := p.parseOr()
	if err != nil {
		return nil, fmt.Errorf("expression %q: %v", src, err)
	}
	if p.tok != "" {
		return nil, fmt.Errorf("expression %q: unexpected %q", src, p.tok)
	}
	return &Expr{src: src, root: n}, nil
}

// Rat evaluates an arithmetic expression.
func (e *Expr) Rat(env map[string]*big.Rat) (*big.Rat, error) {
	v, err := e.root.eval(env)
	if err != nil {
		return nil, fmt.Errorf("%s: %v", e.src, err)
	}
	if v.isBool {
		return nil, fmt.Errorf("%s: is a condition, not a number", e.src)
	}
	return v.r, nil
}

// Int evaluates an expression that must be an integer.
func (e *Expr) Int(env map[string]*big.Rat) (int64, error) {
	r, err := e.Rat(env)
	if err != nil {
		return 0, err
	}
	if !r.IsInt() || !r.Num().IsInt64() {
		return 0, fmt.Errorf("%s = %s is not a (64-bit) integer", e.src, r.RatString())
	}
	return r.Num().Int64(), nil
}

// Bool evaluates a condition.
func (e *Expr) Bool(env map[string]*big.Rat) (bool, error) {
	v, err := e.root.eval(env)
	if err != nil {
		return false, fmt.Errorf("%s: %v", e.src, err)
	}
	if !v.isBool {
		return false, fmt.Errorf("%s: is a number, not a condition", e.src)
	}
	return v.b, nil
}

type parser struct {
	src string
	pos int
	tok string
}

func (p *parser) next() {
	s := p.src
	for p.pos < len(s) && s[p.pos] == ' ' {
		p.pos++
	}
	if p.pos >= len(s) {
		p.tok = ""
		return
	}
	start := p.pos
	c := rune(s[p.pos])
	switch {
	case unicode.IsDigit(c):
		for p.pos < len(s) && (unicode.IsDigit(rune(s[p.pos])) || s[p.pos] == '.') {
			p.pos++
		}
	case unicode.IsLetter(c) || c == '_':
		for p.pos < len(s) && (unicode.IsLetter(rune(s[p.pos])) || unicode.IsDigit(rune(s[p.pos])) || s[p.pos] == '_') {
			p.pos++
		}
	default:
		two := ""
		if p.pos+1 < len(s) {
			two = s[p.pos : p.pos+2]
		}
		switch two {
		case "<=", ">=", "==", "!=", "&&", "||":
			p.pos += 2
		default:
			p.pos++
		}
	}
	p.tok = s[start:p.pos]
}

func (p *parser) expect(t string) error {
	if p.tok != t {
		return fmt.Errorf("want %q, got %q", t, p.tok)
	}
	p.next()
	return nil
}

func (p *parser) parseOr() (exprNode, error) {
	x, err := p.parseAnd()
	for err == nil && (p.tok == "or" || p.tok == "||") {
		p.next()
		var y exprNode
		if y, err = p.parseAnd(); err == nil {
			x = &binNode{"or", x, y}
		}
	}
	return x, err
}

func (p *parser) parseAnd() (exprNode, error) {
	x, err := p.parseNot()
	for err == nil && (p.tok == "and" || p.tok == "&&") {
		p.next()
		var y exprNode
		if y, err = p.parseNot(); err == nil {
			x = &binNode{"and", x, y}
		}
	}
	return x, err
}

func (p *parser) parseNot() (exprNode, error) {
	if p.tok == "not" || p.tok == "!" {
		p.next()
		x, err := p.parseNot()
		return &unNode{"not", x}, err
	}
	return p.parseCmp()
}

func (p *parser) parseCmp() (exprNode, error) {
	x, err := p.parseSum()
	if err != nil {
		return nil, err
	}
	switch p.tok {
	case "<", "<=", ">", ">=", "==", "!=":
		op := p.tok
		p.next()
		y, err := p.parseSum()
		return &binNode{op, x, y}, err
	}
	return x, nil
}

func (p *parser) parseSum() (exprNode, error) {
	x, err := p.parseProd()
	for err == nil && (p.tok == "+" || p.tok == "-") {
		op := p.tok
		p.next()
		var y exprNode
		if y, err = p.parseProd(); err == nil {
			x = &binNode{op, x, y}
		}
	}
	return x, err
}

func (p *parser) parseProd() (exprNode, error) {
	x, err := p.parseUnary()
	for err == nil && (p.tok == "*" || p.tok == "/") {
		op := p.tok
		p.next()
		var y exprNode
		if y, err = p.parseUnary(); err == nil {
			x = &binNode{op, x, y}
		}
	}
	return x, err
}

func (p *parser) parseUnary() (exprNode, error) {
	if p.tok == "-" {
		p.next()
		x, err := p.parseUnary()
		return &unNode{"-", x}, err
	}
	return p.parsePow()
}

func (p *parser) parsePow() (exprNode, error) {
	x, err := p.parseAtom()
	if err == nil && p.tok == "^" {
		p.next()
		var y exprNode
		if y, err = p.parseUnary(); err == nil { // right-associative
			x = &binNode{"^", x, y}
		}
	}
	return x, err
}

func (p *parser) parseAtom() (exprNode, error) {
	t := p.tok
	switch {
	case t == "":
		return nil, fmt.Errorf("unexpected end")
	case t == "(":
		p.next()
		x, err := p.parseOr()
		if err != nil {
			return nil, err
		}
		return x, p.expect(")")
	case unicode.IsDigit(rune(t[0])):
		r, ok := new(big.Rat).SetString(t)
		if !ok || strings.Count(t, ".") > 1 {
			return nil, fmt.Errorf("bad number %q", t)
		}
		p.next()
		return &numNode{r}, nil
	case unicode.IsLetter(rune(t[0])) || t[0] == '_':
		p.next()
		switch t {
		case "floor", "ceil", "min", "max":
			if err := p.expect("("); err != nil {
				return nil, err
			}
			var args []exprNode
			for {
				a, err := p.parseOr()
				if err != nil {
					return nil, err
				}
				args = append(args, a)
				if p.tok != "," {
					break
				}
				p.next()
			}
			if err := p.expect(")"); err != nil {
				return nil, err
			}
			if (t == "floor" || t == "ceil") && len(args) != 1 {
				return nil, fmt.Errorf("%s takes one argument", t)
			}
			return &callNode{t, args}, nil
		case "and", "or", "not":
			return nil, fmt.Errorf("unexpected %q", t)
		}
		return &varNode{t}, nil
	}
	return nil, fmt.Errorf("unexpected %q", t)
}

func num(r *big.Rat) value { return value{r: r} }

// maxValueBits bounds every value an expression computes (numerator and denominator), so
// that a claims file cannot make the audit compute without end: 2^(2^20) is refused.
const maxValueBits = 1 << 16

func sized(r *big.Rat) (value, error) {
	if r.Num().BitLen() > maxValueBits || r.Denom().BitLen() > maxValueBits {
		return value{}, fmt.Errorf("a value of more than %d bits", maxValueBits)
	}
	return num(r), nil
}

func abs64(e int64) int64 {
	if e < 0 {
		return -e
	}
	return e
}

func (n *numNode) eval(map[string]*big.Rat) (value, error) { return num(n.r), nil }

func (n *varNode) eval(env map[string]*big.Rat) (value, error) {
	r, ok := env[n.name]
	if !ok {
		return value{}, fmt.Errorf("unknown parameter %q", n.name)
	}
	return num(r), nil
}

func (n *unNode) eval(env map[string]*big.Rat) (value, error) {
	x, err := n.x.eval(env)
	if err != nil {
		return value{}, err
	}
	if n.op == "not" {
		if !x.isBool {
			return value{}, fmt.Errorf("not of a number")
		}
		return value{b: !x.b, isBool: true}, nil
	}
	if x.isBool {
		return value{}, fmt.Errorf("arithmetic on a condition")
	}
	return num(new(big.Rat).Neg(x.r)), nil
}

func (n *binNode) eval(env map[string]*big.Rat) (value, error) {
	x, err := n.x.eval(env)
	if err != nil {
		return value{}, err
	}
	if n.op == "and" || n.op == "or" {
		if !x.isBool {
			return value{}, fmt.Errorf("%s of a number", n.op)
		}
		if n.op == "and" && !x.b || n.op == "or" && x.b {
			return x, nil
		}
		y, err := n.y.eval(env)
		if err != nil {
			return value{}, err
		}
		if !y.isBool {
			return value{}, fmt.Errorf("%s of a number", n.op)
		}
		return y, nil
	}
	y, err := n.y.eval(env)
	if err != nil {
		return value{}, err
	}
	if x.isBool || y.isBool {
		return value{}, fmt.Errorf("arithmetic or comparison on a condition")
	}
	c := x.r.Cmp(y.r)
	b := func(v bool) (value, error) { return value{b: v, isBool: true}, nil }
	switch n.op {
	case "<":
		return b(c < 0)
	case "<=":
		return b(c <= 0)
	case ">":
		return b(c > 0)
	case ">=":
		return b(c >= 0)
	case "==":
		return b(c == 0)
	case "!=":
		return b(c != 0)
	case "+":
		return sized(new(big.Rat).Add(x.r, y.r))
	case "-":
		return sized(new(big.Rat).Sub(x.r, y.r))
	case "*":
		return sized(new(big.Rat).Mul(x.r, y.r))
	case "/":
		if y.r.Sign() == 0 {
			return value{}, fmt.Errorf("division by zero")
		}
		return sized(new(big.Rat).Quo(x.r, y.r))
	case "^":
		if !y.r.IsInt() || !y.r.Num().IsInt64() || y.r.Num().Int64() > 4096 || y.r.Num().Int64() < -4096 {
			return value{}, fmt.Errorf("exponent %s must be an integer in [-4096, 4096]", y.r.RatString())
		}
		e := y.r.Num().Int64()
		if bits := max(x.r.Num().BitLen(), x.r.Denom().BitLen()); int64(bits-1)*abs64(e) > maxValueBits {
			return value{}, fmt.Errorf("%s^%d has more than %d bits", x.r.RatString(), e, maxValueBits)
		}
		neg := e < 0
		if neg {
			e = -e
			if x.r.Sign() == 0 {
				return value{}, fmt.Errorf("0 to a negative power")
			}
		}
		nu := new(big.Int).Exp(x.r.Num(), big.NewInt(e), nil)
		de := new(big.Int).Exp(x.r.Denom(), big.NewInt(e), nil)
		r := new(big.Rat).SetFrac(nu, de)
		if neg {
			r.Inv(r)
		}
		return num(r), nil
	}
	return value{}, fmt.Errorf("unknown operator %q", n.op)
}

func (n *callNode) eval(env map[string]*big.Rat) (value, error) {
	var args []*big.Rat
	for _, a := range n.args {
		v, err := a.eval(env)
		if err != nil {
			return value{}, err
		}
		if v.isBool {
			return value{}, fmt.Errorf("%s of a condition", n.fn)
		}
		args = append(args, v.r)
	}
	switch n.fn {
	case "floor", "ceil":
		x := args[0]
		q := new(big.Int).Div(x.Num(), x.Denom()) // Euclidean: floor for positive denominators
		if n.fn == "ceil" && !x.IsInt() {
			q.Add(q, big.NewInt(1))
		}
		return num(new(big.Rat).SetInt(q)), nil
	case "min", "max":
		best := args[0]
		for _, a := range args[1:] {
			if (n.fn == "min") == (a.Cmp(best) < 0) {
				best = a
			}
		}
		return num(best), nil
	}
	return value{}, fmt.Errorf("unknown function %q", n.fn)
}

// Vars lists the parameter names the expression uses, each once, in order of appearance.
func (e *Expr) Vars() []string {
	var out []string
	seen := map[string]bool{}
	var walk func(n exprNode)
	walk = func(n exprNode) {
		switch n := n.(type) {
		case *varNode:
			if !seen[n.name] {
				seen[n.name] = true
				out = append(out, n.name)
			}
		case *unNode:
			walk(n.x)
		case *binNode:
			walk(n.x)
			walk(n.y)
		case *callNode:
			for _, a := range n.args {
				walk(a)
			}
		}
	}
	walk(e.root)
	return out
}
