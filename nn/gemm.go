package nn

// This file holds the float32 matrix product every layer is lowered to.
//
// All products are row-major C += A·B with A m×k (row stride lda), B k×n
// (row stride ldb) and C m×n (row stride ldc). Layers arrange their data so
// that only this "NN" form is needed (see conv.go and dense.go); the rare
// transposes are done explicitly into scratch buffers, which is O(m·k) against
// the product's O(m·n·k).
//
// The product is computed in 6×16 and 4×16 register tiles: for each tile
// the k-loop broadcasts A[i][p] for six or four rows and multiplies it into
// the 16 contiguous values B[p][j:j+16], so C's tile stays in registers for
// the whole k-loop (the BLIS/GotoBLAS micro-kernel idea; Goto & van de
// Geijn, "Anatomy of High-Performance Matrix Multiplication", TOMS 2008).
// Every C value is accumulated over p in order whatever the tile, so the
// tiling does not change results. On amd64 with AVX2 and FMA the tiles are
// assembly kernels (12 and 8 ymm accumulators); elsewhere a pure Go kernel
// with the same loop order is used. Edges that do not fill a tile fall back
// to narrower kernels.

// gemm computes C += A·B. It panics (programmer error) when a slice is too
// short for the stated geometry, so the assembly kernels never read or write
// out of bounds.
func gemm(m, n, k int, a []float32, lda int, b []float32, ldb int, c []float32, ldc int) {
	gemmMode(m, n, k, a, lda, b, ldb, c, ldc, false)
}

// gemmSet computes C = A·B, never reading C's old values (which saves
// clearing C first).
func gemmSet(m, n, k int, a []float32, lda int, b []float32, ldb int, c []float32, ldc int) {
	gemmMode(m, n, k, a, lda, b, ldb, c, ldc, true)
}

func gemmMode(m, n, k int, a []float32, lda int, b []float32, ldb int, c []float32, ldc int, set bool) {
	if m == 0 || n == 0 {
		return
	}
	if len(c) < (m-1)*ldc+n || ldc < n {
		panic("nn: gemm: slice too short for its geometry")
	}
	if k == 0 {
		if set {
			for i := 0; i < m; i++ {
				clear(c[i*ldc : i*ldc+n])
			}
		}
		return
	}
	if len(a) < (m-1)*lda+k || len(b) < (k-1)*ldb+n || lda < k || ldb < n {
		panic("nn: gemm: slice too short for its geometry")
	}
	if useAsm {
		gemmAsm(m, n, k, a, lda, b, ldb, c, ldc, set)
		return
	}
	if set {
		for i := 0; i < m; i++ {
			clear(c[i*ldc : i*ldc+n])
		}
	}
	gemmGo(m, n, k, a, lda, b, ldb, c, ldc)
}

// gemmGo is the portable tiled product: 4 rows of C at a time, the k-loop
// outside and the j-loop inside so every inner loop walks contiguous memory
// with bounds checks hoisted by re-slicing.
func gemmGo(m, n, k int, a []float32, lda int, b []float32, ldb int, c []float32, ldc int) {
	i := 0
	for ; i+4 <= m; i += 4 {
		c0 := c[i*ldc : i*ldc+n]
		c1 := c[(i+1)*ldc : (i+1)*ldc+n]
		c2 := c[(i+2)*ldc : (i+2)*ldc+n]
		c3 := c[(i+3)*ldc : (i+3)*ldc+n]
		for p := 0; p < k; p++ {
			a0, a1, a2, a3 := a[i*lda+p], a[(i+1)*lda+p], a[(i+2)*lda+p], a[(i+3)*lda+p]
			bp := b[p*ldb : p*ldb+n]
			for j, bv := range bp {
				c0[j] += a0 * bv
				c1[j] += a1 * bv
				c2[j] += a2 * bv
				c3[j] += a3 * bv
			}
		}
	}
	for ; i < m; i++ {
		ci := c[i*ldc : i*ldc+n]
		for p := 0; p < k; p++ {
			av := a[i*lda+p]
			if av == 0 {
				continue
			}
			axpy(av, b[p*ldb:p*ldb+n], ci)
		}
	}
}

// gemmNaive is the textbook triple loop, the reference the tests compare the
// tuned kernels against.
func gemmNaive(m, n, k int, a []float32, lda int, b []float32, ldb int, c []float32, ldc int) {
	for i := 0; i < m; i++ {
		for j := 0; j < n; j++ {
			var s float32
			for p := 0; p < k; p++ {
				s += a[i*lda+p] * b[p*ldb+j]
			}
			c[i*ldc+j] += s
		}
	}
}

// sum8 returns the sum of x with eight interleaved partial sums (combined
// pairwise at the end), so the adds do not wait on one another.
func sum8(x []float32) float32 {
	var s0, s1, s2, s3, s4, s5, s6, s7 float32
	i := 0
	for ; i+8 <= len(x); i += 8 {
		v := x[i : i+8 : i+8]
		s0 += v[0]
		s1 += v[1]
		s2 += v[2]
		s3 += v[3]
		s4 += v[4]
		s5 += v[5]
		s6 += v[6]
		s7 += v[7]
	}
	for ; i < len(x); i++ {
		s0 += x[i]
	}
	return ((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7))
}

