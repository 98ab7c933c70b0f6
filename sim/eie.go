package sim

import (
	"fmt"
	"hash/fnv"
	"math"
	"math/rand/v2"
	"slices"

	"github.com/dcsim/dcsim/accel"
)

// The eie dataflow (Han et al., "EIE: Efficient Inference Engine on
// Compressed Deep Neural Network", ISCA 2016, §III–IV):
//
//   - N = rows·cols PEs (a 64-PE EIE is rows 64, cols 1). Row i of a weight
//     matrix (output neuron i) is owned by PE i mod N, stored per PE in CSC
//     (csc.go) with relative row indices and padding entries.
//   - The input activations are scanned in index order; each non-zero one
//     (every one unless sparsity.activations is skip) is broadcast to all PEs,
//     at most one per cycle, into per-PE FIFOs of array.queue_depth entries.
//     The broadcaster stalls while any PE's FIFO is full.
//   - A PE pops an activation j and walks its slice of column j: one entry
//     (non-zero or padding) per cycle, or codebook.lookups_per_cycle entries
//     when the layer's weights go through the codebook; a column with no
//     entries still costs one cycle (the pointer read of p_j, p_j+1).
//   - Convolutions are lowered to matrix × vector per output pixel (im2col):
//     the OutC/Groups × K weight matrix of each group multiplies OutH·OutW
//     vectors one after another.
//
// Per-PE per-column work comes from the layer's mask when it has one
// (mask-accurate) and from the densities otherwise (statistical, see
// eieStatCycles). Compute cycles = queue-model cycles per vector × vectors.

// maxSampledVectors is how many activation vectors of a conv layer the
// mask-accurate path simulates; the mean is scaled to all OutH·OutW vectors
// (the weight matrix, hence the per-PE work, is the same for every vector,
// only which activations are zero changes).
const maxSampledVectors = 1

// eieEngine is the eie dataflow.
type eieEngine struct{}

func init() { Register(eieEngine{}) }

func (eieEngine) Name() accel.Dataflow { return accel.EIE }

func (eieEngine) Keys() []string {
	return []string{"array.queue_depth", "sparsity.rel_index_bits", "codebook.lookups_per_cycle"}
}

func (eieEngine) CheckSpec(spec *accel.Spec) error {
	return spec.CheckIntRange("array.queue_depth", spec.Array.QueueDepth, 1, math.MaxInt32)
}

func (eieEngine) CheckLayer(*accel.Spec, *Layer) error { return nil }

// PeakMACsPerCycle is one MAC per PE per cycle.
func (eieEngine) PeakMACsPerCycle(spec *accel.Spec) int64 { return int64(spec.Array.PEs()) }

// Layer simulates one layer on the eie dataflow. EIE has no pooling unit:
// the N PEs' activation registers stream a pooling layer's input and
// output once, N elements per cycle.
func (eieEngine) Layer(spec *accel.Spec, l *Layer) (LayerResult, error) {
	r := newResult(l)
	err := eieEngine{}.layer(spec, l, &r)
	return r, err
}

func (eieEngine) layer(spec *accel.Spec, l *Layer, r *LayerResult) error {
	if l.Kind == Pool {
		streamPool(spec, l, r, int64(spec.Array.PEs()), false)
		return nil
	}
	run := simulateEIE(spec, l, spec.Array.QueueDepth)
	run.fill(spec, l, r)
	return nil
}

// eieRun is the outcome of the eie model for one layer, per whole layer
// (all groups and vectors).
type eieRun struct {
	st        storage
	pes       int
	vectors   int64   // matrix × vector products (OutH·OutW·Groups)
	cycles    float64 // compute cycles
	busy      float64 // PE-cycles spent walking columns
	nnzAct    float64 // non-zero weights walked against non-zero activations
	nnzZero   float64 // non-zero weights walked against zero activations
	padding   float64 // padding entries walked
	columns   float64 // activations broadcast
	scanned   float64 // activations scanned by the non-zero detector
	outputs   float64 // output activations written
	stored    float64 // CSC entries stored (non-zeros + padding), all columns
	storedNNZ float64 // non-zeros stored
	maxPE     float64 // entries stored by the fullest PE
}

