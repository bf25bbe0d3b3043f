package modelio

import (
	"fmt"
	"math"
	"math/big"
	"sort"
	"strings"

	"certify/cert"
)

// ReadONNX turns an ONNX model into a network. The graph must be a chain from one
// float input to one output through the operators of docs/import.md; constants are
// initializers, Constant nodes, or graph inputs bound by o.Constants.
func ReadONNX(b []byte, o *Options) (*cert.Network, error) {
	if o == nil {
		o = &Options{}
	}
	g, err := decodeModel(b, o)
	if err != nil {
		return nil, err
	}
	return lowerGraph(g, o)
}

// lowering is the state of a walk along the chain.
type lowering struct {
	o      *Options
	consts map[string]*Tensor
	ch     *chain
	cur    string          // the name of the value the chain has computed
	used   map[string]bool // values of the chain that a node has consumed
	// Residual blocks: start is the value the open layer reads, as long as the chain's
	// form is still exactly it (a graph input, a Relu's output, a block's sum);
	// blockIn is the start of the last closed layer, which an Add with the chain's
	// value may add back: Gemm/MatMul → Relu → Gemm/MatMul → Add(·, blockIn).
	start, blockIn string
}

func lowerGraph(g *onnxGraph, o *Options) (*cert.Network, error) {
	L := &lowering{o: o, consts: map[string]*Tensor{}, used: map[string]bool{}}
	for _, t := range g.inits {
		if t.Name == "" {
			return nil, fmt.Errorf("graph: an initializer has no name")
		}
		if _, dup := L.consts[t.Name]; dup {
			return nil, fmt.Errorf("graph: two initializers are named %q", t.Name)
		}
		L.consts[t.Name] = t
	}
	var data *valueInfo
	for _, in := range g.inputs {
		if _, ok := L.consts[in.name]; ok {
			continue // older IR lists initializers among the inputs too
		}
		if t, ok := o.Constants[in.name]; ok {
			L.consts[in.name] = t
			continue
		}
		if data != nil {
			return nil, fmt.Errorf("graph: two inputs, %q and %q, are not constants; certify reads a network of one input", data.name, in.name)
		}
		data = in
	}
	if data == nil {
		return nil, fmt.Errorf("graph: no input that is not a constant")
	}
	shape, err := inputShape(data)
	if err != nil {
		return nil, err
	}
	if int64(prod(shape)) > o.maxElements() {
		return nil, fmt.Errorf("graph input %q: %d elements, more than the limit", data.name, prod(shape))
	}
	if len(g.outputs) != 1 {
		return nil, fmt.Errorf("graph: %d outputs; certify reads a network with one output", len(g.outputs))
	}
	L.ch = newChain(shape)
	L.cur, L.start = data.name, data.name
	for _, n := range g.nodes {
		closed := len(L.ch.layers)
		if err := L.node(n); err != nil {
			return nil, err
		}
		if len(L.ch.layers) > closed { // a layer closed: its input may be added back
			L.blockIn, L.start = L.start, ""
			if L.ch.cur.isIdentity() {
				L.start = L.cur
			}
		}
	}
	if g.outputs[0].name != L.cur {
		if _, ok := L.consts[g.outputs[0].name]; ok {
			return nil, fmt.Errorf("graph output %q is a constant: the model does not depend on its input", g.outputs[0].name)
		}
		return nil, fmt.Errorf("graph output %q is not the end of the chain from input %q (which ends at %q): not a chain", g.outputs[0].name, data.name, L.cur)
	}
	if err := checkOutputShape(g.outputs[0], L.ch.cur.rows()); err != nil {
		return nil, err
	}
	return L.ch.network(), nil
}

// checkOutputShape compares the graph output's declared size, when it is stated, with the
// size the chain computes (a symbolic first dimension counts as 1).
func checkOutputShape(v *valueInfo, got int) error {
	if !v.hasShape {
		return nil
	}
	n := int64(1)
	for i, d := range v.dims {
		switch {
		case d.known && d.value >= 0:
			if d.value > 0 && n > (1<<62)/d.value {
				return fmt.Errorf("graph output %q: declared shape too large", v.name)
			}
			n *= d.value
		case !d.known && i == 0:
		default:
			return nil // not stated: nothing to compare
		}
	}
	if n != int64(got) {
		return fmt.Errorf("graph output %q is declared with %d elements but the chain computes %d", v.name, n, got)
	}
	return nil
}

