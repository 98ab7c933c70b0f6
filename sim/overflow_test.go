package sim

import (
	"math"
	"testing"

	"github.com/dcsim/dcsim/accel"
	"github.com/dcsim/dcsim/network"
)

// hugeLayer is a legal layer near the simulator's MAC limit.
var hugeLayer = Layer{Layer: network.Layer{Name: "huge", Kind: Conv, InC: 4096, InH: 1024, InW: 1024, OutC: 4096, R: 3, S: 3, Stride: 1, Pad: 1, Groups: 1}}

// finiteResult reports whether every latency and energy of r is finite.
func finiteResult(r LayerResult) bool {
	for _, v := range []float64{r.LatencyUS, r.Utilization, r.Energy.MAC, r.Energy.LUT, r.Energy.SRAM,
		r.Energy.DRAM, r.Energy.Static, r.Energy.Total} {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return false
		}
	}
	return true
}

// FuzzSimulateEnergies: any accelerator that validates gives finite
// latency and energy, even with every real-valued key at an extreme (the
// class of mac_pj: 1e308 overflowing totals to +Inf).
func FuzzSimulateEnergies(f *testing.F) {
	f.Add(1e308, 40.0, 244.0, 50.0, 1000.0, 25.6, "ws")
	f.Add(accel.MaxEnergyPJ, accel.MaxEnergyPJ, accel.MaxEnergyPJ, accel.MaxStaticMW, accel.MinClockMHz, accel.MinDRAMGBPerS, "os")
	f.Add(0.0, 0.0, 0.0, 0.0, accel.MaxClockMHz, accel.MaxDRAMGBPerS, "is")
	f.Fuzz(func(t *testing.T, mac, sram, dram, static, clock, bw float64, df string) {
		spec := testSpec(accel.Dataflow(df), 32, 32)
		e := &spec.Energy
		e.MACPJ, e.MACGatedPJ, e.RegPJ, e.LUTReadPJ, e.IndexReadPJ = mac, mac, mac, mac, mac
		e.IfmapReadPJ, e.IfmapWritePJ, e.FilterReadPJ, e.FilterWritePJ, e.OfmapReadPJ, e.OfmapWritePJ = sram, sram, sram, sram, sram, sram
		e.DRAMPJPerByte, e.StaticMW = dram, static
		spec.ClockMHz, spec.Memory.DRAMGBPerS = clock, bw
		if spec.Validate() != nil || df == "eie" {
			return
		}
		l := hugeLayer
		res, err := SimulateLayer(spec, &l)
		if err != nil {
			return
		}
		if !finiteResult(res) {
			t.Fatalf("non-finite result from a valid spec (energy %+v, clock %g, bw %g): %+v", *e, clock, bw, res)
		}
	})
}
