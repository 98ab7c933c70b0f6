package codesign

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"time"

	"github.com/dcsim/dcsim/accel"
	"github.com/dcsim/dcsim/nn"
)

// Result is the outcome of Run: plain data for the command layer to render.
// Its candidates are codesign rows `dcsim report` reads.
type Result struct {
	Model       string `json:"model"`
	Accelerator string `json:"accelerator"`
	Objective   string `json:"objective"`
	Search      string `json:"search"`
	Budget      Budget `json:"budget"`
	// MaxDrop is the accuracy tolerance (fraction); DenseProxyAccuracy the
	// dense model's accuracy on the held-out validation images.
	MaxDrop            float64 `json:"max_drop"`
	DenseProxyAccuracy float64 `json:"dense_proxy_accuracy"`
	ProxyTrainImages   int     `json:"proxy_train_images"`
	// ValImages are the test images held out to choose; TestImages the
	// rest, on which the comparison and the proxy validation are measured.
	ValImages      int         `json:"val_images"`
	TestImages     int         `json:"test_images,omitempty"`
	SaliencyImages int         `json:"saliency_images"`
	Candidates     []Candidate `json:"candidates"`
	// Front names the Pareto-optimal candidates, by latency.
	Front  []string `json:"front"`
	Chosen string   `json:"chosen"`
	// ProxyChosen is the proxy's choice when real retraining confirmed a
	// faster candidate (Confirmations), which then is Chosen.
	ProxyChosen   string         `json:"proxy_chosen,omitempty"`
	Confirmations []Confirmation `json:"confirmations,omitempty"`
	// Comparison holds dense, global threshold, co-designed and
	// co-designed + clustered, retrained and measured for real (empty with
	// NoRetrain).
	Comparison []Row `json:"comparison,omitempty"`
	// LatencyGain is the global-threshold model's simulated latency over
	// the co-designed model's, at the same number of kept weights.
	LatencyGain float64     `json:"latency_gain_vs_global,omitempty"`
	AccuracyGap float64     `json:"accuracy_drop_vs_dense,omitempty"` // dense − co-designed test accuracy
	Validation  *Validation `json:"proxy_validation,omitempty"`
}

// Chosen returns the chosen candidate, or nil.
func (r *Result) ChosenCandidate() *Candidate {
	for i := range r.Candidates {
		if r.Candidates[i].Name == r.Chosen {
			return &r.Candidates[i]
		}
	}
	return nil
}

// Run explores the candidates of s on spec, validates the proxy when
// s.ValidateProxy > 0 and, unless s.NoRetrain, retrains the chosen one and
// the global-threshold baseline for real. dense is the trained model (it is
// not modified); train supplies the saliency pass, the proxy fine-tune and
// the retraining. test is split: its first s.ValImages images (at most
// half) are held out to choose (the proxy's accuracy), the rest measure
// the final comparison and the proxy validation, so no reported accuracy
// comes from an image a choice saw. A budget no candidate meets returns
// the partial Result and a *BudgetError.
func Run(dense *nn.Model, spec *accel.Spec, train, test *nn.Dataset, s Settings) (*Result, error) {
	if err := s.Validate(); err != nil {
		return nil, err
	}
	if spec == nil {
		return nil, fmt.Errorf("codesign: no accelerator spec")
	}
	s = s.withDefaults()
	if test == nil || test.N < 2 {
		return nil, fmt.Errorf("codesign: need at least 2 test images (held-out validation and test)")
	}
	nVal := min(s.ValImages, test.N/2)
	val, rest := test.Subset(nVal), tail(test, test.N-nVal)
	res, err := Explore(dense, spec, train, val, s)
	if err != nil {
		return res, err
	}
	res.TestImages = rest.N
	test = rest
	if s.ValidateProxy > 0 {
		if res.Validation, err = validate(dense, res.Candidates, train, test, s); err != nil {
			return res, err
		}
	}
	if s.NoRetrain {
		return res, nil
	}
	pre, err := confirm(dense, res, train, val, s)
	if err != nil {
		return res, err
	}
	chosen := res.ChosenCandidate()
	if res.Comparison, err = compare(dense, chosen, spec, train, test, s, pre); err != nil {
		return res, err
	}
	g, c := res.Comparison[1], res.Comparison[2]
	if c.LatencyUS > 0 {
		res.LatencyGain = g.LatencyUS / c.LatencyUS
	}
	res.AccuracyGap = res.Comparison[0].Accuracy - c.Accuracy
	return res, nil
}

