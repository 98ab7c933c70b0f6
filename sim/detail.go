package sim

import "github.com/dcsim/dcsim/accel"

// Bandwidth is a layer's average memory bandwidth per operand over its
// Cycles (compute and stall), in the units SCALE-Sim's BANDWIDTH_REPORT
// uses for SRAM (words per cycle) and bytes per cycle for DRAM.
// DRAMLimit is the DRAM interface's bandwidth, the peak any layer can draw.
type Bandwidth struct {
	IfmapSRAMRead  float64 `json:"ifmap_sram_read_words_per_cycle"`
	FilterSRAMRead float64 `json:"filter_sram_read_words_per_cycle"`
	OfmapSRAMWrite float64 `json:"ofmap_sram_write_words_per_cycle"`
	DRAMRead       float64 `json:"dram_read_bytes_per_cycle"`
	DRAMWrite      float64 `json:"dram_write_bytes_per_cycle"`
	DRAMLimit      float64 `json:"dram_limit_bytes_per_cycle"`
	// Per operand DRAM averages (bytes per cycle), where the split exists.
	DRAMIfmapRead  float64 `json:"dram_ifmap_read_bytes_per_cycle,omitempty"`
	DRAMFilterRead float64 `json:"dram_filter_read_bytes_per_cycle,omitempty"`
	DRAMOfmapWrite float64 `json:"dram_ofmap_write_bytes_per_cycle,omitempty"`
	// Peak DRAM demand (bytes per cycle) on ws/os/is: the most any fold
	// needs, its DRAM bytes ÷ its compute cycles, per operand (ofmap:
	// outputs and spilled partial sums) and in all; above DRAMLimit the
	// fold stalls (memory.go peakDRAM).
	PeakDRAMIfmapRead  float64 `json:"peak_dram_ifmap_read_bytes_per_cycle,omitempty"`
	PeakDRAMFilterRead float64 `json:"peak_dram_filter_read_bytes_per_cycle,omitempty"`
	PeakDRAMOfmap      float64 `json:"peak_dram_ofmap_bytes_per_cycle,omitempty"`
	PeakDRAM           float64 `json:"peak_dram_bytes_per_cycle,omitempty"`
	// Peak SRAM demand at the array edges (words per cycle) on ws/os/is:
	// the streamed operand enters one element per used array row, the
	// stationary one is loaded a row of used columns per cycle, outputs leave
	// one per used column (systolicGeom's SR rows × SC columns).
	PeakIfmapSRAMRead  float64 `json:"peak_ifmap_sram_read_words_per_cycle,omitempty"`
	PeakFilterSRAMRead float64 `json:"peak_filter_sram_read_words_per_cycle,omitempty"`
	PeakOfmapSRAMWrite float64 `json:"peak_ofmap_sram_write_words_per_cycle,omitempty"`
}

// peakSRAM sets the edge-demand peaks of a layer mapped as g.
func (b *Bandwidth) peakSRAM(spec *accel.Spec, g systolicGeom) {
	rows, cols := float64(min(g.Rows, g.SR)), float64(min(g.Cols, g.SC))
	word := float64(8 * spec.Memory.WordBytes)
	ab, wb := float64(spec.Precision.ActivationBits)/word, float64(spec.Precision.WeightBits)/word
	if g.Map.outputStationary || g.Map.stream == ifmapOp {
		// os: ifmap over rows, filter over columns; ws: ifmap streams
		// over rows, the filter tile is loaded by columns
		b.PeakIfmapSRAMRead, b.PeakFilterSRAMRead = rows*ab, cols*wb
	} else { // is: the ifmap tile is loaded by columns, the filter streams over rows
		b.PeakIfmapSRAMRead, b.PeakFilterSRAMRead = cols*ab, rows*wb
	}
	b.PeakOfmapSRAMWrite = cols * ab
}

// bandwidthOf averages counts c over cycles.
func bandwidthOf(spec *accel.Spec, c Counts, cycles Cycles) *Bandwidth {
	b := &Bandwidth{DRAMLimit: bytesPerCycle(spec)}
	if cycles <= 0 {
		return b
	}
	per := func(n int64) float64 { return float64(n) / float64(cycles) }
	b.IfmapSRAMRead = per(c.IfmapReads)
	b.FilterSRAMRead = per(c.FilterReads)
	b.OfmapSRAMWrite = per(c.OfmapWrites)
	b.DRAMRead = per(c.DRAMReadBytes)
	b.DRAMWrite = per(c.DRAMWriteBytes)
	return b
}

// DRAMTraffic is a layer's DRAM traffic by operand, in bytes: ifmap and
// filter fetches, partial sums spilled (written and read back, each
// counted once here) and the output written.
type DRAMTraffic struct {
	IfmapRead  int64 `json:"ifmap_read_bytes"`
	FilterRead int64 `json:"filter_read_bytes"`
	PsumWrite  int64 `json:"psum_write_bytes"`
	PsumRead   int64 `json:"psum_read_bytes"`
	OfmapWrite int64 `json:"ofmap_write_bytes"`
}

