package onnx

import (
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"

	"github.com/dcsim/dcsim/internal/atomicfile"
	"github.com/dcsim/dcsim/network"
	"github.com/dcsim/dcsim/nn"
	"github.com/dcsim/dcsim/onnx/onnxpb"
	"google.golang.org/protobuf/proto"
)

// Opset and IRVersion are what Write emits: opset 13 with IR version 7,
// the pair ONNX 1.8 introduced, which every onnx, onnxruntime and PyTorch
// release since 2020 reads.
const (
	Opset     = 13
	IRVersion = 7
)

// Marshal encodes a network as an ONNX model. A conv or fc layer that
// carries weights (Values) gets initializers named <layer>.weight and
// <layer>.bias holding its effective weights (mask and codebook applied)
// bit for bit, in PyTorch's layout (conv OIHW, Gemm with transB = 1), so a
// PyTorch state_dict with the same module names loads them unchanged; a
// layer without weights declares them as graph inputs by shape only (a
// shape file: `dcsim network export`).
//
// Every conv and fc layer but the last is followed by a Relu (the network
// nn trains); a layer reads the most recent output whose geometry is its
// input (the previous layer's in a chain; for a ResNet projection shortcut,
// the block's input), with a Flatten before an fc layer that reads a
// feature map. Pooling layers become MaxPool: network.Layer does not record the
// pooling function. meta goes into metadata_props, with "arch" set to the
// network's name. The bytes depend only on the arguments.
func Marshal(arch network.Network, meta map[string]string) ([]byte, error) {
	if err := arch.Validate(); err != nil {
		return nil, err
	}
	b := &builder{g: &onnxpb.GraphProto{Name: proto.String(arch.Name)}}
	first := arch.Layers[0]
	in := []int{first.InC, first.InH, first.InW}
	if first.Kind == network.FC {
		in = []int{first.InC}
	}
	b.g.Input = append(b.g.Input, valueInfo("input", in, true))
	b.outs = append(b.outs, tensorRef{name: "input", dims: in})
	lastWeighted := -1
	for i, l := range arch.Layers {
		if l.Kind != network.Pool {
			lastWeighted = i
		}
	}
	for i, l := range arch.Layers {
		if err := b.layer(l, i != lastWeighted); err != nil {
			return nil, err
		}
	}
	out := b.outs[len(b.outs)-1]
	b.g.Output = append(b.g.Output, valueInfo(out.name, out.dims, true))
	all := map[string]string{}
	for k, v := range meta {
		all[k] = v
	}
	all["arch"] = arch.Name
	keys := slices.Sorted(maps.Keys(all))
	mp := &onnxpb.ModelProto{IrVersion: proto.Int64(IRVersion), ProducerName: proto.String("dcsim"),
		OpsetImport: []*onnxpb.OperatorSetIdProto{{Domain: proto.String(""), Version: proto.Int64(Opset)}},
		Graph:       b.g}
	for _, k := range keys {
		mp.MetadataProps = append(mp.MetadataProps, &onnxpb.StringStringEntryProto{Key: proto.String(k), Value: proto.String(all[k])})
	}
	return proto.MarshalOptions{Deterministic: true}.Marshal(mp)
}

// tensorRef is an activation the graph has computed: name and C×H×W (or a
// flat size).
type tensorRef struct {
	name   string
	dims   []int
	used   bool   // read by a later layer
	module string // module prefix of the layer that wrote it
}

type builder struct {
	g      *onnxpb.GraphProto
	outs   []tensorRef
	module string // module prefix of the layer being written
}

func size(d []int) int {
	n := 1
	for _, v := range d {
		n *= v
	}
	return n
}

// source finds the most recent activation with l's input geometry,
// flattening a feature map for an fc layer. The zoo lists inception
// branches layer by layer, without edges; their layers share a module
// prefix ("inception_3a/"), so when l starts a new module the outputs of
// the previous module no layer has read (its branches' ends) are first
// concatenated along channels, if they add up to l's input.
func (b *builder) source(l network.Layer) (string, error) {
	mod := module(l.Name)
	if mod != b.module {
		b.join(b.module, l)
		b.module = mod
	}
	for k := len(b.outs) - 1; k >= 0; k-- {
		t := &b.outs[k]
		switch {
		case l.Kind == network.FC && size(t.dims) == l.InC:
			t.used = true
			if len(t.dims) == 1 {
				return t.name, nil
			}
			name := "/" + l.Name + "/Flatten_output_0"
			b.node("Flatten", "/"+l.Name+"/Flatten", []string{t.name}, name, intAttr("axis", 1))
			return name, nil
		case l.Kind != network.FC && len(t.dims) == 3 && t.dims[0] == l.InC && t.dims[1] == l.InH && t.dims[2] == l.InW:
			t.used = true
			return t.name, nil
		}
	}
	return "", fmt.Errorf("layer %q: no earlier output has its input geometry %d×%d×%d", l.Name, l.InC, l.InH, l.InW)
}

// module is a layer name's prefix up to its last '/', or "".
func module(name string) string {
	if i := strings.LastIndexByte(name, '/'); i >= 0 {
		return name[:i]
	}
	return ""
}

// join concatenates the unread outputs of module mod when there are two or
// more and their channels, at l's input height and width, sum to l.InC.
func (b *builder) join(mod string, l network.Layer) {
	if mod == "" {
		return
	}
	var idx []int
	var in []string
	c := 0
	for k, t := range b.outs {
		if t.module == mod && !t.used && len(t.dims) == 3 && t.dims[1] == l.InH && t.dims[2] == l.InW {
			idx = append(idx, k)
			in = append(in, t.name)
			c += t.dims[0]
		}
	}
	if len(idx) < 2 || c != l.InC {
		return
	}
	for _, k := range idx {
		b.outs[k].used = true
	}
	name := "/" + mod + "/Concat_output_0"
	b.node("Concat", "/"+mod+"/Concat", in, name, intAttr("axis", 1))
	b.outs = append(b.outs, tensorRef{name: name, dims: []int{c, l.InH, l.InW}})
}

