// Command cluster_bench writes the data and Go-side figures of the
// scikit-learn comparison (scripts/bench_cluster.sh): n Laplace(0, 0.05)
// values (seed 1) as DIR/laplace.npy, and DIR/go.json with the best of 3
// birch-kmeans runs (wall and CPU seconds, k, leaf entries, SSE) and, up to
// 2 000 000 values, kmeans and exact at the same k.
//
//	go run ./scripts/cluster_bench -out DIR [-n 1000000]
package main

import (
	"encoding/binary"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"time"

	"github.com/dcsim/dcsim/clustering"
	"github.com/dcsim/dcsim/internal/proctime"
)

func main() {
	if err := run(os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "cluster_bench:", err)
		os.Exit(2)
	}
}

func run(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("cluster_bench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	dir := fs.String("out", "", "output directory (required)")
	n := fs.Int("n", 1_000_000, "number of Laplace values")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *dir == "" || *n < 1 {
		return fmt.Errorf("-out DIR is required and -n must be ≥ 1")
	}
	w := laplace(*n, 1, 0.05)
	if err := writeNPY(filepath.Join(*dir, "laplace.npy"), w); err != nil {
		return err
	}
	best, bestCPU := time.Duration(math.MaxInt64), time.Duration(math.MaxInt64)
	var cb clustering.Codebook
	for r := 0; r < 3; r++ {
		var err error
		c0 := proctime.CPU()
		if cb, err = clustering.Cluster(w, clustering.Settings{}); err != nil {
			return err
		}
		best, bestCPU = min(best, cb.Stats.Duration), min(bestCPU, proctime.CPU()-c0)
	}
	k := len(cb.Centroids)
	out := map[string]any{"n": *n, "k": k, "std": cb.Stats.Std, "threshold": clustering.DefaultThreshold * cb.Stats.Std,
		"leaf_entries": cb.Stats.LeafEntries, "go_birch_kmeans_s": best.Seconds(), "go_birch_kmeans_cpu_s": bestCPU.Seconds(), "sse_birch_kmeans": cb.Stats.SSE}
	methods := []string{"kmeans", "exact"}
	if *n > 2_000_000 { // K-Means++ on the raw values is O(n·k) per seeding: skip
		methods = nil
	}
	for _, m := range methods {
		c, err := clustering.Cluster(w, clustering.Settings{Method: m, K: k})
		if err != nil {
			return err
		}
		out["sse_"+m], out["go_"+m+"_s"] = c.Stats.SSE, c.Stats.Duration.Seconds()
	}
	b, _ := json.MarshalIndent(out, "", "  ")
	if err := os.WriteFile(filepath.Join(*dir, "go.json"), b, 0o644); err != nil {
		return err
	}
	_, err := fmt.Fprintf(stdout, "%s\n", b)
	return err
}

// laplace draws n Laplace(0, b) values, as clustering's tests do.
func laplace(n int, seed uint64, b float64) []float32 {
	rng := rand.New(rand.NewPCG(seed, 1))
	w := make([]float32, n)
	for i := range w {
		w[i] = float32(rng.ExpFloat64() * b)
		if rng.IntN(2) == 0 {
			w[i] = -w[i]
		}
	}
	return w
}

// writeNPY writes a 1-D little-endian float32 array in NumPy's .npy v1.0
// format (header padded to a multiple of 64 bytes, ending in a newline).
func writeNPY(path string, w []float32) error {
	hdr := fmt.Sprintf("{'descr': '<f4', 'fortran_order': False, 'shape': (%d,), }", len(w))
	pad := 64 - (10+len(hdr)+1)%64
	for i := 0; i < pad%64; i++ {
		hdr += " "
	}
	hdr += "\n"
	buf := make([]byte, 0, 10+len(hdr)+4*len(w))
	buf = append(buf, "\x93NUMPY\x01\x00"...)
	buf = binary.LittleEndian.AppendUint16(buf, uint16(len(hdr)))
	buf = append(buf, hdr...)
	for _, v := range w {
		buf = binary.LittleEndian.AppendUint32(buf, math.Float32bits(v))
	}
	return os.WriteFile(path, buf, 0o644)
}
