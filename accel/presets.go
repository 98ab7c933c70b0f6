package accel

import (
	"fmt"
	"maps"
	"slices"
	"strings"
)

// DefaultPresetName is the preset used when no accelerator file is given
// (`dcsim simulate` without --accel).
const DefaultPresetName = "systolic-32x32"

// presets are the built-in accelerators. Each has a YAML twin in
// configs/accelerators/<name>.yaml, and a test keeps the two identical;
// sources are cited in the YAML files and in configs/README.md.
var presets = map[string]func() *Spec{
	"systolic-32x32":        systolic32,
	"sparse-systolic-32x32": sparseSystolic32,
	"edge-16x16":            edge16,
	"tpu-128x128":           tpu128,
	"eyeriss-12x14":         eyeriss,
	"scnn":                  scnn,
	"dcnn":                  dcnn,
}

// DefaultSpec returns the default accelerator, systolic-32x32 (the example
// of INTERFACES.md: a 32×32 weight-stationary array at 1 GHz with the
// SCALE-Sim v1 default buffers), with every default filled in.
func DefaultSpec() *Spec { return systolic32() }

// Preset returns a fresh copy of the named built-in accelerator, defaults
// filled in. An unknown name is an error listing the valid ones.
func Preset(name string) (*Spec, error) {
	f, ok := presets[name]
	if !ok {
		return nil, fmt.Errorf("accel: unknown preset %q (valid: %s)", name, strings.Join(PresetNames(), ", "))
	}
	return f(), nil
}

// PresetNames returns the names of the built-in accelerators, sorted.
func PresetNames() []string {
	return slices.Sorted(maps.Keys(presets))
}

// Presets returns fresh copies of all built-in accelerators, sorted by name.
func Presets() []*Spec {
	names := PresetNames()
	out := make([]*Spec, len(names))
	for i, n := range names {
		out[i] = presets[n]()
	}
	return out
}

// newSpec builds a Spec from the required keys and fills defaults after
// opts have set any optional ones.
func newSpec(name string, clockMHz float64, rows, cols int, df Dataflow,
	ifmapKiB, filterKiB, ofmapKiB, dramGBPerS float64, opts ...func(*Spec)) *Spec {
	s := &Spec{
		Version:  Version,
		Name:     name,
		ClockMHz: clockMHz,
		Array:    Array{Rows: rows, Cols: cols, Dataflow: df},
		Memory: Memory{IfmapSRAMKiB: ifmapKiB, FilterSRAMKiB: filterKiB,
			OfmapSRAMKiB: ofmapKiB, DRAMGBPerS: dramGBPerS},
	}
	for _, o := range opts {
		o(s)
	}
	s.Defaults()
	return s
}

// systolic32 is SCALE-Sim's default array (ARM-software/SCALE-Sim,
// configs/scale.cfg: 32×32, 512/512/256 KB) run weight-stationary at 1 GHz,
// with one DDR4-3200 channel (3200 MT/s × 8 B = 25.6 GB/s).
func systolic32() *Spec {
	return newSpec("systolic-32x32", 1000, 32, 32, WS, 512, 512, 256, 25.6)
}

// sparseSystolic32 is systolic32 with EIE-style compression support (Han et
// al., ISCA 2016): zero weights skipped, stored as CSC with 4-bit relative
// indices and decoded through a 16-entry codebook; zero activations gated
// as in Eyeriss (Chen et al., ISSCC 2016).
func sparseSystolic32() *Spec {
	return newSpec("sparse-systolic-32x32", 1000, 32, 32, WS, 512, 512, 256, 25.6, func(s *Spec) {
		s.Sparsity = Sparsity{Weights: ZeroSkip, Activations: ZeroGate, Format: FormatCSC}
		s.Codebook.Enabled = true
	})
}

// edge16 is a 256-MAC int8 edge design point — the top configuration of
// Arm's Ethos-U55 (32–256 MACs/cycle) — at 500 MHz with small buffers and
// one LPDDR4-3200 ×16 channel (3200 MT/s × 2 B = 6.4 GB/s). Clock and buffer
// sizes are our choice for a microcontroller-class SoC, not a product's.
func edge16() *Spec {
	return newSpec("edge-16x16", 500, 16, 16, WS, 64, 64, 32, 6.4)
}

// tpu128 is TPU v1 (Jouppi et al., ISCA 2017: 256×256 int8 MACs, 700 MHz,
// 34 GB/s DRAM) scaled to a 128×128 array; buffers are SCALE-Sim's TPU
// config (scale-sim-v2 configs/google.cfg: 6144/6144/2048 KB) halved with
// the array side.
func tpu128() *Spec {
	return newSpec("tpu-128x128", 700, 128, 128, WS, 3072, 3072, 1024, 34)
}

// eyeriss is Eyeriss (Chen et al., ISSCC 2016 / JSSC 2017: 12×14 PEs,
// 200 MHz, 108 KB global buffer, 16-bit fixed point). Its row-stationary
// dataflow is approximated by weight-stationary, as SCALE-Sim does
// (scale-sim-v2 configs/eyeriss.cfg: ws, 36/36/36 KB, 10 words/cycle =
// 10 × 2 B × 200 MHz = 4 GB/s).
func eyeriss() *Spec {
	return newSpec("eyeriss-12x14", 200, 12, 14, WS, 36, 36, 36, 4, func(s *Spec) {
		s.Precision = Precision{WeightBits: 16, ActivationBits: 16}
	})
}

// scnn is SCNN (Parashar et al., ISCA 2017): 8×8 PEs of 4×4 multipliers,
// 32 accumulator banks of 32 entries, zero weights and activations skipped,
// 16-bit operands at 1 GHz, 10 KB IARAM/OARAM and a 500 B weight FIFO per
// PE. Sources in configs/accelerators/scnn.yaml.
func scnn() *Spec {
	return newSpec("scnn", 1000, 8, 8, "scnn", 640, 32, 640, 25.6, func(s *Spec) {
		scnnPE(s)
		s.Sparsity = Sparsity{Weights: ZeroSkip, Activations: ZeroSkip, RelIndexBits: 4}
	})
}

// dcnn is SCNN's dense baseline DCNN: the same array with no zeros skipped
// and 1 MiB each of input and output activation RAM.
func dcnn() *Spec {
	return newSpec("dcnn", 1000, 8, 8, "scnn", 1024, 32, 1024, 25.6, func(s *Spec) {
		scnnPE(s)
		s.Sparsity = Sparsity{Weights: ZeroNone, Activations: ZeroNone}
	})
}

// scnnPE sets SCNN's PE (Table III): F = I = 4, 32 banks × 32 entries,
// 16-bit operands, 24-bit accumulators, one SRAM per PE.
func scnnPE(s *Spec) {
	s.Array.PEWeights, s.Array.PEActivations = 4, 4
	s.Array.AccumulatorBanks, s.Array.AccumulatorEntries = 32, 1024
	s.Precision = Precision{WeightBits: 16, ActivationBits: 16, AccumulatorBits: 24}
	s.Memory.Banks = 64
}
