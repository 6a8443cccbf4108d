package main

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
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
	p, inst, err := setupHere()
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

	// Executing the lessons for export is also their check: a failing cell fails this step.
	start = time.Now()
	exportDir := filepath.Join(p.Root, "out", "export")
	var pages []exportedPage
	notebooks, err := p.lessons()
	if err == nil {
		pages, err = p.export(inst.Jupyter, notebooks, exportDir, *timeout)
	}
	record("check and export notebooks/", start, err)

	start = time.Now()
	chromium, err := p.ensureChromium()
	if err == nil && len(pages) > 0 {
		var browserPages []browserPage
		for _, pg := range pages {
			browserPages = append(browserPages, browserPage{Name: pg.File, URL: fileURL(filepath.Join(exportDir, pg.File)), Offline: true})
		}
		var results []browserResult
		results, err = p.browserCheck(chromium, browserPages, filepath.Join(p.Root, "out", "screenshots"))
		if err == nil {
			err = browserFailures(results)
		}
	} else if err == nil {
		err = fmt.Errorf("no exported pages to open")
	}
	record("browser: exported lessons, offline", start, err)

	start = time.Now()
	if err == nil || chromium != "" {
		err = p.liveBrowserCheck(inst.Jupyter, chromium, notebooks)
	}
	record("browser: one lesson run live in Jupyter", start, err)
	p.classroomStep(chromium, record)
	fmt.Fprintf(out, "test: %d passed, %d failed\n", passed, failed)
	if failed > 0 {
		return fmt.Errorf("%d of %d steps failed", failed, passed+failed)
	}
	return nil
}

// liveBrowserCheck runs one lesson (the first that draws a chart) with Run All in a real
// Jupyter server in Chromium and checks it like an exported page. The lesson is copied
// to out/live first: Jupyter saves notebooks it runs, and notebooks/ is never written.
func (p *project) liveBrowserCheck(j *jupyter, chromium string, notebooks []string) error {
	if len(notebooks) == 0 {
		return fmt.Errorf("no lessons")
	}
	lesson := notebooks[0]
	for _, nb := range notebooks {
		if src, err := os.ReadFile(nb); err == nil && strings.Contains(string(src), ".Show()") {
			lesson = nb
			break
		}
	}
	liveDir := filepath.Join(p.Root, "out", "live")
	if err := os.MkdirAll(liveDir, 0o755); err != nil {
		return err
	}
	data, err := os.ReadFile(lesson)
	if err != nil {
		return err
	}
	name := filepath.Base(lesson)
	if err := os.WriteFile(filepath.Join(liveDir, name), data, 0o644); err != nil {
		return err
	}
	logFile, err := os.Create(filepath.Join(p.logDir(), "live-jupyter.log"))
	if err != nil {
		return err
	}
	defer logFile.Close()

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	ready := make(chan string, 1)
	done := make(chan error, 1)
	go func() {
		done <- p.lab(ctx, j, labOptions{Port: 18888, Log: logFile, Ready: func(u string) { ready <- u }})
	}()
	var address string
	select {
	case address = <-ready:
	case err := <-done:
		return fmt.Errorf("jupyter did not start: %v (log: %s)", err, logFile.Name())
	}
	u, err := url.Parse(address)
	if err != nil {
		return err
	}
	origin := u.Scheme + "://" + u.Host
	page := "/notebooks/out/live/" + name
	if j.App == "lab" {
		page = "/lab/tree/out/live/" + name
	}
	results, err := p.browserCheck(chromium, []browserPage{{
		Name: "live-" + strings.TrimSuffix(name, ".ipynb"), URL: origin + page + "?token=" + u.Query().Get("token"),
		Origin: origin, RunAll: true, Ignore: jupyterNoise,
	}}, filepath.Join(p.Root, "out", "screenshots"))
	cancel()
	if stopErr := <-done; err == nil && stopErr != nil {
		err = stopErr
	}
	if err != nil {
		return err
	}
	return browserFailures(results)
}
