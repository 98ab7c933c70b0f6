package reports

import (
	"fmt"
	"io"
	"math"
	"path/filepath"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
	"gonum.org/v1/plot/vg/vgsvg"
)

// Figure size: 1200×800 pixels at figDPI, slide-ready and legible at a
// page's width.
const (
	figDPI = 96
	figWpx = 1200
	figHpx = 800
)

var figW, figH = vg.Inch * figWpx / figDPI, vg.Inch * figHpx / figDPI

// Font sizes of every figure, in points.
const (
	titleSize  = 18
	labelSize  = 15
	tickSize   = 13
	legendSize = 13
)

// Figure is a plot and its legend, drawn in a panel right of the plot so
// that the legend never covers data. An empty legend leaves the plot the
// whole width.
type Figure struct {
	Plot   *plot.Plot
	Legend plot.Legend
}

// NewFigure returns a figure with the report's font sizes and an empty
// legend.
func NewFigure(title, xlabel, ylabel string) *Figure {
	p := plot.New()
	p.Title.Text = title
	p.Title.TextStyle.Font = font.From(plot.DefaultFont, titleSize)
	p.Title.Padding = vg.Points(8)
	p.X.Label.Text, p.Y.Label.Text = xlabel, ylabel
	for _, a := range []*plot.Axis{&p.X, &p.Y} {
		a.Label.TextStyle.Font = font.From(plot.DefaultFont, labelSize)
		a.Tick.Label.Font = font.From(plot.DefaultFont, tickSize)
	}
	l := plot.NewLegend()
	l.TextStyle.Font = font.From(plot.DefaultFont, legendSize)
	l.Top, l.Left = true, true
	l.ThumbnailWidth = vg.Points(24)
	l.Padding = vg.Points(4)
	return &Figure{Plot: p, Legend: l}
}

// legendWidth is the width the legend panel needs, 0 without entries.
func (f *Figure) legendWidth(c draw.Canvas) vg.Length {
	r := f.Legend.Rectangle(c)
	w := r.Max.X - r.Min.X
	if w <= 0 {
		return 0
	}
	return w + vg.Points(24)
}

// Draw draws the plot and, right of it, the legend (top-aligned with the
// data area, below the title).
func (f *Figure) Draw(c draw.Canvas) {
	lw := f.legendWidth(c)
	if max := (c.Max.X - c.Min.X) * 0.45; lw > max {
		lw = max
	}
	f.Plot.Draw(draw.Crop(c, 0, -lw, 0, 0))
	if lw == 0 {
		return
	}
	lc := draw.Crop(c, c.Max.X-c.Min.X-lw+vg.Points(12), 0, 0, 0)
	l := f.Legend
	l.YOffs = -(f.Plot.Title.TextStyle.Rectangle(f.Plot.Title.Text).Max.Y + 2*f.Plot.Title.Padding)
	l.Draw(lc)
}

// WriterTo renders the figure at w×h in format "png" or "svg".
func (f *Figure) WriterTo(w, h vg.Length, format string) (io.WriterTo, error) {
	switch strings.ToLower(format) {
	case "png":
		c := vgimg.NewWith(vgimg.UseWH(w, h), vgimg.UseDPI(figDPI))
		f.drawOn(c)
		return vgimg.PngCanvas{Canvas: c}, nil
	case "svg":
		c := vgsvg.New(w, h)
		f.drawOn(c)
		return c, nil
	}
	return nil, fmt.Errorf("figure: unknown format %q (png or svg)", format)
}

func (f *Figure) drawOn(c vg.CanvasSizer) {
	dc := draw.New(c)
	dc.SetColor(f.Plot.BackgroundColor)
	dc.Fill(dc.Rectangle.Path())
	f.Draw(dc)
}

// siTicks labels log-axis ticks alike: 1, 10, 100, 1k, 10k, 1M, … (and
// 0.1, 0.01 below one), never mixing 1e+06 with 100000. Minor ticks stay
// unlabelled.
type siTicks struct{}

