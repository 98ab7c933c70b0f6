// Command cluster_results runs the clustering experiments of
// docs/results.md ("## Clustering"); it trains networks on MNIST for
// minutes. Per network it takes DIR/<net>-pruned.npz if present; otherwise
// the dense model DIR/<net>-dense.npz (training and saving it if absent),
// pruned by per-layer magnitude (pruneKeep) in five rounds of retraining of
// -prune-epochs each. Then for each method it clusters the surviving
// weights, measures the SSE against the exact optimum at the same k
// (birch-kmeans chooses k, the other methods reuse it), the accuracy before
// and after -ft-epochs of centroid fine-tuning, and the storage with and
// without Huffman coding, and writes the tables to
// DIR/results-<nets>.md. With -relbits it instead prints how the FC
// relative-index width changes the storage of the clustered models a
// previous run wrote (DIR/<net>-clustered.npz).
//
//	go run ./scripts/cluster_results -dir /tmp/clres -nets lenet-300-100
//	go run ./scripts/cluster_results -dir /tmp/clres -relbits
package main

import (
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/dcsim/dcsim/clustering"
	"github.com/dcsim/dcsim/network"
	"github.com/dcsim/dcsim/nn"
)

func main() {
	if err := run(os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "cluster_results:", err)
		os.Exit(2)
	}
}

type options struct {
	dir, nets, data string
	ft, pruneEpochs int
	relbits         bool
}

func run(args []string, stdout, stderr io.Writer) error {
	var o options
	fs := flag.NewFlagSet("cluster_results", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&o.dir, "dir", "", "directory of the models and the results (required)")
	fs.StringVar(&o.nets, "nets", "lenet-300-100,lenet-5", "comma-separated zoo networks")
	fs.StringVar(&o.data, "data", "", "MNIST directory (default: nn.MNISTDir)")
	fs.IntVar(&o.ft, "ft-epochs", 2, "centroid fine-tuning epochs")
	fs.IntVar(&o.pruneEpochs, "prune-epochs", 4, "retraining epochs per magnitude-pruning round")
	fs.BoolVar(&o.relbits, "relbits", false, "report the FC relative-index sweep of DIR/<net>-clustered.npz and stop")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if o.dir == "" {
		return fmt.Errorf("-dir is required")
	}
	nets := strings.Split(o.nets, ",")
	if o.relbits {
		return relBitsSweep(stdout, o.dir, nets)
	}
	mdir, err := nn.MNISTDir(o.data)
	if err != nil {
		return err
	}
	train, test, err := nn.LoadMNIST(mdir)
	if err != nil {
		return err
	}
	path := filepath.Join(o.dir, "results-"+strings.Join(nets, "_")+".md")
	out, err := os.Create(path)
	if err != nil {
		return err
	}
	defer out.Close()
	for _, net := range nets {
		pruned, denseAcc, err := prunedModel(stderr, o, net, train, test)
		if err != nil {
			return err
		}
		if err := modelTable(out, stderr, net, pruned, denseAcc, o.ft, train, test); err != nil {
			return err
		}
	}
	fmt.Fprintln(stdout, "wrote", path)
	return out.Close()
}

// pruneKeep is the per-layer fraction of weights kept by magnitude pruning.
var pruneKeep = map[string]map[string]float64{
	"lenet-300-100": {"fc1": 0.03, "fc2": 0.06, "fc3": 0.25},
	"lenet-5":       {"conv1": 0.6, "conv2": 0.1, "fc1": 0.03, "fc2": 0.15},
}

func prunedModel(log io.Writer, o options, net string, train, test *nn.Dataset) (string, float64, error) {
	path := filepath.Join(o.dir, net+"-pruned.npz")
	densePath := filepath.Join(o.dir, net+"-dense.npz")
	if _, err := os.Stat(path); err == nil {
		m, meta, err := nn.LoadModel(densePath)
		if err != nil {
			return "", 0, err
		}
		acc, _ := nn.Evaluate(m, test)
		fmt.Fprintf(log, "%s: reusing %s (dense %.4f, meta %v)\n", net, path, acc, meta)
		return path, acc, nil
	}
	m, dense, err := denseModel(log, densePath, net, train, test)
	if err != nil {
		return "", 0, err
	}
	const rounds = 5
	for r := 1; r <= rounds; r++ {
		for _, p := range m.Params() {
			magnitudePrune(p, math.Pow(pruneKeep[net][p.Layer], float64(r)/rounds))
		}
		rt := nn.DefaultTrainSettings(net)
		rt.Epochs, rt.LR, rt.Seed, rt.Progress = o.pruneEpochs, rt.LR/2, int64(r), log
		if _, err := nn.Train(m, train, rt); err != nil {
			return "", 0, err
		}
		acc, _ := nn.Evaluate(m, test)
		fmt.Fprintf(log, "%s: prune round %d: test accuracy %.4f\n", net, r, acc)
	}
	acc, _ := nn.Evaluate(m, test)
	if err := nn.SaveModel(path, m, map[string]string{"test_accuracy": fmt.Sprint(acc)}); err != nil {
		return "", 0, err
	}
	return path, dense, nil
}

