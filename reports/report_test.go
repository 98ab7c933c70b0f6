package reports

import (
	"bytes"
	"cmp"
	"flag"
	"fmt"
	"image/png"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/dcsim/dcsim/sim"
	"gonum.org/v1/plot"
)

var update = flag.Bool("update", false, "rewrite golden files")

func TestParetoFront(t *testing.T) {
	pt := func(lat, en float64) DesignPoint { return DesignPoint{LatencyUS: lat, EnergyPJ: en} }
	for _, c := range []struct {
		name string
		pts  []DesignPoint
		want []int
	}{
		{"empty", nil, nil},
		{"one", []DesignPoint{pt(1, 1)}, []int{0}},
		{"dominated", []DesignPoint{pt(2, 2), pt(1, 1)}, []int{1}},
		{"trade-off", []DesignPoint{pt(3, 1), pt(1, 3), pt(2, 2), pt(2.5, 2.5)}, []int{1, 2, 0}},
		{"equal latency keeps lower energy", []DesignPoint{pt(1, 5), pt(1, 4)}, []int{1}},
		{"exact duplicates keep first", []DesignPoint{pt(1, 1), pt(1, 1)}, []int{0}},
		{"non-positive ignored", []DesignPoint{pt(0, 1), pt(2, -1), pt(3, 3)}, []int{2}},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := ParetoFront(c.pts); !slices.Equal(got, c.want) {
				t.Errorf("ParetoFront = %v, want %v", got, c.want)
			}
		})
	}
}

// No point off the front may dominate a point on it, and every point off
// the front must be dominated by one on it.
func TestParetoFrontProperty(t *testing.T) {
	var pts []DesignPoint
	for i := 0; i < 200; i++ {
		pts = append(pts, DesignPoint{LatencyUS: float64((i*37)%101 + 1), EnergyPJ: float64((i*53)%97 + 1)})
	}
	front := ParetoFront(pts)
	on := map[int]bool{}
	for _, i := range front {
		on[i] = true
	}
	dom := func(a, b DesignPoint) bool {
		return a.LatencyUS <= b.LatencyUS && a.EnergyPJ <= b.EnergyPJ && (a.LatencyUS < b.LatencyUS || a.EnergyPJ < b.EnergyPJ)
	}
	for i, p := range pts {
		dominated := false
		for j, q := range pts {
			if j != i && dom(q, p) {
				dominated = true
			}
		}
		if on[i] && dominated {
			t.Errorf("point %d on the front is dominated", i)
		}
		if !on[i] && !dominated && !slices.ContainsFunc(front, func(k int) bool { return pts[k].LatencyUS == p.LatencyUS && pts[k].EnergyPJ == p.EnergyPJ }) {
			t.Errorf("point %d is not dominated but is off the front", i)
		}
	}
}

func TestReadCodesign(t *testing.T) {
	f, err := os.Open("testdata/codesign.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := ReadCodesign(f, "codesign.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 3 || rows[2].Accuracy != 0.9901 || rows[2].Name != "conv 50% fc 5%" || *rows[2].LatencyUS != 120.5 {
		t.Errorf("rows = %+v", rows)
	}
	for _, c := range []struct{ name, in, want string }{
		{"array", `[{"model": "lenet-5", "test_accuracy": 0.99, "compression_ratio": 40}]`, ""},
		{"candidates", `{"candidates": [{"accuracy": 0.5, "compression_ratio": 2}]}`, ""},
		{"single", `{"accuracy": 0.5, "compression_ratio": 2}`, ""},
		{"no accuracy", `{"compression_ratio": 2}`, "x.json: row 1: accuracy: missing"},
		{"percent accuracy", `{"accuracy": 99.1, "compression_ratio": 2}`, "accuracy: must be in [0, 1], got 99.1"},
		{"no ratio", `[{"accuracy": 0.9}]`, "compression_ratio: must be a finite number > 0"},
		{"bad line", "{\"accuracy\": 0.9, \"compression_ratio\": 2}\n{oops\n", "x.json:2: not a JSON object"},
		{"empty", " \n", "x.json: empty file"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := ReadCodesign(strings.NewReader(c.in), "x.json")
			if c.want == "" && err != nil || c.want != "" && (err == nil || !strings.Contains(err.Error(), c.want)) {
				t.Errorf("error = %v, want %q", err, c.want)
			}
		})
	}
}

func fixtureResult() sim.Result {
	l := func(name string, kind sim.Kind, mac, sram, dram, util float64, cyc int64) sim.LayerResult {
		e := sim.Energy{MAC: mac, SRAM: sram, DRAM: dram, Total: mac + sram + dram}
		return sim.LayerResult{Name: name, Kind: kind, MACs: 1000, Cycles: sim.Cycles(cyc), ComputeCycles: sim.Cycles(cyc),
			LatencyUS: float64(cyc) / 1000, Utilization: util, Energy: e}
	}
	r := sim.Result{Accelerator: "acc", Network: "net", ClockMHz: 1000, Layers: []sim.LayerResult{
		l("conv1", sim.Conv, 2e6, 5e6, 1e7, 0.9, 5000), l("pool1", sim.Pool, 0, 1e5, 2e5, 0, 100), l("fc1", sim.FC, 1e5, 1e6, 3e7, 0.02, 9000)}}
	for _, x := range r.Layers {
		r.Total.Cycles += x.Cycles
		r.Total.Energy.Total += x.Energy.Total
	}
	r.Total.LatencyUS = float64(r.Total.Cycles) / 1000
	return r
}

