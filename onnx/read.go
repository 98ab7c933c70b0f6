package onnx

import (
	"container/heap"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/dcsim/dcsim/network"
	"github.com/dcsim/dcsim/onnx/onnxpb"
	"google.golang.org/protobuf/proto"
)

// MinOpset is the oldest ai.onnx opset Read accepts: opset 9 fixed the
// attributes of the operators dcsim reads (BatchNormalization lost "spatial"
// and "is_test", Flatten took any axis, Reshape's shape had become an input).
const MinOpset = 9

// Source is where one layer of an imported network came from.
type Source struct {
	Node      string // the ONNX node
	Op        string // Conv, Gemm, MatMul, MaxPool, AveragePool, GlobalAveragePool
	BatchNorm bool   // a BatchNormalization was folded into the layer
}

// Network is an ONNX model as dcsim sees it.
type Network struct {
	File  string
	Name  string // the metadata's "arch", a zoo name whose layers match, or the file's stem
	Opset int64
	// Arch is the conv, fc and pooling layers in topological order. A
	// layer's Values hold the real weights of a conv or fc layer (with a
	// folded BatchNormalization, the folded weights and bias): Mask marks
	// the non-zero weights when some are zero; Codebook and Index are set
	// when the layer is weight-shared and no BatchNormalization was folded
	// in; Clusters counts the distinct non-zero values of a weight-shared
	// layer on the weights as the file stores them (before any
	// BatchNormalization is folded in: an accelerator applies that
	// per-channel scale after accumulating). See codebookOf for when a
	// layer counts as shared. Values is nil for pooling layers and for
	// weights a shape file only declares.
	Arch    network.Network
	Sources []Source // where each of Arch's layers came from, index for index
	Meta    map[string]string
	// trainable is why Model fails ("" when the graph is a chain nn trains).
	untrainable string
}

// Load reads the ONNX model at path (see Read).
func Load(path string) (*Network, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return Read(data, path)
}

// Read decodes an ONNX model; file names it in errors. Every problem is an
// *Error naming the file and, where it concerns one, the node.
func Read(data []byte, file string) (*Network, error) {
	var mp onnxpb.ModelProto
	if err := proto.Unmarshal(data, &mp); err != nil {
		return nil, &Error{File: file, Msg: fmt.Sprintf("not an ONNX model (truncated or another format): %v", err)}
	}
	g := mp.GetGraph()
	if mp.GetIrVersion() <= 0 || g == nil || len(g.GetNode()) == 0 {
		return nil, &Error{File: file, Msg: "not an ONNX model (no IR version or no graph nodes; truncated or another format)"}
	}
	w := &walker{file: file, values: map[string]*value{}, names: map[string]bool{},
		uses: map[string]int{}, net: &Network{File: file, Meta: map[string]string{}}}
	for _, p := range mp.GetMetadataProps() {
		w.net.Meta[p.GetKey()] = p.GetValue()
	}
	opset := int64(-1)
	for _, o := range mp.GetOpsetImport() {
		if d := o.GetDomain(); d == "" || d == "ai.onnx" {
			opset = o.GetVersion()
		}
	}
	w.opset, w.net.Opset = opset, opset
	nodes, err := w.sorted(g)
	if err != nil {
		return nil, err
	}
	if opset < MinOpset {
		n := nodes[0]
		return nil, w.errf(n, "opset %d: older than %d, the oldest dcsim reads (re-export with a newer opset)", opset, MinOpset)
	}
	if err := w.declare(g); err != nil {
		return nil, err
	}
	for _, n := range nodes {
		if err := w.node(n); err != nil {
			return nil, err
		}
	}
	return w.finish()
}

// value is what the walker knows of one tensor.
type value struct {
	shape []int     // static shape, batch dimension (first) fixed at 1
	c     *constant // the values, for initializers and Constant outputs
	// layer is the index of the layer whose output this is, unchanged (so a
	// following BatchNormalization or bias Add may fold into it), or -1.
	layer int
	// declared marks a graph input that is not an initializer: the data
	// input, or a weight a shape file declares by shape only.
	declared bool
	aliased  bool // a constant also known under another name (Identity)
}

// walker carries the state of one Read.
type walker struct {
	file   string
	opset  int64
	values map[string]*value
	uses   map[string]int // consumers of each tensor (graph outputs count)
	names  map[string]bool
	net    *Network
	// chain tracking for Network.Model: the tensor the previous activation
	// op wrote, and the op sequence.
	last string
	seq  []string
}

func (w *walker) errf(n *onnxpb.NodeProto, format string, args ...any) error {
	return &Error{File: w.file, Node: n.GetName(), Op: n.GetOpType(), Opset: w.opset, Msg: fmt.Sprintf(format, args...)}
}

// notTrainable records the first reason the graph is not an nn chain.
func (w *walker) notTrainable(format string, args ...any) {
	if w.net.untrainable == "" {
		w.net.untrainable = fmt.Sprintf(format, args...)
	}
}

