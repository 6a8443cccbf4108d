//go:build unix

package display

import (
	"encoding/base64"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/janpfeifer/gonb/gonbui/protocol"
)

// noRenderer points the chart renderer at a socket nothing listens on, in a folder of
// the test's own, where none can be started (no checkout, so no ECharts): the charts
// of the test have no picture, and nothing is left running.
func noRenderer(t *testing.T) string {
	t.Helper()
	socket := filepath.Join(t.TempDir(), RendererSocketName)
	t.Setenv(RendererSocketEnv, socket)
	t.Setenv(CheckoutEnv, "")
	t.Setenv(EChartsFileEnv, "")
	return socket
}

// startRenderer starts a real renderer, with the ECharts that setup installs in this
// checkout, on a socket of the test's own, and ends it when the test ends. Without
// Node or ECharts the test is skipped, unless `kernel test` runs it (which installs both).
func startRenderer(t testing.TB) string {
	t.Helper()
	bundle, err := filepath.Abs(filepath.Join("..", "..", filepath.FromSlash(EChartsAsset)))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(bundle); err != nil {
		require(t, err)
	}
	if _, err := findNode(); err != nil {
		require(t, err)
	}
	dir, err := os.MkdirTemp("", "chartsvg") // short: a socket's path has at most 104 bytes
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	socket := filepath.Join(dir, RendererSocketName)
	t.Setenv(RendererSocketEnv, socket)
	t.Setenv(EChartsFileEnv, bundle)
	p, err := StartRenderer(socket, bundle, os.Getpid(), false)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.Kill(); p.Wait() })
	if err := WaitRenderer(socket, 30*time.Second); err != nil {
		t.Fatal(err)
	}
	return socket
}

func require(t testing.TB, err error) {
	t.Helper()
	if os.Getenv("BACKPROP_REQUIRE_KERNEL") != "" {
		t.Fatal(err)
	}
	t.Skip(err)
}

func lineChart() *Chart {
	return &Chart{Title: "Cost against w", Width: 640, Height: 360, Option: map[string]any{
		"title":  map[string]any{"text": "Cost C0 as w(L) varies"},
		"xAxis":  map[string]any{"type": "value", "name": "w(L)"},
		"yAxis":  map[string]any{"type": "value"},
		"legend": map[string]any{},
		"series": []map[string]any{
			{"type": "line", "name": "C0(w(L))", "data": [][2]float64{{0, 1}, {1, 0.5}, {2, 0.2}, {3, 0.1}}},
			{"type": "scatter", "name": "you are here", "data": [][2]float64{{1, 0.5}}},
		},
	}}
}

// The renderer draws a known chart as SVG with its title and legend in it, and a white
// background of its own (readable under a dark theme), and says how long it took.
func TestRendererDrawsTheChart(t *testing.T) {
	socket := startRenderer(t)
	p, err := lineChart().Render(socket, 10*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"<svg", `width="640"`, "Cost C0 as w(L) varies", "you are here", `fill="#ffffff"`} {
		if !strings.Contains(p.SVG, want) {
			t.Errorf("the picture lacks %q:\n%.600s", want, p.SVG)
		}
	}
	if p.Duration <= 0 || p.Duration > 10*time.Second {
		t.Errorf("the renderer's time %v is not a time it could have taken", p.Duration)
	}
	t.Logf("renderer: %v for the chart, %d bytes of SVG", p.Duration, len(p.SVG))
	if raw, err := exchange(socket, []byte("{not JSON"), 10*time.Second); err != nil || !strings.HasPrefix(string(raw), "error\n") {
		t.Errorf("a request that is not JSON: answer %q, err %v; want the renderer's refusal", raw, err)
	}
}

// A chart shown in a notebook carries its picture three ways in one display_data: as
// image/svg+xml, as an <img> inside the HTML box (before the script), and it names
// its title and series in text/plain.
func TestShowCarriesThePicture(t *testing.T) {
	startRenderer(t)
	k := startFakeKernel(t, false)
	lineChart().Show()
	outs, _ := k.seen()
	if len(outs) != 1 {
		t.Fatalf("the kernel got %d outputs, want 1", len(outs))
	}
	out := outs[0]
	svg, _ := out[protocol.MIMEImageSVG].(string)
	if !strings.Contains(svg, "Cost C0 as w(L) varies") {
		t.Errorf("image/svg+xml %.200q lacks the title", svg)
	}
	h, _ := out[protocol.MIMETextHTML].(string)
	m := regexp.MustCompile(`<img class="` + PictureClass + `" src="data:image/svg\+xml;base64,([A-Za-z0-9+/=]+)"`).FindStringSubmatch(h)
	if m == nil {
		t.Fatalf("the HTML has no picture inside its box:\n%.400s", h)
	}
	if raw, err := base64.StdEncoding.DecodeString(m[1]); err != nil || string(raw) != svg {
		t.Errorf("the HTML's picture is not the image/svg+xml one (decoding: %v)", err)
	}
	if strings.Index(h, "<img") > strings.Index(h, "<script>") || strings.Contains(h, `class="chainrule-chart-note"`) {
		t.Errorf("the picture must be in the box, before the script, instead of the note:\n%.400s", h)
	}
	want := "[chart] Cost C0 as w(L) varies — series: C0(w(L)) (line), you are here (scatter)"
	if out[protocol.MIMETextPlain] != want {
		t.Errorf("text/plain = %q, want %q", out[protocol.MIMETextPlain], want)
	}
}

