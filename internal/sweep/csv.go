package sweep

import (
	"strconv"
	"strings"
)

// totalColumns are the CSV columns after the swept keys, in base units.
var totalColumns = []string{"macs", "cycles", "compute_cycles", "stall_cycles", "latency_us",
	"energy_mac_pj", "energy_lut_pj", "energy_sram_pj", "energy_dram_pj", "energy_static_pj",
	"energy_total_pj", "dram_bytes", "utilization", "error", "spec_hash"}

// csvHeader is the header row of a CSV results file for spec s: index, id,
// network, profile, one column per swept key (grid order), the totals, an
// error column and the spec hash (repeated on every row, so a CSV file
// carries its provenance the way the JSONL header line does).
func csvHeader(s *Spec) string {
	cols := []string{"index", "id", "network", "profile"}
	cols = append(cols, s.ParamKeys()...)
	cols = append(cols, totalColumns...)
	for i, c := range cols {
		cols[i] = csvField(c)
	}
	return strings.Join(cols, ",") + "\n"
}

// csvField quotes a field when it holds a comma, quote or line break
// (RFC 4180).
func csvField(s string) string {
	if !strings.ContainsAny(s, ",\"\r\n") && strings.TrimSpace(s) == s {
		return s
	}
	return `"` + strings.ReplaceAll(s, `"`, `""`) + `"`
}

func (e *lineEncoder) appendCSV(b []byte, i int64, id uint64, pair int, choice []int, t *Totals, errMsg string) []byte {
	b = strconv.AppendInt(b, i, 10)
	b = append(b, ',')
	b = appendID(b, id)
	b = append(b, ',')
	b = append(b, e.pairs[pair]...)
	for a, ax := range e.spec.axes {
		for j := range ax.keys {
			b = append(b, ',')
			b = append(b, csvField(ax.values[choice[a]][j].canon)...)
		}
	}
	if errMsg != "" {
		b = append(b, ",,,,,,,,,,,,,,"...) // 13 empty totals, then the error column
		b = append(b, csvField(errMsg)...)
	} else {
		b = appendInt(b, ",", t.MACs)
		b = appendInt(b, ",", t.Cycles)
		b = appendInt(b, ",", t.ComputeCycles)
		b = appendInt(b, ",", t.StallCycles)
		b = appendFloat(b, ",", t.LatencyUS)
		b = appendFloat(b, ",", t.Energy.MAC)
		b = appendFloat(b, ",", t.Energy.LUT)
		b = appendFloat(b, ",", t.Energy.SRAM)
		b = appendFloat(b, ",", t.Energy.DRAM)
		b = appendFloat(b, ",", t.Energy.Static)
		b = appendFloat(b, ",", t.Energy.Total)
		b = appendInt(b, ",", t.DRAMBytes)
		b = appendFloat(b, ",", t.Utilization)
		b = append(b, ',')
	}
	b = append(b, ',')
	b = append(b, e.hash...)
	return append(b, '\n')
}
