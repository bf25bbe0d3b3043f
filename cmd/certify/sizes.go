package main

import (
	"fmt"
	"math"
	"math/big"
	"os"
	"sort"
	"strconv"
	"strings"
	"time"

	"certify/cert"
	"certify/construct"
	"certify/theorems"

	"github.com/spf13/cobra"
)

type sizesOptions struct {
	*globalOptions
	data       dataFlags
	ns         string
	methods    string
	checkMaxN  int
	shallowMax int
	plot       string
	json       bool
	progress   bool
	bits       int // vardi-bits: Vardi et al. Thm 6.2's bit budget
	shard      shardFlags
}

func newSizesCmd(g *globalOptions, s *streams) *cobra.Command {
	o := &sizesOptions{globalOptions: g}
	cmd := &cobra.Command{
		Use:   "sizes --data FILE [--n 100,1000,…] [--plot sizes.svg]",
		Short: "Build every construction on growing subsets and table their sizes against N (and plot them)",
		Long: `sizes builds Zhang et al.'s N-unit network, Yun et al.'s 3-layer network, Park et
al.'s width-3 network (Thm 2), Vardi et al.'s width-12 network (Thm 3.1) and Yun et al.'s
ResNet (Thm 4.1, yun-resnet: classification data, built outside the theorem's hypothesis
when the data are not in general position) — and, with --methods, Yun et al.'s Cor 4.2
one-hot classifier (yun-cor42), Prop 3.4 deep network (yun-deep) and the hard-tanh ResNet
(yun-resnet-hardtanh) — on the first N
points of the data for each N given, and tables parameters (all weights and biases),
non-zero weights, depth, width and bit complexity. Each row whose N is at most
--check-max-n is backed by a certificate the kernel checked (verdict and time shown).
--plot writes a log-log SVG with one series per construction in four panels.

--methods may add vardi-bits: Vardi et al.'s Theorem 6.2 network with every weight's bit
complexity at most --bits B (default 64), whose depth and parameters grow like N/B
where Theorem 3.1's grow like √N — the depth/bits trade-off.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error { return runSizes(o, s) },
	}
	o.data.add(cmd)
	f := cmd.Flags()
	f.StringVar(&o.ns, "n", "100,300,1000,3000,10000", "subset sizes N (the first N points)")
	f.StringVar(&o.methods, "methods", "zhang,yun,park,vardi,yun-resnet", "constructions to build")
	f.IntVar(&o.checkMaxN, "check-max-n", 2000, "check the certificates of subsets up to this N with the kernel")
	f.IntVar(&o.shallowMax, "shallow-max-n", 20000, "build the shallow constructions (zhang, yun, yun-cor42, yun-deep) only up to this N")
	f.StringVar(&o.plot, "plot", "", "write a log-log SVG plot here")
	f.BoolVar(&o.json, "json", false, "print the table as JSON")
	f.BoolVar(&o.progress, "progress", false, "show progress on stderr")
	f.IntVar(&o.bits, "bits", 64, "vardi-bits: the bit budget B of Vardi et al. Thm 6.2")
	o.shard.register(f)
	return cmd
}

// sizeRow is one construction on one subset.
type sizeRow struct {
	Method         string  `json:"method"`
	N              int     `json:"n"`
	Depth          int     `json:"depth"`
	Width          int     `json:"width"`
	Parameters     int64   `json:"parameters"`
	NonzeroWeights int64   `json:"nonzero_weights"`
	MaxBits        int     `json:"max_bits"`
	HiddenUnits    int     `json:"hidden_units"`
	BuildSecs      float64 `json:"build_seconds"`
	Verdict        string  `json:"verdict,omitempty"`
	CheckSecs      float64 `json:"check_seconds,omitempty"`
	Error          string  `json:"error,omitempty"`
}

func runSizes(o *sizesOptions, s *streams) error {
	var ns []int
	for _, f := range strings.Split(o.ns, ",") {
		v, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || v < 1 {
			return malformed(fmt.Errorf("--n: %q is not a positive size", f))
		}
		ns = append(ns, v)
	}
	sort.Ints(ns)
	methods := strings.Split(o.methods, ",")
	for _, m := range methods {
		switch m {
		case "zhang", "yun", "park", "vardi", "vardi-bits", "yun-cor42", "yun-deep", "yun-resnet", "yun-resnet-hardtanh":
		default:
			return malformed(fmt.Errorf("--methods: unknown construction %q (want zhang, yun, park, vardi, vardi-bits, yun-cor42, yun-deep, yun-resnet, yun-resnet-hardtanh)", m))
		}
	}
	if o.bits < 1 {
		return malformed(fmt.Errorf("--bits: want a positive bit budget, got %d", o.bits))
	}
	o.data.limit = ns[len(ns)-1]
	full, _, err := o.data.load(".", o.limits())
	if err != nil {
		return malformed(err)
	}
	mine, err := sizesShardHook(o)
	if err != nil {
		return err
	}
	var rows []sizeRow
	item := -1
	for _, n := range ns {
		if n > full.N {
			return malformed(fmt.Errorf("--n %d: the data has only %d points", n, full.N))
		}
		d, err := subset(full, n)
		if err != nil {
			return malformed(err)
		}
		for _, m := range methods {
			if (m == "zhang" || m == "yun" || m == "yun-cor42" || m == "yun-deep") && n > o.shallowMax {
				continue
			}
			if item++; !mine(item) {
				continue
			}
			if o.progress {
				fmt.Fprintf(s.err, "%s N = %d …\n", m, n)
			}
			row := sizeRow{Method: m, N: n}
			t0 := time.Now()
			var r *construct.Result
			switch m {
			case "zhang":
				r, err = construct.Zhang(d, construct.Options{PatternsBudget: -1})
			case "yun":
				r, err = construct.Yun(d, construct.Options{PatternsBudget: -1})
			case "park":
				r, err = construct.Park(d, construct.DeepOptions{Options: construct.Options{PatternsBudget: -1}})
			case "vardi":
				r, err = construct.Vardi(d, construct.DeepOptions{Options: construct.Options{PatternsBudget: -1}})
			case "vardi-bits": // Vardi et al. Thm 6.2 at the bit budget --bits
				r, err = construct.VardiBits(d, construct.DeepOptions{Options: construct.Options{PatternsBudget: -1}}, o.bits)
			case "yun-cor42":
				r, err = construct.YunCor42(d, construct.Options{PatternsBudget: -1})
			case "yun-deep":
				r, err = construct.YunDeep(d, construct.Options{PatternsBudget: -1})
			case "yun-resnet":
				r, err = construct.YunResNet(d, construct.Options{PatternsBudget: -1, OutsideHypothesis: true})
			case "yun-resnet-hardtanh":
				r, err = construct.YunResNet(d, construct.Options{PatternsBudget: -1, OutsideHypothesis: true, Activation: "hardtanh"})
			}
			row.BuildSecs = time.Since(t0).Seconds()
			if err != nil {
				row.Error = err.Error()
				rows = append(rows, row)
				continue
			}
			z := r.Summary.Sizes
			row.Depth, row.Width, row.Parameters, row.NonzeroWeights, row.MaxBits = z.Depth, maxWidth(z.Widths[:len(z.Widths)-1]), z.Parameters, z.NonzeroWeights, z.MaxBits
			row.HiddenUnits = z.HiddenUnits
			if r.Cert.Network.HasResidual() { // the σ widths, not the residual stream's d_x
				row.Width = maxWidth(cert.InstanceOf(r.Cert).Widths)
			}
			if n <= o.checkMaxN {
				t1 := time.Now()
				rep, err := cert.Check(r.Cert, cert.Options{Workers: o.workers, Theorems: theorems.Table})
				row.CheckSecs = time.Since(t1).Seconds()
				if err != nil {
					row.Verdict = "malformed: " + err.Error()
				} else {
					row.Verdict = rep.Status.String()
				}
			}
			rows = append(rows, row)
		}
	}
	if o.shard.spec != "" {
		return writeSizesShard(o, s, rows, item+1)
	}
	return reportSizes(o, s, rows)
}

// reportSizes writes the plot and prints the table: the end of a run and of a merge.
func reportSizes(o *sizesOptions, s *streams, rows []sizeRow) error {
	if o.plot != "" {
		if err := os.WriteFile(o.plot, []byte(sizesSVG(rows)), 0o644); err != nil {
			return malformed(err)
		}
	}
	if o.json {
		writeJSON(s.out, struct {
			Rows []sizeRow `json:"rows"`
		}{rows})
	} else {
		fmt.Fprintf(s.out, "%-10s %7s %7s %6s %12s %10s %8s %9s  %s\n", "method", "N", "depth", "width", "parameters", "nonzero_w", "max_bits", "build_s", "check")
		for _, r := range rows {
			if r.Error != "" {
				fmt.Fprintf(s.out, "%-10s %7d  error: %s\n", r.Method, r.N, r.Error)
				continue
			}
			chk := "-"
			if r.Verdict != "" {
				chk = fmt.Sprintf("%s %.2fs", r.Verdict, r.CheckSecs)
			}
			fmt.Fprintf(s.out, "%-10s %7d %7d %6d %12d %10d %8d %9.2f  %s\n", r.Method, r.N, r.Depth, r.Width, r.Parameters, r.NonzeroWeights, r.MaxBits, r.BuildSecs, chk)
		}
	}
	for _, r := range rows {
		if r.Verdict != "" && r.Verdict != "verified" {
			return silentExit(exitRefuted)
		}
	}
	return nil
}

// subset is the first n points of d.
func subset(d *cert.Dataset, n int) (*cert.Dataset, error) {
	if n == d.N {
		return d, nil
	}
	in := make([][]*big.Rat, n)
	for i := range in {
		in[i] = d.Input(i)
	}
	if d.Task == cert.Regression {
		return cert.NewDataset(in, nil, d.Targets[:n], 0)
	}
	return cert.NewDataset(in, d.Labels[:n], nil, d.Classes)
}

// sizesSVG draws four log-log panels (parameters, non-zero weights, depth, max bits)
// with one series per construction. The output depends only on the rows.
func sizesSVG(rows []sizeRow) string {
	type panel struct {
		title string
		val   func(r sizeRow) float64
	}
	panels := []panel{
		{"parameters (all weights and biases)", func(r sizeRow) float64 { return float64(r.Parameters) }},
		{"non-zero weights", func(r sizeRow) float64 { return float64(r.NonzeroWeights) }},
		{"depth (affine layers)", func(r sizeRow) float64 { return float64(r.Depth) }},
		{"max bit complexity", func(r sizeRow) float64 { return float64(r.MaxBits) }},
	}
	colors := map[string]string{"zhang": "#1f77b4", "yun": "#ff7f0e", "park": "#2ca02c", "vardi": "#d62728", "vardi-bits": "#17becf",
		"yun-cor42": "#9467bd", "yun-deep": "#8c564b", "yun-resnet": "#e377c2", "yun-resnet-hardtanh": "#bcbd22"}
	var methods []string
	seen := map[string]bool{}
	for _, r := range rows {
		if !seen[r.Method] && r.Error == "" {
			seen[r.Method] = true
			methods = append(methods, r.Method)
		}
	}
	const pw, ph, mx, my = 420, 300, 60, 40
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" font-family="sans-serif" font-size="11">`+"\n", 2*pw, 2*ph+30)
	fmt.Fprintf(&b, `<rect width="100%%" height="100%%" fill="white"/>`+"\n")
	for i, m := range methods {
		fmt.Fprintf(&b, `<g class="legend"><rect x="%d" y="8" width="12" height="12" fill="%s"/><text x="%d" y="18">%s</text></g>`+"\n", 20+i*110, colors[m], 36+i*110, m)
	}
	var nmin, nmax float64 = math.Inf(1), 0
	for _, r := range rows {
		if r.Error == "" {
			nmin, nmax = math.Min(nmin, float64(r.N)), math.Max(nmax, float64(r.N))
		}
	}
	if nmax == 0 {
		b.WriteString("</svg>\n")
		return b.String()
	}
	lx0, lx1 := math.Floor(math.Log10(nmin)), math.Ceil(math.Log10(nmax))
	if lx1 == lx0 {
		lx1++
	}
	for pi, p := range panels {
		ox, oy := (pi%2)*pw, 30+(pi/2)*ph
		var vmin, vmax float64 = math.Inf(1), 0
		for _, r := range rows {
			if r.Error == "" && p.val(r) > 0 {
				vmin, vmax = math.Min(vmin, p.val(r)), math.Max(vmax, p.val(r))
			}
		}
		ly0, ly1 := math.Floor(math.Log10(vmin)), math.Ceil(math.Log10(vmax))
		if ly1 == ly0 {
			ly1++
		}
		X := func(n float64) float64 {
			return float64(ox+mx) + (math.Log10(n)-lx0)/(lx1-lx0)*float64(pw-mx-20)
		}
		Y := func(v float64) float64 {
			return float64(oy+ph-my) - (math.Log10(v)-ly0)/(ly1-ly0)*float64(ph-my-30)
		}
		fmt.Fprintf(&b, `<g class="panel" id="panel-%d"><text x="%d" y="%d" font-weight="bold">%s</text>`+"\n", pi, ox+mx, oy+18, p.title)
		fmt.Fprintf(&b, `<line x1="%d" y1="%.1f" x2="%d" y2="%.1f" stroke="black"/>`+"\n", ox+mx, Y(math.Pow(10, ly0)), ox+pw-20, Y(math.Pow(10, ly0)))
		fmt.Fprintf(&b, `<line x1="%d" y1="%.1f" x2="%d" y2="%.1f" stroke="black"/>`+"\n", ox+mx, Y(math.Pow(10, ly0)), ox+mx, Y(math.Pow(10, ly1)))
		for e := lx0; e <= lx1; e++ {
			fmt.Fprintf(&b, `<text x="%.1f" y="%d" text-anchor="middle">1e%d</text>`+"\n", X(math.Pow(10, e)), oy+ph-my+14, int(e))
		}
		for e := ly0; e <= ly1; e++ {
			fmt.Fprintf(&b, `<text x="%d" y="%.1f" text-anchor="end">1e%d</text>`+"\n", ox+mx-4, Y(math.Pow(10, e))+4, int(e))
		}
		fmt.Fprintf(&b, `<text x="%d" y="%d" text-anchor="middle">N</text>`+"\n", ox+pw/2, oy+ph-my+28)
		for _, m := range methods {
			var pts []string
			for _, r := range rows {
				if r.Method == m && r.Error == "" && p.val(r) > 0 {
					pts = append(pts, fmt.Sprintf("%.1f,%.1f", X(float64(r.N)), Y(p.val(r))))
				}
			}
			fmt.Fprintf(&b, `<polyline class="series" data-method="%s" fill="none" stroke="%s" stroke-width="1.5" points="%s"/>`+"\n", m, colors[m], strings.Join(pts, " "))
			for _, r := range rows {
				if r.Method == m && r.Error == "" && p.val(r) > 0 {
					fmt.Fprintf(&b, `<circle class="point" data-method="%s" data-n="%d" data-value="%d" cx="%.1f" cy="%.1f" r="2.5" fill="%s"/>`+"\n",
						m, r.N, int64(p.val(r)), X(float64(r.N)), Y(p.val(r)), colors[m])
				}
			}
		}
		b.WriteString("</g>\n")
	}
	b.WriteString("</svg>\n")
	return b.String()
}
