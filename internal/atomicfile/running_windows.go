package atomicfile

import (
	"errors"
	"os"
	"syscall"
)

// running reports whether a process with this ID exists: os.FindProcess
// opens a handle to it, which fails when there is no such process; access
// denied means it exists under another user.
func running(pid int) bool {
	p, err := os.FindProcess(pid)
	if err != nil {
		return errors.Is(err, syscall.ERROR_ACCESS_DENIED)
	}
	p.Release()
	return true
}
