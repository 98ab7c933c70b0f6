package experiment

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dcsim/dcsim/internal/strictyaml"
	"github.com/dcsim/dcsim/nn"
)

func TestParse(t *testing.T) {
	const doc = `version: 1
name: lenet5-test
model: lenet-5
in: out/lenet5.npz
criterion: magnitude
keep: 0.04
schedule: geometric
rounds: 3
retrain_epochs: 1
final_epochs: -1
splicing: false
distill_weight: 0.8
distill_temperature: 3
distill_phases: all
seed: 7
train:
  lr: 0.002
  batch: 128
`
	e, err := Parse("x.yaml", []byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	s := e.Settings
	if e.Name != "lenet5-test" || e.Model != "lenet-5" || e.In != "out/lenet5.npz" ||
		s.Criterion != "magnitude" || s.Keep != 0.04 || s.Schedule != "geometric" || s.Rounds != 3 ||
		s.RetrainEpochs != 1 || s.FinalEpochs != -1 || !s.NoSplicing || s.Seed != 7 ||
		s.Train.LR != 0.002 || s.Train.BatchSize != 128 ||
		s.DistillWeight != 0.8 || s.DistillTemperature != 3 || s.DistillPhases != "all" {
		t.Errorf("parsed %+v", e)
	}
}

func TestParseErrors(t *testing.T) {
	for _, tc := range []struct {
		name, doc, want string
	}{
		{"unknown key", "version: 1\nkeep: 0.1\nkepp: 0.2\n", "x.yaml:3: kepp: unknown key (valid: accumulate, conv_keep"},
		{"unknown train key", "version: 1\nkeep: 0.1\ntrain:\n  lrate: 0.1\n", "x.yaml:4: train.lrate: unknown key"},
		{"missing version", "keep: 0.1\n", "x.yaml:1: version: required key missing (want version: 1)"},
		{"bad version", "version: 2\nkeep: 0.1\n", "x.yaml:1: version: unsupported version 2"},
		{"bad type", "version: 1\nkeep: lots\n", `x.yaml:2: keep: want a number, got "lots"`},
		{"keep out of range", "version: 1\n\nkeep: 1.5\n", "x.yaml:3: keep: must be in (0,1]"},
		{"both keeps", "version: 1\nkeep: 0.1\nconv_keep: 0.5\nfc_keep: 0.1\n", "x.yaml:2: keep: set either"},
		{"fc keep alone", "version: 1\nfc_keep: 0.1\n", "x.yaml:2: fc_keep: set both conv_keep and fc_keep or neither"},
		{"unknown criterion", "version: 1\nkeep: 0.1\ncriterion: random\n", `x.yaml:3: criterion: "random": unknown (valid: magnitude, saliency)`},
		{"negative lr", "version: 1\nkeep: 0.1\ntrain:\n  lr: -1\n", "x.yaml:4: train.lr: must be"},
		{"duplicate", "version: 1\nkeep: 0.1\nkeep: 0.2\n", "x.yaml:3: keep: duplicate key (first at line 2)"},
		{"not a mapping", "- 1\n- 2\n", "x.yaml:1: document must be a mapping of keys"},
		{"nested value", "version: 1\nkeep: [0.1]\n", "x.yaml:2: keep: want a number, got a list"},
		{"syntax", "version: 1\nkeep: : :\n", "x.yaml:2: mapping values are not allowed"},
		{"fractional rounds", "version: 1\nkeep: 0.1\nrounds: 2.5\n", `x.yaml:3: rounds: want an integer, got "2.5"`},
		// An explicit 0 is zero or an error, never silently the default.
		{"zero keep", "version: 1\nkeep: 0\n", "x.yaml:2: keep: 0 is not a valid value (leave the key out for the default)"},
		{"zero rounds", "version: 1\nkeep: 0.1\nrounds: 0\n", "x.yaml:3: rounds: 0 is not a valid value"},
		{"zero distill temperature", "version: 1\nkeep: 0.1\ndistill_temperature: 0\n", "x.yaml:3: distill_temperature: 0 is not a valid value"},
		{"distill weight above one", "version: 1\nkeep: 0.1\n\ndistill_weight: 1.2\n", "x.yaml:4: distill_weight: must be a number ≤ 1"},
		{"unknown distill phases", "version: 1\nkeep: 0.1\ndistill_phases: rounds\n", `x.yaml:3: distill_phases: "rounds": unknown (valid: all, finetune)`},
		{"zero lr", "version: 1\nkeep: 0.1\ntrain:\n  lr: 0\n", "x.yaml:4: train.lr: 0 is not a valid value"},
	} {
		_, err := Parse("x.yaml", []byte(tc.doc))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want it to contain %q", tc.name, err, tc.want)
		}
	}
}

