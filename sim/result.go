package sim

import "github.com/dcsim/dcsim/accel"

// Cycles is a count of accelerator clock cycles.
type Cycles int64

// Counts are the actions one layer performs; energy is Counts × the spec's
// energy table (see Energy), so the timing model never touches picojoules.
type Counts struct {
	MACs        int64 `json:"macs_performed"` // MACs performed on non-zero operands (or all, when dense)
	MACsGated   int64 `json:"macs_gated"`     // MACs clock-gated because an operand is zero
	MACsSkipped int64 `json:"macs_skipped"`   // MACs skipped entirely (no cycle spent)
	LUTReads    int64 `json:"lut_reads"`      // codebook lookups
	IndexReads  int64 `json:"index_reads"`    // sparse-index reads
	RegAccesses int64 `json:"reg_accesses"`   // PE register-file reads and writes

	IfmapReads   int64 `json:"ifmap_sram_reads"` // SRAM words
	IfmapWrites  int64 `json:"ifmap_sram_writes"`
	FilterReads  int64 `json:"filter_sram_reads"`
	FilterWrites int64 `json:"filter_sram_writes"`
	OfmapReads   int64 `json:"ofmap_sram_reads"`
	OfmapWrites  int64 `json:"ofmap_sram_writes"`

	DRAMReadBytes  int64 `json:"dram_read_bytes"`
	DRAMWriteBytes int64 `json:"dram_write_bytes"`
}

// Energy is an energy breakdown in picojoules.
type Energy struct {
	MAC    float64 `json:"mac"`
	LUT    float64 `json:"lut"`
	SRAM   float64 `json:"sram"`
	DRAM   float64 `json:"dram"`
	Static float64 `json:"static"`
	Total  float64 `json:"total"`
}

// LayerResult is the simulated cost of one layer.
type LayerResult struct {
	Name          string  `json:"name"`
	Kind          Kind    `json:"kind"`
	MACs          int64   `json:"macs"`
	Weights       int64   `json:"weights"`
	WeightDensity float64 `json:"weight_density"`
	// ActDensity is the input-activation density the layer was simulated
	// with: the activation mask's when measured, else the given density.
	ActDensity float64 `json:"activation_density"`
	// ComputeCycles is the array's busy time including fill and drain;
	// StallCycles is time it waits on memory; Cycles is their sum.
	ComputeCycles Cycles  `json:"compute_cycles"`
	StallCycles   Cycles  `json:"stall_cycles"`
	Cycles        Cycles  `json:"cycles"`
	LatencyUS     float64 `json:"latency_us"`
	Utilization   float64 `json:"utilization"`
	DRAMBytes     int64   `json:"dram_bytes"`
	Energy        Energy  `json:"energy_pj"`

	// EngineStats holds the figures only some engines produce; its fields
	// appear flat in JSON and are omitted when zero.
	EngineStats

	Counts Counts `json:"counts"`

	// Filled by Detail (detail.go): how the layer maps and where its energy goes.
	Depthwise bool `json:"depthwise,omitempty"` // groups = input channels > 1
	// RowFolds, ColFolds are the folds of one group on a systolic array;
	// zero on pooling and sparse engines.
	RowFolds int `json:"row_folds,omitempty"`
	ColFolds int `json:"col_folds,omitempty"`
	// TTiles is the number of tiles the streamed extent is cut into (1
	// unless LoopOrder tiles it); Folds = Groups·RowFolds·ColFolds·TTiles.
	TTiles int   `json:"t_tiles,omitempty"`
	Folds  int64 `json:"folds,omitempty"`
	// MappingEfficiency is the mean fraction of PEs a fold occupies
	// (SCALE-Sim's mapping efficiency); zero where it does not apply.
	MappingEfficiency float64      `json:"mapping_efficiency,omitempty"`
	EnergyLevels      *LevelEnergy `json:"energy_by_level_pj,omitempty"`
	Bandwidth         *Bandwidth   `json:"bandwidth,omitempty"`
	// MinDRAMBytes is the layer's compulsory DRAM traffic: its input,
	// dense weights and output, each moved once at the spec's precision.
	MinDRAMBytes int64 `json:"min_dram_bytes,omitempty"`
	// DRAM is the DRAM traffic by operand (systolic dataflows and pooling).
	DRAM *DRAMTraffic `json:"dram_by_operand,omitempty"`
}

