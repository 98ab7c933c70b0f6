package sweep

import (
	"context"
	"fmt"
	"io"
	"testing"

	"github.com/dcsim/dcsim/accel"
	"github.com/dcsim/dcsim/sim"
)

// BenchmarkSweepAlexNet runs the 7056-point AlexNet sweep of
// testdata/alexnet-bench.yaml (dense statistical workload, whole network per
// point) on all cores and reports design points per second.
func BenchmarkSweepAlexNet(b *testing.B) {
	s := mustLoad(b, "testdata/alexnet-bench.yaml")
	p, err := NewPlan(s, Settings{})
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	var points int64
	for b.Loop() {
		out, err := NewOutput(io.Discard, s, Shard{}, JSONL)
		if err != nil {
			b.Fatal(err)
		}
		sum, err := p.Run(context.Background(), out)
		if err != nil {
			b.Fatal(err)
		}
		points += sum.Done
	}
	b.ReportMetric(float64(points)/b.Elapsed().Seconds(), "points/s")
}

// BenchmarkPointAlexNet is one design point on one core: build the
// accelerator, simulate AlexNet, encode the line.
func BenchmarkPointAlexNet(b *testing.B) {
	s := mustLoad(b, "testdata/alexnet-bench.yaml")
	p, err := NewPlan(s, Settings{})
	if err != nil {
		b.Fatal(err)
	}
	enc := newLineEncoder(s, false)
	choice := make([]int, len(s.axes))
	spec := new(accelSpec)
	wl := new(sim.Workload)
	buf := make([]byte, 0, 1024)
	var st Summary
	b.ReportAllocs()
	i := int64(0)
	for b.Loop() {
		pair := s.locate(i, choice)
		buf = p.point(buf[:0], spec, wl, i, s.pointID(choice, pair), pair, choice, enc, &st)
		i = (i + 1) % s.NumPoints()
	}
}

func ExampleParse() {
	s, err := Parse([]byte(`version: 1
accelerator: testdata/sys.yaml
grid:
  array.rows: [16, 32]
  array.cols: [16, 32]
  array.dataflow: [ws, os]
tie: [[array.rows, array.cols]]
networks: [alexnet, vgg-16]
`), "example.yaml")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(s.NumConfigs(), "configurations,", s.NumPoints(), "points")
	fmt.Println(s.Point(3))
	// Output:
	// 4 configurations, 8 points
	// point 3 (array.rows=32, array.cols=32, array.dataflow=os, network=alexnet, profile=none)
}

type accelSpec = accel.Spec
