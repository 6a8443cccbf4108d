package chart

import (
	"fmt"
	"math"

	"github.com/chainrule-go/backprop/kernel/display"
	"github.com/chainrule-go/backprop/mathx"
	"github.com/go-echarts/go-echarts/v2/opts"
)

// maxOuterPanels bounds the examples OuterProducts draws side by side.
const maxOuterPanels = 8

// OuterProducts draws BP4 for a batch, one panel per example and one for
// their average: panel i is example i's outer product δ_i (a_i)ᵀ, whose row
// j, column k is δ_j,i a_k,i, where δ_i is column i of delta (Δ(l)) and a_i
// column i of aPrev (A(l−1)); the last panel is their average
// (1/m) Δ(l) (A(l−1))ᵀ = ∂C/∂W(l). All panels share one colour scale that
// diverges from 0 (red > 0, blue < 0), so that each example's pull on the
// weights can be set beside the gradient that averages them. delta and aPrev
// need the same number of columns m, from 1 to 8, and finite entries.
func OuterProducts(delta, aPrev [][]float64, l int) *display.Chart {
	const name = "OuterProducts"
	m, err := columns("Δ", delta)
	if err != nil {
		return failed(name, "%v", err)
	}
	mA, err := columns("A", aPrev)
	if err != nil {
		return failed(name, "%v", err)
	}
	switch {
	case m != mA:
		return failed(name, "Δ has %d columns and A has %d; want one column per example in both", m, mA)
	case m > maxOuterPanels:
		return failed(name, "%d examples; the panels fit at most %d side by side: pass fewer columns", m, maxOuterPanels)
	}
	rows, cols := len(delta), len(aPrev)
	panels := make([][][3]float64, m+1)
	biggest := 0.0
	for j := range rows {
		for k := range cols {
			sum := 0.0
			for i := range m {
				v := delta[j][i] * aPrev[k][i]
				panels[i] = append(panels[i], [3]float64{float64(k), float64(j), v})
				sum += v
				biggest = max(biggest, math.Abs(v))
			}
			panels[m] = append(panels[m], [3]float64{float64(k), float64(j), sum / float64(m)})
		}
	}
	opt, height := outerOption(panels, rows, cols, l, biggest)
	c := newChart(fmt.Sprintf("BP4 for a batch, layer %d", l), opt)
	c.Height = max(200, 100+height+30) // the titles, the panels, a margin; room for the colour scale
	c.Script += `chart.setOption({tooltip: {formatter: function (p) {
  return p.seriesName + ': row ' + p.value[1] + ', column ' + p.value[0] + ' = ' + chainruleNum(p.value[2]);
}}});
`
	return c
}

// outerOption lays the panels out in a row, each a heatmap of rows × cols
// cells on its own axes, under one diverging colour scale, and returns the
// option and the panels' height in pixels.
func outerOption(panels [][][3]float64, rows, cols, l int, biggest float64) (*option, int) {
	n := len(panels)
	const left, right, gap = 20, 90, 12
	width := (defaultWidth - left - right - gap*(n-1)) / n
	height := min(width*rows/max(cols, 1), 170)
	opt := &option{
		Title: []opts.Title{title(fmt.Sprintf("Each example's δ(%d) a(%d)ᵀ, and their average ∂C/∂W(%d)", l, l-1, l),
			"row j: neuron j of layer "+fmt.Sprint(l)+";  column k: neuron k of layer "+fmt.Sprint(l-1)+";  red > 0, blue < 0")},
		Tooltip: &opts.Tooltip{Trigger: "item"},
	}
	hidden := opts.Bool(false)
	vm := diverging(biggest)
	for i, cells := range panels {
		x := left + i*(width+gap)
		label := fmt.Sprintf("example %d", i+1)
		if i == n-1 {
			label = "average"
		}
		opt.Grid = append(opt.Grid, grid{Grid: opts.Grid{Left: fmt.Sprint(x), Top: "100", Width: fmt.Sprint(width), Height: fmt.Sprint(height)}})
		opt.Title = append(opt.Title, opts.Title{Title: label, Left: fmt.Sprint(x), Top: "78", TitleStyle: &opts.TextStyle{FontSize: 12}})
		opt.XAxis = append(opt.XAxis, xAxis{XAxis: opts.XAxis{Type: "category", Data: categories(cols), GridIndex: i, Show: hidden}})
		opt.YAxis = append(opt.YAxis, yAxis{YAxis: opts.YAxis{Type: "category", Data: categories(rows), GridIndex: i, Show: hidden, Inverse: opts.Bool(true)}})
		opt.Series = append(opt.Series, series{Type: "heatmap", Name: label, Data: cells, XAxisIndex: i, YAxisIndex: i,
			ItemStyle: &opts.ItemStyle{BorderColor: "#fff", BorderWidth: borderFor(cols, rows)}})
		vm.SeriesIndex = append(vm.SeriesIndex, i)
	}
	vm.ItemHeight = max(60, height-40)
	vm.Top = "100"
	opt.VisualMap = []visualMap{vm}
	return opt, height
}

// columns returns the number of columns of the matrix called name, checking
// that it has rows, that every row is as long, and that its entries are finite.
func columns(name string, a [][]float64) (int, error) {
	if len(a) == 0 || len(a[0]) == 0 {
		return 0, fmt.Errorf("%s is empty; want a row per neuron and a column per example", name)
	}
	for r, row := range a {
		if len(row) != len(a[0]) {
			return 0, fmt.Errorf("row %d of %s has %d entries, row 0 has %d", r, name, len(row), len(a[0]))
		}
		for i, v := range row {
			if !mathx.IsFinite(v) {
				return 0, fmt.Errorf("%s[%d][%d] is %v; want finite values", name, r, i, v)
			}
		}
	}
	return len(a[0]), nil
}
