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

// Detail fills the reporting fields of r that Simulate leaves empty: per
// layer whether it is depthwise, its folds and mapping efficiency on a
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
		if i < len(w.Layers) {
			detailLayer(ks, &w.Layers[i], lr)
		}
		e := EnergyByLevel(ks, lr.Counts, lr.Cycles)
		lr.EnergyLevels = &e
		lr.Bandwidth = bandwidthOf(ks, lr.Counts, lr.Cycles)
		lv.add(e)
		addCounts(&sum, lr.Counts)
	}
	r.Total.EnergyLevels = &lv
	r.Total.Bandwidth = bandwidthOf(spec, sum, r.Total.Cycles)
}

func detailLayer(spec *accel.Spec, l *Layer, lr *LayerResult) {
	g := l.groups()
	lr.Depthwise = l.Kind == Conv && g > 1 && g == l.InC
	if l.Kind == Pool {
		return
	}
	mp, ok := systolicMappings[spec.Array.Dataflow]
	if !ok {
		return
	}
	m, k, n, groups := l.GEMM()
	geom := newSystolicGeom(mp, spec.Array.Rows, spec.Array.Cols, m, k, n, groups)
	lr.RowFolds, lr.ColFolds = geom.RowFolds, geom.ColFolds
	lr.Folds = int64(groups) * geom.Folds()
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
