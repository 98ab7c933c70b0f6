//go:build amd64 && !purego

// AVX2+FMA micro-kernels for gemm (see gemm.go). Each keeps a rows×cols tile
// of C in ymm registers for the whole k-loop: per step it loads cols/8
// vectors of B's row p, broadcasts A[i][p] for each row and fuses a
// multiply-add into the accumulators. The four kernels differ only in tile
// size.

#include "textflag.h"

// func kern4x16(k int, a *float32, lda int, b *float32, ldb int, c *float32, ldc int, load int)
// (load = 0: C = A·B, the accumulators start at zero instead of C.)
TEXT ·kern4x16(SB), NOSPLIT, $0-64
	MOVQ k+0(FP), CX
	MOVQ a+8(FP), SI
	MOVQ lda+16(FP), R8
	MOVQ b+24(FP), DI
	MOVQ ldb+32(FP), R9
	MOVQ c+40(FP), DX
	MOVQ ldc+48(FP), R10
	SHLQ $2, R8
	SHLQ $2, R9
	SHLQ $2, R10
	LEAQ (SI)(R8*1), R11
	LEAQ (R11)(R8*1), R12
	LEAQ (R12)(R8*1), R13
	MOVQ load+56(FP), AX
	TESTQ AX, AX
	JNE kern4x16_load
	VXORPS Y0, Y0, Y0
	VXORPS Y1, Y1, Y1
	VXORPS Y2, Y2, Y2
	VXORPS Y3, Y3, Y3
	VXORPS Y4, Y4, Y4
	VXORPS Y5, Y5, Y5
	VXORPS Y6, Y6, Y6
	VXORPS Y7, Y7, Y7
	JMP kern4x16_start
kern4x16_load:
	MOVQ DX, AX
	VMOVUPS (AX), Y0
	VMOVUPS 32(AX), Y1
	ADDQ R10, AX
	VMOVUPS (AX), Y2
	VMOVUPS 32(AX), Y3
	ADDQ R10, AX
	VMOVUPS (AX), Y4
	VMOVUPS 32(AX), Y5
	ADDQ R10, AX
	VMOVUPS (AX), Y6
	VMOVUPS 32(AX), Y7
kern4x16_start:
	TESTQ CX, CX
	JE kern4x16_store
kern4x16_loop:
	VMOVUPS (DI), Y12
	VMOVUPS 32(DI), Y13
	VBROADCASTSS (SI), Y14
	VFMADD231PS Y12, Y14, Y0
	VFMADD231PS Y13, Y14, Y1
	VBROADCASTSS (R11), Y14
	VFMADD231PS Y12, Y14, Y2
	VFMADD231PS Y13, Y14, Y3
	VBROADCASTSS (R12), Y14
	VFMADD231PS Y12, Y14, Y4
	VFMADD231PS Y13, Y14, Y5
	VBROADCASTSS (R13), Y14
	VFMADD231PS Y12, Y14, Y6
	VFMADD231PS Y13, Y14, Y7
	ADDQ $4, SI
	ADDQ $4, R11
	ADDQ $4, R12
	ADDQ $4, R13
	ADDQ R9, DI
	DECQ CX
	JNZ kern4x16_loop
kern4x16_store:
	MOVQ DX, AX
	VMOVUPS Y0, (AX)
	VMOVUPS Y1, 32(AX)
	ADDQ R10, AX
	VMOVUPS Y2, (AX)
	VMOVUPS Y3, 32(AX)
	ADDQ R10, AX
	VMOVUPS Y4, (AX)
	VMOVUPS Y5, 32(AX)
	ADDQ R10, AX
	VMOVUPS Y6, (AX)
	VMOVUPS Y7, 32(AX)
	VZEROUPPER
	RET

// func kern6x16(k int, a *float32, lda int, b *float32, ldb int, c *float32, ldc int, load int)
// kern4x16 with six rows: 12 accumulators, so each step's two B vectors
// serve 12 multiply-adds (8 in kern4x16) and the 12 independent chains
// cover the FMA latency. Every C value is accumulated in the same order as
// by kern4x16, so the results are the same bit for bit.
TEXT ·kern6x16(SB), NOSPLIT, $0-64
	MOVQ k+0(FP), CX
	MOVQ a+8(FP), SI
	MOVQ lda+16(FP), R8
	MOVQ b+24(FP), DI
	MOVQ ldb+32(FP), R9
	MOVQ c+40(FP), DX
	MOVQ ldc+48(FP), R10
	SHLQ $2, R8
	SHLQ $2, R9
	SHLQ $2, R10
	LEAQ (SI)(R8*2), R11
	ADDQ R8, R11 // row 3
	MOVQ load+56(FP), AX
	TESTQ AX, AX
	JNE kern6x16_load
	VXORPS Y0, Y0, Y0
	VXORPS Y1, Y1, Y1
	VXORPS Y2, Y2, Y2
	VXORPS Y3, Y3, Y3
	VXORPS Y4, Y4, Y4
	VXORPS Y5, Y5, Y5
	VXORPS Y6, Y6, Y6
	VXORPS Y7, Y7, Y7
	VXORPS Y8, Y8, Y8
	VXORPS Y9, Y9, Y9
	VXORPS Y10, Y10, Y10
	VXORPS Y11, Y11, Y11
	JMP kern6x16_start
kern6x16_load:
	MOVQ DX, AX
	VMOVUPS (AX), Y0
	VMOVUPS 32(AX), Y1
	ADDQ R10, AX
	VMOVUPS (AX), Y2
	VMOVUPS 32(AX), Y3
	ADDQ R10, AX
	VMOVUPS (AX), Y4
	VMOVUPS 32(AX), Y5
	ADDQ R10, AX
	VMOVUPS (AX), Y6
	VMOVUPS 32(AX), Y7
	ADDQ R10, AX
	VMOVUPS (AX), Y8
	VMOVUPS 32(AX), Y9
	ADDQ R10, AX
	VMOVUPS (AX), Y10
	VMOVUPS 32(AX), Y11
kern6x16_start:
	TESTQ CX, CX
	JE kern6x16_store
kern6x16_loop:
	VMOVUPS (DI), Y12
	VMOVUPS 32(DI), Y13
	VBROADCASTSS (SI), Y14
	VFMADD231PS Y12, Y14, Y0
	VFMADD231PS Y13, Y14, Y1
	VBROADCASTSS (SI)(R8*1), Y14
	VFMADD231PS Y12, Y14, Y2
	VFMADD231PS Y13, Y14, Y3
	VBROADCASTSS (SI)(R8*2), Y14
	VFMADD231PS Y12, Y14, Y4
	VFMADD231PS Y13, Y14, Y5
	VBROADCASTSS (R11), Y14
	VFMADD231PS Y12, Y14, Y6
	VFMADD231PS Y13, Y14, Y7
	VBROADCASTSS (R11)(R8*1), Y14
	VFMADD231PS Y12, Y14, Y8
	VFMADD231PS Y13, Y14, Y9
	VBROADCASTSS (R11)(R8*2), Y14
	VFMADD231PS Y12, Y14, Y10
	VFMADD231PS Y13, Y14, Y11
	ADDQ $4, SI
	ADDQ $4, R11
	ADDQ R9, DI
	DECQ CX
	JNZ kern6x16_loop
