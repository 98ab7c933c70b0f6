package sim

import (
	"errors"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/dcsim/dcsim/accel"
	"github.com/dcsim/dcsim/network"
)

func scnnSpec(t testing.TB, name string) *accel.Spec {
	t.Helper()
	s, err := accel.Preset(name)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// randomActMask draws a c×h×w activation mask of density d.
func randomActMask(c, h, w int, d float64, rng *rand.Rand) *ActMask {
	m := RandomMask(1, c*h*w, d, rng)
	return &ActMask{C: c, H: h, W: w, Bits: m.Bits}
}

// TestSCNNStatisticalMatchesMasks: the statistical closed form against the
// mask-accurate one on random masks of the same densities, for VGG-16's
// conv3_1 and AlexNet's grouped conv2 and strided conv1. The statistical
// form takes the expected PE, so it may only be below the masks' max over
// PEs, and by little on layers this large.
func TestSCNNStatisticalMatchesMasks(t *testing.T) {
	spec := scnnSpec(t, "scnn")
	rng := rand.New(rand.NewPCG(3, 4))
	layers := []Layer{
		{Layer: network.Layer{Name: "conv3_1", Kind: Conv, InC: 128, InH: 56, InW: 56, OutC: 256, R: 3, S: 3, Pad: 1}},
		{Layer: network.Layer{Name: "conv2", Kind: Conv, InC: 96, InH: 27, InW: 27, OutC: 256, R: 5, S: 5, Pad: 2, Groups: 2}},
		{Layer: network.Layer{Name: "conv1", Kind: Conv, InC: 3, InH: 227, InW: 227, OutC: 96, R: 11, S: 11, Stride: 4}},
	}
	for _, l := range layers {
		for _, d := range [][2]float64{{0.35, 0.5}, {0.8, 0.9}, {0.1, 0.2}} {
			stat := l
			stat.WeightDensity, stat.ActDensity = d[0], d[1]
			masked := stat
			rows, cols := MaskDims(&l)
			masked.Mask = RandomMask(rows, cols, d[0], rng)
			masked.ActMask = randomActMask(l.InC, l.InH, l.InW, d[1], rng)
			rs, err := SimulateLayer(spec, &stat)
			if err != nil {
				t.Fatal(err)
			}
			rm, err := SimulateLayer(spec, &masked)
			if err != nil {
				t.Fatal(err)
			}
			ratio := float64(rs.ComputeCycles) / float64(rm.ComputeCycles)
			if ratio > 1.005 || ratio < 0.9 {
				t.Errorf("%s at %v: statistical %d cycles, masks %d (ratio %.3f)", l.Name, d, rs.ComputeCycles, rm.ComputeCycles, ratio)
			}
			if macs := float64(rs.Counts.MACs) / float64(rm.Counts.MACs); math.Abs(macs-1) > 0.02 {
				t.Errorf("%s at %v: MACs statistical %d, masks %d", l.Name, d, rs.Counts.MACs, rm.Counts.MACs)
			}
		}
	}
}

// TestDCNNClosedForm: with no zeros skipped the engine is DCNN,
// ⌈K/F⌉·⌈tile/I⌉·C·R·S cycles per conv group: VGG-16 conv1_2 (224×224 on
// 8×8 PEs: 28×28 tiles, 64 filters) takes 16·196·576 cycles, all MACs
// performed, none skipped, utilisation 1.
func TestDCNNClosedForm(t *testing.T) {
	spec := scnnSpec(t, "dcnn")
	l := Layer{Layer: network.Layer{Name: "conv1_2", Kind: Conv, InC: 64, InH: 224, InW: 224, OutC: 64, R: 3, S: 3, Pad: 1},
		WeightDensity: 0.3, ActDensity: 0.5}
	r, err := SimulateLayer(spec, &l)
	if err != nil {
		t.Fatal(err)
	}
	if want := Cycles(16 * 196 * 576); r.ComputeCycles != want {
		t.Errorf("compute %d, want %d", r.ComputeCycles, want)
	}
	if r.Counts.MACs != l.MACs() || r.Counts.MACsSkipped != 0 || r.Counts.MACsGated != 0 {
		t.Errorf("counts %+v, want all %d MACs performed", r.Counts, l.MACs())
	}
	if math.Abs(r.Utilization-1) > 1e-9 && r.StallCycles == 0 {
		t.Errorf("utilisation %v, want 1", r.Utilization)
	}
	// gate: zero-operand MACs are gated, cycles unchanged.
	spec.Sparsity.Activations = accel.ZeroGate
	g, _ := SimulateLayer(spec, &l)
	if g.ComputeCycles != r.ComputeCycles || math.Abs(float64(g.Counts.MACs)/float64(l.MACs())-0.5) > 1e-6 {
		t.Errorf("gated: %d cycles, %d of %d MACs performed; want %d cycles, half", g.ComputeCycles, g.Counts.MACs, l.MACs(), r.ComputeCycles)
	}
}

// TestSCNNDenseOperands: skip/skip on all-non-zero operands multiplies
// exactly what DCNN does (MACs), and within 20 % of its cycles: the
// Cartesian product only loses fragmentation, halos and conflicts.
func TestSCNNDenseOperands(t *testing.T) {
	l := Layer{Layer: network.Layer{Name: "conv3_1", Kind: Conv, InC: 128, InH: 56, InW: 56, OutC: 256, R: 3, S: 3, Pad: 1}}
	s, err := SimulateLayer(scnnSpec(t, "scnn"), &l)
	if err != nil {
		t.Fatal(err)
	}
	d, err := SimulateLayer(scnnSpec(t, "dcnn"), &l)
	if err != nil {
		t.Fatal(err)
	}
	if s.Counts.MACs < l.MACs() || d.Counts.MACs != l.MACs() {
		t.Errorf("MACs scnn %d, dcnn %d, layer %d", s.Counts.MACs, d.Counts.MACs, l.MACs())
	}
	if r := float64(d.ComputeCycles) / float64(s.ComputeCycles); r > 1 || r < 0.8 {
		t.Errorf("dcnn/scnn cycles %.3f, want in [0.8, 1]", r)
	}
	if s.HaloCycles == 0 || s.ChannelGroup == 0 {
		t.Errorf("stats %+v: want halo cycles and a channel group", s.EngineStats)
	}
}

// TestSCNNFC: an FC layer uses at most 1/I of the multipliers, and the
// mask-accurate result agrees with the statistical one.
func TestSCNNFC(t *testing.T) {
	spec := scnnSpec(t, "scnn")
	spec.Memory.FilterSRAMKiB = 1 << 20 // no DRAM stall: utilisation is the array's
	rng := rand.New(rand.NewPCG(5, 6))
	l := Layer{Layer: network.Layer{Name: "fc7", Kind: FC, InC: 4096, InH: 1, InW: 1, OutC: 4096, R: 1, S: 1},
		WeightDensity: 0.09, ActDensity: 0.35}
	stat, err := SimulateLayer(spec, &l)
	if err != nil {
		t.Fatal(err)
	}
	m := l
	m.Mask = RandomMask(4096, 4096, 0.09, rng)
	m.ActMask = randomActMask(4096, 1, 1, 0.35, rng)
	masked, err := SimulateLayer(spec, &m)
	if err != nil {
		t.Fatal(err)
	}
	if u := stat.Utilization; u <= 0 || u > 1.0/float64(spec.Array.PEActivations) {
		t.Errorf("utilisation %v, want in (0, 1/I]", u)
	}
	if r := float64(masked.ComputeCycles) / float64(stat.ComputeCycles); r < 0.97 || r > 1.1 {
		t.Errorf("fc cycles masks %d, statistical %d", masked.ComputeCycles, stat.ComputeCycles)
	}
}

// TestSCNNCheckSpec: the engine's own keys are validated with file-line
// field errors.
func TestSCNNCheckSpec(t *testing.T) {
	cases := []struct {
		edit  func(*accel.Spec)
		field string
	}{
		{func(s *accel.Spec) { s.Array.PEWeights = 0 }, "array.pe_weights"},
		{func(s *accel.Spec) { s.Array.PEActivations = -1 }, "array.pe_activations"},
		{func(s *accel.Spec) { s.Array.PEActivations = 17 }, "array.pe_activations"},
		{func(s *accel.Spec) { s.Array.AccumulatorBanks = 64; s.Array.AccumulatorEntries = 32 }, "array.accumulator_banks"},
		{func(s *accel.Spec) { s.Array.AccumulatorEntries = 0 }, "array.accumulator_entries"},
	}
	for _, c := range cases {
		s := scnnSpec(t, "scnn")
		c.edit(s)
		err := CheckSpec(s)
		var fe *accel.FieldError
		if !errors.As(err, &fe) || fe.Field != c.field {
			t.Errorf("%s: error %v, want a field error on it", c.field, err)
		}
	}
	s := scnnSpec(t, "scnn")
	s.Array.AccumulatorEntries, s.Array.AccumulatorBanks = 16, 16
	l := Layer{Layer: network.Layer{Name: "big", Kind: Conv, InC: 3, InH: 224, InW: 224, OutC: 8, R: 3, S: 3, Pad: 1}}
	if _, err := SimulateLayer(s, &l); err == nil {
		t.Error("a 29×29 accumulator tile in 16 entries: no error")
	}
}

// TestSCNNQueueDrain: the closed form's bank-queue expectation against a
// Monte Carlo of independent uniformly hashed products (n per cycle for T
// cycles into A banks, each retiring one per cycle).
func TestSCNNQueueDrain(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	for _, c := range []struct{ n, a, T int }{{16, 32, 100}, {9, 18, 30}, {4, 8, 10}} {
		q := make([]int, c.a)
		var tot float64
		const trials = 4000
		for tr := 0; tr < trials; tr++ {
			clear(q)
			for s := 0; s < c.T; s++ {
				for j := 0; j < c.n; j++ {
					q[rng.IntN(c.a)]++
				}
				for b := range q {
					q[b] = max(0, q[b]-1)
				}
			}
			m := 0
			for _, v := range q {
				m = max(m, v)
			}
			tot += float64(m)
		}
		mc := tot / trials
		cf := conflictsFor(c.n, c.a).stall(int64(c.T), float64(c.n*c.T))
		if math.Abs(cf-mc) > 0.15*mc {
			t.Errorf("n=%d A=%d T=%d: closed form %.3f, Monte Carlo %.3f", c.n, c.a, c.T, cf, mc)
		}
	}
}

// TestSCNNHalfMasked: with only one operand's mask the closed form keeps
// that operand exact and the other binomial; it must land between the
// statistical form and the fully masked one (within 10 % of the latter) on
// VGG-16 conv3_1 and AlexNet's strided conv1.
func TestSCNNHalfMasked(t *testing.T) {
	spec := scnnSpec(t, "scnn")
	rng := rand.New(rand.NewPCG(11, 12))
	for _, l := range []Layer{
		{Layer: network.Layer{Name: "conv3_1", Kind: Conv, InC: 128, InH: 56, InW: 56, OutC: 256, R: 3, S: 3, Pad: 1}, WeightDensity: 0.35, ActDensity: 0.5},
		{Layer: network.Layer{Name: "conv1", Kind: Conv, InC: 3, InH: 227, InW: 227, OutC: 96, R: 11, S: 11, Stride: 4}, WeightDensity: 0.84, ActDensity: 0.6},
	} {
		rows, cols := MaskDims(&l)
		wm := RandomMask(rows, cols, l.WeightDensity, rng)
		am := randomActMask(l.InC, l.InH, l.InW, l.ActDensity, rng)
		cycles := func(w *Mask, a *ActMask) Cycles {
			x := l
			x.Mask, x.ActMask = w, a
			r, err := SimulateLayer(spec, &x)
			if err != nil {
				t.Fatal(err)
			}
			return r.ComputeCycles
		}
		full, stat := cycles(wm, am), cycles(nil, nil)
		for name, half := range map[string]Cycles{"weights": cycles(wm, nil), "activations": cycles(nil, am)} {
			if r := float64(half) / float64(full); r < 0.9 || r > 1.02 || float64(half) < 0.99*float64(stat) {
				t.Errorf("%s, %s mask only: %d cycles; both masks %d, none %d", l.Name, name, half, full, stat)
			}
		}
	}
}
