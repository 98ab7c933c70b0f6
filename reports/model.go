package reports

import (
	"fmt"
	"strconv"
)

// ModelSummary is the result of train, prune, cluster and eval: test
// accuracy and the size of a model file (JSON schema of INTERFACES.md).
// CompressionRatio = 32-bit dense storage of all weights and biases ÷
// StorageBits of the model as stored (values or indices, sparse-index
// overhead, codebooks, biases).
type ModelSummary struct {
	Model            string         `json:"model"`
	TestAccuracy     float64        `json:"test_accuracy"`
	TestLoss         float64        `json:"test_loss,omitempty"`
	Params           int64          `json:"params"`
	NonzeroParams    int64          `json:"nonzero_params"`
	StorageBits      int64          `json:"storage_bits"`
	CompressionRatio float64        `json:"compression_ratio"`
	HuffmanBits      int64          `json:"huffman_storage_bits,omitempty"`
	HuffmanRatio     float64        `json:"huffman_compression_ratio,omitempty"`
	MACs             int64          `json:"macs"`
	NonzeroMACs      int64          `json:"nonzero_macs"`
	Layers           []ModelLayer   `json:"layers"`
	Extra            map[string]any `json:"extra,omitempty"` // command-specific details (training stats, pruning rounds)
}

// ModelLayer is one prunable layer of a ModelSummary.
type ModelLayer struct {
	Name        string  `json:"name"`
	Kind        string  `json:"kind"`
	Weights     int64   `json:"weights"`
	Nonzero     int64   `json:"nonzero"`
	Density     float64 `json:"density"`
	Clusters    int     `json:"clusters"`
	IndexBits   int     `json:"index_bits"`
	MACs        int64   `json:"macs"`
	NonzeroMACs int64   `json:"nonzero_macs"`
	StorageBits int64   `json:"storage_bits"`
}

// ModelTable renders a ModelSummary per layer with a totals footer.
func ModelTable(s ModelSummary) Table {
	t := Table{
		Left:   2,
		Title:  fmt.Sprintf("%s: test accuracy %.2f%%", s.Model, 100*s.TestAccuracy),
		Header: []string{"layer", "kind", "weights", "nonzero", "density", "clusters", "index bits", "MACs", "MACs kept", "storage KiB"},
	}
	for _, l := range s.Layers {
		clusters, bits := "-", "-"
		if l.Clusters > 0 {
			clusters, bits = strconv.Itoa(l.Clusters), strconv.Itoa(l.IndexBits)
		}
		t.Rows = append(t.Rows, []string{l.Name, l.Kind, intStr(l.Weights), intStr(l.Nonzero),
			fixed(l.Density, 4), clusters, bits, intStr(l.MACs), intStr(l.NonzeroMACs),
			fixed(float64(l.StorageBits)/8192, 2)})
	}
	t.Footer = []string{"total", "", intStr(s.Params), intStr(s.NonzeroParams),
		fixed(ratioOf(s.NonzeroParams, s.Params), 4), "", "", intStr(s.MACs), intStr(s.NonzeroMACs),
		fixed(float64(s.StorageBits)/8192, 2)}
	t.Notes = append(t.Notes, fmt.Sprintf("compression ratio %.1fx (%d bits)", s.CompressionRatio, s.StorageBits))
	if s.HuffmanBits > 0 {
		t.Notes = append(t.Notes, fmt.Sprintf("with Huffman coding %.1fx (%d bits)", s.HuffmanRatio, s.HuffmanBits))
	}
	return t
}

func ratioOf(a, b int64) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}
