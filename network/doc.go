// Package network describes a neural network as dcsim simulates and trains
// it: layers with their geometry (kind, channels, spatial sizes, filter,
// stride, padding, groups, ceil-mode pooling), listed in topological order
// with branches (Inception modules, ResNet shortcuts) layer by layer. The
// built-in zoo, SCALE-Sim topology CSVs (read and written here), ONNX files
// (package onnx) and dcsim model files all produce a Network; nn builds
// trainable models from one and internal/workload turns one into a
// simulator workload.
//
// Package network is a leaf: it imports only the standard library and
// internal/fileio (reading a user's file with a size cap).
package network
