package nn

import (
	"archive/zip"
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"codeberg.org/sbinet/npyio/npz"
	"github.com/dcsim/dcsim/network"
)

// idxBytes builds an IDX file of uint8 with the given dimensions.
func idxBytes(dims []int, data []byte) []byte {
	var b bytes.Buffer
	b.Write([]byte{0, 0, 8, byte(len(dims))})
	for _, d := range dims {
		binary.Write(&b, binary.BigEndian, uint32(d))
	}
	b.Write(data)
	return b.Bytes()
}

func gz(b []byte) []byte {
	var out bytes.Buffer
	w := gzip.NewWriter(&out)
	w.Write(b)
	w.Close()
	return out.Bytes()
}

func TestReadIDX(t *testing.T) {
	good := idxBytes([]int{2, 3}, []byte{1, 2, 3, 4, 5, 6})
	for _, in := range [][]byte{good, gz(good)} {
		dims, data, err := ReadIDX(bytes.NewReader(in), "x.idx")
		if err != nil || len(dims) != 2 || dims[0] != 2 || dims[1] != 3 || !bytes.Equal(data, good[12:]) {
			t.Fatalf("ReadIDX = %v, %v, %v", dims, data, err)
		}
	}
	for _, tc := range []struct {
		name string
		in   []byte
		want string
	}{
		{"empty", nil, "header"},
		{"magic", []byte{1, 0, 8, 1, 0, 0, 0, 0}, "bad magic"},
		{"type", []byte{0, 0, 0x0d, 1, 0, 0, 0, 0}, "element type"},
		{"ndims", []byte{0, 0, 8, 9}, "dimensions"},
		{"short dims", []byte{0, 0, 8, 2, 0, 0, 0, 1}, "dimension 1"},
		{"truncated", good[:len(good)-1], "truncated"},
		{"trailing", append(append([]byte{}, good...), 7), "trailing"},
		{"huge", idxBytes([]int{1 << 20, 1 << 20}, nil), "exceed"},
		{"bad gzip", gz(good)[:20], "x.idx"},
	} {
		_, _, err := ReadIDX(bytes.NewReader(tc.in), "x.idx")
		if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.HasPrefix(err.Error(), "x.idx") {
			t.Errorf("%s: error %v, want one starting with the file name and containing %q", tc.name, err, tc.want)
		}
	}
}

