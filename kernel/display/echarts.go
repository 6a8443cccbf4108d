package display

import (
	"encoding/json"
	"fmt"
	"html"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"

	"github.com/janpfeifer/gonb/gonbui/protocol"
)

// CheckoutEnv names the environment variable, set by the project's kernelspec,
// that holds the checkout's absolute path.
const CheckoutEnv = "BACKPROP_CHECKOUT"

// EChartsAsset is where `go run ./kernel setup` installs ECharts, relative to the checkout.
const EChartsAsset = "kernel/assets/node_modules/echarts/dist/echarts.min.js"

// ChartClass is the CSS class of every chart box; the browser checks look for it.
const ChartClass = "chainrule-chart"

var chartCount atomic.Int64

// EChartsPathEnv names the environment variable that, when set, is the path of the
// ECharts file relative to the Jupyter server's base URL. The classroom hub sets it to
// a path under the single-user servers' static files ("static/…"), because a student's
// server is rooted at the student's home, which does not contain the checkout.
const EChartsPathEnv = "BACKPROP_ECHARTS_PATH"

// EChartsURL returns the path, relative to the Jupyter server's base URL, under which
// the server serves the ECharts file: $BACKPROP_ECHARTS_PATH when set, else
// "files/kernel/assets/…" under the Jupyter root; or "" with the reason when it cannot:
// the checkout is not under the Jupyter root, or ECharts is not installed.
func EChartsURL() (string, string) {
	if p := os.Getenv(EChartsPathEnv); p != "" {
		return strings.TrimPrefix(p, "/"), ""
	}
	root, checkout := os.Getenv(protocol.GONB_JUPYTER_ROOT_ENV), os.Getenv(CheckoutEnv)
	if root == "" || checkout == "" {
		return "", "this kernel did not say where the Jupyter server and the checkout are; open the lessons with `go run ./kernel lab`"
	}
	asset := filepath.Join(checkout, filepath.FromSlash(EChartsAsset))
	if _, err := os.Stat(asset); err != nil {
		return "", "ECharts is not installed at " + asset + "; run `go run ./kernel setup`"
	}
	rel, err := filepath.Rel(root, asset)
	if err != nil || strings.HasPrefix(rel, "..") {
		return "", "the Jupyter server's folder " + root + " does not contain the checkout, so it cannot serve ECharts; open the lessons with `go run ./kernel lab`"
	}
	parts := strings.Split(filepath.ToSlash(rel), "/")
	for i, p := range parts {
		parts[i] = url.PathEscape(p)
	}
	return "files/" + strings.Join(parts, "/"), ""
}

// Chart is one ECharts chart ready to be shown.
type Chart struct {
	Title         string // names the chart in error messages and in the untrusted-output note
	Width, Height int    // pixels; the box shrinks to the cell's width when narrower
	Option        any    // the ECharts option object; marshalled with encoding/json
	// Script, if set, is JavaScript run once the chart is drawn, with `chart`
	// (the ECharts instance) and `box` (its div) in scope — for sliders and the like.
	Script string
	// Controls is HTML placed under the chart box (for example a slider the Script wires up).
	Controls string
	// Err, when set, is why the chart could not be built (bad input); Show displays it instead.
	Err error
}

// HTML returns the chart's box and the script that draws it. The script uses the page's
// ECharts when there is one (exported pages inline it once); otherwise it loads the file
// from the Jupyter server once per page and shares it between charts. If ECharts cannot
// be loaded, the box says why instead of staying blank. Before the script runs (Jupyter
// does not run scripts of untrusted outputs) the box says how to draw it.
func (c *Chart) HTML() (string, error) {
	if c.Err != nil {
		return "", c.Err
	}
	opt, err := json.Marshal(c.Option)
	if err != nil {
		return "", fmt.Errorf("chart %q: option cannot be encoded: %w", c.Title, err)
	}
	if c.Width <= 0 || c.Height <= 0 {
		return "", fmt.Errorf("chart %q: size %d×%d must be positive", c.Title, c.Width, c.Height)
	}
	libURL, why := EChartsURL()
	cfg, _ := json.Marshal(map[string]string{"url": libURL, "why": why})
	id := fmt.Sprintf("chainrule-chart-%d-%d", os.Getpid(), chartCount.Add(1))
	var b strings.Builder
	fmt.Fprintf(&b, `<div class="%s" id="%s" style="width:%dpx;max-width:100%%;height:%dpx;">`, ChartClass, id, c.Width, c.Height)
	fmt.Fprintf(&b, `<p class="chainrule-chart-note" style="color:#888;font:13px sans-serif;padding:1em;">%s — this chart is drawn by a script that has not run. Run the cell (Jupyter does not run scripts in outputs it did not produce in this session), or open the exported HTML page.</p></div>`, html.EscapeString(c.Title))
	b.WriteString(c.Controls)
	fmt.Fprintf(&b, "<script>\n(function () {\nvar id = %q, option = %s, config = %s;\n", id, opt, cfg)
	fmt.Fprintf(&b, "function ready(chart, box) {\n%s\n}\n", c.Script)
	b.WriteString(loaderJS)
	b.WriteString("})();\n</script>")
	return b.String(), nil
}