// nodeHeap orders ready nodes by their position in the file, so a graph
// already in topological order (as the ONNX spec requires) keeps its order.
type nodeHeap []int

func (h nodeHeap) Len() int           { return len(h) }
func (h nodeHeap) Less(i, j int) bool { return h[i] < h[j] }
func (h nodeHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *nodeHeap) Push(x any)        { *h = append(*h, x.(int)) }
func (h *nodeHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}

// sorted returns the graph's nodes in topological order (Kahn's algorithm,
// ties broken by file order) and counts each tensor's consumers.
func (w *walker) sorted(g *onnxpb.GraphProto) ([]*onnxpb.NodeProto, error) {
	nodes := g.GetNode()
	producer := map[string]int{}
	for i, n := range nodes {
		for _, o := range n.GetOutput() {
			if o == "" {
				continue
			}
			if _, dup := producer[o]; dup {
				return nil, w.errf(n, "output %q: written by two nodes", o)
			}
			producer[o] = i
		}
	}
	indeg := make([]int, len(nodes))
	next := make([][]int, len(nodes))
	for i, n := range nodes {
		for _, in := range n.GetInput() {
			if in == "" {
				continue
			}
			w.uses[in]++
			if p, ok := producer[in]; ok {
				indeg[i]++
				next[p] = append(next[p], i)
			}
		}
	}
	for _, o := range g.GetOutput() {
		w.uses[o.GetName()]++
	}
	h := &nodeHeap{}
	for i := range nodes {
		if indeg[i] == 0 {
			heap.Push(h, i)
		}
	}
	order := make([]*onnxpb.NodeProto, 0, len(nodes))
	for h.Len() > 0 {
		i := heap.Pop(h).(int)
		order = append(order, nodes[i])
		for _, j := range next[i] {
			if indeg[j]--; indeg[j] == 0 {
				heap.Push(h, j)
			}
		}
	}
	if len(order) != len(nodes) {
		for i, d := range indeg {
			if d > 0 {
				return nil, w.errf(nodes[i], "shape inference: the graph has a cycle through this node")
			}
		}
	}
	return order, nil
}

// declare records the initializers and the graph inputs. An input that is
// not an initializer needs a static shape (the batch dimension may be
// symbolic); it is either the network's data input or, in a shape file, a
// weight declared by shape only.
func (w *walker) declare(g *onnxpb.GraphProto) error {
	weight := map[string]bool{} // inputs read as weights: their first dimension is no batch
	for _, n := range g.GetNode() {
		switch n.GetOpType() {
		case "Conv", "Gemm", "MatMul":
			for _, in := range n.GetInput()[min(1, len(n.GetInput())):] {
				weight[in] = true
			}
		}
	}
	for _, t := range g.GetInitializer() {
		c, err := decodeTensor(t)
		if err != nil {
			return &Error{File: w.file, Msg: "initializer: " + err.Error()}
		}
		w.values[t.GetName()] = &value{shape: c.dims, c: c, layer: -1}
	}
	for _, in := range g.GetInput() {
		if _, ok := w.values[in.GetName()]; ok {
			continue
		}
		tt := in.GetType().GetTensorType()
		if tt == nil || tt.GetShape() == nil {
			return &Error{File: w.file, Msg: fmt.Sprintf("input %q: shape inference: no tensor shape declared", in.GetName())}
		}
		dims := tt.GetShape().GetDim()
		shape := make([]int, len(dims))
		for k, d := range dims {
			v, isVal := d.GetValue().(*onnxpb.TensorShapeProto_Dimension_DimValue)
			switch {
			case k == 0 && len(dims) > 1 && !weight[in.GetName()]:
				shape[k] = 1 // the batch: dcsim simulates one image
			case !isVal:
				return &Error{File: w.file, Msg: fmt.Sprintf("input %q: shape inference: dimension %d is symbolic (%q); dcsim needs static sizes", in.GetName(), k, d.GetDimParam())}
			case v.DimValue <= 0 || v.DimValue > maxDim:
				return &Error{File: w.file, Msg: fmt.Sprintf("input %q: dimension %d = %d: must be in 1–%d", in.GetName(), k, v.DimValue, maxDim)}
			default:
				shape[k] = int(v.DimValue)
			}
		}
		if _, err := elems(toInt64(shape)); err != nil {
			return &Error{File: w.file, Msg: fmt.Sprintf("input %q: %v", in.GetName(), err)}
		}
		w.values[in.GetName()] = &value{shape: shape, layer: -1, declared: true}
	}
	return nil
}

func toInt64(s []int) []int64 {
	out := make([]int64, len(s))
	for k, v := range s {
		out[k] = int64(v)
	}
	return out
}

// input returns the value of input k of n, or an error naming it.
func (w *walker) input(n *onnxpb.NodeProto, k int) (*value, error) {
	if k >= len(n.GetInput()) || n.GetInput()[k] == "" {
		return nil, w.errf(n, "input %d: missing", k)
	}
	name := n.GetInput()[k]
	v, ok := w.values[name]
	if !ok {
		return nil, w.errf(n, "input %q: missing (neither an initializer, a graph input nor a node output)", name)
	}
	return v, nil
}

