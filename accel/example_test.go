package accel_test

import (
	"fmt"
	"log"

	"github.com/dcsim/dcsim/accel"
)

func ExampleLoad() {
	s, err := accel.Load("../configs/accelerators/systolic-32x32.yaml")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%s: %dx%d %s at %g MHz\n", s.Name, s.Array.Rows, s.Array.Cols, s.Array.Dataflow, s.ClockMHz)
	fmt.Printf("MAC %.2f pJ, ifmap read %.1f pJ/word, DRAM %.2f pJ/B\n",
		s.Energy.MACPJ, s.Energy.IfmapReadPJ, s.Energy.DRAMPJPerByte)
	// Output:
	// systolic-32x32: 32x32 ws at 1000 MHz
	// MAC 0.23 pJ, ifmap read 72.5 pJ/word, DRAM 243.75 pJ/B
}

func ExampleParse() {
	_, err := accel.Parse([]byte(`version: 1
name: typo
clock_mhz: 800
array: {rows: 0, cols: 8, dataflow: ws}
memory: {ifmap_sram_kib: 64, filter_sram_kib: 64, ofmap_sram_kib: 32, dram_gb_per_s: 8}
`), "mine.yaml")
	fmt.Println(err)
	// Output:
	// mine.yaml:4: array.rows: must be > 0, got 0
}

func ExamplePreset() {
	s, err := accel.Preset("eyeriss-12x14")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%s: %d PEs, %d-bit MAC %.2f pJ\n", s.Name, s.Array.PEs(), s.Precision.WeightBits, s.Energy.MACPJ)
	// Output:
	// eyeriss-12x14: 168 PEs, 16-bit MAC 0.84 pJ
}

// ExamplePresets prints the default energy table of every built-in
// accelerator (the table in configs/README.md comes from this output).
func ExamplePresets() {
	fmt.Println("preset                 MAC    gated  reg    LUT    ifmap  filter ofmap  DRAM/B")
	for _, s := range accel.Presets() {
		e := s.Energy
		fmt.Printf("%-22s %-6.3f %-6.3f %-6.3f %-6.3f %-6.1f %-6.1f %-6.1f %.2f\n", s.Name,
			e.MACPJ, e.MACGatedPJ, e.RegPJ, e.LUTReadPJ, e.IfmapReadPJ, e.FilterReadPJ, e.OfmapReadPJ, e.DRAMPJPerByte)
	}
	// Output:
	// preset                 MAC    gated  reg    LUT    ifmap  filter ofmap  DRAM/B
	// dcnn                   0.841  0.084  0.841  0.841  14.1   2.5    14.1   243.75
	// edge-16x16             0.230  0.023  0.230  0.230  27.6   27.6   20.0   243.75
	// eie                    0.841  0.084  0.841  0.841  3.5    38.1   3.5    243.75
	// eyeriss-12x14          0.841  0.084  0.841  0.841  21.1   21.1   21.1   243.75
	// scnn                   0.841  0.084  0.841  0.841  11.2   2.5    11.2   243.75
	// scnn-eie               0.841  0.084  0.841  0.841  11.2   2.5    11.2   243.75
	// sparse-systolic-32x32  0.230  0.023  0.230  0.230  72.5   72.5   52.5   243.75
	// systolic-32x32         0.230  0.023  0.230  0.230  72.5   72.5   52.5   243.75
	// tpu-128x128            0.230  0.023  0.230  0.230  166.6  166.6  100.0  243.75
}
