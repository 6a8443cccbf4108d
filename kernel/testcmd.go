package main

import (
	"fmt"
	"os"
	"os/exec"
	"time"
)

// requireEnv, when set, turns tests that need the installed kernel and Jupyter
// from skipped into failed: `kernel test` sets it after setup.
const requireEnv = "BACKPROP_REQUIRE_KERNEL"

func cmdTest(args []string) error {
	fs := newFlags("test", "[--timeout 2m]")
	timeout := fs.Duration("timeout", 2*time.Minute, "longest one notebook cell may run")
	if err := fs.Parse(args); err != nil {
		return err
	}
	p, err := cwdProject()
	if err != nil {
		return err
	}
	inst, err := p.setup()
	if err != nil {
		return err
	}

	passed, failed := 0, 0
	record := func(name string, start time.Time, err error) {
		if err != nil {
			failed++
			fmt.Fprintf(out, "test: FAIL %s (%s): %v\n", name, seconds(time.Since(start)), err)
			return
		}
		passed++
		fmt.Fprintf(out, "test: ok   %s (%s)\n", name, seconds(time.Since(start)))
	}
	goCmd := func(args ...string) error {
		cmd := exec.Command("go", args...)
		cmd.Dir = p.Root
		cmd.Env = append(os.Environ(), requireEnv+"=1")
		cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
		return cmd.Run()
	}

	start := time.Now()
	record("go vet ./...", start, goCmd("vet", "./..."))

	start = time.Now()
	record("go test ./...", start, goCmd("test", "./..."))

	start = time.Now()
	notebooks, err := p.lessons()
	if err == nil {
		var results []checkResult
		results, err = p.execute(inst.Jupyter, notebooks, execOptions{Timeout: *timeout})
		if err == nil {
			err = summarize(results)
		}
	}
	record("check notebooks/", start, err)

	fmt.Fprintf(out, "test: %d passed, %d failed\n", passed, failed)
	if failed > 0 {
		return fmt.Errorf("%d of %d steps failed", failed, passed+failed)
	}
	return nil
}
