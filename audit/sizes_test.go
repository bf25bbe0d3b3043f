package audit

import (
	"math/big"
	"strings"
	"testing"

	"certify/cert"
)

func ratRow(v ...int64) []*big.Rat {
	r := make([]*big.Rat, len(v))
	for i, x := range v {
		r[i] = big.NewRat(x, 1)
	}
	return r
}

// net builds a one-hidden-layer network d → m → 1 whose hidden rows are rows.
func net(act cert.Activation, rows ...[]*big.Rat) *cert.Network {
	m := len(rows)
	h := cert.Layer{W: rows, B: ratRow(make([]int64, m)...)}
	for range m {
		h.Act = append(h.Act, act)
	}
	o := cert.Layer{W: [][]*big.Rat{ratRow(make([]int64, m)...)}, B: ratRow(0), Act: []cert.Activation{{Kind: cert.ActIdentity}}}
	for k := range o.W[0] {
		o.W[0][k] = big.NewRat(1, 1)
	}
	return &cert.Network{InputDim: len(rows[0]), Layers: []cert.Layer{h, o}}
}

// A refutation's network must be of the claim's family: a search or construction
// returning a wider network, another activation or another depth is not believed.
func TestCheckShape(t *testing.T) {
	relu := cert.Activation{Kind: cert.ActReLU}
	ht := cert.Activation{Kind: cert.ActHardTanh}
	x := instance{dx: 1, dy: 1, hidden: []int{2}}
	cases := []struct {
		name string
		n    *cert.Network
		want string // "" = accepted
	}{
		{"same", net(relu, ratRow(1), ratRow(2)), ""},
		{"narrower", net(relu, ratRow(1)), ""},
		{"wider", net(relu, ratRow(1), ratRow(2), ratRow(3)), "hidden layer 1 has 3 units; the claim allows 2"},
		{"activation", net(ht, ratRow(1), ratRow(2)), "hidden layer 1 has a hard-tanh unit; the claim is about relu"},
		{"input", net(relu, ratRow(1, 1), ratRow(2, 2)), "the network maps 2 inputs to 1 outputs; the claim speaks of 1 to 1"},
	}
	for _, tc := range cases {
		err := checkShape(tc.n, x, relu)
		switch {
		case tc.want == "" && err != nil:
			t.Errorf("%s: refused: %v", tc.name, err)
		case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
			t.Errorf("%s: got %v, want %q", tc.name, err, tc.want)
		}
	}
}

// Zhang et al.'s 2n + d counts the direction once, and only when every hidden unit reads
// the same one.
func TestCountSharedDirection(t *testing.T) {
	relu := cert.Activation{Kind: cert.ActReLU}
	shared := net(relu, ratRow(1, 3), ratRow(1, 3), ratRow(1, 3))
	got, _, err := countBy(CountSharedDirection, shared, shared.ComputeSizes())
	if err != nil || got != 2+3+3 {
		t.Errorf("shared direction: %d (%v), want d + n + n = 8", got, err)
	}
	if p, _, _ := countBy(CountParameters, shared, shared.ComputeSizes()); p != 3*2+3+3+1 {
		t.Errorf("parameters: %d, want 13", p)
	}
	other := net(relu, ratRow(1, 3), ratRow(1, 4))
	if _, _, err := countBy(CountSharedDirection, other, other.ComputeSizes()); err == nil || !strings.Contains(err.Error(), "another direction") {
		t.Errorf("different rows: %v, want an error", err)
	}
}
