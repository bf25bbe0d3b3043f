package cert

// Hyperplanes claims: the hyperplanes a construction puts through chosen data points
// (Baum 1988; Bubeck, Eldan, Lee, Mikulincer 2020; Yun et al. 2019, Cor 4.2) pass through
// exactly those points, which are affinely independent: the general position the
// construction uses, checked where it is used and nowhere else.
//
// # The claim
//
//	{
//	  "kind": "hyperplanes",
//	  "planes": [
//	    {"normal": ["3", "-1", "0", "2"], "offset": "7", "points": [4, 17, 80], "units": [0, 1]}
//	  ]
//	}
//
//	normal, offset  the hyperplane {x : normal·x = offset}; normal is not zero and has one
//	                exact rational per input coordinate
//	points          the dataset points on it (every copy of a repeated input); at least one
//	units           optional: units of the first layer whose weight row is a positive
//	                multiple of normal (the units that read the hyperplane's side)
//
// What is checked, exactly: for every point i of the dataset, normal·x_i = offset if and
// only if i is listed (code hyperplane-points names the first point on the wrong side of
// that); the distinct listed inputs are affinely independent (hyperplane-dependent); each
// listed unit's row is λ·normal with λ > 0 (hyperplane-unit).

import (
	"encoding/json"
	"fmt"
	"math/big"
	"sort"
)

// Hyperplane is one plane of a hyperplanes claim.
type Hyperplane struct {
	Normal []*big.Rat
	Offset *big.Rat
	Points []int
	Units  []int
}

// HyperplanesClaim states hyperplanes through chosen points.
type HyperplanesClaim struct{ Planes []Hyperplane }

type wirePlane struct {
	Normal []string `json:"normal"`
	Offset string   `json:"offset"`
	Points []int    `json:"points"`
	Units  []int    `json:"units,omitempty"`
}

type wireHyperplanes struct {
	Kind   string      `json:"kind"`
	Planes []wirePlane `json:"planes"`
}

func decodeHyperplanes(raw json.RawMessage, path string, c *Certificate, lim Limits) (Claim, error) {
	var w wireHyperplanes
	if err := strictUnmarshal(raw, &w); err != nil {
		if me, ok := err.(*MalformedError); ok {
			me.Path = path + "." + me.Path
		}
		return nil, err
	}
	if c.Data == nil {
		return nil, fieldErr(path, "a hyperplanes claim speaks of data points but the certificate has no dataset")
	}
	if len(w.Planes) == 0 {
		return nil, fieldErr(path+".planes", "missing or empty")
	}
	var h HyperplanesClaim
	for i, wp := range w.Planes {
		pp := fmt.Sprintf("%s.planes[%d]", path, i)
		if len(wp.Normal) != c.Network.InputDim {
			return nil, fieldErr(pp+".normal", "has %d entries; the network has %d inputs", len(wp.Normal), c.Network.InputDim)
		}
		nrm, err := parseRatsAt(pp+".normal", wp.Normal, lim)
		if err != nil {
			return nil, err
		}
		zero := true
		for _, v := range nrm {
			zero = zero && v.Sign() == 0
		}
		if zero {
			return nil, fieldErr(pp+".normal", "is zero")
		}
		if wp.Offset == "" {
			return nil, fieldErr(pp+".offset", "missing")
		}
		off, err := ParseRat(wp.Offset, lim.MaxDigits)
		if err != nil {
			return nil, fieldErr(pp+".offset", "%v", err)
		}
		if len(wp.Points) == 0 {
			return nil, fieldErr(pp+".points", "missing or empty")
		}
		seen := map[int]bool{}
		for k, p := range wp.Points {
			if p < 0 || p >= c.Data.N {
				return nil, fieldErr(fmt.Sprintf("%s.points[%d]", pp, k), "is %d; the dataset has points 0..%d", p, c.Data.N-1)
			}
			if seen[p] {
				return nil, fieldErr(fmt.Sprintf("%s.points[%d]", pp, k), "repeats point %d", p)
			}
			seen[p] = true
		}
		for k, u := range wp.Units {
			if u < 0 || u >= c.Network.Layers[0].Out() {
				return nil, fieldErr(fmt.Sprintf("%s.units[%d]", pp, k), "is %d; the first layer has units 0..%d", u, c.Network.Layers[0].Out()-1)
			}
		}
		h.Planes = append(h.Planes, Hyperplane{Normal: nrm, Offset: off, Points: wp.Points, Units: wp.Units})
	}
	return h, nil
}

