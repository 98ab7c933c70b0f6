package onnx

import (
	"fmt"
	"math"
	"slices"

	"github.com/dcsim/dcsim/onnx/onnxpb"
)

// attrs gives typed access to a node's attributes with defaults.
type attrs struct {
	w *walker
	n *onnxpb.NodeProto
	m map[string]*onnxpb.AttributeProto
}

func (w *walker) attrs(n *onnxpb.NodeProto) attrs {
	m := map[string]*onnxpb.AttributeProto{}
	for _, a := range n.GetAttribute() {
		m[a.GetName()] = a
	}
	return attrs{w: w, n: n, m: m}
}

func (a attrs) int(name string, def int64) int64 {
	if x, ok := a.m[name]; ok {
		return x.GetI()
	}
	return def
}

func (a attrs) float(name string, def float32) float32 {
	if x, ok := a.m[name]; ok {
		return x.GetF()
	}
	return def
}

func (a attrs) str(name, def string) string {
	if x, ok := a.m[name]; ok {
		return string(x.GetS())
	}
	return def
}

// ints returns an INTS attribute, def when absent; want > 0 requires that
// many values.
func (a attrs) ints(name string, def []int64, want int) ([]int64, error) {
	x, ok := a.m[name]
	if !ok {
		return def, nil
	}
	v := x.GetInts()
	if want > 0 && len(v) != want {
		return nil, a.w.errf(a.n, "%s %v: want %d values", name, v, want)
	}
	return v, nil
}

// window is the 2-D sliding-window geometry shared by Conv and the pools.
type window struct {
	kh, kw, stride, pad int
	ceil                bool
}

// window reads kernel_shape (or kernel when given), strides, pads,
// dilations, auto_pad and ceil_mode for an input of height h and width wd,
// and rejects what one network.Layer cannot express: different strides or pads
// per axis, asymmetric padding, dilation.
func (a attrs) window(kernel []int64, h, wd int) (window, error) {
	ks, err := a.ints("kernel_shape", kernel, 2)
	if err != nil {
		return window{}, err
	}
	if ks == nil {
		return window{}, a.w.errf(a.n, "kernel_shape: missing")
	}
	if kernel != nil && !slices.Equal(ks, kernel) {
		return window{}, a.w.errf(a.n, "kernel_shape %v: the weights are %v", ks, kernel)
	}
	st, err := a.ints("strides", []int64{1, 1}, 2)
	if err != nil {
		return window{}, err
	}
	pads, err := a.ints("pads", []int64{0, 0, 0, 0}, 4)
	if err != nil {
		return window{}, err
	}
	dil, err := a.ints("dilations", []int64{1, 1}, 2)
	if err != nil {
		return window{}, err
	}
	if dil[0] != 1 || dil[1] != 1 {
		return window{}, a.w.errf(a.n, "dilations %v: dilated windows are not supported (dcsim's layer geometry has no dilation)", dil)
	}
	if st[0] != st[1] || st[0] < 1 || st[0] > maxDim {
		return window{}, a.w.errf(a.n, "strides %v: dcsim layers have one stride ≥ 1 for both axes", st)
	}
	for _, k := range ks {
		if k < 1 || k > maxDim {
			return window{}, a.w.errf(a.n, "kernel_shape %v: must be in 1–%d", ks, maxDim)
		}
	}
	switch ap := a.str("auto_pad", "NOTSET"); ap {
	case "NOTSET":
	case "VALID":
		pads = []int64{0, 0, 0, 0}
	case "SAME_UPPER", "SAME_LOWER":
		// Output side ceil(in/stride); total padding (out−1)·stride + k − in.
		pads = make([]int64, 4)
		for ax, in := range []int{h, wd} {
			out := (int64(in) + st[0] - 1) / st[0]
			total := max(0, (out-1)*st[0]+ks[ax]-int64(in))
			pads[ax], pads[ax+2] = total/2, total-total/2
		}
	default:
		return window{}, a.w.errf(a.n, "auto_pad %q: must be NOTSET, VALID, SAME_UPPER or SAME_LOWER", ap)
	}
	if pads[0] != pads[1] || pads[0] != pads[2] || pads[0] != pads[3] || pads[0] < 0 || pads[0] > maxDim {
		return window{}, a.w.errf(a.n, "pads %v: dcsim layers pad every side equally", pads)
	}
	return window{kh: int(ks[0]), kw: int(ks[1]), stride: int(st[0]), pad: int(pads[0]), ceil: a.int("ceil_mode", 0) != 0}, nil
}

// checkFinite rejects NaN and infinite weights, which no layer computes with.
func checkFinite(name string, v []float32) error {
	for k, x := range v {
		if math.Float32bits(x)&0x7f800000 == 0x7f800000 { // exponent all ones: ±Inf or NaN
			return fmt.Errorf("initializer %q: value %g at %d: not a finite number", name, x, k)
		}
	}
	return nil
}
