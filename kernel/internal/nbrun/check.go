package nbrun

import (
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/chainrule-go/backprop/kernel/internal/checkout"
	"github.com/chainrule-go/backprop/kernel/internal/install"
)

//go:embed runner.py
var runnerPy string

// Result is the runner's report on one notebook.
type Result struct {
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

// Options configures execute.
type Options struct {
	Timeout time.Duration // longest one cell may run
	// HTMLDir, if set, receives nbconvert's page of each notebook that ran, as <name>.html
	// (not yet portable: the export package makes it so).
	HTMLDir string
	// SaveDir, if set, receives each notebook that ran, with its outputs, unsigned.
	SaveDir string
	// Workers is how many notebooks run at once (1 when 0).
	Workers int
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
func runnerItems(p *checkout.Checkout, notebooks []string, tmp string, opt Options) ([]runnerItem, error) {
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
		it := runnerItem{Name: p.Rel(nb), Copy: cp, Workdir: dir}
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

// Execute runs each notebook through the project's kernel with nbclient, on a
// temporary copy, and prints one line per notebook as it finishes. With opt.Workers
// above 1, that many runners execute the notebooks at once, each notebook in a kernel of
// its own; the results come back in the order of notebooks.
func Execute(p *checkout.Checkout, j *install.Jupyter, notebooks []string, opt Options) ([]Result, error) {
	tmp, err := os.MkdirTemp("", "kernel-check-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(tmp)
	items, err := runnerItems(p, notebooks, tmp, opt)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(p.LogDir(), 0o755); err != nil {
		return nil, err
	}
	workers := min(max(opt.Workers, 1), len(items))
	var (
		mu      sync.Mutex // guards results, errs and the printing of each line
		wg      sync.WaitGroup
		results []Result
		errs    []error
	)
	for w := range workers {
		var share []runnerItem
		for i := w; i < len(items); i += workers {
			share = append(share, items[i])
		}
		logName := "check-kernel.log"
		if workers > 1 {
			logName = fmt.Sprintf("check-kernel-%d.log", w+1)
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			err := runRunner(p, j, share, opt, tmp, filepath.Join(p.LogDir(), logName), func(res *Result) { results = append(results, *res) }, &mu)
			mu.Lock()
			errs = append(errs, err)
			mu.Unlock()
		}()
	}
	wg.Wait()
	install.ReapKernels(p) // GoNB leaves its gopls running after the kernel stops
	order := map[string]int{}
	for i, it := range items {
		order[it.Name] = i
	}
	slices.SortStableFunc(results, func(a, b Result) int { return order[a.Name] - order[b.Name] })
	return results, errors.Join(errs...)
}

// runRunner runs runner.py on items, its messages going to logPath, and hands each
// notebook's result to got, holding mu while it prints and hands it over.
func runRunner(p *checkout.Checkout, j *install.Jupyter, items []runnerItem, opt Options, dir, logPath string, got func(*Result), mu *sync.Mutex) error {
	job, err := json.Marshal(map[string]any{
		"kernel":          install.KernelName,
		"timeout":         int(opt.Timeout.Seconds()),
		"startup_timeout": 60,
		"notebooks":       items,
	})
	if err != nil {
		return err
	}
	logFile, err := os.Create(logPath)
	if err != nil {
		return err
	}
	defer logFile.Close()
	cmd := exec.Command(j.Python, "-c", runnerPy, string(job))
	cmd.Dir = dir
	cmd.Stderr = logFile
	n := 0
	readErr := checkout.ReadJSONLines(cmd, func(line []byte) error {
		mu.Lock()
		defer mu.Unlock()
		res, err := checkEvent(line, opt.Timeout)
		if res != nil {
			n++
			got(res)
		}
		return err
	})
	if errors.Is(readErr, checkout.ErrNotJSON) {
		return readErr
	}
	if readErr != nil || n != len(items) {
		return fmt.Errorf("the notebook runner stopped early (%v); its log is %s:\n%s", readErr, logPath, checkout.Tail(logPath, 15))
	}
	return nil
}

// checkEvent reads one line of the runner: it prints a start, and prints and returns a
// notebook's result, held to the promise the lesson makes.
func checkEvent(line []byte, timeout time.Duration) (*Result, error) {
	var res Result
	if err := json.Unmarshal(line, &res); err != nil {
		return nil, fmt.Errorf("%w from the notebook runner: %q", checkout.ErrNotJSON, line)
	}
	switch res.Event {
	case "start":
		fmt.Fprintf(checkout.Out, "check: running %s ...\n", res.Name)
	case "done":
		if res.OK {
			if err := KeepsPromise(res.Name, res.Printed); err != nil {
				res.OK, res.Kind, res.Message = false, "promise", err.Error()
			}
		}
		fmt.Fprint(checkout.Out, res.report(timeout))
		return &res, nil
	}
	return nil, nil
}

// report formats a result: a line with the time, and for a failure the cell,
// its failing source line and the error.
func (r Result) report(timeout time.Duration) string {
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

// Summarize says how many notebooks failed, or nil.
func Summarize(results []Result) error {
	return checkout.Failures(results, func(r Result) bool { return r.OK }, "notebooks failed")
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
