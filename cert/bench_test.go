package cert

import (
	"fmt"
	"math/big"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"testing"
)

// fashionDir is where Debian's dataset-fashion-mnist puts the IDX files; override with
// CERTIFY_FASHION_DIR.
func fashionDir() string {
	if d := os.Getenv("CERTIFY_FASHION_DIR"); d != "" {
		return d
	}
	return "/usr/share/datasets/fashion-mnist"
}

func loadFashion(b testing.TB, limit int) *Dataset {
	dir := fashionDir()
	src := Source{Format: "idx", Images: filepath.Join(dir, "train-images-idx3-ubyte.gz"),
		LabelsPath: filepath.Join(dir, "train-labels-idx1-ubyte.gz"), Limit: limit}
	if _, err := os.Stat(src.Images); err != nil {
		b.Skip("Fashion-MNIST not installed (apt-get install dataset-fashion-mnist)")
	}
	ds, _, err := LoadSource(src, Limits{})
	if err != nil {
		b.Fatal(err)
	}
	return ds
}

// denseNet builds a network with weights k/8, k in [-8, 8], and biases k/4.
func denseNet(widths []int, seed uint64) *Network {
	rng := rand.New(rand.NewPCG(seed, 1))
	n := &Network{InputDim: widths[0]}
	for l := 1; l < len(widths); l++ {
		var layer Layer
		act := Activation{Kind: ActReLU}
		if l == len(widths)-1 {
			act = Activation{Kind: ActIdentity}
		}
		for j := 0; j < widths[l]; j++ {
			row := make([]*big.Rat, widths[l-1])
			for k := range row {
				row[k] = big.NewRat(int64(rng.IntN(17)-8), 8)
			}
			layer.W = append(layer.W, row)
			layer.B = append(layer.B, big.NewRat(int64(rng.IntN(9)-4), 4))
			layer.Act = append(layer.Act, act)
		}
		n.Layers = append(n.Layers, layer)
	}
	return n
}

// floatForward is the plain float64 forward pass the exact check is compared with.
func floatForward(w [][][]float64, b [][]float64, x []float64, buf [][]float64) []float64 {
	a := x
	for l := range w {
		z := buf[l]
		for j, row := range w[l] {
			s := b[l][j]
			for k, v := range row {
				s += v * a[k]
			}
			if l < len(w)-1 && s < 0 {
				s = 0
			}
			z[j] = s
		}
		a = z
	}
	return a
}

// floatForwardT is the float64 pass with the exact engine's loop order: weights transposed,
// input-major, zero activations skipped (a ReLU network on images has many). It is the
// fair float64 figure to compare the exact check with.
func floatForwardT(wT [][][]float64, b [][]float64, x []float64, buf [][]float64) []float64 {
	a := x
	for l := range wT {
		z := buf[l]
		copy(z, b[l])
		for k, v := range a {
			if v == 0 {
				continue
			}
			row := wT[l][k]
			for j := range z {
				z[j] += row[j] * v
			}
		}
		if l < len(wT)-1 {
			for j, s := range z {
				if s < 0 {
					z[j] = 0
				}
			}
		}
		a = z
	}
	return a
}

