package checkout

import (
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"time"
)

// Out is where progress lines go; tests replace it.
var Out io.Writer = os.Stdout

// outMu keeps the lines of steps that run at once whole.
var outMu sync.Mutex

// Printf prints to Out, one whole write at a time.
func Printf(format string, args ...any) {
	outMu.Lock()
	defer outMu.Unlock()
	fmt.Fprintf(Out, format, args...)
}

// Status prints one setup line: "setup: <what> ... <result>".
func Status(what, result string) {
	Printf("setup: %-34s %s\n", what, result)
}

// RunLogged runs cmd with its output sent to a log file under the checkout's
// logs folder, printing a heartbeat every 15 s so a slow step shows progress.
// On failure the error carries the log's last lines and its path.
func (c *Checkout) RunLogged(what string, cmd *exec.Cmd) error {
	if err := os.MkdirAll(c.LogDir(), 0o755); err != nil {
		return err
	}
	logPath := filepath.Join(c.LogDir(), strings.ReplaceAll(what, " ", "-")+".log")
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
				return fmt.Errorf("%s failed (%v); last lines of %s:\n%s", what, err, logPath, Tail(logPath, 15))
			}
			return nil
		case <-tick.C:
			Printf("setup:   ... %s, %.0f s so far (log: %s)\n", what, time.Since(start).Seconds(), logPath)
		}
	}
}

// Tail returns the last n lines of a file, indented.
func Tail(path string, n int) string {
	data, _ := os.ReadFile(path)
	return "    " + strings.ReplaceAll(TailLines(string(data), n), "\n", "\n    ")
}

// TailLines returns the last n lines of s.
func TailLines(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

// FirstLine returns s up to its first newline.
func FirstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}

// LastLine returns the last non-empty line of s.
func LastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return strings.TrimSpace(lines[len(lines)-1])
}

// Failures reports how many results are not ok, as "N of M <what>", or nil.
func Failures[T any](results []T, ok func(T) bool, what string) error {
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

// Seconds formats a duration for status lines.
func Seconds(d time.Duration) string { return fmt.Sprintf("%.1f s", d.Seconds()) }
