package nn

import (
	"fmt"
	"math"

	"github.com/dcsim/dcsim/internal/fielderr"
)

// Distillation makes Train minimise, per sample, the knowledge-distillation
// loss of Hinton et al. (2015, §2)
//
//	L = (1−α)·CE(softmax(z), y) + α·T²·KL(softmax(t/T) ‖ softmax(z/T))
//
// with z the model's logits, t a teacher's logits for the same sample, T
// the temperature and α the weight. Its gradient with respect to z is
//
//	(1−α)·(softmax(z) − onehot(y)) + α·T·(softmax(z/T) − softmax(t/T));
//
// the factor T² keeps the soft term's gradient of the same size as the hard
// term's whatever T (Hinton et al.). Teacher logits are fixed per training
// sample (Train has no augmentation), so they are computed once
// (Model.Logits) and passed in. The reported loss is L.
type Distillation struct {
	// Logits holds the teacher's logits, sample-major: sample i's are
	// Logits[i·classes : (i+1)·classes], for every sample of the dataset
	// Train is given.
	Logits []float32
	// Temperature T > 0.
	Temperature float64
	// Weight α of the soft term, in [0, 1]; 0 is the ordinary loss.
	Weight float64
}

// Validate checks d without data; field names as an experiment file spells
// them under its distillation keys ("temperature", "weight").
func (d *Distillation) Validate() error {
	switch {
	case !(d.Temperature > 0) || math.IsInf(d.Temperature, 0):
		return fielderr.Errorf("temperature", "must be a finite number > 0, got %g", d.Temperature)
	case !(d.Weight >= 0 && d.Weight <= 1):
		return fielderr.Errorf("weight", "must be in [0,1], got %g", d.Weight)
	}
	return nil
}

// check reports teacher logits that do not cover ds for a model with
// classes outputs.
func (d *Distillation) check(ds *Dataset, classes int) error {
	if len(d.Logits) != ds.N*classes {
		return fmt.Errorf("distillation: %d teacher logits for %d samples of %d classes (want %d)",
			len(d.Logits), ds.N, classes, ds.N*classes)
	}
	return nil
}

// Logits returns m's logits (the last layer's outputs before the softmax)
// for every sample of ds, sample-major (N × classes), computed with the
// effective weights on workers goroutines (0 = runtime.NumCPU()); a
// distillation teacher's targets.
func (m *Model) Logits(ds *Dataset, workers int) ([]float32, error) {
	if err := m.checkData(ds); err != nil {
		return nil, err
	}
	bs := min(evalBatch, ds.N)
	e := newEngine(m, bs, workers)
	defer e.close()
	e.logits = make([]float32, ds.N*m.Classes())
	idx := make([]int, ds.N)
	for i := range idx {
		idx[i] = i
	}
	for lo := 0; lo < ds.N; lo += bs {
		e.run(ds, idx[lo:min(lo+bs, ds.N)], false)
	}
	return e.logits, nil
}

// distillCE is softmaxCE with the distillation loss of d (see
// Distillation): for each of the chunk's samples idx it writes the gradient
// with respect to the logits z into dz and returns the summed loss and the
// number of samples whose arg-max is the label.
func distillCE(z, dz []float32, labels []uint8, idx []int, classes int, d *Distillation) (loss float64, correct int) {
	loss, correct = softmaxCE(z, dz, labels, idx, classes)
	a, T := d.Weight, d.Temperature
	ps := make([]float64, classes) // softmax(z/T)
	qs := make([]float64, classes) // softmax(t/T)
	var kl float64
	for j, i := range idx {
		zj := z[j*classes : (j+1)*classes]
		dj := dz[j*classes : (j+1)*classes]
		logSoftmaxT(zj, T, ps)
		logSoftmaxT(d.Logits[i*classes:(i+1)*classes], T, qs)
		for c := range dj {
			q := math.Exp(qs[c])
			kl += q * (qs[c] - ps[c])
			dj[c] = float32((1-a)*float64(dj[c]) + a*T*(math.Exp(ps[c])-q))
		}
	}
	return (1-a)*loss + a*T*T*kl, correct
}

// logSoftmaxT writes log softmax(v/T) into out (max subtracted for
// stability).
func logSoftmaxT(v []float32, T float64, out []float64) {
	mx := float64(v[0])
	for _, x := range v {
		mx = max(mx, float64(x))
	}
	var sum float64
	for c, x := range v {
		out[c] = (float64(x) - mx) / T
		sum += math.Exp(out[c])
	}
	ls := math.Log(sum)
	for c := range out {
		out[c] -= ls
	}
}
