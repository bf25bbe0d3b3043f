package main

import (
	"encoding/xml"
	"strings"
	"testing"
)

// TestSizesSVG parses the size plot as XML and finds one series per construction in
// each of the four panels, one point per row, and deterministic output.
func TestSizesSVG(t *testing.T) {
	var rows []sizeRow
	for _, n := range []int{100, 1000, 10000} {
		rows = append(rows,
			sizeRow{Method: "zhang", N: n, Depth: 2, Width: n, Parameters: int64(786 * n), NonzeroWeights: int64(785 * n), MaxBits: 20},
			sizeRow{Method: "vardi", N: n, Depth: 10 * n / 100, Width: 12, Parameters: int64(900 * n / 10), NonzeroWeights: int64(2 * n), MaxBits: n / 20},
			sizeRow{Method: "park", N: n, Error: "skipped"})
	}
	svg := sizesSVG(rows)
	if svg != sizesSVG(rows) {
		t.Fatal("plot is not deterministic")
	}
	type elem struct {
		XMLName xml.Name
		Class   string `xml:"class,attr"`
		Method  string `xml:"data-method,attr"`
		Points  string `xml:"points,attr"`
		Inner   []elem `xml:",any"`
	}
	var root elem
	if err := xml.Unmarshal([]byte(svg), &root); err != nil {
		t.Fatalf("not XML: %v", err)
	}
	if root.XMLName.Local != "svg" {
		t.Fatalf("root is %s", root.XMLName.Local)
	}
	panels, series, points := 0, map[string]int{}, 0
	for _, g := range root.Inner {
		if g.Class != "panel" {
			continue
		}
		panels++
		for _, e := range g.Inner {
			switch e.Class {
			case "series":
				series[e.Method]++
				if got := len(strings.Fields(e.Points)); got != 3 {
					t.Errorf("series %s has %d vertices, want 3", e.Method, got)
				}
			case "point":
				points++
			}
		}
	}
	if panels != 4 || series["zhang"] != 4 || series["vardi"] != 4 || series["park"] != 0 || points != 24 {
		t.Fatalf("panels %d, series %v, points %d", panels, series, points)
	}
}
