package reports

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/dcsim/dcsim/internal/fielderr"
	"github.com/dcsim/dcsim/sim"
)

// View selects which per-layer table of a simulation the text and Markdown
// formats print; JSON and CSV always carry every field.
type View string

// Views of a simulation.
const (
	// ViewPerf is the compact performance table (the default): MACs,
	// density, cycles, stalls, latency, utilisation, DRAM traffic, energy.
	ViewPerf View = "perf"
	// ViewEnergy is energy by storage level and operand: MAC, LUT, PE
	// register file, ifmap/filter/ofmap SRAM, DRAM, static.
	ViewEnergy View = "energy"
	// ViewMemory is the mapping and memory traffic: folds, mapping
	// efficiency, SRAM and DRAM traffic and average bandwidth.
	ViewMemory View = "memory"
	// ViewAll prints the three tables one after another.
	ViewAll View = "all"
)

// Views lists the valid view names.
var Views = []View{ViewPerf, ViewEnergy, ViewMemory, ViewAll}

// ParseView checks a view name; an unknown name is a *fielderr.Error on
// "view" listing the valid ones.
func ParseView(s string) (View, error) {
	names := make([]string, len(Views))
	for i, v := range Views {
		if string(v) == s {
			return v, nil
		}
		names[i] = string(v)
	}
	return "", fielderr.Errorf("view", "%q: unknown (valid: %s)", s, strings.Join(names, ", "))
}

// SimulateTables returns the tables of view v. Every table fits a
// 100-column terminal for the zoo networks on the preset accelerators.
func SimulateTables(r sim.Result, v View) []Table {
	switch v {
	case ViewEnergy:
		return []Table{SimulateEnergyTable(r)}
	case ViewMemory:
		return []Table{SimulateMemoryTable(r), SimulateDRAMTable(r)}
	case ViewAll:
		return []Table{SimulateTable(r), SimulateEnergyTable(r), SimulateMemoryTable(r), SimulateDRAMTable(r)}
	default:
		return []Table{SimulateTable(r)}
	}
}

func simTitle(r sim.Result, what string) string {
	return fmt.Sprintf("%s on %s (%g MHz): %s", r.Network, r.Accelerator, r.ClockMHz, what)
}

// kindOf is the layer kind shown in tables: "dw" marks a depthwise conv.
func kindOf(l sim.LayerResult) string {
	if l.Depthwise {
		return "dw"
	}
	return string(l.Kind)
}

// SimulateTable is the compact per-layer performance table with network
// totals as the footer. Every cell carries its unit prefix; pJ/MAC is the
// total energy divided by the dense MAC count.
func SimulateTable(r sim.Result) Table {
	acts := false // some layer has activation zeros: show both densities
	for _, l := range r.Layers {
		acts = acts || l.ActDensity < 1
	}
	t := Table{
		Title: simTitle(r, "performance"),
		Header: []string{"layer", "kind", "MACs", "density", "cycles", "stall", "latency",
			"util%", "DRAM", "energy", "pJ/MAC"},
		Left: 2,
	}
	for _, l := range r.Layers {
		t.Rows = append(t.Rows, []string{
			l.Name, kindOf(l), count(l.MACs), density(l, acts),
			count(int64(l.ComputeCycles)), count(int64(l.StallCycles)), seconds(l.LatencyUS),
			fixed(100*l.Utilization, 1), bytesIEC(float64(l.DRAMBytes)), joules(l.Energy.Total),
			perMAC(l.Energy.Total, l.MACs),
		})
	}
	tot := r.Total
	util := ""
	if tot.Utilization > 0 {
		util = fixed(100*tot.Utilization, 1)
	}
	t.Footer = []string{"total", "", count(tot.MACs), "", count(int64(tot.ComputeCycles)),
		count(int64(tot.StallCycles)), seconds(tot.LatencyUS), util, bytesIEC(float64(tot.DRAMBytes)),
		joules(tot.Energy.Total), perMAC(tot.Energy.Total, tot.MACs)}
	t.Notes = []string{"cycles include fill and drain; stall = waiting on DRAM; latency = (cycles + stall)/clock."}
	if acts {
		t.Header[3] = "dens w/a"
		t.Notes = append(t.Notes, "dens w/a = weight / input-activation density.")
	}
	fitNames(&t, MaxTextWidth)
	if hasDepthwise(r) {
		t.Notes = append(t.Notes, "kind dw = depthwise convolution (one group per channel).")
	}
	t.Notes = append(t.Notes, imageNotes(r.Images)...)
	t.Notes = append(t.Notes, dramNotes(r)...)
	return t
}

