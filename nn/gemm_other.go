//go:build !amd64 || purego

package nn

// useAsm is false: no assembly kernels on this platform.
const useAsm = false

func gemmAsm(m, n, k int, a []float32, lda int, b []float32, ldb int, c []float32, ldc int, set bool) {
	if set {
		for i := 0; i < m; i++ {
			clear(c[i*ldc : i*ldc+n])
		}
	}
	gemmGo(m, n, k, a, lda, b, ldb, c, ldc)
}

func updateDense(w, grad, vel []float32, inv, wd, mom, eta float32) {
	update(w, grad, vel, nil, inv, wd, mom, eta)
}

func gemmNTAsm(m, n, k, nimg int, a []float32, lda, astr int, b []float32, ldb, bstr int, c []float32, ldc int, _ []float32) {
	gemmNTGo(m, n, k, nimg, a, lda, astr, b, ldb, bstr, c, ldc)
}

func spRowAsm(vals []float32, idx []int32, src []float32, ld int, dst []float32) {
	spRowGo(vals, idx, src, ld, dst)
}

func spDotAsm(idx []int32, src []float32, ld int, row []float32, out []float32) {
	spDotGo(idx, src, ld, row, out)
}

func reluFast(y []float32) { relu(y) }

func reluMaskFast(y, dy []float32) { reluMask(y, dy) }

func rowsFast(int) bool { return false }

func copyRowsFast(dst, src []float32, rows, ow, sstride int) {
	for y := 0; y < rows; y++ {
		copy(dst[y*ow:(y+1)*ow], src[y*sstride:y*sstride+ow])
	}
}

func addRowsFast(dst, src []float32, rows, ow, dstride int) {
	for y := 0; y < rows; y++ {
		axpy(1, src[y*ow:(y+1)*ow], dst[y*dstride:y*dstride+ow])
	}
}

func sumUpdate2(w, g0, g1, grad, vel []float32, inv, wd, mom, eta float32) bool { return false }

func poolRowFast(r0, r1, y []float32, arg []int32, w, at0 int) bool { return false }

func finiteVec(v []float32) (ok, done bool) { return false, false }

func transpose8Fast(dst []float32, ldd int, src []float32, r, c int) (r8, c8 int) { return 0, 0 }

func fill(dst []float32, v float32) {
	for i := range dst {
		dst[i] = v
	}
}

func spinPause() {}
