// Package chart draws the lessons' pictures of backpropagation with Apache ECharts:
// a cost curve with its tangent, the computation graph of one neuron, gradients as
// bars and heatmaps, each example's wished-for nudges beside their average, the
// softmax's Jacobian, a batch's outer products, the paths through which a neuron
// moves the cost, training curves, cost surfaces with a gradient-descent path,
// MNIST digits with the network's guesses, a classifier's decision boundary, an
// autodiff graph, and a slider that nudges w(L).
//
// Each builder takes the values a lesson already has, named as mathx names
// them, and returns a *display.Chart in one call. The single neuron's charts
// take its mathx.NeuronStep, and a mathx.NeuronInput where they vary one
// input; the charts of a layer take the network, the example and the layer l
// (counted from 1, as in mathx.Param and package derive):
//
//	chart.CostCurve(mathx.Neuron(0.8, 0.1, 0.5, 1.0), mathx.NeuronWeight).Show()
//	chart.Paths(net, ex, 2, k).Show()
//
// Every value drawn comes from mathx; this package only lays it out. On bad
// input (NaN, an empty series, a wrong shape, an unknown name) a builder returns
// a Chart whose Err names the problem, and Show prints it in a red box.
//
// The ECharts options are built from go-echarts' opts types, composed into this
// package's own option and series structs; the charts, components and render
// packages of go-echarts are not imported, to keep every cell's build small.
package chart

import (
	"encoding/json"
	"fmt"
	"html"
	"math"
	"strconv"
	"strings"

	"github.com/chainrule-go/backprop/kernel/display"
	"github.com/go-echarts/go-echarts/v2/opts"
	"github.com/go-echarts/go-echarts/v2/types"
)

// The default size of a chart, in pixels: it fits a notebook cell as it is.
const (
	defaultWidth  = 640
	defaultHeight = 360
)

// Colours shared by the charts.
const (
	colorNegative = "#2166ac" // a partial derivative < 0: raising the parameter lowers the cost
	colorZero     = "#f7f7f7"
	colorPositive = "#b2182b" // a partial derivative > 0: raising the parameter raises the cost
	colorCurve    = "#5470c6"
	colorTangent  = "#ee6666"
	colorPoint    = "#222222"
	colorRight    = "#1a7f37"
	colorWrong    = "#cf222e"
	colorMuted    = "#999999"
)

// option is the ECharts option object, with the components these charts use.
type option struct {
	Title     []opts.Title  `json:"title,omitempty"`
	Tooltip   *opts.Tooltip `json:"tooltip,omitempty"`
	Legend    *opts.Legend  `json:"legend,omitempty"`
	Grid      []grid        `json:"grid,omitempty"`
	XAxis     []xAxis       `json:"xAxis,omitempty"`
	YAxis     []yAxis       `json:"yAxis,omitempty"`
	VisualMap []visualMap   `json:"visualMap,omitempty"`
	Series    []series      `json:"series"`
	Animation *bool         `json:"animation,omitempty"`
}

// grid is opts.Grid with the border settings it lacks.
type grid struct {
	opts.Grid
	BorderColor string `json:"borderColor,omitempty"`
	BorderWidth int    `json:"borderWidth,omitempty"`
}

// xAxis is opts.XAxis with an axis label that ECharts reads right.
type xAxis struct {
	opts.XAxis
	AxisLabel *axisLabel `json:"axisLabel,omitempty"`
}

// yAxis is opts.YAxis with an axis label that ECharts reads right.
type yAxis struct {
	opts.YAxis
	AxisLabel *axisLabel `json:"axisLabel,omitempty"`
}

// axisLabel sets which labels of a category axis show: every (interval+1)-th.
// It is not opts.AxisLabel because that one holds the interval as a string,
// to which ECharts adds 1 as to a number: "4" becomes "41".
type axisLabel struct {
	Interval int `json:"interval"`
	FontSize int `json:"fontSize,omitempty"`
}

