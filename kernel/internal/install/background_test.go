package install

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chainrule-go/backprop/kernel/internal/checkout"
	"github.com/chainrule-go/backprop/kernel/internal/procs"
	"github.com/chainrule-go/backprop/kernel/internal/testkit"
)

// goplsCheckout is a checkout of its own, holding this module's go.mod and go.sum only,
// so that building gopls into its .kernel/bin leaves the real checkout's alone. It needs
// setup to have run here (the build cache then holds gopls, and the build is a link).
func goplsCheckout(t *testing.T) (*checkout.Checkout, string) {
	t.Helper()
	real := testkit.Checkout(t)
	_, err := Installed(real)
	testkit.Require(t, err)
	p := &checkout.Checkout{Root: t.TempDir()}
	for _, name := range []string{"go.mod", "go.sum"} {
		data, err := os.ReadFile(filepath.Join(real.Root, name))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(p.Root, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.MkdirAll(p.BinDir(), 0o755); err != nil {
		t.Fatal(err)
	}
	stamp, err := ToolsStamp(p)
	if err != nil {
		t.Fatal(err)
	}
	return p, stamp
}

// stopWhenRunning cancels once a process runs whose command line names the folder
// prefix: the go build of gopls, mid-build. It waits for that, checking /proc.
func stopWhenRunning(prefix string, cancel context.CancelFunc) {
	for {
		for _, pr := range procs.All() {
			if strings.Contains(strings.Join(pr.Args, " "), prefix) {
				cancel()
				return
			}
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// TestStoppedGoplsBuildIsRedone: a gopls build stopped while it runs (lab stopped
// during setup's background step) leaves no gopls, no stamp and no build folder, and says
// so; the next run builds it and says it is ready; the run after finds it up to date.
func TestStoppedGoplsBuildIsRedone(t *testing.T) {
	p, stamp := goplsCheckout(t)
	bin := GoplsPath(p)

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	out := testkit.CaptureOut(t)
	go stopWhenRunning(filepath.Join(p.StateDir(), "gopls-build-"), cancel)
	if err := buildGopls(ctx, p, stamp, true); err != nil {
		t.Fatalf("a stopped build is not an error: %v", err)
	}
	if checkout.Exists(bin) || checkout.Exists(goplsStamp(p)) {
		t.Errorf("a stopped build left gopls (%v) or its stamp (%v)", checkout.Exists(bin), checkout.Exists(goplsStamp(p)))
	}
	if left, _ := filepath.Glob(filepath.Join(p.StateDir(), "gopls-build-*")); len(left) > 0 {
		t.Errorf("a stopped build left its folder: %v", left)
	}
	if !strings.Contains(out.String(), "stopped before it was built; the next run builds it") {
		t.Errorf("the stopped build did not say so:\n%s", out)
	}

	out = testkit.CaptureOut(t)
	if err := buildGopls(context.Background(), p, stamp, true); err != nil {
		t.Fatal(err)
	}
	info, err := os.Stat(bin)
	if err != nil || info.Mode()&0o111 == 0 {
		t.Fatalf("the next run did not build an executable gopls: %v", err)
	}
	if got, _ := os.ReadFile(goplsStamp(p)); string(got) != stamp {
		t.Errorf("stamp = %q, want %q", got, stamp)
	}
	if !strings.Contains(out.String(), "gopls (code completion)            ready in ") ||
		!strings.Contains(out.String(), "code completion (Tab) works from now on, in kernels already running too") {
		t.Errorf("the build did not say gopls is ready and that running kernels complete code too:\n%s", out)
	}

	out = testkit.CaptureOut(t)
	if err := buildGopls(context.Background(), p, stamp, true); err != nil {
		t.Fatal(err)
	}
	again, _ := os.Stat(bin)
	if !again.ModTime().Equal(info.ModTime()) || !strings.Contains(out.String(), "gopls (code completion)            up to date") {
		t.Errorf("a third run rebuilt gopls or did not say it was up to date:\n%s", out)
	}
}

// TestGoplsWithoutItsStampIsRebuilt: a gopls whose stamp was never written (the run
// ended between the rename and the stamp) or is from other inputs is built again.
func TestGoplsWithoutItsStampIsRebuilt(t *testing.T) {
	p, stamp := goplsCheckout(t)
	bin := GoplsPath(p)
	if err := os.MkdirAll(filepath.Dir(bin), 0o755); err != nil {
		t.Fatal(err)
	}
	for _, old := range []string{"", "an older go.mod"} {
		os.Remove(goplsStamp(p))
		if old != "" {
			os.WriteFile(goplsStamp(p), []byte(old), 0o644)
		}
		if err := os.WriteFile(bin, []byte("#!/bin/sh\nexit 1\n"), 0o755); err != nil {
			t.Fatal(err)
		}
		out := testkit.CaptureOut(t)
		if err := buildGopls(context.Background(), p, stamp, false); err != nil {
			t.Fatal(err)
		}
		if data, _ := os.ReadFile(bin); bytes.HasPrefix(data, []byte("#!")) {
			t.Errorf("stamp %q: the stale gopls was kept", old)
		}
		if !strings.Contains(out.String(), "gopls (code completion)            built in ") {
			t.Errorf("stamp %q: no line says gopls was built:\n%s", old, out)
		}
	}
}

// TestStandInFollowsItsSource: setup builds the gopls stand-in as .kernel/bin/gopls in
// a fresh clone, which has no .kernel yet, finds it up to date the next time, and builds
// it again once its source has changed.
func TestStandInFollowsItsSource(t *testing.T) {
	p, stamp := goplsCheckout(t)
	if err := os.RemoveAll(p.StateDir()); err != nil {
		t.Fatal(err)
	}
	real := testkit.Checkout(t)
	src := filepath.Join(p.Root, goplsStandIn.pkg)
	sources, _ := filepath.Glob(filepath.Join(real.Root, goplsStandIn.pkg, "*.go"))
	for _, f := range sources {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		testkit.WriteFile(t, filepath.Join(src, filepath.Base(f)), string(data))
	}
	bin := filepath.Join(p.BinDir(), "gopls")
	for i, want := range []string{"built in ", "up to date", "built in "} {
		if i == 2 {
			f, _ := os.OpenFile(filepath.Join(src, "main.go"), os.O_APPEND|os.O_WRONLY, 0)
			f.WriteString("\n// changed\n")
			f.Close()
		}
		out := testkit.CaptureOut(t)
		if err := goplsStandIn.ensure(p, stamp); err != nil {
			t.Fatal(err)
		}
		if line := fmt.Sprintf("setup: %-34s %s", "gopls stand-in", want); !strings.Contains(out.String(), line) {
			t.Errorf("run %d: want %q, got:\n%s", i+1, line, out)
		}
	}
	if msg, _ := exec.Command(bin, "version").CombinedOutput(); !strings.Contains(string(msg), "stand-in") {
		t.Errorf("%s is not the stand-in: %s", bin, msg)
	}
}

// TestTogetherRunsStepsAtOnceAndJoinsErrors: each step waits for the other to have
// started, which only steps running at once can do; both errors come back.
func TestTogetherRunsStepsAtOnceAndJoinsErrors(t *testing.T) {
	a, b := make(chan struct{}), make(chan struct{})
	meet := func(mine, theirs chan struct{}, err error) func() error {
		return func() error {
			close(mine)
			select {
			case <-theirs:
				return err
			case <-time.After(time.Minute):
				return errors.New("the other step never started: the steps ran one after another")
			}
		}
	}
	errA, errB := errors.New("pip failed"), errors.New("npm failed")
	err := together(meet(a, b, errA), meet(b, a, errB))
	if !errors.Is(err, errA) || !errors.Is(err, errB) || strings.Contains(err.Error(), "never started") {
		t.Errorf("together = %v, want both steps' errors", err)
	}
	if err := together(func() error { return nil }); err != nil {
		t.Errorf("together of a step that succeeds = %v", err)
	}
}

// TestBackgroundSaysWhenItIsDone: Done is false while the step runs and true after;
// Wait returns the step's error.
func TestBackgroundSaysWhenItIsDone(t *testing.T) {
	release := make(chan struct{})
	want := errors.New("gopls did not build")
	b := inBackground(func() error { <-release; return want })
	if b.Done() {
		t.Error("Done before the step ended")
	}
	close(release)
	if err := b.Wait(); err != want || !b.Done() {
		t.Errorf("after the step: Wait = %v, Done = %v", err, b.Done())
	}
}

// TestVenvCommandsInstallIntoTheVenv: the venv is made without pip where python's pip
// can install into it, else with its own pip; either way pip installs into the venv.
func TestVenvCommandsInstallIntoTheVenv(t *testing.T) {
	python, err := exec.LookPath("python3")
	if err != nil {
		t.Skip("no python3")
	}
	dir := filepath.Join(t.TempDir(), "venv")
	venv, pip := venvCommands(python, dir)
	if out, err := venv.CombinedOutput(); err != nil {
		t.Fatalf("%s: %v\n%s", venv, err, out)
	}
	// pip lists what the venv holds: a fresh venv holds pip at most, where python3's
	// own environment holds more.
	pip.Args = append(pip.Args, "list", "--format=freeze", "--disable-pip-version-check")
	out, err := pip.CombinedOutput()
	if err != nil {
		t.Fatalf("%s: %v\n%s", pip, err, out)
	}
	for _, line := range strings.Fields(string(out)) {
		if name, _, _ := strings.Cut(line, "=="); name != "pip" && name != "setuptools" {
			t.Errorf("%s lists %s: it installs elsewhere than the fresh venv %s", pip, line, dir)
		}
	}
}
