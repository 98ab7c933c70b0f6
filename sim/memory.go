package sim

import (
	"math"

	"github.com/dcsim/dcsim/accel"
)

// loopOrder is the order of a systolic layer's fold loops: SCALE-Sim's,
// or the alternative the memory model may choose per layer when it stalls
// less or moves fewer bytes (planMemory).
type loopOrder uint8

const (
	// orderSCALESim: column fold outer, row fold inner, T streamed whole
	// within each fold (ws "N,K,m", os "N,M,k", is "M,K,n").
	orderSCALESim loopOrder = iota
	// orderSwapped (os "M,N,k"), orderTiled (ws "M,N,K,m", is "N,M,K,n"):
	// os swaps the fold loops (row fold outer); ws and is cut the streamed
	// extent T into tiles whose partial sums fit the ofmap buffer (and
	// possibly whose streamed share fits its buffer) and run every
	// (column, row) fold once per tile, at the price of reloading the
	// stationary tile per T tile.
	orderSwapped
	orderTiled = orderSwapped
)

// memModel is the buffer and DRAM model of one systolic layer. Each of the
// three operand buffers is double-buffered, so an operand "fits" when it
// fits in half its SRAM. Groups run one after another.
//
// DRAM fetch rules (per group), by loop order (docs/simulator.md):
//   - os "N,M,k" (SCALE-Sim): the ifmap is needed by every column fold:
//     fetched once if the group's whole ifmap fits, else once per column
//     fold; a column fold's filter slice K×Cols is reused by all its row
//     folds (once if the slice fits, else once per row fold).
//   - os "M,N,k": the filter is needed by every row fold: once if it all
//     fits, else once per row fold; a row fold's ifmap share is reused by
//     its column folds (once if the share fits, else once per column fold).
//   - ws "N,K,m", is "M,K,n" (SCALE-Sim): the stationary operand (ws
//     filter, is ifmap) is read once, tile by tile; the streamed one is
//     needed by every column fold: once if it all fits, else once per
//     column fold (ws: each row fold then reads what its taps touch,
//     ifmapPass). The reduction K is split over row folds: partial sums
//     of a column fold (T×Cols) stay in the ofmap buffer when they fit,
//     else every row fold but the last spills them to DRAM and every row
//     fold but the first reads them back (at accumulator width).
//   - ws "M,N,K,m", is "N,M,K,n" (T tiled): T is cut into TTiles tiles
//     whose partial sums (TTile×Cols) fit half the ofmap buffer (no
//     spills; planMemory may pick smaller tiles); the
//     stationary operand is read once if it all fits, else once per tile;
//     a tile's share of the streamed operand is reused by the column folds
//     (once if the share fits, else once per column fold). No spills.
//   - Final outputs are written once.
//
// The filter is stored as the layer's storage format makes it (csc.go): its
// size, hence what fits, every fetch and refetch, the SRAM words moved and
// the stalls, use the compressed bits per weight position (wbits below;
// precision.weight_bits when dense without a codebook).
//
// The ifmap is its unique elements (InC/Groups)·InH·InW, not the im2col
// expansion; a fold's (or tile's) share of it is proportional to its share
// of the mapped GEMM dimension (halo rows shared by neighbouring tiles are
// counted once, as if the buffer kept them).
type memModel struct {
	g               systolicGeom
	ab, accb, wordB int
	wbits           float64 // stored filter bits per weight position (compressed ÷ dense count)
	bpc             float64 // DRAM bytes per cycle
	ifmapElems      int64   // unique ifmap elements per group
	// reuse[op]: op's share, once fetched, stays on chip for the loop that
	// would otherwise fetch it again (see fetches).
	reuse                   [2]bool
	fetchIfmap, fetchFilter int64 // DRAM fetches of the whole operand per group
	spills                  int64 // partial-sum spill round trips per group
	// passElems is the ifmap elements one fetch reads: the unique ifmap,
	// except on ws when it is not kept between row folds (ifmapPass).
	passElems int64
	// stallCycles is stall(), as planMemory computed it.
	stallCycles Cycles
}

