package cert

import (
	"encoding/json"
	"math/big"
)

// A Claim is one statement a certificate makes about its network and dataset. The set of
// kinds is closed: Claim has an unexported method, so only the types of this package
// implement it, and Check refuses with an error any value whose type is not one of them
// (a type of another package that embeds one of ours, say). A claim the kernel does not
// check is never reported verified.
type Claim interface {
	Kind() string
	claim() // closes the set of kinds
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
// activation region). A point is listed at most once in Points.
type PatternsClaim struct {
	Points   []int
	Patterns [][]string
	Distinct bool
}

// SizesClaim states sizes of the network; nil fields are not stated. Each stated field
// must equal the recomputed value, except MaxBitsAtMost, a bound: max_bits ≤ it (a bit
// budget, as in Vardi et al. 2022, Thm 6.2).
type SizesClaim struct {
	Depth             *int
	Widths            []int
	HiddenUnits       *int
	Parameters        *int64
	NonzeroWeights    *int64
	NonzeroParameters *int64
	MaxBits           *int
	MaxBitsAtMost     *int
}

// Kind names.
const (
	KindExact       = "exact"
	KindArgmax      = "argmax"
	KindThreshold   = "threshold"
	KindEpsilon     = "epsilon"
	KindPatterns    = "patterns"
	KindSizes       = "sizes"
	KindPieces      = "pieces"
	KindHyperplanes = "hyperplanes"
	KindTheorem     = "theorem"
	KindNoFit       = "no-fit"
)

func (ExactClaim) Kind() string       { return KindExact }
func (ArgmaxClaim) Kind() string      { return KindArgmax }
func (ThresholdClaim) Kind() string   { return KindThreshold }
func (EpsilonClaim) Kind() string     { return KindEpsilon }
func (PatternsClaim) Kind() string    { return KindPatterns }
func (SizesClaim) Kind() string       { return KindSizes }
func (PiecesClaim) Kind() string      { return KindPieces }
func (HyperplanesClaim) Kind() string { return KindHyperplanes }
func (TheoremClaim) Kind() string     { return KindTheorem }
func (NoFitClaim) Kind() string       { return KindNoFit }

func (ExactClaim) claim()       {}
func (ArgmaxClaim) claim()      {}
func (ThresholdClaim) claim()   {}
func (EpsilonClaim) claim()     {}
func (PatternsClaim) claim()    {}
func (SizesClaim) claim()       {}
func (PiecesClaim) claim()      {}
func (HyperplanesClaim) claim() {}
func (TheoremClaim) claim()     {}
func (NoFitClaim) claim()       {}

// needs says what a claim kind speaks of besides itself.
type needs uint8

const (
	needsNetwork needs = 1 << iota // the certificate's "network"
	needsData                      // the certificate's "dataset"
)

// kindSpec is one row of the closed table of claim kinds.
type kindSpec struct {
	name  string
	needs needs
	// decode reads a claim of this kind; raw is its JSON object, path "claims[i]". It
	// runs only when what the kind needs is present. Unknown fields are refused.
	decode func(raw json.RawMessage, path string, c *Certificate, lim Limits) (Claim, error)
}

// claimKinds is the closed table of the claim kinds the kernel checks, in the order that
// messages list them. There is no other way to add a kind than a row here, a type above
// and a case in specOf and in Check.
var claimKinds = []kindSpec{
	{KindExact, needsNetwork | needsData, decodeBasic},
	{KindArgmax, needsNetwork | needsData, decodeBasic},
	{KindThreshold, needsNetwork | needsData, decodeBasic},
	{KindEpsilon, needsNetwork | needsData, decodeBasic},
	{KindPatterns, needsNetwork | needsData, decodeBasic},
	{KindSizes, needsNetwork, decodeBasic},
	{KindPieces, needsNetwork, decodePieces},
	{KindHyperplanes, needsNetwork | needsData, decodeHyperplanes},
	{KindTheorem, needsNetwork | needsData, decodeTheorem},
	{KindNoFit, needsData, decodeNoFit},
	{KindFloat, needsNetwork | needsData, decodeFloat},
}

// specByName finds a kind's row by its JSON name.
func specByName(kind string) (kindSpec, bool) {
	for _, s := range claimKinds {
		if s.name == kind {
			return s, true
		}
	}
	return kindSpec{}, false
}

// specOf finds the row of a claim value by its dynamic type: only the types of this
// package are known, whatever their Kind method says.
func specOf(cl Claim) (kindSpec, bool) {
	switch cl.(type) {
	case ExactClaim, ArgmaxClaim, ThresholdClaim, EpsilonClaim, PatternsClaim, SizesClaim,
		PiecesClaim, HyperplanesClaim, TheoremClaim, NoFitClaim, FloatClaim:
		return specByName(cl.Kind())
	}
	return kindSpec{}, false
}

// checkNeeds refuses a claim whose certificate lacks what its kind speaks of, naming the
// missing field.
func checkNeeds(s kindSpec, path string, c *Certificate) error {
	if s.needs&needsNetwork != 0 && c.Network == nil {
		return fieldErr("network", "missing; %s (kind %q) speaks of a network", path, s.name)
	}
	if s.needs&needsData != 0 && c.Data == nil {
		return fieldErr("dataset", "missing; %s (kind %q) speaks of data points", path, s.name)
	}
	return nil
}

func knownKinds() string {
	s := ""
	for i, k := range claimKinds {
		if i > 0 {
			s += ", "
		}
		s += k.name
	}
	return s
}
