package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chainrule-go/backprop/kernel/display"
)

// installedChromium returns Chromium's path, skipping (or failing under `kernel test`) without it.
func installedChromium(t *testing.T) string {
	t.Helper()
	if path, err := exec.LookPath(chromiumPath); err == nil {
		return path
	}
	missing(t, "Chromium is not installed")
	return ""
}

// TestBrowserCheckCatchesBrokenPages proves the check can fail: a blank chart, a chart
// whose library is missing, raw TeX, a console error and a request to the network.
func TestBrowserCheckCatchesBrokenPages(t *testing.T) {
	p := testProject(t)
	chromium := installedChromium(t)
	a := testAssets(t)
	captureOut(t)
	dir := t.TempDir()
	good := `<!DOCTYPE html><html><head><title>good</title></head><body><h1>Good</h1><p>Cost $C_0 = (a-y)^2$.</p>` +
		`<div class="chainrule-chart" id="c1" style="width:300px;height:200px"></div>` +
		`<div><input type="range" min="0" max="10" value="5" oninput="this.nextSibling.textContent = this.value"><span>5</span></div><script>
var c = echarts.init(document.getElementById('c1')); c.setOption({animation: false, xAxis: {type: 'value'}, yAxis: {type: 'value'},
series: [{type: 'line', data: [[0, 0], [1, 1]]}]}); document.getElementById('c1').setAttribute('data-drawn', 'true');
</script></body></html>`
	page, err := portablePage(good, "good", a)
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

	results, err := p.browserCheck(chromium, []browserPage{
		{Name: "good", URL: fileURL(filepath.Join(dir, "good.html")), Offline: true},
		{Name: "bad", URL: fileURL(filepath.Join(dir, "bad.html")), Offline: true},
	}, filepath.Join(dir, "shots"), func(browserPage, browserResult) {})
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
	if results[1].OK || browserFailures(results) == nil {
		t.Error("the bad page passed")
	}
}
