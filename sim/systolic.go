package sim

import "github.com/dcsim/dcsim/accel"

// systolicGeom is the mapping of one layer's per-group GEMM
// (M×K)·(K×N) onto a Rows×Cols systolic array, with SCALE-Sim v2 operand
// matrices: ifmap M×K (M = OutH·OutW pixels, K = R·S·InC/Groups), filter
// K×N, ofmap M×N. The dataflow decides which GEMM dimensions are spatial:
//
//	dataflow  array rows (SR)  array cols (SC)  streamed (T)
//	os        M                N                K
//	ws        K                N                M
//	is        K                M                N
//
// It is the contract with the sparse hook applySystolicSparsity.
type systolicGeom struct {
	Map systolicMapping
	// Rows, Cols are the physical array dimensions.
	Rows, Cols int
	// M, K, N are the per-group GEMM dimensions; Groups GEMMs run one
	// after another.
	M, K, N, Groups int
	// SR, SC are the GEMM extents mapped over array rows and columns and T
	// the streamed extent (see the table above).
	SR, SC, T int
	// RowFolds = ceil(SR/Rows), ColFolds = ceil(SC/Cols). In SCALE-Sim's
	// order folds run column fold outer, row fold inner; Order may swap
	// them (os) or tile T outside both (ws, is; see memory.go).
	RowFolds, ColFolds int
	// Order is the loop order (memory.go's loopOrder).
	Order loopOrder
	// TTiles is the number of tiles the streamed extent T is cut into, each
	// of TTile rows but the last (LastTUsed); 1 except in the tiled order
	// of ws and is, where every (row, column) fold runs once per tile.
	TTiles, TTile, LastTUsed int
	// LastRowsUsed, LastColsUsed are the rows (columns) occupied by the last
	// row (column) fold; every other fold occupies all Rows (Cols).
	LastRowsUsed, LastColsUsed int
	// FillDrainCycles is the per-fold overhead on top of T: 2·Rows+Cols−2
	// for ws and is, Rows+Cols−2 for os (see foldOverhead).
	FillDrainCycles Cycles
	// FoldCycles = FillDrainCycles + TTile, charged to every fold whatever
	// its occupancy: SCALE-Sim pads a partial fold to the full array.
	FoldCycles Cycles
}

// Folds is the number of folds of one group, RowFolds·ColFolds·TTiles.
func (g systolicGeom) Folds() int64 { return int64(g.RowFolds) * int64(g.ColFolds) * int64(g.TTiles) }

// passCycles is the time of one (row fold, column fold) pair over all T
// tiles: TTiles·FillDrainCycles + T (FoldCycles when TTiles = 1).
func (g systolicGeom) passCycles() Cycles {
	return Cycles(g.TTiles)*g.FillDrainCycles + Cycles(g.T)
}

// ComputeCycles is Groups·RowFolds·ColFolds·(TTiles·FillDrainCycles + T),
// the array's busy time for the layer including fill and drain
// (Groups·Folds·FoldCycles in SCALE-Sim's order).
func (g systolicGeom) ComputeCycles() Cycles {
	return Cycles(int64(g.Groups)*int64(g.RowFolds)*int64(g.ColFolds)) * g.passCycles()
}

// tiled is g with T cut into tiles of at most tt rows (evened out), in
// the tiled loop order.
func (g systolicGeom) tiled(tt int) systolicGeom {
	g.Order = orderTiled
	g.TTiles = ceilDiv(g.T, tt)
	g.TTile = ceilDiv(g.T, g.TTiles)
	g.LastTUsed = g.T - (g.TTiles-1)*g.TTile
	g.FoldCycles = g.FillDrainCycles + Cycles(g.TTile)
	return g
}

// rowsUsed is the number of array rows row fold fr occupies.
func (g systolicGeom) rowsUsed(fr int) int {
	if fr == g.RowFolds-1 {
		return g.LastRowsUsed
	}
	return g.Rows
}

// colsUsed is the number of array columns column fold fc occupies.
func (g systolicGeom) colsUsed(fc int) int {
	if fc == g.ColFolds-1 {
		return g.LastColsUsed
	}
	return g.Cols
}

// operand names a GEMM operand of the systolic mapping.
type operand int

const (
	ifmapOp  operand = iota // M×K (unique elements: the ifmap)
	filterOp                // K×N
)

