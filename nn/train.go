package nn

import (
	"cmp"
	"fmt"
	"io"
	"maps"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"time"

	"github.com/dcsim/dcsim/internal/fielderr"
)

// TrainSettings configures Train. A zero field means the default of the
// model's architecture (DefaultTrainSettings): Epochs, BatchSize, LR,
// Momentum, WeightDecay and Schedule alike; Workers 0 means
// runtime.NumCPU(). Momentum or WeightDecay None (any negative value) turns
// it off: plain SGD, no decay. Every package that takes a TrainSettings
// (pruning's retraining, the centroid fine-tune, codesign) reads zero this
// one way; Validate is the one check of the values.
type TrainSettings struct {
	Epochs      int
	BatchSize   int
	LR          float64 // peak learning rate
	Momentum    float64 // heavy-ball momentum in [0, 1); None = plain SGD
	WeightDecay float64 // L2 penalty added to the gradient, on weights and biases; None = none
	// Schedule names the learning-rate schedule: "cosine", "step" or
	// "constant" (see Schedules).
	Schedule string
	Seed     int64 // shuffling
	Workers  int   // goroutines; 0 = runtime.NumCPU()
	// UpdatePruned enables splicing (Dynamic Network Surgery): the shadow
	// weights of pruned entries still receive SGD updates from the gradient
	// of the effective weight (straight-through); the effective weight stays
	// 0 while the mask is 0. When false, pruned weights keep their shadow
	// value and their effective weight stays exactly 0.
	UpdatePruned bool
	// DenseKernels runs pruned layers on the dense kernels. By default a
	// layer with a mask whose density is low enough runs on sparse kernels
	// (work proportional to its non-zeros; with UpdatePruned false the
	// weight gradient, Param.Grad, is then computed only at unpruned
	// weights and is 0 elsewhere). Results agree to float32 rounding.
	DenseKernels bool
	// FinetuneCodebook trains the shared weights (Deep Compression, Han et
	// al. 2016, §3.3): for a layer with a codebook, centroid c is updated by
	// Σ over its unpruned members i of Grad[i]; indices stay fixed. Without
	// it a layer with a codebook keeps its weights; its bias still trains.
	FinetuneCodebook bool
	// Progress receives one line per epoch; nil = quiet. When it also has
	// the methods of a github.com/schollz/progressbar/v3 bar (ChangeMax,
	// Add, Describe), Train instead sets the bar's maximum to the number of
	// steps, advances it once per step and describes it with the epoch and
	// loss.
	Progress io.Writer
	// Distill, when set, trains on the knowledge-distillation loss against
	// a teacher's logits for every sample of the dataset (see
	// Distillation) instead of the cross-entropy alone.
	Distill *Distillation
	// OnEpoch, when set, is called after each epoch with the epoch number
	// (from 1) and its mean training loss.
	OnEpoch func(epoch int, loss float64)
}

// progressBar is the part of a progressbar/v3 bar that Train drives.
type progressBar interface {
	ChangeMax(int)
	Add(int) error
	Describe(string)
}

// TrainStats summarises a training run.
type TrainStats struct {
	Epochs        int
	Steps         int
	FinalLoss     float64       // mean training loss of the last epoch
	TrainAccuracy float64       // on the training samples of the last epoch, during training
	Duration      time.Duration // wall time of the whole run
	EpochSeconds  float64       // mean wall seconds per epoch
}

// DefaultTrainSettings returns the settings that reach the target accuracy
// for a zoo model (lenet-300-100: ≥ 98.2 %, lenet-5: ≥ 99.1 %; see
// docs/results.md for the measured numbers). Other names get the LeNet-5
// settings.
func DefaultTrainSettings(model string) TrainSettings {
	s := TrainSettings{Epochs: 10, BatchSize: 64, LR: 0.01, Momentum: 0.9, WeightDecay: 5e-4, Schedule: "cosine", Seed: 1}
	if strings.EqualFold(model, "lenet-300-100") {
		s.Epochs, s.LR, s.WeightDecay = 25, 0.05, 1e-4
	}
	return s
}

// schedules maps a schedule name to the learning-rate factor at training
// progress t ∈ [0, 1).
var schedules = map[string]func(t float64) float64{
	// Cosine annealing without restarts (Loshchilov & Hutter 2017), per step.
	"cosine": func(t float64) float64 { return 0.5 * (1 + math.Cos(math.Pi*t)) },
	// ×0.1 at 50 % and again at 75 % of training.
	"step": func(t float64) float64 {
		switch {
		case t >= 0.75:
			return 0.01
		case t >= 0.5:
			return 0.1
		}
		return 1
	},
	"constant": func(float64) float64 { return 1 },
}

