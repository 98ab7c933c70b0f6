//go:build amd64 && !purego

package nn

import "golang.org/x/sys/cpu"

// useAsm selects the AVX2+FMA kernels when the CPU has them.
var useAsm = cpu.X86.HasAVX2 && cpu.X86.HasFMA

// kern4x16 computes C[0:4][0:16] += A[0:4][0:k]·B[0:k][0:16]; strides are in
// elements.
//
//go:noescape
func kern4x16(k int, a *float32, lda int, b *float32, ldb int, c *float32, ldc int, load int)

// kern1x16 computes C[0][0:16] += A[0][0:k]·B[0:k][0:16].
//
//go:noescape
func kern1x16(k int, a *float32, b *float32, ldb int, c *float32, load int)

// kern4x8 computes C[0:4][0:8] += A[0:4][0:k]·B[0:k][0:8].
//
//go:noescape
func kern4x8(k int, a *float32, lda int, b *float32, ldb int, c *float32, ldc int, load int)

// kern1x8 computes C[0][0:8] += A[0][0:k]·B[0:k][0:8].
//
//go:noescape
func kern1x8(k int, a *float32, b *float32, ldb int, c *float32, load int)

// gemmAsm walks C in 16-column panels (so the k×16 panel of B stays in L1
// while all row blocks of A stream past it) and 6-row, then 4-row blocks
// (sixRowBlocks); an 8-column panel and single rows take the edges, and the
// last < 8 columns go to Go.
// With set, C = A·B (C's old values are not read).
func gemmAsm(m, n, k int, a []float32, lda int, b []float32, ldb int, c []float32, ldc int, set bool) {
	load := 1
	if set {
		load = 0
	}
	six := sixRowBlocks(m)
	j := 0
	for ; j+16 <= n; j += 16 {
		i := 0
		for ; i < 6*six; i += 6 {
			kern6x16(k, &a[i*lda], lda, &b[j], ldb, &c[i*ldc+j], ldc, load)
		}
		for ; i+4 <= m; i += 4 {
			kern4x16(k, &a[i*lda], lda, &b[j], ldb, &c[i*ldc+j], ldc, load)
		}
		for ; i < m; i++ {
			kern1x16(k, &a[i*lda], &b[j], ldb, &c[i*ldc+j], load)
		}
	}
	if j+8 <= n {
		i := 0
		for ; i+4 <= m; i += 4 {
			kern4x8(k, &a[i*lda], lda, &b[j], ldb, &c[i*ldc+j], ldc, load)
		}
		for ; i < m; i++ {
			kern1x8(k, &a[i*lda], &b[j], ldb, &c[i*ldc+j], load)
		}
		j += 8
	}
	if j < n {
		if set {
			for i := 0; i < m; i++ {
				clear(c[i*ldc+j : i*ldc+n])
			}
		}
		gemmGo(m, n-j, k, a, lda, b[j:], ldb, c[j:], ldc)
	}
}

// kern6x16 is kern4x16 for six rows (the same results bit for bit).
//
//go:noescape
func kern6x16(k int, a *float32, lda int, b *float32, ldb int, c *float32, ldc int, load int)

// sixRowBlocks is how many 6-row blocks gemmAsm runs before 4-row ones for
// m rows: as many as leave a multiple of 4 (20 = 6+6+4+4), else as many as
// fit (25 = 4·6 + one single row).
func sixRowBlocks(m int) int {
	for q := m / 6; q >= 0 && q >= m/6-3; q-- {
		if (m-6*q)%4 == 0 {
			return q
		}
	}
	return m / 6
}

// sgdKernel applies update's rule to the first n (a multiple of 8) weights.
//
//go:noescape
func sgdKernel(w, grad, vel *float32, n int, inv, wd, mom, eta float32)

// updateDense is update without a mask: the AVX2 kernel for whole vectors,
// Go for the tail.
func updateDense(w, grad, vel []float32, inv, wd, mom, eta float32) {
	n := len(w) &^ 7
	if useAsm && n > 0 {
		grad, vel = grad[:len(w)], vel[:len(w)]
		sgdKernel(&w[0], &grad[0], &vel[0], n, inv, wd, mom, eta)
		w, grad, vel = w[n:], grad[n:], vel[n:]
	}
	update(w, grad, vel, nil, inv, wd, mom, eta)
}

