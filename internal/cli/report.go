package cli

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/dcsim/dcsim/internal/sweep"
	"github.com/dcsim/dcsim/reports"
	"github.com/dcsim/dcsim/sim"
	"github.com/spf13/cobra"
)

func init() { register(newReport) }

type reportFlags struct {
	in     []string
	out    string
	title  string
	format string
}

func newReport(e *env) *cobra.Command {
	f := &reportFlags{}
	cmd := &cobra.Command{
		Use:   "report",
		Short: "Markdown report with tables and plots from sweep, simulate or codesign results",
		Long: `report reads result files and writes DIR/report.md with PNG and SVG figures and
CSV tables (each file written atomically), and prints the tables:

  sweep results (.jsonl from 'dcsim sweep')  latency vs energy with Pareto fronts,
                                              best points and Pareto tables
  simulate --format json output               per-layer energy (stacked) and
                                              utilisation, the per-layer table
  codesign rows (JSON, JSON array or JSONL    accuracy vs compression ratio
  with accuracy or test_accuracy and
  compression_ratio; docs/sweeps.md)

The kind of each --in file is detected from its content: the sweep header, the
"format" key simulate and codesign JSON carry (dcsim-simulate/1,
dcsim-codesign/1), else its shape.`,
		Example: `  dcsim report --in results.jsonl --out report/
  dcsim simulate --network vgg-16 --format json > vgg.json
  dcsim report --in results.jsonl --in vgg.json --in candidates.jsonl --out report/`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return runReport(e, f) },
	}
	cmd.Flags().StringArrayVar(&f.in, "in", nil, "input file (repeatable): sweep .jsonl, simulate JSON or codesign rows")
	cmd.Flags().StringVar(&f.out, "out", "", "output directory (required)")
	cmd.Flags().StringVar(&f.title, "title", "", "report title (default: dcsim report)")
	cmd.Flags().StringVar(&f.format, "format", "table", "format of the tables printed on stdout: table, json, csv or md")
	return cmd
}

func runReport(e *env, f *reportFlags) error {
	format, err := reports.ParseFormat(f.format)
	if err != nil {
		return flagError(err, valueFields)
	}
	if len(f.in) == 0 {
		return errors.New("report: --in is required (a sweep .jsonl, simulate JSON or codesign rows)")
	}
	if f.out == "" {
		return errors.New("report: --out DIR is required")
	}
	if err := checkOutDir("--out", f.out); err != nil {
		return err
	}
	d := reports.ReportData{Title: f.title}
	for _, in := range f.in {
		if err := readReportInput(&d, in); err != nil {
			return err
		}
		d.Sources = append(d.Sources, in)
	}
	e.work()
	files, tables, err := reports.WriteReport(f.out, d)
	if err != nil {
		return err // an *fs.PathError naming the file is exit status 2, anything else 1
	}
	doc := struct {
		Out   string   `json:"out"`
		Files []string `json:"files"`
	}{f.out, files}
	if err := e.emit(format, doc, tables...); err != nil {
		return err
	}
	if format != reports.JSON {
		fmt.Fprintf(e.stderr, "dcsim report: wrote %d files to %s (open %s)\n", len(files), f.out, filepath.Join(f.out, "report.md"))
	}
	return nil
}

// readReportInput detects the kind of file in and adds it to d.
func readReportInput(d *reports.ReportData, in string) error {
	data, err := os.ReadFile(in)
	if err != nil {
		return err
	}
	first, _, _ := bytes.Cut(bytes.TrimSpace(data), []byte("\n"))
	var probe map[string]json.RawMessage
	if json.Unmarshal(first, &probe) == nil && probe["dcsim_sweep"] != nil {
		return addSweep(d, data, in)
	}
	if strings.HasSuffix(strings.ToLower(in), ".csv") {
		return fmt.Errorf("%s: report reads sweep results as JSONL (run the sweep with --out results.jsonl)", in)
	}
	var doc struct {
		Format string `json:"format"`
	}
	_ = json.Unmarshal(data, &doc) // not an object, or no format: told by shape below
	switch {
	case doc.Format == simulateFormat:
		return addSimulate(d, data, in)
	case doc.Format == codesignFormat:
		return addCodesign(d, data, in)
	case strings.HasPrefix(doc.Format, "dcsim-"):
		return fmt.Errorf("%s: format %q: this dcsim reads %s, %s and sweep JSONL", in, doc.Format, simulateFormat, codesignFormat)
	}
	// Files written before results carried a format, and codesign rows
	// a user wrote: told apart by shape.
	var res struct {
		sim.Result
		Total *json.RawMessage `json:"total"`
	}
	if json.Unmarshal(data, &res) == nil && res.Layers != nil && res.Total != nil && res.Accelerator != "" {
		return addSimulate(d, data, in)
	}
	return addCodesign(d, data, in)
}