// visualMap is ECharts' visualMap component. It is not opts.VisualMap because
// that one holds min and max as float32 and drops a min of 0, and has no
// seriesIndex or precision.
type visualMap struct {
	Type        string                 `json:"type"`
	Min         float64                `json:"min"`
	Max         float64                `json:"max"`
	SeriesIndex []int                  `json:"seriesIndex,omitempty"`
	Show        *bool                  `json:"show,omitempty"`
	Calculable  bool                   `json:"calculable,omitempty"`
	Precision   int                    `json:"precision,omitempty"`
	Text        []string               `json:"text,omitempty"`
	Orient      string                 `json:"orient,omitempty"`
	Left        string                 `json:"left,omitempty"`
	Right       string                 `json:"right,omitempty"`
	Top         string                 `json:"top,omitempty"`
	Bottom      string                 `json:"bottom,omitempty"`
	ItemHeight  int                    `json:"itemHeight,omitempty"`
	InRange     *opts.VisualMapInRange `json:"inRange,omitempty"`
}

// series is one ECharts series: the fields of the line, scatter, bar, heatmap
// and graph series these charts use.
type series struct {
	ID         string          `json:"id,omitempty"`
	Type       string          `json:"type"`
	Name       string          `json:"name,omitempty"`
	Data       any             `json:"data"`
	XAxisIndex int             `json:"xAxisIndex,omitempty"`
	YAxisIndex int             `json:"yAxisIndex,omitempty"`
	Stack      string          `json:"stack,omitempty"`
	BarWidth   string          `json:"barWidth,omitempty"`
	Symbol     string          `json:"symbol,omitempty"`
	SymbolSize float64         `json:"symbolSize,omitempty"`
	ShowSymbol *bool           `json:"showSymbol,omitempty"`
	LineStyle  *opts.LineStyle `json:"lineStyle,omitempty"`
	ItemStyle  *opts.ItemStyle `json:"itemStyle,omitempty"`
	Label      *opts.Label     `json:"label,omitempty"`
	Tooltip    *opts.Tooltip   `json:"tooltip,omitempty"`
	MarkLine   *markLine       `json:"markLine,omitempty"`
	Silent     bool            `json:"silent,omitempty"`
	Emphasis   *emphasis       `json:"emphasis,omitempty"`
	// Progressive, when 0, draws a large heatmap in one go rather than a few
	// hundred cells per frame, so that a screenshot or a printed page never
	// catches it half drawn.
	Progressive types.Int `json:"progressive,omitempty"`
	Z           int       `json:"z,omitempty"`

	// Graph series only.
	Layout         string      `json:"layout,omitempty"`
	Links          []graphLink `json:"links,omitempty"`
	EdgeSymbol     []string    `json:"edgeSymbol,omitempty"`
	EdgeSymbolSize []int       `json:"edgeSymbolSize,omitempty"`
	EdgeLabel      *opts.Label `json:"edgeLabel,omitempty"`
	// The box the nodes' x and y are mapped into. graphBox makes it as large
	// as their extent, so that nothing is stretched.
	Left   int `json:"left,omitempty"`
	Top    int `json:"top,omitempty"`
	Width  int `json:"width,omitempty"`
	Height int `json:"height,omitempty"`
}

// graphBox places a graph series whose nodes lie in [0, width] × [0, height]
// at (left, top) in the chart, one unit to a pixel. ECharts maps the nodes'
// extent onto the series' box, and with a box of another shape it stretches
// the nodes, their labels and the arrows with it.
func graphBox(s *series, left, top, width, height int) {
	s.Left, s.Top, s.Width, s.Height = left, top, width, height
}

// emphasis sets how an item looks under the pointer; Disabled saves the
// hover state of every item, which costs most of a large heatmap's drawing.
type emphasis struct {
	Disabled bool `json:"disabled"`
}

// markLine draws lines at given axis values, for example {xAxis: w}.
type markLine struct {
	Symbol    string          `json:"symbol"`
	Silent    bool            `json:"silent"`
	Animation bool            `json:"animation"`
	Label     *opts.Label     `json:"label,omitempty"`
	LineStyle *opts.LineStyle `json:"lineStyle,omitempty"`
	Data      []any           `json:"data"`
}

// graphNode is one node of a graph series. It is not opts.GraphNode because
// that one drops x = 0 and y = 0 and has no label.
type graphNode struct {
	Name       string          `json:"name"`
	Symbol     string          `json:"symbol,omitempty"`
	X          float64         `json:"x"`
	Y          float64         `json:"y"`
	Value      float64         `json:"value"`
	SymbolSize float64         `json:"symbolSize,omitempty"`
	ItemStyle  *opts.ItemStyle `json:"itemStyle,omitempty"`
	Label      *opts.Label     `json:"label,omitempty"`
	Tooltip    *opts.Tooltip   `json:"tooltip,omitempty"`
}

