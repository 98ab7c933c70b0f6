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
		// ws, tiny buffers: the ifmap streams once per column fold (4),
		// each row fold reading what its taps touch: the 32-wide K folds
		// hold parts of one or two of the 25 taps (48 channels each), so a
		// pass reads every tap's window once per channel, 48·129·129
		// (taps r = 0..4 touch 25, 26, 27, 26, 25 of the 27 rows, the same
		// for columns). 38 row folds spill 37 rounds of 32-bit partial sums.
		{accel.WS, 1, g * (4*48*129*129 + filter + 37*ofmap*4), g * (ofmap + 37*ofmap*4)},
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

// TestLoopOrderChoice checks the loop order the memory model picks and its
// traffic on VGG-16 conv1_2 (64@224×224 → 64, 3×3 pad 1: M = 50176,
// K = 576, N = 64; input and output 3,211,264 B, filter 36,864 B at 8 bits)
// on the 32×32 test spec (ifmap and filter halves 256 KiB, ofmap half
// 128 KiB), against hand derivations.
func TestLoopOrderChoice(t *testing.T) {
	conv12 := vgg16().Layers[1]
	const in, filter, out = 3211264, 36864, 3211264
	for _, tc := range []struct {
		df          accel.Dataflow
		order       string
		read, write int64
		compute     Cycles
		why         string
	}{
		// SCALE-Sim's "N,K,m" keeps a column fold's 50176×32 32-bit sums
		// (6.1 MiB) nowhere and spills 17 of 18 row folds: 2·17·M·N·4 B =
		// 436.7 MB. Tiled: 1024 rows × 32 columns × 4 B = 128 KiB fit, so
		// 49 tiles of 1024; the filter (36 KiB) stays on chip across tiles,
		// a tile's ifmap share (3211264/49 = 64 KiB) across column folds:
		// everything moves once, for 48 more fills per fold (18·2·49·94).
		{accel.WS, "M,N,K,m", in + filter, out, 18 * 2 * (49*(2*32+32-2) + 50176),
			"partial sums resident"},
		// os "N,M,k" fetches the ifmap (3.1 MiB, does not fit) once per
		// column fold (2); "M,N,k" keeps the whole filter and a row fold's
		// 2 KiB ifmap share on chip: each once. Same compute, same
		// prologue, fewer bytes.
		{accel.OS, "M,N,k", in + filter, out, 1568 * 2 * (32 + 32 + 576 - 2), "ifmap once"},
		// is "M,K,n": a column fold's 64×32 sums fit; SCALE-Sim's order.
		{accel.IS, "M,K,n", in + filter, out, 18 * 1568 * (2*32 + 32 + 64 - 2), "no spill"},
	} {
		r, err := SimulateLayer(testSpec(tc.df, 32, 32), &conv12)
		if err != nil {
			t.Fatal(err)
		}
		if r.LoopOrder != tc.order || r.ComputeCycles != tc.compute {
			t.Errorf("%s: order %q compute %d, want %q %d (%s)", tc.df, r.LoopOrder, r.ComputeCycles,
				tc.order, tc.compute, tc.why)
		}
		if r.Counts.DRAMReadBytes != tc.read || r.Counts.DRAMWriteBytes != tc.write {
			t.Errorf("%s: DRAM read %d write %d, want %d %d (%s)", tc.df, r.Counts.DRAMReadBytes,
				r.Counts.DRAMWriteBytes, tc.read, tc.write, tc.why)
		}
	}
	// SCALE-Sim's ws order, forced, is the spilling one the tiled order
	// replaces: 17 spill round trips of M·N 32-bit sums (436.7 MB of the
	// issue's 446 MB).
	spec := testSpec(accel.WS, 32, 32)
	m, k, n, g := conv12.GEMM()
	base := newMemModel(spec, &conv12, newSystolicGeom(systolicMappings[accel.WS], 32, 32, m, k, n, g), 8)
	base.stallCycles = base.stall()
	// Not kept between row folds, the ifmap is read per fold: each fold
	// holds 32 channels of one tap, whose window touches 223, 224 or 223
	// rows and columns: 64·(223+224+223)² per column fold.
	if got, want := base.dramBytes(), int64(2*64*670*670+filter+out+2*17*50176*64*4); got != want {
		t.Errorf("ws N,K,m: DRAM %d, want %d", got, want)
	}
	if planned := planMemory(spec, &conv12, base.g, 8); planned.cycles() >= base.cycles() {
		t.Errorf("ws: tiled order %d cycles, not fewer than SCALE-Sim's %d", planned.cycles(), base.cycles())
	}
}

// TestIfmapPass: the ifmap a ws pass over the row folds reads when the
// ifmap is not kept between them.
func TestIfmapPass(t *testing.T) {
	for _, tc := range []struct {
		name string
		l    Layer
		rows int
		want int64
	}{
		// one tap: the unique input, a quarter of it at stride 2
		{"1x1 s2", Layer{Layer: network.Layer{Kind: Conv, InC: 64, InH: 56, InW: 56, OutC: 128, R: 1, S: 1, Stride: 2}}, 32, 64 * 28 * 28},
		{"fc", fc6, 32, 9216},
		// 32 channels of one 3×3 tap per fold: every tap's window per channel
		{"3x3 C64", vgg16().Layers[1], 32, 64 * 670 * 670},
		// all 27 K indices of a 3-channel 3×3 filter in one fold: the union
		// of the taps' windows, the unique input
		{"3x3 C3 one fold", vgg16().Layers[0], 32, 3 * 224 * 224},
		// 9 K indices per fold = one filter row (3 taps × 3 channels): each
		// fold reads the rows its filter row touches, all columns
		{"3x3 C3 rows", vgg16().Layers[0], 9, 3 * (223 + 224 + 223) * 224},
	} {
		if got := ifmapPass(&tc.l, tc.rows); got != tc.want {
			t.Errorf("%s: %d, want %d", tc.name, got, tc.want)
		}
		// the closed form for one tap per fold agrees with the fold walk
		l := tc.l
		ta := tapAreas{oh: l.OutH(), ow: l.OutW(), st: l.StrideOr1()}
		_, k, _, _ := l.GEMM()
		if got := ifmapPassFolds(&l, tc.rows, l.InC, k, ta.area); got != tc.want {
			t.Errorf("%s fold by fold: %d, want %d", tc.name, got, tc.want)
		}
	}
}
