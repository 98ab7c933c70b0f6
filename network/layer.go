package network

import (
	"errors"
	"fmt"
)

// Kind is the kind of a layer: convolution, fully connected, or pooling.
type Kind string

// Layer kinds.
const (
	Conv Kind = "conv"
	FC   Kind = "fc"
	Pool Kind = "pool"
)

// Layer describes one layer's geometry: the single description that both the
// simulator's zoo and the trainable models are built from.
//
// A convolution reads an InC×InH×InW input and writes OutC×OutH×OutW with
// filters of R×S×(InC/Groups). A fully connected layer is a 1×1 convolution on
// a 1×1 input (InH = InW = R = S = 1, InC inputs, OutC outputs). A pooling
// layer has OutC = InC, window R×S and no weights.
type Layer struct {
	Name   string
	Kind   Kind
	InC    int
	InH    int
	InW    int
	OutC   int
	R      int // filter height
	S      int // filter width
	Stride int // zero means 1
	Pad    int // zero-padding on every side
	Groups int // zero means 1
	// Ceil rounds the output size up instead of down (PyTorch's ceil_mode):
	// OutH = ceil((InH + 2·Pad − R)/Stride) + 1. SCALE-Sim topologies use it.
	Ceil bool
	// Values are the layer's real weights with their mask and codebook
	// (ONNX and model files, a trained model); nil when only the geometry
	// is known (the zoo, topology files) and for pooling layers.
	Values *Weights
}

// stride returns the stride with the zero value defaulting to 1.
func (s Layer) stride() int {
	if s.Stride <= 0 {
		return 1
	}
	return s.Stride
}

// groups returns the group count with the zero value defaulting to 1.
func (s Layer) groups() int {
	if s.Groups <= 0 {
		return 1
	}
	return s.Groups
}

// StrideOr1 is the stride, 1 when unset.
func (s Layer) StrideOr1() int { return s.stride() }

// GroupsOr1 is the number of groups, 1 when unset.
func (s Layer) GroupsOr1() int { return s.groups() }

// OutH is the output height: floor((InH + 2·Pad − R) / Stride) + 1, or the
// ceiling when Ceil is set.
func (s Layer) OutH() int { return outSide(s.InH+2*s.Pad-s.R, s.stride(), s.Ceil) }

// OutW is the output width: floor((InW + 2·Pad − S) / Stride) + 1, or the
// ceiling when Ceil is set.
func (s Layer) OutW() int { return outSide(s.InW+2*s.Pad-s.S, s.stride(), s.Ceil) }

// outSide is floor(span/stride)+1, or ceil(span/stride)+1 when ceil is set.
func outSide(span, stride int, ceil bool) int {
	if ceil {
		return (span+stride-1)/stride + 1
	}
	return span/stride + 1
}

// OutChannels is OutC for conv and FC, InC for pooling.
func (s Layer) OutChannels() int {
	if s.Kind == Pool {
		return s.InC
	}
	return s.OutC
}

// Weights is the number of weights (biases excluded): OutC·(InC/Groups)·R·S;
// zero for pooling.
func (s Layer) Weights() int64 {
	if s.Kind == Pool {
		return 0
	}
	return int64(s.OutC) * int64(s.InC/s.groups()) * int64(s.R) * int64(s.S)
}

// Biases is the number of biases: OutC for conv and FC, zero for pooling.
func (s Layer) Biases() int64 {
	if s.Kind == Pool {
		return 0
	}
	return int64(s.OutC)
}

// MACs is the number of multiply-accumulates of one forward pass at batch 1:
// OutH·OutW·Weights; zero for pooling.
func (s Layer) MACs() int64 {
	return int64(s.OutH()) * int64(s.OutW()) * s.Weights()
}

// InputSize is the number of input activations InC·InH·InW.
func (s Layer) InputSize() int64 { return int64(s.InC) * int64(s.InH) * int64(s.InW) }

// OutputSize is the number of output activations.
func (s Layer) OutputSize() int64 {
	return int64(s.OutChannels()) * int64(s.OutH()) * int64(s.OutW())
}

// FanIn is the number of inputs to one output neuron: (InC/Groups)·R·S.
func (s Layer) FanIn() int { return s.InC / s.groups() * s.R * s.S }

// Validate reports a geometry that cannot be computed; the error names the
// layer.
func (s Layer) Validate() error {
	if err := s.CheckGeometry(); err != nil {
		return fmt.Errorf("layer %q: %w", s.Name, err)
	}
	return nil
}

// CheckGeometry is Validate without the layer's name in the error: an
// unknown kind, a non-positive size, a negative stride, padding or group
// count, a filter larger than its padded input, groups that do not divide
// the channels.
func (s Layer) CheckGeometry() error {
	switch s.Kind {
	case Conv, FC, Pool:
	default:
		return fmt.Errorf("kind %q: must be one of conv, fc, pool", s.Kind)
	}
	pos := []struct {
		name string
		v    int
	}{{"in_channels", s.InC}, {"in_height", s.InH}, {"in_width", s.InW}, {"filter_height", s.R}, {"filter_width", s.S}}
	if s.Kind != Pool {
		pos = append(pos, struct {
			name string
			v    int
		}{"out_channels", s.OutC})
	}
	for _, p := range pos {
		if p.v <= 0 {
			return fmt.Errorf("%s: must be > 0, got %d", p.name, p.v)
		}
	}
	if s.Stride < 0 || s.Pad < 0 || s.Groups < 0 {
		return errors.New("stride, padding and groups must not be negative")
	}
	if s.R > s.InH+2*s.Pad || s.S > s.InW+2*s.Pad {
		return fmt.Errorf("filter %dx%d is larger than its padded input %dx%d",
			s.R, s.S, s.InH+2*s.Pad, s.InW+2*s.Pad)
	}
	g := s.groups()
	if s.InC%g != 0 || (s.Kind != Pool && s.OutC%g != 0) {
		return fmt.Errorf("groups %d must divide in_channels %d and out_channels %d", g, s.InC, s.OutC)
	}
	return nil
}

// Network is a network: a name and its layers in order (branches, as in
// the zoo's Inception modules and ResNet shortcuts, are listed layer by layer
// in topological order; a concatenation only sets the next layer's input).
type Network struct {
	Name   string
	Layers []Layer
}

// Validate checks every layer.
func (a Network) Validate() error {
	if len(a.Layers) == 0 {
		return fmt.Errorf("network %q has no layers", a.Name)
	}
	seen := map[string]bool{}
	for _, l := range a.Layers {
		if err := l.Validate(); err != nil {
			return err
		}
		if l.Values != nil {
			if err := l.Values.Check(l); err != nil {
				return err
			}
		}
		if seen[l.Name] {
			return fmt.Errorf("layer %q appears twice", l.Name)
		}
		seen[l.Name] = true
	}
	return nil
}

// Geometry returns the network without its layers' weights (a copy of the
// layer list; the weights are not copied).
func (a Network) Geometry() Network {
	g := Network{Name: a.Name, Layers: make([]Layer, len(a.Layers))}
	for i, l := range a.Layers {
		l.Values = nil
		g.Layers[i] = l
	}
	return g
}

// Weights is the total number of weights.
func (a Network) Weights() int64 {
	var n int64
	for _, l := range a.Layers {
		n += l.Weights()
	}
	return n
}

// MACs is the total multiply-accumulates at batch 1.
func (a Network) MACs() int64 {
	var n int64
	for _, l := range a.Layers {
		n += l.MACs()
	}
	return n
}
