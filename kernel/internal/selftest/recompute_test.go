package selftest

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/chainrule-go/backprop/kernel/internal/checkout"
	"github.com/chainrule-go/backprop/kernel/internal/nbrun"
	"github.com/chainrule-go/backprop/kernel/internal/testkit"
)

// realOutputs reads outputs that the real kernel (GoNB) gave for cells of lessons 02
// and 08 run with their second numbers, by "lesson/cell".
func realOutputs(t *testing.T) map[string][]output {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "kernel-outputs.json"))
	if err != nil {
		t.Fatal(err)
	}
	var outs map[string][]output
	if err := json.Unmarshal(data, &outs); err != nil {
		t.Fatal(err)
	}
	return outs
}

// copyOutputs deep-copies outputs, so that a test can change the page's side.
func copyOutputs(t *testing.T, outs []output) []output {
	t.Helper()
	data, err := json.Marshal(outs)
	if err != nil {
		t.Fatal(err)
	}
	var c []output
	if err := json.Unmarshal(data, &c); err != nil {
		t.Fatal(err)
	}
	return c
}

func TestDurationLines(t *testing.T) {
	for line, want := range map[string]bool{
		"one gradient by finite differences: 0.113 s":                         true,
		"one gradient by backpropagation:    1.76e-05 s":                      true,
		"m =  10: loop   2.978ms, matrix form     536µs":                      true,
		"epoch  3, η = 0.50: test cost C = 0.1234, accuracy 0.9400   (1.2 s)": true,
		"took 1m3.5s": true,
		"steps to (a − y)² < 0.01: quadratic 179, cross-entropy 44": false,
		"after 300 steps: C = 0.1025, 100% of the points":           false,
		"h = 1e-05   central:   +0.120540688518   off by 7e-13":     false,
		"P =  6858 parameters": false,
	} {
		if got := durationRE.MatchString(line); got != want {
			t.Errorf("%q prints a duration: got %v, want %v", line, got, want)
		}
	}
	if a, b := masked("m =   1: loop     334µs (0.85× the loop's time)"), masked("m =   1: loop   1.204ms (1.10× the loop's time)"); a != b {
		t.Errorf("two timings differing in unit and numbers mask differently: %q and %q", a, b)
	}
	// Lesson 13 pads its ratio to a width (%5.2f): a slow run's two digits take the space.
	kernel := "m =   1: loop   5.394ms, matrix form  81.449ms (15.10× the loop's time), mathx.Gradient     927µs"
	page := "m =   1: loop   2.214ms, matrix form     1.1ms ( 0.50× the loop's time), mathx.Gradient    1.37ms"
	if a, b := masked(kernel), masked(page); a != b {
		t.Errorf("two timings differing in their numbers' widths mask differently: %q and %q", a, b)
	}
	if a, b := masked("loop took 5ms"), masked("loop took 5ms again"); a == b {
		t.Errorf("two lines differing in words mask alike: %q", a)
	}
}

func TestChartSeriesFromTheKernelsHTML(t *testing.T) {
	its, err := items(realOutputs(t)["08-why-backprop-is-fast/10"])
	if err != nil {
		t.Fatal(err)
	}
	if len(its) != 2 || its[0].kind != "stdout" || its[1].kind != "chart" {
		t.Fatalf("items: got %s, want stdout (five chunks joined) and a chart", kinds(its))
	}
	s := its[1].chart
	if len(s) != 3 || s[0].Name != "backpropagation" || s[2].Name != "one forward pass" {
		t.Fatalf("series: %+v", s)
	}
	first := s[0].Data.([]any)[0].([]any)
	if len(s[0].Data.([]any)) != 5 || first[0] != json.Number("162") {
		t.Errorf("the first series' data: got %v, want five points from [162 …]", s[0].Data)
	}
}

