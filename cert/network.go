package cert

import (
	"fmt"
	"math/big"
	"strings"
)

// ActKind names an activation function.
type ActKind uint8

// The activations the kernel knows. Add new kinds at the end.
const (
	ActIdentity  ActKind = iota // v
	ActReLU                     // max(v, 0)
	ActLeakyReLU                // v for v > 0, s·v otherwise (slope s rational)
	ActHardTanh                 // clip(v, -1, 1)
	ActStep                     // 1 if v >= 0, else 0
)

// Activation is one unit's activation function. Slope is used by ActLeakyReLU only.
type Activation struct {
	Kind  ActKind
	Slope *big.Rat
}

// String gives the activation's name in the certificate format ("leaky-relu:1/10" for a
// leaky ReLU of slope 1/10).
func (a Activation) String() string {
	switch a.Kind {
	case ActIdentity:
		return "identity"
	case ActReLU:
		return "relu"
	case ActLeakyReLU:
		return "leaky-relu:" + a.Slope.RatString()
	case ActHardTanh:
		return "hard-tanh"
	case ActStep:
		return "step"
	}
	return fmt.Sprintf("activation(%d)", a.Kind)
}

// ParseActivation reads an activation name: "identity", "relu", "leaky-relu:S" (S an
// exact rational slope), "hard-tanh", "step".
func ParseActivation(s string, maxDigits int) (Activation, error) {
	switch s {
	case "identity":
		return Activation{Kind: ActIdentity}, nil
	case "relu":
		return Activation{Kind: ActReLU}, nil
	case "hard-tanh":
		return Activation{Kind: ActHardTanh}, nil
	case "step":
		return Activation{Kind: ActStep}, nil
	}
	if rest, ok := strings.CutPrefix(s, "leaky-relu:"); ok {
		r, err := ParseRat(rest, maxDigits)
		if err != nil {
			return Activation{}, fmt.Errorf("leaky-relu slope: %v", err)
		}
		return Activation{Kind: ActLeakyReLU, Slope: r}, nil
	}
	return Activation{}, fmt.Errorf("unknown activation %q (want identity, relu, leaky-relu:SLOPE, hard-tanh or step)", clip(s))
}

// Apply computes the activation exactly.
func (a Activation) Apply(z *big.Rat) *big.Rat {
	switch a.Kind {
	case ActReLU:
		if z.Sign() > 0 {
			return new(big.Rat).Set(z)
		}
		return new(big.Rat)
	case ActLeakyReLU:
		if z.Sign() > 0 {
			return new(big.Rat).Set(z)
		}
		return new(big.Rat).Mul(z, a.Slope)
	case ActHardTanh:
		switch {
		case z.Cmp(ratOne) >= 0:
			return big.NewRat(1, 1)
		case z.Cmp(ratMinusOne) <= 0:
			return big.NewRat(-1, 1)
		}
		return new(big.Rat).Set(z)
	case ActStep:
		if z.Sign() >= 0 {
			return big.NewRat(1, 1)
		}
		return new(big.Rat)
	}
	return new(big.Rat).Set(z)
}

// State is the piece of its activation a pre-activation z lies in. The convention on
// breakpoints is fixed: a pre-activation exactly on a breakpoint belongs to the piece
// whose formula gives the unit's value there, and where both do (ReLU and leaky ReLU at 0,
// hard-tanh at ±1) to the flat or saturated piece:
//
//	relu, leaky-relu   '1' if z > 0, '0' if z <= 0
//	step               '1' if z >= 0, '0' if z < 0
//	hard-tanh          '-' if z <= -1, '1' if -1 < z < 1, '+' if z >= 1
//	identity           '1' always
func (a Activation) State(z *big.Rat) byte {
	return a.stateSign(z.Sign(), z.Cmp(ratMinusOne), z.Cmp(ratOne))
}

// stateSign is State given sign(z), cmp(z, -1) and cmp(z, 1).
func (a Activation) stateSign(sign, cmpLo, cmpHi int) byte {
	switch a.Kind {
	case ActReLU, ActLeakyReLU:
		if sign > 0 {
			return '1'
		}
		return '0'
	case ActStep:
		if sign >= 0 {
			return '1'
		}
		return '0'
	case ActHardTanh:
		switch {
		case cmpLo <= 0:
			return '-'
		case cmpHi >= 0:
			return '+'
		}
		return '1'
	}
	return '1'
}

var (
	ratOne      = big.NewRat(1, 1)
	ratMinusOne = big.NewRat(-1, 1)
)

