// Package accel describes an accelerator: the YAML specification (clock, PE
// array and dataflow, precision, buffers, DRAM, sparsity support, codebook
// lookup tables, energy per action), its defaults, validation with
// file:line:field messages, and named presets.
//
// Package accel imports only the standard library and gopkg.in/yaml.v3.
package accel
