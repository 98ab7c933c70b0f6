package network

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestParseTopologyAlexNet(t *testing.T) {
	a, err := LoadTopology("testdata/alexnet_scalesim.csv")
	if err != nil {
		t.Fatal(err)
	}
	if a.Name != "alexnet_scalesim" || len(a.Layers) != 8 {
		t.Fatalf("got %q with %d layers", a.Name, len(a.Layers))
	}
	want := []struct {
		name       string
		kind       Kind
		outH, outW int
		macs       int64
	}{
		{"Conv1", Conv, 55, 55, 105415200},
		{"Conv2", Conv, 27, 27, 27 * 27 * 256 * 96 * 25},
		{"FC6", FC, 1, 1, 9216 * 4096},
		{"FC8", FC, 1, 1, 4096 * 1000},
	}
	for _, w := range want {
		var got *Layer
		for i := range a.Layers {
			if a.Layers[i].Name == w.name {
				got = &a.Layers[i]
			}
		}
		if got == nil {
			t.Fatalf("layer %s missing", w.name)
		}
		if got.Kind != w.kind || got.OutH() != w.outH || got.OutW() != w.outW || got.MACs() != w.macs {
			t.Errorf("%s: kind %s out %dx%d macs %d; want %s %dx%d %d", w.name, got.Kind, got.OutH(), got.OutW(),
				got.MACs(), w.kind, w.outH, w.outW, w.macs)
		}
	}
}

// TestTopologyCeil checks SCALE-Sim's output side ceil((H−R+S)/S).
func TestTopologyCeil(t *testing.T) {
	a, err := ParseTopology([]byte("L1, 10, 9, 3, 3, 4, 8, 2,\n"), "t.csv")
	if err != nil {
		t.Fatal(err)
	}
	l := a.Layers[0]
	// ceil((10−3+2)/2) = 5 where floor would give 4; ceil((9−3+2)/2) = 4.
	if l.OutH() != 5 || l.OutW() != 4 {
		t.Fatalf("out %dx%d, want 5x4", l.OutH(), l.OutW())
	}
}

func TestParseTopologyErrors(t *testing.T) {
	hdr := "Layer name, IFMAP Height, IFMAP Width, Filter Height, Filter Width, Channels, Num Filter, Strides,\n"
	cases := []struct {
		name, in, want string
	}{
		{"empty", "", "t.csv:1: no layers"},
		{"header only", hdr, "t.csv:1: no layers"},
		{"negative", hdr + "c1, 8, 8, 3, 3, -1, 4, 1,\n", "t.csv:2: Channels: must be > 0, got -1"},
		{"zero stride", hdr + "c1, 8, 8, 3, 3, 1, 4, 0,\n", "t.csv:2: Strides: must be > 0, got 0"},
		{"not int", hdr + "c1, 8, x, 3, 3, 1, 4, 1,\n", `t.csv:2: IFMAP Width: "x" is not an integer`},
		{"filter too big", hdr + "c1, 8, 8, 9, 3, 1, 4, 1,\n", "t.csv:2: Filter Height: filter 9x3 is larger than its input 8x8"},
		{"short row", hdr + "c1, 8, 8, 3,\n", "t.csv:2: expected 8 fields"},
		{"duplicate", hdr + "c1, 8, 8, 3, 3, 1, 4, 1,\nc1, 8, 8, 3, 3, 1, 4, 1,\n", `t.csv:3: Layer name: "c1" already defined on line 2`},
		{"bad quote", hdr + "\"c1, 8, 8, 3, 3, 1, 4, 1,\n", "t.csv:"},
		// Only the first non-empty row may be a header: a mistyped number
		// anywhere else is an error, never a row silently dropped.
		{"typo before first layer", hdr + "conv1, 3O, 32, 3, 3, 1, 4, 1,\n", `t.csv:2: IFMAP Height: "3O" is not an integer`},
		{"typo in first row, no header", "conv1, 3O, 32, 3, 3, 1, 4, 1,\nc2, 8, 8, 3, 3, 1, 4, 1,\n", `t.csv:1: IFMAP Height: "3O" is not an integer`},
		{"typo after blank and comment", hdr + "\n# note\nconv1, 32, 32, 3, 3, 1, 4, l,\n", `t.csv:4: Strides: "l" is not an integer`},
		{"typo in later row", hdr + "c1, 8, 8, 3, 3, 1, 4, 1,\nc2, 8, 8, 3, 3, 1, four, 1,\n", `t.csv:3: Num Filter: "four" is not an integer`},
		{"header twice", hdr + hdr + "c1, 8, 8, 3, 3, 1, 4, 1,\n", `t.csv:2: IFMAP Height: "IFMAP Height" is not an integer`},
		{"dimension over limit", hdr + "c1, 20000000, 8, 3, 3, 1, 4, 1,\n", "t.csv:2: IFMAP Height: 20000000 exceeds the limit 16777216"},
		{"channels over limit", hdr + "c1, 8, 8, 3, 3, 99999999, 4, 1,\n", "t.csv:2: Channels: 99999999 exceeds the limit 16777216"},
		{"MACs over limit", hdr + "c1, 16000000, 16000000, 1, 1, 1000, 1000, 1,\n", "t.csv:2: Num Filter: layer of "},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := ParseTopology([]byte(c.in), "t.csv")
			if err == nil || !strings.HasPrefix(err.Error(), c.want) {
				t.Fatalf("error %v, want prefix %q", err, c.want)
			}
		})
	}
}

