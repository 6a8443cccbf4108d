//go:build unix

package main

import (
	"os/exec"
	"syscall"
)

// ownProcessGroup puts the server in a process group of its own, so the terminal's
// Ctrl-C reaches only this command, which then stops the server in order.
func ownProcessGroup() *syscall.SysProcAttr { return &syscall.SysProcAttr{Setpgid: true} }

// signalGroup sends sig to the process group that cmd leads.
func signalGroup(cmd *exec.Cmd, sig syscall.Signal) {
	_ = syscall.Kill(-cmd.Process.Pid, sig)
}
