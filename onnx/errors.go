package onnx

import "fmt"

// Error is a problem with an ONNX file: the file, and where known the node
// (name, op type and the model's opset) it concerns.
type Error struct {
	File  string
	Node  string // node name; empty for file-level problems
	Op    string // op type of the node
	Opset int64  // the model's ai.onnx opset (0 when unknown)
	Msg   string
}

// Error formats as `file: node "name" (Op, opset N): message`, or
// `file: message` for a problem with the file as a whole.
func (e *Error) Error() string {
	if e.Op == "" {
		return fmt.Sprintf("%s: %s", e.File, e.Msg)
	}
	return fmt.Sprintf("%s: node %q (%s, opset %d): %s", e.File, e.Node, e.Op, e.Opset, e.Msg)
}
