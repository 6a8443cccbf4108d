package main

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// kernelProcess is a running process of this checkout's kernel: gonb, the gopls it
// starts (and gopls's telemetry helper), or a cell's program in a GoNB work folder.
type kernelProcess struct {
	pid, ppid int
	exe       string   // the executable's path
	args      []string // its command line
}

// kernelProcesses lists the processes whose executable is under .kernel/bin or
// .kernel/tmp of this checkout, read from /proc.
func (p *project) kernelProcesses() map[int]kernelProcess {
	procs := map[int]kernelProcess{}
	entries, _ := os.ReadDir("/proc")
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		dir := filepath.Join("/proc", e.Name())
		exe, err := os.Readlink(filepath.Join(dir, "exe"))
		if err != nil || !(within(exe, p.binDir()) || within(exe, p.tmpDir())) {
			continue
		}
		stat, err := os.ReadFile(filepath.Join(dir, "stat"))
		cmdline, err2 := os.ReadFile(filepath.Join(dir, "cmdline"))
		if err != nil || err2 != nil {
			continue
		}
		// stat is "pid (comm) state ppid ..."; comm may hold spaces, so read after the last ')'.
		fields := strings.Fields(string(stat[strings.LastIndexByte(string(stat), ')')+1:]))
		if len(fields) < 2 {
			continue
		}
		ppid, _ := strconv.Atoi(fields[1])
		args := strings.Split(strings.TrimRight(string(cmdline), "\x00"), "\x00")
		procs[pid] = kernelProcess{pid: pid, ppid: ppid, exe: exe, args: args}
	}
	return procs
}

// within says whether path is inside dir.
func within(path, dir string) bool {
	rel, err := filepath.Rel(dir, path)
	return err == nil && !strings.HasPrefix(rel, "..")
}

// alive says whether a kernel process still serves a kernel: gonb while its Jupyter
// (its parent) and its connection file exist; gopls, its telemetry helper and cell
// programs while the process that started them is alive and alive itself.
func (p *project) alive(procs map[int]kernelProcess, pr kernelProcess) bool {
	if filepath.Base(pr.exe) == "gonb" && within(pr.exe, p.binDir()) {
		for i, a := range pr.args {
			if a == "--kernel" && i+1 < len(pr.args) && !exists(pr.args[i+1]) {
				return false
			}
		}
		return pr.ppid != 1
	}
	parent, ok := procs[pr.ppid]
	return ok && parent.pid != pr.pid && p.alive(procs, parent)
}

// reapKernelProcesses stops this checkout's kernel processes that outlived their
// kernel (GoNB does not always stop its gopls) and returns how many it stopped.
// Kernels still in use, such as those of a lab running beside, are left alone.
func (p *project) reapKernelProcesses() int {
	procs := p.kernelProcesses()
	var stale []int
	for pid, pr := range procs {
		if !p.alive(procs, pr) {
			stale = append(stale, pid)
		}
	}
	for _, pid := range stale {
		syscall.Kill(pid, syscall.SIGTERM)
	}
	deadline := time.Now().Add(5 * time.Second)
	for _, pid := range stale {
		for syscall.Kill(pid, 0) == nil && time.Now().Before(deadline) && !zombie(pid) {
			time.Sleep(50 * time.Millisecond)
		}
		if syscall.Kill(pid, 0) == nil && !zombie(pid) {
			syscall.Kill(pid, syscall.SIGKILL)
		}
	}
	return len(stale)
}

// zombie says whether pid has exited and waits for its parent to collect it.
func zombie(pid int) bool {
	stat, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(pid), "stat"))
	if err != nil {
		return true
	}
	fields := strings.Fields(string(stat[strings.LastIndexByte(string(stat), ')')+1:]))
	return len(fields) > 0 && fields[0] == "Z"
}
