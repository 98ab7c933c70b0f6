package codesign

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/dcsim/dcsim/internal/fielderr"
	"github.com/dcsim/dcsim/network"
	"github.com/dcsim/dcsim/nn"
	"github.com/dcsim/dcsim/reports"
)

func TestFront(t *testing.T) {
	pts := []Point{
		{Accuracy: 0.99, LatencyUS: 10, EnergyPJ: 100, Params: 1000}, // 0: front (most accurate)
		{Accuracy: 0.98, LatencyUS: 5, EnergyPJ: 100, Params: 1000},  // 1: front (faster)
		{Accuracy: 0.98, LatencyUS: 6, EnergyPJ: 100, Params: 1000},  // 2: dominated by 1
		{Accuracy: 0.97, LatencyUS: 5, EnergyPJ: 50, Params: 2000},   // 3: front (less energy)
		{Accuracy: 0.97, LatencyUS: 5, EnergyPJ: 50, Params: 2000},   // 4: equal to 3: dropped
		{Accuracy: 0.90, LatencyUS: 20, EnergyPJ: 200, Params: 500},  // 5: front (fewest params)
		{Accuracy: 0.90, LatencyUS: 20, EnergyPJ: 200, Params: 600},  // 6: dominated by 5
		{Accuracy: math.NaN(), LatencyUS: 1, EnergyPJ: 1, Params: 1}, // 7: not finite: ignored
	}
	got := Front(pts)
	want := []int{3, 1, 0, 5} // by latency, then energy
	if len(got) != len(want) {
		t.Fatalf("front %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("front %v, want %v", got, want)
		}
	}
	if Front(nil) != nil {
		t.Error("front of no points is not empty")
	}
}

// TestFrontRandom checks the front against its definition on random points:
// nothing on it is dominated, everything off it is dominated or a duplicate.
func TestFrontRandom(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	pts := make([]Point, 200)
	for i := range pts {
		pts[i] = Point{Accuracy: float64(r.IntN(20)) / 20, LatencyUS: float64(r.IntN(20)), EnergyPJ: float64(r.IntN(20)), Params: int64(r.IntN(20))}
	}
	on := map[int]bool{}
	for _, i := range Front(pts) {
		on[i] = true
	}
	for i, p := range pts {
		dominated, dup := false, false
		for j, q := range pts {
			dominated = dominated || dominatesPoint(q, p)
			dup = dup || (j < i && q == p)
		}
		if on[i] == (dominated || dup) {
			t.Fatalf("point %d %+v: on front %v, dominated %v, duplicate %v", i, p, on[i], dominated, dup)
		}
	}
}

// dominatesPoint is the definition: q at least as good as p everywhere
// (accuracy maximised, the rest minimised) and better somewhere.
func dominatesPoint(q, p Point) bool {
	if q.Accuracy < p.Accuracy || q.LatencyUS > p.LatencyUS || q.EnergyPJ > p.EnergyPJ || q.Params > p.Params {
		return false
	}
	return q.Accuracy > p.Accuracy || q.LatencyUS < p.LatencyUS || q.EnergyPJ < p.EnergyPJ || q.Params < p.Params
}

// TestMasksHitKeepFractions: a candidate's conv layers keep exactly
// round(convKeep·conv weights) and its FC layers round(fcKeep·FC weights),
// each layer at least its floor.
func TestMasksHitKeepFractions(t *testing.T) {
	m := testModel(t)
	r := rand.New(rand.NewPCG(5, 6))
	var sal [][]float32
	var nConv, nFC int
	for _, p := range m.Params() {
		s := make([]float32, len(p.W))
		for i := range s {
			s[i] = r.Float32()
		}
		sal = append(sal, s)
		if p.Kind == network.Conv {
			nConv += len(p.W)
		} else {
			nFC += len(p.W)
		}
	}
	for _, c := range []struct{ ck, fk float64 }{{0.1, 0.02}, {0.3, 0.05}, {1, 0.01}, {0.05, 1}} {
		masks, err := Masks(m, sal, c.ck, c.fk, 0)
		if err != nil {
			t.Fatal(err)
		}
		var kc, kf int
		for i, p := range m.Params() {
			var k int
			for _, v := range masks[i] {
				if v != 0 {
					k++
				}
			}
			if floor := int(math.Ceil(0.01 * float64(len(p.W)))); k < floor {
				t.Errorf("%s: %d kept, below the floor %d", p.Layer, k, floor)
			}
			if p.Kind == network.Conv {
				kc += k
			} else {
				kf += k
			}
		}
		if want := int(math.Round(c.ck * float64(nConv))); kc != want {
			t.Errorf("conv keep %g: %d conv weights kept, want %d", c.ck, kc, want)
		}
		if want := int(math.Round(c.fk * float64(nFC))); kf != want {
			t.Errorf("fc keep %g: %d fc weights kept, want %d", c.fk, kf, want)
		}
	}
	if _, err := Masks(m, sal[:2], 0.1, 0.1, 0); err == nil {
		t.Error("wrong number of saliency slices accepted")
	}
}