// Schedules lists the learning-rate schedule names in sorted order.
func Schedules() []string {
	return slices.Sorted(maps.Keys(schedules))
}

// None, as TrainSettings.Momentum or WeightDecay, turns it off (plain
// SGD, no weight decay); zero means the architecture's default.
const None = -1.0

// Validate checks s without a model. Its errors are *fielderr.Error
// naming the field as a pruning experiment's train section spells it
// ("lr", "weight_decay"), so callers place it (fielderr.In "train") or map
// it to a flag (fielderr.Rename). The messages do not say what 0 means:
// that is the Go meaning (the TrainSettings doc), while an experiment file
// and the command line give an explicit 0 their own.
func (s TrainSettings) Validate() error {
	switch {
	case s.Epochs < 0:
		return fielderr.Errorf("epochs", "must be ≥ 0, got %d", s.Epochs)
	case s.BatchSize < 0:
		return fielderr.Errorf("batch", "must be ≥ 0, got %d", s.BatchSize)
	case !(s.LR >= 0) || math.IsInf(s.LR, 0):
		return fielderr.Errorf("lr", "must be a number ≥ 0, got %g", s.LR)
	case !(s.Momentum < 1):
		return fielderr.Errorf("momentum", "must be < 1, got %g", s.Momentum)
	case math.IsNaN(s.WeightDecay) || math.IsInf(s.WeightDecay, 0):
		return fielderr.Errorf("weight_decay", "must be a finite number, got %g", s.WeightDecay)
	case s.Workers < 0:
		return fielderr.Errorf("workers", "must be ≥ 0 (0 = all CPUs), got %d", s.Workers)
	}
	if s.Distill != nil {
		if err := s.Distill.Validate(); err != nil {
			return fielderr.In("distill", err)
		}
	}
	if _, ok := schedules[s.Schedule]; !ok && s.Schedule != "" {
		return fielderr.Errorf("schedule", "%q: unknown (valid: %s)", s.Schedule, strings.Join(Schedules(), ", "))
	}
	return nil
}

// WithDefaults validates s and fills its zero fields from
// DefaultTrainSettings(arch). None stays None (negative), so filling twice
// changes nothing; the optimiser reads a negative value as 0.
func (s TrainSettings) WithDefaults(arch string) (TrainSettings, error) {
	if err := s.Validate(); err != nil {
		return s, err
	}
	d := DefaultTrainSettings(arch)
	s.Epochs = cmp.Or(s.Epochs, d.Epochs)
	s.BatchSize = cmp.Or(s.BatchSize, d.BatchSize)
	s.LR = cmp.Or(s.LR, d.LR)
	s.Momentum = cmp.Or(s.Momentum, d.Momentum)
	s.WeightDecay = cmp.Or(s.WeightDecay, d.WeightDecay)
	s.Schedule = cmp.Or(s.Schedule, d.Schedule)
	return s, nil
}

// checkData reports a dataset that does not fit the model.
func (m *Model) checkData(ds *Dataset) error {
	if ds == nil || ds.N == 0 {
		return fmt.Errorf("dataset is empty")
	}
	in := m.Arch.Layers[0].InputSize()
	if int64(ds.sampleSize()) != in || len(ds.X) != ds.N*ds.sampleSize() || len(ds.Y) != ds.N {
		return fmt.Errorf("dataset of %d×%d×%d images does not fit %s's input of %d values", ds.C, ds.H, ds.W, m.Arch.Name, in)
	}
	for i, y := range ds.Y {
		if int(y) >= m.Classes() {
			return fmt.Errorf("label %d of sample %d is outside %s's %d classes", y, i, m.Arch.Name, m.Classes())
		}
	}
	for _, p := range m.params {
		if err := p.validate(); err != nil {
			return err
		}
	}
	return nil
}

