package lowerbounds

import (
	"errors"
	"fmt"
	"math/big"

	"certify/cert"
)

// MaxFarkasCases bounds the first-layer cases FarkasProof tries (each case is a few small
// exact linear programs).
const MaxFarkasCases = 20000

// ErrFarkasOpen says that some case of the split is feasible as a linear program: the
// Farkas proof does not exist in this form (a network may fit the data).
var ErrFarkasOpen = errors.New("a case of the split is feasible: no Farkas proof of this form")

// MaxFarkasLeaves bounds the cases FarkasProof tries at its last split level.
const MaxFarkasLeaves = 100000

// FarkasProof builds the case tree of a no-fit claim of method "farkas" (see cert's
// farkas.go) for one or two hidden relu layers: every first-layer case (and, for two
// layers, every second-layer case under it) is refuted by a Farkas vector of its rows
// without sign information when there is one, else split by signs with one Farkas vector
// per sign case. The vectors come from an exact simplex (untrusted); the caller has the
// kernel check the result.
func FarkasProof(d *cert.Dataset, arch cert.Architecture) (*cert.FarkasNode, error) {
	L := len(arch.Hidden)
	if L < 1 || L > 2 || arch.Activation != "relu" || arch.InputDim != 1 {
		return nil, fmt.Errorf("the Farkas split is for one input and one or two hidden relu layers")
	}
	fd, err := cert.SortedData(d)
	if err != nil {
		return nil, err
	}
	n, m := len(fd.X), arch.Hidden[0]
	count := new(big.Int).Binomial(int64(2*(n+1)+m-1), int64(m))
	var second []string
	if L == 2 {
		if n > 12 {
			return nil, fmt.Errorf("the Farkas split enumerates second-layer patterns for at most 12 points")
		}
		second = []string{"0"}
		for _, sg := range []string{"+", "-"} {
			for p := 0; p < 1<<n; p++ {
				b := make([]byte, n)
				for r := 1; r <= n; r++ {
					b[r-1] = '0' + byte(p>>(n-r)&1)
				}
				second = append(second, sg+string(b))
			}
		}
		count.Mul(count, new(big.Int).Binomial(int64(len(second)+arch.Hidden[1]-1), int64(arch.Hidden[1])))
	}
	if !count.IsInt64() || count.Int64() > MaxFarkasLeaves {
		return nil, fmt.Errorf("the Farkas split would have more than %d cases", MaxFarkasLeaves)
	}
	nsigns := m
	if L == 2 {
		nsigns *= arch.Hidden[1]
	}
	var kinds []string
	for _, s := range []string{"+", "-"} {
		for p := 0; p <= n; p++ {
			kinds = append(kinds, fmt.Sprintf("%s%d", s, p))
		}
	}
	// leaf refutes a case, by one vector or by a split on signs.
	leaf := func(units, sec []string) (cert.FarkasNode, error) {
		nd := cert.FarkasNode{Second: sec}
		if L == 1 {
			nd.Units = units
		}
		rows, err := cert.FarkasCaseRows(fd, arch.Hidden, units, sec, "")
		if err != nil {
			return nd, err
		}
		if len(rows) > 0 {
			if y := farkasVector(rows); y != nil {
				nd.Farkas = y
				return nd, nil
			}
		}
		nd.Split = cert.SplitSigns
		for k := 0; k < 1<<nsigns; k++ {
			signs := make([]byte, nsigns)
			for i := range signs {
				signs[i] = '+'
				if k>>(nsigns-1-i)&1 == 1 {
					signs[i] = '-'
				}
			}
			rows, err := cert.FarkasCaseRows(fd, arch.Hidden, units, sec, string(signs))
			if err != nil {
				return nd, err
			}
			y := farkasVector(rows)
			if y == nil {
				return nd, fmt.Errorf("%w (units %v, second layer %v, signs %s)", ErrFarkasOpen, units, sec, signs)
			}
			nd.Cases = append(nd.Cases, cert.FarkasNode{Signs: string(signs), Farkas: y})
		}
		return nd, nil
	}
	root := &cert.FarkasNode{Split: cert.SplitFirstLayer}
	for _, units := range multisetsOf(kinds, m) {
		if L == 1 {
			nd, err := leaf(units, nil)
			if err != nil {
				return nil, err
			}
			root.Cases = append(root.Cases, nd)
			continue
		}
		nd := cert.FarkasNode{Units: units, Split: cert.SplitSecondLayer}
		for _, sec := range multisetsOf(second, arch.Hidden[1]) {
			ch, err := leaf(units, sec)
			if err != nil {
				return nil, err
			}
			nd.Cases = append(nd.Cases, ch)
		}
		root.Cases = append(root.Cases, nd)
	}
	return root, nil
}

// multisetsOf lists the multisets of m items over kinds as non-decreasing sequences, in
// lexicographic order of the indices (the kernel's order).
func multisetsOf(kinds []string, m int) [][]string {
	var out [][]string
	cur := make([]string, 0, m)
	var rec func(start int)
	rec = func(start int) {
		if len(cur) == m {
			out = append(out, append([]string(nil), cur...))
			return
		}
		for i := start; i < len(kinds); i++ {
			cur = append(cur, kinds[i])
			rec(i)
			cur = cur[:len(cur)-1]
		}
	}
	rec(0)
	return out
}

// farkasVector finds y (free on equalities, ≥ 0 on inequalities) with Σ y_r·row_r = 0 and
// Σ y_r·rhs_r = 1, scaled to coprime integers, or nil when there is none (then the rows
// have a solution, by Farkas' lemma).
func farkasVector(rows []cert.FarkasRow) []string {
	nv := len(rows[0].Coef)
	var cols [][2]int // row, sign
	for r, row := range rows {
		cols = append(cols, [2]int{r, 1})
		if !row.Ineq {
			cols = append(cols, [2]int{r, -1})
		}
	}
	M := make([][]*big.Rat, nv+1)
	d := make([]*big.Rat, nv+1)
	for i := range M {
		M[i] = make([]*big.Rat, len(cols))
		d[i] = new(big.Rat)
		for j, cl := range cols {
			v := rows[cl[0]].RHS
			if i < nv {
				v = rows[cl[0]].Coef[i]
			}
			M[i][j] = new(big.Rat).Mul(v, big.NewRat(int64(cl[1]), 1))
		}
	}
	d[nv].SetInt64(1)
	w := feasible(M, d, len(cols))
	if w == nil {
		return nil
	}
	y := make([]*big.Rat, len(rows))
	for r := range y {
		y[r] = new(big.Rat)
	}
	for j, cl := range cols {
		y[cl[0]].Add(y[cl[0]], new(big.Rat).Mul(w[j], big.NewRat(int64(cl[1]), 1)))
	}
	// Scale to coprime integers.
	l, g := big.NewInt(1), new(big.Int)
	for _, v := range y {
		den := v.Denom()
		gd := new(big.Int).GCD(nil, nil, l, den)
		l.Mul(l, new(big.Int).Quo(den, gd))
	}
	ints := make([]*big.Int, len(y))
	for r, v := range y {
		ints[r] = new(big.Int).Quo(new(big.Int).Mul(v.Num(), l), v.Denom())
		g.GCD(nil, nil, g, new(big.Int).Abs(ints[r]))
	}
	out := make([]string, len(y))
	for r, v := range ints {
		if g.Sign() > 0 {
			v.Quo(v, g)
		}
		out[r] = v.String()
	}
	return out
}
