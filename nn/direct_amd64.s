//go:build amd64 && !purego

#include "textflag.h"

// Kernels of the direct sparse convolution (directkern.go). Planes are
// interleaved: one 32-byte vector holds one position of eight images.
// Offsets (idx) and row strides count vectors.

// func dcRow8(nnz int, vals *float32, idx *int32, src *float32, srs int, dst *float32, drs int, rows int)
// For r < rows, k < 8: dst[r·drs + k] = Σ_t vals[t]·src[idx[t] + r·srs + k],
// each sum in the order of t in its own register.
TEXT ·dcRow8(SB), NOSPLIT, $0-64
	MOVQ nnz+0(FP), CX
	MOVQ vals+8(FP), SI
	MOVQ idx+16(FP), DI
	MOVQ src+24(FP), R8
	MOVQ srs+32(FP), R9
	MOVQ dst+40(FP), DX
	MOVQ drs+48(FP), R10
	MOVQ rows+56(FP), R11
	SHLQ $5, R9
	SHLQ $5, R10
dr8_row:
	VXORPS Y0, Y0, Y0
	VXORPS Y1, Y1, Y1
	VXORPS Y2, Y2, Y2
	VXORPS Y3, Y3, Y3
	VXORPS Y4, Y4, Y4
	VXORPS Y5, Y5, Y5
	VXORPS Y6, Y6, Y6
	VXORPS Y7, Y7, Y7
	XORQ BX, BX
	TESTQ CX, CX
	JE dr8_store
dr8_nz:
	MOVLQSX (DI)(BX*4), AX
	SHLQ $5, AX
	ADDQ R8, AX
	VBROADCASTSS (SI)(BX*4), Y8
	VFMADD231PS (AX), Y8, Y0
	VFMADD231PS 32(AX), Y8, Y1
	VFMADD231PS 64(AX), Y8, Y2
	VFMADD231PS 96(AX), Y8, Y3
	VFMADD231PS 128(AX), Y8, Y4
	VFMADD231PS 160(AX), Y8, Y5
	VFMADD231PS 192(AX), Y8, Y6
	VFMADD231PS 224(AX), Y8, Y7
	INCQ BX
	CMPQ BX, CX
	JLT dr8_nz
dr8_store:
	VMOVUPS Y0, (DX)
	VMOVUPS Y1, 32(DX)
	VMOVUPS Y2, 64(DX)
	VMOVUPS Y3, 96(DX)
	VMOVUPS Y4, 128(DX)
	VMOVUPS Y5, 160(DX)
	VMOVUPS Y6, 192(DX)
	VMOVUPS Y7, 224(DX)
	ADDQ R9, R8
	ADDQ R10, DX
	DECQ R11
	JNZ dr8_row
	VZEROUPPER
	RET

// func dcRow4x2(nnz int, vals *float32, idx *int32, src *float32, srs int, dst *float32, drs int, pairs int)
// dcRow8 for 4 columns and rows taken in pairs: rows 2i and 2i+1 in eight
// registers.
TEXT ·dcRow4x2(SB), NOSPLIT, $0-64
	MOVQ nnz+0(FP), CX
	MOVQ vals+8(FP), SI
	MOVQ idx+16(FP), DI
	MOVQ src+24(FP), R8
	MOVQ srs+32(FP), R9
	MOVQ dst+40(FP), DX
	MOVQ drs+48(FP), R10
	MOVQ pairs+56(FP), R11
	SHLQ $5, R9
	SHLQ $5, R10
dr4_row:
	VXORPS Y0, Y0, Y0
	VXORPS Y1, Y1, Y1
	VXORPS Y2, Y2, Y2
	VXORPS Y3, Y3, Y3
	VXORPS Y4, Y4, Y4
	VXORPS Y5, Y5, Y5
	VXORPS Y6, Y6, Y6
	VXORPS Y7, Y7, Y7
	XORQ BX, BX
	TESTQ CX, CX
	JE dr4_store
