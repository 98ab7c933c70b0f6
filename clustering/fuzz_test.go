package clustering

import (
	"encoding/binary"
	"math"
	"slices"
	"testing"
)

// FuzzCluster feeds arbitrary float32 data and settings: Cluster must return
// an error or a valid codebook (sorted centroids, every index in range,
// k within the allowed bound), never panic.
func FuzzCluster(f *testing.F) {
	f.Add([]byte{0, 0, 128, 63, 0, 0, 0, 64, 0, 0, 64, 64}, uint8(0), int8(2), int8(0))
	f.Add([]byte{0, 0, 0, 0, 0, 0, 0, 0}, uint8(1), int8(0), int8(0))
	f.Add([]byte{0, 0, 192, 127, 0, 0, 0, 0}, uint8(0), int8(0), int8(3))
	outlier := make([]byte, 0, 4*64)
	for i := 0; i < 64; i++ {
		v := float32(i%7) * 0.01
		if i == 32 {
			v = 2e20
		}
		outlier = binary.LittleEndian.AppendUint32(outlier, math.Float32bits(v))
	}
	f.Add(outlier, uint8(0), int8(0), int8(0))
	f.Add(outlier, uint8(2), int8(4), int8(0))
	f.Fuzz(func(t *testing.T, data []byte, method uint8, k int8, bits int8) {
		w := make([]float32, len(data)/4)
		for i := range w {
			w[i] = math.Float32frombits(binary.LittleEndian.Uint32(data[4*i:]))
		}
		names := Methods()
		s := Settings{Method: names[int(method)%len(names)], K: int(k), MaxBits: int(bits)}
		cb, err := Cluster(w, s)
		if err != nil {
			return
		}
		if !slices.IsSorted(cb.Centroids) || len(cb.Index) != len(w) || len(cb.Centroids) == 0 {
			t.Fatalf("invalid codebook %v for %d weights", cb.Centroids, len(w))
		}
		if s.K > 0 && len(cb.Centroids) != s.K {
			t.Fatalf("k %d requested, %d returned", s.K, len(cb.Centroids))
		}
		for i, ix := range cb.Index {
			if ix < 0 || int(ix) >= len(cb.Centroids) {
				t.Fatalf("index %d of weight %d out of range", ix, i)
			}
		}
		// Every centroid is a mean of weights: it lies within their range
		// (one huge outlier once put all others at −3456).
		lo, hi := slices.Min(w), slices.Max(w)
		for _, c := range cb.Centroids {
			if c < lo || c > hi {
				t.Fatalf("centroid %g outside the weights' range [%g, %g]: %v", c, lo, hi, cb.Centroids)
			}
		}
	})
}
