package sim

import (
	"fmt"

	"github.com/dcsim/dcsim/accel"
)

// The scnn dataflow: SCNN (Parashar et al., "SCNN: An Accelerator for
// Compressed-sparse Convolutional Neural Networks", ISCA 2017), the
// PT-IS-CP-sparse dataflow, and with both zero handlings off its dense
// baseline DCNN.
//
//   - A grid of array.rows × array.cols PEs; each PE multiplies, every
//     cycle, a vector of F = array.pe_weights weights by a vector of
//     I = array.pe_activations input activations: their Cartesian product,
//     F·I products, each of which belongs to some output (SCNN §III).
//   - Planar tiling, input-stationary (scnn_geom.go): a PE holds one tile of
//     the input plane for all channels, accumulates the products into an
//     accumulator buffer of accumulator_entries partial sums in
//     accumulator_banks banks that covers its output tile plus a halo, and
//     output channels go in groups of Kc that fit it, with a barrier across
//     PEs after each group while halos go to the neighbours.
//   - For each (group, input channel) the weights (Kc·R·S, compressed) are
//     broadcast to every PE, which multiplies them with its compressed
//     activations of that channel in ⌈a/I⌉·⌈w/F⌉ cycles (a, w the operands
//     it feeds), plus accumulator bank-conflict stalls (scnn_conflict.go).
//     A group takes the slowest PE's time plus the halo exchange.
//   - Zero handling per operand: skip (sparsity.weights / .activations)
//     feeds only non-zeros, so a and w are non-zero counts; gate or none
//     feeds every value (a, w are positions) and zero products are gated or
//     performed. When neither operand is skipped there is nothing to scatter
//     and the engine is DCNN: the same multipliers used as dot-product
//     units, each PE computing F output channels × I outputs of its tile per
//     cycle, ⌈K/F⌉·⌈tile/I⌉·C·R·S cycles, no halos, no crossbar.
//   - Fully connected layers: output neurons are split over the PEs, each
//     non-zero input is broadcast, and a PE multiplies it by its non-zero
//     weights of that column, F per cycle; the other I−1 multiplier columns
//     idle (one activation meets one weight column), so utilisation is at
//     most 1/I, the low FC efficiency SCNN reports. DCNN runs FC layers as
//     dot products: ⌈K/(PEs·F)⌉·⌈C/I⌉ cycles.
//   - Weights are stored as (value, zero-run index) pairs with
//     sparsity.rel_index_bits-bit runs (SCNN: 4 bits), a run too long costing
//     a padding entry; with codebook.enabled the values are codebook indices
//     decoded by a per-PE lookup table before the multipliers.
//
// Cycles come from the layer's real masks when every operand the engine
// skips has one (Layer.Mask for weights, Layer.ActMask for activations:
// mask-accurate, exact counts per PE and channel), from one mask and the
// other operand's density when only one is there (scnn_half.go), else from
// the densities (statistical: binomial counts of the expected PE,
// scnn_dist.go).

// scnnEngine is the scnn dataflow.
type scnnEngine struct{}

// SCNN is the scnn dataflow name.
const SCNN accel.Dataflow = "scnn"

func init() { Register(scnnEngine{}) }

func (scnnEngine) Name() accel.Dataflow { return SCNN }

func (scnnEngine) Keys() []string {
	return []string{"array.pe_weights", "array.pe_activations", "array.accumulator_banks",
		"array.accumulator_entries", "sparsity.weights", "sparsity.activations",
		"sparsity.rel_index_bits", "codebook.enabled"}
}

// CheckSpec requires 1 ≤ F, I ≤ 16, 1 ≤ A ≤ accumulator_entries ≤ 2^20.
func (scnnEngine) CheckSpec(spec *accel.Spec) error {
	a := spec.Array
	if err := spec.CheckIntRange("array.pe_weights", a.PEWeights, 1, maxPEDim); err != nil {
		return err
	}
	if err := spec.CheckIntRange("array.pe_activations", a.PEActivations, 1, maxPEDim); err != nil {
		return err
	}
	if err := spec.CheckIntRange("array.accumulator_entries", a.AccumulatorEntries, 1, 1<<20); err != nil {
		return err
	}
	if err := spec.CheckIntRange("array.accumulator_banks", a.AccumulatorBanks, 1, 1<<12); err != nil {
		return err
	}
	if a.AccumulatorBanks > a.AccumulatorEntries {
		return spec.FieldErrorf("array.accumulator_banks", "%d banks but only %d accumulator entries (array.accumulator_entries): every bank needs an entry",
			a.AccumulatorBanks, a.AccumulatorEntries)
	}
	return nil
}

