package install

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chainrule-go/backprop/kernel/internal/checkout"
	"github.com/chainrule-go/backprop/kernel/internal/testkit"
)

func TestKernelspecWritten(t *testing.T) {
	p := testkit.Checkout(t)
	log := testkit.CaptureOut(t)
	data := t.TempDir()
	dir, err := InstallKernelspec(p, data)
	if err != nil {
		t.Fatal(err)
	}
	if want := filepath.Join(data, "kernels", "gonb-backprop"); dir != want {
		t.Errorf("kernelspec folder = %s, want %s", dir, want)
	}
	var spec Kernelspec
	raw, err := os.ReadFile(filepath.Join(dir, "kernel.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(raw, &spec); err != nil {
		t.Fatal(err)
	}
	wantArgv := []string{filepath.Join(p.Root, ".kernel", "bin", "gonb"), "--kernel", "{connection_file}", "-go_work=" + p.Root,
		"-logtostderr=false", "-stderrthreshold=WARNING", "-log_file=" + filepath.Join(p.Root, ".kernel", "logs", "gonb.log")}
	if strings.Join(spec.Argv, " ") != strings.Join(wantArgv, " ") {
		t.Errorf("argv = %q, want %q", spec.Argv, wantArgv)
	}
	if !filepath.IsAbs(p.Root) {
		t.Errorf("-go_work path %q is not absolute", p.Root)
	}
	path := spec.Env["PATH"]
	if !strings.HasPrefix(path, p.BinDir()+string(os.PathListSeparator)) || !strings.HasSuffix(path, "${PATH}") {
		t.Errorf("kernel PATH = %q: want goimports/gopls folder first and the inherited PATH last", path)
	}
	if spec.Env["TMPDIR"] != filepath.Join(p.Root, ".kernel", "tmp") || !checkout.Exists(spec.Env["TMPDIR"]) {
		t.Errorf("kernel TMPDIR = %q, want the checkout's .kernel/tmp, created", spec.Env["TMPDIR"])
	}
	if spec.Env["GOPROXY"] != "off" {
		t.Errorf("kernel GOPROXY = %q, want off (cells resolve imports from the module cache)", spec.Env["GOPROXY"])
	}
	if spec.Env["GOFLAGS"] != cellGoFlags {
		t.Errorf("kernel GOFLAGS = %q, want %q", spec.Env["GOFLAGS"], cellGoFlags)
	}
	if real, err := realGo(); err != nil || spec.Env[RealGoEnv] != real || !filepath.IsAbs(real) {
		t.Errorf("kernel env %s = %q, want the real go command's absolute path %q (%v)", RealGoEnv, spec.Env[RealGoEnv], real, err)
	}
	if spec.Env["BACKPROP_CHECKOUT"] != p.Root {
		t.Errorf("kernel env BACKPROP_CHECKOUT = %q, want %q", spec.Env["BACKPROP_CHECKOUT"], p.Root)
	}
	if spec.Language != "go" || spec.DisplayName == "" {
		t.Errorf("language %q, display name %q", spec.Language, spec.DisplayName)
	}
	if !strings.Contains(log.String(), "installed in "+dir) {
		t.Errorf("status lines do not say where the kernelspec went:\n%s", log)
	}
}

func TestKernelspecIdempotentAndLeavesOthersAlone(t *testing.T) {
	p := testkit.Checkout(t)
	log := testkit.CaptureOut(t)
	data := t.TempDir()

	// A user's own GoNB kernelspec sits beside ours and must not change.
	userSpec := filepath.Join(data, "kernels", "gonb", "kernel.json")
	os.MkdirAll(filepath.Dir(userSpec), 0o755)
	userBytes := []byte(`{"argv": ["/opt/go-tools/bin/gonb", "--kernel", "{connection_file}"], "display_name": "Go (gonb)", "language": "go"}`)
	if err := os.WriteFile(userSpec, userBytes, 0o644); err != nil {
		t.Fatal(err)
	}

	dir, err := InstallKernelspec(p, data)
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(dir, "kernel.json")
	first, _ := os.ReadFile(file)
	before, _ := os.Stat(file)
	time.Sleep(10 * time.Millisecond)
	log.Reset()
	if _, err := InstallKernelspec(p, data); err != nil {
		t.Fatal(err)
	}
	second, _ := os.ReadFile(file)
	after, _ := os.Stat(file)
	if !bytes.Equal(first, second) || !before.ModTime().Equal(after.ModTime()) {
		t.Error("a second install rewrote kernel.json")
	}
	if !strings.Contains(log.String(), "up to date") {
		t.Errorf("second install should report up to date, printed:\n%s", log)
	}
	if got, _ := os.ReadFile(userSpec); !bytes.Equal(got, userBytes) {
		t.Error("the user's gonb kernelspec was changed")
	}
}

// TestFreshCloneWithAnUpToDateKernelspecGetsItsTmp: a new clone at the path of an old
// one finds the kernelspec up to date, but its .kernel/tmp (the kernel's TMPDIR) does
// not exist yet; without it GoNB dies before it answers (CI at stop 14).
func TestFreshCloneWithAnUpToDateKernelspecGetsItsTmp(t *testing.T) {
	testkit.CaptureOut(t)
	data := t.TempDir()
	p := &checkout.Checkout{Root: t.TempDir()}
	if _, err := InstallKernelspec(p, data); err != nil {
		t.Fatal(err)
	}
	if err := os.RemoveAll(p.StateDir()); err != nil { // the old clone is gone
		t.Fatal(err)
	}
	if _, err := InstallKernelspec(p, data); err != nil {
		t.Fatal(err)
	}
	for _, d := range []string{p.TmpDir(), p.LogDir()} {
		if !checkout.Exists(d) {
			t.Errorf("the kernelspec was up to date, and the kernel's folder %s was not created", d)
		}
	}
}

func TestKernelspecMovesToThisCheckoutAndSaysSo(t *testing.T) {
	p := testkit.Checkout(t)
	log := testkit.CaptureOut(t)
	data := t.TempDir()
	other := &checkout.Checkout{Root: t.TempDir()}
	if _, err := InstallKernelspec(other, data); err != nil {
		t.Fatal(err)
	}
	log.Reset()
	if _, err := InstallKernelspec(p, data); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(log.String(), "it served the checkout "+other.Root+" before") {
		t.Errorf("setup did not say the kernelspec moved from %s:\n%s", other.Root, log)
	}
	raw, _ := os.ReadFile(KernelspecFile(data))
	if !strings.Contains(string(raw), `"-go_work=`+p.Root+`"`) {
		t.Errorf("kernel.json does not point at this checkout:\n%s", raw)
	}
}

func TestKernelspecNotOursIsNotOverwritten(t *testing.T) {
	p := testkit.Checkout(t)
	testkit.CaptureOut(t)
	data := t.TempDir()
	file := KernelspecFile(data)
	os.MkdirAll(filepath.Dir(file), 0o755)
	foreign := []byte(`{"argv": ["something-else"], "display_name": "Someone else's", "language": "go"}`)
	os.WriteFile(file, foreign, 0o644)

	_, err := InstallKernelspec(p, data)
	if err == nil || !strings.Contains(err.Error(), "was not written by this project") || !strings.Contains(err.Error(), file) {
		t.Fatalf("want an error naming %s as not ours, got %v", file, err)
	}
	if got, _ := os.ReadFile(file); !bytes.Equal(got, foreign) {
		t.Error("a kernelspec this project did not write was overwritten")
	}
}

func TestMissingJupyterSaysWhatToRun(t *testing.T) {
	testkit.CaptureOut(t)
	p := &checkout.Checkout{Root: t.TempDir()} // no venv here
	t.Setenv("PATH", t.TempDir())              // and no jupyter on PATH
	old := debianJupyter
	debianJupyter = filepath.Join(t.TempDir(), "jupyter") // nor Debian's
	t.Cleanup(func() { debianJupyter = old })
	_, err := EnsureJupyter(p, Options{})
	if err == nil {
		t.Fatal("want an error when Jupyter is missing and nothing may be installed")
	}
	for _, want := range []string{
		"Jupyter was not found",
		"python3 -m pip install --user jupyterlab==4.6.6 notebook==7.6.5 nbclient==0.11.0 nbconvert==7.17.2",
		"apt-get install -y jupyter-notebook jupyter-nbconvert python3-nbclient",
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("message lacks %q:\n%v", want, err)
		}
	}
}

