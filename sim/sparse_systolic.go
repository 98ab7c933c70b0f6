package sim

import (
	"math"
	"math/bits"

	"github.com/dcsim/dcsim/accel"
)

// applySystolicSparsity adjusts a dense systolic layer's counts and cycles
// for the spec's zero-operand handling, weight storage format and codebook.
// With every sparsity key at its default (none, none, dense) and no
// codebook in use it leaves r unchanged.
//
// Zero handling per operand (sparsity.weights / sparsity.activations):
//   - gate: MACs with that operand zero are clock-gated (MACsGated); cycles
//     are unchanged.
//   - skip: a systolic array can only skip what its mapping lets it skip,
//     and gates the rest. A fold whose whole stationary tile is zero (ws:
//     the weight tile, is: the ifmap tile) is skipped, saving its cycles in
//     every T tile (passCycles). A
//     streamed step whose whole operand vector is zero (ws: an ifmap row
//     over the fold's rows; is: a filter column over its rows; os: a weight
//     row over its columns or an ifmap column over its rows) is skipped,
//     saving one cycle. Weight zeros come from the mask when the layer has
//     one, else from the density: a tile or vector of n weights is all zero
//     with probability (1−d)^n. Activation zeros are always statistical.
//
// A compressed format (csc, bitmask) or a codebook shrinks the filter's
// storage (csc.go); that is an input of the memory model (memory.go), so
// what fits, every fetch and refetch, the SRAM words and the stalls all
// use the compressed size. Here only the MAC gating and skipping happen.
func applySystolicSparsity(spec *accel.Spec, l *Layer, r *LayerResult, geom systolicGeom) {
	sp := spec.Sparsity
	if l.Kind == Pool {
		return
	}
	if sp.Weights == accel.ZeroSkip || sp.Activations == accel.ZeroSkip {
		skipSystolic(spec, l, r, geom)
	}
	zeroMACs(spec, l, r)
}

// zeroMACs splits the MACs still performed into performed and gated (or,
// for skip, gated where the mapping could not skip them). The zero-operand
// MACs already removed by skipSystolic are in MACsSkipped.
func zeroMACs(spec *accel.Spec, l *Layer, r *LayerResult) {
	sp := spec.Sparsity
	dw, da := 1.0, 1.0
	if sp.Weights != accel.ZeroNone {
		dw = l.Density()
	}
	if sp.Activations != accel.ZeroNone {
		da = l.ActivationDensity()
	}
	if dw == 1 && da == 1 {
		return
	}
	c := &r.Counts
	useful := int64(math.Round(float64(r.MACs) * dw * da))
	c.MACs = min(c.MACs, useful)
	c.MACsGated = max(0, r.MACs-c.MACsSkipped-c.MACs)
}

