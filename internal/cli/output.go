package cli

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/dcsim/dcsim/reports"
	"github.com/spf13/cobra"
)

// outputFlags are the --format and --out flags shared by every command that
// prints results.
type outputFlags struct {
	format string
	out    string
}

func (o *outputFlags) add(cmd *cobra.Command, outHelp string) {
	cmd.Flags().StringVar(&o.format, "format", "table", "output format: table, json, csv or md")
	if outHelp != "" {
		cmd.Flags().StringVar(&o.out, "out", "", outHelp)
	}
}

// parse checks the --format value before any work is done.
func (o *outputFlags) parse() (reports.Format, error) {
	return reports.ParseFormat(o.format)
}

// emit renders doc/tables in format f to stdout.
func (e *env) emit(f reports.Format, doc any, tables ...reports.Table) error {
	var buf bytes.Buffer
	if err := reports.Render(&buf, f, doc, tables...); err != nil {
		return internal(err)
	}
	if _, err := e.stdout.Write(buf.Bytes()); err != nil {
		return internal(err)
	}
	return nil
}

// writeFileAtomic writes data to path atomically (reports.WriteFileAtomic),
// so an interrupted run never leaves a half-written file behind. A directory
// that cannot be created is bad input; a failed write is an internal error.
func writeFileAtomic(path string, write func(io.Writer) error) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return internal(reports.WriteFileAtomic(path, write))
}
