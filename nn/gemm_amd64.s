//go:build amd64 && !purego

// AVX2+FMA micro-kernels for gemm (see gemm.go). Each keeps a rows×cols tile
// of C in ymm registers for the whole k-loop: per step it loads cols/8
// vectors of B's row p, broadcasts A[i][p] for each row and fuses a
// multiply-add into the accumulators. The four kernels differ only in tile
// size.

#include "textflag.h"

// func kern4x16(k int, a *float32, lda int, b *float32, ldb int, c *float32, ldc int)
TEXT ·kern4x16(SB), NOSPLIT, $0-56
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

// func kern4x8(k int, a *float32, lda int, b *float32, ldb int, c *float32, ldc int)
TEXT ·kern4x8(SB), NOSPLIT, $0-56
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
	MOVQ DX, AX
	VMOVUPS (AX), Y0
	ADDQ R10, AX
	VMOVUPS (AX), Y1
	ADDQ R10, AX
	VMOVUPS (AX), Y2
	ADDQ R10, AX
	VMOVUPS (AX), Y3
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

// func kern1x16(k int, a *float32, b *float32, ldb int, c *float32)
TEXT ·kern1x16(SB), NOSPLIT, $0-40
	MOVQ k+0(FP), CX
	MOVQ a+8(FP), SI
	MOVQ b+16(FP), DI
	MOVQ ldb+24(FP), R9
	MOVQ c+32(FP), DX
	SHLQ $2, R9
	MOVQ DX, AX
	VMOVUPS (AX), Y0
	VMOVUPS 32(AX), Y1
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

// func kern1x8(k int, a *float32, b *float32, ldb int, c *float32)
TEXT ·kern1x8(SB), NOSPLIT, $0-40
	MOVQ k+0(FP), CX
	MOVQ a+8(FP), SI
	MOVQ b+16(FP), DI
	MOVQ ldb+24(FP), R9
	MOVQ c+32(FP), DX
	SHLQ $2, R9
	MOVQ DX, AX
	VMOVUPS (AX), Y0
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
