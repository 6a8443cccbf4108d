// Package selftest is `kernel test`: go vet, the unit tests, every lesson checked and
// exported, the exported pages opened offline, every lesson run live in JupyterLab and
// Notebook 7, and the classroom on a real JupyterHub. It imports every other package of
// the command; none imports it.
package selftest

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/chainrule-go/backprop/kernel/internal/browser"
	"github.com/chainrule-go/backprop/kernel/internal/checkout"
	"github.com/chainrule-go/backprop/kernel/internal/export"
	"github.com/chainrule-go/backprop/kernel/internal/install"
)

// testRun is what the steps of `kernel test` share.
type testRun struct {
	p         *checkout.Checkout
	inst      *install.Installation
	timeout   time.Duration // longest one notebook cell may run
	chromium  string
	notebooks []string
	pages     []export.Page // written by the export step, opened by the offline step
	// Where the lessons executed in this run are: each notebook with its outputs and
	// nbconvert's page of it (executed), and the portable pages (exported). Empty until
	// the notebooks step, or executedLesson, has run them.
	executed, exported string
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
	{"recompute", "browser: exported lessons recompute as the kernel does", (*testRun).recompute},
	{"pictures", "browser: chart pictures where scripts cannot draw", (*testRun).pictures},
	{"live", "browser: every lesson run live in Jupyter", (*testRun).live},
	{"classroom", "classroom", (*testRun).classroom},
}

// errSkipped, wrapped in a step's error, reports the step as skipped with the reason
// instead of failed (the classroom step outside root).
var errSkipped = errors.New("skipped")

// StepKeys names the steps of `kernel test`, in the order they run.
func StepKeys() []string {
	var keys []string
	for _, s := range testSteps {
		keys = append(keys, s.key)
	}
	return keys
}

// Run sets the checkout up and runs the steps named in only (every step when only is
// empty), reporting each; it fails when any step fails. timeout is the longest one
// notebook cell may run.
func Run(only []string, timeout time.Duration) error {
	var steps []testStep
	for _, s := range testSteps {
		if len(only) == 0 || slices.Contains(only, s.key) {
			steps = append(steps, s)
		}
	}
	if len(steps) == 0 {
		return fmt.Errorf("--only %q names no step; the steps are %s", strings.Join(only, ","), strings.Join(StepKeys(), ", "))
	}
	p, err := checkout.Here()
	if err != nil {
		return err
	}
	user, err := useOwnJupyterData(p)
	if err != nil {
		return err
	}
	inst, err := install.Setup(p)
	if err != nil {
		return err
	}
	install.StartChartRenderer(p)
	r := &testRun{p: p, inst: inst, timeout: timeout}
	// The screenshots are this run's: none left from an earlier one.
	if err := os.RemoveAll(screenshotDir(p)); err != nil {
		return err
	}
	// Chromium comes first: the unit tests of the browser check need it too.
	if r.chromium, err = install.Chromium(p); err != nil {
		return err
	}
	if r.notebooks, err = p.Lessons(); err != nil {
		return err
	}
	passed, failed := 0, 0
	for _, s := range steps {
		start := time.Now()
		err := s.run(r)
		if errors.Is(err, errSkipped) {
			fmt.Fprintf(checkout.Out, "test: skip %s: %v\n", s.name, err)
			continue
		}
		if err != nil {
			failed++
			fmt.Fprintf(checkout.Out, "test: FAIL %s (%s): %v\n", s.name, checkout.Seconds(time.Since(start)), err)
			continue
		}
		passed++
		fmt.Fprintf(checkout.Out, "test: ok   %s (%s)\n", s.name, checkout.Seconds(time.Since(start)))
	}
	if err := user.untouched(p); err != nil {
		failed++
		fmt.Fprintf(checkout.Out, "test: FAIL %v\n", err)
	}
	fmt.Fprintf(checkout.Out, "test: %d passed, %d failed\n", passed, failed)
	if failed > 0 {
		return fmt.Errorf("%d of %d steps failed", failed, passed+failed)
	}
	return nil
}

// goCmd runs the go command in the checkout, with the kernel tests required, not skipped.
func (r *testRun) goCmd(args ...string) error {
	cmd := exec.Command("go", args...)
	cmd.Dir = r.p.Root
	cmd.Env = append(os.Environ(), checkout.RequireKernelEnv+"=1")
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	return cmd.Run()
}

// checkAndExport executes every lesson for export, which is also their check: a
// failing cell or a broken promise fails this step. The executed lessons are kept in
// out/executed for the later steps.
func (r *testRun) checkAndExport() error {
	keep := filepath.Join(r.p.Root, "out", "executed")
	if err := os.RemoveAll(keep); err != nil {
		return err
	}
	var err error
	if r.pages, err = export.Write(r.p, r.inst.Jupyter, r.notebooks, r.exportDir(), export.Options{Timeout: r.timeout, Keep: keep, Workers: notebookWorkers}); err == nil {
		r.executed, r.exported = keep, r.exportDir()
	}
	return err
}

