package sim

import (
	"math"
	"testing"

	"github.com/dcsim/dcsim/accel"
	"github.com/dcsim/dcsim/network"
)

var fc6 = Layer{Layer: network.Layer{Name: "fc6", Kind: FC, InC: 9216, InH: 1, InW: 1, OutC: 4096, R: 1, S: 1}}

// TestDRAMHandDerived checks traffic, SRAM words and stalls of fc6
// (9216→4096, 8-bit) on the 32×32 test spec (25.6 B/cycle) against
// hand derivations.
func TestDRAMHandDerived(t *testing.T) {
	const ifmap, filter, ofmap = 9216, 9216 * 4096, 4096
	for _, tc := range []struct {
		df                accel.Dataflow
		read, write       int64
		stall             Cycles
		ifmapRd, filterRd int64 // SRAM words of 8 bytes
		ofmapWr, ofmapRd  int64
		ifmapWr, filterWr int64
		why               string
	}{
		{
			// 288×128 folds of 95 cycles; a fold moves a 1024 B filter tile
			// (40 cycles) plus, in the first column fold, 32 B of ifmap: no
			// stall after the prologue, which loads fold 0's 1056 B: 41.25.
			df: accel.WS, read: ifmap + filter, write: ofmap, stall: 42,
			ifmapRd: 128 * 9216 / 8, filterRd: filter / 8,
			ofmapWr: 4096/8 + 287*4096*4/8, ofmapRd: 4096/8 + 287*4096*4/8,
			ifmapWr: ifmap / 8, filterWr: filter / 8,
			why: "prologue 1056 B / 25.6",
		},
		{
			// 1×128 folds of 9278 cycles; the 294912 B filter slice K×32
			// exceeds half the filter SRAM but is used by one row fold only,
			// so it is fetched once. A fold moves the slice plus 32 B of
			// output: 294944/25.6 = 11521.25 cycles, 2243.25 over; folds
			// 1..127 stall that, fold 0 pays the prologue (294912+9216)/25.6
			// = 11880 (its 32 B of output overlap): 296772.75, rounded up.
			df: accel.OS, read: ifmap + filter, write: ofmap, stall: 296773,
			ifmapRd: 128 * 9216 / 8, filterRd: filter / 8,
			ofmapWr: 4096 / 8, ofmapRd: 4096 / 8,
			ifmapWr: ifmap / 8, filterWr: filter / 8,
			why: "filter streaming bound",
		},
		{
			// 288×1 folds of 4190 cycles; the 36 MiB filter does not fit but
			// there is one column fold, so it streams once. A fold moves
			// 32·4096 B of filter and 32 B of ifmap: 5121.25 cycles, 931.25
			// over, for folds 1..286; the last also writes 4096 B of output
			// (1091.25 over); fold 0 pays 5121.25: 286·931.25 + 1091.25 +
			// 5121.25 = 272550.
			df: accel.IS, read: ifmap + filter, write: ofmap, stall: 272550,
			ifmapRd: 9216 / 8, filterRd: filter / 8,
			ofmapWr: 4096/8 + 287*4096*4/8, ofmapRd: 4096/8 + 287*4096*4/8,
			ifmapWr: ifmap / 8, filterWr: filter / 8,
			why: "filter streaming bound",
		},
	} {
		r, err := SimulateLayer(testSpec(tc.df, 32, 32), &fc6)
		if err != nil {
			t.Fatal(err)
		}
		c := r.Counts
		if c.DRAMReadBytes != tc.read || c.DRAMWriteBytes != tc.write {
			t.Errorf("%s: DRAM read %d write %d, want %d %d", tc.df, c.DRAMReadBytes, c.DRAMWriteBytes, tc.read, tc.write)
		}
		if r.StallCycles != tc.stall {
			t.Errorf("%s: stall %d, want %d (%s)", tc.df, r.StallCycles, tc.stall, tc.why)
		}
		got := [6]int64{c.IfmapReads, c.FilterReads, c.OfmapWrites, c.OfmapReads, c.IfmapWrites, c.FilterWrites}
		want := [6]int64{tc.ifmapRd, tc.filterRd, tc.ofmapWr, tc.ofmapRd, tc.ifmapWr, tc.filterWr}
		if got != want {
			t.Errorf("%s: SRAM words (ifmap rd, filter rd, ofmap wr, ofmap rd, ifmap wr, filter wr) = %v, want %v", tc.df, got, want)
		}
	}
}