kern6x16_store:
	MOVQ DX, AX
	VMOVUPS Y0, (AX)
	VMOVUPS Y1, 32(AX)
	ADDQ R10, AX
	VMOVUPS Y2, (AX)
	VMOVUPS Y3, 32(AX)
	ADDQ R10, AX
	VMOVUPS Y4, (AX)
	VMOVUPS Y5, 32(AX)
	ADDQ R10, AX
	VMOVUPS Y6, (AX)
	VMOVUPS Y7, 32(AX)
	ADDQ R10, AX
	VMOVUPS Y8, (AX)
	VMOVUPS Y9, 32(AX)
	ADDQ R10, AX
	VMOVUPS Y10, (AX)
	VMOVUPS Y11, 32(AX)
	VZEROUPPER
	RET

// func kern4x8(k int, a *float32, lda int, b *float32, ldb int, c *float32, ldc int, load int)
TEXT ·kern4x8(SB), NOSPLIT, $0-64
	MOVQ k+0(FP), CX
	MOVQ a+8(FP), SI
	MOVQ lda+16(FP), R8
	MOVQ b+24(FP), DI
	MOVQ ldb+32(FP), R9
	MOVQ c+40(FP), DX
	MOVQ ldc+48(FP), R10
	SHLQ $2, R8
	SHLQ $2, R9
	SHLQ $2, R10
	LEAQ (SI)(R8*1), R11
	LEAQ (R11)(R8*1), R12
	LEAQ (R12)(R8*1), R13
	MOVQ load+56(FP), AX
	TESTQ AX, AX
	JNE kern4x8_load
	VXORPS Y0, Y0, Y0
	VXORPS Y1, Y1, Y1
	VXORPS Y2, Y2, Y2
	VXORPS Y3, Y3, Y3
	JMP kern4x8_start
kern4x8_load:
	MOVQ DX, AX
	VMOVUPS (AX), Y0
	ADDQ R10, AX
	VMOVUPS (AX), Y1
	ADDQ R10, AX
	VMOVUPS (AX), Y2
	ADDQ R10, AX
	VMOVUPS (AX), Y3
kern4x8_start:
	TESTQ CX, CX
	JE kern4x8_store
kern4x8_loop:
	VMOVUPS (DI), Y12
	VBROADCASTSS (SI), Y14
	VFMADD231PS Y12, Y14, Y0
	VBROADCASTSS (R11), Y14
	VFMADD231PS Y12, Y14, Y1
	VBROADCASTSS (R12), Y14
	VFMADD231PS Y12, Y14, Y2
	VBROADCASTSS (R13), Y14
	VFMADD231PS Y12, Y14, Y3
	ADDQ $4, SI
	ADDQ $4, R11
	ADDQ $4, R12
	ADDQ $4, R13
	ADDQ R9, DI
	DECQ CX
	JNZ kern4x8_loop
kern4x8_store:
	MOVQ DX, AX
	VMOVUPS Y0, (AX)
	ADDQ R10, AX
	VMOVUPS Y1, (AX)
	ADDQ R10, AX
	VMOVUPS Y2, (AX)
	ADDQ R10, AX
	VMOVUPS Y3, (AX)
	VZEROUPPER
	RET

// func kern1x16(k int, a *float32, b *float32, ldb int, c *float32, load int)
TEXT ·kern1x16(SB), NOSPLIT, $0-48
	MOVQ k+0(FP), CX
	MOVQ a+8(FP), SI
	MOVQ b+16(FP), DI
	MOVQ ldb+24(FP), R9
	MOVQ c+32(FP), DX
	SHLQ $2, R9
	VXORPS Y0, Y0, Y0
	VXORPS Y1, Y1, Y1
	MOVQ load+40(FP), AX
	TESTQ AX, AX
	JE kern1x16_start
	MOVQ DX, AX
	VMOVUPS (AX), Y0
	VMOVUPS 32(AX), Y1
kern1x16_start:
	TESTQ CX, CX
	JE kern1x16_store
kern1x16_loop:
	VMOVUPS (DI), Y12
	VMOVUPS 32(DI), Y13
	VBROADCASTSS (SI), Y14
	VFMADD231PS Y12, Y14, Y0
	VFMADD231PS Y13, Y14, Y1
	ADDQ $4, SI
	ADDQ R9, DI
	DECQ CX
	JNZ kern1x16_loop
kern1x16_store:
	MOVQ DX, AX
	VMOVUPS Y0, (AX)
	VMOVUPS Y1, 32(AX)
	VZEROUPPER
	RET

// func kern1x8(k int, a *float32, b *float32, ldb int, c *float32, load int)
TEXT ·kern1x8(SB), NOSPLIT, $0-48
	MOVQ k+0(FP), CX
	MOVQ a+8(FP), SI
	MOVQ b+16(FP), DI
	MOVQ ldb+24(FP), R9
	MOVQ c+32(FP), DX
	SHLQ $2, R9
	VXORPS Y0, Y0, Y0
	MOVQ load+40(FP), AX
	TESTQ AX, AX
	JE kern1x8_start
	MOVQ DX, AX
	VMOVUPS (AX), Y0
kern1x8_start:
	TESTQ CX, CX
	JE kern1x8_store
kern1x8_loop:
	VMOVUPS (DI), Y12
	VBROADCASTSS (SI), Y14
	VFMADD231PS Y12, Y14, Y0
	ADDQ $4, SI
	ADDQ R9, DI
	DECQ CX
	JNZ kern1x8_loop
kern1x8_store:
	MOVQ DX, AX
	VMOVUPS Y0, (AX)
	VZEROUPPER
	RET

// func sgdKernel(w, grad, vel *float32, n int, inv, wd, mom, eta float32)
// For i < n (a multiple of 8), in the operation order of update in sgd.go so
// results are bit-identical to it:
//   g = grad·inv + wd·w;  v = mom·vel + g;  vel = v;  w = w − eta·v
TEXT ·sgdKernel(SB), NOSPLIT, $0-48
	MOVQ w+0(FP), DI
	MOVQ grad+8(FP), SI
	MOVQ vel+16(FP), DX
	MOVQ n+24(FP), CX
	VBROADCASTSS inv+32(FP), Y0
	VBROADCASTSS wd+36(FP), Y1
	VBROADCASTSS mom+40(FP), Y2
	VBROADCASTSS eta+44(FP), Y3
	SHRQ $3, CX
	JZ sgd_done
