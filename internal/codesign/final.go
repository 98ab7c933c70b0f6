package codesign

import (
	"fmt"
	"math"
	"time"

	"github.com/dcsim/dcsim/accel"
	"github.com/dcsim/dcsim/clustering"
	"github.com/dcsim/dcsim/network"
	"github.com/dcsim/dcsim/nn"
	"github.com/dcsim/dcsim/pruning"
	"github.com/dcsim/dcsim/sim"
)

// Row is one model of the final comparison, measured for real: test
// accuracy after retraining, storage, and simulated cost.
type Row struct {
	Name     string  `json:"name"`
	Series   string  `json:"series"`
	ConvKeep float64 `json:"conv_keep,omitempty"`
	FCKeep   float64 `json:"fc_keep,omitempty"`
	// LayerKeeps are the per-layer targets of a walk candidate's retraining.
	LayerKeeps       map[string]float64 `json:"layer_keeps,omitempty"`
	Keep             float64            `json:"keep,omitempty"` // global threshold's keep fraction
	Accuracy         float64            `json:"accuracy"`       // test accuracy, fraction
	CompressionRatio float64            `json:"compression_ratio"`
	Params           int64              `json:"params"` // kept weights + biases
	Weights          int64              `json:"nonzero_weights"`
	ConvDensity      float64            `json:"conv_density"`
	FCDensity        float64            `json:"fc_density"`
	MACs             int64              `json:"macs"` // MACs left when zero weights are skipped
	LatencyUS        float64            `json:"latency_us"`
	EnergyPJ         float64            `json:"energy_pj"`
	Seconds          float64            `json:"-"` // wall time of its retraining
}

// Names of the comparison rows.
const (
	RowDense     = "dense"
	RowGlobal    = "global threshold"
	RowCodesign  = "co-designed"
	RowClustered = "co-designed + clustered"
)

// cost fills a candidate's size and simulated cost from a model carrying
// its masks (and codebooks).
func cost(m *nn.Model, spec *accel.Spec, c *Candidate, s Settings) error {
	r, err := measure(m, spec, s)
	if err != nil {
		return fmt.Errorf("%s: %w", c.Name, err)
	}
	c.CompressionRatio, c.Params, c.Weights, c.MACs = r.CompressionRatio, r.Params, r.Weights, r.MACs
	c.LatencyUS, c.EnergyPJ = r.LatencyUS, r.EnergyPJ
	return nil
}

// measure returns m's size (pruning.Summarize, clustering.Storage as dcsim
// cluster counts it) and its simulated latency and energy on spec;
// accuracy is left to the caller.
func measure(m *nn.Model, spec *accel.Spec, s Settings) (Row, error) {
	var r Row
	layers, total := pruning.Summarize(m)
	r.Params, r.Weights, r.MACs = total.ParamsKept(), total.Kept, total.MACsKept
	var kept, all [2]int64
	for _, l := range layers {
		k := 0
		if l.Kind == network.FC {
			k = 1
		}
		kept[k] += l.Kept
		all[k] += l.Weights
	}
	r.ConvDensity, r.FCDensity = ratio(kept[0], all[0]), ratio(kept[1], all[1])
	// Stored as dcsim cluster stores it by default: each layer's
	// relative-index width and entry order chosen to minimise its bits.
	st, err := clustering.Storage(m, clustering.StorageSettings{AutoRelBits: true})
	if err != nil {
		return r, fmt.Errorf("storage: %w", err)
	}
	r.CompressionRatio = st.CompressionRatio
	ws, err := s.Workloads(m)
	if err != nil {
		return r, fmt.Errorf("workload: %w", err)
	}
	res, err := sim.SimulateImages(spec, ws)
	if err != nil {
		return r, fmt.Errorf("simulate: %w", err)
	}
	r.LatencyUS, r.EnergyPJ = res.Total.LatencyUS, res.Total.Energy.Total
	return r, nil
}

func ratio(a, b int64) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}

// row measures m on spec and test and names the row.
func row(name string, m *nn.Model, spec *accel.Spec, test *nn.Dataset, s Settings) (Row, error) {
	r, err := measure(m, spec, s)
	if err != nil {
		return r, fmt.Errorf("%s: %w", name, err)
	}
	r.Name, r.Series = name, "comparison"
	if r.Accuracy, _, err = nn.EvaluateErr(m, test, s.Workers); err != nil {
		return r, fmt.Errorf("%s: evaluate: %w", name, err)
	}
	return r, nil
}

