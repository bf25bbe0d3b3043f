package theorems

import (
	"fmt"
	"math/big"
	"sort"
	"strings"

	"certify/cert"
)

// theorem describes one theorem of the table.
type theorem struct {
	statement string // informative
	// shape checks the network's architecture (depth, activations); "" when it fits.
	shape func(c *cert.Certificate) string
	// hyp computes the comparisons of the hypothesis on the instance.
	hyp func(c *cert.Certificate, in cert.TheoremInstance) []cert.Comparison
	// promise computes the promised sizes.
	promise func(in cert.TheoremInstance) cert.TheoremSizes
	// promiseOn, when set, computes them from the certificate's data too (a count that
	// depends on more than the instance, such as the dimension of the data's hull);
	// promise is then what Promise reports without data.
	promiseOn func(c *cert.Certificate, in cert.TheoremInstance) cert.TheoremSizes
}

func (th theorem) promised(c *cert.Certificate, in cert.TheoremInstance) cert.TheoremSizes {
	if th.promiseOn != nil {
		return th.promiseOn(c, in)
	}
	return th.promise(in)
}

// Table is the theorem table, for cert.Options.Theorems.
var Table cert.Theorems = table{}

type table struct{}

// Known implements cert.Theorems.
func (table) Known(id string) bool {
	_, ok := theoremByID(id)
	return ok
}

// Formulas implements cert.Theorems.
func (table) Formulas(id string, c *cert.Certificate) (cert.TheoremFormulas, string) {
	th, ok := theoremByID(id)
	if !ok {
		return cert.TheoremFormulas{}, fmt.Sprintf("unknown theorem %q", id)
	}
	if why := th.shape(c); why != "" {
		return cert.TheoremFormulas{}, why
	}
	in := cert.InstanceOf(c)
	return cert.TheoremFormulas{Hypothesis: th.hyp(c, in), Promised: th.promised(c, in)}, ""
}

// cmp builds a comparison of integers.
func cmp(text string, lhs int64, op string, rhs int64) cert.Comparison {
	return cert.Comparison{Text: text, LHS: big.NewRat(lhs, 1), Op: op, RHS: big.NewRat(rhs, 1)}
}

func theoremByID(id string) (theorem, bool) {
	switch id {
	case "zhang2017-thm1":
		return theorem{
			statement: "x_1..x_N distinct and d1 ≥ N",
			shape:     shapeCheck(2, cert.ActReLU),
			hyp: func(_ *cert.Certificate, in cert.TheoremInstance) []cert.Comparison {
				return []cert.Comparison{cmp("d1 ≥ N", int64(in.Widths[0]), ">=", int64(in.N))}
			},
			promise: func(in cert.TheoremInstance) cert.TheoremSizes { return promise(2, in.N) },
		}, true
	case "yun2019-thm3.1-relu":
		return theorem{
			statement: "4⌊d1/4⌋⌊d2/(4d_y)⌋ ≥ N",
			shape:     shapeCheck(3, cert.ActReLU),
			hyp:       yunHyp(4, false),
			promise: func(in cert.TheoremInstance) cert.TheoremSizes {
				return promise(3, leastWidthSum(in.N, 4, 4*in.DY))
			},
		}, true
	case "yun2019-thm3.1-hardtanh":
		return theorem{
			statement: "4⌊d1/2⌋⌊d2/(2d_y)⌋ ≥ N",
			shape:     shapeCheck(3, cert.ActHardTanh),
			hyp:       yunHyp(2, false),
			promise: func(in cert.TheoremInstance) cert.TheoremSizes {
				return promise(3, leastWidthSum(in.N, 2, 2*in.DY))
			},
		}, true
	case "yun2019-prop3.2-relu":
		return theorem{
			statement: "4⌊d1/4⌋⌊d2/4⌋ ≥ N and d3 ≥ 4d_y",
			shape: func(c *cert.Certificate) string {
				if s := shapeCheck(4, cert.ActReLU)(c); s != "" {
					return s
				}
				if c.Data.Task != cert.Classification || c.Network.OutputDim() != c.Data.Classes {
					return fmt.Sprintf("Prop 3.2 is one-hot classification: the network needs one output per class (%d outputs, %d classes)", c.Network.OutputDim(), c.Data.Classes)
				}
				return ""
			},
			hyp: yunHyp(4, true),
			promise: func(in cert.TheoremInstance) cert.TheoremSizes {
				return promise(4, leastWidthSum(in.N, 4, 4)+4*in.DY)
			},
		}, true
	case "yun2019-cor4.2-relu":
		return cor42Theorem(4, cert.ActReLU), true
	case "telgarsky2015-sawtooth":
		return theorem{
			statement: "the points are i/2^L, i = 0..2^L−1, labelled i mod 2, L = hidden layers",
			shape: func(c *cert.Certificate) string {
				if c.Network.InputDim != 1 || c.Network.OutputDim() != 1 {
					return "the sawtooth network has one input and one output"
				}
				return hiddenActs(c, cert.ActReLU)
			},
			hyp: func(c *cert.Certificate, in cert.TheoremInstance) []cert.Comparison {
				L := len(in.Widths)
				return []cert.Comparison{
					{Text: "N = 2^L", LHS: big.NewRat(int64(c.Data.N), 1), Op: "=", RHS: new(big.Rat).SetInt(new(big.Int).Lsh(big.NewInt(1), uint(L)))},
					cmp("points i/2^L (0 ≤ i < 2^L) labelled i mod 2, each i once = N", telgarskyMatches(c.Data, L), "=", int64(c.Data.N)),
				}
			},
			promise: func(in cert.TheoremInstance) cert.TheoremSizes {
				L := len(in.Widths)
				return promise(2*L+1, 4*L)
			},
		}, true
	case "yun2019-thm4.1-relu":
		return yunResNet(), true
	case "yun2019-thm4.1-hardtanh":
		return yunResNetFor(cert.ActHardTanh), true
	case "yun2019-thm4.1-relu-hull":
		return yunResNetHull(cert.ActReLU), true
	case "yun2019-thm4.1-hardtanh-hull":
		return yunResNetHull(cert.ActHardTanh), true
	case "vardi2022-thm3.1", "vardi2022-thm5.1", "vardi2022-thm6.2", "park2021-thm1", "park2021-thm2":
		return deepTheorem(id), true
	// Yun et al. 2019, Cor 4.2 (hard-tanh) and Prop 3.4 (yun2019.go).
	case "yun2019-cor4.2-hardtanh", "yun2019-prop3.4-hardtanh", "yun2019-prop3.4-relu",
		"yun2019-prop3.4-classify-hardtanh", "yun2019-prop3.4-classify-relu":
		return yunTheorem(id)
	}
	return theorem{}, false
}

