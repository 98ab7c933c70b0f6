package nn

import (
	"math"
	"math/rand/v2"
	"runtime"
	"testing"

	"github.com/dcsim/dcsim/network"
)

// dcEntries draws nnz entries with offsets in [0, span).
func dcEntries(r *rand.Rand, nnz, span int) ([]float32, []int32, int32) {
	vals, idx, top := randSlice(r, nnz), make([]int32, nnz), int32(-1)
	for t := range idx {
		idx[t] = int32(r.IntN(span))
		top = max(top, idx[t])
	}
	return vals, idx, top
}

// dcRowsRef is dcRows in float64, the reference for both paths.
func dcRowsRef(vals []float32, idx []int32, src []float32, srs, rows, cols int) []float64 {
	out := make([]float64, rows*cols*lanes)
	for r := 0; r < rows; r++ {
		for k := 0; k < cols*lanes; k++ {
			for t, v := range vals {
				out[r*cols*lanes+k] += float64(v) * float64(src[(int(idx[t])+r*srs)*lanes+k])
			}
		}
	}
	return out
}

// TestDCRows: dcRows (on the vector kernels where there are: 8-, 12- and
// 4-column blocks, one row and pairs of rows) and dcRowsGo (the fallback)
// equal a float64 reference to float32 rounding for every width from 1 to
// 29 (every mix of blocks and Go tail), odd and even row counts, no
// entries, and a destination row stride wider than the row; they leave the
// destination's other columns alone.
func TestDCRows(t *testing.T) {
	r := newRand()
	for cols := 1; cols <= 29; cols++ {
		for _, rows := range []int{1, 2, 3, 8} {
			for _, nnz := range []int{0, 1, 2, 7, 40} {
				srs := cols + 4
				span := 3 * srs
				vals, idx, top := dcEntries(r, nnz, span)
				src := randSlice(r, (span+(rows-1)*srs+cols)*lanes)
				want := dcRowsRef(vals, idx, src, srs, rows, cols)
				drs := cols + 2
				for _, f := range []struct {
					name string
					run  func(dst []float32)
				}{
					{"dcRows", func(dst []float32) { dcRows(vals, idx, top, src, srs, dst, drs, rows, cols) }},
					{"dcRowsGo", func(dst []float32) { dcRowsGo(vals, idx, src, srs, dst, drs, rows, cols) }},
				} {
					dst := make([]float32, rows*drs*lanes)
					fill(dst, 7)
					f.run(dst)
					for row := 0; row < rows; row++ {
						for k := 0; k < drs*lanes; k++ {
							got := float64(dst[(row*drs)*lanes+k])
							if k >= cols*lanes {
								if got != 7 {
									t.Fatalf("%s cols %d rows %d nnz %d: wrote past the row at %d,%d", f.name, cols, rows, nnz, row, k)
								}
								continue
							}
							w := want[row*cols*lanes+k]
							if math.Abs(got-w) > 1e-5*(1+math.Abs(w))*float64(nnz+1) {
								t.Fatalf("%s cols %d rows %d nnz %d: [%d][%d] = %v, want %v", f.name, cols, rows, nnz, row, k, got, w)
							}
						}
					}
				}
			}
		}
	}
}

// TestDCDW: dcDW (dcDW8 on the vector kernel: full blocks of eight columns
// and single columns) and dcDWGo equal a float64 reference to float32
// rounding for widths 1 to 19, several row counts and 8 or 24 slots.
func TestDCDW(t *testing.T) {
	r := newRand()
	for cols := 1; cols <= 19; cols++ {
		for _, rows := range []int{1, 3, 8} {
			for _, slots := range []int{8, 24} {
				srs, dyrs := cols+4, cols+3
				span := 2 * srs
				_, idx, top := dcEntries(r, slots, span)
				src := randSlice(r, (span+(rows-1)*srs+cols)*lanes)
				dy := randSlice(r, ((rows-1)*dyrs+cols)*lanes)
				for name, run := range map[string]func(out []float32){
					"dcDW":   func(out []float32) { dcDW(idx, top, src, srs, dy, dyrs, rows, cols, out) },
					"dcDWGo": func(out []float32) { dcDWGo(idx, src, srs, dy, dyrs, rows, cols, out) },
				} {
					out := make([]float32, slots)
					fill(out, 7) // set, not added to
					run(out)
					for s, o := range idx {
						var w, mag float64
						for row := 0; row < rows; row++ {
							for k := 0; k < cols*lanes; k++ {
								p := float64(dy[row*dyrs*lanes+k]) * float64(src[(int(o)+row*srs)*lanes+k])
								w, mag = w+p, mag+math.Abs(p)
							}
						}
						if math.Abs(float64(out[s])-w) > 1e-6*(1+mag) {
							t.Fatalf("%s cols %d rows %d: slot %d = %v, want %v", name, cols, rows, s, out[s], w)
						}
					}
				}
			}
		}
	}
}