sgd_loop:
	VMOVUPS (SI), Y4
	VMULPS Y0, Y4, Y4
	VMOVUPS (DI), Y5
	VMULPS Y1, Y5, Y6
	VADDPS Y6, Y4, Y4
	VMOVUPS (DX), Y7
	VMULPS Y2, Y7, Y7
	VADDPS Y4, Y7, Y7
	VMOVUPS Y7, (DX)
	VMULPS Y3, Y7, Y8
	VSUBPS Y8, Y5, Y5
	VMOVUPS Y5, (DI)
	ADDQ $32, SI
	ADDQ $32, DI
	ADDQ $32, DX
	DECQ CX
	JNZ sgd_loop
sgd_done:
	VZEROUPPER
	RET

// func kernNT4x2(k8 int, a *float32, lda int, b *float32, ldb int, c *float32, ldc int, pairs int, nimg int, astr int, bstr int)
// For jj < pairs: C[0:4][2jj:2jj+2] += Σ_img A_img[0:4][0:8·k8] ·
// B_img[2jj:2jj+2][0:8·k8]ᵀ, where A_img = a + img·astr and B_img = b +
// img·bstr (nimg ≥ 1 images; both operands row-major with the contraction
// contiguous). Each 4×2 tile keeps 8 vector accumulators over the k-loop of
// every image and reduces them with one horizontal-add tree at the end, so
// several images share the cost of the reduction.
TEXT ·kernNT4x2(SB), NOSPLIT, $8-88
	MOVQ a+8(FP), SI
	MOVQ lda+16(FP), R8
	MOVQ b+24(FP), DI
	MOVQ ldb+32(FP), R9
	MOVQ c+40(FP), DX
	MOVQ ldc+48(FP), R10
	MOVQ pairs+56(FP), BX
	SHLQ $2, R8
	SHLQ $2, R9
	SHLQ $2, R10
	TESTQ BX, BX
	JE nt_done
	// astr and bstr become the byte step from the end of one image's rows
	// to the start of the next's.
	MOVQ k8+0(FP), CX
	SHLQ $5, CX
	MOVQ astr+72(FP), AX
	SHLQ $2, AX
	SUBQ CX, AX
	MOVQ AX, astr+72(FP)
	MOVQ bstr+80(FP), AX
	SHLQ $2, AX
	SUBQ CX, AX
	MOVQ AX, bstr+80(FP)
nt_tile:
	VXORPS Y0, Y0, Y0
	VXORPS Y1, Y1, Y1
	VXORPS Y2, Y2, Y2
	VXORPS Y3, Y3, Y3
	VXORPS Y4, Y4, Y4
	VXORPS Y5, Y5, Y5
	VXORPS Y6, Y6, Y6
	VXORPS Y7, Y7, Y7
	MOVQ SI, R11           // A row 0
	LEAQ (SI)(R8*1), R12   // A row 1
	LEAQ (R12)(R8*1), R13  // A row 2
	LEAQ (R13)(R8*1), R14  // A row 3
	MOVQ DI, AX            // B row 2jj
	LEAQ (DI)(R9*1), R15   // B row 2jj+1
	MOVQ nimg+64(FP), CX
	MOVQ CX, cnt-8(SP)
nt_img:
	MOVQ k8+0(FP), CX
	TESTQ CX, CX
	JE nt_next
nt_loop:
	VMOVUPS (AX), Y8
	VMOVUPS (R15), Y9
	VMOVUPS (R11), Y10
	VFMADD231PS Y8, Y10, Y0
	VFMADD231PS Y9, Y10, Y1
	VMOVUPS (R12), Y11
	VFMADD231PS Y8, Y11, Y2
	VFMADD231PS Y9, Y11, Y3
	VMOVUPS (R13), Y12
	VFMADD231PS Y8, Y12, Y4
	VFMADD231PS Y9, Y12, Y5
	VMOVUPS (R14), Y13
	VFMADD231PS Y8, Y13, Y6
	VFMADD231PS Y9, Y13, Y7
	ADDQ $32, AX
	ADDQ $32, R15
	ADDQ $32, R11
	ADDQ $32, R12
	ADDQ $32, R13
	ADDQ $32, R14
	DECQ CX
	JNZ nt_loop
nt_next:
	MOVQ astr+72(FP), CX
	ADDQ CX, R11
	ADDQ CX, R12
	ADDQ CX, R13
	ADDQ CX, R14
	MOVQ bstr+80(FP), CX
	ADDQ CX, AX
	ADDQ CX, R15
	DECQ cnt-8(SP)
	JNZ nt_img
nt_reduce:
	// Y0..Y7 = acc(0,0) acc(0,1) acc(1,0) acc(1,1) … acc(3,1); reduce each
	// to a scalar, giving S = [c00 c01 c10 c11 | c20 c21 c30 c31].
	VHADDPS Y1, Y0, Y8
	VHADDPS Y3, Y2, Y9
	VHADDPS Y5, Y4, Y10
	VHADDPS Y7, Y6, Y11
	VHADDPS Y9, Y8, Y8
	VHADDPS Y11, Y10, Y10
	VPERM2F128 $0x20, Y10, Y8, Y12
	VPERM2F128 $0x31, Y10, Y8, Y13
	VADDPS Y13, Y12, Y12
	// Add into C rows 0..3, two values each.
	MOVQ DX, AX
	LEAQ (DX)(R10*1), R11
	LEAQ (R11)(R10*1), R12
	LEAQ (R12)(R10*1), R13
	VMOVSD (AX), X14
	VMOVHPS (R11), X14, X14
	VMOVSD (R12), X15
	VMOVHPS (R13), X15, X15
	VINSERTF128 $1, X15, Y14, Y14
	VADDPS Y12, Y14, Y14
	VMOVLPS X14, (AX)
	VMOVHPS X14, (R11)
	VEXTRACTF128 $1, Y14, X15
	VMOVLPS X15, (R12)
	VMOVHPS X15, (R13)
	// Next pair of B rows and C columns.
	LEAQ (DI)(R9*2), DI
	ADDQ $8, DX
	DECQ BX
	JNZ nt_tile
nt_done:
	VZEROUPPER
	RET

// Sparse kernels (gemm_sparse.go). A sparse row is a list of nnz (value,
// index) pairs; src rows are ld floats apart.

// func spRow32(nnz int, vals *float32, idx *int32, src *float32, ld int, dst *float32)
// dst[0:32] += Σ_t vals[t]·src[idx[t]·ld : idx[t]·ld+32]. Even and odd t
// go to two accumulator sets (two FMA chains per vector), summed at the end.
TEXT ·spRow32(SB), NOSPLIT, $0-48
	MOVQ nnz+0(FP), CX
	MOVQ vals+8(FP), SI
	MOVQ idx+16(FP), DI
	MOVQ src+24(FP), R8
	MOVQ ld+32(FP), R9
	MOVQ dst+40(FP), DX
	SHLQ $2, R9
	VMOVUPS (DX), Y0
	VMOVUPS 32(DX), Y1
	VMOVUPS 64(DX), Y2
	VMOVUPS 96(DX), Y3
	VXORPS Y4, Y4, Y4
	VXORPS Y5, Y5, Y5
	VXORPS Y6, Y6, Y6
	VXORPS Y7, Y7, Y7
	CMPQ CX, $2
	JLT sp32_tail
