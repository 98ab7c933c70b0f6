package nn

import (
	"fmt"
	"maps"
	"math"
	"math/rand/v2"
	"slices"

	"github.com/dcsim/dcsim/network"
)

// Param is one prunable weight tensor (a conv or fc layer): its weights,
// bias and compression state (network.Weights: the effective weight is
// Mask[i]·W[i], or Mask[i]·Codebook[Index[i]] when weight-shared) and the
// gradients of the last backward pass. Where Mask[i] == 0, W[i] is the
// shadow value kept for splicing (Dynamic Network Surgery, Guo et al. 2016);
// the effective weight is exactly 0.
type Param struct {
	Layer string       // layer name ("conv1", "fc1")
	Kind  network.Kind // Conv or FC
	Shape []int        // [out, in/groups, R, S] for conv (OIHW), [out, in] for fc
	network.Weights
	// Grad is dL/d(effective weight), summed over the samples of the last
	// backward pass (Train's last step, or GradientPass's last batch). After
	// Train with a frozen mask on the sparse kernels (see
	// TrainSettings.DenseKernels) it is computed only at unpruned weights
	// and is 0 at pruned ones.
	Grad     []float32
	BiasGrad []float32

	eff []float32 // scratch for the effective weights (masked/shared layers)
}

// effective returns all effective weights: W itself for a dense layer,
// else a refreshed scratch buffer.
func (p *Param) effective() []float32 {
	if p.Mask == nil && p.Codebook == nil {
		return p.W
	}
	if len(p.eff) != len(p.W) {
		p.eff = make([]float32, len(p.W))
	}
	for i := range p.eff {
		p.eff[i] = p.Effective(i)
	}
	return p.eff
}

// Rows is the number of output neurons (filters); Cols the weights per row.
func (p *Param) Rows() int { return p.Shape[0] }

// Cols is the number of weights per output neuron: (in/groups)·R·S.
func (p *Param) Cols() int { return len(p.W) / p.Shape[0] }

// validate checks that the compression state is consistent with W.
func (p *Param) validate() error {
	n := len(p.W)
	if len(p.Grad) != n || len(p.Bias) != p.Shape[0] || len(p.BiasGrad) != p.Shape[0] {
		return fmt.Errorf("%s: weight, gradient or bias length does not match shape %v", p.Layer, p.Shape)
	}
	if err := p.CheckCompression(); err != nil {
		return fmt.Errorf("%s: %w", p.Layer, err)
	}
	return nil
}

// Model is a trainable network built from a network.Network: convolution and fully
// connected layers each followed by ReLU (except the last), max pooling, and
// a softmax cross-entropy loss on the last layer's outputs.
type Model struct {
	Arch   network.Network
	params []*Param // conv and fc layers in order
	byName map[string]int
}

// NewModel builds arch with freshly initialised weights: He-normal
// (std = sqrt(2/fan_in), He et al. 2015) for layers followed by ReLU,
// Xavier-normal (std = sqrt(2/(fan_in+fan_out)), Glorot & Bengio 2010) for
// the last layer, zero biases; seed makes it reproducible.
func NewModel(arch network.Network, seed int64) (*Model, error) {
	m, err := newModel(arch)
	if err != nil {
		return nil, err
	}
	rng := rand.New(rand.NewPCG(uint64(seed), 0x9e3779b97f4a7c15))
	for i, p := range m.params {
		fanIn, fanOut := p.Cols(), p.Rows()
		std := math.Sqrt(2 / float64(fanIn))
		if i == len(m.params)-1 {
			std = math.Sqrt(2 / float64(fanIn+fanOut))
		}
		for j := range p.W {
			p.W[j] = float32(rng.NormFloat64() * std)
		}
	}
	return m, nil
}

