package clustering

import (
	"fmt"
	"testing"
)

func benchCluster(b *testing.B, n int, s Settings) {
	w := laplace(n, 1, 0.05)
	b.ReportAllocs()
	b.ResetTimer()
	var k int
	for i := 0; i < b.N; i++ {
		cb, err := Cluster(w, s)
		if err != nil {
			b.Fatal(err)
		}
		k = len(cb.Centroids)
	}
	b.ReportMetric(float64(k), "k")
}

// BIRCH + K-Means++ + final Lloyd, adaptive k; target ≤ 0.3 s at 1M.
func BenchmarkBirchKMeans1M(b *testing.B) { benchCluster(b, 1_000_000, Settings{}) }

// Target ≤ 3 s at 10M.
func BenchmarkBirchKMeans10M(b *testing.B) { benchCluster(b, 10_000_000, Settings{}) }

func BenchmarkKMeans1M(b *testing.B) { benchCluster(b, 1_000_000, Settings{Method: "kmeans", K: 21}) }

func BenchmarkExact(b *testing.B) {
	for _, n := range []int{10_000, 100_000} {
		b.Run(fmt.Sprint(n), func(b *testing.B) { benchCluster(b, n, Settings{Method: "exact", K: 21}) })
	}
}

// Lloyd alone on prepared sorted data with prefix sums: one call runs to
// convergence from linear seeds.
func BenchmarkLloyd(b *testing.B) {
	w := laplace(1_000_000, 1, 0.05)
	raw := newRawLine(sortFloat32(w))
	_, std := raw.meanStd()
	seed := make([]float64, 21)
	for j := range seed {
		seed[j] = raw.at(0) + (raw.at(raw.len()-1)-raw.at(0))*float64(j)/20
	}
	c := make([]float64, len(seed))
	b.ReportAllocs()
	b.ResetTimer()
	it := 0
	for i := 0; i < b.N; i++ {
		copy(c, seed)
		it = raw.lloyd(c, DefaultTolerance*std, DefaultMaxIter)
	}
	b.ReportMetric(float64(it), "iters")
}

func BenchmarkSortFloat32_1M(b *testing.B) {
	w := laplace(1_000_000, 1, 0.05)
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		sortFloat32(w)
	}
}

func BenchmarkHuffman(b *testing.B) {
	syms := make([]int32, 1_000_000)
	for i, v := range laplace(len(syms), 2, 4) {
		syms[i] = int32(min(31, max(0, int(v)+16)))
	}
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if _, err := HuffmanBits(syms, 32); err != nil {
			b.Fatal(err)
		}
	}
}