// Layer is an affine map followed by a per-unit activation: a = σ(W x + b).
// W has one row per unit (len(W) == len(B) == len(Act)), each row as long as the layer's
// input.
//
// A residual layer (Residual true; never the first) also adds the input of the layer
// before it: a = σ(W x + b + h), h being what the previous layer read. The pair of a
// layer and the residual layer after it is one residual block of Yun, Sra and
// Jadbabaie (2019, §4), h ↦ h + V·σ(U·h + b) + c, when the residual layer is identity
// with weights V and biases c; its output has the dimension of the block's input.
type Layer struct {
	W        [][]*big.Rat
	B        []*big.Rat
	Act      []Activation
	Residual bool
}

// Out is the number of units of the layer.
func (l *Layer) Out() int { return len(l.B) }

// Network is a feed-forward network: Layers[0] reads the input (dimension InputDim) and
// the last layer's output is the network's output. Every layer, the last included, has
// its activations stated (the last is usually identity).
type Network struct {
	InputDim int
	Layers   []Layer
}

// HasResidual reports whether some layer of n is residual.
func (n *Network) HasResidual() bool {
	for i := range n.Layers {
		if n.Layers[i].Residual {
			return true
		}
	}
	return false
}

// OutputDim is the width of the last layer.
func (n *Network) OutputDim() int {
	if len(n.Layers) == 0 {
		return n.InputDim
	}
	return n.Layers[len(n.Layers)-1].Out()
}

// Sizes are the size measures papers use, recomputed from the network.
type Sizes struct {
	Depth             int   `json:"depth"`              // number of affine layers, the output layer included
	Widths            []int `json:"widths"`             // units per layer, the output layer included
	HiddenUnits       int   `json:"hidden_units"`       // Σ widths of the hidden layers but residual ones (Yun et al.)
	Parameters        int64 `json:"parameters"`         // all weights and biases (Park et al.)
	NonzeroWeights    int64 `json:"nonzero_weights"`    // non-zero weights, the edges of the DAG (Vardi et al.)
	NonzeroParameters int64 `json:"nonzero_parameters"` // non-zero weights and biases
	MaxBits           int   `json:"max_bits"`           // max over weights and biases of bitlen|p| + bitlen q
}

// ComputeSizes measures n.
func (n *Network) ComputeSizes() Sizes {
	s := Sizes{Depth: len(n.Layers)}
	for i := range n.Layers {
		l := &n.Layers[i]
		s.Widths = append(s.Widths, l.Out())
		// A residual layer's units are the block's output h^l, not hidden nodes: Yun et
		// al. count the σ units of the blocks, Σ d_l (a plain network has none).
		if i < len(n.Layers)-1 && !l.Residual {
			s.HiddenUnits += l.Out()
		}
		for j, row := range l.W {
			for _, w := range row {
				s.Parameters++
				if w.Sign() != 0 {
					s.NonzeroWeights++
					s.NonzeroParameters++
				}
				if b := BitComplexity(w); b > s.MaxBits {
					s.MaxBits = b
				}
			}
			s.Parameters++
			if l.B[j].Sign() != 0 {
				s.NonzeroParameters++
			}
			if b := BitComplexity(l.B[j]); b > s.MaxBits {
				s.MaxBits = b
			}
		}
	}
	return s
}

// validate checks the shapes of n; the error names the first element out of shape.
func (n *Network) validate() error {
	if n.InputDim <= 0 {
		return fieldErr("network.input_dim", "must be positive, got %d", n.InputDim)
	}
	if len(n.Layers) == 0 {
		return fieldErr("network.layers", "a network needs at least one layer")
	}
	in := n.InputDim
	for i := range n.Layers {
		l := &n.Layers[i]
		p := fmt.Sprintf("network.layers[%d]", i)
		if len(l.B) == 0 {
			return fieldErr(p+".biases", "a layer needs at least one unit")
		}
		if len(l.W) != len(l.B) {
			return fieldErr(p+".weights", "has %d rows but biases has %d entries", len(l.W), len(l.B))
		}
		if len(l.Act) != len(l.B) {
			return fieldErr(p+".activations", "has %d entries for %d units", len(l.Act), len(l.B))
		}
		for j, row := range l.W {
			if len(row) != in {
				return fieldErr(fmt.Sprintf("%s.weights[%d]", p, j), "has %d entries but the layer's input has dimension %d", len(row), in)
			}
		}
		if l.Residual {
			if i == 0 {
				return fieldErr(p+".residual", "the first layer has no block input to add (a residual block is a layer and the residual layer after it)")
			}
			if blockIn := len(n.Layers[i-1].W[0]); len(l.B) != blockIn {
				return fieldErr(p+".biases", "a residual layer's output must have the dimension of its block's input (the input of layers[%d], %d); it has %d units", i-1, blockIn, len(l.B))
			}
		}
		in = len(l.B)
	}
	return nil
}
