package sim

import (
	"encoding/csv"
	"fmt"
	"math"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/dcsim/dcsim/accel"
)

// EIE, ISCA 2016, Table IV ("Wall clock time comparison ... unit: µs",
// batch 1): EIE theoretical and actual time per benchmark layer, as
// published verbatim in github.com/cucapra/fodlam, data/eie-layers.csv
// (see docs/validation.md).
var eiePublished = []struct {
	name                string
	theoretical, actual float64 // µs
}{
	{"Alex-6", 28.1, 30.3}, {"Alex-7", 11.7, 12.2}, {"Alex-8", 8.9, 9.9},
	{"VGG-6", 28.1, 34.4}, {"VGG-7", 7.9, 8.7}, {"VGG-8", 7.3, 8.4},
	{"NT-We", 5.2, 8.0}, {"NT-Wd", 13.0, 13.9}, {"NT-LSTM", 6.5, 7.5},
}

// eieMeasuredPowerW is EIE's power at 800 MHz (abstract: "600mW"; layout
// figure 0.59 W as recalled from Table II).
const eieMeasuredPowerW = 0.59

// loadEIEBenchmarks builds the nine EIE layers from the shipped topology
// CSV (FC rows: Channels inputs, Num Filter outputs) and compression
// profile, and loads the shipped accelerator.
func loadEIEBenchmarks(t testing.TB, masks bool) (*accel.Spec, *Workload) {
	t.Helper()
	spec, err := accel.Load("../configs/accelerators/eie.yaml")
	if err != nil {
		t.Fatal(err)
	}
	f, err := os.Open("../configs/networks/eie-benchmarks.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.FieldsPerRecord, r.TrimLeadingSpace = -1, true
	recs, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	w := &Workload{Name: "eie-benchmarks"}
	for _, rec := range recs[1:] {
		in, err1 := strconv.Atoi(rec[5])
		out, err2 := strconv.Atoi(rec[6])
		if err1 != nil || err2 != nil || rec[1] != "1" || rec[3] != "1" {
			t.Fatalf("eie-benchmarks.csv: bad FC row %q", rec)
		}
		w.Layers = append(w.Layers, fcLayer(rec[0], in, out, 0, 0, 0))
	}
	p, err := LoadProfile("../configs/compression/eie-benchmarks.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if masks {
		err = p.ApplyMasks(w)
	} else {
		err = p.Apply(w)
	}
	if err != nil {
		t.Fatal(err)
	}
	return spec, w
}

// TestEIEValidationTable reproduces EIE Table IV (latency per layer, batch
// 1) with the mask-accurate and statistical models, and compares energy
// with EIE's power × time: the two tables of docs/validation.md, which
// docBlock checks (scripts/doctables.sh -update rewrites them).
func TestEIEValidationTable(t *testing.T) {
	spec, wm := loadEIEBenchmarks(t, true)
	_, ws := loadEIEBenchmarks(t, false)
	rm, err := Simulate(spec, wm)
	if err != nil {
		t.Fatal(err)
	}
	rs, err := Simulate(spec, ws)
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	fmt.Fprintln(&b, "| layer | EIE theor. µs | EIE actual µs | mask µs | stat µs | mask / actual | load balance | padding entries | KiB/PE incl. pointers |")
	fmt.Fprintln(&b, "|---|---|---|---|---|---|---|---|---|")
	// Tolerance on mask-accurate latency vs EIE's actual time: 20%, except
	// the layer docs/validation.md explains: VGG-6 (the paper's own
	// theoretical time implies 22% more work than uniform random masks
	// give).
	tol := map[string]float64{"VGG-6": 0.30}
	for i, pub := range eiePublished {
		m, s := rm.Layers[i], rs.Layers[i]
		if m.Name != pub.name {
			t.Fatalf("layer %d is %s, want %s", i, m.Name, pub.name)
		}
		ratio := m.LatencyUS / pub.actual
		r := fmt.Sprintf("%.2f", ratio)
		if math.Abs(ratio-1) > 0.20 {
			r = "**" + r + "**"
		}
		fmt.Fprintf(&b, "| %s | %.1f | %.1f | %.1f | %.1f | %s | %.3f | %d | %.0f |\n",
			pub.name, pub.theoretical, pub.actual, m.LatencyUS, s.LatencyUS, r, m.LoadBalance,
			m.PaddingEntries, float64(m.CompressedBytes)/64/1024)
		want := 0.20
		if v, ok := tol[pub.name]; ok {
			want = v
		}
		if math.Abs(ratio-1) > want {
			t.Errorf("%s: %.1f µs vs EIE's %.1f µs: off by more than %.0f%%", pub.name, m.LatencyUS, pub.actual, 100*want)
		}
		if m.StallCycles != 0 {
			t.Errorf("%s: %d stall cycles; every EIE benchmark layer fits in the PEs' SRAM", pub.name, m.StallCycles)
		}
		if rel := s.LatencyUS/m.LatencyUS - 1; math.Abs(rel) > 0.05 {
			t.Errorf("%s: statistical %.1f µs vs mask-accurate %.1f µs", pub.name, s.LatencyUS, m.LatencyUS)
		}
	}
	docBlock(t, "../docs/validation.md", "sim-eie-latency", b.String())
	b.Reset()
	fmt.Fprintln(&b, "| layer | ours µJ | EIE P·t µJ | MAC | LUT+index | SRAM+reg | pJ per entry walked |")
	fmt.Fprintln(&b, "|---|---|---|---|---|---|---|")
	for i, m := range rm.Layers {
		e, walked := m.Energy, m.Counts.LUTReads
		fmt.Fprintf(&b, "| %s | %.2f | %.2f | %.2f | %.2f | %.2f | %.1f |\n", m.Name, e.Total/1e6,
			eieMeasuredPowerW*eiePublished[i].actual, e.MAC/1e6, e.LUT/1e6, e.SRAM/1e6, e.Total/float64(walked))
	}
	docBlock(t, "../docs/validation.md", "sim-eie-energy", b.String())
}

// TestEIEQueueDepthSweep is EIE Fig. 8: load-balance efficiency of the nine
// layers for FIFO depths 1…256 (mask-accurate). Efficiency must rise with
// depth and gain little beyond 8.
func TestEIEQueueDepthSweep(t *testing.T) {
	spec, w := loadEIEBenchmarks(t, true)
	depths := []int{1, 2, 4, 8, 16, 32, 64, 128, 256}
	var b strings.Builder
	fmt.Fprint(&b, "| layer |")
	for _, d := range depths {
		fmt.Fprintf(&b, " %d |", d)
	}
	fmt.Fprint(&b, "\n|---|"+strings.Repeat("---|", len(depths))+"\n")
	mean := make([]float64, len(depths))
	for _, l := range w.Layers {
		fmt.Fprintf(&b, "| %s |", l.Name)
		for i, d := range depths {
			run := simulateEIE(spec, &l, d)
			lb := run.busy / (float64(run.pes) * run.cycles)
			mean[i] += lb / float64(len(w.Layers))
			fmt.Fprintf(&b, " %.3f |", lb)
		}
		fmt.Fprintln(&b)
	}
	fmt.Fprint(&b, "| mean |")
	for _, m := range mean {
		fmt.Fprintf(&b, " %.3f |", m)
	}
	t.Logf("\n%s", b.String())
	for i := 1; i < len(depths); i++ {
		if mean[i] < mean[i-1]-1e-9 {
			t.Errorf("mean efficiency falls from depth %d to %d", depths[i-1], depths[i])
		}
	}
	if gainTo8, gainAfter := mean[3]-mean[0], mean[8]-mean[3]; gainAfter > gainTo8/2 {
		t.Errorf("gain 1→8 %.3f, 8→256 %.3f: want diminishing returns beyond 8", gainTo8, gainAfter)
	}
}
