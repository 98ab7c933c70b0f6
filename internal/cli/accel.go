package cli

import (
	"bytes"
	"fmt"
	"strconv"

	"github.com/dcsim/dcsim/accel"
	"github.com/dcsim/dcsim/reports"
	"github.com/spf13/cobra"
	"gopkg.in/yaml.v3"
)

func init() { register(newAccel) }

func newAccel(e *env) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "accel",
		Short: "Inspect accelerator specs",
		Args:  cobra.NoArgs,
		RunE:  func(cmd *cobra.Command, _ []string) error { return cmd.Help() },
	}
	var out outputFlags
	show := &cobra.Command{
		Use:   "show FILE",
		Short: "Print a spec with every default filled and its resolved energy table",
		Long: `show loads an accelerator YAML file or SCALE-Sim .cfg, fills every default and
prints the complete spec as YAML, then the energy per action (pJ; static in mW)
with where each value comes from: the file's line, or the rule its default
follows (configs/README.md). FILE may also be the name of a built-in
accelerator (` + joinNames(accel.PresetNames()) + `: the files of
configs/accelerators, built into the binary) when no file of that name exists.`,
		Example: "  dcsim accel show configs/accelerators/eie.yaml\n  dcsim accel show scale.cfg --format json",
		Args:    cobra.ExactArgs(1),
		RunE:    func(cmd *cobra.Command, args []string) error { return runAccelShow(e, args[0], &out) },
	}
	out.add(show, "")
	cmd.AddCommand(show)
	return cmd
}

func joinNames(n []string) string {
	var b bytes.Buffer
	for i, s := range n {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(s)
	}
	return b.String()
}

func runAccelShow(e *env, path string, out *outputFlags) error {
	format, err := out.parse()
	if err != nil {
		return err
	}
	spec, err := e.loadSpec(path)
	if err != nil {
		return err
	}
	energy := spec.EnergyTable()
	t := reports.Table{Title: "energy per action: " + spec.Name, Header: []string{"action", "energy", "source"}, Left: 1, LeftAlso: []int{2}}
	t.Notes = []string{"Horowitz, \"Computing's energy problem\", ISSCC 2014 (45 nm); configs/README.md has every rule."}
	for _, en := range energy {
		unit := " pJ"
		if en.Key == "static_mw" {
			unit = " mW"
		}
		t.Rows = append(t.Rows, []string{en.Key, strconv.FormatFloat(en.Value, 'g', 4, 64) + unit, en.Source})
	}
	switch format {
	case reports.JSON:
		return e.emit(format, struct {
			Spec   *accel.Spec         `json:"spec"`
			Energy []accel.EnergyEntry `json:"energy"`
		}{spec, energy})
	case reports.CSV:
		return e.emit(format, nil, t)
	}
	y, err := yaml.Marshal(spec)
	if err != nil {
		return internal(err)
	}
	if format == reports.Markdown {
		fmt.Fprintf(e.stdout, "```yaml\n%s```\n\n", y)
	} else {
		fmt.Fprintf(e.stdout, "%s\n", y)
	}
	return e.emit(format, nil, t)
}
