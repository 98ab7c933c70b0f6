package nn

import "math"

// A fully connected layer runs on a whole chunk at once in feature-major
// form, so the chunk is the GEMM's n dimension (16 = one micro-kernel tile):
//
//	yᵀ[O×n] = W[O×I] · xᵀ[I×n] + bias
//	dx[n×I] = dy[n×O] · W[O×I]
//
// Activations stay sample-major between layers; the transposes cost O(I·n)
// against the product's O(O·I·n). The weight gradient dW[O×I] = dyᵀ[O×B] ·
// x[B×I] is one product over the whole batch of B samples, computed in row
// blocks by the reduction (engine.reduceBlock) from the batch-wide x and dyᵀ
// the chunks leave behind: no per-chunk gradient buffers, no chunk sum, and
// every weight's gradient is one sum over the batch in sample order, so the
// result does not depend on which worker ran which chunk.

// fcForward computes y (n×O) from x (n×I); t1 and t2 are scratch of at least
// n·max(I,O).
func fcForward(l *netLayer, w, x, y, t1, t2 []float32, n int) {
	in, out := l.in, l.out
	xt, yt := t1[:in*n], t2[:out*n]
	transpose(xt, x, n, in)
	b := l.param.Bias
	fillBias(yt, b[:out], n)
	gemm(out, n, in, w, in, xt, n, yt, n)
	transpose(y, yt, out, n)
}

// fcBackward stores dyᵀ into columns [0, n) of bdy (O rows of stride ldb;
// the caller passes the chunk's column offset), accumulates db, and writes
// dx (when non-nil) from dy and the effective weights w (O×I).
func fcBackward(l *netLayer, w, dy, dx, db, bdy []float32, ldb, n int) {
	in, out := l.in, l.out
	transposeTo(bdy, ldb, dy, n, out)
	for o := 0; o < out; o++ {
		db[o] += sum8(bdy[o*ldb : o*ldb+n])
	}
	if dx == nil {
		return
	}
	gemmSet(n, in, out, dy, out, w, in, dx, in)
}

// softmaxCE computes, for each of the chunk's samples, the softmax
// cross-entropy loss log Σ exp(z) − z[y] (with the max subtracted for
// stability) and its gradient softmax(z) − onehot(y) into dz. It returns the
// summed loss and the number of samples whose arg-max is the label.
func softmaxCE(z, dz []float32, labels []uint8, idx []int, classes int) (loss float64, correct int) {
	for j, i := range idx {
		zj := z[j*classes : (j+1)*classes]
		dj := dz[j*classes : (j+1)*classes]
		y := int(labels[i])
		mx, arg := zj[0], 0
		for c, v := range zj {
			if v > mx {
				mx, arg = v, c
			}
		}
		if arg == y {
			correct++
		}
		var sum float64
		for c, v := range zj {
			e := math.Exp(float64(v - mx))
			dj[c] = float32(e)
			sum += e
		}
		loss += math.Log(sum) + float64(mx-zj[y])
		inv := 1 / sum
		for c := range dj {
			dj[c] = float32(float64(dj[c]) * inv)
		}
		dj[y]--
	}
	return loss, correct
}