func fixtureSweep() SweepSet {
	s := SweepSet{Name: "fixture", Spec: "s.yaml", SpecHash: "0123456789abcdef0123", Accelerator: "acc", Errors: 1, Total: 9}
	for i, v := range [][2]float64{{10, 9e6}, {20, 5e6}, {30, 6e6}, {40, 2e6}} {
		for g, net := range []string{"a", "b"} {
			s.Points = append(s.Points, DesignPoint{ID: "id" + string(rune('0'+i)), Group: net,
				Params:    []Param{{"array.rows", string(rune('1' + i))}},
				LatencyUS: v[0] * float64(g+1), EnergyPJ: v[1], Utilization: 0.5, DRAMBytes: 2048})
		}
	}
	return s
}

// The Markdown report is golden; figures and CSV files must exist and be
// non-trivial (PNG and SVG signatures).
func TestWriteReport(t *testing.T) {
	dir := t.TempDir()
	f, _ := os.Open("testdata/codesign.jsonl")
	rows, err := ReadCodesign(f, "codesign.jsonl")
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	d := ReportData{Title: "fixture report", Sources: []string{"a.jsonl", "b.json"}, Sweeps: []SweepSet{fixtureSweep()},
		Layers: []sim.Result{fixtureResult()}, Codesign: []CodesignSet{{Name: "lenet-5", Rows: rows}}}
	files, tables, err := WriteReport(dir, d)
	if err != nil {
		t.Fatal(err)
	}
	if len(tables) != 4 {
		t.Errorf("%d terminal tables, want 4", len(tables))
	}
	for _, f := range files {
		data, err := os.ReadFile(filepath.Join(dir, f))
		if err != nil {
			t.Fatal(err)
		}
		switch filepath.Ext(f) {
		case ".png":
			checkPNG(t, f, data)
			if _, err := os.Stat(filepath.Join(dir, strings.TrimSuffix(f, ".png")+".svg")); err != nil {
				t.Errorf("%s has no SVG beside it: %v", f, err)
			}
		case ".svg":
			if !bytes.Contains(data[:min(len(data), 400)], []byte("<svg")) || len(data) < 3000 {
				t.Errorf("%s: not an SVG figure (%d bytes)", f, len(data))
			}
		}
	}
	got, _ := os.ReadFile(filepath.Join(dir, "report.md"))
	golden := "testdata/report.md.golden"
	if *update {
		os.WriteFile(golden, got, 0o644)
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test ./reports -run TestWriteReport -update)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("report.md differs from %s (rerun with -update if intended):\n%s", golden, got)
	}
	// Same input, same bytes: PNG and SVG included.
	dir2 := t.TempDir()
	if _, _, err := WriteReport(dir2, d); err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		a, _ := os.ReadFile(filepath.Join(dir, f))
		b, _ := os.ReadFile(filepath.Join(dir2, f))
		if !bytes.Equal(a, b) {
			t.Errorf("%s differs between two identical runs", f)
		}
	}
}

// checkPNG fails unless data is a 1200×800 PNG of some substance.
func checkPNG(t *testing.T, name string, data []byte) {
	t.Helper()
	cfg, err := png.DecodeConfig(bytes.NewReader(data))
	if err != nil || cfg.Width != figWpx || cfg.Height != figHpx || len(data) < 20000 {
		t.Errorf("%s: %v, %d×%d, %d bytes; want a %d×%d PNG of ≥ 20 kB", name, err, cfg.Width, cfg.Height,
			len(data), figWpx, figHpx)
	}
}

