package nn

import (
	"math"
	"runtime"

	"github.com/dcsim/dcsim/network"
)

// chunkSize is the number of samples one worker pushes through the network
// at a time: the unit of work the workers claim. A mini-batch is cut into
// fixed chunks whose conv and bias gradients are summed in chunk order (fc
// weight gradients are one product over the batch, see dense.go), so
// results are bit-identical for any number of workers. 16 is one width of
// the GEMM micro-kernel (fc layers run with the chunk as the GEMM's n
// dimension) and cuts the default batch of 64 into 4 units, so a worker the
// OS deschedules mid-step holds up at most a quarter of the batch while the
// other core takes the rest; only the small conv gradients are kept per
// chunk.
const chunkSize = 16

// netLayer is one layer of the engine's plan.
type netLayer struct {
	s     network.Layer
	param *Param // nil for pooling
	pi    int    // index into Model.params, −1 for pooling
	relu  bool
	// afterReLU: the layer's input is the output of a ReLU (every value
	// +0 or positive), which lets max pooling compare bit patterns.
	afterReLU bool
	// maskedByPool: the next layer is a 2×2 stride-2 max pool that tiles
	// this layer's output and applies this layer's ReLU mask in its
	// backward pass (poolBackward2x2), so this layer skips reluMask.
	maskedByPool bool
	in, out      int // values per sample
	k, p         int // conv: K = InC·R·S rows and P = OutH·OutW columns of im2col
}

// scratch is one worker's activations and temporaries for one chunk.
type scratch struct {
	act  [][]float32   // act[l]: input of layer l (chunk×in); act[len]: logits
	dact [][]float32   // gradients of act
	col  [][]float32   // conv layers: chunk×K×P im2col matrices
	arg  [][]int32     // pool layers: chunk×out argmax positions
	dc   []*directBufs // direct sparse conv layers' buffers
	t1   []float32     // transposes and column gradients
	t2   []float32
	own  [][]float32 // act[l] as allocated, for layers whose act[l] is set per chunk
	lo   int         // the current chunk's first sample within the batch
}

// chunkGrad holds the gradient sums and statistics of one chunk.
type chunkGrad struct {
	w, b    [][]float32 // per param; w[pi] is nil for fc layers (see bx)
	loss    float64
	correct int
	bad     string // first layer whose output was non-finite, if the loss was
}

// engine runs forward and backward passes of a model over chunks, in
// parallel across workers.
type engine struct {
	m      *Model
	layers []netLayer
	scr    []*scratch
	chunks []*chunkGrad
	wt     [][]float32 // per param: transposed effective weights (in×out)
	eff    [][]float32 // per param: effective weights for this step
	sp     []*sparseLayer
	gsum   [][]float32 // per frozen sparse param: the summed compact gradient
	// Per fc layer li, what the reduction needs for the weight gradient
	// over the whole batch: the batch's inputs bx[li] (rows of l.in, one
	// per sample, chunk c at row c·chunkSize; the chunks' act[li] point
	// into it), its output gradients transposed bdy[li] (l.out rows of
	// stride ldb) and, on the sparse plan, its inputs transposed bxt[li]
	// (l.in rows of stride ldb; also the forward product's operand).
	bx, bdy, bxt [][]float32
	ldb          int
	layerOf      []int  // per param: its layer index
	gradOK       []bool // per reduction block: its weight gradient is finite
	workers      int
	pool         *workerPool

	// per-call inputs
	ds       *Dataset
	idx      []int // sample indices of the batch
	nChunks  int
	backward bool
	opt      *sgd // when set, reduce also updates the weights
	// distill, when set, replaces the loss of backward runs by the
	// distillation loss (Train with TrainSettings.Distill).
	distill *Distillation
	// logits, when set, receives every sample's logits at its index in
	// the dataset (Model.Logits).
	logits   []float32
	runFn    func(w, unit int)
	reduceFn func(w, unit int)
	blocks   []block // units of the parallel reduction
}

