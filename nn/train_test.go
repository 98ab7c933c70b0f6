package nn

import (
	"bytes"
	"errors"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/dcsim/dcsim/internal/fielderr"
	"github.com/dcsim/dcsim/network"
)

// maskHalf gives every parameter a random mask keeping about half.
func maskHalf(m *Model, seed uint64) {
	r := rand.New(rand.NewPCG(seed, 1))
	for _, p := range m.Params() {
		p.Mask = make([]float32, len(p.W))
		for i := range p.Mask {
			if r.IntN(2) == 0 {
				p.Mask[i] = 1
			}
		}
	}
}

// oneStep is full-batch, single-step plain SGD: the update is exactly
// w − lr·Grad/N with Grad from GradientPass on the same weights.
func oneStep(n int) TrainSettings {
	return TrainSettings{Epochs: 1, BatchSize: n, LR: 0.1, Momentum: None, WeightDecay: None, Schedule: "constant", Workers: 2}
}

func TestMaskKeepsPrunedWeightsZero(t *testing.T) {
	m, _ := NewModel(tinyArch(), 1)
	maskHalf(m, 2)
	before := m.Clone()
	ds := randomDataset(40, 2, 9, 9, 3, 3)
	s := TrainSettings{Epochs: 2, BatchSize: 8, LR: 0.05, Momentum: 0.9, WeightDecay: 1e-3, Workers: 2}
	if _, err := Train(m, ds, s); err != nil {
		t.Fatal(err)
	}
	for pi, p := range m.Params() {
		changed := 0
		for i := range p.W {
			if p.Mask[i] == 0 {
				if p.Effective(i) != 0 || p.W[i] != before.Params()[pi].W[i] {
					t.Fatalf("%s[%d]: pruned weight moved: effective %v, shadow %v → %v", p.Layer, i, p.Effective(i), before.Params()[pi].W[i], p.W[i])
				}
			} else if p.W[i] != before.Params()[pi].W[i] {
				changed++
			}
		}
		if changed == 0 {
			t.Errorf("%s: no kept weight was trained", p.Layer)
		}
	}
	// The saved file holds exact zeros where pruned.
	var buf bytes.Buffer
	if err := WriteModel(&buf, m, nil); err != nil {
		t.Fatal(err)
	}
	got, _, err := ReadModel(bytes.NewReader(buf.Bytes()), int64(buf.Len()), "mem.npz")
	if err != nil {
		t.Fatal(err)
	}
	for pi, p := range got.Params() {
		for i, w := range p.W {
			if p.Mask[i] == 0 && w != 0 {
				t.Fatalf("%s[%d]: saved weight %v where pruned", p.Layer, i, w)
			}
			if p.Mask[i] == 1 && w != m.Params()[pi].W[i] {
				t.Fatalf("%s[%d]: saved %v, want %v", p.Layer, i, w, m.Params()[pi].W[i])
			}
		}
	}
}

func TestUpdatePrunedUpdatesShadowWeights(t *testing.T) {
	m, _ := NewModel(tinyArch(), 1)
	maskHalf(m, 4)
	ds := randomDataset(32, 2, 9, 9, 3, 3)
	ref := m.Clone()
	if err := ref.GradientPass(ds, 32, nil); err != nil {
		t.Fatal(err)
	}
	s := oneStep(32)
	s.UpdatePruned = true
	if _, err := Train(m, ds, s); err != nil {
		t.Fatal(err)
	}
	// float32 gradient sums in a different sample order: 1e-5 absolute.
	const tol = 1e-5
	for pi, p := range m.Params() {
		r := ref.Params()[pi]
		for i := range p.W {
			want := r.W[i] - float32(s.LR)*r.Grad[i]/32
			if math.Abs(float64(p.W[i]-want)) > tol {
				t.Fatalf("%s[%d] (mask %v): w = %v, want %v", p.Layer, i, p.Mask[i], p.W[i], want)
			}
			if p.Mask[i] == 0 && p.Effective(i) != 0 {
				t.Fatalf("%s[%d]: effective weight %v while pruned", p.Layer, i, p.Effective(i))
			}
		}
	}
}

