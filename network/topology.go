package network

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/dcsim/dcsim/internal/fileio"
)

// topologyColumns are the columns of a SCALE-Sim topology file, in order.
var topologyColumns = []string{"Layer name", "IFMAP Height", "IFMAP Width", "Filter Height",
	"Filter Width", "Channels", "Num Filter", "Strides"}

// Limits of a topology row, the simulator's own (sim's maxDim and maxMACs),
// checked here so that the error names the file, line and column.
const (
	MaxTopologyDim  = 1 << 24
	MaxTopologyMACs = 1 << 50
	// MaxTopologyLayers and MaxTopologyBytes bound a topology file: far
	// beyond any real network (VGG-16 has 16 layers, a 1000-layer ResNet
	// about 1000), and small enough that parsing, simulating and printing
	// it take seconds, not minutes and gigabytes.
	MaxTopologyLayers = 1 << 16
	MaxTopologyBytes  = 16 << 20
)

// LoadTopology reads a SCALE-Sim topology CSV file (see ParseTopology).
func LoadTopology(path string) (Network, error) {
	data, err := readLimited(path, MaxTopologyBytes, "a topology file")
	if err != nil {
		return Network{}, err
	}
	return ParseTopology(data, path)
}

// ParseTopology parses a SCALE-Sim topology CSV: an optional header row (only
// the first non-empty row may be one: it is a header when none of its fields
// after the first is an integer), then
// one row per layer "name, IFMAP H, IFMAP W, filter H, filter W, channels,
// filters, stride," with the trailing comma SCALE-Sim writes. The layers mean
// what they mean to SCALE-Sim: no padding (it is folded into the IFMAP size),
// output side ceil((H − R + S)/S), batch 1. A layer whose filter covers its
// whole input (including 1×1 on 1×1) is a fully connected layer; the others
// are convolutions. The network is named after the file. Errors read
// "file:line: column: what is wrong".
func ParseTopology(data []byte, filename string) (Network, error) {
	r := csv.NewReader(bytes.NewReader(data))
	r.FieldsPerRecord = -1
	r.TrimLeadingSpace = true
	r.Comment = '#'
	name := strings.TrimSuffix(filepath.Base(filename), filepath.Ext(filename))
	arch := Network{Name: name}
	seen := map[string]int{}
	first := true // only the first non-empty record may be a header
	gemm := false
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				return Network{}, fmt.Errorf("%s:%d: %w", filename, pe.Line, pe.Err)
			}
			return Network{}, fmt.Errorf("%s: %w", filename, err)
		}
		line, _ := r.FieldPos(0)
		rec = stripComment(trimTrailingEmpty(rec))
		if len(rec) == 0 {
			continue
		}
		if first {
			first = false
			if isTopologyHeader(rec) {
				gemm = isGEMMHeader(rec)
				continue
			}
		}
		s, err := topologyRecord(rec, gemm)
		if err != nil {
			return Network{}, fmt.Errorf("%s:%d: %w", filename, line, err)
		}
		if prev, ok := seen[s.Name]; ok {
			return Network{}, fmt.Errorf("%s:%d: Layer name: %q already defined on line %d", filename, line, s.Name, prev)
		}
		seen[s.Name] = line
		if len(arch.Layers) == MaxTopologyLayers {
			return Network{}, fmt.Errorf("%s:%d: more than %d layers, the limit of a topology file", filename, line, MaxTopologyLayers)
		}
		arch.Layers = append(arch.Layers, s)
	}
	if len(arch.Layers) == 0 {
		return Network{}, fmt.Errorf("%s:1: no layers (expected rows of: %s)", filename, strings.Join(topologyColumns, ", "))
	}
	return arch, nil
}

// trimTrailingEmpty drops empty fields at the end of a record (SCALE-Sim
// ends every row with a comma).
func trimTrailingEmpty(rec []string) []string {
	for len(rec) > 0 && strings.TrimSpace(rec[len(rec)-1]) == "" {
		rec = rec[:len(rec)-1]
	}
	return rec
}

