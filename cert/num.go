package cert

import (
	"fmt"
	"math/big"
	"strings"
)

// DefaultMaxDigits bounds the number of decimal digits of any number the kernel reads
// (numerator and denominator together). A certificate that needs more must say so through
// Limits.MaxDigits; the bound keeps a hostile input from making the kernel spend unbounded
// time in big-number arithmetic.
const DefaultMaxDigits = 4096

// ParseRat reads an exact rational in one of the three forms the format allows:
//
//	integer        "-3", "0", "17"
//	fraction       "7/12", "-1/3"   (denominator > 0)
//	finite decimal "0.125", "-2.50" (meaning exactly 1/8, -5/2)
//
// Nothing else is accepted: no exponent, no leading '+', no spaces, no NaN or Inf,
// no hexadecimal. maxDigits bounds the number of digits in the text (0 means
// DefaultMaxDigits). The result is in lowest terms.
func ParseRat(s string, maxDigits int) (*big.Rat, error) {
	if maxDigits <= 0 {
		maxDigits = DefaultMaxDigits
	}
	if s == "" {
		return nil, fmt.Errorf("empty string is not a number")
	}
	body := s
	if body[0] == '-' {
		body = body[1:]
	}
	digits := 0
	slash, dot := -1, -1
	for i := 0; i < len(body); i++ {
		c := body[i]
		switch {
		case c >= '0' && c <= '9':
			digits++
		case c == '/' && slash < 0 && dot < 0:
			slash = i
		case c == '.' && dot < 0 && slash < 0:
			dot = i
		default:
			return nil, fmt.Errorf("%q is not an exact rational (want an integer, p/q or a finite decimal)", clip(s))
		}
		if digits > maxDigits {
			return nil, fmt.Errorf("number has more than %d digits (limit; raise it with --max-digits)", maxDigits)
		}
	}
	emptyPart := func(p string) bool { return p == "" }
	switch {
	case slash >= 0:
		if emptyPart(body[:slash]) || emptyPart(body[slash+1:]) {
			return nil, fmt.Errorf("%q is not an exact rational: empty numerator or denominator", clip(s))
		}
	case dot >= 0:
		if emptyPart(body[:dot]) || emptyPart(body[dot+1:]) {
			return nil, fmt.Errorf("%q is not an exact rational: a decimal needs digits on both sides of '.'", clip(s))
		}
	default:
		if body == "" {
			return nil, fmt.Errorf("%q is not a number", clip(s))
		}
	}
	r, ok := new(big.Rat).SetString(s)
	if !ok {
		// SetString rejects a zero denominator.
		return nil, fmt.Errorf("%q is not an exact rational (zero denominator?)", clip(s))
	}
	return r, nil
}

// FormatRat writes r canonically: "p" for integers, "p/q" in lowest terms otherwise.
// ParseRat(FormatRat(r)) == r, and equal rationals give identical strings.
func FormatRat(r *big.Rat) string { return r.RatString() }

// BitComplexity of p/q in lowest terms is bitlen(|p|) + bitlen(q); 0 has complexity 1
// (bitlen(0) = 0, bitlen(1) = 1). For an integer n it is bitlen(|n|) + 1.
func BitComplexity(r *big.Rat) int {
	return r.Num().BitLen() + r.Denom().BitLen()
}

func clip(s string) string {
	if len(s) > 40 {
		return s[:37] + "..."
	}
	return s
}

// ratKey is a canonical string used to compare rational vectors for equality.
func ratKey(v []*big.Rat) string {
	var b strings.Builder
	for i, x := range v {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(x.RatString())
	}
	return b.String()
}