sp32_pair:
	MOVLQSX (DI), AX
	IMULQ R9, AX
	ADDQ R8, AX
	MOVLQSX 4(DI), BX
	IMULQ R9, BX
	ADDQ R8, BX
	VBROADCASTSS (SI), Y8
	VBROADCASTSS 4(SI), Y9
	VFMADD231PS (AX), Y8, Y0
	VFMADD231PS 32(AX), Y8, Y1
	VFMADD231PS 64(AX), Y8, Y2
	VFMADD231PS 96(AX), Y8, Y3
	VFMADD231PS (BX), Y9, Y4
	VFMADD231PS 32(BX), Y9, Y5
	VFMADD231PS 64(BX), Y9, Y6
	VFMADD231PS 96(BX), Y9, Y7
	ADDQ $8, SI
	ADDQ $8, DI
	SUBQ $2, CX
	CMPQ CX, $2
	JGE sp32_pair
sp32_tail:
	TESTQ CX, CX
	JE sp32_store
	MOVLQSX (DI), AX
	IMULQ R9, AX
	ADDQ R8, AX
	VBROADCASTSS (SI), Y8
	VFMADD231PS (AX), Y8, Y0
	VFMADD231PS 32(AX), Y8, Y1
	VFMADD231PS 64(AX), Y8, Y2
	VFMADD231PS 96(AX), Y8, Y3
sp32_store:
	VADDPS Y4, Y0, Y0
	VADDPS Y5, Y1, Y1
	VADDPS Y6, Y2, Y2
	VADDPS Y7, Y3, Y3
	VMOVUPS Y0, (DX)
	VMOVUPS Y1, 32(DX)
	VMOVUPS Y2, 64(DX)
	VMOVUPS Y3, 96(DX)
	VZEROUPPER
	RET

// func spRow64(nnz int, vals *float32, idx *int32, src *float32, ld int, dst *float32)
// dst[0:64] += Σ_t vals[t]·src[idx[t]·ld : idx[t]·ld+64].
TEXT ·spRow64(SB), NOSPLIT, $0-48
	MOVQ nnz+0(FP), CX
	MOVQ vals+8(FP), SI
	MOVQ idx+16(FP), DI
	MOVQ src+24(FP), R8
	MOVQ ld+32(FP), R9
	MOVQ dst+40(FP), DX
	SHLQ $2, R9
	VMOVUPS (DX), Y0
	VMOVUPS 32(DX), Y1
	VMOVUPS 64(DX), Y2
	VMOVUPS 96(DX), Y3
	VMOVUPS 128(DX), Y4
	VMOVUPS 160(DX), Y5
	VMOVUPS 192(DX), Y6
	VMOVUPS 224(DX), Y7
	TESTQ CX, CX
	JE sp64_store
sp64_loop:
	MOVLQSX (DI), AX
	IMULQ R9, AX
	ADDQ R8, AX
	VBROADCASTSS (SI), Y8
	VFMADD231PS (AX), Y8, Y0
	VFMADD231PS 32(AX), Y8, Y1
	VFMADD231PS 64(AX), Y8, Y2
	VFMADD231PS 96(AX), Y8, Y3
	VFMADD231PS 128(AX), Y8, Y4
	VFMADD231PS 160(AX), Y8, Y5
	VFMADD231PS 192(AX), Y8, Y6
	VFMADD231PS 224(AX), Y8, Y7
	ADDQ $4, SI
	ADDQ $4, DI
	DECQ CX
	JNZ sp64_loop
sp64_store:
	VMOVUPS Y0, (DX)
	VMOVUPS Y1, 32(DX)
	VMOVUPS Y2, 64(DX)
	VMOVUPS Y3, 96(DX)
	VMOVUPS Y4, 128(DX)
	VMOVUPS Y5, 160(DX)
	VMOVUPS Y6, 192(DX)
	VMOVUPS Y7, 224(DX)
	VZEROUPPER
	RET

// func spDot(nnz int, idx *int32, src *float32, ld int, row *float32, len8 int, out *float32)
// out[t] += Σ_{p < 8·len8} row[p]·src[idx[t]·ld + p] for t < nnz: the
// gradient of a sparse row's weights. Two accumulators per dot.
TEXT ·spDot(SB), NOSPLIT, $0-56
	MOVQ nnz+0(FP), CX
	MOVQ idx+8(FP), DI
	MOVQ src+16(FP), R8
	MOVQ ld+24(FP), R9
	MOVQ row+32(FP), R10
	MOVQ len8+40(FP), R11
	MOVQ out+48(FP), DX
	SHLQ $2, R9
	TESTQ CX, CX
	JE spdot_done
spdot_nz:
	MOVLQSX (DI), AX
	IMULQ R9, AX
	ADDQ R8, AX
	MOVQ R10, BX
	MOVQ R11, R12
	VXORPS Y0, Y0, Y0
	VXORPS Y1, Y1, Y1
	CMPQ R12, $2
	JLT spdot_one
spdot_two:
	VMOVUPS (BX), Y2
	VMOVUPS 32(BX), Y3
	VFMADD231PS (AX), Y2, Y0
	VFMADD231PS 32(AX), Y3, Y1
	ADDQ $64, AX
	ADDQ $64, BX
	SUBQ $2, R12
	CMPQ R12, $2
	JGE spdot_two
spdot_one:
	TESTQ R12, R12
	JE spdot_sum
	VMOVUPS (BX), Y2
	VFMADD231PS (AX), Y2, Y0
spdot_sum:
	VADDPS Y1, Y0, Y0
	VEXTRACTF128 $1, Y0, X1
	VADDPS X1, X0, X0
	VHADDPS X0, X0, X0
	VHADDPS X0, X0, X0
	VADDSS (DX), X0, X0
	VMOVSS X0, (DX)
	ADDQ $4, DI
	ADDQ $4, DX
	DECQ CX
	JNZ spdot_nz
spdot_done:
	VZEROUPPER
	RET

// func reluKernel(y *float32, n int)
// y[i] = +0 where y[i]'s sign bit is set, for i < n (a multiple of 8): the
// bit operation of relu in engine.go, eight lanes at a time.
TEXT ·reluKernel(SB), NOSPLIT, $0-16
	MOVQ y+0(FP), DI
	MOVQ n+8(FP), CX
	SHRQ $3, CX
	JZ relu_done
relu_loop:
	VMOVDQU (DI), Y0
	VPSRAD $31, Y0, Y1
	VPANDN Y0, Y1, Y0
	VMOVDQU Y0, (DI)
	ADDQ $32, DI
	DECQ CX
	JNZ relu_loop