// systolicMapping is one systolic dataflow as data: which GEMM extents go
// over the array's rows and columns and which stream, and which operand is
// stationary. The geometry (newSystolicGeom), the memory model (memory.go)
// and zero skipping (sparse_systolic.go) read these fields, so a new
// systolic mapping is one entry of systolicMappings.
//
//	dataflow  array rows (SR)  array cols (SC)  streamed (T)  stationary
//	os        M                N                K             outputs
//	ws        K                N                M             filter
//	is        K                M                N             ifmap
//
// On ws and is the reduction K lies over the rows (partial sums cross row
// folds), the stationary operand fills a Rows×Cols tile per fold and the
// other operand streams through every column fold. On os both operands
// stream and each PE accumulates one output.
type systolicMapping struct {
	dims func(m, k, n int) (sr, sc, t int)
	// orders names SCALE-Sim's loop order and the alternative (memory.go's
	// loopOrder): tile loops outer to inner in capitals, the extent
	// streamed within a fold in lower case (GEMM M, K, N).
	orders [2]string
	// outputStationary is os; otherwise stationary is the operand held in
	// the array and streamed the other.
	outputStationary   bool
	stationary, stream operand
}

var systolicMappings = map[accel.Dataflow]systolicMapping{
	accel.OS: {dims: func(m, k, n int) (int, int, int) { return m, n, k }, orders: [2]string{"N,M,k", "M,N,k"},
		outputStationary: true},
	accel.WS: {dims: func(m, k, n int) (int, int, int) { return k, n, m }, orders: [2]string{"N,K,m", "M,N,K,m"},
		stationary: filterOp, stream: ifmapOp},
	accel.IS: {dims: func(m, k, n int) (int, int, int) { return k, m, n }, orders: [2]string{"M,K,n", "N,M,K,n"},
		stationary: ifmapOp, stream: filterOp},
}

// foldOverhead is the per-fold cycle count beyond the streamed extent T,
// derived from SCALE-Sim v2's demand matrices (scalesim/compute/
// systolic_compute_{ws,os,is}.py): a fold lasts as many cycles as its demand
// matrix has rows, and skewing a matrix over n array lines adds n−1 rows.
//
//   - ws and is: the stationary tile is shifted in from the top edge in Rows
//     cycles; the ifmap (ws) or filter (is) demand is then T rows plus Cols−1
//     rows for the last sums to reach the last column, skewed over Rows
//     rows: Rows + T + (Cols−1) + (Rows−1) = 2·Rows + Cols + T − 2.
//     Register view: element (t, r) enters row r at cycle Rows+t+r, meets
//     column c at Rows+t+r+c, and the sum for (t, c) leaves the bottom of
//     column c at 2·Rows−1+t+c; the last one (t=T−1, c=Cols−1) leaves at
//     cycle 2·Rows+Cols+T−3.
//   - os: both operands stream in skewed from two edges; the ifmap demand is
//     T + (Cols−1) rows skewed over Rows rows: Rows + Cols + T − 2, the cycle
//     after PE (Rows−1, Cols−1) performs its last MAC. SCALE-Sim v2 does not
//     charge the Rows-cycle shift-out of the accumulators (the SCALE-Sim
//     paper's closed form 2·Rows + Cols + T − 2 does); reference_test.go
//     measures both and docs/simulator.md states the convention.
func (mp systolicMapping) foldOverhead(rows, cols int) Cycles {
	if mp.outputStationary {
		return Cycles(rows + cols - 2)
	}
	return Cycles(2*rows + cols - 2)
}

// newSystolicGeom maps a per-group GEMM onto the array. m, k, n and the
// array dimensions must be positive.
func newSystolicGeom(mp systolicMapping, rows, cols, m, k, n, groups int) systolicGeom {
	g := systolicGeom{Map: mp, Rows: rows, Cols: cols, M: m, K: k, N: n, Groups: groups}
	g.SR, g.SC, g.T = mp.dims(m, k, n)
	g.RowFolds = ceilDiv(g.SR, rows)
	g.ColFolds = ceilDiv(g.SC, cols)
	g.LastRowsUsed = g.SR - (g.RowFolds-1)*rows
	g.LastColsUsed = g.SC - (g.ColFolds-1)*cols
	g.FillDrainCycles = mp.foldOverhead(rows, cols)
	g.TTiles, g.TTile, g.LastTUsed = 1, g.T, g.T
	g.FoldCycles = g.FillDrainCycles + Cycles(g.T)
	return g
}

