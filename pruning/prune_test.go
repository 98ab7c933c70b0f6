package pruning

import (
	"errors"
	"math"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/dcsim/dcsim/internal/fielderr"
	"github.com/dcsim/dcsim/network"
	"github.com/dcsim/dcsim/nn"
)

var (
	mnistOnce         sync.Once
	mnistTrain, mnist *nn.Dataset
	mnistErr          error
)

// testData returns the first n training and test images of MNIST, loaded
// once per test binary; tests skip when MNIST is absent.
func testData(t testing.TB, n int) (train, test *nn.Dataset) {
	t.Helper()
	mnistOnce.Do(func() {
		dir, err := nn.MNISTDir("")
		if err != nil {
			mnistErr = err
			return
		}
		mnistTrain, mnist, mnistErr = nn.LoadMNIST(dir)
	})
	if mnistErr != nil {
		t.Skipf("MNIST not available: %v", mnistErr)
	}
	return mnistTrain.Subset(n), mnist.Subset(n)
}

// trained returns a model of the zoo network trained briefly on train.
func trained(t testing.TB, name string, train *nn.Dataset, epochs int) *nn.Model {
	t.Helper()
	arch, err := network.Zoo(name)
	if err != nil {
		t.Fatal(err)
	}
	m, err := nn.NewModel(arch, 1)
	if err != nil {
		t.Fatal(err)
	}
	ts := nn.DefaultTrainSettings(name)
	ts.Epochs = epochs
	if _, err := nn.Train(m, train, ts); err != nil {
		t.Fatal(err)
	}
	return m
}

// quick are settings small enough for unit tests.
func quick(keep float64) Settings {
	return Settings{Keep: keep, Rounds: 2, RetrainEpochs: 1, FinalEpochs: 1, Seed: 1}
}

func TestPruneGlobal(t *testing.T) {
	train, test := testData(t, 600)
	m := trained(t, "lenet-300-100", train, 2)
	for _, crit := range Criteria() {
		mc := m.Clone()
		s := quick(0.1)
		s.Criterion = crit
		rep, err := Prune(mc, train, test, s)
		if err != nil {
			t.Fatalf("%s: %v", crit, err)
		}
		want := int64(math.Round(0.1 * float64(rep.Total.Weights)))
		if rep.Total.Kept != want {
			t.Errorf("%s: kept %d weights, want exactly %d", crit, rep.Total.Kept, want)
		}
		if len(rep.Rounds) != 3 || rep.Rounds[2].Phase != PhaseFinetune {
			t.Errorf("%s: rounds %+v, want 2 prune rounds and a finetune", crit, rep.Rounds)
		}
		var kept int64
		for _, l := range rep.Layers {
			kept += l.Kept
			if l.Density <= 0 || l.Density >= 1 {
				t.Errorf("%s: layer %s density %g: the global threshold should leave every layer partly pruned", crit, l.Name, l.Density)
			}
		}
		if kept != rep.Total.Kept {
			t.Errorf("%s: layers keep %d, total says %d", crit, kept, rep.Total.Kept)
		}
		// After the frozen-mask phase pruned weights are exactly zero.
		for _, p := range mc.Params() {
			for i, v := range p.Mask {
				if v == 0 && (p.W[i] != 0 || p.Effective(i) != 0) {
					t.Fatalf("%s: %s weight %d pruned but W = %g", crit, p.Layer, i, p.W[i])
				}
			}
		}
		if rep.Accuracy < 0.6 {
			t.Errorf("%s: accuracy %.3f after pruning to 10%%; retraining failed", crit, rep.Accuracy)
		}
	}
}