// simulateEIE runs the queue model with the given depth on every group.
func simulateEIE(spec *accel.Spec, l *Layer, depth int) eieRun {
	m, k, n, groups := l.GEMM()
	run := eieRun{st: layerStorage(spec, l, true), pes: spec.Array.PEs(), vectors: int64(m) * int64(groups)}
	act := l.ActivationDensity()
	skip := spec.Sparsity.Activations == accel.ZeroSkip
	active := int(math.Round(act * float64(k)))
	for g := 0; g < groups; g++ {
		var vecs [][]int // the non-zero activations of the vectors simulated
		if l.ActMask != nil {
			vecs = actVectors(l, g, min(m, maxMeasuredVectors))
		}
		var gr groupRun
		switch {
		case l.Mask != nil:
			if vecs == nil {
				vecs = randomVectors(k, active, min(m, maxSampledVectors), l.Name, g)
			}
			w := maskWork(l.Mask, g*n, n, run.pes, run.st.relBits)
			gr = maskGroup(w, k, vecs, skip, depth, run.st.lookupRate)
			putPEWork(w)
		case vecs != nil:
			// Statistical weights, measured activations: the mean over
			// the vectors of the statistical model at each one's count.
			for _, v := range vecs {
				gr.addMean(statGroup(n, k, run.pes, l.Density(), len(v), skip, depth, run.st), len(vecs))
			}
		default:
			gr = statGroup(n, k, run.pes, l.Density(), active, skip, depth, run.st)
		}
		run.add(gr, float64(m))
	}
	run.scanned = float64(run.vectors) * float64(k)
	run.outputs = float64(run.vectors) * float64(n)
	return run
}

// groupRun is the per-vector outcome for one group's matrix, plus its
// static storage.
type groupRun struct {
	cycles, busy, nnzAct, nnzZero, padding, columns float64 // per vector
	stored, storedNNZ, maxPE                        float64
}

func (run *eieRun) add(g groupRun, vectors float64) {
	run.cycles += g.cycles * vectors
	run.busy += g.busy * vectors
	run.nnzAct += g.nnzAct * vectors
	run.nnzZero += g.nnzZero * vectors
	run.padding += g.padding * vectors
	run.columns += g.columns * vectors
	run.stored += g.stored
	run.storedNNZ += g.storedNNZ
	run.maxPE = math.Max(run.maxPE, g.maxPE)
}

// addMean adds o/n to every per-vector figure of gr and takes o's static
// storage (the same for every vector).
func (gr *groupRun) addMean(o groupRun, n int) {
	f := 1 / float64(n)
	gr.cycles += o.cycles * f
	gr.busy += o.busy * f
	gr.nnzAct += o.nnzAct * f
	gr.nnzZero += o.nnzZero * f
	gr.padding += o.padding * f
	gr.columns += o.columns * f
	gr.stored, gr.storedNNZ, gr.maxPE = o.stored, o.storedNNZ, o.maxPE
}

// randomVectors draws the non-zero positions of samples activation vectors
// of length k with active non-zeros each, seeded by layer name and group so
// runs are reproducible.
func randomVectors(k, active, samples int, name string, g int) [][]int {
	h := fnv.New64a()
	fmt.Fprintf(h, "%s/%d", name, g)
	rng := rand.New(rand.NewPCG(h.Sum64(), uint64(g)))
	vecs := make([][]int, samples)
	for s := range vecs {
		vecs[s] = rng.Perm(k)[:active]
		slices.Sort(vecs[s])
	}
	return vecs
}

// maxMeasuredVectors is how many output pixels of a conv layer the eie
// model simulates when the layer's activation mask is measured: pixels see
// different zeros, so several (evenly spaced over the output plane) are
// simulated and their mean scaled to all pixels.
const maxMeasuredVectors = 16

