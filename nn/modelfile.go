package nn

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"slices"
	"sort"
	"strings"

	"codeberg.org/sbinet/npyio/npz"
	"github.com/dcsim/dcsim/internal/atomicfile"
	"github.com/dcsim/dcsim/network"
)

// Model files are .npz archives (docs/model-format.md): per layer
// <layer>.weight (effective weights), <layer>.bias and, when present,
// <layer>.mask, <layer>.codebook, <layer>.index; a "meta" entry holding a
// JSON object of strings as uint8 bytes; and a "layers" entry holding the
// layer shapes as JSON bytes. Entries are stored as <name>.npy, as
// numpy.savez does.

// ModelFormat is the value of the "format" metadata key.
const ModelFormat = "dcsim-model/1"

// maxFileWeights bounds the weights a model file may declare, so a corrupt
// file cannot make LoadModel allocate without limit.
const maxFileWeights = 1 << 26

// maxDim bounds each layer dimension in a file's "layers" entry.
const maxDim = 1 << 15

// shapeJSON is the on-disk form of a Shape.
type shapeJSON struct {
	Name   string       `json:"name"`
	Kind   network.Kind `json:"kind"`
	InC    int          `json:"in_c"`
	InH    int          `json:"in_h"`
	InW    int          `json:"in_w"`
	OutC   int          `json:"out_c"`
	R      int          `json:"r"`
	S      int          `json:"s"`
	Stride int          `json:"stride"`
	Pad    int          `json:"pad"`
}

// SaveModel writes m to path atomically (internal/atomicfile: a temporary
// file in the same directory, then rename; temporary files of killed
// writers are removed). meta holds caller key/values (seed, epochs,
// test_accuracy, pruning settings…); the keys "arch" and "format" are set by
// SaveModel. The bytes depend only on m and meta.
func SaveModel(path string, m *Model, meta map[string]string) error {
	var buf bytes.Buffer
	if err := WriteModel(&buf, m, meta); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return atomicfile.Write(path, func(w io.Writer) error {
		_, err := w.Write(buf.Bytes())
		return err
	})
}

// WriteModel writes m as an .npz archive to w (see SaveModel).
func WriteModel(w io.Writer, m *Model, meta map[string]string) error {
	all := map[string]string{}
	for k, v := range meta {
		all[k] = v
	}
	all["arch"], all["format"] = m.Arch.Name, ModelFormat
	mj, err := json.Marshal(all) // map keys are sorted: deterministic
	if err != nil {
		return err
	}
	var shapes []shapeJSON
	for _, l := range m.Arch.Layers {
		shapes = append(shapes, shapeJSON{l.Name, l.Kind, l.InC, l.InH, l.InW, l.OutC, l.R, l.S, l.StrideOr1(), l.Pad})
	}
	lj, err := json.Marshal(shapes)
	if err != nil {
		return err
	}
	zw := npz.NewWriter(w)
	type entry struct {
		name string
		v    any
	}
	entries := []entry{{"meta", mj}, {"layers", lj}}
	for _, p := range m.params {
		eff := make([]float32, len(p.W))
		for i := range eff {
			eff[i] = p.Effective(i)
		}
		entries = append(entries, entry{p.Layer + ".weight", shaped(eff, p.Shape)}, entry{p.Layer + ".bias", p.Bias})
		if p.Mask != nil {
			entries = append(entries, entry{p.Layer + ".mask", shaped(p.Mask, p.Shape)})
		}
		if p.Codebook != nil {
			entries = append(entries, entry{p.Layer + ".codebook", p.Codebook}, entry{p.Layer + ".index", shaped(p.Index, p.Shape)})
		}
	}
	for _, e := range entries {
		if err := zw.Write(e.name+".npy", e.v); err != nil {
			return err
		}
	}
	return zw.Close()
}

// shaped returns nested slice views of flat with the given 2- or 4-D shape,
// so npyio records the shape; no data is copied.
func shaped[T any](flat []T, shape []int) any {
	switch len(shape) {
	case 2:
		rows := make([][]T, shape[0])
		for i := range rows {
			rows[i] = flat[i*shape[1] : (i+1)*shape[1]]
		}
		return rows
	case 4:
		o, c, r, s := shape[0], shape[1], shape[2], shape[3]
		out := make([][][][]T, o)
		for i := range out {
			out[i] = make([][][]T, c)
			for j := range out[i] {
				out[i][j] = make([][]T, r)
				for k := range out[i][j] {
					at := ((i*c+j)*r + k) * s
					out[i][j][k] = flat[at : at+s]
				}
			}
		}
		return out
	}
	return flat
}