dr4_nz:
	MOVLQSX (DI)(BX*4), AX
	SHLQ $5, AX
	ADDQ R8, AX
	VBROADCASTSS (SI)(BX*4), Y8
	VFMADD231PS (AX), Y8, Y0
	VFMADD231PS 32(AX), Y8, Y1
	VFMADD231PS 64(AX), Y8, Y2
	VFMADD231PS 96(AX), Y8, Y3
	VFMADD231PS (AX)(R9*1), Y8, Y4
	VFMADD231PS 32(AX)(R9*1), Y8, Y5
	VFMADD231PS 64(AX)(R9*1), Y8, Y6
	VFMADD231PS 96(AX)(R9*1), Y8, Y7
	INCQ BX
	CMPQ BX, CX
	JLT dr4_nz
dr4_store:
	VMOVUPS Y0, (DX)
	VMOVUPS Y1, 32(DX)
	VMOVUPS Y2, 64(DX)
	VMOVUPS Y3, 96(DX)
	VMOVUPS Y4, (DX)(R10*1)
	VMOVUPS Y5, 32(DX)(R10*1)
	VMOVUPS Y6, 64(DX)(R10*1)
	VMOVUPS Y7, 96(DX)(R10*1)
	LEAQ (R8)(R9*2), R8
	LEAQ (DX)(R10*2), DX
	DECQ R11
	JNZ dr4_row
	VZEROUPPER
	RET

// One slot's product for dcDW8: acc += dy vector(s) · src at the slot's
// offset plus BX bytes.
#define DWSLOT8(j, acc) \
	MOVLQSX (j*4)(DI), AX \
	SHLQ $5, AX \
	ADDQ BX, AX \
	VFMADD231PS (AX), Y8, acc \
	VFMADD231PS 32(AX), Y9, acc \
	VFMADD231PS 64(AX), Y10, acc \
	VFMADD231PS 96(AX), Y11, acc \
	VFMADD231PS 128(AX), Y12, acc \
	VFMADD231PS 160(AX), Y13, acc \
	VFMADD231PS 192(AX), Y14, acc \
	VFMADD231PS 224(AX), Y15, acc

#define DWSLOT1(j, acc) \
	MOVLQSX (j*4)(DI), AX \
	SHLQ $5, AX \
	VFMADD231PS (BX)(AX*1), Y8, acc

// func dcDW8(groups int, idx *int32, src *float32, srs int, dy *float32, dyrs int, rows, cols int, out *float32)
// For each of groups groups of eight slots t: out[t] = Σ_{r, k} dy[r·dyrs +
// k]·src[idx[t] + r·srs + k], summed over the lanes. Eight accumulators
// (one per slot); per row, eight dy vectors at a time are held in Y8–Y15
// and serve the eight slots; remaining columns one at a time. At the end
// the accumulators' lanes are summed by a horizontal-add tree.
TEXT ·dcDW8(SB), NOSPLIT, $0-72
	MOVQ groups+0(FP), CX
	MOVQ idx+8(FP), DI
	MOVQ src+16(FP), R8
	MOVQ srs+24(FP), R9
	MOVQ dy+32(FP), R10
	MOVQ dyrs+40(FP), R11
	MOVQ out+64(FP), DX
	SHLQ $5, R9
	SHLQ $5, R11
dw_group:
	VXORPS Y0, Y0, Y0
	VXORPS Y1, Y1, Y1
	VXORPS Y2, Y2, Y2
	VXORPS Y3, Y3, Y3
	VXORPS Y4, Y4, Y4
	VXORPS Y5, Y5, Y5
	VXORPS Y6, Y6, Y6
	VXORPS Y7, Y7, Y7
	MOVQ R8, R12              // src + row offset
	MOVQ R10, R13             // dy row
	MOVQ rows+48(FP), R14
dw_row:
	MOVQ R12, BX
	MOVQ R13, SI
	MOVQ cols+56(FP), R15
