package reports

import (
	"fmt"
	"io"
	"math"
	"path/filepath"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/plotutil"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// SensitivityCurve is one layer's accuracy (fraction in [0, 1]) against its
// density (fraction kept, in (0, 1]) with every other layer dense, as
// `dcsim prune --sensitivity` measures it.
type SensitivityCurve struct {
	Layer    string
	Density  []float64
	Accuracy []float64
}

// SensitivityPlot draws test accuracy (%) against layer density (%, log
// axis), one line per layer, and the dense accuracy as a dashed line, so
// the layers that tolerate pruning stay flat further to the left.
func SensitivityPlot(title string, dense float64, curves []SensitivityCurve) (*plot.Plot, error) {
	if len(curves) == 0 {
		return nil, fmt.Errorf("sensitivity plot: no layers")
	}
	p := plot.New()
	p.Title.Text = title
	p.X.Label.Text = "density of the pruned layer (%, log)"
	p.Y.Label.Text = "test accuracy (%)"
	p.X.Scale = plot.LogScale{}
	p.X.Tick.Marker = plot.LogTicks{Prec: -1}
	p.Legend.Top, p.Legend.Left = false, false
	lo, xmin, xmax := 100*dense, math.Inf(1), math.Inf(-1)
	for i, c := range curves {
		if len(c.Density) != len(c.Accuracy) || len(c.Density) == 0 {
			return nil, fmt.Errorf("sensitivity plot: layer %s: %d densities, %d accuracies", c.Layer, len(c.Density), len(c.Accuracy))
		}
		xy := make(plotter.XYs, len(c.Density))
		for j := range c.Density {
			if !(c.Density[j] > 0 && c.Density[j] <= 1) {
				return nil, fmt.Errorf("sensitivity plot: layer %s: density %g not in (0,1]", c.Layer, c.Density[j])
			}
			xy[j] = plotter.XY{X: 100 * c.Density[j], Y: 100 * c.Accuracy[j]}
			lo = math.Min(lo, xy[j].Y)
			xmin, xmax = math.Min(xmin, xy[j].X), math.Max(xmax, xy[j].X)
		}
		l, s, err := plotter.NewLinePoints(xy)
		if err != nil {
			return nil, err
		}
		l.Color = plotutil.Color(i)
		l.Width = vg.Points(1.5)
		s.GlyphStyle = draw.GlyphStyle{Color: plotutil.Color(i), Radius: vg.Points(3), Shape: plotutil.Shape(i)}
		p.Add(l, s)
		p.Legend.Add(c.Layer, l, s)
	}
	ref, err := plotter.NewLine(plotter.XYs{{X: xmin, Y: 100 * dense}, {X: xmax, Y: 100 * dense}})
	if err != nil {
		return nil, err
	}
	ref.Dashes = []vg.Length{vg.Points(4), vg.Points(3)}
	ref.Color = plotutil.Color(len(curves))
	p.Add(ref)
	p.Legend.Add(fmt.Sprintf("dense %.2f %%", 100*dense), ref)
	p.Y.Min, p.Y.Max = math.Max(0, lo-2), math.Min(100, 100*dense+1)
	return p, nil
}

// SavePlot writes p to path as PNG, SVG or PDF by its extension, atomically.
func SavePlot(p *plot.Plot, path string) error {
	ext := strings.TrimPrefix(filepath.Ext(path), ".")
	switch ext {
	case "png", "svg", "pdf":
	default:
		return fmt.Errorf("%s: plot file must end in .png, .svg or .pdf", path)
	}
	wt, err := p.WriterTo(figW, figH, ext)
	if err != nil {
		return err
	}
	return WriteFileAtomic(path, func(w io.Writer) error { _, err := wt.WriteTo(w); return err })
}
