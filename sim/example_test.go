package sim_test

import (
	"fmt"

	"github.com/dcsim/dcsim/accel"
	"github.com/dcsim/dcsim/network"
	"github.com/dcsim/dcsim/sim"
)

// A 1×1 convolution that is the GEMM M=256, K=256, N=128 on a 32×32
// weight-stationary array: 8 row folds × 4 column folds of
// 2·32 + 32 + 256 − 2 = 350 cycles. At 25.6 B/cycle a fold hides 8960 B:
// the first column fold also loads its 8192 B ifmap share (10 cycles over
// in 6 folds), the last row fold of each column fold writes 8192 B of
// output (330 over in column fold 0, 10 in the others) and the first fold's
// 9216 B cannot be prefetched (360): 780 stall cycles.
func ExampleSimulate() {
	spec := &accel.Spec{
		Name:      "systolic-32x32",
		ClockMHz:  1000,
		Array:     accel.Array{Rows: 32, Cols: 32, Dataflow: accel.WS},
		Precision: accel.Precision{WeightBits: 8, ActivationBits: 8, AccumulatorBits: 32},
		Memory: accel.Memory{IfmapSRAMKiB: 512, FilterSRAMKiB: 512, OfmapSRAMKiB: 256,
			WordBytes: 8, Banks: 1, DRAMGBPerS: 25.6},
		Sparsity: accel.Sparsity{Weights: accel.ZeroNone, Activations: accel.ZeroNone,
			Format: accel.FormatDense, RelIndexBits: 4},
		Codebook: accel.Codebook{Entries: 16, IndexBits: 4, LookupsPerCycle: 1, DecodedBits: 8},
		Energy:   accel.EnergyTable{MACPJ: 0.23},
	}
	w := &sim.Workload{Name: "gemm", Layers: []sim.Layer{
		{Layer: network.Layer{Name: "gemm", Kind: sim.Conv, InC: 256, InH: 16, InW: 16, OutC: 128, R: 1, S: 1}},
	}}
	res, err := sim.Simulate(spec, w)
	if err != nil {
		fmt.Println(err)
		return
	}
	l := res.Layers[0]
	fmt.Printf("%d MACs, %d compute + %d stall cycles, utilization %.3f, %.1f nJ of MACs\n",
		l.MACs, l.ComputeCycles, l.StallCycles, l.Utilization, l.Energy.MAC/1000)
	// Output:
	// 8388608 MACs, 11200 compute + 780 stall cycles, utilization 0.684, 1929.4 nJ of MACs
}
