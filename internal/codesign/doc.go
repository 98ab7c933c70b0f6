// Package codesign is simulator-guided, conv/FC-separated pruning: it scores
// pruning candidates (a conv keep fraction × an FC keep fraction, optionally
// × codebook bits per layer kind) on an accelerator with their real saliency
// masks, estimates each candidate's accuracy with a cheap proxy, keeps the
// Pareto frontier over (accuracy ↑, latency ↓, energy ↓, parameters ↓), picks
// the candidate that meets a budget, and then retrains and clusters that
// candidate for real next to a global-threshold baseline at the same
// parameter count.
//
// The saliency of every weight is computed once on the trained model (one
// gradient pass, pruning.Scores); a candidate's masks are two thresholds of
// that saliency (pruning.SelectGlobal on the conv layers and on the FC layers
// separately), so enumerating candidates costs no gradient passes, and the
// simulator sees exactly the masks the candidate would have.
//
// Package codesign is a command-layer package: it may import nn, pruning,
// clustering, sim, accel and reports. It never turns a model into a
// simulator workload itself; the caller supplies that conversion
// (Settings.Workloads), so internal/cli stays the one place where models
// become workloads.
package codesign
