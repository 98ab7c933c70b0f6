package nn

import (
	"math"
	"testing"

	"github.com/dcsim/dcsim/network"
)

// TestDirectPoolMatchesSeparate: the fused direct conv + ReLU + 2×2 pool
// gives the separate passes' pooled values and maxima bit for bit, the
// same dy planes, weight and input gradients bit for bit, and the bias
// gradient to float32 rounding; for a whole group of images and a short
// one (n = 11).
func TestDirectPoolMatchesSeparate(t *testing.T) {
	r := newRand()
	for _, s := range []network.Layer{
		{Kind: network.Conv, InC: 1, InH: 28, InW: 28, OutC: 4, R: 5, S: 5, Stride: 1},         // 24 wide: kernel
		{Kind: network.Conv, InC: 3, InH: 12, InW: 12, OutC: 5, R: 5, S: 5, Stride: 1},         // 8 wide: kernel
		{Kind: network.Conv, InC: 2, InH: 10, InW: 10, OutC: 3, R: 3, S: 3, Stride: 1, Pad: 1}, // 10 wide: Go
	} {
		const n = 11
		k := s.FanIn()
		w, bias := randSlice(r, s.OutC*k), randSlice(r, s.OutC)
		mask := make([]float32, len(w))
		for i := range mask {
			if r.IntN(3) == 0 {
				mask[i] = 1
			}
		}
		l := &netLayer{s: s, param: &Param{Weights: network.Weights{Bias: bias}}, relu: true, maskedByPool: true,
			in: int(s.InputSize()), out: int(s.OutputSize())}
		ps := network.Layer{Kind: network.Pool, InC: s.OutC, InH: s.OutH(), InW: s.OutW(), OutC: s.OutC, R: 2, S: 2, Stride: 2}
		pl := &netLayer{s: ps, in: l.out, out: int(ps.OutputSize()), afterReLU: true}
		d := newDirect(&s, mask)
		for _, m := range []*sparseMat{d.fwd, d.bwd} {
			for t, i := range m.pos {
				m.val[t] = w[i]
			}
		}
		x := randSlice(r, n*l.in)
		b1, b2 := d.newBufs(&s), d.newBufs(&s)

		y := make([]float32, n*l.out)
		py, parg := make([]float32, n*pl.out), make([]int32, n*pl.out)
		convForwardDirect(l, d, b1, x, y, n)
		pool2x2NonNeg(pl, y, py, parg, n)
		py2, parg2 := make([]float32, n*pl.out), make([]int32, 2*lanes*pl.out)
		convForwardDirectPool(l, pl, d, b2, x, py2, parg2, n)
		oh, ow := s.OutH(), s.OutW()
		for i := range py {
			a := int(parg[i]) % l.out // position in the image's conv output
			oy, ox := a%(oh*ow)/ow, a%ow
			want := int32(oy%2*2 + ox%2) // the place in the window
			if py[i] == 0 {
				want = 4
			}
			j, q := i/pl.out, i%pl.out
			got := parg2[(j/lanes*pl.out+q)*lanes+j%lanes]
			if math.Float32bits(py[i]) != math.Float32bits(py2[i]) || got != want {
				t.Fatalf("%+v: pooled %d = (%v, %d), want (%v, %d)", s, i, py2[i], got, py[i], want)
			}
		}

		pdy := randSlice(r, n*pl.out)
		dy := make([]float32, n*l.out)
		dx1, dw1, db1 := make([]float32, n*l.in), make([]float32, d.fwd.nnz()), make([]float32, s.OutC)
		poolBackward2x2(pl, py, pdy, dy, parg, n, true)
		convBackwardDirect(l, d, b1, dy, dx1, dw1, db1, n)
		dx2, dw2, db2 := make([]float32, n*l.in), make([]float32, d.fwd.nnz()), make([]float32, s.OutC)
		convBackwardDirectPool(l, pl, d, b2, pdy, parg2, dx2, dw2, db2, n)
		for i := range dw1 {
			if math.Float32bits(dw1[i]) != math.Float32bits(dw2[i]) {
				t.Fatalf("%+v: dw[%d] = %v, want %v", s, i, dw2[i], dw1[i])
			}
		}
		for i := range dx1 {
			if math.Float32bits(dx1[i]) != math.Float32bits(dx2[i]) {
				t.Fatalf("%+v: dx[%d] = %v, want %v", s, i, dx2[i], dx1[i])
			}
		}
		for i := range db1 {
			if math.Abs(float64(db1[i]-db2[i])) > 1e-5*(1+math.Abs(float64(db1[i]))) {
				t.Fatalf("%+v: db[%d] = %v, want %v", s, i, db2[i], db1[i])
			}
		}
		for i := range b1.dyp {
			if math.Float32bits(b1.dyp[i]) != math.Float32bits(b2.dyp[i]) {
				t.Fatalf("%+v: dy plane value %d = %v, want %v", s, i, b2.dyp[i], b1.dyp[i])
			}
		}
	}
}