// dramByOperand splits a systolic conv/FC layer's DRAM bytes with the
// memory model's fetch counts (memory.go): ifmap = fetches × the group's
// unique input, partial sums = spill round trips × M·N at accumulator
// width; the filter is the rest of the reads (after the sparse hook scaled
// it) and the output the rest of the writes.
func dramByOperand(mm memModel, c Counts) *DRAMTraffic {
	g := mm.g
	grp := int64(g.Groups)
	t := &DRAMTraffic{
		IfmapRead: grp * bitsToBytes(mm.ifmapFetched()*int64(mm.ab)),
		PsumWrite: grp * bitsToBytes(mm.spills*int64(g.M)*int64(g.N)*int64(mm.accb)),
	}
	t.PsumRead = t.PsumWrite
	t.FilterRead = c.DRAMReadBytes - t.IfmapRead - t.PsumRead
	t.OfmapWrite = c.DRAMWriteBytes - t.PsumWrite
	return t
}

// Detail fills the reporting fields of r that Simulate leaves empty: per
// layer whether it is depthwise, its compulsory DRAM traffic, its folds and
// mapping efficiency on a
// systolic array, its energy by storage level and its average bandwidths;
// for the network the summed energy levels and bandwidths over all cycles
// (its utilisation is Simulate's, the one definition every engine shares).
// w must be the workload r was simulated from. On a heterogeneous
// accelerator each layer is detailed on its kind's spec.
//
// Mapping efficiency on a ws/os/is array is the mean fraction of the
// Rows×Cols PEs a fold occupies, SR·SC / (RowFolds·Rows · ColFolds·Cols) in
// systolicGeom's terms, as SCALE-Sim reports it; compute utilisation is at
// most mapping efficiency, the gap being fill and drain.
func Detail(spec *accel.Spec, w *Workload, r *Result) {
	var lv LevelEnergy
	var sum Counts
	for i := range r.Layers {
		lr := &r.Layers[i]
		ks := spec.ForKind(string(lr.Kind))
		lr.Bandwidth = bandwidthOf(ks, lr.Counts, lr.Cycles)
		if i < len(w.Layers) {
			detailLayer(ks, &w.Layers[i], lr)
		}
		if d := lr.DRAM; d != nil && lr.Cycles > 0 {
			c := float64(lr.Cycles)
			lr.Bandwidth.DRAMIfmapRead = float64(d.IfmapRead) / c
			lr.Bandwidth.DRAMFilterRead = float64(d.FilterRead) / c
			lr.Bandwidth.DRAMOfmapWrite = float64(d.OfmapWrite) / c
		}
		e := EnergyByLevel(ks, lr.Counts, lr.Cycles)
		lr.EnergyLevels = &e
		lv.add(e)
		addCounts(&sum, lr.Counts)
	}
	r.Total.EnergyLevels = &lv
	r.Total.Bandwidth = bandwidthOf(spec, sum, r.Total.Cycles)
}

func detailLayer(spec *accel.Spec, l *Layer, lr *LayerResult) {
	g := l.GroupsOr1()
	lr.Depthwise = l.Kind == Conv && g > 1 && g == l.InC
	ab, wb := int64(spec.Precision.ActivationBits), int64(spec.Precision.WeightBits)
	in := l.InputRead()
	outC := int64(l.OutC)
	if l.Kind == Pool {
		outC = int64(l.InC)
	}
	out := outC * int64(l.OutH()) * int64(l.OutW())
	lr.MinDRAMBytes = bitsToBytes(in*ab) + bitsToBytes(l.Weights()*wb) + bitsToBytes(out*ab)
	if l.Kind == Pool {
		lr.DRAM = &DRAMTraffic{IfmapRead: lr.Counts.DRAMReadBytes, OfmapWrite: lr.Counts.DRAMWriteBytes}
		return
	}
	mp, ok := systolicMappings[spec.Array.Dataflow]
	if !ok {
		return
	}
	m, k, n, groups := l.GEMM()
	mm := planMemory(spec, l, newSystolicGeom(mp, spec.Array.Rows, spec.Array.Cols, m, k, n, groups),
		newFilterStore(spec, l).bitsPerWeight(l.Weights()))
	geom := mm.g
	lr.RowFolds, lr.ColFolds, lr.TTiles = geom.RowFolds, geom.ColFolds, geom.TTiles
	lr.Folds = int64(groups) * geom.Folds()
	lr.DRAM = dramByOperand(mm, lr.Counts)
	if b := lr.Bandwidth; b != nil {
		b.peakSRAM(spec, geom)
		b.PeakDRAMIfmapRead, b.PeakDRAMFilterRead, b.PeakDRAMOfmap, b.PeakDRAM = mm.peakDRAM()
	}
	lr.MappingEfficiency = float64(geom.SR) * float64(geom.SC) /
		(float64(geom.RowFolds*geom.Rows) * float64(geom.ColFolds*geom.Cols))
}

// addCounts accumulates o into c field by field.
func addCounts(c *Counts, o Counts) {
	c.MACs += o.MACs
	c.MACsGated += o.MACsGated
	c.MACsSkipped += o.MACsSkipped
	c.LUTReads += o.LUTReads
	c.IndexReads += o.IndexReads
	c.RegAccesses += o.RegAccesses
	c.IfmapReads += o.IfmapReads
	c.IfmapWrites += o.IfmapWrites
	c.FilterReads += o.FilterReads
	c.FilterWrites += o.FilterWrites
	c.OfmapReads += o.OfmapReads
	c.OfmapWrites += o.OfmapWrites
	c.DRAMReadBytes += o.DRAMReadBytes
	c.DRAMWriteBytes += o.DRAMWriteBytes
}
