package export

import (
	"encoding/json"
	"fmt"
	"html"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chainrule-go/backprop/kernel/internal/browser"
	"github.com/chainrule-go/backprop/kernel/internal/checkout"
	"github.com/chainrule-go/backprop/kernel/internal/install"
	"github.com/chainrule-go/backprop/kernel/internal/live"
	"github.com/chainrule-go/backprop/kernel/internal/testkit"
)

// nbconvertLike is the shape of a page from Debian's nbconvert 6.5 lab template.
const nbconvertLike = `<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>01-x</title><script src="file:///usr/share/javascript/requirejs/require.min.js"></script>
<style>.jp-Cell{}</style>
    <script src="file:///usr/share/javascript/mathjax/MathJax.js?config=TeX-AMS_CHTML-full,Safe"> </script>
    <script type="text/x-mathjax-config">
    init_mathjax = function() { MathJax.Hub.Queue(["Typeset", MathJax.Hub]); }
    init_mathjax();
    </script>
</head><body>
<h1 id="One">01 · One neuron<a class="anchor-link" href="#One">¶</a></h1>
<p>Cost $C_0$; next: <a href="02-chain-rule.ipynb">lesson 2</a>, <a href="https://example.org/x.ipynb">elsewhere</a>.</p>
<div class="chainrule-chart" data-chart="c-1"><img alt="Cost" class="chainrule-chart-picture" src="data:image/svg+xml;base64,PHN2Zz48L3N2Zz4="></div>
</body></html>`

func testAssets(t *testing.T) *pageAssets {
	t.Helper()
	a, err := loadPageAssets(testkit.Checkout(t).AssetsDir())
	if err != nil {
		testkit.Require(t, err)
	}
	return a
}

func TestPortablePage(t *testing.T) {
	a := testAssets(t)
	title := firstHeading(nbconvertLike, "fallback")
	if title != "01 · One neuron" {
		t.Errorf("title = %q, want the first heading without its anchor", title)
	}
	page, err := portablePage(nbconvertLike, pageParts{title: title}, a, nil)
	if err != nil {
		t.Fatal(err)
	}
	if ref := externalReference(page); ref != "" {
		t.Errorf("page still refers to %s", ref)
	}
	for _, gone := range []string{"file://", "require.min.js", "MathJax.Hub", "<title>01-x</title>", "PHN2Zz48L3N2Zz4="} {
		if strings.Contains(page, gone) {
			t.Errorf("page still contains %q", gone)
		}
	}
	for _, want := range []string{
		"<title>01 · One neuron</title>",
		`href="02-chain-rule.html"`,
		`href="https://example.org/x.ipynb"`, // only links between lessons change
		"typeset(document.body)",             // the page runtime, inlined
		"data:font/woff2;base64,",
		`<div class="chainrule-chart" data-chart="c-1"></div>`, // the box stays; the page draws the chart in it
	} {
		if !strings.Contains(page, want) {
			t.Errorf("page lacks %q", want)
		}
	}
	if !strings.Contains(page, "getInstanceByDom") {
		t.Error("ECharts is not inlined")
	}
	if strings.Index(page, "(function (define, exports, module)") > strings.Index(page, "</head>") {
		t.Error("libraries must be inlined in <head>, before the outputs' scripts run")
	}
	if strings.Contains(page, `src="assets/`) {
		t.Error("a self-contained page links assets/")
	}
}

