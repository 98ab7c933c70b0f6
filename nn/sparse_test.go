package nn

import (
	"bytes"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/dcsim/dcsim/network"
)

// randomMask keeps each weight with probability density (at least one per
// layer).
func randomMask(m *Model, density float64, seed uint64) {
	r := rand.New(rand.NewPCG(seed, 3))
	for _, p := range m.Params() {
		p.Mask = make([]float32, len(p.W))
		p.Mask[r.IntN(len(p.W))] = 1
		for i := range p.Mask {
			if r.Float64() < density {
				p.Mask[i] = 1
			}
		}
	}
}

// TestSparseProducts checks the CSR/CSC row-scaling product and the
// masked dot products against naive loops, for widths that hit the 64-
// and 32-wide kernels and the Go tails.
func TestSparseProducts(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 12))
	const rows, cols = 13, 29
	keep := make([]float32, rows*cols)
	for i := range keep {
		if r.IntN(5) == 0 {
			keep[i] = 1
		}
	}
	w := randSlice(r, rows*cols)
	for _, width := range []int{1, 5, 16, 21, 32, 40, 64, 96, 112, 579} {
		for _, byCol := range []bool{false, true} {
			s := newSparse(keep, rows, cols, byCol)
			for t, i := range s.pos {
				s.val[t] = w[i]
			}
			lines, other := rows, cols
			if byCol {
				lines, other = cols, rows
			}
			at := func(l, o int) float32 { // the entry of line l, index o
				if byCol {
					return keep[o*cols+l] * w[o*cols+l]
				}
				return keep[l*cols+o] * w[l*cols+o]
			}
			ld := width + 3
			src := randSlice(r, other*ld)
			dst0 := randSlice(r, lines*ld)
			got := append([]float32(nil), dst0...)
			s.spmm(src, ld, got, ld, width)
			for l := 0; l < lines; l++ {
				for x := 0; x < width; x++ {
					want := float64(dst0[l*ld+x])
					for o := 0; o < other; o++ {
						want += float64(at(l, o)) * float64(src[o*ld+x])
					}
					if math.Abs(float64(got[l*ld+x])-want) > 1e-5*float64(other+1) {
						t.Fatalf("spmm width %d byCol %v: [%d][%d] = %v, want %v", width, byCol, l, x, got[l*ld+x], want)
					}
				}
			}
			a := randSlice(r, lines*ld)
			out := randSlice(r, s.nnz())
			out0 := append([]float32(nil), out...)
			s.sddmm(a, ld, src, ld, width, out)
			for l := 0; l < lines; l++ {
				for e := s.ptr[l]; e < s.ptr[l+1]; e++ {
					want := float64(out0[e])
					o := int(s.idx[e])
					for x := 0; x < width; x++ {
						want += float64(a[l*ld+x]) * float64(src[o*ld+x])
					}
					if math.Abs(float64(out[e])-want) > 1e-5*float64(width+1) {
						t.Fatalf("sddmm width %d byCol %v: entry %d = %v, want %v", width, byCol, e, out[e], want)
					}
				}
			}
			// The same in ranges of entries that split lines: bit for bit.
			pieces := append([]float32(nil), out0...)
			for lo := 0; lo < s.nnz(); lo += 7 {
				s.sddmmRange(a, ld, src, ld, width, pieces, lo, min(lo+7, s.nnz()))
			}
			if !slices.Equal(pieces, out) {
				t.Fatalf("sddmm width %d byCol %v: in ranges of 7 entries, results differ from whole", width, byCol)
			}
		}
	}
}