func inputShape(v *valueInfo) ([]int, error) {
	what := fmt.Sprintf("graph input %q", v.name)
	if !v.isTensor {
		return nil, fmt.Errorf("%s is not a tensor", what)
	}
	t, err := onnxDType(v.elem)
	if err != nil {
		return nil, fmt.Errorf("%s: %v", what, err)
	}
	if !t.IsFloat() {
		return nil, fmt.Errorf("%s has element type %s; certify reads models with float inputs (integer arithmetic in ONNX wraps or truncates)", what, t)
	}
	if !v.hasShape {
		return nil, fmt.Errorf("%s has no shape (dynamic shapes are not supported)", what)
	}
	shape := make([]int, len(v.dims))
	for i, d := range v.dims {
		switch {
		case d.known && d.value > 0 && d.value <= 1<<40:
			shape[i] = int(d.value)
		case !d.known && i == 0 && len(v.dims) >= 2:
			shape[i] = 1 // a symbolic batch dimension: one point at a time
		default:
			desc := fmt.Sprint(d.value)
			if !d.known {
				desc = fmt.Sprintf("symbolic %q", d.param)
			}
			return nil, fmt.Errorf("%s: dimension %d is %s; only the first (batch) dimension may be symbolic (dynamic shapes are not supported)", what, i, desc)
		}
	}
	return shape, nil
}

// input is a node input: a constant or the chain's value.
func (L *lowering) input(n *onnxNode, i int) (t *Tensor, isVar bool, err error) {
	if i >= len(n.inputs) || n.inputs[i] == "" {
		return nil, false, nil
	}
	name := n.inputs[i]
	if t, ok := L.consts[name]; ok {
		return t, false, nil
	}
	if name == L.cur {
		return nil, true, nil
	}
	if L.used[name] {
		return nil, false, fmt.Errorf("%s: reads %q, which another node already consumed: the graph is not a chain", n.label(), name)
	}
	return nil, false, fmt.Errorf("%s: input %q is not defined before the node", n.label(), name)
}

func (L *lowering) node(n *onnxNode) error {
	if n.dom != "" && n.dom != "ai.onnx" {
		return fmt.Errorf("%s: operator domain %q is not supported", n.label(), n.dom)
	}
	if ok, err := L.residualAdd(n); ok || err != nil {
		return err
	}
	for _, a := range n.attrs {
		if a.ref != "" {
			return fmt.Errorf("%s: attribute %q refers to a function attribute", n.label(), a.name)
		}
	}
	var vars []int
	for i := range n.inputs {
		_, isVar, err := L.input(n, i)
		if err != nil {
			return err
		}
		if isVar {
			vars = append(vars, i)
		}
	}
	if len(n.outputs) == 0 || n.outputs[0] == "" {
		return fmt.Errorf("%s: no output", n.label())
	}
	if len(vars) > 1 {
		return fmt.Errorf("%s: reads the chain's value %q twice: the graph is not a chain", n.label(), L.cur)
	}
	for _, extra := range n.outputs[1:] {
		if extra != "" {
			return fmt.Errorf("%s: has %d outputs; certify reads nodes with one", n.label(), len(n.outputs))
		}
	}
	if len(vars) == 0 {
		t, err := L.constNode(n)
		if err != nil {
			return err
		}
		if _, clash := L.consts[n.outputs[0]]; clash || n.outputs[0] == L.cur || L.used[n.outputs[0]] {
			return fmt.Errorf("%s: output %q is already defined", n.label(), n.outputs[0])
		}
		named := *t
		named.Name = n.outputs[0]
		L.consts[n.outputs[0]] = &named
		return nil
	}
	if _, clash := L.consts[n.outputs[0]]; clash || L.used[n.outputs[0]] || n.outputs[0] == L.cur {
		return fmt.Errorf("%s: output %q is already defined", n.label(), n.outputs[0])
	}
	if err := L.varNode(n, vars[0]); err != nil {
		return err
	}
	if L.ch.cur.rows() == 0 {
		return fmt.Errorf("%s: its output %q has no elements", n.label(), n.outputs[0])
	}
	L.used[L.cur] = true
	L.cur = n.outputs[0]
	return nil
}

