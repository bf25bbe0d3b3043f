package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"certify/cert"
	"certify/lowerbounds"

	"github.com/spf13/cobra"
)

type capacityOptions struct {
	*globalOptions
	widths     string
	activation string
	family     string
	maxN       int
	seed       uint64
	timeout    time.Duration
	out        string
	json       bool
	noSolver   bool
	farkas     int
	noZigzag   bool
	shard      shardFlags
}

func newCapacityCmd(g *globalOptions, s *streams) *cobra.Command {
	o := &capacityOptions{globalOptions: g}
	cmd := &cobra.Command{
		Use:   "capacity --widths d1,d2,… [--family alternating]",
		Short: "Exact capacity of an architecture on a family of 1-D datasets, with certificates both ways",
		Long: `capacity walks N = 1, 2, … on a family of one-dimensional datasets (alternating:
x_i = i, y_i = i mod 2; random: seeded 0/1 labels) and reports the largest N that
the architecture fits — with a witness certificate the kernel verified — and the
smallest N it cannot fit — with an impossibility certificate (piece counting,
monotonicity, the zigzag argument or a Farkas case split, checked by the kernel; or an
SMT solver's unsat, marked as such).
Yun et al.'s Thm 3.1 guarantee and Thm 3.3 bound are printed alongside.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if o.widths == "" {
				return cmd.Help()
			}
			return runCapacity(o, s)
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.widths, "widths", "", "hidden widths, comma-separated (e.g. 2,2)")
	f.StringVar(&o.activation, "activation", "relu", "activation of the hidden layers")
	f.StringVar(&o.family, "family", lowerbounds.FamilyAlternating, "dataset family: alternating, random, or file:PATH (prefixes of a 1-D CSV file, label last)")
	f.IntVar(&o.maxN, "max-n", 64, "largest N tried")
	f.Uint64Var(&o.seed, "seed", 1, "seed of the random family")
	f.DurationVar(&o.timeout, "timeout", 60*time.Second, "time per SMT existence query")
	f.StringVarP(&o.out, "out", "o", "", "folder for the two certificates (largest fit, smallest no-fit)")
	f.BoolVar(&o.json, "json", false, "print JSON")
	f.BoolVar(&o.noSolver, "no-solver", false, "do not ask an SMT solver")
	f.IntVar(&o.farkas, "farkas-nodes", lowerbounds.DefaultBranchNodes, "nodes of the adaptive Farkas search for a two-hidden-layer no-fit (a kernel-checked proof; 0: not tried)")
	f.BoolVar(&o.noZigzag, "no-zigzag", false, "do not try the zigzag argument (one wide layer amid width-1 layers), so that the Farkas split or the solver decides")
	o.shard.register(f)
	return cmd
}

func parseWidths(s string) ([]int, error) {
	var out []int
	for _, f := range strings.Split(s, ",") {
		v, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || v < 1 || v > 4096 {
			return nil, fmt.Errorf("--widths: %q is not a width in 1..4096", f)
		}
		out = append(out, v)
	}
	return out, nil
}

func runCapacity(o *capacityOptions, s *streams) error {
	hidden, err := parseWidths(o.widths)
	if err != nil {
		return malformed(err)
	}
	arch := cert.Architecture{InputDim: 1, Hidden: hidden, Activation: o.activation}
	opt := lowerbounds.CapacityOptions{MaxN: o.maxN, Seed: o.seed, Timeout: o.timeout, BranchNodes: o.farkas, NoZigzag: o.noZigzag}
	if o.farkas <= 0 {
		opt.BranchNodes = -1
	}
	if !o.noSolver {
		opt.Existence = newExistence(o.timeout)
	}
	if o.shard.spec != "" {
		return runCapacityShard(o, s, arch, opt)
	}
	res, err := lowerbounds.Capacity(context.Background(), arch, o.family, opt)
	if err != nil {
		return malformed(err)
	}
	return reportCapacity(o, s, res)
}

// reportCapacity writes the certificates and prints the table: the end of a single run
// and of a merge of its shards.
func reportCapacity(o *capacityOptions, s *streams, res *lowerbounds.CapacityResult) error {
	hidden := res.Arch.Hidden
	var paths []string
	if o.out != "" {
		if err := os.MkdirAll(o.out, 0o755); err != nil {
			return err
		}
		for _, row := range res.Rows {
			if row.Cert == nil || (row.N != res.LargestFit && row.N != res.SmallestNoFit) {
				continue
			}
			p := filepath.Join(o.out, fmt.Sprintf("capacity_%s_%s_N%d_%s.json", o.family, strings.ReplaceAll(o.widths, ",", "-"), row.N, row.Verdict))
			p, _, err := lowerbounds.WriteCertSized(p, row.Cert, row.SMTLIB)
			if err != nil {
				return err
			}
			paths = append(paths, p)
		}
	}
	if o.json {
		writeJSON(s.out, struct {
			*lowerbounds.CapacityResult
			Files []string `json:"files,omitempty"`
		}{res, paths})
		return nil
	}
	w := s.out
	fmt.Fprintf(w, "architecture: 1 → %s → 1 (%s), family: %s\n", o.widths, o.activation, o.family)
	fmt.Fprintf(w, "%4s  %-9s %-22s %-28s %s\n", "N", "VERDICT", "BASIS", "KERNEL", "SECONDS")
	for _, r := range res.Rows {
		fmt.Fprintf(w, "%4d  %-9s %-22s %-28s %.2f\n", r.N, r.Verdict, r.Basis, r.Kernel, r.Seconds)
	}
	fit, nofit := "none", "none within --max-n"
	if res.LargestFit > 0 {
		fit = strconv.Itoa(res.LargestFit)
	}
	if res.SmallestNoFit > 0 {
		nofit = strconv.Itoa(res.SmallestNoFit)
		if res.RestsOnSolver {
			nofit += " (rests on an SMT solver)"
		}
	}
	fmt.Fprintf(w, "largest N that fits: %s; smallest N that does not: %s\n", fit, nofit)
	if len(hidden) == 2 && o.activation == "relu" {
		d1, d2 := hidden[0], hidden[1]
		fmt.Fprintf(w, "Yun et al. Thm 3.1 guarantees N ≤ 4⌊d1/4⌋⌊d2/4⌋ = %d; Thm 3.3: no fit for some data once N > 2·d1·d2 + d2 + 2 = %d; piece bound (d1+1)(d2+1) = %d\n",
			4*(d1/4)*(d2/4), 2*d1*d2+d2+2, (d1+1)*(d2+1))
	}
	for _, p := range paths {
		fmt.Fprintf(w, "wrote %s\n", p)
	}
	return nil
}
