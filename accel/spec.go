package accel

// Spec is an accelerator description: plain data decoded from YAML. It is
// never mutated by the simulator. The zero value of every optional section
// means the documented default (see Defaults and configs/README.md);
// Load fills those defaults in before Validate runs.
type Spec struct {
	Version   int         `yaml:"version"`
	Name      string      `yaml:"name"`
	ClockMHz  float64     `yaml:"clock_mhz"`
	Array     Array       `yaml:"array"`
	Precision Precision   `yaml:"precision"`
	Memory    Memory      `yaml:"memory"`
	Sparsity  Sparsity    `yaml:"sparsity"`
	Codebook  Codebook    `yaml:"codebook"`
	Energy    EnergyTable `yaml:"energy"`

	// src records where a Spec was loaded from (file name and the line of
	// every key present), so Validate can name FILE:LINE. It is nil for a
	// Spec built in Go. A pointer keeps Spec comparable with ==.
	src *source `yaml:"-"`
	// kinds holds the by_kind entries (bykind.go); nil for a homogeneous
	// accelerator.
	kinds *kindSet `yaml:"-"`
}

// Dataflow names how a layer is mapped onto the array.
type Dataflow string

// Dataflows. WS, OS and IS are dense systolic dataflows with SCALE-Sim
// semantics; EIE is the sparse activation-broadcast dataflow of Han et al.
// 2016 (row i of a weight matrix owned by PE i mod N).
const (
	WS  Dataflow = "ws"
	OS  Dataflow = "os"
	IS  Dataflow = "is"
	EIE Dataflow = "eie"
)

// Array is the processing-element array.
type Array struct {
	Rows     int      `yaml:"rows"`
	Cols     int      `yaml:"cols"`
	Dataflow Dataflow `yaml:"dataflow"`
	// QueueDepth is the per-PE activation queue depth of the eie dataflow
	// (entries); default 8, as chosen in the EIE paper.
	QueueDepth int `yaml:"queue_depth"`
	// PEWeights (F) and PEActivations (I) shape each PE's multiplier array
	// in the scnn dataflow: every cycle a PE multiplies F weights by I
	// input activations (their Cartesian product); default 4 × 4, SCNN's
	// design point (Parashar et al., ISCA 2017, Table III).
	PEWeights     int `yaml:"pe_weights"`
	PEActivations int `yaml:"pe_activations"`
	// AccumulatorBanks (A) and AccumulatorEntries are a scnn PE's
	// accumulator buffer: A banks, AccumulatorEntries partial sums in all;
	// default 32 banks of 32 entries (SCNN, Table III).
	AccumulatorBanks   int `yaml:"accumulator_banks"`
	AccumulatorEntries int `yaml:"accumulator_entries"`
}

// PEs is the number of processing elements, Rows·Cols.
func (a Array) PEs() int { return a.Rows * a.Cols }

// Precision is the datapath width in bits.
type Precision struct {
	WeightBits      int `yaml:"weight_bits"`      // default 8
	ActivationBits  int `yaml:"activation_bits"`  // default 8
	AccumulatorBits int `yaml:"accumulator_bits"` // default 32
}

// Memory is the on-chip buffer hierarchy and the DRAM interface.
type Memory struct {
	IfmapSRAMKiB  float64 `yaml:"ifmap_sram_kib"`
	FilterSRAMKiB float64 `yaml:"filter_sram_kib"`
	OfmapSRAMKiB  float64 `yaml:"ofmap_sram_kib"`
	// WordBytes is the SRAM access width in bytes; default 8 (64-bit, the
	// width the Horowitz SRAM energies are quoted for).
	WordBytes int `yaml:"word_bytes"`
	// Banks is the number of banks per buffer; default 1.
	Banks      int     `yaml:"banks"`
	DRAMGBPerS float64 `yaml:"dram_gb_per_s"`
}

// Zero-operand handling for one operand (weights or activations).
const (
	ZeroNone = "none" // zeros are multiplied like any value (default)
	ZeroGate = "gate" // the MAC is clock-gated: saves energy, not cycles
	ZeroSkip = "skip" // the MAC is skipped: saves cycles and energy
)

// Weight storage formats.
const (
	FormatDense   = "dense"   // every weight stored (default)
	FormatCSC     = "csc"     // non-zeros with relative row indices, as in EIE
	FormatBitmask = "bitmask" // one presence bit per weight plus the non-zeros
)

// Sparsity says how the array exploits zero weights and activations and how
// sparse weights are stored.
type Sparsity struct {
	Weights     string `yaml:"weights"`     // none | gate | skip; default none
	Activations string `yaml:"activations"` // none | gate | skip; default none
	Format      string `yaml:"format"`      // dense | csc | bitmask; default dense
	// RelIndexBits is the width of a CSC relative row index; a gap longer
	// than 2^N−1 zeros costs a padding entry. Default 4 (EIE).
	RelIndexBits int `yaml:"rel_index_bits"`
}

// Codebook is the per-PE weight lookup table used with weight sharing.
type Codebook struct {
	Enabled         bool `yaml:"enabled"`
	Entries         int  `yaml:"entries"`           // default 16
	IndexBits       int  `yaml:"index_bits"`        // default 4
	LookupsPerCycle int  `yaml:"lookups_per_cycle"` // default 1
	DecodedBits     int  `yaml:"decoded_bits"`      // default Precision.WeightBits
}

// EnergyTable is the energy per action in picojoules (and static power in
// milliwatts). Energy = action counts × this table, so a table can be swapped
// without re-simulating. Defaults are 45 nm figures from Horowitz, "Computing's
// energy problem", ISSCC 2014; SRAM energies not given are derived from each
// buffer's size (see configs/README.md).
type EnergyTable struct {
	MACPJ         float64 `yaml:"mac_pj"`          // one MAC at the configured precision
	MACGatedPJ    float64 `yaml:"mac_gated_pj"`    // a clock-gated MAC (operand zero)
	RegPJ         float64 `yaml:"reg_pj"`          // PE register read or write per word
	LUTReadPJ     float64 `yaml:"lut_read_pj"`     // one codebook lookup
	IndexReadPJ   float64 `yaml:"index_read_pj"`   // one sparse-index read
	IfmapReadPJ   float64 `yaml:"ifmap_read_pj"`   // per SRAM word
	IfmapWritePJ  float64 `yaml:"ifmap_write_pj"`  // per SRAM word
	FilterReadPJ  float64 `yaml:"filter_read_pj"`  // per SRAM word
	FilterWritePJ float64 `yaml:"filter_write_pj"` // per SRAM word
	OfmapReadPJ   float64 `yaml:"ofmap_read_pj"`   // per SRAM word
	OfmapWritePJ  float64 `yaml:"ofmap_write_pj"`  // per SRAM word
	DRAMPJPerByte float64 `yaml:"dram_pj_per_byte"`
	StaticMW      float64 `yaml:"static_mw"` // leakage and clock power of the whole chip
}