// addSimulate adds a simulate JSON result to d.
func addSimulate(d *reports.ReportData, data []byte, in string) error {
	var r sim.Result
	if err := json.Unmarshal(data, &r); err != nil {
		return fmt.Errorf("%s: %w", in, err)
	}
	if err := checkSimResult(r); err != nil {
		return fmt.Errorf("%s: %w", in, err)
	}
	d.Layers = append(d.Layers, r)
	return nil
}

// addCodesign adds codesign results (or candidate rows) to d.
func addCodesign(d *reports.ReportData, data []byte, in string) error {
	rows, err := reports.ReadCodesign(bytes.NewReader(data), in)
	if err != nil {
		return fmt.Errorf("%v (not sweep results or simulate JSON either)", err)
	}
	name := strings.TrimSuffix(filepath.Base(in), filepath.Ext(in))
	d.Codesign = append(d.Codesign, reports.CodesignSet{Name: name, Rows: rows})
	return nil
}

// addSweep converts sweep records into report design points; records with
// an error are counted, not plotted.
func addSweep(d *reports.ReportData, data []byte, in string) error {
	h, recs, err := sweep.ReadJSONL(bytes.NewReader(data), in)
	if err != nil {
		return err
	}
	s := reports.SweepSet{Name: h.Name, Spec: h.Spec, SpecHash: h.SpecHash, Accelerator: h.Accelerator, Total: h.Points}
	for _, r := range recs {
		if r.Error != "" {
			s.Errors++
			continue
		}
		p := reports.DesignPoint{ID: r.ID, Group: seriesName(r.Network, r.Profile), LatencyUS: r.LatencyUS,
			EnergyPJ: r.Energy.Total, Utilization: r.Utilization, DRAMBytes: r.DRAMBytes}
		for _, k := range h.Params {
			p.Params = append(p.Params, reports.Param{Key: k, Value: r.Param(k)})
		}
		s.Points = append(s.Points, p)
	}
	if len(s.Points) == 0 {
		return fmt.Errorf("%s: no successful design points to report (%d error records)", in, s.Errors)
	}
	d.Sweeps = append(d.Sweeps, s)
	return nil
}

// seriesName is "network" or "network + profile", files by their base
// names without extension.
func seriesName(network, profile string) string {
	short := func(p string) string { return strings.TrimSuffix(filepath.Base(p), filepath.Ext(p)) }
	if profile == "" || profile == sweep.None {
		return short(network)
	}
	return short(network) + " + " + short(profile)
}

// checkSimResult rejects simulate output no simulation gives: a total
// latency or energy that is not a finite number > 0, or a negative or
// non-finite layer figure.
func checkSimResult(r sim.Result) error {
	if !finiteResult(r) {
		return errors.New("a latency or energy is not a finite number")
	}
	if !(r.Total.LatencyUS > 0) || !(r.Total.Energy.Total > 0) {
		return fmt.Errorf("total: latency_us %v and energy_pj.total %v must be > 0", r.Total.LatencyUS, r.Total.Energy.Total)
	}
	for i, l := range r.Layers {
		if l.LatencyUS < 0 || l.Energy.Total < 0 || l.Utilization < 0 {
			return fmt.Errorf("layers[%d] (%s): negative latency, energy or utilisation", i, l.Name)
		}
	}
	return nil
}
