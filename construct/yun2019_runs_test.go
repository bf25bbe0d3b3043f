package construct

import (
	"bytes"
	"math/big"
	"strconv"
	"strings"
	"testing"

	"certify/cert"
)

// lowRankData: class 0 is 40 points of the 2-dimensional linear subspace spanned by two
// integer vectors of R⁶ (a hyperplane w·x = 1 meets it in a line, which holds 2 of its
// points in general), class 1 is 12 points with coordinates in ±1000 (off the subspace).
func lowRankData(t *testing.T) *cert.Dataset {
	t.Helper()
	u := []int64{1, 2, 0, -1, 3, 1}
	v := []int64{0, 1, 1, 2, -1, 4}
	s := splitmix64(42)
	var xs [][]*big.Rat
	var labels []int
	seen := map[string]bool{}
	for len(xs) < 52 {
		row := make([]*big.Rat, 6)
		label := 0
		if len(xs) >= 40 {
			label = 1
			for c := range row {
				row[c] = big.NewRat(int64(s.next()%2001)-1000, 1)
			}
		} else {
			a, b := int64(s.next()%61)-30, int64(s.next()%61)-30
			for c := range row {
				row[c] = big.NewRat(a*u[c]+b*v[c], 1)
			}
		}
		key := ""
		for _, r := range row {
			key += r.RatString() + ","
		}
		if seen[key] {
			continue
		}
		seen[key] = true
		xs = append(xs, row)
		labels = append(labels, label)
	}
	d, err := cert.NewDataset(xs, labels, nil, 2)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// A class in a proper subspace that holds no point of another class: a direction in the
// annihilator of the class's span puts the whole class at one value and every other
// point elsewhere, so one block takes it, where hyperplane groups take 2 points each.
// Both networks verify; the run grouping has fewer blocks, for ReLU and hard-tanh.
func TestYunResNetRunsLowRank(t *testing.T) {
	d := lowRankData(t)
	for _, act := range []string{"", "hardtanh"} {
		blocks := map[bool]int{}
		for _, noRuns := range []bool{true, false} {
			r, err := YunResNet(d, Options{Activation: act, OutsideHypothesis: true, noRuns: noRuns})
			if err != nil {
				t.Fatal(err)
			}
			if rep := checkBytes(t, encode(t, r.Cert)); rep.Status != cert.Verified {
				t.Fatalf("%s noRuns=%v: %s: %v", act, noRuns, rep.Status, rep.First)
			}
			blocks[noRuns] = r.Summary.Blocks
			t.Logf("%q noRuns=%v: %d blocks (%v)", act, noRuns, r.Summary.Blocks, r.Cert.Provenance.Params)
		}
		if blocks[false] >= blocks[true] {
			t.Fatalf("%q: runs %d blocks, hyperplane groups %d: want fewer with runs", act, blocks[false], blocks[true])
		}
		if blocks[false] > 4 { // class 0 in one block, class 1 (12 points, d_x = 6) in at most 2, the output block
			t.Fatalf("%q: runs %d blocks, want at most 4", act, blocks[false])
		}
	}
}

// The same data give the same certificate, byte for byte (seeded searches only).
func TestYunResNetDeterministic(t *testing.T) {
	for _, d := range []*cert.Dataset{lowRankData(t), deepFashion(t, 300)} {
		var first []byte
		for i := 0; i < 2; i++ {
			r, err := YunResNet(d, Options{OutsideHypothesis: true, PatternsBudget: -1})
			if err != nil {
				t.Fatal(err)
			}
			b := encode(t, r.Cert)
			if i == 0 {
				first = b
			} else if !bytes.Equal(first, b) {
				t.Fatal("two builds of the same data differ")
			}
		}
	}
}

// Digits (1797 images, 8×8): hyperplane groups hold at most the hull's 61 points, so every
// class takes several blocks; with runs the class processed last (all other points
// pushed, on the sum of the pushed classes' coordinates above it) takes one block, and
// the network has fewer blocks than the hyperplane groups alone. Both verify.
func TestYunResNetRunsLastClass(t *testing.T) {
	if testing.Short() {
		t.Skip("-short")
	}
	d := deepLoadCSV(t, "digits.csv.gz", 0, 0)
	blocks := map[bool]int{}
	for _, noRuns := range []bool{true, false} {
		r, err := YunResNet(d, Options{OutsideHypothesis: true, PatternsBudget: -1, noRuns: noRuns})
		if err != nil {
			t.Fatal(err)
		}
		if rep := checkBytes(t, encode(t, r.Cert)); rep.Status != cert.Verified {
			t.Fatalf("noRuns=%v: %s: %v", noRuns, rep.Status, rep.First)
		}
		blocks[noRuns] = r.Summary.Blocks
		pr := r.Cert.Provenance.Params
		t.Logf("noRuns=%v: %d blocks (per class %s, order %s)", noRuns, r.Summary.Blocks, pr["blocks_per_class"], pr["class_order"])
		if !noRuns {
			order := strings.Fields(pr["class_order"])
			per := strings.Fields(pr["blocks_per_class"])
			last, _ := strconv.Atoi(order[len(order)-1])
			if per[last] != "1" {
				t.Fatalf("the last class %d took %s blocks, want 1", last, per[last])
			}
		}
	}
	if blocks[false] >= blocks[true] {
		t.Fatalf("runs %d blocks, hyperplane groups %d: want fewer with runs", blocks[false], blocks[true])
	}
}
