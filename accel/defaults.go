package accel

// Default values of optional keys (see configs/README.md).
const (
	DefaultWeightBits      = 8
	DefaultActivationBits  = 8
	DefaultAccumulatorBits = 32
	DefaultWordBytes       = 8 // 64-bit SRAM word, the width Horowitz quotes
	DefaultBanks           = 1
	DefaultQueueDepth      = 8 // EIE's activation queue depth
	// SCNN's PE (Parashar et al., ISCA 2017, Table III): a 4×4 multiplier
	// array, 32 accumulator banks of 32 entries.
	DefaultPEWeights          = 4
	DefaultPEActivations      = 4
	DefaultAccumulatorBanks   = 32
	DefaultAccumulatorEntries = 1024
	DefaultRelIndexBits       = 4 // EIE's 4-bit relative row index
	DefaultEntries            = 16
	DefaultIndexBits          = 4
	DefaultLookupsPerCycle    = 1
)

// Defaults fills every optional field with its documented default. In Go a
// zero field means "use the default"; in a Spec loaded from a file, a key
// present in the file keeps its value even when zero (so `mac_gated_pj: 0`
// means free gating and `banks: 0` is reported by Validate), and only absent
// keys are filled. Defaults is idempotent and never fails: energy defaults
// that depend on an invalid field (e.g. weight_bits: 0 given explicitly)
// are left zero for Validate to report the cause.
//
// Order matters: precision and memory first, then the codebook (decoded_bits
// defaults to weight_bits), then the energy table, which is derived from
// them (energy.go).
//
// A heterogeneous spec's by_kind specs are not touched: they are resolved
// when the file is parsed, and again by ResolveKinds after a caller (a
// sweep) changes top-level keys.
func (s *Spec) Defaults() {
	s.defInt(&s.Precision.WeightBits, "precision.weight_bits", DefaultWeightBits)
	s.defInt(&s.Precision.ActivationBits, "precision.activation_bits", DefaultActivationBits)
	s.defInt(&s.Precision.AccumulatorBits, "precision.accumulator_bits", DefaultAccumulatorBits)
	s.defInt(&s.Memory.WordBytes, "memory.word_bytes", DefaultWordBytes)
	s.defInt(&s.Memory.Banks, "memory.banks", DefaultBanks)
	s.defInt(&s.Array.QueueDepth, "array.queue_depth", DefaultQueueDepth)
	s.defInt(&s.Array.PEWeights, "array.pe_weights", DefaultPEWeights)
	s.defInt(&s.Array.PEActivations, "array.pe_activations", DefaultPEActivations)
	s.defInt(&s.Array.AccumulatorBanks, "array.accumulator_banks", DefaultAccumulatorBanks)
	s.defInt(&s.Array.AccumulatorEntries, "array.accumulator_entries", DefaultAccumulatorEntries)
	s.defString(&s.Sparsity.Weights, "sparsity.weights", ZeroNone)
	s.defString(&s.Sparsity.Activations, "sparsity.activations", ZeroNone)
	s.defString(&s.Sparsity.Format, "sparsity.format", FormatDense)
	s.defInt(&s.Sparsity.RelIndexBits, "sparsity.rel_index_bits", DefaultRelIndexBits)
	s.defInt(&s.Codebook.Entries, "codebook.entries", DefaultEntries)
	s.defInt(&s.Codebook.IndexBits, "codebook.index_bits", DefaultIndexBits)
	s.defInt(&s.Codebook.LookupsPerCycle, "codebook.lookups_per_cycle", DefaultLookupsPerCycle)
	s.defInt(&s.Codebook.DecodedBits, "codebook.decoded_bits", s.Precision.WeightBits)
	s.energyDefaults()
}

// energyDefaults fills the energy table. Each entry is derived from the
// final values of the fields it depends on, so a user-given mac_pj also
// sets the default gated-MAC and register energies, and a user-given read
// energy also sets the matching write energy.
func (s *Spec) energyDefaults() {
	e := &s.Energy
	p := s.Precision
	if validBits(p.WeightBits, 32) && validBits(p.ActivationBits, 32) {
		s.defFloat(&e.MACPJ, "energy.mac_pj", MACPJ(p.WeightBits, p.ActivationBits))
	}
	s.defFloat(&e.MACGatedPJ, "energy.mac_gated_pj", GatedMACFraction*e.MACPJ)
	s.defFloat(&e.RegPJ, "energy.reg_pj", RegToMACRatio*e.MACPJ)
	s.defFloat(&e.IndexReadPJ, "energy.index_read_pj", e.RegPJ)
	s.defFloat(&e.LUTReadPJ, "energy.lut_read_pj", s.defaultLUTReadPJ())

	m := s.Memory
	if m.Banks > 0 && m.WordBytes > 0 {
		width := 8 * m.WordBytes
		s.defFloat(&e.IfmapReadPJ, "energy.ifmap_read_pj", SRAMReadPJ(m.IfmapSRAMKiB/float64(m.Banks), width))
		s.defFloat(&e.FilterReadPJ, "energy.filter_read_pj", SRAMReadPJ(m.FilterSRAMKiB/float64(m.Banks), width))
		s.defFloat(&e.OfmapReadPJ, "energy.ofmap_read_pj", SRAMReadPJ(m.OfmapSRAMKiB/float64(m.Banks), width))
	}
	// Write energy = read energy: an assumption; Horowitz quotes reads only.
	s.defFloat(&e.IfmapWritePJ, "energy.ifmap_write_pj", e.IfmapReadPJ)
	s.defFloat(&e.FilterWritePJ, "energy.filter_write_pj", e.FilterReadPJ)
	s.defFloat(&e.OfmapWritePJ, "energy.ofmap_write_pj", e.OfmapReadPJ)
	s.defFloat(&e.DRAMPJPerByte, "energy.dram_pj_per_byte", DefaultDRAMPJPerByte)
	// static_mw defaults to 0 (dynamic energy only): 45 nm leakage differs
	// by orders of magnitude between low-power and high-performance process
	// flavours, so no single default is defensible; give it per design.
}

// defaultLUTReadPJ is one codebook lookup: a read of decoded_bits from an
// SRAM of entries × decoded_bits (SRAMReadPJ), but never below a register
// access, since a 16-entry table is a register file in practice.
func (s *Spec) defaultLUTReadPJ() float64 {
	c := s.Codebook
	if c.Entries <= 0 || c.Entries > 1<<16 || !validBits(c.DecodedBits, 32) {
		return 0
	}
	kib := float64(c.Entries) * float64(c.DecodedBits) / 8 / 1024
	return max(SRAMReadPJ(kib, c.DecodedBits), s.Energy.RegPJ)
}

func validBits(b, maxBits int) bool { return b >= 1 && b <= maxBits }

// given reports whether the key at path was present in the loaded file.
func (s *Spec) given(path string) bool {
	if s.src == nil {
		return false
	}
	_, ok := s.src.lines[path]
	return ok
}

func (s *Spec) defInt(p *int, path string, v int) {
	if *p == 0 && !s.given(path) {
		*p = v
	}
}

func (s *Spec) defFloat(p *float64, path string, v float64) {
	if *p == 0 && !s.given(path) {
		*p = v
	}
}

func (s *Spec) defString(p *string, path string, v string) {
	if *p == "" && !s.given(path) {
		*p = v
	}
}