// denseModel loads path, else trains the network with its default settings
// and saves it there.
func denseModel(log io.Writer, path, net string, train, test *nn.Dataset) (*nn.Model, float64, error) {
	if m, _, err := nn.LoadModel(path); err == nil {
		acc, _ := nn.Evaluate(m, test)
		return m, acc, nil
	}
	arch, err := network.Zoo(net)
	if err != nil {
		return nil, 0, err
	}
	m, err := nn.NewModel(arch, 1)
	if err != nil {
		return nil, 0, err
	}
	ts := nn.DefaultTrainSettings(net)
	ts.Progress = log
	if _, err := nn.Train(m, train, ts); err != nil {
		return nil, 0, err
	}
	acc, _ := nn.Evaluate(m, test)
	fmt.Fprintf(log, "%s: dense test accuracy %.4f\n", net, acc)
	return m, acc, nn.SaveModel(path, m, map[string]string{"test_accuracy": fmt.Sprint(acc)})
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

// survivors are the weights of w its mask keeps.
func survivors(w, mask []float32) []float32 {
	out := make([]float32, 0, len(w))
	for i, v := range w {
		if mask == nil || mask[i] != 0 {
			out = append(out, v)
		}
	}
	return out
}

func modelTable(out, log io.Writer, net, path string, denseAcc float64, ft int, train, test *nn.Dataset) error {
	base, _, err := nn.LoadModel(path)
	if err != nil {
		return err
	}
	prunedAcc, _ := nn.Evaluate(base, test)
	st, _ := clustering.Storage(base, clustering.StorageSettings{Huffman: true})
	fmt.Fprintf(out, "\n### %s\n\ndense test accuracy %.2f%%; pruned %.2f%% (%.1f× storage)\n\n", net, 100*denseAcc, 100*prunedAcc, st.CompressionRatio)
	fmt.Fprintf(out, "| method | k per layer | SSE / exact | acc. before FT | acc. after %d FT epochs | ratio | ratio w/ Huffman |\n|---|---|--:|--:|--:|--:|--:|\n", ft)
	var ks map[string]int
	for _, method := range []string{"birch-kmeans", "kmeans", "linear", "density", "random", "exact"} {
		m, _, err := nn.LoadModel(path)
		if err != nil {
			return err
		}
		rep, err := clustering.ClusterModel(m, clustering.ModelSettings{Settings: clustering.Settings{Method: method}, K: ks})
		if err != nil {
			return err
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
			ex, err := clustering.Cluster(survivors(p.W, p.Mask), clustering.Settings{Method: "exact", K: l.K})
			if err != nil {
				return err
			}
			opt += ex.Stats.SSE
			kl = append(kl, fmt.Sprint(l.K))
		}
		before, _ := nn.Evaluate(m, test)
		ts := nn.DefaultTrainSettings(net)
		ts.Epochs, ts.LR, ts.WeightDecay, ts.FinetuneCodebook = ft, ts.LR/10, nn.None, true
		if _, err := nn.Train(m, train, ts); err != nil {
			return err
		}
		after, _ := nn.Evaluate(m, test)
		st, err := clustering.Storage(m, clustering.StorageSettings{Huffman: true})
		if err != nil {
			return err
		}
		fmt.Fprintf(out, "| %s | %s | %.4f | %.2f%% | %.2f%% | %.1f× | %.1f× |\n", method, strings.Join(kl, "/"),
			rep.SSE/opt, 100*before, 100*after, st.CompressionRatio, st.HuffmanRatio)
		fmt.Fprintf(log, "%s %s: k %v SSE/exact %.4f acc %.4f → %.4f ratio %.1f / %.1f\n", net, method, kl, rep.SSE/opt, before, after, st.CompressionRatio, st.HuffmanRatio)
		if method == "birch-kmeans" {
			fmt.Fprintf(out, "%s", storageRows(st))
			if err := nn.SaveModel(filepath.Join(filepath.Dir(path), net+"-clustered.npz"), m, nil); err != nil {
				return err
			}
		}
	}
	return nil
}

func storageRows(st clustering.ModelStorage) string {
	var b strings.Builder
	b.WriteString("\n<!-- per-layer storage of birch-kmeans after fine-tuning: layer nonzero padding k bits total huffman -->\n")
	for _, l := range st.Layers {
		fmt.Fprintf(&b, "<!-- %s %d %d %d %d %d %d -->\n", l.Layer, l.Nonzero, l.Padding, l.Symbols, l.IndexBits, l.Total, l.HuffTotal)
	}
	return b.String()
}

// relBitsSweep prints how the FC relative-index width changes the storage
// of the clustered models in dir.
func relBitsSweep(out io.Writer, dir string, nets []string) error {
	for _, net := range nets {
		m, _, err := nn.LoadModel(filepath.Join(dir, net+"-clustered.npz"))
		if err != nil {
			return err
		}
		for rel := 3; rel <= 8; rel++ {
			st, err := clustering.Storage(m, clustering.StorageSettings{RelBitsFC: rel, Huffman: true})
			if err != nil {
				return err
			}
			fmt.Fprintf(out, "%s fc rel_bits %d: %d bits %.1f×, Huffman %d bits %.1f×\n", net, rel, st.Bits, st.CompressionRatio, st.HuffmanBits, st.HuffmanRatio)
		}
		st, err := clustering.Storage(m, clustering.StorageSettings{AutoRelBits: true, Huffman: true})
		if err != nil {
			return err
		}
		var w []string
		for _, l := range st.Layers {
			w = append(w, fmt.Sprintf("%s %d/%d", l.Layer, l.RelBits, l.HuffRelBits))
		}
		fmt.Fprintf(out, "%s auto rel_bits (%s): %d bits %.1f×, Huffman %d bits %.1f×\n", net, strings.Join(w, ", "), st.Bits, st.CompressionRatio, st.HuffmanBits, st.HuffmanRatio)
	}
	return nil
}