// dramExcess is the ratio of DRAM traffic to a layer's compulsory traffic
// above which the performance table explains it.
const dramExcess = 8

// dramNotes explain the layers whose DRAM traffic is many times their own
// data: the buffers are too small for the dataflow to keep its reuse, so
// operands are fetched again or partial sums spilled (sim/memory.go).
func dramNotes(r sim.Result) []string {
	var names []string
	worst, worstX := "", 0.0
	for _, l := range r.Layers {
		if l.MinDRAMBytes <= 0 {
			continue
		}
		x := float64(l.DRAMBytes) / float64(l.MinDRAMBytes)
		if x < dramExcess {
			continue
		}
		names = append(names, l.Name)
		if x > worstX {
			worst, worstX = l.Name, x
		}
	}
	if len(names) == 0 {
		return nil
	}
	list := strings.Join(names, ", ")
	if len(names) > 6 {
		list = strings.Join(names[:6], ", ") + fmt.Sprintf(" and %d more", len(names)-6)
	}
	return wrap(fmt.Sprintf("DRAM traffic ≥ %d× the layer's own input, weights and output on %s (%s: %.0f×): "+
		"its buffers cannot hold what this dataflow reuses, so operands are re-fetched or partial sums "+
		"spilled to DRAM (docs/simulator.md, memory model); --view memory shows it by operand.",
		dramExcess, list, worst, worstX), MaxTextWidth)
}

// wrap breaks text into lines of at most width characters at spaces,
// indenting continuation lines by two.
func wrap(text string, width int) []string {
	var lines []string
	line := ""
	for _, w := range strings.Fields(text) {
		if line != "" && utf8.RuneCountInString(line)+1+utf8.RuneCountInString(w) > width {
			lines = append(lines, line)
			line = "  " + w
			continue
		}
		if line == "" {
			line = w
		} else {
			line += " " + w
		}
	}
	if line != "" {
		lines = append(lines, line)
	}
	return lines
}

// imageNotes describes a result averaged over images with measured
// activations: the spread of latency and energy.
func imageNotes(s *sim.ImageStats) []string {
	if s == nil {
		return nil
	}
	return []string{
		fmt.Sprintf("Means over %d input images, each layer with that image's measured activation mask.", s.Images),
		fmt.Sprintf("Latency µs: mean %.2f, p5 %.2f, p95 %.2f; energy µJ: mean %.3f, p5 %.3f, p95 %.3f.",
			s.LatencyUS.Mean, s.LatencyUS.P5, s.LatencyUS.P95,
			s.EnergyPJ.Mean/1e6, s.EnergyPJ.P5/1e6, s.EnergyPJ.P95/1e6),
	}
}

func hasDepthwise(r sim.Result) bool {
	for _, l := range r.Layers {
		if l.Depthwise {
			return true
		}
	}
	return false
}

// levels returns a layer's energy by level; a result that was not passed
// through sim.Detail has only the SRAM sum, shown as SRAM+RF in ifmap's place.
func levels(e sim.Energy, lv *sim.LevelEnergy) (sim.LevelEnergy, bool) {
	if lv != nil {
		return *lv, true
	}
	return sim.LevelEnergy{MAC: e.MAC, LUT: e.LUT, IfmapSRAM: e.SRAM, DRAM: e.DRAM,
		Static: e.Static, Total: e.Total}, false
}

