package chart

import (
	"fmt"
	"strconv"

	"github.com/chainrule-go/backprop/kernel/display"
	"github.com/chainrule-go/backprop/mathx"
	"github.com/go-echarts/go-echarts/v2/opts"
)

// Limits on what Nudges draws legibly.
const (
	maxNudgeExamples = 12 // columns, one per example, besides the average
	maxNudgeParams   = 40 // rows, one per weight and bias
)

// Colours of the nudges: green asks for the parameter to go up, purple down.
// They are not the red and blue of the gradient charts, whose bars have the
// opposite sign.
const (
	colorRaise = "#1b7837"
	colorLower = "#762a83"
)

// Nudges draws what each example of a batch asks of every weight and bias of
// net: the nudge −∂C_i/∂θ that would lower its own cost C_i fastest, one
// column per example (from Network.Backprop), and in the last column their
// average,
//
//	−∂C/∂θ = (1/n) Σ_i (−∂C_i/∂θ),
//
// which is −∇C (from Network.Gradient), the direction of a gradient-descent
// step. Rows are the parameters in the order of Network.Params. Green asks
// for θ to go up, purple for it to go down, and pale cells ask for little.
// At most 12 examples and 40 parameters are drawn.
func Nudges(net *mathx.Network, examples []mathx.Example) *display.Chart {
	const name = "Nudges"
	if len(examples) == 0 {
		return failed(name, "no examples: each column is one example's nudges, so give at least one")
	}
	if len(examples) > maxNudgeExamples {
		return failed(name, "%d examples, too many for one column each (at most %d); pass a few of them", len(examples), maxNudgeExamples)
	}
	params, err := net.Params()
	if err != nil {
		return failed(name, "%v", err)
	}
	if len(params) > maxNudgeParams {
		return failed(name, "the network has %d weights and biases, too many for one row each (at most %d); draw a smaller network", len(params), maxNudgeParams)
	}
	grads := make([]mathx.Gradient, 0, len(examples)+1)
	columns := make([]string, 0, len(examples)+1)
	for i, ex := range examples {
		g, err := net.Backprop(ex.X, ex.Y)
		if err != nil {
			return failed(name, "example %d: %v", i, err)
		}
		grads, columns = append(grads, g), append(columns, fmt.Sprintf("−∇C_%d", i))
	}
	avg, err := net.Gradient(examples)
	if err != nil {
		return failed(name, "%v", err)
	}
	grads, columns = append(grads, avg), append(columns, "−∇C") // the subtitle names it the average
	rows := make([]string, len(params))
	cells := make([][3]float64, 0, len(grads)*len(params))
	values := make([]float64, 0, cap(cells))
	for r, p := range params {
		rows[r] = p.String()
		for c, g := range grads {
			v, _ := g.At(p) // g has the network's shape
			if !mathx.IsFinite(v) && c < len(examples) {
				return failed(name, "example %d's ∂C_%d/∂%v is %v", c, c, p, v)
			} else if !mathx.IsFinite(v) {
				return failed(name, "the average ∂C/∂%v is %v", p, v)
			}
			cells = append(cells, [3]float64{float64(c), float64(r), -v})
			values = append(values, -v)
		}
	}
	return nudgesChart(rows, columns, cells, maxAbs(values))
}

// nudgesChart lays out the cells of Nudges: column c, row r, value −∂C/∂θ.
func nudgesChart(rows, columns []string, cells [][3]float64, m float64) *display.Chart {
	heat := series{Type: "heatmap", Name: "nudge −∂C/∂θ", Data: cells,
		ItemStyle: &opts.ItemStyle{BorderColor: "#fff", BorderWidth: 1}}
	labels := len(cells) <= 120
	if labels {
		heat.Label = &opts.Label{Show: opts.Bool(true), FontSize: 10}
		heat.Data = labelled(cells)
	}
	scale := diverging(m)
	scale.InRange = &opts.VisualMapInRange{Color: []string{colorLower, colorZero, colorRaise}}
	xs := xAxis{XAxis: opts.XAxis{Type: "category", Data: columns, Position: "top",
		SplitArea: &opts.SplitArea{Show: opts.Bool(false)}}, AxisLabel: &axisLabel{Interval: 0, FontSize: 11}}
	ys := yAxis{YAxis: opts.YAxis{Type: "category", Data: rows, Inverse: opts.Bool(true),
		SplitArea: &opts.SplitArea{Show: opts.Bool(false)}}, AxisLabel: &axisLabel{Interval: 0, FontSize: 11}}
	opt := &option{
		Title: []opts.Title{title("What each example asks of every weight and bias",
			"column i: the nudge −∂C_i/∂θ that lowers example i's cost;  last column: their average, −∇C\ngreen: raise θ;  purple: lower it;  pale: barely matters")},
		Tooltip:   &opts.Tooltip{Trigger: "item"},
		Grid:      []grid{{Grid: opts.Grid{Left: strconv.Itoa(nudgesLeft), Right: strconv.Itoa(nudgesRight), Top: "96", Bottom: "16"}}},
		XAxis:     []xAxis{xs},
		YAxis:     []yAxis{ys},
		VisualMap: []visualMap{scale},
		Series:    []series{heat},
	}
	c := newChart("Nudges per example", opt)
	c.Height = max(defaultHeight, 26*len(rows)+120)
	c.Script += fmt.Sprintf(`var chainruleColumns = %s, chainruleRows = %s;
chart.setOption({
  tooltip: {formatter: function (p) {
    return chainruleColumns[p.value[0]] + ', ' + chainruleRows[p.value[1]] + ': ' + chainruleNum(p.value[2]);
  }}
});
`, jsList(columns), jsList(rows))
	if labels {
		c.Script += fmt.Sprintf(fitNudgeLabelsJS, nudgesLeft+nudgesRight, minNudgeLabelCell)
	}
	return c
}

// Where the plot of Nudges sits in its box: the room left for the rows' names
// and right for the colour scale.
const nudgesLeft, nudgesRight = 80, 90

// minNudgeLabelCell is the narrowest cell, in pixels, that shows its value; in
// a narrower box (JupyterLab with its sidebar open) the values would run into
// each other, and the colours and the tooltips tell them.
const minNudgeLabelCell = 48

// fitNudgeLabelsJS shows the cells' values only while the cells are wide
// enough for them, at every width the box takes.
const fitNudgeLabelsJS = `onWidth(function (width) {
  chart.setOption({series: [{label: {show: (width - %d) / chainruleColumns.length >= %d}}]});
});
`

// jsList returns ss as a JavaScript array of string literals of HTML text.
func jsList(ss []string) string {
	out := "["
	for i, s := range ss {
		if i > 0 {
			out += ", "
		}
		out += jsText(s)
	}
	return out + "]"
}
