package accel

import (
	"fmt"
	"math"
	"slices"
	"strings"
)

// maxArraySide bounds rows and cols so that products of array sizes and
// layer sizes cannot overflow int64 in the simulator.
const maxArraySide = 1 << 16

// CheckDataflowName reports whether name is a well-formed dataflow name:
// non-empty lowercase ASCII letters, digits, '-' or '_'. Which names exist
// is the simulator's business (sim.Register, sim.CheckSpec); accel only
// rejects names no engine could carry.
func CheckDataflowName(name Dataflow) error {
	if name == "" {
		return fmt.Errorf("dataflow name is empty")
	}
	for _, r := range name {
		if !('a' <= r && r <= 'z' || '0' <= r && r <= '9' || r == '-' || r == '_') {
			return fmt.Errorf("dataflow name %q: must be lowercase letters, digits, '-' or '_'", name)
		}
	}
	return nil
}

// ZeroHandlings and Formats are the valid values of sparsity.weights /
// sparsity.activations and of sparsity.format, sorted.
var (
	ZeroHandlings = []string{ZeroGate, ZeroNone, ZeroSkip}
	Formats       = []string{FormatBitmask, FormatCSC, FormatDense}
)

// Validate checks every field of a Spec whose defaults are filled (see
// Defaults) and returns the first problem as a *FieldError reading
// "FILE:LINE: field.path: what is wrong" (FILE:LINE when the Spec was
// loaded from a file). It is cheap — a few comparisons — and is meant to
// run before any expensive evaluation. Fields are checked in file order:
// clock, array, precision, memory, sparsity, codebook, energy.
func (s *Spec) Validate() error {
	checks := []func() error{s.validateTop, s.validateArray, s.validatePrecision,
		s.validateMemory, s.validateSparsity, s.validateCodebook, s.validateEnergy, s.validateKinds}
	for _, c := range checks {
		if err := c(); err != nil {
			return err
		}
	}
	return nil
}

// Bounds of the real-valued keys. They are far outside any physical design
// and keep every product the simulator forms (counts up to 2^50 per layer
// times energies, cycles over the clock) finite, so totals never overflow
// to +Inf.
const (
	MinClockMHz   = 1e-3 // 1 kHz
	MaxClockMHz   = 1e6  // 1 THz
	MaxSRAMKiB    = 1 << 30
	MinDRAMGBPerS = 1e-6 // 1 kB/s
	MaxDRAMGBPerS = 1e6
	MaxEnergyPJ   = 1e9 // per action: 1 mJ, ~10^9 × a 45 nm MAC (Horowitz 2014)
	MaxStaticMW   = 1e9 // 1 MW
)

func (s *Spec) validateTop() error {
	return s.within("clock_mhz", s.ClockMHz, MinClockMHz, MaxClockMHz)
}

// within requires a finite v in [lo, hi].
func (s *Spec) within(path string, v, lo, hi float64) error {
	if err := s.positive(path, v); err != nil && lo > 0 {
		return err
	}
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return s.fieldError(path, "must be a finite number, got %v", v)
	}
	if v < lo || v > hi {
		return s.fieldError(path, "must be in [%g, %g], got %v", lo, hi, v)
	}
	return nil
}

func (s *Spec) validateArray() error {
	a := s.Array
	if err := s.intRange("array.rows", a.Rows, 1, maxArraySide); err != nil {
		return err
	}
	if err := s.intRange("array.cols", a.Cols, 1, maxArraySide); err != nil {
		return err
	}
	if err := CheckDataflowName(a.Dataflow); err != nil {
		return s.fieldError("array.dataflow", "%v", err)
	}
	return nil
}

func (s *Spec) validatePrecision() error {
	p := s.Precision
	if err := s.intRange("precision.weight_bits", p.WeightBits, 1, 32); err != nil {
		return err
	}
	if err := s.intRange("precision.activation_bits", p.ActivationBits, 1, 32); err != nil {
		return err
	}
	return s.intRange("precision.accumulator_bits", p.AccumulatorBits, 1, 32)
}

func (s *Spec) validateMemory() error {
	m := s.Memory
	for _, f := range []struct {
		path string
		v    float64
	}{
		{"memory.ifmap_sram_kib", m.IfmapSRAMKiB},
		{"memory.filter_sram_kib", m.FilterSRAMKiB},
		{"memory.ofmap_sram_kib", m.OfmapSRAMKiB},
	} {
		if err := s.positive(f.path, f.v); err != nil {
			return err
		}
		if err := s.within(f.path, f.v, 0, MaxSRAMKiB); err != nil {
			return err
		}
	}
	if err := s.intRange("memory.word_bytes", m.WordBytes, 1, 1<<12); err != nil {
		return err
	}
	if err := s.intRange("memory.banks", m.Banks, 1, 1<<16); err != nil {
		return err
	}
	return s.within("memory.dram_gb_per_s", m.DRAMGBPerS, MinDRAMGBPerS, MaxDRAMGBPerS)
}