// LoadModel reads a model file written by SaveModel (or exported from
// PyTorch as docs/model-format.md shows). It validates every entry's name,
// dtype and shape against the architecture and fails with the file and
// entry named: "model.npz: conv2.weight: shape [50 20 5 5] expected, got
// [20 50 5 5]".
func LoadModel(path string) (*Model, map[string]string, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, nil, err
	}
	return ReadModel(bytes.NewReader(data), int64(len(data)), path)
}

// ReadModel is LoadModel on an in-memory archive; name is used in errors.
func ReadModel(r io.ReaderAt, size int64, name string) (*Model, map[string]string, error) {
	m, meta, err := readModel(r, size, maxFileWeights)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", name, err)
	}
	return m, meta, nil
}

// archive is the set of .npy entries of an npz, by name without ".npy".
type archive struct {
	zr    *npz.Reader
	names map[string]string // logical name → zip entry name
	used  map[string]bool
}

func (a *archive) read(name string, maxElems int) (*npyArray, bool, error) {
	full, ok := a.names[name]
	if !ok {
		return nil, false, nil
	}
	a.used[name] = true
	rc, err := a.zr.Open(full)
	if err != nil {
		return nil, true, fmt.Errorf("%s: %w", name, err)
	}
	defer rc.Close()
	arr, err := readNPY(rc, maxElems)
	if err != nil {
		return nil, true, fmt.Errorf("%s: %w", name, err)
	}
	return arr, true, nil
}

func readModel(r io.ReaderAt, size int64, maxWeights int) (*Model, map[string]string, error) {
	zr, err := npz.NewReader(r, size)
	if err != nil {
		return nil, nil, fmt.Errorf("not an .npz archive: %w", err)
	}
	a := &archive{zr: zr, names: map[string]string{}, used: map[string]bool{}}
	for _, k := range zr.Keys() {
		// numpy.load keeps the last of two same-named entries, the zip
		// reader the first: one file, two models. Refuse it.
		n := strings.TrimSuffix(k, ".npy")
		if prev, dup := a.names[n]; dup {
			return nil, nil, fmt.Errorf("%s: duplicate entry (%s and %s)", n, prev, k)
		}
		a.names[n] = k
	}
	meta, err := readMeta(a)
	if err != nil {
		return nil, nil, err
	}
	arch, err := readArch(a, meta["arch"])
	if err != nil {
		return nil, nil, err
	}
	if arch.Weights() > int64(maxWeights) {
		return nil, nil, fmt.Errorf("layers: %d weights: more than the %d a model file may hold", arch.Weights(), maxWeights)
	}
	m, err := newModel(arch)
	if err != nil {
		return nil, nil, fmt.Errorf("layers: %w", err)
	}
	for _, p := range m.params {
		if err := readParam(a, p); err != nil {
			return nil, nil, err
		}
	}
	var extra []string
	for n := range a.names {
		if !a.used[n] {
			extra = append(extra, n)
		}
	}
	if len(extra) > 0 {
		sort.Strings(extra)
		return nil, nil, fmt.Errorf("%s: not an entry of a %s model", strings.Join(extra, ", "), arch.Name)
	}
	return m, meta, nil
}

// readMeta decodes the "meta" entry (JSON object of strings, uint8 bytes).
func readMeta(a *archive) (map[string]string, error) {
	arr, ok, err := a.read("meta", 1<<20)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, fmt.Errorf("meta: missing (not a dcsim model file)")
	}
	if itemSize(arr.descr) != 1 {
		return nil, fmt.Errorf("meta: dtype %s: want uint8 JSON bytes", arr.descr)
	}
	meta := map[string]string{}
	if err := json.Unmarshal(arr.data, &meta); err != nil {
		return nil, fmt.Errorf("meta: %w", err)
	}
	if meta["arch"] == "" {
		return nil, fmt.Errorf("meta: no \"arch\" key")
	}
	return meta, nil
}

