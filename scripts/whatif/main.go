// Command whatif is the hardware designer's what-if of conv versus FC
// pruning without trained weights: for a grid of conv keep × FC keep
// fractions, each class's keep is spread over its layers in Deep
// Compression's per-layer density ratios (water-filled so no layer exceeds
// 1 and the class keeps exactly its fraction), activation densities come
// from the profile, and every accelerator simulates the result (the
// statistical path, no codebook). It writes a Markdown table per network
// and accelerator and one latency plot per network.
//
//	go run ./scripts/whatif -out reports/examples/whatif
package main

import (
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/plotutil"
	"gonum.org/v1/plot/vg"

	"github.com/dcsim/dcsim/accel"
	"github.com/dcsim/dcsim/internal/workload"
	"github.com/dcsim/dcsim/reports"
	"github.com/dcsim/dcsim/sim"
)

func main() {
	if err := run(os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "whatif:", err)
		os.Exit(2)
	}
}

type config struct {
	nets, accels       []string
	convKeeps, fcKeeps []float64
	out                string
}

func run(args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("whatif", flag.ContinueOnError)
	nets := fs.String("nets", "alexnet=configs/compression/scnn-alexnet.yaml,vgg-16=configs/compression/scnn-vgg16.yaml",
		"network=profile pairs: the profile gives Deep Compression's per-layer weight densities (their ratios) and the activation densities")
	accels := fs.String("accels", "scnn,scnn-eie,eie,dcnn,sparse-systolic-32x32,systolic-32x32", "accelerator presets in configs/accelerators")
	ck := fs.String("conv-keeps", "1,0.5,0.35,0.2,0.1", "conv keep fractions")
	fk := fs.String("fc-keeps", "1,0.25,0.09,0.04", "FC keep fractions")
	out := fs.String("out", "reports/examples/whatif", "output directory")
	if err := fs.Parse(args); err != nil {
		return err
	}
	c := config{nets: split(*nets), accels: split(*accels), out: *out}
	var err error
	if c.convKeeps, err = floats(*ck); err != nil {
		return fmt.Errorf("-conv-keeps: %w", err)
	}
	if c.fcKeeps, err = floats(*fk); err != nil {
		return fmt.Errorf("-fc-keeps: %w", err)
	}
	if err := os.MkdirAll(c.out, 0o755); err != nil {
		return err
	}
	for _, nv := range c.nets {
		net, prof, ok := strings.Cut(nv, "=")
		if !ok {
			return fmt.Errorf("-nets: %q is not network=profile", nv)
		}
		if err := whatif(c, net, prof, stdout); err != nil {
			return err
		}
	}
	return nil
}

func split(s string) []string { return strings.Split(s, ",") }

func floats(s string) ([]float64, error) {
	var v []float64
	for _, p := range split(s) {
		x, err := strconv.ParseFloat(strings.TrimSpace(p), 64)
		if err != nil || !(x > 0 && x <= 1) {
			return nil, fmt.Errorf("%q is not a fraction in (0,1]", p)
		}
		v = append(v, x)
	}
	return v, nil
}

// cell is one grid point's totals on one accelerator.
type cell struct{ latencyUS, energyUJ float64 }

func whatif(c config, net, profPath string, stdout io.Writer) error {
	prof, err := sim.LoadProfile(profPath)
	if err != nil {
		return err
	}
	var md strings.Builder
	fmt.Fprintf(&md, "# What-if: conv keep × FC keep on %s\n\n", net)
	fmt.Fprintf(&md, "Per-layer weight densities in Deep Compression's ratios (%s), water-filled to each class's keep; "+
		"activation densities from the same profile; no codebook; statistical simulation. "+
		"Regenerate: `go run ./scripts/whatif -out %s`.\n\n", profPath, c.out)
	curves := map[string][]cell{} // accelerator → latency at each conv keep, FC keep = the last one
	for _, a := range c.accels {
		spec, err := accel.Load(filepath.Join("configs/accelerators", a+".yaml"))
		if err != nil {
			return err
		}
		if err := sim.CheckSpec(spec); err != nil {
			return err
		}
		grid := make([][]cell, len(c.convKeeps))
		for i, ck := range c.convKeeps {
			grid[i] = make([]cell, len(c.fcKeeps))
			for j, fk := range c.fcKeeps {
				w, err := scaled(net, prof, ck, fk)
				if err != nil {
					return err
				}
				t, err := sim.SimulateTotals(spec, w)
				if err != nil {
					return fmt.Errorf("%s on %s: %w", net, a, err)
				}
				grid[i][j] = cell{t.LatencyUS, t.Energy.Total / 1e6}
			}
			curves[a] = append(curves[a], grid[i][len(c.fcKeeps)-1])
		}
		writeGrid(&md, a, c, grid)
	}
	mdPath := filepath.Join(c.out, net+".md")
	if err := reports.WriteFileAtomic(mdPath, func(w io.Writer) error { _, err := io.WriteString(w, md.String()); return err }); err != nil {
		return err
	}
	p, err := latencyPlot(net, c, curves)
	if err != nil {
		return err
	}
	for _, ext := range []string{"png", "svg"} {
		if err := reports.SaveFigure(p, filepath.Join(c.out, net+"-latency."+ext)); err != nil {
			return err
		}
	}
	fmt.Fprintf(stdout, "wrote %s and %s-latency.{png,svg}\n", mdPath, filepath.Join(c.out, net))
	return nil
}

