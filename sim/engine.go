package sim

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/dcsim/dcsim/accel"
)

// Engine is one dataflow's timing model. Every dataflow (ws, os, is, eie,
// scnn, …) implements it and is registered once with Register; accel only
// checks that a dataflow name is well formed, and CheckSpec (below) is the
// one place that knows which names exist.
//
// SimulateLayer owns everything that is not dataflow-specific: the shared
// geometry and density checks (checkLayer) run before Layer, and one
// finishing step (finish) derives Cycles, LatencyUS, Utilization, DRAMBytes
// and Energy from what Layer filled in, so no engine can disagree with
// another on what those fields mean.
type Engine interface {
	// Name is the array.dataflow value that selects the engine.
	Name() accel.Dataflow
	// Keys lists the dotted spec keys the engine reads beyond the common
	// ones (clock, array rows/cols, precision, memory, energy), for
	// documentation and for sweep users.
	Keys() []string
	// CheckSpec validates the engine's own keys of a spec whose defaults
	// are filled. It is cheap and returns an *accel.FieldError (built with
	// spec.FieldErrorf) so the message names file, line and key.
	CheckSpec(spec *accel.Spec) error
	// CheckLayer rejects a layer the engine cannot map, after the shared
	// checks have passed (geometry, densities in [0,1], mask shape).
	CheckLayer(spec *accel.Spec, l *Layer) error
	// PeakMACsPerCycle is the number of multipliers, the denominator of
	// Utilization.
	PeakMACsPerCycle(spec *accel.Spec) int64
	// Layer evaluates one checked layer (conv, fc or pool): starting from
	// newResult(l) (name, kind, MACs, weights, densities) it fills the
	// Counts, ComputeCycles, StallCycles and engine statistics. The result
	// is returned by value: a pointer passed through an interface method
	// would escape, costing a heap allocation per layer in sweeps.
	Layer(spec *accel.Spec, l *Layer) (LayerResult, error)
}

// engines is the registry of dataflow engines, keyed by array.dataflow.
// It is written only by Register from package init functions.
var engines = map[accel.Dataflow]Engine{}

// Register adds e under e.Name(). It panics if the name is already taken or
// is not a valid dataflow name (programmer errors), and is meant to be
// called from an init function.
func Register(e Engine) {
	name := e.Name()
	if err := accel.CheckDataflowName(name); err != nil {
		panic(fmt.Sprintf("sim: Register: %v", err))
	}
	if _, dup := engines[name]; dup {
		panic(fmt.Sprintf("sim: Register: dataflow %q registered twice", name))
	}
	engines[name] = e
}

// Dataflows lists the registered dataflow names, sorted.
func Dataflows() []string {
	names := make([]string, 0, len(engines))
	for _, d := range slices.Sorted(maps.Keys(engines)) {
		names = append(names, string(d))
	}
	return names
}

// EngineFor returns the engine registered for spec.Array.Dataflow, or an
// *accel.FieldError on array.dataflow listing the valid names.
func EngineFor(spec *accel.Spec) (Engine, error) {
	e, ok := engines[spec.Array.Dataflow]
	if !ok {
		return nil, spec.FieldErrorf("array.dataflow", "unknown dataflow %q (valid: %s)",
			spec.Array.Dataflow, strings.Join(Dataflows(), ", "))
	}
	return e, nil
}

// CheckSpec is the cheap check to run once after accel.Load and before any
// evaluation: the dataflow is registered and its engine accepts the spec's
// engine-specific keys, for the top-level spec and for every layer kind
// with a spec of its own (by_kind). Errors are *accel.FieldError.
func CheckSpec(spec *accel.Spec) error {
	for _, s := range specsOf(spec) {
		e, err := EngineFor(s)
		if err != nil {
			return err
		}
		if err := e.CheckSpec(s); err != nil {
			return err
		}
	}
	return nil
}

// specsOf is spec and the specs of its layer kinds.
func specsOf(spec *accel.Spec) []*accel.Spec {
	out := []*accel.Spec{spec}
	for _, k := range spec.Kinds() {
		out = append(out, spec.ForKind(k))
	}
	return out
}

// finish fills the fields every engine derives the same way from its counts
// and cycles:
//
//	Cycles      = ComputeCycles + StallCycles
//	LatencyUS   = Cycles / ClockMHz
//	Utilization = (MACs performed + MACs gated) / (Cycles · PeakMACsPerCycle)
//	DRAMBytes   = DRAM read + write bytes
//	Energy      = EnergyOf(Counts, Cycles)
//
// Utilization counts the multiplier slots issued (a gated MAC occupies its
// multiplier for the cycle though it switches nothing) over the slots the
// array offers for the whole layer, stalls included; it is therefore in
// [0, 1] for every engine and comparable across dataflows.
func finish(spec *accel.Spec, peak int64, r *LayerResult) {
	r.Cycles = r.ComputeCycles + r.StallCycles
	r.LatencyUS = float64(r.Cycles) / spec.ClockMHz
	r.Utilization = 0
	if r.Cycles > 0 && peak > 0 {
		issued := float64(r.Counts.MACs + r.Counts.MACsGated)
		r.Utilization = issued / (float64(r.Cycles) * float64(peak))
	}
	r.DRAMBytes = r.Counts.DRAMReadBytes + r.Counts.DRAMWriteBytes
	r.Energy = EnergyOf(spec, r.Counts, r.Cycles)
}

// stallOver is the shared stall rule: the layer's DRAM traffic streams at
// dram_gb_per_s, overlapped with compute, and the array waits for whatever
// part of the transfer time exceeds its compute time.
func stallOver(spec *accel.Spec, dramBytes int64, compute Cycles) Cycles {
	t := float64(dramBytes) / bytesPerCycle(spec)
	if over := t - float64(compute); over > 0 {
		return Cycles(ceilFloat(over))
	}
	return 0
}

// newResult is a layer's result before its engine runs: the fields that
// follow from the layer alone.
func newResult(l *Layer) LayerResult {
	return LayerResult{Name: l.Name, Kind: l.Kind, MACs: l.MACs(), Weights: l.Weights(), WeightDensity: l.Density(),
		ActDensity: l.ActivationDensity()}
}