// TestExplicitZero pins what an explicit 0 means: momentum and weight
// decay off (nn.None), no final fine-tuning, no revive margin, no revival
// cap; a key left out stays 0 in Settings, which pruning fills with its
// default.
func TestExplicitZero(t *testing.T) {
	e, err := Parse("x.yaml", []byte("version: 1\nkeep: 0.1\nfinal_epochs: 0\nrevive_margin: 0\nrevive_fraction: 0\ndistill_weight: 0\ntrain:\n  momentum: 0\n  weight_decay: 0\n"))
	if err != nil {
		t.Fatal(err)
	}
	s := e.Settings
	if s.Train.Momentum != nn.None || s.Train.WeightDecay != nn.None || s.FinalEpochs >= 0 || s.ReviveMargin >= 0 || s.ReviveFraction >= 0 || s.DistillWeight >= 0 {
		t.Errorf("explicit zeros read as %+v", s)
	}
	e, err = Parse("x.yaml", []byte("version: 1\nkeep: 0.1\n"))
	if err != nil {
		t.Fatal(err)
	}
	if s := e.Settings; s.Train.Momentum != 0 || s.Train.WeightDecay != 0 || s.FinalEpochs != 0 || s.ReviveMargin != 0 || s.ReviveFraction != 0 || s.DistillWeight != 0 {
		t.Errorf("absent keys read as %+v, want zero (the defaults)", s)
	}
}

// TestExperimentConfigs loads every pruning experiment shipped in
// configs/experiments.
func TestExperimentConfigs(t *testing.T) {
	for _, name := range []string{"lenet300-saliency-8pct", "lenet5-saliency-4pct",
		"lenet5-magnitude-4pct", "lenet5-convfc-separated", "lenet300-defaults-4pct"} {
		e, err := Load(filepath.Join("..", "..", "configs", "experiments", name+".yaml"))
		if err != nil {
			t.Error(err)
			continue
		}
		if e.Name != name || e.In == "" || e.Out == "" {
			t.Errorf("%s: name %q, in %q, out %q", name, e.Name, e.In, e.Out)
		}
	}
	if _, err := Load("../../configs/experiments/does-not-exist.yaml"); err == nil {
		t.Error("missing file: no error")
	}
}

func FuzzParse(f *testing.F) {
	f.Add([]byte("version: 1\nkeep: 0.04\ntrain:\n  lr: 0.01\n"))
	f.Add([]byte("version: 1\nconv_keep: 0.5\nfc_keep: 0.02\nsplicing: false\n"))
	f.Add([]byte("version: 1\ntrain: 3\n"))
	f.Add([]byte("{version: 1, keep: .nan}"))
	f.Fuzz(func(t *testing.T, data []byte) {
		e, err := Parse("fuzz.yaml", data)
		if err != nil {
			var fe *strictyaml.FieldError
			if !strings.HasPrefix(err.Error(), "fuzz.yaml") || !errors.As(err, &fe) {
				t.Errorf("error %q is not a *strictyaml.FieldError naming the file", err)
			}
			return
		}
		if err := e.Settings.Validate(); err != nil {
			t.Errorf("accepted settings fail validation: %v", err)
		}
	})
}
