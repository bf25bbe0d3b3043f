package main

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"certify/cert"

	"github.com/spf13/cobra"
)

type inspectOptions struct {
	*globalOptions
	path string
	json bool
}

func newInspectCmd(g *globalOptions, s *streams) *cobra.Command {
	o := &inspectOptions{globalOptions: g}
	cmd := &cobra.Command{
		Use:   "inspect CERT",
		Short: "Describe a certificate: network sizes (all three ways papers count them), data, claims",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			o.path = args[0]
			return runInspect(o, s)
		},
	}
	cmd.Flags().BoolVar(&o.json, "json", false, "print a JSON object")
	return cmd
}

type inspectReport struct {
	File       string            `json:"file"`
	Format     string            `json:"format"`
	Provenance cert.Provenance   `json:"provenance"`
	Sizes      cert.Sizes        `json:"sizes"`
	Dataset    *cert.DataSummary `json:"dataset,omitempty"`
	Claims     []string          `json:"claims"`
}

func runInspect(o *inspectOptions, s *streams) error {
	c, err := loadCert(o.path, o.limits())
	if err != nil {
		return malformed(err)
	}
	r := inspectReport{File: o.path, Format: c.Format, Provenance: c.Provenance}
	if c.Network != nil {
		r.Sizes = c.Network.ComputeSizes()
	}
	if d := c.Data; d != nil {
		r.Dataset = &cert.DataSummary{N: d.N, D: d.D, Task: d.Task.String(), Classes: d.Classes, LabelDim: d.LabelDim, Duplicates: d.Duplicates}
	}
	for _, cl := range c.Claims {
		r.Claims = append(r.Claims, cl.Kind())
	}
	if o.json {
		writeJSON(s.out, r)
		return nil
	}
	w := s.out
	fmt.Fprintf(w, "certificate: %s (%s)\n", o.path, c.Format)
	p := c.Provenance
	if p.Construction != "" || p.Theorem != "" || p.Producer != "" {
		fmt.Fprintf(w, "provenance: %s", firstNonEmpty(p.Construction, p.Producer))
		if p.Theorem != "" {
			fmt.Fprintf(w, " — %s", p.Theorem)
		}
		fmt.Fprintln(w)
		for _, k := range slices.Sorted(maps.Keys(p.Params)) {
			fmt.Fprintf(w, "  %s = %s\n", k, p.Params[k])
		}
	}
	sz := r.Sizes
	ws := make([]string, len(sz.Widths))
	for i, v := range sz.Widths {
		ws[i] = fmt.Sprint(v)
	}
	if c.Network == nil {
		fmt.Fprintln(w, "network: none (the certificate speaks of the data alone)")
	} else {
		fmt.Fprintf(w, "network: input dimension %d, depth %d, widths %s\n", c.Network.InputDim, sz.Depth, strings.Join(ws, "-"))
		fmt.Fprintf(w, "  hidden units (Yun et al.):              %d\n", sz.HiddenUnits)
		fmt.Fprintf(w, "  parameters, weights + biases (Park):    %d\n", sz.Parameters)
		fmt.Fprintf(w, "  non-zero weights, edges (Vardi et al.): %d\n", sz.NonzeroWeights)
		fmt.Fprintf(w, "  non-zero weights and biases:            %d\n", sz.NonzeroParameters)
		fmt.Fprintf(w, "  max bit complexity (bitlen|p|+bitlen q): %d\n", sz.MaxBits)
	}
	if d := r.Dataset; d != nil {
		fmt.Fprintf(w, "dataset: N = %d, d = %d, %s", d.N, d.D, d.Task)
		if d.Task == "classification" {
			fmt.Fprintf(w, ", %d classes", d.Classes)
		} else {
			fmt.Fprintf(w, ", label dimension %d", d.LabelDim)
		}
		if len(d.Duplicates) > 0 {
			fmt.Fprintf(w, ", %d duplicate input(s) with equal labels", len(d.Duplicates))
		}
		fmt.Fprintln(w)
	}
	fmt.Fprintf(w, "claims: %s\n", strings.Join(r.Claims, ", "))
	return nil
}

func firstNonEmpty(s ...string) string {
	for _, v := range s {
		if v != "" {
			return v
		}
	}
	return ""
}
