//go:build !linux

package procs

// ReapKernels does nothing where /proc is not there to find stale processes.
func ReapKernels(binDir, tmpDir string) int { return 0 }