dw_seg:
	CMPQ R15, $8
	JLT dw_rem
	VMOVUPS (SI), Y8
	VMOVUPS 32(SI), Y9
	VMOVUPS 64(SI), Y10
	VMOVUPS 96(SI), Y11
	VMOVUPS 128(SI), Y12
	VMOVUPS 160(SI), Y13
	VMOVUPS 192(SI), Y14
	VMOVUPS 224(SI), Y15
	DWSLOT8(0, Y0)
	DWSLOT8(1, Y1)
	DWSLOT8(2, Y2)
	DWSLOT8(3, Y3)
	DWSLOT8(4, Y4)
	DWSLOT8(5, Y5)
	DWSLOT8(6, Y6)
	DWSLOT8(7, Y7)
	ADDQ $256, BX
	ADDQ $256, SI
	SUBQ $8, R15
	JMP dw_seg
dw_rem:
	TESTQ R15, R15
	JE dw_rownext
	VMOVUPS (SI), Y8
	DWSLOT1(0, Y0)
	DWSLOT1(1, Y1)
	DWSLOT1(2, Y2)
	DWSLOT1(3, Y3)
	DWSLOT1(4, Y4)
	DWSLOT1(5, Y5)
	DWSLOT1(6, Y6)
	DWSLOT1(7, Y7)
	ADDQ $32, BX
	ADDQ $32, SI
	DECQ R15
	JMP dw_rem
dw_rownext:
	ADDQ R9, R12
	ADDQ R11, R13
	DECQ R14
	JNZ dw_row
	VHADDPS Y1, Y0, Y0
	VHADDPS Y3, Y2, Y2
	VHADDPS Y5, Y4, Y4
	VHADDPS Y7, Y6, Y6
	VHADDPS Y2, Y0, Y0
	VHADDPS Y6, Y4, Y4
	VPERM2F128 $0x20, Y4, Y0, Y1
	VPERM2F128 $0x31, Y4, Y0, Y2
	VADDPS Y2, Y1, Y0
	VMOVUPS Y0, (DX)
	ADDQ $32, DI
	ADDQ $32, DX
	DECQ CX
	JNZ dw_group
	VZEROUPPER
	RET

// func dcRow4(nnz int, vals *float32, idx *int32, src *float32, dst *float32)
// One row of four columns: dst[k] = Σ_t vals[t]·src[idx[t] + k], even and
// odd t in two sets of accumulators (eight chains), added at the end.
TEXT ·dcRow4(SB), NOSPLIT, $0-40
	MOVQ nnz+0(FP), CX
	MOVQ vals+8(FP), SI
	MOVQ idx+16(FP), DI
	MOVQ src+24(FP), R8
	MOVQ dst+32(FP), DX
	VXORPS Y0, Y0, Y0
	VXORPS Y1, Y1, Y1
	VXORPS Y2, Y2, Y2
	VXORPS Y3, Y3, Y3
	VXORPS Y4, Y4, Y4
	VXORPS Y5, Y5, Y5
	VXORPS Y6, Y6, Y6
	VXORPS Y7, Y7, Y7
	XORQ BX, BX
	MOVQ CX, R9
	ANDQ $-2, R9
	JE d4_tail
d4_pair:
	MOVLQSX (DI)(BX*4), AX
	SHLQ $5, AX
	ADDQ R8, AX
	MOVLQSX 4(DI)(BX*4), R10
	SHLQ $5, R10
	ADDQ R8, R10
	VBROADCASTSS (SI)(BX*4), Y8
	VBROADCASTSS 4(SI)(BX*4), Y9
	VFMADD231PS (AX), Y8, Y0
	VFMADD231PS 32(AX), Y8, Y1
	VFMADD231PS 64(AX), Y8, Y2
	VFMADD231PS 96(AX), Y8, Y3
	VFMADD231PS (R10), Y9, Y4
	VFMADD231PS 32(R10), Y9, Y5
	VFMADD231PS 64(R10), Y9, Y6
	VFMADD231PS 96(R10), Y9, Y7
	ADDQ $2, BX
	CMPQ BX, R9
	JLT d4_pair