relu_done:
	VZEROUPPER
	RET

// func reluMaskKernel(y, dy *float32, n int)
// dy[i] = +0 unless the sign bit of −(y[i]'s bits as an int32) is set
// (y > 0 for ReLU outputs), for i < n (a multiple of 8): reluMask in
// engine.go, eight lanes at a time.
TEXT ·reluMaskKernel(SB), NOSPLIT, $0-24
	MOVQ y+0(FP), SI
	MOVQ dy+8(FP), DI
	MOVQ n+16(FP), CX
	SHRQ $3, CX
	JZ rmask_done
	VPXOR Y2, Y2, Y2
rmask_loop:
	VMOVDQU (SI), Y0
	VPSUBD Y0, Y2, Y1
	VPSRAD $31, Y1, Y1
	VPAND (DI), Y1, Y1
	VMOVDQU Y1, (DI)
	ADDQ $32, SI
	ADDQ $32, DI
	DECQ CX
	JNZ rmask_loop
rmask_done:
	VZEROUPPER
	RET

// func copyRows(dst, src *float32, rows, n8, sstride int)
// For y < rows: dst[y·8·n8 : (y+1)·8·n8] = src[y·sstride : y·sstride+8·n8]
// (one im2col row of a stride-1, unpadded convolution).
TEXT ·copyRows(SB), NOSPLIT, $0-40
	MOVQ dst+0(FP), DI
	MOVQ src+8(FP), SI
	MOVQ rows+16(FP), CX
	MOVQ n8+24(FP), R8
	MOVQ sstride+32(FP), R9
	SHLQ $2, R9
	TESTQ CX, CX
	JE crows_done
crows_row:
	MOVQ SI, AX
	MOVQ R8, DX
crows_vec:
	VMOVUPS (AX), Y0
	VMOVUPS Y0, (DI)
	ADDQ $32, AX
	ADDQ $32, DI
	DECQ DX
	JNZ crows_vec
	ADDQ R9, SI
	DECQ CX
	JNZ crows_row
crows_done:
	VZEROUPPER
	RET

// func addRows(dst, src *float32, rows, n8, dstride int)
// For y < rows: dst[y·dstride : y·dstride+8·n8] += src[y·8·n8 : (y+1)·8·n8]
// (one col2im row of a stride-1, unpadded convolution).
TEXT ·addRows(SB), NOSPLIT, $0-40
	MOVQ dst+0(FP), DI
	MOVQ src+8(FP), SI
	MOVQ rows+16(FP), CX
	MOVQ n8+24(FP), R8
	MOVQ dstride+32(FP), R9
	SHLQ $2, R9
	TESTQ CX, CX
	JE arows_done
arows_row:
	MOVQ DI, AX
	MOVQ R8, DX
arows_vec:
	VMOVUPS (AX), Y0
	VADDPS (SI), Y0, Y0
	VMOVUPS Y0, (AX)
	ADDQ $32, AX
	ADDQ $32, SI
	DECQ DX
	JNZ arows_vec
	ADDQ R9, DI
	DECQ CX
	JNZ arows_row
arows_done:
	VZEROUPPER
	RET

// func sgdSum2Kernel(w, g0, g1, grad, vel *float32, n int, inv, wd, mom, eta float32)
// For i < n (a multiple of 8): grad = g0 + g1 (the two chunks' gradient
// sums, in chunk order), then sgdKernel's update with it; bit-identical to
// sumChunks followed by update.
TEXT ·sgdSum2Kernel(SB), NOSPLIT, $0-64
	MOVQ w+0(FP), DI
	MOVQ g0+8(FP), SI
	MOVQ g1+16(FP), R8
	MOVQ grad+24(FP), R9
	MOVQ vel+32(FP), DX
	MOVQ n+40(FP), CX
	VBROADCASTSS inv+48(FP), Y0
	VBROADCASTSS wd+52(FP), Y1
	VBROADCASTSS mom+56(FP), Y2
	VBROADCASTSS eta+60(FP), Y3
	SHRQ $3, CX
	JZ sgd2_done
sgd2_loop:
	VMOVUPS (SI), Y4
	VADDPS (R8), Y4, Y4
	VMOVUPS Y4, (R9)
	VMULPS Y0, Y4, Y4
	VMOVUPS (DI), Y5
	VMULPS Y1, Y5, Y6
	VADDPS Y6, Y4, Y4
	VMOVUPS (DX), Y7
	VMULPS Y2, Y7, Y7
	VADDPS Y4, Y7, Y7
	VMOVUPS Y7, (DX)
	VMULPS Y3, Y7, Y8
	VSUBPS Y8, Y5, Y5
	VMOVUPS Y5, (DI)
	ADDQ $32, SI
	ADDQ $32, R8
	ADDQ $32, R9
	ADDQ $32, DI
	ADDQ $32, DX
	DECQ CX
	JNZ sgd2_loop
sgd2_done:
	VZEROUPPER
	RET

// func pool2x2Row(r0, r1 *float32, w, n8 int, y *float32, arg *int32, at0 int)
// One output row of a 2×2 stride-2 max pool over ReLU outputs (+0 or
// positive, so the integer order of the bits is the order of the values):
// input rows r0, r1 (w floats apart in the image; n8 groups of 8 columns),
// four outputs per group into y and the input position of each maximum
// (at0 + column, + w for the second row) into arg. Ties resolve as in
// pool2x2NonNeg: r0[i], r0[i+1], r1[i], r1[i+1], the first maximum wins.
TEXT ·pool2x2Row(SB), NOSPLIT, $0-56
	MOVQ r0+0(FP), SI
	MOVQ r1+8(FP), DI
	MOVQ w+16(FP), AX
	MOVQ n8+24(FP), CX
	MOVQ y+32(FP), DX
	MOVQ arg+40(FP), R8
	MOVQ at0+48(FP), R9
	TESTQ CX, CX
	JE pool_done
	// Y10 = offsets of the even candidates [0 0 w w | 0 0 w w],
	// Y11 = those of the odd ones [1 1 w+1 w+1 | …].
	VPXOR X10, X10, X10
	MOVL AX, BX
	VMOVD BX, X12
	VPBROADCASTD X12, Y12          // w in every lane
	VPBLENDD $0xCC, Y12, Y10, Y10 // lanes 2,3,6,7 = w
	MOVL $1, BX
	VMOVD BX, X13
	VPBROADCASTD X13, Y13          // 1 in every lane
	VPADDD Y13, Y10, Y11
	// Y14 = base columns [0 2 4 6] (low 128 bits) + at0.
	MOVL R9, BX
	VMOVD BX, X14
	VPBROADCASTD X14, X14
	MOVL $0, BX
	VMOVD BX, X15
	MOVL $2, BX
	VPINSRD $1, BX, X15, X15
	MOVL $4, BX
	VPINSRD $2, BX, X15, X15
	MOVL $6, BX
	VPINSRD $3, BX, X15, X15
	VPADDD X15, X14, X14
	MOVL $8, BX
	VMOVD BX, X15
	VPBROADCASTD X15, X15          // 8: the base step per group
