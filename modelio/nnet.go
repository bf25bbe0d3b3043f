package modelio

import (
	"fmt"
	"math/big"
	"strings"

	"certify/cert"
)

// ReadNNet reads the NNet text format (ACAS Xu): ReLU hidden layers, identity output,
// with the input normalisation x ↦ (x − mean_i)/range_i folded exactly into the first
// layer and the output de-normalisation y ↦ y·range_out + mean_out into the last. The
// input bounds (mins, maxes), which NNet's reference evaluator clamps inputs to, are
// returned as the input domain; the network itself does not clamp unless
// Options.ClampInputs asks it to (ClampNNetInputs). Numbers are the decimals written
// (exponents allowed), exactly.
func ReadNNet(b []byte, o *Options) (*cert.Network, [][2]*big.Rat, error) {
	var lines []string
	var lineNo []int
	for i, l := range strings.Split(string(b), "\n") {
		l = strings.TrimSpace(l)
		if l == "" || strings.HasPrefix(l, "//") {
			continue
		}
		lines = append(lines, l)
		lineNo = append(lineNo, i+1)
	}
	next := 0
	row := func(want int, what string) ([]*big.Rat, error) {
		if next >= len(lines) {
			return nil, fmt.Errorf("nnet: the file ends before the %s", what)
		}
		ln := lineNo[next]
		fs := strings.Split(strings.TrimSuffix(lines[next], ","), ",")
		next++
		if want >= 0 && len(fs) != want {
			return nil, fmt.Errorf("nnet: line %d (%s): %d values, want %d", ln, what, len(fs), want)
		}
		out := make([]*big.Rat, len(fs))
		for i, f := range fs {
			r, err := parseDecimal(strings.TrimSpace(f))
			if err != nil {
				return nil, fmt.Errorf("nnet: line %d (%s), value %d: %v", ln, what, i+1, err)
			}
			out[i] = r
		}
		return out, nil
	}
	ints := func(v []*big.Rat, what string) ([]int, error) {
		out := make([]int, len(v))
		for i, r := range v {
			if !r.IsInt() || r.Sign() <= 0 || r.Num().BitLen() > 31 {
				return nil, fmt.Errorf("nnet: %s: %s is not a positive integer", what, r.RatString())
			}
			out[i] = int(r.Num().Int64())
		}
		return out, nil
	}
	head, err := row(-1, "header: layers, inputs, outputs, max layer size")
	if err != nil {
		return nil, nil, err
	}
	if len(head) < 3 {
		return nil, nil, fmt.Errorf("nnet: header has %d values, want 4", len(head))
	}
	h, err := ints(head[:3], "header")
	if err != nil {
		return nil, nil, err
	}
	nl, nin, nout := h[0], h[1], h[2]
	if nl > 1<<16 {
		return nil, nil, fmt.Errorf("nnet: %d layers", nl)
	}
	sizesR, err := row(nl+1, "layer sizes")
	if err != nil {
		return nil, nil, err
	}
	sizes, err := ints(sizesR, "layer sizes")
	if err != nil {
		return nil, nil, err
	}
	if sizes[0] != nin || sizes[nl] != nout {
		return nil, nil, fmt.Errorf("nnet: layer sizes %v disagree with %d inputs and %d outputs", sizes, nin, nout)
	}
	var params int64
	for i := 0; i < nl; i++ {
		params += int64(sizes[i]+1) * int64(sizes[i+1])
		if params > o.maxElements() {
			return nil, nil, fmt.Errorf("nnet: more than %d parameters", o.maxElements())
		}
	}
	if _, err := row(-1, "unused flag"); err != nil {
		return nil, nil, err
	}
	mins, err := row(nin, "input minimums")
	if err != nil {
		return nil, nil, err
	}
	maxs, err := row(nin, "input maximums")
	if err != nil {
		return nil, nil, err
	}
	means, err := row(nin+1, "means")
	if err != nil {
		return nil, nil, err
	}
	ranges, err := row(nin+1, "ranges")
	if err != nil {
		return nil, nil, err
	}
	for i, r := range ranges {
		if r.Sign() == 0 {
			return nil, nil, fmt.Errorf("nnet: range %d is zero", i+1)
		}
	}
	net := &cert.Network{InputDim: nin}
	for li := 0; li < nl; li++ {
		in, out := sizes[li], sizes[li+1]
		// Each weight row is a line; the next lines hold the biases, one per line.
		if len(lines)-next < 2*out {
			return nil, nil, fmt.Errorf("nnet: the file ends inside layer %d", li+1)
		}
		l := cert.Layer{W: make([][]*big.Rat, out), B: make([]*big.Rat, out), Act: make([]cert.Activation, out)}
		for j := 0; j < out; j++ {
			if l.W[j], err = row(in, fmt.Sprintf("layer %d weights, row %d", li+1, j+1)); err != nil {
				return nil, nil, err
			}
		}
		act := cert.Activation{Kind: cert.ActReLU}
		if li == nl-1 {
			act = cert.Activation{Kind: cert.ActIdentity}
		}
		for j := 0; j < out; j++ {
			b, err := row(1, fmt.Sprintf("layer %d bias %d", li+1, j+1))
			if err != nil {
				return nil, nil, err
			}
			l.B[j], l.Act[j] = b[0], act
		}
		net.Layers = append(net.Layers, l)
	}
	if next != len(lines) {
		return nil, nil, fmt.Errorf("nnet: line %d: more lines after the last layer", lineNo[next])
	}
	// x_norm = (x − mean)/range: scale 1/range, shift −mean/range.
	scale := make([]*big.Rat, nin)
	shift := make([]*big.Rat, nin)
	for i := 0; i < nin; i++ {
		scale[i] = new(big.Rat).Inv(ranges[i])
		shift[i] = new(big.Rat).Mul(means[i], scale[i])
		shift[i].Neg(shift[i])
	}
	if err := FoldInput(net, scale, shift); err != nil {
		return nil, nil, err
	}
	// y = y_norm·range_out + mean_out, on every output.
	last := &net.Layers[nl-1]
	rOut, mOut := ranges[nin], means[nin]
	for j := range last.W {
		for k, w := range last.W[j] {
			last.W[j][k] = new(big.Rat).Mul(w, rOut)
		}
		b := new(big.Rat).Mul(last.B[j], rOut)
		last.B[j] = b.Add(b, mOut)
	}
	dom := make([][2]*big.Rat, nin)
	for i := range dom {
		dom[i] = [2]*big.Rat{mins[i], maxs[i]}
	}
	if o != nil && o.ClampInputs {
		if err := ClampNNetInputs(net, dom); err != nil {
			return nil, nil, err
		}
	}
	return net, dom, nil
}