// skipSystolic removes skipped folds and streamed steps from the compute
// cycles and moves their MACs to MACsSkipped.
func skipSystolic(spec *accel.Spec, l *Layer, r *LayerResult, g systolicGeom) {
	wSkip := spec.Sparsity.Weights == accel.ZeroSkip
	aSkip := spec.Sparsity.Activations == accel.ZeroSkip
	dw, da := l.Density(), l.ActivationDensity()
	var zw *zeroWeights
	if wSkip && l.Mask != nil && checkMask(l) == nil {
		zw = newZeroWeights(l.Mask, g)
	}
	// perFold is the cycles saved and MACs skipped in one fold using ru×cu
	// of the array.
	perFold := func(grp, fr, fc, ru, cu int) (saved, skipped float64) {
		// P(the fold's stationary tile is all zero)
		mp := g.Map
		var pTile float64
		switch {
		case mp.outputStationary:
		case mp.stationary == filterOp && wSkip:
			pTile = zw.tileZero(grp, fr, fc, ru, cu, dw)
		case mp.stationary == ifmapOp && aSkip:
			pTile = math.Pow(1-da, float64(ru*cu))
		}
		// fraction of streamed steps whose operand vector is all zero
		var pw, pa float64
		switch {
		case mp.outputStationary:
			pw = zw.stepZeroOS(grp, fc, cu, dw, wSkip)
			pa = boolf(aSkip) * math.Pow(1-da, float64(ru))
		case mp.stream == ifmapOp:
			pa = boolf(aSkip) * math.Pow(1-da, float64(ru))
		default:
			pw = zw.stepZeroIS(grp, fr, ru, dw, wSkip)
		}
		step := 1 - (1-pw)*(1-pa)
		saved = pTile*float64(g.passCycles()) + (1-pTile)*step*float64(g.T)
		skipped = (pTile + (1-pTile)*step) * float64(ru*cu) * float64(g.T)
		return saved, skipped
	}
	var saved, skippedMACs float64
	if zw == nil {
		// Statistically a fold's savings depend only on the rows and
		// columns it uses, so the at most 3×3 fold classes stand for all
		// folds of all groups (as in the memory model).
		rcs, nr := foldClasses(g.RowFolds, g.Rows, g.LastRowsUsed)
		ccs, nc := foldClasses(g.ColFolds, g.Cols, g.LastColsUsed)
		for i := range nc {
			for j := range nr {
				s, k := perFold(0, 0, 0, rcs[j].used, ccs[i].used)
				n := float64(rcs[j].count*ccs[i].count) * float64(g.Groups)
				saved += n * s
				skippedMACs += n * k
			}
		}
	} else {
		for grp := 0; grp < g.Groups; grp++ {
			for fc := 0; fc < g.ColFolds; fc++ {
				for fr := 0; fr < g.RowFolds; fr++ {
					s, k := perFold(grp, fr, fc, g.rowsUsed(fr), g.colsUsed(fc))
					saved += s
					skippedMACs += k
				}
			}
		}
	}
	r.ComputeCycles -= Cycles(math.Round(saved))
	s := int64(math.Round(skippedMACs))
	r.Counts.MACsSkipped = s
	r.Counts.MACs = max(0, r.Counts.MACs-s)
	r.Counts.RegAccesses = max(0, r.Counts.RegAccesses-3*s)
}