d4_tail:
	CMPQ BX, CX
	JGE d4_store
	MOVLQSX (DI)(BX*4), AX
	SHLQ $5, AX
	ADDQ R8, AX
	VBROADCASTSS (SI)(BX*4), Y8
	VFMADD231PS (AX), Y8, Y0
	VFMADD231PS 32(AX), Y8, Y1
	VFMADD231PS 64(AX), Y8, Y2
	VFMADD231PS 96(AX), Y8, Y3
d4_store:
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

// Relu in place on Y(r) using Y(t) as temporary: +0 where the sign bit is set.
#define RELU(r, t) \
	VPSRAD $31, r, t \
	VPANDN r, t, r

// func poolLanes(src *float32, ow, ph, pw int, bias float32, y *float32, code *int32)
// poolLanesGo on vectors: each of the ph×pw windows of src (rows ow vectors
// apart) gives y = max of relu(src + bias) and code = its place (first
// maximum), or 4 where that maximum is +0.
TEXT ·poolLanes(SB), NOSPLIT, $0-56
	MOVQ src+0(FP), SI
	MOVQ ow+8(FP), R9
	MOVQ ph+16(FP), R10
	MOVQ pw+24(FP), R11
	VBROADCASTSS bias+32(FP), Y15
	MOVQ y+40(FP), DI
	MOVQ code+48(FP), DX
	SHLQ $5, R9
	MOVL $1, AX
	MOVQ AX, X14
	VPBROADCASTD X14, Y14
	VPADDD Y14, Y14, Y13         // 2
	VPADDD Y14, Y13, Y12         // 3
	VPADDD Y13, Y13, Y11         // 4
	VPXOR Y10, Y10, Y10
pl_row:
	MOVQ SI, BX
	MOVQ R11, CX
pl_col:
	VADDPS (BX), Y15, Y0
	VADDPS 32(BX), Y15, Y1
	VADDPS (BX)(R9*1), Y15, Y2
	VADDPS 32(BX)(R9*1), Y15, Y3
	RELU(Y0, Y4)
	RELU(Y1, Y4)
	RELU(Y2, Y4)
	RELU(Y3, Y4)
	VPXOR Y5, Y5, Y5
	VPCMPGTD Y0, Y1, Y6
	VPMAXSD Y1, Y0, Y0
	VPBLENDVB Y6, Y14, Y5, Y5
	VPCMPGTD Y0, Y2, Y6
	VPMAXSD Y2, Y0, Y0
	VPBLENDVB Y6, Y13, Y5, Y5
	VPCMPGTD Y0, Y3, Y6
	VPMAXSD Y3, Y0, Y0
	VPBLENDVB Y6, Y12, Y5, Y5
	VPCMPEQD Y10, Y0, Y6
	VPBLENDVB Y6, Y11, Y5, Y5
	VMOVUPS Y0, (DI)
	VMOVDQU Y5, (DX)
	ADDQ $64, BX
	ADDQ $32, DI
	ADDQ $32, DX
	DECQ CX
	JNZ pl_col
	LEAQ (SI)(R9*2), SI
	DECQ R10
	JNZ pl_row
	VZEROUPPER
	RET

// func unpoolLanes(dst *float32, dw, ph, pw int, grad *float32, code *int32, acc *float32)
// unpoolLanesGo on vectors: each window of dst (rows dw vectors apart)
// gets g at the place code names and 0 elsewhere; the kept gradients are
// summed into acc's four vectors by window index mod 4.
TEXT ·unpoolLanes(SB), NOSPLIT, $0-56
	MOVQ dst+0(FP), DI
	MOVQ dw+8(FP), R9
	MOVQ ph+16(FP), R10
	MOVQ pw+24(FP), R11
	MOVQ grad+32(FP), SI
	MOVQ code+40(FP), DX
	MOVQ acc+48(FP), R12
	SHLQ $5, R9
	MOVL $1, AX
	MOVQ AX, X14
	VPBROADCASTD X14, Y14
	VPADDD Y14, Y14, Y13         // 2
	VPADDD Y14, Y13, Y12         // 3
	VPADDD Y13, Y13, Y11         // 4
	VPXOR Y10, Y10, Y10
	XORQ R13, R13                // (window index mod 4)·32
up_row:
	MOVQ DI, BX
	MOVQ R11, CX
