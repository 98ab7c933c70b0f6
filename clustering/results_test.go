package clustering

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/dcsim/dcsim/network"
	"github.com/dcsim/dcsim/nn"
)

// TestModelResults produces the tables of docs/results.md "## Clustering".
// It runs only when DCSIM_CLUSTER_RESULTS names an output directory (it
// trains networks on MNIST for minutes). Per network it takes
// DIR/<net>-pruned.npz if present; otherwise it takes the dense model
// DIR/<net>-dense.npz (training and saving it if absent) and prunes it by
// per-layer magnitude (pruneKeep) in five rounds of retraining
// (DCSIM_CLUSTER_PRUNE_EPOCHS epochs each, default 4).
// Then for each method it clusters the surviving weights, measures the SSE
// against the exact optimum at the same k (birch-kmeans chooses k, the other
// methods reuse it), the accuracy before and after centroid fine-tuning, and
// the storage with and without Huffman coding. Knobs: DCSIM_CLUSTER_NETS
// (comma list), DCSIM_CLUSTER_FT_EPOCHS (fine-tuning epochs, default 2).
func TestModelResults(t *testing.T) {
	dir := os.Getenv("DCSIM_CLUSTER_RESULTS")
	if dir == "" {
		t.Skip("set DCSIM_CLUSTER_RESULTS=DIR to run the model experiments")
	}
	mdir, err := nn.MNISTDir("")
	if err != nil {
		t.Fatal(err)
	}
	train, test, err := nn.LoadMNIST(mdir)
	if err != nil {
		t.Fatal(err)
	}
	nets := strings.Split(envOr("DCSIM_CLUSTER_NETS", "lenet-300-100,lenet-5"), ",")
	ft, _ := strconv.Atoi(envOr("DCSIM_CLUSTER_FT_EPOCHS", "2"))
	out, err := os.Create(filepath.Join(dir, "results-"+strings.Join(nets, "_")+".md"))
	if err != nil {
		t.Fatal(err)
	}
	defer out.Close()
	for _, net := range nets {
		pruned, denseAcc := prunedModel(t, dir, net, train, test)
		modelTable(t, out, net, pruned, denseAcc, ft, train, test)
	}
}

func envOr(k, def string) string {
	if v := os.Getenv(k); v != "" {
		return v
	}
	return def
}

// pruneKeep is the per-layer fraction of weights kept by magnitude pruning.
var pruneKeep = map[string]map[string]float64{
	"lenet-300-100": {"fc1": 0.03, "fc2": 0.06, "fc3": 0.25},
	"lenet-5":       {"conv1": 0.6, "conv2": 0.1, "fc1": 0.03, "fc2": 0.15},
}

func prunedModel(t *testing.T, dir, net string, train, test *nn.Dataset) (string, float64) {
	path := filepath.Join(dir, net+"-pruned.npz")
	densePath := filepath.Join(dir, net+"-dense.npz")
	if _, err := os.Stat(path); err == nil {
		m, meta, err := nn.LoadModel(densePath)
		if err != nil {
			t.Fatal(err)
		}
		acc, _ := nn.Evaluate(m, test)
		t.Logf("%s: reusing %s (dense %.4f, meta %v)", net, path, acc, meta)
		return path, acc
	}
	m, dense := denseModel(t, densePath, net, train, test)
	const rounds = 5
	pruneEpochs, _ := strconv.Atoi(envOr("DCSIM_CLUSTER_PRUNE_EPOCHS", "4"))
	for r := 1; r <= rounds; r++ {
		for _, p := range m.Params() {
			magnitudePrune(p, math.Pow(pruneKeep[net][p.Layer], float64(r)/rounds))
		}
		rt := nn.DefaultTrainSettings(net)
		rt.Epochs, rt.LR, rt.Seed, rt.Progress = pruneEpochs, rt.LR/2, int64(r), os.Stderr
		if _, err := nn.Train(m, train, rt); err != nil {
			t.Fatal(err)
		}
		acc, _ := nn.Evaluate(m, test)
		t.Logf("%s: prune round %d: test accuracy %.4f", net, r, acc)
	}
	acc, _ := nn.Evaluate(m, test)
	if err := nn.SaveModel(path, m, map[string]string{"test_accuracy": fmt.Sprint(acc)}); err != nil {
		t.Fatal(err)
	}
	return path, dense
}

// denseModel loads path, else trains the network with its default settings
// and saves it there.
func denseModel(t *testing.T, path, net string, train, test *nn.Dataset) (*nn.Model, float64) {
	if m, _, err := nn.LoadModel(path); err == nil {
		acc, _ := nn.Evaluate(m, test)
		return m, acc
	}
	arch, err := network.Zoo(net)
	if err != nil {
		t.Fatal(err)
	}
	m, err := nn.NewModel(arch, 1)
	if err != nil {
		t.Fatal(err)
	}
	ts := nn.DefaultTrainSettings(net)
	ts.Progress = os.Stderr
	if _, err := nn.Train(m, train, ts); err != nil {
		t.Fatal(err)
	}
	acc, _ := nn.Evaluate(m, test)
	t.Logf("%s: dense test accuracy %.4f", net, acc)
	if err := nn.SaveModel(path, m, map[string]string{"test_accuracy": fmt.Sprint(acc)}); err != nil {
		t.Fatal(err)
	}
	return m, acc
}

