package cli

import (
	"bytes"
	"fmt"
	"io"

	"github.com/dcsim/dcsim/internal/sweep"
	"github.com/dcsim/dcsim/reports"
	"github.com/spf13/cobra"
)

func init() { register(newMerge) }

type mergeFlags struct {
	out      string
	complete bool
}

func newMerge(e *env) *cobra.Command {
	f := &mergeFlags{}
	cmd := &cobra.Command{
		Use:   "merge [flags] RESULTS...",
		Short: "Join sweep shards (or resumed runs) into one results file",
		Long: `merge joins results files of one sweep — the shards of 'dcsim sweep --shard',
or several resumed runs — into one file: it checks that all come from the
same spec (spec hash) and format, drops duplicate points (the same point with
a different result is an error), and sorts the points by index under one
header, so merged shards are byte-identical to the unsharded run. Points
missing from every input are counted on stderr (an error with --complete).`,
		Example: `  dcsim merge --out all.jsonl shard0.jsonl shard1.jsonl shard2.jsonl shard3.jsonl`,
		Args:    cobra.MinimumNArgs(1),
		RunE:    func(cmd *cobra.Command, args []string) error { return runMerge(e, f, args) },
	}
	cmd.Flags().StringVar(&f.out, "out", "", "merged results file, written atomically (stdout when empty)")
	cmd.Flags().BoolVar(&f.complete, "complete", false, "fail unless every point of the sweep is present")
	return cmd
}

func runMerge(e *env, f *mergeFlags, inputs []string) error {
	if f.out != "" && sweep.FormatOf(f.out) != sweep.FormatOf(inputs[0]) {
		return fmt.Errorf("--out %s: format %s differs from the inputs' (%s)", f.out, sweep.FormatOf(f.out), sweep.FormatOf(inputs[0]))
	}
	if err := checkOut("--out", f.out); err != nil {
		return err
	}
	var buf bytes.Buffer
	st, err := sweep.Merge(&buf, inputs)
	if err != nil {
		return err
	}
	if f.complete && st.Missing() > 0 {
		return fmt.Errorf("merge: %d of %d points are missing (run the missing shards, or --resume them)", st.Missing(), st.Points)
	}
	e.work()
	write := func(w io.Writer) error { _, err := w.Write(buf.Bytes()); return err }
	if f.out != "" {
		err = reports.WriteFileAtomic(f.out, write)
	} else if err = write(e.stdout); err != nil {
		err = internal(err)
	}
	if err != nil {
		return err
	}
	msg := fmt.Sprintf("dcsim merge: %d files, %d points", st.Inputs, st.Records)
	if st.Points > 0 {
		msg += fmt.Sprintf(" of %d (%d missing)", st.Points, st.Missing())
	}
	fmt.Fprintf(e.stderr, "%s, %d duplicates dropped\n", msg, st.Duplicates)
	return nil
}