pool_loop:
	VMOVUPS (SI), Y0
	VMOVUPS (DI), Y1
	VSHUFPS $0x88, Y1, Y0, Y2 // evens [a0 a2 b0 b2 | a4 a6 b4 b6]
	VSHUFPS $0xDD, Y1, Y0, Y3 // odds  [a1 a3 b1 b3 | a5 a7 b5 b7]
	VPCMPGTD Y2, Y3, Y4       // odd > even
	VBLENDVPS Y4, Y3, Y2, Y5  // pair maxima
	VBLENDVPS Y4, Y11, Y10, Y6 // their offsets
	VPERMILPS $0x4E, Y5, Y7   // row-1 pair maxima into lanes 0,1
	VPERMILPS $0x4E, Y6, Y8
	VPCMPGTD Y5, Y7, Y4       // row 1's > row 0's
	VBLENDVPS Y4, Y7, Y5, Y5
	VBLENDVPS Y4, Y8, Y6, Y6
	VPERMQ $0x08, Y5, Y5      // lanes 0,1 of each half → 4 outputs
	VPERMQ $0x08, Y6, Y6
	VMOVUPS X5, (DX)
	VPADDD X14, X6, X6
	VMOVDQU X6, (R8)
	VPADDD X15, X14, X14
	ADDQ $32, SI
	ADDQ $32, DI
	ADDQ $16, DX
	ADDQ $16, R8
	DECQ CX
	JNZ pool_loop
pool_done:
	VZEROUPPER
	RET

// func kernNT4x3(k8 int, a *float32, lda int, b *float32, ldb int, c *float32, ldc int, triples int, nimg int, astr int, bstr int)
// kernNT4x2 with 4×3 tiles: 12 accumulators, so one reduction serves 12
// outputs. For jj < triples: C[0:4][3jj:3jj+3] += Σ_img A_img[0:4] ·
// B_img[3jj:3jj+3]ᵀ over 8·k8 terms.
TEXT ·kernNT4x3(SB), NOSPLIT, $8-88
	MOVQ a+8(FP), SI
	MOVQ lda+16(FP), R8
	MOVQ b+24(FP), DI
	MOVQ ldb+32(FP), R9
	MOVQ c+40(FP), DX
	MOVQ ldc+48(FP), R10
	MOVQ triples+56(FP), BX
	SHLQ $2, R8
	SHLQ $2, R9
	SHLQ $2, R10
	TESTQ BX, BX
	JE nt3_done
	MOVQ k8+0(FP), CX
	SHLQ $5, CX
	MOVQ astr+72(FP), AX
	SHLQ $2, AX
	SUBQ CX, AX
	MOVQ AX, astr+72(FP)
	MOVQ bstr+80(FP), AX
	SHLQ $2, AX
	SUBQ CX, AX
	MOVQ AX, bstr+80(FP)
nt3_tile:
	VXORPS Y0, Y0, Y0
	VXORPS Y1, Y1, Y1
	VXORPS Y2, Y2, Y2
	VXORPS Y3, Y3, Y3
	VXORPS Y4, Y4, Y4
	VXORPS Y5, Y5, Y5
	VXORPS Y6, Y6, Y6
	VXORPS Y7, Y7, Y7
	VXORPS Y8, Y8, Y8
	VXORPS Y9, Y9, Y9
	VXORPS Y10, Y10, Y10
	VXORPS Y11, Y11, Y11
	MOVQ SI, R11          // A row 0; row 2 at (R11)(R8*2)
	LEAQ (SI)(R8*1), R12  // A row 1; row 3 at (R12)(R8*2)
	MOVQ DI, AX           // B row 3jj; rows +1, +2 at (AX)(R9*1), (AX)(R9*2)
	MOVQ nimg+64(FP), CX
	MOVQ CX, cnt-8(SP)
nt3_img:
	MOVQ k8+0(FP), CX
	TESTQ CX, CX
	JE nt3_next
nt3_loop:
	VMOVUPS (AX), Y12
	VMOVUPS (AX)(R9*1), Y13
	VMOVUPS (AX)(R9*2), Y14
	VMOVUPS (R11), Y15
	VFMADD231PS Y12, Y15, Y0
	VFMADD231PS Y13, Y15, Y1
	VFMADD231PS Y14, Y15, Y2
	VMOVUPS (R12), Y15
	VFMADD231PS Y12, Y15, Y3
	VFMADD231PS Y13, Y15, Y4
	VFMADD231PS Y14, Y15, Y5
	VMOVUPS (R11)(R8*2), Y15
	VFMADD231PS Y12, Y15, Y6
	VFMADD231PS Y13, Y15, Y7
	VFMADD231PS Y14, Y15, Y8
	VMOVUPS (R12)(R8*2), Y15
	VFMADD231PS Y12, Y15, Y9
	VFMADD231PS Y13, Y15, Y10
	VFMADD231PS Y14, Y15, Y11
	ADDQ $32, AX
	ADDQ $32, R11
	ADDQ $32, R12
	DECQ CX
	JNZ nt3_loop
nt3_next:
	MOVQ astr+72(FP), CX
	ADDQ CX, R11
	ADDQ CX, R12
	ADDQ bstr+80(FP), AX
	DECQ cnt-8(SP)
	JNZ nt3_img
	// Column j of the tile (rows 0..3) from Y(j), Y(3+j), Y(6+j), Y(9+j)
	// into X(j).
	VHADDPS Y3, Y0, Y12
	VHADDPS Y9, Y6, Y13
	VHADDPS Y13, Y12, Y12
	VEXTRACTF128 $1, Y12, X13
	VADDPS X13, X12, X0
	VHADDPS Y4, Y1, Y12
	VHADDPS Y10, Y7, Y13
	VHADDPS Y13, Y12, Y12
	VEXTRACTF128 $1, Y12, X13
	VADDPS X13, X12, X1
	VHADDPS Y5, Y2, Y12
	VHADDPS Y11, Y8, Y13
	VHADDPS Y13, Y12, Y12
	VEXTRACTF128 $1, Y12, X13
	VADDPS X13, X12, X2
	// Transpose to rows [c_i0 c_i1 c_i2 0].
	VXORPS X3, X3, X3
	VUNPCKLPS X1, X0, X4
	VUNPCKHPS X1, X0, X5
	VUNPCKLPS X3, X2, X6
	VUNPCKHPS X3, X2, X7
	VMOVLHPS X6, X4, X8
	VMOVHLPS X4, X6, X9
	VMOVLHPS X7, X5, X10
	VMOVHLPS X5, X7, X11
	MOVQ DX, AX
	VMOVSD (AX), X15
	VINSERTPS $0x20, 8(AX), X15, X15
	VADDPS X8, X15, X15
	VMOVSD X15, (AX)
	VEXTRACTPS $2, X15, 8(AX)
	ADDQ R10, AX
	VMOVSD (AX), X15
	VINSERTPS $0x20, 8(AX), X15, X15
	VADDPS X9, X15, X15
	VMOVSD X15, (AX)
	VEXTRACTPS $2, X15, 8(AX)
	ADDQ R10, AX
	VMOVSD (AX), X15
	VINSERTPS $0x20, 8(AX), X15, X15
	VADDPS X10, X15, X15
	VMOVSD X15, (AX)
	VEXTRACTPS $2, X15, 8(AX)
	ADDQ R10, AX
	VMOVSD (AX), X15
	VINSERTPS $0x20, 8(AX), X15, X15
	VADDPS X11, X15, X15
	VMOVSD X15, (AX)
	VEXTRACTPS $2, X15, 8(AX)
	LEAQ (DI)(R9*2), DI
	ADDQ R9, DI
	ADDQ $12, DX
	DECQ BX
	JNZ nt3_tile
