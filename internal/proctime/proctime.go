// Package proctime gives the experiment commands under scripts/ the CPU
// time of their own process, which, unlike wall time, does not grow when
// the machine is loaded by others.
package proctime
