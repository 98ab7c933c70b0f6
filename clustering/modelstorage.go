package clustering

import (
	"fmt"

	"github.com/dcsim/dcsim/network"
	"github.com/dcsim/dcsim/nn"
)

// StorageSettings configures Storage; the zero value means Deep
// Compression's relative-index widths and no Huffman coding.
type StorageSettings struct {
	RelBitsConv int  // 0 = DefaultRelBitsConv (8)
	RelBitsFC   int  // 0 = DefaultRelBitsFC (5)
	Huffman     bool // also report the Huffman-coded size
	// AutoRelBits picks, per sparse layer, the relative-index width in
	// 1–MaxAutoRelBits, the entry order (row- or column-major) and whether
	// empty rows and columns are skipped (Layer.SkipEmpty) so as to
	// minimise the layer's bits (separately for the plain and the
	// Huffman-coded total), adding AutoRelHeaderBits per layer to store
	// the choices. RelBitsConv and RelBitsFC are then ignored.
	AutoRelBits bool
}

// Limits of StorageSettings.AutoRelBits.
const (
	MaxAutoRelBits    = 12
	AutoRelHeaderBits = 6 // 4 bits of width, 1 bit of order, 1 bit of skipping
)

// LayerStorageReport is one layer's storage in a model.
type LayerStorageReport struct {
	Layer   string
	Kind    network.Kind
	Weights int
	Biases  int
	LayerBits
}

// ModelStorage is the storage of a whole model, in bits.
type ModelStorage struct {
	Layers    []LayerStorageReport
	DenseBits int64 // 32·(all weights + all biases)
	Bits      int64 // compressed storage without Huffman coding
	// CompressionRatio = DenseBits / Bits (INTERFACES.md compression_ratio).
	CompressionRatio float64
	HuffmanBits      int64   // with Huffman coding; 0 unless requested
	HuffmanRatio     float64 // DenseBits / HuffmanBits
}

// Storage counts the bits of every conv and fc layer of m with LayerStorage:
// pruned layers in the sparse format with relative indices (RelBitsConv or
// RelBitsFC), clustered layers as codebook indices plus the codebook, and
// 32-bit biases. The ratio's numerator counts all weights and biases at 32
// bits.
func Storage(m *nn.Model, s StorageSettings) (ModelStorage, error) {
	if s.RelBitsConv == 0 {
		s.RelBitsConv = DefaultRelBitsConv
	}
	if s.RelBitsFC == 0 {
		s.RelBitsFC = DefaultRelBitsFC
	}
	var ms ModelStorage
	for _, p := range m.Params() {
		rel := s.RelBitsFC
		if p.Kind == network.Conv {
			rel = s.RelBitsConv
		}
		l := Layer{Weights: len(p.W), Mask: p.Mask, RelBits: rel, Rows: p.Shape[0], Biases: len(p.Bias), Huffman: s.Huffman}
		if p.Codebook != nil {
			l.Codebook, l.Index = p.Codebook, p.Index
			l.HalfValues = isHalf(p.Codebook) && isHalf(p.Bias)
		}
		b, err := layerBits(l, s.AutoRelBits)
		if err != nil {
			return ModelStorage{}, fmt.Errorf("layer %s: %w", p.Layer, err)
		}
		ms.Layers = append(ms.Layers, LayerStorageReport{Layer: p.Layer, Kind: p.Kind, Weights: len(p.W), Biases: len(p.Bias), LayerBits: b})
		ms.DenseBits += int64(len(p.W)+len(p.Bias)) * ValueBits
		ms.Bits += b.Total
		ms.HuffmanBits += b.HuffTotal
	}
	if ms.Bits > 0 {
		ms.CompressionRatio = float64(ms.DenseBits) / float64(ms.Bits)
	}
	if ms.HuffmanBits > 0 {
		ms.HuffmanRatio = float64(ms.DenseBits) / float64(ms.HuffmanBits)
	}
	return ms, nil
}

// layerBits is LayerStorage, or with auto the best relative-index width and
// entry order: Total from the choice with the fewest plain bits, HuffTotal
// (and the Huffman fields) from the choice with the fewest Huffman-coded
// bits, each plus AutoRelHeaderBits.
func layerBits(l Layer, auto bool) (LayerBits, error) {
	if !auto || l.Mask == nil {
		return LayerStorage(l)
	}
	var best, bestHuff LayerBits
	first := true
	orders := []bool{false}
	if l.Rows > 1 && l.Weights%l.Rows == 0 {
		orders = append(orders, true)
	}
	skips := orders // skipping needs the rows, as the column order does
	for _, col := range orders {
		for _, skip := range skips {
			for rel := 1; rel <= MaxAutoRelBits; rel++ {
				l.RelBits, l.ColumnMajor, l.SkipEmpty = rel, col, skip
				b, err := LayerStorage(l)
				if err != nil {
					return LayerBits{}, err
				}
				if !b.Sparse {
					return b, nil
				}
				if first || b.Total < best.Total {
					best = b
				}
				if first || b.HuffTotal < bestHuff.HuffTotal {
					bestHuff = b
				}
				first = false
			}
		}
	}
	best.Total += AutoRelHeaderBits
	if l.Huffman {
		best.HuffValueBits, best.HuffRelIndexBits = bestHuff.HuffValueBits, bestHuff.HuffRelIndexBits
		best.HuffRelBits, best.HuffColumnMajor, best.HuffSkipEmpty = bestHuff.RelBits, bestHuff.ColumnMajor, bestHuff.SkipEmpty
		best.HuffLiveMapBits = bestHuff.LiveMapBits
		best.HuffTotal = bestHuff.HuffTotal + AutoRelHeaderBits
	}
	return best, nil
}
