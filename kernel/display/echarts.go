package display

import (
	"encoding/base64"
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

// UntrustedNote is what a chart box says until its script has drawn the chart:
// Jupyter runs the scripts of outputs produced in this session only, not of saved ones.
const UntrustedNote = "this chart is drawn by a script that has not run. Jupyter runs scripts only in outputs " +
	"produced in this session, not in outputs saved in the notebook. Run the cell (or Run All), or trust the " +
	"notebook: “Trust Notebook” in JupyterLab's command palette (Ctrl+Shift+C), File → Trust Notebook in classic " +
	"Notebook, or `jupyter trust NOTEBOOK` in a terminal."

// PictureClass is the class of the chart's picture inside its box.
const PictureClass = "chainrule-chart-picture"

// PictureNote is the picture's tooltip: what it is, and how to get the live chart.
const PictureNote = "A picture of the chart. Where Jupyter runs the cell's script, the interactive chart is drawn over it " +
	"(a saved notebook: run the cell, or trust the notebook)."

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
	// It may call onWidth(f): f(width) then runs with the box's width once the chart
	// is drawn and again each time the chart follows its box to a new size.
	Script string
	// Controls is HTML placed right after the chart box (for example a slider the Script
	// wires up, finding it as box.nextElementSibling).
	Controls string
	// Err, when set, is why the chart could not be built (bad input); Show displays it instead.
	Err error
}

// HTML returns the chart's box and the script that draws it, without a picture.
func (c *Chart) HTML() (string, error) {
	opt, err := c.option()
	if err != nil {
		return "", err
	}
	return c.html(opt, ""), nil
}

// option checks the chart and returns its option as JSON.
func (c *Chart) option() ([]byte, error) {
	if c.Err != nil {
		return nil, c.Err
	}
	opt, err := json.Marshal(c.Option)
	if err != nil {
		return nil, fmt.Errorf("chart %q: option cannot be encoded: %w", c.Title, err)
	}
	if c.Width <= 0 || c.Height <= 0 {
		return nil, fmt.Errorf("chart %q: size %d×%d must be positive", c.Title, c.Width, c.Height)
	}
	return opt, nil
}

// html returns the chart's box and the script that draws it. The script uses the page's
// ECharts when there is one (exported pages inline it once); otherwise it loads the file
// from the Jupyter server once per page and shares it between charts. Until the script
// has drawn (Jupyter does not run scripts of untrusted outputs; GitHub strips them) the
// box shows svg, the chart's picture (its alt text the chart's title), when there is
// one, else says how to draw it. If
// ECharts cannot be loaded, the picture stays; without one, the box says why.
func (c *Chart) html(opt []byte, svg string) string {
	libURL, why := EChartsURL()
	cfg, _ := json.Marshal(map[string]string{"url": libURL, "why": why})
	id := fmt.Sprintf("chainrule-chart-%d-%d", os.Getpid(), chartCount.Add(1))
	var b strings.Builder
	// The box has no id: an output shown in two views (JupyterLab's "Create New View
	// for Output") holds it twice, and each view's script finds the box beside it.
	fmt.Fprintf(&b, `<div class="%s" data-chart="%s" style="width:%dpx;max-width:100%%;height:%dpx;">`, ChartClass, id, c.Width, c.Height)
	if svg != "" {
		fmt.Fprintf(&b, `<img class="%s" src="data:image/svg+xml;base64,%s" alt="%s" title="%s" width="%d" height="%d" style="display:block;max-width:100%%;height:auto;">`,
			PictureClass, base64.StdEncoding.EncodeToString([]byte(svg)), html.EscapeString(c.shownTitle(opt)), html.EscapeString(PictureNote), c.Width, c.Height)
	} else {
		fmt.Fprintf(&b, `<p class="chainrule-chart-note" style="color:#888;font:13px sans-serif;padding:1em;">%s — %s</p>`, html.EscapeString(c.Title), UntrustedNote)
	}
	b.WriteString(`</div>`)
	b.WriteString(c.Controls) // right after the box: scripts find them as box.nextElementSibling
	b.WriteString(printCSS)
	fmt.Fprintf(&b, "<script>\n(function () {\nvar id = %q, option = %s, config = %s;\n", id, opt, cfg)
	fmt.Fprintf(&b, "function ready(chart, box) {\n%s\n}\n", c.Script)
	b.WriteString(loaderJS)
	b.WriteString("})();\n</script>")
	return b.String()
}

