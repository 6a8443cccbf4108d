//go:build unix && !linux

package main

import "syscall"

// realAttr puts the real gopls in a process group of its own, which the stand-in kills
// when it ends. A stand-in killed first closes gopls's stdin, and gopls ends.
func realAttr() *syscall.SysProcAttr { return &syscall.SysProcAttr{Setpgid: true} }
