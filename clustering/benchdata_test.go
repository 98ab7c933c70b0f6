package clustering

import (
	"encoding/binary"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"
	"time"
)

// TestBenchData writes the data and Go-side figures for the scikit-learn
// comparison (scripts/bench_cluster.sh). It runs only when
// DCSIM_CLUSTER_BENCH names an output directory; DCSIM_CLUSTER_N sets the
// number of Laplace values (default 1000000).
func TestBenchData(t *testing.T) {
	dir := os.Getenv("DCSIM_CLUSTER_BENCH")
	if dir == "" {
		t.Skip("set DCSIM_CLUSTER_BENCH=DIR to write the scikit-learn comparison data")
	}
	n := 1_000_000
	if s := os.Getenv("DCSIM_CLUSTER_N"); s != "" {
		var err error
		if n, err = strconv.Atoi(s); err != nil {
			t.Fatalf("DCSIM_CLUSTER_N: %v", err)
		}
	}
	w := laplace(n, 1, 0.05)
	if err := writeNPY(filepath.Join(dir, "laplace.npy"), w); err != nil {
		t.Fatal(err)
	}
	best, bestCPU := time.Duration(math.MaxInt64), time.Duration(math.MaxInt64)
	var cb Codebook
	for r := 0; r < 3; r++ {
		var err error
		c0 := cpuTime()
		if cb, err = Cluster(w, Settings{}); err != nil {
			t.Fatal(err)
		}
		best, bestCPU = min(best, cb.Stats.Duration), min(bestCPU, cpuTime()-c0)
	}
	k := len(cb.Centroids)
	out := map[string]any{"n": n, "k": k, "std": cb.Stats.Std, "threshold": DefaultThreshold * cb.Stats.Std,
		"leaf_entries": cb.Stats.LeafEntries, "go_birch_kmeans_s": best.Seconds(), "go_birch_kmeans_cpu_s": bestCPU.Seconds(), "sse_birch_kmeans": cb.Stats.SSE}
	methods := []string{"kmeans", "exact"}
	if n > 2_000_000 { // K-Means++ on the raw values is O(n·k) per seeding: skip
		methods = nil
	}
	for _, m := range methods {
		c, err := Cluster(w, Settings{Method: m, K: k})
		if err != nil {
			t.Fatal(err)
		}
		out["sse_"+m], out["go_"+m+"_s"] = c.Stats.SSE, c.Stats.Duration.Seconds()
	}
	b, _ := json.MarshalIndent(out, "", "  ")
	if err := os.WriteFile(filepath.Join(dir, "go.json"), b, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("%s", b)
}

// cpuTime is the user + system CPU time of this process (all threads).
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
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
