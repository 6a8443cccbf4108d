package chart

import (
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"
	"testing"

	"github.com/chainrule-go/backprop/kernel/display"
	"github.com/chainrule-go/backprop/mathx"
	"github.com/go-echarts/go-echarts/v2/opts"
)

// optionOf returns the chart's option, failing the test if the chart is an
// error or its option is not this package's.
func optionOf(t *testing.T, c *display.Chart) *option {
	t.Helper()
	if c.Err != nil {
		t.Fatalf("chart %q: unexpected error: %v", c.Title, c.Err)
	}
	opt, ok := c.Option.(*option)
	if !ok {
		t.Fatalf("chart %q: option is %T, want *option", c.Title, c.Option)
	}
	return opt
}

// cellsOf returns the cells (x, y, v) of a heatmap series, whose cells may carry
// their labels; a label must read num(v).
func cellsOf(t *testing.T, s series) [][3]float64 {
	t.Helper()
	switch data := s.Data.(type) {
	case [][3]float64:
		return data
	case []labelledCell:
		cells := make([][3]float64, len(data))
		for i, c := range data {
			if want := num(c.Value[2]); c.Label.Formatter != want {
				t.Errorf("cell %v is labelled %q, want %q", c.Value, c.Label.Formatter, want)
			}
			cells[i] = c.Value
		}
		return cells
	}
	t.Fatalf("series %q holds %T, not heatmap cells", s.Name, s.Data)
	return nil
}