nt3_done:
	VZEROUPPER
	RET

// func spRow16(nnz int, vals *float32, idx *int32, src *float32, ld int, dst *float32)
// dst[0:16] += Σ_t vals[t]·src[idx[t]·ld : idx[t]·ld+16]. Terms t mod 4
// go to four accumulator pairs (four FMA chains per vector), summed at the
// end as (s0 + s1) + (s2 + s3), s0 starting from dst.
TEXT ·spRow16(SB), NOSPLIT, $0-48
	MOVQ nnz+0(FP), CX
	MOVQ vals+8(FP), SI
	MOVQ idx+16(FP), DI
	MOVQ src+24(FP), R8
	MOVQ ld+32(FP), R9
	MOVQ dst+40(FP), DX
	SHLQ $2, R9
	VMOVUPS (DX), Y0
	VMOVUPS 32(DX), Y1
	VXORPS Y2, Y2, Y2
	VXORPS Y3, Y3, Y3
	VXORPS Y4, Y4, Y4
	VXORPS Y5, Y5, Y5
	VXORPS Y6, Y6, Y6
	VXORPS Y7, Y7, Y7
	CMPQ CX, $4
	JLT sp16_tail
sp16_quad:
	MOVLQSX (DI), AX
	IMULQ R9, AX
	ADDQ R8, AX
	MOVLQSX 4(DI), BX
	IMULQ R9, BX
	ADDQ R8, BX
	MOVLQSX 8(DI), R10
	IMULQ R9, R10
	ADDQ R8, R10
	MOVLQSX 12(DI), R11
	IMULQ R9, R11
	ADDQ R8, R11
	VBROADCASTSS (SI), Y8
	VBROADCASTSS 4(SI), Y9
	VBROADCASTSS 8(SI), Y10
	VBROADCASTSS 12(SI), Y11
	VFMADD231PS (AX), Y8, Y0
	VFMADD231PS 32(AX), Y8, Y1
	VFMADD231PS (BX), Y9, Y2
	VFMADD231PS 32(BX), Y9, Y3
	VFMADD231PS (R10), Y10, Y4
	VFMADD231PS 32(R10), Y10, Y5
	VFMADD231PS (R11), Y11, Y6
	VFMADD231PS 32(R11), Y11, Y7
	ADDQ $16, SI
	ADDQ $16, DI
	SUBQ $4, CX
	CMPQ CX, $4
	JGE sp16_quad
sp16_tail:
	TESTQ CX, CX
	JE sp16_store
	MOVLQSX (DI), AX
	IMULQ R9, AX
	ADDQ R8, AX
	VBROADCASTSS (SI), Y8
	VFMADD231PS (AX), Y8, Y0
	VFMADD231PS 32(AX), Y8, Y1
	ADDQ $4, SI
	ADDQ $4, DI
	DECQ CX
	JMP sp16_tail
sp16_store:
	VADDPS Y2, Y0, Y0
	VADDPS Y3, Y1, Y1
	VADDPS Y6, Y4, Y4
	VADDPS Y7, Y5, Y5
	VADDPS Y4, Y0, Y0
	VADDPS Y5, Y1, Y1
	VMOVUPS Y0, (DX)
	VMOVUPS Y1, 32(DX)
	VZEROUPPER
	RET

// func finiteKernel(v *float32, n int, acc *float32)
// acc[0:8] = Σ over i < n (a multiple of 8) of v[i] − v[i], eight lanes at
// a time: every lane is 0 exactly when every v[i] is finite (finite in
// train.go).
TEXT ·finiteKernel(SB), NOSPLIT, $0-24
	MOVQ v+0(FP), SI
	MOVQ n+8(FP), CX
	MOVQ acc+16(FP), DX
	VXORPS Y0, Y0, Y0
	VXORPS Y1, Y1, Y1
	SHRQ $3, CX
	JZ finite_done
finite_loop:
	VMOVUPS (SI), Y2
	VSUBPS Y2, Y2, Y2
	VADDPS Y2, Y0, Y0
	ADDQ $32, SI
	DECQ CX
	JNZ finite_loop
finite_done:
	VMOVUPS Y0, (DX)
	VZEROUPPER
	RET

// spDot for 4·n4 entries, four at a time: each vector of row is loaded once
// for the four dot products (two accumulators each), and one tree of
// horizontal adds reduces all four; the results equal spDot's bit for bit.
TEXT ·spDot4(SB), NOSPLIT, $0-56
	MOVQ n4+0(FP), CX
	MOVQ idx+8(FP), DI
	MOVQ src+16(FP), R8
	MOVQ ld+24(FP), R9
	MOVQ row+32(FP), R10
	MOVQ len8+40(FP), R11
	MOVQ out+48(FP), DX
	SHLQ $2, R9
	SHRQ $1, R11
	SHLQ $6, R11 // bytes of row in whole pairs of vectors
	TESTQ CX, CX
	JE sd4_done
sd4_group:
	MOVLQSX (DI), AX
	IMULQ R9, AX
	ADDQ R8, AX
	MOVLQSX 4(DI), BX
	IMULQ R9, BX
	ADDQ R8, BX
	MOVLQSX 8(DI), R12
	IMULQ R9, R12
	ADDQ R8, R12
	MOVLQSX 12(DI), R13
	IMULQ R9, R13
	ADDQ R8, R13
	VXORPS Y0, Y0, Y0
	VXORPS Y1, Y1, Y1
	VXORPS Y2, Y2, Y2
	VXORPS Y3, Y3, Y3
	VXORPS Y4, Y4, Y4
	VXORPS Y5, Y5, Y5
	VXORPS Y6, Y6, Y6
	VXORPS Y7, Y7, Y7
	XORQ SI, SI
	TESTQ R11, R11
	JE sd4_odd
