package reports

import (
	"fmt"
	"strconv"

	"github.com/dcsim/dcsim/sim"
)

// SimulateTable is the per-layer latency and energy table of a simulation,
// with network totals as the footer. Energies are in µJ; pJ/MAC is the total
// energy divided by the dense MAC count.
func SimulateTable(r sim.Result) Table {
	t := Table{
		Title: fmt.Sprintf("%s on %s (%g MHz)", r.Network, r.Accelerator, r.ClockMHz),
		Header: []string{"layer", "kind", "MACs", "weights", "density", "compute cyc", "stall cyc",
			"cycles", "latency µs", "util %", "DRAM KiB", "MAC µJ", "LUT µJ", "SRAM µJ", "DRAM µJ",
			"static µJ", "total µJ", "pJ/MAC"},
	}
	for _, l := range r.Layers {
		t.Rows = append(t.Rows, []string{
			l.Name, string(l.Kind), intStr(l.MACs), intStr(l.Weights), fixed(l.WeightDensity, 3),
			intStr(int64(l.ComputeCycles)), intStr(int64(l.StallCycles)), intStr(int64(l.Cycles)),
			fixed(l.LatencyUS, 2), fixed(100*l.Utilization, 1), fixed(float64(l.DRAMBytes)/1024, 1),
			uj(l.Energy.MAC), uj(l.Energy.LUT), uj(l.Energy.SRAM), uj(l.Energy.DRAM), uj(l.Energy.Static),
			uj(l.Energy.Total), perMAC(l.Energy.Total, l.MACs),
		})
	}
	tot := r.Total
	t.Footer = []string{"total", "", intStr(tot.MACs), intStr(tot.Weights), "",
		intStr(int64(tot.ComputeCycles)), intStr(int64(tot.StallCycles)), intStr(int64(tot.Cycles)),
		fixed(tot.LatencyUS, 2), "", fixed(float64(tot.DRAMBytes)/1024, 1),
		uj(tot.Energy.MAC), uj(tot.Energy.LUT), uj(tot.Energy.SRAM), uj(tot.Energy.DRAM), uj(tot.Energy.Static),
		uj(tot.Energy.Total), perMAC(tot.Energy.Total, tot.MACs)}
	t.Notes = append(t.Notes, imageNotes(r.Images)...)
	return t
}

// imageNotes describes a result averaged over images with measured
// activations: the spread of latency and energy.
func imageNotes(s *sim.ImageStats) []string {
	if s == nil {
		return nil
	}
	return []string{
		fmt.Sprintf("Means over %d input images, each layer with that image's measured activation mask.", s.Images),
		fmt.Sprintf("Latency µs: mean %.2f, p5 %.2f, p95 %.2f; energy µJ: mean %.3f, p5 %.3f, p95 %.3f.",
			s.LatencyUS.Mean, s.LatencyUS.P5, s.LatencyUS.P95,
			s.EnergyPJ.Mean/1e6, s.EnergyPJ.P5/1e6, s.EnergyPJ.P95/1e6),
	}
}

// SimulateCSV is the flat per-layer table for spreadsheets: raw numbers in
// base units (cycles, µs, bytes, pJ), no footer.
func SimulateCSV(r sim.Result) Table {
	t := Table{Header: []string{"accelerator", "network", "layer", "kind", "macs", "weights",
		"weight_density", "compute_cycles", "stall_cycles", "cycles", "latency_us", "utilization",
		"dram_bytes", "energy_mac_pj", "energy_lut_pj", "energy_sram_pj", "energy_dram_pj",
		"energy_static_pj", "energy_total_pj", "load_balance", "padding_entries", "compressed_bytes",
		"conflict_cycles", "halo_cycles", "channel_group"}}
	for _, l := range r.Layers {
		t.Rows = append(t.Rows, []string{r.Accelerator, r.Network, l.Name, string(l.Kind),
			intStr(l.MACs), intStr(l.Weights), num(l.WeightDensity), intStr(int64(l.ComputeCycles)),
			intStr(int64(l.StallCycles)), intStr(int64(l.Cycles)), num(l.LatencyUS), num(l.Utilization),
			intStr(l.DRAMBytes), num(l.Energy.MAC), num(l.Energy.LUT), num(l.Energy.SRAM),
			num(l.Energy.DRAM), num(l.Energy.Static), num(l.Energy.Total), num(l.LoadBalance),
			intStr(l.PaddingEntries), intStr(l.CompressedBytes), intStr(l.ConflictCycles),
			intStr(l.HaloCycles), intStr(int64(l.ChannelGroup))})
	}
	return t
}

func intStr(v int64) string { return strconv.FormatInt(v, 10) }

func fixed(v float64, prec int) string { return strconv.FormatFloat(v, 'f', prec, 64) }

// num formats a float with the shortest representation that round-trips.
func num(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }

func uj(pj float64) string { return fixed(pj/1e6, 3) }

func perMAC(pj float64, macs int64) string {
	if macs == 0 {
		return "-"
	}
	return fixed(pj/float64(macs), 2)
}
