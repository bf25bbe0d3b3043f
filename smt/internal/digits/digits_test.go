package digits

import (
	"math/big"
	"testing"
)

// Over agrees with the decimal string's length around every power of ten up to 10^400.
func TestOverAtPowersOfTen(t *testing.T) {
	ten := big.NewInt(10)
	p := big.NewInt(1)
	for n := 1; n <= 400; n++ {
		p.Mul(p, ten) // 10^n has n+1 digits; 10^n − 1 has n
		below := new(big.Int).Sub(p, big.NewInt(1))
		for _, x := range []*big.Int{below, p, new(big.Int).Neg(p)} {
			d := len(new(big.Int).Abs(x).String())
			if _, _, over := Over(x, d); over {
				t.Fatalf("%d digits reported over a limit of %d", d, d)
			}
			if d == 1 {
				continue // a limit of 0 means no limit
			}
			m, exact, over := Over(x, d-1)
			if !over || (exact && m != d) || (!exact && m > d) {
				t.Fatalf("%d digits vs limit %d: n=%d exact=%v over=%v", d, d-1, m, exact, over)
			}
		}
	}
	if _, _, over := Over(p, 0); over {
		t.Error("max ≤ 0 means no limit")
	}
}
