package sim

import (
	"math"

	"github.com/dcsim/dcsim/accel"
)

// memModel is the buffer and DRAM model of one systolic layer. Each of the
// three operand buffers is double-buffered, so an operand "fits" when it
// fits in half its SRAM. Loop order (SCALE-Sim's): column fold outer, row
// fold inner, groups one after another.
//
// DRAM fetch rules (per group):
//   - ws: the filter is read once (each tile is used by one fold). The
//     ifmap is needed by every column fold: fetched once if the group's
//     whole ifmap fits, else re-streamed once per column fold.
//   - is: the ifmap is read once (stationary). The filter is needed by every
//     column fold: once if it fits, else once per column fold.
//   - os: the ifmap is needed by every column fold (once if it fits, else
//     per column fold); a column fold's filter slice K×Cols is reused by all
//     its row folds (once if the slice fits, else once per row fold).
//   - Outputs are written once. On ws and is the reduction K is split over
//     row folds: partial sums of a column fold stay in the ofmap buffer when
//     they fit, else every row fold but the last spills them to DRAM and
//     every row fold but the first reads them back (at accumulator width).
//
// The filter is stored as the layer's storage format makes it (csc.go): its
// size, hence what fits, every fetch and refetch, the SRAM words moved and
// the stalls, use the compressed bits per weight position (wbits below;
// precision.weight_bits when dense without a codebook).
//
// The ifmap is its unique elements (InC/Groups)·InH·InW, not the im2col
// expansion; a fold's share of it is proportional to its share of the
// mapped GEMM dimension.
type memModel struct {
	g                       systolicGeom
	ab, accb, wordB         int
	wbits                   float64 // stored filter bits per weight position (compressed ÷ dense count)
	bpc                     float64 // DRAM bytes per cycle
	ifmapElems              int64   // unique ifmap elements per group
	streamFits              bool    // ws/os: ifmap fits; is: filter fits
	sliceFits               bool    // os: one column fold's filter slice fits
	psumFits                bool    // ws/is: one column fold's partial sums fit
	fetchIfmap, fetchFilter int64   // DRAM fetches of the whole operand per group
	spills                  int64   // partial-sum spill round trips per group
}

func newMemModel(spec *accel.Spec, l *Layer, g systolicGeom, wbits float64) memModel {
	mm := memModel{g: g, ab: spec.Precision.ActivationBits, wbits: wbits,
		accb: spec.Precision.AccumulatorBits, wordB: spec.Memory.WordBytes, bpc: bytesPerCycle(spec)}
	mm.ifmapElems = l.InputRead() / int64(g.Groups) // what the windows touch (InputRead)
	mm.fetchIfmap, mm.fetchFilter = 1, 1
	mp := g.Map
	if mp.outputStationary {
		mm.streamFits = mm.operandBytes(ifmapOp) <= halfSRAM(spec, ifmapOp)
		slice := float64(g.K) * float64(min(g.Cols, g.N)) * mm.wbits / 8
		mm.sliceFits = slice <= halfSRAM(spec, filterOp)
		if !mm.streamFits {
			mm.fetchIfmap = int64(g.ColFolds)
		}
		if !mm.sliceFits {
			mm.fetchFilter = int64(g.RowFolds)
		}
		return mm
	}
	mm.streamFits = mm.operandBytes(mp.stream) <= halfSRAM(spec, mp.stream)
	// A column fold's partial sums: T streamed rows × the fold's columns.
	psum := float64(g.T) * float64(min(g.Cols, g.SC))
	mm.psumFits = g.RowFolds == 1 || psum*float64(mm.accb)/8 <= spec.Memory.OfmapSRAMKiB*1024/2
	if !mm.psumFits {
		mm.spills = int64(g.RowFolds - 1)
	}
	if !mm.streamFits {
		*mm.fetches(mp.stream) = int64(g.ColFolds)
	}
	return mm
}

// operandBytes is the stored size of one group's operand: the ifmap's
// unique elements, or the filter at its stored bits per weight.
func (mm memModel) operandBytes(op operand) float64 {
	if op == ifmapOp {
		return float64(mm.ifmapElems) * float64(mm.ab) / 8
	}
	return float64(mm.g.K) * float64(mm.g.N) * mm.wbits / 8
}

