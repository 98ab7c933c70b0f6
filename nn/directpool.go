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
// the product's padded rows (the conv output is never stored) and records
// each maximum's position in the padded dy planes of directBufs (o·my +
// margin + oy·Wp + ox), so the backward pass writes the pooled gradients
// there directly, sums the bias gradient over them (a quarter of the conv
// output's values, the others being 0), and restores the zeros afterwards.
// The pooled values and positions equal those of the separate passes bit
// for bit; the bias gradient is summed in another order (float32
// rounding).

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
// pool pl: y and arg are the pool's output and argmax (in dy-plane
// positions, per image).
func convForwardDirectPool(l, pl *netLayer, d *directConv, b *directBufs, x, y []float32, arg []int32, n int) {
	oc := l.s.OutC
	bias := l.param.Bias
	ph, pw := d.oh/2, d.ow/2
	for j := 0; j < n; j++ {
		xp := d.padInput(l, b, j, x[j*l.in:(j+1)*l.in])
		for o := 0; o < oc; o++ {
			clear(b.yw[o*d.my+d.margin : o*d.my+d.margin+d.lr])
		}
		d.fwd.spmm(xp, 1, b.yw[d.margin:], d.my, d.lr)
		for o := 0; o < oc; o++ {
			at := o*d.my + d.margin
			off := j*pl.out + o*ph*pw
			yo, ao := y[off:off+ph*pw], arg[off:off+ph*pw]
			if !poolBiasFast(b.yw[at:], d.wp, d.oh, d.ow, yo, ao, at, bias[o]) {
				poolBias(b.yw[at:], d.wp, ph, pw, yo, ao, at, bias[o])
			}
		}
	}
}

// poolBias is poolBiasRows in Go: the 2×2 max pool of relu(src + bias) over
// rows wp apart, ph×pw outputs, the positions relative to src plus at0.
func poolBias(src []float32, wp, ph, pw int, y []float32, arg []int32, at0 int, bias float32) {
	v := func(i int) int32 {
		b := math.Float32bits(src[i] + bias)
		return int32(b &^ uint32(int32(b)>>31)) // relu's bits
	}
	for py := 0; py < ph; py++ {
		for px := 0; px < pw; px++ {
			i := 2*py*wp + 2*px
			best, at := v(i), int32(i)
			best, at = maxAt(best, at, v(i+1), int32(i+1))
			best, at = maxAt(best, at, v(i+wp), int32(i+wp))
			best, at = maxAt(best, at, v(i+wp+1), int32(i+wp+1))
			y[py*pw+px], arg[py*pw+px] = math.Float32frombits(uint32(best)), at+int32(at0)
		}
	}
}

// convBackwardDirectPool is the backward pass of the pool pl and the conv
// l (see convBackwardDirect) from the pool's output y, argmax and output
// gradient dy.
func convBackwardDirectPool(l, pl *netLayer, d *directConv, b *directBufs, y, dy []float32, arg []int32, dx, dw, db []float32, n int) {
	s := &l.s
	pp := pl.out / s.OutC
	for j := 0; j < n; j++ {
		yj, dyj, aj := y[j*pl.out:(j+1)*pl.out], dy[j*pl.out:(j+1)*pl.out], arg[j*pl.out:(j+1)*pl.out]
		for o := 0; o < s.OutC; o++ {
			db[o] += routePooled(b.dyp, yj[o*pp:(o+1)*pp], dyj[o*pp:(o+1)*pp], aj[o*pp:(o+1)*pp])
		}
		d.backwardImage(l, b, j, dx, dw)
		for _, a := range aj {
			b.dyp[a] = 0
		}
	}
}

// routePooled writes each pooled gradient g[q], masked by the ReLU as
// poolBackward2x2 masks it (kept where the pooled value y[q] > 0), to
// dyp[arg[q]] and returns their sum (four partial sums, so the adds do not
// wait on one another).
func routePooled(dyp, y, g []float32, arg []int32) float32 {
	g, arg = g[:len(y)], arg[:len(y)]
	masked := func(q int) float32 {
		keep := uint32(int32(-int32(math.Float32bits(y[q]))) >> 31)
		return math.Float32frombits(math.Float32bits(g[q]) & keep)
	}
	var s0, s1, s2, s3 float32
	q := 0
	for ; q+4 <= len(y); q += 4 {
		g0, g1, g2, g3 := masked(q), masked(q+1), masked(q+2), masked(q+3)
		dyp[arg[q]], dyp[arg[q+1]], dyp[arg[q+2]], dyp[arg[q+3]] = g0, g1, g2, g3
		s0, s1, s2, s3 = s0+g0, s1+g1, s2+g2, s3+g3
	}
	for ; q < len(y); q++ {
		g0 := masked(q)
		dyp[arg[q]] = g0
		s0 += g0
	}
	return (s0 + s1) + (s2 + s3)
}
