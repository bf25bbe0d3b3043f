package cert

import (
	"math/big"
	"strings"
	"testing"
	"time"
)

func TestParseRat(t *testing.T) {
	good := map[string]string{
		"0": "0", "-3": "-3", "17": "17", "7/12": "7/12", "-1/3": "-1/3", "6/4": "3/2",
		"0.125": "1/8", "-2.50": "-5/2", "000.5": "1/2", "10/5": "2",
	}
	for in, want := range good {
		r, err := ParseRat(in, 0)
		if err != nil {
			t.Errorf("ParseRat(%q): %v", in, err)
			continue
		}
		if got := r.RatString(); got != want {
			t.Errorf("ParseRat(%q) = %s, want %s", in, got, want)
		}
	}
	bad := []string{"", "-", "+1", " 1", "1 ", "1e5", "1E5", "NaN", "Inf", "-Inf", "0x10", "1/0", "1/", "/2",
		".5", "5.", "1.2.3", "1/2/3", "1/-2", "--1", "1.5/2", "½", "1,5"}
	for _, in := range bad {
		if r, err := ParseRat(in, 0); err == nil {
			t.Errorf("ParseRat(%q) = %v, want an error", in, r)
		}
	}
}

// A number with a million digits is refused by the limit, quickly.
func TestParseRatDigitLimit(t *testing.T) {
	huge := "1" + strings.Repeat("0", 1_000_000)
	start := time.Now()
	if _, err := ParseRat(huge, 0); err == nil || !strings.Contains(err.Error(), "digits") {
		t.Fatalf("want a digit-limit error, got %v", err)
	}
	if _, err := ParseRat("1/"+huge, 0); err == nil {
		t.Fatal("a million-digit denominator was accepted")
	}
	if d := time.Since(start); d > time.Second {
		t.Errorf("refusing took %v", d)
	}
	// A raised limit accepts it exactly.
	r, err := ParseRat("1/"+huge[:5001], 6000)
	if err != nil {
		t.Fatal(err)
	}
	if r.Denom().BitLen() < 16000 {
		t.Errorf("denominator too small: %d bits", r.Denom().BitLen())
	}
}

func TestBitComplexity(t *testing.T) {
	for in, want := range map[string]int{"0": 1, "1": 2, "-1": 2, "5": 4, "1/2": 3, "-7/12": 7, "1/8": 5} {
		r, _ := new(big.Rat).SetString(in)
		if got := BitComplexity(r); got != want {
			t.Errorf("BitComplexity(%s) = %d, want %d", in, got, want)
		}
	}
}
