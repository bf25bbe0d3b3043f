package cert

import (
	"bytes"
	"fmt"
	"math/big"
	"math/rand/v2"
	"strings"
	"testing"
	"time"
)

// deepDigitsCert writes a certificate of `layers` one-unit layers whose weights have
// `digits`-digit numerators and denominators (under the digit limit): exact evaluation
// compounds them, about 2·digits·3.3 more bits per layer. 200 layers of 2000 digits make
// about 0.8 MB; unbounded, the point's values grow to millions of digits.
func deepDigitsCert(layers, digits int) []byte {
	r := rand.New(rand.NewPCG(1, 2))
	num := func() string {
		var b strings.Builder
		b.WriteByte(byte('1' + r.IntN(9)))
		for i := 1; i < digits; i++ {
			b.WriteByte(byte('0' + r.IntN(10)))
		}
		return b.String()
	}
	var b bytes.Buffer
	b.WriteString(`{"format":"certify/v1","network":{"input_dim":1,"layers":[`)
	for l := 0; l < layers; l++ {
		if l > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"activation":"relu","weights":[["%s/%s"]],"biases":["0"]}`, num(), num())
	}
	b.WriteString(`]},"dataset":{"task":"regression","inputs":[["3/7"]],"targets":[["1"]]},"claims":[{"kind":"exact"}]}`)
	return b.Bytes()
}

// A certificate whose numbers each stay under the digit limit but compound layer after
// layer is undecided, naming the number size limit, quickly, under every engine.
func TestDeepCompoundingIsUndecided(t *testing.T) {
	raw := deepDigitsCert(200, 2000)
	if len(raw) < 700_000 {
		t.Fatalf("certificate of %d bytes, want about 0.8 MB", len(raw))
	}
	c, err := Decode(bytes.NewReader(raw), "", Limits{})
	if err != nil {
		t.Fatal(err)
	}
	for _, eng := range Engines {
		start := time.Now()
		rep, err := Check(c, Options{Engine: eng})
		el := time.Since(start)
		if err != nil {
			t.Fatal(err)
		}
		if rep.Status != Undecided || rep.First == nil || rep.First.Code != CodeLimit {
			t.Fatalf("%s engine: %v %v, want undecided limit-reached", eng, rep.Status, rep.First)
		}
		want := fmt.Sprintf("number size limit of %d bits reached at point 0, layer", DefaultMaxValueBits)
		if !strings.Contains(rep.First.Message, want) {
			t.Errorf("%s engine: message %q, want it to contain %q", eng, rep.First.Message, want)
		}
		if el > 5*time.Second {
			t.Errorf("%s engine: %v to stop", eng, el)
		}
		t.Logf("%s engine: %v in %v", eng, rep.First, el)
	}
	// A larger limit lets it go further; a negative one removes it (not run: minutes).
	rep, err := Check(c, Options{Engine: EngineBig, MaxValueBits: 1 << 10})
	if err != nil || rep.Status != Undecided || !strings.Contains(rep.First.Message, "limit of 1024 bits reached at point 0, layer 0") {
		t.Errorf("1024-bit limit: %v %v", rep.Status, rep.First)
	}
}

// A pieces claim on the 26-layer sawtooth (2^26 regions, minutes of work) with a small
// timeout is undecided when the time is up, under every engine.
func TestPiecesTimeoutIsUndecided(t *testing.T) {
	c := &Certificate{Format: FormatV1, Network: sawtooth(26), Claims: []Claim{sawClaim(26)}}
	for _, eng := range Engines {
		start := time.Now()
		rep, err := Check(c, Options{Engine: eng, Timeout: 100 * time.Millisecond})
		el := time.Since(start)
		if err != nil {
			t.Fatal(err)
		}
		if rep.Status != Undecided || rep.First == nil || rep.First.Code != CodeLimit {
			t.Fatalf("%s engine: %v %v, want undecided limit-reached", eng, rep.Status, rep.First)
		}
		if !strings.HasPrefix(rep.First.Message, "time limit 100ms reached after ") || !strings.HasSuffix(rep.First.Message, " of 67108864 regions") {
			t.Errorf("%s engine: message %q", eng, rep.First.Message)
		}
		if el > 3*time.Second {
			t.Errorf("%s engine: %v to stop", eng, el)
		}
	}
}

// The point pass stops at the deadline: the point-wise claims are undecided and say how
// many points were done.
func TestPointTimeoutIsUndecided(t *testing.T) {
	var inputs, targets [][]*big.Rat
	for i := 0; i < 500; i++ {
		inputs = append(inputs, []*big.Rat{big.NewRat(int64(i), 1)})
		targets = append(targets, []*big.Rat{big.NewRat(int64(i), 1)})
	}
	ds, err := NewDataset(inputs, nil, targets, 0)
	if err != nil {
		t.Fatal(err)
	}
	n := &Network{InputDim: 1, Layers: []Layer{{W: [][]*big.Rat{{big.NewRat(1, 1)}}, B: []*big.Rat{new(big.Rat)}, Act: []Activation{{Kind: ActIdentity}}}}}
	c := &Certificate{Format: FormatV1, Network: n, Data: ds, Claims: []Claim{ExactClaim{}}}
	for _, eng := range Engines {
		rep, err := Check(c, Options{Engine: eng, Timeout: time.Nanosecond})
		if err != nil {
			t.Fatal(err)
		}
		if rep.Status != Undecided || rep.First.Code != CodeLimit || rep.First.Message != "time limit 1ns reached after 0 of 500 points" {
			t.Errorf("%s engine: %v %v", eng, rep.Status, rep.First)
		}
		if rep, _ := Check(c, Options{Engine: eng, Timeout: time.Minute}); rep.Status != Verified {
			t.Errorf("%s engine, a minute: %v %v", eng, rep.Status, rep.First)
		}
	}
}

// The number size limit stops the point pass at the smallest point that exceeds it,
// whatever the workers do: failures before that point refute, later ones are not looked
// at.
func TestBitsLimitStopsAtTheFirstPoint(t *testing.T) {
	var inputs, targets [][]*big.Rat
	for i := 0; i < 3000; i++ {
		x := big.NewRat(int64(i), 1)
		if i == 1700 || i == 2500 || i > 2900 {
			x.SetFrac(new(big.Int).Lsh(big.NewInt(1), 100), big.NewInt(int64(i)))
		}
		inputs = append(inputs, []*big.Rat{x})
		y := new(big.Rat).Set(x)
		if i == 2000 { // a wrong target after the first oversized point
			y.Add(y, big.NewRat(1, 1))
		}
		targets = append(targets, []*big.Rat{y})
	}
	ds, err := NewDataset(inputs, nil, targets, 0)
	if err != nil {
		t.Fatal(err)
	}
	n := &Network{InputDim: 1, Layers: []Layer{{W: [][]*big.Rat{{big.NewRat(1, 1)}}, B: []*big.Rat{new(big.Rat)}, Act: []Activation{{Kind: ActIdentity}}}}}
	c := &Certificate{Format: FormatV1, Network: n, Data: ds, Claims: []Claim{ExactClaim{}}}
	for _, eng := range []Engine{EngineBig, EngineReference} {
		for run := 0; run < 5; run++ {
			rep, err := Check(c, Options{Engine: eng, MaxValueBits: 64, Workers: 4})
			if err != nil {
				t.Fatal(err)
			}
			if rep.Status != Undecided || rep.First.Point != 1700 || rep.First.Message != "number size limit of 64 bits reached at point 1700, layer 0" {
				t.Fatalf("%s engine: %v %+v", eng, rep.Status, rep.First)
			}
		}
	}
	// A wrong target before the oversized point refutes.
	targets[1000][0] = big.NewRat(-1, 1)
	ds, _ = NewDataset(inputs, nil, targets, 0)
	c.Data = ds
	rep, err := Check(c, Options{Engine: EngineBig, MaxValueBits: 64, Workers: 4})
	if err != nil || rep.Status != Refuted || rep.First.Point != 1000 {
		t.Fatalf("%v %+v", rep.Status, rep.First)
	}
}
