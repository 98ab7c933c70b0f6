package cli

import (
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"github.com/dcsim/dcsim/network"
	"github.com/dcsim/dcsim/onnx"
	"github.com/dcsim/dcsim/reports"
	"github.com/spf13/cobra"
)

func init() { register(newNetwork) }

func newNetwork(e *env) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "network",
		Short: "Inspect and export network descriptions",
		Args:  cobra.NoArgs,
		RunE:  func(cmd *cobra.Command, _ []string) error { return cmd.Help() },
	}
	var out string
	export := &cobra.Command{
		Use:   "export NAME",
		Short: "Write a zoo network or SCALE-Sim topology as an ONNX shape file",
		Long: `export writes the layers dcsim simulates for NAME (a zoo network or a SCALE-Sim
topology .csv) as an ONNX graph: Conv, Gemm and MaxPool nodes with their
geometry, a Relu after every layer but the last, and the weights declared as
shaped graph inputs without values. 'dcsim simulate --network FILE.onnx'
reads it back to the same layers.`,
		Example: "  dcsim network export resnet-18 --out resnet18-shapes.onnx",
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runNetworkExport(e, args[0], out)
		},
	}
	export.Flags().StringVar(&out, "out", "", "output file (default NAME.onnx in the current directory)")
	cmd.AddCommand(export)
	return cmd
}

func runNetworkExport(e *env, name, out string) error {
	var arch network.Network
	var err error
	if strings.ToLower(filepath.Ext(name)) == ".csv" {
		arch, err = network.LoadTopology(name)
	} else {
		arch, err = network.Zoo(name)
	}
	if err != nil {
		return err
	}
	if out == "" {
		out = strings.TrimSuffix(filepath.Base(name), filepath.Ext(name)) + ".onnx"
	}
	data, err := onnx.Marshal(arch, map[string]string{"source": "dcsim network export"})
	if err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	if err := reports.WriteFileAtomic(out, func(w io.Writer) error { _, err := w.Write(data); return err }); err != nil {
		return err
	}
	fmt.Fprintf(e.stderr, "wrote %s: %d layers, %d weights, %d MACs\n", out, len(arch.Layers), arch.Weights(), arch.MACs())
	return nil
}