// retrain prunes a copy of dense for real with the schedule of s.Prune:
// with keep > 0 at one global threshold, else as candidate c says (its
// global keep, its per-layer keeps, or its conv and FC keeps thresholded
// separately).
func retrain(dense *nn.Model, train *nn.Dataset, keep float64, c *Candidate, s Settings) (*nn.Model, pruning.Report, error) {
	m := dense.Clone()
	p := s.Prune
	p.Keep, p.ConvKeep, p.FCKeep, p.LayerKeeps = keep, 0, 0, nil
	switch {
	case keep > 0:
	case c.Keep > 0: // a rung of the global-threshold ladder
		p.Keep = c.Keep
	case c.LayerKeeps != nil:
		p.LayerKeeps = c.LayerKeeps
	// A network with layers of one kind only has one threshold: the
	// separated pruning of that kind is the global one.
	case !hasKind(dense, network.Conv):
		p.Keep = c.FCKeep
	case !hasKind(dense, network.FC):
		p.Keep = c.ConvKeep
	default:
		p.ConvKeep, p.FCKeep = c.ConvKeep, c.FCKeep
	}
	p.Seed, p.Train.Workers, p.Progress = s.Seed, s.Workers, nil
	rep, err := pruning.Prune(m, train, nil, p)
	if err != nil {
		return nil, rep, fmt.Errorf("retraining: %w", err)
	}
	return m, rep, nil
}

// clusterChosen shares the weights of a copy of m with the caps of
// s.Cluster (or the chosen candidate's bits, or the defaults) and
// fine-tunes the centroids for s.ClusterEpochs.
func clusterChosen(m *nn.Model, train *nn.Dataset, b Bits, s Settings) (*nn.Model, error) {
	c := m.Clone()
	ms := s.Cluster
	if ms.Seed == 0 {
		ms.Seed = s.Seed
	}
	if ms.ConvMaxBits == 0 {
		ms.ConvMaxBits = cmpOr(b.Conv, DefaultConvBits)
	}
	if ms.FCMaxBits == 0 {
		ms.FCMaxBits = cmpOr(b.FC, DefaultFCBits)
	}
	if _, err := clustering.ClusterModel(c, ms); err != nil {
		return nil, fmt.Errorf("clustering: %w", err)
	}
	if s.ClusterEpochs > 0 {
		t := tuneSettings(c, s, true)
		t.Epochs = s.ClusterEpochs
		if _, err := nn.Train(c, train, t); err != nil {
			return nil, fmt.Errorf("centroid fine-tune: %w", err)
		}
	}
	return c, nil
}

func cmpOr(a, b int) int {
	if a != 0 {
		return a
	}
	return b
}

// compare builds the final table: dense, global threshold at the chosen
// candidate's kept-weight count, the co-designed candidate retrained, and
// that model clustered. Models the confirmation retrained (pre) are
// reused: its chosen model, and its global threshold when that holds the
// co-designed model's number of weights to sizeSlack.
func compare(dense *nn.Model, chosen *Candidate, spec *accel.Spec, train, test *nn.Dataset, s Settings, pre *retrained) ([]Row, error) {
	d, err := row(RowDense, dense, spec, test, s)
	if err != nil {
		return nil, err
	}
	start := time.Now()
	cm, sec := pre.chosen, pre.chosenSec
	if cm == nil {
		s.logf("retraining the co-designed candidate %s", chosen.Name)
		if cm, _, err = retrain(dense, train, 0, chosen, s); err != nil {
			return nil, fmt.Errorf("%s: %w", chosen.Name, err)
		}
		sec = time.Since(start).Seconds()
	}
	co, err := row(RowCodesign, cm, spec, test, s)
	if err != nil {
		return nil, err
	}
	co.ConvKeep, co.FCKeep, co.LayerKeeps, co.Seconds = chosen.ConvKeep, chosen.FCKeep, chosen.LayerKeeps, sec
	keep := float64(co.Weights) / float64(weightsOf(dense))
	gm, sec := pre.global, pre.globalSec
	if gm != nil && math.Abs(float64(nonzeroWeights(gm)-co.Weights)) <= sizeSlack*float64(co.Weights) {
		keep = pre.globalKeep
		s.logf("the global-threshold baseline retrained at keep %.5f (%d weights) stands for %d weights", keep, nonzeroWeights(gm), co.Weights)
	} else {
		start = time.Now()
		s.logf("retraining the global-threshold baseline at keep %.5f (%d weights)", keep, co.Weights)
		if gm, _, err = retrain(dense, train, keep, nil, s); err != nil {
			return nil, fmt.Errorf("global threshold: %w", err)
		}
		sec = time.Since(start).Seconds()
	}
	g, err := row(RowGlobal, gm, spec, test, s)
	if err != nil {
		return nil, err
	}
	g.Keep, g.Seconds = keep, sec
	s.logf("clustering the co-designed model")
	km, err := clusterChosen(cm, train, chosen.Bits, s)
	if err != nil {
		return nil, err
	}
	k, err := row(RowClustered, km, spec, test, s)
	if err != nil {
		return nil, err
	}
	k.ConvKeep, k.FCKeep, k.LayerKeeps = chosen.ConvKeep, chosen.FCKeep, chosen.LayerKeeps
	return []Row{d, g, co, k}, nil
}

// weightsOf counts all conv and FC weights of m.
func weightsOf(m *nn.Model) int64 {
	var n int64
	for _, p := range m.Params() {
		n += int64(len(p.W))
	}
	return n
}
