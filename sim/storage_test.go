package sim

import (
	"testing"

	"github.com/dcsim/dcsim/accel"
	"github.com/dcsim/dcsim/network"
)

// refetchConv is the review's IS case: a 3×3 conv with a 1,179,648-weight
// filter (8-bit: 1,179,648 B) over a 256×14×14 ifmap (50,176 B), at 10 %
// weight density. On a 32×32 IS array it has ceil(196/32) = 7 column folds,
// so a filter that does not fit is fetched 7 times.
func refetchConv() Layer {
	return Layer{Layer: network.Layer{Name: "conv", Kind: Conv, InC: 256, InH: 14, InW: 14, OutC: 512, R: 3, S: 3, Pad: 1},
		WeightDensity: 0.1}
}

func isSpec(filterKiB float64, format string) *accel.Spec {
	s := accel.DefaultSpec()
	s.Array.Dataflow = accel.IS
	s.Memory.FilterSRAMKiB = filterKiB
	s.Sparsity.Format = format
	return s
}

// TestCompressedRefetchesScale is the regression test for compressFilter
// scaling only one filter fetch (7.35 MB reported instead of ≈ 1.58 MB):
// every refetch moves the compressed filter.
func TestCompressedRefetchesScale(t *testing.T) {
	l := refetchConv()
	const ifmap = 50176
	dense := mustSimulate(t, isSpec(64, accel.FormatDense), &l)
	if want := int64(ifmap + 7*1179648); dense.Counts.DRAMReadBytes != want {
		t.Fatalf("dense DRAM reads %d, want ifmap + 7 filter fetches = %d", dense.Counts.DRAMReadBytes, want)
	}
	csc := mustSimulate(t, isSpec(64, accel.FormatCSC), &l)
	want := ifmap + 7*csc.CompressedBytes
	if got := csc.Counts.DRAMReadBytes; got < want-1 || got > want+1 {
		t.Errorf("csc DRAM reads %d, want ifmap + 7 × compressed %d = %d", got, csc.CompressedBytes, want)
	}
	if csc.StallCycles >= dense.StallCycles {
		t.Errorf("stalls %d (csc) vs %d (dense): moving less filter must stall less", csc.StallCycles, dense.StallCycles)
	}
	if csc.Counts.FilterWrites >= dense.Counts.FilterWrites/5 {
		t.Errorf("filter SRAM fills %d (csc) vs %d (dense): want about the density ratio", csc.Counts.FilterWrites, dense.Counts.FilterWrites)
	}
}

// TestCompressionDecidesFit: whether the filter fits its buffer is decided
// on the stored size, so a filter that refetches dense (1.18 MB > half of
// 512 KiB) fits once compressed (≈ 0.22 MB) and is fetched once.
func TestCompressionDecidesFit(t *testing.T) {
	l := refetchConv()
	dense := mustSimulate(t, isSpec(512, accel.FormatDense), &l)
	csc := mustSimulate(t, isSpec(512, accel.FormatCSC), &l)
	if want := int64(50176 + 7*1179648); dense.Counts.DRAMReadBytes != want {
		t.Errorf("dense DRAM reads %d, want %d (7 fetches)", dense.Counts.DRAMReadBytes, want)
	}
	want := 50176 + csc.CompressedBytes
	if got := csc.Counts.DRAMReadBytes; got < want-1 || got > want+1 {
		t.Errorf("csc DRAM reads %d, want ifmap + one compressed fetch = %d", got, want)
	}
}

// TestCodebookIndexBitsMatter is the regression test for codebook.index_bits
// having no effect: the LUT's index width is the stored value width, and a
// layer whose codebook does not fit the LUT is stored decoded.
func TestCodebookIndexBitsMatter(t *testing.T) {
	l := fcLayer("fc", 1024, 1024, 0.1, 1, 4)
	run := func(indexBits, entries int, layerBits int) LayerResult {
		s := accel.DefaultSpec()
		s.Array.Dataflow = accel.EIE
		s.Array.Rows, s.Array.Cols = 64, 1
		s.Codebook.Enabled = true
		s.Codebook.IndexBits, s.Codebook.Entries = indexBits, entries
		ll := l
		ll.IndexBits = layerBits
		return mustSimulate(t, s, &ll)
	}
	four, eight := run(4, 16, 4), run(8, 256, 4)
	if four.CodebookBits != 4 || eight.CodebookBits != 8 {
		t.Errorf("stored index widths %d and %d, want the LUT's 4 and 8", four.CodebookBits, eight.CodebookBits)
	}
	if eight.CompressedBytes <= four.CompressedBytes {
		t.Errorf("8-bit LUT indices %d B ≤ 4-bit %d B: index_bits must change storage", eight.CompressedBytes, four.CompressedBytes)
	}
	decoded := run(4, 16, 5) // a 32-entry codebook does not fit a 16-entry LUT
	if decoded.CodebookBits != 0 || decoded.Counts.LUTReads != 0 {
		t.Errorf("5-bit codebook on a 16-entry LUT: stored with %d-bit indices, %d LUT reads; want decoded weights",
			decoded.CodebookBits, decoded.Counts.LUTReads)
	}
}

func mustSimulate(t *testing.T, spec *accel.Spec, l *Layer) LayerResult {
	t.Helper()
	r, err := SimulateLayer(spec, l)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// TestStridedInputRead is the regression test for a 1×1 stride-2
// convolution (ResNet-18's shortcut) charged its whole input from DRAM: it
// reads a quarter of it, and the systolic model fetches only that.
func TestStridedInputRead(t *testing.T) {
	l := Layer{Layer: network.Layer{Name: "down", Kind: Conv, InC: 64, InH: 56, InW: 56, OutC: 128, R: 1, S: 1, Stride: 2}}
	if got, want := l.InputRead(), int64(64*28*28); got != want {
		t.Errorf("InputRead %d, want %d (every other row and column)", got, want)
	}
	same := l
	same.R, same.S, same.Pad = 3, 3, 1
	if got, want := same.InputRead(), int64(64*56*56); got != want {
		t.Errorf("3×3 stride 2: InputRead %d, want the whole input %d", got, want)
	}
	spec := accel.DefaultSpec()
	r := mustSimulate(t, spec, &l)
	// ws: the ifmap fits, so it is fetched once: 64·28·28 bytes of 8-bit
	// activations, plus the filter.
	if want := int64(64*28*28 + 64*128); r.Counts.DRAMReadBytes != want {
		t.Errorf("DRAM reads %d, want the touched input plus the filter = %d", r.Counts.DRAMReadBytes, want)
	}
	for _, c := range []struct{ in, out, k, s, pad, want int }{
		{10, 5, 1, 2, 0, 5}, {10, 3, 2, 3, 0, 6}, {7, 3, 3, 2, 0, 7}, {5, 5, 3, 1, 1, 5}, {6, 2, 1, 4, 0, 2},
	} {
		if got := touched(c.in, c.out, c.k, c.s, c.pad); got != c.want {
			t.Errorf("touched(%d,%d,%d,%d,%d) = %d, want %d", c.in, c.out, c.k, c.s, c.pad, got, c.want)
		}
	}
}
