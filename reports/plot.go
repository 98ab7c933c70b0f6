package reports

import (
	"fmt"
	"image/color"
	"math"
	"sort"

	"github.com/dcsim/dcsim/sim"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/plotutil"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// DesignPoint is one design point of a sweep as reports see it: plain data,
// so reports need not know the sweep's file format.
type DesignPoint struct {
	ID          string
	Group       string  // series: network and compression profile
	Params      []Param // swept keys in grid order
	LatencyUS   float64
	EnergyPJ    float64
	Utilization float64
	DRAMBytes   int64
}

// Param is one swept key's value.
type Param struct{ Key, Value string }

// ParetoFront returns the indices of the points not dominated in (latency,
// energy), both minimised, sorted by latency: point a dominates b when
// a.latency ≤ b.latency and a.energy ≤ b.energy with one strictly smaller.
// Of exactly equal points the first is kept. Points with a non-finite or
// non-positive coordinate are ignored. O(n log n): sort by latency (then
// energy), keep each point whose energy is below every earlier one's.
func ParetoFront(pts []DesignPoint) []int {
	idx := make([]int, 0, len(pts))
	for i, p := range pts {
		if positiveFinite(p.LatencyUS) && positiveFinite(p.EnergyPJ) {
			idx = append(idx, i)
		}
	}
	sort.SliceStable(idx, func(a, b int) bool {
		pa, pb := pts[idx[a]], pts[idx[b]]
		if pa.LatencyUS != pb.LatencyUS {
			return pa.LatencyUS < pb.LatencyUS
		}
		return pa.EnergyPJ < pb.EnergyPJ
	})
	var front []int
	best := math.Inf(1)
	for _, i := range idx {
		if pts[i].EnergyPJ < best {
			front = append(front, i)
			best = pts[i].EnergyPJ
		}
	}
	return front
}

func positiveFinite(v float64) bool { return v > 0 && !math.IsInf(v, 0) && !math.IsNaN(v) }

// groups returns the distinct groups in first-seen order with their points.
func groups(pts []DesignPoint) ([]string, map[string][]DesignPoint) {
	var order []string
	by := map[string][]DesignPoint{}
	for _, p := range pts {
		if _, ok := by[p.Group]; !ok {
			order = append(order, p.Group)
		}
		by[p.Group] = append(by[p.Group], p)
	}
	return order, by
}

// ParetoPlot is latency (µs) against energy (µJ) on log–log axes, one colour
// per group, each group's Pareto front joined by a line and ringed.
func ParetoPlot(title string, pts []DesignPoint) (*plot.Plot, error) {
	p := plot.New()
	p.Title.Text = title
	p.X.Label.Text = "latency (µs, log)"
	p.Y.Label.Text = "energy (µJ, log)"
	p.X.Scale, p.Y.Scale = plot.LogScale{}, plot.LogScale{}
	p.X.Tick.Marker, p.Y.Tick.Marker = plot.LogTicks{Prec: -1}, plot.LogTicks{Prec: -1}
	p.Legend.Top = true
	order, by := groups(pts)
	n := 0
	for gi, g := range order {
		gp := by[g]
		all := xysOf(gp, nil)
		if len(all) == 0 {
			continue
		}
		n += len(all)
		c := plotutil.Color(gi)
		sc, err := plotter.NewScatter(all)
		if err != nil {
			return nil, err
		}
		sc.GlyphStyle = draw.GlyphStyle{Color: fade(c), Radius: vg.Points(2), Shape: draw.CircleGlyph{}}
		front := xysOf(gp, ParetoFront(gp))
		line, marks, err := plotter.NewLinePoints(front)
		if err != nil {
			return nil, err
		}
		line.LineStyle = draw.LineStyle{Color: c, Width: vg.Points(1.2)}
		marks.GlyphStyle = draw.GlyphStyle{Color: c, Radius: vg.Points(3), Shape: draw.RingGlyph{}}
		p.Add(sc, line, marks)
		p.Legend.Add(fmt.Sprintf("%s: %d points, %d on the Pareto front", g, len(all), len(front)), sc, line, marks)
	}
	if n == 0 {
		return nil, fmt.Errorf("latency–energy plot: no design point with positive latency and energy")
	}
	// Headroom above the data for the legend: a factor of 2.5 per legend
	// entry's worth of log space keeps it clear of the points.
	p.Y.Max *= math.Pow(2.5, float64(len(order)))
	p.X.Max *= 1.5
	return p, nil
}

// xysOf returns (latency µs, energy µJ) of the points at idx (all when nil),
// skipping non-positive values, which a log axis cannot show.
func xysOf(pts []DesignPoint, idx []int) plotter.XYs {
	if idx == nil {
		idx = make([]int, len(pts))
		for i := range idx {
			idx[i] = i
		}
	}
	var xy plotter.XYs
	for _, i := range idx {
		p := pts[i]
		if positiveFinite(p.LatencyUS) && positiveFinite(p.EnergyPJ) {
			xy = append(xy, plotter.XY{X: p.LatencyUS, Y: p.EnergyPJ / 1e6})
		}
	}
	return xy
}

// fade makes a colour translucent so that dense scatters show density.
func fade(c color.Color) color.Color {
	r, g, b, _ := c.RGBA()
	return color.NRGBA{R: uint8(r >> 8), G: uint8(g >> 8), B: uint8(b >> 8), A: 110}
}

// energyParts are the stacked components of a layer's energy, bottom first.
var energyParts = []struct {
	name string
	get  func(sim.Energy) float64
}{
	{"MAC", func(e sim.Energy) float64 { return e.MAC }},
	{"LUT", func(e sim.Energy) float64 { return e.LUT }},
	{"SRAM", func(e sim.Energy) float64 { return e.SRAM }},
	{"DRAM", func(e sim.Energy) float64 { return e.DRAM }},
	{"static", func(e sim.Energy) float64 { return e.Static }},
}

// LayerEnergyPlot is the per-layer energy breakdown (µJ) as stacked bars:
// MAC, LUT, SRAM, DRAM and static energy of each layer in network order.
func LayerEnergyPlot(r sim.Result) (*plot.Plot, error) {
	if len(r.Layers) == 0 {
		return nil, fmt.Errorf("per-layer energy plot: %s has no layers", r.Network)
	}
	p := plot.New()
	p.Title.Text = fmt.Sprintf("energy per layer: %s on %s", r.Network, r.Accelerator)
	p.Y.Label.Text = "energy (µJ)"
	p.Legend.Top = true
	w := barWidth(len(r.Layers))
	var below *plotter.BarChart
	for i, part := range energyParts {
		vals := make(plotter.Values, len(r.Layers))
		for j, l := range r.Layers {
			vals[j] = part.get(l.Energy) / 1e6
		}
		bc, err := plotter.NewBarChart(vals, w)
		if err != nil {
			return nil, err
		}
		bc.Color = plotutil.Color(i)
		bc.LineStyle.Width = 0
		if below != nil {
			bc.StackOn(below)
		}
		below = bc
		p.Add(bc)
		p.Legend.Add(part.name, bc)
	}
	p.NominalX(layerNames(r)...)
	p.X.Tick.Label.Rotation = math.Pi / 4
	p.X.Tick.Label.XAlign, p.X.Tick.Label.YAlign = draw.XRight, draw.YCenter
	p.Y.Min = 0
	p.Y.Max *= 1.3 // room for the legend
	return p, nil
}

// UtilizationPlot is each layer's array utilisation (%) as bars.
func UtilizationPlot(r sim.Result) (*plot.Plot, error) {
	if len(r.Layers) == 0 {
		return nil, fmt.Errorf("utilisation plot: %s has no layers", r.Network)
	}
	p := plot.New()
	p.Title.Text = fmt.Sprintf("utilisation per layer: %s on %s", r.Network, r.Accelerator)
	p.Y.Label.Text = "utilisation (%)"
	vals := make(plotter.Values, len(r.Layers))
	for i, l := range r.Layers {
		vals[i] = 100 * l.Utilization
	}
	bc, err := plotter.NewBarChart(vals, barWidth(len(r.Layers)))
	if err != nil {
		return nil, err
	}
	bc.Color = plotutil.Color(0)
	bc.LineStyle.Width = 0
	p.Add(bc)
	p.Y.Min, p.Y.Max = 0, 100
	p.NominalX(layerNames(r)...)
	p.X.Tick.Label.Rotation = math.Pi / 4
	p.X.Tick.Label.XAlign, p.X.Tick.Label.YAlign = draw.XRight, draw.YCenter
	return p, nil
}

func layerNames(r sim.Result) []string {
	names := make([]string, len(r.Layers))
	for i, l := range r.Layers {
		names[i] = l.Name
	}
	return names
}

// barWidth shrinks bars as layers are added so a 16-layer VGG still fits.
func barWidth(n int) vg.Length {
	return vg.Points(math.Max(6, math.Min(28, 360/float64(n))))
}
