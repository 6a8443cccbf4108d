package main

import (
	"encoding/binary"
	"fmt"
	"net/netip"
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

// stopProcs sends each of ps SIGTERM and, once grace has passed, SIGKILL to those still
// running (an exited process that waits to be collected no longer runs).
func stopProcs(ps []proc, grace time.Duration) {
	for _, pr := range ps {
		syscall.Kill(pr.pid, syscall.SIGTERM)
	}
	deadline := time.Now().Add(grace)
	for _, pr := range ps {
		for pr.running() && time.Now().Before(deadline) {
			time.Sleep(50 * time.Millisecond)
		}
		if pr.running() {
			syscall.Kill(pr.pid, syscall.SIGKILL)
		}
	}
}

// waitProcsGone waits until none of ps is in /proc any more (the same pid with the same
// start time; one that has exited but is not yet collected still counts) and no process
// runs as one of uids, and returns those still there at the limit.
func waitProcsGone(ps []proc, uids map[int]bool, limit time.Duration) []proc {
	deadline := time.Now().Add(limit)
	for {
		var left []proc
		seen := map[int]bool{}
		for _, pr := range ps {
			if now, ok := readProc(pr.pid); ok && now.start == pr.start {
				left = append(left, now)
				seen[pr.pid] = true
			}
		}
		if len(uids) > 0 { // a scan of all of /proc, only when there are accounts to watch
			for _, pr := range processes() {
				if uids[pr.uid] && !seen[pr.pid] {
					left = append(left, pr)
				}
			}
		}
		if len(left) == 0 || time.Now().After(deadline) {
			return left
		}
		time.Sleep(200 * time.Millisecond)
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

// listener is a TCP socket listening for connections, and a process that holds it.
type listener struct {
	addr netip.AddrPort
	proc proc
}

// listeners returns the TCP sockets (IPv4 and IPv6) on which the processes ps listen;
// another user's processes are seen only by root.
func listeners(ps []proc) []listener {
	byInode := map[string]netip.AddrPort{}
	for _, table := range []string{"/proc/net/tcp", "/proc/net/tcp6"} {
		raw, _ := os.ReadFile(table)
		for _, line := range strings.Split(string(raw), "\n") {
			// sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode ...
			f := strings.Fields(line)
			if len(f) < 10 || f[3] != "0A" { // 0A: LISTEN
				continue
			}
			if addr, ok := procNetAddr(f[1]); ok {
				byInode[f[9]] = addr
			}
		}
	}
	var ls []listener
	for _, pr := range ps {
		fds, _ := os.ReadDir(fmt.Sprintf("/proc/%d/fd", pr.pid))
		for _, fd := range fds {
			link, _ := os.Readlink(fmt.Sprintf("/proc/%d/fd/%s", pr.pid, fd.Name()))
			inode, ok := strings.CutPrefix(link, "socket:[")
			if addr, listening := byInode[strings.TrimSuffix(inode, "]")]; ok && listening {
				ls = append(ls, listener{addr: addr, proc: pr})
			}
		}
	}
	return ls
}

// procNetAddr reads an address of /proc/net/tcp{,6}: "0100007F:1F90" is 127.0.0.1:8080,
// the address printed as 32-bit words in the machine's byte order, the port in hex.
func procNetAddr(s string) (netip.AddrPort, bool) {
	hexAddr, hexPort, ok := strings.Cut(s, ":")
	if !ok || (len(hexAddr) != 8 && len(hexAddr) != 32) {
		return netip.AddrPort{}, false
	}
	b := make([]byte, len(hexAddr)/2)
	for i := 0; i < len(b); i += 4 {
		word, err := strconv.ParseUint(hexAddr[2*i:2*i+8], 16, 32)
		if err != nil {
			return netip.AddrPort{}, false
		}
		binary.NativeEndian.PutUint32(b[i:], uint32(word))
	}
	port, err := strconv.ParseUint(hexPort, 16, 16)
	addr, ok := netip.AddrFromSlice(b)
	if err != nil || !ok {
		return netip.AddrPort{}, false
	}
	return netip.AddrPortFrom(addr.Unmap(), uint16(port)), true
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
