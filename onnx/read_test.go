package onnx

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dcsim/dcsim/network"
	"github.com/dcsim/dcsim/onnx/onnxpb"
	"google.golang.org/protobuf/proto"
)

// tiny builds a model: input (N,1,8,8) → Conv "c" (2 filters 3×3) → nodes.
// Each edit may change the model before it is marshalled.
func tiny(t *testing.T, nodes []*onnxpb.NodeProto, edit ...func(*onnxpb.ModelProto)) []byte {
	t.Helper()
	w := make([]float32, 2*1*3*3)
	for i := range w {
		w[i] = float32(i%5) - 2 // zeros at i%5 == 2
	}
	g := &onnxpb.GraphProto{Name: proto.String("tiny"),
		Input:       []*onnxpb.ValueInfoProto{valueInfo("x", []int{1, 8, 8}, true)},
		Initializer: []*onnxpb.TensorProto{floatTensor("c.weight", []int{2, 1, 3, 3}, w)},
		Node: append([]*onnxpb.NodeProto{{Name: proto.String("/c/Conv"), OpType: proto.String("Conv"),
			Input: []string{"x", "c.weight"}, Output: []string{"c_out"},
			Attribute: []*onnxpb.AttributeProto{intsAttr("kernel_shape", 3, 3)}}}, nodes...)}
	g.Output = []*onnxpb.ValueInfoProto{{Name: proto.String(g.Node[len(g.Node)-1].Output[0])}}
	mp := &onnxpb.ModelProto{IrVersion: proto.Int64(7), Graph: g,
		OpsetImport: []*onnxpb.OperatorSetIdProto{{Domain: proto.String(""), Version: proto.Int64(13)}}}
	for _, e := range edit {
		e(mp)
	}
	data, err := proto.Marshal(mp)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func node(op, name string, in []string, out string, attrs ...*onnxpb.AttributeProto) *onnxpb.NodeProto {
	return &onnxpb.NodeProto{OpType: proto.String(op), Name: proto.String(name), Input: in, Output: []string{out}, Attribute: attrs}
}

// TestReadErrors: every kind of bad input is one *Error naming the file and,
// where it concerns a node, the node, its op type and the opset.
func TestReadErrors(t *testing.T) {
	lenet, err := os.ReadFile(filepath.Join("testdata", "lenet-5.onnx"))
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name string
		data []byte
		want []string
	}{
		{"truncated", lenet[:len(lenet)/3], []string{"bad.onnx: ", "not an ONNX model"}},
		{"text", []byte("version: 1\nname: not onnx\n"), []string{"bad.onnx: not an ONNX model"}},
		{"empty", nil, []string{"bad.onnx: not an ONNX model"}},
		{"unsupported", tiny(t, []*onnxpb.NodeProto{node("Softmax", "/sm", []string{"c_out"}, "y")}),
			[]string{`bad.onnx: node "/sm" (Softmax, opset 13): operator not supported`}},
		{"custom domain", tiny(t, []*onnxpb.NodeProto{{Name: proto.String("q"), OpType: proto.String("QLinearConv"),
			Domain: proto.String("com.microsoft"), Input: []string{"c_out"}, Output: []string{"y"}}}),
			[]string{`node "q" (QLinearConv, opset 13): domain "com.microsoft"`}},
		{"missing initializer", tiny(t, nil, func(m *onnxpb.ModelProto) { m.Graph.Initializer = nil }),
			[]string{`node "/c/Conv" (Conv, opset 13): input "c.weight": missing`}},
		{"old opset", tiny(t, nil, func(m *onnxpb.ModelProto) { m.OpsetImport[0].Version = proto.Int64(7) }),
			[]string{`node "/c/Conv" (Conv, opset 7): opset 7: older than 9`}},
		{"shape inference", tiny(t, []*onnxpb.NodeProto{node("Flatten", "/f", []string{"c_out"}, "f"),
			node("Gemm", "/g", []string{"f", "g.weight"}, "y")}, func(m *onnxpb.ModelProto) {
			m.Graph.Initializer = append(m.Graph.Initializer, floatTensor("g.weight", []int{5, 4}, make([]float32, 20)))
		}),
			[]string{`node "/g" (Gemm, opset 13): shape inference`}},
		{"symbolic size", tiny(t, nil, func(m *onnxpb.ModelProto) {
			m.Graph.Input[0].Type.GetTensorType().Shape.Dim[2].Value = &onnxpb.TensorShapeProto_Dimension_DimParam{DimParam: "H"}
		}), []string{`input "x": shape inference: dimension 2 is symbolic`}},
		{"dilation", tiny(t, nil, func(m *onnxpb.ModelProto) {
			m.Graph.Node[0].Attribute = append(m.Graph.Node[0].Attribute, intsAttr("dilations", 2, 2))
		}), []string{`(Conv, opset 13): dilations [2 2]: dilated windows are not supported`}},
		{"asymmetric pads", tiny(t, nil, func(m *onnxpb.ModelProto) {
			m.Graph.Node[0].Attribute = append(m.Graph.Node[0].Attribute, intsAttr("pads", 0, 0, 1, 1))
		}), []string{`pads [0 0 1 1]: dcsim layers pad every side equally`}},
		{"batchnorm after relu", tiny(t, []*onnxpb.NodeProto{node("Relu", "/r", []string{"c_out"}, "r"),
			node("BatchNormalization", "/bn", []string{"r", "c.weight", "c.weight", "c.weight", "c.weight"}, "y")}),
			[]string{`(BatchNormalization, opset 13): not directly after a Conv or Gemm`}},
		{"cycle", tiny(t, []*onnxpb.NodeProto{node("Relu", "/a", []string{"b"}, "a"), node("Relu", "/b", []string{"a"}, "b")}),
			[]string{`has a cycle`}},
		{"short raw data", tiny(t, nil, func(m *onnxpb.ModelProto) { m.Graph.Initializer[0].RawData = m.Graph.Initializer[0].RawData[:7] }),
			[]string{`bad.onnx: initializer: tensor "c.weight": raw_data of 7 bytes`}},
		{"external data", tiny(t, nil, func(m *onnxpb.ModelProto) {
			m.Graph.Initializer[0].DataLocation = onnxpb.TensorProto_EXTERNAL.Enum()
		}), []string{`external file`}},
	}
	for _, c := range cases {
		_, err := Read(c.data, "bad.onnx")
		var oe *Error
		if err == nil || !errors.As(err, &oe) {
			t.Errorf("%s: error %v, want an *onnx.Error", c.name, err)
			continue
		}
		msg := err.Error()
		if strings.Contains(msg, "\n") {
			t.Errorf("%s: multi-line error %q", c.name, msg)
		}
		for _, w := range c.want {
			if !strings.Contains(msg, w) {
				t.Errorf("%s: error %q does not contain %q", c.name, msg, w)
			}
		}
	}
}

