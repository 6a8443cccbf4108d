//go:build unix

package procs

import (
	"os/exec"
	"syscall"
)

// OwnGroup puts the server in a process group of its own, so the terminal's
// Ctrl-C reaches only this command, which then stops the server in order.
func OwnGroup() *syscall.SysProcAttr { return &syscall.SysProcAttr{Setpgid: true} }

// SignalGroup sends sig to the process group that cmd leads.
func SignalGroup(cmd *exec.Cmd, sig syscall.Signal) {
	_ = syscall.Kill(-cmd.Process.Pid, sig)
}