// kernNT4x2 computes, for jj < pairs, C[0:4][2jj:2jj+2] += Σ over nimg
// images of A_img[0:4][0:8·k8] · B_img[2jj:2jj+2][0:8·k8]ᵀ, image img's
// operands starting astr and bstr elements after the previous image's.
//
//go:noescape
func kernNT4x2(k8 int, a *float32, lda int, b *float32, ldb int, c *float32, ldc int, pairs int, nimg int, astr int, bstr int)

// kernNT4x3 is kernNT4x2 with 4×3 tiles: for jj < triples, C[0:4][3jj:3jj+3].
//
//go:noescape
func kernNT4x3(k8 int, a *float32, lda int, b *float32, ldb int, c *float32, ldc int, triples int, nimg int, astr int, bstr int)

// gemmNTAsm is gemmNT on the AVX2 kernels: 4-row blocks of A against
// triples of B rows (a last pair on the 4×2 kernel), all images of a block
// before its one reduction; a last single B row and the last < 4 rows of A
// go image by image through padded copies in pad, and a contraction tail
// k mod 8 through Go.
func gemmNTAsm(m, n, k, nimg int, a []float32, lda, astr int, b []float32, ldb, bstr int, c []float32, ldc int, pad []float32) {
	k8 := k / 8
	if k8 == 0 {
		gemmNTGo(m, n, k, nimg, a, lda, astr, b, ldb, bstr, c, ldc)
		return
	}
	pairs := n / 2
	// Scratch: a 4×k A block, a 2×k B pair, a 4×2 C tile, a 4×n C block.
	if len(pad) < 6*k+8+4*n {
		pad = make([]float32, 6*k+8+4*n)
	}
	pa, pb, pc, pcn := pad[:4*k], pad[4*k:6*k], pad[6*k:6*k+8], pad[6*k+8:6*k+8+4*n]
	// lastB runs a 4-row block (rows at ar with stride lda4) of each image
	// against that image's odd last B row, adding into C rows at cr.
	lastB := func(ar []float32, lda4, astr4 int, cr []float32, ldc4 int) {
		clear(pb[k:])
		clear(pc)
		for img := 0; img < nimg; img++ {
			bi := img*bstr + (n-1)*ldb
			copy(pb[:k], b[bi:bi+k])
			kernNT4x2(k8, &ar[img*astr4], lda4, &pb[0], k, &pc[0], 2, 1, 1, 0, 0)
		}
		for r := 0; r < 4; r++ {
			cr[r*ldc4+n-1] += pc[2*r]
		}
	}
	i := 0
	triples := n / 3
	for ; i+4 <= m; i += 4 {
		if triples > 0 {
			kernNT4x3(k8, &a[i*lda], lda, &b[0], ldb, &c[i*ldc], ldc, triples, nimg, astr, bstr)
		}
		switch n % 3 {
		case 2:
			j := 3 * triples
			kernNT4x2(k8, &a[i*lda], lda, &b[j*ldb], ldb, &c[i*ldc+j], ldc, 1, nimg, astr, bstr)
		case 1:
			lastB(a[i*lda:], lda, astr, c[i*ldc:], ldc)
		}
	}
	if i < m {
		rows := m - i
		clear(pa)
		clear(pcn)
		for img := 0; img < nimg; img++ {
			for r := 0; r < rows; r++ {
				ai := img*astr + (i+r)*lda
				copy(pa[r*k:(r+1)*k], a[ai:ai+k])
			}
			if pairs > 0 {
				kernNT4x2(k8, &pa[0], k, &b[img*bstr], ldb, &pcn[0], n, pairs, 1, 0, 0)
			}
			if n%2 == 1 {
				bi := img*bstr + (n-1)*ldb
				copy(pb[:k], b[bi:bi+k])
				clear(pb[k:])
				clear(pc)
				kernNT4x2(k8, &pa[0], k, &pb[0], k, &pc[0], 2, 1, 1, 0, 0)
				for r := 0; r < 4; r++ {
					pcn[r*n+n-1] += pc[2*r]
				}
			}
		}
		for r := 0; r < rows; r++ {
			cr := c[(i+r)*ldc : (i+r)*ldc+n]
			for j, v := range pcn[r*n : (r+1)*n] {
				cr[j] += v
			}
		}
	}
	if t := k8 * 8; t < k {
		gemmNTGo(m, n, k-t, nimg, a[t:], lda, astr, b[t:], ldb, bstr, c, ldc)
	}
}