// ClampNNetInputs makes n read clamp(x_i, lo_i, hi_i) in place of each input x_i, exactly:
// with c = (lo + hi)/2 and r = (hi − lo)/2, clamp(x, lo, hi) = c + r·hardtanh((x − c)/r),
// so a hard-tanh layer u_i = hardtanh(x_i/r − c/r) is put in front and the old first
// layer reads r·u + c (FoldInput). An input with lo = hi reads the constant lo (its unit's
// weight and bias are 0). lo > hi is refused.
func ClampNNetInputs(n *cert.Network, dom [][2]*big.Rat) error {
	d := n.InputDim
	if len(dom) != d {
		return fmt.Errorf("nnet: %d input bounds for %d inputs", len(dom), d)
	}
	half := big.NewRat(1, 2)
	scale, shift := make([]*big.Rat, d), make([]*big.Rat, d)
	front := cert.Layer{W: make([][]*big.Rat, d), B: make([]*big.Rat, d), Act: make([]cert.Activation, d)}
	for i, b := range dom {
		lo, hi := b[0], b[1]
		if lo.Cmp(hi) > 0 {
			return fmt.Errorf("nnet: input %d has minimum %s above its maximum %s", i, lo.RatString(), hi.RatString())
		}
		c := new(big.Rat).Add(lo, hi)
		c.Mul(c, half)
		r := new(big.Rat).Sub(hi, lo)
		r.Mul(r, half)
		scale[i], shift[i] = r, c
		row := make([]*big.Rat, d)
		for k := range row {
			row[k] = new(big.Rat)
		}
		front.B[i] = new(big.Rat)
		if r.Sign() > 0 {
			row[i].Inv(r)
			front.B[i].Quo(c, r)
			front.B[i].Neg(front.B[i])
		}
		front.W[i], front.Act[i] = row, cert.Activation{Kind: cert.ActHardTanh}
	}
	if err := FoldInput(n, scale, shift); err != nil {
		return err
	}
	n.Layers = append([]cert.Layer{front}, n.Layers...)
	return nil
}

