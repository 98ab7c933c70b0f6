package sim

import (
	"math"
	"testing"

	"github.com/dcsim/dcsim/accel"
	"github.com/dcsim/dcsim/network"
)

// TestDetailLevelsSum: the per-level energy regroups Energy exactly — the
// register file and the three buffers sum to Energy.SRAM, the rest match —
// and the network's levels are the layers' sums.
func TestDetailLevelsSum(t *testing.T) {
	for _, df := range []accel.Dataflow{accel.OS, accel.WS, accel.IS} {
		spec := testSpec(df, 16, 16)
		w := vgg16()
		res, err := Simulate(spec, w)
		if err != nil {
			t.Fatal(err)
		}
		Detail(spec, w, &res)
		var reg float64
		for _, l := range res.Layers {
			lv := l.EnergyLevels
			if lv == nil {
				t.Fatalf("%s %s: no levels", df, l.Name)
			}
			sram := lv.RegFile + lv.IfmapSRAM + lv.FilterSRAM + lv.OfmapSRAM
			if math.Abs(sram-l.Energy.SRAM) > 1e-9*l.Energy.SRAM || lv.Total != l.Energy.Total ||
				lv.MAC != l.Energy.MAC || lv.DRAM != l.Energy.DRAM {
				t.Errorf("%s %s: levels %+v, energy %+v", df, l.Name, *lv, l.Energy)
			}
			reg += lv.RegFile
		}
		if got := res.Total.EnergyLevels.RegFile; math.Abs(got-reg) > 1e-9*reg || reg == 0 {
			t.Errorf("%s: total register-file energy %g, layers sum to %g", df, got, reg)
		}
	}
}

// TestDetailMapping: folds and mapping efficiency by hand. A 3×3 conv over
// 64 input channels with 100 filters on a 32×32 ws array has K = 576 rows
// (18 row folds, all full) and N = 100 columns (4 column folds, the last
// holding 4): efficiency = 576·100/(18·32·4·32) = 0.78125. Utilisation never
// exceeds mapping efficiency.
func TestDetailMapping(t *testing.T) {
	spec := testSpec(accel.WS, 32, 32)
	w := &Workload{Name: "one", Layers: []Layer{
		{Layer: network.Layer{Name: "c", Kind: Conv, InC: 64, InH: 16, InW: 16, OutC: 100, R: 3, S: 3, Pad: 1}},
		{Layer: network.Layer{Name: "dw", Kind: Conv, InC: 32, InH: 8, InW: 8, OutC: 32, R: 3, S: 3, Pad: 1, Groups: 32}},
	}}
	res, err := Simulate(spec, w)
	if err != nil {
		t.Fatal(err)
	}
	Detail(spec, w, &res)
	c := res.Layers[0]
	if c.RowFolds != 18 || c.ColFolds != 4 || c.Folds != 72 || math.Abs(c.MappingEfficiency-0.78125) > 1e-12 {
		t.Errorf("conv: folds %d×%d = %d, efficiency %g; want 18×4 = 72, 0.78125",
			c.RowFolds, c.ColFolds, c.Folds, c.MappingEfficiency)
	}
	if c.Utilization > c.MappingEfficiency || c.Depthwise {
		t.Errorf("conv: utilisation %g above mapping efficiency %g, depthwise %v", c.Utilization, c.MappingEfficiency, c.Depthwise)
	}
	d := res.Layers[1]
	// per group K = 9, N = 1: one fold of 9×1 of 1024 PEs, 32 groups.
	if !d.Depthwise || d.Folds != 32 || math.Abs(d.MappingEfficiency-9.0/1024) > 1e-12 {
		t.Errorf("dw: depthwise %v, folds %d, efficiency %g; want true, 32, %g", d.Depthwise, d.Folds, d.MappingEfficiency, 9.0/1024)
	}
	// Detail keeps Simulate's network utilisation: MACs issued over all
	// cycles (stalls included) × PEs, the one definition every engine shares.
	busy := float64(res.Layers[0].Counts.MACs + res.Layers[1].Counts.MACs)
	want := busy / (float64(res.Total.Cycles) * 1024)
	if math.Abs(res.Total.Utilization-want) > 1e-12 || res.Total.Utilization <= 0 {
		t.Errorf("total utilisation %g, want %g", res.Total.Utilization, want)
	}
	if b := res.Total.Bandwidth; b == nil || b.DRAMLimit != bytesPerCycle(spec) ||
		math.Abs(b.DRAMRead*float64(res.Total.Cycles)-float64(c.Counts.DRAMReadBytes+d.Counts.DRAMReadBytes)) > 1e-6 {
		t.Errorf("total bandwidth %+v", b)
	}
}