func TestPruneSeparatedConvFC(t *testing.T) {
	train, test := testData(t, 200)
	m := trained(t, "lenet-5", train, 1)
	s := Settings{ConvKeep: 0.5, FCKeep: 0.05, Rounds: 1, RetrainEpochs: 1, FinalEpochs: -1, Seed: 1}
	rep, err := Prune(m, train, test, s)
	if err != nil {
		t.Fatal(err)
	}
	var cw, ck, fw, fk int64
	for _, l := range rep.Layers {
		if l.Kind == network.Conv {
			cw, ck = cw+l.Weights, ck+l.Kept
		} else {
			fw, fk = fw+l.Weights, fk+l.Kept
		}
		if want := int64(math.Round(float64(l.MACs) * l.Density)); l.MACsKept != want {
			t.Errorf("%s: MACs remaining %d, want MACs·density = %d", l.Name, l.MACsKept, want)
		}
	}
	if want := int64(math.Round(0.5 * float64(cw))); ck != want {
		t.Errorf("conv keeps %d of %d, want %d", ck, cw, want)
	}
	if want := int64(math.Round(0.05 * float64(fw))); fk != want {
		t.Errorf("fc keeps %d of %d, want %d", fk, fw, want)
	}
	if r := rep.Rounds[0]; r.ConvKeepTarget != 0.5 || r.FCKeepTarget != 0.05 {
		t.Errorf("round targets conv %g fc %g, want 0.5 and 0.05", r.ConvKeepTarget, r.FCKeepTarget)
	}
}

func TestPruneLayerKeeps(t *testing.T) {
	train, test := testData(t, 200)
	m := trained(t, "lenet-5", train, 1)
	keeps := map[string]float64{"conv1": 0.8, "conv2": 0.1, "fc1": 0.03, "fc2": 0.5}
	s := Settings{LayerKeeps: keeps, Rounds: 2, RetrainEpochs: 1, FinalEpochs: -1, Seed: 1}
	rep, err := Prune(m, train, test, s)
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range rep.Layers {
		if want := int64(math.Round(keeps[l.Name] * float64(l.Weights))); l.Kept != want {
			t.Errorf("%s keeps %d of %d, want %d", l.Name, l.Kept, l.Weights, want)
		}
	}
	if got := rep.Rounds[1].LayerKeepTargets["conv2"]; got != 0.1 {
		t.Errorf("last round's conv2 target %g, want 0.1", got)
	}
	bad := []struct {
		keeps map[string]float64
		want  string
	}{
		{map[string]float64{"conv1": 1, "conv2": 1, "fc1": 1}, `no keep fraction for layer "fc2"`},
		{map[string]float64{"conv1": 1, "conv2": 1, "fc1": 1, "fc2": 1, "fc9": 1}, `"fc9" is not a conv or fc layer`},
		{map[string]float64{"conv1": 1.5}, "layer_keeps.conv1: must be in (0,1]"},
		{map[string]float64{}, "layer_keeps: empty"},
	}
	for _, b := range bad {
		_, err := Prune(m.Clone(), train, nil, Settings{LayerKeeps: b.keeps, Rounds: 1, RetrainEpochs: 1, FinalEpochs: -1})
		if err == nil || !strings.Contains(err.Error(), b.want) {
			t.Errorf("%v: error %v, want %q", b.keeps, err, b.want)
		}
	}
	if err := (Settings{Keep: 0.5, LayerKeeps: keeps}).Validate(); err == nil {
		t.Error("keep with layer-keeps accepted")
	}
}

// wronglyPruned returns a trained model whose fc1 mask prunes its 20% most
// important (largest) weights and keeps the rest: a mistake that splicing
// must repair.
func wronglyPruned(t *testing.T, train *nn.Dataset) *nn.Model {
	m := trained(t, "lenet-300-100", train, 2)
	p := m.Params()[0]
	th, err := SelectGlobal(magnitudes([][]float32{p.W}), 0.2, 0)
	if err != nil {
		t.Fatal(err)
	}
	p.Mask = make([]float32, len(p.W))
	for i, v := range th.Masks[0] {
		p.Mask[i] = 1 - v
	}
	return m
}