func TestJupyterWithoutLabOrNotebookIsRejected(t *testing.T) {
	dir := t.TempDir()
	bin := filepath.Join(dir, "jupyter")
	os.WriteFile(bin, []byte("#!/usr/bin/python3\n"), 0o755)
	_, err := inspectJupyter(bin)
	if err == nil || !strings.Contains(err.Error(), "neither lab nor notebook") {
		t.Fatalf("got %v", err)
	}
}

func TestShebangPython(t *testing.T) {
	dir := t.TempDir()
	for script, want := range map[string]string{
		"#!/usr/bin/python3\n":           "/usr/bin/python3",
		"#!/usr/bin/env python3.11\n":    "python3.11",
		"#!/bin/sh\nexec something\n":    "python3",
		"no shebang at all\n":            "python3",
		"#!/opt/venv/bin/python -E -s\n": "/opt/venv/bin/python",
	} {
		f := filepath.Join(dir, "jupyter")
		os.WriteFile(f, []byte(script), 0o755)
		if got := shebangPython(f); got != want {
			t.Errorf("shebangPython(%q) = %q, want %q", script, got, want)
		}
	}
}

func TestSecondSetupDoesNoWork(t *testing.T) {
	p := testkit.Checkout(t)
	_, err := Installed(p)
	testkit.Require(t, err)
	log := testkit.CaptureOut(t)
	stamp := filepath.Join(p.BinDir(), ".stamp")
	before, err := os.Stat(stamp)
	if err != nil {
		t.Fatal(err)
	}
	if _, err = Setup(p); err != nil {
		t.Fatal(err)
	}
	after, _ := os.Stat(stamp)
	if !before.ModTime().Equal(after.ModTime()) {
		t.Error("setup rebuilt the tools although nothing changed")
	}
	for _, what := range []string{"kernel binaries (gonb, goimports)", "go command for cells", "gopls stand-in", "gopls (code completion)", "kernelspec gonb-backprop", "front-end assets (npm ci)"} {
		if !strings.Contains(log.String(), fmt.Sprintf("setup: %-34s up to date\n", what)) {
			t.Errorf("setup output does not say %s is up to date:\n%s", what, log)
		}
	}
}