// halfSRAM is the half of op's buffer one fold may use (double buffering).
func halfSRAM(spec *accel.Spec, op operand) float64 {
	if op == ifmapOp {
		return spec.Memory.IfmapSRAMKiB * 1024 / 2
	}
	return spec.Memory.FilterSRAMKiB * 1024 / 2
}

// fetches is the DRAM fetch count of op per group.
func (mm *memModel) fetches(op operand) *int64 {
	if op == ifmapOp {
		return &mm.fetchIfmap
	}
	return &mm.fetchFilter
}

// elemReads is the number of op's elements the array reads from its buffer
// per group: on os the ifmap once per column fold and the filter once per
// row fold; on ws and is the stationary operand once (M·K or K·N) and the
// streamed one once per column fold.
func (mm memModel) elemReads(op operand) int64 {
	g := mm.g
	size := int64(g.K) * int64(g.N)
	if op == ifmapOp {
		size = int64(g.M) * int64(g.K)
	}
	switch {
	case g.Map.outputStationary && op == ifmapOp:
		return int64(g.ColFolds) * size
	case g.Map.outputStationary:
		return int64(g.RowFolds) * size
	case op == g.Map.stationary:
		return size
	}
	return int64(g.ColFolds) * size
}

// count adds the layer's SRAM words and DRAM bytes to c. SRAM reads follow
// SCALE-Sim: every operand element fed into an array edge is one read
// (elemReads), converted to words of memory.word_bytes at the operand's
// precision. Unlike SCALE-Sim, ws and is also count the (RowFolds−1)·M·N
// partial-sum reads of the accumulation. SRAM writes are the DRAM fills;
// ofmap reads include the drain to DRAM.
func (mm memModel) count(c *Counts) {
	g := mm.g
	grp := int64(g.Groups)
	m, k, n := int64(g.M), int64(g.K), int64(g.N)
	ifRd, fRd := mm.elemReads(ifmapOp), mm.elemReads(filterOp)
	var psum int64 // partial-sum writes = reads by the array, in elements
	if !g.Map.outputStationary {
		psum = int64(g.RowFolds-1) * m * n
	}
	ifFetch := mm.fetchIfmap * mm.ifmapElems
	fFetch := mm.fetchFilter * k * n
	spill := mm.spills * m * n
	c.IfmapReads += grp * words(ifRd, mm.ab, mm.wordB)
	c.FilterReads += grp * wordsF(fRd, mm.wbits, mm.wordB)
	c.IfmapWrites += grp * words(ifFetch, mm.ab, mm.wordB)
	c.FilterWrites += grp * wordsF(fFetch, mm.wbits, mm.wordB)
	c.OfmapWrites += grp * (words(m*n, mm.ab, mm.wordB) + words(psum+spill, mm.accb, mm.wordB))
	c.OfmapReads += grp * (words(m*n, mm.ab, mm.wordB) + words(psum+spill, mm.accb, mm.wordB))
	c.DRAMReadBytes += grp * (bitsToBytes(ifFetch*int64(mm.ab)) + int64(math.Ceil(float64(fFetch)*mm.wbits/8)) +
		bitsToBytes(spill*int64(mm.accb)))
	c.DRAMWriteBytes += grp * (bitsToBytes(m*n*int64(mm.ab)) + bitsToBytes(spill*int64(mm.accb)))
}

// filterElemReads is the number of filter elements the array reads from the
// filter buffer for the whole layer (see count).
func (mm memModel) filterElemReads() int64 {
	return int64(mm.g.Groups) * mm.elemReads(filterOp)
}

// foldClass is a set of folds that move the same DRAM traffic: first,
// middle or last along one fold axis.
type foldClass struct {
	count       int64
	used        int
	first, last bool
}

// foldClasses splits n folds of size full (the last one holding lastUsed) into
// at most three classes; it returns them in a fixed array to stay
// allocation-free.
func foldClasses(n, full, lastUsed int) (cs [3]foldClass, k int) {
	if n == 1 {
		cs[0] = foldClass{count: 1, used: lastUsed, first: true, last: true}
		return cs, 1
	}
	cs[0] = foldClass{count: 1, used: full, first: true}
	k = 1
	if n > 2 {
		cs[k] = foldClass{count: int64(n - 2), used: full}
		k++
	}
	cs[k] = foldClass{count: 1, used: lastUsed, last: true}
	return cs, k + 1
}

