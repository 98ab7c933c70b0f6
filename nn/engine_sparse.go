package nn

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
const (
	sparseFCDensity   = 0.3
	sparseConvDensity = 0.2
)

// sparseLayer is the sparse form of one parameter's frozen mask.
type sparseLayer struct {
	fwd     *sparseMat // CSR: rows = outputs (filters)
	bwd     *sparseMat // CSC, for the input gradient; nil for the first layer
	frozen  bool       // weight gradient only at the non-zeros
	density float64
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
		if (l.s.Kind == FC && d > sparseFCDensity) || (l.s.Kind == Conv && d > sparseConvDensity) {
			continue
		}
		sl := &sparseLayer{fwd: newSparse(p.Mask, p.Rows(), p.Cols(), false), frozen: frozen, density: d}
		if li > 0 {
			sl.bwd = newSparse(p.Mask, p.Rows(), p.Cols(), true)
		}
		e.sp[l.pi] = sl
		if frozen {
			for _, cg := range e.chunks {
				cg.w[l.pi] = make([]float32, nnz)
			}
			e.gsum[l.pi] = make([]float32, nnz)
			clear(p.Grad)
		}
		if l.s.Kind == FC {
			for _, s := range e.scr {
				s.xt[li] = make([]float32, chunkSize*l.in)
			}
		}
	}
	e.planBlocks()
}

// refresh copies the current effective weights into the sparse values (the
// CSC ones too when an input gradient follows).
func (sl *sparseLayer) refresh(p *Param, backward bool) {
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
	fill(sl.fwd)
	if backward && sl.bwd != nil {
		fill(sl.bwd)
	}
}

// weightGrad returns the gradient the optimiser applied last for param pi:
// the compact sum of a frozen sparse layer, else Param.Grad.
func (e *engine) weightGrad(pi int) []float32 {
	if sl := e.sp[pi]; sl != nil && sl.frozen {
		return e.gsum[pi]
	}
	return e.m.params[pi].Grad
}

// fcForwardSparse is fcForward with W as CSR: yᵀ[o] = b[o] + Σ w·xᵀ[i].
// xt keeps the transposed input for the weight gradient.
func fcForwardSparse(l *netLayer, sl *sparseLayer, x, y, xt, t2 []float32, n int) {
	in, out := l.in, l.out
	xt, yt := xt[:in*n], t2[:out*n]
	transpose(xt, x, n, in)
	b := l.param.Bias
	for o := 0; o < out; o++ {
		row := yt[o*n : (o+1)*n]
		for j := range row {
			row[j] = b[o]
		}
	}
	sl.fwd.spmm(xt, n, yt, n, n)
	transpose(y, yt, out, n)
}

// fcBackwardSparse is fcBackward with the sparse plan: the weight gradient
// only at the non-zeros (frozen; dw is compact) or dense (splicing), the
// input gradient dxᵀ[i] = Σ w·dyᵀ[o] over W's column i.
func fcBackwardSparse(l *netLayer, sl *sparseLayer, x, dy, dx, xt, dw, db, t1, t2 []float32, n int) {
	in, out := l.in, l.out
	dyt := t1[:out*n]
	transpose(dyt, dy, n, out)
	for o := 0; o < out; o++ {
		var s float32
		for _, v := range dyt[o*n : (o+1)*n] {
			s += v
		}
		db[o] += s
	}
	if sl.frozen {
		sl.fwd.sddmm(dyt, n, xt[:in*n], n, n, dw)
	} else {
		gemm(out, in, n, dyt, n, x, in, dw, in)
	}
	if dx == nil {
		return
	}
	dxt := t2[:in*n]
	clear(dxt)
	sl.bwd.spmm(dyt, n, dxt, n, n)
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
		for o := 0; o < oc; o++ {
			bo := b[o]
			for i := range yj[o*l.p : (o+1)*l.p] {
				yj[o*l.p+i] = bo
			}
		}
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
				var s float32
				for _, v := range dyj[o*l.p : (o+1)*l.p] {
					s += v
				}
				db[o] += s
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