func TestChoose(t *testing.T) {
	cs := []Candidate{
		{Name: "a", Accuracy: 0.990, Reference: 0.991, LatencyUS: 30, EnergyPJ: 9e6, Params: 9000, Weights: 8000},
		{Name: "b", Accuracy: 0.989, Reference: 0.991, LatencyUS: 20, EnergyPJ: 5e6, Params: 5000, Weights: 4000},
		{Name: "c", Accuracy: 0.980, Reference: 0.991, LatencyUS: 10, EnergyPJ: 4e6, Params: 3000, Weights: 2000}, // too inaccurate
		{Name: "d", Accuracy: 0.991, Reference: 0.991, LatencyUS: 25, EnergyPJ: 4.5e6, Params: 7000, Weights: 6000},
	}
	s := Settings{MaxDrop: 0.002, Objective: Latency}
	cases := []struct {
		name   string
		budget Budget
		obj    string
		want   string
		// closest is the candidate a *BudgetError must name, "" for success
		closest string
	}{
		{"no budget, latency", Budget{}, Latency, "b", ""},
		{"no budget, energy", Budget{}, Energy, "d", ""},
		{"params budget", Budget{MaxParams: 8000}, Params, "b", ""},
		{"latency budget", Budget{MaxLatencyUS: 19}, Latency, "", "b"},
		{"both budgets", Budget{MaxLatencyUS: 26, MaxEnergyUJ: 4.6}, Latency, "d", ""},
		{"energy budget unmet", Budget{MaxEnergyUJ: 1}, Latency, "", "d"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := s
			s.Budget, s.Objective = c.budget, c.obj
			cs := append([]Candidate(nil), cs...)
			i, err := choose(cs, 0, s)
			if c.closest == "" {
				if err != nil || cs[i].Name != c.want {
					t.Fatalf("chose %d (err %v), want %s", i, err, c.want)
				}
				return
			}
			var be *BudgetError
			if !errors.As(err, &be) {
				t.Fatalf("err %v, want a *BudgetError", err)
			}
			if be.Closest.Name != c.closest || !strings.Contains(err.Error(), "closest: "+c.closest) {
				t.Errorf("closest %q (%v), want %s", be.Closest.Name, err, c.closest)
			}
		})
	}
	// A size floor above b's weights: d, the fastest of the rest.
	if i, err := choose(append([]Candidate(nil), cs...), 5000, s); err != nil || cs[i].Name != "d" {
		t.Errorf("floor 5000: chose %d (err %v), want d", i, err)
	}
	var fe *fielderr.Error
	if _, err := choose(append([]Candidate(nil), cs...), 9000, s); !errors.As(err, &fe) || fe.Field != "min_keep" {
		t.Errorf("floor above every candidate: err %v, want a field error on min_keep", err)
	}
	// Nothing within the tolerance of its reference: the one furthest
	// above its reference is the closest.
	high := append([]Candidate(nil), cs...)
	for i := range high {
		high[i].Reference = 0.999
	}
	_, err := choose(high, 0, s)
	var be *BudgetError
	if !errors.As(err, &be) || !be.AccurateNone || be.Closest.Name != "d" {
		t.Fatalf("err %v, want the accuracy tolerance unmet, closest d", err)
	}
}

