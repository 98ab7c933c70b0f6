package accel

import "testing"

func TestMACPJ(t *testing.T) {
	cases := []struct {
		w, a int
		want float64
		tol  float64 // relative
	}{
		{8, 8, 0.2 + 0.03, 1e-12},      // Horowitz int8 mult + add
		{32, 32, 3.1 + 0.1, 1e-12},     // Horowitz int32 mult + add
		{16, 16, 0.788 + 0.0533, 0.01}, // 0.2·4^1.977 + 0.03+8·0.07/24
		{8, 16, 0.397 + 0.0533, 0.01},  // 0.2·2^1.977 + 16-bit add
		{4, 4, 0.0508 + 0.0183, 0.01},  // 0.2·0.5^1.977 + 0.03−4·0.07/24
	}
	for _, c := range cases {
		if got := MACPJ(c.w, c.a); !near(got, c.want, c.tol) {
			t.Errorf("MACPJ(%d, %d) = %.4f, want %.4f ± %g%%", c.w, c.a, got, c.want, 100*c.tol)
		}
	}
	if MACPJ(8, 16) != MACPJ(16, 8) {
		t.Error("MACPJ not symmetric")
	}
	if AddPJ(1) <= 0 {
		t.Errorf("AddPJ(1) = %v, want > 0", AddPJ(1))
	}
}

func TestSRAMReadPJ(t *testing.T) {
	cases := []struct {
		kib   float64
		width int
		want  float64
		tol   float64
	}{
		{8, 64, 10, 1e-12},       // Horowitz
		{32, 64, 20, 1e-12},      // Horowitz
		{1024, 64, 100, 1e-12},   // Horowitz
		{16, 64, 14.142, 1e-4},   // 10·2^0.5
		{2, 64, 5, 1e-12},        // extrapolated: 10·(1/4)^0.5
		{2048, 64, 137.97, 1e-3}, // extrapolated: 100·2^0.4644
		{8, 32, 5, 1e-12},        // half-width word
		{8, 128, 20, 1e-12},
		{0, 64, 0, 0},
		{-1, 64, 0, 0},
		{8, 0, 0, 0},
	}
	for _, c := range cases {
		if got := SRAMReadPJ(c.kib, c.width); !near(got, c.want, c.tol) {
			t.Errorf("SRAMReadPJ(%v KiB, %d b) = %.4f, want %.4f", c.kib, c.width, got, c.want)
		}
	}
	// Monotone in size.
	prev := 0.0
	for kib := 0.25; kib < 1<<16; kib *= 1.5 {
		e := SRAMReadPJ(kib, 64)
		if e <= prev {
			t.Fatalf("SRAMReadPJ not increasing at %v KiB: %v ≤ %v", kib, e, prev)
		}
		prev = e
	}
}

// TestLUTDefault: a 16×8-bit table costs less than a register access by the
// SRAM curve, so the register floor applies; a 64 Ki-entry × 32-bit table
// (256 KiB) is an SRAM read scaled to 32 bits.
func TestLUTDefault(t *testing.T) {
	s := DefaultSpec()
	if s.Energy.LUTReadPJ != s.Energy.RegPJ {
		t.Errorf("16-entry LUT = %v pJ, want the register floor %v", s.Energy.LUTReadPJ, s.Energy.RegPJ)
	}
	s.Codebook = Codebook{IndexBits: 16, Entries: 1 << 16, DecodedBits: 32}
	s.Energy.LUTReadPJ = 0
	s.Defaults()
	if want := SRAMReadPJ(256, 32); !near(s.Energy.LUTReadPJ, want, 1e-12) {
		t.Errorf("64Ki×32 LUT = %v pJ, want %v", s.Energy.LUTReadPJ, want)
	}
}
