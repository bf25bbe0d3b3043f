package construct

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"certify/cert"
	"certify/theorems"
)

// deepBenchSizes are the subset sizes of the deep benchmarks: 1000 and 10000, and the
// sizes in CERTIFY_DEEP_BENCH_N (comma-separated, e.g. "60000") when set.
func deepBenchSizes() []int {
	ns := []int{1000, 10000}
	for _, f := range strings.Split(os.Getenv("CERTIFY_DEEP_BENCH_N"), ",") {
		if v, err := strconv.Atoi(strings.TrimSpace(f)); err == nil && v > 0 {
			ns = append(ns, v)
		}
	}
	return ns
}

// benchDeep builds and checks one construction per iteration on the first N
// Fashion-MNIST images, reporting build and check time separately and the sizes.
func benchDeep(b *testing.B, build func(d *cert.Dataset) (*Result, error)) {
	for _, n := range deepBenchSizes() {
		b.Run(fmt.Sprintf("N=%d", n), func(b *testing.B) {
			d := deepFashion(b, n)
			var r *Result
			var buildT, checkT time.Duration
			for b.Loop() {
				t0 := time.Now()
				var err error
				r, err = build(d)
				if err != nil {
					b.Fatal(err)
				}
				t1 := time.Now()
				rep, err := cert.Check(r.Cert, cert.Options{Theorems: theorems.Table})
				if err != nil || rep.Status != cert.Verified {
					b.Fatalf("%v %v", err, rep.First)
				}
				buildT += t1.Sub(t0)
				checkT += time.Since(t1)
			}
			z := r.Summary.Sizes
			b.ReportMetric(float64(z.Depth), "depth")
			b.ReportMetric(float64(z.Parameters), "params")
			b.ReportMetric(float64(z.NonzeroWeights), "nonzero")
			b.ReportMetric(float64(z.MaxBits), "bits")
			b.ReportMetric(buildT.Seconds()/float64(b.N), "build-s")
			b.ReportMetric(checkT.Seconds()/float64(b.N), "check-s")
		})
	}
}

func BenchmarkVardiFashion(b *testing.B) {
	benchDeep(b, func(d *cert.Dataset) (*Result, error) {
		return Vardi(d, DeepOptions{Options: Options{PatternsBudget: -1}})
	})
}

func BenchmarkParkFashion(b *testing.B) {
	benchDeep(b, func(d *cert.Dataset) (*Result, error) {
		return Park(d, DeepOptions{Options: Options{PatternsBudget: -1}})
	})
}
