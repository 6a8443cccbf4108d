package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// Processes, read from /proc by one reader for every use: check, export, bench and lab
// stop the checkout's kernel helpers that outlived their kernel (reapKernelProcesses);
// the class kernel ends what GoNB left in its session (endSession); the classroom step
// checks that nothing the hub started outlives it.

// proc is one process seen in /proc.
type proc struct {
	pid, ppid, sid, uid int
	state               byte     // R, S, D, Z, ...: Z has exited and waits to be collected
	start               string   // start time in clock ticks since boot: tells a reused pid apart
	exe                 string   // the executable's path; "" where it cannot be read (a zombie, a kernel thread)
	args                []string // the command line
}

// processes lists every process in /proc.
func processes() []proc {
	entries, _ := os.ReadDir("/proc")
	var ps []proc
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		if pr, ok := readProc(pid); ok {
			ps = append(ps, pr)
		}
	}
	return ps
}

// readProc reads pid's /proc entry; it reports false when there is no such process.
func readProc(pid int) (proc, bool) {
	dir := "/proc/" + strconv.Itoa(pid)
	stat, err := os.ReadFile(dir + "/stat")
	if err != nil {
		return proc{}, false
	}
	// stat is "pid (comm) state ppid pgrp session ..."; comm may hold spaces and
	// parentheses, so the fields are read after the last ')'.
	s := string(stat)
	i := strings.LastIndexByte(s, ')')
	if i < 0 {
		return proc{}, false
	}
	f := strings.Fields(s[i+1:])
	if len(f) < 20 || len(f[0]) != 1 {
		return proc{}, false
	}
	pr := proc{pid: pid, state: f[0][0], start: f[19]}
	pr.ppid, _ = strconv.Atoi(f[1])
	pr.sid, _ = strconv.Atoi(f[3])
	if info, err := os.Stat(dir); err == nil {
		if st, ok := info.Sys().(*syscall.Stat_t); ok {
			pr.uid = int(st.Uid)
		}
	}
	pr.exe, _ = os.Readlink(dir + "/exe")
	cmdline, _ := os.ReadFile(dir + "/cmdline")
	pr.args = strings.Split(strings.TrimRight(string(cmdline), "\x00"), "\x00")
	return pr, true
}

// running says whether pr's process (the same pid, started at the same time) is still
// there and has not exited.
func (pr proc) running() bool {
	now, ok := readProc(pr.pid)
	return ok && now.start == pr.start && now.state != 'Z'
}

// zombie says whether pid has exited (or is gone) and waits for its parent to collect it.
func zombie(pid int) bool {
	pr, ok := readProc(pid)
	return !ok || pr.state == 'Z'
}

// stopProcs sends each of ps SIGTERM and SIGKILL to those still running after grace.
func stopProcs(ps []proc, grace time.Duration) {
	for _, pr := range ps {
		syscall.Kill(pr.pid, syscall.SIGTERM)
	}
	for _, pr := range waitProcsGone(ps, nil, grace) {
		syscall.Kill(pr.pid, syscall.SIGKILL)
	}
}

// waitProcsGone waits until none of ps is running and no process runs as one of uids,
// and returns those still there at the limit.
func waitProcsGone(ps []proc, uids map[int]bool, limit time.Duration) []proc {
	deadline := time.Now().Add(limit)
	for {
		var left []proc
		seen := map[int]bool{}
		for _, pr := range ps {
			if now, ok := readProc(pr.pid); ok && now.start == pr.start && now.state != 'Z' {
				left = append(left, now)
				seen[pr.pid] = true
			}
		}
		if len(uids) > 0 {
			for _, pr := range processes() {
				if uids[pr.uid] && pr.state != 'Z' && !seen[pr.pid] {
					left = append(left, pr)
				}
			}
		}
		if len(left) == 0 || time.Now().After(deadline) {
			return left
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// descendants returns pid and every process below it.
func descendants(pid int) []proc {
	children := map[int][]proc{}
	var out []proc
	for _, pr := range processes() {
		children[pr.ppid] = append(children[pr.ppid], pr)
		if pr.pid == pid {
			out = append(out, pr)
		}
	}
	for i := 0; i < len(out); i++ {
		out = append(out, children[out[i].pid]...)
	}
	return out
}

// processesOf returns the processes running as uid.
func processesOf(uid int) []proc {
	var ps []proc
	for _, pr := range processes() {
		if pr.uid == uid {
			ps = append(ps, pr)
		}
	}
	return ps
}

// describe names each of ps by pid, user and command line, for an error message.
func describe(ps []proc) string {
	var parts []string
	for _, pr := range ps {
		cmd := strings.TrimSpace(strings.Join(pr.args, " "))
		if len(cmd) > 80 {
			cmd = cmd[:80] + "…"
		}
		parts = append(parts, fmt.Sprintf("%d (uid %d) %s", pr.pid, pr.uid, cmd))
	}
	return strings.Join(parts, "; ")
}

// kernelProcesses lists the processes of this checkout's kernel: those whose executable
// is under .kernel/bin or .kernel/tmp (gonb, the gopls it starts and gopls's telemetry
// helper, a cell's program in a GoNB work folder).
func (p *project) kernelProcesses() map[int]proc {
	procs := map[int]proc{}
	for _, pr := range processes() {
		if pr.exe != "" && (within(pr.exe, p.binDir()) || within(pr.exe, p.tmpDir())) {
			procs[pr.pid] = pr
		}
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
func (p *project) alive(procs map[int]proc, pr proc) bool {
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
	var stale []proc
	for _, pr := range procs {
		if !p.alive(procs, pr) {
			stale = append(stale, pr)
		}
	}
	stopProcs(stale, 5*time.Second)
	return len(stale)
}