// TestDCWin: dcWin (dcWinK on the vector kernel for rows of twelve
// vectors, Go otherwise) and dcWinGo equal a float64 reference to float32
// rounding, with empty and non-empty ranges for each window q, for rows
// of 12 and of 10 vectors (S = 5 and 3), and entries whose offsets are
// negative (the caller's row offset at brings them into dy).
func TestDCWin(t *testing.T) {
	r := newRand()
	for _, w := range []int{12, 10} {
		for trial := 0; trial < 20; trial++ {
			const at, span = 40, 60 // offsets in [−at, span−at)
			var rng [10]int32
			var vals []float32
			var idx []int32
			for q := 0; q+8 <= w; q++ {
				rng[2*q] = int32(len(idx))
				for k := r.IntN(4) * r.IntN(9); k > 0; k-- { // often none
					vals, idx = append(vals, r.Float32()*2-1), append(idx, int32(r.IntN(span)-at))
				}
				rng[2*q+1] = int32(len(idx))
			}
			dy := randSlice(r, (span+8)*lanes)
			want := make([]float64, w*lanes)
			for q := 0; q < 5; q++ {
				for t := rng[2*q]; t < rng[2*q+1]; t++ {
					for k := 0; k < 8*lanes; k++ {
						want[q*lanes+k] += float64(vals[t]) * float64(dy[(int(idx[t])+at)*lanes+k])
					}
				}
			}
			for name, run := range map[string]func(dst []float32){
				"dcWin":   func(dst []float32) { dcWin(vals, idx, &rng, -at, span-at, dy, at, dst) },
				"dcWinGo": func(dst []float32) { dcWinGo(vals, idx, &rng, dy, at, dst) },
			} {
				dst := make([]float32, w*lanes)
				fill(dst, 7) // set, not added to
				run(dst)
				for k, v := range dst {
					if math.Abs(float64(v)-want[k]) > 1e-5*(1+math.Abs(want[k]))*float64(len(vals)+1) {
						t.Fatalf("%s width %d trial %d: [%d] = %v, want %v", name, w, trial, k, v, want[k])
					}
				}
			}
		}
	}
}

