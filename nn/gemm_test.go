package nn

import (
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas32"
)

func randSlice(r *rand.Rand, n int) []float32 {
	s := make([]float32, n)
	for i := range s {
		s[i] = float32(r.NormFloat64())
	}
	return s
}

// TestGEMM compares every kernel path with the naive triple loop on shapes
// that exercise full tiles and all edges, with padded leading dimensions.
func TestGEMM(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	kernels := map[string]func(m, n, k int, a []float32, lda int, b []float32, ldb int, c []float32, ldc int){
		"go": gemmGo, "dispatch": gemm,
		"asm": func(m, n, k int, a []float32, lda int, b []float32, ldb int, c []float32, ldc int) {
			gemmAsm(m, n, k, a, lda, b, ldb, c, ldc, false)
		},
		// C = A·B on a C holding c0 + garbage equals c0 + A·B after
		// adding c0 back: set mode must ignore C's old values.
		"set": func(m, n, k int, a []float32, lda int, b []float32, ldb int, c []float32, ldc int) {
			old := append([]float32(nil), c...)
			for i := range c {
				c[i] = float32(math.NaN())
			}
			gemmSet(m, n, k, a, lda, b, ldb, c, ldc)
			for i := 0; i < m; i++ {
				for j := 0; j < n; j++ {
					c[i*ldc+j] += old[i*ldc+j]
				}
			}
			for i := range c {
				if math.IsNaN(float64(c[i])) {
					c[i] = old[i] // padding between rows: not part of C
				}
			}
		},
	}
	for _, sz := range [][3]int{{1, 1, 1}, {4, 16, 3}, {5, 17, 7}, {7, 25, 16}, {50, 64, 500}, {3, 9, 0}, {13, 41, 33}, {20, 576, 25}, {6, 16, 9}, {25, 40, 12}, {300, 16, 50}} {
		m, n, k := sz[0], sz[1], sz[2]
		lda, ldb, ldc := k+3, n+2, n+5
		a, b := randSlice(r, m*lda), randSlice(r, max(k, 1)*ldb)
		c0 := randSlice(r, m*ldc)
		want := append([]float32(nil), c0...)
		gemmNaive(m, n, k, a, lda, b, ldb, want, ldc)
		for name, f := range kernels {
			got := append([]float32(nil), c0...)
			f(m, n, k, a, lda, b, ldb, got, ldc)
			for i := range got {
				// float32 sums of k products of unit normals: error grows ~ sqrt(k)·eps.
				tol := 1e-5 * float64(k+1)
				if math.Abs(float64(got[i]-want[i])) > tol {
					t.Fatalf("%s %dx%dx%d: c[%d] = %v, want %v", name, m, n, k, i, got[i], want[i])
				}
			}
		}
	}
}

// TestGEMMRowBlocksBitIdentical: the 6- and 4-row kernels accumulate every
// C value in the same order as a single row does, so the product is the
// same bit for bit whatever row blocks cover C (results must not depend on
// the tile shape).
func TestGEMMRowBlocksBitIdentical(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	for _, m := range []int{6, 10, 12, 20, 25, 50, 300} {
		for _, set := range []bool{false, true} {
			n, k := 56, 37
			a, b, c0 := randSlice(r, m*k), randSlice(r, k*n), randSlice(r, m*n)
			got, want := slices.Clone(c0), slices.Clone(c0)
			gemmMode(m, n, k, a, k, b, n, got, n, set)
			for i := 0; i < m; i++ {
				gemmMode(1, n, k, a[i*k:], k, b, n, want[i*n:], n, set)
			}
			for i := range got {
				if math.Float32bits(got[i]) != math.Float32bits(want[i]) {
					t.Fatalf("m=%d set=%v: c[%d] = %v in blocks, %v row by row", m, set, i, got[i], want[i])
				}
			}
		}
	}
}

