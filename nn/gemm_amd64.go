//go:build amd64 && !purego

package nn

import "golang.org/x/sys/cpu"

// useAsm selects the AVX2+FMA kernels when the CPU has them.
var useAsm = cpu.X86.HasAVX2 && cpu.X86.HasFMA

// kern4x16 computes C[0:4][0:16] += A[0:4][0:k]·B[0:k][0:16]; strides are in
// elements.
//
//go:noescape
func kern4x16(k int, a *float32, lda int, b *float32, ldb int, c *float32, ldc int)

// kern1x16 computes C[0][0:16] += A[0][0:k]·B[0:k][0:16].
//
//go:noescape
func kern1x16(k int, a *float32, b *float32, ldb int, c *float32)

// kern4x8 computes C[0:4][0:8] += A[0:4][0:k]·B[0:k][0:8].
//
//go:noescape
func kern4x8(k int, a *float32, lda int, b *float32, ldb int, c *float32, ldc int)

// kern1x8 computes C[0][0:8] += A[0][0:k]·B[0:k][0:8].
//
//go:noescape
func kern1x8(k int, a *float32, b *float32, ldb int, c *float32)

// gemmAsm walks C in 16-column panels (so the k×16 panel of B stays in L1
// while all row blocks of A stream past it) and 4-row blocks; an 8-column
// panel and single rows take the edges, and the last < 8 columns go to Go.
func gemmAsm(m, n, k int, a []float32, lda int, b []float32, ldb int, c []float32, ldc int) {
	j := 0
	for ; j+16 <= n; j += 16 {
		i := 0
		for ; i+4 <= m; i += 4 {
			kern4x16(k, &a[i*lda], lda, &b[j], ldb, &c[i*ldc+j], ldc)
		}
		for ; i < m; i++ {
			kern1x16(k, &a[i*lda], &b[j], ldb, &c[i*ldc+j])
		}
	}
	if j+8 <= n {
		i := 0
		for ; i+4 <= m; i += 4 {
			kern4x8(k, &a[i*lda], lda, &b[j], ldb, &c[i*ldc+j], ldc)
		}
		for ; i < m; i++ {
			kern1x8(k, &a[i*lda], &b[j], ldb, &c[i*ldc+j])
		}
		j += 8
	}
	if j < n {
		gemmGo(m, n-j, k, a, lda, b[j:], ldb, c[j:], ldc)
	}
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
