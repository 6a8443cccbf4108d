package main

import "syscall"

// realAttr puts the real gopls in a process group of its own, which the stand-in kills
// when it ends, and has Linux kill gopls if the stand-in is killed first (GoNB stops
// gopls with SIGKILL, which no program can catch).
func realAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
}