// BenchmarkGEMM compares gonum's pure-Go blas32.Gemm with this package's
// portable and assembly kernels on the shapes LeNet-5 training uses.
func BenchmarkGEMM(b *testing.B) {
	shapes := []struct {
		name    string
		m, n, k int
	}{
		{"conv2-fwd-50x64x500", 50, 64, 500},
		{"fc1-fwd-500x16x800", 500, 16, 800},
		{"conv2-dx-500x64x50", 500, 64, 50},
		{"fc1-dw-500x800x16", 500, 800, 16},
	}
	r := rand.New(rand.NewPCG(1, 2))
	for _, s := range shapes {
		a, bm, c := randSlice(r, s.m*s.k), randSlice(r, s.k*s.n), make([]float32, s.m*s.n)
		flops := 2 * float64(s.m*s.n*s.k)
		run := func(name string, f func()) {
			b.Run(fmt.Sprintf("%s/%s", s.name, name), func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					f()
				}
				b.ReportMetric(flops*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
			})
		}
		run("gonum", func() {
			blas32.Gemm(blas.NoTrans, blas.NoTrans, 1,
				blas32.General{Rows: s.m, Cols: s.k, Stride: s.k, Data: a},
				blas32.General{Rows: s.k, Cols: s.n, Stride: s.n, Data: bm}, 1,
				blas32.General{Rows: s.m, Cols: s.n, Stride: s.n, Data: c})
		})
		run("go", func() { gemmGo(s.m, s.n, s.k, a, s.k, bm, s.n, c, s.n) })
		run("asm", func() { gemmAsm(s.m, s.n, s.k, a, s.k, bm, s.n, c, s.n, false) })
	}
}

// TestTranspose checks transpose and transposeTo (a destination stride
// wider than the rows, whose gaps stay untouched) on shapes with and
// without whole 8×8 blocks and with partial ones on either edge.
func TestTranspose(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for _, sz := range [][2]int{{1, 1}, {3, 5}, {4, 4}, {7, 130}, {500, 64}, {25, 576}, {16, 784}, {300, 16}, {10, 16}, {13, 21}, {8, 8}} {
		rows, cols := sz[0], sz[1]
		src := randSlice(r, rows*cols)
		for _, ldd := range []int{rows, rows + 5} {
			dst := make([]float32, cols*ldd)
			for i := range dst {
				dst[i] = -1
			}
			transposeTo(dst, ldd, src, rows, cols)
			for j := 0; j < cols; j++ {
				for i := 0; i < ldd; i++ {
					want := float32(-1)
					if i < rows {
						want = src[i*cols+j]
					}
					if dst[j*ldd+i] != want {
						t.Fatalf("%v ldd %d: dst[%d][%d] = %v, want %v", sz, ldd, j, i, dst[j*ldd+i], want)
					}
				}
			}
		}
	}
}

func BenchmarkTranspose(b *testing.B) {
	src, dst := randSlice(newRand(), 500*64), make([]float32, 500*64)
	b.ReportAllocs()
	for b.Loop() {
		transpose(dst, src, 500, 64)
	}
}

// TestUpdateDense checks the vectorised SGD update bit for bit against the
// scalar rule, including a tail that is not a multiple of 8.
func TestUpdateDense(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	for _, n := range []int{0, 3, 8, 37, 1000} {
		w, g, v := randSlice(r, n), randSlice(r, n), randSlice(r, n)
		w2, v2 := append([]float32(nil), w...), append([]float32(nil), v...)
		updateDense(w, g, v, 1.0/64, 5e-4, 0.9, 0.01)
		update(w2, g, v2, nil, 1.0/64, 5e-4, 0.9, 0.01)
		for i := range w {
			if math.Float32bits(w[i]) != math.Float32bits(w2[i]) || math.Float32bits(v[i]) != math.Float32bits(v2[i]) {
				t.Fatalf("n=%d i=%d: vector (%v, %v), scalar (%v, %v)", n, i, w[i], v[i], w2[i], v2[i])
			}
		}
	}
}

