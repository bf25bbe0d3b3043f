package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"maps"
	"math/big"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"certify/cert"
	"certify/certio"
	"certify/modelio"

	"github.com/spf13/cobra"
)

type importOptions struct {
	*globalOptions
	model       string
	out         string
	data        dataFlags
	claim       string
	margin      string
	epsilon     string
	threshold   string
	inputScale  string
	inputShift  string
	activations string
	layers      string
	clamp       bool
	json        bool
	float       floatFlags
	external    []string // NAME=SHA256: ONNX external data files pinned by hash
}

func newImportCmd(g *globalOptions, s *streams) *cobra.Command {
	o := &importOptions{globalOptions: g}
	cmd := &cobra.Command{
		Use:   "import MODEL -o NET.json | import MODEL --data DATA --claim KIND -o CERT.json",
		Short: "Read a trained network (ONNX, NNet, safetensors, .npz/.npy) with exact weights",
		Long: `import reads a model file — ONNX, NNet, safetensors, NumPy .npz or .npy, told apart by
content, not by name — into a network whose every weight is the exact rational its
stored bits denote (docs/import.md lists the operators and the naming convention).

Without --data it writes the network (a network JSON object) to -o. With --data it
writes a certificate — the network, the dataset pinned by SHA-256, one claim, and the
model's format and SHA-256 in the provenance — and checks it with the kernel.

--input-scale and --input-shift say how the model's input is made from the data's:
x_model = scale·x + shift (one rational for every coordinate, or one per coordinate),
folded exactly into the first layer and recorded in the provenance; e.g. a model
trained on pixels/255 is imported with --input-scale 1/255.

Exit codes: 0 written (and, with --data, verified); 1 the kernel refutes the claim;
2 the model or data is malformed or unsupported (the node, tensor or field is named),
or bad usage; 3 undecided.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			o.model = args[0]
			return runImport(o, s)
		},
	}
	f := cmd.Flags()
	f.StringVarP(&o.out, "out", "o", "", "file to write: the network, or with --data the certificate (required)")
	f.StringVar(&o.claim, "claim", "", "with --data: exact, argmax, threshold or epsilon")
	f.StringVar(&o.margin, "margin", "auto", "argmax: the margin (exact rational > 0; auto: the smallest exact margin on the data)")
	f.StringVar(&o.epsilon, "epsilon", "auto", "epsilon: ε (exact rational ≥ 0; auto: the largest exact residual on the data)")
	f.StringVar(&o.threshold, "threshold", "1/2", "threshold: class 1 iff f(x) ≥ threshold")
	f.StringVar(&o.inputScale, "input-scale", "", "x_model = scale·x + shift: scale, one rational or one per coordinate (comma-separated)")
	f.StringVar(&o.inputShift, "input-shift", "", "x_model = scale·x + shift: shift, one rational or one per coordinate")
	f.StringVar(&o.activations, "activations", "", "safetensors/npz/npy: one activation for every hidden layer, or one per layer, comma-separated (default relu, identity last)")
	f.StringVar(&o.layers, "layers", "", "safetensors/npz: the layer name prefixes in order, comma-separated (default: natural order of the names)")
	f.BoolVar(&o.clamp, "clamp-inputs", false, "NNet: clamp each input to the file's [min, max] as NNet's reference evaluator does (a hard-tanh layer in front)")
	f.BoolVar(&o.json, "json", false, "print a JSON summary on stdout")
	f.StringArrayVar(&o.external, "external-data", nil, "ONNX: NAME=SHA256, an external data file beside the model pinned by its SHA-256 (repeatable); unpinned external data is refused")
	o.data.add(cmd)
	o.float.add(cmd)
	return cmd
}

type importReport struct {
	File    string     `json:"file"`
	Model   string     `json:"model"`
	Format  string     `json:"model_format"`
	SHA256  string     `json:"model_sha256"`
	Sizes   cert.Sizes `json:"sizes"`
	Claim   string     `json:"claim,omitempty"`
	Verdict string     `json:"verdict,omitempty"`
	Engine  string     `json:"engine,omitempty"`
	Notes   []string   `json:"notes,omitempty"`
	// External: the external data files read, by name, with their SHA-256.
	External map[string]string `json:"external_data,omitempty"`
}

func splitList(s string) []string {
	if strings.TrimSpace(s) == "" {
		return nil
	}
	parts := strings.Split(s, ",")
	for i := range parts {
		parts[i] = strings.TrimSpace(parts[i])
	}
	return parts
}

// ratVector reads one rational for every coordinate or one per coordinate.
func ratVector(flag, s string, d, maxDigits int) ([]*big.Rat, error) {
	parts := splitList(s)
	if parts == nil {
		return nil, nil
	}
	if len(parts) != 1 && len(parts) != d {
		return nil, fmt.Errorf("--%s: %d values for input dimension %d (give one, or one per coordinate)", flag, len(parts), d)
	}
	out := make([]*big.Rat, d)
	for i := range out {
		p := parts[0]
		if len(parts) == d {
			p = parts[i]
		}
		r, err := cert.ParseRat(p, maxDigits)
		if err != nil {
			return nil, fmt.Errorf("--%s: %q: %v", flag, p, err)
		}
		out[i] = r
	}
	return out, nil
}

func readModelFile(path string, limit int64) ([]byte, string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, "", err
	}
	defer f.Close()
	// One buffer of the file's size (plus the byte that detects growth past the limit),
	// not ReadAll's doublings: a model is tens of megabytes.
	b := make([]byte, 0, 512)
	if st, err := f.Stat(); err == nil && st.Mode().IsRegular() && st.Size() < limit {
		b = make([]byte, 0, st.Size()+1)
	}
	lr := io.LimitReader(f, limit+1)
	for {
		if len(b) == cap(b) {
			b = append(b, 0)[:len(b)]
		}
		n, rerr := lr.Read(b[len(b):cap(b)])
		b = b[:len(b)+n]
		if rerr == io.EOF {
			break
		}
		if err = rerr; err != nil {
			break
		}
	}
	if err != nil {
		return nil, "", fmt.Errorf("%s: %v", path, err)
	}
	if int64(len(b)) > limit {
		return nil, "", fmt.Errorf("%s: larger than the limit of %d bytes", path, limit)
	}
	sum := sha256.Sum256(b)
	return b, hex.EncodeToString(sum[:]), nil
}

func runImport(o *importOptions, s *streams) error {
	if o.out == "" {
		return malformed(fmt.Errorf("-o/--out is required"))
	}
	if o.data.path == "" && o.claim != "" {
		return malformed(fmt.Errorf("--claim needs --data"))
	}
	if o.data.path != "" && o.claim == "" {
		return malformed(fmt.Errorf("--data needs --claim (exact, argmax, threshold or epsilon)"))
	}
	raw, sum, err := readModelFile(o.model, o.maxFileBytes)
	if err != nil {
		return malformed(err)
	}
	// Every rational the reader builds stays live (the network is made of them): a
	// collection while they are built finds nothing to free, so collect less often.
	ext, err := newExternalFiles(filepath.Dir(o.model), o.external, o.maxFileBytes)
	if err != nil {
		return malformed(err)
	}
	m, err := readCollectingLess(func() (*modelio.Model, error) {
		return modelio.Read(raw, &modelio.Options{Activations: splitList(o.activations), Layers: splitList(o.layers), ClampInputs: o.clamp, External: ext.read})
	})
	if err != nil {
		return malformed(fmt.Errorf("%s: %w", o.model, err))
	}
	if err := ext.allUsed(); err != nil {
		return malformed(err)
	}
	net := m.Network
	scale, err := ratVector("input-scale", o.inputScale, net.InputDim, o.maxDigits)
	if err != nil {
		return malformed(err)
	}
	shift, err := ratVector("input-shift", o.inputShift, net.InputDim, o.maxDigits)
	if err != nil {
		return malformed(err)
	}
	if scale != nil || shift != nil {
		if err := modelio.FoldInput(net, scale, shift); err != nil {
			return malformed(err)
		}
	}
	dir := filepath.Dir(o.out)
	rep := importReport{File: o.out, Model: o.model, Format: m.Format, SHA256: sum, Sizes: net.ComputeSizes(), Notes: m.Notes, External: ext.used}
	if o.data.path == "" {
		// Streamed to the file: a trained network's JSON is tens of megabytes.
		if err := writeFileWith(o.out, func(w io.Writer) error { return certio.EncodeNetwork(w, net) }); err != nil {
			return malformed(err)
		}
		printImport(s, o, &rep, nil)
		return nil
	}
	var ref *cert.SourceRef
	var d *cert.Dataset
	var inlineParams map[string]string
	if o.data.needsInline() {
		// NumPy, LIBSVM, or labels other than 0..C−1 (datafiles.go): the data inline.
		if d, inlineParams, err = loadInline(&o.data, o.limits()); err != nil {
			return malformed(err)
		}
	} else {
		if d, ref, err = o.data.load(dir, o.limits()); err != nil {
			return malformed(err)
		}
	}
	if d.D != net.InputDim {
		return malformed(fmt.Errorf("the data points have dimension %d but the model reads %d inputs", d.D, net.InputDim))
	}
	claim, err := o.makeClaim(net, d)
	if err != nil {
		return malformed(err)
	}
	params := map[string]string{"model": relTo(dir, o.model), "model_format": m.Format, "model_sha256": sum}
	if o.inputScale != "" {
		params["input_scale"] = o.inputScale
	}
	if o.inputShift != "" {
		params["input_shift"] = o.inputShift
	}
	if o.activations != "" {
		params["activations"] = o.activations
	}
	if o.layers != "" {
		params["layers"] = o.layers
	}
	if o.clamp {
		params["clamp_inputs"] = "true"
	}
	for name, h := range ext.used {
		params["external_data:"+name] = h
	}
	for k, v := range inlineParams {
		params[k] = v
	}
	fcs, err := o.float.claims(net, d, []cert.Claim{claim})
	if err != nil {
		return malformed(err)
	}
	c := &cert.Certificate{Format: cert.FormatV1, Network: net, Source: ref, Claims: append([]cert.Claim{claim}, fcs...),
		Provenance: cert.Provenance{Producer: "certify import", Params: params, Notes: strings.Join(m.Notes, "; ")}}
	if ref == nil {
		c.Data = d // inline: the file's labels are not the kernel's
	}
	var buf bytes.Buffer
	if err := certio.Encode(&buf, c); err != nil {
		return err
	}
	if err := os.WriteFile(o.out, buf.Bytes(), 0o644); err != nil {
		return malformed(err)
	}
	lim := o.limits()
	lim.DataRoots = append(lim.DataRoots, o.data.roots()...) // the data it was built from
	back, err := loadCert(o.out, lim)
	if err != nil {
		return malformed(err)
	}
	report, err := cert.Check(back, cert.Options{Workers: o.workers})
	if err != nil {
		return malformed(err)
	}
	rep.Claim, rep.Verdict, rep.Engine = claimString(claim), report.Status.String(), report.Engine
	printImport(s, o, &rep, report)
	return exitFor(statusExit(report.Status))
}

func claimString(c cert.Claim) string {
	switch c := c.(type) {
	case cert.ArgmaxClaim:
		return "argmax, margin " + c.Margin.RatString()
	case cert.EpsilonClaim:
		return "epsilon, ε = " + c.Epsilon.RatString()
	case cert.ThresholdClaim:
		return "threshold " + c.Threshold.RatString()
	}
	return c.Kind()
}

// makeClaim builds the claim the flags ask for; "auto" values are computed from the
// exact outputs (the kernel then checks them like any other).
func (o *importOptions) makeClaim(net *cert.Network, d *cert.Dataset) (cert.Claim, error) {
	outs := func() ([][]*big.Rat, error) { return cert.Outputs(net, d, cert.Options{Workers: o.workers}) }
	switch o.claim {
	case "exact":
		return cert.ExactClaim{}, nil
	case "threshold":
		t, err := cert.ParseRat(o.threshold, o.maxDigits)
		if err != nil {
			return nil, fmt.Errorf("--threshold: %v", err)
		}
		return cert.ThresholdClaim{Threshold: t}, nil
	case "argmax":
		if o.margin != "auto" {
			m, err := cert.ParseRat(o.margin, o.maxDigits)
			if err != nil || m.Sign() <= 0 {
				return nil, fmt.Errorf("--margin: want a positive exact rational or auto")
			}
			return cert.ArgmaxClaim{Margin: m}, nil
		}
		if d.Task != cert.Classification || net.OutputDim() < 2 {
			return nil, fmt.Errorf("--claim argmax needs classification data and one output per class")
		}
		res, err := outs()
		if err != nil {
			return nil, err
		}
		var least *big.Rat
		t := new(big.Rat)
		for i, out := range res {
			c := d.Labels[i]
			if c >= len(out) {
				return nil, fmt.Errorf("point %d has class %d but the network has %d outputs", i, c, len(out))
			}
			for j := range out {
				if j == c {
					continue
				}
				if t.Sub(out[c], out[j]); least == nil || t.Cmp(least) < 0 {
					least = new(big.Rat).Set(t)
				}
			}
		}
		if least == nil || least.Sign() <= 0 {
			// Some point is misclassified or tied: claim the smallest margin the format
			// allows, which the kernel refutes at that point.
			least = big.NewRat(1, 1<<32)
		}
		return cert.ArgmaxClaim{Margin: least}, nil
	case "epsilon":
		if o.epsilon != "auto" {
			e, err := cert.ParseRat(o.epsilon, o.maxDigits)
			if err != nil || e.Sign() < 0 {
				return nil, fmt.Errorf("--epsilon: want a non-negative exact rational or auto")
			}
			return cert.EpsilonClaim{Epsilon: e}, nil
		}
		res, err := outs()
		if err != nil {
			return nil, err
		}
		worst := new(big.Rat)
		t := new(big.Rat)
		for i, out := range res {
			want := d.TargetVector(i, len(out))
			if len(want) != len(out) {
				return nil, fmt.Errorf("point %d: the label has %d coordinates, the network %d outputs", i, len(want), len(out))
			}
			for k := range out {
				if t.Sub(out[k], want[k]).Abs(t).Cmp(worst) > 0 {
					worst.Set(t)
				}
			}
		}
		return cert.EpsilonClaim{Epsilon: worst}, nil
	}
	return nil, fmt.Errorf("--claim is %q; want exact, argmax, threshold or epsilon", o.claim)
}

func printImport(s *streams, o *importOptions, r *importReport, rep *cert.Report) {
	if o.json {
		writeJSON(s.out, r)
		return
	}
	w := s.out
	fmt.Fprintf(w, "import: %s (%s, sha256 %s)\n", r.Model, r.Format, r.SHA256)
	for _, name := range slices.Sorted(maps.Keys(r.External)) {
		fmt.Fprintf(w, "  external data: %s (sha256 %s)\n", name, r.External[name])
	}
	fmt.Fprintf(w, "  network: %s\n", sizesLine(r.Sizes))
	for _, n := range r.Notes {
		fmt.Fprintln(w, "  note: "+n)
	}
	if rep == nil {
		fmt.Fprintf(w, "  wrote %s\n", r.File)
		return
	}
	fmt.Fprintf(w, "  wrote %s: claim %s\n", r.File, r.Claim)
	fmt.Fprintf(w, "  kernel: %s (%s engine)\n", rep.Status, rep.Engine)
	if rep.First != nil {
		fmt.Fprintln(w, "    "+rep.First.String())
	}
}

// writeFileWith writes path as os.WriteFile does (created with mode 0644 or truncated),
// the bytes coming from write as it produces them.
func writeFileWith(path string, write func(io.Writer) error) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o644)
	if err != nil {
		return err
	}
	err = write(f)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// externalFiles reads an ONNX model's external data: files beside the model, each pinned
// by SHA-256 on the command line (--external-data NAME=SHA256).
type externalFiles struct {
	dir   string
	pins  map[string]string // name → SHA-256 (lower-case hex)
	limit int64
	data  map[string][]byte
	used  map[string]string
}

func newExternalFiles(dir string, flags []string, limit int64) (*externalFiles, error) {
	e := &externalFiles{dir: dir, pins: map[string]string{}, limit: limit, data: map[string][]byte{}}
	for _, f := range flags {
		name, h, ok := strings.Cut(f, "=")
		h = strings.ToLower(h)
		if _, err := hex.DecodeString(h); !ok || err != nil || len(h) != 64 {
			return nil, fmt.Errorf("--external-data %q: want NAME=SHA256 (64 hex digits)", f)
		}
		if name == "" || name != filepath.Base(name) || name == "." || name == ".." {
			return nil, fmt.Errorf("--external-data %q: NAME is a file name beside the model, without a folder", f)
		}
		if _, dup := e.pins[name]; dup {
			return nil, fmt.Errorf("--external-data: %s is pinned twice", name)
		}
		e.pins[name] = h
	}
	return e, nil
}

// read returns the bytes of the external data file name after checking its pin.
func (e *externalFiles) read(name string) ([]byte, error) {
	if b, ok := e.data[name]; ok {
		return b, nil
	}
	b, sum, err := readModelFile(filepath.Join(e.dir, name), e.limit)
	if err != nil {
		return nil, err
	}
	want, ok := e.pins[name]
	if !ok {
		return nil, fmt.Errorf("the file beside the model is not pinned: give --external-data %s=%s if that SHA-256 is the file's you trust", name, sum)
	}
	if sum != want {
		return nil, fmt.Errorf("the file beside the model has SHA-256 %s, not the pinned %s", sum, want)
	}
	e.data[name] = b
	if e.used == nil {
		e.used = map[string]string{}
	}
	e.used[name] = sum
	return b, nil
}

// allUsed refuses a pin the model did not read.
func (e *externalFiles) allUsed() error {
	for name := range e.pins {
		if _, ok := e.used[name]; !ok {
			return fmt.Errorf("--external-data %s: the model reads no such external data file", name)
		}
	}
	return nil
}
