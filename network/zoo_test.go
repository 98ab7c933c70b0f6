package network

import (
	"math"
	"strings"
	"testing"
)

// TestGoogLeNetTable1 checks the GoogLeNet zoo entry against Szegedy et
// al., CVPR 2015: the "ops" column of Table 1 (multiply-accumulates per
// stage, rounded to 1 M; we allow 1.5 %), the "1.5 billion multiply-adds"
// budget of §1 (within 6 %: the table's stages sum to 1.58 G), the output
// planes and the 1024 channels the last module concatenates. Table 1's
// parameter column is not checked: its per-module figures do not all follow
// from the module widths it lists (4c: 463 K listed, 509 K from the widths),
// and 5a's ops are left out for the same reason (54 M as we read it, 51.1 M
// from the widths).
func TestGoogLeNetTable1(t *testing.T) {
	a, err := Zoo("googlenet")
	if err != nil {
		t.Fatal(err)
	}
	table := []struct {
		prefix string
		ops    float64 // millions of MACs
	}{
		{"conv1/", 118}, {"conv2/", 360}, {"inception_3a/", 128}, {"inception_3b/", 304},
		{"inception_4a/", 73}, {"inception_4b/", 88}, {"inception_4c/", 100},
		{"inception_4d/", 119}, {"inception_4e/", 170}, {"inception_5b/", 71}, {"loss3/", 1},
	}
	for _, st := range table {
		var m float64
		for _, l := range a.Layers {
			if strings.HasPrefix(l.Name, st.prefix) {
				m += float64(l.MACs())
			}
		}
		if math.Abs(m/1e6-st.ops) > 0.015*st.ops+0.5 {
			t.Errorf("%s: %.1fM MACs; Table 1: %vM", st.prefix, m/1e6, st.ops)
		}
	}
	if m := float64(a.MACs()); math.Abs(m-1.5e9) > 0.06*1.5e9 {
		t.Errorf("%.3g MACs, §1 budgets 1.5 G", m)
	}
	last := a.Layers[len(a.Layers)-1]
	if last.InC != 1024 || last.OutC != 1000 {
		t.Errorf("classifier %d → %d, want 1024 → 1000", last.InC, last.OutC)
	}
	for _, l := range a.Layers {
		if strings.HasPrefix(l.Name, "inception_3") && l.OutH() != 28 ||
			strings.HasPrefix(l.Name, "inception_4") && l.OutH() != 14 ||
			strings.HasPrefix(l.Name, "inception_5") && l.OutH() != 7 {
			t.Errorf("%s: output %d×%d", l.Name, l.OutH(), l.OutW())
		}
	}
}
