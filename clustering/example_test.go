package clustering_test

import (
	"fmt"

	"github.com/dcsim/dcsim/clustering"
)

func ExampleCluster() {
	w := []float32{-0.52, -0.5, -0.48, 0.01, 0.02, 0.03, 0.98, 1.0, 1.02}
	cb, err := clustering.Cluster(w, clustering.Settings{Method: "exact", K: 3})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(cb.Centroids, cb.Index, cb.Bits())
	// Output: [-0.5 0.02 1] [0 0 0 1 1 1 2 2 2] 2
}

func ExampleCluster_adaptive() {
	w := make([]float32, 0, 3000)
	for i := 0; i < 1000; i++ {
		f := float32(i) / 1000
		w = append(w, -1+0.01*f, 0.01*f, 2+0.01*f)
	}
	cb, _ := clustering.Cluster(w, clustering.Settings{})
	fmt.Printf("k=%d bits=%d\n", len(cb.Centroids), cb.Bits())
	// Output: k=3 bits=2
}

func ExampleCluster_badMethod() {
	_, err := clustering.Cluster([]float32{1, 2}, clustering.Settings{Method: "kmedians"})
	fmt.Println(err)
	// Output: method: "kmedians": unknown (valid: birch-kmeans, density, exact, kmeans, linear, random)
}

func ExampleLayerStorage() {
	// 10 weights, survivors at 0, 5 and 9, 2-bit relative indices: the gap
	// of 4 zeros needs one filler entry.
	mask := []float32{1, 0, 0, 0, 0, 1, 0, 0, 0, 1}
	b, _ := clustering.LayerStorage(clustering.Layer{Weights: 10, Mask: mask, RelBits: 2, Biases: 1})
	fmt.Println(b.Nonzero, b.Padding, b.Total)
	// Output: 3 1 168
}

func ExampleHuffmanBits() {
	bits, _ := clustering.HuffmanBits([]int32{0, 0, 0, 0, 1, 1, 2, 3}, 4)
	fmt.Println(bits) // payload 4·1 + 2·2 + 3 + 3 = 14, table 8 + 4·2 = 16
	// Output: 30
}
