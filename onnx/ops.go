package onnx

import (
	"math"
	"strings"

	"github.com/dcsim/dcsim/network"
	"github.com/dcsim/dcsim/onnx/onnxpb"
)

// Supported lists the ai.onnx operators Read understands.
var Supported = []string{"Add", "AveragePool", "BatchNormalization", "Concat", "Constant", "Conv", "Dropout",
	"Flatten", "Gemm", "GlobalAveragePool", "Identity", "MatMul", "MaxPool", "Pad", "Relu", "Reshape"}

// node dispatches one node to its operator.
func (w *walker) node(n *onnxpb.NodeProto) error {
	if d := n.GetDomain(); d != "" && d != "ai.onnx" {
		return w.errf(n, "domain %q: not supported (dcsim reads standard ai.onnx operators: %s)", d, strings.Join(Supported, ", "))
	}
	switch n.GetOpType() {
	case "Conv":
		return w.conv(n)
	case "Gemm", "MatMul":
		return w.gemm(n)
	case "MaxPool", "AveragePool", "GlobalAveragePool":
		return w.pool(n)
	case "BatchNormalization":
		return w.batchNorm(n)
	case "Add":
		return w.add(n)
	case "Concat":
		return w.concat(n)
	case "Flatten":
		return w.flatten(n)
	case "Reshape":
		return w.reshape(n)
	case "Relu", "Dropout", "Identity":
		if c, err := w.input(n, 0); err == nil && c.c != nil && n.GetOpType() == "Identity" {
			c.aliased = true
			return w.output(n, c) // PyTorch aliases shared initializers through Identity
		}
		x, err := w.activation(n, 0, 0)
		if err != nil {
			return err
		}
		return w.output(n, &value{shape: x.shape, layer: -1})
	case "Constant":
		return w.constantNode(n)
	case "Pad":
		return w.pad(n)
	}
	return w.errf(n, "operator not supported by dcsim (supported: %s)", strings.Join(Supported, ", "))
}

// weights returns the float values of a constant input (nil for a weight a
// shape file only declares), checking its shape against want.
func (w *walker) weights(n *onnxpb.NodeProto, k int, want []int) ([]float32, error) {
	v, err := w.input(n, k)
	if err != nil {
		return nil, err
	}
	name := n.GetInput()[k]
	if v.layer >= 0 || (v.c == nil && !v.declared) {
		return nil, w.errf(n, "input %q: weights computed by the graph are not supported (they must be initializers)", name)
	}
	if len(v.shape) != len(want) {
		return nil, w.errf(n, "input %q: shape %v, want %d dimensions", name, v.shape, len(want))
	}
	for i, d := range want {
		if d >= 0 && v.shape[i] != d {
			return nil, w.errf(n, "shape inference: input %q has shape %v, the node needs %v", name, v.shape, want)
		}
	}
	if v.c == nil {
		return nil, nil
	}
	if v.c.f == nil {
		return nil, w.errf(n, "input %q: integer weights are not supported", name)
	}
	if err := checkFinite(name, v.c.f); err != nil {
		return nil, w.errf(n, "%v", err)
	}
	if w.uses[name] == 1 && !v.aliased {
		return v.c.f, nil // the only reader: take the decoded values (BatchNorm folds in place)
	}
	return append([]float32(nil), v.c.f...), nil
}

// bias reads optional input k as a bias of m values.
func (w *walker) bias(n *onnxpb.NodeProto, k, m int) ([]float32, error) {
	v, err := w.optInput(n, k)
	if err != nil || v == nil {
		return make([]float32, m), err
	}
	if v.c == nil || v.c.f == nil || len(v.c.f) != m {
		return nil, w.errf(n, "input %q: bias must be an initializer of %d floats, got shape %v", n.GetInput()[k], m, v.shape)
	}
	if err := checkFinite(n.GetInput()[k], v.c.f); err != nil {
		return nil, w.errf(n, "%v", err)
	}
	return append([]float32(nil), v.c.f...), nil
}