// newEngine plans m for batches of up to maxBatch samples on workers
// goroutines (0 = runtime.NumCPU()).
func newEngine(m *Model, maxBatch, workers int) *engine {
	if workers <= 0 {
		workers = runtime.NumCPU()
	}
	nc := (maxBatch + chunkSize - 1) / chunkSize
	workers = max(1, min(workers, nc))
	e := &engine{m: m, workers: workers}
	pi := 0
	for i, s := range m.Arch.Layers {
		l := netLayer{s: s, pi: -1, in: int(s.InputSize()), out: int(s.OutputSize())}
		if s.Kind != network.Pool {
			l.param, l.pi = m.params[pi], pi
			pi++
			l.relu = i < len(m.Arch.Layers)-1
		}
		if s.Kind == network.Conv {
			l.k, l.p = s.FanIn(), s.OutH()*s.OutW()
		}
		if i > 0 {
			prev := e.layers[i-1]
			l.afterReLU = prev.relu || (prev.s.Kind == network.Pool && prev.afterReLU)
		}
		e.layers = append(e.layers, l)
	}
	for i := 0; i+1 < len(e.layers); i++ {
		e.layers[i].maskedByPool = e.layers[i].relu && pool2x2Tiles(&e.layers[i+1].s)
	}
	e.ldb = nc * chunkSize
	for _, l := range e.layers {
		var bx, bdy []float32
		if l.s.Kind == network.FC {
			bx, bdy = make([]float32, e.ldb*l.in), make([]float32, l.out*e.ldb)
		}
		e.bx, e.bdy, e.bxt = append(e.bx, bx), append(e.bdy, bdy), append(e.bxt, nil)
		if l.pi >= 0 {
			e.layerOf = append(e.layerOf, len(e.bx)-1)
		}
	}
	for range workers {
		e.scr = append(e.scr, e.newScratch())
	}
	for range nc {
		cg := &chunkGrad{}
		for _, p := range m.params {
			var w []float32
			if p.Kind != network.FC {
				w = make([]float32, len(p.W))
			}
			cg.w = append(cg.w, w)
			cg.b = append(cg.b, make([]float32, len(p.Bias)))
		}
		e.chunks = append(e.chunks, cg)
	}
	e.wt = make([][]float32, len(m.params))
	e.eff = make([][]float32, len(m.params))
	e.sp = make([]*sparseLayer, len(m.params))
	e.gsum = make([][]float32, len(m.params))
	e.runFn = e.runUnit
	e.reduceFn = e.reduceBlock
	e.planBlocks()
	e.pool = newPool(workers)
	return e
}

// planBlocks cuts every parameter's weight gradient (the compact one of a
// frozen sparse layer) into the units of the parallel reduction; a batch
// weight gradient (batchDW) is cut at whole rows, a multiple of 12 (6- and
// 4-row micro-kernels) except in the last block.
func (e *engine) planBlocks() {
	e.blocks = e.blocks[:0]
	for pi, p := range e.m.params {
		n, step := len(p.W), reduceBlockSize
		if sl := e.sp[pi]; sl != nil && sl.frozen {
			n = sl.fwd.nnz()
			if p.Kind == network.FC {
				// Each entry is a dot product over the batch here, not a
				// sum of chunk values: smaller blocks, or one worker
				// would compute a whole layer's gradient alone.
				step = sparseFCBlockSize
			}
		}
		if e.batchDW(pi) {
			step = max(12, reduceBlockSize/p.Cols()/12*12) * p.Cols()
		}
		for lo := 0; lo < n; lo += step {
			e.blocks = append(e.blocks, block{pi, lo, min(lo+step, n)})
		}
	}
	e.gradOK = make([]bool, len(e.blocks))
}

