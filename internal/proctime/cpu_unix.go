//go:build unix

package proctime

import (
	"syscall"
	"time"
)

// CPU is the user + system CPU time of this process (all threads), or 0
// if the system will not say.
func CPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
