package nbrun

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chainrule-go/backprop/kernel/internal/install"
	"github.com/chainrule-go/backprop/kernel/internal/procs"
	"github.com/chainrule-go/backprop/kernel/internal/testkit"
)

func checkOne(t *testing.T, notebook string, timeout time.Duration) (Result, string) {
	t.Helper()
	p := testkit.Checkout(t)
	j, err := install.Installed(p)
	testkit.Require(t, err)
	log := testkit.CaptureOut(t)
	results, err := Execute(p, j, []string{notebook}, Options{Timeout: timeout})
	if err != nil {
		t.Fatal(err)
	}
	if len(results) != 1 {
		t.Fatalf("got %d results for one notebook", len(results))
	}
	return results[0], log.String()
}

func TestCheckNamesTheFailingCellAndLine(t *testing.T) {
	nb := filepath.Join("testdata", "broken.ipynb")
	before, _ := os.ReadFile(nb)
	res, log := checkOne(t, nb, time.Minute)
	if res.OK {
		t.Fatalf("a notebook with a compile error passed:\n%s", log)
	}
	for _, want := range []string{
		"FAIL  kernel/internal/nbrun/testdata/broken.ipynb",
		"cell 3 (code cell 2), line 3: fmt.Println(undefinedName + y)",
		"undefined: undefinedName",
	} {
		if !strings.Contains(log, want) {
			t.Errorf("report lacks %q:\n%s", want, log)
		}
	}
	if after, _ := os.ReadFile(nb); !bytes.Equal(before, after) {
		t.Error("check wrote into the notebook")
	}
	if err := Summarize([]Result{res}); err == nil || err.Error() != "1 of 1 notebooks failed" {
		t.Errorf("summary = %v", err)
	}
}

func TestCheckReportsAPanicWhereItHappened(t *testing.T) {
	res, log := checkOne(t, filepath.Join("testdata", "panic.ipynb"), time.Minute)
	if res.OK {
		t.Fatalf("a panicking notebook passed:\n%s", log)
	}
	// GoNB's HTML marks every frame, so the report names the inner one, where the
	// panic happened, even when its text stack left that frame unmarked.
	where := "cell 3 (code cell 2) failed at a line of the cell run as [1], line 2: return s[3]"
	for _, want := range []string{where, "panic: runtime error: index out of range [3] with length 0"} {
		if !strings.Contains(log, want) {
			t.Errorf("report lacks %q:\n%s", want, log)
		}
	}
}

// With two workers, three notebooks run in two kernels at once, each exactly once, and
// the results come back in the order the notebooks were given, although the broken one
// (a compile error in its second code cell) finishes long before the chart notebook.
func TestCheckRunsNotebooksAtOnce(t *testing.T) {
	p := testkit.Checkout(t)
	j, err := install.Installed(p)
	testkit.Require(t, err)
	log := testkit.CaptureOut(t)
	notebooks := []string{filepath.Join("testdata", "chart.ipynb"), filepath.Join("testdata", "broken.ipynb"), filepath.Join("testdata", "panic.ipynb")}
	results, err := Execute(p, j, notebooks, Options{Timeout: 2 * time.Minute, Workers: 2})
	if err != nil {
		t.Fatal(err)
	}
	if len(results) != len(notebooks) {
		t.Fatalf("%d results for %d notebooks:\n%s", len(results), len(notebooks), log)
	}
	for i, want := range []bool{true, false, false} {
		if !strings.HasSuffix(results[i].Name, filepath.Base(notebooks[i])) || results[i].OK != want {
			t.Errorf("result %d: %s, ok %v; want %s, ok %v", i, results[i].Name, results[i].OK, notebooks[i], want)
		}
	}
	if results[1].CodeCell != 2 || results[2].CodeCell != 2 {
		t.Errorf("the failures are in code cells %d and %d, want 2 and 2:\n%s", results[1].CodeCell, results[2].CodeCell, log)
	}
}

func TestCheckTimesOutAHungCell(t *testing.T) {
	start := time.Now()
	res, log := checkOne(t, filepath.Join("testdata", "hang.ipynb"), 3*time.Second)
	if res.OK || res.Kind != "timeout" {
		t.Fatalf("a hung cell was not reported as a timeout:\n%s", log)
	}
	for _, want := range []string{"cell 2 (code cell 1): fmt.Println(\"sleeping\")", "timed out after 3s (raise it with --timeout)", "last output: sleeping"} {
		if !strings.Contains(log, want) {
			t.Errorf("report lacks %q:\n%s", want, log)
		}
	}
	if time.Since(start) > time.Minute {
		t.Errorf("the 3 s timeout took %v to fire", time.Since(start))
	}
}