func TestFinetuneCodebookSumsMemberGradients(t *testing.T) {
	m, _ := NewModel(tinyArch(), 1)
	maskHalf(m, 6)
	r := rand.New(rand.NewPCG(9, 9))
	for _, p := range m.Params() {
		p.Codebook = []float32{-0.3, -0.1, 0.1, 0.3}
		p.Index = make([]int32, len(p.W))
		for i := range p.Index {
			p.Index[i] = int32(r.IntN(4))
		}
	}
	ds := randomDataset(32, 2, 9, 9, 3, 3)
	ref := m.Clone()
	if err := ref.GradientPass(ds, 32, nil); err != nil {
		t.Fatal(err)
	}
	s := oneStep(32)
	s.FinetuneCodebook = true
	if _, err := Train(m, ds, s); err != nil {
		t.Fatal(err)
	}
	const tol = 1e-5
	for pi, p := range m.Params() {
		rp := ref.Params()[pi]
		sum := make([]float64, 4)
		for i, ix := range rp.Index {
			if rp.Mask[i] != 0 {
				sum[ix] += float64(rp.Grad[i])
			}
		}
		for c := range p.Codebook {
			want := float64(rp.Codebook[c]) - s.LR*sum[c]/32
			if math.Abs(float64(p.Codebook[c])-want) > tol {
				t.Errorf("%s centroid %d = %v, want %v", p.Layer, c, p.Codebook[c], want)
			}
		}
		for i := range p.W {
			if p.W[i] != rp.W[i] || p.Index[i] != rp.Index[i] {
				t.Fatalf("%s[%d]: weight or index changed under codebook finetuning", p.Layer, i)
			}
		}
	}
}

// TestTrainDeterministic trains LeNet-5 on 96 MNIST images twice with one
// worker and twice with two: all four saved files must be byte-identical.
func TestTrainDeterministic(t *testing.T) {
	train, _ := testMNIST(t)
	arch, _ := network.Zoo("lenet-5")
	var files [][]byte
	for _, workers := range []int{1, 1, 2, 2} {
		m, err := NewModel(arch, 7)
		if err != nil {
			t.Fatal(err)
		}
		s := DefaultTrainSettings(arch.Name)
		s.Epochs, s.BatchSize, s.Workers, s.Seed = 1, 40, workers, 3
		if _, err := Train(m, train.Subset(96), s); err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		if err := WriteModel(&buf, m, map[string]string{"seed": "7"}); err != nil {
			t.Fatal(err)
		}
		files = append(files, buf.Bytes())
	}
	for i := 1; i < len(files); i++ {
		if !bytes.Equal(files[0], files[i]) {
			t.Fatalf("run %d wrote different bytes than run 0", i)
		}
	}
}

// TestTrainWorkersBitIdenticalFC: LeNet-300-100's fc weight gradients are
// products over the whole batch cut into row blocks that the workers claim
// (engine.reduceBlock); with 1, 2 and 3 workers, unmasked and with splicing
// (sparse forward, dense weight gradient), and a batch that ends in a
// partial chunk, the trained weights must be byte-identical.
func TestTrainWorkersBitIdenticalFC(t *testing.T) {
	arch, _ := network.Zoo("lenet-300-100")
	ds := randomDataset(110, 1, 28, 28, 10, 4)
	for _, splice := range []bool{false, true} {
		var files [][]byte
		for _, workers := range []int{1, 2, 3} {
			m, _ := NewModel(arch, 5)
			if splice {
				randomMask(m, 0.1, 3)
			}
			s := TrainSettings{Epochs: 1, BatchSize: 50, LR: 0.05, Momentum: 0.9, WeightDecay: 1e-4,
				Workers: workers, Seed: 2, UpdatePruned: splice}
			if _, err := Train(m, ds, s); err != nil {
				t.Fatal(err)
			}
			files = append(files, modelBytes(t, m))
		}
		for i := 1; i < len(files); i++ {
			if !bytes.Equal(files[0], files[i]) {
				t.Fatalf("splice=%v: workers run %d wrote different bytes than run 0", splice, i)
			}
		}
	}
}

