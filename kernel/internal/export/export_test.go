package export

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chainrule-go/backprop/kernel/internal/install"
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
	a, err := loadPageAssets(testkit.Checkout(t))
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
	page, err := portablePage(nbconvertLike, title, a)
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
		"renderMathInElement(document.body",
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

func TestExportWritesSelfContainedPages(t *testing.T) {
	p := testkit.Checkout(t)
	j, err := install.Installed(p)
	testkit.Require(t, err)
	testkit.CaptureOut(t)
	before := testkit.Snapshot(t, p.NotebooksDir())
	dir := t.TempDir()
	notebooks := []string{filepath.Join(p.NotebooksDir(), "00-welcome.ipynb"), filepath.Join("..", "nbrun", "testdata", "chart.ipynb")}
	pages, err := Write(p, j, notebooks, dir, Options{Timeout: 2 * time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	if len(pages) != 2 || pages[0].Title != "00 · Welcome: how these Go notebooks work" || pages[1].Title != "A chart and a formula" {
		t.Fatalf("pages = %+v", pages)
	}
	for _, pg := range pages {
		data, err := os.ReadFile(filepath.Join(dir, pg.File))
		if err != nil {
			t.Fatal(err)
		}
		page := string(data)
		if len(data) > maxPageBytes {
			t.Errorf("%s is %d bytes, over the limit", pg.File, len(data))
		}
		if ref := externalReference(page); ref != "" || strings.Contains(page, "file://") {
			t.Errorf("%s refers to %q", pg.File, ref)
		}
		if strings.Count(page, "(function (define, exports, module)") != 3 {
			t.Errorf("%s: want ECharts, KaTeX and auto-render inlined once each", pg.File)
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
	index, err := os.ReadFile(filepath.Join(dir, "index.html"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`<a href="00-welcome.html">00 · Welcome`, `<a href="chart.html">A chart and a formula</a>`} {
		if !strings.Contains(string(index), want) {
			t.Errorf("index.html lacks %q:\n%s", want, index)
		}
	}
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

func TestExportNeverWritesIntoNotebooks(t *testing.T) {
	p := testkit.Checkout(t)
	_, err := Write(p, nil, nil, filepath.Join(p.NotebooksDir(), "html"), Options{Timeout: time.Minute})
	if err == nil || !strings.Contains(err.Error(), "inside notebooks/") {
		t.Fatalf("got %v", err)
	}
}
