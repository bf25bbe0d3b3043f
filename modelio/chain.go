package modelio

import (
	"fmt"
	"math/big"

	"certify/cert"
)

// form is the value a chain of affine operations has computed so far, as affine forms of
// the current layer's input u (dimension in): element r is Σ_k M[r][k]·u_k + c[r].
// While only element-wise operations, broadcasts and reshapes have been applied, every
// element depends on at most one input (sparse mode: src[r], coef[r]); a matrix product
// makes it dense (M set). Rationals are never mutated once made.
type form struct {
	in    int
	shape []int
	src   []int      // sparse mode: the input element r depends on (-1: none)
	coef  []*big.Rat // sparse mode: its coefficient
	m     [][]*big.Rat
	c     []*big.Rat
}

func identityForm(shape []int) *form {
	n := prod(shape)
	f := &form{in: n, shape: shape, src: make([]int, n), coef: make([]*big.Rat, n), c: make([]*big.Rat, n)}
	for i := range f.src {
		f.src[i], f.coef[i], f.c[i] = i, ratOne, ratZero
	}
	return f
}

var (
	ratZero = new(big.Rat)
	ratOne  = big.NewRat(1, 1)
)

func prod(shape []int) int {
	n := 1
	for _, d := range shape {
		n *= d
	}
	return n
}

func (f *form) rows() int { return len(f.c) }

// isIdentity reports whether f is exactly its input.
func (f *form) isIdentity() bool {
	if f.m != nil || f.rows() != f.in {
		return false
	}
	for r := range f.src {
		if f.src[r] != r || f.coef[r].Cmp(ratOne) != 0 || f.c[r].Sign() != 0 {
			return false
		}
	}
	return true
}

// gather makes element r of the result element idx[r] of f, with the given shape.
func (f *form) gather(idx []int, shape []int) *form {
	g := &form{in: f.in, shape: shape, c: make([]*big.Rat, len(idx))}
	if f.m != nil {
		g.m = make([][]*big.Rat, len(idx))
	} else {
		g.src, g.coef = make([]int, len(idx)), make([]*big.Rat, len(idx))
	}
	for r, i := range idx {
		g.c[r] = f.c[i]
		if f.m != nil {
			g.m[r] = f.m[i]
		} else {
			g.src[r], g.coef[r] = f.src[i], f.coef[i]
		}
	}
	return g
}

// scaleShift returns mul[r]·f_r + add[r] for each element (nil mul: 1; nil add: 0).
func (f *form) scaleShift(mul, add []*big.Rat) *form {
	g := &form{in: f.in, shape: f.shape, c: make([]*big.Rat, f.rows())}
	if f.m != nil {
		g.m = make([][]*big.Rat, f.rows())
	} else {
		g.src, g.coef = append([]int(nil), f.src...), make([]*big.Rat, f.rows())
	}
	for r := range g.c {
		s := ratOne
		if mul != nil {
			s = mul[r]
		}
		c := new(big.Rat).Mul(s, f.c[r])
		if add != nil {
			c.Add(c, add[r])
		}
		g.c[r] = c
		if f.m != nil {
			if s.Cmp(ratOne) == 0 {
				g.m[r] = f.m[r]
				continue
			}
			row := make([]*big.Rat, f.in)
			for k, w := range f.m[r] {
				row[k] = new(big.Rat).Mul(s, w)
			}
			g.m[r] = row
		} else {
			g.coef[r] = new(big.Rat).Mul(s, f.coef[r])
		}
	}
	return g
}

// term is coef · (element src of a form).
type term struct {
	src  int
	coef *big.Rat
}

// plain reports whether f is a sparse form whose elements are distinct inputs with
// coefficient 1 and no constant (the identity, possibly reshaped or permuted).
func (f *form) plain() bool {
	if f.m != nil {
		return false
	}
	seen := make([]bool, f.in)
	for r, s := range f.src {
		if s < 0 || seen[s] || f.coef[r].Cmp(ratOne) != 0 || f.c[r].Sign() != 0 {
			return false
		}
		seen[s] = true
	}
	return true
}