// systolicEngine is the dense systolic array with SCALE-Sim v2 timing, one
// value per entry of systolicMappings (ws, os, is).
type systolicEngine struct {
	df accel.Dataflow
	mp systolicMapping
}

func init() {
	for df, mp := range systolicMappings {
		Register(systolicEngine{df, mp})
	}
}

func (e systolicEngine) Name() accel.Dataflow { return e.df }

// Keys: the systolic engines read only the common sections (array rows and
// cols, memory, precision, sparsity, codebook, energy).
func (systolicEngine) Keys() []string { return nil }

func (systolicEngine) CheckSpec(*accel.Spec) error { return nil }

func (systolicEngine) CheckLayer(*accel.Spec, *Layer) error { return nil }

// PeakMACsPerCycle is one MAC per PE per cycle.
func (systolicEngine) PeakMACsPerCycle(spec *accel.Spec) int64 { return int64(spec.Array.PEs()) }

// Layer evaluates a conv, FC or pool layer on a ws/os/is array: cycles from
// the closed form, SRAM and DRAM counts from the memory model, then the
// sparse hook.
func (e systolicEngine) Layer(spec *accel.Spec, l *Layer) (LayerResult, error) {
	r := newResult(l)
	err := e.layer(spec, l, &r)
	return r, err
}

func (e systolicEngine) layer(spec *accel.Spec, l *Layer, r *LayerResult) error {
	if l.Kind == Pool {
		streamPool(spec, l, r, int64(spec.Array.Cols), true)
		return nil
	}
	m, k, n, groups := l.GEMM()
	g := newSystolicGeom(e.mp, spec.Array.Rows, spec.Array.Cols, m, k, n, groups)
	r.Counts.MACs = r.MACs
	// Every MAC reads its stationary or accumulator register and latches the
	// two operands it forwards to its neighbours: 3 register accesses.
	r.Counts.RegAccesses = 3 * r.MACs
	fs := newFilterStore(spec, l)
	mem := planMemory(spec, l, g, fs.bitsPerWeight(r.Weights))
	g = mem.g
	r.ComputeCycles = g.ComputeCycles()
	r.LoopOrder = g.Map.orders[g.Order]
	mem.count(&r.Counts)
	r.StallCycles = mem.stallCycles
	countFilterDecode(l, fs, mem.filterElemReads(), r)
	applySystolicSparsity(spec, l, r, g)
	return nil
}

// streamPool models pooling without the MAC array: the input streams
// through a pooling unit at perCycle elements per cycle and the result is
// written back the same way, so ComputeCycles = ceil((in + out)/perCycle).
// With dram (an array whose buffers are backed by DRAM per layer, as the
// systolic model assumes) input and output also move to and from DRAM once,
// overlapped with the streaming (stallOver); without it they stay in the
// PEs' registers (EIE) and only register accesses are counted.
func streamPool(spec *accel.Spec, l *Layer, r *LayerResult, perCycle int64, dram bool) {
	in := int64(l.InC) * int64(l.InH) * int64(l.InW)
	out := int64(l.InC) * int64(l.OutH()) * int64(l.OutW())
	r.ComputeCycles = Cycles(ceilDiv64(in+out, perCycle))
	if !dram {
		r.Counts.RegAccesses = in + out
		return
	}
	ab := spec.Precision.ActivationBits
	wb := spec.Memory.WordBytes
	c := &r.Counts
	c.DRAMReadBytes = bitsToBytes(in * int64(ab))
	c.DRAMWriteBytes = bitsToBytes(out * int64(ab))
	c.IfmapWrites = words(in, ab, wb)
	c.IfmapReads = words(in, ab, wb)
	c.OfmapWrites = words(out, ab, wb)
	c.OfmapReads = words(out, ab, wb)
	r.StallCycles = stallOver(spec, c.DRAMReadBytes+c.DRAMWriteBytes, r.ComputeCycles)
}

func ceilDiv(a, b int) int { return (a + b - 1) / b }

func ceilDiv64(a, b int64) int64 { return (a + b - 1) / b }