func (w *walker) conv(n *onnxpb.NodeProto) error {
	x, err := w.activation(n, 0, 4)
	if err != nil {
		return err
	}
	wv, err := w.input(n, 1)
	if err != nil {
		return err
	}
	if len(wv.shape) != 4 {
		return w.errf(n, "input %q: weight shape %v, want (M, C/group, kH, kW)", n.GetInput()[1], wv.shape)
	}
	a := w.attrs(n)
	g := a.int("group", 1)
	c, h, wd := x.shape[1], x.shape[2], x.shape[3]
	m, cg, kh, kw := wv.shape[0], wv.shape[1], wv.shape[2], wv.shape[3]
	if g < 1 || g > maxDim || int64(c) != g*int64(cg) || m%int(g) != 0 {
		return w.errf(n, "group %d: input has %d channels, weights %v", g, c, wv.shape)
	}
	win, err := a.window([]int64{int64(kh), int64(kw)}, h, wd)
	if err != nil {
		return err
	}
	s := network.Layer{Name: w.layerName(n, n.GetInput()[1]), Kind: network.Conv, InC: c, InH: h, InW: wd, OutC: m,
		R: kh, S: kw, Stride: win.stride, Pad: win.pad, Groups: int(g)}
	wts, err := w.weights(n, 1, wv.shape)
	if err != nil {
		return err
	}
	if wts != nil {
		b, err := w.bias(n, 2, m)
		if err != nil {
			return err
		}
		s.Values = &network.Weights{W: wts, Bias: b}
	}
	i, err := w.addLayer(n, s)
	if err != nil {
		return err
	}
	return w.output(n, &value{shape: []int{1, m, s.OutH(), s.OutW()}, layer: i})
}

// gemm reads Gemm (Y = A·B or A·Bᵀ, plus C) and MatMul with a constant
// right-hand side as a fully connected layer.
func (w *walker) gemm(n *onnxpb.NodeProto) error {
	x, err := w.activation(n, 0, 2)
	if err != nil {
		return err
	}
	bv, err := w.input(n, 1)
	if err != nil {
		return err
	}
	if len(bv.shape) != 2 {
		return w.errf(n, "input %q: weight shape %v, want 2 dimensions", n.GetInput()[1], bv.shape)
	}
	a := w.attrs(n)
	transB := false
	if n.GetOpType() == "Gemm" {
		if a.int("transA", 0) != 0 {
			return w.errf(n, "transA 1: not supported (the activation must be the left operand)")
		}
		if a.float("alpha", 1) != 1 || a.float("beta", 1) != 1 {
			return w.errf(n, "alpha %g, beta %g: only 1 is supported", a.float("alpha", 1), a.float("beta", 1))
		}
		transB = a.int("transB", 0) != 0
	}
	k := x.shape[1]
	out, kb := bv.shape[1], bv.shape[0]
	if transB {
		out, kb = bv.shape[0], bv.shape[1]
	}
	if kb != k {
		return w.errf(n, "shape inference: input %v times weights %v (transB %v): inner sizes differ", x.shape, bv.shape, transB)
	}
	s := network.Layer{Name: w.layerName(n, n.GetInput()[1]), Kind: network.FC, InC: k, InH: 1, InW: 1, OutC: out,
		R: 1, S: 1, Stride: 1, Groups: 1}
	wts, err := w.weights(n, 1, bv.shape)
	if err != nil {
		return err
	}
	if wts != nil {
		if !transB { // stored (K, N): transpose to nn's (out, in)
			t := make([]float32, len(wts))
			for i := 0; i < k; i++ {
				for j := 0; j < out; j++ {
					t[j*k+i] = wts[i*out+j]
				}
			}
			wts = t
		}
		b := make([]float32, out)
		if n.GetOpType() == "Gemm" {
			if b, err = w.bias(n, 2, out); err != nil {
				return err
			}
		}
		s.Values = &network.Weights{W: wts, Bias: b}
	}
	i, err := w.addLayer(n, s)
	if err != nil {
		return err
	}
	return w.output(n, &value{shape: []int{1, out}, layer: i})
}

