package selftest

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/chainrule-go/backprop/kernel/internal/browser"
	"github.com/chainrule-go/backprop/kernel/internal/checkout"
	"github.com/chainrule-go/backprop/kernel/internal/export"
	"github.com/chainrule-go/backprop/kernel/internal/live"
	"github.com/chainrule-go/backprop/kernel/internal/nbrun"
)

// A lesson's numbers cells, read from its notebook: the cells tagged "numbers", each with
// the second set of values it carries in its metadata (backprop.second).
type lessonNumbers struct {
	name   string         // "02-chain-rule"
	path   string         // the notebook
	cells  []string       // every cell's source, as the notebook has it
	second map[int]string // numbers cell index → its whole source with the second values
	same   bool           // every second source is the cell's own: the kernel's first run serves
}

// badInput is an edit of a numbers cell that the page must refuse, or stop, in one cell
// while it leaves the other outputs as they were. old is replaced by new in the second
// source of the numbers cell that holds old. The kernel runs the same edit (unless slow),
// and the page must fail in the cell where the kernel failed.
type badInput struct {
	lesson, name string
	old, new     string
	says         string // what the page's error must name
	slow         bool   // runs for ever: the page must stop it after 10 s and stay usable
}

var badInputs = []badInput{
	{lesson: "02-chain-rule", name: "text that is not a number", old: "w     = 1.4", new: "w     = abc", says: `"abc" is not a number`},
	{lesson: "05-many-neurons", name: "NaN", old: "{{0.5, -0.8}", new: "{{math.NaN(), -0.8}", says: "w[0][0] = NaN"},
	{lesson: "05-many-neurons", name: "a value the lesson rejects", old: "focusJ = 0", new: "focusJ = 7", says: "focusJ = 7: layer L has neurons 0 … 2"},
	{lesson: "08-why-backprop-is-fast", name: "a run over 10 s", old: "{400, 16, 16, 10}", new: "{784, 2000, 2000, 10}", says: "10 s", slow: true},
}

// readNumbers reads a lesson's numbers cells; a lesson without one gives nil.
func readNumbers(path string) (*lessonNumbers, error) {
	nb, err := readNotebook(path)
	if err != nil {
		return nil, err
	}
	l := &lessonNumbers{name: strings.TrimSuffix(filepath.Base(path), ".ipynb"), path: path, second: map[int]string{}, same: true}
	for i, c := range nb.Cells {
		l.cells = append(l.cells, c.Source.String())
		if !slices.Contains(c.Metadata.Tags, "numbers") {
			continue
		}
		if c.Metadata.Backprop.Second == nil {
			return nil, fmt.Errorf("%s: numbers cell %d has no second set of values (metadata backprop.second)", filepath.Base(path), i)
		}
		l.second[i] = *c.Metadata.Backprop.Second
		l.same = l.same && *c.Metadata.Backprop.Second == c.Source.String()
	}
	if len(l.second) == 0 {
		return nil, nil
	}
	return l, nil
}

// edited returns the lesson's numbers sources with the bad input applied to the cell
// that holds its old text.
func (l *lessonNumbers) edited(b badInput) (int, string, error) {
	for i, s := range l.second {
		if strings.Count(s, b.old) == 1 {
			return i, strings.Replace(s, b.old, b.new, 1), nil
		}
	}
	return 0, "", fmt.Errorf("bad input %q: no numbers cell of %s holds %q once", b.name, l.name, b.old)
}

// writeCopy writes the notebook at from to to, with the given cells' sources replaced;
// every other field of the notebook is kept as it is.
func writeCopy(from, to string, sources map[int]string) error {
	data, err := os.ReadFile(from)
	if err != nil {
		return err
	}
	var nb map[string]any
	if err := json.Unmarshal(data, &nb); err != nil {
		return fmt.Errorf("%s: %v", from, err)
	}
	cells, _ := nb["cells"].([]any)
	for i, s := range sources {
		cell, ok := cells[i].(map[string]any)
		if i >= len(cells) || !ok {
			return fmt.Errorf("%s has no cell %d", from, i)
		}
		cell["source"] = s
	}
	out, err := json.MarshalIndent(nb, "", " ")
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(to), 0o755); err != nil {
		return err
	}
	return os.WriteFile(to, append(out, '\n'), 0o644)
}