func TestIdenticalOutputsAreEqual(t *testing.T) {
	for name, outs := range realOutputs(t) {
		page := copyOutputs(t, outs)
		// The page prints a cell's text as one stream output, however the kernel chunked it.
		var text strings.Builder
		var rest []output
		for _, o := range page {
			if o.OutputType == "stream" {
				text.WriteString(o.Text.String())
			} else {
				rest = append(rest, o)
			}
		}
		if text.Len() > 0 {
			rest = append([]output{{OutputType: "stream", Name: "stdout", Text: multiline{text.String()}}}, rest...)
		}
		res := compareCell(1, outs, rest)
		if res.problem != "" || res.equal == 0 {
			t.Errorf("%s against itself: %+v", name, res)
		}
	}
}

func TestADifferentNumberIsNamed(t *testing.T) {
	outs := realOutputs(t)
	kernel := outs["02-chain-rule/15"]
	page := copyOutputs(t, kernel)
	page[0].Text = multiline{strings.Replace(page[0].Text.String(), "+0.120540688518", "+0.120540688519", 1)}
	res := compareCell(15, kernel, page)
	want := `cell 15, output 1 (stdout), line 6: kernel "h = 1e-05   central:   +0.120540688518   off by 7e-13", page "h = 1e-05   central:   +0.120540688519   off by 7e-13"`
	if res.problem != want {
		t.Errorf("got  %s\nwant %s", res.problem, want)
	}

	md := outs["02-chain-rule/13"]
	page = copyOutputs(t, md)
	page[0].Data["text/markdown"] = multiline{strings.Replace(page[0].Data["text/markdown"].String(), "0.632", "0.633", 1)}
	if res := compareCell(13, md, page); !strings.HasPrefix(res.problem, "cell 13, output 1 (markdown), line ") {
		t.Errorf("a derive table with another number: got %q", res.problem)
	}

	chart := outs["02-chain-rule/17"]
	page = copyOutputs(t, chart)
	html := page[0].Data["text/html"].String()
	page[0].Data["text/html"] = multiline{strings.Replace(html, `"data":[[`, `"data":[[0,0],[`, 1)}
	if res := compareCell(17, chart, page); !strings.HasPrefix(res.problem, `cell 17, output 1 (chart): series 1 (`) {
		t.Errorf("a chart with other data: got %q", res.problem)
	}
	if res := compareCell(17, chart, nil); res.problem != "cell 17: the kernel shows 1 outputs (chart), the page no output" {
		t.Errorf("a chart missing from the page: got %q", res.problem)
	}
}

// In a timing cell, measured times differ from run to run: lines and the y values of
// charts are compared up to their numbers, and the x values still must be equal.
func TestTimingCellsCompareUpToTheirNumbers(t *testing.T) {
	kernel := realOutputs(t)["08-why-backprop-is-fast/10"]
	page := copyOutputs(t, kernel)
	page[0].Text = multiline{strings.Replace(page[0].Text.String(), "2.58e-06 s", "4.1e-06 s", 1)}
	html := page[5].Data["text/html"].String()
	page[5].Data["text/html"] = multiline{strings.Replace(html, "[162,0.000002577]", "[162,0.000004102]", 1)}
	res := compareCell(10, kernel, page)
	if res.problem != "" || !res.timing || res.charts != 1 {
		t.Fatalf("other timings: %+v", res)
	}
	page[5].Data["text/html"] = multiline{strings.Replace(html, "[162,0.000002577]", "[163,0.000002577]", 1)}
	if res := compareCell(10, kernel, page); !strings.Contains(res.problem, `series 1 ("backpropagation")`) {
		t.Errorf("another x value in a timing chart: got %q", res.problem)
	}
	page = copyOutputs(t, kernel)
	page[0].Text = multiline{strings.Replace(page[0].Text.String(), "P =   162:", "P =   162 parameters:", 1)}
	if res := compareCell(10, kernel, page); !strings.Contains(res.problem, "line 1") {
		t.Errorf("another word in a timing line: got %q", res.problem)
	}
}