// optInput is input k when present, else nil.
func (w *walker) optInput(n *onnxpb.NodeProto, k int) (*value, error) {
	if k >= len(n.GetInput()) || n.GetInput()[k] == "" {
		return nil, nil
	}
	return w.input(n, k)
}

// activation returns input k of n, which must be a computed tensor (not a
// constant) of the given rank (0 = any), and tracks the chain.
func (w *walker) activation(n *onnxpb.NodeProto, k, rank int) (*value, error) {
	v, err := w.input(n, k)
	if err != nil {
		return nil, err
	}
	if v.c != nil {
		return nil, w.errf(n, "input %q: a constant where an activation is expected", n.GetInput()[k])
	}
	if rank > 0 && len(v.shape) != rank {
		return nil, w.errf(n, "shape inference: input %q has shape %v, want rank %d", n.GetInput()[k], v.shape, rank)
	}
	if k == 0 {
		if w.last != "" && n.GetInput()[0] != w.last {
			w.notTrainable("node %q does not read the previous node's output (a branching graph)", n.GetName())
		}
	}
	return v, nil
}

// output records output 0 of n.
func (w *walker) output(n *onnxpb.NodeProto, v *value) error {
	if len(n.GetOutput()) == 0 || n.GetOutput()[0] == "" {
		return w.errf(n, "no output")
	}
	if _, err := elems(toInt64(v.shape)); err != nil {
		return w.errf(n, "shape inference: output %v", err)
	}
	w.values[n.GetOutput()[0]] = v
	if v.c == nil {
		w.last = n.GetOutput()[0]
		w.seq = append(w.seq, n.GetOpType())
	}
	return nil
}

// layerName names a layer after its weight initializer as PyTorch names it
// ("conv1.weight" → "conv1"), else after its node, else after its op; made
// unique within the network.
func (w *walker) layerName(n *onnxpb.NodeProto, weight string) string {
	name := strings.TrimSuffix(weight, ".weight")
	if name == weight || name == "" {
		// PyTorch names nodes by module scope and op: "/pool1/MaxPool".
		seg := strings.Split(strings.Trim(n.GetName(), "/"), "/")
		if strings.HasPrefix(seg[len(seg)-1], n.GetOpType()) {
			seg = seg[:len(seg)-1]
		}
		name = strings.Join(seg, "/")
	}
	if name == "" {
		name = strings.ToLower(n.GetOpType())
	}
	base := name
	for k := 2; w.names[name]; k++ {
		name = fmt.Sprintf("%s_%d", base, k)
	}
	w.names[name] = true
	return name
}

// addLayer appends a layer after checking its geometry, and returns its index.
func (w *walker) addLayer(n *onnxpb.NodeProto, l network.Layer) (int, error) {
	if err := l.Validate(); err != nil {
		return 0, w.errf(n, "shape inference: %v", err)
	}
	if l.InC > maxDim || l.InH > maxDim || l.InW > maxDim || l.OutC > maxDim {
		return 0, w.errf(n, "layer %q: a dimension exceeds %d", l.Name, maxDim)
	}
	w.net.Arch.Layers = append(w.net.Arch.Layers, l)
	w.net.Sources = append(w.net.Sources, Source{Node: n.GetName(), Op: n.GetOpType()})
	return len(w.net.Arch.Layers) - 1, nil
}

// finish names the network, derives masks and codebooks, and checks that
// it has layers.
func (w *walker) finish() (*Network, error) {
	net := w.net
	if len(net.Arch.Layers) == 0 {
		return nil, &Error{File: w.file, Msg: "no conv, fc or pooling layer to simulate"}
	}
	for i, l := range net.Arch.Layers {
		if l.Values != nil && !net.Sources[i].BatchNorm { // folded layers were compressed before folding
			compress(l.Values)
		}
	}
	w.checkChain()
	net.Name = w.networkName()
	net.Arch.Name = net.Name
	return net, nil
}

// networkName is the metadata's "arch" (a file dcsim wrote), else the zoo
// network whose layers are exactly these, else the file's stem.
func (w *walker) networkName() string {
	if a := w.net.Meta["arch"]; a != "" {
		return a
	}
	for _, z := range network.ZooNames() {
		arch, _ := network.Zoo(z)
		if sameLayers(arch.Layers, w.net.Arch.Layers) {
			return z
		}
	}
	return strings.TrimSuffix(filepath.Base(w.file), filepath.Ext(w.file))
}

func sameLayers(a, b []network.Layer) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		x, y := a[i], b[i]
		if x.Name != y.Name || x.Kind != y.Kind || x.InC != y.InC || x.InH != y.InH || x.InW != y.InW ||
			x.OutC != y.OutC || x.R != y.R || x.S != y.S || x.StrideOr1() != y.StrideOr1() ||
			x.Pad != y.Pad || x.GroupsOr1() != y.GroupsOr1() || x.Ceil != y.Ceil {
			return false
		}
	}
	return true
}
