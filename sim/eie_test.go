package sim

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/dcsim/dcsim/accel"
	"github.com/dcsim/dcsim/network"
)

// eieSpec is EIE as published (configs/accelerators/eie.yaml), built in Go
// so the tests do not depend on the loader.
func eieSpec(depth int) *accel.Spec {
	s := &accel.Spec{Version: 1, Name: "eie-test", ClockMHz: 800,
		Array:     accel.Array{Rows: 64, Cols: 1, Dataflow: accel.EIE, QueueDepth: depth},
		Precision: accel.Precision{WeightBits: 16, ActivationBits: 16, AccumulatorBits: 16},
		Memory:    accel.Memory{IfmapSRAMKiB: 128, FilterSRAMKiB: 8192, OfmapSRAMKiB: 128, Banks: 64, DRAMGBPerS: 25.6},
		Sparsity:  accel.Sparsity{Weights: accel.ZeroSkip, Activations: accel.ZeroSkip, Format: accel.FormatCSC, RelIndexBits: 4},
		Codebook:  accel.Codebook{Enabled: true, Entries: 16, IndexBits: 4, LookupsPerCycle: 1, DecodedBits: 16},
	}
	s.Defaults()
	return s
}

func fcLayer(name string, in, out int, wd, ad float64, bits int) Layer {
	return Layer{Layer: network.Layer{Name: name, Kind: FC, InC: in, InH: 1, InW: 1, OutC: out, R: 1, S: 1},
		WeightDensity: wd, ActDensity: ad, IndexBits: bits}
}

func withMask(l Layer, seed uint64) Layer {
	rows, cols := MaskDims(&l)
	l.Mask = RandomMask(rows, cols, l.WeightDensity, rand.New(rand.NewPCG(seed, 1)))
	return l
}

// TestStatisticalMatchesMask checks the statistical load model against the
// mask-accurate queue simulation on random masks of the same density:
// within 15% at depth 1, 5% at depths 8 and 64.
func TestStatisticalMatchesMask(t *testing.T) {
	layers := []Layer{
		fcLayer("alex6", 9216, 4096, 0.09, 0.351, 4),
		fcLayer("vgg7", 4096, 4096, 0.04, 0.375, 4),
		fcLayer("ntwe", 4096, 600, 0.10, 1, 4),
		fcLayer("ntwd", 600, 8791, 0.11, 1, 4),
		fcLayer("small", 500, 300, 0.3, 0.5, 4),
	}
	for _, depth := range []int{1, 8, 64} {
		spec := eieSpec(depth)
		for _, l := range layers {
			stat, err := SimulateLayer(spec, &l)
			if err != nil {
				t.Fatal(err)
			}
			ml := withMask(l, 11)
			mask, err := SimulateLayer(spec, &ml)
			if err != nil {
				t.Fatal(err)
			}
			rel := float64(stat.ComputeCycles)/float64(mask.ComputeCycles) - 1
			t.Logf("depth %3d %-6s stat %7d mask %7d (%+.1f%%)  LB %.3f / %.3f", depth, l.Name,
				stat.ComputeCycles, mask.ComputeCycles, 100*rel, stat.LoadBalance, mask.LoadBalance)
			// The lock-step case is the hardest for the closed form.
			tol := 0.05
			if depth == 1 {
				tol = 0.15
			}
			if math.Abs(rel) > tol {
				t.Errorf("depth %d %s: statistical %d cycles vs mask-accurate %d (%.1f%%), want within %.0f%%",
					depth, l.Name, stat.ComputeCycles, mask.ComputeCycles, 100*rel, 100*tol)
			}
			if r := float64(stat.PaddingEntries)/float64(mask.PaddingEntries) - 1; math.Abs(r) > 0.03 {
				t.Errorf("%s: padding stat %d vs mask %d", l.Name, stat.PaddingEntries, mask.PaddingEntries)
			}
		}
	}
}