func (w *walker) pool(n *onnxpb.NodeProto) error {
	x, err := w.activation(n, 0, 4)
	if err != nil {
		return err
	}
	c, h, wd := x.shape[1], x.shape[2], x.shape[3]
	win := window{kh: h, kw: wd, stride: 1}
	if n.GetOpType() != "GlobalAveragePool" {
		if win, err = w.attrs(n).window(nil, h, wd); err != nil {
			return err
		}
	}
	if n.GetOpType() != "MaxPool" {
		w.notTrainable("node %q: %s (nn trains max pooling only)", n.GetName(), n.GetOpType())
	}
	name := w.layerName(n, "")
	s := network.Layer{Name: name, Kind: network.Pool, InC: c, InH: h, InW: wd, OutC: c, R: win.kh, S: win.kw,
		Stride: win.stride, Pad: win.pad, Groups: 1, Ceil: win.ceil}
	if _, err := w.addLayer(n, s); err != nil {
		return err
	}
	return w.output(n, &value{shape: []int{1, c, s.OutH(), s.OutW()}, layer: -1})
}

// batchNorm folds y = γ·(x − μ)/√(σ² + ε) + β into the conv or fc layer
// that writes x: W'[o,·] = W[o,·]·γ_o/√(σ²_o + ε), b'_o = (b_o − μ_o)·γ_o/√(σ²_o + ε) + β_o
// (Ioffe and Szegedy 2015, inference form), computed in float64.
func (w *walker) batchNorm(n *onnxpb.NodeProto) error {
	x, err := w.input(n, 0)
	if err != nil {
		return err
	}
	a := w.attrs(n)
	if a.int("training_mode", 0) != 0 {
		return w.errf(n, "training_mode 1: only inference batch normalisation can be folded")
	}
	if x.layer < 0 || w.uses[n.GetInput()[0]] != 1 {
		return w.errf(n, "not directly after a Conv or Gemm whose only consumer it is: dcsim folds BatchNormalization into the layer before it")
	}
	l, src := &w.net.Arch.Layers[x.layer], &w.net.Sources[x.layer]
	ch := l.OutC
	stats := make([][]float32, 4)
	for k := range stats {
		v, err := w.input(n, k+1)
		if err != nil {
			return err
		}
		if v.c == nil || v.c.f == nil || len(v.c.f) != ch {
			return w.errf(n, "input %q: must be an initializer of %d floats (the channels of %q), got shape %v", n.GetInput()[k+1], ch, l.Name, v.shape)
		}
		stats[k] = v.c.f
	}
	eps := float64(a.float("epsilon", 1e-5))
	if p := l.Values; p != nil {
		if !src.BatchNorm {
			compress(p) // mask and clusters of the weights as stored
			p.Codebook, p.Index = nil, nil
		}
		cols := len(p.W) / ch
		for o := 0; o < ch; o++ {
			s := float64(stats[0][o]) / math.Sqrt(float64(stats[3][o])+eps)
			if math.IsNaN(s) || math.IsInf(s, 0) {
				return w.errf(n, "channel %d: scale γ/√(σ²+ε) = %g is not finite", o, s)
			}
			for j := o * cols; j < (o+1)*cols; j++ {
				p.W[j] = float32(float64(p.W[j]) * s)
			}
			p.Bias[o] = float32((float64(p.Bias[o])-float64(stats[2][o]))*s + float64(stats[1][o]))
		}
	}
	src.BatchNorm = true
	return w.pass(n, &value{shape: x.shape, layer: x.layer})
}

// pass records n's output as the same activation as its input, for a node
// folded into the layer before it (no step of its own in the chain).
func (w *walker) pass(n *onnxpb.NodeProto, v *value) error {
	if len(n.GetOutput()) == 0 || n.GetOutput()[0] == "" {
		return w.errf(n, "no output")
	}
	if w.last == n.GetInput()[0] {
		w.last = n.GetOutput()[0]
	}
	w.values[n.GetOutput()[0]] = v
	return nil
}

