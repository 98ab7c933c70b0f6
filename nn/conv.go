package nn

import (
	"math"

	"github.com/dcsim/dcsim/network"
)

// Convolution is lowered to a matrix product (im2col; Chellapilla et al.
// 2006): for one image, col is the K×P matrix whose row c·R·S + r·S + s and
// column oh·OutW + ow holds input[c][oh·stride + r − pad][ow·stride + s − pad]
// (zero outside the image), so with the OIHW weights as an OutC×K matrix
//
//	out[OutC×P] = W[OutC×K] · col[K×P] + bias,
//	dW[OutC×K] += dout · colᵀ,   dcol[K×P] = Wᵀ · dout,
//
// and col2im scatters dcol back onto the input gradient.

// im2col fills col (K×P) from one C×H×W image x.
func im2col(s *network.Layer, x, col []float32) {
	oh, ow, st := s.OutH(), s.OutW(), s.StrideOr1()
	p := oh * ow
	fast := st == 1 && s.Pad == 0 && rowsFast(ow)
	row := 0
	for c := 0; c < s.InC; c++ {
		xc := x[c*s.InH*s.InW : (c+1)*s.InH*s.InW]
		for r := 0; r < s.R; r++ {
			for q := 0; q < s.S; q++ {
				dst := col[row*p : (row+1)*p]
				row++
				if fast { // every source row is inside the image
					copyRowsFast(dst, xc[r*s.InW+q:], oh, ow, s.InW)
					continue
				}
				for y := 0; y < oh; y++ {
					iy := y*st + r - s.Pad
					d := dst[y*ow : (y+1)*ow]
					if iy < 0 || iy >= s.InH {
						clear(d)
						continue
					}
					src := xc[iy*s.InW : (iy+1)*s.InW]
					if st == 1 {
						copyShifted(d, src, q-s.Pad)
						continue
					}
					for xo := range d {
						ix := xo*st + q - s.Pad
						if ix < 0 || ix >= s.InW {
							d[xo] = 0
						} else {
							d[xo] = src[ix]
						}
					}
				}
			}
		}
	}
}

// copyShifted sets d[x] = src[x+off], zero where x+off is outside src: one
// row of im2col at stride 1, done as a single copy.
func copyShifted(d, src []float32, off int) {
	lo := max(0, -off)              // first x with x+off ≥ 0
	hi := min(len(d), len(src)-off) // first x with x+off ≥ len(src)
	if hi <= lo {
		clear(d)
		return
	}
	clear(d[:lo])
	if hi-lo <= 16 {
		// Short rows (LeNet's 8- and 24-wide outputs): a loop beats
		// copy's call overhead.
		for x, v := range src[lo+off : hi+off] {
			d[lo+x] = v
		}
	} else {
		copy(d[lo:hi], src[lo+off:hi+off])
	}
	clear(d[hi:])
}

// col2im adds the K×P column gradient dcol onto the image gradient dx.
func col2im(s *network.Layer, dcol, dx []float32) {
	oh, ow, st := s.OutH(), s.OutW(), s.StrideOr1()
	p := oh * ow
	fast := st == 1 && s.Pad == 0 && rowsFast(ow)
	row := 0
	for c := 0; c < s.InC; c++ {
		xc := dx[c*s.InH*s.InW : (c+1)*s.InH*s.InW]
		for r := 0; r < s.R; r++ {
			for q := 0; q < s.S; q++ {
				src := dcol[row*p : (row+1)*p]
				row++
				if fast {
					addRowsFast(xc[r*s.InW+q:], src, oh, ow, s.InW)
					continue
				}
				for y := 0; y < oh; y++ {
					iy := y*st + r - s.Pad
					if iy < 0 || iy >= s.InH {
						continue
					}
					dst := xc[iy*s.InW : (iy+1)*s.InW]
					if st == 1 {
						addShifted(dst, src[y*ow:(y+1)*ow], q-s.Pad)
						continue
					}
					for xo, v := range src[y*ow : (y+1)*ow] {
						if ix := xo*st + q - s.Pad; ix >= 0 && ix < s.InW {
							dst[ix] += v
						}
					}
				}
			}
		}
	}
}

// addShifted sets dst[x+off] += src[x] wherever x+off is inside dst: one
// row of col2im at stride 1, with the bounds settled once per row.
func addShifted(dst, src []float32, off int) {
	lo := max(0, -off)                // first x with x+off ≥ 0
	hi := min(len(src), len(dst)-off) // first x with x+off ≥ len(dst)
	if hi <= lo {
		return
	}
	d := dst[lo+off : hi+off]
	for x, v := range src[lo:hi] {
		d[x] += v
	}
}

