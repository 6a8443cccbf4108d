//go:build linux

package main

import (
	"bufio"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chainrule-go/backprop/kernel/internal/checkout"
	"github.com/chainrule-go/backprop/kernel/internal/install"
	"github.com/chainrule-go/backprop/kernel/internal/procs"
	"github.com/chainrule-go/backprop/kernel/internal/testkit"
)

// kernelName is the kernelspec of TestKernelCompletesOnceGoplsIsReady, in a folder of
// its own that only its Jupyter client reads.
const kernelName = "gopls-stand-in-test"

// kernelspec writes, under a new JUPYTER_PATH folder, the installed kernelspec with l's
// bin first on its PATH, and GoNB's log in logFile, and returns the folder.
func (l layout) kernelspec(t *testing.T, logFile string) string {
	t.Helper()
	dataDir, err := install.DataDir()
	if err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(install.KernelspecFile(dataDir))
	if err != nil {
		t.Fatal(err)
	}
	var spec install.Kernelspec
	if err := json.Unmarshal(raw, &spec); err != nil {
		t.Fatal(err)
	}
	spec.Env["PATH"] = l.bin + string(os.PathListSeparator) + spec.Env["PATH"]
	for i, arg := range spec.Argv {
		if strings.HasPrefix(arg, "-log_file=") {
			spec.Argv[i] = "-log_file=" + logFile
		}
	}
	raw, err = json.Marshal(spec)
	if err != nil {
		t.Fatal(err)
	}
	specs := t.TempDir()
	testkit.WriteFile(t, filepath.Join(specs, "kernels", kernelName, "kernel.json"), string(raw))
	return specs
}

// TestKernelCompletesOnceGoplsIsReady: a kernel of the lessons started while setup was
// still building gopls (the stand-in on its PATH, the real gopls not stamped) has no
// completions for `fmt.Prin`; once the stamp is written, the same kernel completes it.
// When the kernel shuts down, nothing it started through gopls is left.
func TestKernelCompletesOnceGoplsIsReady(t *testing.T) {
	l := newLayout(t)
	j, err := install.Installed(testkit.Checkout(t))
	testkit.Require(t, err)
	logs := t.TempDir()
	specs := l.kernelspec(t, filepath.Join(logs, "gonb.log"))
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, j.Python, filepath.Join("testdata", "complete.py"), kernelName, "120")
	cmd.Env = append(os.Environ(), "JUPYTER_PATH="+specs, l.mark)
	stderr, err := os.Create(filepath.Join(logs, "client.log"))
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() {
		if t.Failed() {
			t.Logf("the client's log:\n%s\nGoNB's log:\n%s", checkout.Tail(stderr.Name(), 20), checkout.Tail(filepath.Join(logs, "gonb.log"), 20))
		}
	}()
	lines := bufio.NewScanner(stdout)
	var answer struct {
		Matches []string
		Seconds float64
	}
	read := func(when string) {
		t.Helper()
		if !lines.Scan() || json.Unmarshal(lines.Bytes(), &answer) != nil {
			t.Fatalf("%s: the client stopped without answering (%v): %s", when, lines.Err(), lines.Text())
		}
	}

	read("before gopls was ready")
	if len(answer.Matches) > 0 {
		t.Fatalf("before gopls was ready: matches %q, want none (the stand-in answers)", answer.Matches)
	}
	l.markReady(t)
	stdin.Write([]byte("ready\n"))
	read("after gopls was ready")
	if !slices.ContainsFunc(answer.Matches, func(m string) bool { return strings.HasSuffix(m, "Println") }) {
		t.Fatalf("%.1f s after gopls was ready: matches %q, want Println", answer.Seconds, answer.Matches)
	}
	t.Logf("completion of fmt.Prin came %.1f s after gopls was ready", answer.Seconds)
	if err := cmd.Wait(); err != nil {
		t.Fatalf("the client: %v", err)
	}
	if left := leftWith(l.mark, 30*time.Second); len(left) > 0 {
		t.Errorf("left behind by the kernel: %s", procs.Describe(left))
	}
}