up_col:
	VMOVUPS (SI), Y0
	VMOVDQU (DX), Y1
	VPCMPEQD Y10, Y1, Y2
	VANDPS Y0, Y2, Y2
	VMOVUPS Y2, (BX)
	VPCMPEQD Y14, Y1, Y2
	VANDPS Y0, Y2, Y2
	VMOVUPS Y2, 32(BX)
	VPCMPEQD Y13, Y1, Y2
	VANDPS Y0, Y2, Y2
	VMOVUPS Y2, (BX)(R9*1)
	VPCMPEQD Y12, Y1, Y2
	VANDPS Y0, Y2, Y2
	VMOVUPS Y2, 32(BX)(R9*1)
	VPCMPGTD Y1, Y11, Y2         // code < 4: kept
	VANDPS Y0, Y2, Y2
	VADDPS (R12)(R13*1), Y2, Y2
	VMOVUPS Y2, (R12)(R13*1)
	ADDQ $32, R13
	ANDQ $127, R13
	ADDQ $64, BX
	ADDQ $32, SI
	ADDQ $32, DX
	DECQ CX
	JNZ up_col
	LEAQ (DI)(R9*2), DI
	DECQ R10
	JNZ up_row
	VZEROUPPER
	RET

// func dcRow12(nnz int, vals *float32, idx *int32, src *float32, srs int, dst *float32, drs int, rows int)
// dcRow8 for rows of twelve columns (twelve accumulators).
TEXT ·dcRow12(SB), NOSPLIT, $0-64
	MOVQ nnz+0(FP), CX
	MOVQ vals+8(FP), SI
	MOVQ idx+16(FP), DI
	MOVQ src+24(FP), R8
	MOVQ srs+32(FP), R9
	MOVQ dst+40(FP), DX
	MOVQ drs+48(FP), R10
	MOVQ rows+56(FP), R11
	SHLQ $5, R9
	SHLQ $5, R10
dr12_row:
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
	XORQ BX, BX
	TESTQ CX, CX
	JE dr12_store
dr12_nz:
	MOVLQSX (DI)(BX*4), AX
	SHLQ $5, AX
	ADDQ R8, AX
	VBROADCASTSS (SI)(BX*4), Y12
	VFMADD231PS (AX), Y12, Y0
	VFMADD231PS 32(AX), Y12, Y1
	VFMADD231PS 64(AX), Y12, Y2
	VFMADD231PS 96(AX), Y12, Y3
	VFMADD231PS 128(AX), Y12, Y4
	VFMADD231PS 160(AX), Y12, Y5
	VFMADD231PS 192(AX), Y12, Y6
	VFMADD231PS 224(AX), Y12, Y7
	VFMADD231PS 256(AX), Y12, Y8
	VFMADD231PS 288(AX), Y12, Y9
	VFMADD231PS 320(AX), Y12, Y10
	VFMADD231PS 352(AX), Y12, Y11
	INCQ BX
	CMPQ BX, CX
	JLT dr12_nz
dr12_store:
	VMOVUPS Y0, (DX)
	VMOVUPS Y1, 32(DX)
	VMOVUPS Y2, 64(DX)
	VMOVUPS Y3, 96(DX)
	VMOVUPS Y4, 128(DX)
	VMOVUPS Y5, 160(DX)
	VMOVUPS Y6, 192(DX)
	VMOVUPS Y7, 224(DX)
	VMOVUPS Y8, 256(DX)
	VMOVUPS Y9, 288(DX)
	VMOVUPS Y10, 320(DX)
	VMOVUPS Y11, 352(DX)
	ADDQ R9, R8
	ADDQ R10, DX
	DECQ R11
	JNZ dr12_row
	VZEROUPPER
	RET

