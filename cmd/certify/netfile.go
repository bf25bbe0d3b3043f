package main

import (
	"bytes"
	"fmt"
	"os"

	"certify/cert"
	"certify/modelio"
)

// looksLikeJSON: the first non-blank byte opens a JSON object (a network or a
// certificate). Every model format modelio reads starts otherwise: ONNX with a protobuf
// tag, NNet with "//" or a digit, safetensors with its 8-byte header length, .npy with
// \x93NUMPY, .npz with "PK".
func looksLikeJSON(raw []byte) bool {
	t := bytes.TrimLeft(raw, " \t\r\n")
	return len(t) > 0 && t[0] == '{'
}

// loadModel reads a model file with modelio's defaults (relu on hidden layers, identity
// last, names in natural order for safetensors/npz); certify import has the flags that
// change them.
func loadModel(path string, raw []byte) (*cert.Network, error) {
	m, err := modelio.Read(raw, nil)
	if err != nil {
		return nil, fmt.Errorf("%s (read as %s): %w", path, modelio.Sniff(raw), err)
	}
	return m.Network, nil
}

// loadNetwork reads only a network: a network JSON object, the "network" of a
// certificate (its dataset is not loaded), or a model file.
func loadNetwork(path string, lim cert.Limits) (*cert.Network, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	if !looksLikeJSON(raw) {
		return loadModel(path, raw)
	}
	n, err := cert.DecodeNetwork(bytes.NewReader(raw), lim)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return n, nil
}