func TestSpearman(t *testing.T) {
	cases := []struct {
		x, y []float64
		want float64
		ok   bool
	}{
		{[]float64{1, 2, 3, 4}, []float64{10, 20, 30, 40}, 1, true},
		{[]float64{1, 2, 3, 4}, []float64{4, 3, 2, 1}, -1, true},
		{[]float64{1, 2, 3, 4, 5}, []float64{2, 1, 4, 3, 5}, 0.8, true},          // 1 − 6·4/(5·24)
		{[]float64{1, 2, 2, 3}, []float64{1, 2, 3, 4}, 0.9486832980505138, true}, // ties averaged
		{[]float64{1, 1, 1}, []float64{1, 2, 3}, 0, false},                       // constant
		{[]float64{1}, []float64{1}, 0, false},                                   // too short
		{[]float64{1, 2}, []float64{1}, 0, false},                                // lengths differ
		{[]float64{0.98, 0.99, 0.97}, []float64{0.991, 0.992, 0.990}, 1, true},   // scale-free
	}
	for _, c := range cases {
		got, ok := Spearman(c.x, c.y)
		if ok != c.ok || math.Abs(got-c.want) > 1e-12 {
			t.Errorf("Spearman(%v, %v) = %v, %v; want %v, %v", c.x, c.y, got, ok, c.want, c.ok)
		}
	}
}

