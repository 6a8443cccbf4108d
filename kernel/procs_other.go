//go:build !linux

package main

// reapKernelProcesses is a no-op where /proc is not there to find stale processes.
func (p *project) reapKernelProcesses() int { return 0 }