func (e *engine) newScratch() *scratch {
	s := &scratch{}
	t := 0
	for _, l := range e.layers {
		s.act = append(s.act, make([]float32, chunkSize*l.in))
		s.dact = append(s.dact, make([]float32, chunkSize*l.in))
		var col []float32
		var arg []int32
		switch l.s.Kind {
		case network.Conv:
			col = make([]float32, chunkSize*l.k*l.p)
			t = max(t, l.k*l.p, 6*l.p+8+4*l.k)
		case network.Pool:
			arg = make([]int32, chunkSize*l.out)
		case network.FC:
			t = max(t, chunkSize*max(l.in, l.out))
		}
		s.col, s.arg = append(s.col, col), append(s.arg, arg)
		s.dc = append(s.dc, nil)
	}
	last := e.layers[len(e.layers)-1]
	s.act = append(s.act, make([]float32, chunkSize*last.out))
	s.dact = append(s.dact, make([]float32, chunkSize*last.out))
	s.t1, s.t2 = make([]float32, t), make([]float32, t)
	s.own = append([][]float32(nil), s.act...)
	return s
}

// close stops the worker goroutines.
func (e *engine) close() { e.pool.close() }

// prepare computes the effective weights of every layer and, when a
// backward pass follows, their transposes (needed for input gradients).
func (e *engine) prepare(backward bool) {
	for i, p := range e.m.params {
		if sl := e.sparse(i); sl != nil {
			sl.refresh(p, backward && i != 0)
			continue
		}
		e.eff[i] = p.effective()
		if !backward || i == 0 || p.Kind == network.FC {
			continue // fc input gradients use W itself (fcBackward)
		}
		if len(e.wt[i]) != len(p.W) {
			e.wt[i] = make([]float32, len(p.W))
		}
		transpose(e.wt[i], e.eff[i], p.Rows(), p.Cols())
	}
}

// run pushes the samples ds[idx] through the network (and back when
// backward), filling e.chunks[0:nChunks].
func (e *engine) run(ds *Dataset, idx []int, backward bool) {
	e.ds, e.idx, e.backward = ds, idx, backward
	e.nChunks = (len(idx) + chunkSize - 1) / chunkSize
	e.prepare(backward)
	e.pool.run(e.runFn, e.nChunks)
}

// runUnit processes chunk c with worker w's scratch. Which worker takes
// which chunk varies from run to run; the results do not depend on it.
func (e *engine) runUnit(w, c int) {
	lo := c * chunkSize
	hi := min(lo+chunkSize, len(e.idx))
	e.runChunk(e.scr[w], e.chunks[c], lo, e.idx[lo:hi])
}

// runChunk pushes the samples idx, which start at sample lo of the batch,
// through the network with scratch s, and back into cg when backward.
func (e *engine) runChunk(s *scratch, cg *chunkGrad, lo int, idx []int) {
	n, sz := len(idx), e.ds.sampleSize()
	s.lo = lo
	for li, l := range e.layers {
		if bx := e.bx[li]; bx != nil {
			s.act[li] = bx[lo*l.in : (lo+chunkSize)*l.in]
		} else {
			s.act[li] = s.own[li]
		}
	}
	for j, i := range idx {
		copy(s.act[0][j*sz:(j+1)*sz], e.ds.X[i*sz:(i+1)*sz])
	}
	for li := range e.layers {
		e.forward(li, s, n)
	}
	L := len(e.layers)
	k := e.m.Classes()
	if e.logits != nil {
		for j, i := range idx {
			copy(e.logits[i*k:(i+1)*k], s.act[L][j*k:(j+1)*k])
		}
	}
	if e.backward && e.distill != nil {
		cg.loss, cg.correct = distillCE(s.act[L], s.dact[L], e.ds.Y, idx, k, e.distill)
	} else {
		cg.loss, cg.correct = softmaxCE(s.act[L], s.dact[L], e.ds.Y, idx, k)
	}
	cg.bad = ""
	if math.IsNaN(cg.loss) || math.IsInf(cg.loss, 0) {
		cg.bad = e.firstNonFinite(s, n)
	}
	if !e.backward {
		return
	}
	for pi := range cg.w {
		clear(cg.w[pi])
		clear(cg.b[pi])
	}
	for li := L - 1; li >= 0; li-- {
		e.backwardLayer(li, s, cg, n)
	}
}