// residualAdd lowers Add(chain value, blockIn) — a residual block's skip connection,
// h + V·σ(U·h + b) + c with h the input of the last closed layer — to a residual
// identity layer (cert.Layer.Residual). It reports false for any other node.
func (L *lowering) residualAdd(n *onnxNode) (bool, error) {
	if n.op != "Add" || len(n.inputs) != 2 || L.blockIn == "" || len(L.ch.layers) == 0 {
		return false, nil
	}
	var other string
	switch {
	case n.inputs[0] == L.cur && n.inputs[1] == L.blockIn:
		other = n.inputs[1]
	case n.inputs[1] == L.cur && n.inputs[0] == L.blockIn:
		other = n.inputs[0]
	default:
		return false, nil
	}
	if err := allowAttrs(n); err != nil {
		return true, err
	}
	if len(n.outputs) != 1 || n.outputs[0] == "" {
		return true, fmt.Errorf("%s: a residual Add has one output", n.label())
	}
	f := L.ch.cur
	last := &L.ch.layers[len(L.ch.layers)-1]
	if in := len(last.W[0]); f.rows() != in {
		return true, fmt.Errorf("%s: adds %q (%d elements) to a value of %d elements: a residual block's output must have its input's dimension", n.label(), other, in, f.rows())
	}
	if _, clash := L.consts[n.outputs[0]]; clash || L.used[n.outputs[0]] || n.outputs[0] == L.cur || n.outputs[0] == other {
		return true, fmt.Errorf("%s: output %q is already defined", n.label(), n.outputs[0])
	}
	L.ch.activate(cert.Activation{Kind: cert.ActIdentity}, nil, nil, nil, nil)
	L.ch.layers[len(L.ch.layers)-1].Residual = true
	L.used[L.cur], L.used[other] = true, true
	L.cur = n.outputs[0]
	return true, nil
}

// constNode evaluates the few operators accepted on constants alone.
func (L *lowering) constNode(n *onnxNode) (*Tensor, error) {
	switch n.op {
	case "Constant":
		return constantValue(n, L.o)
	case "Identity":
		t, _, _ := L.input(n, 0)
		if t == nil {
			return nil, fmt.Errorf("%s: no input", n.label())
		}
		return t, nil
	case "Reshape", "Flatten", "Squeeze", "Unsqueeze":
		t, _, _ := L.input(n, 0)
		if t == nil {
			return nil, fmt.Errorf("%s: no input", n.label())
		}
		shape, err := L.newShape(n, t.Shape)
		if err != nil {
			return nil, err
		}
		return &Tensor{DType: t.DType, Shape: shape, Vals: t.Vals}, nil
	case "Transpose":
		t, _, _ := L.input(n, 0)
		if t == nil {
			return nil, fmt.Errorf("%s: no input", n.label())
		}
		if err := allowAttrs(n, "perm"); err != nil {
			return nil, err
		}
		idx, shape, err := transposeIndex(t.Shape, permOf(n, len(t.Shape)))
		if err != nil {
			return nil, fmt.Errorf("%s: %v", n.label(), err)
		}
		vals := make([]*big.Rat, len(idx))
		for r, i := range idx {
			vals[r] = t.Vals[i]
		}
		return &Tensor{DType: t.DType, Shape: shape, Vals: vals}, nil
	}
	return nil, fmt.Errorf("%s: computes on constants only; certify does not fold constants through this operator", n.label())
}

func constantValue(n *onnxNode, o *Options) (*Tensor, error) {
	if len(n.attrs) != 1 {
		return nil, fmt.Errorf("%s: want exactly one value attribute, got %d", n.label(), len(n.attrs))
	}
	for name, a := range n.attrs {
		switch name {
		case "value":
			if a.t == nil {
				return nil, fmt.Errorf("%s: attribute value is not a tensor", n.label())
			}
			return decodeTensor(a.t, n.label()+" value", o)
		case "value_float":
			r, err := attrFloat(n, a)
			if err != nil {
				return nil, err
			}
			return &Tensor{DType: F32, Vals: []*big.Rat{r}}, nil
		case "value_int":
			return &Tensor{DType: I64, Vals: []*big.Rat{big.NewRat(a.i, 1)}}, nil
		case "value_floats", "value_ints":
			vals := []*big.Rat{}
			rep, dt := &a.floats, F32
			if name == "value_ints" {
				rep, dt = &a.ints, I64
			}
			err := rep.each(func(i int, v uint64) error {
				if dt == I64 {
					vals = append(vals, big.NewRat(int64(v), 1))
					return nil
				}
				r, err := fromFloat64(float64(math.Float32frombits(uint32(v))), n.label()+" "+name, i)
				vals = append(vals, r)
				return err
			})
			return &Tensor{DType: dt, Shape: []int{len(vals)}, Vals: vals}, err
		}
		return nil, fmt.Errorf("%s: attribute %q is not supported", n.label(), name)
	}
	return nil, nil
}

func attrFloat(n *onnxNode, a *onnxAttr) (*big.Rat, error) {
	if !a.hasF {
		return nil, fmt.Errorf("%s: attribute %q is not a float", n.label(), a.name)
	}
	return fromFloat64(float64(math.Float32frombits(a.f)), n.label()+" attribute "+a.name, 0)
}