func boolf(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

// zeroWeights answers all-zero questions about a layer's weight matrix
// (mask rows = filters n, columns = reduction index k) per fold slice. A nil
// *zeroWeights answers statistically from the density.
type zeroWeights struct {
	m    *Mask
	g    systolicGeom
	kNZ  [][]bool // kNZ[grp·N+n][fr]: filter n has a non-zero in row fold fr's k slice
	nAny [][]int  // os: per group and column fold, number of k with some non-zero in the n slice
}

func newZeroWeights(m *Mask, g systolicGeom) *zeroWeights {
	z := &zeroWeights{m: m, g: g}
	if g.Map.outputStationary {
		z.nAny = make([][]int, g.Groups)
		for grp := range z.nAny {
			z.nAny[grp] = make([]int, g.ColFolds)
			for fc := range z.nAny[grp] {
				z.nAny[grp][fc] = z.orCount(grp*g.N+fc*g.Cols, g.colsUsed(fc))
			}
		}
		return z
	}
	z.kNZ = make([][]bool, g.Groups*g.N)
	for row := range z.kNZ {
		z.kNZ[row] = make([]bool, g.RowFolds)
		for c0 := 0; c0 < m.Cols; c0 += 64 {
			if w := m.rowWord(row, c0); w != 0 {
				for ; w != 0; w &= w - 1 {
					k := c0 + bits.TrailingZeros64(w)
					z.kNZ[row][k/g.Rows] = true
				}
			}
		}
	}
	return z
}

// orCount is the number of columns k with a non-zero in rows [row0, row0+n).
func (z *zeroWeights) orCount(row0, n int) int {
	var count int
	for c0 := 0; c0 < z.m.Cols; c0 += 64 {
		var acc uint64
		for r := row0; r < row0+n; r++ {
			acc |= z.m.rowWord(r, c0)
		}
		count += bits.OnesCount64(acc)
	}
	return count
}

// tileZero is P(weight tile of fold (fr, fc) is all zero), ws mapping:
// k slice over rows, n slice over columns.
func (z *zeroWeights) tileZero(grp, fr, fc, ru, cu int, d float64) float64 {
	if z == nil {
		return math.Pow(1-d, float64(ru*cu))
	}
	for n := fc * z.g.Cols; n < fc*z.g.Cols+cu; n++ {
		if z.kNZ[grp*z.g.N+n][fr] {
			return 0
		}
	}
	return 1
}

// stepZeroIS is the fraction of the N streamed filters whose k slice in row
// fold fr is all zero.
func (z *zeroWeights) stepZeroIS(grp, fr, ru int, d float64, skip bool) float64 {
	if !skip {
		return 0
	}
	if z == nil {
		return math.Pow(1-d, float64(ru))
	}
	zero := 0
	for n := 0; n < z.g.N; n++ {
		if !z.kNZ[grp*z.g.N+n][fr] {
			zero++
		}
	}
	return float64(zero) / float64(z.g.N)
}

// stepZeroOS is the fraction of the K streamed weight rows that are all
// zero over column fold fc's filters.
func (z *zeroWeights) stepZeroOS(grp, fc, cu int, d float64, skip bool) float64 {
	if !skip {
		return 0
	}
	if z == nil {
		return math.Pow(1-d, float64(cu))
	}
	return 1 - float64(z.nAny[grp][fc])/float64(z.g.K)
}

// filterStore is how a systolic layer's filter is stored: the format and
// codebook (st), the stored entries (non-zeros plus CSC padding) and the
// stored bytes. Dense without a codebook, bytes is weights·weight_bits.
type filterStore struct {
	st      storage
	entries float64
	bytes   int64
}

// newFilterStore sizes l's filter on spec. CSC stores each filter (a column
// of the K×N filter matrix) with the expected padding at the layer's
// density; the weight density is the mask's when the layer has one.
func newFilterStore(spec *accel.Spec, l *Layer) filterStore {
	st := layerStorage(spec, l, false)
	_, k, n, groups := l.GEMM()
	weights := l.Weights()
	d := l.Density()
	nnz := float64(weights) * d
	if st.dense {
		nnz = float64(weights)
	}
	entries := nnz
	if st.relBits > 0 {
		entries += float64(n*groups) * expectedPadding(k, d, st.relBits)
	}
	b := st.bytes(weights, int64(nnz), int64(math.Round(entries)), int64(groups*(n+1)), spec.Codebook.DecodedBits)
	return filterStore{st: st, entries: entries, bytes: b}
}

// bitsPerWeight is the stored bits per weight position, the width the
// memory model moves the filter at.
func (f filterStore) bitsPerWeight(weights int64) float64 {
	if weights == 0 {
		return 0
	}
	return float64(f.bytes) * 8 / float64(weights)
}

// countFilterDecode counts the index and LUT reads of feeding the filter
// to the array: every stored entry read is an index read (compressed
// formats), and every weight fed through the codebook a LUT read (only the
// non-zeros when the format is compressed). elemReads is the number of
// dense filter elements the array reads (memModel.filterElemReads).
func countFilterDecode(l *Layer, f filterStore, elemReads int64, r *LayerResult) {
	if f.st.dense && !f.st.codebook {
		return
	}
	r.CompressedBytes = f.bytes
	if f.st.codebook {
		r.CodebookBits = f.st.valueBits
	}
	weights := float64(r.Weights)
	if weights == 0 {
		return
	}
	c := &r.Counts
	reads := float64(elemReads)
	if !f.st.dense {
		c.IndexReads += int64(math.Round(reads * f.entries / weights))
	}
	if f.st.codebook {
		fed := reads
		if !f.st.dense {
			fed = reads * l.Density()
		}
		c.LUTReads += int64(math.Round(fed))
	}
}