func TestWriteTopologyRoundTrip(t *testing.T) {
	a, err := Zoo("vgg-16")
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := WriteTopology(&buf, a); err != nil {
		t.Fatal(err)
	}
	b, err := ParseTopology(buf.Bytes(), "vgg.csv")
	if err != nil {
		t.Fatal(err)
	}
	if b.MACs() != a.MACs() || b.Weights() != a.Weights() {
		t.Fatalf("round trip: macs %d weights %d, want %d %d", b.MACs(), b.Weights(), a.MACs(), a.Weights())
	}
}

func FuzzParseTopology(f *testing.F) {
	f.Add([]byte("Layer name, IFMAP Height, IFMAP Width, Filter Height, Filter Width, Channels, Num Filter, Strides,\nConv1, 227, 227, 11, 11, 3, 96, 4,\n"))
	f.Add([]byte("c, 1, 1, 1, 1, 9, 9, 1,\n"))
	f.Add([]byte("\"x\n"))
	f.Add([]byte("Layer name, IFMAP Height, IFMAP Width, Filter Height, Filter Width, Channels, Num Filter, Strides,\nconv1, 3O, 32, 3, 3, 1, 4, 1,\nc2, 8, 8, 3, 3, 1, 4, 1,\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		a, err := ParseTopology(data, "f.csv")
		if err != nil {
			if !strings.HasPrefix(err.Error(), "f.csv:") {
				t.Fatalf("error without file:line: %v", err)
			}
			return
		}
		for _, l := range a.Layers {
			if l.OutH() <= 0 || l.OutW() <= 0 || l.MACs() < 0 || l.InH > MaxTopologyDim || l.MACs() > MaxTopologyMACs {
				t.Fatalf("accepted layer with bad geometry: %+v", l)
			}
		}
		// No row is silently dropped: every non-empty record is a layer,
		// except a first record with no integer field (the header).
		recs := nonEmptyRecords(t, data)
		want := len(recs)
		if want > 0 && isTopologyHeader(recs[0]) {
			want--
		}
		if len(a.Layers) != want {
			t.Fatalf("%d layers from %d non-empty records: a row was dropped", len(a.Layers), len(recs))
		}
	})
}

