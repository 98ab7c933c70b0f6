// Package cli is dcsim's command layer: the cobra commands, flag parsing,
// error-to-exit-status mapping, and the wiring that turns nn networks and
// models, compression profiles and accelerator specs into simulator
// workloads. It is the only package that imports all of accel, sim, nn,
// pruning, clustering and reports; they meet here through plain data.
package cli
