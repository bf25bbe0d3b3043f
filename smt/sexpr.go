package smt

import (
	"fmt"
	"math/big"

	"certify/smt/internal/digits"
	"strings"
)

// DefaultMaxDigits bounds the decimal digits of the numerator or the denominator of any
// number an encoder writes into a formula. A certificate's numbers are already bounded by
// the kernel's limits; this is the second fence, in front of the solvers, which have no
// limit of their own (a 10^6-digit constant is refused here, before any solver sees it).
const DefaultMaxDigits = 10000

// checkDigits refuses |x| with more than max decimal digits (see package digits).
func checkDigits(x *big.Int, max int) error {
	n, exact, over := digits.Over(x, max)
	switch {
	case !over:
		return nil
	case exact:
		return fmt.Errorf("%w: a number with %d decimal digits (limit %d)", ErrTooLarge, n, max)
	}
	return fmt.Errorf("%w: a number with more than %d decimal digits (limit %d)", ErrTooLarge, n-1, max)
}

// Lit writes r as an SMT-LIB Real term: "3.0", "(- 3.0)", "(/ 7.0 12.0)",
// "(- (/ 7.0 12.0))". Decimal numerals keep the term Real in every logic and in both
// z3 and cvc5. It fails (ErrTooLarge) when r's numerator or denominator has more than
// maxDigits decimal digits (0: DefaultMaxDigits).
func Lit(r *big.Rat, maxDigits int) (string, error) {
	if maxDigits == 0 {
		maxDigits = DefaultMaxDigits
	}
	if err := checkDigits(r.Num(), maxDigits); err != nil {
		return "", err
	}
	if err := checkDigits(r.Denom(), maxDigits); err != nil {
		return "", err
	}
	num := new(big.Int).Abs(r.Num()).String() + ".0"
	s := num
	if !r.IsInt() {
		s = "(/ " + num + " " + r.Denom().String() + ".0)"
	}
	if r.Sign() < 0 {
		s = "(- " + s + ")"
	}
	return s, nil
}

// Lits writes each number as an SMT-LIB literal (Lit).
func Lits(v []*big.Rat, maxDigits int) ([]string, error) {
	out := make([]string, len(v))
	for i, r := range v {
		s, err := Lit(r, maxDigits)
		if err != nil {
			return nil, err
		}
		out[i] = s
	}
	return out, nil
}

// sexp is a parsed S-expression: an atom (List == nil) or a list.
type sexp struct {
	Atom string
	List []sexp
	list bool
}

func (e sexp) String() string {
	if !e.list {
		return e.Atom
	}
	parts := make([]string, len(e.List))
	for i, x := range e.List {
		parts[i] = x.String()
	}
	return "(" + strings.Join(parts, " ") + ")"
}

// parseSexps reads all S-expressions of s (comments skipped; strings and |quoted|
// symbols kept as atoms).
func parseSexps(s string) ([]sexp, error) {
	p := &sexpParser{s: s}
	var out []sexp
	for {
		p.skip()
		if p.i >= len(p.s) {
			return out, nil
		}
		e, err := p.parse(0)
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
}

type sexpParser struct {
	s string
	i int
}

func (p *sexpParser) skip() {
	for p.i < len(p.s) {
		switch c := p.s[p.i]; {
		case c == ';':
			for p.i < len(p.s) && p.s[p.i] != '\n' {
				p.i++
			}
		case c == ' ' || c == '\n' || c == '\t' || c == '\r':
			p.i++
		default:
			return
		}
	}
}

func (p *sexpParser) parse(depth int) (sexp, error) {
	if depth > 10000 {
		return sexp{}, fmt.Errorf("s-expression nested too deeply")
	}
	p.skip()
	if p.i >= len(p.s) {
		return sexp{}, fmt.Errorf("unexpected end of solver output")
	}
	switch p.s[p.i] {
	case '(':
		p.i++
		e := sexp{list: true}
		for {
			p.skip()
			if p.i >= len(p.s) {
				return sexp{}, fmt.Errorf("unbalanced parenthesis in solver output")
			}
			if p.s[p.i] == ')' {
				p.i++
				return e, nil
			}
			x, err := p.parse(depth + 1)
			if err != nil {
				return sexp{}, err
			}
			e.List = append(e.List, x)
		}
	case ')':
		return sexp{}, fmt.Errorf("unexpected ')' in solver output")
	case '"', '|':
		q := p.s[p.i]
		j := p.i + 1
		for j < len(p.s) && p.s[j] != q {
			j++
		}
		if j >= len(p.s) {
			return sexp{}, fmt.Errorf("unterminated %c in solver output", q)
		}
		a := p.s[p.i : j+1]
		p.i = j + 1
		return sexp{Atom: a}, nil
	}
	j := p.i
	for j < len(p.s) && !strings.ContainsRune(" \t\r\n()", rune(p.s[j])) {
		j++
	}
	a := p.s[p.i:j]
	p.i = j
	return sexp{Atom: a}, nil
}

// valueOf reads a model value as z3 and cvc5 print it.
func valueOf(e sexp) (Value, error) {
	if !e.list {
		switch e.Atom {
		case "true":
			return Value{IsBool: true, Bool: true}, nil
		case "false":
			return Value{IsBool: true}, nil
		}
		a := e.Atom
		if strings.HasSuffix(a, "?") { // z3's pp.decimal approximation of an irrational
			return Value{Algebraic: true, Approx: strings.TrimSuffix(a, "?")}, nil
		}
		r, ok := new(big.Rat).SetString(a)
		if !ok || strings.ContainsAny(a, "eE") {
			return Value{}, fmt.Errorf("cannot read the value %q", clipStr(a))
		}
		return Value{Rat: r}, nil
	}
	if len(e.List) == 0 {
		return Value{}, fmt.Errorf("empty value")
	}
	head := e.List[0].Atom
	args := e.List[1:]
	switch {
	case head == "-" && len(args) == 1:
		v, err := valueOf(args[0])
		if err != nil || v.Rat == nil {
			return v, err
		}
		return Value{Rat: new(big.Rat).Neg(v.Rat)}, nil
	case head == "/" && len(args) == 2:
		a, err := valueOf(args[0])
		if err != nil {
			return a, err
		}
		b, err := valueOf(args[1])
		if err != nil {
			return b, err
		}
		if a.Rat == nil || b.Rat == nil || b.Rat.Sign() == 0 {
			return Value{}, fmt.Errorf("cannot read the value %s", clipStr(e.String()))
		}
		return Value{Rat: new(big.Rat).Quo(a.Rat, b.Rat)}, nil
	case head == "root-obj" || head == "_":
		return Value{Algebraic: true, Approx: clipStr(e.String())}, nil
	}
	return Value{}, fmt.Errorf("cannot read the value %s", clipStr(e.String()))
}

func clipStr(s string) string {
	if len(s) > 80 {
		return s[:77] + "..."
	}
	return s
}

// parseModel reads the answer to get-value: ((name value) …).
func parseModel(e sexp) (map[string]Value, error) {
	if !e.list {
		return nil, fmt.Errorf("get-value answered %q", clipStr(e.Atom))
	}
	m := make(map[string]Value, len(e.List))
	for _, pair := range e.List {
		if !pair.list || len(pair.List) != 2 || pair.List[0].list {
			return nil, fmt.Errorf("get-value: cannot read %s", clipStr(pair.String()))
		}
		v, err := valueOf(pair.List[1])
		if err != nil {
			return nil, err
		}
		m[pair.List[0].Atom] = v
	}
	return m, nil
}
