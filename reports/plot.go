package reports

import (
	"fmt"
	"image/color"
	"math"
	"slices"
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
// energy), both minimised, sorted by latency (Front with two objectives).
// Points with a non-finite or non-positive coordinate are ignored (they
// cannot be drawn on log axes).
func ParetoFront(pts []DesignPoint) []int {
	objs, flat := make([][]float64, len(pts)), make([]float64, 2*len(pts))
	for i, p := range pts {
		if positiveFinite(p.LatencyUS) && positiveFinite(p.EnergyPJ) {
			objs[i] = append(flat[2*i:2*i:2*i+2], p.LatencyUS, p.EnergyPJ)
		}
	}
	return Front(objs)
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

// ParetoPlot is latency (µs) against energy (µJ) on log–log axes. Points
// are coloured by a swept key (colourKey: the dataflow when it is swept,
// else the first key with 2–8 values; the series when none is) and shaped
// by series (network and compression profile). Each series' Pareto front is
// drawn last, on top of every point: a black line over a white halo with
// ringed points, visible over 10 000 points. The legend is beside the data.
func ParetoPlot(title string, pts []DesignPoint) (*Figure, error) {
	f := NewFigure(title, "latency (µs, log)", "energy per inference (µJ, log)")
	p := f.Plot
	// Sweep records arrive in completion order; sort so the figure (draw
	// order, colours, markers) depends only on the set of points.
	pts = slices.Clone(pts)
	sort.SliceStable(pts, func(i, j int) bool {
		if pts[i].Group != pts[j].Group {
			return pts[i].Group < pts[j].Group
		}
		return pts[i].ID < pts[j].ID
	})
	p.X.Scale, p.Y.Scale = plot.LogScale{}, plot.LogScale{}
	p.X.Tick.Marker, p.Y.Tick.Marker = siTicks{}, siTicks{}
	order, by := groups(pts)
	key, values := colourKey(pts)
	radius := vg.Points(3)
	if len(pts) > 1000 {
		radius = vg.Points(2)
	}
	colourOf := func(gi int, q DesignPoint) int {
		if key == "" {
			return gi
		}
		return indexOf(values, paramValue(q, key))
	}
	// Scatters, one per (series, colour), in series order.
	n := 0
	xlo, xhi, ylo, yhi := math.Inf(1), math.Inf(-1), math.Inf(1), math.Inf(-1)
	for gi, g := range order {
		split := map[int][]DesignPoint{}
		var cols []int
		for _, q := range by[g] {
			ci := colourOf(gi, q)
			if _, ok := split[ci]; !ok {
				cols = append(cols, ci)
			}
			split[ci] = append(split[ci], q)
		}
		for _, ci := range cols {
			xy := xysOf(split[ci], nil)
			if len(xy) == 0 {
				continue
			}
			n += len(xy)
			for _, v := range xy {
				xlo, xhi, ylo, yhi = math.Min(xlo, v.X), math.Max(xhi, v.X), math.Min(ylo, v.Y), math.Max(yhi, v.Y)
			}
			sc, err := plotter.NewScatter(xy)
			if err != nil {
				return nil, err
			}
			sc.GlyphStyle = draw.GlyphStyle{Color: fade(plotutil.Color(ci)), Radius: radius, Shape: seriesShape(gi)}
			p.Add(sc)
		}
	}
	if n == 0 {
		return nil, fmt.Errorf("latency–energy plot: no design point with positive latency and energy")
	}
	// Fronts on top.
	for gi, g := range order {
		front := xysOf(by[g], ParetoFront(by[g]))
		if len(front) == 0 {
			continue
		}
		halo, err := plotter.NewLine(front)
		if err != nil {
			return nil, err
		}
		halo.LineStyle = draw.LineStyle{Color: color.White, Width: vg.Points(5)}
		line, marks, err := plotter.NewLinePoints(front)
		if err != nil {
			return nil, err
		}
		line.LineStyle = draw.LineStyle{Color: color.Black, Width: vg.Points(2), Dashes: seriesDashes(gi)}
		marks.GlyphStyle = draw.GlyphStyle{Color: color.Black, Radius: vg.Points(5), Shape: draw.RingGlyph{}}
		p.Add(halo, line, marks)
	}
	fitLog(&p.X, xlo, xhi)
	fitLog(&p.Y, ylo, yhi)
	// Legend: colours, then series (shape, front line style).
	if key != "" {
		for ci, v := range values {
			f.Legend.Add(short(key)+" = "+v, swatch(plotutil.Color(ci), draw.CircleGlyph{}))
		}
	}
	for gi, g := range order {
		c := color.Color(color.Gray{Y: 90})
		if key == "" {
			c = plotutil.Color(gi)
		}
		front := len(ParetoFront(by[g]))
		line := &plotter.Line{LineStyle: draw.LineStyle{Color: color.Black, Width: vg.Points(2), Dashes: seriesDashes(gi)}}
		f.Legend.Add(fmt.Sprintf("%s: %d points, %d on front", g, len(by[g]), front), swatch(c, seriesShape(gi)), line)
	}
	return f, nil
}

// colourKey picks the swept key to colour by and its values in first-seen
// order: "dataflow" when swept, else the first key with 2–8 values, else "".
func colourKey(pts []DesignPoint) (string, []string) {
	keys := paramKeys(pts)
	valuesOf := func(k string) []string {
		var vs []string
		for _, q := range pts {
			if v := paramValue(q, k); indexOf(vs, v) < 0 {
				vs = append(vs, v)
			}
		}
		return vs
	}
	for _, k := range keys {
		if short(k) == "dataflow" {
			if vs := valuesOf(k); len(vs) >= 2 && len(vs) <= 8 {
				return k, vs
			}
		}
	}
	for _, k := range keys {
		if vs := valuesOf(k); len(vs) >= 2 && len(vs) <= 8 {
			return k, vs
		}
	}
	return "", nil
}

func paramValue(p DesignPoint, key string) string {
	for _, q := range p.Params {
		if q.Key == key {
			return q.Value
		}
	}
	return ""
}

func indexOf(vs []string, v string) int {
	for i, w := range vs {
		if w == v {
			return i
		}
	}
	return -1
}

// seriesShape is the marker of series i: filled circle, box, triangle, …
func seriesShape(i int) draw.GlyphDrawer {
	shapes := []draw.GlyphDrawer{draw.CircleGlyph{}, draw.BoxGlyph{}, draw.PyramidGlyph{},
		draw.CrossGlyph{}, draw.PlusGlyph{}, draw.SquareGlyph{}, draw.TriangleGlyph{}, draw.RingGlyph{}}
	return shapes[i%len(shapes)]
}

// seriesDashes is the dash pattern of series i's front line.
func seriesDashes(i int) []vg.Length {
	ds := [][]vg.Length{nil, {vg.Points(8), vg.Points(4)}, {vg.Points(2), vg.Points(3)},
		{vg.Points(8), vg.Points(3), vg.Points(2), vg.Points(3)}}
	return ds[i%len(ds)]
}

// swatch is a legend thumbnail: one glyph of colour c.
func swatch(c color.Color, shape draw.GlyphDrawer) plot.Thumbnailer {
	return &plotter.Scatter{GlyphStyle: draw.GlyphStyle{Color: c, Radius: vg.Points(5), Shape: shape}}
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

// energyParts are the stacked components of a layer's energy, bottom
// first: the per-level split (sim.Detail) when the result has it.
var energyParts = []struct {
	name string
	get  func(sim.LevelEnergy) float64
}{
	{"MAC", func(e sim.LevelEnergy) float64 { return e.MAC }},
	{"LUT and index", func(e sim.LevelEnergy) float64 { return e.LUT }},
	{"register file", func(e sim.LevelEnergy) float64 { return e.RegFile }},
	{"ifmap SRAM", func(e sim.LevelEnergy) float64 { return e.IfmapSRAM }},
	{"filter SRAM", func(e sim.LevelEnergy) float64 { return e.FilterSRAM }},
	{"ofmap SRAM", func(e sim.LevelEnergy) float64 { return e.OfmapSRAM }},
	{"DRAM", func(e sim.LevelEnergy) float64 { return e.DRAM }},
	{"static", func(e sim.LevelEnergy) float64 { return e.Static }},
}

// LayerEnergyPlot is the per-layer energy (µJ) as stacked bars by storage
// level and operand, in network order; components zero on every layer are
// left out. Depthwise layers are marked "(dw)".
func LayerEnergyPlot(r sim.Result) (*Figure, error) {
	if len(r.Layers) == 0 {
		return nil, fmt.Errorf("per-layer energy plot: %s has no layers", r.Network)
	}
	f := NewFigure(fmt.Sprintf("energy per layer: %s on %s", r.Network, r.Accelerator), "", "energy per inference (µJ)")
	p := f.Plot
	lvs := make([]sim.LevelEnergy, len(r.Layers))
	split := true
	for i, l := range r.Layers {
		lvs[i], split = levels(l.Energy, l.EnergyLevels)
	}
	w := barWidth(len(r.Layers))
	var below *plotter.BarChart
	top := 0.0
	for i, part := range energyParts {
		vals := make(plotter.Values, len(r.Layers))
		sum := 0.0
		for j := range r.Layers {
			vals[j] = part.get(lvs[j]) / 1e6
			sum += vals[j]
		}
		if sum == 0 {
			continue
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
		name := part.name
		if !split && name == "ifmap SRAM" {
			name = "SRAM and register file"
		}
		f.Legend.Add(name, bc)
	}
	for _, l := range r.Layers {
		top = math.Max(top, l.Energy.Total/1e6)
	}
	layerAxis(p, layerNames(r))
	p.Y.Min, p.Y.Max = 0, top*1.05
	p.Y.Tick.Marker = siLinearTicks{}
	return f, nil
}

// UtilizationPlot is each layer's array utilisation (%) as bars, depthwise
// layers in their own colour, with the network's mean as a line: Σ busy
// MACs / (Σ compute cycles · PEs) when the result has it, else the
// compute-cycle-weighted mean of the layers.
func UtilizationPlot(r sim.Result) (*Figure, error) {
	if len(r.Layers) == 0 {
		return nil, fmt.Errorf("utilisation plot: %s has no layers", r.Network)
	}
	f := NewFigure(fmt.Sprintf("utilisation per layer: %s on %s", r.Network, r.Accelerator), "", "utilisation (%)")
	p := f.Plot
	plain := make(plotter.Values, len(r.Layers))
	dw := make(plotter.Values, len(r.Layers))
	var num, den float64
	for i, l := range r.Layers {
		if l.Depthwise {
			dw[i] = 100 * l.Utilization
		} else {
			plain[i] = 100 * l.Utilization
		}
		num += l.Utilization * float64(l.ComputeCycles)
		den += float64(l.ComputeCycles)
	}
	bc, err := plotter.NewBarChart(plain, barWidth(len(r.Layers)))
	if err != nil {
		return nil, err
	}
	bc.Color = plotutil.Color(2)
	bc.LineStyle.Width = 0
	p.Add(bc)
	f.Legend.Add("layer", bc)
	if hasDepthwise(r) {
		dc, err := plotter.NewBarChart(dw, barWidth(len(r.Layers)))
		if err != nil {
			return nil, err
		}
		dc.Color = plotutil.Color(1)
		dc.LineStyle.Width = 0
		p.Add(dc)
		f.Legend.Add("depthwise conv (dw)", dc)
	}
	mean := r.Total.Utilization
	if mean == 0 && den > 0 {
		mean = num / den
	}
	layerAxis(p, layerNames(r))
	line, err := plotter.NewLine(plotter.XYs{{X: p.X.Min, Y: 100 * mean}, {X: p.X.Max, Y: 100 * mean}})
	if err != nil {
		return nil, err
	}
	line.LineStyle = draw.LineStyle{Color: color.Black, Width: vg.Points(2), Dashes: []vg.Length{vg.Points(8), vg.Points(4)}}
	p.Add(line)
	f.Legend.Add(fmt.Sprintf("network mean %.1f %%", 100*mean), line)
	p.Y.Min, p.Y.Max = 0, 100
	return f, nil
}

// layerNames are the layer names, depthwise ones marked "(dw)".
func layerNames(r sim.Result) []string {
	names := make([]string, len(r.Layers))
	for i, l := range r.Layers {
		names[i] = l.Name
		if l.Depthwise {
			names[i] += " (dw)"
		}
	}
	return names
}

// barWidth fills about 70 % of each layer's slot of the data area.
func barWidth(n int) vg.Length {
	return vg.Length(math.Max(2, 0.7*0.8*float64(figW)/float64(max(n, 1))))
}
