package smt

import (
	"fmt"
	"strconv"
	"strings"

	"certify/cert"
)

// netEnc writes a network as SMT-LIB formulas. It reads the network's numbers only: the
// formulas are the encoding's own, independent of the kernel's evaluator.
type netEnc struct {
	n     *cert.Network
	w     [][][]string // layer, unit, input → weight literal ("" for a zero weight)
	b     [][]string   // layer, unit → bias literal
	slope [][]string   // leaky-relu slope literal per unit
	max   int
}

func newNetEnc(n *cert.Network, maxDigits int) (*netEnc, error) {
	e := &netEnc{n: n, max: maxDigits}
	for li := range n.Layers {
		l := &n.Layers[li]
		ws := make([][]string, len(l.W))
		bs := make([]string, len(l.B))
		ss := make([]string, len(l.B))
		for u, row := range l.W {
			ws[u] = make([]string, len(row))
			for k, w := range row {
				if w.Sign() == 0 {
					continue
				}
				s, err := Lit(w, maxDigits)
				if err != nil {
					return nil, fmt.Errorf("network.layers[%d].weights[%d][%d]: %w", li, u, k, err)
				}
				ws[u][k] = s
			}
			s, err := Lit(l.B[u], maxDigits)
			if err != nil {
				return nil, fmt.Errorf("network.layers[%d].biases[%d]: %w", li, u, err)
			}
			bs[u] = s
			if l.Act[u].Kind == cert.ActLeakyReLU {
				if ss[u], err = Lit(l.Act[u].Slope, maxDigits); err != nil {
					return nil, fmt.Errorf("network.layers[%d].activations[%d]: %w", li, u, err)
				}
			}
		}
		e.w, e.b, e.slope = append(e.w, ws), append(e.b, bs), append(e.slope, ss)
	}
	return e, nil
}

// affine writes b + Σ w_k·in_k, plus skip when it is not "" (a residual layer's term:
// its previous layer's input).
func (e *netEnc) affine(sb *strings.Builder, li, u int, in []string, skip string) {
	sb.WriteString("(+ ")
	sb.WriteString(e.b[li][u])
	if skip != "" {
		sb.WriteByte(' ')
		sb.WriteString(skip)
	}
	for k, w := range e.w[li][u] {
		if w == "" {
			continue
		}
		sb.WriteString(" (* ")
		sb.WriteString(w)
		sb.WriteByte(' ')
		sb.WriteString(in[k])
		sb.WriteByte(')')
	}
	sb.WriteByte(')')
}

// iteValue is the activation of z written with ite.
func (e *netEnc) iteValue(li, u int, z string) string {
	a := e.n.Layers[li].Act[u]
	switch a.Kind {
	case cert.ActReLU:
		return "(ite (> " + z + " 0.0) " + z + " 0.0)"
	case cert.ActLeakyReLU:
		return "(ite (> " + z + " 0.0) " + z + " (* " + e.slope[li][u] + " " + z + "))"
	case cert.ActHardTanh:
		return "(ite (<= " + z + " (- 1.0)) (- 1.0) (ite (>= " + z + " 1.0) 1.0 " + z + "))"
	case cert.ActStep:
		return "(ite (>= " + z + " 0.0) 1.0 0.0)"
	}
	return z
}

// stateCond is the condition on the pre-activation z under which the unit is in state st,
// following the breakpoint convention of cert.Activation.State. ok is false when st is
// not a state of the unit's activation (the condition is then "false").
func (e *netEnc) stateCond(li, u int, z string, st byte) (cond, branch string, ok bool) {
	a := e.n.Layers[li].Act[u]
	switch a.Kind {
	case cert.ActReLU, cert.ActLeakyReLU:
		switch st {
		case '1':
			return "(> " + z + " 0.0)", z, true
		case '0':
			if a.Kind == cert.ActReLU {
				return "(<= " + z + " 0.0)", "0.0", true
			}
			return "(<= " + z + " 0.0)", "(* " + e.slope[li][u] + " " + z + ")", true
		}
	case cert.ActStep:
		switch st {
		case '1':
			return "(>= " + z + " 0.0)", "1.0", true
		case '0':
			return "(< " + z + " 0.0)", "0.0", true
		}
	case cert.ActHardTanh:
		switch st {
		case '-':
			return "(<= " + z + " (- 1.0))", "(- 1.0)", true
		case '1':
			return "(and (> " + z + " (- 1.0)) (< " + z + " 1.0))", z, true
		case '+':
			return "(>= " + z + " 1.0)", "1.0", true
		}
	case cert.ActIdentity:
		if st == '1' {
			return "true", z, true
		}
	}
	return "false", e.iteValue(li, u, z), false
}

