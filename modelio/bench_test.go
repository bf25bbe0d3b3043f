package modelio

import (
	"math/rand"
	"testing"
)

// mlpONNX writes a float32 MLP with the given widths (Gemm with transB, Relu between) and
// seeded random weights.
func mlpONNX(widths []int, seed int64) []byte {
	rng := rand.New(rand.NewSource(seed))
	var nodes, inits []pb
	cur := "input"
	for l := 1; l < len(widths); l++ {
		in, out := widths[l-1], widths[l]
		w := make([]float32, in*out)
		for i := range w {
			w[i] = float32(rng.NormFloat64() * 0.05)
		}
		b := make([]float32, out)
		for i := range b {
			b[i] = float32(rng.NormFloat64() * 0.01)
		}
		wn, bn, h := "W"+itoa(l), "b"+itoa(l), "h"+itoa(l)
		inits = append(inits, tensorF32(wn, []int64{int64(out), int64(in)}, w), tensorF32(bn, []int64{int64(out)}, b))
		nodes = append(nodes, node("Gemm", "fc"+itoa(l), []string{cur, wn, bn}, []string{h}, iattr("transB", 1)))
		cur = h
		if l < len(widths)-1 {
			nodes = append(nodes, node("Relu", "relu"+itoa(l), []string{cur}, []string{"a" + itoa(l)}))
			cur = "a" + itoa(l)
		}
	}
	nodes = append(nodes, node("Identity", "out", []string{cur}, []string{"output"}))
	return model(nodes, inits, vinfo("input", 1, "batch", widths[0]), vinfo("output", 1, "batch", widths[len(widths)-1]))
}

// BenchmarkReadONNX: go test ./modelio -run '^$' -bench ReadONNX -benchtime 3x
func BenchmarkReadONNX(b *testing.B) {
	for _, c := range []struct {
		name   string
		widths []int
	}{{"784-256-256-10", []int{784, 256, 256, 10}}, {"784-1536-1024-10", []int{784, 1536, 1024, 10}}} {
		raw := mlpONNX(c.widths, 1)
		b.Run(c.name, func(b *testing.B) {
			b.SetBytes(int64(len(raw)))
			for i := 0; i < b.N; i++ {
				if _, err := ReadONNX(raw, nil); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(len(raw))/1e6, "MB")
		})
	}
}
