// Package procs reads processes and their sockets from /proc, stops them, and runs
// servers in process groups of their own. It is a leaf: check, export, bench and lab
// stop the kernel helpers that outlived their kernel (ReapKernels), the class kernel
// ends what GoNB left in its session, and the classroom step checks that nothing the
// hub started outlives it.
package procs

import (
	"encoding/binary"
	"fmt"
	"net/netip"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// Proc is one process seen in /proc.
type Proc struct {
	PID, PPID, SID, UID int
	State               byte     // R, S, D, Z, ...: Z has exited and waits to be collected
	Start               string   // start time in clock ticks since boot: tells a reused pid apart
	Exe                 string   // the executable's path; "" where it cannot be read (a zombie, a kernel thread)
	Args                []string // the command line
}

// All lists every process in /proc.
func All() []Proc {
	entries, _ := os.ReadDir("/proc")
	var ps []Proc
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		if pr, ok := Read(pid); ok {
			ps = append(ps, pr)
		}
	}
	return ps
}

// Read reads pid's /proc entry; it reports false when there is no such process.
func Read(pid int) (Proc, bool) {
	dir := "/proc/" + strconv.Itoa(pid)
	stat, err := os.ReadFile(dir + "/stat")
	if err != nil {
		return Proc{}, false
	}
	// stat is "pid (comm) state ppid pgrp session ..."; comm may hold spaces and
	// parentheses, so the fields are read after the last ')'.
	s := string(stat)
	i := strings.LastIndexByte(s, ')')
	if i < 0 {
		return Proc{}, false
	}
	f := strings.Fields(s[i+1:])
	if len(f) < 20 || len(f[0]) != 1 {
		return Proc{}, false
	}
	pr := Proc{PID: pid, State: f[0][0], Start: f[19]}
	pr.PPID, _ = strconv.Atoi(f[1])
	pr.SID, _ = strconv.Atoi(f[3])
	if info, err := os.Stat(dir); err == nil {
		if st, ok := info.Sys().(*syscall.Stat_t); ok {
			pr.UID = int(st.Uid)
		}
	}
	pr.Exe, _ = os.Readlink(dir + "/exe")
	cmdline, _ := os.ReadFile(dir + "/cmdline")
	pr.Args = strings.Split(strings.TrimRight(string(cmdline), "\x00"), "\x00")
	return pr, true
}

// Running says whether pr's process (the same pid, started at the same time) is still
// there and has not exited.
func (pr Proc) Running() bool {
	now, ok := Read(pr.PID)
	return ok && now.Start == pr.Start && now.State != 'Z'
}

// Zombie says whether pid has exited (or is gone) and waits for its parent to collect it.
func Zombie(pid int) bool {
	pr, ok := Read(pid)
	return !ok || pr.State == 'Z'
}

// HasEnv says whether process pid's environment holds entry ("KEY=value"): a test
// marks its own environment so that it can tell the processes it started, and their
// children, from those of other runs.
func HasEnv(pid int, entry string) bool {
	env, err := os.ReadFile(fmt.Sprintf("/proc/%d/environ", pid))
	if err != nil {
		return false
	}
	return slices.Contains(strings.Split(string(env), "\x00"), entry)
}

// Stop sends each of ps SIGTERM and, once grace has passed, SIGKILL to those still
// running (an exited process that waits to be collected no longer runs).
func Stop(ps []Proc, grace time.Duration) {
	for _, pr := range ps {
		syscall.Kill(pr.PID, syscall.SIGTERM)
	}
	deadline := time.Now().Add(grace)
	for _, pr := range ps {
		for pr.Running() && time.Now().Before(deadline) {
			time.Sleep(50 * time.Millisecond)
		}
		if pr.Running() {
			syscall.Kill(pr.PID, syscall.SIGKILL)
		}
	}
}

