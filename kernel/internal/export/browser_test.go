package export

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chainrule-go/backprop/kernel/display"
	"github.com/chainrule-go/backprop/kernel/internal/browser"
	"github.com/chainrule-go/backprop/kernel/internal/install"
	"github.com/chainrule-go/backprop/kernel/internal/testkit"
)

// TestBrowserCheckCatchesBrokenPages proves the check can fail: a blank chart, a chart
// whose library is missing, raw TeX, a console error, a request to the network and a
// page whose Go program cannot start.
func TestBrowserCheckCatchesBrokenPages(t *testing.T) {
	p := testkit.Checkout(t)
	chromium, err := install.FindChromium()
	testkit.Require(t, err)
	a := testAssets(t)
	testkit.CaptureOut(t)
	dir := t.TempDir()
	good := `<!DOCTYPE html><html><head><title>good</title></head><body><h1>Good</h1><p>Cost $C_0 = (a-y)^2$.</p>` +
		`<div class="chainrule-chart" id="c1" style="width:300px;height:200px"></div>` +
		`<div><input type="range" min="0" max="10" value="5" oninput="this.nextSibling.textContent = this.value"><span>5</span></div><script>
var c = echarts.init(document.getElementById('c1')); c.setOption({animation: false, xAxis: {type: 'value'}, yAxis: {type: 'value'},
series: [{type: 'line', data: [[0, 0], [1, 1]]}]}); document.getElementById('c1').setAttribute('data-drawn', 'true');
</script></body></html>`
	page, err := portablePage(good, pageParts{title: "good"}, a, nil)
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(dir, "good.html"), []byte(page), 0o644)
	// A chart in a page without ECharts, made where no Jupyter server can serve it.
	t.Setenv("GONB_JUPYTER_ROOT", "")
	orphan, err := (&display.Chart{Title: "orphan", Width: 300, Height: 200, Option: map[string]any{"series": []any{}}}).HTML()
	if err != nil {
		t.Fatal(err)
	}
	bad := `<!DOCTYPE html><html><head></head><body>` + orphan + `<p>Left as TeX: $\frac{\partial C_0}{\partial w}$</p>` +
		`<div class="chainrule-chart" data-chart="c2" style="width:300px;height:200px" data-drawn="true"></div>` +
		`<div><input type="range" min="0" max="10" value="5"><span>5</span></div>` +
		`<script>console.error("boom")</script><img src="https://cdn.example.org/x.png"></body></html>`
	os.WriteFile(filepath.Join(dir, "bad.html"), []byte(bad), 0o644)
	// A numbers cell whose program is not WebAssembly: the page cannot recompute.
	broken, err := a.withProgram(p.AssetsDir(), []byte("not gzip"))
	testkit.Require(t, err)
	noProgram, err := portablePage(`<!DOCTYPE html><html><head></head><body><div class="jp-Cell jp-CodeCell jp-Notebook-cell" id="cell-id=n">`+
		`<div class="jp-InputArea-editor"><pre>var w = 1</pre></div></div></body></html>`,
		pageParts{title: "no program", lesson: `{"lesson":"x","cells":[{"index":0,"id":"n","kind":"numbers","source":"var w = 1"}]}`}, broken, nil)
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(dir, "no-program.html"), []byte(noProgram), 0o644)

	results, err := browser.Check(p, chromium, []browser.Page{
		{Name: "good", URL: browser.FileURL(filepath.Join(dir, "good.html")), Offline: true},
		{Name: "bad", URL: browser.FileURL(filepath.Join(dir, "bad.html")), Offline: true},
		{Name: "no-program", URL: browser.FileURL(filepath.Join(dir, "no-program.html")), Offline: true},
	}, filepath.Join(dir, "shots"), func(browser.Page, browser.Result) {})
	if err != nil {
		t.Fatal(err)
	}
	if !results[0].OK || results[0].Charts != 1 || results[0].Formulas == 0 || results[0].Sliders != 1 {
		t.Errorf("the good page failed: %+v", results[0])
	}
	if len(results[0].Screenshots) != 1 {
		t.Fatalf("want one screenshot, got %v", results[0].Screenshots)
	}
	if _, err := os.Stat(results[0].Screenshots[0]); err != nil {
		t.Errorf("no screenshot: %v", err)
	}
	problems := strings.Join(results[1].Problems, "\n")
	for _, want := range []string{
		"chart 1: Chart not drawn: ECharts is not in this page and cannot be loaded",
		"chart 2 (\"c2\") drew 0 pixels",
		"raw TeX left in the page", "console error: boom", "cdn.example.org",
		"slider 1: moving it changed nothing beside it",
	} {
		if !strings.Contains(problems, want) {
			t.Errorf("the bad page's problems lack %q:\n%s", want, problems)
		}
	}
	if results[1].OK || browser.Failures(results) == nil {
		t.Error("the bad page passed")
	}
	if problems := strings.Join(results[2].Problems, "\n"); !strings.Contains(problems, "the page cannot recompute: failed: ") {
		t.Errorf("the page whose program cannot start passed: %q", problems)
	}
}

// TestHiddenChartDrawsWhenShown: a chart whose box is hidden (display:none, as JupyterLab's
// windowing hides cells out of view) waits for as long as it takes, well past the 600
// animation frames after which the old loader gave up, and draws once the box is shown.
func TestHiddenChartDrawsWhenShown(t *testing.T) {
	p := testkit.Checkout(t)
	chromium, err := install.FindChromium()
	testkit.Require(t, err)
	a := testAssets(t)
	testkit.CaptureOut(t)
	dir := t.TempDir()
	chart, err := (&display.Chart{Title: "hidden", Width: 300, Height: 200, Option: map[string]any{
		"animation": false, "xAxis": map[string]any{"type": "value"}, "yAxis": map[string]any{"type": "value"},
		"series": []any{map[string]any{"type": "line", "data": [][]float64{{0, 0}, {1, 1}}}},
	}}).HTML()
	if err != nil {
		t.Fatal(err)
	}
	page, err := portablePage(`<!DOCTYPE html><html><head><title>hidden</title></head><body><div data-reveal style="display:none">`+
		chart+`</div></body></html>`, pageParts{title: "hidden"}, a, nil)
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(dir, "hidden.html"), []byte(page), 0o644)
	results, err := browser.Check(p, chromium, []browser.Page{
		{Name: "hidden", URL: browser.FileURL(filepath.Join(dir, "hidden.html")), Offline: true, Scenarios: []string{"reveal"}},
	}, filepath.Join(dir, "shots"), func(browser.Page, browser.Result) {})
	if err != nil {
		t.Fatal(err)
	}
	if r := results[0]; !r.OK || r.Charts != 1 {
		t.Errorf("the hidden chart did not draw once shown: %+v", r)
	}
}
