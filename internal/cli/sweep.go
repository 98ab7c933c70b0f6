package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strconv"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/dcsim/dcsim/internal/proctime"
	"github.com/dcsim/dcsim/internal/sweep"
	"github.com/dcsim/dcsim/reports"
	"github.com/dcsim/dcsim/sim"
	"github.com/schollz/progressbar/v3"
	"github.com/spf13/cobra"
)

func init() { register(newSweep) }

type sweepFlags struct {
	spec        string
	workers     int
	shard       string
	resume      bool
	skipInvalid bool
	maskAcc     bool
	dryRun      bool
	force       bool
	output      outputFlags
}

func newSweep(e *env) *cobra.Command {
	f := &sweepFlags{}
	cmd := &cobra.Command{
		Use:   "sweep",
		Short: "Grid over accelerator configs x networks x compression profiles",
		Long: `sweep runs every design point of a sweep spec (configs/sweeps/*.yaml; schema
in docs/sweeps.md): a base accelerator with any of its keys varied over a grid
(or random samples of it), on each network and compression profile. Every
point is validated before any is simulated. Results stream to --out, one line
per point (JSONL, or CSV for a .csv path) as they finish; --resume continues
an interrupted run, --shard I/N runs the points with index ≡ I (mod N), and
'dcsim merge' joins shards. Without --out the results go to stdout as JSONL.

The summary (points, throughput) goes to stdout in --format when --out is
given, else to stderr.`,
		Example: `  dcsim sweep --spec configs/sweeps/array-dataflow-sram.yaml --out results.jsonl
  dcsim sweep --spec configs/sweeps/eie-design-space.yaml --shard 0/4 --out shard0.jsonl
  dcsim sweep --spec configs/sweeps/array-dataflow-sram.yaml --out results.jsonl --resume`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return runSweep(cmd.Context(), e, f) },
	}
	fl := cmd.Flags()
	fl.StringVar(&f.spec, "spec", "", "sweep spec YAML (required)")
	fl.IntVar(&f.workers, "workers", 0, "worker goroutines (default: all cores)")
	fl.StringVar(&f.shard, "shard", "", "run only points with index ≡ I (mod N), as I/N with 0 ≤ I < N")
	fl.BoolVar(&f.resume, "resume", false, "continue --out: skip points already in it (it must come from the same spec)")
	fl.BoolVar(&f.skipInvalid, "skip-invalid", false, "record invalid design points as errors and run the rest (default: fail before simulating)")
	fl.BoolVar(&f.maskAcc, "mask-accurate", false, "draw seeded random masks at each profile's densities (slower) instead of the statistical model")
	fl.BoolVar(&f.dryRun, "dry-run", false, "parse and validate the points (up to 2^20 configurations), print the counts, simulate nothing")
	fl.BoolVar(&f.force, "force", false, "run more than 10^8 design points in one run")
	f.output.add(cmd, "results file: .jsonl (default) or .csv; stdout when empty")
	return cmd
}

