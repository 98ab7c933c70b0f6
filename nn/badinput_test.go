package nn

import (
	"archive/zip"
	"bytes"
	"io"
	"math"
	"strings"
	"testing"

	"github.com/dcsim/dcsim/network"
)

// rawEntry is one zip entry's name and uncompressed bytes.
type rawEntry struct {
	name string
	data []byte
}

// rawEntries returns the entries of an npz archive in order.
func rawEntries(t testing.TB, file []byte) []rawEntry {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(file), int64(len(file)))
	if err != nil {
		t.Fatal(err)
	}
	var out []rawEntry
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, rawEntry{f.Name, b})
	}
	return out
}

// storedZip writes entries uncompressed (so a flipped byte changes a value
// and only the CRC can tell) and returns the archive with the data offset of
// each entry.
func storedZip(t testing.TB, entries []rawEntry) ([]byte, map[string]int64) {
	t.Helper()
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	for _, e := range entries {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: e.name, Method: zip.Store})
		if err != nil {
			t.Fatal(err)
		}
		w.Write(e.data)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	zr, err := zip.NewReader(bytes.NewReader(b.Bytes()), int64(b.Len()))
	if err != nil {
		t.Fatal(err)
	}
	off := map[string]int64{}
	for _, f := range zr.File {
		o, err := f.DataOffset()
		if err != nil {
			t.Fatal(err)
		}
		off[f.Name] = o
	}
	return b.Bytes(), off
}

func modelBytes(t testing.TB, m *Model) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := WriteModel(&b, m, map[string]string{"k": "v"}); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// TestLoadModelIntegrity: a file that does not hold what it claims is an
// error naming the file and the entry, never a model that loads.
func TestLoadModelIntegrity(t *testing.T) {
	good := modelBytes(t, compressedModel(t))
	stored, off := storedZip(t, rawEntries(t, good))
	if _, _, err := ReadModel(bytes.NewReader(stored), int64(len(stored)), "m.npz"); err != nil {
		t.Fatalf("the stored copy does not load: %v", err)
	}
	// flip overwrites a byte deep in the data of one entry.
	size := map[string]int64{}
	for _, e := range rawEntries(t, good) {
		size[e.name] = int64(len(e.data))
	}
	// flip overwrites the third-last byte of an entry's data.
	flip := func(entry string) []byte {
		b := append([]byte(nil), stored...)
		b[off[entry]+size[entry]-3] ^= 0x5a
		return b
	}
	withEntries := func(edit func([]rawEntry) []rawEntry) []byte {
		b, _ := storedZip(t, edit(rawEntries(t, good)))
		return b
	}
	replace := func(entry, old, new string) []byte {
		return withEntries(func(es []rawEntry) []rawEntry {
			for i := range es {
				if es[i].name == entry {
					if !bytes.Contains(es[i].data, []byte(old)) {
						t.Fatalf("%s does not contain %q", entry, old)
					}
					es[i].data = bytes.Replace(es[i].data, []byte(old), []byte(new), 1)
				}
			}
			return es
		})
	}
	dup := func(entry, as string) []byte {
		return withEntries(func(es []rawEntry) []rawEntry {
			for _, e := range es {
				if e.name == entry {
					return append(es, rawEntry{as, e.data})
				}
			}
			t.Fatalf("no entry %s", entry)
			return nil
		})
	}
	nanModel := func(edit func(m *Model)) []byte {
		m := compressedModel(t)
		edit(m)
		return modelBytes(t, m)
	}
	cases := []struct {
		name string
		in   []byte
		want string
	}{
		{"weight checksum", flip("c2.weight.npy"), "m.npz: c2.weight: checksum mismatch"},
		{"bias checksum", flip("f1.bias.npy"), "m.npz: f1.bias: checksum mismatch"},
		{"index checksum", flip("f1.index.npy"), "m.npz: f1.index: checksum mismatch"},
		{"meta checksum", flip("meta.npy"), "m.npz: meta: checksum mismatch"},
		{"layers checksum", flip("layers.npy"), "m.npz: layers: checksum mismatch"},
		{"duplicate weight", dup("c1.weight.npy", "c1.weight.npy"), "m.npz: c1.weight: duplicate entry"},
		{"duplicate without .npy", dup("c1.bias.npy", "c1.bias"), "m.npz: c1.bias: duplicate entry"},
		{"duplicate meta", dup("meta.npy", "meta.npy"), "m.npz: meta: duplicate entry"},
		{"NaN weight", nanModel(func(m *Model) { m.Param("c1").W[3] = float32(math.NaN()) }), "m.npz: c1.weight: value NaN at 3: must be finite"},
		{"Inf bias", nanModel(func(m *Model) { m.Param("f2").Bias[1] = float32(math.Inf(1)) }), "m.npz: f2.bias: value +Inf at 1: must be finite"},
		// An unused codebook entry: the weights stay finite.
		{"NaN codebook", nanModel(func(m *Model) { p := m.Param("f1"); p.Codebook = append(p.Codebook, float32(math.NaN())) }),
			"m.npz: f1.codebook: value NaN at 3: must be finite"},
		{"-Inf weight", nanModel(func(m *Model) {
			for i := range m.Param("f2").W {
				m.Param("f2").W[i] = float32(math.Inf(-1))
			}
		}), "m.npz: f2.weight: value -Inf at "},
		{"pool stride 0", replace("layers.npy", `"stride":2`, `"stride":0`), "m.npz: layers: p1: stride: must be ≥ 1, got 0"},
		{"conv stride 0", replace("layers.npy", `"name":"c2","kind":"conv","in_c":3,"in_h":4,"in_w":4,"out_c":4,"r":3,"s":3,"stride":2`,
			`"name":"c2","kind":"conv","in_c":3,"in_h":4,"in_w":4,"out_c":4,"r":3,"s":3,"stride":0`), "m.npz: layers: c2: stride: must be ≥ 1, got 0"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, _, err := ReadModel(bytes.NewReader(c.in), int64(len(c.in)), "m.npz")
			if err == nil || !strings.HasPrefix(err.Error(), c.want) {
				t.Fatalf("error %v, want prefix %q", err, c.want)
			}
		})
	}
}