// recompute proves that the exported pages recompute: the kernel runs each lesson with
// its second numbers, Chromium opens each exported page from file:// with the network
// off, sets the same numbers and runs them, and every output of a live cell must equal
// the kernel's (see compareCell). It also gives the pages bad input (badInputs).
func (r *testRun) recompute() error {
	if len(r.pages) == 0 {
		fmt.Fprintln(checkout.Out, "recompute: the notebooks step did not run: exporting the lessons first")
		if err := r.checkAndExport(); err != nil {
			return fmt.Errorf("no exported pages to recompute: %v", err)
		}
	}
	dir := filepath.Join(r.p.Root, "out", "recompute")
	if err := os.RemoveAll(dir); err != nil {
		return err
	}
	var lessons []*lessonNumbers
	for _, nb := range r.notebooks {
		l, err := readNumbers(nb)
		if err != nil {
			return err
		}
		if l == nil {
			fmt.Fprintf(checkout.Out, "recompute: skip %-34s no numbers cell: nothing in its page recomputes\n", strings.TrimSuffix(filepath.Base(nb), ".ipynb"))
			continue
		}
		lessons = append(lessons, l)
	}
	// The kernel's runs and the pages' are independent until they are compared; at once,
	// each fills the time the other spends waiting.
	var (
		kernel         *kernelOutputs
		pages          []pageResult
		kernelErr, err error
	)
	done := make(chan struct{})
	go func() {
		defer close(done)
		kernel, kernelErr = r.kernelRuns(lessons, dir)
	}()
	pages, err = r.recomputePages(lessons)
	<-done
	if err = errors.Join(kernelErr, err); err != nil {
		return err
	}
	var failed []string
	for _, res := range pages {
		rep := compareLesson(kernel.notebooks[res.Name], kernel.first[res.Name], res)
		rep.badInput(res, kernel.cases)
		fmt.Fprint(checkout.Out, rep.line(res))
		if !rep.ok() {
			failed = append(failed, res.Name)
		}
	}
	if len(pages) != len(lessons) {
		return fmt.Errorf("recomputed %d of %d lessons", len(pages), len(lessons))
	}
	if len(failed) > 0 {
		return fmt.Errorf("%d of %d lessons do not recompute as the kernel computes them: %s", len(failed), len(pages), strings.Join(failed, ", "))
	}
	return nil
}

// kernelOutputs is what the kernel computed: each lesson's notebook with its second
// numbers, and, for each bad input, the result of running it.
type kernelOutputs struct {
	notebooks map[string]*notebook
	first     map[string]*notebook    // each lesson as it ran for export: the outputs its page starts with
	cases     map[string]nbrun.Result // by lesson + ": " + bad input's name
}

// kernelRuns runs, in the real kernel, a copy of each lesson with its second numbers and
// a copy for each bad input (except the slow one), all under dir, never in notebooks/.
func (r *testRun) kernelRuns(lessons []*lessonNumbers, dir string) (*kernelOutputs, error) {
	out := &kernelOutputs{notebooks: map[string]*notebook{}, first: map[string]*notebook{}}
	var copies []string
	for _, l := range lessons {
		executed, _, err := r.executedLesson(l.path)
		if err != nil {
			return nil, err
		}
		if out.first[l.name], err = readNotebook(filepath.Join(executed, l.name+".ipynb")); err != nil {
			return nil, err
		}
		if l.same { // the numbers are the lesson's own: its first run serves
			out.notebooks[l.name] = out.first[l.name]
			continue
		}
		sources, err := r.withoutSnapshotRuns(l)
		if err != nil {
			return nil, err
		}
		cp := filepath.Join(dir, "second", l.name+".ipynb")
		if err := writeCopy(l.path, cp, sources); err != nil {
			return nil, err
		}
		copies = append(copies, cp)
	}
	fmt.Fprintf(checkout.Out, "recompute: the kernel runs %d lessons with their second numbers\n", len(copies))
	saved := filepath.Join(dir, "kernel")
	if err := os.MkdirAll(saved, 0o755); err != nil {
		return nil, err
	}
	results, err := nbrun.Execute(r.p, r.inst.Jupyter, copies, nbrun.Options{Timeout: r.timeout, SaveDir: saved, Workers: notebookWorkers})
	if err != nil {
		return nil, err
	}
	for _, res := range results {
		if !res.OK {
			return nil, fmt.Errorf("the kernel could not run %s with its second numbers: %s", res.Name, res.Message)
		}
		base := strings.TrimSuffix(filepath.Base(res.Name), ".ipynb")
		if out.notebooks[base], err = readNotebook(filepath.Join(saved, base+".ipynb")); err != nil {
			return nil, err
		}
	}
	out.cases, err = r.kernelBadInputs(lessons, filepath.Join(dir, "bad-input"))
	return out, err
}

