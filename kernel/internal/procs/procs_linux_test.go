package procs

import (
	"encoding/binary"
	"fmt"
	"net"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// fakeKernelBinary copies a system program into binDir under name, so that a process
// running it counts as one of the kernel's processes.
func fakeKernelBinary(t *testing.T, binDir, system, name string) string {
	t.Helper()
	data, err := os.ReadFile(system)
	if err != nil {
		t.Skip(err)
	}
	if err := os.MkdirAll(binDir, 0o755); err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(binDir, name)
	if err := os.WriteFile(bin, data, 0o755); err != nil {
		t.Fatal(err)
	}
	return bin
}

// waitGone waits, up to a generous limit, for pid to exit (or become a zombie).
func waitGone(pid int) bool {
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if syscall.Kill(pid, 0) != nil || Zombie(pid) {
			return true
		}
	}
	return false
}

func TestReapStopsOrphansAndKeepsKernelsInUse(t *testing.T) {
	binDir, tmpDir := t.TempDir(), t.TempDir()
	gonb := fakeKernelBinary(t, binDir, "/bin/sh", "gonb")
	gopls := fakeKernelBinary(t, binDir, "/bin/sleep", "gopls")

	// A kernel in use: "gonb" (a shell, our child) running "gopls" as its child.
	conn := filepath.Join(t.TempDir(), "kernel.json")
	os.WriteFile(conn, []byte("{}"), 0o644)
	kernel := exec.Command(gonb, "-c", gopls+" 300; :", "--kernel", conn)
	if err := kernel.Start(); err != nil {
		t.Fatal(err)
	}
	defer kernel.Process.Kill()
	// An orphan: a "gopls" whose starter exited at once, so it belongs to init now.
	out, err := exec.Command("/bin/sh", "-c", gopls+" 300 >/dev/null 2>&1 & echo $!").Output()
	if err != nil {
		t.Fatal(err)
	}
	orphan, _ := strconv.Atoi(strings.TrimSpace(string(out)))
	defer syscall.Kill(orphan, syscall.SIGKILL)

	var child int
	for deadline := time.Now().Add(20 * time.Second); child == 0 && time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		for pid, pr := range Kernels(binDir, tmpDir) {
			if pr.PPID == kernel.Process.Pid {
				child = pid
			}
		}
	}
	if child == 0 {
		t.Fatal("the fake kernel's gopls never started")
	}
	if n := ReapKernels(binDir, tmpDir); n != 1 {
		t.Errorf("reaped %d processes, want 1 (the orphan)", n)
	}
	if !waitGone(orphan) {
		t.Error("the orphaned gopls is still running")
	}
	if syscall.Kill(child, 0) != nil || syscall.Kill(kernel.Process.Pid, 0) != nil {
		t.Fatal("a kernel in use, or its gopls, was stopped")
	}

	// The kernel's Jupyter removes its connection file when it stops it: from then on
	// the kernel and its gopls are stale.
	os.Remove(conn)
	if n := ReapKernels(binDir, tmpDir); n != 2 {
		t.Errorf("reaped %d processes after the connection file went, want 2", n)
	}
	kernel.Wait()
	if !waitGone(child) {
		t.Error("the stale kernel's gopls is still running")
	}
}

func TestReadProcParsesOddNamesAndTrees(t *testing.T) {
	// A command name with spaces and a parenthesis must not shift the fields after it.
	bin := filepath.Join(t.TempDir(), "odd (name) x")
	data, err := os.ReadFile("/bin/sleep")
	if err != nil {
		t.Skip(err)
	}
	if err := os.WriteFile(bin, data, 0o755); err != nil {
		t.Fatal(err)
	}
	shell := exec.Command("/bin/sh", "-c", "'"+bin+"' 300; :")
	if err := shell.Start(); err != nil {
		t.Fatal(err)
	}
	defer shell.Process.Kill()
	var child Proc
	for deadline := time.Now().Add(20 * time.Second); child.PID == 0 && time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		for _, pr := range Descendants(shell.Process.Pid) {
			if pr.Exe == bin {
				child = pr
			}
		}
	}
	if child.PID == 0 {
		t.Fatal("descendants never listed the shell's child")
	}
	if child.PPID != shell.Process.Pid || child.UID != os.Geteuid() || strings.Join(child.Args, " ") != bin+" 300" {
		t.Errorf("child = %+v, want ppid %d, uid %d, args [%s 300]", child, shell.Process.Pid, os.Geteuid(), bin)
	}
	if !child.Running() {
		t.Error("a sleeping child is not running")
	}
	Stop([]Proc{child}, 5*time.Second)
	if !waitGone(child.PID) {
		t.Error("stopProcs left the child running")
	}
}

func TestStopProcsKillsWhatIgnoresSIGTERM(t *testing.T) {
	stubborn := exec.Command("/bin/sh", "-c", "trap '' TERM; sleep 300; :")
	if err := stubborn.Start(); err != nil {
		t.Fatal(err)
	}
	defer stubborn.Process.Kill()
	var tree []Proc
	for deadline := time.Now().Add(20 * time.Second); len(tree) < 2 && time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		tree = Descendants(stubborn.Process.Pid)
	}
	if len(tree) < 2 {
		t.Fatalf("the shell's sleep never started: %s", Describe(tree))
	}
	start := time.Now()
	Stop(tree, 300*time.Millisecond)
	stubborn.Wait()
	for _, pr := range tree {
		if !waitGone(pr.PID) {
			t.Errorf("still running after SIGKILL: %s", Describe([]Proc{pr}))
		}
	}
	if time.Since(start) < 300*time.Millisecond {
		t.Error("stopProcs did not wait the grace time before SIGKILL")
	}
}

func TestListenersSeesWhereThisProcessListens(t *testing.T) {
	for _, network := range []string{"tcp4", "tcp6"} {
		host := map[string]string{"tcp4": "127.0.0.1", "tcp6": "[::1]"}[network]
		l, err := net.Listen(network, host+":0")
		if err != nil {
			t.Logf("%s: %v (skipped)", network, err)
			continue
		}
		want := netip.MustParseAddrPort(l.Addr().String())
		me, _ := Read(os.Getpid())
		found := false
		for _, ls := range Listeners([]Proc{me}) {
			found = found || (ls.Addr == want && ls.Proc.PID == me.PID)
		}
		if !found {
			t.Errorf("listeners(this process) = %v, lacks %s", Listeners([]Proc{me}), want)
		}
		l.Close()
	}
	// The kernel prints 127.0.0.1 as the 32-bit word its bytes make: 0100007F on amd64.
	word := fmt.Sprintf("%08X:1F90", binary.NativeEndian.Uint32([]byte{127, 0, 0, 1}))
	if addr, ok := procNetAddr(word); !ok || addr.String() != "127.0.0.1:8080" {
		t.Errorf("procNetAddr(%s) = %v, %v", word, addr, ok)
	}
}
