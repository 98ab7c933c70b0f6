package nn

import (
	"syscall"
	"time"
)

// threadCPUTime is the CPU time of the calling OS thread (the caller keeps
// its goroutine on the thread with runtime.LockOSThread). Kernel benchmarks
// divide work by it rather than by wall time, so time the thread spends
// descheduled on the shared machine does not count against the kernel.
func threadCPUTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_THREAD, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
