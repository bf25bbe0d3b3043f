package pwl

import (
	"math/big"
	"math/rand/v2"
	"testing"
	"time"

	"certify/cert"
)

// Memory at L = 24 (2^24 = 16.7M pieces) is measured with the command line, which
// streams both the enumeration and the kernel's check:
//
//	certify pieces saw24.json --emit-claim -o saw24.cert.json --stats   # under /usr/bin/time -v
//
// (saw24.json: pwl.Sawtooth(24) written with certio.EncodeNetwork). Measured on a 2-core
// AMD EPYC shared with other jobs (load ≈ 2): peak RSS 13 MB, 73 s to enumerate and 74 s
// to check (≈ 230 000 regions/s each); the certificate is 6 KB, its breakpoints one run.

// BenchmarkSawtoothL20 enumerates m^(20) on [0, 1] (2^20 pieces), builds the claim and
// has the kernel check it; it reports pieces per second for each half.
func BenchmarkSawtoothL20(b *testing.B) {
	n := Sawtooth(20)
	for b.Loop() {
		t0 := time.Now()
		cl, st, err := Claim(n, UnitInterval())
		if err != nil || st.Pieces != 1<<20 {
			b.Fatal(err, st)
		}
		t1 := time.Now()
		rep, err := cert.Check(&cert.Certificate{Format: cert.FormatV1, Network: n, Claims: []cert.Claim{cl}}, cert.Options{})
		if err != nil || rep.Status != cert.Verified {
			b.Fatal(err, rep)
		}
		t2 := time.Now()
		b.ReportMetric(float64(st.Pieces)/t1.Sub(t0).Seconds(), "enum-pieces/s")
		b.ReportMetric(float64(st.Pieces)/t2.Sub(t1).Seconds(), "check-pieces/s")
		b.ReportMetric(float64(st.Pieces), "pieces")
	}
}

// randomNet is a seeded random one-input ReLU network: depth hidden layers of the given
// width, He-like weights k/32 with |k| ≤ 8 (dyadic, so exact and small), biases k/64.
func randomNet(seed uint64, width, depth int) *cert.Network {
	rng := rand.New(rand.NewPCG(seed, 1))
	w := func(den int64) *big.Rat { return big.NewRat(int64(rng.IntN(17)-8), den) }
	n := &cert.Network{InputDim: 1}
	prev := 1
	relu := cert.Activation{Kind: cert.ActReLU}
	for l := 0; l <= depth; l++ {
		out, act := width, relu
		if l == depth {
			out, act = 1, cert.Activation{Kind: cert.ActIdentity}
		}
		var layer cert.Layer
		for j := 0; j < out; j++ {
			row := make([]*big.Rat, prev)
			for k := range row {
				row[k] = w(32)
				if prev == 1 {
					row[k] = w(4) // the input layer: slopes of order 1
				}
			}
			layer.W = append(layer.W, row)
			layer.B = append(layer.B, w(64))
			layer.Act = append(layer.Act, act)
		}
		n.Layers = append(n.Layers, layer)
		prev = out
	}
	return n
}

// BenchmarkRandomWidth64Depth8 enumerates and certifies random width-64, depth-8 ReLU
// networks on [−4, 4].
func BenchmarkRandomWidth64Depth8(b *testing.B) {
	seg := Interval(big.NewRat(-4, 1), big.NewRat(4, 1))
	seed := uint64(0)
	for b.Loop() {
		seed++
		n := randomNet(seed, 64, 8)
		t0 := time.Now()
		cl, st, err := Claim(n, seg)
		if err != nil {
			b.Fatal(err)
		}
		t1 := time.Now()
		rep, err := cert.Check(&cert.Certificate{Format: cert.FormatV1, Network: n, Claims: []cert.Claim{cl}}, cert.Options{})
		if err != nil || rep.Status != cert.Verified {
			b.Fatal(err, rep)
		}
		t2 := time.Now()
		b.ReportMetric(float64(st.Regions), "regions")
		b.ReportMetric(float64(st.Pieces), "pieces")
		b.ReportMetric(t1.Sub(t0).Seconds(), "enum-s")
		b.ReportMetric(t2.Sub(t1).Seconds(), "check-s")
	}
}