func TestParseBits(t *testing.T) {
	good := map[string]Bits{"conv=8,fc=5": {8, 5}, "fc=4": {0, 4}, " conv = 3 ": {3, 0}, "fc=16,conv=1": {1, 16}}
	for in, want := range good {
		if got, err := ParseBits(in); err != nil || got != want {
			t.Errorf("ParseBits(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, in := range []string{"", "conv=0", "conv=17", "conv=8,conv=4", "fc", "pool=4", "conv=x", "conv=8;fc=5"} {
		var fe *fielderr.Error
		if _, err := ParseBits(in); !errors.As(err, &fe) || fe.Field != "bits" {
			t.Errorf("ParseBits(%q): error %v, want a field error on bits", in, err)
		}
	}
}

func FuzzParseBits(f *testing.F) {
	for _, s := range []string{"conv=8,fc=5", "fc=4", "conv=99", "=,=", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		b, err := ParseBits(s)
		if err != nil {
			return
		}
		if b.check() != nil || b == (Bits{}) {
			t.Fatalf("ParseBits(%q) = %v without error", s, b)
		}
		if again, err := ParseBits(b.String()); b.Conv > 0 && b.FC > 0 && (err != nil || again != b) {
			t.Fatalf("round trip of %v: %v, %v", b, again, err)
		}
	})
}

func TestValidate(t *testing.T) {
	cases := []struct {
		name        string
		edit        func(*Settings)
		field, want string
	}{
		{"empty conv grid", func(s *Settings) { s.ConvKeeps = nil }, "conv_keeps", "the grid is empty"},
		{"empty fc grid", func(s *Settings) { s.FCKeeps = nil }, "fc_keeps", "the grid is empty"},
		{"keep above 1", func(s *Settings) { s.ConvKeeps = []float64{1.5} }, "conv_keeps", "must be in (0,1]"},
		{"keep zero", func(s *Settings) { s.FCKeeps = []float64{0} }, "fc_keeps", "must be in (0,1]"},
		{"keep NaN", func(s *Settings) { s.FCKeeps = []float64{math.NaN()} }, "fc_keeps", "must be in (0,1]"},
		{"duplicate keep", func(s *Settings) { s.FCKeeps = []float64{0.1, 0.1} }, "fc_keeps", "listed twice"},
		{"global keep", func(s *Settings) { s.GlobalKeeps = []float64{2} }, "global_keeps", "must be in (0,1]"},
		{"bad bits", func(s *Settings) { s.Bits = []Bits{{Conv: 20}} }, "bits", "conv=20"},
		{"negative budget", func(s *Settings) { s.Budget.MaxLatencyUS = -1 }, "budget.max_latency_us", "must be a finite number > 0"},
		{"negative params", func(s *Settings) { s.Budget.MaxParams = -1 }, "budget.max_params", "must be > 0"},
		{"objective", func(s *Settings) { s.Objective = "speed" }, "objective", `"speed": unknown (valid: energy, latency, params)`},
		{"search", func(s *Settings) { s.Search = "random" }, "search", `"random": unknown (valid: grid, halving, walk)`},
		{"max drop", func(s *Settings) { s.MaxDrop = 1 }, "max_drop", "must be in [0,1)"},
		{"rounds", func(s *Settings) { s.Prune.Rounds = -1 }, "prune.rounds", "must be ≥ 0"},
		{"retraining lr", func(s *Settings) { s.Prune.Train.LR = -1 }, "prune.train.lr", "must be a number ≥ 0"},
		{"val images", func(s *Settings) { s.ValImages = -1 }, "val_images", "must be ≥ 0"},
		{"walk steps", func(s *Settings) { s.WalkSteps = -1 }, "walk_steps", "must be ≥ 0"},
		{"no workload", func(s *Settings) { s.Workloads = nil }, "workloads", "required"},
	}
	for _, c := range cases {
		s := tinySettings()
		c.edit(&s)
		err := s.Validate()
		var fe *fielderr.Error
		if !errors.As(err, &fe) || fe.Field != c.field || !strings.Contains(fe.Msg, c.want) {
			t.Errorf("%s: err %v, want a field error on %s containing %q", c.name, err, c.field, c.want)
		}
	}
	if err := tinySettings().Validate(); err != nil {
		t.Fatal(err)
	}
}

// TestExplore runs the search on a tiny grid: every candidate is simulated
// with masks at its keep fractions, the front and the choice are
// consistent, and the same seed gives identical bytes.
func TestExplore(t *testing.T) {
	m, data, spec := testModel(t), testData(160), testSpec(t)
	s := tinySettings()
	s.SaliencyImages = 64
	r1, err := Explore(m, spec, data, data.Subset(64), s)
	if err != nil {
		t.Fatal(err)
	}
	if len(r1.Candidates) != 5 || len(r1.Front) == 0 || r1.Chosen == "" { // 2×2 grid + 1 global rung
		t.Fatalf("candidates %d, front %v, chosen %q", len(r1.Candidates), r1.Front, r1.Chosen)
	}
	convW, fcW := int64(25500), int64(405000) // LeNet-5: conv1+conv2, fc1+fc2
	for _, c := range r1.Candidates {
		want := int64(math.Round(c.ConvKeep*float64(convW))) + int64(math.Round(c.FCKeep*float64(fcW)))
		if c.Weights != want {
			t.Errorf("%s: %d weights kept, want %d", c.Name, c.Weights, want)
		}
		if c.Params != c.Weights+580 || c.LatencyUS <= 0 || c.EnergyPJ <= 0 || c.CompressionRatio <= 1 {
			t.Errorf("%s: params %d (weights %d + 580 biases), latency %g µs, energy %g pJ, compression %g",
				c.Name, c.Params, c.Weights, c.LatencyUS, c.EnergyPJ, c.CompressionRatio)
		}
		if c.ProxyImages != 64 {
			t.Errorf("%s: proxy fine-tuned on %d images, want 64", c.Name, c.ProxyImages)
		}
	}
	chosen := r1.ChosenCandidate()
	for _, c := range r1.Candidates {
		if c.Admissible && c.LatencyUS < chosen.LatencyUS {
			t.Errorf("%s is admissible and faster than the chosen %s", c.Name, chosen.Name)
		}
	}
	r2, err := Explore(m, spec, data, data.Subset(64), s)
	if err != nil {
		t.Fatal(err)
	}
	j1, j2 := mustJSON(t, r1), mustJSON(t, r2)
	if !bytes.Equal(j1, j2) {
		t.Fatal("same seed, different results")
	}
	// The JSON is codesign rows dcsim report can read.
	rows, err := reports.ReadCodesign(bytes.NewReader(j1), "codesign.json")
	if err != nil || len(rows) != 5 {
		t.Fatalf("report reads %d rows: %v", len(rows), err)
	}
}

// TestExploreBudgetUnmet: an impossible latency budget is a *BudgetError
// whose message names the closest candidate and its figures.
func TestExploreBudgetUnmet(t *testing.T) {
	s := tinySettings()
	s.SaliencyImages, s.ProxyTrainImages = 32, 0
	s.Budget.MaxLatencyUS = 0.001
	data := testData(96)
	res, err := Explore(testModel(t), testSpec(t), data, data.Subset(32), s)
	var be *BudgetError
	if !errors.As(err, &be) {
		t.Fatalf("err %v, want a *BudgetError", err)
	}
	msg := err.Error()
	for _, want := range []string{"meets the budget max-latency-us 0.001", "closest: " + be.Closest.Name, "latency", "params"} {
		if !strings.Contains(msg, want) {
			t.Errorf("message %q lacks %q", msg, want)
		}
	}
	if res == nil || len(res.Candidates) != 5 {
		t.Fatal("no partial result")
	}
	for _, c := range res.Candidates {
		if c.Admissible {
			t.Errorf("%s admissible under an impossible budget", c.Name)
		}
	}
}

// TestRun retrains a tiny candidate for real: the global baseline keeps the
// same number of weights as the co-designed model.
func TestRun(t *testing.T) {
	if testing.Short() {
		t.Skip("retrains")
	}
	s := tinySettings()
	s.SaliencyImages, s.ProxyTrainImages = 32, 32
	s.ConvKeeps, s.FCKeeps = []float64{0.3}, []float64{0.05}
	s.Bits = []Bits{{Conv: 4, FC: 3}}
	s.Prune.Rounds, s.Prune.RetrainEpochs, s.Prune.FinalEpochs = 1, 1, -1
	s.ValidateProxy = 1
	data := testData(96)
	res, err := Run(testModel(t), testSpec(t), data, data.Subset(48), s)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Comparison) != 4 {
		t.Fatalf("%d comparison rows", len(res.Comparison))
	}
	d, g, c, k := res.Comparison[0], res.Comparison[1], res.Comparison[2], res.Comparison[3]
	if g.Weights != c.Weights || d.Weights != 430500 || k.Weights != c.Weights {
		t.Errorf("weights: dense %d global %d co-designed %d clustered %d", d.Weights, g.Weights, c.Weights, k.Weights)
	}
	if math.Abs(c.ConvDensity-0.3) > 1e-4 || math.Abs(c.FCDensity-0.05) > 1e-4 {
		t.Errorf("co-designed densities conv %g fc %g, want 0.3 and 0.05", c.ConvDensity, c.FCDensity)
	}
	if k.CompressionRatio <= c.CompressionRatio {
		t.Errorf("clustering did not compress: %g ≤ %g", k.CompressionRatio, c.CompressionRatio)
	}
	if math.Abs(res.LatencyGain-g.LatencyUS/c.LatencyUS) > 1e-12 || res.Validation == nil || len(res.Validation.Candidates) != 1 {
		t.Errorf("gain %g, validation %+v", res.LatencyGain, res.Validation)
	}
	if len(res.Tables()) != 4 {
		t.Errorf("%d tables, want comparison, front, validation, candidates", len(res.Tables()))
	}
	if res.ValImages != 24 || res.TestImages != 24 {
		t.Errorf("held out %d, tested on %d of 48 test images, want 24 and 24", res.ValImages, res.TestImages)
	}
}