// add is a bias (a constant added to a conv or fc output: folded into the
// layer) or a residual join of two equally shaped activations.
func (w *walker) add(n *onnxpb.NodeProto) error {
	if len(n.GetInput()) != 2 {
		return w.errf(n, "want 2 inputs, got %d", len(n.GetInput()))
	}
	a, err := w.input(n, 0)
	if err != nil {
		return err
	}
	b, err := w.input(n, 1)
	if err != nil {
		return err
	}
	actIn := 0
	if a.c != nil {
		a, b, actIn = b, a, 1
	}
	switch {
	case a.c != nil:
		return w.errf(n, "both inputs are constants: constant folding is not supported")
	case b.c != nil:
		return w.addBias(n, a, b, actIn)
	}
	if len(a.shape) != len(b.shape) {
		return w.errf(n, "shape inference: inputs %v and %v: broadcasting is not supported", a.shape, b.shape)
	}
	for i := range a.shape {
		if a.shape[i] != b.shape[i] {
			return w.errf(n, "shape inference: inputs %v and %v: broadcasting is not supported", a.shape, b.shape)
		}
	}
	w.notTrainable("node %q: Add joins two branches (a residual graph)", n.GetName())
	if _, err := w.activation(n, 0, 0); err != nil {
		return err
	}
	return w.output(n, &value{shape: a.shape, layer: -1})
}

// addBias folds a constant of one value per output channel into the layer
// that writes the other input (MatMul + Add is how some exporters write a
// linear layer).
func (w *walker) addBias(n *onnxpb.NodeProto, x, c *value, actIn int) error {
	in := n.GetInput()[actIn]
	if x.layer < 0 || w.uses[in] != 1 {
		return w.errf(n, "a constant added to something other than a Conv, Gemm or MatMul output: not supported")
	}
	l := &w.net.Arch.Layers[x.layer]
	ch := l.OutC
	// The constant must broadcast along the channel axis only: (ch) or
	// (1, ch) after an fc layer, (ch, 1, 1) or (1, ch, 1, 1) after a conv.
	okShape := c.c.f != nil && len(c.c.f) == ch && len(c.shape) <= len(x.shape)
	if okShape && len(x.shape) == 4 {
		okShape = len(c.shape) >= 3 && c.shape[len(c.shape)-3] == ch
	}
	if !okShape {
		return w.errf(n, "constant of shape %v is not a bias of %d channels for %q (output %v)", c.shape, ch, l.Name, x.shape)
	}
	if p := l.Values; p != nil {
		for o := range p.Bias {
			p.Bias[o] += c.c.f[o]
		}
	}
	if w.last == in {
		w.last = n.GetOutput()[0]
	}
	if len(n.GetOutput()) == 0 {
		return w.errf(n, "no output")
	}
	w.values[n.GetOutput()[0]] = &value{shape: x.shape, layer: x.layer}
	return nil
}

func (w *walker) concat(n *onnxpb.NodeProto) error {
	if len(n.GetInput()) == 0 {
		return w.errf(n, "no inputs")
	}
	first, err := w.activation(n, 0, 0)
	if err != nil {
		return err
	}
	rank := len(first.shape)
	axis := w.attrs(n).int("axis", 1)
	if axis < 0 {
		axis += int64(rank)
	}
	if axis < 1 || axis >= int64(rank) {
		return w.errf(n, "axis %d: must name a non-batch axis of rank-%d inputs", w.attrs(n).int("axis", 1), rank)
	}
	out := append([]int(nil), first.shape...)
	out[axis] = 0
	for k := range n.GetInput() {
		v, err := w.input(n, k)
		if err != nil {
			return err
		}
		if v.c != nil {
			return w.errf(n, "input %q: a constant (dynamic shape computations are not supported)", n.GetInput()[k])
		}
		if len(v.shape) != rank {
			return w.errf(n, "shape inference: inputs %v and %v differ in rank", first.shape, v.shape)
		}
		for d := range v.shape {
			if d != int(axis) && v.shape[d] != first.shape[d] {
				return w.errf(n, "shape inference: inputs %v and %v differ outside axis %d", first.shape, v.shape, axis)
			}
		}
		out[axis] += v.shape[axis]
	}
	w.notTrainable("node %q: Concat joins branches (an inception graph)", n.GetName())
	return w.output(n, &value{shape: out, layer: -1})
}

func (w *walker) flatten(n *onnxpb.NodeProto) error {
	x, err := w.activation(n, 0, 0)
	if err != nil {
		return err
	}
	axis := w.attrs(n).int("axis", 1)
	if axis < 0 {
		axis += int64(len(x.shape))
	}
	if axis < 0 || axis > int64(len(x.shape)) {
		return w.errf(n, "axis %d: outside the input's %d dimensions", w.attrs(n).int("axis", 1), len(x.shape))
	}
	outer, inner := 1, 1
	for d, v := range x.shape {
		if int64(d) < axis {
			outer *= v
		} else {
			inner *= v
		}
	}
	return w.output(n, &value{shape: []int{outer, inner}, layer: -1})
}

