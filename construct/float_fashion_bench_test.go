package construct

import (
	"testing"

	"certify/cert"
)

// BenchmarkFashionFloat64 builds yun-classify on all 60 000 Fashion-MNIST training images,
// adds a float claim for float64 (argmax) and requires the kernel to refute it with a
// witness: a point, an output and the value the plain-order float64 evaluation computes
// (the network is correct at every point exactly and at about 11 % in float64, docs/float.md).
// It reports the witness's point as a metric.
//
//	go test ./construct -run '^$' -bench FashionFloat64 -benchtime 1x
func BenchmarkFashionFloat64(b *testing.B) {
	d := deepFashion(b, 0)
	for i := 0; i < b.N; i++ {
		r, err := YunClassify(d, Options{})
		if err != nil {
			b.Fatal(err)
		}
		c := r.Cert
		c.Data = d
		c.Claims = []cert.Claim{cert.FloatClaim{Format: "float64", Rule: "argmax"}}
		rep, err := cert.Check(c, cert.Options{})
		if err != nil {
			b.Fatal(err)
		}
		if rep.Status != cert.Refuted || rep.First.Code != cert.CodeFloatMismatch {
			b.Fatalf("kernel: %s: %v; want refuted float-mismatch", rep.Status, rep.First)
		}
		b.Logf("witness: %s", rep.First)
		b.ReportMetric(float64(rep.First.Point), "witness-point")
	}
}