// TestWalk: every walk move keeps the starting candidate's number of
// weights, cuts exactly one layer to WalkFactors[0] of its kept weights and
// gives them to the other layers; its LayerKeeps match its masks; a walk
// candidate is retrained at those per-layer keeps; the walk is
// deterministic.
func TestWalk(t *testing.T) {
	if testing.Short() {
		t.Skip("retrains")
	}
	s := tinySettings()
	s.SaliencyImages, s.ProxyTrainImages = 32, 32
	s.ConvKeeps, s.FCKeeps = []float64{0.5}, []float64{0.2}
	s.Search, s.WalkSteps, s.MaxDrop, s.NoRetrain = Walk, 2, 0.9, true
	data := testData(96)
	m := testModel(t)
	res, err := Run(m, testSpec(t), data, data.Subset(48), s)
	if err != nil {
		t.Fatal(err)
	}
	var walked []Candidate
	for _, c := range res.Candidates {
		if c.Series == "walk" {
			walked = append(walked, c)
		}
	}
	// Step 1 moves conv1, conv2 and fc2; fc1 cannot: cutting its 81,000
	// kept weights to 60 % frees 32,400, more than the other layers have
	// pruned (about 16,600).
	if len(walked) < 3 || strings.Contains(walked[0].Name+walked[1].Name+walked[2].Name, "fc1") {
		t.Fatalf("%d walk candidates, want a first step of 3 moves (conv1, conv2, fc2)", len(walked))
	}
	start := res.Candidates[0]
	weights := map[string]float64{"conv1": 500, "conv2": 25000, "fc1": 400000, "fc2": 5000}
	for _, c := range walked {
		var kept float64
		for l, k := range c.LayerKeeps {
			kept += k * weights[l]
		}
		if math.Abs(kept-float64(c.Weights)) > 0.5 || c.Weights != start.Weights {
			t.Errorf("%s: layer keeps give %g weights, masks %d, start %d", c.Name, kept, c.Weights, start.Weights)
		}
	}
	for _, c := range walked[:3] {
		cut := 0
		for l, k := range c.LayerKeeps {
			before := math.Round(kindKeepOf(start, l) * weights[l])
			after := math.Round(k * weights[l])
			switch {
			case after < before:
				cut++
				if want := math.Max(math.Round(before*WalkFactors[0]), 1); after != want {
					t.Errorf("%s: %s keeps %g weights, want %g", c.Name, l, after, want)
				}
			case after > before && strings.Contains(c.Name, " "+l+" "):
				t.Errorf("%s: the cut layer %s grew", c.Name, l)
			}
		}
		if cut != 1 {
			t.Errorf("%s cuts %d layers, want 1", c.Name, cut)
		}
	}
	// A walk candidate retrains at its per-layer keeps.
	s.Prune.Rounds, s.Prune.RetrainEpochs, s.Prune.FinalEpochs = 1, 1, -1
	rm, _, err := retrain(m, data, 0, &walked[1], s)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range rm.Params() {
		if got, want := keptOf(p.Mask)/float64(len(p.Mask)), walked[1].LayerKeeps[p.Layer]; math.Abs(got-want) > 1e-9 {
			t.Errorf("%s retrained: %s keeps %g, want %g", walked[1].Name, p.Layer, got, want)
		}
	}
	res2, err := Run(m, testSpec(t), data, data.Subset(48), s)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(mustJSON(t, res), mustJSON(t, res2)) {
		t.Error("same seed, different walks")
	}
}