// reshape applies a constant target shape: 0 copies the input's dimension
// (unless allowzero), −1 takes what remains.
func (w *walker) reshape(n *onnxpb.NodeProto) error {
	x, err := w.activation(n, 0, 0)
	if err != nil {
		return err
	}
	sv, err := w.input(n, 1)
	if err != nil {
		return err
	}
	if sv.c == nil || sv.c.i == nil {
		return w.errf(n, "shape inference: the target shape %q is computed by the graph; dcsim needs a constant (export with a fixed flatten, e.g. torch.flatten)", n.GetInput()[1])
	}
	total := 1
	for _, d := range x.shape {
		total *= d
	}
	allowZero := w.attrs(n).int("allowzero", 0) != 0
	out := make([]int, len(sv.c.i))
	known, infer := 1, -1
	for k, d := range sv.c.i {
		switch {
		case d == 0 && !allowZero:
			if k >= len(x.shape) {
				return w.errf(n, "shape inference: shape %v copies dimension %d of input %v", sv.c.i, k, x.shape)
			}
			out[k] = x.shape[k]
		case d == -1 && infer < 0:
			infer = k
			continue
		case d < 0 || d > maxElems:
			return w.errf(n, "shape inference: shape %v: dimension %d", sv.c.i, d)
		default:
			out[k] = int(d)
		}
		if out[k] > 0 {
			known *= out[k]
		}
		if known > maxElems {
			return w.errf(n, "shape inference: shape %v: too many elements", sv.c.i)
		}
	}
	if infer >= 0 {
		if known == 0 || total%known != 0 {
			return w.errf(n, "shape inference: cannot reshape %v to %v", x.shape, sv.c.i)
		}
		out[infer] = total / known
	}
	prod := 1
	for _, d := range out {
		prod *= d
	}
	if prod != total {
		return w.errf(n, "shape inference: cannot reshape %v (%d elements) to %v", x.shape, total, sv.c.i)
	}
	return w.output(n, &value{shape: out, layer: -1})
}

// constantNode records a Constant's tensor (value, value_int or value_ints).
func (w *walker) constantNode(n *onnxpb.NodeProto) error {
	a := w.attrs(n)
	var c *constant
	switch {
	case a.m["value"] != nil:
		var err error
		if c, err = decodeTensor(a.m["value"].GetT()); err != nil {
			return w.errf(n, "%v", err)
		}
	case a.m["value_ints"] != nil:
		v := a.m["value_ints"].GetInts()
		c = &constant{dims: []int{len(v)}, i: append([]int64(nil), v...)}
	case a.m["value_int"] != nil:
		c = &constant{dims: []int{}, i: []int64{a.m["value_int"].GetI()}}
	case a.m["value_float"] != nil:
		c = &constant{dims: []int{}, f: []float32{a.m["value_float"].GetF()}}
	default:
		return w.errf(n, "no value, value_int, value_ints or value_float attribute (other kinds are not supported)")
	}
	return w.output(n, &value{shape: c.dims, c: c, layer: -1})
}

// pad accepts a Pad that pads nothing (PyTorch writes one before every
// AveragePool); real padding would have to be folded into the next layer,
// which dcsim does not do.
func (w *walker) pad(n *onnxpb.NodeProto) error {
	x, err := w.activation(n, 0, 0)
	if err != nil {
		return err
	}
	pads, err := w.attrs(n).ints("pads", nil, 0) // before opset 11
	if err != nil {
		return err
	}
	if pv, err := w.optInput(n, 1); err != nil {
		return err
	} else if pv != nil {
		if pv.c == nil || pv.c.i == nil {
			return w.errf(n, "pads %q: must be a constant", n.GetInput()[1])
		}
		pads = pv.c.i
	}
	for _, p := range pads {
		if p != 0 {
			return w.errf(n, "pads %v: only a Pad that pads nothing is supported (put the padding in the Conv or pool)", pads)
		}
	}
	return w.output(n, &value{shape: x.shape, layer: -1})
}