// notebookWorkers is how many lessons the notebooks step runs at once: one at a time left
// a third of this 2-core machine idle (85.6 s for the step; 62.3 s with two).
const notebookWorkers = 2

func (r *testRun) exportDir() string { return filepath.Join(r.p.Root, "out", "export") }

// executedLesson returns the folders that hold the lesson as nbclient executed it in
// this run (<name>.ipynb with its outputs and nbconvert's <name>.html) and its exported
// page. The notebooks step executes every lesson; when it did not run (--only), the
// lesson is executed and exported here, once, into out/executed-once.
func (r *testRun) executedLesson(lesson string) (executed, exported string, err error) {
	name := strings.TrimSuffix(filepath.Base(lesson), ".ipynb")
	if r.executed != "" {
		if _, err := os.Stat(filepath.Join(r.executed, name+".ipynb")); err == nil {
			return r.executed, r.exported, nil
		}
	}
	keep := filepath.Join(r.p.Root, "out", "executed-once")
	if err := os.RemoveAll(keep); err != nil {
		return "", "", err
	}
	if _, err := export.Write(r.p, r.inst.Jupyter, []string{lesson}, filepath.Join(keep, "export"), export.Options{Timeout: r.timeout, Keep: keep}); err != nil {
		return "", "", fmt.Errorf("running %s to save it with outputs: %v", filepath.Base(lesson), err)
	}
	r.executed, r.exported = keep, filepath.Join(keep, "export")
	return r.executed, r.exported, nil
}

// copyFile copies a file that this run wrote into another folder of out/.
func copyFile(from, to string) error {
	data, err := os.ReadFile(from)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(to), 0o755); err != nil {
		return err
	}
	return os.WriteFile(to, data, 0o644)
}

// offline checks the exported site: every link between its pages and every asset they
// load is there, and Chromium, with the network off, opens the index and every lesson's
// page from disk, draws its charts, typesets its formulas and starts its Go program.
func (r *testRun) offline() error {
	if len(r.pages) == 0 {
		return fmt.Errorf("no exported pages to open (the export step did not run or failed)")
	}
	broken, err := export.CheckLinks(r.exportDir())
	if err != nil {
		return err
	}
	if len(broken) > 0 {
		return fmt.Errorf("the site has broken links:\n  %s", strings.Join(broken, "\n  "))
	}
	pages := []browser.Page{{Name: "index.html", URL: browser.FileURL(filepath.Join(r.exportDir(), "index.html")), Offline: true}}
	for _, pg := range r.pages {
		pages = append(pages, browser.Page{Name: pg.File, URL: browser.FileURL(filepath.Join(r.exportDir(), pg.File)), Offline: true})
	}
	results, err := browser.Check(r.p, r.chromium, pages, screenshotDir(r.p), func(_ browser.Page, res browser.Result) {
		fmt.Fprint(checkout.Out, res.Line("browser", fmt.Sprintf("%-40s", res.Name)))
	})
	if err != nil {
		return err
	}
	return browser.Failures(results)
}

func screenshotDir(p *checkout.Checkout) string {
	return filepath.Join(p.Root, "out", "screenshots")
}

// A userKernelspec is the user's gonb-backprop kernelspec as the test found it.
type userKernelspec struct {
	path  string
	owner string // the checkout it served, "" when there was none
}

// useOwnJupyterData points Jupyter, for this process and everything it starts, at a
// data folder of the test's own (.kernel/test-jupyter): the kernelspec that setup
// installs, the servers' runtime files and the notebooks' trust stay there. In the
// user's data folder the kernelspec would then serve this checkout, and a clone made
// to be tested, once deleted, would leave their lessons with a kernel that cannot
// start. It returns the user's kernelspec as it is, to be checked at the end.
func useOwnJupyterData(p *checkout.Checkout) (userKernelspec, error) {
	dataDir, err := install.DataDir()
	if err != nil {
		return userKernelspec{}, err
	}
	user := userKernelspec{path: install.KernelspecFile(dataDir)}
	if user.owner, err = specOwner(user.path); err != nil {
		return userKernelspec{}, err
	}
	own := filepath.Join(p.StateDir(), "test-jupyter")
	checkout.Status("Jupyter data for this test", own)
	return user, os.Setenv("JUPYTER_DATA_DIR", own)
}

// specOwner returns the checkout that the kernel.json at path serves, "" when there is
// none or it was not written by this project.
func specOwner(path string) (string, error) {
	raw, err := os.ReadFile(path)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return "", err
	}
	return install.SpecOwner(raw), nil
}

// untouched fails when the user's kernelspec serves this checkout now and did not
// before the run: the test installed into the user's data folder after all. (A
// kernelspec that another checkout's setup re-pointed meanwhile is not the test's doing.)
func (k userKernelspec) untouched(p *checkout.Checkout) error {
	owner, err := specOwner(k.path)
	if err != nil {
		return err
	}
	if owner == p.Root && k.owner != p.Root {
		return fmt.Errorf("the test pointed %s, which the user's own lessons run from, at this checkout", k.path)
	}
	return nil
}