// SimulateEnergyTable is energy per layer by storage level and operand
// (register file apart from the SRAM buffers), with the share of the total
// in the footer. Columns that are zero on every layer are left out and named
// in a note.
func SimulateEnergyTable(r sim.Result) Table {
	type col struct {
		name string
		get  func(sim.LevelEnergy) float64
	}
	split := true
	lvs := make([]sim.LevelEnergy, len(r.Layers))
	for i, l := range r.Layers {
		lvs[i], split = levels(l.Energy, l.EnergyLevels)
	}
	tot, _ := levels(r.Total.Energy, r.Total.EnergyLevels)
	cols := []col{{"MAC", func(e sim.LevelEnergy) float64 { return e.MAC }},
		{"LUT", func(e sim.LevelEnergy) float64 { return e.LUT }},
		{"RF", func(e sim.LevelEnergy) float64 { return e.RegFile }},
		{"ifmap", func(e sim.LevelEnergy) float64 { return e.IfmapSRAM }},
		{"filter", func(e sim.LevelEnergy) float64 { return e.FilterSRAM }},
		{"ofmap", func(e sim.LevelEnergy) float64 { return e.OfmapSRAM }},
		{"DRAM", func(e sim.LevelEnergy) float64 { return e.DRAM }},
		{"static", func(e sim.LevelEnergy) float64 { return e.Static }}}
	if !split {
		cols[3].name = "SRAM+RF"
		cols = append(cols[:2], cols[3:]...)
	}
	var kept []col
	var zero []string
	for _, c := range cols {
		if c.get(tot) == 0 {
			zero = append(zero, c.name)
			continue
		}
		kept = append(kept, c)
	}
	t := Table{Title: simTitle(r, "energy by storage level"), Header: []string{"layer"}, Left: 1}
	for _, c := range kept {
		t.Header = append(t.Header, c.name)
	}
	t.Header = append(t.Header, "total", "pJ/MAC")
	for i, l := range r.Layers {
		row := []string{l.Name}
		for _, c := range kept {
			row = append(row, joules(c.get(lvs[i])))
		}
		t.Rows = append(t.Rows, append(row, joules(l.Energy.Total), perMAC(l.Energy.Total, l.MACs)))
	}
	t.Footer = []string{"total"}
	share := []string{"share %"}
	for _, c := range kept {
		t.Footer = append(t.Footer, joules(c.get(tot)))
		share = append(share, fixed(100*c.get(tot)/nonZero(tot.Total), 1))
	}
	t.Footer = append(t.Footer, joules(tot.Total), perMAC(tot.Total, r.Total.MACs))
	t.Rows = append(t.Rows, append(share, "100.0", ""))
	t.Notes = []string{"RF = PE register files; ifmap, filter, ofmap = the SRAM buffers; LUT = codebook and index reads."}
	if len(zero) > 0 {
		t.Notes = append(t.Notes, "zero on every layer (not shown): "+strings.Join(zero, ", ")+".")
	}
	if !split {
		t.Notes = append(t.Notes, "SRAM+RF: this result has no per-level split (run dcsim simulate for it).")
	}
	return t
}

func nonZero(v float64) float64 {
	if v == 0 {
		return 1
	}
	return v
}

