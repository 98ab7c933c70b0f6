package sim

import (
	"errors"
	"fmt"

	"github.com/dcsim/dcsim/accel"
	"github.com/dcsim/dcsim/internal/fielderr"
)

// Simulate runs every layer of w on spec and returns per-layer and total results.
// spec must already be validated and have its defaults filled.
//
// Layers are evaluated independently in workload order (each starts with
// empty buffers); the totals are sums, with Total.LatencyUS = Cycles/ClockMHz.
// The result is deterministic. A nil spec or workload, an empty workload,
// an unknown dataflow or a layer whose geometry cannot be computed is an
// error naming the layer.
func Simulate(spec *accel.Spec, w *Workload) (Result, error) {
	if w == nil {
		return Result{}, errors.New("sim: nil workload")
	}
	if len(w.Layers) == 0 {
		return Result{}, fmt.Errorf("sim: network %q has no layers", w.Name)
	}
	if err := checkSpec(spec); err != nil {
		return Result{}, err
	}
	res := Result{Accelerator: spec.Name, Network: w.Name, ClockMHz: spec.ClockMHz,
		Layers: make([]LayerResult, len(w.Layers))}
	t, err := simulateInto(spec, w, res.Layers)
	if err != nil {
		return Result{}, err
	}
	res.Total = t
	return res, nil
}

// SimulateTotals is Simulate without the per-layer results: it returns the
// same Total and allocates nothing, for sweeps that evaluate millions of
// design points.
func SimulateTotals(spec *accel.Spec, w *Workload) (Total, error) {
	if w == nil {
		return Total{}, errors.New("sim: nil workload")
	}
	if len(w.Layers) == 0 {
		return Total{}, fmt.Errorf("sim: network %q has no layers", w.Name)
	}
	if err := checkSpec(spec); err != nil {
		return Total{}, err
	}
	return simulateInto(spec, w, nil)
}

// simulateInto evaluates every layer of w, storing each result in out[i]
// when out is non-nil, and returns the totals. The totals rule lives here
// only.
func simulateInto(spec *accel.Spec, w *Workload, out []LayerResult) (Total, error) {
	var t Total
	for i := range w.Layers {
		lr, err := SimulateLayer(spec, &w.Layers[i])
		if err != nil {
			return Total{}, fielderr.Within(fmt.Sprintf("network %q", w.Name), err)
		}
		if out != nil {
			out[i] = lr
		}
		ks := spec.ForKind(string(lr.Kind))
		e, err := EngineFor(ks)
		if err != nil {
			return Total{}, err
		}
		t.add(&lr, e.PeakMACsPerCycle(ks))
	}
	t.close(spec)
	return t, nil
}

// SimulateLayer is the per-layer evaluation used by Simulate (exported for
// benchmarks and sweeps): the shared checks (spec guard, geometry,
// densities, mask), then the engine registered for spec.Array.Dataflow
// (engine.go), then the one finishing step every engine shares.
func SimulateLayer(spec *accel.Spec, l *Layer) (LayerResult, error) {
	if l == nil {
		return LayerResult{}, errors.New("sim: nil layer")
	}
	if spec == nil {
		return LayerResult{}, errors.New("sim: nil accelerator spec")
	}
	spec = spec.ForKind(string(l.Kind)) // heterogeneous accelerators: the kind's engine
	if err := checkSpec(spec); err != nil {
		return LayerResult{}, err
	}
	e, err := EngineFor(spec)
	if err == nil {
		err = e.CheckSpec(spec)
	}
	if err != nil {
		return LayerResult{}, fmt.Errorf("sim: %w", err)
	}
	if err := checkLayer(l); err != nil {
		return LayerResult{}, fmt.Errorf("sim: layer %q: %w", l.Name, err)
	}
	if err := e.CheckLayer(spec, l); err != nil {
		// An accelerator field the layer does not fit: file:line first.
		if fe, ok := err.(*fielderr.Error); ok && fe.File != "" {
			return LayerResult{}, fielderr.Within(fmt.Sprintf("layer %q", l.Name), err)
		}
		return LayerResult{}, fmt.Errorf("sim: layer %q: %w", l.Name, err)
	}
	r, err := e.Layer(spec, l)
	if err != nil {
		return LayerResult{}, fmt.Errorf("sim: layer %q: %w", l.Name, err)
	}
	finish(spec, e.PeakMACsPerCycle(spec), &r)
	return r, nil
}

