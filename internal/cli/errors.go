package cli

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"syscall"

	"github.com/dcsim/dcsim/internal/fielderr"
	"github.com/dcsim/dcsim/internal/sweep"
)

// Exit statuses.
const (
	ExitOK       = 0
	ExitInternal = 1 // an internal failure: a bug, or the machine failed us
	ExitInput    = 2 // bad input or usage
	// An interrupted run exits 128 + the signal's number, as shells expect.
	ExitSIGINT  = 128 + int(syscall.SIGINT)  // 130
	ExitSIGTERM = 128 + int(syscall.SIGTERM) // 143
)

// The exit status is decided by the error's type (exitStatus), never by
// default:
//
//	usageError            flags, arguments, unknown commands       2
//	inputError            a file or value the user gave is wrong   2
//	*fielderr.Error       a field of a config file (accelerator,    2
//	                      profile, sweep, experiment) or of a
//	                      library's settings (fields.go)
//	*sweep.InvalidError   invalid design points of a sweep         2
//	*fs.PathError         a path that cannot be read or written    2
//	*os.LinkError         a rename onto the user's path failed     2
//	interruptedError      SIGINT / SIGTERM                         130 / 143
//	anything else         unexpected: internal                     1
//
// A command's errors before it calls env.work (its checks and input
// loading) are input errors; after it, only errors typed above are.

// usageError is a command line that cannot be run as given.
type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }

// inputError is bad input: a file or a value the user gave.
type inputError struct{ err error }

func (e inputError) Error() string { return e.err.Error() }
func (e inputError) Unwrap() error { return e.err }

// internalError marks an error as an internal failure (exit status 1)
// even where it would otherwise count as input (before env.work).
type internalError struct{ err error }

func (e internalError) Error() string { return e.err.Error() }
func (e internalError) Unwrap() error { return e.err }

// interruptedError is a run stopped by a signal after flushing its work.
type interruptedError struct {
	sig syscall.Signal
	msg string
}

func (e interruptedError) Error() string { return e.msg }

// input marks err as bad input (nil stays nil).
func input(err error) error {
	if err == nil {
		return nil
	}
	return inputError{err}
}

// inputf is a bad-input error with a formatted message.
func inputf(format string, args ...any) error { return inputError{fmt.Errorf(format, args...)} }

// internal marks err as an internal failure (nil stays nil).
func internal(err error) error {
	if err == nil {
		return nil
	}
	return internalError{err}
}

// exitStatus maps an error to the process exit status by its type.
func exitStatus(err error) int {
	var (
		intr interruptedError
		ie   internalError
		ue   usageError
		in   inputError
		fe   *fielderr.Error
		inv  *sweep.InvalidError
		pe   *fs.PathError
		le   *os.LinkError
	)
	switch {
	case err == nil:
		return ExitOK
	case errors.As(err, &intr):
		return 128 + int(intr.sig)
	case errors.As(err, &ie):
		return ExitInternal
	case errors.As(err, &ue), errors.As(err, &in), errors.As(err, &fe), errors.As(err, &inv),
		errors.As(err, &pe), errors.As(err, &le):
		return ExitInput
	}
	return ExitInternal
}