func (s *Spec) validateSparsity() error {
	sp := s.Sparsity
	if err := s.oneOf("sparsity.weights", sp.Weights, ZeroHandlings); err != nil {
		return err
	}
	if err := s.oneOf("sparsity.activations", sp.Activations, ZeroHandlings); err != nil {
		return err
	}
	if err := s.oneOf("sparsity.format", sp.Format, Formats); err != nil {
		return err
	}
	return s.intRange("sparsity.rel_index_bits", sp.RelIndexBits, 1, 16)
}

func (s *Spec) validateCodebook() error {
	c := s.Codebook
	if err := s.intRange("codebook.index_bits", c.IndexBits, 1, 16); err != nil {
		return err
	}
	if err := s.intRange("codebook.entries", c.Entries, 2, 1<<c.IndexBits); err != nil {
		if c.Entries > 1<<c.IndexBits {
			return s.fieldError("codebook.entries", "must be ≤ 2^index_bits = %d, got %d", 1<<c.IndexBits, c.Entries)
		}
		return err
	}
	if err := s.intRange("codebook.lookups_per_cycle", c.LookupsPerCycle, 1, math.MaxInt32); err != nil {
		return err
	}
	return s.intRange("codebook.decoded_bits", c.DecodedBits, 1, 32)
}

func (s *Spec) validateEnergy() error {
	e := s.Energy
	for _, f := range []struct {
		path string
		v    float64
	}{
		{"energy.mac_pj", e.MACPJ}, {"energy.mac_gated_pj", e.MACGatedPJ},
		{"energy.reg_pj", e.RegPJ}, {"energy.lut_read_pj", e.LUTReadPJ},
		{"energy.index_read_pj", e.IndexReadPJ},
		{"energy.ifmap_read_pj", e.IfmapReadPJ}, {"energy.ifmap_write_pj", e.IfmapWritePJ},
		{"energy.filter_read_pj", e.FilterReadPJ}, {"energy.filter_write_pj", e.FilterWritePJ},
		{"energy.ofmap_read_pj", e.OfmapReadPJ}, {"energy.ofmap_write_pj", e.OfmapWritePJ},
		{"energy.dram_pj_per_byte", e.DRAMPJPerByte}, {"energy.static_mw", e.StaticMW},
	} {
		if math.IsNaN(f.v) || math.IsInf(f.v, 0) {
			return s.fieldError(f.path, "must be a finite number, got %v", f.v)
		}
		if f.v < 0 {
			return s.fieldError(f.path, "must be ≥ 0, got %v", f.v)
		}
		hi := MaxEnergyPJ
		if f.path == "energy.static_mw" {
			hi = MaxStaticMW
		}
		if err := s.within(f.path, f.v, 0, hi); err != nil {
			return err
		}
	}
	return nil
}

// CheckPositive requires a finite v > 0 at the dotted key path; engines use
// it (and CheckIntRange) for their own keys so every message has one form.
func (s *Spec) CheckPositive(path string, v float64) error { return s.positive(path, v) }

// CheckIntRange requires lo ≤ v ≤ hi at the dotted key path.
func (s *Spec) CheckIntRange(path string, v, lo, hi int) error { return s.intRange(path, v, lo, hi) }

// positive requires a finite v > 0.
func (s *Spec) positive(path string, v float64) error {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return s.fieldError(path, "must be a finite number, got %v", v)
	}
	if v <= 0 {
		return s.fieldError(path, "must be > 0, got %v", v)
	}
	return nil
}

// intRange requires lo ≤ v ≤ hi.
func (s *Spec) intRange(path string, v, lo, hi int) error {
	switch {
	case v < lo && lo == 1:
		return s.fieldError(path, "must be > 0, got %d", v)
	case v < lo:
		return s.fieldError(path, "must be ≥ %d, got %d", lo, v)
	case v > hi:
		return s.fieldError(path, "must be ≤ %d, got %d", hi, v)
	}
	return nil
}

// oneOf requires v to be one of the sorted valid values.
func (s *Spec) oneOf(path, v string, valid []string) error {
	if slices.Contains(valid, v) {
		return nil
	}
	return s.fieldError(path, "unknown value %q (valid: %s)", v, strings.Join(valid, ", "))
}