// foldBytes is the DRAM traffic of one fold: in = operand fetches, out =
// output and partial-sum traffic (floating point: operand shares are
// fractional).
func (mm memModel) foldBytes(row, col foldClass) (in, out float64) {
	g := mm.g
	ab, acc := float64(mm.ab)/8, float64(mm.accb)/8
	rows, cols := float64(row.used), float64(col.used)
	if g.Map.outputStationary {
		if col.first || !mm.streamFits {
			in += float64(mm.ifmapElems) * rows / float64(g.M) * ab
		}
		if row.first || !mm.sliceFits {
			in += float64(g.K) * cols * mm.wbits / 8
		}
		return in, rows * cols * ab
	}
	// ws, is: the fold's rows are a rows/K share of the reduction; its
	// stationary tile also a cols/SC share of the other extent, while the
	// streamed operand is needed whole along it.
	fk := rows / float64(g.K)
	in = mm.operandBytes(g.Map.stationary) * fk * cols / float64(g.SC)
	if col.first || !mm.streamFits {
		in += mm.operandBytes(g.Map.stream) * fk
	}
	tile := cols * float64(g.T) // the fold's outputs: T streamed rows × its columns
	if row.last {
		out += tile * ab
	}
	if mm.spills > 0 {
		if !row.last {
			out += tile * acc
		}
		if !row.first {
			in += tile * acc
		}
	}
	return in, out
}

// stall is the memory stall of the layer given each fold's compute time.
// Double buffering overlaps every fold's DRAM traffic with its compute, so a
// fold stalls by max(0, dram_cycles − foldCycles), where dram_cycles =
// bytes / (dram_gb_per_s·1e9 / (clock_mhz·1e6)); the first fold's operands
// of the layer cannot be prefetched and are a full stall (its outputs still
// overlap). Groups run back to back, so only the layer's first fold pays the
// prologue.
func (mm memModel) stall(foldCycles float64) Cycles {
	g := mm.g
	over := func(bytes float64) float64 { return math.Max(0, bytes/mm.bpc-foldCycles) }
	rcs, nr := foldClasses(g.RowFolds, g.Rows, g.LastRowsUsed)
	ccs, nc := foldClasses(g.ColFolds, g.Cols, g.LastColsUsed)
	var total float64
	for i := range nc {
		for j := range nr {
			in, out := mm.foldBytes(rcs[j], ccs[i])
			total += float64(ccs[i].count*rcs[j].count) * over(in+out)
		}
	}
	total *= float64(g.Groups)
	in0, out0 := mm.foldBytes(rcs[0], ccs[0])
	total += in0/mm.bpc + over(out0) - over(in0+out0)
	return Cycles(ceilFloat(total))
}

// bytesPerCycle is the DRAM bandwidth in bytes per accelerator cycle:
// dram_gb_per_s·1e9 / (clock_mhz·1e6).
func bytesPerCycle(spec *accel.Spec) float64 {
	return spec.Memory.DRAMGBPerS * 1e3 / spec.ClockMHz
}

// words is the number of SRAM words of wordBytes holding n elements of bits
// each: ceil(n·bits / (8·wordBytes)).
func words(n int64, bits, wordBytes int) int64 {
	return ceilDiv64(n*int64(bits), 8*int64(wordBytes))
}

// wordsF is words for a fractional width (a compressed operand's stored
// bits per element): ceil(n·bits / (8·wordBytes)).
func wordsF(n int64, bits float64, wordBytes int) int64 {
	return int64(ceilFloat(float64(n) * bits / float64(8*wordBytes)))
}

// bitsToBytes rounds a bit count up to whole bytes.
func bitsToBytes(bits int64) int64 { return (bits + 7) / 8 }

// ceilFloat rounds up, treating values within 1e-9 of an integer as that
// integer so float noise does not add a cycle.
func ceilFloat(x float64) float64 {
	r := math.Round(x)
	if math.Abs(x-r) < 1e-9 {
		return r
	}
	return math.Ceil(x)
}
