//go:build !linux

package nn

import "time"

// threadCPUTime falls back to the process's CPU time.
func threadCPUTime() time.Duration { return cpuTime() }
