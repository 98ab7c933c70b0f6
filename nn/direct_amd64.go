//go:build amd64 && !purego

package nn

// dcRow8 computes dcRows' rows×8 window (rows ≥ 1): for each row, eight
// output vectors in registers over all nnz entries.
//
//go:noescape
func dcRow8(nnz int, vals *float32, idx *int32, src *float32, srs int, dst *float32, drs int, rows int)

// dcRow4x2 computes dcRows' (2·pairs)×4 window (pairs ≥ 1): two rows of
// four output vectors at a time.
//
//go:noescape
func dcRow4x2(nnz int, vals *float32, idx *int32, src *float32, srs int, dst *float32, drs int, pairs int)

// dcDW8 computes dcDW for 8·groups slots, eight at a time.
//
//go:noescape
func dcDW8(groups int, idx *int32, src *float32, srs int, dy *float32, dyrs int, rows, cols int, out *float32)

// dcRow12 is dcRow8 for rows of twelve columns.
//
//go:noescape
func dcRow12(nnz int, vals *float32, idx *int32, src *float32, srs int, dst *float32, drs int, rows int)

// dcRow4 computes dcRows' 1×4 window.
//
//go:noescape
func dcRow4(nnz int, vals *float32, idx *int32, src *float32, dst *float32)

// dcRowsFast runs dcRows' whole blocks of eight columns on dcRow8 (the
// last twelve columns, when that is what remains, on dcRow12), then a
// block of four on dcRow4x2 for pairs of rows and dcRow4 for a last odd
// row, and returns how many leading columns of every row it computed (0
// without the kernels).
func dcRowsFast(vals []float32, idx []int32, src []float32, srs int, dst []float32, drs, rows, cols int) int {
	if !useAsm {
		return 0
	}
	var v *float32
	var ix *int32
	if len(vals) > 0 {
		v, ix = &vals[0], &idx[0]
	}
	k := 0
	for ; k+8 <= cols; k += 8 {
		if cols-k == 12 {
			dcRow12(len(vals), v, ix, &src[k*lanes], srs, &dst[k*lanes], drs, rows)
			return cols
		}
		dcRow8(len(vals), v, ix, &src[k*lanes], srs, &dst[k*lanes], drs, rows)
	}
	if k+4 <= cols {
		if rows >= 2 {
			dcRow4x2(len(vals), v, ix, &src[k*lanes], srs, &dst[k*lanes], drs, rows/2)
		}
		if rows%2 == 1 {
			r := rows - 1
			dcRow4(len(vals), v, ix, &src[(r*srs+k)*lanes], &dst[(r*drs+k)*lanes])
		}
		k += 4
	}
	return k
}

// dcDWFast runs dcDW on dcDW8.
func dcDWFast(idx []int32, src []float32, srs int, dy []float32, dyrs, rows, cols int, out []float32) bool {
	if !useAsm {
		return false
	}
	dcDW8(len(idx)/8, &idx[0], &src[0], srs, &dy[0], dyrs, rows, cols, &out[0])
	return true
}

//go:noescape
func poolLanes(src *float32, ow, ph, pw int, bias float32, y *float32, code *int32)

//go:noescape
func unpoolLanes(dst *float32, dw, ph, pw int, grad *float32, code *int32, acc *float32)

// poolLanesFast runs poolLanesGo on the vector kernel.
func poolLanesFast(src []float32, ow, ph, pw int, bias float32, y []float32, code []int32) bool {
	if !useAsm {
		return false
	}
	_, _, _ = src[((2*ph-1)*ow+2*pw)*lanes-1], y[ph*pw*lanes-1], code[ph*pw*lanes-1]
	poolLanes(&src[0], ow, ph, pw, bias, &y[0], &code[0])
	return true
}

// unpoolLanesFast runs unpoolLanesGo on the vector kernel.
func unpoolLanesFast(dst []float32, dw, ph, pw int, g []float32, code []int32, acc *[4 * lanes]float32) bool {
	if !useAsm {
		return false
	}
	_, _, _ = dst[((2*ph-1)*dw+2*pw)*lanes-1], g[ph*pw*lanes-1], code[ph*pw*lanes-1]
	unpoolLanes(&dst[0], dw, ph, pw, &g[0], &code[0], &acc[0])
	return true
}

// dcWinK computes dcWin with dst's twelve vectors in registers.
//
//go:noescape
func dcWinK(vals *float32, idx *int32, rng *[10]int32, dy *float32, dst *float32)

// dcWinFast runs dcWin on dcWinK when dst holds twelve vectors.
func dcWinFast(vals []float32, idx []int32, rng *[10]int32, dy []float32, at int, dst []float32) bool {
	if !useAsm || len(dst) != 12*lanes || len(vals) == 0 {
		return false
	}
	dcWinK(&vals[0], &idx[0], rng, &dy[at*lanes], &dst[0])
	return true
}