// CheckLayer rejects a conv layer whose output tile with its halo does not
// fit the accumulator buffer even for one output channel (sparse mode
// only; DCNN has no scatter accumulators).
func (scnnEngine) CheckLayer(spec *accel.Spec, l *Layer) error {
	if l.Kind != Conv || !scnnSparse(spec) {
		return nil
	}
	if _, err := newSCNNGeom(spec, l); err != nil {
		return spec.FieldErrorf("array.accumulator_entries", "%v", err) // the caller names the layer
	}
	return nil
}

// PeakMACsPerCycle is PEs·F·I multipliers.
func (scnnEngine) PeakMACsPerCycle(spec *accel.Spec) int64 {
	return int64(spec.Array.PEs()) * int64(spec.Array.PEWeights) * int64(spec.Array.PEActivations)
}

// scnnSparse reports whether the engine skips zeros of some operand (the
// Cartesian-product machine) rather than running as DCNN.
func scnnSparse(spec *accel.Spec) bool {
	return spec.Sparsity.Weights == accel.ZeroSkip || spec.Sparsity.Activations == accel.ZeroSkip
}

// Layer simulates one layer on the scnn dataflow.
func (scnnEngine) Layer(spec *accel.Spec, l *Layer) (LayerResult, error) {
	r := newResult(l)
	err := scnnEngine{}.layer(spec, l, &r)
	return r, err
}

func (scnnEngine) layer(spec *accel.Spec, l *Layer, r *LayerResult) error {
	if l.Kind == Pool {
		// The post-processing unit of each PE pools its own tile, one
		// element per PE per cycle.
		streamPool(spec, l, r, int64(spec.Array.PEs()), false)
		return nil
	}
	var run scnnRun
	var err error
	ops := operandsOf(spec, l, r.WeightDensity)
	switch {
	case !scnnSparse(spec):
		run = dcnnLayer(spec, l)
	case l.Kind == FC:
		run = scnnFC(spec, l, ops)
	default:
		run, err = scnnConv(spec, l, ops)
	}
	if err != nil {
		return err
	}
	run.fill(spec, l, ops, r)
	return nil
}

// scnnRun is what one layer did on the array, summed over the layer.
type scnnRun struct {
	compute   float64 // cycles, conflicts and halos included
	conflicts float64 // accumulator bank-conflict stall cycles
	halo      int64   // halo exchange cycles
	busy      float64 // Σ over PEs of their own busy cycles (load balance)
	pes       int     // PEs that own work
	issued    float64 // products issued to the multipliers
	wReads    float64 // weights fed into PEs' multiplier arrays (entries)
	aReads    float64 // activations fed (entries; re-read once per weight vector)
	haloPsums int64   // partial sums sent to neighbours
	kc        int     // output channels per group
}

// scnnOperands says, for one layer, which operands are skipped and their
// densities.
type scnnOperands struct {
	wSkip, aSkip bool
	dw, da       float64
}

// operandsOf takes the weight density already derived (a mask's is a
// popcount over every weight).
func operandsOf(spec *accel.Spec, l *Layer, dw float64) scnnOperands {
	return scnnOperands{wSkip: spec.Sparsity.Weights == accel.ZeroSkip,
		aSkip: spec.Sparsity.Activations == accel.ZeroSkip,
		dw:    dw, da: l.ActivationDensity()}
}

// maskAccurate reports whether every skipped operand has its real mask.
func (o scnnOperands) maskAccurate(l *Layer) bool {
	return (!o.wSkip || l.Mask != nil) && (!o.aSkip || l.ActMask != nil)
}

// scnnConv evaluates a conv layer in sparse (Cartesian-product) mode.
func scnnConv(spec *accel.Spec, l *Layer, ops scnnOperands) (scnnRun, error) {
	g, err := newSCNNGeom(spec, l)
	if err != nil {
		return scnnRun{}, fmt.Errorf("%v (array.accumulator_entries)", err)
	}
	conf := conflictsFor(g.f*g.i, g.banks)
	var run scnnRun
	switch {
	case ops.maskAccurate(l):
		run = convMasked(&g, l, ops, conf)
	case ops.wSkip && ops.aSkip && (l.Mask != nil || l.ActMask != nil):
		run = convHalfMasked(&g, l, ops, conf)
	default:
		run = convStatistical(&g, ops, conf)
	}
	n, last := g.groupsOf()
	for k := 0; k < n; k++ {
		kc := g.kc
		if k == n-1 {
			kc = last
		}
		run.halo += g.haloCycles(kc) * int64(g.groups)
		run.haloPsums += g.haloPsums(kc) * int64(g.groups)
	}
	run.compute += float64(run.halo)
	run.kc = g.kc
	return run, nil
}