// TestDetailDRAMByOperand: on dense ws/os/is arrays the per-operand DRAM
// bytes follow the memory model — filter = fetches × K·N weights, ofmap =
// M·N outputs per group — and sum to the layer's DRAM reads and writes,
// for VGG-16 (T tiled on a 64 KiB ofmap buffer, partial-sum spills on a
// 1 KiB one, where tiling costs more) and a 1×1 stride-2 conv.
func TestDetailDRAMByOperand(t *testing.T) {
	w := vgg16()
	w.Layers = append(w.Layers, Layer{Layer: network.Layer{Name: "down", Kind: Conv, InC: 64, InH: 56, InW: 56, OutC: 128, R: 1, S: 1, Stride: 2}})
	spills, tiled := 0, 0
	for _, c := range []struct {
		df  accel.Dataflow
		kib float64
	}{{accel.OS, 64}, {accel.WS, 64}, {accel.IS, 64}, {accel.WS, 1}, {accel.IS, 1}} {
		df := c.df
		spec := testSpec(df, 32, 32)
		spec.Memory.OfmapSRAMKiB = c.kib
		res, err := Simulate(spec, w)
		if err != nil {
			t.Fatal(err)
		}
		Detail(spec, w, &res)
		for i, lr := range res.Layers {
			d := lr.DRAM
			if d == nil {
				t.Fatalf("%s %s: no DRAM split", df, lr.Name)
			}
			if d.IfmapRead+d.FilterRead+d.PsumRead != lr.Counts.DRAMReadBytes || d.OfmapWrite+d.PsumWrite != lr.Counts.DRAMWriteBytes {
				t.Errorf("%s %s: split %+v does not sum to %d read, %d written", df, lr.Name, *d,
					lr.Counts.DRAMReadBytes, lr.Counts.DRAMWriteBytes)
			}
			l := &w.Layers[i]
			if l.Kind == Pool {
				continue
			}
			m, k, n, g := l.GEMM()
			mm := planMemory(spec, l, newSystolicGeom(systolicMappings[df], 32, 32, m, k, n, g), float64(spec.Precision.WeightBits))
			wantF := int64(g) * bitsToBytes(mm.fetchFilter*int64(k)*int64(n)*int64(spec.Precision.WeightBits))
			wantO := int64(g) * bitsToBytes(int64(m)*int64(n)*int64(spec.Precision.ActivationBits))
			if d.FilterRead != wantF || d.OfmapWrite != wantO {
				t.Errorf("%s %s: filter %d, ofmap %d; want %d, %d", df, lr.Name, d.FilterRead, d.OfmapWrite, wantF, wantO)
			}
			if d.PsumRead > 0 {
				spills++
			}
			if lr.TTiles > 1 {
				tiled++
			}
		}
	}
	if spills == 0 || tiled == 0 {
		t.Errorf("%d layers spilled partial sums, %d tiled T: the test must exercise both", spills, tiled)
	}
}

// TestDetailPeakSRAM: the edge-demand peaks of a 3×3×64→100 conv on a
// 32×32 ws array with 8-bit operands and 8-byte words: 32 rows of ifmap
// elements = 4 words, a 32-column filter row = 4 words, 32 outputs = 4 words;
// an FC layer of 10 outputs uses 10 columns.
func TestDetailPeakSRAM(t *testing.T) {
	spec := testSpec(accel.WS, 32, 32)
	w := &Workload{Name: "p", Layers: []Layer{
		{Layer: network.Layer{Name: "c", Kind: Conv, InC: 64, InH: 16, InW: 16, OutC: 100, R: 3, S: 3, Pad: 1}},
		{Layer: network.Layer{Name: "f", Kind: FC, InC: 64, InH: 1, InW: 1, OutC: 10, R: 1, S: 1}}}}
	res, err := Simulate(spec, w)
	if err != nil {
		t.Fatal(err)
	}
	Detail(spec, w, &res)
	word := float64(8*spec.Memory.WordBytes) / float64(spec.Precision.ActivationBits)
	c, f := res.Layers[0].Bandwidth, res.Layers[1].Bandwidth
	if c.PeakIfmapSRAMRead != 32/word || c.PeakFilterSRAMRead != 32/word || c.PeakOfmapSRAMWrite != 32/word ||
		f.PeakOfmapSRAMWrite != 10/word || f.PeakIfmapSRAMRead != 32/word {
		t.Errorf("peaks conv %+v, fc %+v", *c, *f)
	}
	if d := res.Layers[0].DRAM; c.DRAMIfmapRead*float64(res.Layers[0].Cycles) != float64(d.IfmapRead) {
		t.Errorf("ifmap DRAM average %g over %d cycles, %d bytes", c.DRAMIfmapRead, res.Layers[0].Cycles, d.IfmapRead)
	}
}

// TestDetailPeakDRAM: fc6 (9216→4096, 8-bit) on the 32×32 ws test spec
// runs 288×128 folds of 95 cycles; every fold loads a 32×32 filter tile
// (1024 B), the first column fold also its 32 B of ifmap, the last row
// fold writes 32 outputs (32 B). Peaks: filter 1024/95, ifmap 32/95,
// ofmap 32/95, all together 1088/95 B per cycle.
func TestDetailPeakDRAM(t *testing.T) {
	spec := testSpec(accel.WS, 32, 32)
	w := &Workload{Name: "fc6", Layers: []Layer{fc6}}
	res, err := Simulate(spec, w)
	if err != nil {
		t.Fatal(err)
	}
	Detail(spec, w, &res)
	b := res.Layers[0].Bandwidth
	got := [4]float64{b.PeakDRAMIfmapRead, b.PeakDRAMFilterRead, b.PeakDRAMOfmap, b.PeakDRAM}
	want := [4]float64{32.0 / 95, 1024.0 / 95, 32.0 / 95, 1088.0 / 95}
	for i := range got {
		if math.Abs(got[i]-want[i]) > 1e-12 {
			t.Errorf("peak DRAM (ifmap, filter, ofmap, all) = %v, want %v", got, want)
			break
		}
	}
	if b.PeakDRAM < b.DRAMRead+b.DRAMWrite {
		t.Errorf("peak %v below the average %v", b.PeakDRAM, b.DRAMRead+b.DRAMWrite)
	}
}
