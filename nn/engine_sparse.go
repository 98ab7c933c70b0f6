package nn

import (
	"sort"

	"github.com/dcsim/dcsim/network"
)

// The sparse plan: when Train retrains a pruned model, the masks do not
// change during the run, so each pruned layer whose measured density is
// low enough runs on the sparse products of gemm_sparse.go instead of the
// dense kernels.
//
// With frozen masks (TrainSettings.UpdatePruned false) pruned weights get no
// update, so only the gradient at the non-zeros is computed: per chunk it is
// a compact array in CSR order, summed, applied by the optimiser and written
// to Param.Grad at those positions (Param.Grad is 0 at pruned positions).
// With splicing (UpdatePruned true) pruned weights may revive and need
// their gradient, so the weight gradient stays dense while the forward pass
// and the input gradient skip the zero weights. Either way the results
// equal the dense path's to float32 rounding (the order of the sums
// differs); they are still bit-identical for any number of workers.

// Densities (non-zeros ÷ weights) at or below which a layer runs sparse.
// The sparse kernels do a weight's work at about a third of the dense
// kernels' FLOP rate (BenchmarkSparseLayer), and a frozen layer also skips
// the O(weights) gradient reduction and update; fc layers additionally
// avoid reading the whole weight matrix per chunk.
//
// A stride-1 conv layer with a frozen mask runs on the direct convolution
// (directconv.go), whose kernels reach about the dense kernels' FLOP rate
// and which fuses the bias, ReLU and pooling passes; it pays up to a much
// higher density. Measured (BenchmarkTrainStepLeNet5Density, and LeNet-5
// steps with only conv1 or only conv2 masked, one worker, idle machine):
// conv2 direct is faster than dense at 60–70 % and slower at 82 %; conv1,
// the first layer (no input gradient), is as fast or faster up to 90 %.
const (
	sparseFCDensity        = 0.3
	sparseConvDensity      = 0.2
	directConvDensity      = 0.75
	directFirstConvDensity = 0.9
)

// sparseLayer is the sparse form of one parameter's frozen mask.
type sparseLayer struct {
	fwd     *sparseMat // CSR: rows = outputs (filters)
	bwd     *sparseMat // CSC, for the input gradient; nil for the first layer
	frozen  bool       // weight gradient only at the non-zeros
	density float64
	direct  *directConv // stride-1 conv with a frozen mask: no im2col
	// master: frozen and without a codebook, so fwd.val holds the layer's
	// weights for the whole run: the reduction updates them in place
	// (with vel, the optimiser's velocity at the stored weights) and
	// engine.flush writes them to Param.W, instead of gathering them from
	// W every step and updating W, its dense velocity and Grad at
	// scattered positions. The reduction also copies each updated weight
	// to the input-gradient form (bwdForm), at binv[t] for CSR entry t.
	master bool
	vel    []float32
	binv   []int32
}

// sparse returns param pi's sparse plan, nil when it runs dense.
func (e *engine) sparse(pi int) *sparseLayer {
	if pi < 0 {
		return nil
	}
	return e.sp[pi]
}

