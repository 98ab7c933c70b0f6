package codesign

import (
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/dcsim/dcsim/reports"
)

// Tables returns the result's tables in print order: the final comparison
// (when retrained), the Pareto front, the proxy validation (when run) and
// every candidate.
func (r *Result) Tables() []reports.Table {
	var ts []reports.Table
	if len(r.Comparison) > 0 {
		ts = append(ts, r.ComparisonTable())
	}
	ts = append(ts, r.FrontTable())
	if len(r.Confirmations) > 0 {
		ts = append(ts, r.ConfirmationTable())
	}
	if r.Validation != nil {
		ts = append(ts, r.ValidationTable())
	}
	return append(ts, r.CandidateTable())
}

func pct(v float64) string  { return strconv.FormatFloat(100*v, 'f', 2, 64) }
func num(v float64) string  { return strconv.FormatFloat(v, 'f', 3, 64) }
func uj(pj float64) string  { return strconv.FormatFloat(pj/1e6, 'f', 4, 64) }
func keep(v float64) string { return strconv.FormatFloat(v, 'g', 4, 64) }

// ComparisonTable is dense, global threshold, co-designed and clustered,
// measured for real on the accelerator.
func (r *Result) ComparisonTable() reports.Table {
	t := reports.Table{Left: 1, Title: fmt.Sprintf("%s on %s: dense, global threshold at the same parameter count, co-designed", r.Model, r.Accelerator),
		Header: []string{"model", "conv density", "fc density", "test accuracy %", "params", "MACs", "latency µs", "energy µJ", "compression ×"}}
	for _, c := range r.Comparison {
		t.Rows = append(t.Rows, []string{c.Name, keep(c.ConvDensity), keep(c.FCDensity), pct(c.Accuracy),
			strconv.FormatInt(c.Params, 10), strconv.FormatInt(c.MACs, 10), num(c.LatencyUS), uj(c.EnergyPJ),
			strconv.FormatFloat(c.CompressionRatio, 'f', 1, 64)})
	}
	if len(r.Comparison) > 2 && r.Comparison[2].LayerKeeps != nil {
		t.Notes = append(t.Notes, "co-designed per-layer keeps: "+layerKeepsText(r.Comparison[2].LayerKeeps))
	}
	if r.TestImages > 0 {
		t.Notes = append(t.Notes, fmt.Sprintf("test accuracy on the %d test images not held out for the choice", r.TestImages))
	}
	if r.LatencyGain > 0 {
		t.Notes = append(t.Notes, fmt.Sprintf("co-designed vs global threshold at the same kept weights: %.2f× lower simulated latency; test accuracy %.2f points below dense",
			r.LatencyGain, 100*r.AccuracyGap))
	}
	return t
}

// layerKeepsText is "conv1 0.5, conv2 0.06, ..." in name order.
func layerKeepsText(k map[string]float64) string {
	var parts []string
	for _, n := range slices.Sorted(maps.Keys(k)) {
		parts = append(parts, n+" "+strconv.FormatFloat(k[n], 'g', 3, 64))
	}
	return strings.Join(parts, ", ")
}

// FrontTable lists the Pareto-optimal candidates by latency; the chosen
// one is marked.
func (r *Result) FrontTable() reports.Table {
	t := candidateTable(fmt.Sprintf("Pareto front over (proxy accuracy, latency, energy, params) on %s, %d of %d candidates",
		r.Accelerator, len(r.Front), len(r.Candidates)))
	byName := map[string]*Candidate{}
	for i := range r.Candidates {
		byName[r.Candidates[i].Name] = &r.Candidates[i]
	}
	for _, n := range r.Front {
		t.Rows = append(t.Rows, r.candidateRow(byName[n]))
	}
	t.Notes = append(t.Notes, fmt.Sprintf("dense proxy accuracy %.2f%%; admissible = within %.2f points and budget %s; objective %s",
		100*r.DenseProxyAccuracy, 100*r.MaxDrop, r.Budget, r.Objective))
	return t
}

// CandidateTable lists every candidate in grid order.
func (r *Result) CandidateTable() reports.Table {
	t := candidateTable(fmt.Sprintf("all %d candidates (proxy: %d fine-tune images, %d held-out validation images; search %s)",
		len(r.Candidates), r.ProxyTrainImages, r.ValImages, r.Search))
	for i := range r.Candidates {
		t.Rows = append(t.Rows, r.candidateRow(&r.Candidates[i]))
	}
	return t
}

// mark is "yes" or "-".
func mark(b bool) string {
	if b {
		return "yes"
	}
	return "-"
}

func candidateTable(title string) reports.Table {
	return reports.Table{Left: 1, Title: title, Header: []string{"candidate", "proxy accuracy %", "one-shot %", "params", "MACs",
		"latency µs", "energy µJ", "compression ×", "pareto", "admissible"}}
}

func (r *Result) candidateRow(c *Candidate) []string {
	adm := mark(c.Admissible)
	if c.Name == r.Chosen {
		adm = "chosen"
	}
	return []string{c.Name, pct(c.Accuracy), pct(c.OneShotAccuracy), strconv.FormatInt(c.Params, 10),
		strconv.FormatInt(c.MACs, 10), num(c.LatencyUS), uj(c.EnergyPJ), strconv.FormatFloat(c.CompressionRatio, 'f', 1, 64),
		mark(c.Pareto), adm}
}

// ConfirmationTable lists the candidates faster than the proxy's choice
// that were retrained for real to confirm one (Tables calls it only when
// there are some).
func (r *Result) ConfirmationTable() reports.Table {
	t := reports.Table{Left: 1, Title: "confirmation: candidates faster than the proxy's choice, retrained for real",
		Header: []string{"candidate", "latency µs", "energy µJ", "weights", "held-out accuracy %", "global threshold %", "passes"}}
	for _, c := range r.Confirmations {
		t.Rows = append(t.Rows, []string{c.Name, num(c.LatencyUS), uj(c.EnergyPJ), strconv.FormatInt(c.Weights, 10),
			pct(c.ValAccuracy), pct(c.Reference), mark(c.Passed)})
	}
	if r.ProxyChosen != "" {
		t.Notes = append(t.Notes, fmt.Sprintf("chosen: %s (the proxy chose %s)", r.Chosen, r.ProxyChosen))
	} else {
		t.Notes = append(t.Notes, "none passed: the proxy's choice "+r.Chosen+" stands")
	}
	t.Notes = append(t.Notes, fmt.Sprintf("global threshold retrained at the size floor: %d weights", r.Confirmations[0].BaselineWeights))
	return t
}

// ValidationTable lists the candidates retrained to validate the proxy.
func (r *Result) ValidationTable() reports.Table {
	t := reports.Table{Left: 1, Title: "proxy validation: proxy accuracy vs test accuracy after real retraining",
		Header: []string{"candidate", "proxy accuracy %", "test accuracy %"}}
	for _, v := range r.Validation.Candidates {
		t.Rows = append(t.Rows, []string{v.Name, pct(v.ProxyAccuracy), pct(v.TestAccuracy)})
	}
	if r.Validation.Spearman != nil {
		t.Notes = append(t.Notes, fmt.Sprintf("Spearman rank correlation: %.3f over %d candidates", *r.Validation.Spearman, len(r.Validation.Candidates)))
	}
	return t
}