// TestReadOps covers the operators the fixtures do not: MatMul with a bias
// Add, AveragePool with SAME_UPPER padding, Reshape, Identity, Dropout and a
// zero Pad; and a Conv whose input was not flattened for Gemm.
func TestReadOps(t *testing.T) {
	mm := make([]float32, 2*3*3*4) // MatMul weights (18, 4)
	for i := range mm {
		mm[i] = float32(i)
	}
	data := tiny(t, []*onnxpb.NodeProto{
		node("Identity", "/id", []string{"c_out"}, "i"),
		node("AveragePool", "/avg", []string{"i"}, "p", intsAttr("kernel_shape", 2, 2), intsAttr("strides", 2, 2),
			&onnxpb.AttributeProto{Name: proto.String("auto_pad"), Type: onnxpb.AttributeProto_STRING.Enum(), S: []byte("SAME_UPPER")}),
		node("Pad", "/pad", []string{"p", "zeros"}, "pp"),
		node("Reshape", "/rs", []string{"pp", "shape"}, "r"),
		node("Dropout", "/drop", []string{"r"}, "d"),
		node("MatMul", "/fc/MatMul", []string{"d", "fc.weight"}, "m"),
		node("Add", "/fc/Add", []string{"fc.bias", "m"}, "y"),
	}, func(m *onnxpb.ModelProto) {
		m.Graph.Initializer = append(m.Graph.Initializer, floatTensor("fc.weight", []int{18, 4}, mm),
			floatTensor("fc.bias", []int{4}, []float32{1, 2, 3, 4}),
			&onnxpb.TensorProto{Name: proto.String("shape"), Dims: []int64{2}, DataType: proto.Int32(7), Int64Data: []int64{0, -1}},
			&onnxpb.TensorProto{Name: proto.String("zeros"), Dims: []int64{8}, DataType: proto.Int32(7), Int64Data: make([]int64, 8)})
	})
	net, err := Read(data, "ops.onnx")
	if err != nil {
		t.Fatal(err)
	}
	want := []network.Layer{
		{Name: "c", Kind: network.Conv, InC: 1, InH: 8, InW: 8, OutC: 2, R: 3, S: 3, Stride: 1, Groups: 1},
		{Name: "avg", Kind: network.Pool, InC: 2, InH: 6, InW: 6, OutC: 2, R: 2, S: 2, Stride: 2, Groups: 1},
		{Name: "fc", Kind: network.FC, InC: 18, InH: 1, InW: 1, OutC: 4, R: 1, S: 1, Stride: 1, Groups: 1},
	}
	if !sameLayers(net.Arch.Layers, want) {
		t.Fatalf("layers\n%+v\nwant\n%+v", net.Arch.Layers, want)
	}
	fc := net.Arch.Layers[2].Values
	// MatMul's (in, out) weights are transposed to nn's (out, in): W[o][i] = mm[i*4+o].
	if fc.W[1*18+5] != mm[5*4+1] || fc.Bias[3] != 4 {
		t.Errorf("fc weight[1][5] = %v (want %v), bias %v", fc.W[1*18+5], mm[5*4+1], fc.Bias)
	}
	if c := net.Arch.Layers[0].Values; c.Mask == nil || c.Nonzero() != 14 {
		t.Errorf("conv mask %v nonzero %d, want a mask of 14", c.Mask != nil, c.Nonzero())
	}
	if _, err := net.Model(); err == nil || !strings.Contains(err.Error(), "AveragePool") {
		t.Errorf("Model: %v, want an AveragePool refusal", err)
	}
}