// TestDRAMRefetch shrinks the buffers until nothing fits and checks the
// re-fetch factors and partial-sum spills of docs/simulator.md.
func TestDRAMRefetch(t *testing.T) {
	l := alexNet().Layers[2] // conv2: per group 48@27×27 in, K = 1200, N = 128, M = 729
	const g = 2
	ifmap := int64(48 * 27 * 27)
	filter := int64(1200 * 128)
	ofmap := int64(729 * 128)
	for _, tc := range []struct {
		df          accel.Dataflow
		kib         float64
		read, write int64
	}{
		{accel.WS, 512, g * (ifmap + filter), g * ofmap},
		// ws, tiny buffers: ifmap once per column fold (4); 38 row folds
		// spill 37 rounds of 32-bit partial sums.
		{accel.WS, 1, g * (4*ifmap + filter + 37*ofmap*4), g * (ofmap + 37*ofmap*4)},
		{accel.OS, 512, g * (ifmap + filter), g * ofmap},
		// os, tiny: ifmap once per column fold (4), filter slice once per
		// row fold (23).
		{accel.OS, 1, g * (4*ifmap + 23*filter), g * ofmap},
		{accel.IS, 512, g * (ifmap + filter), g * ofmap},
		// is, tiny: filter once per column fold (23), 37 spill rounds.
		{accel.IS, 1, g * (ifmap + 23*filter + 37*ofmap*4), g * (ofmap + 37*ofmap*4)},
	} {
		spec := testSpec(tc.df, 32, 32)
		spec.Memory.IfmapSRAMKiB, spec.Memory.FilterSRAMKiB, spec.Memory.OfmapSRAMKiB = tc.kib, tc.kib, tc.kib
		r, err := SimulateLayer(spec, &l)
		if err != nil {
			t.Fatal(err)
		}
		if r.Counts.DRAMReadBytes != tc.read || r.Counts.DRAMWriteBytes != tc.write {
			t.Errorf("%s %v KiB: DRAM read %d write %d, want %d %d", tc.df, tc.kib,
				r.Counts.DRAMReadBytes, r.Counts.DRAMWriteBytes, tc.read, tc.write)
		}
	}
}

// TestStallBounds: for every AlexNet and VGG-16 layer, dataflow and a range
// of bandwidths, the layer can be neither faster than its compute nor than
// moving its DRAM bytes (roofline), nor slower than doing both in series
// plus one cycle of rounding; stalls never grow with bandwidth.
func TestStallBounds(t *testing.T) {
	for _, df := range []accel.Dataflow{accel.OS, accel.WS, accel.IS} {
		for _, w := range []*Workload{alexNet(), vgg16()} {
			for _, l := range w.Layers {
				prev := Cycles(math.MaxInt64)
				for _, gbps := range []float64{1, 4, 25.6, 100, 1e6} {
					spec := testSpec(df, 32, 32)
					spec.Memory.DRAMGBPerS = gbps
					r, err := SimulateLayer(spec, &l)
					if err != nil {
						t.Fatal(err)
					}
					dram := float64(r.DRAMBytes) / bytesPerCycle(spec)
					if float64(r.Cycles) < dram-1e-6 || r.Cycles > r.ComputeCycles+Cycles(math.Ceil(dram))+1 {
						t.Errorf("%s %s %v GB/s: cycles %d outside [%.0f, %d + %.0f]", df, l.Name, gbps,
							r.Cycles, dram, r.ComputeCycles, dram)
					}
					if r.StallCycles > prev {
						t.Errorf("%s %s: stall grew from %d to %d at %v GB/s", df, l.Name, prev, r.StallCycles, gbps)
					}
					prev = r.StallCycles
				}
			}
		}
	}
}

func TestWords(t *testing.T) {
	for _, tc := range []struct {
		n               int64
		bits, wordBytes int
		want            int64
	}{
		{0, 8, 8, 0}, {1, 8, 8, 1}, {8, 8, 8, 1}, {9, 8, 8, 2}, {16, 4, 8, 1}, {17, 4, 8, 2}, {3, 32, 4, 3}, {5, 16, 8, 2},
	} {
		if got := words(tc.n, tc.bits, tc.wordBytes); got != tc.want {
			t.Errorf("words(%d, %d, %d) = %d, want %d", tc.n, tc.bits, tc.wordBytes, got, tc.want)
		}
	}
}
