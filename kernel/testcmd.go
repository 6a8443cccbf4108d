package main

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// requireEnv, when set, turns tests that need the installed kernel and Jupyter
// from skipped into failed: `kernel test` sets it after setup.
const requireEnv = "BACKPROP_REQUIRE_KERNEL"

// testRun is what the steps of `kernel test` share.
type testRun struct {
	p         *project
	inst      *installation
	timeout   time.Duration // longest one notebook cell may run
	chromium  string
	notebooks []string
	pages     []exportedPage // written by the export step, opened by the offline step
}

// testStep is one line of `kernel test`'s report.
type testStep struct {
	key, name string
	run       func(*testRun) error
}

// testSteps run in this order; each one's failure is reported and the next runs.
var testSteps = []testStep{
	{"vet", "go vet ./...", func(r *testRun) error { return r.goCmd("vet", "./...") }},
	{"unit", "go test ./...", func(r *testRun) error { return r.goCmd("test", "./...") }},
	{"notebooks", "check and export notebooks/", (*testRun).checkAndExport},
	{"offline", "browser: exported lessons, offline", (*testRun).offline},
	{"live", "browser: every lesson run live in Jupyter", (*testRun).live},
	{"classroom", "classroom", (*testRun).classroom},
}

// errSkipped, wrapped in a step's error, reports the step as skipped with the reason
// instead of failed (the classroom step outside root).
var errSkipped = errors.New("skipped")

func cmdTest(args []string) error {
	var keys []string
	for _, s := range testSteps {
		keys = append(keys, s.key)
	}
	fs := newFlags("test", "[--timeout 2m] [--only "+strings.Join(keys, ",")+"]")
	timeout := fs.Duration("timeout", 2*time.Minute, "longest one notebook cell may run")
	only := fs.String("only", "", "comma-separated steps to run (default: all)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	var steps []testStep
	for _, s := range testSteps {
		if *only == "" || slices.Contains(strings.Split(*only, ","), s.key) {
			steps = append(steps, s)
		}
	}
	if len(steps) == 0 {
		return fmt.Errorf("--only %q names no step; the steps are %s", *only, strings.Join(keys, ", "))
	}
	p, inst, err := setupHere()
	if err != nil {
		return err
	}
	r := &testRun{p: p, inst: inst, timeout: *timeout}
	// Chromium comes first: the unit tests of the browser check need it too.
	if r.chromium, err = p.ensureChromium(); err != nil {
		return err
	}
	if r.notebooks, err = p.lessons(); err != nil {
		return err
	}
	passed, failed := 0, 0
	for _, s := range steps {
		start := time.Now()
		err := s.run(r)
		if errors.Is(err, errSkipped) {
			fmt.Fprintf(out, "test: skip %s: %v\n", s.name, err)
			continue
		}
		if err != nil {
			failed++
			fmt.Fprintf(out, "test: FAIL %s (%s): %v\n", s.name, seconds(time.Since(start)), err)
			continue
		}
		passed++
		fmt.Fprintf(out, "test: ok   %s (%s)\n", s.name, seconds(time.Since(start)))
	}
	fmt.Fprintf(out, "test: %d passed, %d failed\n", passed, failed)
	if failed > 0 {
		return fmt.Errorf("%d of %d steps failed", failed, passed+failed)
	}
	return nil
}

// goCmd runs the go command in the checkout, with the kernel tests required, not skipped.
func (r *testRun) goCmd(args ...string) error {
	cmd := exec.Command("go", args...)
	cmd.Dir = r.p.Root
	cmd.Env = append(os.Environ(), requireEnv+"=1")
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	return cmd.Run()
}

// checkAndExport executes every lesson for export, which is also their check: a
// failing cell or a broken promise fails this step.
func (r *testRun) checkAndExport() error {
	var err error
	r.pages, err = r.p.export(r.inst.Jupyter, r.notebooks, r.exportDir(), r.timeout)
	return err
}

func (r *testRun) exportDir() string { return filepath.Join(r.p.Root, "out", "export") }

// offline opens every exported page in Chromium with the network off.
func (r *testRun) offline() error {
	if len(r.pages) == 0 {
		return fmt.Errorf("no exported pages to open (the export step did not run or failed)")
	}
	var pages []browserPage
	for _, pg := range r.pages {
		pages = append(pages, browserPage{Name: pg.File, URL: fileURL(filepath.Join(r.exportDir(), pg.File)), Offline: true})
	}
	results, err := r.p.browserCheck(r.chromium, pages, r.p.screenshotDir(), func(_ browserPage, res browserResult) {
		fmt.Fprint(out, res.line("browser", fmt.Sprintf("%-40s", res.Name)))
	})
	if err != nil {
		return err
	}
	return browserFailures(results)
}

func (p *project) screenshotDir() string { return filepath.Join(p.Root, "out", "screenshots") }