// convForward computes y = conv(x) + bias for n images, keeping each image's
// im2col matrix in col for the backward pass.
func convForward(l *netLayer, w, x, y, col []float32, n int) {
	kp, oc := l.k*l.p, l.s.OutC
	b := l.param.Bias
	for j := 0; j < n; j++ {
		cj := col[j*kp : (j+1)*kp]
		im2col(&l.s, x[j*l.in:(j+1)*l.in], cj)
		yj := y[j*l.out : (j+1)*l.out]
		fillBias(yj, b[:oc], l.p)
		gemm(oc, l.p, l.k, w, l.k, cj, l.p, yj, l.p)
	}
}

// convBackward accumulates the weight and bias gradients of n images into
// dw and db and, when dx is non-nil, writes the input gradient. wt is the
// transposed weight matrix (K×OutC); t1 is gemmNT's scratch and t2 K·P
// scratch. dW += dY·colᵀ runs on the A·Bᵀ kernel, so the im2col matrix is
// used as stored.
func convBackward(l *netLayer, wt, dy, dx, col, dw, db, t1, t2 []float32, n int) {
	convBackwardGrads(l, dy, col, dw, db, t1, n)
	if dx == nil {
		return
	}
	kp, oc := l.k*l.p, l.s.OutC
	dcol := t2[:kp]
	for j := 0; j < n; j++ {
		gemmSet(l.k, l.p, oc, wt, oc, dy[j*l.out:(j+1)*l.out], l.p, dcol, l.p)
		dxj := dx[j*l.in : (j+1)*l.in]
		clear(dxj)
		col2im(&l.s, dcol, dxj)
	}
}

// convBackwardGrads accumulates the weight and bias gradients of n images.
func convBackwardGrads(l *netLayer, dy, col, dw, db, t1 []float32, n int) {
	kp, oc := l.k*l.p, l.s.OutC
	for j := 0; j < n; j++ {
		dyj := dy[j*l.out : (j+1)*l.out]
		for o := 0; o < oc; o++ {
			db[o] += sum8(dyj[o*l.p : (o+1)*l.p])
		}
	}
	// dW += Σ_j dY_j·col_jᵀ, convDWImages images per reduction of the
	// kernel's accumulators (their im2col matrices together stay in L2).
	for j := 0; j < n; j += convDWImages {
		g := min(convDWImages, n-j)
		gemmNT(oc, l.k, l.p, g, dy[j*l.out:], l.p, l.out, col[j*kp:], l.p, kp, dw, l.k, t1)
	}
}

// convDWImages is the number of images whose weight-gradient products the
// A·Bᵀ kernel sums before reducing its accumulators.
const convDWImages = 2

// poolForward is max pooling over R×S windows (padding never wins); arg
// records, per output, the input position of the maximum.
func poolForward(l *netLayer, x, y []float32, arg []int32, n int) {
	s := &l.s
	if s.R == 2 && s.S == 2 && s.StrideOr1() == 2 && s.Pad == 0 {
		if l.afterReLU {
			pool2x2NonNeg(l, x, y, arg, n)
		} else {
			pool2x2(l, x, y, arg, n)
		}
		return
	}
	poolGeneral(l, x, y, arg, n)
}

// poolGeneral is max pooling for any window, stride and padding.
func poolGeneral(l *netLayer, x, y []float32, arg []int32, n int) {
	s := &l.s
	oh, ow, st := s.OutH(), s.OutW(), s.StrideOr1()
	plane := s.InH * s.InW
	for j := 0; j < n; j++ {
		for c := 0; c < s.InC; c++ {
			base := j*l.in + c*plane
			xc := x[base : base+plane]
			for oy := 0; oy < oh; oy++ {
				for ox := 0; ox < ow; ox++ {
					best, at := float32(math.Inf(-1)), -1
					for r := 0; r < s.R; r++ {
						iy := oy*st + r - s.Pad
						if iy < 0 || iy >= s.InH {
							continue
						}
						for q := 0; q < s.S; q++ {
							ix := ox*st + q - s.Pad
							if ix < 0 || ix >= s.InW {
								continue
							}
							if v := xc[iy*s.InW+ix]; v > best || at < 0 {
								best, at = v, iy*s.InW+ix
							}
						}
					}
					o := j*l.out + (c*oh+oy)*ow + ox
					y[o], arg[o] = best, int32(base+at)
				}
			}
		}
	}
}

