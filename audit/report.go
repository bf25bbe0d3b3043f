package audit

import (
	"fmt"
	"io"
	"strings"
)

// WriteText writes the report as an aligned table followed by the details.
func (r *Report) WriteText(w io.Writer) {
	fmt.Fprintf(w, "%-38s %-9s %-7s %-18s %s\n", "CLAIM", "VERDICT", "TRIED", "BASIS", "COUNTEREXAMPLE / NOTE")
	for _, c := range r.Claims {
		note := c.Counterexample
		if note == "" && c.Verdict != Holds {
			note = c.Detail
		}
		fmt.Fprintf(w, "%-38s %-9s %-7s %-18s %s\n", c.ID, verdictText(c), fmt.Sprintf("%d/%d", c.Held, c.Tried), c.Basis, clipText(note, 90))
	}
	fmt.Fprintln(w)
	for _, c := range r.Claims {
		fmt.Fprintf(w, "%s — %s\n  %s\n  %s", c.ID, c.Source, c.Statement, strings.ToUpper(c.Verdict))
		if c.Instance != "" {
			fmt.Fprintf(w, " at %s", c.Instance)
		}
		fmt.Fprintf(w, ": %s\n", c.Detail)
		if c.Counterexample != "" {
			fmt.Fprintf(w, "  counterexample: %s (certify check verifies it on its own)\n", c.Counterexample)
		}
		if strings.Contains(c.Basis, "solver") {
			fmt.Fprintln(w, "  this verdict rests on an SMT solver's answer")
		}
	}
	fmt.Fprintf(w, "\n%d claim(s), %d refuted, %.1f s\n", len(r.Claims), r.Refuted, r.Seconds)
}

// WriteMarkdown writes the report as a Markdown table.
func (r *Report) WriteMarkdown(w io.Writer) {
	fmt.Fprintln(w, "| claim | source | instances | verdict | rests on | counterexample / detail |")
	fmt.Fprintln(w, "|---|---|---|---|---|---|")
	esc := func(s string) string { return strings.ReplaceAll(s, "|", "\\|") }
	for _, c := range r.Claims {
		note := c.Detail
		if c.Counterexample != "" {
			note = "`" + c.Counterexample + "`: " + note
		}
		fmt.Fprintf(w, "| %s | %s | %d/%d | **%s** | %s | %s |\n", c.ID, esc(c.Source), c.Held, c.Tried, verdictText(c), c.Basis, esc(note))
	}
}

func verdictText(c Result) string {
	if c.Verdict == Undecided && c.Held > 0 {
		return "partial"
	}
	return c.Verdict
}

func clipText(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}