// Without a renderer (none running, none can be started) the chart shows as before:
// the HTML with its note, no image, nothing on the cell's stdout or stderr, and one
// line in the renderer's log saying why.
func TestShowWithoutRendererDegrades(t *testing.T) {
	socket := noRenderer(t)
	k := startFakeKernel(t, false)
	stdout, stderr := captureStdout(t, func() { lineChart().Show() })
	if stdout != "" || stderr != "" {
		t.Errorf("the cell printed stdout %q, stderr %q; want nothing", stdout, stderr)
	}
	outs, _ := k.seen()
	if len(outs) != 1 {
		t.Fatalf("the kernel got %d outputs, want 1", len(outs))
	}
	if _, ok := outs[0][protocol.MIMEImageSVG]; ok {
		t.Error("an image/svg+xml without a renderer")
	}
	if h, _ := outs[0][protocol.MIMETextHTML].(string); !strings.Contains(h, `class="chainrule-chart-note"`) || strings.Contains(h, "<img") {
		t.Errorf("want the box with its note and no picture:\n%.300s", h)
	}
	log, err := os.ReadFile(RendererLog(socket))
	if err != nil || !strings.Contains(string(log), "has no picture: no chart renderer is running") || !strings.Contains(string(log), "ECharts") {
		t.Errorf("the renderer's log %q (%v) does not say why there is no picture", log, err)
	}
}

// A renderer that accepts the chart and never answers costs the cell at most
// RenderTimeout, and the chart still shows.
func TestShowWithHungRenderer(t *testing.T) {
	socket := noRenderer(t)
	l, err := net.Listen("unix", socket)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			defer c.Close() // held open, unanswered, until the test ends
		}
	}()
	k := startFakeKernel(t, false)
	start := time.Now()
	lineChart().Show()
	if took := time.Since(start); took > RenderTimeout+2*time.Second {
		t.Errorf("the chart took %v with a hung renderer, want about %v", took, RenderTimeout)
	}
	outs, _ := k.seen()
	if len(outs) != 1 || outs[0][protocol.MIMETextHTML] == nil || outs[0][protocol.MIMEImageSVG] != nil {
		t.Errorf("want the chart without a picture, got %d outputs", len(outs))
	}
	if log, _ := os.ReadFile(RendererLog(socket)); !strings.Contains(string(log), "did not answer in time") {
		t.Errorf("the log %q does not name the timeout", log)
	}
}

// BenchmarkRender times one picture of a chart like the lessons' (a 200-point curve
// with a title, subtitle, legend and a marked point) through a warm renderer: the
// socket round trip the cell waits for. The renderer's own time is reported as
// render-ms/op.
func BenchmarkRender(b *testing.B) {
	socket := startRenderer(b)
	data := make([][2]float64, 200)
	for i := range data {
		x := float64(i)/25 - 4
		data[i] = [2]float64{x, 1 / (1 + x*x)}
	}
	c := &Chart{Title: "bench", Width: 640, Height: 360, Option: map[string]any{
		"title":   map[string]any{"text": "Cost C0 as w(L) varies", "subtext": "b(L) = 0.1, a(L−1) = 0.5, y = 1\n∂C0/∂w(L) = −0.08872"},
		"tooltip": map[string]any{"trigger": "axis"}, "legend": map[string]any{"top": 60},
		"grid":  map[string]any{"top": 110},
		"xAxis": map[string]any{"type": "value", "name": "w(L)", "scale": true},
		"yAxis": map[string]any{"type": "value", "name": "C0", "scale": true},
		"series": []map[string]any{
			{"type": "line", "name": "C0(w(L))", "showSymbol": false, "data": data},
			{"type": "line", "name": "tangent", "data": [][2]float64{{-1, 0.6}, {1, 0.4}}},
			{"type": "scatter", "name": "you are here", "data": [][2]float64{{0.8, 0.14}}},
		},
	}}
	var own time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		p, err := c.Render(socket, 10*time.Second)
		if err != nil {
			b.Fatal(err)
		}
		own += p.Duration
	}
	b.ReportMetric(float64(own.Microseconds())/1000/float64(b.N), "render-ms/op")
}

// A chart's controls (lesson 02's slider) come right after its box, with or
// without a picture: the chart's script finds them as box.nextElementSibling.
func TestControlsFollowTheBox(t *testing.T) {
	c := lineChart()
	c.Controls = `<div class="my-controls"><input type="range"></div>`
	opt, err := c.option()
	if err != nil {
		t.Fatal(err)
	}
	for _, svg := range []string{"", "<svg></svg>"} {
		h := c.html(opt, svg)
		if !strings.Contains(h, `</div>`+c.Controls) {
			t.Errorf("picture %q: the controls do not follow the box's closing tag:\n%s", svg, h)
		}
	}
}
