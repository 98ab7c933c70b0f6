//go:build !linux

package nn

import (
	"time"

	"github.com/dcsim/dcsim/internal/proctime"
)

// threadCPUTime falls back to the process's CPU time.
func threadCPUTime() time.Duration { return proctime.CPU() }
