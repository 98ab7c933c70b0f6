package accel

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
)

// SCALE-Sim v2 configuration files (.cfg, an INI file) map onto a Spec as
// follows; every other key has no equivalent in dcsim and is reported in
// the notes LoadSCALESimCfg returns:
//
//	[general] run_name                  → name
//	[architecture_presets] ArrayHeight  → array.rows
//	ArrayWidth                          → array.cols
//	Dataflow (os, ws, is)               → array.dataflow
//	IfmapSramSzkB, FilterSramSzkB,
//	OfmapSramSzkB                       → memory.{ifmap,filter,ofmap}_sram_kib
//	Bandwidth (words/cycle) with
//	[run_presets] InterfaceBandwidth    → memory.dram_gb_per_s
//
// SCALE-Sim has no clock; the spec runs at SCALESimClockMHz, so a
// bandwidth of B one-byte words per cycle is B·SCALESimClockMHz/1000 GB/s.
// InterfaceBandwidth CALC asks SCALE-Sim for the bandwidth that never
// stalls; dcsim has no such mode and uses SCALESimCALCGBPerS, fast enough
// that no preset-sized layer stalls. Words are one byte (SCALE-Sim's
// default), so weights and activations are 8-bit.
const (
	SCALESimClockMHz   = 1000
	SCALESimCALCGBPerS = 1e6
)

// scaleSimMapped are the keys LoadSCALESimCfg translates.
var scaleSimMapped = map[string]bool{
	"run_name": true, "arrayheight": true, "arraywidth": true, "dataflow": true,
	"ifmapsramszkb": true, "filtersramszkb": true, "ofmapsramszkb": true,
	"bandwidth": true, "interfacebandwidth": true,
}

// IsSCALESimCfg reports whether path names a SCALE-Sim configuration file.
func IsSCALESimCfg(path string) bool { return strings.EqualFold(filepath.Ext(path), ".cfg") }

// LoadSCALESimCfg reads a SCALE-Sim v2 .cfg file as a Spec (defaults filled,
// validated) and returns the notes on what it could not map. Errors read
// "path:LINE: Key: what is wrong".
func LoadSCALESimCfg(path string) (*Spec, []string, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, nil, err
	}
	return ParseSCALESimCfg(data, path)
}

type cfgValue struct {
	key, val string
	line     int
}

// ParseSCALESimCfg is LoadSCALESimCfg on the bytes of a file.
func ParseSCALESimCfg(data []byte, filename string) (*Spec, []string, error) {
	vals := map[string]cfgValue{}
	var ignored []string
	sc := bufio.NewScanner(bytes.NewReader(data))
	for line := 1; sc.Scan(); line++ {
		t := strings.TrimSpace(sc.Text())
		if t == "" || t[0] == '#' || t[0] == ';' || t[0] == '[' {
			continue
		}
		i := strings.IndexAny(t, ":=")
		if i <= 0 {
			return nil, nil, fmt.Errorf("%s:%d: %q: want \"Key: value\" or \"key = value\" (a SCALE-Sim .cfg file)", filename, line, t)
		}
		k, v := strings.TrimSpace(t[:i]), strings.TrimSpace(t[i+1:])
		lk := strings.ToLower(k)
		if !scaleSimMapped[lk] {
			ignored = append(ignored, k)
			continue
		}
		vals[lk] = cfgValue{k, v, line}
	}
	if err := sc.Err(); err != nil {
		return nil, nil, fmt.Errorf("%s: %w", filename, err)
	}
	get := func(k string) (cfgValue, error) {
		v, ok := vals[k]
		if !ok {
			return v, fmt.Errorf("%s: %s: missing (a SCALE-Sim .cfg needs ArrayHeight, ArrayWidth, "+
				"IfmapSramSzkB, FilterSramSzkB, OfmapSramSzkB and Dataflow)", filename, k)
		}
		return v, nil
	}
	num := func(k string) (float64, error) {
		v, err := get(k)
		if err != nil {
			return 0, err
		}
		f, err := strconv.ParseFloat(v.val, 64)
		if err != nil || !(f > 0) {
			return 0, fmt.Errorf("%s:%d: %s: %q is not a number > 0", filename, v.line, v.key, v.val)
		}
		return f, nil
	}
	s := &Spec{Version: Version, Name: strings.TrimSuffix(filepath.Base(filename), filepath.Ext(filename)),
		ClockMHz: SCALESimClockMHz}
	if v, ok := vals["run_name"]; ok && v.val != "" {
		s.Name = v.val
	}
	var err error
	var f [5]float64
	for i, k := range []string{"arrayheight", "arraywidth", "ifmapsramszkb", "filtersramszkb", "ofmapsramszkb"} {
		if f[i], err = num(k); err != nil {
			return nil, nil, err
		}
	}
	s.Array.Rows, s.Array.Cols = int(f[0]), int(f[1])
	s.Memory.IfmapSRAMKiB, s.Memory.FilterSRAMKiB, s.Memory.OfmapSRAMKiB = f[2], f[3], f[4]
	df, err := get("dataflow")
	if err != nil {
		return nil, nil, err
	}
	switch Dataflow(strings.ToLower(df.val)) {
	case WS, OS, IS:
		s.Array.Dataflow = Dataflow(strings.ToLower(df.val))
	default:
		return nil, nil, fmt.Errorf("%s:%d: %s: %q is not a SCALE-Sim dataflow (os, ws or is)", filename, df.line, df.key, df.val)
	}
	notes, err := scaleSimBandwidth(s, vals, filename, num)
	if err != nil {
		return nil, nil, err
	}
	if len(ignored) > 0 {
		sort.Strings(ignored)
		notes = append(notes, "no dcsim equivalent, ignored: "+strings.Join(ignored, ", "))
	}
	s.Defaults()
	if err := s.Validate(); err != nil {
		return nil, nil, fmt.Errorf("%s: %w", filename, err)
	}
	return s, notes, nil
}

// scaleSimBandwidth sets memory.dram_gb_per_s from Bandwidth and
// InterfaceBandwidth (USER: Bandwidth words/cycle; CALC or absent:
// SCALESimCALCGBPerS).
func scaleSimBandwidth(s *Spec, vals map[string]cfgValue, filename string, num func(string) (float64, error)) ([]string, error) {
	mode := "CALC"
	if v, ok := vals["interfacebandwidth"]; ok {
		mode = strings.ToUpper(v.val)
		if mode != "CALC" && mode != "USER" {
			return nil, fmt.Errorf("%s:%d: %s: %q: want CALC or USER", filename, v.line, v.key, v.val)
		}
	}
	if mode == "USER" {
		bw, err := num("bandwidth")
		if err != nil {
			return nil, err
		}
		s.Memory.DRAMGBPerS = bw * SCALESimClockMHz / 1000
		return []string{fmt.Sprintf("Bandwidth %g words/cycle at %d MHz, 1-byte words = %g GB/s DRAM",
			bw, SCALESimClockMHz, s.Memory.DRAMGBPerS)}, nil
	}
	s.Memory.DRAMGBPerS = SCALESimCALCGBPerS
	return []string{fmt.Sprintf("InterfaceBandwidth CALC (no stalls in SCALE-Sim): DRAM at %g GB/s, so no layer stalls", SCALESimCALCGBPerS)}, nil
}
