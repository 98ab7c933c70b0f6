//go:build unix

package cli

import (
	"bytes"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/dcsim/dcsim/internal/sweep"
)

// TestSweepSignal: SIGINT and SIGTERM stop a sweep with everything
// finished written (complete lines only) and exit 130 / 143; --resume then
// completes it to the bytes of an uninterrupted run.
func TestSweepSignal(t *testing.T) {
	// Keep the signals away from the default action (killing the test) even
	// if one arrives when the sweep is not listening.
	guard := make(chan os.Signal, 4)
	signal.Notify(guard, syscall.SIGINT, syscall.SIGTERM)
	defer signal.Stop(guard)
	dir := t.TempDir()
	body := "version: 1\naccelerator:\n  version: 1\n  name: s\n  clock_mhz: 500\n  array: {rows: 8, cols: 8, dataflow: ws}\n" +
		"  memory: {ifmap_sram_kib: 64, filter_sram_kib: 64, ofmap_sram_kib: 32, dram_gb_per_s: 12.8}\ngrid:\n" +
		"  array.rows: " + seq(120) + "\n  array.cols: " + seq(120) + "\nnetworks: [lenet-300-100]\n"
	spec := writeSpec(t, dir, "big.yaml", body) // 14 400 points
	for _, c := range []struct {
		sig  syscall.Signal
		want int
	}{{syscall.SIGINT, 130}, {syscall.SIGTERM, 143}} {
		t.Run(c.sig.String(), func(t *testing.T) {
			out := filepath.Join(dir, "r-"+strconv.Itoa(int(c.sig))+".jsonl")
			done := make(chan [3]any, 1)
			go func() {
				o, e, code := dcsim("sweep", "--spec", spec, "--out", out, "--workers", "1")
				done <- [3]any{o, e, code}
			}()
			// The results file exists once the sweep listens for signals.
			for i := 0; ; i++ {
				if fi, err := os.Stat(out); err == nil && fi.Size() > 0 {
					break
				}
				if i > 2000 {
					t.Fatal("the sweep never created its results file")
				}
				time.Sleep(5 * time.Millisecond)
			}
			syscall.Kill(os.Getpid(), c.sig)
			r := <-done
			errs, code := r[1].(string), r[2].(int)
			if code != c.want {
				t.Fatalf("exit %d, want %d; stderr %q", code, c.want, errs)
			}
			if !strings.Contains(errs, "interrupted after") || !strings.Contains(errs, "--resume") {
				t.Errorf("stderr %q does not say how to continue", errs)
			}
			data, _ := os.ReadFile(out)
			if len(data) == 0 || data[len(data)-1] != '\n' {
				t.Fatalf("results end in a torn line")
			}
			n := bytes.Count(data, []byte("\n")) - 1
			if n >= 14400 {
				t.Skipf("the sweep finished (%d points) before the signal arrived", n)
			}
			if _, errs, code := dcsim("sweep", "--spec", spec, "--out", out, "--resume"); code != 0 {
				t.Fatalf("resume: exit %d: %s", code, errs)
			}
			var merged bytes.Buffer
			if _, err := sweep.Merge(&merged, []string{out}); err != nil {
				t.Fatal(err)
			}
			if got := bytes.Count(merged.Bytes(), []byte("\n")) - 1; got != 14400 {
				t.Errorf("after resume %d points, want 14400", got)
			}
		})
	}
	// Drain what the guard caught.
	for len(guard) > 0 {
		<-guard
	}
}
