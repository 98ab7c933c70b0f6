// Package nn is the engine that trains real networks on MNIST: datasets
// (IDX reader), models built from a network description, forward and
// backward passes, SGD training, gradient passes for saliency, and .npz
// model files.
//
// A Model is built from a network.Network (network.Zoo("lenet-5")), so the
// simulator's workload and the trained network are one description. Conv and fc layers
// are followed by ReLU except the last; pooling is max pooling; the loss is
// softmax cross-entropy. Each conv or fc layer exposes a Param: dense weights,
// a 0/1 mask (pruning), a codebook with per-weight indices (weight sharing)
// and the gradient of the last backward pass with respect to the effective
// weights, which is what saliency pruning needs.
//
// Every layer is lowered to one float32 matrix product (im2col for
// convolutions), computed with AVX2/FMA micro-kernels on amd64 and a tiled
// Go kernel elsewhere. A mini-batch is cut into fixed chunks of 16 samples
// that the workers claim; conv gradients are summed in chunk order and fc
// weight gradients are one product over the batch cut into row blocks, so
// training is bit-identical for a given seed whatever the number of
// workers. When Train
// retrains a pruned model, layers whose mask density is low enough run on
// sparse kernels instead (work proportional to the non-zeros; stride-1
// convolutions without im2col, fused with a following ReLU and 2×2 max
// pool), with results equal to the dense kernels' to float32 rounding
// (engine_sparse.go, directpool.go).
//
// Package nn may import only the network description (package network),
// internal/fielderr (Validate's typed field errors), the standard library, golang.org/x/sys/cpu
// (CPU feature detection) and numeric or file-format libraries (gonum,
// npyio); it never imports accel, sim, pruning, clustering or reports.
package nn