// writeGrid writes the latency and energy tables of one accelerator.
func writeGrid(md *strings.Builder, a string, c config, grid [][]cell) {
	fmt.Fprintf(md, "## %s\n\nlatency µs / energy µJ; rows conv keep, columns FC keep; speed-up over dense (keep 1/1) in brackets\n\n", a)
	md.WriteString("| conv \\ FC |")
	for _, fk := range c.fcKeeps {
		fmt.Fprintf(md, " %g |", fk)
	}
	md.WriteString("\n|---|")
	md.WriteString(strings.Repeat("--:|", len(c.fcKeeps)))
	md.WriteString("\n")
	dense := grid[0][0].latencyUS
	for i, ck := range c.convKeeps {
		fmt.Fprintf(md, "| %g |", ck)
		for _, v := range grid[i] {
			fmt.Fprintf(md, " %.4g / %.4g (%.2f×) |", v.latencyUS, v.energyUJ, dense/v.latencyUS)
		}
		md.WriteString("\n")
	}
	md.WriteString("\n")
}

// scaled is net's workload at conv keep ck and FC keep fk.
func scaled(net string, prof *sim.Profile, ck, fk float64) (*sim.Workload, error) {
	w, err := workload.Zoo(net)
	if err != nil {
		return nil, err
	}
	if err := prof.Apply(w); err != nil {
		return nil, err
	}
	for i := range w.Layers {
		w.Layers[i].IndexBits = 0
	}
	fill(w, sim.Conv, ck)
	fill(w, sim.FC, fk)
	return w, nil
}

// fill sets the weight densities of kind's layers to min(1, s·d_l), d_l the
// profile's density, with s chosen (bisection) so the kind keeps exactly
// keep of its weights.
func fill(w *sim.Workload, kind sim.Kind, keep float64) {
	var ls []*sim.Layer
	var total float64
	for i := range w.Layers {
		if l := &w.Layers[i]; l.Kind == kind {
			ls = append(ls, l)
			total += float64(l.Weights())
		}
	}
	base := make([]float64, len(ls))
	for i, l := range ls {
		base[i] = l.Density()
	}
	kept := func(s float64) float64 {
		var k float64
		for i, l := range ls {
			k += min(1, s*base[i]) * float64(l.Weights())
		}
		return k / total
	}
	lo, hi := 0.0, 1.0
	for kept(hi) < keep && hi < 1e9 {
		hi *= 2
	}
	for range 100 {
		mid := (lo + hi) / 2
		if kept(mid) < keep {
			lo = mid
		} else {
			hi = mid
		}
	}
	for i, l := range ls {
		l.WeightDensity = min(1, hi*base[i])
	}
}

// latencyPlot draws latency against conv keep, one line per accelerator,
// at the last FC keep of the grid.
func latencyPlot(net string, c config, curves map[string][]cell) (*reports.Figure, error) {
	f := reports.NewFigure(fmt.Sprintf("%s: latency vs conv keep (FC keep %g)", net, c.fcKeeps[len(c.fcKeeps)-1]),
		"conv keep (fraction of conv weights)", "latency (µs, log)")
	p := f.Plot
	p.Y.Scale = plot.LogScale{}
	p.Y.Tick.Marker = ticks125{}
	p.X.Tick.Marker = keepTicks(c.convKeeps)
	for i, a := range c.accels {
		pts := make(plotter.XYs, len(c.convKeeps))
		for j, ck := range c.convKeeps {
			pts[j] = plotter.XY{X: ck, Y: curves[a][j].latencyUS}
		}
		l, s, err := plotter.NewLinePoints(pts)
		if err != nil {
			return nil, err
		}
		col := plotutil.Color(i)
		l.Color, s.Color = col, col
		l.Width = vg.Points(1.5)
		s.Shape = plotutil.Shape(i)
		p.Add(l, s)
		f.Legend.Add(a, l, s)
	}
	p.Add(plotter.NewGrid())
	// Room round the data: no point on the frame.
	p.Y.Min, p.Y.Max = p.Y.Min/1.15, p.Y.Max*1.15
	p.X.Min, p.X.Max = p.X.Min-0.03, p.X.Max+0.03
	return f, nil
}

// keepTicks labels every keep of the grid on the x axis.
type keepTicks []float64

func (k keepTicks) Ticks(lo, hi float64) []plot.Tick {
	var ts []plot.Tick
	for _, v := range k {
		if v >= lo && v <= hi {
			ts = append(ts, plot.Tick{Value: v, Label: strconv.FormatFloat(v, 'g', -1, 64)})
		}
	}
	return ts
}

// ticks125 labels 1, 2 and 5 times each power of ten on a log axis.
type ticks125 struct{}

func (ticks125) Ticks(lo, hi float64) []plot.Tick {
	var ts []plot.Tick
	for e := math.Floor(math.Log10(lo)); e <= math.Ceil(math.Log10(hi)); e++ {
		for _, m := range []float64{1, 2, 5} {
			if v := m * math.Pow(10, e); v >= lo && v <= hi {
				ts = append(ts, plot.Tick{Value: v, Label: strconv.FormatFloat(v, 'g', -1, 64)})
			}
		}
	}
	return ts
}