// floatAttr is attribute name as an exact rational, or def when absent.
func floatAttr(n *onnxNode, name string, def *big.Rat) (*big.Rat, error) {
	a, ok := n.attrs[name]
	if !ok {
		return def, nil
	}
	return attrFloat(n, a)
}

func intAttr(n *onnxNode, name string, def int64) (int64, error) {
	a, ok := n.attrs[name]
	if !ok {
		return def, nil
	}
	if !a.hasI {
		return 0, fmt.Errorf("%s: attribute %q is not an integer", n.label(), name)
	}
	return a.i, nil
}

func intsAttr(n *onnxNode, name string) ([]int64, bool) {
	a, ok := n.attrs[name]
	if !ok {
		return nil, false
	}
	var out []int64
	a.ints.each(func(_ int, v uint64) error { out = append(out, int64(v)); return nil })
	return out, true
}

// allowAttrs refuses attributes the lowering does not know (they could change the meaning).
func allowAttrs(n *onnxNode, names ...string) error {
	var bad []string
	for a := range n.attrs {
		ok := false
		for _, k := range names {
			ok = ok || a == k
		}
		if !ok {
			bad = append(bad, a)
		}
	}
	if len(bad) > 0 {
		sort.Strings(bad)
		return fmt.Errorf("%s: attribute(s) %s not supported", n.label(), strings.Join(bad, ", "))
	}
	return nil
}

// float32Default is the exact value of a float32 constant (ONNX attribute defaults are
// float32: LeakyRelu's 0.01 is the float32 nearest 0.01).
func float32Default(f float32) *big.Rat { return new(big.Rat).SetFloat64(float64(f)) }

func (L *lowering) varNode(n *onnxNode, vi int) error {
	ch := L.ch
	f := ch.cur
	switch n.op {
	case "Identity":
		return allowAttrs(n)
	case "Relu":
		if err := allowAttrs(n); err != nil {
			return err
		}
		ch.activate(cert.Activation{Kind: cert.ActReLU}, nil, nil, nil, nil)
		return nil
	case "LeakyRelu":
		if err := allowAttrs(n, "alpha"); err != nil {
			return err
		}
		alpha, err := floatAttr(n, "alpha", float32Default(0.01))
		if err != nil {
			return err
		}
		ch.activate(cert.Activation{Kind: cert.ActLeakyReLU, Slope: alpha}, nil, nil, nil, nil)
		return nil
	case "Clip":
		return L.clip(n)
	case "Neg":
		ch.cur = f.scaleShift(fill(f.rows(), big.NewRat(-1, 1)), nil)
		return allowAttrs(n)
	case "Flatten", "Reshape", "Squeeze", "Unsqueeze":
		if vi != 0 {
			return fmt.Errorf("%s: the chain's value is its shape input", n.label())
		}
		shape, err := L.newShape(n, f.shape)
		if err != nil {
			return err
		}
		g := *f
		g.shape = shape
		ch.cur = &g
		return nil
	case "Transpose":
		if err := allowAttrs(n, "perm"); err != nil {
			return err
		}
		idx, shape, err := transposeIndex(f.shape, permOf(n, len(f.shape)))
		if err != nil {
			return fmt.Errorf("%s: %v", n.label(), err)
		}
		ch.cur = f.gather(idx, shape)
		return nil
	case "Add", "Sub", "Mul", "Div":
		// "broadcast" is opset 1–6's switch for broadcasting; without "axis" it aligns
		// shapes on the right as numpy does (and a file that forbids broadcasting has
		// equal shapes, where both readings agree).
		if err := allowAttrs(n, "broadcast"); err != nil {
			return err
		}
		return L.elementwise(n, vi)
	case "Gemm":
		return L.gemm(n, vi)
	case "MatMul":
		if err := allowAttrs(n); err != nil {
			return err
		}
		return L.matmul(n, vi)
	}
	return fmt.Errorf("%s: operator not supported (certify reads Gemm, MatMul, Add, Sub, Mul, Div, Neg, Relu, LeakyRelu, Clip, Flatten, Reshape, Squeeze, Unsqueeze, Transpose, Identity, Constant)", n.label())
}

// permOf is Transpose's perm attribute, by default the reversal of the axes.
func permOf(n *onnxNode, rank int) []int64 {
	perm, ok := intsAttr(n, "perm")
	if !ok {
		for i := rank - 1; i >= 0; i-- {
			perm = append(perm, int64(i))
		}
	}
	return perm
}

func fill(n int, r *big.Rat) []*big.Rat {
	out := make([]*big.Rat, n)
	for i := range out {
		out[i] = r
	}
	return out
}