// TestPoolLanes: the vector pool and unpool kernels equal their Go forms
// bit for bit (maxima, places, ties, +0 maxima, the window sums), for one
// and several windows per row.
func TestPoolLanes(t *testing.T) {
	r := newRand()
	for _, sh := range [][2]int{{1, 1}, {2, 3}, {4, 4}, {12, 12}} {
		ph, pw := sh[0], sh[1]
		ow := 2*pw + 3
		src := randSlice(r, (2*ph*ow)*lanes)
		for i := range src {
			switch r.IntN(6) {
			case 0:
				src[i] = 0.25 // ties
			case 1:
				src[i] = -src[i] * src[i] // below the bias: +0 after ReLU
			}
		}
		const bias = -0.1
		y1, y2 := make([]float32, ph*pw*lanes), make([]float32, ph*pw*lanes)
		c1, c2 := make([]int32, ph*pw*lanes), make([]int32, ph*pw*lanes)
		poolLanesGo(src, ow, ph, pw, bias, y1, c1)
		if !poolLanesFast(src, ow, ph, pw, bias, y2, c2) {
			t.Skip("no vector kernels on this platform")
		}
		zeros := 0
		for i := range y1 {
			if math.Float32bits(y1[i]) != math.Float32bits(y2[i]) || c1[i] != c2[i] {
				t.Fatalf("%dx%d: pooled %d = (%v, %d), want (%v, %d)", ph, pw, i, y2[i], c2[i], y1[i], c1[i])
			}
			if c1[i] == 4 {
				zeros++
			}
		}
		if ph*pw > 4 && zeros == 0 {
			t.Fatalf("%dx%d: no window with a +0 maximum: the test data misses that case", ph, pw)
		}
		g := randSlice(r, ph*pw*lanes)
		dw := 2*pw + 5
		d1, d2 := randSlice(r, 2*ph*dw*lanes), make([]float32, 2*ph*dw*lanes)
		copy(d2, d1)
		var a1, a2 [4 * lanes]float32
		unpoolLanesGo(d1, dw, ph, pw, g, c1, &a1)
		unpoolLanesFast(d2, dw, ph, pw, g, c1, &a2)
		for i := range d1 {
			if math.Float32bits(d1[i]) != math.Float32bits(d2[i]) {
				t.Fatalf("%dx%d: unpooled %d = %v, want %v", ph, pw, i, d2[i], d1[i])
			}
		}
		if a1 != a2 {
			t.Fatalf("%dx%d: window sums %v, want %v", ph, pw, a2, a1)
		}
	}
}

// BenchmarkDirectConv times the three products of LeNet-5's conv2 (20×12×12
// → 50×8×8, 5×5) at 14 % density for one group of eight images, on a
// locked thread, and reports useful GFLOP/s per thread CPU-second (2 FLOPs
// per kept weight and output position and image).
func BenchmarkDirectConv(b *testing.B) {
	const inC, side, outC, k = 20, 12, 50, 5
	r := rand.New(rand.NewPCG(3, 4))
	keep := make([]float32, outC*inC*k*k)
	nnz := 0
	for i := range keep {
		if r.Float64() < 0.14 {
			keep[i], nnz = 1, nnz+1
		}
	}
	s := convLayer(inC, side, outC, k)
	d := newDirect(&s, keep)
	for _, m := range []*sparseMat{d.fwd, d.bwd} {
		copy(m.val, randSlice(r, len(m.val)))
	}
	buf := d.newBufs(&s)
	copy(buf.xi, randSlice(r, len(buf.xi)))
	copy(buf.dyp, randSlice(r, len(buf.dyp)))
	dw := make([]float32, d.fwd.nnz())
	l := &netLayer{s: s, in: int(s.InputSize()), out: int(s.OutputSize())}
	dx := make([]float32, lanes*l.in)
	flops := float64(2 * nnz * d.oh * d.ow * lanes)
	for _, c := range []struct {
		name string
		run  func()
	}{
		{"forward", func() {
			for o := 0; o < outC; o++ {
				d.filter(o, buf.xi, buf)
			}
		}},
		{"weight-grad+input-grad", func() { d.backwardGroup(l, buf, 0, lanes, dx, dw) }},
		{"weight-grad", func() { d.backwardGroup(l, buf, 0, lanes, nil, dw) }},
	} {
		b.Run(c.name, func(b *testing.B) {
			f := flops
			if c.name == "weight-grad+input-grad" {
				f *= 2
			}
			benchCPU(b, f, c.run)
		})
	}
}

// convLayer is a stride-1 unpadded conv layer with square sides.
func convLayer(inC, side, outC, k int) network.Layer {
	return network.Layer{Kind: network.Conv, InC: inC, InH: side, InW: side, OutC: outC, R: k, S: k, Stride: 1}
}

// benchCPU runs f on a locked thread and reports flops per call as GFLOP/s
// per thread CPU-second.
func benchCPU(b *testing.B, flops float64, f func()) {
	b.ReportAllocs()
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	c0 := threadCPUTime()
	for b.Loop() {
		f()
	}
	if cpu := (threadCPUTime() - c0).Seconds(); cpu > 0 {
		b.ReportMetric(flops*float64(b.N)/cpu/1e9, "GFLOP/s")
	}
}