// checkSpec rejects the values that would make the model divide by zero or
// produce nonsense. It is a guard, not accel's Validate: a spec that passed
// Validate and had its defaults filled always passes.
func checkSpec(spec *accel.Spec) error {
	if spec == nil {
		return errors.New("sim: nil accelerator spec")
	}
	pos := []struct {
		name string
		v    float64
	}{
		{"clock_mhz", spec.ClockMHz},
		{"array.rows", float64(spec.Array.Rows)},
		{"array.cols", float64(spec.Array.Cols)},
		{"memory.word_bytes", float64(spec.Memory.WordBytes)},
		{"memory.dram_gb_per_s", spec.Memory.DRAMGBPerS},
		{"precision.weight_bits", float64(spec.Precision.WeightBits)},
		{"precision.activation_bits", float64(spec.Precision.ActivationBits)},
		{"precision.accumulator_bits", float64(spec.Precision.AccumulatorBits)},
		{"sparsity.rel_index_bits", float64(spec.Sparsity.RelIndexBits)},
		{"codebook.index_bits", float64(spec.Codebook.IndexBits)},
		{"codebook.entries", float64(spec.Codebook.Entries)},
		{"codebook.lookups_per_cycle", float64(spec.Codebook.LookupsPerCycle)},
		{"codebook.decoded_bits", float64(spec.Codebook.DecodedBits)},
	}
	for _, p := range pos {
		if !(p.v > 0) {
			return fmt.Errorf("sim: accelerator %q: %s: must be > 0, got %v (were defaults filled?)", spec.Name, p.name, p.v)
		}
	}
	if spec.Array.Rows > maxDim || spec.Array.Cols > maxDim {
		return fmt.Errorf("sim: accelerator %q: array %dx%d exceeds the simulator's limit %d", spec.Name, spec.Array.Rows, spec.Array.Cols, maxDim)
	}
	for _, b := range []struct {
		name string
		v    float64
	}{
		{"memory.ifmap_sram_kib", spec.Memory.IfmapSRAMKiB},
		{"memory.filter_sram_kib", spec.Memory.FilterSRAMKiB},
		{"memory.ofmap_sram_kib", spec.Memory.OfmapSRAMKiB},
	} {
		if !(b.v >= 0) {
			return fmt.Errorf("sim: accelerator %q: %s: must be >= 0, got %v", spec.Name, b.name, b.v)
		}
	}
	return nil
}

// checkLayer rejects a layer whose geometry cannot be computed (the
// network description's own check), sizes beyond the simulator's limits,
// and bad densities or masks.
func checkLayer(l *Layer) error {
	if err := l.CheckGeometry(); err != nil {
		return err
	}
	for _, v := range [...]int{l.InC, l.InH, l.InW, l.OutC, l.R, l.S, l.Stride, l.Pad, l.Groups} {
		if v > maxDim {
			return fmt.Errorf("a dimension of %d exceeds the simulator's limit %d", v, maxDim)
		}
	}
	if err := checkDensities(l); err != nil {
		return err
	}
	m, k, n, g := l.GEMM()
	if l.Kind != Pool && float64(m)*float64(k)*float64(n)*float64(g) > maxMACs {
		return fmt.Errorf("%.3g MACs exceed the simulator's limit %.3g", float64(m)*float64(k)*float64(n)*float64(g), maxMACs)
	}
	return nil
}

// checkDensities rejects densities outside [0,1] (zero means dense), NaN,
// an index width outside 0..16 and a mask whose shape does not match the
// layer: the checks every engine relies on.
func checkDensities(l *Layer) error {
	for _, d := range [...]struct {
		name string
		v    float64
	}{{"weight density", l.WeightDensity}, {"activation density", l.ActDensity}} {
		if !(d.v >= 0 && d.v <= 1) {
			return fmt.Errorf("%s: must be in [0,1] (0 = dense), got %g", d.name, d.v)
		}
	}
	if l.IndexBits < 0 || l.IndexBits > 16 {
		return fmt.Errorf("index bits: must be in 1..16 (0 = no codebook), got %d", l.IndexBits)
	}
	if m := l.ActMask; m != nil {
		if m.C != l.InC || m.H != l.InH || m.W != l.InW {
			return fmt.Errorf("activation mask is %d×%d×%d, layer input is %d×%d×%d", m.C, m.H, m.W, l.InC, l.InH, l.InW)
		}
		if need := (m.C*m.H*m.W + 63) / 64; len(m.Bits) != need {
			return fmt.Errorf("activation mask has %d words, %d×%d×%d needs %d", len(m.Bits), m.C, m.H, m.W, need)
		}
	}
	return checkMask(l)
}

// Limits that keep every count within int64 (words are counted in bits
// first): no real layer comes near them.
const (
	maxDim          = 1 << 24
	maxMACs float64 = 1 << 50
)
