package modelio

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"math/big"
	"strings"

	"certify/cert"
)

// Model is a network read from a model file.
type Model struct {
	Format  string // "onnx", "nnet", "safetensors", "npz" or "npy"
	Network *cert.Network
	// Notes are facts about the file the network does not carry (NNet's input domain).
	Notes []string
}

// Sniff names the format of a model file from its content (never its name): "npy" (the
// \x93NUMPY magic), "npz" (a zip archive), "safetensors" (an 8-byte header length below
// 2^32 followed by a JSON object), "nnet" (text), else "onnx" (a protobuf ModelProto).
func Sniff(b []byte) string {
	switch {
	case bytes.HasPrefix(b, []byte("\x93NUMPY")):
		return "npy"
	case bytes.HasPrefix(b, []byte("PK\x03\x04")), bytes.HasPrefix(b, []byte("PK\x05\x06")):
		return "npz"
	case len(b) >= 9 && binary.LittleEndian.Uint64(b) < 1<<32 && b[8] == '{':
		return "safetensors"
	case isText(b):
		return "nnet"
	}
	return "onnx"
}

// isText: the first 4 KiB are printable ASCII and whitespace, starting with "//" or a
// number (as NNet files do).
func isText(b []byte) bool {
	head := b[:min(len(b), 4096)]
	s := strings.TrimLeft(string(head), " \t\r\n")
	if s == "" || !(strings.HasPrefix(s, "//") || s[0] >= '0' && s[0] <= '9') {
		return false
	}
	for _, c := range head {
		if c != '\n' && c != '\r' && c != '\t' && (c < 0x20 || c > 0x7e) {
			return false
		}
	}
	return true
}

// Read sniffs the format and reads the model.
func Read(b []byte, o *Options) (*Model, error) {
	if o == nil {
		o = &Options{}
	}
	m := &Model{Format: Sniff(b)}
	var err error
	var ts []*Tensor
	switch m.Format {
	case "onnx":
		m.Network, err = ReadONNX(b, o)
	case "nnet":
		var dom [][2]*big.Rat
		m.Network, dom, err = ReadNNet(b, o)
		if err == nil {
			var parts []string
			for i, r := range dom {
				parts = append(parts, fmt.Sprintf("x%d in [%s, %s]", i, r[0].RatString(), r[1].RatString()))
			}
			if o != nil && o.ClampInputs {
				m.Notes = append(m.Notes, "NNet input domain (inputs clamped to it by a hard-tanh first layer): "+strings.Join(parts, ", "))
			} else {
				m.Notes = append(m.Notes, "NNet input domain (the reference evaluator clamps inputs to it; this network does not): "+strings.Join(parts, ", "))
			}
		}
	case "safetensors":
		if ts, err = ReadSafetensors(b, o); err == nil {
			m.Network, err = Stack(ts, o)
		}
	case "npz":
		if ts, err = ReadNpz(b, o); err == nil {
			m.Network, err = Stack(ts, o)
		}
	case "npy":
		var t *Tensor
		if t, err = ReadNpy(b, "array", o); err == nil {
			t.Name = "0.weight"
			m.Network, err = Stack([]*Tensor{t}, o)
		}
	}
	if err != nil {
		if !strings.HasPrefix(err.Error(), m.Format+":") {
			err = fmt.Errorf("%s: %w", m.Format, err)
		}
		return nil, err
	}
	return m, nil
}
