package sim

import (
	"encoding/json"
	"math"
	"strings"
	"testing"

	"github.com/dcsim/dcsim/accel"
	"github.com/dcsim/dcsim/network"
)

// TestSimulateTotals: totals are the sums of the layers, in workload order.
func TestSimulateTotals(t *testing.T) {
	for _, df := range []accel.Dataflow{accel.OS, accel.WS, accel.IS} {
		spec := testSpec(df, 32, 32)
		w := vgg16()
		res, err := Simulate(spec, w)
		if err != nil {
			t.Fatal(err)
		}
		if res.Accelerator != spec.Name || res.Network != "vgg-16" || res.ClockMHz != 1000 || len(res.Layers) != len(w.Layers) {
			t.Fatalf("%s: header %q %q %v, %d layers", df, res.Accelerator, res.Network, res.ClockMHz, len(res.Layers))
		}
		var sum Total
		for i, lr := range res.Layers {
			if lr.Name != w.Layers[i].Name {
				t.Errorf("%s: layer %d is %q, want %q", df, i, lr.Name, w.Layers[i].Name)
			}
			sum.MACs += lr.MACs
			sum.Weights += lr.Weights
			sum.ComputeCycles += lr.ComputeCycles
			sum.StallCycles += lr.StallCycles
			sum.Cycles += lr.Cycles
			sum.DRAMBytes += lr.DRAMBytes
			sum.Energy.Total += lr.Energy.Total
		}
		tot := res.Total
		if tot.MACs != sum.MACs || tot.Weights != sum.Weights || tot.Cycles != sum.Cycles ||
			tot.ComputeCycles != sum.ComputeCycles || tot.StallCycles != sum.StallCycles || tot.DRAMBytes != sum.DRAMBytes {
			t.Errorf("%s: totals %+v, sums %+v", df, tot, sum)
		}
		// VGG-16 at batch 1: 15.47 G MACs, 138.3 M weights.
		if tot.MACs != 15470264320 || tot.Weights != 138344128 {
			t.Errorf("%s: VGG-16 MACs %d weights %d", df, tot.MACs, tot.Weights)
		}
		if math.Abs(tot.Energy.Total-sum.Energy.Total) > 1e-9*sum.Energy.Total {
			t.Errorf("%s: energy total %v, sum %v", df, tot.Energy.Total, sum.Energy.Total)
		}
		if math.Abs(tot.LatencyUS-float64(tot.Cycles)/1000) > 1e-6 {
			t.Errorf("%s: latency %v µs for %d cycles", df, tot.LatencyUS, tot.Cycles)
		}
	}
}

// TestSimulateDeterministic: the same input gives byte-identical JSON.
func TestSimulateDeterministic(t *testing.T) {
	enc := func() []byte {
		res, err := Simulate(testSpec(accel.WS, 16, 8), alexNet())
		if err != nil {
			t.Fatal(err)
		}
		b, err := json.Marshal(res)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	if a, b := enc(), enc(); string(a) != string(b) {
		t.Error("two runs differ")
	}
}

// TestSimulateErrors: bad input returns an error naming the problem and
// never panics.
func TestSimulateErrors(t *testing.T) {
	good := alexNet()
	for _, tc := range []struct {
		name string
		spec func(*accel.Spec)
		w    *Workload
		want string
	}{
		{"nil workload", nil, nil, "nil workload"},
		{"empty workload", nil, &Workload{Name: "empty"}, `network "empty" has no layers`},
		{"unknown dataflow", func(s *accel.Spec) { s.Array.Dataflow = "rs" }, good,
			`array.dataflow: unknown dataflow "rs" (valid: ` + strings.Join(Dataflows(), ", ") + ")"},
		{"zero rows", func(s *accel.Spec) { s.Array.Rows = 0 }, good, "array.rows: must be > 0"},
		{"no defaults", func(s *accel.Spec) { s.Memory.WordBytes = 0 }, good, "memory.word_bytes: must be > 0"},
		{"NaN clock", func(s *accel.Spec) { s.ClockMHz = math.NaN() }, good, "clock_mhz: must be > 0"},
		{"negative sram", func(s *accel.Spec) { s.Memory.OfmapSRAMKiB = -1 }, good, "memory.ofmap_sram_kib: must be >= 0"},
		{"bad kind", nil, &Workload{Name: "x", Layers: []Layer{{Layer: network.Layer{Name: "l1", Kind: "lstm"}}}}, `layer "l1": kind "lstm"`},
		{"zero channels", nil, &Workload{Name: "x", Layers: []Layer{{Layer: network.Layer{Name: "c", Kind: Conv, InH: 4, InW: 4, OutC: 2, R: 1, S: 1}}}},
			`layer "c": in_channels: must be > 0`},
		{"filter too big", nil, &Workload{Name: "x", Layers: []Layer{{Layer: network.Layer{Name: "c", Kind: Conv, InC: 1, InH: 2, InW: 2, OutC: 2, R: 3, S: 3}}}},
			"larger than its padded input"},
		{"groups", nil, &Workload{Name: "x", Layers: []Layer{{Layer: network.Layer{Name: "c", Kind: Conv, InC: 3, InH: 4, InW: 4, OutC: 4, R: 1, S: 1, Groups: 2}}}},
			"groups 2 must divide"},
	} {
		spec := testSpec(accel.WS, 8, 8)
		if tc.spec != nil {
			tc.spec(spec)
		}
		_, err := Simulate(spec, tc.w)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want it to contain %q", tc.name, err, tc.want)
		}
	}
	if _, err := Simulate(nil, good); err == nil {
		t.Error("nil spec: no error")
	}
	if _, err := SimulateLayer(testSpec(accel.WS, 8, 8), nil); err == nil {
		t.Error("nil layer: no error")
	}
}

