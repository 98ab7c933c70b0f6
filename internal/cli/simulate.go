package cli

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"os"
	"slices"
	"strings"

	"github.com/dcsim/dcsim/accel"
	"github.com/dcsim/dcsim/network"
	"github.com/dcsim/dcsim/nn"
	"github.com/dcsim/dcsim/reports"
	"github.com/dcsim/dcsim/sim"
	"github.com/spf13/cobra"
)

func init() { register(newSimulate) }

type simulateFlags struct {
	accel       string
	network     string
	compression string
	maskAcc     bool
	images      int
	data        string
	imagesSet   bool // --images or --data given explicitly
	verify      bool
	view        string
	output      outputFlags
}

func newSimulate(e *env) *cobra.Command {
	f := &simulateFlags{}
	cmd := &cobra.Command{
		Use:   "simulate",
		Short: "Latency and energy of a network on an accelerator",
		Long: `simulate maps every layer of a network onto an accelerator described in YAML
and prints per-layer cycles, stalls, latency, utilisation, DRAM traffic and
energy (MAC, LUT, SRAM, DRAM, static) with network totals.

Without flags it runs AlexNet on the built-in 32x32 weight-stationary array
(configs/accelerators/systolic-32x32.yaml).`,
		Example: `  dcsim simulate
  dcsim simulate --accel configs/accelerators/eie.yaml --network alexnet \
      --compression configs/compression/deep-compression-alexnet.yaml
  dcsim simulate --network my_topology.csv --format json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			f.imagesSet = cmd.Flags().Changed("images") || cmd.Flags().Changed("data")
			return runSimulate(e, f)
		},
	}
	cmd.Flags().StringVar(&f.accel, "accel", "", "accelerator YAML, SCALE-Sim .cfg or built-in name (scnn, eie, ...; `dcsim accel show NAME`) (default: systolic-32x32)")
	cmd.Flags().StringVar(&f.network, "network", "alexnet",
		"zoo name ("+strings.Join(network.ZooNames(), ", ")+"), SCALE-Sim topology .csv, dcsim model .npz, or ONNX model .onnx")
	cmd.Flags().StringVar(&f.compression, "compression", "", "compression profile YAML (per-layer densities and index bits)")
	cmd.Flags().BoolVar(&f.maskAcc, "mask-accurate", false, "draw seeded random masks at the profile's densities and simulate them exactly")
	cmd.Flags().IntVar(&f.images, "images", defaultImages,
		"with --network MODEL.npz: MNIST test images run through the model to measure each layer's activation\n"+
			"sparsity (results are means over images, with p5/p95 of latency and energy; 0 = no measurement)")
	cmd.Flags().StringVar(&f.data, "data", "", "MNIST directory for --images (default: $DCSIM_MNIST, else the GoMNIST module's data/)")
	cmd.Flags().StringVar(&f.view, "view", "perf",
		"table to print: perf (latency, utilisation, energy), energy (by storage level), "+
			"memory (folds, SRAM/DRAM traffic, bandwidth) or all; json and csv carry every field")
	cmd.Flags().BoolVar(&f.verify, "verify", false,
		"with --network MODEL.npz and an eie accelerator: run every FC layer through the EIE functional datapath\n"+
			"(codebook decode, relative-index walk) and compare with the dense W·x; exit status 1 on a mismatch")
	f.output.add(cmd, "also write the output to this file (atomically)")
	return cmd
}

// loadSpec loads --accel: accelerator YAML, a SCALE-Sim .cfg (what it
// could not map is noted on stderr), a built-in preset's name when no file
// of that name exists, or the built-in default spec when path is empty.
func (e *env) loadSpec(path string) (*accel.Spec, error) {
	if path == "" {
		return accel.DefaultSpec(), nil
	}
	var s *accel.Spec
	var err error
	if _, statErr := os.Stat(path); errors.Is(statErr, fs.ErrNotExist) && slices.Contains(accel.PresetNames(), path) {
		s, err = accel.Preset(path)
	} else if accel.IsSCALESimCfg(path) {
		var notes []string
		s, notes, err = accel.LoadSCALESimCfg(path)
		for _, n := range notes {
			fmt.Fprintf(e.stderr, "dcsim: %s: %s\n", path, n)
		}
	} else {
		s, err = accel.Load(path)
	}
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("%w (nor is it a built-in accelerator: %s)", err, strings.Join(accel.PresetNames(), ", "))
	}
	if err != nil {
		return nil, err
	}
	if err := sim.CheckSpec(s); err != nil {
		return nil, err
	}
	return s, nil
}

func runSimulate(e *env, f *simulateFlags) error {
	format, err := f.output.parse()
	if err != nil {
		return err
	}
	if err := checkOut("--out", f.output.out); err != nil {
		return err
	}
	view, err := reports.ParseView(f.view)
	if err != nil {
		return flagError(err, valueFields)
	}
	spec, err := e.loadSpec(f.accel)
	if err != nil {
		return err
	}
	if f.images < 0 {
		return fmt.Errorf("--images: must be ≥ 0, got %d", f.images)
	}
	model, w, err := loadNetworkModel(f.network)
	if err != nil {
		return err
	}
	if f.verify {
		if model == nil {
			return fmt.Errorf("--verify: runs a model's weights through the datapath: give --network MODEL.npz or MODEL.onnx")
		}
		return verifyEIE(e, spec, model, format)
	}
	if model == nil && f.imagesSet {
		return fmt.Errorf("--images and --data: activations are measured by running a model: give --network MODEL.npz or MODEL.onnx")
	}
	if f.compression != "" {
		if err := applyProfile(w, f.compression, f.maskAcc); err != nil {
			return err
		}
	} else if f.maskAcc {
		return fmt.Errorf("--mask-accurate: needs --compression (the densities to draw masks at)")
	}
	// Simulate validates the accelerator against every layer before it
	// counts anything: its errors are about the inputs.
	var res sim.Result
	if model != nil && f.images > 0 {
		res, err = simulateMeasured(spec, model, w, f)
	} else {
		res, err = sim.Simulate(spec, w)
	}
	if err != nil {
		return err
	}
	e.work()
	if !finiteResult(res) {
		return internal(fmt.Errorf("simulator returned a non-finite latency or energy for %s on %s", w.Name, spec.Name))
	}
	sim.Detail(spec, w, &res)
	render := func(out io.Writer) error {
		tbls := reports.SimulateTables(res, view)
		if view == reports.ViewPerf {
			tbls[0].Notes = append(tbls[0].Notes,
				"--view energy|memory|all for more tables; --format json or csv for every field.")
		}
		if format == reports.CSV {
			tbls = []reports.Table{reports.SimulateCSV(res)}
		}
		return reports.Render(out, format, simulateDoc{simulateFormat, res}, tbls...)
	}
	if f.output.out != "" {
		if err := reports.WriteFileAtomic(f.output.out, render); err != nil {
			return err
		}
	}
	if err := render(e.stdout); err != nil {
		return internal(err)
	}
	return nil
}

// simulateMeasured simulates a model file with the activation masks
// measured on --images MNIST test images.
func simulateMeasured(spec *accel.Spec, m *nn.Model, w *sim.Workload, f *simulateFlags) (sim.Result, error) {
	dir, err := nn.MNISTDir(f.data)
	if err != nil {
		return sim.Result{}, fmt.Errorf("--images %d: measuring activations needs the MNIST test images: %w (or --images 0 to simulate without measured activations)", f.images, err)
	}
	_, test, err := nn.LoadMNIST(dir)
	if err != nil {
		return sim.Result{}, err
	}
	if f.images > test.N {
		return sim.Result{}, fmt.Errorf("--images: must be ≤ %d (the test set), got %d", test.N, f.images)
	}
	ws, err := imageWorkloads(m, w, test, f.images)
	if err != nil {
		return sim.Result{}, err
	}
	return sim.SimulateImages(spec, ws)
}

// finiteResult reports whether every latency and energy of r is finite
// (the accelerator's energies are bounded, so anything else is a bug).
func finiteResult(r sim.Result) bool {
	ok := func(vs ...float64) bool {
		for _, v := range vs {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return false
			}
		}
		return true
	}
	for _, l := range r.Layers {
		if !ok(l.LatencyUS, l.Utilization, l.Energy.Total, l.Energy.MAC, l.Energy.LUT, l.Energy.SRAM, l.Energy.DRAM, l.Energy.Static) {
			return false
		}
	}
	return ok(r.Total.LatencyUS, r.Total.Energy.Total)
}
