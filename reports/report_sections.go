package reports

import (
	"fmt"
	"math"
	"strings"

	"github.com/dcsim/dcsim/sim"
)

func (rw *reportWriter) sweep(s SweepSet) {
	name := "sweep-" + slug(s.Name)
	fmt.Fprintf(&rw.md, "## Sweep %s\n\n", s.Name)
	fmt.Fprintf(&rw.md, "%d design points", len(s.Points))
	if s.Total > 0 {
		fmt.Fprintf(&rw.md, " of %d", s.Total)
	}
	fmt.Fprintf(&rw.md, " from spec `%s` (spec hash `%.12s`), base accelerator `%s`", s.Spec, s.SpecHash, s.Accelerator)
	if s.Errors > 0 {
		fmt.Fprintf(&rw.md, "; %d more recorded with an error (invalid or failed), not shown", s.Errors)
	}
	rw.md.WriteString(". Latency and energy are both minimised; colour is a swept key, marker shape the series, " +
		"and ringed points joined by a black line are each series' Pareto front.\n\n")
	p, err := ParetoPlot("latency vs energy: "+s.Name, s.Points)
	rw.figure(p, err, name+"-pareto", "latency vs energy with Pareto fronts")
	rw.table(BestTable(s), name+"-best")
	rw.table(ParetoTable(s), name+"-pareto")
}

// paramKeys are the swept keys of the first point.
func paramKeys(pts []DesignPoint) []string {
	if len(pts) == 0 {
		return nil
	}
	keys := make([]string, len(pts[0].Params))
	for i, p := range pts[0].Params {
		keys[i] = p.Key
	}
	return keys
}

// ParetoTable lists each series' Pareto-optimal design points by latency.
func ParetoTable(s SweepSet) Table {
	keys := paramKeys(s.Points)
	t := Table{Left: 1, Title: "Pareto-optimal design points: " + s.Name,
		Header: append(append([]string{"series"}, keys...), "latency µs", "energy µJ", "util %", "DRAM KiB", "id")}
	order, by := groups(s.Points)
	for _, g := range order {
		pts := by[g]
		for _, i := range ParetoFront(pts) {
			p := pts[i]
			row := []string{g}
			for _, q := range p.Params {
				row = append(row, q.Value)
			}
			t.Rows = append(t.Rows, append(row, sig(p.LatencyUS), sig(p.EnergyPJ/1e6),
				fixed(100*p.Utilization, 1), fixed(float64(p.DRAMBytes)/1024, 1), p.ID))
		}
	}
	return t
}

// BestTable gives, per series, the design points of least latency, least
// energy and least energy-delay product (EDP = energy × latency).
func BestTable(s SweepSet) Table {
	t := Table{Left: 1, Title: "Best design points per series: " + s.Name,
		Header: []string{"series", "points", "on front", "min latency µs", "at", "min energy µJ", "at", "min EDP µJ·ms", "at"}}
	order, by := groups(s.Points)
	for _, g := range order {
		pts := by[g]
		lat := argmin(pts, func(p DesignPoint) float64 { return p.LatencyUS })
		en := argmin(pts, func(p DesignPoint) float64 { return p.EnergyPJ })
		edp := argmin(pts, func(p DesignPoint) float64 { return p.EnergyPJ * p.LatencyUS })
		t.Rows = append(t.Rows, []string{g, fmt.Sprint(len(pts)), fmt.Sprint(len(ParetoFront(pts))),
			sig(pts[lat].LatencyUS), paramString(pts[lat]), sig(pts[en].EnergyPJ / 1e6), paramString(pts[en]),
			sig(pts[edp].EnergyPJ / 1e6 * pts[edp].LatencyUS / 1e3), paramString(pts[edp])})
	}
	return t
}

func argmin(pts []DesignPoint, f func(DesignPoint) float64) int {
	best, bi := math.Inf(1), 0
	for i, p := range pts {
		if v := f(p); v < best {
			best, bi = v, i
		}
	}
	return bi
}

// short is a swept key's last component: memory.ifmap_sram_kib → ifmap_sram_kib.
func short(k string) string { return k[strings.LastIndexByte(k, '.')+1:] }

// paramString is "key=value ..." with each key shortened to its last
// component where that is unambiguous among the point's keys.
func paramString(p DesignPoint) string {
	count := map[string]int{}
	for _, q := range p.Params {
		count[short(q.Key)]++
	}
	parts := make([]string, len(p.Params))
	for i, q := range p.Params {
		k := q.Key
		if count[short(k)] == 1 {
			k = short(k)
		}
		parts[i] = k + "=" + q.Value
	}
	return strings.Join(parts, " ")
}

// sig formats v with 4 significant digits.
func sig(v float64) string { return fmt.Sprintf("%.4g", v) }

func (rw *reportWriter) layers(r sim.Result) {
	name := "layers-" + slug(r.Network+"-"+r.Accelerator)
	fmt.Fprintf(&rw.md, "## Layers: %s on %s\n\n", r.Network, r.Accelerator)
	fmt.Fprintf(&rw.md, "%d layers, %d cycles, %.4g µs, %.4g µJ in total.\n\n",
		len(r.Layers), r.Total.Cycles, r.Total.LatencyUS, r.Total.Energy.Total/1e6)
	p, err := LayerEnergyPlot(r)
	rw.figure(p, err, name+"-energy", "energy per layer, stacked by storage level")
	p, err = UtilizationPlot(r)
	rw.figure(p, err, name+"-utilization", "array utilisation per layer")
	rw.table(SimulateTable(r), name)
	for _, l := range r.Layers {
		if l.DRAM != nil {
			rw.table(SimulateDRAMTable(r), name+"-dram")
			break
		}
	}
}

// codesigns writes one accuracy-vs-compression plot of every codesign
// input (each file's series kept apart) and a table per input.
func (rw *reportWriter) codesigns(cs []CodesignSet) {
	if len(cs) == 0 {
		return
	}
	names := make([]string, len(cs))
	for i, c := range cs {
		names[i] = c.Name
	}
	title := strings.Join(names, ", ")
	fmt.Fprintf(&rw.md, "## Accuracy vs compression: %s\n\n", title)
	p, err := AccuracyPlot("accuracy vs compression: "+title, cs...)
	rw.figure(p, err, "codesign-"+slug(title), "test accuracy against compression ratio")
	for _, c := range cs {
		rw.table(CodesignTable(c), "codesign-"+slug(c.Name))
	}
}

// CodesignTable lists codesign rows: accuracy, compression and, where
// given, parameters, latency and energy.
func CodesignTable(c CodesignSet) Table {
	t := Table{Left: 2, Title: "Candidates: " + c.Name,
		Header: []string{"name", "series", "accuracy %", "compression ×", "params", "latency µs", "energy µJ"}}
	for _, r := range c.Rows {
		row := []string{r.Name, r.Series, fixed(100*r.Accuracy, 2), sig(r.CompressionRatio), "-", "-", "-"}
		if r.Params > 0 {
			row[4] = fmt.Sprint(r.Params)
		}
		if r.LatencyUS != nil {
			row[5] = sig(*r.LatencyUS)
		}
		if r.EnergyPJ != nil {
			row[6] = sig(*r.EnergyPJ / 1e6)
		}
		t.Rows = append(t.Rows, row)
	}
	return t
}