// enableSparse plans every masked layer whose density is at or below its
// kind's threshold as sparse; frozen says the masks are frozen (no
// splicing). Masks must not change while the engine is in use.
func (e *engine) enableSparse(frozen bool) {
	for li, l := range e.layers {
		p := l.param
		if p == nil || p.Mask == nil {
			continue
		}
		nnz := 0
		for _, v := range p.Mask {
			if v != 0 {
				nnz++
			}
		}
		d := float64(nnz) / float64(len(p.Mask))
		limit := sparseFCDensity
		if l.s.Kind == network.Conv {
			limit = sparseConvDensity
			if frozen && l.s.StrideOr1() == 1 {
				limit = directConvDensity
				if li == 0 {
					limit = directFirstConvDensity
				}
			}
		}
		if d > limit {
			continue
		}
		sl := &sparseLayer{fwd: newSparse(p.Mask, p.Rows(), p.Cols(), false), frozen: frozen, density: d}
		if li > 0 {
			sl.bwd = newSparse(p.Mask, p.Rows(), p.Cols(), true)
		}
		e.sp[l.pi] = sl
		if frozen {
			if l.s.Kind != network.FC { // fc: one product over the batch (reduceBlock)
				for _, cg := range e.chunks {
					cg.w[l.pi] = make([]float32, nnz)
				}
			}
			e.gsum[l.pi] = make([]float32, nnz)
			clear(p.Grad)
		}
		if l.s.Kind == network.FC {
			e.bxt[li] = make([]float32, l.in*e.ldb)
		}
		if l.s.Kind == network.Conv && frozen && l.s.StrideOr1() == 1 {
			sl.direct = newDirect(&l.s, p.Mask)
			for _, s := range e.scr {
				s.dc[li] = sl.direct.newBufs(&l.s)
			}
		}
		if frozen && p.Codebook == nil {
			sl.makeMaster(p)
		}
	}
	e.planBlocks()
}

// makeMaster loads the stored weights into fwd.val once and makes the
// other forms read them from there (see sparseLayer.master).
func (sl *sparseLayer) makeMaster(p *Param) {
	sl.master = true
	for t, i := range sl.fwd.pos {
		sl.fwd.val[t] = p.W[i]
	}
	sl.vel = make([]float32, sl.fwd.nnz())
	if sl.direct != nil {
		// The direct form stores the same entries in the same order
		// (filter-major, then OIHW position), so it shares the values.
		sl.direct.fwd.val = sl.fwd.val
	}
	bwd := sl.bwdForm()
	if bwd == nil {
		return
	}
	sl.binv = make([]int32, sl.fwd.nnz())
	for tb, i := range bwd.pos {
		t := sort.Search(len(sl.fwd.pos), func(u int) bool { return sl.fwd.pos[u] >= i })
		sl.binv[t] = int32(tb)
		bwd.val[tb] = sl.fwd.val[t]
	}
}

// copyToBwd copies CSR entries [lo, hi) of a master layer's weights to the
// input-gradient form.
func (sl *sparseLayer) copyToBwd(lo, hi int) {
	if sl.binv == nil {
		return
	}
	bv := sl.bwdForm().val
	for t, tb := range sl.binv[lo:hi] {
		bv[tb] = sl.fwd.val[lo+t]
	}
}

// refresh copies the current effective weights into the sparse values (the
// CSC ones too when an input gradient follows).
func (sl *sparseLayer) refresh(p *Param, backward bool) {
	if sl.master {
		return // kept current by the reduction (copyToBwd)
	}
	fill := func(s *sparseMat) {
		if p.Codebook != nil {
			for t, i := range s.pos {
				s.val[t] = p.Codebook[p.Index[i]]
			}
			return
		}
		for t, i := range s.pos {
			s.val[t] = p.W[i]
		}
	}
	if sl.direct != nil {
		fill(sl.direct.fwd)
		if backward {
			fill(sl.direct.bwd)
		}
		return
	}
	fill(sl.fwd)
	if backward && sl.bwd != nil {
		fill(sl.bwd)
	}
}

// bwdForm is the form whose values the input gradient uses: the direct
// convolution's when there is one, else the CSC form (nil for the first
// layer).
func (sl *sparseLayer) bwdForm() *sparseMat {
	if sl.direct != nil {
		return sl.direct.bwd
	}
	return sl.bwd
}

// reluDone reports whether param pi's forward pass applies the layer's
// ReLU itself (direct sparse convolution).
func (e *engine) reluDone(pi int) bool {
	sl := e.sparse(pi)
	return sl != nil && sl.direct != nil
}

