//go:build !unix && !windows

package proctime

import "time"

// CPU is 0: this system (plan9, js, wasip1) does not say.
func CPU() time.Duration { return 0 }