func TestSplicingRevivesWronglyPrunedWeights(t *testing.T) {
	train, _ := testData(t, 300)
	for _, crit := range Criteria() {
		for _, splice := range []bool{true, false} {
			m := wronglyPruned(t, train)
			s := Settings{Criterion: crit, Keep: 0.5, Rounds: 1, RetrainEpochs: 1, FinalEpochs: -1, NoSplicing: !splice, Seed: 1}
			rep, err := Prune(m, train, nil, s)
			if err != nil {
				t.Fatal(err)
			}
			rev := rep.Rounds[0].Revived
			// fc1 is 88% of the weights and 20% of it was wrongly pruned.
			if splice && rev < 10000 {
				t.Errorf("%s with splicing: %d weights revived, want the wrongly pruned ones back", crit, rev)
			}
			if !splice && rev != 0 {
				t.Errorf("%s without splicing: %d weights revived, want 0", crit, rev)
			}
		}
	}
}

// TestFrozenShadowsStillRevive: with FrozenShadows the shadows are not
// trained, but each round still ranks them, so the wrongly pruned large
// weights come back at the first ranking.
func TestFrozenShadowsStillRevive(t *testing.T) {
	train, _ := testData(t, 300)
	m := wronglyPruned(t, train)
	s := Settings{Criterion: "magnitude", Keep: 0.5, Rounds: 1, RetrainEpochs: 1, FinalEpochs: -1, FrozenShadows: true, Seed: 1}
	rep, err := Prune(m, train, nil, s)
	if err != nil {
		t.Fatal(err)
	}
	if rev := rep.Rounds[0].Revived; rev < 10000 {
		t.Errorf("frozen shadows: %d weights revived, want the wrongly pruned ones back", rev)
	}
}

// TestFrozenShadowsDoNotDrift: trained shadows drift between rounds and
// outrank kept weights; frozen ones keep their pruned values, so far fewer
// weights come back in the later rounds.
func TestFrozenShadowsDoNotDrift(t *testing.T) {
	train, _ := testData(t, 2000)
	dense := trained(t, "lenet-300-100", train, 2)
	revived := map[bool]int64{}
	for _, frozen := range []bool{false, true} {
		s := Settings{Keep: 0.1, Rounds: 3, RetrainEpochs: 3, FinalEpochs: -1, FrozenShadows: frozen, Seed: 1}
		rep, err := Prune(dense.Clone(), train, nil, s)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range rep.Rounds {
			revived[frozen] += r.Revived
		}
	}
	if 2*revived[true] >= revived[false] {
		t.Errorf("revived %d with frozen shadows, %d with trained ones: want far fewer frozen", revived[true], revived[false])
	}
}

func TestMagnitudeCriterionIsAbsWeight(t *testing.T) {
	train, _ := testData(t, 100)
	m := trained(t, "lenet-300-100", train, 1)
	ps := m.Params()
	ps[1].Mask = make([]float32, len(ps[1].W)) // shadow values still count
	scores, err := Scores(m, ps, nil, Settings{Criterion: "magnitude", Keep: 1})
	if err != nil {
		t.Fatal(err)
	}
	for l, p := range ps {
		for i, w := range p.W {
			if scores[l][i] != float32(math.Abs(float64(w))) {
				t.Fatalf("%s[%d]: score %g, want |w| = %g", p.Layer, i, scores[l][i], math.Abs(float64(w)))
			}
		}
	}
}

func TestSaliencyScoresPrunedShadowWeights(t *testing.T) {
	train, _ := testData(t, 200)
	m := trained(t, "lenet-300-100", train, 1)
	ps := m.Params()
	ps[1].Mask = make([]float32, len(ps[1].W)) // every other fc2 weight masked
	for i := 0; i < len(ps[1].Mask); i += 2 {
		ps[1].Mask[i] = 1
	}
	scores, err := Scores(m, ps, train, Settings{Keep: 1})
	if err != nil {
		t.Fatal(err)
	}
	var live, masked float64 // fractions with a non-zero saliency
	for i, v := range scores[1] {
		if v > 0 {
			if i%2 == 0 {
				live += 2 / float64(len(scores[1]))
			} else {
				masked += 2 / float64(len(scores[1]))
			}
		}
	}
	if live < 0.5 || masked < 0.95*live {
		t.Errorf("non-zero saliency for %.2f of live and %.2f of masked fc2 weights; pruned weights must be scored on their shadow values", live, masked)
	}
}

