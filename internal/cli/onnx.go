package cli

import (
	"path/filepath"
	"strings"

	"github.com/dcsim/dcsim/internal/workload"

	"github.com/dcsim/dcsim/nn"
	"github.com/dcsim/dcsim/onnx"
	"github.com/dcsim/dcsim/sim"
)

// isONNX reports whether path names an ONNX file.
func isONNX(path string) bool { return strings.ToLower(filepath.Ext(path)) == ".onnx" }

// onnxNetwork reads an ONNX file as a workload whose compression is the
// file's own (masks from the weights' zeros, index bits from a shared
// layer's distinct values), and as a trainable model when nn can train it
// (nil otherwise, e.g. a residual graph).
func onnxNetwork(path string) (*nn.Model, *sim.Workload, error) {
	net, err := onnx.Load(path)
	if err != nil {
		return nil, nil, err
	}
	w := workload.Of(net.Arch)
	m, err := net.Model()
	if err != nil {
		m = nil // simulated layer by layer; not trainable
	}
	return m, w, nil
}

// onnxModel reads an ONNX file as a trainable model (--in); its metadata
// (written by dcsim, or empty) is the model's meta.
func onnxModel(path string) (*nn.Model, map[string]string, error) {
	net, err := onnx.Load(path)
	if err != nil {
		return nil, nil, err
	}
	m, err := net.Model()
	if err != nil {
		return nil, nil, err
	}
	meta := net.Meta
	meta["arch"] = net.Name
	return m, meta, nil
}
