package accel

import (
	"strings"
	"testing"
)

const hetero = `version: 1
name: conv-ws-fc-eie
clock_mhz: 1000
array: {rows: 32, cols: 32, dataflow: ws}
memory: {ifmap_sram_kib: 512, filter_sram_kib: 512, ofmap_sram_kib: 256, dram_gb_per_s: 25.6}
by_kind:
  fc:
    array: {rows: 64, cols: 1, dataflow: eie, queue_depth: 4}
    memory: {filter_sram_kib: 8192}
    sparsity: {weights: skip, activations: skip, format: csc}
`

func TestByKind(t *testing.T) {
	s, err := Parse([]byte(hetero), "h.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if got := s.Kinds(); len(got) != 1 || got[0] != "fc" {
		t.Fatalf("Kinds() = %v", got)
	}
	conv, fc := s.ForKind("conv"), s.ForKind("fc")
	if conv != s || s.ForKind("pool") != s {
		t.Error("kinds without an entry must run on the top-level spec")
	}
	if fc.Array.Dataflow != EIE || fc.Array.Rows != 64 || fc.Array.QueueDepth != 4 {
		t.Errorf("fc array %+v", fc.Array)
	}
	// Keys the kind does not give are the top-level ones; defaults follow
	// the kind's own values (its larger filter SRAM costs more per read).
	if fc.Memory.IfmapSRAMKiB != 512 || fc.Memory.DRAMGBPerS != 25.6 || fc.ClockMHz != 1000 || fc.Name != s.Name {
		t.Errorf("fc inherits %+v, clock %v", fc.Memory, fc.ClockMHz)
	}
	if fc.Energy.FilterReadPJ <= s.Energy.FilterReadPJ {
		t.Errorf("fc filter read %v pJ ≤ top-level %v pJ: the 8 MiB SRAM's energy must be derived anew", fc.Energy.FilterReadPJ, s.Energy.FilterReadPJ)
	}
	if s.Sparsity.Weights != ZeroNone || fc.Sparsity.Format != FormatCSC {
		t.Errorf("sparsity: top %+v fc %+v", s.Sparsity, fc.Sparsity)
	}
}

func TestByKindErrors(t *testing.T) {
	edit := func(old, new string) string { return strings.Replace(hetero, old, new, 1) }
	for _, c := range []struct{ name, doc, want string }{
		{"unknown kind", edit("  fc:\n", "  lstm:\n"), "h.yaml:7: by_kind.lstm: unknown layer kind (valid: conv, fc, pool)"},
		{"empty kind", edit("  fc:\n    array: {rows: 64, cols: 1, dataflow: eie, queue_depth: 4}\n    memory: {filter_sram_kib: 8192}\n    sparsity: {weights: skip, activations: skip, format: csc}\n", "  fc: {}\n"),
			"h.yaml:7: by_kind.fc: want the sections that differ for fc layers (array, codebook, energy, memory, precision, sparsity), got a mapping"},
		{"clock per kind", edit("    memory: {filter_sram_kib: 8192}\n", "    clock_mhz: 500\n"), "h.yaml:9: by_kind.fc.clock_mhz: cannot be set per layer kind"},
		{"bad value", edit("rows: 64", "rows: -1"), "h.yaml:8: by_kind.fc.array.rows: must be > 0, got -1"},
		{"bad type", edit("queue_depth: 4", "queue_depth: four"), `h.yaml:8: by_kind.fc.array.queue_depth: want an integer, got "four"`},
		{"unknown key", edit("queue_depth: 4", "queue_dept: 4"), "h.yaml:8: by_kind.fc.array.queue_dept: unknown key"},
		{"not a mapping", edit("by_kind:\n  fc:", "by_kind: 3\nx:\n  fc:"), "h.yaml:6: by_kind: want a mapping of layer kinds"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := Parse([]byte(c.doc), "h.yaml")
			if err == nil || !strings.HasPrefix(err.Error(), c.want) {
				t.Errorf("Parse = %v, want %q", err, c.want)
			}
		})
	}
}

// TestResolveKinds: a top-level key changed on a copy (a sweep point) reaches
// the kinds that do not give it, after ResolveKinds; Defaults alone is
// idempotent and leaves the kinds as they were.
func TestResolveKinds(t *testing.T) {
	s, err := Parse([]byte(hetero), "h.yaml")
	if err != nil {
		t.Fatal(err)
	}
	p := *s
	p.Memory.DRAMGBPerS, p.Array.Rows = 3.2, 16
	p.Defaults()
	if p.ForKind("fc").Memory.DRAMGBPerS != 25.6 {
		t.Error("Defaults re-resolved the kinds")
	}
	p.ResolveKinds()
	fc := p.ForKind("fc")
	if fc.Memory.DRAMGBPerS != 3.2 || fc.Array.Rows != 64 {
		t.Errorf("after ResolveKinds: fc DRAM %v GB/s (want the new 3.2), rows %d (want its own 64)", fc.Memory.DRAMGBPerS, fc.Array.Rows)
	}
	if s.ForKind("fc").Memory.DRAMGBPerS != 25.6 {
		t.Error("ResolveKinds on a copy changed the original's kinds")
	}
}