// Explore computes the saliency once, enumerates and scores the candidates
// (simulated cost and proxy accuracy on val, the held-out images), walks
// per layer when s.Search is "walk", marks the Pareto front and chooses.
func Explore(dense *nn.Model, spec *accel.Spec, train, val *nn.Dataset, s Settings) (*Result, error) {
	if err := s.Validate(); err != nil {
		return nil, err
	}
	s = s.withDefaults().forModel(dense)
	data, err := proxySplit(train, val, s.ProxyTrainImages)
	if err != nil {
		return nil, err
	}
	res := &Result{Model: dense.Arch.Name, Accelerator: spec.Name, Objective: s.Objective, Search: s.Search,
		Budget: s.Budget, MaxDrop: s.MaxDrop, ProxyTrainImages: data.tune.N, ValImages: data.val.N}
	if res.DenseProxyAccuracy, _, err = nn.EvaluateErr(dense, data.val, s.Workers); err != nil {
		return nil, fmt.Errorf("proxy: dense: %w", err)
	}
	salData := train.Subset(s.SaliencyImages)
	res.SaliencyImages = salData.N
	start := time.Now()
	sal, err := saliency(dense, salData, s)
	if err != nil {
		return nil, err
	}
	s.logf("saliency of %d weights over %d images in %.1f s", weightsOf(dense), salData.N, time.Since(start).Seconds())
	cs, err := enumerate(dense, sal, s)
	if err != nil {
		return nil, err
	}
	lad, err := ladder(dense, sal, s)
	if err != nil {
		return nil, err
	}
	cs = append(cs, lad...)
	if err := simulateAll(dense, spec, cs, s); err != nil {
		return nil, err
	}
	floor := s.MinKeep * float64(weightsOf(dense))
	// The ladder gets the full proxy (it is every candidate's reference);
	// candidates below MinKeep cannot be chosen and get the one-shot only.
	start = time.Now()
	var live []int
	for i := range cs {
		images := s.ProxyTrainImages
		switch {
		case cs[i].Series != "global" && bigEnough(&cs[i], floor):
			live = append(live, i)
			continue
		case cs[i].Series != "global":
			images = 0
		}
		if err := proxyAccuracy(dense, &cs[i], data, images, s); err != nil {
			return nil, err
		}
	}
	s.logf("proxy: %d global-threshold rungs, %d candidates below min-keep one-shot (%.1f s)",
		len(lad), len(cs)-len(lad)-len(live), time.Since(start).Seconds())
	if err := search(dense, cs, live, data, s); err != nil {
		return nil, err
	}
	setReferences(cs)
	if s.Search == Walk {
		if cs, err = walk(dense, spec, sal, cs, data, floor, s); err != nil {
			return nil, err
		}
		setReferences(cs)
	}
	res.Candidates = cs
	res.Front = markFront(cs)
	best, err := choose(cs, floor, s)
	if err != nil {
		return res, err
	}
	res.Chosen = cs[best].Name
	s.logf("chose %s: proxy accuracy %.2f%%, latency %.4g µs, energy %.4g µJ, params %d",
		cs[best].Name, 100*cs[best].Accuracy, cs[best].LatencyUS, cs[best].EnergyPJ/1e6, cs[best].Params)
	return res, nil
}

// simulateAll fills every candidate's size and simulated cost (cheap: a
// model copy, its storage and one simulation each).
func simulateAll(dense *nn.Model, spec *accel.Spec, cs []Candidate, s Settings) error {
	start := time.Now()
	for i := range cs {
		m, err := prepare(dense, &cs[i], s.Seed)
		if err != nil {
			return err
		}
		if err := cost(m, spec, &cs[i], s); err != nil {
			return err
		}
	}
	s.logf("simulated %d candidates on %s in %.1f s", len(cs), spec.Name, time.Since(start).Seconds())
	return nil
}

// search runs the proxy on the candidates live of cs with the strategy of
// s.
func search(dense *nn.Model, cs []Candidate, live []int, data proxyData, s Settings) error {
	start := time.Now()
	live = slices.Clone(live)
	images := s.ProxyTrainImages
	if s.Search == Halving {
		rungs := int(math.Ceil(math.Log2(float64(max(len(live), 2))))) - 1
		images = max(1, s.ProxyTrainImages>>max(rungs, 0))
	}
	for {
		for _, i := range live {
			if err := proxyAccuracy(dense, &cs[i], data, images, s); err != nil {
				return err
			}
		}
		s.logf("proxy: %d candidates at %d fine-tune images (%.1f s so far)", len(live), min(images, data.tune.N), time.Since(start).Seconds())
		if s.Search != Halving || len(live) <= 2 || images >= s.ProxyTrainImages {
			return nil
		}
		setReferences(cs)
		promote(cs, live)
		live = live[:(len(live)+1)/2]
		slices.Sort(live)
		images = min(2*images, s.ProxyTrainImages)
	}
}

// promote orders live for successive halving: the candidates on the Pareto
// front of this rung first (they are the ones a longer fine-tune could make
// the choice), then the rest, each part by proxy accuracy above the
// reference, best first.
func promote(cs []Candidate, live []int) {
	pts := make([]Point, len(live))
	for j, i := range live {
		pts[j] = cs[i].point()
	}
	onFront := map[int]bool{}
	for _, j := range Front(pts) {
		onFront[live[j]] = true
	}
	slices.SortStableFunc(live, func(a, b int) int {
		if onFront[a] != onFront[b] {
			if onFront[a] {
				return -1
			}
			return 1
		}
		return -cmp.Compare(cs[a].Accuracy-cs[a].Reference, cs[b].Accuracy-cs[b].Reference)
	})
}
