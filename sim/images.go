package sim

import (
	"errors"
	"fmt"
	"reflect"
	"slices"

	"github.com/dcsim/dcsim/accel"
	"gonum.org/v1/gonum/stat"
)

// ImageStats summarises a network simulated once per input image (each
// image gives every layer its measured activation mask): the number of
// images and the distribution of total latency and energy over them.
type ImageStats struct {
	Images    int    `json:"images"`
	LatencyUS Spread `json:"latency_us"`
	EnergyPJ  Spread `json:"energy_pj"`
}

// Spread is the mean and the 5th and 95th percentiles of a quantity over
// images (percentiles by linear interpolation of the empirical CDF, as
// numpy's default).
type Spread struct {
	Mean float64 `json:"mean"`
	P5   float64 `json:"p5"`
	P95  float64 `json:"p95"`
}

// SimulateImages simulates one workload per input image (the same network
// with each image's measured activation masks) and combines the results
// with OverImages; a single workload is simulated as it is.
func SimulateImages(spec *accel.Spec, ws []*Workload) (Result, error) {
	if len(ws) == 1 {
		return Simulate(spec, ws[0])
	}
	rs := make([]Result, len(ws))
	for i, w := range ws {
		r, err := Simulate(spec, w)
		if err != nil {
			return Result{}, err
		}
		rs[i] = r
	}
	return OverImages(rs)
}

// OverImages combines per-image results of one network on one accelerator
// into one Result: every numeric field of every layer and of the totals is
// the mean over images (integer counts rounded to the nearest integer), and
// Images holds the spread of total latency and energy. The results must
// have the same accelerator, network and layer names.
func OverImages(rs []Result) (Result, error) {
	if len(rs) == 0 {
		return Result{}, errors.New("sim: OverImages: no results")
	}
	first := rs[0]
	for i, r := range rs[1:] {
		if r.Accelerator != first.Accelerator || r.Network != first.Network || len(r.Layers) != len(first.Layers) {
			return Result{}, fmt.Errorf("sim: OverImages: result %d is of another network or accelerator", i+1)
		}
	}
	out := first
	out.Layers = slices.Clone(first.Layers)
	for li := range out.Layers {
		meanInto(reflect.ValueOf(&out.Layers[li]).Elem(), len(rs), func(i int) reflect.Value {
			return reflect.ValueOf(&rs[i].Layers[li]).Elem()
		})
	}
	meanInto(reflect.ValueOf(&out.Total).Elem(), len(rs), func(i int) reflect.Value {
		return reflect.ValueOf(&rs[i].Total).Elem()
	})
	lat := make([]float64, len(rs))
	en := make([]float64, len(rs))
	for i, r := range rs {
		lat[i], en[i] = r.Total.LatencyUS, r.Total.Energy.Total
	}
	out.Images = &ImageStats{Images: len(rs), LatencyUS: spreadOf(lat), EnergyPJ: spreadOf(en)}
	return out, nil
}

// meanInto sets every exported numeric field of dst (recursing into
// structs) to the mean of the same field over n values given by at.
func meanInto(dst reflect.Value, n int, at func(i int) reflect.Value) {
	t := dst.Type()
	for f := 0; f < dst.NumField(); f++ {
		if !t.Field(f).IsExported() {
			continue
		}
		fv := dst.Field(f)
		switch fv.Kind() {
		case reflect.Struct:
			meanInto(fv, n, func(i int) reflect.Value { return at(i).Field(f) })
		case reflect.Float64:
			var s float64
			for i := 0; i < n; i++ {
				s += at(i).Field(f).Float()
			}
			fv.SetFloat(s / float64(n))
		case reflect.Int, reflect.Int64:
			var s float64
			for i := 0; i < n; i++ {
				s += float64(at(i).Field(f).Int())
			}
			fv.SetInt(int64(s/float64(n) + 0.5))
		}
	}
}

func spreadOf(x []float64) Spread {
	s := slices.Clone(x)
	slices.Sort(s)
	return Spread{Mean: stat.Mean(s, nil), P5: quantile(s, 0.05), P95: quantile(s, 0.95)}
}

// quantile is the p-quantile of sorted x by linear interpolation between
// order statistics (numpy's default "linear" method; gonum's stat.Quantile
// offers only step and one interpolation that differs from numpy's).
func quantile(x []float64, p float64) float64 {
	if len(x) == 1 {
		return x[0]
	}
	h := p * float64(len(x)-1)
	lo := int(h)
	if lo >= len(x)-1 {
		return x[len(x)-1]
	}
	return x[lo] + (h-float64(lo))*(x[lo+1]-x[lo])
}
