package floatsim

import (
	"math/big"
	"math/rand"
	"testing"

	"certify/cert"
)

// A 784-256-256-10 ReLU network with float32-like weights, one input per iteration.
func benchNet(b *testing.B, a Arith) (*Net, []*big.Rat) {
	r := rand.New(rand.NewSource(4))
	dims := []int{784, 256, 256, 10}
	n := &cert.Network{InputDim: dims[0]}
	for li := 1; li < len(dims); li++ {
		l := cert.Layer{}
		for j := 0; j < dims[li]; j++ {
			row := make([]*big.Rat, dims[li-1])
			for k := range row {
				row[k] = new(big.Rat).SetFloat64(float64(float32(r.NormFloat64() / 16)))
			}
			l.W = append(l.W, row)
			l.B = append(l.B, new(big.Rat))
			act := cert.Activation{Kind: cert.ActReLU}
			if li == len(dims)-1 {
				act.Kind = cert.ActIdentity
			}
			l.Act = append(l.Act, act)
		}
		n.Layers = append(n.Layers, l)
	}
	m, err := Compile(n, a)
	if err != nil {
		b.Fatal(err)
	}
	x := make([]*big.Rat, 784)
	for k := range x {
		x[k] = big.NewRat(int64(r.Intn(256)), 255)
	}
	return m, x
}

func BenchmarkForward64(b *testing.B) {
	m, x := benchNet(b, Float64)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		m.Eval(x)
	}
}

func BenchmarkForward32(b *testing.B) {
	m, x := benchNet(b, Float32)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		m.Eval(x)
	}
}