// TestPortablePageLinksAssets: a page of a site links the libraries and nbconvert's
// large stylesheet from assets/, carries the links between lessons and its cells' JSON.
func TestPortablePageLinksAssets(t *testing.T) {
	a := testAssets(t)
	big := "<style>" + strings.Repeat(".jp-x{color:red}", 400) + "</style>"
	raw := strings.Replace(nbconvertLike, "<style>.jp-Cell{}</style>", big, 1)
	raw = strings.Replace(raw, "<body>", "<body><main>", 1)
	raw = strings.Replace(raw, "</body>", "</main></body>", 1)
	pages := []Page{{File: "00-a.html", Title: "00 · A"}, {File: "01-x.html", Title: "01 · One neuron"}, {File: "02-b.html", Title: "02 · B"}}
	site := &siteFiles{}
	page, err := portablePage(raw, pageParts{title: "01 · One neuron", nav: navigation(pages, 1), lesson: `{"lesson":"01-x"}`}, a, site)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		`<script src="assets/echarts.min.js"></script>`, `<link rel="stylesheet" href="assets/katex.css">`,
		`<script src="assets/live.js"></script>`, `<link rel="stylesheet" href="assets/notebook-`,
		`<a rel="prev" href="00-a.html">← 00 · A</a>`, `<a href="index.html">All lessons</a>`, `<a rel="next" href="02-b.html">02 · B →</a>`,
		`<script type="application/json" id="backprop-lesson">{"lesson":"01-x"}</script>`,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("page lacks %q", want)
		}
	}
	if n := strings.Count(page, `class="backprop-nav"`); n != 2 {
		t.Errorf("the links between lessons are in the page %d times, want 2 (top and bottom)", n)
	}
	if strings.Contains(page, "(function (define, exports, module)") || strings.Contains(page, ".jp-x{") {
		t.Error("a page of a site inlines what assets/ holds")
	}
	if len(site.order) != len(a.all())+1 {
		t.Errorf("assets/ = %v, want the %d libraries and the stylesheet", site.order, len(a.all()))
	}
}

func TestSummary(t *testing.T) {
	for md, want := range map[string]string{
		"# 02 · Title\n\nLesson 01 ended with a curve: the cost $C_0$.\nMore text. And more.": "Lesson 01 ended with a curve: the cost $C_0$.",
		"# T\n\n## Sub\n\nNo full stop here":                                                  "No full stop here",
		"Is it? Yes.":                                                                         "Is it?",
	} {
		if got := firstSentence(md); got != want {
			t.Errorf("firstSentence(%q) = %q, want %q", md, got, want)
		}
	}
}

func TestExternalReference(t *testing.T) {
	for page, want := range map[string]string{
		`<script src="https://cdn.jsdelivr.net/npm/echarts"></script>`: `<script src="https://cdn.jsdelivr.net/npm/echarts`,
		`<link rel="stylesheet" href="//fonts.example/x.css">`:         `<link rel="stylesheet" href="//fonts.example/x.css`,
		`<img src="file:///srv/plots/plot.png">`:                       `<img src="file:///srv/plots/plot.png`,
		`<a href="https://go.dev">Go</a> <script>var x = 1</script>`:   ``,
	} {
		if got := externalReference(page); got != want {
			t.Errorf("externalReference(%q) = %q, want %q", page, got, want)
		}
	}
}

// TestExportWritesSite exports three notebooks as a site, one with a numbers cell, then
// the same executed pages as self-contained pages, checks both, and opens the numbers
// page of each in Chromium from disk: its Go program must start.
func TestExportWritesSite(t *testing.T) {
	p := testkit.Checkout(t)
	j, err := install.Installed(p)
	testkit.Require(t, err)
	chromium, err := install.FindChromium()
	testkit.Require(t, err)
	testkit.CaptureOut(t)
	before := testkit.Snapshot(t, p.NotebooksDir())
	dir, keep := t.TempDir(), t.TempDir()
	notebooks := []string{filepath.Join(p.NotebooksDir(), "00-welcome.ipynb"), filepath.Join("..", "nbrun", "testdata", "chart.ipynb"), filepath.Join("testdata", "numbers.ipynb")}
	pages, err := Write(p, j, notebooks, dir, Options{Timeout: 2 * time.Minute, Keep: keep})
	if err != nil {
		t.Fatal(err)
	}
	if len(pages) != 3 || pages[0].Title != "00 · Welcome: how these Go notebooks work" || pages[1].Title != "A chart and a formula" {
		t.Fatalf("pages = %+v", pages)
	}
	checkPages(t, dir, pages, false)
	checkSite(t, dir, pages)
	single := t.TempDir()
	a, err := loadPageAssets(p.AssetsDir())
	testkit.Require(t, err)
	prog, err := live.Build(p, notebooks)
	testkit.Require(t, err)
	withProgram, err := a.withProgram(p.AssetsDir(), gzipped(prog.Wasm))
	testkit.Require(t, err)
	if _, err := (&writer{dir: single, assets: a, live: withProgram, prog: prog}).write(notebooks, keep); err != nil {
		t.Fatal(err)
	}
	checkPages(t, single, pages, true)
	if _, err := os.Stat(filepath.Join(single, "assets")); err == nil {
		t.Error("self-contained pages wrote assets/")
	}
	results, err := browser.Check(p, chromium, []browser.Page{
		{Name: "site", URL: browser.FileURL(filepath.Join(dir, "numbers.html")), Offline: true},
		{Name: "single", URL: browser.FileURL(filepath.Join(single, "numbers.html")), Offline: true},
	}, filepath.Join(t.TempDir(), "shots"), func(browser.Page, browser.Result) {})
	testkit.Require(t, err)
	for _, r := range results {
		if !r.OK {
			t.Errorf("the %s's numbers page: %v", r.Name, r.Problems)
		}
	}
	checkRecompute(t, p, chromium, filepath.Join(dir, "numbers.html"))
	after := testkit.Snapshot(t, p.NotebooksDir())
	if len(after) != len(before) {
		t.Error("export changed the files in notebooks/")
	}
	for path, b := range before {
		if after[path] != b {
			t.Errorf("export changed %s", path)
		}
	}
}

