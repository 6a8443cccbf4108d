package main

import (
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

//go:embed runner.py
var runnerPy string

func cmdCheck(args []string) error {
	fs := newFlags("check", "[--timeout 2m] [NOTEBOOK...]")
	timeout := fs.Duration("timeout", 2*time.Minute, "longest one cell may run before the check fails")
	if err := fs.Parse(args); err != nil {
		return err
	}
	p, notebooks, inst, err := setupForNotebooks(fs.Args())
	if err != nil {
		return err
	}
	results, err := p.execute(inst.Jupyter, notebooks, execOptions{Timeout: *timeout})
	if err != nil {
		return err
	}
	return summarize(results)
}

// resolveNotebooks turns the command's arguments into notebook paths; none means every lesson.
func (p *project) resolveNotebooks(args []string) ([]string, error) {
	if len(args) == 0 {
		return p.lessons()
	}
	var paths []string
	for _, a := range args {
		if !strings.HasSuffix(a, ".ipynb") {
			return nil, fmt.Errorf("%s is not a notebook (expected a .ipynb file)", a)
		}
		if _, err := os.Stat(a); err != nil {
			lessons, _ := p.lessons()
			var names []string
			for _, l := range lessons {
				names = append(names, p.rel(l))
			}
			return nil, fmt.Errorf("no such notebook: %s\nthe lessons are: %s", a, strings.Join(names, ", "))
		}
		paths = append(paths, a)
	}
	return paths, nil
}

// rel returns path relative to the checkout when it is inside it.
func (p *project) rel(path string) string {
	abs, err := filepath.Abs(path)
	if err != nil {
		return path
	}
	if r, err := filepath.Rel(p.Root, abs); err == nil && !strings.HasPrefix(r, "..") {
		return r
	}
	return path
}

// checkResult is the runner's report on one notebook.
type checkResult struct {
	Event    string  `json:"event"`
	Name     string  `json:"name"`
	OK       bool    `json:"ok"`
	Kind     string  `json:"kind"` // error, timeout, dead kernel, failure, promise
	Message  string  `json:"message"`
	Seconds  float64 `json:"seconds"`
	Cell     int     `json:"cell"`      // 0-based index among all cells
	CodeCell int     `json:"code_cell"` // 1-based count of code cells
	Source   string  `json:"source"`
	Output   string  `json:"output"`
	// Executed maps each execution count to the source of the cell that ran with it.
	Executed map[string]string `json:"executed"`
	// Printed is what the cells of a notebook that ran wrote to standard output.
	Printed string `json:"printed"`
}

// execOptions configures execute.
type execOptions struct {
	Timeout time.Duration // longest one cell may run
	// HTMLDir, if set, receives nbconvert's page of each notebook that ran, as <name>.html
	// (not yet portable: see portablePage).
	HTMLDir string
	// SaveDir, if set, receives each notebook that ran, with its outputs, unsigned.
	SaveDir string
}

// runnerItem is one notebook for runner.py: the temporary copy it executes, the
// folder the kernel starts in, and where to write what the run produced.
type runnerItem struct {
	Name    string `json:"name"`
	Copy    string `json:"copy"`
	Workdir string `json:"workdir"`
	HTML    string `json:"html,omitempty"`
	Save    string `json:"save,omitempty"`
}

// runnerItems copies each notebook into a folder of its own under tmp: the runner
// executes the copy, so the notebooks themselves are never written.
func (p *project) runnerItems(notebooks []string, tmp string, opt execOptions) ([]runnerItem, error) {
	var items []runnerItem
	for i, nb := range notebooks {
		data, err := os.ReadFile(nb)
		if err != nil {
			return nil, err
		}
		dir := filepath.Join(tmp, fmt.Sprint(i))
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return nil, err
		}
		cp := filepath.Join(dir, filepath.Base(nb))
		if err := os.WriteFile(cp, data, 0o644); err != nil {
			return nil, err
		}
		it := runnerItem{Name: p.rel(nb), Copy: cp, Workdir: dir}
		if opt.SaveDir != "" {
			it.Save = filepath.Join(opt.SaveDir, filepath.Base(nb))
		}
		if opt.HTMLDir != "" {
			it.HTML = filepath.Join(opt.HTMLDir, strings.TrimSuffix(filepath.Base(nb), ".ipynb")+".html")
		}
		items = append(items, it)
	}
	return items, nil
}