// pool2x2 is poolForward for the common 2×2 window at stride 2 without
// padding; it visits the window in the same order with the same strict
// comparison, so ties resolve identically.
func pool2x2(l *netLayer, x, y []float32, arg []int32, n int) {
	s := &l.s
	oh, ow, w := s.OutH(), s.OutW(), s.InW
	plane := s.InH * w
	for j := 0; j < n; j++ {
		for c := 0; c < s.InC; c++ {
			base := j*l.in + c*plane
			ob := j*l.out + c*oh*ow
			for oy := 0; oy < oh; oy++ {
				r0 := x[base+2*oy*w : base+2*oy*w+w]
				r1 := x[base+(2*oy+1)*w : base+(2*oy+1)*w+w]
				yo := y[ob+oy*ow : ob+(oy+1)*ow]
				ao := arg[ob+oy*ow : ob+(oy+1)*ow]
				at0 := int32(base + 2*oy*w)
				for ox := range yo {
					i := 2 * ox
					best, at := r0[i], at0+int32(i)
					if v := r0[i+1]; v > best {
						best, at = v, at0+int32(i+1)
					}
					if v := r1[i]; v > best {
						best, at = v, at0+int32(w+i)
					}
					if v := r1[i+1]; v > best {
						best, at = v, at0+int32(w+i+1)
					}
					yo[ox], ao[ox] = best, at
				}
			}
		}
	}
}

// pool2x2NonNeg is pool2x2 for inputs that are +0 or positive (the output
// of a ReLU). For such floats the order of the bit patterns as integers is
// the order of the values, so each "v > best" becomes an integer
// subtraction whose sign selects without a branch; the result is identical.
func pool2x2NonNeg(l *netLayer, x, y []float32, arg []int32, n int) {
	s := &l.s
	oh, ow, w := s.OutH(), s.OutW(), s.InW
	plane := s.InH * w
	for j := 0; j < n; j++ {
		for c := 0; c < s.InC; c++ {
			base := j*l.in + c*plane
			ob := j*l.out + c*oh*ow
			for oy := 0; oy < oh; oy++ {
				r0 := x[base+2*oy*w : base+2*oy*w+w]
				r1 := x[base+(2*oy+1)*w : base+(2*oy+1)*w+w]
				yo := y[ob+oy*ow : ob+(oy+1)*ow]
				ao := arg[ob+oy*ow : ob+(oy+1)*ow]
				if poolRowFast(r0, r1, yo, ao, w, base+2*oy*w) {
					continue
				}
				at0 := int32(base + 2*oy*w)
				for ox := range yo {
					i := 2 * ox
					best, at := int32(math.Float32bits(r0[i])), at0+int32(i)
					best, at = maxAt(best, at, int32(math.Float32bits(r0[i+1])), at0+int32(i+1))
					best, at = maxAt(best, at, int32(math.Float32bits(r1[i])), at0+int32(w+i))
					best, at = maxAt(best, at, int32(math.Float32bits(r1[i+1])), at0+int32(w+i+1))
					yo[ox], ao[ox] = math.Float32frombits(uint32(best)), at
				}
			}
		}
	}
}

// maxAt returns (v, vAt) when v > best, else (best, at), branch-free; best
// and v are bit patterns of non-negative floats (< 2³¹, so v − best cannot
// overflow).
func maxAt(best, at, v, vAt int32) (int32, int32) {
	gt := (best - v) >> 31 // −1 when v > best
	return best ^ ((best ^ v) & gt), at ^ ((at ^ vAt) & gt)
}

// pool2x2Tiles reports whether s is a 2×2 stride-2 unpadded max pool whose
// windows tile its input exactly (even height and width).
func pool2x2Tiles(s *network.Layer) bool {
	return s.Kind == network.Pool && s.R == 2 && s.S == 2 && s.StrideOr1() == 2 && s.Pad == 0 && s.InH%2 == 0 && s.InW%2 == 0
}

// poolBackward2x2 is poolBackward for a pool that tiles its input
// (pool2x2Tiles): windows do not overlap, so each output gradient is
// stored, not added. With relu, the input was a ReLU output and that
// ReLU's mask is applied too: the gradient is kept where the pooled value
// y, which is the input at the maximum, passes reluMask's test; every
// other input position has no path to the loss and stays 0.
func poolBackward2x2(l *netLayer, y, dy, dx []float32, arg []int32, n int, relu bool) {
	if dx == nil {
		return
	}
	clear(dx[:n*l.in])
	dy, arg, y = dy[:n*l.out], arg[:n*l.out], y[:n*l.out]
	if !relu {
		for o, g := range dy {
			dx[arg[o]] = g
		}
		return
	}
	for o, g := range dy {
		keep := uint32(int32(-int32(math.Float32bits(y[o]))) >> 31)
		dx[arg[o]] = math.Float32frombits(math.Float32bits(g) & keep)
	}
}

// poolBackward routes each output gradient to its maximum's input position.
func poolBackward(l *netLayer, dy, dx []float32, arg []int32, n int) {
	if dx == nil {
		return
	}
	clear(dx[:n*l.in])
	for o, g := range dy[:n*l.out] {
		dx[arg[o]] += g
	}
}

// fillBias sets each of the len(b) output planes of p values in y to its
// bias: the starting value of a convolution's accumulation.
func fillBias(y, b []float32, p int) {
	for o, bo := range b {
		fill(y[o*p:(o+1)*p], bo)
	}
}