// readArch takes the layer shapes from the "layers" entry when present, else
// the zoo network named by meta's "arch".
func readArch(a *archive, name string) (network.Network, error) {
	arr, ok, err := a.read("layers", 1<<20)
	if err != nil {
		return network.Network{}, err
	}
	if !ok {
		arch, err := network.Zoo(name)
		if err != nil {
			return network.Network{}, fmt.Errorf("meta: arch: %w", err)
		}
		return arch, nil
	}
	var shapes []shapeJSON
	if err := json.Unmarshal(arr.data, &shapes); err != nil || itemSize(arr.descr) != 1 {
		return network.Network{}, fmt.Errorf("layers: not uint8 JSON bytes of layer shapes")
	}
	arch := network.Network{Name: name}
	for _, s := range shapes {
		// Bound every dimension so products of four cannot overflow int64.
		for _, v := range []int{s.InC, s.InH, s.InW, s.OutC, s.R, s.S, s.Stride, s.Pad} {
			if v < 0 || v > maxDim {
				return network.Network{}, fmt.Errorf("layers: %s: dimension %d outside [0, %d]", s.Name, v, maxDim)
			}
		}
		// The writer always stores the stride; zero is not "default 1" here.
		if s.Stride < 1 {
			return network.Network{}, fmt.Errorf("layers: %s: stride: must be ≥ 1, got %d", s.Name, s.Stride)
		}
		arch.Layers = append(arch.Layers, network.Layer{Name: s.Name, Kind: s.Kind, InC: s.InC, InH: s.InH, InW: s.InW,
			OutC: s.OutC, R: s.R, S: s.S, Stride: s.Stride, Pad: s.Pad, Groups: 1})
	}
	return arch, nil
}

// readParam fills one layer's tensors, checking shapes and value ranges.
func readParam(a *archive, p *Param) error {
	n := len(p.W)
	get := func(suffix string, shape []int, required bool) (*npyArray, error) {
		name := p.Layer + "." + suffix
		arr, ok, err := a.read(name, n)
		switch {
		case err != nil:
			return nil, err
		case !ok && required:
			return nil, fmt.Errorf("%s: missing", name)
		case !ok:
			return nil, nil
		case shape != nil && !slices.Equal(arr.shape, shape):
			return nil, fmt.Errorf("%s: shape %v expected, got %v", name, shape, arr.shape)
		}
		return arr, nil
	}
	w, err := get("weight", p.Shape, true)
	if err != nil {
		return err
	}
	b, err := get("bias", []int{p.Shape[0]}, true)
	if err != nil {
		return err
	}
	if p.W, err = finiteEntry(w, p.Layer+".weight"); err != nil {
		return err
	}
	if p.Bias, err = finiteEntry(b, p.Layer+".bias"); err != nil {
		return err
	}
	if mk, err := get("mask", p.Shape, false); err != nil {
		return err
	} else if mk != nil {
		if p.Mask, err = mk.float32s(); err != nil {
			return fmt.Errorf("%s.mask: %w", p.Layer, err)
		}
		for i, v := range p.Mask {
			if v != 0 && v != 1 {
				return fmt.Errorf("%s.mask: value %g at %d: must be 0 or 1", p.Layer, v, i)
			}
		}
	}
	return readCodebook(p, get)
}

// readCodebook reads <layer>.codebook and <layer>.index, which come together.
func readCodebook(p *Param, get func(string, []int, bool) (*npyArray, error)) error {
	cb, err := get("codebook", nil, false)
	if err != nil {
		return err
	}
	ix, err := get("index", p.Shape, cb != nil)
	if err != nil {
		return err
	}
	if cb == nil {
		if ix != nil {
			return fmt.Errorf("%s.index: present without %s.codebook", p.Layer, p.Layer)
		}
		return nil
	}
	if len(cb.shape) != 1 || cb.shape[0] == 0 {
		return fmt.Errorf("%s.codebook: shape %v: want one non-empty dimension", p.Layer, cb.shape)
	}
	if p.Codebook, err = finiteEntry(cb, p.Layer+".codebook"); err != nil {
		return err
	}
	if p.Index, err = ix.int32s(); err != nil {
		return fmt.Errorf("%s.index: %w", p.Layer, err)
	}
	return p.validate()
}

// finiteEntry decodes a float entry and rejects NaN and ±Inf (and float64 values
// beyond float32's range, which become ±Inf): they would load, then make
// every later result NaN.
func finiteEntry(a *npyArray, name string) ([]float32, error) {
	v, err := a.float32s()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	for i, x := range v {
		if math.IsNaN(float64(x)) || math.IsInf(float64(x), 0) {
			return nil, fmt.Errorf("%s: value %g at %d: must be finite", name, x, i)
		}
	}
	return v, nil
}