// magnitudePrune keeps the fraction keep of p's weights with the largest
// magnitude (ties kept), masking the rest.
func magnitudePrune(p *nn.Param, keep float64) {
	mag := make([]float64, len(p.W))
	for i, v := range p.W {
		mag[i] = math.Abs(float64(v))
		if p.Mask != nil && p.Mask[i] == 0 {
			mag[i] = 0
		}
	}
	s := append([]float64(nil), mag...)
	sort.Float64s(s)
	thr := s[min(len(s)-1, int((1-keep)*float64(len(s))))]
	if p.Mask == nil {
		p.Mask = make([]float32, len(p.W))
	}
	for i := range mag {
		p.Mask[i] = 0
		if mag[i] >= thr && mag[i] > 0 {
			p.Mask[i] = 1
		}
	}
}

func modelTable(t *testing.T, out *os.File, net, path string, denseAcc float64, ft int, train, test *nn.Dataset) {
	base, _, err := nn.LoadModel(path)
	if err != nil {
		t.Fatal(err)
	}
	prunedAcc, _ := nn.Evaluate(base, test)
	st, _ := Storage(base, StorageSettings{Huffman: true})
	fmt.Fprintf(out, "\n### %s\n\ndense test accuracy %.2f%%; pruned %.2f%% (%.1f× storage)\n\n", net, 100*denseAcc, 100*prunedAcc, st.CompressionRatio)
	fmt.Fprintf(out, "| method | k per layer | SSE / exact | acc. before FT | acc. after %d FT epochs | ratio | ratio w/ Huffman |\n|---|---|--:|--:|--:|--:|--:|\n", ft)
	var ks map[string]int
	for _, method := range []string{"birch-kmeans", "kmeans", "linear", "density", "random", "exact"} {
		m, _, err := nn.LoadModel(path)
		if err != nil {
			t.Fatal(err)
		}
		s := ModelSettings{Settings: Settings{Method: method}, K: ks}
		rep, err := ClusterModel(m, s)
		if err != nil {
			t.Fatal(err)
		}
		if ks == nil {
			ks = map[string]int{}
			for _, l := range rep.Layers {
				ks[l.Layer] = l.K
			}
		}
		var opt float64
		var kl []string
		for i, l := range rep.Layers {
			p := m.Params()[i]
			ex, err := Cluster(survivors(p.W, p.Mask), Settings{Method: "exact", K: l.K})
			if err != nil {
				t.Fatal(err)
			}
			opt += ex.Stats.SSE
			kl = append(kl, fmt.Sprint(l.K))
		}
		before, _ := nn.Evaluate(m, test)
		ts := nn.DefaultTrainSettings(net)
		ts.Epochs, ts.LR, ts.WeightDecay, ts.FinetuneCodebook = ft, ts.LR/10, 0, true
		if _, err := nn.Train(m, train, ts); err != nil {
			t.Fatal(err)
		}
		after, _ := nn.Evaluate(m, test)
		st, err := Storage(m, StorageSettings{Huffman: true})
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(out, "| %s | %s | %.4f | %.2f%% | %.2f%% | %.1f× | %.1f× |\n", method, strings.Join(kl, "/"),
			rep.SSE/opt, 100*before, 100*after, st.CompressionRatio, st.HuffmanRatio)
		t.Logf("%s %s: k %v SSE/exact %.4f acc %.4f → %.4f ratio %.1f / %.1f", net, method, kl, rep.SSE/opt, before, after, st.CompressionRatio, st.HuffmanRatio)
		if method == "birch-kmeans" {
			fmt.Fprintf(out, "%s", storageRows(st))
			if err := nn.SaveModel(filepath.Join(filepath.Dir(path), net+"-clustered.npz"), m, nil); err != nil {
				t.Fatal(err)
			}
		}
	}
}

func storageRows(st ModelStorage) string {
	var b strings.Builder
	b.WriteString("\n<!-- per-layer storage of birch-kmeans after fine-tuning: layer nonzero padding k bits total huffman -->\n")
	for _, l := range st.Layers {
		fmt.Fprintf(&b, "<!-- %s %d %d %d %d %d %d -->\n", l.Layer, l.Nonzero, l.Padding, l.Symbols, l.IndexBits, l.Total, l.HuffTotal)
	}
	return b.String()
}

// TestRelBitsSweep reports how the fc relative-index width changes the
// storage of the clustered models written by TestModelResults
// (DIR/<net>-clustered.npz); gated like it.
func TestRelBitsSweep(t *testing.T) {
	dir := os.Getenv("DCSIM_CLUSTER_RESULTS")
	if dir == "" {
		t.Skip("set DCSIM_CLUSTER_RESULTS=DIR to run the model experiments")
	}
	for _, net := range strings.Split(envOr("DCSIM_CLUSTER_NETS", "lenet-300-100,lenet-5"), ",") {
		m, _, err := nn.LoadModel(filepath.Join(dir, net+"-clustered.npz"))
		if err != nil {
			t.Fatal(err)
		}
		for rel := 3; rel <= 8; rel++ {
			st, err := Storage(m, StorageSettings{RelBitsFC: rel, Huffman: true})
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("%s fc rel_bits %d: %d bits %.1f×, Huffman %d bits %.1f×", net, rel, st.Bits, st.CompressionRatio, st.HuffmanBits, st.HuffmanRatio)
		}
		st, err := Storage(m, StorageSettings{AutoRelBits: true, Huffman: true})
		if err != nil {
			t.Fatal(err)
		}
		var w []string
		for _, l := range st.Layers {
			w = append(w, fmt.Sprintf("%s %d/%d", l.Layer, l.RelBits, l.HuffRelBits))
		}
		t.Logf("%s auto rel_bits (%s): %d bits %.1f×, Huffman %d bits %.1f×", net, strings.Join(w, ", "), st.Bits, st.CompressionRatio, st.HuffmanBits, st.HuffmanRatio)
	}
}
