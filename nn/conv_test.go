package nn

import (
	"math"
	"testing"

	"github.com/dcsim/dcsim/network"
)

// TestIm2colCol2im checks im2col against its defining formula and col2im
// as its adjoint (⟨col2im(g), x⟩ = ⟨g, im2col(x)⟩), on shapes that take
// the vector row kernels (LeNet-5's, stride 1, no padding, widths 24 and
// 8) and the general paths (padding, stride 2, odd widths).
func TestIm2colCol2im(t *testing.T) {
	r := newRand()
	for _, s := range []network.Layer{
		{Kind: network.Conv, InC: 1, InH: 28, InW: 28, OutC: 20, R: 5, S: 5, Stride: 1},
		{Kind: network.Conv, InC: 20, InH: 12, InW: 12, OutC: 50, R: 5, S: 5, Stride: 1},
		{Kind: network.Conv, InC: 2, InH: 9, InW: 9, OutC: 3, R: 3, S: 3, Stride: 1, Pad: 1},
		{Kind: network.Conv, InC: 3, InH: 4, InW: 4, OutC: 4, R: 3, S: 3, Stride: 2, Pad: 1},
		{Kind: network.Conv, InC: 2, InH: 11, InW: 11, OutC: 2, R: 3, S: 3, Stride: 1},
	} {
		oh, ow, st := s.OutH(), s.OutW(), s.StrideOr1()
		k, p := s.InC*s.R*s.S, oh*ow
		x := randSlice(r, s.InC*s.InH*s.InW)
		col := make([]float32, k*p)
		im2col(&s, x, col)
		for c := 0; c < s.InC; c++ {
			for rr := 0; rr < s.R; rr++ {
				for q := 0; q < s.S; q++ {
					row := (c*s.R+rr)*s.S + q
					for y := 0; y < oh; y++ {
						for xo := 0; xo < ow; xo++ {
							iy, ix := y*st+rr-s.Pad, xo*st+q-s.Pad
							var want float32
							if iy >= 0 && iy < s.InH && ix >= 0 && ix < s.InW {
								want = x[(c*s.InH+iy)*s.InW+ix]
							}
							if got := col[row*p+y*ow+xo]; got != want {
								t.Fatalf("%+v: col[%d][%d] = %v, want %v", s, row, y*ow+xo, got, want)
							}
						}
					}
				}
			}
		}
		g := randSlice(r, k*p)
		dx := make([]float32, len(x))
		col2im(&s, g, dx)
		var lhs, rhs float64
		for i := range x {
			lhs += float64(dx[i]) * float64(x[i])
		}
		for i := range g {
			rhs += float64(g[i]) * float64(col[i])
		}
		if math.Abs(lhs-rhs) > 1e-4*(1+math.Abs(rhs)) {
			t.Fatalf("%+v: ⟨col2im(g), x⟩ = %v, ⟨g, im2col(x)⟩ = %v", s, lhs, rhs)
		}
	}
}

// TestPoolBackward2x2 checks the tiling pool backward, with and without the
// fused ReLU mask, bit for bit against clear + scatter (+ reluMask), on
// LeNet-5's pools with ties and zeros in the windows.
func TestPoolBackward2x2(t *testing.T) {
	r := newRand()
	for _, s := range []network.Layer{
		{Kind: network.Pool, InC: 20, InH: 24, InW: 24, OutC: 20, R: 2, S: 2, Stride: 2},
		{Kind: network.Pool, InC: 50, InH: 8, InW: 8, OutC: 50, R: 2, S: 2, Stride: 2},
	} {
		if !pool2x2Tiles(&s) {
			t.Fatalf("%+v: does not tile", s)
		}
		const n = 3
		l := &netLayer{s: s, in: int(s.InputSize()), out: int(s.OutputSize()), afterReLU: true}
		x := randSlice(r, n*l.in)
		for i := range x {
			if i%7 == 0 {
				x[i] = x[i-i%14] // ties
			}
		}
		relu(x) // about half the inputs, and some whole windows, are 0
		y, arg := make([]float32, n*l.out), make([]int32, n*l.out)
		poolForward(l, x, y, arg, n)
		dy := randSlice(r, n*l.out)
		for _, mask := range []bool{false, true} {
			want := make([]float32, n*l.in)
			poolBackward(l, dy, want, arg, n)
			if mask {
				reluMask(x, want)
			}
			got := randSlice(r, n*l.in) // overwritten whole
			poolBackward2x2(l, y, dy, got, arg, n, mask)
			for i := range got {
				if math.Float32bits(got[i]) != math.Float32bits(want[i]) {
					t.Fatalf("%+v mask %v: dx[%d] = %v, want %v", s, mask, i, got[i], want[i])
				}
			}
		}
	}
}

// TestPool2x2NonNegKernel checks the vector pooling row kernel bit for bit
// (values and argmax, with ties and zero windows) against the scalar loop.
func TestPool2x2NonNegKernel(t *testing.T) {
	r := newRand()
	for _, s := range []network.Layer{
		{Kind: network.Pool, InC: 20, InH: 24, InW: 24, OutC: 20, R: 2, S: 2, Stride: 2},
		{Kind: network.Pool, InC: 50, InH: 8, InW: 8, OutC: 50, R: 2, S: 2, Stride: 2},
	} {
		const n = 3
		l := &netLayer{s: s, in: int(s.InputSize()), out: int(s.OutputSize()), afterReLU: true}
		x := randSlice(r, n*l.in)
		for i := range x {
			switch i % 5 {
			case 1:
				x[i] = x[i-1] // ties inside a row pair
			case 3:
				x[i] = x[(i+l.s.InW)%len(x)] // ties across rows
			}
		}
		relu(x)
		y, arg := make([]float32, n*l.out), make([]int32, n*l.out)
		pool2x2NonNeg(l, x, y, arg, n)
		y2, arg2 := make([]float32, n*l.out), make([]int32, n*l.out)
		pool2x2(l, x, y2, arg2, n) // the plain-comparison reference
		for i := range y {
			if math.Float32bits(y[i]) != math.Float32bits(y2[i]) || arg[i] != arg2[i] {
				t.Fatalf("%+v: out %d = (%v, %d), want (%v, %d)", s, i, y[i], arg[i], y2[i], arg2[i])
			}
		}
	}
}
