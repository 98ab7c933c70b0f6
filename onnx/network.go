package onnx

import (
	"maps"
	"math"
	"slices"

	"github.com/dcsim/dcsim/network"
	"github.com/dcsim/dcsim/nn"
)

// MaxCodebook is the largest number of distinct non-zero values a layer may
// have to count as weight-shared: 2^8, the widest codebook index Deep
// Compression uses (Han et al. 2016, conv layers).
const MaxCodebook = 256

// codebookOf returns the sorted distinct non-zero values of w when the layer
// is weight-shared: at most MaxCodebook of them and each used by two weights
// or more on average (k ≤ nonzero/2), so a small dense layer of distinct
// random values does not count. Otherwise nil.
func codebookOf(w []float32) []float32 {
	seen := map[float32]struct{}{}
	nz := 0
	for _, v := range w {
		if v == 0 {
			continue
		}
		nz++
		if _, ok := seen[v]; !ok {
			if len(seen) == MaxCodebook {
				return nil
			}
			seen[v] = struct{}{}
		}
	}
	if len(seen) == 0 || 2*len(seen) > nz {
		return nil
	}
	return slices.Sorted(maps.Keys(seen))
}

// compress derives a layer's mask (1 where a weight is non-zero, set only
// when some weight is zero) and, for a weight-shared layer, its codebook
// and indices, from the weights as they stand.
func compress(p *network.Weights) {
	p.Mask = nil
	if slices.Index(p.W, 0) >= 0 {
		p.Mask = make([]float32, len(p.W))
		for i, v := range p.W {
			// 1 for a non-zero weight, 0 for ±0, without a branch (pruned
			// weights are scattered, so a branch mispredicts): the
			// magnitude bits b are non-zero iff b | −b has its top bit set.
			b := math.Float32bits(v) &^ (1 << 31)
			p.Mask[i] = float32((b | -b) >> 31)
		}
	}
	p.Codebook, p.Index, p.Clusters = nil, nil, 0
	cb := codebookOf(p.W)
	if cb == nil {
		return
	}
	at := make(map[float32]int32, len(cb))
	for k, v := range cb {
		at[v] = int32(k)
	}
	p.Index = make([]int32, len(p.W))
	for i, v := range p.W {
		p.Index[i] = at[v] // 0 for pruned weights, which the mask hides
	}
	p.Codebook, p.Clusters = cb, len(cb)
}

// checkChain decides whether nn can train the graph: a chain (each node
// reads the one before), max pooling only, exactly one Relu after every
// conv or fc layer but the last and none before the first or after the last.
// nn.NewModel checks the geometry.
func (w *walker) checkChain() {
	layers, relus := 0, 0
	for _, op := range w.seq {
		switch op {
		case "Conv", "Gemm", "MatMul":
			if layers == 0 && relus > 0 {
				w.notTrainable("a Relu before the first layer")
			}
			if layers > 0 && relus != 1 {
				w.notTrainable("layer %d is followed by %d Relu nodes before the next layer; nn puts exactly one after every layer but the last", layers, relus)
			}
			layers, relus = layers+1, 0
		case "Relu":
			relus++
		}
	}
	if relus > 0 {
		w.notTrainable("the last layer is followed by a Relu; nn's classifier ends in a linear layer")
	}
	for _, l := range w.net.Arch.Layers {
		if l.Kind != network.Pool && l.Values == nil {
			w.notTrainable("layer %q has no weights (a shape file)", l.Name)
		}
	}
}

// Model returns the network as a trainable nn.Model with the file's weights,
// masks and codebooks, when it is the kind of network nn trains: a chain of
// conv, fc and max-pooling layers with one Relu after each conv and fc layer
// but the last (LeNet-300-100 and LeNet-5 as PyTorch exports them). The
// error says why not.
func (n *Network) Model() (*nn.Model, error) {
	if n.untrainable != "" {
		return nil, &Error{File: n.File, Msg: "not a network dcsim can train: " + n.untrainable}
	}
	m, err := nn.FromNetwork(n.Arch)
	if err != nil {
		return nil, &Error{File: n.File, Msg: "not a network dcsim can train: " + err.Error()}
	}
	return m, nil
}