// newModel checks that arch can be trained and allocates zeroed parameters.
func newModel(arch network.Network) (*Model, error) {
	if err := arch.Validate(); err != nil {
		return nil, fmt.Errorf("network %q: %w", arch.Name, err)
	}
	m := &Model{Arch: arch.Geometry(), byName: map[string]int{}}
	for i, l := range arch.Layers {
		if l.Groups > 1 || l.Ceil {
			return nil, fmt.Errorf("network %q: layer %q: grouped or ceil-mode layers cannot be trained", arch.Name, l.Name)
		}
		if i > 0 {
			prev := arch.Layers[i-1]
			if l.InputSize() != prev.OutputSize() || (l.Kind != network.FC && (l.InC != prev.OutChannels() || l.InH != prev.OutH())) {
				return nil, fmt.Errorf("network %q: layer %q: input %d×%d×%d does not follow %q's output %d×%d×%d",
					arch.Name, l.Name, l.InC, l.InH, l.InW, prev.Name, prev.OutChannels(), prev.OutH(), prev.OutW())
			}
		}
		if l.Kind == network.Pool {
			continue
		}
		shape := []int{l.OutC, l.InC, l.R, l.S}
		if l.Kind == network.FC {
			shape = []int{l.OutC, l.InC}
		}
		n := int(l.Weights())
		m.byName[l.Name] = len(m.params)
		m.params = append(m.params, &Param{Layer: l.Name, Kind: l.Kind, Shape: shape,
			Weights: network.Weights{W: make([]float32, n), Bias: make([]float32, l.OutC)},
			Grad:    make([]float32, n), BiasGrad: make([]float32, l.OutC)})
	}
	if n := sampleFloats(arch); n > MaxSampleFloats {
		return nil, fmt.Errorf("network %q: needs %d values of working memory per sample (activations, gradients, im2col columns): more than the limit %d",
			arch.Name, n, int64(MaxSampleFloats))
	}
	last := arch.Layers[len(arch.Layers)-1]
	if last.Kind == network.Pool {
		return nil, fmt.Errorf("network %q: last layer %q is a pooling layer; a classifier must end in conv or fc", arch.Name, last.Name)
	}
	return m, nil
}

// MaxSampleFloats bounds the float32 working memory one sample needs in
// training and evaluation (sampleFloats): 2^20 values, 4 MiB, about 12 times
// LeNet-5's. Each worker holds it for chunkSize samples, so a model file
// whose layers are legal but enormous fails at load with one line instead of
// exhausting memory later.
const MaxSampleFloats = 1 << 20

// sampleFloats is the engine's scratch per sample: the input and its
// gradient of every layer, im2col columns of conv layers ((InC/Groups)·R·S
// per output position) and argmax indices of pooling layers, and the
// network's output with its gradient.
func sampleFloats(a network.Network) int64 {
	var n int64
	for _, l := range a.Layers {
		n += 2 * l.InputSize()
		switch l.Kind {
		case network.Conv:
			n += int64(l.FanIn()) * int64(l.OutH()) * int64(l.OutW())
		case network.Pool:
			n += l.OutputSize()
		}
	}
	if len(a.Layers) > 0 {
		n += 2 * a.Layers[len(a.Layers)-1].OutputSize()
	}
	return n
}

// Params returns the prunable weight tensors (conv and fc) in layer order.
// The pointers are the model's own: changing them changes the model.
func (m *Model) Params() []*Param { return m.params }

// Param returns the weight tensor of the named layer, or nil.
func (m *Model) Param(layer string) *Param {
	i, ok := m.byName[layer]
	if !ok {
		return nil
	}
	return m.params[i]
}

// Classes is the number of outputs of the last layer.
func (m *Model) Classes() int { return int(m.Arch.Layers[len(m.Arch.Layers)-1].OutputSize()) }

// Layer returns the shape of the named layer.
func (m *Model) Layer(name string) (network.Layer, bool) {
	for _, l := range m.Arch.Layers {
		if l.Name == name {
			return l, true
		}
	}
	return network.Layer{}, false
}

// MACs is the named layer's multiply-accumulates per image (Shape.MACs), and
// zero for an unknown layer.
func (m *Model) MACs(layer string) int64 {
	l, _ := m.Layer(layer)
	return l.MACs()
}

// NonzeroMACs is the MACs of a layer that skips pruned weights:
// OutH·OutW·(non-zero effective weights).
func (m *Model) NonzeroMACs(layer string) int64 {
	l, ok := m.Layer(layer)
	p := m.Param(layer)
	if !ok || p == nil {
		return 0
	}
	return int64(l.OutH()) * int64(l.OutW()) * int64(p.Nonzero())
}

// Clone returns a deep copy of m (weights, gradients, masks, codebooks).
func (m *Model) Clone() *Model {
	c := &Model{Arch: network.Network{Name: m.Arch.Name, Layers: append([]network.Layer(nil), m.Arch.Layers...)},
		byName: maps.Clone(m.byName)}
	for _, p := range m.params {
		c.params = append(c.params, &Param{Layer: p.Layer, Kind: p.Kind, Shape: append([]int(nil), p.Shape...),
			Weights: network.Weights{W: slices.Clone(p.W), Mask: slices.Clone(p.Mask), Bias: slices.Clone(p.Bias),
				Codebook: slices.Clone(p.Codebook), Index: slices.Clone(p.Index)},
			Grad: slices.Clone(p.Grad), BiasGrad: slices.Clone(p.BiasGrad)})
	}
	return c
}

func nan() float64 { return math.NaN() }