// differ is true when pre-activations z1 and z2 put the unit in different states.
func (e *netEnc) differ(li, u int, z1, z2 string) string {
	switch e.n.Layers[li].Act[u].Kind {
	case cert.ActReLU, cert.ActLeakyReLU:
		return "(xor (> " + z1 + " 0.0) (> " + z2 + " 0.0))"
	case cert.ActStep:
		return "(xor (>= " + z1 + " 0.0) (>= " + z2 + " 0.0))"
	case cert.ActHardTanh:
		return "(or (xor (<= " + z1 + " (- 1.0)) (<= " + z2 + " (- 1.0))) (xor (>= " + z1 + " 1.0) (>= " + z2 + " 1.0)))"
	}
	return "false"
}

// copyOut writes one copy of the network on the input terms in, with every unit's
// pre-activation and value declared as constants named prefix+"z"/"a"+l_u. Unit (l, u)
// of a layer l < len(pattern) takes the linear branch of state pattern[l][u] and the
// condition of that state is appended to conds; other activations are ite. It
// returns the output terms and the pre-activation names per layer.
func (e *netEnc) copyOut(sb *strings.Builder, prefix string, in []string, pattern []string, conds *[]string) (out []string, zs [][]string) {
	var prev []string // the previous layer's input terms (a residual layer adds them)
	for li := range e.n.Layers {
		l := &e.n.Layers[li]
		next := make([]string, l.Out())
		zl := make([]string, l.Out())
		for u := range next {
			z := prefix + "z" + strconv.Itoa(li) + "_" + strconv.Itoa(u)
			zl[u] = z
			sb.WriteString("(declare-const ")
			sb.WriteString(z)
			sb.WriteString(" Real)\n(assert (= ")
			sb.WriteString(z)
			sb.WriteByte(' ')
			skip := ""
			if l.Residual {
				skip = prev[u]
			}
			e.affine(sb, li, u, in, skip)
			sb.WriteString("))\n")
			var val string
			if li < len(pattern) {
				cond, branch, _ := e.stateCond(li, u, z, pattern[li][u])
				*conds = append(*conds, cond)
				val = branch
			} else {
				val = e.iteValue(li, u, z)
			}
			if val == z {
				next[u] = z
				continue
			}
			a := prefix + "a" + strconv.Itoa(li) + "_" + strconv.Itoa(u)
			sb.WriteString("(declare-const ")
			sb.WriteString(a)
			sb.WriteString(" Real)\n(assert (= ")
			sb.WriteString(a)
			sb.WriteByte(' ')
			sb.WriteString(val)
			sb.WriteString("))\n")
			next[u] = a
		}
		zs = append(zs, zl)
		in, prev = next, in
	}
	return in, zs
}

func and(parts []string) string {
	switch len(parts) {
	case 0:
		return "true"
	case 1:
		return parts[0]
	}
	return "(and " + strings.Join(parts, " ") + ")"
}

func or(parts []string) string {
	switch len(parts) {
	case 0:
		return "false"
	case 1:
		return parts[0]
	}
	return "(or " + strings.Join(parts, " ") + ")"
}

// declareBool writes (declare-const name Bool) (assert (= name body)).
func declareBool(sb *strings.Builder, name, body string) {
	sb.WriteString("(declare-const ")
	sb.WriteString(name)
	sb.WriteString(" Bool)\n(assert (= ")
	sb.WriteString(name)
	sb.WriteByte(' ')
	sb.WriteString(body)
	sb.WriteString("))\n")
}
