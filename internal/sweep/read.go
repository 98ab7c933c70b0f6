package sweep

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math"
)

// ReadJSONL reads a JSONL results file: its header and every complete
// record (a torn last line is ignored). name prefixes error messages.
func ReadJSONL(r io.Reader, name string) (Header, []Record, error) {
	var h Header
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64<<10), 16<<20)
	var recs []Record
	line := 0
	for sc.Scan() {
		line++
		b := bytes.TrimSpace(sc.Bytes())
		if line == 1 {
			if err := json.Unmarshal(b, &h); err != nil || h.Version != HeaderVersion {
				return h, nil, fmt.Errorf("%s:1: not a dcsim sweep results file (no {\"dcsim_sweep\": %d, ...} header)", name, HeaderVersion)
			}
			continue
		}
		if len(b) == 0 {
			continue
		}
		var rec Record
		if err := json.Unmarshal(b, &rec); err != nil {
			if isLastLine(sc) {
				break // torn by an interrupted run
			}
			return h, nil, fmt.Errorf("%s:%d: corrupt record: %v", name, line, err)
		}
		if err := rec.check(); err != nil {
			return h, nil, fmt.Errorf("%s:%d: %v", name, line, err)
		}
		recs = append(recs, rec)
	}
	if err := sc.Err(); err != nil {
		return h, nil, fmt.Errorf("%s: %w", name, err)
	}
	if line == 0 {
		return h, nil, fmt.Errorf("%s: empty results file", name)
	}
	return h, recs, nil
}

// check rejects a result no simulation gives: a latency or total energy
// that is not a finite number > 0, or a negative count or energy part.
// Records with an error carry no totals.
func (r *Record) check() error {
	if r.Error != "" {
		return nil
	}
	for _, f := range []struct {
		name string
		v    float64
	}{{"latency_us", r.LatencyUS}, {"energy_pj.total", r.Energy.Total}} {
		if !(f.v > 0) || math.IsInf(f.v, 0) {
			return fmt.Errorf("%s: must be a finite number > 0, got %v", f.name, f.v)
		}
	}
	for _, f := range []struct {
		name string
		v    float64
	}{{"energy_pj.mac", r.Energy.MAC}, {"energy_pj.lut", r.Energy.LUT}, {"energy_pj.sram", r.Energy.SRAM},
		{"energy_pj.dram", r.Energy.DRAM}, {"energy_pj.static", r.Energy.Static}, {"utilization", r.Utilization},
		{"macs", float64(r.MACs)}, {"cycles", float64(r.Cycles)}, {"dram_bytes", float64(r.DRAMBytes)}} {
		if !(f.v >= 0) || math.IsInf(f.v, 0) {
			return fmt.Errorf("%s: must be a finite number ≥ 0, got %v", f.name, f.v)
		}
	}
	return nil
}

// isLastLine reports whether the scanner has no further lines.
func isLastLine(sc *bufio.Scanner) bool { return !sc.Scan() }