func TestPruneDeterministic(t *testing.T) {
	train, _ := testData(t, 300)
	base := trained(t, "lenet-300-100", train, 1)
	var masks [2][][]float32
	for run := range masks {
		m := base.Clone()
		s := quick(0.05)
		s.FinalEpochs = -1
		s.Train.Workers = 1 + run // bit-identical whatever the worker count
		if _, err := Prune(m, train, nil, s); err != nil {
			t.Fatal(err)
		}
		for _, p := range m.Params() {
			masks[run] = append(masks[run], p.Mask)
		}
	}
	for l := range masks[0] {
		for i := range masks[0][l] {
			if masks[0][l][i] != masks[1][l][i] {
				t.Fatalf("layer %d weight %d: masks differ between identical runs", l, i)
			}
		}
	}
}

func TestPruneBadSettings(t *testing.T) {
	train, _ := testData(t, 50)
	arch, _ := network.Zoo("lenet-300-100")
	m, err := nn.NewModel(arch, 1)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name        string
		s           Settings
		field, want string
	}{
		{"no keep", Settings{}, "keep", "required (give keep, or conv_keep and fc_keep)"},
		{"keep above one", Settings{Keep: 1.5}, "keep", "must be in (0,1], got 1.5"},
		{"keep negative", Settings{Keep: -0.1}, "keep", "must be in (0,1]"},
		{"keep and conv keep", Settings{Keep: 0.1, ConvKeep: 0.5, FCKeep: 0.1}, "keep", "not both"},
		{"conv keep alone", Settings{ConvKeep: 0.5}, "conv_keep", "set both conv_keep and fc_keep"},
		{"fc keep out of range", Settings{ConvKeep: 0.5, FCKeep: 2}, "fc_keep", "must be in (0,1]"},
		{"no conv layers", Settings{ConvKeep: 0.5, FCKeep: 0.1}, "conv_keep", "no conv layers"},
		{"unknown criterion", Settings{Keep: 0.1, Criterion: "random"}, "criterion", "magnitude, saliency"},
		{"unknown normalize", Settings{Keep: 0.1, Normalize: "std"}, "normalize", "l2, max, mean, none"},
		{"unknown accumulate", Settings{Keep: 0.1, Accumulate: "sample"}, "accumulate", "batch, epoch"},
		{"unknown schedule", Settings{Keep: 0.1, Schedule: "linear"}, "schedule", "cubic, geometric"},
		{"negative rounds", Settings{Keep: 0.1, Rounds: -1}, "rounds", "must be ≥ 0"},
		{"negative lr", Settings{Keep: 0.1, Train: nn.TrainSettings{LR: -1}}, "train.lr", "must be a number ≥ 0"},
		{"saliency images", Settings{Keep: 0.5, SaliencyImages: -1}, "saliency_images", "must be ≥ 0"},
		{"revive fraction", Settings{Keep: 0.5, ReviveFraction: 1.5}, "revive_fraction", "must be a number ≤ 1 (0 or negative: no cap), got 1.5"},
		{"revive fraction NaN", Settings{Keep: 0.5, ReviveFraction: math.NaN()}, "revive_fraction", "must be a number ≤ 1 (0 or negative: no cap), got NaN"},
	} {
		// Library errors name the settings field, typed, never a flag.
		_, err := Prune(m.Clone(), train, nil, tc.s)
		var fe *fielderr.Error
		if !errors.As(err, &fe) || fe.Field != tc.field || !strings.Contains(fe.Msg, tc.want) {
			t.Errorf("%s: error %v, want a field error on %s containing %q", tc.name, err, tc.field, tc.want)
		}
	}
	if _, err := Prune(m.Clone(), nil, nil, Settings{Keep: 0.1}); err == nil || !strings.Contains(err.Error(), "training data") {
		t.Errorf("no training data: error %v", err)
	}
	bad := *train
	bad.C, bad.H, bad.W = 1, 14, 14 // does not fit the network's input
	if _, err := Prune(m.Clone(), train, &bad, Settings{Keep: 0.1}); err == nil || !strings.Contains(err.Error(), "validation data") {
		t.Errorf("mismatched validation data: error %v", err)
	}
	if _, err := Prune(m.Clone(), &bad, nil, Settings{Keep: 0.1}); err == nil {
		t.Error("mismatched training data: no error")
	}
}