// TestTrainSmallSubset: LeNet-300-100 on 500 training images must classify
// more than 80 % of 1000 test images after a few epochs.
func TestTrainSmallSubset(t *testing.T) {
	train, test := testMNIST(t)
	arch, _ := network.Zoo("lenet-300-100")
	m, _ := NewModel(arch, 1)
	s := DefaultTrainSettings(arch.Name)
	s.Epochs = 8
	if _, err := Train(m, train.Subset(500), s); err != nil {
		t.Fatal(err)
	}
	acc, loss := Evaluate(m, test.Subset(1000))
	t.Logf("test accuracy %.4f, loss %.4f", acc, loss)
	if acc <= 0.80 {
		t.Fatalf("test accuracy %.4f, want > 0.80", acc)
	}
}

func TestTrainRejectsBadSettings(t *testing.T) {
	ds := randomDataset(8, 2, 9, 9, 3, 1)
	for _, tc := range []struct {
		s           TrainSettings
		field, want string
	}{
		{TrainSettings{LR: -0.1}, "lr", "must be a number ≥ 0"},
		{TrainSettings{LR: math.NaN()}, "lr", "must be a number ≥ 0"},
		{TrainSettings{BatchSize: -1}, "batch", "must be ≥ 0"},
		{TrainSettings{Epochs: -2}, "epochs", "must be ≥ 0"},
		{TrainSettings{Momentum: 1}, "momentum", "must be < 1"},
		{TrainSettings{Momentum: math.NaN()}, "momentum", "must be < 1"},
		{TrainSettings{WeightDecay: math.Inf(1)}, "weight_decay", "must be a finite number"},
		{TrainSettings{Workers: -1}, "workers", "must be ≥ 0"},
		{TrainSettings{Schedule: "linear"}, "schedule", "valid: constant, cosine, step"},
	} {
		m, _ := NewModel(tinyArch(), 1)
		_, err := Train(m, ds, tc.s)
		var fe *fielderr.Error
		if !errors.As(err, &fe) || fe.Field != tc.field || !strings.Contains(fe.Msg, tc.want) {
			t.Errorf("%+v: error %v, want a field error on %s containing %q", tc.s, err, tc.field, tc.want)
		}
	}
	m, _ := NewModel(tinyArch(), 1)
	if _, err := Train(m, randomDataset(4, 1, 28, 28, 3, 1), TrainSettings{}); err == nil {
		t.Error("a dataset of the wrong image size trained")
	}
	if _, err := Train(m, randomDataset(4, 2, 9, 9, 5, 1), TrainSettings{}); err == nil || !strings.Contains(err.Error(), "classes") {
		t.Errorf("labels beyond the classes: %v", err)
	}
}

// TestTrainZeroMeansDefault pins the one meaning of zero: a zero field is
// the architecture's default, None turns momentum and decay off, and
// filling twice changes nothing.
func TestTrainZeroMeansDefault(t *testing.T) {
	d := DefaultTrainSettings("lenet-5")
	got, err := TrainSettings{}.WithDefaults("lenet-5")
	if err != nil || got.Momentum != d.Momentum || got.WeightDecay != d.WeightDecay || got.LR != d.LR ||
		got.Epochs != d.Epochs || got.BatchSize != d.BatchSize || got.Schedule != d.Schedule {
		t.Errorf("zero settings filled to %+v (%v), want the defaults %+v", got, err, d)
	}
	off, err := TrainSettings{Momentum: None, WeightDecay: None}.WithDefaults("lenet-5")
	if err != nil || off.Momentum >= 0 || off.WeightDecay >= 0 {
		t.Errorf("None filled to momentum %g, decay %g (%v); want them kept off", off.Momentum, off.WeightDecay, err)
	}
	again, _ := off.WithDefaults("lenet-5")
	if again.Momentum != off.Momentum || again.WeightDecay != off.WeightDecay || again.LR != off.LR {
		t.Errorf("filling twice changed %+v to %+v", off, again)
	}
}

