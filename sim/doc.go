// Package sim is the cycle-approximate timing and energy engine: it maps each
// layer of a Workload onto the accelerator described by an accel.Spec (dense
// systolic dataflows ws/os/is with SCALE-Sim timing, the sparse eie
// dataflow, the scnn dataflow of SCNN's sparse Cartesian-product PEs and
// its dense baseline DCNN), counts actions, turns them into cycles, stalls
// and energy, and returns a plain Result.
//
// Package sim imports accel, network (a workload layer's geometry is the
// network description's network.Layer), the standard library,
// internal/fileio and internal/strictyaml (for compression profiles) only;
// it never imports nn, pruning, clustering or reports. Workloads reach it
// as plain data.
package sim