// firstNonFinite names the first layer with a non-finite output.
func (e *engine) firstNonFinite(s *scratch, n int) string {
	for li, l := range e.layers {
		out := s.act[li+1][:n*l.out]
		if e.fusesPool(li) {
			// Not stored; a non-finite value survives ReLU and max
			// pooling (NaN and +Inf bits are the largest), so the pool
			// output shows it.
			out = s.act[li+2][:n*e.layers[li+1].out]
		}
		for _, v := range out {
			if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
				return l.s.Name
			}
		}
	}
	return "loss"
}

func (e *engine) forward(li int, s *scratch, n int) {
	l := &e.layers[li]
	x, y := s.act[li][:n*l.in], s.act[li+1][:n*l.out]
	switch {
	case e.pooledByPrev(li):
		return // done by the conv before it
	case e.fusesPool(li):
		pl := &e.layers[li+1]
		convForwardDirectPool(l, pl, e.sp[l.pi].direct, s.dc[li], x, s.act[li+2][:n*pl.out], s.arg[li+1], n)
	case l.s.Kind == network.Pool:
		poolForward(l, x, y, s.arg[li], n)
	case e.sparse(l.pi) != nil && e.sp[l.pi].direct != nil:
		convForwardDirect(l, e.sp[l.pi].direct, s.dc[li], x, y, n)
	case e.sparse(l.pi) != nil && l.s.Kind == network.Conv:
		convForwardSparse(l, e.sp[l.pi], x, y, s.col[li], n)
	case e.sparse(l.pi) != nil:
		fcForwardSparse(l, e.sp[l.pi], x, y, e.bxt[li][s.lo:], e.ldb, s.t2, n)
	case l.s.Kind == network.Conv:
		convForward(l, e.eff[l.pi], x, y, s.col[li], n)
	default:
		fcForward(l, e.eff[l.pi], x, y, s.t1, s.t2, n)
	}
	if l.relu && !e.reluDone(l.pi) {
		reluFast(y)
	}
}

// relu sets negative values (and −0) to +0 without branches: about half the
// pre-activations are negative, so a branch would mispredict constantly.
func relu(y []float32) {
	for i, v := range y {
		b := math.Float32bits(v)
		y[i] = math.Float32frombits(b &^ uint32(int32(b)>>31))
	}
}

// reluMask zeroes dy where the ReLU output y is 0, without branches. After
// relu, y is +0 or positive, so y > 0 exactly when its bits are non-zero.
func reluMask(y, dy []float32) {
	dy = dy[:len(y)]
	for i, v := range y {
		keep := uint32(-int32(math.Float32bits(v))) >> 31 // 1 when y > 0
		dy[i] = math.Float32frombits(math.Float32bits(dy[i]) & -keep)
	}
}

