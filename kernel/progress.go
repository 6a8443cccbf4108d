package main

import (
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

// out is where progress lines go; tests replace it.
var out io.Writer = os.Stdout

// status prints one setup line: "setup: <what> ... <result>".
func status(what, result string) {
	fmt.Fprintf(out, "setup: %-34s %s\n", what, result)
}

// runLogged runs cmd with its output sent to a log file under the project's
// logs folder, printing a heartbeat every 15 s so a slow step shows progress.
// On failure the error carries the log's last lines and its path.
func (p *project) runLogged(what string, cmd *exec.Cmd) error {
	if err := os.MkdirAll(p.logDir(), 0o755); err != nil {
		return err
	}
	logPath := filepath.Join(p.logDir(), strings.ReplaceAll(what, " ", "-")+".log")
	logFile, err := os.Create(logPath)
	if err != nil {
		return err
	}
	defer logFile.Close()
	fmt.Fprintf(logFile, "$ %s\n", strings.Join(cmd.Args, " "))
	cmd.Stdout, cmd.Stderr = logFile, logFile

	start := time.Now()
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	tick := time.NewTicker(15 * time.Second)
	defer tick.Stop()
	for {
		select {
		case err := <-done:
			if err != nil {
				return fmt.Errorf("%s failed (%v); last lines of %s:\n%s", what, err, logPath, tail(logPath, 15))
			}
			return nil
		case <-tick.C:
			fmt.Fprintf(out, "setup:   ... %s, %.0f s so far (log: %s)\n", what, time.Since(start).Seconds(), logPath)
		}
	}
}

// tail returns the last n lines of a file, indented.
func tail(path string, n int) string {
	data, _ := os.ReadFile(path)
	return "    " + strings.ReplaceAll(tailLines(string(data), n), "\n", "\n    ")
}

// tailLines returns the last n lines of s.
func tailLines(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

// failures reports how many results are not ok, as "N of M <what>", or nil.
func failures[T any](results []T, ok func(T) bool, what string) error {
	failed := 0
	for _, r := range results {
		if !ok(r) {
			failed++
		}
	}
	if failed > 0 {
		return fmt.Errorf("%d of %d %s", failed, len(results), what)
	}
	return nil
}

// seconds formats a duration for status lines.
func seconds(d time.Duration) string { return fmt.Sprintf("%.1f s", d.Seconds()) }