// EngineStats are engine-specific figures of one layer. An engine fills the
// fields that mean something for it and leaves the rest zero; a new engine
// adds its fields here (plain values, so a sweep's per-layer evaluation
// stays allocation-free).
type EngineStats struct {
	// LoadBalance is mean PE work ÷ max PE work (eie, scnn).
	LoadBalance float64 `json:"load_balance,omitempty"`
	// PaddingEntries is the number of CSC padding entries (eie).
	PaddingEntries int64 `json:"padding_entries,omitempty"`
	// CompressedBytes is the weight storage including indices (eie, scnn).
	CompressedBytes int64 `json:"compressed_bytes,omitempty"`
	// CodebookBits is the index width the layer's weights are stored with
	// when they go through the codebook LUT (codebook.index_bits); 0 when
	// they are stored decoded (no codebook, or one larger than the LUT).
	CodebookBits int `json:"codebook_index_bits,omitempty"`
	// ConflictCycles is the mean PE's accumulator bank-conflict stall
	// (scnn; part of ComputeCycles).
	ConflictCycles int64 `json:"conflict_cycles,omitempty"`
	// HaloCycles is the time spent exchanging halos between PEs after each
	// output-channel group (scnn; part of ComputeCycles).
	HaloCycles int64 `json:"halo_cycles,omitempty"`
	// LoopOrder is the loop order the systolic memory model chose for the
	// layer (memory.go): tile loops outer to inner in capitals, the
	// extent streamed within a fold in lower case, e.g. "N,K,m"
	// (SCALE-Sim's ws order) or "M,N,K,m" (ws with M tiled outermost).
	LoopOrder string `json:"loop_order,omitempty"`
	// ChannelGroup is Kc, the output channels per group that fit the
	// accumulators (scnn conv), or the outputs per PE (scnn fc).
	ChannelGroup int `json:"channel_group,omitempty"`
}

// Total sums a network's layers.
type Total struct {
	MACs          int64   `json:"macs"`
	Weights       int64   `json:"weights"`
	ComputeCycles Cycles  `json:"compute_cycles"`
	StallCycles   Cycles  `json:"stall_cycles"`
	Cycles        Cycles  `json:"cycles"`
	LatencyUS     float64 `json:"latency_us"`
	// Utilization is the network's MACs issued (performed + gated) over
	// Σ cycles × the multipliers of the engine that ran each layer: the
	// layers' utilisations weighted by their cycles and array sizes, with
	// the same meaning as a layer's.
	Utilization float64 `json:"utilization"`
	DRAMBytes   int64   `json:"dram_bytes"`
	Energy      Energy  `json:"energy_pj"`

	// Filled by Detail (detail.go).
	EnergyLevels *LevelEnergy `json:"energy_by_level_pj,omitempty"`
	Bandwidth    *Bandwidth   `json:"bandwidth,omitempty"`

	issued int64   // MACs performed + gated, summed for Utilization
	slots  float64 // Σ cycles × multipliers of the layer's engine
}

// add sums one layer, run on an engine with peak multipliers, into the
// totals.
func (t *Total) add(lr *LayerResult, peak int64) {
	t.slots += float64(lr.Cycles) * float64(peak)
	t.MACs += lr.MACs
	t.Weights += lr.Weights
	t.ComputeCycles += lr.ComputeCycles
	t.StallCycles += lr.StallCycles
	t.Cycles += lr.Cycles
	t.DRAMBytes += lr.DRAMBytes
	t.issued += lr.Counts.MACs + lr.Counts.MACsGated
	addEnergy(&t.Energy, lr.Energy)
}

// close derives LatencyUS and Utilization once every layer is added. On a
// heterogeneous accelerator each layer counts the multipliers of the
// engine that ran it.
func (t *Total) close(spec *accel.Spec) {
	t.LatencyUS = float64(t.Cycles) / spec.ClockMHz
	t.Utilization = 0
	if t.slots > 0 {
		t.Utilization = float64(t.issued) / t.slots
	}
}

// Result is the simulated cost of a whole network on one accelerator.
type Result struct {
	Accelerator string        `json:"accelerator"`
	Network     string        `json:"network"`
	ClockMHz    float64       `json:"clock_mhz"`
	Layers      []LayerResult `json:"layers"`
	Total       Total         `json:"total"`
	// Images is set when the result is the mean over per-image runs with
	// measured activations (OverImages); nil otherwise.
	Images *ImageStats `json:"images,omitempty"`
}