func runSweep(ctx context.Context, e *env, f *sweepFlags) error {
	// Signals are caught from the start, so that an interrupt at any
	// moment ends with the results flushed and the status shells expect.
	ctx, caught, stop := notifySignals(ctx)
	defer stop()
	format, err := f.output.parse()
	if err != nil {
		return err
	}
	if f.spec == "" {
		return errors.New("sweep: --spec is required (e.g. --spec configs/sweeps/array-dataflow-sram.yaml)")
	}
	if f.workers < 0 {
		return fmt.Errorf("--workers: must be ≥ 0, got %d", f.workers)
	}
	if f.resume && f.output.out == "" {
		return errors.New("--resume: needs --out (the results file to continue)")
	}
	shard, err := sweep.ParseShard(f.shard)
	if err != nil {
		return flagError(err, valueFields)
	}
	if !f.dryRun && !f.resume {
		if _, err := os.Stat(f.output.out); err == nil {
			return inputf("%s: already exists (use --resume to continue it, or remove it)", f.output.out)
		}
	}
	if !f.dryRun {
		if err := checkOut("--out", f.output.out); err != nil {
			return err
		}
	}
	spec, err := sweep.Load(f.spec)
	if err != nil {
		return err
	}
	set := sweep.Settings{Workers: f.workers, Shard: shard, SkipInvalid: f.skipInvalid, LoadNetwork: loadNetwork,
		ApplyProfile: func(w *sim.Workload, path string) error { return applyProfile(w, path, f.maskAcc) },
		Force:        f.force || f.dryRun}
	plan, err := sweep.NewPlan(spec, set)
	if err != nil {
		return err
	}
	if f.dryRun {
		return e.sweepSummary(format, f, spec, shard, sweep.Summary{}, 0)
	}
	out, err := openSweepOutput(e, f, spec, shard)
	if err != nil {
		return err
	}
	e.work()
	sum, cpu, runErr := e.runPlan(ctx, plan, out, spec, shard, caught)
	if err := out.Close(); err != nil && runErr == nil {
		runErr = internal(err)
	}
	if err := e.sweepSummary(format, f, spec, shard, sum, cpu); err != nil {
		return err
	}
	if runErr != nil {
		return runErr
	}
	if sum.Failed > 0 {
		return internal(fmt.Errorf("%d design points failed in the simulator (recorded with an \"error\" field); first: %s",
			sum.Failed, sum.FirstFailure))
	}
	return nil
}

func openSweepOutput(e *env, f *sweepFlags, spec *sweep.Spec, shard sweep.Shard) (*sweep.Output, error) {
	if f.output.out == "" {
		out, err := sweep.NewOutput(e.stdout, spec, shard, sweep.JSONL)
		if err != nil {
			return nil, internal(err)
		}
		return out, nil
	}
	return sweep.Create(f.output.out, spec, shard, f.resume)
}

// notifySignals returns a context cancelled by SIGINT or SIGTERM (what
// Kubernetes and Slurm send before killing), a function returning the
// signal caught (nil if none) and one that stops listening.
func notifySignals(parent context.Context) (context.Context, func() os.Signal, func()) {
	if parent == nil {
		parent = context.Background()
	}
	ctx, cancel := context.WithCancel(parent)
	ch := make(chan os.Signal, 1)
	signal.Notify(ch, os.Interrupt, syscall.SIGTERM)
	var got atomic.Value
	done := make(chan struct{})
	go func() {
		select {
		case s := <-ch:
			got.Store(s)
			cancel()
		case <-done:
		}
	}()
	caught := func() os.Signal {
		s, _ := got.Load().(os.Signal)
		return s
	}
	return ctx, caught, func() { signal.Stop(ch); close(done); cancel() }
}

// runPlan runs the plan with a progress bar on a terminal, stopping cleanly
// when ctx is cancelled. A run stopped by a signal is an interruptedError
// (exit status 128 + the signal), after the results written so far are
// flushed.
func (e *env) runPlan(ctx context.Context, plan *sweep.Plan, out *sweep.Output, spec *sweep.Spec,
	shard sweep.Shard, caught func() os.Signal) (sweep.Summary, time.Duration, error) {
	if e.interactive() {
		bar := progressbar.NewOptions64(-1, progressbar.OptionSetWriter(e.stderr),
			progressbar.OptionSetDescription("sweep "+spec.Name), progressbar.OptionShowCount(),
			progressbar.OptionShowIts(), progressbar.OptionSetItsString("points"),
			progressbar.OptionThrottle(200*time.Millisecond), progressbar.OptionClearOnFinish())
		started := false
		plan.SetProgress(func(n, total int64) {
			if !started {
				bar.ChangeMax64(total - int64(out.Resumed()))
				started = true
			}
			_ = bar.Add64(n)
		})
		defer bar.Finish()
	}
	cpu0 := proctime.CPU()
	sum, err := plan.Run(ctx, out)
	cpu := proctime.CPU() - cpu0
	if errors.Is(err, context.Canceled) {
		msg := fmt.Sprintf("interrupted after %d new points; rerun with --resume to continue", sum.Done)
		if s, ok := caught().(syscall.Signal); ok {
			return sum, cpu, interruptedError{sig: s, msg: msg + " (" + unixSignalName(s) + ")"}
		}
		return sum, cpu, internal(errors.New(msg))
	}
	var inv *sweep.InvalidError
	if errors.As(err, &inv) {
		return sum, cpu, fmt.Errorf("%w (stopped; the points before it are written)", err)
	}
	if err != nil {
		return sum, cpu, err // writing results: an *fs.PathError naming --out
	}
	return sum, cpu, nil
}