// spRow32 computes dst[0:32] += Σ_t vals[t]·src[idx[t]·ld:][0:32].
//
//go:noescape
func spRow32(nnz int, vals *float32, idx *int32, src *float32, ld int, dst *float32)

// spRow16 computes dst[0:16] += Σ_t vals[t]·src[idx[t]·ld:][0:16].
//
//go:noescape
func spRow16(nnz int, vals *float32, idx *int32, src *float32, ld int, dst *float32)

// spRow64 computes dst[0:64] += Σ_t vals[t]·src[idx[t]·ld:][0:64].
//
//go:noescape
func spRow64(nnz int, vals *float32, idx *int32, src *float32, ld int, dst *float32)

// spDot computes out[t] += row[0:8·len8]·src[idx[t]·ld:][0:8·len8].
//
//go:noescape
func spDot(nnz int, idx *int32, src *float32, ld int, row *float32, len8 int, out *float32)

// spRowAsm is spRowAdd on the kernels: 64-, then 32-, then 16-column
// blocks, the rest in Go.
func spRowAsm(vals []float32, idx []int32, src []float32, ld int, dst []float32) {
	w, off := len(dst), 0
	for ; off+64 <= w; off += 64 {
		spRow64(len(vals), &vals[0], &idx[0], &src[off], ld, &dst[off])
	}
	if off+32 <= w {
		spRow32(len(vals), &vals[0], &idx[0], &src[off], ld, &dst[off])
		off += 32
	}
	if off+16 <= w {
		spRow16(len(vals), &vals[0], &idx[0], &src[off], ld, &dst[off])
		off += 16
	}
	if off < w {
		spRowGo(vals, idx, src[off:], ld, dst[off:])
	}
}

// spDot4 is spDot for 4·n4 entries, four dot products at a time (each
// vector of row loaded once for all four).
//
//go:noescape
func spDot4(n4 int, idx *int32, src *float32, ld int, row *float32, len8 int, out *float32)

// spDotAsm is spDotAdd on the kernels for the first 8·⌊L/8⌋ terms: groups
// of four entries on spDot4, the rest on spDot.
func spDotAsm(idx []int32, src []float32, ld int, row []float32, out []float32) {
	l8 := len(row) / 8
	if l8 > 0 && len(idx) > 0 {
		_ = out[len(idx)-1]
		n4 := len(idx) / 4
		if n4 > 0 {
			spDot4(n4, &idx[0], &src[0], ld, &row[0], l8, &out[0])
		}
		if r := 4 * n4; r < len(idx) {
			spDot(len(idx)-r, &idx[r], &src[0], ld, &row[0], l8, &out[r])
		}
	}
	if t := l8 * 8; t < len(row) {
		spDotGo(idx, src[t:], ld, row[t:], out)
	}
}

//go:noescape
func finiteKernel(v *float32, n int, acc *float32)

// finiteVec reports whether the first 8·⌊len(v)/8⌋ values are finite, on the
// kernel; done is false (nothing checked) without the AVX2 kernels.
func finiteVec(v []float32) (ok, done bool) {
	if !useAsm {
		return false, false
	}
	n := len(v) &^ 7
	if n == 0 {
		return true, true
	}
	var acc [8]float32
	finiteKernel(&v[0], n, &acc[0])
	return acc == [8]float32{}, true
}

//go:noescape
func reluKernel(y *float32, n int)

//go:noescape
func reluMaskKernel(y, dy *float32, n int)

// reluFast is relu with the AVX2 kernel for whole vectors.
func reluFast(y []float32) {
	n := len(y) &^ 7
	if useAsm && n > 0 {
		reluKernel(&y[0], n)
		y = y[n:]
	}
	relu(y)
}

// reluMaskFast is reluMask with the AVX2 kernel for whole vectors.
func reluMaskFast(y, dy []float32) {
	n := len(y) &^ 7
	if useAsm && n > 0 {
		dy = dy[:len(y)]
		reluMaskKernel(&y[0], &dy[0], n)
		y, dy = y[n:], dy[n:]
	}
	reluMask(y, dy)
}