// batchDW reports whether param pi's weight gradient is one product over
// the batch computed by the reduction (fc layers with a dense weight
// gradient, see dense.go) rather than summed from per-chunk buffers.
func (e *engine) batchDW(pi int) bool {
	sl := e.sp[pi]
	return e.m.params[pi].Kind == network.FC && (sl == nil || !sl.frozen)
}

// fcForwardSparse is fcForward with W as CSR: yᵀ[o] = b[o] + Σ w·xᵀ[i].
// The transposed input goes to xt (in rows of stride ldx; the caller passes
// the chunk's column offset), where the reduction finds the whole batch's
// for the weight gradient.
func fcForwardSparse(l *netLayer, sl *sparseLayer, x, y, xt []float32, ldx int, t2 []float32, n int) {
	in, out := l.in, l.out
	yt := t2[:out*n]
	transposeTo(xt, ldx, x, n, in)
	b := l.param.Bias
	fillBias(yt, b[:out], n)
	sl.fwd.spmm(xt, ldx, yt, n, n)
	transpose(y, yt, out, n)
}

// fcBackwardSparse is fcBackward with the sparse plan: it stores dyᵀ into
// bdy and accumulates db like fcBackward (the reduction computes the weight
// gradient over the batch: only at the non-zeros when frozen, dense with
// splicing) and computes the input gradient dxᵀ[i] = Σ w·dyᵀ[o] over W's
// column i.
func fcBackwardSparse(l *netLayer, sl *sparseLayer, dy, dx, db, bdy []float32, ldb int, t2 []float32, n int) {
	in, out := l.in, l.out
	transposeTo(bdy, ldb, dy, n, out)
	for o := 0; o < out; o++ {
		db[o] += sum8(bdy[o*ldb : o*ldb+n])
	}
	if dx == nil {
		return
	}
	dxt := t2[:in*n]
	clear(dxt)
	sl.bwd.spmm(bdy, ldb, dxt, n, n)
	transpose(dx, dxt, in, n)
}

// convForwardSparse is convForward with the filters as CSR: per image,
// y[o] = b[o] + Σ w·col[k] over filter o's non-zeros.
func convForwardSparse(l *netLayer, sl *sparseLayer, x, y, col []float32, n int) {
	kp, oc := l.k*l.p, l.s.OutC
	b := l.param.Bias
	for j := 0; j < n; j++ {
		cj := col[j*kp : (j+1)*kp]
		im2col(&l.s, x[j*l.in:(j+1)*l.in], cj)
		yj := y[j*l.out : (j+1)*l.out]
		fillBias(yj, b[:oc], l.p)
		sl.fwd.spmm(cj, l.p, yj, l.p, l.p)
	}
}

// convBackwardSparse is convBackward with the sparse plan (see
// fcBackwardSparse); the column gradient is dcol[k] = Σ w·dy[o] over
// column k of the filters.
func convBackwardSparse(l *netLayer, sl *sparseLayer, dy, dx, col, dw, db, t1, t2 []float32, n int) {
	if !sl.frozen {
		convBackwardGrads(l, dy, col, dw, db, t1, n)
	} else {
		kp, oc := l.k*l.p, l.s.OutC
		for j := 0; j < n; j++ {
			dyj := dy[j*l.out : (j+1)*l.out]
			for o := 0; o < oc; o++ {
				db[o] += sum8(dyj[o*l.p : (o+1)*l.p])
			}
			sl.fwd.sddmm(dyj, l.p, col[j*kp:(j+1)*kp], l.p, l.p, dw)
		}
	}
	if dx == nil {
		return
	}
	kp := l.k * l.p
	dcol := t2[:kp]
	for j := 0; j < n; j++ {
		clear(dcol)
		sl.bwd.spmm(dy[j*l.out:(j+1)*l.out], l.p, dcol, l.p, l.p)
		dxj := dx[j*l.in : (j+1)*l.in]
		clear(dxj)
		col2im(&l.s, dcol, dxj)
	}
}
