package network

import (
	"fmt"
	"strconv"
	"strings"
)

// SCALE-Sim v2 topology variants (scalesim/topology_utils.py):
//
//   - GEMM files: a header "Layer, M, N, K," and rows "name, M, N, K,". SCALE-Sim
//     turns each row into a convolution of an M×K input with N filters of 1×K,
//     one channel, stride 1, so the layer is the GEMM (M×K)·(K×N); dcsim does
//     the same (a fully connected layer when M = 1).
//   - An optional ninth column: the column stride, the eighth being the row
//     stride. dcsim models one stride, so the two must be equal.
//   - A layer whose name contains "DP" is depthwise: SCALE-Sim runs it as one
//     single-channel layer per channel, one after another; dcsim runs it as
//     one grouped convolution with a group per channel (Groups = Channels,
//     Num Filter filters per group), the same GEMMs in the same order.
//   - Trailing fields that start with '#' are comments (",#dw" in
//     mobilenet_paper.csv).

// gemmColumns are the columns of a SCALE-Sim GEMM topology file.
var gemmColumns = []string{"Layer", "M", "N", "K"}

// stripComment drops trailing fields that begin with '#'.
func stripComment(rec []string) []string {
	for len(rec) > 0 && strings.HasPrefix(strings.TrimSpace(rec[len(rec)-1]), "#") {
		rec = trimTrailingEmpty(rec[:len(rec)-1])
	}
	return rec
}

// isGEMMHeader reports whether a header row names the M, N, K columns.
func isGEMMHeader(rec []string) bool {
	if len(rec) != len(gemmColumns) {
		return false
	}
	for i := 1; i < len(gemmColumns); i++ {
		if !strings.EqualFold(strings.TrimSpace(rec[i]), gemmColumns[i]) {
			return false
		}
	}
	return true
}

// topologyRecord converts one record of a conv topology (8 or 9 fields) or,
// when the header named M, N, K, of a GEMM topology (4 fields).
func topologyRecord(rec []string, gemm bool) (Layer, error) {
	switch {
	case gemm:
		return gemmRow(rec)
	case len(rec) == len(topologyColumns)+1:
		row, col := strings.TrimSpace(rec[7]), strings.TrimSpace(rec[8])
		if row != col {
			if _, err := strconv.Atoi(col); err != nil {
				//lint:ignore ST1005 the message starts with the CSV column's name, "Stride width"
				return Layer{}, fmt.Errorf("Stride width: %q is not an integer", col)
			}
			//lint:ignore ST1005 the message starts with the CSV column's name, "Stride width"
			return Layer{}, fmt.Errorf("Stride width: %s differs from the row stride %s (dcsim models one stride)", col, row)
		}
		rec = rec[:len(topologyColumns)]
	case len(rec) != len(topologyColumns):
		return Layer{}, fmt.Errorf("expected %d fields (%s[, Stride width]), got %d; a GEMM topology starts with the header row %s",
			len(topologyColumns), strings.Join(topologyColumns, ", "), len(rec), strings.Join(gemmColumns, ", "))
	}
	s, err := topologyRow(rec)
	if err != nil || !strings.Contains(s.Name, "DP") {
		return s, err
	}
	// Depthwise: one group per channel, OutC/… filters each.
	s.Groups, s.OutC = s.InC, s.InC*s.OutC
	s.Kind = Conv
	return s, nil
}

// gemmRow converts "name, M, N, K" to the layer SCALE-Sim builds from it.
func gemmRow(rec []string) (Layer, error) {
	if len(rec) != len(gemmColumns) {
		return Layer{}, fmt.Errorf("expected %d fields (%s) in a GEMM topology, got %d",
			len(gemmColumns), strings.Join(gemmColumns, ", "), len(rec))
	}
	name := strings.TrimSpace(rec[0])
	if name == "" {
		return Layer{}, fmt.Errorf("%s: empty", gemmColumns[0])
	}
	var v [3]int
	for i := range v {
		n, err := strconv.Atoi(strings.TrimSpace(rec[i+1]))
		if err != nil {
			return Layer{}, fmt.Errorf("%s: %q is not an integer", gemmColumns[i+1], strings.TrimSpace(rec[i+1]))
		}
		if n <= 0 {
			return Layer{}, fmt.Errorf("%s: must be > 0, got %d", gemmColumns[i+1], n)
		}
		v[i] = n
	}
	m, n, k := v[0], v[1], v[2]
	s := Layer{Name: name, Kind: Conv, InC: 1, InH: m, InW: k, OutC: n, R: 1, S: k, Stride: 1, Groups: 1, Ceil: true}
	if m == 1 {
		s.Kind = FC
	}
	return s, nil
}