func (e *engine) backwardLayer(li int, s *scratch, cg *chunkGrad, n int) {
	if e.pooledByPrev(li) {
		return // done by the conv before it
	}
	l := &e.layers[li]
	y := s.act[li+1][:n*l.out]
	dx, dy := s.dact[li][:n*l.in], s.dact[li+1][:n*l.out]
	if l.relu && !l.maskedByPool {
		reluMaskFast(y, dy)
	}
	if li == 0 {
		dx = nil // the input needs no gradient
	}
	switch {
	case e.fusesPool(li):
		pl := &e.layers[li+1]
		convBackwardDirectPool(l, pl, e.sp[l.pi].direct, s.dc[li], s.dact[li+2][:n*pl.out], s.arg[li+1], dx, cg.w[l.pi], cg.b[l.pi], n)
	case l.s.Kind == network.Pool && pool2x2Tiles(&l.s):
		poolBackward2x2(l, y, dy, dx, s.arg[li], n, li > 0 && e.layers[li-1].maskedByPool)
	case l.s.Kind == network.Pool:
		poolBackward(l, dy, dx, s.arg[li], n)
	case e.sparse(l.pi) != nil && e.sp[l.pi].direct != nil:
		convBackwardDirect(l, e.sp[l.pi].direct, s.dc[li], dy, dx, cg.w[l.pi], cg.b[l.pi], n)
	case e.sparse(l.pi) != nil && l.s.Kind == network.Conv:
		convBackwardSparse(l, e.sp[l.pi], dy, dx, s.col[li], cg.w[l.pi], cg.b[l.pi], s.t1, s.t2, n)
	case e.sparse(l.pi) != nil:
		fcBackwardSparse(l, e.sp[l.pi], dy, dx, cg.b[l.pi], e.bdy[li][s.lo:], e.ldb, s.t2, n)
	case l.s.Kind == network.Conv:
		convBackward(l, e.wt[l.pi], dy, dx, s.col[li], cg.w[l.pi], cg.b[l.pi], s.t1, s.t2, n)
	default:
		fcBackward(l, e.eff[l.pi], dy, dx, cg.b[l.pi], e.bdy[li][s.lo:], e.ldb, n)
	}
}

// stats returns the summed loss and number of correct predictions of the
// chunks of the last run.
func (e *engine) stats() (loss float64, correct int) {
	for c := 0; c < e.nChunks; c++ {
		loss += e.chunks[c].loss
		correct += e.chunks[c].correct
	}
	return loss, correct
}

// reduce sums the chunk gradients into Param.Grad and BiasGrad in chunk
// order (parallel over weight ranges, so still deterministic) and returns
// stats(). With an optimiser set (e.opt), each worker also applies the SGD
// update to its range of the weights right after summing it, while the
// values are in cache; biases and codebooks are updated afterwards.
func (e *engine) reduce() (loss float64, correct int) {
	loss, correct = e.stats()
	if !e.backward {
		return loss, correct
	}
	e.pool.run(e.reduceFn, len(e.blocks))
	for pi, p := range e.m.params {
		sumChunks(p.BiasGrad, e.chunks[:e.nChunks], pi, true, 0, len(p.BiasGrad))
	}
	return loss, correct
}

