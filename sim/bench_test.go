package sim

import (
	"testing"
	"time"

	"github.com/dcsim/dcsim/accel"
	"github.com/dcsim/dcsim/internal/proctime"
)

// BenchmarkSimulate evaluates all 21 layers of VGG-16 on a 32×32 array per
// iteration; the target is ≤ 100 µs per network.
func BenchmarkSimulate(b *testing.B) {
	for _, df := range []accel.Dataflow{accel.WS, accel.OS, accel.IS} {
		b.Run(string(df), func(b *testing.B) {
			spec, w := testSpec(df, 32, 32), vgg16()
			b.ReportAllocs()
			c0 := proctime.CPU()
			for b.Loop() {
				if _, err := Simulate(spec, w); err != nil {
					b.Fatal(err)
				}
			}
			reportCPU(b, c0)
		})
	}
}

// BenchmarkSimulateLayer evaluates VGG-16 conv4_2 (the hot path of sweeps).
func BenchmarkSimulateLayer(b *testing.B) {
	spec, l := testSpec(accel.WS, 32, 32), vgg16().Layers[12]
	b.ReportAllocs()
	c0 := proctime.CPU()
	for b.Loop() {
		if _, err := SimulateLayer(spec, &l); err != nil {
			b.Fatal(err)
		}
	}
	reportCPU(b, c0)
}

// reportCPU reports the process's CPU time since c0 per iteration as
// cpu-µs/op: on the shared machine wall time measures the load, CPU time
// much less so (scripts/bench_sim.sh quotes both).
func reportCPU(b *testing.B, c0 time.Duration) {
	b.ReportMetric(float64(proctime.CPU()-c0)/1e3/float64(b.N), "cpu-µs/op")
}