//go:noescape
func copyRows(dst, src *float32, rows, n8, sstride int)

//go:noescape
func addRows(dst, src *float32, rows, n8, dstride int)

// rowsFast reports whether im2col/col2im rows of ow values can use the
// vector row kernels.
func rowsFast(ow int) bool { return useAsm && ow%8 == 0 }

// copyRowsFast is copyRows over slices: dst (rows×ow) from src rows
// sstride apart; ow a multiple of 8.
func copyRowsFast(dst, src []float32, rows, ow, sstride int) {
	if rows == 0 {
		return
	}
	_ = dst[rows*ow-1]
	_ = src[(rows-1)*sstride+ow-1]
	copyRows(&dst[0], &src[0], rows, ow/8, sstride)
}

// addRowsFast is addRows over slices: dst rows dstride apart += src
// (rows×ow); ow a multiple of 8.
func addRowsFast(dst, src []float32, rows, ow, dstride int) {
	if rows == 0 {
		return
	}
	_ = src[rows*ow-1]
	_ = dst[(rows-1)*dstride+ow-1]
	addRows(&dst[0], &src[0], rows, ow/8, dstride)
}

//go:noescape
func sgdSum2Kernel(w, g0, g1, grad, vel *float32, n int, inv, wd, mom, eta float32)

// sumUpdate2 sets grad = g0 + g1 and applies the unmasked SGD update with
// it, in one pass; whole vectors on the kernel, the tail in Go. It reports
// false (doing nothing) without the AVX2 kernels.
func sumUpdate2(w, g0, g1, grad, vel []float32, inv, wd, mom, eta float32) bool {
	if !useAsm {
		return false
	}
	n := len(w) &^ 7
	if n > 0 {
		g0, g1, grad, vel = g0[:len(w)], g1[:len(w)], grad[:len(w)], vel[:len(w)]
		sgdSum2Kernel(&w[0], &g0[0], &g1[0], &grad[0], &vel[0], n, inv, wd, mom, eta)
	}
	for i := n; i < len(w); i++ {
		grad[i] = g0[i] + g1[i]
	}
	update(w[n:], grad[n:], vel[n:], nil, inv, wd, mom, eta)
	return true
}

// pool2x2Row is one output row of pool2x2NonNeg on the vector kernel (see
// gemm_amd64.s); the row is 8·n8 input columns wide.
//
//go:noescape
func pool2x2Row(r0, r1 *float32, w, n8 int, y *float32, arg *int32, at0 int)

// poolRowFast runs one output row of pool2x2NonNeg on the kernel when the
// input width is a multiple of 8 and reports whether it did.
func poolRowFast(r0, r1, y []float32, arg []int32, w, at0 int) bool {
	if !useAsm || w%8 != 0 || w == 0 {
		return false
	}
	_, _, _, _ = r0[w-1], r1[w-1], y[w/2-1], arg[w/2-1]
	pool2x2Row(&r0[0], &r1[0], w, w/8, &y[0], &arg[0], at0)
	return true
}

//go:noescape
func transpose8(dst *float32, ldd int, src *float32, lds int, nb int)

// transpose8Fast transposes the whole 8×8 blocks of the r×c matrix src
// into dst (see transposeTo) on the kernel and returns how many rows and
// columns of src it covered (0, 0 without the kernels).
func transpose8Fast(dst []float32, ldd int, src []float32, r, c int) (r8, c8 int) {
	if !useAsm || r < 8 || c < 8 {
		return 0, 0
	}
	r8, c8 = r&^7, c&^7
	_, _ = src[(r8-1)*c+c8-1], dst[(c8-1)*ldd+r8-1]
	for i := 0; i < r8; i += 8 {
		transpose8(&dst[i], ldd, &src[i*c], c, c8/8)
	}
	return r8, c8
}

//go:noescape
func fillKernel(dst *float32, n8 int, v float32)

// fill sets every value of dst to v: whole vectors on the kernel.
func fill(dst []float32, v float32) {
	if n := len(dst) &^ 7; useAsm && n > 0 {
		fillKernel(&dst[0], n/8, v)
		dst = dst[n:]
	}
	for i := range dst {
		dst[i] = v
	}
}

// spinPause is the body of a busy-wait loop (workerPool): PAUSE
// instructions, which let the core know it is spinning.
func spinPause()
