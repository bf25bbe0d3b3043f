package main

import (
	"fmt"
	"math/big"
	"os"

	"certify/cert"

	"github.com/spf13/cobra"
)

type evalOptions struct {
	*globalOptions
	net     string
	data    dataFlags
	epsilon string
	json    bool
	engine  cert.Engine
}

func newEvalCmd(g *globalOptions, s *streams) *cobra.Command {
	o := &evalOptions{globalOptions: g}
	cmd := &cobra.Command{
		Use:   "eval --net NET --data DATA",
		Short: "Evaluate a network exactly on a dataset (no certificate needed)",
		Long: `eval computes f(x_i) exactly for every point and reports how many points the
network fits exactly, how many it classifies correctly by argmax (one output per
class) or by threshold 1/2 (one output), how many lie within ε of the label, and the
worst residual max_i ‖f(x_i) − y_i‖∞. NET is a network JSON object or a certificate.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error { return runEval(o, s) },
	}
	cmd.Flags().StringVar(&o.net, "net", "", "network file (a network object or a certificate)")
	cmd.Flags().StringVar(&o.epsilon, "epsilon", "0", "ε for the count of points within ε (exact rational)")
	cmd.Flags().BoolVar(&o.json, "json", false, "print a JSON object")
	addEngineFlags(cmd.Flags(), &o.engine, false)
	o.data.add(cmd)
	return cmd
}

type evalReport struct {
	N             int    `json:"n"`
	Exact         int    `json:"exact"`
	Argmax        *int   `json:"argmax_correct,omitempty"`
	Threshold     *int   `json:"threshold_correct,omitempty"`
	Epsilon       string `json:"epsilon"`
	WithinEpsilon int    `json:"within_epsilon"`
	WorstResidual string `json:"worst_residual"`
	WorstPoint    int    `json:"worst_point"`
}

func runEval(o *evalOptions, s *streams) error {
	if o.net == "" {
		return malformed(fmt.Errorf("--net is required"))
	}
	eps, err := cert.ParseRat(o.epsilon, o.maxDigits)
	if err != nil || eps.Sign() < 0 {
		return malformed(fmt.Errorf("--epsilon: want a non-negative exact rational"))
	}
	f, err := os.Open(o.net)
	if err != nil {
		return malformed(err)
	}
	n, err := cert.DecodeNetwork(f, o.limits())
	f.Close()
	if err != nil {
		return malformed(fmt.Errorf("%s: %w", o.net, err))
	}
	d, _, err := o.data.load(".", o.limits())
	if err != nil {
		return malformed(err)
	}
	outs, err := cert.Outputs(n, d, cert.Options{Workers: o.workers, Engine: o.engine})
	if err != nil {
		return malformed(err)
	}
	rep := evalReport{N: d.N, Epsilon: eps.RatString(), WorstPoint: -1}
	outDim := n.OutputDim()
	worst := new(big.Rat).SetInt64(-1)
	argmax, thresh := 0, 0
	canTarget := d.Task == cert.Regression && outDim == d.LabelDim || d.Task == cert.Classification && (outDim == 1 || outDim == d.Classes)
	half := big.NewRat(1, 2)
	t := new(big.Rat)
	for i, out := range outs {
		if d.Task == cert.Classification {
			c := d.Labels[i]
			if outDim == d.Classes && outDim > 1 {
				ok := true
				for j := range out {
					if j != c && out[j].Cmp(out[c]) >= 0 {
						ok = false
					}
				}
				if ok {
					argmax++
				}
			}
			if outDim == 1 && d.Classes <= 2 {
				if (out[0].Cmp(half) >= 0) == (c == 1) {
					thresh++
				}
			}
		}
		if !canTarget {
			continue
		}
		want := d.TargetVector(i, outDim)
		res := new(big.Rat)
		for k := range out {
			t.Sub(out[k], want[k])
			t.Abs(t)
			if t.Cmp(res) > 0 {
				res.Set(t)
			}
		}
		if res.Sign() == 0 {
			rep.Exact++
		}
		if res.Cmp(eps) <= 0 {
			rep.WithinEpsilon++
		}
		if res.Cmp(worst) > 0 {
			worst.Set(res)
			rep.WorstPoint = i
		}
	}
	if d.Task == cert.Classification && outDim == d.Classes && outDim > 1 {
		rep.Argmax = &argmax
	}
	if d.Task == cert.Classification && outDim == 1 && d.Classes <= 2 {
		rep.Threshold = &thresh
	}
	if canTarget {
		rep.WorstResidual = worst.RatString()
	}
	if o.json {
		writeJSON(s.out, rep)
		return nil
	}
	fmt.Fprintf(s.out, "points: %d\n", rep.N)
	if canTarget {
		fmt.Fprintf(s.out, "fit exactly: %d\n", rep.Exact)
		fmt.Fprintf(s.out, "within ε = %s: %d\n", rep.Epsilon, rep.WithinEpsilon)
		fmt.Fprintf(s.out, "worst residual: %s (≈ %s) at point %d\n", rep.WorstResidual, worst.FloatString(6), rep.WorstPoint)
	}
	if rep.Argmax != nil {
		fmt.Fprintf(s.out, "argmax correct: %d\n", *rep.Argmax)
	}
	if rep.Threshold != nil {
		fmt.Fprintf(s.out, "threshold 1/2 correct: %d\n", *rep.Threshold)
	}
	return nil
}