func TestLessonLine(t *testing.T) {
	outs := realOutputs(t)
	kernel := &notebook{}
	kernel.Cells = make([]nbCell, 18)
	kernel.Cells[15].Outputs, kernel.Cells[17].Outputs = outs["02-chain-rule/15"], outs["02-chain-rule/17"]
	var res pageResult
	if err := json.Unmarshal([]byte(`{"name": "02-chain-rule", "ok": true,
		"cells": [{"index": 1, "kind": "live"}, {"index": 2, "kind": "numbers"}, {"index": 7, "kind": "snapshot", "why": "needs the MNIST data"},
			{"index": 9, "kind": "snapshot", "why": "needs the MNIST data"}, {"index": 15, "kind": "live"}, {"index": 17, "kind": "live"}],
		"run": {"ok": true, "ran": [15, 17], "failed": -1, "ms": 123}, "again": {"ok": true, "ms": 81}}`), &res); err != nil {
		t.Fatal(err)
	}
	res.Outputs = map[string][]output{"15": outs["02-chain-rule/15"], "17": outs["02-chain-rule/17"]}
	rep := compareLesson(kernel, kernel, res)
	want := "recompute: ok   02-chain-rule                      2 outputs equal the kernel's, 1 chart redrawn (0.12 s; again 0.08 s); snapshot cells 7, 9 (needs the MNIST data)\n"
	if got := rep.line(res); got != want {
		t.Errorf("got  %q\nwant %q", got, want)
	}
	// A cell the page did not run keeps its exported outputs: they must be the kernel's.
	res.Run.Ran = []int{15}
	exported := &notebook{Cells: make([]nbCell, 18)}
	exported.Cells[17].Outputs = outs["02-chain-rule/17"]
	if got := compareLesson(kernel, exported, res).line(res); !strings.Contains(got, "; cell 17 not re-run (no numbers used") || !strings.HasPrefix(got, "recompute: ok") {
		t.Errorf("a live cell the page did not run, whose outputs do not change: got %q", got)
	}
	exported.Cells[17].Outputs = outs["02-chain-rule/15"]
	if got := compareLesson(kernel, exported, res).line(res); !strings.Contains(got, "\n      cell 17 did not run in the page, yet the kernel's outputs change") || !strings.HasPrefix(got, "recompute: FAIL") {
		t.Errorf("a live cell the page did not run, whose outputs change: got %q", got)
	}
}

// The page must fail where the kernel fails, and say what the kernel says.
func TestBadInputIsJudgedAgainstTheKernel(t *testing.T) {
	box := `<div class="chainrule-error" style="border:1px solid #c33;background:#fdecea;color:#611;padding:.6em 1em;font:14px sans-serif;white-space:pre-wrap;">focusJ = 7: layer L has neurons 0 … 2</div>`
	page := func(cell int, html string) pageResult {
		var res pageResult
		res.Name = "05-many-neurons"
		res.Cases = append(res.Cases, pageCase{Name: "a value the lesson rejects", Failed: cell, Outputs: map[string][]output{
			"7": {{OutputType: "display_data", Data: map[string]multiline{"text/html": {html}, "text/plain": {"error: focusJ = 7: layer L has neurons 0 … 2"}}},
				{OutputType: "error", Ename: "exit status 1"}}}})
		return res
	}
	kernel := map[string]nbrun.Result{"05-many-neurons: a value the lesson rejects": {OK: false, Cell: 7, Output: "\n" + box + "\n\nexit status 1"}}
	rep := &lessonReport{}
	rep.badInput(page(7, box), kernel)
	if !rep.ok() || len(rep.badInputs) != 1 || rep.badInputs[0] != "a value the lesson rejects: error in cell 7" {
		t.Errorf("the kernel's error in the kernel's cell: %+v", rep)
	}
	rep = &lessonReport{}
	rep.badInput(page(7, strings.Replace(box, "0 … 2", "0 … 3", 1)), kernel)
	if rep.ok() || !strings.Contains(rep.problems[0], "is not the kernel's") {
		t.Errorf("another message: %+v", rep)
	}
	rep = &lessonReport{}
	rep.badInput(page(9, box), kernel)
	if rep.ok() || !strings.Contains(rep.problems[0], "shows no error") {
		t.Errorf("an error in no cell: %+v", rep)
	}
}