// elementwise lowers x∘c or c∘x with broadcasting, c a constant.
func (L *lowering) elementwise(n *onnxNode, vi int) error {
	if len(n.inputs) != 2 {
		return fmt.Errorf("%s: want 2 inputs, got %d", n.label(), len(n.inputs))
	}
	c, _, _ := L.input(n, 1-vi)
	if c == nil {
		return fmt.Errorf("%s: an operand is missing", n.label())
	}
	f := L.ch.cur
	out, err := broadcastShape(f.shape, c.Shape)
	if err != nil {
		return fmt.Errorf("%s: %v", n.label(), err)
	}
	if int64(prod(out)) > L.o.maxElements() {
		return fmt.Errorf("%s: broadcast to %v elements is over the limit", n.label(), out)
	}
	if !sameShape(out, f.shape) {
		f = f.gather(broadcastIndex(out, f.shape), out)
	}
	ci := broadcastIndex(out, c.Shape)
	cv := make([]*big.Rat, len(ci))
	for r, i := range ci {
		cv[r] = c.Vals[i]
	}
	var mul, add []*big.Rat
	switch {
	case n.op == "Add":
		add = cv
	case n.op == "Mul":
		mul = cv
	case n.op == "Sub" && vi == 0:
		add = make([]*big.Rat, len(cv))
		for r, v := range cv {
			add[r] = new(big.Rat).Neg(v)
		}
	case n.op == "Sub":
		mul, add = fill(len(cv), big.NewRat(-1, 1)), cv
	case n.op == "Div" && vi == 0:
		mul = make([]*big.Rat, len(cv))
		for r, v := range cv {
			if v.Sign() == 0 {
				return fmt.Errorf("%s: divides by element %d of %q, which is zero", n.label(), ci[r], n.inputs[1])
			}
			mul[r] = new(big.Rat).Inv(v)
		}
	default:
		return fmt.Errorf("%s: divides a constant by the chain's value, which is not affine", n.label())
	}
	L.ch.cur = f.scaleShift(mul, add)
	return nil
}

// clip lowers Clip(x, lo, hi) through the kernel's activations, exactly:
// both bounds: m + h·hardtanh((x − m)/h) with m = (lo+hi)/2, h = (hi−lo)/2;
// lo only: lo + relu(x − lo); hi only: hi − relu(hi − x); lo ≥ hi: the constant hi.
func (L *lowering) clip(n *onnxNode) error {
	if err := allowAttrs(n, "min", "max"); err != nil {
		return err
	}
	bound := func(i int, attr string) (*big.Rat, error) {
		if a, ok := n.attrs[attr]; ok {
			return attrFloat(n, a)
		}
		t, _, _ := L.input(n, i)
		if t == nil {
			return nil, nil
		}
		if len(t.Vals) != 1 || len(t.Shape) > 1 {
			return nil, fmt.Errorf("%s: bound %q is not a scalar", n.label(), n.inputs[i])
		}
		return t.Vals[0], nil
	}
	lo, err := bound(1, "min")
	if err != nil {
		return err
	}
	hi, err := bound(2, "max")
	if err != nil {
		return err
	}
	ch := L.ch
	k := ch.cur.rows()
	switch {
	case lo == nil && hi == nil:
		return nil
	case lo != nil && hi != nil && lo.Cmp(hi) >= 0:
		// ONNX: every output is max when min ≥ max.
		ch.cur = ch.cur.scaleShift(fill(k, ratZero), fill(k, hi))
	case lo != nil && hi != nil:
		m := new(big.Rat).Add(lo, hi)
		m.Quo(m, big.NewRat(2, 1))
		h := new(big.Rat).Sub(hi, lo)
		h.Quo(h, big.NewRat(2, 1))
		ih := new(big.Rat).Inv(h)
		shift := new(big.Rat).Mul(m, ih)
		shift.Neg(shift)
		ch.activate(cert.Activation{Kind: cert.ActHardTanh}, fill(k, ih), fill(k, shift), fill(k, h), fill(k, m))
	case lo != nil:
		ch.activate(cert.Activation{Kind: cert.ActReLU}, nil, fill(k, new(big.Rat).Neg(lo)), nil, fill(k, lo))
	default:
		minus := big.NewRat(-1, 1)
		ch.activate(cert.Activation{Kind: cert.ActReLU}, fill(k, minus), fill(k, hi), fill(k, minus), fill(k, hi))
	}
	return nil
}