func TestSensitivity(t *testing.T) {
	train, test := testData(t, 1000)
	m := trained(t, "lenet-300-100", train, 2)
	before := m.Clone()
	dens := []float64{1, 0.5, 0.001}
	for _, crit := range []string{"magnitude", "saliency"} {
		rep, err := Sensitivity(m, train, test, Settings{Criterion: crit}, dens)
		if err != nil {
			t.Fatal(err)
		}
		if len(rep.Points) != 3*len(dens) || len(rep.Layers) != 3 {
			t.Fatalf("%s: %d points over %v, want 9 over 3 layers", crit, len(rep.Points), rep.Layers)
		}
		for _, l := range rep.Layers {
			full, _ := rep.At(l, 1)
			if full.Accuracy != rep.DenseAccuracy {
				t.Errorf("%s %s at density 1: accuracy %g, dense %g", crit, l, full.Accuracy, rep.DenseAccuracy)
			}
			p, _ := rep.At(l, 0.001)
			n := len(m.Param(l).W)
			if want := max(1, int(math.Round(0.001*float64(n)))); p.Kept != want {
				t.Errorf("%s %s: kept %d, want %d", crit, l, p.Kept, want)
			}
		}
		// fc1 at 0.1 % (235 weights) must hurt: the layer carries all input.
		if p, _ := rep.At("fc1", 0.001); p.Accuracy > rep.DenseAccuracy-0.2 {
			t.Errorf("%s: fc1 at 0.1%% density keeps %.3f of dense %.3f", crit, p.Accuracy, rep.DenseAccuracy)
		}
	}
	for i, p := range m.Params() {
		if p.Mask != nil || !slices.Equal(p.W, before.Params()[i].W) {
			t.Fatalf("layer %s changed by Sensitivity", p.Layer)
		}
	}
	if _, err := Sensitivity(m, train, test, Settings{}, []float64{0}); err == nil || !strings.Contains(err.Error(), "densities") {
		t.Errorf("density 0: error %v", err)
	}
	if _, err := Sensitivity(m, train, nil, Settings{}, nil); err == nil {
		t.Error("no test data: no error")
	}
}

func TestSensitivityKeepsPrunedWeights(t *testing.T) {
	train, test := testData(t, 500)
	m := trained(t, "lenet-300-100", train, 1)
	p := m.Param("fc2")
	p.Mask = make([]float32, len(p.W))
	for i := 0; i < len(p.Mask); i += 4 {
		p.Mask[i] = 1 // a quarter kept
	}
	rep, err := Sensitivity(m, nil, test, Settings{Criterion: "magnitude"}, []float64{0.5, 0.1})
	if err != nil {
		t.Fatal(err)
	}
	if pt, _ := rep.At("fc2", 0.5); pt.Kept != len(p.W)/4 {
		t.Errorf("fc2 at 0.5 of a 0.25-dense layer: kept %d, want %d", pt.Kept, len(p.W)/4)
	}
	if pt, _ := rep.At("fc2", 0.1); pt.Kept != len(p.W)/10 {
		t.Errorf("fc2 at 0.1: kept %d, want %d", pt.Kept, len(p.W)/10)
	}
	if p.Mask == nil || p.Mask[1] != 0 || p.Mask[0] != 1 {
		t.Error("fc2 mask not restored")
	}
}

// TestPruneSaliencyImages: a round scores the weights on the first
// SaliencyImages training images only — its masks are those the same
// images' scores give — and a negative count is an error.
func TestPruneSaliencyImages(t *testing.T) {
	train, _ := testData(t, 200)
	m := trained(t, "lenet-300-100", train, 1)
	s := Settings{Keep: 0.2, Rounds: 1, RetrainEpochs: 1, FinalEpochs: -1, SaliencyImages: 50, Seed: 1}
	want := m.Clone()
	ws, err := s.withDefaults(want)
	if err != nil {
		t.Fatal(err)
	}
	scores, err := Scores(want, want.Params(), train.Subset(50), ws)
	if err != nil {
		t.Fatal(err)
	}
	th, err := SelectGlobal(scores, 0.2, ws.MinLayerDensity)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Prune(m, train, nil, s); err != nil {
		t.Fatal(err)
	}
	for l, p := range m.Params() {
		if !slices.Equal(p.Mask, th.Masks[l]) {
			t.Errorf("%s: mask differs from the 50-image saliency's", p.Layer)
		}
	}
}

