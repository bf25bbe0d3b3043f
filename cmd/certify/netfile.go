package main

import (
	"bytes"
	"fmt"
	"os"
	"runtime/debug"

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
	m, err := readCollectingLess(func() (*modelio.Model, error) { return modelio.Read(raw, nil) })
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

// readCollectingLess runs a model reader (import, and every command that takes a model
// file: loadModel) with the collector paused, up to a soft limit of 2 GiB
// of heap (past which it collects as usual): every rational the reader builds stays
// live, so a collection while they are built finds nothing to free and only rescans
// them (40 % of a 10 MB import's CPU time before).
func readCollectingLess(read func() (*modelio.Model, error)) (*modelio.Model, error) {
	limit := debug.SetMemoryLimit(-1)
	gc := debug.SetGCPercent(-1)
	debug.SetMemoryLimit(min(limit, 2<<30))
	defer func() {
		debug.SetGCPercent(gc)
		debug.SetMemoryLimit(limit)
	}()
	return read()
}