// gemm lowers Y = alpha·A'·B' + beta·C (A' = A or Aᵀ by transA, B' likewise).
func (L *lowering) gemm(n *onnxNode, vi int) error {
	if err := allowAttrs(n, "alpha", "beta", "transA", "transB", "broadcast"); err != nil {
		return err
	}
	legacyNoBroadcast := false
	if b, err := intAttr(n, "broadcast", 1); err != nil {
		return err
	} else if b == 0 {
		legacyNoBroadcast = true // opset < 7: C must be M×N already
	}
	alpha, err := floatAttr(n, "alpha", ratOne)
	if err != nil {
		return err
	}
	beta, err := floatAttr(n, "beta", ratOne)
	if err != nil {
		return err
	}
	ta, err := intAttr(n, "transA", 0)
	if err != nil {
		return err
	}
	tb, err := intAttr(n, "transB", 0)
	if err != nil {
		return err
	}
	f := L.ch.cur
	shapeOf := func(i int) []int {
		if i == vi {
			return f.shape
		}
		if t, _, _ := L.input(n, i); t != nil {
			return t.Shape
		}
		return nil
	}
	as, bs := shapeOf(0), shapeOf(1)
	if len(n.inputs) < 2 || len(as) != 2 || len(bs) != 2 {
		return fmt.Errorf("%s: A and B must be matrices, got shapes %v and %v", n.label(), as, bs)
	}
	M, K := as[0], as[1]
	if ta != 0 {
		M, K = K, M
	}
	K2, N := bs[0], bs[1]
	if tb != 0 {
		K2, N = N, K2
	}
	if K != K2 {
		return fmt.Errorf("%s: inner dimensions differ (%v·%v with transA=%d, transB=%d)", n.label(), as, bs, ta, tb)
	}
	idxA := func(i, k int) int {
		if ta != 0 {
			return k*M + i
		}
		return i*K + k
	}
	idxB := func(k, j int) int {
		if tb != 0 {
			return j*K + k
		}
		return k*N + j
	}
	out := []int{M, N}
	// beta·C broadcast to (M, N), when C is a constant.
	var cv []*big.Rat
	var cIdx []int
	if len(n.inputs) > 2 && n.inputs[2] != "" {
		cs := shapeOf(2)
		bsh, err := broadcastShape(out, cs)
		if err != nil || !sameShape(bsh, out) || legacyNoBroadcast && !sameShape(cs, out) {
			return fmt.Errorf("%s: C of shape %v does not broadcast to %v", n.label(), cs, out)
		}
		cIdx = broadcastIndex(out, cs)
		if vi != 2 {
			c, _, _ := L.input(n, 2)
			cv = make([]*big.Rat, M*N)
			for r, i := range cIdx {
				cv[r] = c.Vals[i]
				if beta.Cmp(ratOne) != 0 {
					cv[r] = new(big.Rat).Mul(beta, c.Vals[i])
				}
			}
		}
	}
	if vi == 2 {
		a, _, _ := L.input(n, 0)
		b, _, _ := L.input(n, 1)
		ab := make([]*big.Rat, M*N)
		t := new(big.Rat)
		for i := 0; i < M; i++ {
			for j := 0; j < N; j++ {
				s := new(big.Rat)
				for k := 0; k < K; k++ {
					s.Add(s, t.Mul(a.Vals[idxA(i, k)], b.Vals[idxB(k, j)]))
				}
				ab[i*N+j] = s.Mul(s, alpha)
			}
		}
		L.ch.cur = f.gather(cIdx, out).scaleShift(fill(M*N, beta), ab)
		return nil
	}
	other, _, _ := L.input(n, 1-vi)
	scaled := other.Vals
	if alpha.Cmp(ratOne) != 0 {
		scaled = make([]*big.Rat, len(other.Vals))
		for i, v := range other.Vals {
			scaled[i] = new(big.Rat).Mul(alpha, v)
		}
	}
	g, err := f.combine(M*N, out, func(r int, emit func(int, *big.Rat)) {
		i, j := r/N, r%N
		for k := 0; k < K; k++ {
			if vi == 0 {
				emit(idxA(i, k), scaled[idxB(k, j)])
			} else {
				emit(idxB(k, j), scaled[idxA(i, k)])
			}
		}
	}, cv, L.o.maxElements())
	if err != nil {
		return fmt.Errorf("%s: %v", n.label(), err)
	}
	L.ch.cur = g
	return nil
}