// TestGEMMNT compares C += A·Bᵀ (assembly and Go) with the naive product on
// shapes with odd n, m not a multiple of 4 and contraction tails.
func TestGEMMNT(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	for _, sz := range [][4]int{{1, 1, 1, 1}, {4, 2, 8, 1}, {5, 3, 9, 2}, {20, 25, 576, 2}, {50, 500, 64, 3}, {7, 13, 37, 2}, {3, 1, 16, 4}, {500, 800, 32, 1}} {
		m, n, k, nimg := sz[0], sz[1], sz[2], sz[3]
		lda, ldb, ldc := k+3, k+1, n+5
		astr, bstr := m*lda+7, n*ldb+2
		a, b := randSlice(r, nimg*astr), randSlice(r, nimg*bstr)
		c0 := randSlice(r, m*ldc)
		want := append([]float32(nil), c0...)
		for i := 0; i < m; i++ {
			for j := 0; j < n; j++ {
				var s float64
				for img := 0; img < nimg; img++ {
					for p := 0; p < k; p++ {
						s += float64(a[img*astr+i*lda+p]) * float64(b[img*bstr+j*ldb+p])
					}
				}
				want[i*ldc+j] += float32(s)
			}
		}
		for _, name := range []string{"go", "dispatch"} {
			got := append([]float32(nil), c0...)
			if name == "go" {
				gemmNTGo(m, n, k, nimg, a, lda, astr, b, ldb, bstr, got, ldc)
			} else {
				gemmNT(m, n, k, nimg, a, lda, astr, b, ldb, bstr, got, ldc, nil)
			}
			for i := range got {
				if math.Abs(float64(got[i]-want[i])) > 1e-5*float64(nimg*k+1) {
					t.Fatalf("%s %dx%dx%d×%d: c[%d] = %v, want %v", name, m, n, k, nimg, i, got[i], want[i])
				}
			}
		}
	}
}

// fmaPeakGFLOPS is one core's float32 FMA peak: the clock from /proc/cpuinfo
// ("cpu MHz", first core) × 2 FMA pipes × 8 lanes × 2 FLOP per FMA. The two
// 256-bit FMA pipes are Zen 2/3 and Haswell-to-Ice-Lake client cores'; this
// machine reports AMD family 25 (Zen 3). Returns 0 when the clock is unknown.
func fmaPeakGFLOPS() float64 {
	data, err := os.ReadFile("/proc/cpuinfo")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(data), "\n") {
		if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "cpu MHz" {
			mhz, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
			if err != nil {
				return 0
			}
			return mhz / 1000 * 2 * 8 * 2
		}
	}
	return 0
}

// BenchmarkConvGEMM times each matrix product of one LeNet-5 image's conv
// layers (forward, weight gradient dW = dY·colᵀ on the A·Bᵀ kernel, column
// gradient dcol = Wᵀ·dY) on one locked thread and reports GFLOP/s per
// second of that thread's CPU time, and that as a share of one core's FMA
// peak (fmaPeakGFLOPS). The "-transpose" products are the other way to the
// weight gradient (transpose col, then the A·B kernel), for comparison.
func BenchmarkConvGEMM(b *testing.B) {
	peak := fmaPeakGFLOPS()
	r := rand.New(rand.NewPCG(1, 2))
	type shape struct {
		name    string
		m, n, k int
		nt      bool
	}
	for _, s := range []shape{
		{"conv1-fwd-20x576x25", 20, 576, 25, false},
		{"conv1-dw-20x25x576", 20, 25, 576, true},
		{"conv2-fwd-50x64x500", 50, 64, 500, false},
		{"conv2-dw-50x500x64", 50, 500, 64, true},
		{"conv2-dw-50x500x64x2img", 50, 500, 64, true},
		{"conv2-dcol-500x64x50", 500, 64, 50, false},
		{"conv1-dw-transpose", 20, 25, 576, false},
		{"conv2-dw-transpose", 50, 500, 64, false},
	} {
		nimg := 1
		if strings.HasSuffix(s.name, "x2img") {
			nimg = 2 // two images' products summed before the reduction
		}
		a, c := randSlice(r, nimg*s.m*s.k), make([]float32, s.m*s.n)
		bm := randSlice(r, nimg*s.k*s.n) // k×n, or n×k for the A·Bᵀ form
		bt, pad := make([]float32, s.k*s.n), make([]float32, 6*s.k+8+4*s.n)
		b.Run(s.name, func(b *testing.B) {
			runtime.LockOSThread()
			defer runtime.UnlockOSThread()
			c0 := threadCPUTime()
			for b.Loop() {
				switch {
				case s.nt:
					gemmNT(s.m, s.n, s.k, nimg, a, s.k, s.m*s.k, bm, s.k, s.n*s.k, c, s.n, pad)
				case s.name == "conv2-dw-transpose" || s.name == "conv1-dw-transpose":
					transpose(bt, bm, s.n, s.k)
					gemm(s.m, s.n, s.k, a, s.k, bt, s.n, c, s.n)
				default:
					gemm(s.m, s.n, s.k, a, s.k, bm, s.n, c, s.n)
				}
			}
			cpu := (threadCPUTime() - c0).Seconds()
			if cpu <= 0 {
				return
			}
			gf := 2 * float64(nimg*s.m*s.n*s.k) * float64(b.N) / cpu / 1e9
			b.ReportMetric(gf, "GFLOP/s")
			if peak > 0 {
				b.ReportMetric(100*gf/peak, "%peak")
			}
		})
	}
}