// TestDenseHookNeutral: with sparsity keys at their defaults the sparse
// hook must leave the dense numbers as the closed forms give them.
func TestDenseHookNeutral(t *testing.T) {
	l := alexNet().Layers[0]
	for _, df := range []accel.Dataflow{accel.OS, accel.WS, accel.IS} {
		r, err := SimulateLayer(testSpec(df, 32, 32), &l)
		if err != nil {
			t.Fatal(err)
		}
		m, k, n, g := l.GEMM()
		spec := testSpec(df, 32, 32)
		geom := planMemory(spec, &l, newSystolicGeom(systolicMappings[df], 32, 32, m, k, n, g), 8).g
		if want := geom.ComputeCycles(); r.ComputeCycles != want ||
			r.Counts.MACs != l.MACs() || r.Counts.MACsGated != 0 || r.Counts.MACsSkipped != 0 || r.Counts.LUTReads != 0 {
			t.Errorf("%s: dense layer changed: cycles %d (want %d), counts %+v", df, r.ComputeCycles, want, r.Counts)
		}
	}
}

// FuzzSimulateLayer: any layer geometry either is rejected with an error or
// gives a result with non-negative cycles and counts; nothing panics.
func FuzzSimulateLayer(f *testing.F) {
	f.Add("conv", 3, 227, 227, 96, 11, 11, 4, 0, 1, 32, 32, "ws")
	f.Add("conv", 96, 27, 27, 256, 5, 5, 1, 2, 2, 8, 16, "os")
	f.Add("fc", 9216, 1, 1, 4096, 1, 1, 1, 0, 1, 1, 64, "is")
	f.Add("pool", 96, 55, 55, 96, 3, 3, 2, 0, 1, 3, 5, "ws")
	f.Fuzz(func(t *testing.T, kind string, inC, inH, inW, outC, r, s, stride, pad, groups, rows, cols int, df string) {
		spec := testSpec(accel.Dataflow(df), rows, cols)
		if df == "eie" {
			return // the sparse engine has its own tests
		}
		l := Layer{Layer: network.Layer{Name: "f", Kind: Kind(kind), InC: inC, InH: inH, InW: inW, OutC: outC, R: r, S: s,
			Stride: stride, Pad: pad, Groups: groups}}
		res, err := SimulateLayer(spec, &l)
		if err != nil {
			return
		}
		c := res.Counts
		for _, v := range []int64{int64(res.ComputeCycles), int64(res.StallCycles), res.DRAMBytes, c.MACs, c.IfmapReads,
			c.FilterReads, c.OfmapReads, c.OfmapWrites, c.IfmapWrites, c.FilterWrites, c.RegAccesses} {
			if v < 0 {
				t.Fatalf("negative count in %+v", res)
			}
		}
		if res.Kind != Pool && res.ComputeCycles <= 0 || res.Utilization > 1 || math.IsNaN(res.Energy.Total) {
			t.Fatalf("bad result %+v", res)
		}
	})
}
