package onnx

import (
	"encoding/binary"
	"fmt"
	"math"
	"unsafe"

	"github.com/dcsim/dcsim/onnx/onnxpb"
)

// maxElems bounds the elements of one tensor (and of an inferred shape), so a
// corrupt file cannot make the loader allocate without limit: 2^28 float32
// are 1 GiB, far above any network dcsim simulates.
const maxElems = 1 << 28

// maxDim bounds one dimension (nn's model files use the same bound).
const maxDim = 1 << 15

// constant is a tensor whose values the file holds: an initializer or the
// value of a Constant node. Exactly one of f and i is set.
type constant struct {
	dims []int
	f    []float32
	i    []int64
}

// elems is the product of dims, or an error when a dimension is negative or
// the product exceeds maxElems.
func elems(dims []int64) (int, error) {
	n := 1
	for _, d := range dims {
		if d < 0 {
			return 0, fmt.Errorf("dimension %d: must not be negative", d)
		}
		if d > maxElems || n*int(d) > maxElems {
			return 0, fmt.Errorf("shape %v: more than %d elements", dims, maxElems)
		}
		n *= int(d)
	}
	return n, nil
}

// decodeTensor reads a TensorProto's values: float and double become
// float32 (double rounded to nearest), int32 and int64 become int64.
// Values may be in raw_data (little-endian) or in the typed fields.
func decodeTensor(t *onnxpb.TensorProto) (*constant, error) {
	if t.GetDataLocation() == onnxpb.TensorProto_EXTERNAL {
		return nil, fmt.Errorf("tensor %q: data in an external file is not supported (save the model with its weights inside)", t.GetName())
	}
	n, err := elems(t.GetDims())
	if err != nil {
		return nil, fmt.Errorf("tensor %q: %w", t.GetName(), err)
	}
	c := &constant{dims: make([]int, len(t.GetDims()))}
	for k, d := range t.GetDims() {
		c.dims[k] = int(d)
	}
	raw := t.GetRawData()
	count := func(have, size int) error {
		if have != n {
			return fmt.Errorf("tensor %q: %d values for shape %v (%d expected)", t.GetName(), have/size, t.GetDims(), n)
		}
		return nil
	}
	dt := onnxpb.TensorProto_DataType(t.GetDataType())
	switch dt {
	case onnxpb.TensorProto_FLOAT:
		if raw != nil {
			if len(raw) != 4*n {
				return nil, fmt.Errorf("tensor %q: raw_data of %d bytes for shape %v of float32", t.GetName(), len(raw), t.GetDims())
			}
			c.f = decodeFloat32(raw, n)
			return c, nil
		}
		if err := count(len(t.GetFloatData()), 1); err != nil {
			return nil, err
		}
		c.f = append([]float32(nil), t.GetFloatData()...)
	case onnxpb.TensorProto_DOUBLE:
		if raw != nil {
			if len(raw) != 8*n {
				return nil, fmt.Errorf("tensor %q: raw_data of %d bytes for shape %v of float64", t.GetName(), len(raw), t.GetDims())
			}
			c.f = make([]float32, n)
			for k := range c.f {
				c.f[k] = float32(math.Float64frombits(binary.LittleEndian.Uint64(raw[8*k:])))
			}
			return c, nil
		}
		if err := count(len(t.GetDoubleData()), 1); err != nil {
			return nil, err
		}
		c.f = make([]float32, n)
		for k, v := range t.GetDoubleData() {
			c.f[k] = float32(v)
		}
	case onnxpb.TensorProto_INT64, onnxpb.TensorProto_INT32:
		size := 8
		if dt == onnxpb.TensorProto_INT32 {
			size = 4
		}
		if raw != nil {
			if len(raw) != size*n {
				return nil, fmt.Errorf("tensor %q: raw_data of %d bytes for shape %v of %s", t.GetName(), len(raw), t.GetDims(), dt)
			}
			c.i = make([]int64, n)
			for k := range c.i {
				if size == 8 {
					c.i[k] = int64(binary.LittleEndian.Uint64(raw[8*k:]))
				} else {
					c.i[k] = int64(int32(binary.LittleEndian.Uint32(raw[4*k:])))
				}
			}
			return c, nil
		}
		if dt == onnxpb.TensorProto_INT64 {
			if err := count(len(t.GetInt64Data()), 1); err != nil {
				return nil, err
			}
			c.i = append([]int64(nil), t.GetInt64Data()...)
		} else {
			if err := count(len(t.GetInt32Data()), 1); err != nil {
				return nil, err
			}
			c.i = make([]int64, n)
			for k, v := range t.GetInt32Data() {
				c.i[k] = int64(v)
			}
		}
	default:
		return nil, fmt.Errorf("tensor %q: data type %s: not supported (float, double, int32 and int64 are)", t.GetName(), dt)
	}
	return c, nil
}

// floatTensor builds a float32 initializer with raw little-endian data: the
// exact bits of v.
func floatTensor(name string, dims []int, v []float32) *onnxpb.TensorProto {
	raw := make([]byte, 4*len(v))
	for k, x := range v {
		binary.LittleEndian.PutUint32(raw[4*k:], math.Float32bits(x))
	}
	d := make([]int64, len(dims))
	for k, x := range dims {
		d[k] = int64(x)
	}
	return &onnxpb.TensorProto{Name: &name, Dims: d, DataType: ptr(int32(onnxpb.TensorProto_FLOAT)), RawData: raw}
}

func ptr[T any](v T) *T { return &v }

// littleEndian reports whether this machine stores a float32 as ONNX's
// raw_data does (IEEE 754, little-endian).
var littleEndian = binary.NativeEndian.Uint16([]byte{1, 0}) == 1

// decodeFloat32 decodes n little-endian float32 values from raw (4n bytes).
// On a little-endian machine the values are raw's own bytes: the slice
// aliases raw (a fresh buffer the protobuf decoder allocated for this
// tensor, dropped with the ModelProto) when it is 4-byte aligned, else a
// copy of it; elsewhere they are converted value by value. A ResNet-18 file
// holds 11.7 M weights, so this saves decoding them one by one.
func decodeFloat32(raw []byte, n int) []float32 {
	if littleEndian && n > 0 {
		if p := unsafe.Pointer(&raw[0]); uintptr(p)%unsafe.Alignof(float32(0)) == 0 {
			return unsafe.Slice((*float32)(p), n)
		}
		f := make([]float32, n)
		copy(unsafe.Slice((*byte)(unsafe.Pointer(&f[0])), 4*n), raw)
		return f
	}
	f := make([]float32, n)
	for k := range f {
		f[k] = math.Float32frombits(binary.LittleEndian.Uint32(raw[4*k:]))
	}
	return f
}
