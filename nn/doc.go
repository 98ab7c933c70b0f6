// Package nn holds network descriptions (layer shapes and the built-in zoo),
// and the engine that trains real networks on MNIST: tensors, layers with
// forward and backward passes, SGD training, datasets and .npz model files.
//
// Package nn may import only the standard library and numeric or file-format
// libraries (gonum, npyio); it never imports accel, sim, pruning, clustering
// or reports.
package nn