// graphLink is one edge of a graph series. It is not opts.GraphLink because
// that one holds the value as float32 and its label has no background.
type graphLink struct {
	Source    string          `json:"source"`
	Target    string          `json:"target"`
	Value     float64         `json:"value"`
	LineStyle *opts.LineStyle `json:"lineStyle,omitempty"`
	Label     *opts.Label     `json:"label,omitempty"`
}

// numberScript makes every tooltip show numbers to 4 significant digits, as num
// does, instead of all 17, and keeps it inside the chart's box, which a
// notebook's output area would clip. A formatter is a JavaScript function,
// which the JSON option cannot carry, so it is set once the chart is drawn.
const numberScript = `function chainruleNum(v) {
  if (typeof v !== 'number') return v;
  return String(parseFloat(v.toPrecision(4))).replace(/-/g, '\u2212');
}
chart.setOption({tooltip: {confine: true, valueFormatter: function (v) {
  return v instanceof Array ? v.map(chainruleNum).join(', ') : chainruleNum(v);
}}});
`

// newChart returns a chart of the default size that draws opt.
func newChart(title string, opt *option) *display.Chart {
	return &display.Chart{Title: title, Width: defaultWidth, Height: defaultHeight, Option: opt, Script: numberScript}
}

// failed returns a chart that shows, instead of a drawing, the error
// "chart.<builder>: <message>".
func failed(builder, format string, args ...any) *display.Chart {
	return &display.Chart{
		Title:  "chart." + builder,
		Width:  defaultWidth,
		Height: defaultHeight,
		Err:    fmt.Errorf("chart."+builder+": "+format, args...),
	}
}

// num formats v for a label: 4 significant digits and a true minus sign
// (and none for −0, which a product with a zero factor can be).
func num(v float64) string {
	if v == 0 {
		v = 0
	}
	return strings.ReplaceAll(strconv.FormatFloat(v, 'g', 4, 64), "-", "−")
}

// labelledCell is a heatmap cell (x, y, v) with its label written out as num(v).
// The label is data, not a JavaScript formatter, so that the chart's picture, which
// ECharts draws from the option alone, reads the same as the interactive chart.
type labelledCell struct {
	Value [3]float64 `json:"value"`
	Label struct {
		Formatter string `json:"formatter"`
	} `json:"label"`
}

// labelled gives each cell its label.
func labelled(cells [][3]float64) []labelledCell {
	out := make([]labelledCell, len(cells))
	for i, c := range cells {
		out[i].Value = c
		out[i].Label.Formatter = num(c[2])
	}
	return out
}

// paren formats v as num does, in parentheses when it is negative, for a factor
// of a product written out.
func paren(v float64) string {
	if v < 0 {
		return "(" + num(v) + ")"
	}
	return num(v)
}

// title returns the chart's main title and subtitle, top left.
func title(text, sub string) opts.Title {
	return opts.Title{
		Title:         text,
		Subtitle:      sub,
		Left:          "10",
		Top:           "6",
		TitleStyle:    &opts.TextStyle{FontSize: 15},
		SubtitleStyle: &opts.TextStyle{FontSize: 12, Color: "#555", LineHeight: 16},
	}
}

// valueAxisX returns a numeric x axis named name, its name under the middle of the axis.
func valueAxisX(name string) xAxis {
	return xAxis{XAxis: opts.XAxis{
		Type:         "value",
		Name:         name,
		NameLocation: "middle",
		NameGap:      26,
		Scale:        opts.Bool(true),
		AxisLine:     &opts.AxisLine{OnZero: opts.Bool(false)},
		SplitLine:    &opts.SplitLine{Show: opts.Bool(true), LineStyle: &opts.LineStyle{Color: "#eee"}},
	}}
}

// valueAxisY returns a numeric y axis named name, its name above the axis.
func valueAxisY(name string) yAxis {
	return yAxis{YAxis: opts.YAxis{
		Type:      "value",
		Name:      name,
		Scale:     opts.Bool(true),
		AxisLine:  &opts.AxisLine{OnZero: opts.Bool(false)},
		SplitLine: &opts.SplitLine{Show: opts.Bool(true), LineStyle: &opts.LineStyle{Color: "#eee"}},
	}}
}

