package sim

import (
	"fmt"

	"github.com/dcsim/dcsim/accel"
	"github.com/dcsim/dcsim/network"
)

// testSpec is a fully specified accelerator built in Go (no loader, no
// defaults filler): the INTERFACES.md systolic-32x32 memory system on a
// rows×cols array, 8-bit operands, 32-bit accumulators, 64-bit SRAM words
// and an explicit energy table (values are arbitrary but distinct so a
// mis-wired term shows up).
func testSpec(df accel.Dataflow, rows, cols int) *accel.Spec {
	return &accel.Spec{
		Version:   1,
		Name:      fmt.Sprintf("test-%dx%d-%s", rows, cols, df),
		ClockMHz:  1000,
		Array:     accel.Array{Rows: rows, Cols: cols, Dataflow: df, QueueDepth: 8},
		Precision: accel.Precision{WeightBits: 8, ActivationBits: 8, AccumulatorBits: 32},
		Memory: accel.Memory{IfmapSRAMKiB: 512, FilterSRAMKiB: 512, OfmapSRAMKiB: 256,
			WordBytes: 8, Banks: 1, DRAMGBPerS: 25.6},
		Sparsity: accel.Sparsity{Weights: accel.ZeroNone, Activations: accel.ZeroNone,
			Format: accel.FormatDense, RelIndexBits: 4},
		Codebook: accel.Codebook{Entries: 16, IndexBits: 4, LookupsPerCycle: 1, DecodedBits: 8},
		Energy: accel.EnergyTable{MACPJ: 0.23, MACGatedPJ: 0.023, RegPJ: 0.09, LUTReadPJ: 0.5,
			IndexReadPJ: 0.07, IfmapReadPJ: 40, IfmapWritePJ: 41, FilterReadPJ: 42, FilterWritePJ: 43,
			OfmapReadPJ: 30, OfmapWritePJ: 31, DRAMPJPerByte: 244, StaticMW: 50},
	}
}

// chain builds layers whose input geometry follows from the previous
// layer's output (a copy of nn's zoo builder: sim cannot import nn).
type chain struct {
	c, h, w int
	layers  []Layer
}

func (b *chain) add(l Layer) *chain {
	b.layers = append(b.layers, l)
	if l.Kind != Pool {
		b.c = l.OutC
	}
	b.h, b.w = l.OutH(), l.OutW()
	return b
}

func (b *chain) conv(name string, outC, k, stride, pad, groups int) *chain {
	return b.add(Layer{Layer: network.Layer{Name: name, Kind: Conv, InC: b.c, InH: b.h, InW: b.w, OutC: outC,
		R: k, S: k, Stride: stride, Pad: pad, Groups: groups}})
}

func (b *chain) pool(name string, k, stride int) *chain {
	return b.add(Layer{Layer: network.Layer{Name: name, Kind: Pool, InC: b.c, InH: b.h, InW: b.w, OutC: b.c,
		R: k, S: k, Stride: stride}})
}

func (b *chain) fc(name string, out int) *chain {
	return b.add(Layer{Layer: network.Layer{Name: name, Kind: FC, InC: b.c * b.h * b.w, InH: 1, InW: 1, OutC: out, R: 1, S: 1}})
}

// alexNet is Caffe's AlexNet: 3@227×227; conv1 96 11×11 s4; conv2 256 5×5
// p2 g2; conv3 384 3×3 p1; conv4 384 3×3 p1 g2; conv5 256 3×3 p1 g2;
// fc6 9216→4096, fc7 4096→4096, fc8 4096→1000; pools 3×3 s2.
func alexNet() *Workload {
	b := &chain{c: 3, h: 227, w: 227}
	b.conv("conv1", 96, 11, 4, 0, 1).pool("pool1", 3, 2).
		conv("conv2", 256, 5, 1, 2, 2).pool("pool2", 3, 2).
		conv("conv3", 384, 3, 1, 1, 1).
		conv("conv4", 384, 3, 1, 1, 2).
		conv("conv5", 256, 3, 1, 1, 2).pool("pool5", 3, 2).
		fc("fc6", 4096).fc("fc7", 4096).fc("fc8", 1000)
	return &Workload{Name: "alexnet", Layers: b.layers}
}

// vgg16 is VGG-16 (configuration D) at 224×224.
func vgg16() *Workload {
	b := &chain{c: 3, h: 224, w: 224}
	blocks := []struct{ n, c int }{{2, 64}, {2, 128}, {3, 256}, {3, 512}, {3, 512}}
	for i, blk := range blocks {
		for j := 1; j <= blk.n; j++ {
			b.conv(fmt.Sprintf("conv%d_%d", i+1, j), blk.c, 3, 1, 1, 1)
		}
		b.pool(fmt.Sprintf("pool%d", i+1), 2, 2)
	}
	b.fc("fc6", 4096).fc("fc7", 4096).fc("fc8", 1000)
	return &Workload{Name: "vgg-16", Layers: b.layers}
}