// WaitGone waits until none of ps is in /proc any more (the same pid with the same
// start time; one that has exited but is not yet collected still counts) and no process
// runs as one of uids, and returns those still there at the limit.
func WaitGone(ps []Proc, uids map[int]bool, limit time.Duration) []Proc {
	deadline := time.Now().Add(limit)
	for {
		var left []Proc
		seen := map[int]bool{}
		for _, pr := range ps {
			if now, ok := Read(pr.PID); ok && now.Start == pr.Start {
				left = append(left, now)
				seen[pr.PID] = true
			}
		}
		if len(uids) > 0 { // a scan of all of /proc, only when there are accounts to watch
			for _, pr := range All() {
				if uids[pr.UID] && !seen[pr.PID] {
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

// Descendants returns pid and every process below it.
func Descendants(pid int) []Proc {
	children := map[int][]Proc{}
	var out []Proc
	for _, pr := range All() {
		children[pr.PPID] = append(children[pr.PPID], pr)
		if pr.PID == pid {
			out = append(out, pr)
		}
	}
	for i := 0; i < len(out); i++ {
		out = append(out, children[out[i].PID]...)
	}
	return out
}

// Of returns the processes running as uid.
func Of(uid int) []Proc {
	var ps []Proc
	for _, pr := range All() {
		if pr.UID == uid {
			ps = append(ps, pr)
		}
	}
	return ps
}

// Describe names each of ps by pid, user and command line, for an error message.
func Describe(ps []Proc) string {
	var parts []string
	for _, pr := range ps {
		cmd := strings.TrimSpace(strings.Join(pr.Args, " "))
		if len(cmd) > 80 {
			cmd = cmd[:80] + "…"
		}
		parts = append(parts, fmt.Sprintf("%d (uid %d) %s", pr.PID, pr.UID, cmd))
	}
	return strings.Join(parts, "; ")
}

// Listener is a TCP socket listening for connections, and a process that holds it.
type Listener struct {
	Addr netip.AddrPort
	Proc Proc
}

// Listeners returns the TCP sockets (IPv4 and IPv6) on which the processes ps listen;
// another user's processes are seen only by root.
func Listeners(ps []Proc) []Listener {
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
	var ls []Listener
	for _, pr := range ps {
		fds, _ := os.ReadDir(fmt.Sprintf("/proc/%d/fd", pr.PID))
		for _, fd := range fds {
			link, _ := os.Readlink(fmt.Sprintf("/proc/%d/fd/%s", pr.PID, fd.Name()))
			inode, ok := strings.CutPrefix(link, "socket:[")
			if addr, listening := byInode[strings.TrimSuffix(inode, "]")]; ok && listening {
				ls = append(ls, Listener{Addr: addr, Proc: pr})
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

// Kernels lists the processes of one checkout's kernel: those whose executable
// is under binDir or tmpDir (gonb, the gopls it starts and gopls's telemetry helper, a
// cell's program in a GoNB work folder).
func Kernels(binDir, tmpDir string) map[int]Proc {
	procs := map[int]Proc{}
	for _, pr := range All() {
		if pr.Exe != "" && (within(pr.Exe, binDir) || within(pr.Exe, tmpDir)) {
			procs[pr.PID] = pr
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
func alive(procs map[int]Proc, pr Proc, binDir string) bool {
	if filepath.Base(pr.Exe) == "gonb" && within(pr.Exe, binDir) {
		for i, a := range pr.Args {
			if a == "--kernel" && i+1 < len(pr.Args) {
				if _, err := os.Stat(pr.Args[i+1]); err != nil {
					return false
				}
			}
		}
		return pr.PPID != 1
	}
	parent, ok := procs[pr.PPID]
	return ok && parent.PID != pr.PID && alive(procs, parent, binDir)
}

// ReapKernels stops the kernel processes started from binDir (a checkout's .kernel/bin,
// with its cells built under tmpDir) that outlived their kernel (GoNB does not always
// stop its gopls), and returns how many it stopped. Kernels still in use, such as
// those of a lab running beside, are left alone.
func ReapKernels(binDir, tmpDir string) int {
	procs := Kernels(binDir, tmpDir)
	var stale []Proc
	for _, pr := range procs {
		if !alive(procs, pr, binDir) {
			stale = append(stale, pr)
		}
	}
	Stop(stale, 5*time.Second)
	return len(stale)
}
