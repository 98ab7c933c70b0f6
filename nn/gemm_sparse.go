package nn

import "sort"

// Sparse products for retraining a pruned network (see engine.go's sparse
// plan). A weight matrix W (rows×cols, row-major) whose mask is frozen is
// held as the compressed rows (CSR) and compressed columns (CSC) of its
// unpruned entries; only the values change from step to step. With the
// activations laid out so that each weight multiplies a contiguous run of
// width values (a chunk of samples for fc layers, an image's P output
// positions for conv layers), every product is a sum of scaled rows:
//
//	forward      Y[r] += Σ_{(r,c)∈W} w·X[c]        (CSR)
//	input grad   dX[c] += Σ_{(r,c)∈W} w·dY[r]      (CSC)
//	weight grad  dw(r,c) += dY[r]·X[c]             (only at the non-zeros)
//
// so the work is proportional to the non-zeros (Park et al., "Faster CNNs
// with Direct Sparse Convolutions and Guided Pruning", ICLR 2017, use the
// same row-scaling form for sparse convolution).

// sparseMat is the CSR or CSC form of the unpruned entries of a matrix.
type sparseMat struct {
	ptr []int32   // per row (CSR) or column (CSC): start in idx; len = lines+1
	idx []int32   // column (CSR) or row (CSC) of each entry
	pos []int32   // flat index of each entry in the row-major matrix
	val []float32 // current values, refreshed each step from pos
	max int32     // largest idx (−1 when empty)
}

// newCSR builds the CSR form of the entries of the rows×cols matrix where
// keep[i] != 0; byCol builds the CSC form instead.
func newSparse(keep []float32, rows, cols int, byCol bool) *sparseMat {
	lines, other := rows, cols
	if byCol {
		lines, other = cols, rows
	}
	s := &sparseMat{ptr: make([]int32, lines+1), max: -1}
	for l := 0; l < lines; l++ {
		for o := 0; o < other; o++ {
			flat := l*cols + o
			if byCol {
				flat = o*cols + l
			}
			if keep[flat] != 0 {
				s.idx = append(s.idx, int32(o))
				s.pos = append(s.pos, int32(flat))
				s.max = max(s.max, int32(o))
			}
		}
		s.ptr[l+1] = int32(len(s.idx))
	}
	s.val = make([]float32, len(s.idx))
	return s
}

// nnz is the number of stored entries.
func (s *sparseMat) nnz() int { return len(s.idx) }

// line returns the values and indices of row (CSR) or column (CSC) l.
func (s *sparseMat) line(l int) ([]float32, []int32) {
	lo, hi := s.ptr[l], s.ptr[l+1]
	return s.val[lo:hi], s.idx[lo:hi]
}

// check panics (programmer error) when src, with lines ld apart and width
// values used per line, is too short for the largest index, so the kernels
// never read out of bounds. Lines may overlap (ld < width: the direct
// convolution reads shifted runs of one plane).
func (s *sparseMat) check(src []float32, ld, width int) {
	if s.max >= 0 && len(src) < int(s.max)*ld+width {
		panic("nn: sparse product: source too short for its geometry")
	}
}

// spmm computes dst[l·ldd : l·ldd+width] += Σ_t val[t]·src[idx[t]·ld :
// idx[t]·ld+width] for every line l of s.
func (s *sparseMat) spmm(src []float32, ld int, dst []float32, ldd, width int) {
	s.check(src, ld, width)
	for l := 0; l+1 < len(s.ptr); l++ {
		v, ix := s.line(l)
		if len(v) == 0 {
			continue
		}
		spRowAdd(v, ix, src, ld, dst[l*ldd:l*ldd+width])
	}
}

// sddmm computes out[t] += a[l·lda : l·lda+width]·src[idx[t]·ld :
// idx[t]·ld+width] for every entry t (in line l) of s: the gradient of the
// stored weights only.
func (s *sparseMat) sddmm(a []float32, lda int, src []float32, ld, width int, out []float32) {
	s.sddmmRange(a, lda, src, ld, width, out, 0, s.nnz())
}

// sddmmRange is sddmm for the entries t in [lo, hi) only (a unit of the
// parallel reduction).
func (s *sparseMat) sddmmRange(a []float32, lda int, src []float32, ld, width int, out []float32, lo, hi int) {
	s.check(src, ld, width)
	lines := len(s.ptr) - 1
	l := sort.Search(lines, func(l int) bool { return int(s.ptr[l+1]) > lo })
	for ; l < lines && int(s.ptr[l]) < hi; l++ {
		t0, t1 := max(int(s.ptr[l]), lo), min(int(s.ptr[l+1]), hi)
		if t0 < t1 {
			spDotAdd(s.idx[t0:t1], src, ld, a[l*lda:l*lda+width], out[t0:t1])
		}
	}
}

// spRowAdd computes dst += Σ_t vals[t]·src[idx[t]·ld : idx[t]·ld+len(dst)].
func spRowAdd(vals []float32, idx []int32, src []float32, ld int, dst []float32) {
	if useAsm {
		spRowAsm(vals, idx, src, ld, dst)
		return
	}
	spRowGo(vals, idx, src, ld, dst)
}

func spRowGo(vals []float32, idx []int32, src []float32, ld int, dst []float32) {
	w := len(dst)
	for t, v := range vals {
		o := int(idx[t]) * ld
		axpy(v, src[o:o+w], dst)
	}
}

// spDotAdd computes out[t] += row·src[idx[t]·ld : idx[t]·ld+len(row)].
func spDotAdd(idx []int32, src []float32, ld int, row, out []float32) {
	if useAsm {
		spDotAsm(idx, src, ld, row, out)
		return
	}
	spDotGo(idx, src, ld, row, out)
}

func spDotGo(idx []int32, src []float32, ld int, row, out []float32) {
	w := len(row)
	for t, c := range idx {
		x := src[int(c)*ld : int(c)*ld+w]
		var s float32
		for p, v := range row {
			s += v * x[p]
		}
		out[t] += s
	}
}
