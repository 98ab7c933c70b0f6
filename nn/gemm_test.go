package nn

import (
	"fmt"
	"math"
	"math/rand/v2"
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
		"go": gemmGo, "asm": gemmAsm, "dispatch": gemm,
	}
	for _, sz := range [][3]int{{1, 1, 1}, {4, 16, 3}, {5, 17, 7}, {7, 25, 16}, {50, 64, 500}, {3, 9, 0}, {13, 41, 33}, {20, 576, 25}} {
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
		run("asm", func() { gemmAsm(s.m, s.n, s.k, a, s.k, bm, s.n, c, s.n) })
	}
}

func TestTranspose(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for _, sz := range [][2]int{{1, 1}, {3, 5}, {4, 4}, {7, 130}, {500, 64}, {25, 576}} {
		src := randSlice(r, sz[0]*sz[1])
		dst := make([]float32, len(src))
		transpose(dst, src, sz[0], sz[1])
		for i := 0; i < sz[0]; i++ {
			for j := 0; j < sz[1]; j++ {
				if dst[j*sz[0]+i] != src[i*sz[1]+j] {
					t.Fatalf("%v: dst[%d][%d] != src[%d][%d]", sz, j, i, i, j)
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