// IDs lists the theorem ids of the table, sorted.
func IDs() []string {
	ids := []string{"zhang2017-thm1", "yun2019-thm3.1-relu", "yun2019-thm3.1-hardtanh", "yun2019-prop3.2-relu",
		"yun2019-cor4.2-relu", "telgarsky2015-sawtooth", "vardi2022-thm3.1", "vardi2022-thm5.1", "vardi2022-thm6.2", "park2021-thm1", "park2021-thm2",
		"yun2019-cor4.2-hardtanh", "yun2019-prop3.4-hardtanh", "yun2019-prop3.4-relu",
		"yun2019-prop3.4-classify-hardtanh", "yun2019-prop3.4-classify-relu",
		"yun2019-thm4.1-relu", "yun2019-thm4.1-hardtanh", "yun2019-thm4.1-relu-hull", "yun2019-thm4.1-hardtanh-hull"}
	sort.Strings(ids)
	return ids
}

func promise(depth, hidden int) cert.TheoremSizes {
	return cert.TheoremSizes{Depth: &depth, HiddenUnits: &hidden}
}

// shapeCheck requires depth affine layers, hidden activation act, identity output.
func shapeCheck(depth int, act cert.ActKind) func(c *cert.Certificate) string {
	return func(c *cert.Certificate) string {
		if got := len(c.Network.Layers); got != depth {
			return fmt.Sprintf("the theorem is about %d-layer networks; this one has %d layers", depth, got)
		}
		return hiddenActs(c, act)
	}
}

func hiddenActs(c *cert.Certificate, act cert.ActKind) string {
	n := c.Network
	if why := feedForward(n); why != "" {
		return why
	}
	for li := range n.Layers {
		want := act
		if li == len(n.Layers)-1 {
			want = cert.ActIdentity
		}
		for j, a := range n.Layers[li].Act {
			if a.Kind != want {
				return fmt.Sprintf("network.layers[%d] unit %d has activation %s; the theorem needs %s", li, j, a, cert.Activation{Kind: want})
			}
		}
	}
	return ""
}

// yunHyp is 4⌊d1/q⌋⌊d2/(q·d_y')⌋ ≥ N where d_y' = d_y (Thm 3.1) or 1 with the extra
// condition d3 ≥ 4d_y (Prop 3.2).
func yunHyp(q int, prop bool) func(*cert.Certificate, cert.TheoremInstance) []cert.Comparison {
	return func(_ *cert.Certificate, in cert.TheoremInstance) []cert.Comparison {
		d1, d2 := in.Widths[0], in.Widths[1]
		if prop {
			return []cert.Comparison{
				cmp(fmt.Sprintf("4⌊d1/%d⌋⌊d2/%d⌋ ≥ N", q, q), 4*int64(d1/q)*int64(d2/q), ">=", int64(in.N)),
				cmp("d3 ≥ 4d_y", int64(in.Widths[2]), ">=", 4*int64(in.DY)),
			}
		}
		return []cert.Comparison{cmp(fmt.Sprintf("4⌊d1/%d⌋⌊d2/(%d·d_y)⌋ ≥ N", q, q), 4*int64(d1/q)*int64(d2/(q*in.DY)), ">=", int64(in.N))}
	}
}

