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
	return exitStatus(err)
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

// Run executes one dcsim command line. An error before a command starts
// (flags, arguments, unknown command) is a usage error; one a command
// returns before it calls env.work is bad input.
func Run(args []string, stdout, stderr io.Writer) error {
	e := &env{stdout: stdout, stderr: stderr}
	root := newRoot(e)
	root.SetArgs(args)
	err := root.Execute()
	if err != nil && !e.started {
		return usageError{err}
	}
	return err
}

// env is what every command needs: its output streams, and the phase it is
// in (which decides what its errors mean).
type env struct {
	stdout, stderr io.Writer
	started        bool // the command's RunE was entered
	working        bool // the command finished its checks (work)
}

// work marks the end of a command's checks and input loading: errors it
// returns from now on are internal failures unless typed as input.
func (e *env) work() { e.working = true }

// phased wraps every RunE below c so that the errors of its checking phase
// are marked as bad input.
func phased(e *env, c *cobra.Command) {
	if run := c.RunE; run != nil {
		c.RunE = func(cmd *cobra.Command, args []string) error {
			e.started = true
			err := run(cmd, args)
			if err != nil && !e.working {
				var ie internalError
				if !errors.As(err, &ie) {
					err = inputError{err}
				}
			}
			return err
		}
	}
	for _, sub := range c.Commands() {
		phased(e, sub)
	}
}

// interactive reports whether stderr is a terminal (progress bars are shown
// only then).
func (e *env) interactive() bool {
	f, ok := e.stderr.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

func newRoot(e *env) *cobra.Command {
	stdout, stderr := e.stdout, e.stderr
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
		sub := add(e)
		phased(e, sub)
		root.AddCommand(sub)
	}
	return root
}

// commands are the subcommand constructors; each command file registers its
// own in an init function so this file does not grow with them.
var commands []func(*env) *cobra.Command

func register(f func(*env) *cobra.Command) { commands = append(commands, f) }