// nonEmptyRecords reads data with ParseTopology's CSV settings and returns
// the records that are not empty.
func nonEmptyRecords(t *testing.T, data []byte) [][]string {
	r := csv.NewReader(bytes.NewReader(data))
	r.FieldsPerRecord = -1
	r.TrimLeadingSpace = true
	r.Comment = '#'
	var out [][]string
	for {
		rec, err := r.Read()
		if err != nil {
			return out
		}
		if rec = stripComment(trimTrailingEmpty(rec)); len(rec) > 0 {
			out = append(out, rec)
		}
	}
}

// TestParseTopologySCALESimVariants: GEMM files, a ninth (column stride)
// field, ",#dw" comments and DP (depthwise) layer names, as SCALE-Sim v2
// reads them.
func TestParseTopologySCALESimVariants(t *testing.T) {
	gemm := "Layer, M, N, K,\ng1, 64, 32, 128,\nfc, 1, 10, 256,\n"
	a, err := ParseTopology([]byte(gemm), "g.csv")
	if err != nil {
		t.Fatal(err)
	}
	g := a.Layers[0]
	if g.InH != 64 || g.InW != 128 || g.R != 1 || g.S != 128 || g.InC != 1 || g.OutC != 32 || g.Kind != Conv ||
		g.OutH() != 64 || g.OutW() != 1 || a.Layers[1].Kind != FC {
		t.Errorf("GEMM layers %+v", a.Layers)
	}
	hdr := "Layer name, IFMAP Height, IFMAP Width, Filter Height, Filter Width, Channels, Num Filter, Strides,\n"
	conv := hdr + "c1, 9, 9, 3, 3, 4, 8, 2, 2,\nConv dw / s1 DP, 112, 112, 3, 3, 32, 1, 1,#dw\n"
	a, err = ParseTopology([]byte(conv), "m.csv")
	if err != nil {
		t.Fatal(err)
	}
	c, d := a.Layers[0], a.Layers[1]
	if c.Stride != 2 || c.OutH() != 4 || d.Groups != 32 || d.InC != 32 || d.OutC != 32 || d.Kind != Conv {
		t.Errorf("conv %+v, dw %+v", c, d)
	}
	for _, bad := range []struct{ doc, want string }{
		{hdr + "c1, 9, 9, 3, 3, 4, 8, 2, 1,\n", "m.csv:2: Stride width: 1 differs"},
		{"Layer, M, N, K,\ng1, 64, 0, 128,\n", "m.csv:2: N: must be > 0"},
		{"Layer, M, N, K,\ng1, 64, 32,\n", "m.csv:2: expected 4 fields"},
		{hdr + "g1, 64, 32, 128,\n", "GEMM topology starts with the header"},
	} {
		if _, err := ParseTopology([]byte(bad.doc), "m.csv"); err == nil || !strings.Contains(err.Error(), bad.want) {
			t.Errorf("%q: error %v, want %q", bad.doc, err, bad.want)
		}
	}
}

// TestTopologyCaps: a topology beyond the layer or size limit is refused
// with one line naming the file (and line), before it costs minutes.
func TestTopologyCaps(t *testing.T) {
	var b bytes.Buffer
	for i := 0; i <= MaxTopologyLayers; i++ {
		fmt.Fprintf(&b, "l%d, 8, 8, 3, 3, 1, 4, 1,\n", i)
	}
	_, err := ParseTopology(b.Bytes(), "big.csv")
	if want := fmt.Sprintf("big.csv:%d: more than 65536 layers", MaxTopologyLayers+1); err == nil || !strings.HasPrefix(err.Error(), want) {
		t.Fatalf("error %v, want prefix %q", err, want)
	}
	path := filepath.Join(t.TempDir(), "huge.csv")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	f.Truncate(MaxTopologyBytes + 1) // sparse: no real write
	f.Close()
	if _, err := LoadTopology(path); err == nil || !strings.Contains(err.Error(), path+": more than 16 MiB, the limit for a topology file") {
		t.Fatalf("error %v", err)
	}
}