// sweepSummaryDoc is the JSON form of the sweep summary.
type sweepSummaryDoc struct {
	Spec              string  `json:"spec"`
	SpecHash          string  `json:"spec_hash"`
	Out               string  `json:"out,omitempty"`
	Shard             string  `json:"shard"`
	Points            int64   `json:"points"`
	ShardPoints       int64   `json:"shard_points"`
	Skipped           int64   `json:"skipped"`
	Simulated         int64   `json:"simulated"`
	Invalid           int64   `json:"invalid"`
	Failed            int64   `json:"failed"`
	ElapsedS          float64 `json:"elapsed_s"`
	PointsPerS        float64 `json:"points_per_s"`
	CPUS              float64 `json:"cpu_s"`
	PointsPerCPUS     float64 `json:"points_per_cpu_s"`
	DryRun            bool    `json:"dry_run,omitempty"`
	AcceleratorConfig int64   `json:"accelerator_configs"`
}

func (e *env) sweepSummary(format reports.Format, f *sweepFlags, spec *sweep.Spec, shard sweep.Shard,
	sum sweep.Summary, cpu time.Duration) error {
	d := sweepSummaryDoc{Spec: spec.File, SpecHash: spec.Hash, Out: f.output.out, Shard: shard.String(),
		Points: spec.NumPoints(), ShardPoints: sum.Points, Skipped: sum.Skipped, Simulated: sum.Done,
		Invalid: sum.Invalid, Failed: sum.Failed, ElapsedS: sum.Elapsed.Seconds(), PointsPerS: sum.PointsPerSecond(),
		CPUS: cpu.Seconds(), DryRun: f.dryRun, AcceleratorConfig: spec.NumConfigs()}
	if cpu > 0 {
		d.PointsPerCPUS = float64(sum.Done) / cpu.Seconds()
	}
	t := reports.Table{Title: "sweep " + spec.Name, Left: 1, Header: []string{"quantity", "value"}, Rows: [][]string{
		{"spec", spec.File}, {"spec hash", spec.Hash[:16]}, {"accelerator configs", itoa(spec.NumConfigs())},
		{"networks x profiles", strconv.Itoa(len(spec.Pairs))}, {"design points", itoa(spec.NumPoints())},
		{"shard", shard.String()},
	}}
	if !f.dryRun {
		t.Rows = append(t.Rows, [][]string{{"points in shard", itoa(sum.Points)}, {"skipped (resumed)", itoa(sum.Skipped)},
			{"simulated", itoa(sum.Done)}, {"invalid (recorded)", itoa(sum.Invalid)}, {"failed", itoa(sum.Failed)},
			{"elapsed s", strconv.FormatFloat(d.ElapsedS, 'f', 3, 64)},
			{"points/s (wall)", strconv.FormatFloat(d.PointsPerS, 'f', 0, 64)},
			{"CPU s", strconv.FormatFloat(d.CPUS, 'f', 3, 64)},
			{"points per CPU-second", strconv.FormatFloat(d.PointsPerCPUS, 'f', 0, 64)}}...)
	}
	var w io.Writer = e.stdout
	if f.output.out == "" && !f.dryRun {
		w, format = e.stderr, reports.Text // stdout carries the results
	}
	if err := reports.Render(w, format, d, t); err != nil {
		return internal(err)
	}
	return nil
}

func itoa(v int64) string { return strconv.FormatInt(v, 10) }

func unixSignalName(s syscall.Signal) string {
	switch s {
	case syscall.SIGINT:
		return "SIGINT"
	case syscall.SIGTERM:
		return "SIGTERM"
	}
	return s.String()
}
