// Package onnx reads ONNX models into dcsim's network description and writes
// dcsim networks and models as ONNX; it may import nn and its own generated
// protobuf binding onnx/onnxpb, nothing else of the project.
//
// Read decodes a ModelProto (onnxpb, generated from onnx.proto by protoc),
// walks the graph in topological order inferring every tensor's shape, and
// produces a Network: the conv, fc and pooling layers as a network.Network (the
// description the zoo, SCALE-Sim CSVs and model files also produce), and the
// real weights of each conv and fc layer as network.Weights whose masks are the
// weights' zeros and whose codebooks are the distinct values of a layer that
// has few (see Codebook). BatchNormalization is folded into the convolution
// before it; Add and Concat join branches (residual and inception graphs)
// without becoming layers; Relu, Flatten, Reshape, Dropout and Identity
// shape tensors only. Network.Model turns a plain chain of the kind nn
// trains (LeNet: conv, fc, max-pool, ReLU after every weighted layer but the
// last) into a trainable nn.Model.
//
// Marshal and SaveModel go the other way: a network.Network becomes an ONNX
// graph in which a layer's weights, when it carries them (an nn.Model's
// network, Model.Network), are initializers holding its effective weights
// bit for bit, named as PyTorch names them (conv1.weight, fc1.bias), so a
// PyTorch state_dict loads them unchanged, and are otherwise declared as
// shaped graph inputs (a shape file, `dcsim network export`).
//
// Errors name the file, the node, its op type and the opset:
//
//	net.onnx: node "/conv1/Conv" (Conv, opset 13): dilations [2 2]: not supported
package onnx