// TestBestMove: the walk takes the admissible move with the largest
// objective gain per accuracy lost, never one below its reference's
// tolerance or one that does not lower the objective.
func TestBestMove(t *testing.T) {
	s := Settings{Objective: Latency, MaxDrop: 0.002}
	cur := Candidate{Accuracy: 0.99, LatencyUS: 10}
	moves := []Candidate{
		{Name: "slower", Accuracy: 0.995, Reference: 0.99, LatencyUS: 11},
		{Name: "inadmissible", Accuracy: 0.95, Reference: 0.99, LatencyUS: 2},
		{Name: "small gain, no loss", Accuracy: 0.99, Reference: 0.99, LatencyUS: 9.9},    // 0.1 / floor 0.001 = 100
		{Name: "big gain, some loss", Accuracy: 0.989, Reference: 0.99, LatencyUS: 7},     // 3 / 0.001 = 3000
		{Name: "bigger gain, more loss", Accuracy: 0.9885, Reference: 0.99, LatencyUS: 6}, // 4 / 0.0015 ≈ 2667
	}
	if got := bestMove(&cur, moves, 0.001, s); got != 3 {
		t.Errorf("best move %d, want 3 (big gain, some loss)", got)
	}
	if got := bestMove(&cur, moves[:2], 0.001, s); got != -1 {
		t.Errorf("best move %d among a slower and an inadmissible one, want -1", got)
	}
}

