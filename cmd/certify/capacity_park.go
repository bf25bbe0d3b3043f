package main

import (
	"fmt"
	"math/big"
	"strconv"
	"strings"

	"certify/cert"
	"certify/construct"

	"github.com/spf13/cobra"
)

type capacityParkOptions struct {
	*globalOptions
	widths   string
	n        int64
	delta    string
	dx       int
	classes  int64
	smallest bool
	imagenet bool
	json     bool
}

func newCapacityParkCmd(g *globalOptions, s *streams) *cobra.Command {
	o := &capacityParkOptions{globalOptions: g}
	cmd := &cobra.Command{
		Use:   "park --widths d1,…,dL --N N --delta Δ --dx d --classes C",
		Short: "Does an architecture meet Park et al. 2021's Theorem 3 sufficient conditions? Which split L_1 < … < L_K works",
		Long: `park decides Park, Lee, Yun, Shin 2021, Theorem 3 for the hidden widths given: it
searches the split 0 < L_1 < … < L_K < L (2 ≤ K ≤ log₂ N) exactly and prints the split
that satisfies the three conditions, or the best attempt and the condition that fails.
The exit code is 0 either way (the conditions are sufficient, not necessary).

--smallest searches a family of architectures for the fewest parameters that meet the
conditions; --imagenet does so for the paper's ImageNet figure (N = 10⁶, C = 1000,
d_x = 224·224·3, Δ = 2^17 from log Δ < 9 + ½·log₂(224·224)).`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error { return runCapacityPark(o, s) },
	}
	f := cmd.Flags()
	f.StringVar(&o.widths, "widths", "", "hidden widths d1,…,dL")
	f.Int64Var(&o.n, "N", 0, "number of points")
	f.StringVar(&o.delta, "delta", "", "the data is Δ-separated (Δ > 1; rational, or 2^k)")
	f.IntVar(&o.dx, "dx", 1, "input dimension")
	f.Int64Var(&o.classes, "classes", 2, "number of classes")
	f.BoolVar(&o.smallest, "smallest", false, "search for the fewest parameters meeting the conditions")
	f.BoolVar(&o.imagenet, "imagenet", false, "the paper's ImageNet size calculation (implies --smallest)")
	f.BoolVar(&o.json, "json", false, "print JSON")
	return cmd
}

// parsePow reads a rational or 2^k.
func parsePow(s string) (*big.Rat, error) {
	if s == "" {
		return nil, fmt.Errorf("required")
	}
	if rest, ok := strings.CutPrefix(s, "2^"); ok {
		k, err := strconv.Atoi(rest)
		if err != nil || k < 0 || k > 4096 {
			return nil, fmt.Errorf("%q: want 2^k with 0 ≤ k ≤ 4096", s)
		}
		return new(big.Rat).SetInt(new(big.Int).Lsh(big.NewInt(1), uint(k))), nil
	}
	r, err := cert.ParseRat(s, 0)
	if err != nil {
		return nil, err
	}
	return r, nil
}

func runCapacityPark(o *capacityParkOptions, s *streams) error {
	if o.imagenet {
		o.smallest, o.n, o.classes, o.dx = true, 1_000_000, 1000, 224*224*3
		if o.delta == "" {
			o.delta = "2^17"
		}
	}
	delta, err := parsePow(o.delta)
	if err != nil {
		return malformed(fmt.Errorf("--delta: %v", err))
	}
	if o.n < 1 || o.dx < 1 || o.classes < 1 {
		return malformed(fmt.Errorf("--N, --dx and --classes must be positive"))
	}
	var res *construct.ParkThm3Result
	var widths []int
	if o.smallest {
		res, widths, err = construct.ParkThm3Smallest(o.n, delta, o.dx, o.classes)
	} else {
		if o.widths == "" {
			return malformed(fmt.Errorf("--widths is required (or --smallest)"))
		}
		widths, err = parseWidths(o.widths)
		if err != nil {
			return malformed(err)
		}
		res, err = construct.ParkThm3{Widths: widths, N: o.n, Delta: delta, DX: o.dx, Classes: o.classes}.Decide()
	}
	if err != nil {
		return malformed(err)
	}
	if o.json {
		out := struct {
			*construct.ParkThm3Result
			Widths string `json:"widths"`
		}{res, construct.CompressWidths(widths)}
		writeJSON(s.out, out)
		return nil
	}
	verdict := "meets"
	if !res.Meets {
		verdict = "does not meet"
	}
	if res.Undecided {
		verdict += " (undecided at the π bounds)"
	}
	fmt.Fprintf(s.out, "Park et al. 2021 Thm 3: N = %d, Δ = %s, d_x = %d, C = %d\n", o.n, delta.RatString(), o.dx, o.classes)
	fmt.Fprintf(s.out, "architecture: %d hidden layers (%s), %d parameters\n", res.Hidden, construct.CompressWidths(widths), res.Params)
	fmt.Fprintf(s.out, "verdict: %s the sufficient conditions\n", verdict)
	if res.Split != nil {
		fmt.Fprintf(s.out, "split: K = %d, L_1..L_K = %v\n", res.K, res.Split)
	}
	fmt.Fprintf(s.out, "  1. %s\n", res.Cond1)
	if res.Cond2 != "" {
		fmt.Fprintf(s.out, "  2. %s\n", res.Cond2)
	}
	if res.Cond3 != "" {
		fmt.Fprintf(s.out, "  3. %s\n", res.Cond3)
	}
	if res.Reason != "" && !res.Meets {
		fmt.Fprintf(s.out, "  %s\n", res.Reason)
	}
	if o.imagenet && len(widths) > 0 {
		first := int64(o.dx+1) * int64(widths[0])
		fmt.Fprintf(s.out, "paper (Park et al. 2021, §1): \"0.7 million parameters are sufficient\"; this search: %d (%.1f× that), of which %d read the %d inputs.\n",
			res.Params, float64(res.Params)/7e5, first, o.dx)
		fmt.Fprintln(s.out, "  The figure does not match. The paper does not show its calculation; this family (width 3 everywhere but one wide layer per stage) may not be the one it used, and its constants may count differently.")
	}
	return nil
}