// reduceBlock sums (or, for a batch weight gradient, computes) block b of
// the weight gradients, notes whether it is finite and, with an optimiser,
// updates those weights while they are in cache.
func (e *engine) reduceBlock(_, b int) {
	blk := e.blocks[b]
	p := e.m.params[blk.pi]
	if e.batchDW(blk.pi) {
		// dW[r0:r1] = dyᵀ[r0:r1]·x over the batch's samples.
		li, cols := e.layerOf[blk.pi], p.Cols()
		r0, r1 := blk.lo/cols, blk.hi/cols
		gemmSet(r1-r0, cols, len(e.idx), e.bdy[li][r0*e.ldb:], e.ldb, e.bx[li], cols, p.Grad[blk.lo:blk.hi], cols)
		e.gradOK[b] = finite(p.Grad[blk.lo:blk.hi])
		if e.opt != nil {
			e.opt.updateRange(blk.pi, p, blk.lo, blk.hi)
		}
		return
	}
	if sl := e.sparse(blk.pi); sl != nil && sl.frozen {
		// Compact gradient of the stored weights: sum, update those
		// weights, and write Param.Grad at their positions.
		g := e.gsum[blk.pi]
		if p.Kind == network.FC {
			// Over the batch: g[t] = dyᵀ[row]·xᵀ[col] for the block's entries.
			li := e.layerOf[blk.pi]
			clear(g[blk.lo:blk.hi])
			sl.fwd.sddmmRange(e.bdy[li], e.ldb, e.bxt[li], e.ldb, len(e.idx), g, blk.lo, blk.hi)
		} else {
			sumChunks(g, e.chunks[:e.nChunks], blk.pi, false, blk.lo, blk.hi)
		}
		e.gradOK[b] = finite(g[blk.lo:blk.hi])
		pos := sl.fwd.pos[blk.lo:blk.hi]
		switch {
		case e.opt == nil:
		case sl.master: // Param.W is written by flush
			updateDense(sl.fwd.val[blk.lo:blk.hi], g[blk.lo:blk.hi], sl.vel[blk.lo:blk.hi], e.opt.inv, e.opt.wd, e.opt.mom, e.opt.eta)
			sl.copyToBwd(blk.lo, blk.hi)
		default:
			e.opt.updateAt(blk.pi, p, pos, g[blk.lo:blk.hi])
		}
		if p.Codebook != nil {
			// The codebook's update (sgd.finish) reads Grad; other
			// layers' is written by flush.
			for t, i := range pos {
				p.Grad[i] = g[blk.lo+t]
			}
		}
		return
	}
	if o := e.opt; o != nil && e.nChunks == 2 && p.Codebook == nil && (p.Mask == nil || o.updatePruned) {
		// The common step (two chunks, unmasked update): sum and update
		// in one pass over the weights.
		lo, hi := blk.lo, blk.hi
		if sumUpdate2(p.W[lo:hi], e.chunks[0].w[blk.pi][lo:hi], e.chunks[1].w[blk.pi][lo:hi], p.Grad[lo:hi],
			o.vw[blk.pi][lo:hi], o.inv, o.wd, o.mom, o.eta) {
			e.gradOK[b] = finite(p.Grad[lo:hi])
			return
		}
	}
	sumChunks(p.Grad, e.chunks[:e.nChunks], blk.pi, false, blk.lo, blk.hi)
	e.gradOK[b] = finite(p.Grad[blk.lo:blk.hi])
	if e.opt != nil {
		e.opt.updateRange(blk.pi, p, blk.lo, blk.hi)
	}
}

// flush writes what frozen sparse layers keep compact during a run to the
// model: the last reduction's gradients to Param.Grad at the stored
// positions (the rest of Grad stays 0) and the weights to Param.W. Train
// calls it before OnEpoch and when it returns; until then Param.W of those
// layers is stale.
func (e *engine) flush() {
	for pi, p := range e.m.params {
		sl := e.sparse(pi)
		if sl == nil || !sl.frozen || p.Codebook != nil {
			continue
		}
		for t, i := range sl.fwd.pos {
			p.Grad[i] = e.gsum[pi][t]
		}
		if sl.master {
			for t, i := range sl.fwd.pos {
				p.W[i] = sl.fwd.val[t]
			}
		}
	}
}

// reduceBlockSize is the number of weights per unit of the parallel
// reduction (a multiple of 16: whole cache lines per unit);
// sparseFCBlockSize the number of stored weights per unit of a frozen
// sparse fc layer, whose gradient the unit computes (64 multiply-adds per
// entry at a batch of 64).
const (
	reduceBlockSize   = 1 << 14
	sparseFCBlockSize = 1 << 10
)

// block is a range [lo, hi) of one parameter's weights.
type block struct{ pi, lo, hi int }

// sumChunks writes dst[lo:hi] = Σ_c chunks[c] in chunk order.
func sumChunks(dst []float32, chunks []*chunkGrad, pi int, bias bool, lo, hi int) {
	d := dst[lo:hi]
	for c, cg := range chunks {
		src := cg.w[pi]
		if bias {
			src = cg.b[pi]
		}
		src = src[lo:hi]
		if c == 0 {
			copy(d, src)
			continue
		}
		for i, v := range src {
			d[i] += v
		}
	}
}

// badLayer returns the first chunk-reported non-finite layer.
func (e *engine) badLayer() string {
	for c := 0; c < e.nChunks; c++ {
		if e.chunks[c].bad != "" {
			return e.chunks[c].bad
		}
	}
	return ""
}