// matmul lowers numpy-style matrix multiplication with one constant operand.
func (L *lowering) matmul(n *onnxNode, vi int) error {
	if len(n.inputs) != 2 {
		return fmt.Errorf("%s: want 2 inputs", n.label())
	}
	f := L.ch.cur
	c, _, _ := L.input(n, 1-vi)
	if c == nil {
		return fmt.Errorf("%s: an operand is missing", n.label())
	}
	as, bs := f.shape, c.Shape
	if vi == 1 {
		as, bs = c.Shape, f.shape
	}
	if len(as) == 0 || len(bs) == 0 {
		return fmt.Errorf("%s: MatMul of a scalar", n.label())
	}
	a2, b2 := as, bs
	if len(as) == 1 {
		a2 = []int{1, as[0]}
	}
	if len(bs) == 1 {
		b2 = []int{bs[0], 1}
	}
	M, K := a2[len(a2)-2], a2[len(a2)-1]
	K2, N := b2[len(b2)-2], b2[len(b2)-1]
	if K != K2 {
		return fmt.Errorf("%s: inner dimensions differ (%v·%v)", n.label(), as, bs)
	}
	abatch, bbatch := a2[:len(a2)-2], b2[:len(b2)-2]
	batch, err := broadcastShape(abatch, bbatch)
	if err != nil {
		return fmt.Errorf("%s: %v", n.label(), err)
	}
	out := append([]int(nil), batch...)
	if len(as) > 1 {
		out = append(out, M)
	}
	if len(bs) > 1 {
		out = append(out, N)
	}
	nb := prod(batch)
	if int64(nb)*int64(M)*int64(N) > L.o.maxElements() {
		return fmt.Errorf("%s: output too large", n.label())
	}
	ai, bi := broadcastIndex(batch, abatch), broadcastIndex(batch, bbatch)
	g, err := f.combine(nb*M*N, out, func(r int, emit func(int, *big.Rat)) {
		bt, rem := r/(M*N), r%(M*N)
		i, j := rem/N, rem%N
		for k := 0; k < K; k++ {
			ia := ai[bt]*M*K + i*K + k
			ib := bi[bt]*K*N + k*N + j
			if vi == 0 {
				emit(ia, c.Vals[ib])
			} else {
				emit(ib, c.Vals[ia])
			}
		}
	}, nil, L.o.maxElements())
	if err != nil {
		return fmt.Errorf("%s: %v", n.label(), err)
	}
	L.ch.cur = g
	return nil
}

// newShape is the output shape of Flatten, Reshape, Squeeze and Unsqueeze (which keep
// the row-major order of the elements, so only the shape changes).
func (L *lowering) newShape(n *onnxNode, in []int) ([]int, error) {
	total := prod(in)
	r := len(in)
	axisOf := func(a int64, rank int) (int, error) {
		if a < 0 {
			a += int64(rank)
		}
		if a < 0 || a >= int64(rank) {
			return 0, fmt.Errorf("%s: axis out of range for rank %d", n.label(), rank)
		}
		return int(a), nil
	}
	axesArg := func() ([]int64, error) {
		if a, ok := intsAttr(n, "axes"); ok {
			return a, nil
		}
		if len(n.inputs) > 1 && n.inputs[1] != "" {
			t, _, err := L.input(n, 1)
			if err != nil || t == nil {
				return nil, fmt.Errorf("%s: axes must be a constant", n.label())
			}
			return tensorInts(t)
		}
		return nil, nil
	}
	switch n.op {
	case "Flatten":
		if err := allowAttrs(n, "axis"); err != nil {
			return nil, err
		}
		ax, err := intAttr(n, "axis", 1)
		if err != nil {
			return nil, err
		}
		if ax < 0 {
			ax += int64(r)
		}
		if ax < 0 || ax > int64(r) {
			return nil, fmt.Errorf("%s: axis %d out of range for rank %d", n.label(), ax, r)
		}
		return []int{prod(in[:ax]), prod(in[ax:])}, nil
	case "Reshape":
		if err := allowAttrs(n, "allowzero"); err != nil {
			return nil, err
		}
		az, _ := intAttr(n, "allowzero", 0)
		st, _, err := L.input(n, 1)
		if err != nil || st == nil {
			return nil, fmt.Errorf("%s: the target shape must be a constant (dynamic shapes are not supported)", n.label())
		}
		want, err := tensorInts(st)
		if err != nil {
			return nil, fmt.Errorf("%s: shape: %v", n.label(), err)
		}
		out := make([]int, len(want))
		infer, known := -1, 1
		for i, d := range want {
			switch {
			case d == -1 && infer < 0:
				infer = i
				continue
			case d == 0 && az == 0:
				if i >= r {
					return nil, fmt.Errorf("%s: shape entry %d copies a dimension the input does not have", n.label(), i)
				}
				out[i] = in[i]
			case d >= 0 && d <= int64(total):
				out[i] = int(d)
			default:
				return nil, fmt.Errorf("%s: shape entry %d is %d", n.label(), i, d)
			}
			known *= out[i]
		}
		if infer >= 0 {
			if known == 0 || total%known != 0 {
				return nil, fmt.Errorf("%s: cannot infer dimension %d of %v from %d elements", n.label(), infer, want, total)
			}
			out[infer] = total / known
		}
		if prod(out) != total {
			return nil, fmt.Errorf("%s: shape %v holds %d elements, the input has %d", n.label(), out, prod(out), total)
		}
		return out, nil
	case "Squeeze":
		axes, err := axesArg()
		if err != nil {
			return nil, err
		}
		drop := map[int]bool{}
		for _, a := range axes {
			ax, err := axisOf(a, r)
			if err != nil {
				return nil, err
			}
			if in[ax] != 1 {
				return nil, fmt.Errorf("%s: axis %d has size %d, not 1", n.label(), ax, in[ax])
			}
			drop[ax] = true
		}
		var out []int
		for i, d := range in {
			if drop[i] || len(axes) == 0 && d == 1 {
				continue
			}
			out = append(out, d)
		}
		return out, nil
	case "Unsqueeze":
		axes, err := axesArg()
		if err != nil {
			return nil, err
		}
		rank := r + len(axes)
		ins := map[int]bool{}
		for _, a := range axes {
			ax, err := axisOf(a, rank)
			if err != nil {
				return nil, err
			}
			if ins[ax] {
				return nil, fmt.Errorf("%s: axis %d twice", n.label(), ax)
			}
			ins[ax] = true
		}
		out := make([]int, 0, rank)
		k := 0
		for i := 0; i < rank; i++ {
			if ins[i] {
				out = append(out, 1)
			} else {
				out = append(out, in[k])
				k++
			}
		}
		return out, nil
	}
	return nil, fmt.Errorf("%s: not a reshape", n.label())
}