func TestLoadMNISTErrors(t *testing.T) {
	dir := t.TempDir()
	if _, err := MNISTDir(dir); err == nil || !strings.Contains(err.Error(), "not found") {
		t.Fatalf("empty dir: %v", err)
	}
	write := func(name string, b []byte) {
		if err := os.WriteFile(filepath.Join(dir, name+".gz"), gz(b), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write(mnistFiles[0], idxBytes([]int{2, 28, 28}, make([]byte, 2*784)))
	write(mnistFiles[1], idxBytes([]int{2}, []byte{3, 11}))
	write(mnistFiles[2], idxBytes([]int{1, 28, 28}, make([]byte, 784)))
	write(mnistFiles[3], idxBytes([]int{1}, []byte{1}))
	if _, _, err := LoadMNIST(dir); err == nil || !strings.Contains(err.Error(), "label 1 is 11") {
		t.Fatalf("bad label: %v", err)
	}
	write(mnistFiles[1], idxBytes([]int{3}, []byte{3, 1, 2}))
	if _, _, err := LoadMNIST(dir); err == nil || !strings.Contains(err.Error(), "want [2]") {
		t.Fatalf("count mismatch: %v", err)
	}
	// An empty set names its file (it used to surface later as "dataset is
	// empty", with no file).
	write(mnistFiles[1], idxBytes([]int{2}, []byte{3, 1}))
	write(mnistFiles[2], idxBytes([]int{0, 28, 28}, nil))
	write(mnistFiles[3], idxBytes([]int{0}, nil))
	if _, _, err := LoadMNIST(dir); err == nil || !strings.Contains(err.Error(), "t10k-images") || !strings.Contains(err.Error(), "no images") {
		t.Fatalf("empty test set: %v", err)
	}
	write(mnistFiles[2], idxBytes([]int{1, 28, 28}, make([]byte, 784)))
	write(mnistFiles[3], idxBytes([]int{1}, []byte{1}))
	train, test, err := LoadMNIST(dir)
	if err != nil || train.N != 2 || test.N != 1 || train.Y[0] != 3 {
		t.Fatalf("LoadMNIST = %+v, %+v, %v", train, test, err)
	}
	// Zero pixels normalise to −mean/std.
	if want := -mnistMean / mnistStd; math.Abs(float64(train.X[0])-want) > 1e-6 {
		t.Fatalf("pixel 0 → %v, want %v", train.X[0], want)
	}
}

// compressedModel is a tiny model with masks and codebooks on every layer.
func compressedModel(t testing.TB) *Model {
	m, err := NewModel(tinyArch(), 1)
	if err != nil {
		t.Fatal(err)
	}
	maskHalf(m, 1)
	p := m.Param("f1")
	p.Codebook = []float32{-0.5, 0, 0.25}
	p.Index = make([]int32, len(p.W))
	for i := range p.Index {
		p.Index[i] = int32(i % 3)
	}
	return m
}

func TestModelRoundTrip(t *testing.T) {
	m := compressedModel(t)
	path := filepath.Join(t.TempDir(), "m.npz")
	if err := SaveModel(path, m, map[string]string{"seed": "1", "test_accuracy": "0.5"}); err != nil {
		t.Fatal(err)
	}
	got, meta, err := LoadModel(path)
	if err != nil {
		t.Fatal(err)
	}
	if meta["arch"] != "tiny" || meta["seed"] != "1" || meta["format"] != ModelFormat {
		t.Errorf("meta = %v", meta)
	}
	for pi, p := range got.Params() {
		q := m.Params()[pi]
		for i := range p.W {
			if p.Effective(i) != q.Effective(i) {
				t.Fatalf("%s[%d]: effective %v after load, %v before", p.Layer, i, p.Effective(i), q.Effective(i))
			}
		}
		if (p.Codebook == nil) != (q.Codebook == nil) || !equal(p.Bias, q.Bias) || !equal(p.Mask, q.Mask) {
			t.Fatalf("%s: bias, mask or codebook differ after load", p.Layer)
		}
	}
	// No temporary files are left behind.
	if ents, _ := os.ReadDir(filepath.Dir(path)); len(ents) != 1 {
		t.Errorf("directory holds %d entries after SaveModel, want 1", len(ents))
	}
}

func equal(a, b []float32) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// npzOf writes the given entries (name → value) as an npz archive.
func npzOf(t *testing.T, entries [][2]any) []byte {
	var b bytes.Buffer
	w := npz.NewWriter(&b)
	for _, e := range entries {
		if err := w.Write(e[0].(string), e[1]); err != nil {
			t.Fatal(err)
		}
	}
	w.Close()
	return b.Bytes()
}

func TestLoadModelErrors(t *testing.T) {
	var good bytes.Buffer
	arch, _ := network.Zoo("lenet-300-100")
	m, _ := NewModel(arch, 1)
	if err := WriteModel(&good, m, nil); err != nil {
		t.Fatal(err)
	}
	meta := []byte(`{"arch":"lenet-300-100"}`)
	fc1 := shaped(make([]float32, 784*300), []int{300, 784})
	fc1T := shaped(make([]float32, 784*300), []int{784, 300})
	for _, tc := range []struct {
		name string
		in   []byte
		want string
	}{
		{"truncated", good.Bytes()[:good.Len()/2], "not an .npz archive"},
		{"garbage", []byte("PK\x03\x04 nonsense"), "not an .npz archive"},
		{"no meta", npzOf(t, [][2]any{{"fc1.weight.npy", fc1}}), "meta: missing"},
		{"bad arch", npzOf(t, [][2]any{{"meta.npy", []byte(`{"arch":"resnet-7"}`)}}), "unknown network"},
		{"missing", npzOf(t, [][2]any{{"meta.npy", meta}}), "fc1.weight: missing"},
		{"transposed", npzOf(t, [][2]any{{"meta.npy", meta}, {"fc1.weight.npy", fc1T}}), "fc1.weight: shape [300 784] expected, got [784 300]"},
		{"dtype", npzOf(t, [][2]any{{"meta.npy", meta}, {"fc1.weight.npy", make([]int16, 4)}}), "unsupported"},
	} {
		_, _, err := ReadModel(bytes.NewReader(tc.in), int64(len(tc.in)), "model.npz")
		if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.HasPrefix(err.Error(), "model.npz: ") {
			t.Errorf("%s: error %v, want one starting with model.npz and containing %q", tc.name, err, tc.want)
		}
	}
	// A LeNet-5 file whose meta claims LeNet-300-100 has the wrong entries.
	l5, _ := network.Zoo("lenet-5")
	m5, _ := NewModel(l5, 1)
	var b bytes.Buffer
	WriteModel(&b, m5, nil)
	_, _, err := readModelRenamed(b.Bytes(), "lenet-300-100")
	if err == nil {
		t.Error("a lenet-5 file loaded as lenet-300-100")
	}
}

// readModelRenamed rewrites the arch key of a file's meta and drops its
// layers entry, then loads it.
func readModelRenamed(file []byte, arch string) (*Model, map[string]string, error) {
	zr, err := npz.NewReader(bytes.NewReader(file), int64(len(file)))
	if err != nil {
		return nil, nil, err
	}
	var out bytes.Buffer
	w := npz.NewWriter(&out)
	for _, k := range zr.Keys() {
		switch k {
		case "layers.npy":
		case "meta.npy":
			w.Write(k, []byte(`{"arch":"`+arch+`"}`))
		default:
			var v []float32
			if err := zr.Read(k, &v); err != nil {
				return nil, nil, err
			}
			w.Write(k, shaped(v, zr.Header(k).Descr.Shape))
		}
	}
	w.Close()
	return ReadModel(bytes.NewReader(out.Bytes()), int64(out.Len()), "renamed.npz")
}

func FuzzReadIDX(f *testing.F) {
	good := idxBytes([]int{2, 3}, []byte{1, 2, 3, 4, 5, 6})
	f.Add(good)
	f.Add(gz(good))
	f.Add(idxBytes([]int{1, 2, 2}, []byte{0, 255, 3, 4}))
	f.Fuzz(func(t *testing.T, b []byte) {
		dims, data, err := ReadIDX(bytes.NewReader(b), "fuzz")
		if err != nil {
			return
		}
		n := 1
		for _, d := range dims {
			n *= d
		}
		if n != len(data) {
			t.Fatalf("dims %v but %d bytes", dims, len(data))
		}
	})
}

func FuzzLoadModel(f *testing.F) {
	var b bytes.Buffer
	if err := WriteModel(&b, compressedModel(f), map[string]string{"k": "v"}); err != nil {
		f.Fatal(err)
	}
	f.Add(b.Bytes())
	// The same file uncompressed: a mutated byte changes a value, and only
	// the CRC can tell.
	stored, _ := storedZip(f, rawEntries(f, b.Bytes()))
	f.Add(stored)
	f.Fuzz(func(t *testing.T, in []byte) {
		m, _, err := readModel(bytes.NewReader(in), int64(len(in)), 1<<16)
		if err != nil {
			return
		}
		// Whatever loads is what was written: every entry's CRC held.
		if zr, err := zip.NewReader(bytes.NewReader(in), int64(len(in))); err == nil {
			for _, zf := range zr.File {
				if rc, err := zf.Open(); err == nil {
					if _, err := io.Copy(io.Discard, rc); err != nil {
						t.Fatalf("loaded although entry %s fails: %v", zf.Name, err)
					}
					rc.Close()
				}
			}
		}
		// Whatever loads must be self-consistent, finite and evaluable.
		for _, l := range m.Arch.Layers {
			if l.Stride < 1 {
				t.Fatalf("layer %s: stride %d loaded", l.Name, l.Stride)
			}
		}
		for _, p := range m.Params() {
			if err := p.validate(); err != nil {
				t.Fatal(err)
			}
			for _, v := range [][]float32{p.W, p.Bias, p.Codebook} {
				for _, x := range v {
					if math.IsNaN(float64(x)) || math.IsInf(float64(x), 0) {
						t.Fatalf("%s: non-finite value %g loaded", p.Layer, x)
					}
				}
			}
			for i := range p.W {
				_ = p.Effective(i)
			}
		}
	})
}

// TestReadModelMutations feeds 3000 seeded mutations of a valid file
// (byte overwrites, duplicated and deleted ranges, extreme integers) to the
// reader: each must load or fail with an error, never panic or hang.
func TestReadModelMutations(t *testing.T) {
	var b bytes.Buffer
	if err := WriteModel(&b, compressedModel(t), map[string]string{"k": "v"}); err != nil {
		t.Fatal(err)
	}
	seed := b.Bytes()
	r := rand.New(rand.NewPCG(1, 1))
	for i := 0; i < 3000; i++ {
		in := append([]byte(nil), seed...)
		for k := 0; k < 1+r.IntN(6); k++ {
			a := r.IntN(len(in) - 4)
			switch r.IntN(4) {
			case 0:
				in[a] = byte(r.IntN(256))
			case 1:
				l := r.IntN(min(len(in)-a, 512) + 1)
				at := r.IntN(len(in))
				in = append(in[:at], append(append([]byte(nil), in[a:a+l]...), in[at:]...)...)
			case 2:
				l := r.IntN(min(len(in)-a, 64) + 1)
				in = append(in[:a], in[a+l:]...)
			case 3:
				copy(in[a:], []byte{0xff, 0xff, 0xff, 0x7f})
			}
		}
		if m, _, err := readModel(bytes.NewReader(in), int64(len(in)), 1<<16); err == nil {
			for _, p := range m.Params() {
				if err := p.validate(); err != nil {
					t.Fatalf("mutation %d loaded an inconsistent model: %v", i, err)
				}
			}
		}
	}
}
