package nn

import (
	"fmt"
	"math"
	"strconv"
)

// Normalization is the input transform a model's weights expect: a raw
// pixel p (0–255) enters the network as (p/Scale − Mean)/Std.
type Normalization struct {
	Scale, Mean, Std float64
}

// MNISTNormalization is the transform LoadMNIST applies and dcsim trains
// with: (p/255 − 0.1307)/0.3081, the MNIST training set's mean and
// standard deviation (torchvision's usual Normalize((0.1307,), (0.3081,))).
var MNISTNormalization = Normalization{Scale: 255, Mean: mnistMean, Std: mnistStd}

// Meta keys of the input normalisation in a model file.
const (
	MetaInputScale = "input_scale"
	MetaInputMean  = "input_mean"
	MetaInputStd   = "input_std"
)

// NormalizationOf reads the input normalisation from a model file's meta.
// A file without the keys (written before dcsim recorded them) means
// MNISTNormalization; a file with some but not all of them, or with a value
// that is not a finite number (Scale and Std > 0), is an error.
func NormalizationOf(meta map[string]string) (Normalization, error) {
	keys := []string{MetaInputScale, MetaInputMean, MetaInputStd}
	n := 0
	for _, k := range keys {
		if _, ok := meta[k]; ok {
			n++
		}
	}
	if n == 0 {
		return MNISTNormalization, nil
	}
	if n != len(keys) {
		return Normalization{}, fmt.Errorf("meta: input normalisation needs all of %s, %s and %s", keys[0], keys[1], keys[2])
	}
	var v [3]float64
	for i, k := range keys {
		f, err := strconv.ParseFloat(meta[k], 64)
		if err != nil || math.IsNaN(f) || math.IsInf(f, 0) || (i != 1 && f <= 0) {
			return Normalization{}, fmt.Errorf("meta: %s: %q is not a finite number%s", k, meta[k],
				map[bool]string{true: " > 0", false: ""}[i != 1])
		}
		v[i] = f
	}
	return Normalization{Scale: v[0], Mean: v[1], Std: v[2]}, nil
}

// SetMeta records n in meta under the input_* keys.
func (n Normalization) SetMeta(meta map[string]string) {
	f := func(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }
	meta[MetaInputScale], meta[MetaInputMean], meta[MetaInputStd] = f(n.Scale), f(n.Mean), f(n.Std)
}

// String is the transform as a formula: (p/255 − 0.1307)/0.3081.
func (n Normalization) String() string {
	return fmt.Sprintf("(p/%g − %g)/%g", n.Scale, n.Mean, n.Std)
}

// Renormalize returns a copy of d, which was normalised with from, as if
// it had been normalised with to: x' = ((x·from.Std + from.Mean)·from.Scale/to.Scale − to.Mean)/to.Std.
// d itself is returned when the two are equal.
func (d *Dataset) Renormalize(from, to Normalization) *Dataset {
	if from == to {
		return d
	}
	out := *d
	out.X = make([]float32, len(d.X))
	a := from.Std * from.Scale / to.Scale / to.Std
	b := (from.Mean*from.Scale/to.Scale - to.Mean) / to.Std
	for i, x := range d.X {
		out.X[i] = float32(float64(x)*a + b)
	}
	return &out
}
