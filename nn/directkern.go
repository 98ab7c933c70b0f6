package nn

// The two products of the direct sparse convolution (directconv.go), on
// interleaved planes whose every element is a vector of lanes floats (one
// per image). Offsets and row strides count vectors.

// dcRows sets, for r < rows and k < cols,
//
//	dst[r·drs + k] = Σ_t vals[t]·src[idx[t] + r·srs + k]
//
// each sum taken in the order of t (zero without entries). On the vector
// kernels, rows of eight outputs and pairs of rows of four keep their
// sums in registers for the whole walk over the entries; Go takes the
// remaining columns. top is an upper bound of idx (the entries' form's
// max), against which src's length is checked.
func dcRows(vals []float32, idx []int32, top int32, src []float32, srs int, dst []float32, drs, rows, cols int) {
	if rows <= 0 || cols <= 0 {
		return
	}
	dcCheck(top, src, srs, rows, cols)
	if len(dst) < ((rows-1)*drs+cols)*lanes {
		panic("nn: dcRows: destination too short")
	}
	k := dcRowsFast(vals, idx, src, srs, dst, drs, rows, cols)
	if k < cols {
		dcRowsGo(vals, idx, src[k*lanes:], srs, dst[k*lanes:], drs, rows, cols-k)
	}
}

// dcCheck panics (programmer error) when src is too short for the offset
// bound top (newDirect's offsets are never negative) and the rows×cols
// window, so the kernels never read out of bounds.
func dcCheck(top int32, src []float32, srs, rows, cols int) {
	if top >= 0 && len(src) < (int(top)+(rows-1)*srs+cols)*lanes {
		panic("nn: direct conv: source too short for its geometry")
	}
}

// dcRowsGo is dcRows in Go.
func dcRowsGo(vals []float32, idx []int32, src []float32, srs int, dst []float32, drs, rows, cols int) {
	for r := 0; r < rows; r++ {
		row := dst[r*drs*lanes : (r*drs+cols)*lanes]
		clear(row)
		for t, v := range vals {
			at := (int(idx[t]) + r*srs) * lanes
			x := src[at : at+cols*lanes]
			for i := range row {
				row[i] += v * x[i]
			}
		}
	}
}

// dcDW sets, for each slot t (len(idx) a multiple of 8),
//
//	out[t] = Σ_{r<rows, k<cols} dy[r·dyrs + k] · src[idx[t] + r·srs + k]
//
// summed over the lanes too: the weight gradient of the entries at those
// offsets over one group of images. The kernel takes eight slots at a
// time, so each dy vector it loads serves eight products. top is an upper
// bound of idx (see dcRows).
func dcDW(idx []int32, top int32, src []float32, srs int, dy []float32, dyrs, rows, cols int, out []float32) {
	if len(idx)%8 != 0 || len(out) < len(idx) {
		panic("nn: dcDW: slots not a multiple of 8")
	}
	if rows <= 0 || cols <= 0 || len(idx) == 0 {
		clear(out[:len(idx)])
		return
	}
	dcCheck(top, src, srs, rows, cols)
	if len(dy) < ((rows-1)*dyrs+cols)*lanes {
		panic("nn: dcDW: dy too short")
	}
	if !dcDWFast(idx, src, srs, dy, dyrs, rows, cols, out) {
		dcDWGo(idx, src, srs, dy, dyrs, rows, cols, out)
	}
}

// dcDWGo is dcDW in Go: per slot, a sum per lane, then the lanes pairwise.
func dcDWGo(idx []int32, src []float32, srs int, dy []float32, dyrs, rows, cols int, out []float32) {
	for t, o := range idx {
		var s [lanes]float32
		for r := 0; r < rows; r++ {
			at, dt := (int(o)+r*srs)*lanes, r*dyrs*lanes
			x, g := src[at:at+cols*lanes], dy[dt:dt+cols*lanes]
			for i := range x {
				s[i%lanes] += g[i] * x[i]
			}
		}
		out[t] = ((s[0] + s[1]) + (s[2] + s[3])) + ((s[4] + s[5]) + (s[6] + s[7]))
	}
}

// dcWin sets the input row dst (4 + 8 vectors at most: S ≤ 5 windows of
// eight) to
//
//	dst[q + k] = Σ_{q<5} Σ_{t ∈ [rng[2q], rng[2q+1])} vals[t]·dy[idx[t] + at + k],  k < 8,
//
// the sums for each column in the order of q, then t: every entry of
// range q adds its eight products to the columns q…q+7. lo and hi bound
// the idx of the entries in the ranges (from the geometry), against which
// dy's and dst's lengths are checked.
func dcWin(vals []float32, idx []int32, rng *[10]int32, lo, hi int, dy []float32, at int, dst []float32) {
	n := 0
	for q := 0; q < 5; q++ {
		if rng[2*q] < rng[2*q+1] {
			n = q + 1
		}
	}
	if n > 0 && (at+lo < 0 || (at+hi+8)*lanes > len(dy) || (n+7)*lanes > len(dst)) {
		panic("nn: dcWin: entries outside dy or dst")
	}
	if !dcWinFast(vals, idx, rng, dy, at, dst) {
		dcWinGo(vals, idx, rng, dy, at, dst)
	}
}

// dcWinGo is dcWin in Go.
func dcWinGo(vals []float32, idx []int32, rng *[10]int32, dy []float32, at int, dst []float32) {
	clear(dst)
	for q := 0; q < 5; q++ {
		if rng[2*q] >= rng[2*q+1] {
			continue
		}
		win := dst[q*lanes : (q+8)*lanes]
		for t := rng[2*q]; t < rng[2*q+1]; t++ {
			v, base := vals[t], (int(idx[t])+at)*lanes
			x := dy[base : base+8*lanes]
			for i := range win {
				win[i] += v * x[i]
			}
		}
	}
}