sd4_pair:
	VMOVUPS (R10)(SI*1), Y8
	VMOVUPS 32(R10)(SI*1), Y9
	VFMADD231PS (AX)(SI*1), Y8, Y0
	VFMADD231PS 32(AX)(SI*1), Y9, Y1
	VFMADD231PS (BX)(SI*1), Y8, Y2
	VFMADD231PS 32(BX)(SI*1), Y9, Y3
	VFMADD231PS (R12)(SI*1), Y8, Y4
	VFMADD231PS 32(R12)(SI*1), Y9, Y5
	VFMADD231PS (R13)(SI*1), Y8, Y6
	VFMADD231PS 32(R13)(SI*1), Y9, Y7
	ADDQ $64, SI
	CMPQ SI, R11
	JLT sd4_pair
sd4_odd:
	TESTQ $1, len8+40(FP)
	JE sd4_sum
	VMOVUPS (R10)(SI*1), Y8
	VFMADD231PS (AX)(SI*1), Y8, Y0
	VFMADD231PS (BX)(SI*1), Y8, Y2
	VFMADD231PS (R12)(SI*1), Y8, Y4
	VFMADD231PS (R13)(SI*1), Y8, Y6
sd4_sum:
	// Each dot reduced in spDot's order (halves, then two horizontal
	// adds), so an entry's value does not depend on its group.
	VADDPS Y1, Y0, Y0
	VADDPS Y3, Y2, Y2
	VADDPS Y5, Y4, Y4
	VADDPS Y7, Y6, Y6
	VPERM2F128 $0x20, Y2, Y0, Y8
	VPERM2F128 $0x31, Y2, Y0, Y9
	VADDPS Y9, Y8, Y8 // [a.lo + a.hi | b.lo + b.hi]
	VPERM2F128 $0x20, Y6, Y4, Y10
	VPERM2F128 $0x31, Y6, Y4, Y11
	VADDPS Y11, Y10, Y10 // the same for c, d
	VHADDPS Y10, Y8, Y8 // [a01 a23 c01 c23 | b01 b23 d01 d23]
	VHADDPS Y8, Y8, Y8  // [a c a c | b d b d]
	VEXTRACTF128 $1, Y8, X9
	VUNPCKLPS X9, X8, X8 // [a b c d]
	VMOVUPS (DX), X1
	VADDPS X1, X8, X8
	VMOVUPS X8, (DX)
	ADDQ $16, DI
	ADDQ $16, DX
	DECQ CX
	JNZ sd4_group
sd4_done:
	VZEROUPPER
	RET

// func transpose8(dst *float32, ldd int, src *float32, lds int, nb int)
// For b < nb: the 8×8 block of src rows 0…7 (lds floats apart), columns
// 8b…8b+7, transposed into dst rows 8b…8b+7 (ldd floats apart), columns
// 0…7: unpack pairs of rows, shuffle quadruples, swap 128-bit halves.
TEXT ·transpose8(SB), NOSPLIT, $0-40
	MOVQ dst+0(FP), DI
	MOVQ ldd+8(FP), R11
	MOVQ src+16(FP), SI
	MOVQ lds+24(FP), R9
	MOVQ nb+32(FP), CX
	SHLQ $2, R11
	SHLQ $2, R9
	LEAQ (R9)(R9*2), R10  // 3·lds
	LEAQ (R11)(R11*2), R12 // 3·ldd
	LEAQ (SI)(R9*4), R8    // source row 4
	TESTQ CX, CX
	JE tr8_done
tr8_loop:
	VMOVUPS (SI), Y0
	VMOVUPS (SI)(R9*1), Y1
	VMOVUPS (SI)(R9*2), Y2
	VMOVUPS (SI)(R10*1), Y3
	VMOVUPS (R8), Y4
	VMOVUPS (R8)(R9*1), Y5
	VMOVUPS (R8)(R9*2), Y6
	VMOVUPS (R8)(R10*1), Y7
	VUNPCKLPS Y1, Y0, Y8
	VUNPCKHPS Y1, Y0, Y9
	VUNPCKLPS Y3, Y2, Y10
	VUNPCKHPS Y3, Y2, Y11
	VUNPCKLPS Y5, Y4, Y12
	VUNPCKHPS Y5, Y4, Y13
	VUNPCKLPS Y7, Y6, Y14
	VUNPCKHPS Y7, Y6, Y15
	VSHUFPS $0x44, Y10, Y8, Y0
	VSHUFPS $0xEE, Y10, Y8, Y1
	VSHUFPS $0x44, Y11, Y9, Y2
	VSHUFPS $0xEE, Y11, Y9, Y3
	VSHUFPS $0x44, Y14, Y12, Y4
	VSHUFPS $0xEE, Y14, Y12, Y5
	VSHUFPS $0x44, Y15, Y13, Y6
	VSHUFPS $0xEE, Y15, Y13, Y7
	VPERM2F128 $0x20, Y4, Y0, Y8
	VPERM2F128 $0x20, Y5, Y1, Y9
	VPERM2F128 $0x20, Y6, Y2, Y10
	VPERM2F128 $0x20, Y7, Y3, Y11
	VPERM2F128 $0x31, Y4, Y0, Y12
	VPERM2F128 $0x31, Y5, Y1, Y13
	VPERM2F128 $0x31, Y6, Y2, Y14
	VPERM2F128 $0x31, Y7, Y3, Y15
	VMOVUPS Y8, (DI)
	VMOVUPS Y9, (DI)(R11*1)
	VMOVUPS Y10, (DI)(R11*2)
	VMOVUPS Y11, (DI)(R12*1)
	LEAQ (DI)(R11*4), DI
	VMOVUPS Y12, (DI)
	VMOVUPS Y13, (DI)(R11*1)
	VMOVUPS Y14, (DI)(R11*2)
	VMOVUPS Y15, (DI)(R12*1)
	LEAQ (DI)(R11*4), DI
	ADDQ $32, SI
	ADDQ $32, R8
	DECQ CX
	JNZ tr8_loop
tr8_done:
	VZEROUPPER
	RET

// func fillKernel(dst *float32, n8 int, v float32)
// dst[0 : 8·n8] = v.
TEXT ·fillKernel(SB), NOSPLIT, $0-20
	MOVQ dst+0(FP), DI
	MOVQ n8+8(FP), CX
	VBROADCASTSS v+16(FP), Y0
	TESTQ CX, CX
	JE fill_done
fill_loop:
	VMOVUPS Y0, (DI)
	ADDQ $32, DI
	DECQ CX
	JNZ fill_loop
fill_done:
	VZEROUPPER
	RET

// func spinPause()
// A few PAUSE instructions: the body of a busy-wait loop (workerPool).
TEXT ·spinPause(SB), NOSPLIT, $0-0
	PAUSE
	PAUSE
	PAUSE
	PAUSE
	PAUSE
	PAUSE
	PAUSE
	PAUSE
	RET