// TestQueueLimits checks the queue recurrence against its two closed-form
// limits on a fixed work table: depth 1 is lock-step, Σ_j max_p c(p,j) (+
// the pipelining of one column), and a depth beyond the column count is the
// busiest PE's total Σ_j c(p,j).
func TestQueueLimits(t *testing.T) {
	m := RandomMask(640, 200, 0.1, rand.New(rand.NewPCG(1, 1)))
	w := maskWork(m, 0, 640, 16, 4)
	cols := make([]int, 200)
	for j := range cols {
		cols[j] = j
	}
	var lock, maxTotal int64
	totals := make([]int64, 16)
	for j := range cols {
		var mx int64
		for p := 0; p < 16; p++ {
			c := max(1, int64(w.entries(j, p)))
			mx = max(mx, c)
			totals[p] += c
		}
		lock += mx
	}
	for _, v := range totals {
		maxTotal = max(maxTotal, v)
	}
	deep, _ := newQueueSim(16, 1000, 1).run(w, cols)
	if deep != maxTotal {
		t.Errorf("depth ∞: %d cycles, want busiest PE total %d", deep, maxTotal)
	}
	one, _ := newQueueSim(16, 1, 1).run(w, cols)
	if one > lock || one < maxTotal {
		t.Errorf("depth 1: %d cycles, want between %d and lock-step %d", one, maxTotal, lock)
	}
	prev := one
	for _, d := range []int{2, 4, 8, 16, 64} {
		c, _ := newQueueSim(16, d, 1).run(w, cols)
		if c > prev {
			t.Errorf("depth %d: %d cycles, more than a shallower queue (%d)", d, c, prev)
		}
		prev = c
	}
}

func TestEIECountsConserveMACs(t *testing.T) {
	for _, act := range []string{accel.ZeroSkip, accel.ZeroGate, accel.ZeroNone} {
		spec := eieSpec(8)
		spec.Sparsity.Activations = act
		for _, l := range []Layer{
			withMask(fcLayer("fc", 1000, 500, 0.1, 0.4, 4), 3),
			fcLayer("fc-stat", 1000, 500, 0.1, 0.4, 4),
			{Layer: network.Layer{Name: "conv", Kind: Conv, InC: 16, InH: 12, InW: 12, OutC: 96, R: 3, S: 3, Pad: 1, Groups: 2},
				WeightDensity: 0.3, ActDensity: 0.5, IndexBits: 4},
		} {
			r, err := SimulateLayer(spec, &l)
			if err != nil {
				t.Fatal(err)
			}
			c := r.Counts
			if c.MACs+c.MACsGated+c.MACsSkipped != r.MACs || c.MACsSkipped < 0 {
				t.Errorf("%s/%s: performed %d + gated %d + skipped %d != dense %d", act, l.Name,
					c.MACs, c.MACsGated, c.MACsSkipped, r.MACs)
			}
			if act == accel.ZeroSkip && c.MACsGated != int64(math.Round(float64(c.LUTReads-c.MACs))) {
				t.Errorf("%s/%s: walked entries %d != performed %d + padding %d", act, l.Name, c.LUTReads, c.MACs, c.MACsGated)
			}
			wantPerformed := float64(r.MACs) * l.Density() * l.ActivationDensity()
			if act == accel.ZeroNone {
				wantPerformed = float64(r.MACs) * l.Density()
			}
			if rel := float64(c.MACs)/wantPerformed - 1; math.Abs(rel) > 0.05 {
				t.Errorf("%s/%s: %d MACs performed, expected ≈ %.0f", act, l.Name, c.MACs, wantPerformed)
			}
			if r.Cycles <= 0 || r.LoadBalance <= 0 || r.LoadBalance > 1 || r.Energy.Total <= 0 {
				t.Errorf("%s/%s: implausible result %+v", act, l.Name, r)
			}
		}
	}
}

func TestEIEBadInput(t *testing.T) {
	good := fcLayer("fc", 100, 50, 0.5, 1, 4)
	for _, tc := range []struct {
		name  string
		spec  func(*accel.Spec)
		layer func(*Layer)
		want  string
	}{
		{"queue depth 0", func(s *accel.Spec) { s.Array.QueueDepth = 0 }, nil, "array.queue_depth"},
		{"mask dims", nil, func(l *Layer) { l.Mask = NewMask(50, 99) }, "mask is 50×99"},
		{"mask words", nil, func(l *Layer) { l.Mask = &Mask{Rows: 50, Cols: 100, Bits: make([]uint64, 3)} }, "words"},
		{"density", nil, func(l *Layer) { l.WeightDensity = 1.5 }, "weight density"},
		{"act density", nil, func(l *Layer) { l.ActDensity = -0.1 }, "activation density"},
		{"index bits", nil, func(l *Layer) { l.IndexBits = 17 }, "index bits"},
	} {
		spec := eieSpec(8)
		l := good
		if tc.spec != nil {
			tc.spec(spec)
		}
		if tc.layer != nil {
			tc.layer(&l)
		}
		_, err := SimulateLayer(spec, &l)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want one mentioning %q", tc.name, err, tc.want)
		}
	}
}
