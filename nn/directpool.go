package nn

import (
	"math"

	"github.com/dcsim/dcsim/network"
)

// A direct sparse convolution followed by its ReLU and a 2×2 stride-2 max
// pool that tiles its output (LeNet's conv–pool pairs) runs as one layer:
// at a low density the sparse product is cheap and the passes over the
// dense conv output (bias and ReLU, pooling, then in the backward pass
// clearing the input gradient of the pool, routing the pooled gradients,
// copying them into the padded dy planes and summing them for the bias)
// cost more than the product. Fused, the forward pass pools straight from
// the product's padded rows (the conv output is never stored), recording
// where in its 2×2 window each maximum is (0…3, row-major), and the
// backward pass writes each window of the padded dy planes at once (the
// masked gradient at the maximum, 0 at the other three places) and sums
// the bias gradient over the pooled gradients (a quarter of the conv
// output's values; the others are 0). The pooled values and maxima equal
// those of the separate passes bit for bit; the bias gradient is summed in
// another order (float32 rounding).

// fusesPool reports whether layer li runs fused with the pool after it: a
// direct sparse convolution with a ReLU whose output a 2×2 stride-2 max
// pool tiles (maskedByPool).
func (e *engine) fusesPool(li int) bool {
	l := &e.layers[li]
	sl := e.sparse(l.pi)
	return sl != nil && sl.direct != nil && l.maskedByPool
}

// pooledByPrev reports whether layer li is a pool that runs inside the
// layer before it (fusesPool).
func (e *engine) pooledByPrev(li int) bool {
	return li > 0 && e.layers[li].s.Kind == network.Pool && e.fusesPool(li-1)
}

// convForwardDirectPool is convForwardDirect followed by bias, ReLU and the
// pool pl: y and code are the pool's output and its maxima's places in
// their windows.
func convForwardDirectPool(l, pl *netLayer, d *directConv, b *directBufs, x, y []float32, code []int32, n int) {
	oc := l.s.OutC
	bias := l.param.Bias
	ph, pw := d.oh/2, d.ow/2
	yw := b.yw[:oc*d.lr]
	for j := 0; j < n; j++ {
		xp := d.padInput(l, b, j, x[j*l.in:(j+1)*l.in])
		clear(yw)
		d.fwd.spmm(xp, 1, yw, d.lr, d.lr)
		for o := 0; o < oc; o++ {
			off := j*pl.out + o*ph*pw
			yo, co := y[off:off+ph*pw], code[off:off+ph*pw]
			if !poolBiasFast(yw[o*d.lr:], d.wp, d.oh, d.ow, yo, co, bias[o]) {
				poolBias(yw[o*d.lr:], d.wp, ph, pw, yo, co, bias[o])
			}
		}
	}
}

// poolBias is poolBiasRows in Go: the 2×2 max pool of relu(src + bias) over
// rows wp apart, ph×pw outputs, and the places of the maxima.
func poolBias(src []float32, wp, ph, pw int, y []float32, code []int32, bias float32) {
	v := func(i int) int32 {
		b := math.Float32bits(src[i] + bias)
		return int32(b &^ uint32(int32(b)>>31)) // relu's bits
	}
	for py := 0; py < ph; py++ {
		for px := 0; px < pw; px++ {
			i := 2*py*wp + 2*px
			best, at := v(i), int32(0)
			best, at = maxAt(best, at, v(i+1), 1)
			best, at = maxAt(best, at, v(i+wp), 2)
			best, at = maxAt(best, at, v(i+wp+1), 3)
			y[py*pw+px], code[py*pw+px] = math.Float32frombits(uint32(best)), at
		}
	}
}

// unpool is unpoolRows in Go: each window of dst (ph×pw windows, rows wp
// apart) gets the masked gradient at its maximum and 0 elsewhere; it
// returns the sum of the masked gradients in the kernel's order.
func unpool(dst []float32, wp, ph, pw int, g, y []float32, code []int32) float32 {
	var s [4]float32
	for py := 0; py < ph; py++ {
		for px := 0; px < pw; px++ {
			q := py*pw + px
			keep := uint32(int32(-int32(math.Float32bits(y[q]))) >> 31)
			gq := math.Float32frombits(math.Float32bits(g[q]) & keep)
			i := 2*py*wp + 2*px
			dst[i], dst[i+1], dst[i+wp], dst[i+wp+1] = 0, 0, 0, 0
			dst[i+[4]int{0, 1, wp, wp + 1}[code[q]]] = gq
			s[q%4] += gq
		}
	}
	return (s[0] + s[1]) + (s[2] + s[3])
}

// convBackwardDirectPool is the backward pass of the pool pl and the conv
// l (see convBackwardDirect) from the pool's output y, maxima and output
// gradient dy.
func convBackwardDirectPool(l, pl *netLayer, d *directConv, b *directBufs, y, dy []float32, code []int32, dx, dw, db []float32, n int) {
	s := &l.s
	pp := pl.out / s.OutC
	ph, pw := d.oh/2, d.ow/2
	for j := 0; j < n; j++ {
		for o := 0; o < s.OutC; o++ {
			q := j*pl.out + o*pp
			dst := b.dyp[o*d.my+d.margin:]
			g, yo, co := dy[q:q+pp], y[q:q+pp], code[q:q+pp]
			sum, ok := unpoolFast(dst, d.wp, d.oh, d.ow, g, yo, co)
			if !ok {
				sum = unpool(dst, d.wp, ph, pw, g, yo, co)
			}
			db[o] += sum
		}
		d.backwardImage(l, b, j, dx, dw)
	}
}