// checkWithin checks the claim, stopping Undecided (limit-reached) when the budget's
// deadline passes: it looks before each hyperplane and every 1024 points of one.
func (h HyperplanesClaim) checkWithin(c *Certificate, index int, bud budget) (Status, int, string, *Failure) {
	d := c.Data
	checked := 0
	for pi, pl := range h.Planes {
		path := fmt.Sprintf("claims[%d].planes[%d]", index, pi)
		if bud.late() {
			return Undecided, checked, "", limitFailure(fmt.Sprintf("claims[%d]", index), bud.timeMsg(pi, len(h.Planes), "hyperplanes"))
		}
		fail := func(code Code, field string, point int, want, got, msg string) (Status, int, string, *Failure) {
			return Refuted, checked, "", &Failure{Code: code, Path: path + field, Point: point, Layer: -1, Unit: -1,
				Want: want, Got: got, Message: msg}
		}
		listed := make(map[int]bool, len(pl.Points))
		for _, p := range pl.Points {
			listed[p] = true
		}
		// Integer form: W·X = off·q·s with W = normal·q (q the normal's common denominator)
		// and X = x·s (s the data's common denominator, when stored as integers).
		q := big.NewInt(1)
		for _, v := range pl.Normal {
			lcmInto(q, v.Denom())
		}
		W := make([]*big.Int, len(pl.Normal))
		for k, v := range pl.Normal {
			W[k] = scaledNum(v, q)
		}
		den, isInt := d.IntDenom()
		row := make([]int64, d.D)
		var rhs *big.Rat
		if isInt {
			rhs = new(big.Rat).Mul(pl.Offset, new(big.Rat).SetInt(q))
			rhs.Mul(rhs, big.NewRat(den, 1))
		}
		acc, t := new(big.Int), new(big.Int)
		for i := 0; i < d.N; i++ {
			if i&1023 == 1023 && bud.late() {
				return Undecided, checked, "", limitFailure(path, bud.timeMsg(pi, len(h.Planes), "hyperplanes")+fmt.Sprintf(" (at point %d of %d of the next)", i, d.N))
			}
			var on bool
			if isInt {
				acc.SetInt64(0)
				row = d.IntRow(i, row)
				for k, w := range W {
					if x := row[k]; x != 0 && w.Sign() != 0 {
						acc.Add(acc, t.Mul(w, big.NewInt(x)))
					}
				}
				on = rhs.IsInt() && acc.Cmp(rhs.Num()) == 0
			} else {
				s := new(big.Rat)
				for k, v := range pl.Normal {
					s.Add(s, new(big.Rat).Mul(v, d.Input(i)[k]))
				}
				on = s.Cmp(pl.Offset) == 0
			}
			checked++
			if on != listed[i] {
				if on {
					return fail(CodeHyperplanePoints, ".points", i, "not on the plane", "on the plane",
						fmt.Sprintf("point %d lies on the hyperplane but is not listed: the plane passes through more than its chosen points", i))
				}
				return fail(CodeHyperplanePoints, ".points", i, "on the plane", "off the plane",
					fmt.Sprintf("listed point %d does not lie on the hyperplane", i))
			}
		}
		// Affine independence of the distinct listed inputs.
		pts := append([]int(nil), pl.Points...)
		sort.Ints(pts)
		var rows [][]*big.Rat
		var base []*big.Rat
		seenX := map[string]bool{}
		for _, p := range pts {
			x := d.Input(p)
			key := ratKey(x)
			if seenX[key] {
				continue
			}
			seenX[key] = true
			if base == nil {
				base = x
				continue
			}
			row := make([]*big.Rat, len(x))
			for k := range x {
				row[k] = new(big.Rat).Sub(x[k], base[k])
			}
			rows = append(rows, row)
		}
		r, stop := ratRank(rows, bud)
		if stop != "" {
			return Undecided, checked, "", limitFailure(fmt.Sprintf("claims[%d]", index), stop+fmt.Sprintf(" (the affine rank of the points of hyperplane %d)", pi))
		}
		if r != len(rows) {
			return fail(CodeHyperplaneDependent, ".points", -1, fmt.Sprintf("%d affinely independent points", len(rows)+1),
				fmt.Sprintf("affine rank %d", r), "the listed points are affinely dependent (not in general position)")
		}
		checked++
		for k, u := range pl.Units {
			row := c.Network.Layers[0].W[u]
			var lambda *big.Rat
			ok := true
			for j, v := range pl.Normal {
				if v.Sign() == 0 {
					ok = ok && row[j].Sign() == 0
					continue
				}
				r := new(big.Rat).Quo(row[j], v)
				if lambda == nil {
					lambda = r
				}
				ok = ok && r.Cmp(lambda) == 0
			}
			if !ok || lambda == nil || lambda.Sign() <= 0 {
				return fail(CodeHyperplaneUnit, fmt.Sprintf(".units[%d]", k), -1, "a positive multiple of normal", "",
					fmt.Sprintf("unit %d of network.layers[0] does not read this hyperplane (its row is not a positive multiple of the normal)", u))
			}
			checked++
		}
	}
	return Verified, checked, fmt.Sprintf("%d hyperplanes, each through exactly its chosen points", len(h.Planes)), nil
}