// Show displays the chart as the cell's output, or a box naming the problem.
func (c *Chart) Show() {
	h, err := c.HTML()
	if err != nil {
		Error(err)
		return
	}
	send(map[protocol.MIMEType]any{protocol.MIMETextHTML: h, protocol.MIMETextPlain: "[chart: " + c.Title + "]"})
}

// Error shows err in a red box where the output would have been.
func Error(err error) {
	send(map[protocol.MIMEType]any{
		protocol.MIMETextHTML:  ErrorHTML(err),
		protocol.MIMETextPlain: "error: " + err.Error(),
	})
}

// ErrorHTML is the red box that Error shows.
func ErrorHTML(err error) string {
	return `<div class="chainrule-error" style="border:1px solid #c33;background:#fdecea;color:#611;padding:.6em 1em;font:14px sans-serif;white-space:pre-wrap;">` +
		html.EscapeString(err.Error()) + `</div>`
}

// loaderJS draws `option` in `box` with ECharts, then calls ready(chart, box).
// It waits until the box is in the page and has a width (JupyterLab renders outputs
// before attaching them), and loads ECharts at most once per page. An ECharts bundle
// evaluated where require.js defines `define.amd` (classic Notebook) would register as
// an AMD module instead of setting window.echarts, so it is evaluated with define hidden.
const loaderJS = `
// JupyterLab may run this script before the output is in the document, so the box
// is looked up beside the script first, then in the document.
var here = document.currentScript && document.currentScript.parentNode;
function findBox() {
  return (here && here.querySelector && here.querySelector('#' + id)) || document.getElementById(id);
}
var box = findBox();
function fail(why) {
  box = box || findBox();
  if (!box) { console.warn('chart ' + id + ' not drawn: ' + why); return; }
  box.innerHTML = '<p class="chainrule-chart-error" style="color:#a33;font:13px sans-serif;padding:1em;">Chart not drawn: ' +
    String((why && why.message) || why).replace(/[&<>]/g, function (c) { return {'&': '&amp;', '<': '&lt;', '>': '&gt;'}[c]; }) + '</p>';
}
function baseURL() {
  var cfg = document.getElementById('jupyter-config-data');
  if (cfg) { try { return JSON.parse(cfg.textContent).baseUrl || '/'; } catch (e) {} }
  return (document.body && document.body.getAttribute('data-base-url')) || '/';
}
function load() {
  if (window.echarts && window.echarts.init) return Promise.resolve(window.echarts);
  if (!window.chainruleECharts) {
    if (!config.url) return Promise.reject(new Error('ECharts is not in this page and cannot be loaded: ' + config.why));
    var url = baseURL().replace(/\/?$/, '/') + config.url;
    window.chainruleECharts = fetch(url, {credentials: 'same-origin'}).then(function (r) {
      if (!r.ok) throw new Error('loading ECharts from ' + url + ' failed: HTTP ' + r.status);
      return r.text();
    }).then(function (src) {
      (new Function('define', 'exports', 'module', src)).call(window);
      if (!window.echarts) throw new Error('the ECharts file did not define echarts');
      return window.echarts;
    });
    window.chainruleECharts.catch(function () { window.chainruleECharts = null; });
  }
  return window.chainruleECharts;
}
function draw(echarts, tries) {
  box = box || findBox();
  if (!box || !box.isConnected || box.clientWidth === 0) {
    if (tries > 600) return fail('the chart box never became visible');
    return requestAnimationFrame(function () { draw(echarts, tries + 1); });
  }
  box.innerHTML = '';
  var chart = echarts.init(box);
  chart.setOption(option);
  if (window.ResizeObserver) new ResizeObserver(function () { chart.resize(); }).observe(box);
  ready(chart, box);
  box.setAttribute('data-drawn', 'true');
}
load().then(function (echarts) { draw(echarts, 0); }, fail);
`