// Eight multiply-adds of one entry (broadcast in Y12, source at AX) into
// eight consecutive accumulators.
#define WIN8(a0, a1, a2, a3, a4, a5, a6, a7) \
	VFMADD231PS (AX), Y12, a0 \
	VFMADD231PS 32(AX), Y12, a1 \
	VFMADD231PS 64(AX), Y12, a2 \
	VFMADD231PS 96(AX), Y12, a3 \
	VFMADD231PS 128(AX), Y12, a4 \
	VFMADD231PS 160(AX), Y12, a5 \
	VFMADD231PS 192(AX), Y12, a6 \
	VFMADD231PS 224(AX), Y12, a7

// func dcWinK(vals *float32, idx *int32, rng *[10]int32, dy *float32, dst *float32)
// dcWin with twelve output vectors in Y0–Y11: the entries of range q add
// to Y(q)…Y(q+7).
TEXT ·dcWinK(SB), NOSPLIT, $0-40
	MOVQ vals+0(FP), SI
	MOVQ idx+8(FP), DI
	MOVQ rng+16(FP), R10
	MOVQ dy+24(FP), R8
	MOVQ dst+32(FP), DX
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
	MOVLQSX 0(R10), BX
	MOVLQSX 4(R10), CX
	CMPQ BX, CX
	JGE win0_done
win0_loop:
	MOVLQSX (DI)(BX*4), AX
	SHLQ $5, AX
	ADDQ R8, AX
	VBROADCASTSS (SI)(BX*4), Y12
	WIN8(Y0, Y1, Y2, Y3, Y4, Y5, Y6, Y7)
	INCQ BX
	CMPQ BX, CX
	JLT win0_loop
win0_done:
	MOVLQSX 8(R10), BX
	MOVLQSX 12(R10), CX
	CMPQ BX, CX
	JGE win1_done
win1_loop:
	MOVLQSX (DI)(BX*4), AX
	SHLQ $5, AX
	ADDQ R8, AX
	VBROADCASTSS (SI)(BX*4), Y12
	WIN8(Y1, Y2, Y3, Y4, Y5, Y6, Y7, Y8)
	INCQ BX
	CMPQ BX, CX
	JLT win1_loop
win1_done:
	MOVLQSX 16(R10), BX
	MOVLQSX 20(R10), CX
	CMPQ BX, CX
	JGE win2_done
win2_loop:
	MOVLQSX (DI)(BX*4), AX
	SHLQ $5, AX
	ADDQ R8, AX
	VBROADCASTSS (SI)(BX*4), Y12
	WIN8(Y2, Y3, Y4, Y5, Y6, Y7, Y8, Y9)
	INCQ BX
	CMPQ BX, CX
	JLT win2_loop
win2_done:
	MOVLQSX 24(R10), BX
	MOVLQSX 28(R10), CX
	CMPQ BX, CX
	JGE win3_done
win3_loop:
	MOVLQSX (DI)(BX*4), AX
	SHLQ $5, AX
	ADDQ R8, AX
	VBROADCASTSS (SI)(BX*4), Y12
	WIN8(Y3, Y4, Y5, Y6, Y7, Y8, Y9, Y10)
	INCQ BX
	CMPQ BX, CX
	JLT win3_loop
win3_done:
	MOVLQSX 32(R10), BX
	MOVLQSX 36(R10), CX
	CMPQ BX, CX
	JGE win4_done
win4_loop:
	MOVLQSX (DI)(BX*4), AX
	SHLQ $5, AX
	ADDQ R8, AX
	VBROADCASTSS (SI)(BX*4), Y12
	WIN8(Y4, Y5, Y6, Y7, Y8, Y9, Y10, Y11)
	INCQ BX
	CMPQ BX, CX
	JLT win4_loop
win4_done:
	VMOVUPS Y0, 0(DX)
	VMOVUPS Y1, 32(DX)
	VMOVUPS Y2, 64(DX)
	VMOVUPS Y3, 96(DX)
	VMOVUPS Y4, 128(DX)
	VMOVUPS Y5, 160(DX)
	VMOVUPS Y6, 192(DX)
	VMOVUPS Y7, 224(DX)
	VMOVUPS Y8, 256(DX)
	VMOVUPS Y9, 288(DX)
	VMOVUPS Y10, 320(DX)
	VMOVUPS Y11, 352(DX)
	VZEROUPPER
	RET