// jsonOf returns the chart's option as ECharts receives it: marshalled and
// read back as generic JSON.
func jsonOf(t *testing.T, c *display.Chart) map[string]any {
	t.Helper()
	b, err := json.Marshal(optionOf(t, c))
	if err != nil {
		t.Fatalf("chart %q: marshal: %v", c.Title, err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

// path walks a generic JSON value by keys and indexes: path(m, "series", 0, "name").
func path(t *testing.T, v any, steps ...any) any {
	t.Helper()
	for _, s := range steps {
		switch s := s.(type) {
		case string:
			m, ok := v.(map[string]any)
			if !ok {
				t.Fatalf("at %q: %T is not an object", s, v)
			}
			v, ok = m[s]
			if !ok {
				t.Fatalf("no key %q in %v", s, keys(m))
			}
		case int:
			a, ok := v.([]any)
			if !ok || s >= len(a) {
				t.Fatalf("at [%d]: %T of length %d", s, v, len(a))
			}
			v = a[s]
		}
	}
	return v
}

func keys(m map[string]any) []string {
	var ks []string
	for k := range m {
		ks = append(ks, k)
	}
	return ks
}

// wantErr checks that the chart is an error chart whose message starts with
// "chart.<builder>: " and contains every part, and that HTML refuses it.
func wantErr(t *testing.T, c *display.Chart, builder string, parts ...string) {
	t.Helper()
	if c.Err == nil {
		t.Fatalf("chart.%s: no error, want one containing %q", builder, parts)
	}
	msg := c.Err.Error()
	if !strings.HasPrefix(msg, "chart."+builder+": ") {
		t.Errorf("error %q does not start with %q", msg, "chart."+builder+": ")
	}
	for _, p := range parts {
		if !strings.Contains(msg, p) {
			t.Errorf("error %q does not contain %q", msg, p)
		}
	}
	if _, err := c.HTML(); err == nil {
		t.Errorf("chart.%s: HTML of an error chart succeeded", builder)
	}
}

// near reports whether a and b agree to tol, relative to the larger of 1 and their size.
func near(a, b, tol float64) bool {
	return math.Abs(a-b) <= tol*math.Max(1, math.Max(math.Abs(a), math.Abs(b)))
}

func TestNum(t *testing.T) {
	for _, c := range []struct {
		v    float64
		want string
	}{
		{0.5, "0.5"}, {-0.0887234, "−0.08872"}, {2, "2"}, {123.456, "123.5"}, {1.5e-5, "1.5e−05"}, {0, "0"}, {math.Copysign(0, -1), "0"},
	} {
		if got := num(c.v); got != c.want {
			t.Errorf("num(%v) = %q, want %q", c.v, got, c.want)
		}
	}
	if got := paren(-1); got != "(−1)" {
		t.Errorf("paren(-1) = %q", got)
	}
}

func TestEscapeTemplate(t *testing.T) {
	if got := escapeTemplate("{a} and {b}"); got != "(a) and (b)" {
		t.Errorf("escapeTemplate = %q", got)
	}
}

func TestNiceRange(t *testing.T) {
	for _, c := range []struct{ lo, hi, wantLo, wantHi float64 }{
		{-3.7, 0.3, -4, 1}, {-0.37, 1.32, -0.4, 1.4}, {2, 2, 1, 3}, {0, 10, 0, 10}, {-4.3, 3.9, -5, 4},
		{-0.3, 1.13, -0.4, 1.2}, {0.0012, 0.0031, 0.0012, 0.0032},
	} {
		got := niceRange(c.lo, c.hi)
		if got != [2]float64{c.wantLo, c.wantHi} { // exactly the decimals, for the axis labels
			t.Errorf("niceRange(%v, %v) = %v, want [%v %v]", c.lo, c.hi, got, c.wantLo, c.wantHi)
		}
	}
}

func TestDiverging(t *testing.T) {
	v := diverging(0.03)
	if v.Min != -0.03 || v.Max != 0.03 || v.Precision != 3 {
		t.Errorf("diverging(0.03) = min %v, max %v, precision %d", v.Min, v.Max, v.Precision)
	}
	if v := diverging(0); v.Min != -1 || v.Max != 1 {
		t.Errorf("diverging(0) = [%v, %v], want [-1, 1]", v.Min, v.Max)
	}
	// The JSON keeps a min of 0 and full float64 precision, which opts.VisualMap does not.
	b, _ := json.Marshal(visualMap{Type: "continuous", Min: 0, Max: 0.123456789})
	if !strings.Contains(string(b), `"min":0,`) || !strings.Contains(string(b), `"max":0.123456789`) {
		t.Errorf("visualMap JSON %s", b)
	}
}

func TestGraphNodeKeepsZeroCoordinates(t *testing.T) {
	b, _ := json.Marshal(graphNode{Name: "n", X: 0, Y: 0})
	if !strings.Contains(string(b), `"x":0`) || !strings.Contains(string(b), `"y":0`) {
		t.Errorf("graph node JSON %s drops x or y = 0", b)
	}
}

func TestGridEmbedsOpts(t *testing.T) {
	b, _ := json.Marshal(grid{Grid: opts.Grid{Left: "10"}, BorderColor: "#f00", BorderWidth: 2})
	if string(b) != `{"left":"10","borderColor":"#f00","borderWidth":2}` {
		t.Errorf("grid JSON %s", b)
	}
}

// allCharts returns one chart of each builder, from good input.
func allCharts(t *testing.T) map[string]*display.Chart {
	t.Helper()
	net, x, y := testNetwork(t)
	g, err := net.Backprop(x, y)
	if err != nil {
		t.Fatal(err)
	}
	digitNet, digits := testDigits(t)
	return map[string]*display.Chart{
		"CostCurve":        CostCurve(mathx.Neuron(0.8, 0.1, 0.5, 1), mathx.NeuronWeight),
		"ComputationGraph": ComputationGraph(mathx.Neuron(0.8, 0.1, 0.5, 1)),
		"GradientBars":     GradientBars(g),
		"GradientHeatmap":  GradientHeatmap(g, 2),
		"Nudges":           Nudges(net, testBatch()),
		"Paths":            Paths(net, mathx.Example{X: x, Y: y}, 2, 1),
		"Training":         Training(testStats()),
		"CostSurface":      CostSurface(testSurface()),
		"Descent":          Descent(mathx.Neuron(-3, -1, 0.8, 1), 4, 80),
		"Digits":           Digits(digitNet, digits),
		"Nudge":            Nudge(mathx.Neuron(0.8, 0.1, 0.5, 1)),
		"Sensitivities":    Sensitivities(testChain, 0.5, 1),
		"ChainGradient":    ChainGradient(testChain, 0.5, 1),
		"LogLog":           LogLog("Cost", "P", "s", XY{"a", []float64{1, 10}, []float64{2, 20}}),
		"Curves":           Curves("Cost", "step", "C", XY{"a", []float64{0, 1}, []float64{2, 0}}),
		"Graph":            Graph(testGraph(), nil),
		"GraphAnswers":     GraphAnswers(testGraph(), nil),
		"SoftmaxJacobian":  SoftmaxJacobian([]float64{1.5, -0.4, 0.8}),
		"OuterProducts":    OuterProducts([][]float64{{0.1, -0.2}, {0.3, 0.05}}, [][]float64{{0.2, 0.9}, {0.5, -1}, {1, 0}}, 1),
		"Boundary":         Boundary("Classes", func(x0, x1 float64) float64 { return x0 - x1 }, testPoints()),
	}
}

// TestHTML builds every chart from good input and checks that display can
// render it.
func TestHTML(t *testing.T) {
	for name, c := range allCharts(t) {
		h, err := c.HTML()
		if err != nil {
			t.Errorf("%s: HTML: %v", name, err)
			continue
		}
		if !strings.Contains(h, display.ChartClass) || !strings.Contains(h, "<script>") {
			t.Errorf("%s: HTML lacks the chart box or its script", name)
		}
		if c.Width != defaultWidth || c.Height < 150 {
			t.Errorf("%s: size %d×%d, want width %d and a sensible height", name, c.Width, c.Height, defaultWidth)
		}
		if c.Title == "" {
			t.Errorf("%s: no title", name)
		}
		if !strings.Contains(c.Script, "chainruleNum") {
			t.Errorf("%s: script does not format tooltip numbers", name)
		}
		m := jsonOf(t, c)
		if text, _ := path(t, m, "title", 0, "text").(string); text == "" {
			t.Errorf("%s: the option has no title text", name)
		}
		if _, ok := m["tooltip"]; !ok {
			t.Errorf("%s: no tooltip", name)
		}
	}
}

// TestLegendClearsTheTitle: a legend beside the title runs into it when the
// cell is narrow (448 px in JupyterLab with its sidebar open), so every legend
// sits under the subtitle (top at least 48 px) or at the bottom.
func TestLegendClearsTheTitle(t *testing.T) {
	for name, c := range allCharts(t) {
		legend, ok := jsonOf(t, c)["legend"].(map[string]any)
		if !ok {
			continue
		}
		if _, bottom := legend["bottom"]; bottom {
			continue
		}
		top, err := strconv.Atoi(fmt.Sprint(legend["top"]))
		if err != nil || top < 48 {
			t.Errorf("%s: legend at top %v, want 48 px or more (under the subtitle) or at the bottom", name, legend["top"])
		}
	}
}