// TestFinalLR checks that the final fine-tuning runs at Settings.FinalLR:
// zero is the retraining rate (the same weights as giving it explicitly),
// another rate gives other weights, and a negative one is an error.
func TestFinalLR(t *testing.T) {
	train, _ := testData(t, 200)
	m := trained(t, "lenet-300-100", train, 1)
	run := func(finalLR float64) []float32 {
		mc := m.Clone()
		s := quick(0.2)
		s.Criterion, s.Rounds, s.FinalLR = "magnitude", 1, finalLR
		if _, err := Prune(mc, train, nil, s); err != nil {
			t.Fatal(err)
		}
		return mc.Params()[0].W
	}
	dflt, same, other := run(0), run(nn.DefaultTrainSettings("lenet-300-100").LR*DefaultLRScale), run(0.001)
	if !slices.Equal(dflt, same) {
		t.Error("FinalLR 0 is not the retraining rate")
	}
	if slices.Equal(dflt, other) {
		t.Error("FinalLR 0.001 gave the same weights as the retraining rate")
	}
	var fe *fielderr.Error
	if err := (Settings{Keep: 0.5, FinalLR: -1}).Validate(); !errors.As(err, &fe) || fe.Field != "final_lr" {
		t.Errorf("negative final LR: %v, want a field error on final_lr", err)
	}
}

// TestReviveAtZero: with ReviveAtZero the wrongly pruned weights still come
// back, at 0 instead of their shadow values; kept weights keep theirs.
func TestReviveAtZero(t *testing.T) {
	train, _ := testData(t, 300)
	for _, atZero := range []bool{false, true} {
		m := wronglyPruned(t, train)
		before := slices.Clone(m.Params()[0].W)
		oldMask := slices.Clone(m.Params()[0].Mask)
		s, err := Settings{Criterion: "magnitude", Keep: 0.5, Rounds: 1, ReviveAtZero: atZero, Seed: 1}.withDefaults(m)
		if err != nil {
			t.Fatal(err)
		}
		gs, err := groupsOf(m, s)
		if err != nil {
			t.Fatal(err)
		}
		rd, err := pruneRound(m, train, s, gs, 1)
		if err != nil {
			t.Fatal(err)
		}
		if rd.Revived < 10000 {
			t.Fatalf("at zero %v: %d revived, want the wrongly pruned ones back", atZero, rd.Revived)
		}
		p := m.Params()[0]
		zeroed := 0
		for i, w := range p.W {
			revived := oldMask[i] == 0 && p.Mask[i] != 0
			switch {
			case revived && w == 0:
				zeroed++
			case !revived && w != before[i]:
				t.Fatalf("at zero %v: weight %d not revived changed from %g to %g", atZero, i, before[i], w)
			}
		}
		if want := map[bool]int64{false: 0, true: rd.Revived}[atZero]; int64(zeroed) != want {
			t.Errorf("at zero %v: %d revived weights are 0, want %d", atZero, zeroed, want)
		}
	}
}

// shadowsOutscore is two layers of ten weights, the first five live and the
// last five pruned in each; layer 0's shadows out-score every live weight.
func shadowsOutscore() ([][]float32, []*nn.Param) {
	sal := [][]float32{
		{1, 2, 3, 4, 5, 100, 101, 102, 103, 104},
		{10, 11, 12, 13, 14, 0.1, 0.1, 0.1, 0.1, 0.1},
	}
	mask := []float32{1, 1, 1, 1, 1, 0, 0, 0, 0, 0}
	return sal, []*nn.Param{{Weights: network.Weights{Mask: mask}}, {Weights: network.Weights{Mask: mask}}}
}

