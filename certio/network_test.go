package certio

import (
	"bytes"
	"encoding/json"
	"io"
	"math/big"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"

	"certify/cert"
)

// The network was once written through its wire form: strings, json.Marshal, prettyJSON.
// That path is kept here as the oracle the direct writer (network.go) must match byte for
// byte.

type wireNetwork struct {
	InputDim int         `json:"input_dim"`
	Layers   []wireLayer `json:"layers"`
}

type wireLayer struct {
	Activation  string     `json:"activation,omitempty"`
	Activations []string   `json:"activations,omitempty"`
	Weights     [][]string `json:"weights"`
	Biases      []string   `json:"biases"`
}

func wireNet(n *cert.Network) *wireNetwork {
	wn := &wireNetwork{InputDim: n.InputDim}
	for _, l := range n.Layers {
		var wl wireLayer
		same := true
		for _, a := range l.Act {
			same = same && a.String() == l.Act[0].String()
		}
		if same && len(l.Act) > 0 {
			wl.Activation = l.Act[0].String()
		} else {
			for _, a := range l.Act {
				wl.Activations = append(wl.Activations, a.String())
			}
		}
		for _, row := range l.W {
			wl.Weights = append(wl.Weights, ratStrings(row))
		}
		wl.Biases = ratStrings(l.B)
		wn.Layers = append(wn.Layers, wl)
	}
	return wn
}

func writeJSON(w io.Writer, v any) error {
	raw, err := marshal(v)
	if err != nil {
		return err
	}
	var out bytes.Buffer
	prettyJSON(&out, raw)
	out.WriteByte('\n')
	_, err = w.Write(out.Bytes())
	return err
}

// oldEncode is Encode as it was: the network marshalled inside the certificate.
func oldEncode(w io.Writer, c *cert.Certificate) error {
	var buf bytes.Buffer
	c2 := *c
	c2.Network = nil
	if err := Encode(&buf, &c2); err != nil {
		return err
	}
	if c.Network == nil {
		_, err := w.Write(buf.Bytes())
		return err
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(buf.Bytes(), &m); err != nil {
		return err
	}
	type wire struct {
		Format     string          `json:"format"`
		Provenance json.RawMessage `json:"provenance,omitempty"`
		Network    *wireNetwork    `json:"network,omitempty"`
		Dataset    json.RawMessage `json:"dataset,omitempty"`
		Claims     json.RawMessage `json:"claims"`
	}
	var f string
	json.Unmarshal(m["format"], &f)
	return writeJSON(w, wire{Format: f, Provenance: m["provenance"], Network: wireNet(c.Network), Dataset: m["dataset"], Claims: m["claims"]})
}

func TestNetworkWriterMatchesWireForm(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join("..", "testdata", "certs", "valid", "*.json"))
	if len(files) == 0 {
		t.Fatal("no fixtures")
	}
	lim := cert.Limits{DataRoots: []string{filepath.Join("..", "testdata", "certs")}}
	nets := 0
	for _, path := range files {
		f, err := os.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		c, err := cert.Decode(f, filepath.Dir(path), lim)
		f.Close()
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		var got, want bytes.Buffer
		if err := Encode(&got, c); err != nil {
			t.Fatal(err)
		}
		if err := oldEncode(&want, c); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got.Bytes(), want.Bytes()) {
			t.Errorf("%s: certificate differs from the wire form:\n%s\nwant\n%s", path, got.String(), want.String())
		}
		if c.Network != nil {
			nets++
			got.Reset()
			want.Reset()
			EncodeNetwork(&got, c.Network)
			writeJSON(&want, wireNet(c.Network))
			if !bytes.Equal(got.Bytes(), want.Bytes()) {
				t.Errorf("%s: network differs from the wire form:\n%s\nwant\n%s", path, got.String(), want.String())
			}
		}
	}
	// Random networks: powers of two and other denominators, numbers past int64, per-unit
	// activations.
	rng := rand.New(rand.NewPCG(7, 8))
	num := func() *big.Rat {
		r := new(big.Rat)
		switch rng.IntN(5) {
		case 0:
			r.SetInt64(rng.Int64N(1000) - 500)
		case 1:
			r.SetFrac(big.NewInt(rng.Int64N(1<<24)-1<<23), new(big.Int).Lsh(big.NewInt(1), uint(rng.IntN(200))))
		case 2:
			r.SetFrac(new(big.Int).Lsh(big.NewInt(rng.Int64N(99)-49), uint(rng.IntN(100))), big.NewInt(rng.Int64N(1e6)+1))
		case 3:
			r.SetFrac(big.NewInt(rng.Int64N(7)-3), new(big.Int).Exp(big.NewInt(3), big.NewInt(int64(rng.IntN(60))), nil))
		default:
			r.SetInt64(0)
		}
		return r
	}
	for c := range 300 {
		n := &cert.Network{InputDim: 1 + rng.IntN(4)}
		in := n.InputDim
		for range 1 + rng.IntN(3) {
			var l cert.Layer
			out := 1 + rng.IntN(4)
			for range out {
				row := make([]*big.Rat, in)
				for k := range row {
					row[k] = num()
				}
				l.W = append(l.W, row)
				l.B = append(l.B, num())
				a := cert.Activation{Kind: cert.ActKind(rng.IntN(5))}
				if a.Kind == cert.ActLeakyReLU {
					a.Slope = big.NewRat(1, 10)
				}
				l.Act = append(l.Act, a)
			}
			n.Layers = append(n.Layers, l)
			in = out
		}
		var got, want bytes.Buffer
		EncodeNetwork(&got, n)
		writeJSON(&want, wireNet(n))
		if !bytes.Equal(got.Bytes(), want.Bytes()) {
			t.Fatalf("case %d: network differs:\n%s\nwant\n%s", c, got.String(), want.String())
		}
	}
	if nets == 0 {
		t.Fatal("no fixture with a network")
	}
}