// axpy computes y += alpha·x, unrolled by four.
func axpy(alpha float32, x, y []float32) {
	y = y[:len(x)]
	j := 0
	for ; j+4 <= len(x); j += 4 {
		y[j] += alpha * x[j]
		y[j+1] += alpha * x[j+1]
		y[j+2] += alpha * x[j+2]
		y[j+3] += alpha * x[j+3]
	}
	for ; j < len(x); j++ {
		y[j] += alpha * x[j]
	}
}

// transpose writes the transpose of the r×c row-major matrix src into dst
// (c×r).
func transpose(dst, src []float32, r, c int) { transposeTo(dst, r, src, r, c) }

// transposeTo writes the transpose of the r×c row-major matrix src into the
// c×r matrix at dst with row stride ldd ≥ r: whole 8×8 blocks on the vector
// kernel where there is one, the rest in Go.
func transposeTo(dst []float32, ldd int, src []float32, r, c int) {
	if r == 0 || c == 0 {
		return
	}
	_ = dst[(c-1)*ldd+r-1]
	r8, c8 := transpose8Fast(dst, ldd, src, r, c)
	transposeGo(dst, ldd, src, c, r8, r, 0, c)  // rows below the blocks
	transposeGo(dst, ldd, src, c, 0, r8, c8, c) // columns right of them
}

// transposeGo transposes rows [i0, i1) and columns [j0, j1) of the r×c
// matrix src into dst (see transposeTo). Four source rows are walked
// together so each destination row gets four contiguous values per step;
// columns are taken in blocks of 64 so the destination lines stay in cache.
func transposeGo(dst []float32, ldd int, src []float32, c, i0, i1, j0, j1 int) {
	const blk = 64
	i := i0
	for ; i+4 <= i1; i += 4 {
		s0 := src[i*c : i*c+c]
		s1 := src[(i+1)*c : (i+1)*c+c]
		s2 := src[(i+2)*c : (i+2)*c+c]
		s3 := src[(i+3)*c : (i+3)*c+c]
		for jb := j0; jb < j1; jb += blk {
			for j := jb; j < min(jb+blk, j1); j++ {
				d := dst[j*ldd+i : j*ldd+i+4]
				d[0], d[1], d[2], d[3] = s0[j], s1[j], s2[j], s3[j]
			}
		}
	}
	for ; i < i1; i++ {
		for j, v := range src[i*c+j0 : i*c+j1] {
			dst[(j0+j)*ldd+i] = v
		}
	}
}

// gemmNT computes C += Σ_img A_img·B_imgᵀ over nimg ≥ 1 images, with
// A_img = a[img·astr:] m×k and B_img = b[img·bstr:] n×k, both row-major
// with the contraction dimension contiguous: the weight gradient
// dW = Σ dY·colᵀ of a lowered convolution, which then needs no transpose of
// the im2col matrices and reduces each tile once for all images. pad is
// scratch of at least 6k+8+4n values (allocated when shorter).
func gemmNT(m, n, k, nimg int, a []float32, lda, astr int, b []float32, ldb, bstr int, c []float32, ldc int, pad []float32) {
	if m == 0 || n == 0 || k == 0 || nimg == 0 {
		return
	}
	if len(a) < (nimg-1)*astr+(m-1)*lda+k || len(b) < (nimg-1)*bstr+(n-1)*ldb+k || len(c) < (m-1)*ldc+n ||
		lda < k || ldb < k || ldc < n || astr < 0 || bstr < 0 {
		panic("nn: gemmNT: slice too short for its geometry")
	}
	if useAsm {
		gemmNTAsm(m, n, k, nimg, a, lda, astr, b, ldb, bstr, c, ldc, pad)
		return
	}
	gemmNTGo(m, n, k, nimg, a, lda, astr, b, ldb, bstr, c, ldc)
}

// gemmNTGo is the portable gemmNT: one dot product per element and image,
// four partial sums to shorten the dependency chain.
func gemmNTGo(m, n, k, nimg int, a []float32, lda, astr int, b []float32, ldb, bstr int, c []float32, ldc int) {
	for img := 0; img < nimg; img++ {
		for i := 0; i < m; i++ {
			ai := a[img*astr+i*lda : img*astr+i*lda+k]
			ci := c[i*ldc : i*ldc+n]
			for j := range ci {
				bj := b[img*bstr+j*ldb : img*bstr+j*ldb+k]
				var s0, s1, s2, s3 float32
				p := 0
				for ; p+4 <= k; p += 4 {
					s0 += ai[p] * bj[p]
					s1 += ai[p+1] * bj[p+1]
					s2 += ai[p+2] * bj[p+2]
					s3 += ai[p+3] * bj[p+3]
				}
				for ; p < k; p++ {
					s0 += ai[p] * bj[p]
				}
				ci[j] += (s0 + s1) + (s2 + s3)
			}
		}
	}
}