// actVectors returns, for samples output pixels of group g evenly spaced
// over the output plane, the non-zero entries of the pixel's activation
// vector (im2col column indices (c·R + r)·S + s, ascending). Positions in
// the zero padding are zero. An FC layer has one vector: its input.
func actVectors(l *Layer, g, samples int) [][]int {
	a := l.ActMask
	cin := l.InC / l.GroupsOr1()
	oh, ow, st := l.OutH(), l.OutW(), l.StrideOr1()
	m := oh * ow
	vecs := make([][]int, samples)
	for i := range vecs {
		p := (2*i + 1) * m / (2 * samples)
		oy, ox := p/ow, p%ow
		var v []int
		for c := 0; c < cin; c++ {
			for r := 0; r < l.R; r++ {
				iy := oy*st + r - l.Pad
				if iy < 0 || iy >= l.InH {
					continue
				}
				for s := 0; s < l.S; s++ {
					ix := ox*st + s - l.Pad
					if ix >= 0 && ix < l.InW && a.Get(g*cin+c, iy, ix) {
						v = append(v, (c*l.R+r)*l.S+s)
					}
				}
			}
		}
		vecs[i] = v
	}
	return vecs
}

// maskGroup simulates the activation vectors vecs (each the sorted indices
// of its non-zero activations) through the queue model with the mask's
// exact per-PE work, and returns the mean per vector.
func maskGroup(w *peWork, k int, vecs [][]int, skip bool, depth, rate int) groupRun {
	var gr groupRun
	perPE := make([]float64, w.pes)
	colNNZ := make([]int64, w.cols) // Σ_p non-zeros of column j
	colPad := make([]int64, w.cols)
	for j := 0; j < w.cols; j++ {
		for p := 0; p < w.pes; p++ {
			nz, pad := w.nnz[j*w.pes+p], w.pad[j*w.pes+p]
			colNNZ[j] += int64(nz)
			colPad[j] += int64(pad)
			perPE[p] += float64(nz + pad)
		}
		gr.stored += float64(colNNZ[j] + colPad[j])
		gr.storedNNZ += float64(colNNZ[j])
	}
	gr.maxPE = slices.Max(perPE)
	q := newQueueSim(w.pes, depth, rate)
	all := make([]int, k)
	for j := range all {
		all[j] = j
	}
	for _, nonzero := range vecs {
		cols := nonzero
		if !skip {
			cols = all
		}
		c, busy := q.run(w, cols)
		gr.cycles += float64(c)
		gr.busy += float64(busy)
		gr.columns += float64(len(cols))
		var nzAct int64
		for _, j := range nonzero {
			nzAct += colNNZ[j]
		}
		gr.nnzAct += float64(nzAct)
		for _, j := range cols {
			gr.padding += float64(colPad[j])
			if !skip {
				gr.nnzZero += float64(colNNZ[j])
			}
		}
		if !skip {
			gr.nnzZero -= float64(nzAct)
		}
	}
	f := 1 / float64(len(vecs))
	gr.cycles, gr.busy, gr.columns = gr.cycles*f, gr.busy*f, gr.columns*f
	gr.nnzAct, gr.nnzZero, gr.padding = gr.nnzAct*f, gr.nnzZero*f, gr.padding*f
	return gr
}

// queueSim is the broadcast/FIFO recurrence. For the idx-th broadcast
// column, with depth D and c(p) = max(1, ceil(entries/rate)) cycles:
//
//	b(idx)    = max(b(idx−1) + 1, max_p s(p, idx−D))   broadcast: one per cycle, FIFO space
//	s(p, idx) = max(b(idx), f(p, idx−1))               PE p starts the column
//	f(p, idx) = s(p, idx) + c(p)                       and finishes it
//
// Cycles = max_p f(p, last). Depth 1 is lock-step (a column is broadcast
// only when every PE has started the previous one); depth ∞ lets every PE
// run through its own total work.
type queueSim struct {
	pes, depth, rate int
	fin, starts      []int64
}

func newQueueSim(pes, depth, rate int) *queueSim {
	return &queueSim{pes: pes, depth: depth, rate: max(rate, 1),
		fin: make([]int64, pes), starts: make([]int64, depth*pes)}
}