func TestFindProjectOutsideCheckout(t *testing.T) {
	_, err := checkout.Find(t.TempDir())
	if err == nil || !strings.Contains(err.Error(), "run this command from the repository's folder") {
		t.Fatalf("got %v", err)
	}
}

// TestHalfBuiltVenvIsNotUsed: a venv that pip did not finish (no stamp), that holds
// other versions, or whose jupyter is gone is reported, not used, so setup rebuilds it.
func TestHalfBuiltVenvIsNotUsed(t *testing.T) {
	p := &checkout.Checkout{Root: t.TempDir()}
	if why := venvProblem(p); !strings.Contains(why, "no venv") {
		t.Errorf("no venv: %q", why)
	}
	bin := filepath.Join(p.VenvDir(), "bin")
	os.MkdirAll(bin, 0o755)
	for _, f := range []string{"jupyter", "jupyter-lab", "python"} {
		os.WriteFile(filepath.Join(bin, f), []byte("#!/bin/sh\n"), 0o755)
	}
	if why := venvProblem(p); !strings.Contains(why, "half-built") {
		t.Errorf("venv without the stamp: %q", why)
	}
	os.WriteFile(venvStamp(p), []byte("jupyterlab==4.0.0"), 0o644)
	if why := venvProblem(p); !strings.Contains(why, "other versions") {
		t.Errorf("venv with other pins: %q", why)
	}
	os.WriteFile(venvStamp(p), []byte(strings.Join(PipPins, "\n")), 0o644)
	if why := venvProblem(p); why != "" {
		t.Errorf("complete venv: %q", why)
	}
	// A complete venv is taken at its stamp's word: its fake python is never run.
	if lab, _, _ := FindJupyter(p, false); lab == nil || lab.Bin != venvJupyter(p) ||
		!slices.Contains(PipPins, "jupyterlab=="+lab.Lab) || !slices.Contains(PipPins, "notebook=="+lab.Notebook) {
		t.Errorf("complete venv: findJupyter gives %+v, want the venv's jupyter at the pinned versions", lab)
	}
	os.Remove(filepath.Join(bin, "jupyter"))
	if why := venvProblem(p); !strings.Contains(why, "broken") {
		t.Errorf("venv without jupyter: %q", why)
	}
	t.Setenv("PATH", t.TempDir())
	old := debianJupyter
	debianJupyter = filepath.Join(t.TempDir(), "jupyter")
	t.Cleanup(func() { debianJupyter = old })
	lab, classic, reasons := FindJupyter(p, true)
	if lab != nil || classic != nil || len(reasons) != 1 || !strings.Contains(reasons[0], "broken") {
		t.Errorf("findJupyter used a broken venv: %v %v %q", lab, classic, reasons)
	}
}

