package codesign

import (
	"errors"
	"math"
	"slices"
	"strings"
	"testing"
)

// TestBisect: the smallest passing index of a monotone order is found
// with at most the budget of tests, each index tested at most once; with
// the budget spent it returns the best index seen, and -1 when none
// passed.
func TestBisect(t *testing.T) {
	for _, c := range []struct {
		n, budget, firstPass int // indices ≥ firstPass pass
		want                 int
		wantTested           []int
	}{
		{5, 2, 0, 1, []int{2, 1}},    // 2 passes, 1 passes: budget spent at 1
		{5, 3, 0, 0, []int{2, 1, 0}}, // and with one more test, 0
		{5, 2, 3, 4, []int{2, 4}},    // 2 fails, 4 passes (budget spent)
		{5, 3, 3, 3, []int{2, 4, 3}},
		{5, 5, 5, -1, []int{2, 4}}, // none passes: the search ends at n
		{1, 2, 1, -1, []int{0}},
		{1, 2, 0, 0, []int{0}},
		{4, 0, 0, -1, nil},
		{0, 2, 0, -1, nil},
	} {
		var tested []int
		got, err := bisect(c.n, c.budget, func(i int) (bool, error) {
			if slices.Contains(tested, i) {
				t.Errorf("n %d: index %d tested twice", c.n, i)
			}
			tested = append(tested, i)
			return i >= c.firstPass, nil
		})
		if err != nil || got != c.want || !slices.Equal(tested, c.wantTested) {
			t.Errorf("n %d budget %d first pass %d: got %d (tested %v, err %v), want %d (tested %v)",
				c.n, c.budget, c.firstPass, got, tested, err, c.want, c.wantTested)
		}
	}
	fail := errors.New("retraining diverged")
	if _, err := bisect(3, 2, func(int) (bool, error) { return false, fail }); !errors.Is(err, fail) {
		t.Errorf("error %v, want %v", err, fail)
	}
}

// TestFloorLine: for every conv keep of the grid the candidates include
// one at exactly the size floor (round(MinKeep × all weights)), with the
// FC keep that fills it; conv keeps that leave no room are skipped, and a
// network of one kind gets none.
func TestFloorLine(t *testing.T) {
	m := testModel(t)
	sal := make([][]float32, len(m.Params()))
	for i, p := range m.Params() {
		sal[i] = make([]float32, len(p.W))
		for j, w := range p.W {
			sal[i][j] = float32(math.Abs(float64(w)))
		}
	}
	s := Settings{ConvKeeps: []float64{0.03, 0.1, 1}, FCKeeps: []float64{0.05, 0.1}, MinKeep: 0.08}.withDefaults()
	cs, err := enumerate(m, sal, s)
	if err != nil {
		t.Fatal(err)
	}
	floor := math.Round(0.08 * 430500)
	var onFloor []Candidate
	for _, c := range cs {
		if strings.HasPrefix(c.Name, "floor ") {
			onFloor = append(onFloor, c)
		}
	}
	// conv 1 keeps 25,500 weights, under the 34,440 of the floor: it is
	// on the line too (FC keep 8,940 / 405,000).
	if len(onFloor) != 3 || len(cs) != 3*2+3 {
		t.Fatalf("%d candidates, %d on the floor line; want 9 and 3", len(cs), len(onFloor))
	}
	for _, c := range onFloor {
		var kept float64
		for _, mk := range c.masks {
			kept += keptOf(mk)
		}
		if kept != floor {
			t.Errorf("%s keeps %g weights, want the floor's %g", c.Name, kept, floor)
		}
	}
	s.MinKeep = 0.05 // 21,525 weights: conv 1 leaves no room
	if cs, err = enumerate(m, sal, s); err != nil {
		t.Fatal(err)
	}
	if n := len(cs); n != 3*2+2 {
		t.Errorf("min keep 0.05: %d candidates, want 8 (conv 1 has no FC keep on the floor)", n)
	}
	if _, ok := floorFCKeep(zooModel(t, "lenet-300-100"), 1, s); ok {
		t.Error("an FC-only network got a floor-line candidate")
	}
}

// TestConfirm: with a tolerance every retrained candidate meets, the
// confirmation retrains the global threshold at the floor and bisects the
// candidates faster than the proxy's choice within its budget, chooses the
// fastest that passed, and the final comparison reuses both models.
func TestConfirm(t *testing.T) {
	if testing.Short() {
		t.Skip("retrains")
	}
	s := tinySettings()
	s.ConvKeeps, s.FCKeeps, s.MinKeep = []float64{0.05, 0.2, 0.5}, []float64{0.02}, 0.04
	s.Prune.Rounds, s.Prune.RetrainEpochs, s.Prune.FinalEpochs = 1, 1, -1
	s.NoRetrain, s.Confirm = true, 2
	data := testData(96)
	m := testModel(t)
	val, test := data.Subset(48), tail(data, 48)
	res, err := Explore(m, testSpec(t), data, val, s)
	if err != nil {
		t.Fatal(err)
	}
	// Make the slowest floor-line candidate the proxy's choice.
	var floorLine []*Candidate
	for i := range res.Candidates {
		if strings.HasPrefix(res.Candidates[i].Name, "floor ") {
			floorLine = append(floorLine, &res.Candidates[i])
		}
	}
	if len(floorLine) != 3 {
		t.Fatalf("%d floor-line candidates, want 3", len(floorLine))
	}
	slowest := floorLine[0]
	for _, c := range floorLine {
		if c.LatencyUS > slowest.LatencyUS {
			slowest = c
		}
	}
	res.Chosen = slowest.Name
	s.NoRetrain = false
	s = s.withDefaults()
	pre, err := confirm(m, res, data, val, s)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Confirmations) != 2 || res.ProxyChosen != slowest.Name || res.Chosen == slowest.Name || pre.chosen == nil || pre.global == nil {
		t.Fatalf("confirmations %+v, proxy choice %q, chosen %q; want 2 retrainings and a faster choice", res.Confirmations, res.ProxyChosen, res.Chosen)
	}
	chosen := res.ChosenCandidate()
	for _, c := range floorLine {
		if c.Name != slowest.Name && c.LatencyUS < chosen.LatencyUS {
			t.Errorf("chose %s (%.4g µs), but %s (%.4g µs) is faster", chosen.Name, chosen.LatencyUS, c.Name, c.LatencyUS)
		}
	}
	floor := int64(math.Round(s.MinKeep * 430500))
	if got := nonzeroWeights(pre.global); got != floor {
		t.Errorf("global threshold retrained at %d weights, want the floor's %d", got, floor)
	}
	rows, err := compare(m, chosen, testSpec(t), data, test, s, pre)
	if err != nil {
		t.Fatal(err)
	}
	// Retraining is deterministic, so a model retrained again would look
	// the same; only its timing tells (a reused one keeps the first's).
	if rows[1].Seconds != pre.globalSec || rows[2].Seconds != pre.chosenSec {
		t.Errorf("comparison retrained again (%.3g s, %.3g s; the confirmation's took %.3g s, %.3g s)",
			rows[1].Seconds, rows[2].Seconds, pre.globalSec, pre.chosenSec)
	}
	if rows[1].Weights != floor || rows[2].Weights != nonzeroWeights(pre.chosen) || rows[1].Keep != pre.globalKeep {
		t.Errorf("comparison global %d weights (keep %g), co-designed %d; want the confirmation's models (%d, keep %g)",
			rows[1].Weights, rows[1].Keep, rows[2].Weights, floor, pre.globalKeep)
	}
}
