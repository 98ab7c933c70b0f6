package nn

import (
	"math"

	"github.com/dcsim/dcsim/network"
)

// A direct sparse convolution followed by its ReLU and a 2×2 stride-2 max
// pool that tiles its output (LeNet's conv–pool pairs) runs as one layer:
// at a low density the sparse product is cheap and the passes over the
// dense conv output (bias and ReLU, pooling, then in the backward pass
// routing the pooled gradients into the dy planes and summing them for the
// bias) would cost a large share of it. Fused, the forward pass pools each
// filter's interleaved output planes (one group of images, directconv.go)
// while they are in cache, recording where in its 2×2 window each maximum
// is (0…3, row-major; 4 when the maximum is +0, whose gradient the ReLU
// stops), and the backward pass writes each window of the dy planes at
// once (the gradient at the maximum, 0 at the other three places) and
// sums the bias gradient over the kept pooled gradients. The pooled values
// and maxima equal those of the separate passes bit for bit; the bias
// gradient is summed in another order (float32 rounding).

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
// pool pl: y is the pool's output; code holds, per group of images, the
// places of the maxima in their windows interleaved like the planes
// (group g's vector for pooled value i at (g·pl.out + i)·lanes), 4 where
// the maximum is +0 (its gradient does not pass the ReLU).
func convForwardDirectPool(l, pl *netLayer, d *directConv, b *directBufs, x, y []float32, code []int32, n int) {
	ph, pw := d.oh/2, d.ow/2
	pp := ph * pw * lanes
	for g := 0; g*lanes < n; g++ {
		nl := min(lanes, n-g*lanes)
		xi := d.loadGroup(l, b, g, x[g*lanes*l.in:], nl)
		for o := 0; o < l.s.OutC; o++ {
			d.filter(o, xi, b)
			yo, co := b.pi[o*pp:(o+1)*pp], code[(g*pl.out*lanes)+o*pp:][:pp]
			if !poolLanesFast(b.yo, d.ow, ph, pw, l.param.Bias[o], yo, co) {
				poolLanesGo(b.yo, d.ow, ph, pw, l.param.Bias[o], yo, co)
			}
		}
		deinterleave(y[g*lanes*pl.out:], pl.out, b.pi, pl.out, nl)
	}
}

// poolLanesGo writes the 2×2 max pools of relu(src + bias) of one filter's
// interleaved output planes src (rows ow vectors apart) to y (ph×pw
// vectors) and the places of the maxima in their windows (0…3, row-major;
// the first of equal values) to code, or 4 where the maximum is +0.
func poolLanesGo(src []float32, ow, ph, pw int, bias float32, y []float32, code []int32) {
	v := func(i int) int32 {
		b := math.Float32bits(src[i] + bias)
		return int32(b &^ uint32(int32(b)>>31)) // relu's bits
	}
	for py := 0; py < ph; py++ {
		for px := 0; px < pw; px++ {
			i := (2*py*ow + 2*px) * lanes
			q := (py*pw + px) * lanes
			for j := 0; j < lanes; j++ {
				best, at := v(i+j), int32(0)
				best, at = maxAt(best, at, v(i+lanes+j), 1)
				best, at = maxAt(best, at, v(i+ow*lanes+j), 2)
				best, at = maxAt(best, at, v(i+(ow+1)*lanes+j), 3)
				if best == 0 {
					at = 4
				}
				y[q+j], code[q+j] = math.Float32frombits(uint32(best)), at
			}
		}
	}
}

// unpoolLanesGo writes the interleaved dy plane dst (ph×pw windows, rows
// dw vectors apart): each window gets the pooled gradient g at the place
// code names and 0 elsewhere (everywhere for code 4). The kept gradients
// are added to acc's four vectors by window index mod 4.
func unpoolLanesGo(dst []float32, dw, ph, pw int, g []float32, code []int32, acc *[4 * lanes]float32) {
	for py := 0; py < ph; py++ {
		for px := 0; px < pw; px++ {
			q := py*pw + px
			i := (2*py*dw + 2*px) * lanes
			at := [4]int{i, i + lanes, i + dw*lanes, i + (dw+1)*lanes}
			for j := 0; j < lanes; j++ {
				gq, c := g[q*lanes+j], code[q*lanes+j]
				for k, a := range at {
					dst[a+j] = 0
					if int32(k) == c {
						dst[a+j] = gq
					}
				}
				if c < 4 {
					acc[q%4*lanes+j] += gq
				}
			}
		}
	}
}

// convBackwardDirectPool is the backward pass of the pool pl and the conv
// l (see convBackwardDirect) from the pool's output gradient dy and the
// maxima's places code; the bias gradient is each image's sum of the kept
// pooled gradients.
func convBackwardDirectPool(l, pl *netLayer, d *directConv, b *directBufs, dy []float32, code []int32, dx, dw, db []float32, n int) {
	s := &l.s
	ph, pw := d.oh/2, d.ow/2
	pp := ph * pw * lanes
	plane := d.dh * d.dw * lanes
	for g := 0; g*lanes < n; g++ {
		nl := min(lanes, n-g*lanes)
		interleave(b.pi, dy[g*lanes*pl.out:], pl.out, nl)
		for o := 0; o < s.OutC; o++ {
			dst := b.dyp[o*plane+d.dyc*lanes:]
			gi, co := b.pi[o*pp:(o+1)*pp], code[(g*pl.out*lanes)+o*pp:][:pp]
			var acc [4 * lanes]float32
			if !unpoolLanesFast(dst, d.dw, ph, pw, gi, co, &acc) {
				unpoolLanesGo(dst, d.dw, ph, pw, gi, co, &acc)
			}
			for j := 0; j < nl; j++ {
				db[o] += (acc[j] + acc[lanes+j]) + (acc[2*lanes+j] + acc[3*lanes+j])
			}
		}
		d.backwardGroup(l, b, g, nl, dx, dw)
	}
}