// combine makes a dense form whose element r is Σ terms(r) + c[r]; terms calls emit for
// each term of element r, each element of f at most once per r when f is plain. maxElems
// bounds the dense matrix.
func (f *form) combine(n int, shape []int, terms func(r int, emit func(src int, coef *big.Rat)), c []*big.Rat, maxElems int64) (*form, error) {
	if int64(n)*int64(f.in) > maxElems {
		return nil, fmt.Errorf("the product makes a %d×%d matrix, more than the limit of %d elements", n, f.in, maxElems)
	}
	g := &form{in: f.in, shape: shape, m: make([][]*big.Rat, n), c: make([]*big.Rat, n)}
	if f.plain() {
		// The common case (a layer's first affine map): the coefficients are the weights;
		// no arithmetic, and the rationals are shared (they are never mutated).
		for r := 0; r < n; r++ {
			row := make([]*big.Rat, f.in)
			for k := range row {
				row[k] = ratZero
			}
			terms(r, func(src int, coef *big.Rat) { row[f.src[src]] = coef })
			g.m[r] = row
			g.c[r] = ratZero
			if c != nil {
				g.c[r] = c[r]
			}
		}
		return g, nil
	}
	t := new(big.Rat)
	for r := 0; r < n; r++ {
		row := make([]*big.Rat, f.in)
		for k := range row {
			row[k] = new(big.Rat)
		}
		cr := new(big.Rat)
		if c != nil {
			cr.Set(c[r])
		}
		terms(r, func(src int, coef *big.Rat) {
			if coef.Sign() == 0 {
				return
			}
			if f.c[src].Sign() != 0 {
				cr.Add(cr, t.Mul(coef, f.c[src]))
			}
			if f.m != nil {
				for k, w := range f.m[src] {
					if w.Sign() != 0 {
						row[k].Add(row[k], t.Mul(coef, w))
					}
				}
			} else if s := f.src[src]; s >= 0 {
				row[s].Add(row[s], t.Mul(coef, f.coef[src]))
			}
		})
		g.m[r], g.c[r] = row, cr
	}
	return g, nil
}

// layer turns f into an affine layer with the given activation. Its rationals are
// shared with f (and between entries: every zero is one value).
func (f *form) layer(act cert.Activation) cert.Layer {
	n := f.rows()
	l := cert.Layer{W: make([][]*big.Rat, n), B: make([]*big.Rat, n), Act: make([]cert.Activation, n)}
	for r := 0; r < n; r++ {
		if f.m != nil {
			l.W[r] = f.m[r]
		} else {
			row := make([]*big.Rat, f.in)
			for k := range row {
				row[k] = ratZero
			}
			if s := f.src[r]; s >= 0 {
				row[s] = f.coef[r]
			}
			l.W[r] = row
		}
		l.B[r] = f.c[r]
		l.Act[r] = act
	}
	return l
}

// chain assembles a network: affine forms separated by activations.
type chain struct {
	inputDim int
	layers   []cert.Layer
	cur      *form
}

func newChain(shape []int) *chain {
	return &chain{inputDim: prod(shape), cur: identityForm(shape)}
}

// activate closes the current affine map with act and starts the next from the
// activation's output. pre, if set, is applied to the form first and post is the affine
// map (per element: post[0]·a + post[1]) that turns the activation's output into the
// value the model computes (used to express Clip with any bounds through hard-tanh or
// ReLU).
func (c *chain) activate(act cert.Activation, preMul, preAdd, postMul, postAdd []*big.Rat) {
	f := c.cur
	if preMul != nil || preAdd != nil {
		f = f.scaleShift(preMul, preAdd)
	}
	c.layers = append(c.layers, f.layer(act))
	c.cur = identityForm(f.shape)
	if postMul != nil || postAdd != nil {
		c.cur = c.cur.scaleShift(postMul, postAdd)
	}
}

// network ends the chain: a pending affine map that is not the identity becomes an
// identity-activated last layer.
func (c *chain) network() *cert.Network {
	if len(c.layers) == 0 || !c.cur.isIdentity() {
		c.layers = append(c.layers, c.cur.layer(cert.Activation{Kind: cert.ActIdentity}))
	}
	return &cert.Network{InputDim: c.inputDim, Layers: c.layers}
}