func (b *builder) layer(l network.Layer, relu bool) error {
	src, err := b.source(l)
	if err != nil {
		return err
	}
	var out string
	switch l.Kind {
	case network.Pool:
		out = "/" + l.Name + "/MaxPool_output_0"
		attrs := append(b.window(l), intAttr("ceil_mode", boolInt(l.Ceil)))
		b.node("MaxPool", "/"+l.Name+"/MaxPool", []string{src}, out, attrs...)
		b.outs = append(b.outs, tensorRef{name: out, dims: []int{l.InC, l.OutH(), l.OutW()}, module: b.module})
		return nil
	case network.Conv:
		out = "/" + l.Name + "/Conv_output_0"
		wdims := []int{l.OutC, l.InC / l.GroupsOr1(), l.R, l.S}
		ins := b.weights(l, wdims, src)
		attrs := append(b.window(l), intsAttr("dilations", 1, 1), intAttr("group", int64(l.GroupsOr1())))
		b.node("Conv", "/"+l.Name+"/Conv", ins, out, attrs...)
		b.outs = append(b.outs, tensorRef{name: out, dims: []int{l.OutC, l.OutH(), l.OutW()}, module: b.module})
	case network.FC:
		out = "/" + l.Name + "/Gemm_output_0"
		ins := b.weights(l, []int{l.OutC, l.InC}, src)
		b.node("Gemm", "/"+l.Name+"/Gemm", ins, out, intAttr("transB", 1))
		b.outs = append(b.outs, tensorRef{name: out, dims: []int{l.OutC}, module: b.module})
	}
	if relu {
		r := "/" + l.Name + "/Relu_output_0"
		b.node("Relu", "/"+l.Name+"/Relu", []string{out}, r)
		b.outs[len(b.outs)-1].name = r
	}
	return nil
}

// weights adds the layer's weight (and bias) as initializers from its
// Values, or as shaped graph inputs when it has none, and returns the
// node's inputs.
func (b *builder) weights(l network.Layer, wdims []int, src string) []string {
	wn, bn := l.Name+".weight", l.Name+".bias"
	p := l.Values
	if p == nil {
		b.g.Input = append(b.g.Input, valueInfo(wn, wdims, false))
		return []string{src, wn}
	}
	eff := make([]float32, len(p.W))
	for i := range eff {
		eff[i] = p.Effective(i)
	}
	b.g.Initializer = append(b.g.Initializer, floatTensor(wn, wdims, eff), floatTensor(bn, []int{l.OutC}, p.Bias))
	return []string{src, wn, bn}
}

func (b *builder) window(l network.Layer) []*onnxpb.AttributeProto {
	st, pd := int64(l.StrideOr1()), int64(l.Pad)
	return []*onnxpb.AttributeProto{intsAttr("kernel_shape", int64(l.R), int64(l.S)),
		intsAttr("strides", st, st), intsAttr("pads", pd, pd, pd, pd)}
}

func (b *builder) node(op, name string, in []string, out string, attrs ...*onnxpb.AttributeProto) {
	b.g.Node = append(b.g.Node, &onnxpb.NodeProto{OpType: proto.String(op), Name: proto.String(name),
		Input: in, Output: []string{out}, Attribute: attrs})
}

func boolInt(v bool) int64 {
	if v {
		return 1
	}
	return 0
}

func intAttr(name string, v int64) *onnxpb.AttributeProto {
	return &onnxpb.AttributeProto{Name: proto.String(name), Type: onnxpb.AttributeProto_INT.Enum(), I: proto.Int64(v)}
}

func intsAttr(name string, v ...int64) *onnxpb.AttributeProto {
	return &onnxpb.AttributeProto{Name: proto.String(name), Type: onnxpb.AttributeProto_INTS.Enum(), Ints: v}
}

// valueInfo declares a float tensor; batched puts a symbolic batch
// dimension "N" in front of dims.
func valueInfo(name string, dims []int, batched bool) *onnxpb.ValueInfoProto {
	var ds []*onnxpb.TensorShapeProto_Dimension
	if batched {
		ds = append(ds, &onnxpb.TensorShapeProto_Dimension{Value: &onnxpb.TensorShapeProto_Dimension_DimParam{DimParam: "N"}})
	}
	for _, d := range dims {
		ds = append(ds, &onnxpb.TensorShapeProto_Dimension{Value: &onnxpb.TensorShapeProto_Dimension_DimValue{DimValue: int64(d)}})
	}
	return &onnxpb.ValueInfoProto{Name: proto.String(name), Type: &onnxpb.TypeProto{Value: &onnxpb.TypeProto_TensorType{
		TensorType: &onnxpb.TypeProto_Tensor{ElemType: proto.Int32(int32(onnxpb.TensorProto_FLOAT)), Shape: &onnxpb.TensorShapeProto{Dim: ds}}}}}
}

// SaveModel writes m (weights, and meta in metadata_props) as ONNX to path
// atomically.
func SaveModel(path string, m *nn.Model, meta map[string]string) error {
	data, err := Marshal(m.Network(), meta)
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return atomicfile.Write(path, func(w io.Writer) error {
		_, err := w.Write(data)
		return err
	})
}
