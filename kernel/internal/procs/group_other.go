//go:build !unix

package procs

import (
	"os/exec"
	"syscall"
)

// OwnGroup does nothing where there are no process groups.
func OwnGroup() *syscall.SysProcAttr { return nil }

// SignalGroup signals the command itself where there are no process groups.
func SignalGroup(cmd *exec.Cmd, sig syscall.Signal) {
	if sig == syscall.SIGKILL {
		_ = cmd.Process.Kill()
		return
	}
	_ = cmd.Process.Signal(sig)
}