// kernelBadInputs runs a copy of the lesson for each bad input that the kernel can run,
// and reports, on one line, the cell where each failed. The runner's own lines, which
// report each failure as the check of a broken lesson would, are not shown.
func (r *testRun) kernelBadInputs(lessons []*lessonNumbers, dir string) (map[string]nbrun.Result, error) {
	var copies []string
	caseOf := map[string]string{}
	for _, l := range lessons {
		for _, b := range badInputs {
			if b.lesson != l.name || b.slow {
				continue
			}
			cell, src, err := l.edited(b)
			if err != nil {
				return nil, err
			}
			cp := filepath.Join(dir, fmt.Sprintf("%s-%d.ipynb", l.name, len(copies)+1))
			if err := writeCopy(l.path, cp, maps(l.second, cell, src)); err != nil {
				return nil, err
			}
			copies = append(copies, cp)
			caseOf[r.p.Rel(cp)] = l.name + ": " + b.name
		}
	}
	progress := checkout.Out
	checkout.Out = io.Discard
	results, err := nbrun.Execute(r.p, r.inst.Jupyter, copies, nbrun.Options{Timeout: r.timeout, Workers: notebookWorkers})
	checkout.Out = progress
	if err != nil {
		return nil, err
	}
	cases := map[string]nbrun.Result{}
	var said []string
	for _, res := range results {
		cases[caseOf[res.Name]] = res
		where := "ran without an error"
		if !res.OK {
			where = fmt.Sprintf("fails in cell %d", res.Cell)
		}
		said = append(said, fmt.Sprintf("%s %s", caseOf[res.Name], where))
	}
	fmt.Fprintf(checkout.Out, "recompute: the kernel, given bad input: %s\n", strings.Join(said, "; "))
	return cases, nil
}

// maps returns a copy of m with m[k] = v.
func maps(m map[int]string, k int, v string) map[int]string {
	c := map[int]string{k: v}
	for i, s := range m {
		if i != k {
			c[i] = s
		}
	}
	return c
}

// pageResult is what kernel/assets/recompute.mjs reports on one page.
type pageResult struct {
	Name     string `json:"name"`
	OK       bool   `json:"ok"`
	Problems []string
	Cells    []struct {
		Index int    `json:"index"`
		Kind  string `json:"kind"`
		Why   string `json:"why"`
	} `json:"cells"`
	Outputs     map[string][]output `json:"outputs"`
	Run         pageRun             `json:"run"`
	Again       pageRun             `json:"again"` // the same run once more
	Cases       []pageCase          `json:"cases"`
	Screenshots []string            `json:"screenshots"`
	Seconds     float64             `json:"seconds"`
}

// pageRun is what the page says of one run: the cells it ran, the one that failed (or
// -1), and how long it took.
type pageRun struct {
	OK     bool    `json:"ok"`
	Ran    []int   `json:"ran"`
	Failed int     `json:"failed"`
	MS     float64 `json:"ms"`
}