// leastWidthSum is min{d1 + d2 : 4⌊d1/q1⌋⌊d2/q2⌋ ≥ n}: with d1 = q1·a, d2 = q2·⌈n/(4a)⌉.
func leastWidthSum(n, q1, q2 int) int {
	if n <= 0 {
		return q1 + q2
	}
	best := -1
	for a := 1; a <= (n+3)/4; a++ {
		b := (n + 4*a - 1) / (4 * a)
		if s := q1*a + q2*b; best < 0 || s < best {
			best = s
		}
	}
	return best
}

// telgarskyMatches counts the points of d that are i/2^L (0 ≤ i < 2^L) with label i mod 2,
// counting each i once: d is Telgarsky's set exactly when the count is N = 2^L.
func telgarskyMatches(d *cert.Dataset, L int) int64 {
	if d.D != 1 || d.Task != cert.Classification {
		return 0
	}
	n := new(big.Int).Lsh(big.NewInt(1), uint(L))
	seen := map[string]bool{}
	scale := new(big.Rat).SetInt(n)
	t := new(big.Rat)
	var count int64
	for i := 0; i < d.N; i++ {
		t.Mul(d.Input(i)[0], scale)
		if !t.IsInt() || t.Num().Sign() < 0 || t.Num().Cmp(n) >= 0 {
			continue
		}
		k := t.Num().String()
		if seen[k] || uint(d.Labels[i]) != t.Num().Bit(0) {
			continue
		}
		seen[k] = true
		count++
	}
	return count
}

// NewClaim fills a theorem claim for c from the table: the producer's convenience. The
// claim is checked like any other (a wrong one is refuted by cert.Check).
func NewClaim(id string, c *cert.Certificate) (cert.TheoremClaim, error) {
	th, ok := theoremByID(id)
	if !ok {
		return cert.TheoremClaim{}, fmt.Errorf("unknown theorem %q (known: %s)", id, strings.Join(IDs(), ", "))
	}
	if c.Network == nil || c.Data == nil {
		return cert.TheoremClaim{}, fmt.Errorf("theorem %s needs a network and a dataset", id)
	}
	if why := th.shape(c); why != "" {
		return cert.TheoremClaim{}, fmt.Errorf("theorem %s: %s", id, why)
	}
	in := cert.InstanceOf(c)
	hyp := th.hyp(c, in)
	holds := true
	for k := range hyp {
		hyp[k].Holds = hyp[k].Evaluate()
		holds = holds && hyp[k].Holds
	}
	pr := th.promised(c, in)
	bu := cert.BuiltOf(c.Network.ComputeSizes())
	return cert.TheoremClaim{Theorem: id, Statement: th.statement, Instance: in, Hypothesis: hyp, HypothesisHolds: holds,
		Promised: pr, Built: bu, WithinPromise: cert.WithinPromise(bu, pr), ExceedsTheorem: !holds}, nil
}

// Evaluated renders a claim's comparisons with their numbers and stated truth values, for
// reports: "d1 ≥ N (6 ≥ 6): true; …".
func Evaluated(t cert.TheoremClaim) string {
	sym := map[string]string{"<": "<", "<=": "≤", "=": "=", ">=": "≥", ">": ">"}
	var parts []string
	for _, h := range t.Hypothesis {
		parts = append(parts, fmt.Sprintf("%s (%s %s %s): %v", h.Text, h.LHS.RatString(), sym[h.Op], h.RHS.RatString(), h.Holds))
	}
	return strings.Join(parts, "; ")
}

// Promise is the size theorem id promises for an instance (N, d_x, d_y, and the hidden
// widths where the promise depends on them), by the table's own formula: what a size
// calculation quoted from a paper is compared against.
func Promise(id string, in cert.TheoremInstance) (cert.TheoremSizes, error) {
	th, ok := theoremByID(id)
	if !ok {
		return cert.TheoremSizes{}, fmt.Errorf("unknown theorem %q (known: %s)", id, strings.Join(IDs(), ", "))
	}
	return th.promise(in), nil
}

// feedForward is "" for a plain network, else why a feed-forward theorem does not apply.
func feedForward(n *cert.Network) string {
	for li := range n.Layers {
		if n.Layers[li].Residual {
			return fmt.Sprintf("network.layers[%d] is residual; the theorem is about feed-forward networks", li)
		}
	}
	return ""
}
