package cert

import (
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// splitComma must split exactly as strings.Split does, whatever the buffer held before.
func TestSplitCommaIsSplit(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	var buf []string
	for _, s := range []string{"", ",", ",,", "a", "a,", ",a", "1,2,3", " 1 , 2 ,\t3"} {
		if buf = splitComma(buf, s); !slices.Equal(buf, strings.Split(s, ",")) {
			t.Fatalf("splitComma(%q) = %q", s, buf)
		}
	}
	const alphabet = "0123456789,- ."
	for range 5000 {
		b := make([]byte, r.IntN(40))
		for i := range b {
			b[i] = alphabet[r.IntN(len(alphabet))]
		}
		s := string(b)
		if buf = splitComma(buf, s); !slices.Equal(buf, strings.Split(s, ",")) {
			t.Fatalf("splitComma(%q) = %q", s, buf)
		}
	}
}
