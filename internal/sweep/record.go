package sweep

import (
	"encoding/json"
	"math"
	"strconv"
	"strings"

	"github.com/dcsim/dcsim/accel"
	"github.com/dcsim/dcsim/sim"
)

// Totals are the whole-network figures of one design point.
type Totals struct {
	MACs          int64      `json:"macs"`
	Cycles        int64      `json:"cycles"`
	ComputeCycles int64      `json:"compute_cycles"`
	StallCycles   int64      `json:"stall_cycles"`
	LatencyUS     float64    `json:"latency_us"`
	Energy        sim.Energy `json:"energy_pj"`
	DRAMBytes     int64      `json:"dram_bytes"`
	// Utilization is sim.Total's: MACs issued over Cycles × multipliers.
	Utilization float64 `json:"utilization"`
}

// evaluate simulates w on spec and copies sim.SimulateTotals' figures (no
// per-layer slice is built, so a design point allocates nothing).
func evaluate(spec *accel.Spec, w *sim.Workload) (Totals, error) {
	t, err := sim.SimulateTotals(spec, w)
	if err != nil {
		return Totals{}, err
	}
	return Totals{MACs: t.MACs, Cycles: int64(t.Cycles), ComputeCycles: int64(t.ComputeCycles),
		StallCycles: int64(t.StallCycles), LatencyUS: t.LatencyUS, Energy: t.Energy,
		DRAMBytes: t.DRAMBytes, Utilization: t.Utilization}, nil
}

// finite reports whether every float of t is finite.
func (t *Totals) finite() bool {
	for _, v := range [...]float64{t.LatencyUS, t.Utilization, t.Energy.MAC, t.Energy.LUT,
		t.Energy.SRAM, t.Energy.DRAM, t.Energy.Static, t.Energy.Total} {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return false
		}
	}
	return true
}

// Record is one result line, decoded.
type Record struct {
	Index   int64                      `json:"index"`
	ID      string                     `json:"id"`
	Network string                     `json:"network"`
	Profile string                     `json:"profile"`
	Params  map[string]json.RawMessage `json:"params"`
	Error   string                     `json:"error,omitempty"`
	Totals
}

// Param returns the text of the swept key's value ("" when absent): a
// number as written, a string unquoted.
func (r *Record) Param(key string) string {
	raw, ok := r.Params[key]
	if !ok {
		return ""
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	return string(raw)
}

// lineEncoder appends one point's result line in the output format. The
// static parts (network, profile and parameter texts) are rendered once per
// spec, so encoding a point only copies bytes and formats numbers.
type lineEncoder struct {
	spec    *Spec
	csv     bool
	hash    string
	pairs   []string // per pair: JSON `"network":..,"profile":..` or CSV fields
	keyJSON [][]string
}

func newLineEncoder(s *Spec, csv bool) *lineEncoder {
	e := &lineEncoder{spec: s, csv: csv, hash: s.Hash}
	for _, p := range s.Pairs {
		if csv {
			e.pairs = append(e.pairs, csvField(p.Network)+","+csvField(p.Profile))
		} else {
			e.pairs = append(e.pairs, `"network":`+jsonString(p.Network)+`,"profile":`+jsonString(p.Profile))
		}
	}
	for _, ax := range s.axes {
		var ks []string
		for _, k := range ax.keys {
			ks = append(ks, jsonString(k.path)+":")
		}
		e.keyJSON = append(e.keyJSON, ks)
	}
	return e
}

// appendPoint appends the line of point i: totals, or errMsg when it is not
// empty. The line ends in '\n'.
func (e *lineEncoder) appendPoint(b []byte, i int64, id uint64, pair int, choice []int, t *Totals, errMsg string) []byte {
	if e.csv {
		return e.appendCSV(b, i, id, pair, choice, t, errMsg)
	}
	b = append(b, `{"index":`...)
	b = strconv.AppendInt(b, i, 10)
	b = append(b, `,"id":"`...)
	b = appendID(b, id)
	b = append(b, `",`...)
	b = append(b, e.pairs[pair]...)
	b = append(b, `,"params":{`...)
	first := true
	for a, ax := range e.spec.axes {
		for j := range ax.keys {
			if !first {
				b = append(b, ',')
			}
			first = false
			b = append(b, e.keyJSON[a][j]...)
			b = append(b, ax.values[choice[a]][j].json...)
		}
	}
	b = append(b, '}')
	if errMsg != "" {
		b = append(b, `,"error":`...)
		b = append(b, jsonString(errMsg)...)
		return append(b, "}\n"...)
	}
	b = appendInt(b, `,"macs":`, t.MACs)
	b = appendInt(b, `,"cycles":`, t.Cycles)
	b = appendInt(b, `,"compute_cycles":`, t.ComputeCycles)
	b = appendInt(b, `,"stall_cycles":`, t.StallCycles)
	b = appendFloat(b, `,"latency_us":`, t.LatencyUS)
	b = appendFloat(b, `,"energy_pj":{"mac":`, t.Energy.MAC)
	b = appendFloat(b, `,"lut":`, t.Energy.LUT)
	b = appendFloat(b, `,"sram":`, t.Energy.SRAM)
	b = appendFloat(b, `,"dram":`, t.Energy.DRAM)
	b = appendFloat(b, `,"static":`, t.Energy.Static)
	b = appendFloat(b, `,"total":`, t.Energy.Total)
	b = appendInt(b, `},"dram_bytes":`, t.DRAMBytes)
	b = appendFloat(b, `,"utilization":`, t.Utilization)
	return append(b, "}\n"...)
}

func appendInt(b []byte, prefix string, v int64) []byte {
	return strconv.AppendInt(append(b, prefix...), v, 10)
}

// appendFloat writes v in the shortest form that round-trips, so equal
// results give equal bytes.
func appendFloat(b []byte, prefix string, v float64) []byte {
	return strconv.AppendFloat(append(b, prefix...), v, 'g', -1, 64)
}

// jsonString is s as a JSON string, without the HTML escaping of
// encoding/json's default ("must be > 0" stays readable).
func jsonString(s string) string {
	var b strings.Builder
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s) // a string always encodes
	return strings.TrimSuffix(b.String(), "\n")
}