// TestSelectLayerRevival: layer 0's pruned shadows out-score everything,
// which under one global ranking takes layer 1's budget. With layer revival
// the budgets follow the live weights (layer 0 keeps its floor of 1, layer 1
// four) and the shadow revives only inside its own layer.
func TestSelectLayerRevival(t *testing.T) {
	sal, ps := shadowsOutscore()
	th, err := selectLayerRevival(sal, ps, []int{0, 1}, 0.25, 0)
	if err != nil {
		t.Fatal(err)
	}
	want := [][]float32{{0, 0, 0, 0, 0, 0, 0, 0, 0, 1}, {0, 1, 1, 1, 1, 0, 0, 0, 0, 0}}
	if !reflect.DeepEqual(th.Masks, want) {
		t.Errorf("masks %v, want %v", th.Masks, want)
	}
	g, err := SelectGlobal(sal, 0.25, 0)
	if err != nil {
		t.Fatal(err)
	}
	if reflect.DeepEqual(g.Masks, want) {
		t.Error("the global ranking gives the same masks: the test does not separate the two")
	}
}

// TestCapRevival: four shadows would come back; with a cap of two the two
// most salient do, and the freed slots go to live weights, not to the next
// shadows.
func TestCapRevival(t *testing.T) {
	sal, ps := shadowsOutscore()
	sel := func(s [][]float32) (Threshold, error) { return SelectGlobal(s, 0.25, 0) }
	th, err := sel(sal)
	if err != nil {
		t.Fatal(err)
	}
	if want := [][]float32{{0, 0, 0, 0, 0, 0, 1, 1, 1, 1}, {0, 0, 0, 0, 1, 0, 0, 0, 0, 0}}; !reflect.DeepEqual(th.Masks, want) {
		t.Fatalf("uncapped masks %v, want %v", th.Masks, want)
	}
	for limit, want := range map[int][][]float32{
		4: {{0, 0, 0, 0, 0, 0, 1, 1, 1, 1}, {0, 0, 0, 0, 1, 0, 0, 0, 0, 0}},
		2: {{0, 0, 0, 0, 0, 0, 0, 0, 1, 1}, {0, 0, 1, 1, 1, 0, 0, 0, 0, 0}},
		0: {{0, 0, 0, 0, 1, 0, 0, 0, 0, 0}, {0, 1, 1, 1, 1, 0, 0, 0, 0, 0}},
	} {
		got, err := capRevival(sal, ps, []int{0, 1}, th, limit, sel)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got.Masks, want) {
			t.Errorf("limit %d: masks %v, want %v", limit, got.Masks, want)
		}
	}
}

// TestReviveCap: RigL's cosine-decayed fraction, full at the first round,
// small at the last.
func TestReviveCap(t *testing.T) {
	for _, c := range []struct{ r, want int }{{1, 300}, {2, 271}, {3, 196}, {4, 103}, {5, 28}} {
		if got := reviveCap(0.3, c.r, 5, 1000); got != c.want {
			t.Errorf("round %d of 5: cap %d, want %d", c.r, got, c.want)
		}
	}
}

// TestReviveFractionCapsPrune: through Prune, a cap of 1 % of the kept
// weights holds back most of the wrongly pruned weights that would return.
func TestReviveFractionCapsPrune(t *testing.T) {
	train, _ := testData(t, 300)
	for _, frac := range []float64{-1, 0.01} {
		m := wronglyPruned(t, train)
		rep, err := Prune(m, train, nil, Settings{Criterion: "magnitude", Keep: 0.5, Rounds: 1, RetrainEpochs: 1, FinalEpochs: -1, ReviveFraction: frac, Seed: 1})
		if err != nil {
			t.Fatal(err)
		}
		rev := rep.Rounds[0].Revived
		if limit := int64(reviveCap(0.01, 1, 1, KeepCount(0.5, int(rep.Total.Weights)))); frac > 0 && rev != limit {
			t.Errorf("fraction %g: %d revived, want the cap %d", frac, rev, limit)
		}
		if frac < 0 && rev < 10000 {
			t.Errorf("no cap: %d revived, want the wrongly pruned ones back", rev)
		}
	}
}
