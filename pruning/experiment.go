package pruning

import (
	"fmt"
	"os"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"
)

// Experiment is a pruning experiment read from YAML
// (configs/experiments/*.yaml): the Settings, plus optional defaults for
// the command line's input and output model files.
type Experiment struct {
	Name     string // free-form label
	Model    string // expected architecture of In ("" = any)
	In, Out  string // model files, relative to the working directory
	Settings Settings
}

// expFile mirrors the YAML keys; every key is optional except version.
type expFile struct {
	Version         int
	Name            string
	Model           string
	In, Out         string
	Criterion       string
	Normalize       string
	Accumulate      string
	Keep            float64
	ConvKeep        float64
	FCKeep          float64
	Schedule        string
	Rounds          int
	RetrainEpochs   int
	FinalEpochs     int
	MinLayerDensity float64
	SaliencyBatch   int
	ReviveMargin    float64
	Splicing        *bool
	Seed            int64
	Train           struct {
		LR, Momentum, WeightDecay float64
		Batch, Workers            int
		Schedule                  string
	}
}

// targets maps every YAML key to the field it fills; "train" is a nested
// mapping whose keys are trainTargets.
func (f *expFile) targets() map[string]any {
	return map[string]any{"version": &f.Version, "name": &f.Name, "model": &f.Model, "in": &f.In, "out": &f.Out,
		"criterion": &f.Criterion, "normalize": &f.Normalize, "accumulate": &f.Accumulate,
		"keep": &f.Keep, "conv_keep": &f.ConvKeep, "fc_keep": &f.FCKeep, "schedule": &f.Schedule,
		"rounds": &f.Rounds, "retrain_epochs": &f.RetrainEpochs, "final_epochs": &f.FinalEpochs,
		"min_layer_density": &f.MinLayerDensity, "saliency_batch": &f.SaliencyBatch,
		"revive_margin": &f.ReviveMargin, "splicing": &f.Splicing, "seed": &f.Seed, "train": nil}
}

func (f *expFile) trainTargets() map[string]any {
	t := &f.Train
	return map[string]any{"lr": &t.LR, "momentum": &t.Momentum, "weight_decay": &t.WeightDecay,
		"batch": &t.Batch, "workers": &t.Workers, "schedule": &t.Schedule}
}

// LoadExperiment reads and validates an experiment YAML file. Unknown keys,
// a missing or unsupported version, values of the wrong type and invalid
// settings are errors of the form "file:line: key: what is wrong".
func LoadExperiment(path string) (Experiment, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return Experiment{}, err
	}
	return ParseExperiment(path, data)
}

// ParseExperiment parses experiment YAML; name is used in error messages.
func ParseExperiment(name string, data []byte) (Experiment, error) {
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		return Experiment{}, fmt.Errorf("%s: %w", name, err)
	}
	if root.Kind != yaml.DocumentNode || len(root.Content) != 1 || root.Content[0].Kind != yaml.MappingNode {
		return Experiment{}, fmt.Errorf("%s:%d: expected a mapping of experiment keys", name, max(root.Line, 1))
	}
	var f expFile
	lines := map[string]int{}
	doc := root.Content[0]
	if err := decodeMapping(name, "", doc, f.targets(), lines); err != nil {
		return Experiment{}, err
	}
	if tn := valueOf(doc, "train"); tn != nil {
		if tn.Kind != yaml.MappingNode {
			return Experiment{}, fmt.Errorf("%s:%d: train: must be a mapping", name, tn.Line)
		}
		if err := decodeMapping(name, "train.", tn, f.trainTargets(), lines); err != nil {
			return Experiment{}, err
		}
	}
	if l, ok := lines["version"]; !ok {
		return Experiment{}, fmt.Errorf("%s:%d: version: required (version: 1)", name, doc.Line)
	} else if f.Version != 1 {
		return Experiment{}, fmt.Errorf("%s:%d: version: unsupported version %d (supported: 1)", name, l, f.Version)
	}
	e := f.experiment()
	if err := e.Settings.Validate(); err != nil {
		return Experiment{}, locate(name, err, lines, doc.Line)
	}
	return e, nil
}