// recomputed is what testdata/drive.mjs saw of one run in the page.
type recomputed struct {
	OK       bool
	Ran      []int
	Failed   int
	TimedOut bool
	Outputs  map[string][]struct {
		OutputType string            `json:"output_type"`
		Text       string            `json:"text"`
		Evalue     string            `json:"evalue"`
		Traceback  []string          `json:"traceback"`
		Data       map[string]string `json:"data"`
	}
	Shown map[string]string // the text of each cell's outputs as the page shows them
	KaTeX int               // formulas typeset in cell 4's outputs
}

// checkRecompute drives the numbers page with testdata/drive.mjs: the learner's edits
// recompute the cells below with the lesson's Go code; text that is not a number, a value
// the cell rejects and a run that never ends each show in their cell, and the page goes on.
func checkRecompute(t *testing.T, p *checkout.Checkout, chromium, page string) {
	t.Helper()
	driver, _ := filepath.Abs(filepath.Join("testdata", "drive.mjs"))
	out, err := exec.Command("node", driver, browser.FileURL(page),
		browser.FileURL(filepath.Join(p.AssetsDir(), "node_modules", "playwright-core", "index.mjs")), chromium).Output()
	if err != nil {
		t.Fatalf("drive.mjs: %v\n%s", err, out)
	}
	var seen struct {
		Problems                                        []string
		State                                           string
		Three, NotANumber, Negative, TooLong, AfterStop recomputed
		ShiftEnter                                      []struct{ Text string }
	}
	if err := json.Unmarshal(out, &seen); err != nil {
		t.Fatalf("drive.mjs printed %q: %v", out, err)
	}
	if seen.State != "ready" || len(seen.Problems) > 0 {
		t.Fatalf("the page's program is %q; problems: %v", seen.State, seen.Problems)
	}
	r := seen.Three
	if !r.OK || fmt.Sprint(r.Ran) != "[2 3 4]" || r.Shown["2"] != "x squared is 9" || r.KaTeX == 0 ||
		!strings.Contains(r.Outputs["4"][0].Data["text/markdown"], `\frac{x}{2} = 1.5`) {
		t.Errorf("x = 3: %+v", r)
	}
	if r = seen.NotANumber; r.OK || r.Failed != 1 || !strings.Contains(r.Outputs["1"][0].Evalue, `"abc" is not a number`) || r.Shown["2"] != "x squared is 9" {
		t.Errorf("x = abc: the error must show under the numbers and the outputs stay: %+v", r)
	}
	if r = seen.Negative; r.OK || r.Failed != 3 || !strings.Contains(strings.Join(r.Outputs["3"][0].Traceback, "\n"), "x must not be negative") ||
		r.Shown["2"] != "x squared is 1" || !strings.HasPrefix(r.Shown["4"], "Not re-run") {
		t.Errorf("x = -1: the panic must show in cell 3 and cell 4 be marked not re-run: %+v", r)
	}
	if r = seen.TooLong; !r.TimedOut || !strings.Contains(r.Shown["3"], "Stopped: this run took longer than 10 s") {
		t.Errorf("x = 2000: the endless loop must be stopped with a message in its cell: %+v", r)
	}
	if r = seen.AfterStop; !r.OK || r.Shown["2"] != "x squared is 16" {
		t.Errorf("x = 4 after the stop: %+v", r)
	}
	if len(seen.ShiftEnter) != 1 || seen.ShiftEnter[0].Text != "x squared is 25\n" {
		t.Errorf("Shift-Enter with x = 5: %+v", seen.ShiftEnter)
	}
}