// BenchmarkFashionDense is the reference benchmark: the exact check of a
// certificate for a dense 784→512→512→10 ReLU network with small rational weights on
// 10 000 Fashion-MNIST images ("exact" sub-benchmark), against a plain float64 forward
// pass of the same network on the same data, single-threaded and parallel.
func BenchmarkFashionDense(b *testing.B) {
	const n = 10000
	fd := loadFashion(b, n)
	net := denseNet([]int{784, 512, 512, 10}, 1)
	// Targets: the exact outputs, so that the certificate verifies.
	outs, err := Outputs(net, fd, Options{})
	if err != nil {
		b.Fatal(err)
	}
	inputs := make([][]*big.Rat, fd.N)
	for i := range inputs {
		inputs[i] = fd.Input(i)
	}
	ds, err := NewDataset(inputs, nil, outs, 0)
	if err != nil {
		b.Fatal(err)
	}
	c := &Certificate{Format: FormatV1, Network: net, Data: ds, Claims: []Claim{ExactClaim{}}}

	// float64 copies.
	var w [][][]float64
	var bias [][]float64
	for _, l := range net.Layers {
		var wl [][]float64
		var bl []float64
		for j, row := range l.W {
			r := make([]float64, len(row))
			for k, v := range row {
				r[k], _ = v.Float64()
			}
			wl = append(wl, r)
			f, _ := l.B[j].Float64()
			bl = append(bl, f)
		}
		w = append(w, wl)
		bias = append(bias, bl)
	}
	xs := make([][]float64, fd.N)
	row := make([]int64, fd.D)
	for i := range xs {
		xs[i] = make([]float64, fd.D)
		for k, v := range fd.IntRow(i, row) {
			xs[i][k] = float64(v)
		}
	}
	wT := make([][][]float64, len(w))
	for l := range w {
		wT[l] = make([][]float64, len(w[l][0]))
		for k := range wT[l] {
			wT[l][k] = make([]float64, len(w[l]))
			for j := range w[l] {
				wT[l][k][j] = w[l][j][k]
			}
		}
	}
	newBuf := func() [][]float64 {
		return [][]float64{make([]float64, 512), make([]float64, 512), make([]float64, 10)}
	}

	b.Run("exact", func(b *testing.B) {
		for b.Loop() {
			rep, err := Check(c, Options{})
			if err != nil || rep.Status != Verified {
				b.Fatalf("%v %v", err, rep.First)
			}
		}
		b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "points/s")
	})
	b.Run("float64-1core", func(b *testing.B) {
		buf := newBuf()
		for b.Loop() {
			for _, x := range xs {
				floatForward(w, bias, x, buf)
			}
		}
		b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "points/s")
	})
	for _, v := range []struct {
		name string
		fwd  func(w [][][]float64, b [][]float64, x []float64, buf [][]float64) []float64
		w    [][][]float64
	}{{"float64-parallel", floatForward, w}, {"float64-sparse-parallel", floatForwardT, wT}} {
		b.Run(v.name, func(b *testing.B) {
			workers := runtime.GOMAXPROCS(0)
			for b.Loop() {
				var wg sync.WaitGroup
				for g := 0; g < workers; g++ {
					wg.Add(1)
					go func() {
						defer wg.Done()
						buf := newBuf()
						for i := g; i < len(xs); i += workers {
							v.fwd(v.w, bias, xs[i], buf)
						}
					}()
				}
				wg.Wait()
			}
			b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "points/s")
		})
	}
}

// BenchmarkNetworkFashion evaluates the network file CERTIFY_BENCH_NET (a network JSON
// object, e.g. the float32 MLP scripts/random_mlp.py writes, imported) on the Fashion-MNIST
// training images (CERTIFY_BENCH_POINTS of them, default all 60 000) with the auto engine,
// and logs the tier each layer ran in. scripts/bench_mlp.sh runs it beside NumPy.
func BenchmarkNetworkFashion(b *testing.B) {
	path := os.Getenv("CERTIFY_BENCH_NET")
	if path == "" {
		b.Skip("CERTIFY_BENCH_NET not set")
	}
	f, err := os.Open(path)
	if err != nil {
		b.Fatal(err)
	}
	net, err := DecodeNetwork(f, Limits{MaxFileBytes: 1 << 30})
	f.Close()
	if err != nil {
		b.Fatal(err)
	}
	limit := 0
	if s := os.Getenv("CERTIFY_BENCH_POINTS"); s != "" {
		if _, err := fmt.Sscan(s, &limit); err != nil {
			b.Fatal(err)
		}
	}
	fd := loadFashion(b, limit)
	b.Logf("tiers %v, %d points", Tiers(net, fd), fd.N)
	for b.Loop() {
		if _, err := Outputs(net, fd, Options{}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(fd.N)*float64(b.N)/b.Elapsed().Seconds(), "points/s")
}