// trainPair trains two copies of a masked model for a few steps, one on
// the sparse plan and one on the dense kernels.
func trainPair(t *testing.T, arch network.Network, ds *Dataset, density float64, splice bool) (sparse, dense *Model) {
	t.Helper()
	var out [2]*Model
	for k, denseKernels := range []bool{false, true} {
		m, err := NewModel(arch, 5)
		if err != nil {
			t.Fatal(err)
		}
		randomMask(m, density, 9)
		s := TrainSettings{Epochs: 2, BatchSize: 64, LR: 0.02, Momentum: 0.9, WeightDecay: 5e-4, Schedule: "constant",
			Workers: 2, Seed: 4, UpdatePruned: splice, DenseKernels: denseKernels}
		if _, err := Train(m, ds, s); err != nil {
			t.Fatal(err)
		}
		out[k] = m
	}
	return out[0], out[1]
}

// TestSparseTrainMatchesDense: retraining with frozen masks (and with
// splicing) on the sparse plan gives the dense kernels' weights and
// gradients to float32 rounding, on LeNet-5 (every layer sparse at 5 %)
// and on the tiny architecture (padding, stride 2, widths that are not
// multiples of 8).
func TestSparseTrainMatchesDense(t *testing.T) {
	lenet, _ := network.Zoo("lenet-5")
	for _, tc := range []struct {
		name string
		arch network.Network
		ds   *Dataset
	}{
		{"lenet-5", lenet, randomDataset(150, 1, 28, 28, 10, 2)}, // last batch 22: a short group of 6
		{"tiny", tinyArch(), randomDataset(100, 2, 9, 9, 3, 3)},
		{"padded", network.Network{Name: "padded", Layers: []network.Layer{ // a padded stride-1 conv that needs its input gradient
			{Name: "c1", Kind: network.Conv, InC: 2, InH: 9, InW: 9, OutC: 3, R: 3, S: 3, Stride: 1},
			{Name: "c2", Kind: network.Conv, InC: 3, InH: 7, InW: 7, OutC: 4, R: 3, S: 3, Stride: 1, Pad: 1},
			{Name: "f1", Kind: network.FC, InC: 196, InH: 1, InW: 1, OutC: 3, R: 1, S: 1},
		}}, randomDataset(100, 2, 9, 9, 3, 4)},
	} {
		for _, splice := range []bool{false, true} {
			density := 0.05
			if tc.name != "lenet-5" {
				density = 0.15 // small layers: keep a few weights per filter
			}
			sp, de := trainPair(t, tc.arch, tc.ds, density, splice)
			for pi, p := range sp.Params() {
				q := de.Params()[pi]
				for i := range p.W {
					if math.Abs(float64(p.W[i]-q.W[i])) > 1e-4*(1+math.Abs(float64(q.W[i]))) {
						t.Fatalf("%s splice=%v %s: W[%d] sparse %v, dense %v", tc.name, splice, p.Layer, i, p.W[i], q.W[i])
					}
					if p.Mask[i] == 0 && !splice {
						if p.Grad[i] != 0 {
							t.Fatalf("%s %s: Grad[%d] = %v at a pruned weight, want 0", tc.name, p.Layer, i, p.Grad[i])
						}
						continue
					}
					if math.Abs(float64(p.Grad[i]-q.Grad[i])) > 1e-3*(1e-3+math.Abs(float64(q.Grad[i]))) {
						t.Fatalf("%s splice=%v %s: Grad[%d] sparse %v, dense %v", tc.name, splice, p.Layer, i, p.Grad[i], q.Grad[i])
					}
				}
				for i := range p.Bias {
					if math.Abs(float64(p.Bias[i]-q.Bias[i])) > 1e-4*(1+math.Abs(float64(q.Bias[i]))) {
						t.Fatalf("%s splice=%v %s: bias[%d] sparse %v, dense %v", tc.name, splice, p.Layer, i, p.Bias[i], q.Bias[i])
					}
				}
			}
		}
	}
}

