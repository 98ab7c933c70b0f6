package sim

import (
	"math"

	"github.com/dcsim/dcsim/accel"
)

// fill turns a layer's run into cycles, action counts, storage and memory
// traffic:
//
//   - MACs: every issued product; those with a zero operand the engine fed
//     (not skipped) are gated when that operand's handling is gate. With
//     fed-operand densities d_w, d_a (1 for a skipped operand) a product is
//     performed with probability (d_w + (1−d_w)·[w none])·(d_a + (1−d_a)·[a none]).
//   - Index reads: one per compressed (skipped-operand) entry fed; LUT reads:
//     one per weight fed when the layer's weights are codebook indices.
//   - SRAM: weights fed × entry bits (filter reads), activations fed × entry
//     bits (ifmap reads; re-read once per weight vector), outputs written once
//     (ofmap writes); accumulator read + write per product and per halo
//     partial sum (register accesses).
//   - DRAM: the compressed weights when they exceed filter_sram_kib (the
//     weight FIFOs; they then stream every inference), the input (output)
//     activations when they exceed ifmap_sram_kib (ofmap_sram_kib); the
//     excess of transfer time over compute is stall (stallOver).
func (run *scnnRun) fill(spec *accel.Spec, l *Layer, ops scnnOperands, r *LayerResult) {
	sp := spec.Sparsity
	c := &r.Counts
	pw, pa := fedDensity(ops.wSkip, ops.dw), fedDensity(ops.aSkip, ops.da)
	perf := keepFrac(pw, sp.Weights) * keepFrac(pa, sp.Activations)
	c.MACs = int64(math.Round(run.issued * perf))
	c.MACsGated = int64(math.Round(run.issued)) - c.MACs
	c.MACsSkipped = max(0, r.MACs-c.MACs-c.MACsGated)

	st := scnnStorage(spec, l, ops, run.kc)
	if ops.wSkip {
		c.IndexReads += int64(math.Round(run.wReads))
	}
	if ops.aSkip {
		c.IndexReads += int64(math.Round(run.aReads))
	}
	if st.codebook {
		c.LUTReads = int64(math.Round(run.wReads))
		r.CodebookBits = spec.Codebook.IndexBits
	}
	ab, wb := spec.Precision.ActivationBits, spec.Memory.WordBytes
	aEntry := ab
	if ops.aSkip {
		aEntry += st.relBits
	}
	c.FilterReads = words(int64(math.Round(run.wReads)), st.wEntryBits, wb)
	c.IfmapReads = words(int64(math.Round(run.aReads)), aEntry, wb)
	out := int64(l.OutC) * int64(l.OutH()) * int64(l.OutW())
	c.OfmapWrites = words(out, ab, wb)
	c.RegAccesses = 2*int64(math.Round(run.issued)) + 2*run.haloPsums

	r.CompressedBytes = st.bytes
	r.ComputeCycles = Cycles(ceilFloat(run.compute))
	if busyT := run.compute - float64(run.halo); busyT > 0 && run.pes > 0 {
		r.LoadBalance = run.busy / (float64(run.pes) * busyT)
	}
	r.ConflictCycles = int64(math.Round(run.conflicts))
	r.HaloCycles = run.halo
	r.ChannelGroup = run.kc

	in := l.InputRead()
	inBits := in * int64(ab)
	if ops.aSkip {
		inBits = int64(math.Round(float64(in)*ops.da)) * int64(aEntry)
	}
	if float64(st.bytes) > spec.Memory.FilterSRAMKiB*1024 {
		c.DRAMReadBytes += st.bytes
	}
	if float64(inBits)/8 > spec.Memory.IfmapSRAMKiB*1024 {
		c.DRAMReadBytes += bitsToBytes(inBits)
	}
	if float64(out*int64(ab))/8 > spec.Memory.OfmapSRAMKiB*1024 {
		c.DRAMWriteBytes += bitsToBytes(out * int64(ab))
	}
	r.StallCycles = stallOver(spec, c.DRAMReadBytes+c.DRAMWriteBytes, r.ComputeCycles)
}

// fedDensity is the fraction of fed operands that are non-zero: 1 when the
// engine skips that operand's zeros, its density otherwise.
func fedDensity(skip bool, d float64) float64 {
	if skip {
		return 1
	}
	return d
}

// keepFrac is the fraction of products a fed operand of non-zero fraction
// p lets through as performed: all under none, the non-zero ones under
// gate (and skip, whose fed operands are all non-zero).
func keepFrac(p float64, handling string) float64 {
	if handling == accel.ZeroNone {
		return 1
	}
	return p
}

// scnnWeights is how a layer's weights are stored on scnn.
type scnnWeights struct {
	codebook   bool
	relBits    int   // zero-run index bits
	wEntryBits int   // bits of one weight entry fed (value + run index when compressed)
	bytes      int64 // storage of the whole layer, codebook table included
}

// scnnStorage stores a skipped-zero layer's weights as (value, run) pairs:
// per output-channel group and input channel a vector of kc·R·S weights
// (an FC layer: per PE and input, a vector of its kc outputs),
// a run of more than 2^rel_index_bits − 1 zeros costing a padding entry
// (expectedPadding at the layer's density); dense layers store every
// weight. Values are codebook.index_bits-bit indices when the layer's
// codebook fits the LUT (usesCodebook, csc.go), else decoded weights.
func scnnStorage(spec *accel.Spec, l *Layer, ops scnnOperands, kc int) scnnWeights {
	st := scnnWeights{relBits: spec.Sparsity.RelIndexBits}
	value := spec.Precision.WeightBits
	if usesCodebook(spec, l) {
		st.codebook, value = true, spec.Codebook.IndexBits
	}
	weights := l.Weights()
	var b int64
	if ops.wSkip {
		st.wEntryBits = value + st.relBits
		nnz := float64(weights) * ops.dw
		vec := l.R * l.S * max(1, kc)
		vectors := float64(weights) / float64(vec)
		entries := nnz + vectors*expectedPadding(vec, ops.dw, st.relBits)
		b = int64(math.Round(entries)) * int64(st.wEntryBits)
	} else {
		st.wEntryBits = value
		b = weights * int64(value)
	}
	if st.codebook {
		b += int64(1<<uint(l.IndexBits)) * int64(spec.Codebook.DecodedBits)
	}
	st.bytes = bitsToBytes(b)
	return st
}