// TestShrinkingStep: when no move at a factor is admissible the step is
// retried with the next, gentler factor, in order, and it reports the
// factor it ended at; an admissible move at the first factor stops there,
// and a step with none at the gentlest factor reports -1.
func TestShrinkingStep(t *testing.T) {
	s := Settings{Objective: Latency, MaxDrop: 0.002}
	cur := Candidate{Accuracy: 0.99, LatencyUS: 10}
	// Cutting harder is faster but, below the second factor, inadmissible.
	movesAt := func(admissibleFrom float64, tried *[]float64) func(float64) ([]Candidate, error) {
		return func(factor float64) ([]Candidate, error) {
			*tried = append(*tried, factor)
			acc := 0.95
			if factor >= admissibleFrom {
				acc = 0.99
			}
			return []Candidate{{Name: fmt.Sprint(factor), Accuracy: acc, Reference: 0.99, LatencyUS: 10 * factor}}, nil
		}
	}
	for _, c := range []struct {
		from           int // index into WalkFactors
		admissibleFrom float64
		wantTried      []float64
		wantNext       int
	}{
		{0, WalkFactors[0], WalkFactors[:1], 0},
		{0, WalkFactors[1], WalkFactors[:2], 0},
		{0, WalkFactors[2], WalkFactors[:3], 0},
		{0, 2, WalkFactors, -1},
		{1, WalkFactors[0], WalkFactors[1:2], 0}, // moves never get harsher again
	} {
		var tried []float64
		moves, next, nf, err := shrinkingStep(&cur, c.from, movesAt(c.admissibleFrom, &tried), 0.001, s)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(tried, c.wantTried) || next != c.wantNext || WalkFactors[nf] != tried[len(tried)-1] {
			t.Errorf("start %g, admissible from %g: tried %v, next %d, ended at %g; want tried %v, next %d",
				WalkFactors[c.from], c.admissibleFrom, tried, next, WalkFactors[nf], c.wantTried, c.wantNext)
		}
		if next >= 0 && moves[next].Name != fmt.Sprint(tried[len(tried)-1]) {
			t.Errorf("chose %s, want the move at %g", moves[next].Name, tried[len(tried)-1])
		}
	}
	fail := errors.New("simulator down")
	if _, _, _, err := shrinkingStep(&cur, 0, func(float64) ([]Candidate, error) { return nil, fail }, 0.001, s); !errors.Is(err, fail) {
		t.Errorf("error %v, want %v", err, fail)
	}
}

// TestReference: the ladder interpolates linearly in log(weights) and is
// constant beyond its ends.
func TestReference(t *testing.T) {
	cs := []Candidate{{Series: "global", Weights: 100, Accuracy: 0.9}, {Series: "global", Weights: 10000, Accuracy: 0.98},
		{Series: "candidates", Weights: 1000}}
	ref := reference(cs)
	for _, c := range []struct {
		w    int64
		want float64
	}{{50, 0.9}, {100, 0.9}, {1000, 0.94}, {10000, 0.98}, {1e6, 0.98}} {
		if got := ref(c.w); math.Abs(got-c.want) > 1e-12 {
			t.Errorf("reference(%d) = %g, want %g", c.w, got, c.want)
		}
	}
	setReferences(cs)
	if math.Abs(cs[2].Reference-0.94) > 1e-12 {
		t.Errorf("candidate reference %g, want 0.94", cs[2].Reference)
	}
}

// kindKeepOf is the keep fraction a grid candidate gives layer l (its
// class threshold's, read back from its masks).
func kindKeepOf(c Candidate, l string) float64 {
	ps := map[string]int{"conv1": 0, "conv2": 1, "fc1": 2, "fc2": 3}
	return keptOf(c.masks[ps[l]]) / float64(len(c.masks[ps[l]]))
}

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestRunFCOnly: an FC-only network (LeNet-300-100) is co-designed over
// its FC keep alone — no error for the conv axis it lacks — and retrained
// for real.
func TestRunFCOnly(t *testing.T) {
	if testing.Short() {
		t.Skip("retrains")
	}
	a, err := network.Zoo("lenet-300-100")
	if err != nil {
		t.Fatal(err)
	}
	m, err := nn.NewModel(a, 7)
	if err != nil {
		t.Fatal(err)
	}
	s := tinySettings()
	s.SaliencyImages, s.ProxyTrainImages = 32, 32
	s.Prune.Rounds, s.Prune.RetrainEpochs, s.Prune.FinalEpochs = 1, 1, -1
	data := testData(96)
	res, err := Run(m, testSpec(t), data, data.Subset(48), s)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Candidates) != len(s.FCKeeps)+len(s.GlobalKeeps) {
		t.Errorf("%d candidates, want one per FC keep (%d) and global rung", len(res.Candidates), len(s.FCKeeps))
	}
	for _, c := range res.Candidates {
		if c.ConvKeep != 1 && c.Series != "global" {
			t.Errorf("%s: conv keep %g on a network without conv layers", c.Name, c.ConvKeep)
		}
	}
	g, c := res.Comparison[1], res.Comparison[2]
	if g.Weights != c.Weights || math.Abs(c.FCDensity-res.ChosenCandidate().FCKeep) > 1e-4 {
		t.Errorf("global %d vs co-designed %d weights, FC density %g", g.Weights, c.Weights, c.FCDensity)
	}
}
