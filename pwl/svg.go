package pwl

import (
	"fmt"
	"html"
	"io"
	"math/big"
	"strconv"
	"strings"
)

// PlotPoint is a data point to draw: at parameter T with label Y; Fitted says whether
// the network meets it (drawn filled) or not (drawn hollow, in red).
type PlotPoint struct {
	T, Y   *big.Rat
	Fitted bool
}

// PlotOptions configure SVG.
type PlotOptions struct {
	Title      string
	Output     int     // the output coordinate drawn
	Target     []Piece // optional: a function to compare with (drawn dashed), output 0
	TargetName string
	Data       []PlotPoint
	// MaxPieces refuses to draw more pieces than this (0: 20 000): beyond it the picture
	// is unreadable and the file huge; plot a shorter segment.
	MaxPieces int
}

// SVG draws g on [lo, hi] from its pieces: each piece a segment of class "piece", each
// piece boundary a dot of class "breakpoint", the target's pieces dashed (class
// "target"), data points of class "point fitted" or "point missed". The geometry is
// exact up to drawing: breakpoints and values are computed in rationals and only turned
// into float coordinates (two decimals) at the end, so the output is deterministic.
func SVG(w io.Writer, pieces []Piece, opt PlotOptions) error {
	if len(pieces) == 0 {
		return fmt.Errorf("nothing to draw")
	}
	maxP := opt.MaxPieces
	if maxP <= 0 {
		maxP = 20000
	}
	if len(pieces) > maxP || len(opt.Target) > maxP {
		return fmt.Errorf("%d pieces are too many to draw legibly (limit %d); plot a shorter segment", max(len(pieces), len(opt.Target)), maxP)
	}
	k := opt.Output
	lo, hi := pieces[0].Lo, pieces[len(pieces)-1].Hi
	f := func(r *big.Rat) float64 { v, _ := r.Float64(); return v }
	type seg struct{ x0, y0, x1, y1 float64 }
	ends := func(ps []Piece, out int) []seg {
		var s []seg
		for i := range ps {
			a, b := ps[i].At(ps[i].Lo), ps[i].At(ps[i].Hi)
			s = append(s, seg{f(ps[i].Lo), f(a[out]), f(ps[i].Hi), f(b[out])})
		}
		return s
	}
	body := ends(pieces, k)
	target := ends(opt.Target, 0)
	ymin, ymax := body[0].y0, body[0].y0
	grow := func(y float64) { ymin, ymax = min(ymin, y), max(ymax, y) }
	for _, s := range append(append([]seg{}, body...), target...) {
		grow(s.y0)
		grow(s.y1)
	}
	for _, p := range opt.Data {
		grow(f(p.Y))
	}
	if ymax == ymin {
		ymin, ymax = ymin-1, ymax+1
	}
	pad := (ymax - ymin) * 0.05
	ymin, ymax = ymin-pad, ymax+pad
	const W, H, L, R, T, B = 800.0, 450.0, 70.0, 20.0, 40.0, 50.0
	xlo, xhi := f(lo), f(hi)
	X := func(x float64) string { return num(L + (x-xlo)/(xhi-xlo)*(W-L-R)) }
	Y := func(y float64) string { return num(H - B - (y-ymin)/(ymax-ymin)*(H-T-B)) }

	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" font-family="sans-serif" font-size="12">`+"\n", int(W), int(H), int(W), int(H))
	title := opt.Title
	if title == "" {
		title = "g(t) = f(a + t·v)"
	}
	fmt.Fprintf(&b, "<title>%s</title>\n", html.EscapeString(title))
	fmt.Fprintf(&b, `<rect x="0" y="0" width="%d" height="%d" fill="white"/>`+"\n", int(W), int(H))
	fmt.Fprintf(&b, `<text x="%s" y="22" font-size="14">%s — %d pieces</text>`+"\n", num(L), html.EscapeString(title), len(pieces))
	// Frame and axis labels.
	fmt.Fprintf(&b, `<rect class="frame" x="%s" y="%s" width="%s" height="%s" fill="none" stroke="#999"/>`+"\n", num(L), num(T), num(W-L-R), num(H-T-B))
	fmt.Fprintf(&b, `<text x="%s" y="%s" text-anchor="middle">%s</text>`+"\n", X(xlo), num(H-B+18), html.EscapeString(lo.RatString()))
	fmt.Fprintf(&b, `<text x="%s" y="%s" text-anchor="middle">%s</text>`+"\n", X(xhi), num(H-B+18), html.EscapeString(hi.RatString()))
	fmt.Fprintf(&b, `<text x="%s" y="%s" text-anchor="end">%s</text>`+"\n", num(L-6), Y(ymin+pad), num3(ymin+pad))
	fmt.Fprintf(&b, `<text x="%s" y="%s" text-anchor="end">%s</text>`+"\n", num(L-6), Y(ymax-pad), num3(ymax-pad))
	fmt.Fprintf(&b, `<text x="%s" y="%s" text-anchor="middle">t</text>`+"\n", num((W+L-R)/2), num(H-12))
	if len(target) > 0 {
		fmt.Fprintf(&b, `<g fill="none" stroke="#d08000" stroke-width="1.5" stroke-dasharray="5,4">`+"\n")
		for _, s := range target {
			fmt.Fprintf(&b, `<path class="target" d="M%s %sL%s %s"/>`+"\n", X(s.x0), Y(s.y0), X(s.x1), Y(s.y1))
		}
		b.WriteString("</g>\n")
	}
	b.WriteString(`<g fill="none" stroke="#1f5fbf" stroke-width="2">` + "\n")
	for _, s := range body {
		fmt.Fprintf(&b, `<path class="piece" d="M%s %sL%s %s"/>`+"\n", X(s.x0), Y(s.y0), X(s.x1), Y(s.y1))
	}
	b.WriteString("</g>\n")
	b.WriteString(`<g fill="#1f5fbf">` + "\n")
	for i := 1; i < len(body); i++ {
		fmt.Fprintf(&b, `<circle class="breakpoint" cx="%s" cy="%s" r="2.5"><title>t = %s</title></circle>`+"\n",
			X(body[i].x0), Y(body[i].y0), html.EscapeString(pieces[i].Lo.RatString()))
	}
	b.WriteString("</g>\n")
	fitted := 0
	for _, p := range opt.Data {
		cls, style := "point missed", `fill="white" stroke="#c00000" stroke-width="2"`
		if p.Fitted {
			cls, style = "point fitted", `fill="#208020"`
			fitted++
		}
		fmt.Fprintf(&b, `<circle class="%s" cx="%s" cy="%s" r="4" %s><title>(%s, %s)</title></circle>`+"\n",
			cls, X(f(p.T)), Y(f(p.Y)), style, html.EscapeString(p.T.RatString()), html.EscapeString(p.Y.RatString()))
	}
	// Legend.
	ly := 22.0
	legend := func(color, dash, text string) {
		fmt.Fprintf(&b, `<path d="M%s %sL%s %s" stroke="%s" stroke-width="2"%s/><text x="%s" y="%s">%s</text>`+"\n",
			num(W-250), num(ly-4), num(W-225), num(ly-4), color, dash, num(W-220), num(ly), html.EscapeString(text))
		ly += 15
	}
	legend("#1f5fbf", "", fmt.Sprintf("network: %d pieces, %d breakpoints", len(pieces), len(pieces)-1))
	if len(target) > 0 {
		name := opt.TargetName
		if name == "" {
			name = "target"
		}
		legend("#d08000", ` stroke-dasharray="5,4"`, fmt.Sprintf("%s: %d pieces", name, len(target)))
	}
	if len(opt.Data) > 0 {
		legend("#208020", "", fmt.Sprintf("data: %d of %d points fitted", fitted, len(opt.Data)))
	}
	b.WriteString("</svg>\n")
	_, err := io.WriteString(w, b.String())
	return err
}

func num(x float64) string  { return strconv.FormatFloat(x, 'f', 2, 64) }
func num3(x float64) string { return strconv.FormatFloat(x, 'g', 4, 64) }
