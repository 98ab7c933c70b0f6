package nn

import (
	"math"
	"testing"
)

// TestRenormalize: a pixel normalised the MNIST way and renormalised to
// /255 only is p/255; back again is the original.
func TestRenormalize(t *testing.T) {
	pix := []float64{0, 1, 128, 255}
	d := &Dataset{N: 1, C: 1, H: 2, W: 2, X: make([]float32, 4), Y: []uint8{0}}
	for i, p := range pix {
		d.X[i] = float32((p/255 - mnistMean) / mnistStd)
	}
	plain := Normalization{Scale: 255, Mean: 0, Std: 1}
	r := d.Renormalize(MNISTNormalization, plain)
	for i, p := range pix {
		if math.Abs(float64(r.X[i])-p/255) > 1e-6 {
			t.Errorf("pixel %g: %g, want %g", p, r.X[i], p/255)
		}
	}
	back := r.Renormalize(plain, MNISTNormalization)
	for i := range pix {
		if math.Abs(float64(back.X[i]-d.X[i])) > 1e-5 {
			t.Errorf("round trip %d: %g, want %g", i, back.X[i], d.X[i])
		}
	}
	if d.Renormalize(plain, plain) != d {
		t.Error("identical normalisations should return d")
	}
}

func TestNormalizationOf(t *testing.T) {
	if n, err := NormalizationOf(map[string]string{"arch": "lenet-5"}); err != nil || n != MNISTNormalization {
		t.Errorf("no keys: %v, %v", n, err)
	}
	meta := map[string]string{}
	want := Normalization{Scale: 255, Mean: 0.5, Std: 0.25}
	want.SetMeta(meta)
	if n, err := NormalizationOf(meta); err != nil || n != want {
		t.Errorf("round trip: %v, %v", n, err)
	}
	for _, bad := range []map[string]string{
		{MetaInputScale: "255"},
		{MetaInputScale: "255", MetaInputMean: "0", MetaInputStd: "0"},
		{MetaInputScale: "x", MetaInputMean: "0", MetaInputStd: "1"},
		{MetaInputScale: "255", MetaInputMean: "NaN", MetaInputStd: "1"},
	} {
		if _, err := NormalizationOf(bad); err == nil {
			t.Errorf("%v: want an error", bad)
		}
	}
}