// parseDecimal reads a decimal number with an optional exponent ("-1.5e-3") as the exact
// rational it spells. NaN, infinities and hex floats are refused.
func parseDecimal(s string) (*big.Rat, error) {
	if s == "" {
		return nil, fmt.Errorf("empty number")
	}
	mant, exp := s, ""
	if i := strings.IndexAny(s, "eE"); i >= 0 {
		mant, exp = s[:i], s[i+1:]
	}
	body := strings.TrimLeft(mant, "+-")
	if len(mant)-len(body) > 1 || body == "" || body == "." || strings.Trim(body, "0123456789.") != "" || strings.Count(body, ".") > 1 {
		return nil, fmt.Errorf("%q is not a decimal number", clipStr(s))
	}
	if len(s) > 4096 {
		return nil, fmt.Errorf("number of %d characters", len(s))
	}
	r, ok := new(big.Rat).SetString(strings.TrimPrefix(mant, "+"))
	if !ok {
		return nil, fmt.Errorf("%q is not a decimal number", clipStr(s))
	}
	if exp != "" {
		e := strings.TrimPrefix(exp, "+")
		neg := strings.HasPrefix(e, "-")
		e = strings.TrimPrefix(e, "-")
		if e == "" || len(e) > 4 || strings.Trim(e, "0123456789") != "" {
			return nil, fmt.Errorf("%q has a bad exponent", clipStr(s))
		}
		var n int64
		fmt.Sscan(e, &n)
		p := new(big.Int).Exp(big.NewInt(10), big.NewInt(n), nil)
		if neg {
			r.Quo(r, new(big.Rat).SetInt(p))
		} else {
			r.Mul(r, new(big.Rat).SetInt(p))
		}
	}
	return r, nil
}

func clipStr(s string) string {
	if len(s) > 40 {
		return s[:40] + "…"
	}
	return s
}

// FoldInput makes n read x' = scale·x + shift (per coordinate; nil: 1 and 0) in place of
// x: W ↦ W·diag(scale), b ↦ b + W·shift, exactly.
func FoldInput(n *cert.Network, scale, shift []*big.Rat) error {
	if len(n.Layers) == 0 {
		return fmt.Errorf("network has no layers")
	}
	if len(n.Layers) > 1 && n.Layers[1].Residual {
		return fmt.Errorf("layers[1] is residual: it adds the unfolded input, so the input cannot be folded into layers[0]")
	}
	d := n.InputDim
	if scale != nil && len(scale) != d || shift != nil && len(shift) != d {
		return fmt.Errorf("input scale/shift have %d/%d entries for input dimension %d", len(scale), len(shift), d)
	}
	l := &n.Layers[0]
	t := new(big.Rat)
	for j, row := range l.W {
		b := new(big.Rat).Set(l.B[j])
		nr := make([]*big.Rat, len(row))
		for k, w := range row {
			if shift != nil {
				b.Add(b, t.Mul(w, shift[k]))
			}
			if scale != nil {
				nr[k] = new(big.Rat).Mul(w, scale[k])
			} else {
				nr[k] = w
			}
		}
		l.W[j], l.B[j] = nr, b
	}
	return nil
}