// TestReluKernels checks the vectorised ReLU and ReLU mask bit for bit
// against the scalar ones, with ±0, NaNs of both signs and a tail.
func TestReluKernels(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 10))
	for _, n := range []int{0, 5, 8, 37, 1000} {
		y := randSlice(r, n)
		if n > 4 {
			y[0], y[1], y[2], y[3] = 0, float32(math.Copysign(0, -1)), float32(math.NaN()), -float32(math.NaN())
		}
		a, b := append([]float32(nil), y...), append([]float32(nil), y...)
		reluFast(a)
		relu(b)
		dy := randSlice(r, n)
		da, db := append([]float32(nil), dy...), append([]float32(nil), dy...)
		reluMaskFast(y, da)
		reluMask(y, db)
		for i := range a {
			if math.Float32bits(a[i]) != math.Float32bits(b[i]) || math.Float32bits(da[i]) != math.Float32bits(db[i]) {
				t.Fatalf("n=%d i=%d: relu %v vs %v, mask %v vs %v", n, i, a[i], b[i], da[i], db[i])
			}
		}
	}
}

// TestSumUpdate2 checks the fused two-chunk sum and update bit for bit
// against sumChunks followed by update.
func TestSumUpdate2(t *testing.T) {
	r := rand.New(rand.NewPCG(13, 14))
	for _, n := range []int{0, 3, 8, 37, 1000} {
		w, g0, g1, v := randSlice(r, n), randSlice(r, n), randSlice(r, n), randSlice(r, n)
		w2, v2 := append([]float32(nil), w...), append([]float32(nil), v...)
		grad, grad2 := make([]float32, n), make([]float32, n)
		if !sumUpdate2(w, g0, g1, grad, v, 1.0/64, 5e-4, 0.9, 0.01) {
			t.Skip("no vector kernels on this platform")
		}
		chunks := []*chunkGrad{{w: [][]float32{g0}}, {w: [][]float32{g1}}}
		sumChunks(grad2, chunks, 0, false, 0, n)
		update(w2, grad2, v2, nil, 1.0/64, 5e-4, 0.9, 0.01)
		for i := range w {
			if math.Float32bits(w[i]) != math.Float32bits(w2[i]) || math.Float32bits(v[i]) != math.Float32bits(v2[i]) ||
				math.Float32bits(grad[i]) != math.Float32bits(grad2[i]) {
				t.Fatalf("n=%d i=%d: fused (%v, %v, %v), separate (%v, %v, %v)", n, i, w[i], v[i], grad[i], w2[i], v2[i], grad2[i])
			}
		}
	}
}

func TestSum8(t *testing.T) {
	r := newRand()
	for _, n := range []int{0, 1, 7, 8, 9, 64, 577} {
		x := randSlice(r, n)
		var want float64
		for _, v := range x {
			want += float64(v)
		}
		if got := sum8(x); math.Abs(float64(got)-want) > 1e-5*float64(n+1) {
			t.Fatalf("n=%d: sum8 = %v, want %v", n, got, want)
		}
	}
}