// isTopologyHeader reports whether a record is a header row: it has more
// than one field and none after the name is an integer (so a layer row with
// one mistyped number is a layer with an error, not a header).
func isTopologyHeader(rec []string) bool {
	if len(rec) < 2 {
		return false
	}
	for _, f := range rec[1:] {
		if _, err := strconv.Atoi(strings.TrimSpace(f)); err == nil {
			return false
		}
	}
	return true
}

// topologyRow converts one record to a layer shape.
func topologyRow(rec []string) (Layer, error) {
	if len(rec) != len(topologyColumns) {
		return Layer{}, fmt.Errorf("expected %d fields (%s), got %d",
			len(topologyColumns), strings.Join(topologyColumns, ", "), len(rec))
	}
	name := strings.TrimSpace(rec[0])
	if name == "" {
		return Layer{}, fmt.Errorf("%s: empty", topologyColumns[0])
	}
	var v [7]int
	for i := range v {
		col := topologyColumns[i+1]
		n, err := strconv.Atoi(strings.TrimSpace(rec[i+1]))
		if err != nil {
			return Layer{}, fmt.Errorf("%s: %q is not an integer", col, strings.TrimSpace(rec[i+1]))
		}
		if n <= 0 {
			return Layer{}, fmt.Errorf("%s: must be > 0, got %d", col, n)
		}
		if n > MaxTopologyDim {
			return Layer{}, fmt.Errorf("%s: %d exceeds the limit %d", col, n, MaxTopologyDim)
		}
		v[i] = n
	}
	h, w, r, s, c, k, stride := v[0], v[1], v[2], v[3], v[4], v[5], v[6]
	if r > h || s > w {
		return Layer{}, fmt.Errorf("%s: filter %dx%d is larger than its input %dx%d", topologyColumns[3], r, s, h, w)
	}
	if macs := float64(outSide(h-r, stride, true)) * float64(outSide(w-s, stride, true)) * float64(r) * float64(s) *
		float64(c) * float64(k); macs > MaxTopologyMACs {
		return Layer{}, fmt.Errorf("%s: layer of %.3g MACs exceeds the limit %.3g", topologyColumns[6], macs, float64(MaxTopologyMACs))
	}
	shape := Layer{Name: name, Kind: Conv, InC: c, InH: h, InW: w, OutC: k, R: r, S: s,
		Stride: stride, Groups: 1, Ceil: true}
	if r == h && s == w {
		shape.Kind = FC
	}
	return shape, nil
}

// WriteTopology writes a Network as a SCALE-Sim topology CSV (conv and FC
// layers only; padding is folded into the IFMAP size, pooling is dropped, as
// SCALE-Sim has no pooling layers). Grouped convolutions cannot be expressed
// and are an error.
func WriteTopology(w io.Writer, a Network) error {
	if _, err := fmt.Fprintln(w, strings.Join(topologyColumns, ", ")+","); err != nil {
		return err
	}
	for _, l := range a.Layers {
		if l.Kind == Pool {
			continue
		}
		if l.GroupsOr1() != 1 {
			return fmt.Errorf("layer %q: grouped convolution (groups %d) has no SCALE-Sim form", l.Name, l.Groups)
		}
		if _, err := fmt.Fprintf(w, "%s, %d, %d, %d, %d, %d, %d, %d,\n", l.Name, l.InH+2*l.Pad, l.InW+2*l.Pad,
			l.R, l.S, l.InC, l.OutC, l.StrideOr1()); err != nil {
			return err
		}
	}
	return nil
}

// readLimited reads the file at path, refusing one of more than limit bytes
// (named what in the error) before reading it all.
func readLimited(path string, limit int64, what string) ([]byte, error) {
	data, tooLarge, err := fileio.ReadLimited(path, limit)
	if err == nil && tooLarge {
		err = fmt.Errorf("%s: more than %d MiB, the limit for %s", path, limit>>20, what)
	}
	return data, err
}