// SimulateMemoryTable is the mapping and traffic table: folds (row ×
// column folds × groups), mapping efficiency next to compute utilisation,
// SRAM reads per operand in words, DRAM bytes read and written, and the
// average DRAM bandwidth against the interface's limit.
func SimulateMemoryTable(r sim.Result) Table {
	t := Table{Title: simTitle(r, "mapping and memory traffic"),
		Header: []string{"layer", "folds", "order", "map%", "util%", "if rd", "flt rd", "of wr",
			"DRAM rd", "DRAM wr", "B/cyc"}, Left: 3}
	limit := 0.0
	for _, l := range r.Layers {
		c := l.Counts
		bw := ""
		if l.Bandwidth != nil {
			bw = fixed(l.Bandwidth.DRAMRead+l.Bandwidth.DRAMWrite, 2)
			limit = l.Bandwidth.DRAMLimit
		}
		t.Rows = append(t.Rows, []string{l.Name, folds(l), order(l), pct(l.MappingEfficiency), fixed(100*l.Utilization, 1),
			count(c.IfmapReads), count(c.FilterReads), count(c.OfmapWrites),
			bytesIEC(float64(c.DRAMReadBytes)), bytesIEC(float64(c.DRAMWriteBytes)), bw})
	}
	var sum sim.Counts
	var nfolds int64
	for _, l := range r.Layers {
		sum.IfmapReads += l.Counts.IfmapReads
		sum.FilterReads += l.Counts.FilterReads
		sum.OfmapWrites += l.Counts.OfmapWrites
		sum.DRAMReadBytes += l.Counts.DRAMReadBytes
		sum.DRAMWriteBytes += l.Counts.DRAMWriteBytes
		nfolds += l.Folds
	}
	bw := ""
	if b := r.Total.Bandwidth; b != nil {
		bw = fixed(b.DRAMRead+b.DRAMWrite, 2)
	}
	nf := ""
	if nfolds > 0 {
		nf = count(nfolds)
	}
	t.Footer = []string{"total", nf, "", "", pct(r.Total.Utilization), count(sum.IfmapReads),
		count(sum.FilterReads), count(sum.OfmapWrites), bytesIEC(float64(sum.DRAMReadBytes)),
		bytesIEC(float64(sum.DRAMWriteBytes)), bw}
	t.Notes = []string{"folds = row folds × column folds (× groups); map% = mean share of the PEs a fold occupies;",
		"order = loop order, outer to inner: tile loops in capitals, the GEMM extent streamed within a fold",
		"  in lower case (M pixels, K reduction, N filters); /n = streamed extent cut into n tiles;",
		"if rd, flt rd, of wr = ifmap/filter SRAM reads and ofmap SRAM writes in words;",
		"B/cyc = mean DRAM bytes per cycle over the layer's cycles incl. stalls" + limitNote(limit) + "."}
	return t
}

// SimulateDRAMTable is DRAM traffic by operand: ifmap and filter fetches,
// partial sums spilled and read back, outputs, the total, its multiple of
// the layer's compulsory traffic (input, weights and output once) and the
// mean bandwidth. Layers without a split (sparse EIE) show the total only.
func SimulateDRAMTable(r sim.Result) Table {
	t := Table{Title: simTitle(r, "DRAM traffic by operand"),
		Header: []string{"layer", "ifmap", "filter", "psum wr", "psum rd", "ofmap", "total", "× min", "B/cyc",
			"peak"}, Left: 1}
	var sum sim.DRAMTraffic
	var tot, min int64
	limit := 0.0
	b := func(v int64) string { return bytesIEC(float64(v)) }
	for _, l := range r.Layers {
		row := []string{l.Name, "", "", "", "", "", b(l.DRAMBytes), "", "", ""}
		if d := l.DRAM; d != nil {
			row[1], row[2], row[3], row[4], row[5] = b(d.IfmapRead), b(d.FilterRead), b(d.PsumWrite), b(d.PsumRead), b(d.OfmapWrite)
			sum.IfmapRead += d.IfmapRead
			sum.FilterRead += d.FilterRead
			sum.PsumWrite += d.PsumWrite
			sum.PsumRead += d.PsumRead
			sum.OfmapWrite += d.OfmapWrite
		}
		if l.MinDRAMBytes > 0 {
			row[7] = fixed(float64(l.DRAMBytes)/float64(l.MinDRAMBytes), 1)
			min += l.MinDRAMBytes
		}
		if l.Bandwidth != nil {
			row[8] = fixed(l.Bandwidth.DRAMRead+l.Bandwidth.DRAMWrite, 2)
			if p := l.Bandwidth.PeakDRAM; p > 0 {
				row[9] = fixed(p, 2)
			}
			limit = l.Bandwidth.DRAMLimit
		}
		tot += l.DRAMBytes
		t.Rows = append(t.Rows, row)
	}
	t.Footer = []string{"total", b(sum.IfmapRead), b(sum.FilterRead), b(sum.PsumWrite), b(sum.PsumRead),
		b(sum.OfmapWrite), b(tot), "", "", ""}
	if min > 0 {
		t.Footer[7] = fixed(float64(tot)/float64(min), 1)
	}
	if bw := r.Total.Bandwidth; bw != nil {
		t.Footer[8] = fixed(bw.DRAMRead+bw.DRAMWrite, 2)
	}
	t.Notes = wrap("× min = total ÷ the layer's compulsory traffic (its input, dense weights and output, each once); "+
		"ifmap above its input size means re-fetches (a buffer too small for the dataflow's reuse), psum means "+
		"partial sums spilled because a column fold's sums do not fit the ofmap buffer (and tiling the "+
		"streamed extent, the order /n of --view memory, costs more); "+
		"B/cyc = mean DRAM bytes per cycle incl. stalls"+limitNote(limit)+"; peak = the most any fold "+
		"needs (its DRAM bytes ÷ its compute cycles; above the limit it stalls); per operand in --format json.",
		MaxTextWidth)
	return t
}

