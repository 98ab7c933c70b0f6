package sim

import (
	"fmt"
	"testing"

	"github.com/dcsim/dcsim/internal/proctime"
	"github.com/dcsim/dcsim/network"
)

// vgg16Layers is VGG-16 configuration D (the dcsim zoo's "vgg-16"; sim
// cannot import nn), conv and fc layers only.
func vgg16Layers() []Layer {
	var ls []Layer
	c, h := 3, 224
	for i, blk := range []struct{ n, c int }{{2, 64}, {2, 128}, {3, 256}, {3, 512}, {3, 512}} {
		for j := 1; j <= blk.n; j++ {
			ls = append(ls, Layer{Layer: network.Layer{Name: fmt.Sprintf("conv%d_%d", i+1, j), Kind: Conv, InC: c, InH: h, InW: h,
				OutC: blk.c, R: 3, S: 3, Pad: 1}})
			c = blk.c
		}
		h /= 2
	}
	return append(ls, fcLayer("fc6", 25088, 4096, 0, 0, 0), fcLayer("fc7", 4096, 4096, 0, 0, 0),
		fcLayer("fc8", 4096, 1000, 0, 0, 0))
}

func vggWorkload(b *testing.B, masks bool) *Workload {
	w := &Workload{Name: "vgg-16", Layers: vgg16Layers()}
	p, err := LoadProfile("../configs/compression/deep-compression-vgg16.yaml")
	if err != nil {
		b.Fatal(err)
	}
	if masks {
		err = p.ApplyMasks(w)
	} else {
		err = p.Apply(w)
	}
	if err != nil {
		b.Fatal(err)
	}
	return w
}

// BenchmarkSimulateSparse: mask-accurate simulation of all VGG-16 conv and
// fc layers at Deep Compression densities on EIE (fc6 alone is 102M
// weights); the masks are drawn once, outside the timed loop.
func BenchmarkSimulateSparse(b *testing.B) {
	w := vggWorkload(b, true)
	spec := eieSpec(8)
	b.ReportAllocs()
	b.ResetTimer()
	c0 := proctime.CPU()
	for b.Loop() {
		if _, err := Simulate(spec, w); err != nil {
			b.Fatal(err)
		}
	}
	reportCPU(b, c0)
}

// BenchmarkSimulateSparseStatistical: the same network from densities only.
func BenchmarkSimulateSparseStatistical(b *testing.B) {
	w := vggWorkload(b, false)
	spec := eieSpec(8)
	b.ReportAllocs()
	b.ResetTimer()
	c0 := proctime.CPU()
	for b.Loop() {
		if _, err := Simulate(spec, w); err != nil {
			b.Fatal(err)
		}
	}
	reportCPU(b, c0)
}

// BenchmarkMaskWorkFC6 is the popcount work count of VGG-16 fc6 alone.
func BenchmarkMaskWorkFC6(b *testing.B) {
	l := withMask(fcLayer("fc6", 25088, 4096, 0.04, 0.183, 4), 1)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		maskWork(l.Mask, 0, 4096, 64, 4)
	}
}
