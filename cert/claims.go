package cert

import "math/big"

// A Claim is one statement a certificate makes about its network and dataset. The kernel
// knows a closed set of kinds; decoding refuses any other.
type Claim interface {
	Kind() string
}

// ExactClaim: f(x_i) = y_i exactly for every point. For regression y_i is the target
// vector. For classification the output is either one number equal to the class index
// (output dimension 1) or the one-hot vector e_c (output dimension = number of classes).
type ExactClaim struct{}

// ArgmaxClaim: for every point with class c, f_c(x_i) − f_j(x_i) ≥ Margin for every j ≠ c.
// Margin must be positive, so the argmax is unique (a strict classification).
type ArgmaxClaim struct{ Margin *big.Rat }

// ThresholdClaim: a one-output network classifies two classes by 1[f(x_i) ≥ Threshold]:
// class 1 iff f(x_i) ≥ Threshold.
type ThresholdClaim struct{ Threshold *big.Rat }

// EpsilonClaim: |f_k(x_i) − y_ik| ≤ Epsilon for every point and output coordinate (Park
// et al.'s memorisation within ε; for classification y_i is the class index or one-hot
// vector as in ExactClaim).
type EpsilonClaim struct{ Epsilon *big.Rat }

// PatternsClaim: at point i (or Points[i] when Points is set), the units of hidden layer l
// are in the states Patterns[i][l] (one character per unit, see Activation.State). If
// Distinct, the stated patterns are also pairwise different (each point has its own
// activation region).
type PatternsClaim struct {
	Points   []int
	Patterns [][]string
	Distinct bool
}

// SizesClaim states sizes of the network; nil fields are not stated. Each stated field
// must equal the recomputed value.
type SizesClaim struct {
	Depth             *int
	Widths            []int
	HiddenUnits       *int
	Parameters        *int64
	NonzeroWeights    *int64
	NonzeroParameters *int64
	MaxBits           *int
}

// Kind names.
const (
	KindExact     = "exact"
	KindArgmax    = "argmax"
	KindThreshold = "threshold"
	KindEpsilon   = "epsilon"
	KindPatterns  = "patterns"
	KindSizes     = "sizes"
)

func (ExactClaim) Kind() string     { return KindExact }
func (ArgmaxClaim) Kind() string    { return KindArgmax }
func (ThresholdClaim) Kind() string { return KindThreshold }
func (EpsilonClaim) Kind() string   { return KindEpsilon }
func (PatternsClaim) Kind() string  { return KindPatterns }
func (SizesClaim) Kind() string     { return KindSizes }