func limitNote(limit float64) string {
	if limit == 0 {
		return ""
	}
	return " (interface limit " + strconv.FormatFloat(limit, 'g', 4, 64) + ")"
}

func folds(l sim.LayerResult) string {
	if l.Folds == 0 {
		return ""
	}
	s := strconv.Itoa(l.RowFolds) + "×" + strconv.Itoa(l.ColFolds)
	if per := int64(l.RowFolds) * int64(l.ColFolds) * int64(max(l.TTiles, 1)); per > 0 && l.Folds != per {
		s += "×" + strconv.FormatInt(l.Folds/per, 10)
	}
	return s
}

// order is the layer's loop order with its T tile count when tiled.
func order(l sim.LayerResult) string {
	if l.TTiles > 1 {
		return l.LoopOrder + " /" + strconv.Itoa(l.TTiles)
	}
	return l.LoopOrder
}

func pct(v float64) string {
	if v == 0 {
		return ""
	}
	return fixed(100*v, 1)
}

// SimulateCSV is the flat per-layer table for spreadsheets: raw numbers in
// base units (cycles, µs, bytes, pJ), no footer, every field of the result.
func SimulateCSV(r sim.Result) Table {
	t := Table{Header: []string{"accelerator", "network", "layer", "kind", "macs", "weights",
		"weight_density", "compute_cycles", "stall_cycles", "cycles", "latency_us", "utilization",
		"dram_bytes", "energy_mac_pj", "energy_lut_pj", "energy_sram_pj", "energy_dram_pj",
		"energy_static_pj", "energy_total_pj", "load_balance", "padding_entries", "compressed_bytes",
		"conflict_cycles", "halo_cycles", "channel_group",
		"depthwise", "row_folds", "col_folds", "folds", "mapping_efficiency",
		"energy_reg_file_pj", "energy_ifmap_sram_pj", "energy_filter_sram_pj", "energy_ofmap_sram_pj",
		"macs_performed", "macs_gated", "macs_skipped", "lut_reads", "index_reads", "reg_accesses",
		"ifmap_sram_reads", "ifmap_sram_writes", "filter_sram_reads", "filter_sram_writes",
		"ofmap_sram_reads", "ofmap_sram_writes", "dram_read_bytes", "dram_write_bytes",
		"dram_ifmap_read_bytes", "dram_filter_read_bytes", "dram_psum_write_bytes", "dram_psum_read_bytes",
		"dram_ofmap_write_bytes", "min_dram_bytes", "loop_order", "t_tiles",
		"peak_dram_ifmap_read_bytes_per_cycle", "peak_dram_filter_read_bytes_per_cycle",
		"peak_dram_ofmap_bytes_per_cycle", "peak_dram_bytes_per_cycle"}}
	for _, l := range r.Layers {
		lv, _ := levels(l.Energy, l.EnergyLevels)
		c := l.Counts
		row := []string{r.Accelerator, r.Network, l.Name, string(l.Kind),
			intStr(l.MACs), intStr(l.Weights), num(l.WeightDensity), intStr(int64(l.ComputeCycles)),
			intStr(int64(l.StallCycles)), intStr(int64(l.Cycles)), num(l.LatencyUS), num(l.Utilization),
			intStr(l.DRAMBytes), num(l.Energy.MAC), num(l.Energy.LUT), num(l.Energy.SRAM),
			num(l.Energy.DRAM), num(l.Energy.Static), num(l.Energy.Total), num(l.LoadBalance),
			intStr(l.PaddingEntries), intStr(l.CompressedBytes), intStr(l.ConflictCycles),
			intStr(l.HaloCycles), intStr(int64(l.ChannelGroup)),
			strconv.FormatBool(l.Depthwise), strconv.Itoa(l.RowFolds), strconv.Itoa(l.ColFolds),
			intStr(l.Folds), num(l.MappingEfficiency),
			num(lv.RegFile), num(lv.IfmapSRAM), num(lv.FilterSRAM), num(lv.OfmapSRAM),
			intStr(c.MACs), intStr(c.MACsGated), intStr(c.MACsSkipped), intStr(c.LUTReads),
			intStr(c.IndexReads), intStr(c.RegAccesses), intStr(c.IfmapReads), intStr(c.IfmapWrites),
			intStr(c.FilterReads), intStr(c.FilterWrites), intStr(c.OfmapReads), intStr(c.OfmapWrites),
			intStr(c.DRAMReadBytes), intStr(c.DRAMWriteBytes)}
		d := sim.DRAMTraffic{}
		if l.DRAM != nil {
			d = *l.DRAM
		}
		row = append(row, intStr(d.IfmapRead), intStr(d.FilterRead), intStr(d.PsumWrite), intStr(d.PsumRead),
			intStr(d.OfmapWrite), intStr(l.MinDRAMBytes), l.LoopOrder, strconv.Itoa(l.TTiles))
		var bw sim.Bandwidth
		if l.Bandwidth != nil {
			bw = *l.Bandwidth
		}
		row = append(row, num(bw.PeakDRAMIfmapRead), num(bw.PeakDRAMFilterRead), num(bw.PeakDRAMOfmap), num(bw.PeakDRAM))
		t.Rows = append(t.Rows, row)
	}
	return t
}