// execute runs each notebook through the project's kernel with nbclient, on a
// temporary copy, and prints one line per notebook as it finishes.
func (p *project) execute(j *jupyter, notebooks []string, opt execOptions) ([]checkResult, error) {
	tmp, err := os.MkdirTemp("", "kernel-check-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(tmp)
	items, err := p.runnerItems(notebooks, tmp, opt)
	if err != nil {
		return nil, err
	}
	job, err := json.Marshal(map[string]any{
		"kernel":          kernelName,
		"timeout":         int(opt.Timeout.Seconds()),
		"startup_timeout": 60,
		"notebooks":       items,
	})
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(p.logDir(), 0o755); err != nil {
		return nil, err
	}
	logPath := filepath.Join(p.logDir(), "check-kernel.log")
	logFile, err := os.Create(logPath)
	if err != nil {
		return nil, err
	}
	defer logFile.Close()

	cmd := exec.Command(j.Python, "-c", runnerPy, string(job))
	cmd.Dir = tmp
	cmd.Stderr = logFile
	var results []checkResult
	readErr := readJSONLines(cmd, func(line []byte) error {
		res, err := checkEvent(line, opt.Timeout)
		if res != nil {
			results = append(results, *res)
		}
		return err
	})
	p.reapKernelProcesses() // GoNB leaves its gopls running after the kernel stops
	if errors.Is(readErr, errNotJSON) {
		return results, readErr
	}
	if readErr != nil || len(results) != len(notebooks) {
		return results, fmt.Errorf("the notebook runner stopped early (%v); its log is %s:\n%s", readErr, logPath, tail(logPath, 15))
	}
	return results, nil
}

// checkEvent reads one line of the runner: it prints a start, and prints and returns a
// notebook's result, held to the promise the lesson makes.
func checkEvent(line []byte, timeout time.Duration) (*checkResult, error) {
	var res checkResult
	if err := json.Unmarshal(line, &res); err != nil {
		return nil, fmt.Errorf("%w from the notebook runner: %q", errNotJSON, line)
	}
	switch res.Event {
	case "start":
		fmt.Fprintf(out, "check: running %s ...\n", res.Name)
	case "done":
		if res.OK {
			if err := keepsPromise(res.Name, res.Printed); err != nil {
				res.OK, res.Kind, res.Message = false, "promise", err.Error()
			}
		}
		fmt.Fprint(out, res.report(timeout))
		return &res, nil
	}
	return nil, nil
}

// report formats a result: a line with the time, and for a failure the cell,
// its failing source line and the error.
func (r checkResult) report(timeout time.Duration) string {
	if r.OK {
		return fmt.Sprintf("ok    %-44s %6.1f s\n", r.Name, r.Seconds)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "FAIL  %-44s %6.1f s\n", r.Name, r.Seconds)
	if r.Kind == "promise" {
		fmt.Fprintf(&b, "      every cell ran, but %s\n", r.Message)
		return b.String()
	}
	if r.Kind == "failure" || r.Kind == "dead kernel" {
		fmt.Fprintf(&b, "      %s\n", r.Message)
		if r.Source == "" {
			return b.String()
		}
	}
	fmt.Fprintf(&b, "      cell %d (code cell %d)", r.Cell+1, r.CodeCell)
	plain := plainText(r.Output)
	if loc, ok := locate(plain, r.Executed); ok {
		if loc.source != r.Source {
			fmt.Fprintf(&b, " failed at a line of the cell run as [%d]", loc.count)
		}
		fmt.Fprintf(&b, ", line %d: %s\n", loc.line, loc.text)
	} else {
		fmt.Fprintf(&b, ": %s\n", firstStatement(r.Source))
	}
	if r.Kind == "timeout" {
		fmt.Fprintf(&b, "      timed out after %s (raise it with --timeout)\n", timeout)
		if printed := printedLines(plain); len(printed) > 0 {
			fmt.Fprintf(&b, "      last output: %s\n", printed[len(printed)-1])
		}
		return b.String()
	}
	for _, l := range errorMessages(plain, r.Message) {
		fmt.Fprintf(&b, "      %s\n", l)
	}
	return b.String()
}

// summarize says how many notebooks failed, or nil.
func summarize(results []checkResult) error {
	return failures(results, func(r checkResult) bool { return r.OK }, "notebooks failed")
}

// firstStatement is the first line of a cell that is not blank or GoNB's %% marker.
func firstStatement(source string) string {
	for _, l := range strings.Split(source, "\n") {
		if l = strings.TrimSpace(l); l != "" && l != "%%" {
			return l
		}
	}
	return ""
}