// decodeMapping decodes every key of n into its target, recording key lines
// under prefix; unknown and duplicate keys are errors. A nil target is a
// nested mapping handled by the caller.
func decodeMapping(file, prefix string, n *yaml.Node, targets map[string]any, lines map[string]int) error {
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		key := prefix + k.Value
		t, ok := targets[k.Value]
		if !ok {
			valid := make([]string, 0, len(targets))
			for name := range targets {
				valid = append(valid, prefix+name)
			}
			sort.Strings(valid)
			return fmt.Errorf("%s:%d: %s: unknown key (valid: %s)", file, k.Line, key, strings.Join(valid, ", "))
		}
		if _, dup := lines[key]; dup {
			return fmt.Errorf("%s:%d: %s: key appears twice", file, k.Line, key)
		}
		lines[key] = k.Line
		if t == nil {
			continue
		}
		if v.Kind != yaml.ScalarNode {
			return fmt.Errorf("%s:%d: %s: must be a single value", file, v.Line, key)
		}
		if err := v.Decode(t); err != nil {
			return fmt.Errorf("%s:%d: %s: cannot read %q as %s", file, v.Line, key, v.Value, typeName(t))
		}
	}
	return nil
}

// valueOf returns the value node of key in mapping n, or nil.
func valueOf(n *yaml.Node, key string) *yaml.Node {
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i+1]
		}
	}
	return nil
}

func typeName(t any) string {
	switch t.(type) {
	case *int, *int64:
		return "an integer"
	case *float64:
		return "a number"
	case **bool:
		return "true or false"
	default:
		return "a string"
	}
}

// yamlNames rewrites the flag-style field names of Settings.Validate
// messages into YAML keys.
var yamlNames = strings.NewReplacer("conv-keep", "conv_keep", "fc-keep", "fc_keep",
	"retrain-epochs", "retrain_epochs", "final-epochs", "final_epochs",
	"min-layer-density", "min_layer_density", "saliency-batch", "saliency_batch", "weight-decay", "weight_decay")

// locate prefixes a Settings.Validate error, whose text starts with the
// field name ("conv-keep: ..."), with the file and the line of the matching
// YAML key.
func locate(file string, err error, lines map[string]int, fallback int) error {
	msg := yamlNames.Replace(err.Error())
	key, _, _ := strings.Cut(msg, ":")
	if l, ok := lines[key]; ok {
		return fmt.Errorf("%s:%d: %s", file, l, msg)
	}
	return fmt.Errorf("%s:%d: %s", file, fallback, msg)
}

// experiment converts the decoded file into an Experiment.
func (f *expFile) experiment() Experiment {
	s := Settings{Criterion: f.Criterion, Normalize: f.Normalize, Accumulate: f.Accumulate,
		Keep: f.Keep, ConvKeep: f.ConvKeep, FCKeep: f.FCKeep, Schedule: f.Schedule, Rounds: f.Rounds,
		RetrainEpochs: f.RetrainEpochs, FinalEpochs: f.FinalEpochs, MinLayerDensity: f.MinLayerDensity,
		SaliencyBatch: f.SaliencyBatch, ReviveMargin: f.ReviveMargin, Seed: f.Seed, NoSplicing: f.Splicing != nil && !*f.Splicing}
	s.Train.LR, s.Train.Momentum, s.Train.WeightDecay = f.Train.LR, f.Train.Momentum, f.Train.WeightDecay
	s.Train.BatchSize, s.Train.Workers, s.Train.Schedule = f.Train.Batch, f.Train.Workers, f.Train.Schedule
	return Experiment{Name: f.Name, Model: f.Model, In: f.In, Out: f.Out, Settings: s}
}
