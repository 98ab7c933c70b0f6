package nn

import (
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/dcsim/dcsim/internal/fielderr"
)

// TestDistillCEGradient checks distillCE's loss and gradient against
// central differences of its own loss in the logits, and its two limits:
// weight 0 is softmaxCE exactly, and a student equal to its teacher at
// weight 1 has zero loss and gradient.
func TestDistillCEGradient(t *testing.T) {
	const classes, n = 4, 3
	r := newRand()
	z := make([]float32, n*classes)
	teacher := make([]float32, n*classes)
	for i := range z {
		z[i] = float32(2 * r.NormFloat64())
		teacher[i] = float32(3 * r.NormFloat64())
	}
	labels := []uint8{2, 0, 3}
	idx := []int{0, 1, 2}
	for _, d := range []Distillation{
		{Logits: teacher, Temperature: 4, Weight: 0.7},
		{Logits: teacher, Temperature: 1, Weight: 1},
		{Logits: teacher, Temperature: 0.5, Weight: 0.3},
	} {
		dz := make([]float32, len(z))
		distillCE(z, dz, labels, idx, classes, &d)
		const h = 1e-2
		scratch := make([]float32, len(z))
		for i := range z {
			old := z[i]
			z[i] = old + h
			lp, _ := distillCE(z, scratch, labels, idx, classes, &d)
			z[i] = old - h
			lm, _ := distillCE(z, scratch, labels, idx, classes, &d)
			z[i] = old
			num := (lp - lm) / (2 * h)
			if math.Abs(num-float64(dz[i])) > 2e-3*math.Max(1, math.Abs(num)) {
				t.Errorf("T=%g α=%g: dL/dz[%d] = %.6f, finite difference %.6f", d.Temperature, d.Weight, i, dz[i], num)
			}
		}
	}
	d0 := Distillation{Logits: teacher, Temperature: 4, Weight: 0}
	dz0, dz1 := make([]float32, len(z)), make([]float32, len(z))
	l0, c0 := distillCE(z, dz0, labels, idx, classes, &d0)
	l1, c1 := softmaxCE(z, dz1, labels, idx, classes)
	if l0 != l1 || c0 != c1 {
		t.Errorf("weight 0: loss %v correct %d, softmaxCE %v %d", l0, c0, l1, c1)
	}
	for i := range dz0 {
		if dz0[i] != dz1[i] {
			t.Fatalf("weight 0: gradient %d is %v, softmaxCE's %v", i, dz0[i], dz1[i])
		}
	}
	self := Distillation{Logits: z, Temperature: 3, Weight: 1}
	l, _ := distillCE(z, dz0, labels, idx, classes, &self)
	if math.Abs(l) > 1e-9 {
		t.Errorf("student = teacher: loss %g, want 0", l)
	}
	for i, g := range dz0 {
		if math.Abs(float64(g)) > 1e-6 {
			t.Errorf("student = teacher: gradient %d is %g, want 0", i, g)
		}
	}
}

// TestLogitsAgreeWithEvaluate checks Model.Logits sample by sample: the
// cross-entropy of the returned logits is Evaluate's loss, and their
// arg-max its accuracy.
func TestLogitsAgreeWithEvaluate(t *testing.T) {
	m, err := NewModel(tinyArch(), 5)
	if err != nil {
		t.Fatal(err)
	}
	ds := randomDataset(300, 2, 9, 9, 3, 9) // more than one evaluation batch
	z, err := m.Logits(ds, 2)
	if err != nil {
		t.Fatal(err)
	}
	if len(z) != ds.N*3 {
		t.Fatalf("%d logits, want %d", len(z), ds.N*3)
	}
	idx := make([]int, ds.N)
	for i := range idx {
		idx[i] = i
	}
	loss, correct := softmaxCE(z, make([]float32, len(z)), ds.Y, idx, 3)
	acc, mean, err := EvaluateErr(m, ds, 1)
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(loss/float64(ds.N)-mean) > 1e-9 || float64(correct)/float64(ds.N) != acc {
		t.Errorf("from logits: loss %.9f accuracy %v; Evaluate: %.9f %v", loss/float64(ds.N), float64(correct)/float64(ds.N), mean, acc)
	}
}

// TestTrainDistill checks that distillation at weight 1 pulls a student
// towards its teacher's outputs (the KL divergence falls), that the run is
// deterministic, and that bad settings and logits are rejected.
func TestTrainDistill(t *testing.T) {
	ds := randomDataset(64, 2, 9, 9, 3, 4)
	teacher, _ := NewModel(tinyArch(), 11)
	tl, err := teacher.Logits(ds, 1)
	if err != nil {
		t.Fatal(err)
	}
	d := &Distillation{Logits: tl, Temperature: 2, Weight: 1}
	kl := func(m *Model) float64 {
		z, err := m.Logits(ds, 1)
		if err != nil {
			t.Fatal(err)
		}
		idx := make([]int, ds.N)
		for i := range idx {
			idx[i] = i
		}
		l, _ := distillCE(z, make([]float32, len(z)), ds.Y, idx, 3, d)
		return l
	}
	train := func() (*Model, float64) {
		m, _ := NewModel(tinyArch(), 12)
		before := kl(m)
		if _, err := Train(m, ds, TrainSettings{Epochs: 20, BatchSize: 16, LR: 0.05, Workers: 2, Distill: d}); err != nil {
			t.Fatal(err)
		}
		return m, before
	}
	m1, before := train()
	m2, _ := train()
	if after := kl(m1); !(after < 0.5*before) {
		t.Errorf("T²·KL to the teacher %.4f before training, %.4f after: want less than half", before, after)
	}
	for i, p := range m1.Params() {
		for j := range p.W {
			if math.Float32bits(p.W[j]) != math.Float32bits(m2.Params()[i].W[j]) {
				t.Fatalf("two runs differ at %s.W[%d]", p.Layer, j)
			}
		}
	}
	for _, tc := range []struct {
		d           Distillation
		field, want string
	}{
		{Distillation{Logits: tl, Temperature: 0, Weight: 0.5}, "distill.temperature", "> 0"},
		{Distillation{Logits: tl, Temperature: math.Inf(1), Weight: 0.5}, "distill.temperature", "> 0"},
		{Distillation{Logits: tl, Temperature: 2, Weight: 1.5}, "distill.weight", "[0,1]"},
		{Distillation{Logits: tl, Temperature: 2, Weight: math.NaN()}, "distill.weight", "[0,1]"},
	} {
		m, _ := NewModel(tinyArch(), 1)
		_, err := Train(m, ds, TrainSettings{Distill: &tc.d})
		var fe *fielderr.Error
		if !errors.As(err, &fe) || fe.Field != tc.field || !strings.Contains(fe.Msg, tc.want) {
			t.Errorf("%+v: error %v, want a field error on %s containing %q", tc.d, err, tc.field, tc.want)
		}
	}
	m, _ := NewModel(tinyArch(), 1)
	short := &Distillation{Logits: tl[:len(tl)-3], Temperature: 2, Weight: 0.5}
	if _, err := Train(m, ds, TrainSettings{Distill: short}); err == nil || !strings.Contains(err.Error(), "teacher logits") {
		t.Errorf("too few teacher logits: %v", err)
	}
}
