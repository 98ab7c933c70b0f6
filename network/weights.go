package network

import "fmt"

// Weights are the real weights of one conv or fc layer and their
// compression, as a model file, an ONNX file or a trained model holds them.
//
// W is laid out as PyTorch stores it: OIHW for a convolution
// (OutC × InC/Groups × R × S), out × in for a fully connected layer. The
// weight the network computes with, the effective weight, is
//
//	W[i]                       dense (Mask == nil, Codebook == nil)
//	Mask[i]·W[i]               pruned
//	Mask[i]·Codebook[Index[i]] weight-shared (Mask nil counts as all ones)
type Weights struct {
	W        []float32
	Bias     []float32 // OutC values
	Mask     []float32 // nil = dense; else 0/1 per weight
	Codebook []float32 // nil = no weight sharing
	Index    []int32   // per weight, into Codebook; used when Codebook != nil
	// Clusters is the number of distinct non-zero values of a weight-shared
	// layer as a reader found them; it outlives the codebook when a
	// per-channel scale is folded into the weights (an ONNX
	// BatchNormalization: an accelerator applies that scale after
	// accumulating, so the layer still needs only ⌈log2 Clusters⌉-bit
	// indices). 0 when not shared. See SharedValues.
	Clusters int
}

// Effective returns effective weight i.
func (w *Weights) Effective(i int) float32 {
	if w.Mask != nil && w.Mask[i] == 0 {
		return 0
	}
	if w.Codebook != nil {
		return w.Codebook[w.Index[i]]
	}
	return w.W[i]
}

// SharedValues is the number of distinct values a weight-shared layer
// stores its weights as: len(Codebook), else Clusters; 0 when the layer is
// not weight-shared.
func (w *Weights) SharedValues() int {
	if w.Codebook != nil {
		return len(w.Codebook)
	}
	return w.Clusters
}

// Nonzero counts the non-zero effective weights.
func (w *Weights) Nonzero() int {
	n := 0
	for i := range w.W {
		if w.Effective(i) != 0 {
			n++
		}
	}
	return n
}

// Check reports weights that do not fit layer l: lengths that disagree with
// its geometry, or a codebook index outside the codebook.
func (w *Weights) Check(l Layer) error {
	if l.Kind == Pool {
		return fmt.Errorf("layer %q: a pooling layer has no weights", l.Name)
	}
	n := l.Weights()
	if int64(len(w.W)) != n || len(w.Bias) != l.OutC {
		return fmt.Errorf("layer %q: %d weights and %d biases, want %d and %d", l.Name, len(w.W), len(w.Bias), n, l.OutC)
	}
	if err := w.CheckCompression(); err != nil {
		return fmt.Errorf("layer %q: %w", l.Name, err)
	}
	return nil
}

// CheckCompression reports a mask or codebook that does not fit W: a mask
// of another length, a codebook without one index per weight, an index
// outside the codebook.
func (w *Weights) CheckCompression() error {
	if w.Mask != nil && len(w.Mask) != len(w.W) {
		return fmt.Errorf("mask has %d entries, want %d", len(w.Mask), len(w.W))
	}
	if w.Codebook == nil {
		return nil
	}
	if len(w.Codebook) == 0 || len(w.Index) != len(w.W) {
		return fmt.Errorf("codebook of %d with %d indices, want a non-empty codebook and %d indices", len(w.Codebook), len(w.Index), len(w.W))
	}
	for i, ix := range w.Index {
		if ix < 0 || int(ix) >= len(w.Codebook) {
			return fmt.Errorf("index[%d] = %d: outside codebook of %d", i, ix, len(w.Codebook))
		}
	}
	return nil
}