// ifmapFetched is the ifmap elements read from DRAM per group.
func (mm memModel) ifmapFetched() int64 {
	if mm.fetchIfmap == 1 {
		return mm.ifmapElems
	}
	return mm.fetchIfmap * mm.passElems
}

// planMemory returns the memory model of a layer mapped as g in the
// cheapest of its candidate loop orders: fewer cycles (compute + stall),
// then fewer DRAM bytes, then SCALE-Sim's. The os alternative swaps the
// fold loops (same compute). The ws/is alternatives tile T when SCALE-Sim's
// order spills partial sums or re-streams its streamed operand: tiles
// whose partial sums fit the ofmap buffer, and tiles small enough that
// also their share of the streamed operand fits its buffer.
func planMemory(spec *accel.Spec, l *Layer, g systolicGeom, wbits float64) memModel {
	pass := int64(-1) // ifmapPass, computed at most once
	best := newMemModelPass(spec, l, g, wbits, &pass)
	best.stallCycles = best.stall()
	try := func(alt systolicGeom) {
		if alt.ComputeCycles() > best.cycles() {
			return // slower before any stall
		}
		other := newMemModelPass(spec, l, alt, wbits, &pass)
		other.stallCycles = other.stall()
		cb, co := best.cycles(), other.cycles()
		if co < cb || co == cb && other.dramBytes() < best.dramBytes() {
			best = other
		}
	}
	if g.Map.outputStationary {
		alt := g
		alt.Order = orderSwapped
		try(alt)
		return best
	}
	if best.spills == 0 && best.reuse[g.Map.stream] {
		return best
	}
	// largest tiles whose partial sums, resp. streamed share, fit
	ttP := g.T
	if best.spills > 0 {
		ttP = int(spec.Memory.OfmapSRAMKiB * 1024 / 2 / (float64(min(g.Cols, g.SC)) * float64(best.accb) / 8))
	}
	ttS := int(halfSRAM(spec, g.Map.stream) / (best.operandBytes(g.Map.stream) / float64(g.T)))
	for i, tt := range [2]int{ttP, min(ttP, ttS)} {
		if tt >= 1 && tt < g.T && (i == 0 || tt != ttP) {
			try(g.tiled(tt))
		}
	}
	return best
}

// cycles is the layer's compute plus stall cycles in this order (the
// stall as planMemory computed it).
func (mm memModel) cycles() Cycles { return mm.g.ComputeCycles() + mm.stallCycles }

// dramBytes is the layer's DRAM reads and writes in this order.
func (mm memModel) dramBytes() int64 {
	var c Counts
	mm.count(&c)
	return c.DRAMReadBytes + c.DRAMWriteBytes
}

func newMemModel(spec *accel.Spec, l *Layer, g systolicGeom, wbits float64) memModel {
	return newMemModelPass(spec, l, g, wbits, nil)
}