// TestPlotsLarge: a 10 000-point sweep renders as PNG and SVG; a single
// codesign point still gets labelled ticks on both axes.
func TestPlotsLarge(t *testing.T) {
	var pts []DesignPoint
	for i := range 10000 {
		df := []string{"ws", "os", "is"}[i%3]
		pts = append(pts, DesignPoint{ID: fmt.Sprint(i), Group: []string{"a", "b"}[i%2],
			Params:    []Param{{"array.dataflow", df}, {"array.rows", fmt.Sprint(8 << (i % 4))}},
			LatencyUS: 10 + float64(i%997), EnergyPJ: 1e6 * (1 + float64((i*7919)%1009))})
	}
	f, err := ParetoPlot("big", pts)
	if err != nil {
		t.Fatal(err)
	}
	for _, ext := range []string{"png", "svg"} {
		wt, err := f.WriterTo(figW, figH, ext)
		if err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		if _, err := wt.WriteTo(&buf); err != nil {
			t.Fatal(err)
		}
		if ext == "png" {
			checkPNG(t, "big.png", buf.Bytes())
		} else if buf.Len() < 100000 {
			t.Errorf("big.svg: %d bytes for 10 000 points", buf.Len())
		}
	}
	one, err := AccuracyPlot("one", CodesignSet{Name: "x", Rows: []CodesignRow{{Name: "m", Accuracy: 0.98, CompressionRatio: 3}}})
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range []plot.Axis{one.Plot.X, one.Plot.Y} {
		labelled := 0
		for _, tk := range a.Tick.Marker.Ticks(a.Min, a.Max) {
			if tk.Label != "" {
				labelled++
			}
		}
		if labelled == 0 || !(a.Min < a.Max) {
			t.Errorf("single point: axis [%g, %g] has %d labelled ticks", a.Min, a.Max, labelled)
		}
	}
}

func TestSILabels(t *testing.T) {
	for v, want := range map[float64]string{1: "1", 10: "10", 100: "100", 1000: "1k", 1e5: "100k", 1e6: "1M", 0.1: "0.1", 2.5e9: "2.5G"} {
		if got := siLabel(v); got != want {
			t.Errorf("siLabel(%g) = %q, want %q", v, got, want)
		}
	}
}

func TestWriteReportEmpty(t *testing.T) {
	if _, _, err := WriteReport(t.TempDir(), ReportData{}); err == nil {
		t.Error("empty report: want an error")
	}
}

func BenchmarkParetoFront(b *testing.B) {
	pts := make([]DesignPoint, 100000)
	for i := range pts {
		pts[i] = DesignPoint{LatencyUS: float64((i*7919)%100003 + 1), EnergyPJ: float64((i*104729)%99991 + 1)}
	}
	b.ReportAllocs()
	for b.Loop() {
		ParetoFront(pts)
	}
}

func TestParamString(t *testing.T) {
	p := DesignPoint{Params: []Param{{"array.rows", "8"}, {"workload.index_bits", "2"}, {"codebook.index_bits", "2"}}}
	if got, want := paramString(p), "rows=8 workload.index_bits=2 codebook.index_bits=2"; got != want {
		t.Errorf("paramString = %q, want %q", got, want)
	}
}

func FuzzReadCodesign(f *testing.F) {
	f.Add([]byte(`[{"name": "a", "accuracy": 0.9, "compression_ratio": 3}]`))
	f.Add([]byte("{\"test_accuracy\": 0.5, \"compression_ratio\": 2}\n{\"accuracy\": 1, \"compression_ratio\": 1e9}\n"))
	f.Add([]byte(`{"candidates": [{"accuracy": 0.1, "compression_ratio": 0.5}]}`))
	f.Add([]byte("[]"))
	f.Fuzz(func(t *testing.T, data []byte) {
		rows, err := ReadCodesign(bytes.NewReader(data), "fuzz")
		if err != nil {
			return
		}
		if len(rows) == 0 {
			t.Fatal("accepted a file with no rows")
		}
		for _, r := range rows {
			if !(r.Accuracy >= 0 && r.Accuracy <= 1) || !positiveFinite(r.CompressionRatio) {
				t.Fatalf("accepted an out-of-range row %+v", r)
			}
		}
	})
}

func ExampleParetoFront() {
	pts := []DesignPoint{
		{ID: "a", LatencyUS: 10, EnergyPJ: 9e6},
		{ID: "b", LatencyUS: 20, EnergyPJ: 5e6},
		{ID: "c", LatencyUS: 30, EnergyPJ: 6e6}, // dominated by b
		{ID: "d", LatencyUS: 40, EnergyPJ: 2e6},
	}
	for _, i := range ParetoFront(pts) {
		fmt.Println(pts[i].ID)
	}
	// Output:
	// a
	// b
	// d
}

// TestFrontFastPathMatchesGeneral: the two-objective sort-and-scan and the
// O(n²) definition give the same front, ties and duplicates included.
func TestFrontFastPathMatchesGeneral(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	for trial := 0; trial < 50; trial++ {
		objs := make([][]float64, 1+r.IntN(80))
		for i := range objs {
			objs[i] = []float64{float64(r.IntN(12)), float64(r.IntN(12))}
			if r.IntN(20) == 0 {
				objs[i][r.IntN(2)] = math.NaN()
			}
		}
		got := Front(objs)
		var idx []int
		for i, o := range objs {
			if allFinite(o) {
				idx = append(idx, i)
			}
		}
		slices.SortFunc(idx, func(a, b int) int {
			return cmp.Or(cmp.Compare(objs[a][0], objs[b][0]), cmp.Compare(objs[a][1], objs[b][1]), cmp.Compare(a, b))
		})
		if want := frontN(objs, idx); !slices.Equal(got, want) {
			t.Fatalf("trial %d: fast path %v, general %v", trial, got, want)
		}
	}
}
