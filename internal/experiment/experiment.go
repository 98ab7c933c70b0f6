package experiment

import (
	"fmt"

	"github.com/dcsim/dcsim/internal/fileio"
	"github.com/dcsim/dcsim/internal/strictyaml"
	"github.com/dcsim/dcsim/nn"
	"github.com/dcsim/dcsim/pruning"
)

// Experiment is a pruning experiment read from YAML: the Settings, plus
// optional defaults for the command line's input and output model files.
type Experiment struct {
	Name     string // free-form label
	Model    string // expected architecture of In ("" = any)
	In, Out  string // model files, relative to the working directory
	Settings pruning.Settings
}

// file mirrors the YAML keys; every key is optional except version.
// Pointers tell a key given as 0 from a key left out.
type file struct {
	Version         *int     `yaml:"version"`
	Name            string   `yaml:"name"`
	Model           string   `yaml:"model"`
	In              string   `yaml:"in"`
	Out             string   `yaml:"out"`
	Criterion       string   `yaml:"criterion"`
	Normalize       string   `yaml:"normalize"`
	Accumulate      string   `yaml:"accumulate"`
	Keep            *float64 `yaml:"keep"`
	ConvKeep        *float64 `yaml:"conv_keep"`
	FCKeep          *float64 `yaml:"fc_keep"`
	Schedule        string   `yaml:"schedule"`
	Rounds          *int     `yaml:"rounds"`
	RetrainEpochs   *int     `yaml:"retrain_epochs"`
	FinalEpochs     *int     `yaml:"final_epochs"`
	MinLayerDensity *float64 `yaml:"min_layer_density"`
	SaliencyBatch   *int     `yaml:"saliency_batch"`
	ReviveMargin    *float64 `yaml:"revive_margin"`
	ReviveFraction  *float64 `yaml:"revive_fraction"`
	DistillWeight   *float64 `yaml:"distill_weight"`
	DistillTemp     *float64 `yaml:"distill_temperature"`
	DistillPhases   string   `yaml:"distill_phases"`
	Splicing        *bool    `yaml:"splicing"`
	Seed            int64    `yaml:"seed"`
	Train           struct {
		LR          *float64 `yaml:"lr"`
		Momentum    *float64 `yaml:"momentum"`
		WeightDecay *float64 `yaml:"weight_decay"`
		Batch       *int     `yaml:"batch"`
		Workers     int      `yaml:"workers"`
		Schedule    string   `yaml:"schedule"`
	} `yaml:"train"`
}

// MaxFileBytes bounds an experiment file (the shipped ones are under 1 KiB).
const MaxFileBytes = 1 << 20

// Load reads and validates an experiment YAML file. A missing or unreadable
// file returns the *fs.PathError; every other error is a
// *strictyaml.FieldError "file:line: key: what is wrong".
func Load(path string) (Experiment, error) {
	data, tooLarge, err := fileio.ReadLimited(path, MaxFileBytes)
	if err != nil {
		return Experiment{}, err
	}
	if tooLarge {
		return Experiment{}, &strictyaml.FieldError{File: path, Msg: fmt.Sprintf("more than %d KiB, the limit of an experiment file", MaxFileBytes>>10)}
	}
	return Parse(path, data)
}

// Parse parses experiment YAML strictly; name is used in error messages.
// Zero has one meaning per key: train.momentum and train.weight_decay 0
// turn them off (nn.None), final_epochs 0 means no final fine-tuning,
// revive_margin 0 no hysteresis, revive_fraction 0 no cap on revival,
// distill_weight 0 no distillation, train.workers 0 all CPUs; a 0 for any
// other number (keep, rounds,
// retrain_epochs, min_layer_density, saliency_batch, distill_temperature,
// train.lr, train.batch) is an error, since leaving the key out is how to
// ask for the default.
func Parse(name string, data []byte) (Experiment, error) {
	root, err := strictyaml.Document(data, name, "a pruning experiment with version: 1", "version, keep, criterion, train, ...")
	if err != nil {
		return Experiment{}, err
	}
	var f file
	d := strictyaml.Decoder{File: name}
	if err := d.Decode(root, &f); err != nil {
		return Experiment{}, err
	}
	switch {
	case f.Version == nil:
		return Experiment{}, &strictyaml.FieldError{File: name, Line: root.Line, Field: "version", Msg: "required key missing (want version: 1)"}
	case *f.Version != 1:
		return Experiment{}, d.FieldErrorf("version", "unsupported version %d (want 1)", *f.Version)
	}
	e, err := f.experiment(&d)
	if err != nil {
		return Experiment{}, err
	}
	if err := e.Settings.Validate(); err != nil {
		return Experiment{}, locate(&d, err)
	}
	return e, nil
}

