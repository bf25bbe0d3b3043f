package z3solver_test

import (
	"context"
	"math/big"
	"math/rand/v2"
	"os"
	"runtime"
	"testing"
	"time"

	"certify/cert"
	"certify/construct"
	"certify/smt"
)

// Dual-check throughput (issue 4): the kernel and Z3 on the same certificate, each timed,
// with the Go heap's peak growth as a memory figure (Z3's own memory is C heap: run under
// /usr/bin/time -v for the process's peak RSS).
//
//	go test ./smt/z3solver -run '^$' -bench Dual -benchtime 1x

// BenchmarkDualDigits: Zhang et al.'s construction on the 1797 digits (64 inputs, one
// hidden unit per point), the exact-memorisation claim discharged by both.
func BenchmarkDualDigits(b *testing.B) {
	d, _, err := cert.LoadSource(cert.Source{Format: "csv", Path: "../../testdata/data/digits.csv.gz", Task: cert.Classification}, cert.Limits{})
	if err != nil {
		b.Fatal(err)
	}
	r, err := construct.Zhang(d, construct.Options{PatternsBudget: -1})
	if err != nil {
		b.Fatal(err)
	}
	dual(b, r.Cert, 0)
}

// BenchmarkDual10k: a 4→16→16→1 ReLU network with small rational weights on 10 000 random
// points with small integer coordinates, targets its exact outputs.
func BenchmarkDual10k(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 2))
	rat := func() *big.Rat { return big.NewRat(int64(rng.IntN(9)-4), int64(1+rng.IntN(4))) }
	widths := []int{4, 16, 16, 1}
	n := &cert.Network{InputDim: 4}
	for l := 1; l < len(widths); l++ {
		var layer cert.Layer
		act := cert.Activation{Kind: cert.ActReLU}
		if l == len(widths)-1 {
			act = cert.Activation{Kind: cert.ActIdentity}
		}
		for u := 0; u < widths[l]; u++ {
			row := make([]*big.Rat, widths[l-1])
			for k := range row {
				row[k] = rat()
			}
			layer.W = append(layer.W, row)
			layer.B = append(layer.B, rat())
			layer.Act = append(layer.Act, act)
		}
		n.Layers = append(n.Layers, layer)
	}
	const N = 10000
	xs := make([][]*big.Rat, N)
	for i := range xs {
		xs[i] = []*big.Rat{big.NewRat(int64(i%97), 1), big.NewRat(int64(i/97), 1), big.NewRat(int64(i%13-6), 1), big.NewRat(int64(i%7), 2)}
	}
	zero := make([][]*big.Rat, N)
	for i := range zero {
		zero[i] = []*big.Rat{new(big.Rat)}
	}
	d0, err := cert.NewDataset(xs, nil, zero, 0)
	if err != nil {
		b.Fatal(err)
	}
	ys, err := cert.Outputs(n, d0, cert.Options{})
	if err != nil {
		b.Fatal(err)
	}
	d, err := cert.NewDataset(xs, nil, ys, 0)
	if err != nil {
		b.Fatal(err)
	}
	dual(b, &cert.Certificate{Format: cert.FormatV1, Network: n, Data: d, Claims: []cert.Claim{cert.ExactClaim{}}}, 0)
}

func dual(b *testing.B, c *cert.Certificate, chunk int) {
	if os.Getenv("CERTIFY_BENCH_SKIP_SMT") != "" {
		b.Skip("CERTIFY_BENCH_SKIP_SMT")
	}
	s := newSolver(b)
	for it := 0; it < b.N; it++ {
		var m0, m1 runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&m0)
		t0 := time.Now()
		krep, err := cert.Check(c, cert.Options{})
		if err != nil || krep.Status != cert.Verified {
			b.Fatalf("kernel: %v %v", krep.Status, err)
		}
		tk := time.Since(t0)
		t1 := time.Now()
		srep, err := smt.CheckCertificate(context.Background(), s, c, smt.CheckOptions{Chunk: chunk})
		if err != nil {
			b.Fatal(err)
		}
		ts := time.Since(t1)
		runtime.ReadMemStats(&m1)
		if d := smt.Compare(krep, srep); len(d) > 0 || srep.Status != cert.Verified {
			b.Fatalf("disagreement %v (solver %v)", d, srep.Status)
		}
		b.ReportMetric(tk.Seconds(), "kernel-s")
		b.ReportMetric(ts.Seconds(), "z3-s")
		b.ReportMetric(ts.Seconds()/tk.Seconds(), "z3/kernel")
		b.ReportMetric(float64(c.Data.N)/ts.Seconds(), "z3-points/s")
		b.ReportMetric(float64(m1.TotalAlloc-m0.TotalAlloc)/(1<<20), "go-alloc-MB")
		b.ReportMetric(float64(srep.Queries), "queries")
	}
}
