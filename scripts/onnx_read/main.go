// Command onnx_read times the ONNX reader alone on one model file (the
// ResNet-18 of scripts/bench_onnx.sh is 45 MB and not committed): the file
// is read into memory once, then onnx.Read runs -reps times; it prints the
// median wall time, the CPU time per read and the allocations per read, and
// with -cpuprofile writes a CPU profile of the reads.
//
//	/usr/bin/python3 scripts/onnx_fixtures.py --resnet18 /tmp/resnet18.onnx
//	go run ./scripts/onnx_read -in /tmp/resnet18.onnx -reps 5 -cpuprofile /tmp/cpu.prof
package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"runtime"
	"runtime/pprof"
	"slices"
	"time"

	"github.com/dcsim/dcsim/internal/proctime"
	"github.com/dcsim/dcsim/onnx"
)

func main() {
	if err := run(os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "onnx_read:", err)
		os.Exit(2)
	}
}

func run(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("onnx_read", flag.ContinueOnError)
	fs.SetOutput(stderr)
	in := fs.String("in", "", "ONNX model file (required)")
	reps := fs.Int("reps", 5, "reads to time")
	prof := fs.String("cpuprofile", "", "write a CPU profile of the reads here")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *in == "" || *reps < 1 {
		return fmt.Errorf("-in FILE is required and -reps must be ≥ 1")
	}
	data, err := os.ReadFile(*in)
	if err != nil {
		return err
	}
	if *prof != "" {
		f, err := os.Create(*prof)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	cpu0 := proctime.CPU()
	walls := make([]time.Duration, *reps)
	for i := range walls {
		t0 := time.Now()
		if _, err := onnx.Read(data, *in); err != nil {
			return err
		}
		walls[i] = time.Since(t0)
	}
	cpu := proctime.CPU() - cpu0
	runtime.ReadMemStats(&after)
	slices.Sort(walls)
	n := uint64(*reps)
	_, err = fmt.Fprintf(stdout, "%s (%.1f MB): %d reads, median %.3f s wall, %.3f s CPU per read, %d allocs and %.1f MB per read\n",
		*in, float64(len(data))/1e6, *reps, walls[*reps/2].Seconds(), cpu.Seconds()/float64(*reps),
		(after.Mallocs-before.Mallocs)/n, float64(after.TotalAlloc-before.TotalAlloc)/float64(n)/1e6)
	return err
}