// experiment converts the decoded file into an Experiment, giving each
// explicit 0 its one meaning.
func (f *file) experiment(d *strictyaml.Decoder) (Experiment, error) {
	s := pruning.Settings{Criterion: f.Criterion, Normalize: f.Normalize, Accumulate: f.Accumulate,
		Schedule: f.Schedule, Seed: f.Seed, NoSplicing: f.Splicing != nil && !*f.Splicing, DistillPhases: f.DistillPhases}
	s.Train.Workers, s.Train.Schedule = f.Train.Workers, f.Train.Schedule
	for _, v := range []struct {
		path string
		in   *float64
		out  *float64
		zero float64 // what an explicit 0 means; 0 here: an error
	}{
		{"keep", f.Keep, &s.Keep, 0},
		{"conv_keep", f.ConvKeep, &s.ConvKeep, 0},
		{"fc_keep", f.FCKeep, &s.FCKeep, 0},
		{"min_layer_density", f.MinLayerDensity, &s.MinLayerDensity, 0},
		{"revive_margin", f.ReviveMargin, &s.ReviveMargin, pruning.DefaultReviveMargin},
		{"revive_fraction", f.ReviveFraction, &s.ReviveFraction, -1},
		{"distill_weight", f.DistillWeight, &s.DistillWeight, -1},
		{"distill_temperature", f.DistillTemp, &s.DistillTemperature, 0},
		{"train.lr", f.Train.LR, &s.Train.LR, 0},
		{"train.momentum", f.Train.Momentum, &s.Train.Momentum, nn.None},
		{"train.weight_decay", f.Train.WeightDecay, &s.Train.WeightDecay, nn.None},
	} {
		if err := set(d, v.path, v.in, v.out, v.zero); err != nil {
			return Experiment{}, err
		}
	}
	for _, v := range []struct {
		path string
		in   *int
		out  *int
		zero int
	}{
		{"rounds", f.Rounds, &s.Rounds, 0},
		{"retrain_epochs", f.RetrainEpochs, &s.RetrainEpochs, 0},
		{"final_epochs", f.FinalEpochs, &s.FinalEpochs, -1},
		{"saliency_batch", f.SaliencyBatch, &s.SaliencyBatch, 0},
		{"train.batch", f.Train.Batch, &s.Train.BatchSize, 0},
	} {
		if err := set(d, v.path, v.in, v.out, v.zero); err != nil {
			return Experiment{}, err
		}
	}
	return Experiment{Name: f.Name, Model: f.Model, In: f.In, Out: f.Out, Settings: s}, nil
}

// set copies a given value into out; an explicit 0 becomes zero (what 0
// means for this key) or, when zero is 0 itself, an error: in Settings 0
// means the default, which a file asks for by leaving the key out.
func set[T int | float64](d *strictyaml.Decoder, path string, in, out *T, zero T) error {
	switch {
	case in == nil:
		return nil
	case *in != 0:
		*out = *in
	case zero != 0:
		*out = zero
	default:
		return d.FieldErrorf(path, "0 is not a valid value (leave the key out for the default)")
	}
	return nil
}

// locate places a pruning.Settings.Validate error, a *fielderr.Error
// naming the YAML key ("conv_keep", "train.lr"), at the line of that key.
func locate(d *strictyaml.Decoder, err error) error {
	fe, ok := err.(*strictyaml.FieldError)
	if !ok {
		return err
	}
	c := *fe
	c.File, c.Line = d.File, d.Lines.Of(c.Field)
	return &c
}
