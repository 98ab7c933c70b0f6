package sim

import (
	"math/bits"

	"github.com/dcsim/dcsim/network"
)

// Kind is a layer kind: the network description's.
type Kind = network.Kind

// Layer kinds.
const (
	Conv = network.Conv
	FC   = network.FC
	Pool = network.Pool
)

// Workload is a network as the simulator sees it: layer geometry plus the
// compression each layer carries. internal/workload builds it from a
// network description (the zoo, a SCALE-Sim CSV, an ONNX or model file); a
// compression profile may then set densities. sim never imports nn, pruning
// or clustering.
type Workload struct {
	Name   string
	Layers []Layer
}

// Layer is one layer of a workload: its geometry, the network
// description's (network.Layer: a conv reads InC×InH×InW and has OutC
// filters of R×S×(InC/Groups); an FC layer has InH = InW = R = S = 1), and
// the compression the simulator models. Lowered to a GEMM (im2col), each
// group is an (OutH·OutW) × (R·S·InC/Groups) by (R·S·InC/Groups) ×
// (OutC/Groups) product. The simulator does not read the embedded layer's
// Values (real weights); their mask reaches it as Mask.
type Layer struct {
	network.Layer

	// WeightDensity is the fraction of non-zero weights in (0,1]; zero means
	// dense (1).
	WeightDensity float64
	// ActDensity is the fraction of non-zero input activations in (0,1];
	// zero means dense (1).
	ActDensity float64
	// IndexBits is the codebook index width in bits (1–16); zero means the
	// layer has no codebook (weights stored at full precision).
	IndexBits int
	// Mask, when non-nil, is the layer's real weight mask; WeightDensity is
	// then derived from it.
	Mask *Mask
	// ActMask, when non-nil, is the layer's measured input-activation mask
	// for one input image (InC×InH×InW, unpadded); ActDensity is then
	// derived from it, and mask-accurate engines use which activations are
	// zero, not just how many.
	ActMask *ActMask
}

// ActMask is one image's input-activation mask of a layer: C×H×W bits, bit
// set = non-zero, activation (c, h, w) at bit (c·H + h)·W + w (CHW order, as
// nn and PyTorch store feature maps). An FC layer's input is C×1×1.
type ActMask struct {
	C, H, W int
	Bits    []uint64
}

// NewActMask returns an all-zero activation mask of c×h×w.
func NewActMask(c, h, w int) *ActMask {
	return &ActMask{C: c, H: h, W: w, Bits: make([]uint64, (c*h*w+63)/64)}
}

// Get reports whether activation (c, h, w) is non-zero.
func (m *ActMask) Get(c, h, w int) bool {
	i := (c*m.H+h)*m.W + w
	return m.Bits[i>>6]>>(uint(i)&63)&1 == 1
}

// Set marks activation (c, h, w) non-zero.
func (m *ActMask) Set(c, h, w int) {
	i := (c*m.H+h)*m.W + w
	m.Bits[i>>6] |= 1 << (uint(i) & 63)
}

// Count is the number of non-zero activations.
func (m *ActMask) Count() int64 {
	var n int64
	for _, b := range m.Bits {
		n += int64(bits.OnesCount64(b))
	}
	return n
}

// Density is the fraction of non-zero activations.
func (m *ActMask) Density() float64 {
	n := m.C * m.H * m.W
	if n == 0 {
		return 0
	}
	return float64(m.Count()) / float64(n)
}

// Mask is a weight mask in matrix form: Rows = OutC output neurons (filters),
// Cols = (InC/Groups)·R·S inputs per output, row-major, one bit per weight
// (bit j of Bits[i/64] is weight i = row·Cols + col). Filter weights are laid
// out channel-major then R then S, as in nn and PyTorch (OIHW).
type Mask struct {
	Rows int
	Cols int
	Bits []uint64
}

// NewMask returns an all-zero mask of rows×cols.
func NewMask(rows, cols int) *Mask {
	return &Mask{Rows: rows, Cols: cols, Bits: make([]uint64, (rows*cols+63)/64)}
}

// Get reports whether weight (r, c) is non-zero.
func (m *Mask) Get(r, c int) bool {
	i := r*m.Cols + c
	return m.Bits[i>>6]>>(uint(i)&63)&1 == 1
}

// Set marks weight (r, c) non-zero.
func (m *Mask) Set(r, c int) {
	i := r*m.Cols + c
	m.Bits[i>>6] |= 1 << (uint(i) & 63)
}

// GEMM returns the per-group GEMM dimensions of the layer lowered by im2col:
// M = OutH·OutW output pixels, K = R·S·InC/Groups reduction length,
// N = OutC/Groups filters; groups is the number of such GEMMs.
func (l *Layer) GEMM() (m, k, n, groups int) {
	g := l.GroupsOr1()
	return l.OutH() * l.OutW(), l.R * l.S * l.InC / g, l.OutC / g, g
}

// Density returns the weight density: the mask's when present, else
// WeightDensity with zero meaning 1.
func (l *Layer) Density() float64 {
	if l.Mask != nil {
		return l.Mask.Density()
	}
	if l.WeightDensity == 0 {
		return 1
	}
	return l.WeightDensity
}

// ActivationDensity returns the activation mask's density when present,
// else ActDensity with zero meaning 1.
func (l *Layer) ActivationDensity() float64 {
	if l.ActMask != nil {
		return l.ActMask.Density()
	}
	if l.ActDensity == 0 {
		return 1
	}
	return l.ActDensity
}

// Density is the fraction of set bits.
func (m *Mask) Density() float64 {
	n := m.Rows * m.Cols
	if n == 0 {
		return 0
	}
	return float64(m.Count()) / float64(n)
}

// InputRead is the number of input elements the layer's windows touch:
// InC × the input rows × the input columns some output position reads. It
// is InC·InH·InW except when the stride skips input (a 1×1 stride-2
// convolution, ResNet's shortcut, reads a quarter of its input), so memory
// models fetch only what the layer uses.
func (l *Layer) InputRead() int64 {
	rows := touched(l.InH, l.OutH(), l.R, l.StrideOr1(), l.Pad)
	cols := touched(l.InW, l.OutW(), l.S, l.StrideOr1(), l.Pad)
	return int64(l.InC) * int64(rows) * int64(cols)
}

// touched counts the positions in [0, in) that out windows of size k at
// stride s, offset by −pad, cover.
func touched(in, out, k, s, pad int) int {
	if k >= s {
		// Consecutive windows overlap or abut: one span.
		lo, hi := max(-pad, 0), min((out-1)*s+k-pad, in)
		return max(hi-lo, 0)
	}
	n := 0
	for o := 0; o < out; o++ {
		lo, hi := max(o*s-pad, 0), min(o*s+k-pad, in)
		n += max(hi-lo, 0)
	}
	return n
}
