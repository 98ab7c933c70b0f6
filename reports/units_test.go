package reports

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestCompactUnits(t *testing.T) {
	cases := []struct{ got, want string }{
		{count(0), "0"}, {count(9999), "9999"}, {count(14078), "14.08k"}, {count(1016994), "1.017M"},
		{count(15470264320), "15.47G"}, {count(999960), "1.000M"},
		{joules(94.03e6), "94.0µJ"}, {joules(6.814e9), "6.81mJ"}, {joules(884), "884pJ"}, {joules(0), "0"},
		{joules(999.7e6), "1.00mJ"}, {joules(0.5), "0.500pJ"},
		{seconds(1016.994), "1.02ms"}, {seconds(14.078), "14.1µs"}, {seconds(0.1), "100ns"}, {seconds(2.5e6), "2.50s"},
		{bytesIEC(0), "0"}, {bytesIEC(1000), "1000B"}, {bytesIEC(360345), "352KiB"}, {bytesIEC(26034995), "24.8MiB"},
		{bytesIEC(1023.9 * 1024), "1020KiB"}, {bytesIEC(1024 * 1024), "1.00MiB"},
		{perMAC(17e6, 1000), "17000"}, {perMAC(6.814e9, 105415200), "64.6"}, {perMAC(1, 0), "-"},
	}
	for i, c := range cases {
		if c.got != c.want {
			t.Errorf("case %d: got %q, want %q", i, c.got, c.want)
		}
	}
}

// TestWideTableExpanded: a table wider than MaxTextWidth is printed as
// records, every line within the width and every cell present.
func TestWideTableExpanded(t *testing.T) {
	long := strings.Repeat("x", 30)
	tbl := Table{Title: "wide", Header: []string{"a", "b", "c", "d"},
		Rows:   [][]string{{long, long, long, "1"}, {"2", long, long, long}},
		Footer: []string{"total", "", "", "9"}}
	var buf bytes.Buffer
	if err := tbl.WriteText(&buf); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	for _, line := range strings.Split(out, "\n") {
		if utf8.RuneCountInString(line) > MaxTextWidth {
			t.Errorf("line wider than %d: %q", MaxTextWidth, line)
		}
	}
	if strings.Count(out, long) != 6 || !strings.Contains(out, "─[ total ]") || !strings.Contains(out, "d  9\n") {
		t.Errorf("expanded output lost cells:\n%s", out)
	}
	narrow := Table{Header: []string{"a", "b"}, Rows: [][]string{{"1", "2"}}}
	buf.Reset()
	if err := narrow.WriteText(&buf); err != nil || strings.Contains(buf.String(), "─[") {
		t.Errorf("narrow table expanded (%v):\n%s", err, buf.String())
	}
}

// TestParetoPlotOrderFree: the same design points in another order give
// the same PNG (sweep records arrive in completion order).
func TestParetoPlotOrderFree(t *testing.T) {
	pts := fixtureSweep().Points
	rev := make([]DesignPoint, len(pts))
	for i, p := range pts {
		rev[len(pts)-1-i] = p
	}
	render := func(ps []DesignPoint) []byte {
		f, err := ParetoPlot("order", ps)
		if err != nil {
			t.Fatal(err)
		}
		wt, err := f.WriterTo(figW, figH, "png")
		if err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		if _, err := wt.WriteTo(&buf); err != nil {
			t.Fatal(err)
		}
		return buf.Bytes()
	}
	if !bytes.Equal(render(pts), render(rev)) {
		t.Error("Pareto plot depends on the order of the points")
	}
}

// TestLayerAxisThinning: all names fit for a zoo-sized network; with 300
// layers only every k-th is labelled, the axis label says so, and every
// bar keeps its tick.
func TestLayerAxisThinning(t *testing.T) {
	for _, n := range []int{21, 300} {
		names := make([]string, n)
		for i := range names {
			names[i] = fmt.Sprintf("layer%d", i)
		}
		f := NewFigure("t", "", "")
		layerAxis(f.Plot, names)
		ticks := f.Plot.X.Tick.Marker.Ticks(f.Plot.X.Min, f.Plot.X.Max)
		labelled := 0
		for _, tk := range ticks {
			if tk.Label != "" {
				labelled++
			}
		}
		thinned := strings.Contains(f.Plot.X.Label.Text, "shown")
		if len(ticks) != n || (n == 21) == thinned || (n == 21 && labelled != n) || (n == 300 && labelled >= n/2) {
			t.Errorf("%d layers: %d ticks, %d labelled, axis %q", n, len(ticks), labelled, f.Plot.X.Label.Text)
		}
	}
}