// pageCase is how the page took one bad input: the cell where the run failed or was
// stopped, the cells it ran, and every cell's outputs after it.
type pageCase struct {
	Name     string              `json:"name"`
	Failed   int                 `json:"failed"`
	Ran      []int               `json:"ran"`
	TimedOut bool                `json:"timedOut"`
	Outputs  map[string][]output `json:"outputs"`
}

// recomputePages runs kernel/assets/recompute.mjs on every lesson's exported page.
func (r *testRun) recomputePages(lessons []*lessonNumbers) ([]pageResult, error) {
	type caseSpec struct {
		Name   string `json:"name"`
		Cell   int    `json:"cell"`
		Source string `json:"source"`
		Slow   bool   `json:"slow"`
	}
	type pageSpec struct {
		Name   string            `json:"name"`
		URL    string            `json:"url"`
		Second map[string]string `json:"second"`
		Shots  bool              `json:"shots"`
		Cases  []caseSpec        `json:"cases"`
	}
	var specs []pageSpec
	for _, l := range lessons {
		file := l.name + ".html"
		if !slices.ContainsFunc(r.pages, func(pg export.Page) bool { return pg.File == file }) {
			return nil, fmt.Errorf("%s was not exported (no %s in %s)", l.name, file, r.exportDir())
		}
		spec := pageSpec{Name: l.name, URL: browser.FileURL(filepath.Join(r.exportDir(), file)), Second: map[string]string{}, Shots: l.name == "02-chain-rule"}
		for i, s := range l.second {
			spec.Second[strconv.Itoa(i)] = s
		}
		for _, b := range badInputs {
			if b.lesson == l.name {
				cell, src, err := l.edited(b)
				if err != nil {
					return nil, err
				}
				spec.Cases = append(spec.Cases, caseSpec{Name: b.name, Cell: cell, Source: src, Slow: b.slow})
			}
		}
		specs = append(specs, spec)
	}
	shots := screenshotDir(r.p)
	if err := os.MkdirAll(shots, 0o755); err != nil {
		return nil, err
	}
	job, err := json.Marshal(map[string]any{"chromium": r.chromium, "screenshots": shots, "pages": specs})
	if err != nil {
		return nil, err
	}
	node, err := exec.LookPath("node")
	if err != nil {
		return nil, fmt.Errorf("the recompute check needs Node.js (node) on PATH")
	}
	cmd := exec.Command(node, filepath.Join(r.p.AssetsDir(), "recompute.mjs"), string(job))
	cmd.Dir = r.p.AssetsDir()
	var results []pageResult
	err = checkout.ReadJSONLines(cmd, func(line []byte) error {
		var res pageResult
		if err := json.Unmarshal(line, &res); err != nil {
			return fmt.Errorf("%w from the recompute check: %q", checkout.ErrNotJSON, line)
		}
		results = append(results, res)
		return nil
	})
	if err != nil {
		return results, fmt.Errorf("the recompute check stopped after %d of %d pages: %v", len(results), len(specs), err)
	}
	return results, nil
}

// withoutSnapshotRuns returns the sources that the kernel's copy of lesson l runs with:
// its second numbers, and each snapshot cell (one the page does not recompute, such as
// training on MNIST) with its declarations only, so that the cells after it still find
// them. The page never compares a snapshot cell with the kernel's run of it
// (compareLesson), so running its code again would prove nothing. The snapshot cells
// are those the exported page lists (<script id="backprop-lesson">).
func (r *testRun) withoutSnapshotRuns(l *lessonNumbers) (map[int]string, error) {
	sources := map[int]string{}
	for i, s := range l.second {
		sources[i] = s
	}
	snapshots, err := export.SnapshotCells(filepath.Join(r.exportDir(), l.name+".html"))
	if err != nil {
		return nil, err
	}
	for _, i := range snapshots {
		if i >= len(l.cells) {
			return nil, fmt.Errorf("%s: the page's snapshot cell %d is not in the notebook", l.name, i)
		}
		if decls, _, bodyLine := live.SplitCell(l.cells[i]); bodyLine > 0 {
			sources[i] = decls + "%%\n"
		}
	}
	return sources, nil
}