func TestTrainReportsNonFiniteLayer(t *testing.T) {
	m, _ := NewModel(tinyArch(), 1)
	m.Param("f1").W[3] = float32(math.Inf(1))
	_, err := Train(m, randomDataset(16, 2, 9, 9, 3, 1), TrainSettings{Epochs: 1, BatchSize: 8})
	if err == nil || !strings.Contains(err.Error(), "layer f1") || !strings.Contains(err.Error(), "step 1") {
		t.Fatalf("error %v: want one naming layer f1 and step 1", err)
	}
}

func TestGradientPassVisitsEachBatch(t *testing.T) {
	m, _ := NewModel(tinyArch(), 1)
	ds := randomDataset(50, 2, 9, 9, 3, 1)
	full := m.Clone()
	if err := full.GradientPass(ds, 50, nil); err != nil {
		t.Fatal(err)
	}
	// The batch gradients sum to the full-data gradient.
	sum := make([]float64, len(m.Params()[0].Grad))
	calls := 0
	if err := m.GradientPass(ds, 16, func() {
		calls++
		for i, g := range m.Params()[0].Grad {
			sum[i] += float64(g)
		}
	}); err != nil {
		t.Fatal(err)
	}
	if calls != 4 {
		t.Fatalf("visit called %d times, want 4 (batches of 16,16,16,2)", calls)
	}
	for i, g := range full.Params()[0].Grad {
		if math.Abs(sum[i]-float64(g)) > 1e-4*math.Max(1, math.Abs(float64(g))) {
			t.Fatalf("grad[%d]: batches sum to %v, full pass %v", i, sum[i], g)
		}
	}
}

func TestSchedules(t *testing.T) {
	for _, tc := range []struct {
		name string
		t    float64
		want float64
	}{
		{"cosine", 0, 1}, {"cosine", 0.5, 0.5}, {"step", 0.49, 1}, {"step", 0.5, 0.1}, {"step", 0.8, 0.01}, {"constant", 0.9, 1},
	} {
		if got := schedules[tc.name](tc.t); math.Abs(got-tc.want) > 1e-12 {
			t.Errorf("%s(%v) = %v, want %v", tc.name, tc.t, got, tc.want)
		}
	}
}

// fakeBar records what Train does to a progress bar.
type fakeBar struct {
	bytes.Buffer
	max, added int
	desc       string
}

func (b *fakeBar) ChangeMax(n int)   { b.max = n }
func (b *fakeBar) Add(n int) error   { b.added += n; return nil }
func (b *fakeBar) Describe(s string) { b.desc = s }

func TestProgress(t *testing.T) {
	ds := randomDataset(40, 2, 9, 9, 3, 1)
	m, _ := NewModel(tinyArch(), 1)
	var lines bytes.Buffer
	if _, err := Train(m, ds, TrainSettings{Epochs: 2, BatchSize: 16, Progress: &lines}); err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(lines.String(), "\n"); n != 2 || !strings.HasPrefix(lines.String(), "epoch 1/2: loss ") {
		t.Errorf("progress lines %q: want one per epoch", lines.String())
	}
	bar := &fakeBar{}
	if _, err := Train(m, ds, TrainSettings{Epochs: 2, BatchSize: 16, Progress: bar}); err != nil {
		t.Fatal(err)
	}
	if bar.max != 6 || bar.added != 6 || !strings.HasPrefix(bar.desc, "epoch 2/2") || bar.Len() != 0 {
		t.Errorf("bar: max %d, added %d, desc %q, text %q; want 6 steps of 3 batches × 2 epochs and no text", bar.max, bar.added, bar.desc, bar.String())
	}
}