// TestSparsePlanChosenByDensity: layers at or below the thresholds run
// sparse, denser ones and unmasked ones dense.
func TestSparsePlanChosenByDensity(t *testing.T) {
	arch, _ := network.Zoo("lenet-5")
	m, _ := NewModel(arch, 1)
	randomMask(m, 0.05, 1)
	ps := m.Params()
	ps[0].Mask = nil                  // conv1 unmasked
	for i := range ps[1].Mask[:100] { // conv2 at 5 %
		ps[1].Mask[i] = 0
	}
	for i := range ps[3].Mask { // fc2 dense mask
		ps[3].Mask[i] = 1
	}
	e := newEngine(m, 64, 1)
	defer e.close()
	e.enableSparse(true)
	for pi, want := range []bool{false, true, true, false} {
		if got := e.sp[pi] != nil; got != want {
			t.Errorf("%s: sparse = %v, want %v", ps[pi].Layer, got, want)
		}
	}

	// With frozen masks the stride-1 convs run direct up to their higher
	// thresholds: the first layer at 82 %, not conv2 at 82 %; with
	// splicing neither.
	randomMask(m, 0.82, 2)
	for _, frozen := range []bool{true, false} {
		e := newEngine(m, 64, 1)
		e.enableSparse(frozen)
		for pi, want := range []bool{frozen, false} {
			sl := e.sp[pi]
			if got := sl != nil && sl.direct != nil; got != want {
				t.Errorf("82 %%, frozen %v: %s direct = %v, want %v", frozen, ps[pi].Layer, got, want)
			}
		}
		e.close()
	}
}

// TestSparseTrainWorkersBitIdentical: on the sparse plan, as on the dense
// one, results do not depend on the number of workers.
func TestSparseTrainWorkersBitIdentical(t *testing.T) {
	arch, _ := network.Zoo("lenet-5")
	ds := randomDataset(130, 1, 28, 28, 10, 5)
	var files [][]byte
	for _, workers := range []int{1, 2, 3} {
		m, _ := NewModel(arch, 3)
		randomMask(m, 0.04, 2)
		s := TrainSettings{Epochs: 1, BatchSize: 96, LR: 0.02, Momentum: 0.9, Workers: workers, Seed: 6}
		if _, err := Train(m, ds, s); err != nil {
			t.Fatal(err)
		}
		files = append(files, modelBytes(t, m))
	}
	for i := 1; i < len(files); i++ {
		if !bytes.Equal(files[0], files[i]) {
			t.Fatalf("workers run %d wrote different bytes than run 0", i)
		}
	}
}

// TestSparseWeightsVisibleOnEpoch: frozen sparse layers keep their weights
// compact during a run; OnEpoch and the caller still see them in Param.W
// (and the gradient in Param.Grad): epoch 1 of a two-epoch run equals a
// one-epoch run bit for bit.
func TestSparseWeightsVisibleOnEpoch(t *testing.T) {
	arch, _ := network.Zoo("lenet-300-100")
	ds := randomDataset(100, 1, 28, 28, 10, 7)
	train := func(epochs int, onEpoch func(*Model)) *Model {
		m, _ := NewModel(arch, 3)
		randomMask(m, 0.04, 2)
		s := TrainSettings{Epochs: epochs, BatchSize: 32, LR: 0.02, Momentum: 0.9, Schedule: "constant", Workers: 2, Seed: 6}
		if onEpoch != nil {
			s.OnEpoch = func(ep int, _ float64) {
				if ep == 1 {
					onEpoch(m)
				}
			}
		}
		if _, err := Train(m, ds, s); err != nil {
			t.Fatal(err)
		}
		return m
	}
	var atEpoch1 [][]float32
	two := train(2, func(m *Model) {
		for _, p := range m.Params() {
			atEpoch1 = append(atEpoch1, slices.Clone(p.W), slices.Clone(p.Grad))
		}
	})
	one := train(1, nil)
	for pi, p := range one.Params() {
		if !slices.Equal(p.W, atEpoch1[2*pi]) || !slices.Equal(p.Grad, atEpoch1[2*pi+1]) {
			t.Fatalf("%s: weights or gradient seen by OnEpoch differ from a one-epoch run's", p.Layer)
		}
		if slices.Equal(p.W, two.Params()[pi].W) {
			t.Fatalf("%s: the second epoch changed no weight", p.Layer)
		}
	}
}