func (siTicks) Ticks(min, max float64) []plot.Tick {
	ts := plot.LogTicks{Prec: -1}.Ticks(min, max)
	for i := range ts {
		if ts[i].Label != "" {
			ts[i].Label = siLabel(ts[i].Value)
		}
	}
	return ts
}

// siLinearTicks are gonum's default linear ticks labelled like siTicks
// (120k rather than 120000).
type siLinearTicks struct{}

func (siLinearTicks) Ticks(min, max float64) []plot.Tick {
	ts := plot.DefaultTicks{}.Ticks(min, max)
	for i := range ts {
		if ts[i].Label != "" {
			ts[i].Label = siLabel(ts[i].Value)
		}
	}
	return ts
}

// siLabel writes v with at most three significant digits and an SI prefix
// for thousands and above.
func siLabel(v float64) string {
	if v == 0 {
		return "0"
	}
	for _, p := range []prefix{{1e12, "T"}, {1e9, "G"}, {1e6, "M"}, {1e3, "k"}} {
		if math.Abs(v) >= p.scale {
			return trimZeros(sigFixed(v/p.scale, 3)) + p.name
		}
	}
	return trimZeros(sigFixed(v, 3))
}

// trimZeros drops trailing zeros after a decimal point: 1.50 → 1.5, 2.00 → 2.
func trimZeros(s string) string {
	if !strings.Contains(s, ".") {
		return s
	}
	s = strings.TrimRight(s, "0")
	return strings.TrimSuffix(s, ".")
}

// fitLog sets a log axis to [lo, hi] widened by a tenth of a decade on
// each side, and to a full decade around a single value, so the data fills
// the axis and a lone point still has ticks.
func fitLog(a *plot.Axis, lo, hi float64) {
	if !(lo > 0) || math.IsInf(hi, 0) {
		return
	}
	if hi/lo < 1.5 {
		m := math.Sqrt(lo * hi)
		lo, hi = m/math.Sqrt(10), m*math.Sqrt(10)
	}
	a.Min, a.Max = lo/math.Pow(10, 0.1), hi*math.Pow(10, 0.1)
}

// nominalTicks labels bars 0..n−1 with names, leaving out labels (but not
// ticks) so that neighbouring labels are at least minGap apart: with many
// layers every k-th name is shown.
type nominalTicks struct {
	names []string
	every int
}

func (t nominalTicks) Ticks(min, max float64) []plot.Tick {
	ts := make([]plot.Tick, len(t.names))
	for i, n := range t.names {
		ts[i].Value = float64(i)
		if i%t.every == 0 {
			ts[i].Label = n
		}
	}
	return ts
}

// layerAxis puts layer names under bars, rotated 60°, every k-th name
// when the figure is too narrow for all, and names the axis.
func layerAxis(p *plot.Plot, names []string) {
	// A rotated label needs about 1.4 label heights of horizontal room;
	// the data area is about 80 % of the figure width.
	room := float64(figW) * 0.8 / float64(max(len(names), 1))
	need := 1.4 * tickSize
	every := int(math.Ceil(need / room))
	p.X.Tick.Marker = nominalTicks{names: names, every: max(every, 1)}
	p.X.Tick.Label.Rotation = math.Pi / 3
	p.X.Tick.Label.XAlign, p.X.Tick.Label.YAlign = draw.XRight, draw.YTop
	p.X.Tick.Width = 0
	p.X.Min, p.X.Max = -0.6, float64(len(names))-0.4
	p.X.Label.Text = "layer (network order)"
	if every > 1 {
		p.X.Label.Text = fmt.Sprintf("layer (network order; one name in %d shown)", every)
	}
}

// SaveFigure writes f to path as PNG or SVG by its extension, atomically,
// at the report's figure size.
func SaveFigure(f *Figure, path string) error {
	ext := strings.TrimPrefix(filepath.Ext(path), ".")
	wt, err := f.WriterTo(figW, figH, ext)
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return WriteFileAtomic(path, func(w io.Writer) error { _, err := wt.WriteTo(w); return err })
}
