//go:build unix

package sim

import (
	"syscall"
	"time"
)

// cpuTime is the user+system CPU time of the process so far (benchmarks
// report it beside wall time: on a loaded machine wall time measures the
// load).
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