// TestLoadModelFloat64Overflow: a float64 weight beyond float32's range
// would become +Inf; it is refused.
func TestLoadModelFloat64Overflow(t *testing.T) {
	m := compressedModel(t)
	p := m.Param("f2")
	w := make([]float64, len(p.W))
	w[5] = 1e300
	entries := rawEntries(t, modelBytes(t, m))
	var npy bytes.Buffer
	writeNPYf8(&npy, w, p.Shape)
	for i := range entries {
		if entries[i].name == "f2.weight.npy" {
			entries[i].data = npy.Bytes()
		}
	}
	file, _ := storedZip(t, entries)
	_, _, err := ReadModel(bytes.NewReader(file), int64(len(file)), "m.npz")
	if err == nil || !strings.Contains(err.Error(), "f2.weight: value +Inf at 5: must be finite") {
		t.Fatalf("error %v", err)
	}
}

// writeNPYf8 writes a version-1 .npy of float64 values.
func writeNPYf8(w io.Writer, v []float64, shape []int) {
	dims := make([]string, len(shape))
	for i, d := range shape {
		dims[i] = itoa(d)
	}
	h := "{'descr': '<f8', 'fortran_order': False, 'shape': (" + strings.Join(dims, ", ") + "), }"
	for (10+len(h)+1)%64 != 0 {
		h += " "
	}
	h += "\n"
	w.Write([]byte("\x93NUMPY\x01\x00"))
	w.Write([]byte{byte(len(h)), byte(len(h) >> 8)})
	w.Write([]byte(h))
	for _, x := range v {
		var b [8]byte
		u := math.Float64bits(x)
		for i := range b {
			b[i] = byte(u >> (8 * i))
		}
		w.Write(b[:])
	}
}

func itoa(d int) string {
	if d == 0 {
		return "0"
	}
	var b []byte
	for ; d > 0; d /= 10 {
		b = append([]byte{byte('0' + d%10)}, b...)
	}
	return string(b)
}

// TestModelMemoryBound: a legal but enormous architecture (a 1×1 conv to
// 32,768 channels) is refused at load with one line, before any allocation
// of its activations.
func TestModelMemoryBound(t *testing.T) {
	arch := network.Network{Name: "wide", Layers: []network.Layer{
		{Name: "c1", Kind: network.Conv, InC: 1, InH: 28, InW: 28, OutC: 32768, R: 1, S: 1, Stride: 1},
		{Name: "p1", Kind: network.Pool, InC: 32768, InH: 28, InW: 28, OutC: 32768, R: 28, S: 28, Stride: 28},
		{Name: "f1", Kind: network.FC, InC: 32768, InH: 1, InW: 1, OutC: 10, R: 1, S: 1, Stride: 1},
	}}
	_, err := NewModel(arch, 1)
	if err == nil || !strings.Contains(err.Error(), "working memory per sample") {
		t.Fatalf("NewModel: error %v", err)
	}
	// The same shapes in a file: build the file by hand from a small model
	// with the layer widths edited.
	small := network.Network{Name: "wide", Layers: []network.Layer{
		{Name: "c1", Kind: network.Conv, InC: 1, InH: 28, InW: 28, OutC: 32, R: 1, S: 1, Stride: 1},
		{Name: "p1", Kind: network.Pool, InC: 32, InH: 28, InW: 28, OutC: 32, R: 28, S: 28, Stride: 28},
		{Name: "f1", Kind: network.FC, InC: 32, InH: 1, InW: 1, OutC: 10, R: 1, S: 1, Stride: 1},
	}}
	m, err := NewModel(small, 1)
	if err != nil {
		t.Fatal(err)
	}
	entries := rawEntries(t, modelBytes(t, m))
	for i := range entries {
		if entries[i].name == "layers.npy" {
			// The JSON grows, so the entry (and its header's shape) is
			// rebuilt.
			js := strings.ReplaceAll(string(entries[i].data[bytes.IndexByte(entries[i].data, '\n')+1:]), ":32,", ":32768,")
			var npy bytes.Buffer
			writeNPYu1(&npy, []byte(js))
			entries[i].data = npy.Bytes()
		}
	}
	file, _ := storedZip(t, entries)
	_, _, err = ReadModel(bytes.NewReader(file), int64(len(file)), "m.npz")
	if err == nil || !strings.Contains(err.Error(), "m.npz: layers: network \"wide\": needs") {
		t.Fatalf("error %v", err)
	}
}

// writeNPYu1 writes a version-1 .npy of bytes.
func writeNPYu1(w io.Writer, v []byte) {
	h := "{'descr': '|u1', 'fortran_order': False, 'shape': (" + itoa(len(v)) + ",), }"
	for (10+len(h)+1)%64 != 0 {
		h += " "
	}
	h += "\n"
	w.Write([]byte("\x93NUMPY\x01\x00"))
	w.Write([]byte{byte(len(h)), byte(len(h) >> 8)})
	w.Write([]byte(h))
	w.Write(v)
}
