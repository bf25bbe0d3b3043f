package audit

import (
	"fmt"
	"io"
	"sort"
	"strings"
)

// tried is the TRIED column: "k/M" instances tried of M in range, "k of M (cap)" when
// capped.
func (c Result) tried() string {
	if c.Cap > 0 {
		return fmt.Sprintf("%d of %d in range (cap)", c.Tried, c.InRange)
	}
	return fmt.Sprintf("%d/%d", c.Tried, c.InRange)
}

// WriteText writes the report as an aligned table followed by the details.
func (r *Report) WriteText(w io.Writer) {
	fmt.Fprintf(w, "%-38s %-18s %-9s %-16s %s\n", "CLAIM", "VERDICT", "TRIED", "BASIS", "COUNTEREXAMPLE / NOTE")
	for _, c := range r.Claims {
		note := c.Counterexample
		if note == "" {
			note = c.Detail
		}
		fmt.Fprintf(w, "%-38s %-18s %-9s %-16s %s\n", c.ID, c.Verdict, c.tried(), c.Basis, clipText(note, 90))
	}
	fmt.Fprintln(w)
	for _, c := range r.Claims {
		fmt.Fprintf(w, "%s — %s\n  %s\n  %s", c.ID, c.Source, c.Statement, strings.ToUpper(c.Verdict))
		if c.Instance != "" {
			fmt.Fprintf(w, " at %s", c.Instance)
		}
		fmt.Fprintf(w, ": %s\n", c.Detail)
		fmt.Fprintf(w, "  instances: %d in range, %d tried%s; %s\n", c.InRange, c.Tried, capText(c), countsText(c.Counts))
		fmt.Fprintf(w, "  tried: %s\n", c.WhatTried)
		if c.Counterexample != "" {
			fmt.Fprintf(w, "  counterexample: %s (%s)\n", c.Counterexample, recheck(c.Verdict))
		}
		if c.Expect != "" {
			mark := "as expected"
			if c.Unexpected {
				mark = "UNEXPECTED"
			}
			fmt.Fprintf(w, "  expected: %s (%s)\n", c.Expect, mark)
		}
		if c.SecondPass != nil {
			sp := c.SecondPass
			fmt.Fprintf(w, "  second pass (%.0f s): %d open instance(s) tried again, %d decided; %s → %s\n", sp.Seconds, sp.Retried, sp.Decided, sp.Before, sp.After)
		}
		if strings.Contains(c.Basis, "solver") {
			fmt.Fprintln(w, "  this verdict rests on an SMT solver's answer: its proof file is written beside the certificate")
		}
	}
	fmt.Fprintf(w, "\n%d claim(s): %s; %.1f s of %s", len(r.Claims), verdictCounts(r.Verdicts), r.Seconds, r.Budget)
	if r.BudgetSpent {
		fmt.Fprint(w, " (budget spent)")
	}
	fmt.Fprintln(w)
}

func capText(c Result) string {
	if c.Cap > 0 {
		return fmt.Sprintf(" (max_instances %d: %d of %d in range)", c.Cap, c.Tried, c.InRange)
	}
	return ""
}

func recheck(verdict string) string {
	switch verdict {
	case RefutedBySolver:
		return "certify check --smt re-runs its proof file"
	case RefutedUnverified:
		return "not a kernel claim"
	}
	return "certify check verifies it on its own"
}

func countsText(m map[string]int) string {
	var parts []string
	for _, s := range []string{Proved, ProvedBySolver, HeldOnTried, Refuted, RefutedBySolver, RefutedUnverified, Undecided, NotTried} {
		if m[s] > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", m[s], s))
		}
	}
	if len(parts) == 0 {
		return "none"
	}
	return strings.Join(parts, ", ")
}

func verdictCounts(m map[string]int) string {
	var parts []string
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(a, b int) bool { return verdictRank(keys[a]) < verdictRank(keys[b]) })
	for _, k := range keys {
		parts = append(parts, fmt.Sprintf("%d %s", m[k], k))
	}
	return strings.Join(parts, ", ")
}

func verdictRank(v string) int {
	for i, w := range Verdicts {
		if w == v {
			return i
		}
	}
	return len(Verdicts)
}

// WriteMarkdown writes the report as a Markdown table.
func (r *Report) WriteMarkdown(w io.Writer) {
	fmt.Fprintln(w, "| claim | source | instances tried / in range | verdict | rests on | counterexample / detail |")
	fmt.Fprintln(w, "|---|---|---|---|---|---|")
	esc := func(s string) string { return strings.ReplaceAll(s, "|", "\\|") }
	for _, c := range r.Claims {
		note := c.Detail
		if c.Counterexample != "" {
			note = "`" + c.Counterexample + "`: " + note
		}
		fmt.Fprintf(w, "| %s | %s | %s | **%s** | %s | %s |\n", c.ID, esc(c.Source), c.tried(), c.Verdict, c.Basis, esc(note))
	}
	fmt.Fprintf(w, "\n%d claim(s): %s; seed %d, %d tries per search, budget %s", len(r.Claims), verdictCounts(r.Verdicts), r.Seed, r.Tries, r.Budget)
	if r.BudgetSpent {
		fmt.Fprint(w, " (spent)")
	}
	fmt.Fprintln(w)
}

func clipText(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}
