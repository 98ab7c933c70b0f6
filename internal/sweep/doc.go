// Package sweep is dcsim's design-space exploration engine: it reads a sweep
// spec (configs/sweeps/*.yaml: a base accelerator, a grid or random sample
// over any accelerator key addressed by its YAML path, networks and
// compression profiles), enumerates the design points in a deterministic
// order with stable IDs, validates every point before simulating any, runs
// them on all cores and streams one result line per point to JSONL or CSV.
// Results can be resumed (points already written are skipped), run as
// shards (index ≡ I mod N) and merged back into one canonical file.
//
// Package sweep imports accel, sim and nn (for zoo network shapes) and the
// standard library; it never imports pruning, clustering or reports. The
// command layer (internal/cli) hands it loaders for networks and profiles
// that need other packages (model .npz files).
package sweep