// run returns the cycles to process the columns cols (in broadcast order)
// and the PE-cycles spent busy.
func (q *queueSim) run(w *peWork, cols []int) (cycles, busy int64) {
	clear(q.fin)
	b := int64(-1)
	rate := int64(q.rate)
	for idx, j := range cols {
		t := b + 1
		slot := q.starts[(idx%q.depth)*q.pes : (idx%q.depth+1)*q.pes]
		if idx >= q.depth {
			t = max(t, slices.Max(slot))
		}
		b = t
		base := j * w.pes
		for p := range q.pes {
			c := max(1, (int64(w.nnz[base+p]+w.pad[base+p])+rate-1)/rate)
			s := max(t, q.fin[p])
			slot[p] = s
			q.fin[p] = s + c
			busy += c
		}
	}
	if len(cols) == 0 {
		return 0, 0
	}
	return slices.Max(q.fin), busy
}

// fill turns the run into the layer's cycles, counts and storage figures.
func (run *eieRun) fill(spec *accel.Spec, l *Layer, r *LayerResult) {
	st := run.st
	c := &r.Counts
	walked := run.nnzAct + run.nnzZero + run.padding
	c.MACs = int64(math.Round(run.nnzAct))
	switch spec.Sparsity.Activations {
	case accel.ZeroGate:
		c.MACsGated = int64(math.Round(run.nnzZero + run.padding))
	default:
		c.MACs += int64(math.Round(run.nnzZero))
		c.MACsGated = int64(math.Round(run.padding))
	}
	c.MACsSkipped = max(0, r.MACs-c.MACs-c.MACsGated)
	if st.codebook {
		c.LUTReads = int64(math.Round(walked))
	}
	c.IndexReads = int64(math.Round(walked))
	c.RegAccesses = 2 * int64(math.Round(walked)) // accumulator read + write
	ab, wb := spec.Precision.ActivationBits, spec.Memory.WordBytes
	// Column walk: two pointer reads per PE and column, then the entries
	// packed into SRAM words.
	c.FilterReads = int64(math.Round(2*run.columns*float64(run.pes) + walked*float64(st.entryBits)/float64(8*wb)))
	c.IfmapReads = words(int64(run.scanned), ab, wb)
	c.OfmapWrites = words(int64(run.outputs), ab, wb)

	_, k, _, groups := l.GEMM()
	pointers := int64(groups) * int64(run.pes) * int64(k+1)
	r.CompressedBytes = st.bytes(r.Weights, int64(run.storedNNZ), int64(run.stored), pointers, spec.Codebook.DecodedBits)
	if st.codebook {
		r.CodebookBits = st.valueBits
	}
	r.PaddingEntries = int64(math.Round(run.stored - run.storedNNZ))
	r.ComputeCycles = Cycles(math.Ceil(run.cycles))
	if r.ComputeCycles > 0 {
		r.LoadBalance = run.busy / (float64(run.pes) * run.cycles)
	}
	run.memory(spec, l, r)
}

// memory decides what streams from DRAM: the weights when the fullest PE's
// entries (entries·entry bits) exceed its slice of memory.filter_sram_kib
// (split evenly over the PEs; the column pointers live in a separate
// pointer SRAM, as in EIE, and are not checked against a capacity); the input (output)
// activations when they exceed ifmap_sram_kib (ofmap_sram_kib). Weights
// that fit are resident (loaded once, not charged per inference). DRAM
// traffic overlaps compute; the excess is stall.
func (run *eieRun) memory(spec *accel.Spec, l *Layer, r *LayerResult) {
	c := &r.Counts
	perPE := spec.Memory.FilterSRAMKiB * 1024 / float64(run.pes)
	peBytes := run.maxPE * float64(run.st.entryBits) / 8
	if peBytes > perPE {
		c.DRAMReadBytes += r.CompressedBytes
	}
	ab := int64(spec.Precision.ActivationBits)
	in := l.InputRead()
	out := int64(l.OutC) * int64(l.OutH()) * int64(l.OutW())
	if float64(in*ab)/8 > spec.Memory.IfmapSRAMKiB*1024 {
		c.DRAMReadBytes += bitsToBytes(in * ab)
	}
	if float64(out*ab)/8 > spec.Memory.OfmapSRAMKiB*1024 {
		c.DRAMWriteBytes += bitsToBytes(out * ab)
	}
	r.StallCycles = stallOver(spec, c.DRAMReadBytes+c.DRAMWriteBytes, r.ComputeCycles)
}