func TestCheckLeavesNotebooksUntouched(t *testing.T) {
	p := testkit.Checkout(t)
	j, err := install.Installed(p)
	testkit.Require(t, err)
	testkit.CaptureOut(t)
	before := testkit.Snapshot(t, p.NotebooksDir())
	lessons, err := p.Lessons()
	if err != nil {
		t.Fatal(err)
	}
	results, err := Execute(p, j, lessons[:1], Options{Timeout: 2 * time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	if !results[0].OK {
		t.Fatalf("%s failed:\n%s", lessons[0], results[0].report(2*time.Minute))
	}
	after := testkit.Snapshot(t, p.NotebooksDir())
	if len(before) != len(after) {
		t.Errorf("check added or removed files in notebooks/: %d before, %d after", len(before), len(after))
	}
	for path, b := range before {
		if after[path] != b {
			t.Errorf("check changed %s", path)
		}
	}
}

func TestUnknownNotebookIsNamed(t *testing.T) {
	p := testkit.Checkout(t)
	_, err := p.ResolveNotebooks([]string{"notebooks/99-nope.ipynb"})
	if err == nil || !strings.Contains(err.Error(), "no such notebook: notebooks/99-nope.ipynb") ||
		!strings.Contains(err.Error(), "notebooks/00-welcome.ipynb") {
		t.Fatalf("want an error naming the notebook and listing the lessons, got %v", err)
	}
	_, err = p.ResolveNotebooks([]string{"README.md"})
	if err == nil || !strings.Contains(err.Error(), "README.md is not a notebook") {
		t.Fatalf("got %v", err)
	}
}

// A notebook that runs cleanly but prints less than its lesson promises fails,
// with the number it printed in the report.
func TestCheckHoldsALessonToItsPromise(t *testing.T) {
	res, log := checkOne(t, filepath.Join("testdata", "promise", "07-reading-digits.ipynb"), time.Minute)
	if res.OK {
		t.Fatalf("a lesson 07 that printed test accuracy 0.5000 passed:\n%s", log)
	}
	want := "every cell ran, but the trained network's test accuracy is 0.5000; the lesson promises over 0.95"
	if !strings.Contains(log, want) {
		t.Errorf("report lacks %q:\n%s", want, log)
	}
}

// The check's kernel, its gopls and its cell programs are gone when Execute returns.
// Other packages' tests run notebooks at the same time with the same binaries, so the
// test marks its own environment, which the runner, the kernel and its children
// inherit, and counts only the processes that carry the mark.
func TestCheckLeavesNoKernelProcess(t *testing.T) {
	p := testkit.Checkout(t)
	mark := fmt.Sprintf("BACKPROP_CHECK_TEST=%d-%d", os.Getpid(), time.Now().UnixNano())
	key, value, _ := strings.Cut(mark, "=")
	t.Setenv(key, value)
	res, log := checkOne(t, filepath.Join("testdata", "chart.ipynb"), 2*time.Minute)
	if !res.OK {
		t.Fatalf("the chart notebook failed:\n%s", log)
	}
	var left []string
	for pid, pr := range procs.Kernels(p.BinDir(), p.TmpDir()) {
		if procs.HasEnv(pid, mark) {
			left = append(left, strings.Join(pr.Args, " "))
		}
	}
	if len(left) > 0 {
		t.Errorf("%d processes of the check's kernel outlived the check:\n%s", len(left), strings.Join(left, "\n"))
	}
}

// TestCellImportsAModuleOutsideTheWorkspace: the kernel's go answers GoNB's `go get`
// itself only when a cell imports nothing from outside its workspace. A cell that
// imports golang.org/x/mod/semver (not this checkout's module) still builds and runs
// (semver orders v1.2.0 before v1.10.0, which a comparison of strings would not), and
// a cell importing a module that exists nowhere fails in GoNB's `go get` (with its
// hint about go.work), as it does without the kernel's go, not later in `go build`.
func TestCellImportsAModuleOutsideTheWorkspace(t *testing.T) {
	res, log := checkOne(t, filepath.Join("testdata", "outside.ipynb"), time.Minute)
	if !res.OK || !strings.Contains(res.Printed, "semver.Compare: -1") {
		t.Errorf("the cell importing golang.org/x/mod/semver: ok=%v, printed %q\n%s", res.OK, res.Printed, log)
	}
	res, log = checkOne(t, filepath.Join("testdata", "nowhere.ipynb"), time.Minute)
	if res.OK || res.CodeCell != 1 || !strings.Contains(res.Output, "'go.mod' replace clauses") || strings.Contains(res.Output, "go build") {
		t.Errorf("the cell importing example.com/nowhere: ok=%v, code cell %d, output:\n%s\n%s", res.OK, res.CodeCell, res.Output, log)
	}
}