// ratRank is the rank of a matrix of rationals (Gaussian elimination on copies), or the
// limit of the budget that stopped it. The entries grow as the elimination goes (they
// are quotients of minors: about k times the bits of the input after k pivots), so the
// number size limit applies to them, and the deadline is looked at before each pivot.
func ratRank(rows [][]*big.Rat, bud budget) (int, string) {
	if len(rows) == 0 {
		return 0, ""
	}
	m := make([][]*big.Rat, len(rows))
	for i, r := range rows {
		m[i] = make([]*big.Rat, len(r))
		for k, v := range r {
			m[i][k] = new(big.Rat).Set(v)
		}
	}
	rank := 0
	t := new(big.Rat)
	for col := 0; col < len(m[0]) && rank < len(m); col++ {
		p := -1
		for i := rank; i < len(m); i++ {
			if m[i][col].Sign() != 0 {
				p = i
				break
			}
		}
		if p < 0 {
			continue
		}
		if bud.late() {
			return 0, bud.timeMsg(rank, len(m), "pivots")
		}
		m[rank], m[p] = m[p], m[rank]
		for i := rank + 1; i < len(m); i++ {
			if m[i][col].Sign() == 0 {
				continue
			}
			f := new(big.Rat).Quo(m[i][col], m[rank][col])
			for k := col; k < len(m[i]); k++ {
				m[i][k].Sub(m[i][k], t.Mul(f, m[rank][k]))
				if bud.maxBits > 0 && ratBits(m[i][k]) > bud.maxBits {
					return 0, bud.bitsMsg(fmt.Sprintf("at pivot %d", rank+1))
				}
			}
		}
		rank++
	}
	return rank, ""
}

// validateHyperplanes checks that an in-memory hyperplanes claim fits the network and
// the dataset (see validatePieces).
func validateHyperplanes(h HyperplanesClaim, path string, c *Certificate) error {
	if len(h.Planes) == 0 {
		return fieldErr(path+".planes", "missing or empty")
	}
	for i, pl := range h.Planes {
		pp := fmt.Sprintf("%s.planes[%d]", path, i)
		if len(pl.Normal) != c.Network.InputDim || nilRat(pl.Normal...) || pl.Offset == nil {
			return fieldErr(pp, "needs a normal of %d numbers and an offset", c.Network.InputDim)
		}
		if len(pl.Points) == 0 {
			return fieldErr(pp+".points", "missing or empty")
		}
		seen := map[int]bool{}
		for k, p := range pl.Points {
			if p < 0 || p >= c.Data.N || seen[p] {
				return fieldErr(fmt.Sprintf("%s.points[%d]", pp, k), "is %d: out of range 0..%d or repeated", p, c.Data.N-1)
			}
			seen[p] = true
		}
		for k, u := range pl.Units {
			if u < 0 || u >= c.Network.Layers[0].Out() {
				return fieldErr(fmt.Sprintf("%s.units[%d]", pp, k), "is %d; the first layer has units 0..%d", u, c.Network.Layers[0].Out()-1)
			}
		}
	}
	return nil
}