// Every lesson's numbers cells carry a second set of values, every bad input applies to
// its lesson's second values, and a copy replaces the sources and keeps the rest.
func TestTheLessonsNumbers(t *testing.T) {
	p := testkit.Checkout(t)
	lessons, err := p.Lessons()
	if err != nil {
		t.Fatal(err)
	}
	found := map[string]*lessonNumbers{}
	for _, nb := range lessons {
		l, err := readNumbers(nb)
		if err != nil {
			t.Fatal(err)
		}
		if l != nil {
			found[l.name] = l
		}
	}
	for _, name := range []string{"01-one-neuron", "02-chain-rule", "08-why-backprop-is-fast", "11-any-graph", "14-training-with-autodiff"} {
		if found[name] == nil || found[name].same {
			t.Errorf("%s: no numbers cell with second values that differ", name)
		}
	}
	for _, b := range badInputs {
		if _, _, err := found[b.lesson].edited(b); err != nil {
			t.Error(err)
		}
	}
	l := found["02-chain-rule"]
	cp := filepath.Join(t.TempDir(), "02-chain-rule.ipynb")
	if err := writeCopy(l.path, cp, l.second); err != nil {
		t.Fatal(err)
	}
	orig, err := readNotebook(l.path)
	if err != nil {
		t.Fatal(err)
	}
	copied, err := readNotebook(cp)
	if err != nil {
		t.Fatal(err)
	}
	if len(copied.Cells) != len(orig.Cells) || copied.Cells[2].Source.String() != l.second[2] || copied.Cells[5].Source.String() != orig.Cells[5].Source.String() ||
		!strings.Contains(copied.Cells[2].Source.String(), "w     = 1.4") {
		t.Errorf("the copy of 02 with its second numbers: cell 2 is %q", copied.Cells[2].Source.String())
	}
}

// TestSnapshotCellsRunTheirDeclarationsOnly: the kernel's copy of a lesson keeps a
// snapshot cell's declarations, which later cells use, and drops its code after %%;
// the snapshot cells are those the exported page lists.
func TestSnapshotCellsRunTheirDeclarationsOnly(t *testing.T) {
	root := t.TempDir()
	r := &testRun{p: &checkout.Checkout{Root: root}}
	nb := filepath.Join(root, "10-x.ipynb")
	testkit.WriteFile(t, nb, `{"cells": [
		{"cell_type": "code", "metadata": {"tags": ["numbers"], "backprop": {"second": "var eta = 0.1"}}, "source": "var eta = 0.5", "outputs": []},
		{"cell_type": "code", "metadata": {}, "source": "import \"fmt\"\n\nfunc train() {}\n\n%%\ntrain()\nfmt.Println(eta)", "outputs": []},
		{"cell_type": "code", "metadata": {}, "source": "%%\nfmt.Println(2 * eta)", "outputs": []},
		{"cell_type": "code", "metadata": {}, "source": "%%\ntrain()", "outputs": []}]}`)
	page := `<p>…</p><script type="application/json" id="backprop-lesson">{"lesson":"10-x","cells":[` +
		`{"index":0,"kind":"numbers"},{"index":1,"kind":"snapshot","why":"needs the MNIST data"},{"index":2,"kind":"live"},{"index":3,"kind":"snapshot"}]}</script>`
	testkit.WriteFile(t, filepath.Join(r.exportDir(), "10-x.html"), page)
	l, err := readNumbers(nb)
	if err != nil {
		t.Fatal(err)
	}
	got, err := r.withoutSnapshotRuns(l)
	if err != nil {
		t.Fatal(err)
	}
	want := map[int]string{0: "var eta = 0.1", 1: "import \"fmt\"\n\nfunc train() {}\n\n%%\n", 3: "%%\n"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("sources = %q, want %q", got, want)
	}
	testkit.WriteFile(t, filepath.Join(r.exportDir(), "10-x.html"), "<p>a page without live cells</p>")
	if got, err := r.withoutSnapshotRuns(l); err != nil || len(got) != 1 {
		t.Errorf("a page without a list of cells: %q, %v", got, err)
	}
	testkit.WriteFile(t, filepath.Join(r.exportDir(), "10-x.html"), `<script type="application/json" id="backprop-lesson">{"cells":[</script>`)
	if _, err := r.withoutSnapshotRuns(l); err == nil || !strings.Contains(err.Error(), "the list of its cells") {
		t.Errorf("a page whose list does not parse: %v", err)
	}
}