// itemTooltip returns a tooltip that shows text when the pointer is on the item.
func itemTooltip(text string) *opts.Tooltip {
	return &opts.Tooltip{Formatter: types.FuncStr(escapeTemplate(text))}
}

// escapeTemplate keeps ECharts from reading {…} in a label or tooltip text as
// a template variable.
func escapeTemplate(s string) string {
	return strings.NewReplacer("{", "(", "}", ")").Replace(s)
}

// textLabel returns a label that shows text as it is.
func textLabel(text string) *opts.Label {
	return &opts.Label{Show: opts.Bool(true), Formatter: types.FuncStr(escapeTemplate(text))}
}

// pointLabel returns a label for a marked point: text above it, on a light
// background so that it stays readable where it crosses a curve.
func pointLabel(text string) *opts.Label {
	l := textLabel(" " + text + " ")
	l.Position = "top"
	l.Color = "#111"
	l.BackgroundColor = "rgba(255,255,255,0.85)"
	l.LineHeight = 17 // the background is as high as the line, not the font
	l.BorderRadius = 3
	return l
}

// edgeLabel returns the label of a graph edge: text in color at position pos
// ("middle", "insideEndTop", …), on a light background so that it stays
// readable where other edges cross it.
func edgeLabel(pos, color, text string) *opts.Label {
	l := textLabel(text)
	l.Position = pos
	l.Color = color
	l.FontSize = 11
	l.BackgroundColor = "rgba(255,255,255,0.85)"
	l.LineHeight = 15 // the background is as high as the line, not the font
	return l
}

// jsText returns s as a JavaScript string literal of HTML text, for a
// tooltip formatter in a chart's script: escaped for HTML, since ECharts shows
// what the formatter returns as HTML, and by encoding/json, which also keeps
// "</script>" from ending the script early.
func jsText(s string) string {
	b, _ := json.Marshal(html.EscapeString(s)) // a string always marshals
	return string(b)
}

// maxAbs returns the largest |v| in vs, 0 for none.
func maxAbs(vs []float64) float64 {
	m := 0.0
	for _, v := range vs {
		m = math.Max(m, math.Abs(v))
	}
	return m
}

// diverging returns a visualMap that colours values from −m (blue) through 0
// (near white) to +m (red), so that 0 always sits in the middle; m = 0 is taken
// as 1 so that an all-zero map still has a range.
func diverging(m float64) visualMap {
	if m == 0 {
		m = 1
	}
	return visualMap{
		Type:       "continuous",
		Min:        -m,
		Max:        m,
		Calculable: true,
		Precision:  precisionFor(m),
		Orient:     "vertical",
		Right:      "8",
		Top:        "middle",
		ItemHeight: 160,
		InRange:    &opts.VisualMapInRange{Color: []string{colorNegative, colorZero, colorPositive}},
	}
}

// niceRange widens [lo, hi] to multiples of a round unit, so that an axis
// with these ends reads well: the largest power of ten not above hi − lo, or a
// fifth of it when that would leave fewer than 2.5 units. An empty interval is
// first widened by 1 on each side. Units below 1 are applied as divisions by
// their inverse, an integer, so that the ends come out as the decimals they
// stand for (1.2, not 6 × 0.2 = 1.2000000000000002); an end within 1e-9
// units of a multiple is taken as on it.
func niceRange(lo, hi float64) [2]float64 {
	if hi <= lo {
		lo, hi = lo-1, hi+1
	}
	unit := math.Pow(10, math.Floor(math.Log10(hi-lo)))
	if (hi-lo)/unit < 2.5 {
		unit /= 5
	}
	if unit < 1 {
		per := math.Round(1 / unit) // units per 1
		return [2]float64{math.Floor(lo*per+1e-9) / per, math.Ceil(hi*per-1e-9) / per}
	}
	return [2]float64{math.Floor(lo/unit+1e-9) * unit, math.Ceil(hi/unit-1e-9) * unit}
}

// precisionFor returns how many decimals show 2 significant digits of m.
func precisionFor(m float64) int {
	return max(0, 1-int(math.Floor(math.Log10(m))))
}