// TestRejectNonzeroPad: a Pad that pads is refused with its node named.
func TestRejectNonzeroPad(t *testing.T) {
	data := tiny(t, []*onnxpb.NodeProto{node("Pad", "/pad", []string{"c_out", "p"}, "y")}, func(m *onnxpb.ModelProto) {
		m.Graph.Initializer = append(m.Graph.Initializer,
			&onnxpb.TensorProto{Name: proto.String("p"), Dims: []int64{8}, DataType: proto.Int32(7), Int64Data: []int64{0, 0, 1, 1, 0, 0, 1, 1}})
	})
	if _, err := Read(data, "pad.onnx"); err == nil || !strings.Contains(err.Error(), `node "/pad" (Pad, opset 13): pads`) {
		t.Errorf("error %v", err)
	}
}

// FuzzRead: no input makes Read panic or accept a network whose layers do
// not validate.
func FuzzRead(f *testing.F) {
	for _, name := range []string{"resnet-small.onnx", "mobilenet-block.onnx", "inception-block.onnx"} {
		data, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
		f.Add(data[:len(data)/2])
	}
	arch, _ := network.Zoo("lenet-5")
	shapes, _ := Marshal(arch, nil)
	f.Add(shapes)
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, data []byte) {
		net, err := Read(data, "fuzz.onnx")
		if err != nil {
			var oe *Error
			if !errors.As(err, &oe) {
				t.Fatalf("error of type %T: %v", err, err)
			}
			return
		}
		if err := net.Arch.Validate(); err != nil {
			t.Fatalf("accepted an invalid network: %v", err)
		}
		for _, l := range net.Arch.Layers {
			if p := l.Values; p != nil && int64(len(p.W)) != l.Weights() {
				t.Fatalf("layer %s: %d weights for shape %+v", l.Name, len(p.W), l)
			}
		}
		_, _ = net.Model()
	})
}

// TestBatchNormFold: BatchNormalization folds into the conv before it as
// W·γ/√(σ²+ε) and (b−μ)·γ/√(σ²+ε)+β per channel; its parameters may come
// through an Identity (as PyTorch writes shared initializers); the mask is
// the weights' zeros before folding.
func TestBatchNormFold(t *testing.T) {
	data := tiny(t, []*onnxpb.NodeProto{
		node("Identity", "Identity_0", []string{"gamma"}, "gamma_alias"),
		node("BatchNormalization", "/bn", []string{"c_out", "gamma_alias", "beta", "mean", "var"}, "y",
			&onnxpb.AttributeProto{Name: proto.String("epsilon"), Type: onnxpb.AttributeProto_FLOAT.Enum(), F: proto.Float32(0.5)}),
	}, func(m *onnxpb.ModelProto) {
		m.Graph.Initializer = append(m.Graph.Initializer,
			floatTensor("gamma", []int{2}, []float32{4, 3}), floatTensor("beta", []int{2}, []float32{1, -1}),
			floatTensor("mean", []int{2}, []float32{0.5, 0}), floatTensor("var", []int{2}, []float32{3.5, 8.5}))
	})
	net, err := Read(data, "bn.onnx")
	if err != nil {
		t.Fatal(err)
	}
	l := net.Arch.Layers[0]
	if bn := net.Sources[0].BatchNorm; !bn || l.Values.Nonzero() != 14 || l.Values.Mask == nil {
		t.Fatalf("batchnorm %v nonzero %d", bn, l.Values.Nonzero())
	}
	// Four distinct values (±1, ±2) before folding: shared, but the folded
	// weights (per-channel scaled) keep no codebook.
	if l.Values.Clusters != 4 || l.Values.Codebook != nil {
		t.Errorf("clusters %d, codebook %v", l.Values.Clusters, l.Values.Codebook)
	}
	// Scales γ/√(σ²+ε): channel 0 4/√4 = 2, bias (0−0.5)·2+1 = 0;
	// channel 1 3/√9 = 1, bias (0−0)·1−1 = −1.
	for i := 0; i < 18; i++ {
		want := float32(i%5) - 2
		if i < 9 {
			want *= 2
		}
		if l.Values.W[i] != want {
			t.Fatalf("W[%d] = %v, want %v", i, l.Values.W[i], want)
		}
	}
	if l.Values.Bias[0] != 0 || l.Values.Bias[1] != -1 {
		t.Errorf("bias %v, want [0 -1]", l.Values.Bias)
	}
}