// checkSite checks what a site adds to its pages: the links between them, the index with
// each lesson's summary, and the numbers page's cells for the page runtime.
func checkSite(t *testing.T, dir string, pages []Page) {
	t.Helper()
	read := func(file string) string { b, _ := os.ReadFile(filepath.Join(dir, file)); return string(b) }
	chart := read("chart.html")
	for _, want := range []string{`<a rel="prev" href="00-welcome.html">`, `<a rel="next" href="numbers.html">`, `<script src="assets/echarts.min.js">`,
		`<script type="application/json" id="backprop-lesson">{"lesson":"chart","cells":[`} {
		if !strings.Contains(chart, want) {
			t.Errorf("chart.html lacks %q", want)
		}
	}
	if numbers := read("numbers.html"); !strings.Contains(numbers, `{"index":1,"id":"cell-1","kind":"numbers","source":"var x = 2.0"},{"index":2,"id":"cell-2","kind":"live"}`) {
		t.Error("numbers.html does not list its numbers cell and the live cell after it")
	}
	index := read("index.html")
	for _, want := range []string{`<a href="00-welcome.html">00 · Welcome`, `<a href="chart.html">A chart and a formula</a>`,
		"<p>" + html.EscapeString(pages[0].Summary) + "</p>", "<p>A lesson of one number, for the export&#39;s tests.</p>"} {
		if !strings.Contains(index, want) {
			t.Errorf("index.html lacks %q:\n%s", want, index)
		}
	}
	if pages[0].Summary == "" {
		t.Error("00-welcome has no summary")
	}
	// Every asset is there; the welcome's link to lesson 01, not exported here, is found.
	if broken, err := CheckLinks(dir); err != nil || strings.Join(broken, "\n") != "00-welcome.html links 01-one-neuron.html, which is not in the site" {
		t.Errorf("CheckLinks = %q, %v", broken, err)
	}
}

// checkPages checks the exported pages in dir: none refers to the network or the disk,
// each loads its scripts once (inlined when single, else linked from assets/): the
// libraries and the page runtime, and for the lessons with a numbers cell (numbers.html,
// 00-welcome.html) the program and its worker; and
// chart.html keeps its four charts in order.
func checkPages(t *testing.T, dir string, pages []Page, single bool) {
	t.Helper()
	for _, pg := range pages {
		data, err := os.ReadFile(filepath.Join(dir, pg.File))
		if err != nil {
			t.Fatal(err)
		}
		page := string(data)
		if ref := externalReference(page); ref != "" || strings.Contains(page, "file://") {
			t.Errorf("%s refers to %q", pg.File, ref)
		}
		scripts := len(nodeAssets) + 1
		if pg.File == "numbers.html" || pg.File == "00-welcome.html" {
			scripts += 2
		}
		inlined, linked := strings.Count(page, "(function (define, exports, module)"), strings.Count(page, `<script src="assets/`)
		if single && (inlined != scripts || linked != 0) || !single && (inlined != 0 || linked != scripts) {
			t.Errorf("%s: %d scripts inlined, %d linked; want %d, each once", pg.File, inlined, linked, scripts)
		}
	}
	chart, _ := os.ReadFile(filepath.Join(dir, "chart.html"))
	// Every cell ends right after Show: none of the four charts may be lost, and the
	// chart comes before what the cell printed after it.
	if n := strings.Count(string(chart), `<div class="chainrule-chart"`); n != 4 {
		t.Errorf("chart.html has %d chart boxes, want 4", n)
	}
	if i, j := strings.Index(string(chart), `<div class="chainrule-chart"`), strings.LastIndex(string(chart), "printed after the chart"); i < 0 || j < i {
		t.Error("the chart does not come before the text printed after it")
	}
	for _, want := range []string{`class="chainrule-chart"`, `href="00-welcome.html"`, "From the kernel:", `class="jp-InputArea`} {
		if !strings.Contains(string(chart), want) {
			t.Errorf("chart.html lacks %q", want)
		}
	}
}

func TestExportNeverWritesIntoNotebooks(t *testing.T) {
	p := testkit.Checkout(t)
	_, err := Write(p, nil, nil, filepath.Join(p.NotebooksDir(), "html"), Options{Timeout: time.Minute})
	if err == nil || !strings.Contains(err.Error(), "inside notebooks/") {
		t.Fatalf("got %v", err)
	}
}