// Train trains m on ds with mini-batch SGD (momentum, weight decay, the
// schedule) minimising the mean softmax cross-entropy. Samples are shuffled
// each epoch with a generator seeded from s.Seed, and gradients are reduced
// in a fixed order, so a run is bit-identical for a given seed and settings
// whatever s.Workers. A non-finite loss, gradient or weight stops training
// with an error naming the layer and step.
func Train(m *Model, ds *Dataset, s TrainSettings) (TrainStats, error) {
	s, err := s.WithDefaults(m.Arch.Name)
	if err != nil {
		return TrainStats{}, err
	}
	if err := m.checkData(ds); err != nil {
		return TrainStats{}, err
	}
	if s.Distill != nil {
		if err := s.Distill.check(ds, m.Classes()); err != nil {
			return TrainStats{}, err
		}
	}
	bs := min(s.BatchSize, ds.N)
	e := newEngine(m, bs, s.Workers)
	defer e.close()
	if !s.DenseKernels {
		e.enableSparse(!s.UpdatePruned)
	}
	opt := newSGD(m, s)
	e.opt = opt
	e.distill = s.Distill
	rng := rand.New(rand.NewPCG(uint64(s.Seed), 0xda3e39cb94b95bdb))
	perm := make([]int, ds.N)
	stepsPerEpoch := (ds.N + bs - 1) / bs
	total := stepsPerEpoch * s.Epochs
	sched := schedules[s.Schedule]
	bar, _ := s.Progress.(progressBar)
	if bar != nil {
		bar.ChangeMax(total)
	}
	var st TrainStats
	defer e.flush()
	start := time.Now()
	for ep := 1; ep <= s.Epochs; ep++ {
		for i := range perm {
			perm[i] = i
		}
		rng.Shuffle(len(perm), func(i, j int) { perm[i], perm[j] = perm[j], perm[i] })
		var sum float64
		var correct int
		for b := 0; b < stepsPerEpoch; b++ {
			idx := perm[b*bs : min((b+1)*bs, ds.N)]
			opt.setStep(s.LR*sched(float64(st.Steps)/float64(total)), len(idx))
			e.run(ds, idx, true)
			loss, c := e.reduce() // sums gradients and updates the weights
			if err := e.checkFinite(loss, ep, st.Steps+1); err != nil {
				return st, err
			}
			opt.finish()
			st.Steps++
			if bar != nil {
				bar.Add(1)
			}
			sum += loss
			correct += c
		}
		st.Epochs, st.FinalLoss, st.TrainAccuracy = ep, sum/float64(ds.N), float64(correct)/float64(ds.N)
		switch {
		case bar != nil:
			bar.Describe(fmt.Sprintf("epoch %d/%d loss %.4f", ep, s.Epochs, st.FinalLoss))
		case s.Progress != nil:
			fmt.Fprintf(s.Progress, "epoch %d/%d: loss %.4f, train accuracy %.4f, %.1fs\n",
				ep, s.Epochs, st.FinalLoss, st.TrainAccuracy, time.Since(start).Seconds())
		}
		if s.OnEpoch != nil {
			e.flush()
			s.OnEpoch(ep, st.FinalLoss)
		}
	}
	st.Duration = time.Since(start)
	st.EpochSeconds = st.Duration.Seconds() / float64(max(st.Epochs, 1))
	return st, nil
}

// checkFinite reports, after a backward pass, the first layer with a
// non-finite output or gradient.
func (e *engine) checkFinite(loss float64, epoch, step int) error {
	if bad := e.badLayer(); bad != "" || math.IsNaN(loss) || math.IsInf(loss, 0) {
		if bad == "" {
			bad = "loss"
		}
		return fmt.Errorf("training diverged at epoch %d, step %d: layer %s: non-finite output (loss %g); lower the learning rate", epoch, step, bad, loss)
	}
	for pi, p := range e.m.params {
		if !e.weightGradFinite(pi) || !finite(p.BiasGrad) {
			return fmt.Errorf("training diverged at epoch %d, step %d: layer %s: non-finite gradient; lower the learning rate", epoch, step, p.Layer)
		}
	}
	return nil
}

// weightGradFinite reports whether param pi's weight gradient of the last
// reduction was finite, from the flags its blocks set.
func (e *engine) weightGradFinite(pi int) bool {
	for b, blk := range e.blocks {
		if blk.pi == pi && !e.gradOK[b] {
			return false
		}
	}
	return true
}

// finite reports whether every value is finite: v−v is 0 for finite v and
// NaN otherwise, so accumulated sums decide (eight lanes on the vector
// kernel, four scalar sums elsewhere and for the tail).
func finite(v []float32) bool {
	if ok, done := finiteVec(v); done {
		if !ok {
			return false
		}
		v = v[len(v)&^7:]
	}
	var s0, s1, s2, s3 float32
	i := 0
	for ; i+4 <= len(v); i += 4 {
		w := v[i : i+4 : i+4]
		s0 += w[0] - w[0]
		s1 += w[1] - w[1]
		s2 += w[2] - w[2]
		s3 += w[3] - w[3]
	}
	for ; i < len(v); i++ {
		s0 += v[i] - v[i]
	}
	return s0 == 0 && s1 == 0 && s2 == 0 && s3 == 0
}