func tensorInts(t *Tensor) ([]int64, error) {
	out := make([]int64, len(t.Vals))
	for i, v := range t.Vals {
		if !v.IsInt() || !v.Num().IsInt64() {
			return nil, fmt.Errorf("element %d is not an integer", i)
		}
		out[i] = v.Num().Int64()
	}
	return out, nil
}

func sameShape(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// broadcastShape is numpy's multidirectional broadcast of two shapes.
func broadcastShape(a, b []int) ([]int, error) {
	n := max(len(a), len(b))
	out := make([]int, n)
	for i := 0; i < n; i++ {
		da, db := 1, 1
		if j := i - (n - len(a)); j >= 0 {
			da = a[j]
		}
		if j := i - (n - len(b)); j >= 0 {
			db = b[j]
		}
		switch {
		case da == db, db == 1:
			out[i] = da
		case da == 1:
			out[i] = db
		default:
			return nil, fmt.Errorf("shapes %v and %v do not broadcast", a, b)
		}
	}
	return out, nil
}

// broadcastIndex maps each element of shape out to the element of shape in that
// broadcasting reads (in right-aligned against out).
func broadcastIndex(out, in []int) []int {
	n := prod(out)
	idx := make([]int, n)
	off := len(out) - len(in)
	for r := 0; r < n; r++ {
		rem, src, stride := r, 0, 1
		for i := len(out) - 1; i >= 0; i-- {
			c := rem % out[i]
			rem /= out[i]
			if j := i - off; j >= 0 {
				if in[j] != 1 {
					src += c * stride
				}
				stride *= in[j]
			}
		}
		idx[r] = src
	}
	return idx
}

func transposeIndex(in []int, perm []int64) ([]int, []int, error) {
	if len(perm) != len(in) {
		return nil, nil, fmt.Errorf("perm %v for rank %d", perm, len(in))
	}
	seen := make([]bool, len(in))
	out := make([]int, len(in))
	for i, p := range perm {
		if p < 0 || p >= int64(len(in)) || seen[p] {
			return nil, nil, fmt.Errorf("perm %v is not a permutation", perm)
		}
		seen[p] = true
		out[i] = in[p]
	}
	strides := make([]int, len(in))
	s := 1
	for i := len(in) - 1; i >= 0; i-- {
		strides[i] = s
		s *= in[i]
	}
	n := prod(out)
	idx := make([]int, n)
	for r := 0; r < n; r++ {
		rem, src := r, 0
		for i := len(out) - 1; i >= 0; i-- {
			c := rem % out[i]
			rem /= out[i]
			src += c * strides[perm[i]]
		}
		idx[r] = src
	}
	return idx, out, nil
}