func intStr(v int64) string { return strconv.FormatInt(v, 10) }

func fixed(v float64, prec int) string { return strconv.FormatFloat(v, 'f', prec, 64) }

// num formats a float with the shortest representation that round-trips.
func num(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }

func perMAC(pj float64, macs int64) string {
	if macs == 0 {
		return "-"
	}
	return sigFixed(pj/float64(macs), 3)
}

// density is the weight density, or "weight/activation" when acts.
func density(l sim.LayerResult, acts bool) string {
	if !acts {
		return fixed(l.WeightDensity, 3)
	}
	return fixed(l.WeightDensity, 2) + "/" + fixed(l.ActDensity, 2)
}

// fitNames shortens the first column's names (keeping their ends, the
// distinctive part: "…ion_4e/3x3_reduce") when the table would otherwise
// be wider than width and print expanded; JSON and CSV keep full names.
func fitNames(t *Table, width int) {
	over := t.textWidth() - width
	if over <= 0 {
		return
	}
	nameW := 0
	for _, r := range t.Rows {
		nameW = max(nameW, utf8.RuneCountInString(r[0]))
	}
	keep := nameW - over - 1 // the ellipsis takes one column
	if keep < 8 {
		return // too little would be left: expanded records read better
	}
	for _, r := range t.Rows {
		if rs := []rune(r[0]); len(rs) > keep+1 {
			r[0] = "…" + string(rs[len(rs)-keep:])
		}
	}
}