// newMemModelPass is newMemModel with ifmapPass cached in *pass (−1: not
// yet computed) when pass is not nil.
func newMemModelPass(spec *accel.Spec, l *Layer, g systolicGeom, wbits float64, pass *int64) memModel {
	mm := memModel{g: g, ab: spec.Precision.ActivationBits, wbits: wbits,
		accb: spec.Precision.AccumulatorBits, wordB: spec.Memory.WordBytes, bpc: bytesPerCycle(spec)}
	mm.ifmapElems = l.InputRead() / int64(g.Groups) // what the windows touch (InputRead)
	mm.passElems = mm.ifmapElems
	fits := func(op operand, share float64) bool { return mm.operandBytes(op)*share <= halfSRAM(spec, op) }
	mp := g.Map
	if mp.outputStationary {
		if g.Order == orderSCALESim {
			mm.reuse[ifmapOp] = fits(ifmapOp, 1)
			mm.reuse[filterOp] = fits(filterOp, float64(min(g.Cols, g.N))/float64(g.N))
		} else {
			mm.reuse[ifmapOp] = fits(ifmapOp, float64(min(g.Rows, g.M))/float64(g.M))
			mm.reuse[filterOp] = fits(filterOp, 1)
		}
		mm.fetchIfmap, mm.fetchFilter = 1, 1
		if !mm.reuse[ifmapOp] {
			mm.fetchIfmap = int64(g.ColFolds)
		}
		if !mm.reuse[filterOp] {
			mm.fetchFilter = int64(g.RowFolds)
		}
		return mm
	}
	mm.reuse[mp.stationary] = g.TTiles == 1 || fits(mp.stationary, 1)
	mm.reuse[mp.stream] = fits(mp.stream, float64(g.TTile)/float64(g.T))
	*mm.fetches(mp.stationary), *mm.fetches(mp.stream) = 1, 1
	if !mm.reuse[mp.stationary] {
		*mm.fetches(mp.stationary) = int64(g.TTiles)
	}
	if !mm.reuse[mp.stream] {
		*mm.fetches(mp.stream) = int64(g.ColFolds)
		if mp.stream == ifmapOp && g.RowFolds > 1 {
			switch {
			case pass == nil:
				mm.passElems = ifmapPass(l, g.Rows)
			case *pass < 0:
				*pass = ifmapPass(l, g.Rows)
				fallthrough
			default:
				mm.passElems = *pass
			}
		}
	}
	// A column fold's partial sums: TTile streamed rows × the fold's columns.
	psum := float64(g.TTile) * float64(min(g.Cols, g.SC)) * float64(mm.accb) / 8
	if g.RowFolds > 1 && psum > spec.Memory.OfmapSRAMKiB*1024/2 {
		mm.spills = int64(g.RowFolds - 1)
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
// row fold; on ws and is the stationary operand once per T tile (M·K or
// K·N each) and the streamed one once per column fold.
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
		return int64(g.TTiles) * size
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
	ifFetch := mm.ifmapFetched()
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

// foldTraffic is the DRAM traffic of one fold by operand, in bytes
// (floating point: operand shares are fractional); out is the final
// outputs, psumWr and psumRd the partial sums spilled and read back.
type foldTraffic struct{ ifmap, filter, out, psumWr, psumRd float64 }

func (f foldTraffic) in() float64    { return f.ifmap + f.filter + f.psumRd }
func (f foldTraffic) total() float64 { return f.in() + f.out + f.psumWr }

// foldBytes is the DRAM traffic of one fold of row class row, column class
// col and T-tile class t.
func (mm memModel) foldBytes(row, col, t foldClass) foldTraffic {
	g := mm.g
	ab, acc := float64(mm.ab)/8, float64(mm.accb)/8
	rows, cols := float64(row.used), float64(col.used)
	var f foldTraffic
	if g.Map.outputStationary {
		if col.first || !mm.reuse[ifmapOp] {
			f.ifmap = float64(mm.ifmapElems) * rows / float64(g.M) * ab
		}
		if row.first || !mm.reuse[filterOp] {
			f.filter = float64(g.K) * cols * mm.wbits / 8
		}
		f.out = rows * cols * ab
		return f
	}
	// ws, is: the fold's rows are a rows/K share of the reduction; its
	// stationary tile also a cols/SC share of the other extent, while the
	// streamed operand's T-tile share is needed whole along it.
	fk := rows / float64(g.K)
	tu := float64(t.used)
	st := mm.operandBytes(g.Map.stationary) * fk * cols / float64(g.SC)
	if !(t.first || !mm.reuse[g.Map.stationary]) {
		st = 0
	}
	var sm float64
	switch {
	case !mm.reuse[g.Map.stream] && g.Map.stream == ifmapOp:
		sm = float64(mm.passElems) * float64(mm.ab) / 8 * fk * tu / float64(g.T)
	case col.first || !mm.reuse[g.Map.stream]:
		sm = mm.operandBytes(g.Map.stream) * fk * tu / float64(g.T)
	}
	if g.Map.stationary == filterOp {
		f.filter, f.ifmap = st, sm
	} else {
		f.ifmap, f.filter = st, sm
	}
	tile := cols * tu // the fold's outputs: its T rows × its columns
	if row.last {
		f.out = tile * ab
	}
	if mm.spills > 0 {
		if !row.last {
			f.psumWr = tile * acc
		}
		if !row.first {
			f.psumRd = tile * acc
		}
	}
	return f
}

// forEachFold calls fn for each class of folds of equal traffic (at most
// 3×3×3: first, middle and last along the row, column and T-tile axes)
// with the number of folds in it over all groups and its compute cycles.
func (mm memModel) forEachFold(fn func(n float64, cycles float64, f foldTraffic)) {
	g := mm.g
	rcs, nr := foldClasses(g.RowFolds, g.Rows, g.LastRowsUsed)
	ccs, nc := foldClasses(g.ColFolds, g.Cols, g.LastColsUsed)
	tcs, nt := foldClasses(g.TTiles, g.TTile, g.LastTUsed)
	for h := range nt {
		cyc := float64(g.FillDrainCycles) + float64(tcs[h].used)
		for i := range nc {
			for j := range nr {
				n := float64(tcs[h].count*ccs[i].count*rcs[j].count) * float64(g.Groups)
				fn(n, cyc, mm.foldBytes(rcs[j], ccs[i], tcs[h]))
			}
		}
	}
}

// stall is the memory stall of the layer. Double buffering overlaps every
// fold's DRAM traffic with its compute, so a fold stalls by
// max(0, dram_cycles − fold_cycles), where dram_cycles = bytes /
// (dram_gb_per_s·1e9 / (clock_mhz·1e6)) and fold_cycles = FillDrainCycles
// + the fold's T rows; the first fold's operands of the layer cannot be
// prefetched and are a full stall (its outputs still overlap). Groups run
// back to back, so only the layer's first fold pays the prologue. (The
// spill read-back counts as input, its write as output.)
func (mm memModel) stall() Cycles {
	g := mm.g
	var total float64
	mm.forEachFold(func(n, cyc float64, f foldTraffic) {
		total += n * math.Max(0, f.total()/mm.bpc-cyc)
	})
	rcs, _ := foldClasses(g.RowFolds, g.Rows, g.LastRowsUsed)
	ccs, _ := foldClasses(g.ColFolds, g.Cols, g.LastColsUsed)
	tcs, _ := foldClasses(g.TTiles, g.TTile, g.LastTUsed)
	f0 := mm.foldBytes(rcs[0], ccs[0], tcs[0])
	cyc0 := float64(g.FillDrainCycles) + float64(tcs[0].used)
	over := func(bytes float64) float64 { return math.Max(0, bytes/mm.bpc-cyc0) }
	in0 := f0.in()
	out0 := f0.total() - in0
	total += in0/mm.bpc + over(out0) - over(in0+out0)
	return Cycles(ceilFloat(total))
}

// peakDRAM is the highest DRAM demand of any fold, per operand and in all,
// in bytes per cycle: the fold's bytes of that operand ÷ its compute
// cycles, the bandwidth at which its transfer would hide under its
// compute (SCALE-Sim's BANDWIDTH_REPORT peak, from the model's folds).
// Ofmap includes spilled partial sums.
func (mm memModel) peakDRAM() (ifmap, filter, ofmap, total float64) {
	mm.forEachFold(func(_, cyc float64, f foldTraffic) {
		ifmap = math.Max(ifmap, f.ifmap/cyc)
		filter = math.Max(filter, f.filter/cyc)
		ofmap = math.Max(ofmap, (f.out+f.psumWr+f.psumRd)/cyc)
		total = math.Max(total, f.total()/cyc)
	})
	return ifmap, filter, ofmap, total
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
