package proctime

import (
	"testing"
	"time"
)

// TestCPUGrows: busy work shows up in CPU, and it never goes back.
func TestCPUGrows(t *testing.T) {
	c0 := CPU()
	x := 1.0
	for deadline := time.Now().Add(2 * time.Second); CPU() == c0 && time.Now().Before(deadline); {
		for i := 0; i < 1e6; i++ {
			x = x*1.0000001 + 1e-9
		}
	}
	c1 := CPU()
	if c1 <= c0 {
		t.Fatalf("CPU() stayed at %v after busy work (x = %g)", c0, x)
	}
	if c2 := CPU(); c2 < c1 {
		t.Fatalf("CPU() went back from %v to %v", c1, c2)
	}
}