// TestKernelspecNeedsGo: both kernelspecs, the checkout's and the class's, come from
// NewKernelspec, which names a missing go command instead of writing a PATH without it.
func TestKernelspecNeedsGo(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	_, err := NewKernelspec([]string{"gonb"}, nil, nil, nil, "/checkout")
	if err == nil || !strings.Contains(err.Error(), "the go command is not on PATH") {
		t.Errorf("got %v", err)
	}
}

func TestNewKernelspecPutsGoBetweenTheGivenFolders(t *testing.T) {
	spec, err := NewKernelspec([]string{"gonb", "--kernel", "{connection_file}"}, []string{"/first"}, []string{"/last"},
		map[string]string{"TMPDIR": "/tmp/k"}, "/checkout")
	if err != nil {
		t.Fatal(err)
	}
	path := strings.Split(spec.Env["PATH"], string(os.PathListSeparator))
	if len(path) != 3 || path[0] != "/first" || path[2] != "/last" || !filepath.IsAbs(path[1]) {
		t.Errorf("PATH = %q", spec.Env["PATH"])
	}
	if spec.Env["GOPROXY"] != "off" || spec.Env["TMPDIR"] != "/tmp/k" || spec.Metadata[OwnerKey] != "/checkout" || spec.DisplayName != DisplayName {
		t.Errorf("spec = %+v", spec)
	}
}

// TestKernelGoStandsFirstOnTheKernelsPath: after setup, the go that the kernel's PATH
// finds first is kernelgo, and through it the real go answers as itself.
func TestKernelGoStandsFirstOnTheKernelsPath(t *testing.T) {
	p := testkit.Checkout(t)
	_, err := Installed(p)
	testkit.Require(t, err)
	spec, err := kernelspecFor(p)
	if err != nil {
		t.Fatal(err)
	}
	first := strings.Split(spec.Env["PATH"], string(os.PathListSeparator))[0]
	cmd := exec.Command(filepath.Join(first, "go"), "env", "GOROOT")
	cmd.Env = append(os.Environ(), RealGoEnv+"="+spec.Env[RealGoEnv])
	got, err := cmd.Output()
	want, _ := exec.Command(spec.Env[RealGoEnv], "env", "GOROOT").Output()
	if err != nil || len(want) == 0 || string(got) != string(want) {
		t.Errorf("go env GOROOT through %s/go = %q, %v; the real go says %q", first, got, err, want)
	}
	stamp, err := kernelGo.stamp(p, mustToolsStamp(t, p))
	if err != nil {
		t.Fatal(err)
	}
	if old, _ := os.ReadFile(kernelGo.stampPath(p)); string(old) != stamp {
		t.Errorf("kernelgo's stamp %q is not the stamp of its source %q", old, stamp)
	}
}

func mustToolsStamp(t *testing.T, p *checkout.Checkout) string {
	t.Helper()
	stamp, err := ToolsStamp(p)
	if err != nil {
		t.Fatal(err)
	}
	return stamp
}
