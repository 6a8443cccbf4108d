//go:build linux

package main

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// Processes, read from /proc: the classroom step checks that nothing the hub started
// outlives it, and the class kernel ends what GoNB leaves behind.

// proc is one process seen in /proc.
type proc struct {
	pid, ppid, sid, uid int
	start               string // start time in clock ticks since boot: tells a reused pid apart
	cmd                 string
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

func readProc(pid int) (proc, bool) {
	stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return proc{}, false
	}
	// The command name is in parentheses and may hold spaces; fields follow the last ')'.
	s := string(stat)
	i := strings.LastIndexByte(s, ')')
	if i < 0 {
		return proc{}, false
	}
	f := strings.Fields(s[i+1:])
	if len(f) < 20 {
		return proc{}, false
	}
	pr := proc{pid: pid, start: f[19]}
	pr.ppid, _ = strconv.Atoi(f[1])
	pr.sid, _ = strconv.Atoi(f[3])
	info, err := os.Stat(fmt.Sprintf("/proc/%d", pid))
	if err == nil {
		if st, ok := info.Sys().(*syscall.Stat_t); ok {
			pr.uid = int(st.Uid)
		}
	}
	cmdline, _ := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", pid))
	pr.cmd = strings.TrimSpace(strings.ReplaceAll(string(cmdline), "\x00", " "))
	return pr, true
}

// descendants returns pid and every process below it.
func descendants(pid int) []proc {
	all := processes()
	children := map[int][]proc{}
	var self []proc
	for _, pr := range all {
		children[pr.ppid] = append(children[pr.ppid], pr)
		if pr.pid == pid {
			self = append(self, pr)
		}
	}
	out := self
	for i := 0; i < len(out); i++ {
		out = append(out, children[out[i].pid]...)
	}
	return out
}

func processesOf(uid int) []proc {
	var ps []proc
	for _, pr := range processes() {
		if pr.uid == uid {
			ps = append(ps, pr)
		}
	}
	return ps
}

// waitProcsGone waits until none of ps is alive (the same pid with the same start time)
// and no process runs as one of uids, and returns those still there at the limit.
func waitProcsGone(ps []proc, uids map[int]bool, limit time.Duration) []proc {
	deadline := time.Now().Add(limit)
	for {
		var left []proc
		for _, pr := range ps {
			if now, ok := readProc(pr.pid); ok && now.start == pr.start {
				left = append(left, now)
			}
		}
		for _, pr := range processes() {
			if uids[pr.uid] && !slicesContainsPid(left, pr.pid) {
				left = append(left, pr)
			}
		}
		if len(left) == 0 || time.Now().After(deadline) {
			return left
		}
		time.Sleep(200 * time.Millisecond)
	}
}

func slicesContainsPid(ps []proc, pid int) bool {
	for _, pr := range ps {
		if pr.pid == pid {
			return true
		}
	}
	return false
}

func describe(ps []proc) string {
	var parts []string
	for _, pr := range ps {
		cmd := pr.cmd
		if len(cmd) > 80 {
			cmd = cmd[:80] + "…"
		}
		parts = append(parts, fmt.Sprintf("%d (uid %d) %s", pr.pid, pr.uid, cmd))
	}
	return strings.Join(parts, "; ")
}
