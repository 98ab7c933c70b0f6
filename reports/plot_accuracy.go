package reports

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/plotutil"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// CodesignRow is one compression candidate for the accuracy vs compression
// plot. Its input schema (docs/sweeps.md, "Report inputs") is a JSON object
// with accuracy (or test_accuracy, as `dcsim eval --format json` prints) in
// [0, 1] and compression_ratio > 0, and optional name (or label, or model),
// series, params (the parameters kept; nonzero_params, as eval and prune
// print it, takes precedence), latency_us and energy_pj.
type CodesignRow struct {
	Name             string   `json:"name"`
	Series           string   `json:"series"`
	Accuracy         float64  `json:"accuracy"`
	CompressionRatio float64  `json:"compression_ratio"`
	Params           int64    `json:"params"`
	LatencyUS        *float64 `json:"latency_us"`
	EnergyPJ         *float64 `json:"energy_pj"`
}

// codesignJSON mirrors the accepted keys, with the aliases.
type codesignJSON struct {
	CodesignRow
	TestAccuracy *float64 `json:"test_accuracy"`
	AccuracyPtr  *float64 `json:"accuracy"`
	Label        string   `json:"label"`
	Model        string   `json:"model"`
	Nonzero      *int64   `json:"nonzero_params"`
}

// ReadCodesign reads codesign rows from r: a JSON array of rows, an object
// {"candidates": [rows]}, a single row object, or JSON Lines. name prefixes
// error messages ("name:line: field: what" for JSON Lines).
func ReadCodesign(r io.Reader, name string) ([]CodesignRow, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	trim := bytes.TrimSpace(data)
	if len(trim) == 0 {
		return nil, fmt.Errorf("%s: empty file (want codesign rows with accuracy and compression_ratio)", name)
	}
	var raws []json.RawMessage
	var obj struct {
		Candidates []json.RawMessage `json:"candidates"`
	}
	switch {
	case trim[0] == '[':
		if err := json.Unmarshal(trim, &raws); err != nil {
			return nil, fmt.Errorf("%s: %v", name, err)
		}
	case json.Unmarshal(trim, &obj) == nil && obj.Candidates != nil:
		raws = obj.Candidates
	case json.Valid(trim):
		raws = []json.RawMessage{trim}
	default:
		return readCodesignLines(data, name)
	}
	rows := make([]CodesignRow, 0, len(raws))
	for i, raw := range raws {
		row, err := parseCodesignRow(raw)
		if err != nil {
			return nil, fmt.Errorf("%s: row %d: %v", name, i+1, err)
		}
		rows = append(rows, row)
	}
	if len(rows) == 0 {
		return nil, fmt.Errorf("%s: no codesign rows (want rows with accuracy and compression_ratio)", name)
	}
	return rows, nil
}

func readCodesignLines(data []byte, name string) ([]CodesignRow, error) {
	var rows []CodesignRow
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(nil, 16<<20)
	for line := 1; sc.Scan(); line++ {
		b := bytes.TrimSpace(sc.Bytes())
		if len(b) == 0 {
			continue
		}
		row, err := parseCodesignRow(b)
		if err != nil {
			return nil, fmt.Errorf("%s:%d: %v", name, line, err)
		}
		rows = append(rows, row)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if len(rows) == 0 {
		return nil, fmt.Errorf("%s: no codesign rows (want rows with accuracy and compression_ratio)", name)
	}
	return rows, nil
}

func parseCodesignRow(raw []byte) (CodesignRow, error) {
	var j codesignJSON
	if err := json.Unmarshal(raw, &j); err != nil {
		return CodesignRow{}, fmt.Errorf("not a JSON object: %v", err)
	}
	row := j.CodesignRow
	switch {
	case j.AccuracyPtr != nil:
		row.Accuracy = *j.AccuracyPtr
	case j.TestAccuracy != nil:
		row.Accuracy = *j.TestAccuracy
	default:
		return row, fmt.Errorf("accuracy: missing (want accuracy or test_accuracy in [0, 1])")
	}
	if !(row.Accuracy >= 0 && row.Accuracy <= 1) {
		return row, fmt.Errorf("accuracy: must be in [0, 1], got %v", row.Accuracy)
	}
	if !positiveFinite(row.CompressionRatio) {
		return row, fmt.Errorf("compression_ratio: must be a finite number > 0, got %v", row.CompressionRatio)
	}
	if j.Nonzero != nil {
		row.Params = *j.Nonzero
	}
	for _, alt := range []string{j.Label, j.Model} {
		if row.Name == "" {
			row.Name = alt
		}
	}
	return row, nil
}

// AccuracyPlot is test accuracy (%) against compression ratio (×, log
// axis) of every row of every set in one plot: one colour and marker per
// series (the set's name, and the row's series when the set has several),
// each point labelled with its name. The axes fit the data; a single point
// still gets ticks.
func AccuracyPlot(title string, sets ...CodesignSet) (*Figure, error) {
	f := NewFigure(title, "compression ratio (×, log)", "test accuracy (%)")
	p := f.Plot
	p.X.Scale = plot.LogScale{}
	p.X.Tick.Marker = siTicks{}
	var order []string
	by := map[string][]CodesignRow{}
	for _, set := range sets {
		for _, r := range set.Rows {
			s := r.Series
			if len(sets) > 1 {
				s = strings.TrimSpace(set.Name + ": " + r.Series)
				s = strings.TrimSuffix(s, ":")
			}
			if _, ok := by[s]; !ok {
				order = append(order, s)
			}
			by[s] = append(by[s], r)
		}
	}
	if len(order) == 0 {
		return nil, fmt.Errorf("accuracy plot: no rows")
	}
	xlo, xhi, lo, hi := math.Inf(1), math.Inf(-1), math.Inf(1), math.Inf(-1)
	for si, s := range order {
		var xy plotter.XYs
		var labels []string
		for _, r := range by[s] {
			xy = append(xy, plotter.XY{X: r.CompressionRatio, Y: 100 * r.Accuracy})
			labels = append(labels, r.Name)
			lo, hi = math.Min(lo, 100*r.Accuracy), math.Max(hi, 100*r.Accuracy)
			xlo, xhi = math.Min(xlo, r.CompressionRatio), math.Max(xhi, r.CompressionRatio)
		}
		sc, err := plotter.NewScatter(xy)
		if err != nil {
			return nil, err
		}
		sc.GlyphStyle = draw.GlyphStyle{Color: plotutil.Color(si), Radius: vg.Points(5), Shape: seriesShape(si)}
		lb, err := plotter.NewLabels(plotter.XYLabels{XYs: xy, Labels: labels})
		if err != nil {
			return nil, err
		}
		for i := range lb.TextStyle {
			lb.TextStyle[i].Font.Size = vg.Points(11)
		}
		lb.Offset = vg.Point{X: vg.Points(7), Y: vg.Points(3)}
		p.Add(sc, lb)
		name := s
		if name == "" {
			name = "candidates"
		}
		f.Legend.Add(name, sc)
	}
	fitLog(&p.X, xlo, xhi)
	p.X.Max *= 1.6 // room for the labels of the rightmost points
	pad := math.Max(0.5, (hi-lo)*0.1)
	p.Y.Min, p.Y.Max = math.Max(0, lo-pad), math.Min(100, hi+pad)
	return f, nil
}
