package cli

import (
	"errors"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"strings"

	"github.com/spf13/cobra"
	"golang.org/x/term"
)

// Exit statuses.
const (
	ExitOK       = 0
	ExitInternal = 1 // an internal failure (a bug, or the machine failed us)
	ExitInput    = 2 // bad input or usage
)

// internalError marks an error as an internal failure (exit status 1). Every
// other error is treated as bad input or usage (exit status 2): the commands
// fail early on what they are given, and what remains is rare.
type internalError struct{ err error }

func (e internalError) Error() string { return e.err.Error() }
func (e internalError) Unwrap() error { return e.err }

// internal wraps err as an internal failure.
func internal(err error) error {
	if err == nil {
		return nil
	}
	return internalError{err}
}

// Main runs dcsim with args and returns the process exit status. Errors are
// printed as one line "dcsim: <message>" on stderr; a panic is reported as an
// internal failure with its stack, never as bad input.
func Main(args []string, stdout, stderr io.Writer) (code int) {
	defer func() {
		if r := recover(); r != nil {
			fmt.Fprintf(stderr, "dcsim: internal error: %v\n%s", r, debug.Stack())
			code = ExitInternal
		}
	}()
	err := Run(args, stdout, stderr)
	if err == nil {
		return ExitOK
	}
	fmt.Fprintf(stderr, "dcsim: %s\n", oneLine(withSuggestions(err.Error())))
	var ie internalError
	if errors.As(err, &ie) {
		return ExitInternal
	}
	return ExitInput
}

// oneLine folds a multi-line message onto one line.
func oneLine(s string) string {
	return strings.Join(strings.Fields(strings.ReplaceAll(s, "\n", " ; ")), " ")
}

// withSuggestions rewrites cobra's multi-line "unknown command" message
// ("…\n\nDid you mean this?\n\tsimulate\n") as one readable line.
func withSuggestions(msg string) string {
	head, tail, ok := strings.Cut(msg, "\n\nDid you mean this?\n")
	if !ok {
		return msg
	}
	return fmt.Sprintf("%s; did you mean %s?", head, strings.Join(strings.Fields(tail), " or "))
}

// Run executes one dcsim command line.
func Run(args []string, stdout, stderr io.Writer) error {
	root := newRoot(stdout, stderr)
	root.SetArgs(args)
	return root.Execute()
}

// env is what every command needs: its output streams.
type env struct {
	stdout, stderr io.Writer
}

// interactive reports whether stderr is a terminal (progress bars are shown
// only then).
func (e *env) interactive() bool {
	f, ok := e.stderr.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

func newRoot(stdout, stderr io.Writer) *cobra.Command {
	e := &env{stdout: stdout, stderr: stderr}
	root := &cobra.Command{
		Use:   "dcsim",
		Short: "Compress deep networks and simulate them on sparse accelerators",
		Long: `dcsim prunes (saliency-based, global and dynamic), clusters weights (BIRCH +
K-Means++ codebooks) and simulates the result on a YAML-described MAC-array
accelerator, reporting cycles, latency and energy.`,
		SilenceUsage:  true,
		SilenceErrors: true,
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) > 0 {
				return fmt.Errorf("unknown command %q (run 'dcsim --help')", args[0])
			}
			return cmd.Help()
		},
	}
	root.SetOut(stdout)
	root.SetErr(stderr)
	root.Version = version()
	root.SetVersionTemplate("{{.Name}} {{.Version}}\n")
	root.SetUsageTemplate(usageTemplate)
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error {
		// Main prefixes "dcsim: "; name the subcommand only.
		if c == c.Root() {
			return suggestFlag(c, err)
		}
		return fmt.Errorf("%s: %w", c.Name(), suggestFlag(c, err))
	})
	root.CompletionOptions.DisableDefaultCmd = true
	for _, add := range commands {
		root.AddCommand(add(e))
	}
	return root
}

// commands are the subcommand constructors; each command file registers its
// own in an init function so this file does not grow with them.
var commands []func(*env) *cobra.Command

func register(f func(*env) *cobra.Command) { commands = append(commands, f) }