// printCSS fits a drawn chart to the printed page: a page's column is narrower on paper
// than on screen, and the chart's canvas keeps its screen size (no script runs between
// laying out the page for print and printing it), so it is scaled down to the box's width.
const printCSS = `<style>@media print { .chainrule-chart { break-inside: avoid; } ` +
	`.chainrule-chart > div, .chainrule-chart canvas { max-width: 100% !important; } ` +
	`.chainrule-chart canvas { height: auto !important; } }</style>`

// Show displays the chart as the cell's output, or a box naming the problem. One
// display_data carries the interactive chart with its picture inside (text/html), the
// picture alone (image/svg+xml) and a line naming the chart and its series
// (text/plain). Outside a notebook only the line is printed.
func (c *Chart) Show() {
	opt, err := c.option()
	if err != nil {
		Error(err)
		return
	}
	svg := ""
	if InNotebook() && pictures {
		svg = c.picture()
	}
	send(c.mimeData(opt, svg))
}

// mimeData is what Show sends for the chart with option opt and picture svg ("" for none).
func (c *Chart) mimeData(opt []byte, svg string) map[protocol.MIMEType]any {
	data := map[protocol.MIMEType]any{
		protocol.MIMETextHTML:  c.html(opt, svg),
		protocol.MIMETextPlain: c.plainText(opt),
	}
	if svg != "" {
		data[protocol.MIMEImageSVG] = svg
	}
	return data
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

// loaderJS draws `option` in its box with ECharts, then calls ready(chart, box).
// ECharts loads at most once per page, from the server's base URL. The chart is drawn
// once the box has a width, with no time limit: JupyterLab attaches outputs after
// running their scripts and hides cells outside the window (windowing) until they are
// scrolled to. It is resized whenever the box's width changes (a sidebar opened or
// closed), and drawn anew in light or dark colours when JupyterLab's theme changes.
// An ECharts bundle evaluated where require.js defines `define.amd` (classic Notebook)
// would register as an AMD module instead of setting window.echarts, so it is
// evaluated with define hidden.
const loaderJS = `
var here = document.currentScript && document.currentScript.parentNode;
var selector = '.chainrule-chart[data-chart="' + id + '"]';
// findBox looks beside this script first (two views of one output hold the box twice),
// then for a box of this id in the page that is not drawn yet (classic Notebook runs
// the script from the page's head).
function findBox() {
  var box = here && here.querySelector && here.querySelector(selector);
  if (box) return box;
  var all = document.querySelectorAll(selector);
  for (var i = all.length - 1; i >= 0; i--) if (!all[i].hasAttribute('data-drawn')) return all[i];
  return null;
}
function escapeHTML(s) {
  return String(s).replace(/[&<>]/g, function (c) { return {'&': '&amp;', '<': '&lt;', '>': '&gt;'}[c]; });
}
// fail keeps the chart's picture when it has one (the box is then data-drawn="picture",
// with the reason in its tooltip), else says in the box why the chart is not drawn.
function fail(box, why) {
  var reason = (why && why.message) || String(why);
  if (box.querySelector('.chainrule-chart-picture')) {
    box.setAttribute('data-drawn', 'picture');
    box.title = 'This is a picture of the chart: the interactive chart could not be drawn (' + reason + ').';
    return;
  }
  box.innerHTML = '<p class="chainrule-chart-error" style="color:#a33;font:13px sans-serif;padding:1em;">Chart not drawn: ' +
    escapeHTML(reason) + '</p>';
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
` + themeJS + `
// draw makes the chart in box and runs the chart's own script. Drawn again (a theme
// change), the controls are replaced by a copy first, which drops the old listeners.
// onWidth is for a chart's own script: f(width) runs with the box's width right after
// the script, and after each resize of the chart to its box, until the chart is drawn anew.
var widthWatchers = [];
function onWidth(f) { widthWatchers.push(f); }
function widthChanged(box) { widthWatchers.forEach(function (f) { f(box.clientWidth); }); }
function draw(echarts, box, old) {
  if (old) {
    old.dispose();
    var ctl = box.nextElementSibling;
    if (ctl && !ctl.matches('script')) ctl.replaceWith(ctl.cloneNode(true));
  }
  var dark = chainruleDark();
  box.innerHTML = '';
  var chart = echarts.init(box, dark ? 'dark' : null);
  chart.setOption(dark ? chainruleForDark(option, box) : option);
  widthWatchers = [];
  ready(chart, box);
  widthChanged(box);
  box.setAttribute('data-drawn', 'true');
  box.setAttribute('data-theme', dark ? 'dark' : 'light');
  return chart;
}
function start(echarts, box) {
  var chart = null;
  var sized = function () {
    if (!box.isConnected || box.clientWidth === 0) return;
    if (!chart) { chart = draw(echarts, box); return; }
    chart.resize();
    widthChanged(box);
  };
  new ResizeObserver(sized).observe(box);
  new MutationObserver(function () {
    if (chart && chainruleDark() !== (box.getAttribute('data-theme') === 'dark')) chart = draw(echarts, box, chart);
  }).observe(document.body, {attributes: true, attributeFilter: ['data-jp-theme-light']});
  sized();
}
// whenBox calls f with the box as soon as it is in the page.
function whenBox(f) {
  var box = findBox();
  if (box) return f(box);
  var watch = new MutationObserver(function () {
    var box = findBox();
    if (box) { watch.disconnect(); f(box); }
  });
  watch.observe(document.documentElement, {childList: true, subtree: true});
}
whenBox(function (box) {
  load().then(function (echarts) { start(echarts, box); }, function (why) { fail(box, why); });
});
`

// themeJS chooses the chart's colours for the page: JupyterLab's dark themes set
// data-jp-theme-light="false" on the body. In the dark, ECharts' dark theme is used
// with a transparent background, and text colours the lessons set for a white page
// (titles, subtitles, axis labels and names, legends) are lightened, keeping their
// hue, until they read on the page's background (contrast 4.5, WCAG's bar for text).
const themeJS = `
function chainruleDark() { return !!document.body && document.body.getAttribute('data-jp-theme-light') === 'false'; }
function chainruleRGB(color) {
  var m = /^#([0-9a-f]{3}|[0-9a-f]{6})$/i.exec(color);
  if (m) {
    var h = m[1].length === 3 ? m[1].replace(/./g, '$&$&') : m[1];
    return [0, 2, 4].map(function (i) { return parseInt(h.substr(i, 2), 16); });
  }
  if ((m = /^rgba?\(([^)]+)\)$/.exec(color))) return m[1].split(',').slice(0, 3).map(Number);
  return null;
}
function chainruleLuminance(color) {
  var rgb = chainruleRGB(color);
  if (!rgb) return null;
  var c = rgb.map(function (v) { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); });
  return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2];
}
// chainruleLighten mixes color with white, a tenth at a time, until it reads on bg.
function chainruleLighten(color, bg) {
  var rgb = chainruleRGB(color), out = color;
  for (var t = 0.1; rgb && t <= 1 && chainruleContrast(out, bg) < 4.5; t += 0.1) {
    out = 'rgb(' + rgb.map(function (v) { return Math.round(v + (255 - v) * t); }).join(',') + ')';
  }
  return out;
}
function chainruleContrast(a, b) {
  var la = chainruleLuminance(a), lb = chainruleLuminance(b);
  if (la === null || lb === null) return 21;
  return (Math.max(la, lb) + 0.05) / (Math.min(la, lb) + 0.05);
}
// chainruleBackground is the colour behind el: the first ancestor's that is not transparent.
function chainruleBackground(el) {
  for (var e = el; e && e.nodeType === 1; e = e.parentElement) {
    var c = getComputedStyle(e).backgroundColor;
    if (c && c !== 'transparent' && !/^rgba\([^)]*,\s*0\)$/.test(c)) return c;
  }
  return chainruleDark() ? '#111111' : '#ffffff';
}
function chainruleForDark(option, box) {
  var bg = chainruleBackground(box), copy = JSON.parse(JSON.stringify(option));
  var textKeys = {textStyle: 1, subtextStyle: 1, axisLabel: 1, nameTextStyle: 1};
  function fix(o, key, inText) {
    if (Array.isArray(o)) { o.forEach(function (v) { fix(v, key, inText); }); return; }
    if (!o || typeof o !== 'object') return;
    if (inText && typeof o.color === 'string' && !o.backgroundColor) o.color = chainruleLighten(o.color, bg);
    for (var k in o) if (k !== 'series') fix(o[k], k, !!textKeys[k]);
  }
  ['title', 'xAxis', 'yAxis', 'legend', 'textStyle'].forEach(function (k) { if (copy[k]) fix(copy[k], k, k === 'textStyle'); });
  copy.backgroundColor = 'transparent';
  return copy;
}
`
