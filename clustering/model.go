package clustering

import (
	"fmt"
	"maps"
	"slices"
	"sort"
	"time"

	"github.com/dcsim/dcsim/network"
	"github.com/dcsim/dcsim/nn"
)

// DefaultFinetuneLRScale multiplies a model's dense training rate
// (nn.DefaultTrainSettings) when its centroids are fine-tuned after
// ClusterModel: the shared weights start from a good solution, and the
// pruning retraining rate (0.4×) diverged after clustering.
const DefaultFinetuneLRScale = 0.1

// DefaultFinetuneEpochs is the number of epochs `dcsim cluster` trains the
// centroids after ClusterModel unless told otherwise (Deep Compression's
// trained quantization, Han, Mao & Dally 2016 §3.3). On LeNet-300-100
// pruned to 4 %, clustering alone cost 0.13 points and one epoch won them
// back (docs/clustering.md).
const DefaultFinetuneEpochs = 1

// ModelSettings configures ClusterModel. The zero value clusters every
// layer with the zero Settings (birch-kmeans, adaptive k, k ≤ 32).
type ModelSettings struct {
	Settings
	// ConvMaxBits and FCMaxBits override Settings.MaxBits for conv and fc
	// layers; 0 keeps Settings.MaxBits.
	ConvMaxBits, FCMaxBits int
	// K, when it names a layer, fixes that layer's k (for instance the k
	// birch-kmeans chose, to compare methods at equal k).
	K map[string]int
}

// Validate reports the first setting ClusterModel cannot use, as a
// *fielderr.Error naming its field (Settings.Validate's, conv_max_bits,
// fc_max_bits, k.LAYER) that wraps ErrBadInput.
func (s ModelSettings) Validate() error {
	if err := s.Settings.Validate(); err != nil {
		return err
	}
	for _, b := range []struct {
		field string
		v     int
	}{{"conv_max_bits", s.ConvMaxBits}, {"fc_max_bits", s.FCMaxBits}} {
		if b.v < 0 || b.v > MaxIndexBits {
			return badField(b.field, "must be in 1–%d, got %d", MaxIndexBits, b.v)
		}
	}
	for _, layer := range slices.Sorted(maps.Keys(s.K)) {
		if k := s.K[layer]; k < 1 || k > 1<<MaxIndexBits {
			return badField("k."+layer, "must be in 1–%d, got %d", 1<<MaxIndexBits, k)
		}
	}
	return nil
}

// LayerReport describes the clustering of one layer.
type LayerReport struct {
	Layer     string
	Kind      network.Kind
	Weights   int // all weights of the layer
	Nonzero   int // surviving (clustered) weights
	K         int // codebook entries; 0 when no weight survives
	IndexBits int
	Stats     Stats
}

// ModelReport is the result of ClusterModel.
type ModelReport struct {
	Layers   []LayerReport
	SSE      float64 // Σ of the layers' SSE
	Duration time.Duration
}

// ClusterModel shares the weights of every conv and fc layer of m: the
// surviving weights (Mask ≠ 0, or all when Mask is nil) of each layer are
// clustered independently and the layer's Codebook and Index are set; W and
// Mask are kept, so pruned weights stay exactly zero (the effective weight is
// Mask·Codebook[Index]). Pruned weights get index 0. A layer without a mask
// whose weights contain exact zeros first gets a mask marking those zeros as
// pruned, so clustering cannot turn them into non-zero centroids. A layer with
// no surviving weight keeps Codebook nil. The centroids and the biases of
// clustered layers are rounded to half precision (RoundHalf; Storage then
// counts them at HalfBits), and each weight takes the nearest rounded
// centroid. Pruned layers keep one index free for the filler zero of the
// sparse format (Settings.ReserveZero). On error the model is unchanged.
func ClusterModel(m *nn.Model, s ModelSettings) (ModelReport, error) {
	start := time.Now()
	if err := s.Validate(); err != nil {
		return ModelReport{}, err
	}
	params := m.Params()
	type result struct {
		mask []float32
		cb   Codebook
	}
	results := make([]result, len(params))
	var rep ModelReport
	for i, p := range params {
		mask := p.Mask
		if mask == nil && hasZero(p.W) {
			mask = make([]float32, len(p.W))
			for j, v := range p.W {
				if v != 0 {
					mask[j] = 1
				}
			}
		}
		surv := survivors(p.W, mask)
		lr := LayerReport{Layer: p.Layer, Kind: p.Kind, Weights: len(p.W), Nonzero: len(surv)}
		if len(surv) > 0 {
			cb, err := Cluster(surv, s.forLayer(p, mask != nil))
			if err != nil {
				return ModelReport{}, fmt.Errorf("layer %s: %w", p.Layer, err)
			}
			lr.K, lr.IndexBits, lr.Stats = len(cb.Centroids), cb.Bits(), cb.Stats
			rep.SSE += cb.Stats.SSE
			results[i] = result{mask, cb}
		} else {
			results[i] = result{mask, Codebook{}}
		}
		rep.Layers = append(rep.Layers, lr)
	}
	for i, p := range params {
		roundCodebook(&results[i].cb, survivors(p.W, results[i].mask))
		apply(p, results[i].mask, results[i].cb)
	}
	rep.Duration = time.Since(start)
	return rep, nil
}

// apply stores the codebook in p; survivors take the codebook's indices in
// order, pruned weights index 0.
func apply(p *nn.Param, mask []float32, cb Codebook) {
	p.Mask = mask
	if cb.Centroids == nil {
		p.Codebook, p.Index = nil, nil
		return
	}
	p.Codebook = cb.Centroids
	for i, v := range p.Bias {
		p.Bias[i] = RoundHalf(v)
	}
	p.Index = make([]int32, len(p.W))
	j := 0
	for w := range p.W {
		if mask == nil || mask[w] != 0 {
			p.Index[w] = cb.Index[j]
			j++
		}
	}
}

// roundCodebook rounds the centroids to half precision (stored in HalfBits;
// apply rounds the layer's biases) and reassigns every weight of w to the
// nearest rounded centroid.
func roundCodebook(cb *Codebook, w []float32) {
	if cb.Centroids == nil {
		return
	}
	for i, c := range cb.Centroids {
		cb.Centroids[i] = RoundHalf(c)
	}
	c := cb.Centroids // sorted ascending; rounding is monotone
	for j, v := range w {
		k := sort.Search(len(c), func(i int) bool { return c[i] >= v })
		switch {
		case k == len(c):
			k--
		case k > 0 && v-c[k-1] <= c[k]-v:
			k--
		}
		cb.Index[j] = int32(k)
	}
}

func (s ModelSettings) forLayer(p *nn.Param, sparse bool) Settings {
	ls := s.Settings
	ls.ReserveZero = ls.ReserveZero || sparse
	switch {
	case p.Kind == network.Conv && s.ConvMaxBits != 0:
		ls.MaxBits = s.ConvMaxBits
	case p.Kind == network.FC && s.FCMaxBits != 0:
		ls.MaxBits = s.FCMaxBits
	}
	if k, ok := s.K[p.Layer]; ok {
		ls.K = k
	}
	return ls
}

func hasZero(w []float32) bool {
	for _, v := range w {
		if v == 0 {
			return true
		}
	}
	return false
}

// survivors returns the weights whose mask entry is non-zero (all when mask
// is nil), in order.
func survivors(w, mask []float32) []float32 {
	if mask == nil {
		return append([]float32(nil), w...)
	}
	out := make([]float32, 0, len(w))
	for i, v := range w {
		if mask[i] != 0 {
			out = append(out, v)
		}
	}
	return out
}
