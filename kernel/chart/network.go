package chart

import (
	"errors"
	"fmt"
	"math"
	"strings"

	"github.com/chainrule-go/backprop/kernel/display"
	"github.com/chainrule-go/backprop/mathx"
	"github.com/go-echarts/go-echarts/v2/opts"
)

// Limits on what the network charts draw legibly.
const (
	maxBars      = 200 // GradientBars: weights and biases
	maxPathOut   = 12  // Paths: neurons j of layer L
	maxPathInAll = 12  // Paths: neurons k of layer L−1 drawn; beyond this only a_k is
	maxPathSums  = 6   // Paths: neurons j of layer L up to which each path's product is written out
)

// gradientShape checks that g is shaped like a network, with its layers
// fitting together, and finite; it returns the number of inputs of each layer.
func gradientShape(g mathx.Gradient) ([]int, error) {
	if len(g.DC_dw) == 0 {
		return nil, errors.New("the gradient is empty: it has no layers (make it with Network.Backprop, Network.Gradient or Network.NewGradient)")
	}
	if len(g.DC_dw) != len(g.DC_db) {
		return nil, fmt.Errorf("the gradient has %d layers of weights but %d of biases", len(g.DC_dw), len(g.DC_db))
	}
	ins := make([]int, len(g.DC_dw))
	for i, dw := range g.DC_dw {
		l, out := i+1, len(g.DC_db[i])
		if out == 0 || len(dw) == 0 || len(dw)%out != 0 {
			return nil, fmt.Errorf("layer %d of the gradient has %d weights and %d biases; want one row of weights per bias", l, len(dw), out)
		}
		ins[i] = len(dw) / out
		if i > 0 && ins[i] != len(g.DC_db[i-1]) {
			return nil, fmt.Errorf("layer %d of the gradient takes %d inputs but layer %d has %d neurons", l, ins[i], l-1, len(g.DC_db[i-1]))
		}
		for p, v := range dw {
			if !mathx.IsFinite(v) {
				return nil, fmt.Errorf("∂C/∂%v is %v", mathx.WeightParam(l, p/ins[i], p%ins[i]), v)
			}
		}
		for j, v := range g.DC_db[i] {
			if !mathx.IsFinite(v) {
				return nil, fmt.Errorf("∂C/∂%v is %v", mathx.BiasParam(l, j), v)
			}
		}
	}
	return ins, nil
}

// GradientBars draws every component of a gradient as a signed bar, one per
// weight w(l)_jk and bias b(l)_j, in the order of Network.Params, coloured by
// layer. A bar to the right (∂C/∂θ > 0) says that raising θ raises the cost, so
// gradient descent, θ ← θ − η ∂C/∂θ, lowers it; a bar to the left, the opposite.
// For one example (Network.Backprop) C is C0; for a batch (Network.Gradient) it
// is the average cost. At most 200 components are drawn; for a larger layer use
// GradientHeatmap.
func GradientBars(g mathx.Gradient) *display.Chart {
	const name = "GradientBars"
	ins, err := gradientShape(g)
	if err != nil {
		return failed(name, "%v", err)
	}
	total := 0
	for i := range ins {
		total += len(g.DC_dw[i]) + len(g.DC_db[i])
	}
	if total > maxBars {
		return failed(name, "the gradient has %d weights and biases, too many for one bar each (at most %d); draw one layer with GradientHeatmap", total, maxBars)
	}
	var names []string
	var bars []series
	var legend []string
	for i, in := range ins {
		l := i + 1
		var params []mathx.Param
		for j := range g.DC_db[i] {
			for k := range in {
				params = append(params, mathx.WeightParam(l, j, k))
			}
		}
		for j := range g.DC_db[i] {
			params = append(params, mathx.BiasParam(l, j))
		}
		data := make([]any, total)
		for _, p := range params {
			v, _ := g.At(p) // the shape was checked above
			data[len(names)] = v
			names = append(names, p.String())
		}
		layer := fmt.Sprintf("layer %d", l)
		legend = append(legend, layer)
		bars = append(bars, series{Type: "bar", Name: layer, Data: data, Stack: "gradient", BarWidth: "70%"})
	}
	opt := &option{
		Title: []opts.Title{title("Gradient ∇C: one bar per weight and bias",
			"bar to the right: raising the parameter raises C, so gradient descent lowers it")},
		Tooltip: &opts.Tooltip{Trigger: "item"},
		Legend:  &opts.Legend{Top: "52", Left: "10", Data: legend}, // under the subtitle: a narrow box has no room beside the title
		Grid:    []grid{{Grid: opts.Grid{Left: "90", Right: "30", Top: "84", Bottom: "44"}}},
		XAxis:   []xAxis{valueAxisX("∂C/∂θ")},
		YAxis: []yAxis{{YAxis: opts.YAxis{Type: "category", Data: names, Inverse: opts.Bool(true),
			AxisLine: &opts.AxisLine{OnZero: opts.Bool(false)}}, AxisLabel: &axisLabel{Interval: 0, FontSize: 11}}},
		Series: bars,
	}
	c := newChart("Gradient bars", opt)
	c.Height = max(defaultHeight, 16*total+140)
	return c
}

// GradientHeatmap draws the weight part of layer l of a gradient (l from 1)
// as a matrix: row j, column k holds ∂C/∂w(l)_jk, the sensitivity of the cost
// to the weight from neuron k of layer l−1 to neuron j of layer l. The colours
// diverge from 0: red cells have ∂C/∂w > 0, blue cells ∂C/∂w < 0, and white
// cells barely matter. Each ∂C0/∂w_jk = a_k σ′(z_j) ∂C0/∂a_j, so a column is
// blank where the input a_k is 0.
func GradientHeatmap(g mathx.Gradient, l int) *display.Chart {
	const name = "GradientHeatmap"
	ins, err := gradientShape(g)
	if err != nil {
		return failed(name, "%v", err)
	}
	if l < 1 || l > len(ins) {
		return failed(name, "no layer %d: the gradient has layers 1 to %d", l, len(ins))
	}
	in, out, dw := ins[l-1], len(g.DC_db[l-1]), g.DC_dw[l-1]
	cells := make([][3]float64, 0, len(dw))
	for j := range out {
		for k := range in {
			cells = append(cells, [3]float64{float64(k), float64(j), dw[j*in+k]})
		}
	}
	heat := series{Type: "heatmap", Name: fmt.Sprintf("∂C/∂w(%d)_jk", l), Data: cells,
		ItemStyle: &opts.ItemStyle{BorderColor: "#fff", BorderWidth: borderFor(in, out)}}
	if len(cells) <= 100 {
		heat.Label = &opts.Label{Show: opts.Bool(true), FontSize: 11}
		heat.Data = labelled(cells)
	}
	if len(cells) > 3000 {
		heat.Progressive = opts.Int(0)
		heat.Emphasis = &emphasis{Disabled: true} // hover states would take longer to make than the cells
	}
	opt := &option{
		Title: []opts.Title{title(fmt.Sprintf("∂C/∂w(%d)_jk for every weight of layer %d", l, l),
			"red: raising w_jk raises C;  blue: lowers it;  white: barely matters")},
		Tooltip:   &opts.Tooltip{Trigger: "item"},
		Grid:      []grid{{Grid: opts.Grid{Left: "64", Right: "90", Top: "64", Bottom: "48"}}},
		XAxis:     []xAxis{categoryAxisX(fmt.Sprintf("k, neuron of layer %d", l-1), in)},
		YAxis:     []yAxis{categoryAxisY(fmt.Sprintf("j, neuron of layer %d", l), out)},
		VisualMap: []visualMap{diverging(maxAbs(dw))},
		Series:    []series{heat},
	}
	c := newChart(fmt.Sprintf("Gradient of layer %d's weights", l), opt)
	c.Script += fmt.Sprintf(`chart.setOption({
  tooltip: {formatter: function (p) {
    return '∂C/∂w(%d)_' + p.value[1] + ',' + p.value[0] + ' = ' + chainruleNum(p.value[2]);
  }}
});
`, l)
	return c
}

// borderFor returns the width of the white lines between heatmap cells: none
// once the cells are too many to be told apart anyway.
func borderFor(in, out int) float32 {
	if in > 40 || out > 40 {
		return 0
	}
	return 1
}

// categories returns the labels "0", "1", … "n−1".
func categories(n int) []string {
	c := make([]string, n)
	for i := range c {
		c[i] = fmt.Sprint(i)
	}
	return c
}

// indexLabels labels every index of a category axis of n indices up to 16
// of them, and beyond that only the multiples of the smallest round step
// (2, 5, 10, 20, …) that leaves at most 16 labels.
func indexLabels(n int) *axisLabel {
	steps := []int{1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000}
	step := steps[len(steps)-1]
	for _, s := range steps {
		if n <= 16*s {
			step = s
			break
		}
	}
	return &axisLabel{Interval: step - 1}
}

// categoryAxisX returns an x axis of the categories 0 … n−1 named name.
func categoryAxisX(name string, n int) xAxis {
	return xAxis{XAxis: opts.XAxis{Type: "category", Name: name, NameLocation: "middle", NameGap: 28, Data: categories(n),
		SplitArea: &opts.SplitArea{Show: opts.Bool(false)}}, AxisLabel: indexLabels(n)}
}

// categoryAxisY returns a y axis of the categories 0 … n−1 named name, 0 at the
// top as in a matrix.
func categoryAxisY(name string, n int) yAxis {
	return yAxis{YAxis: opts.YAxis{Type: "category", Name: name, NameLocation: "middle", NameGap: 40, Data: categories(n),
		Inverse: opts.Bool(true), SplitArea: &opts.SplitArea{Show: opts.Bool(false)}}, AxisLabel: indexLabels(n)}
}

// Paths draws how neuron k of layer l−1 of network n moves the cost C0 of
// example ex: its activation a_k feeds every neuron j of layer l, so it
// reaches C0 along one path per j, and the chain rule adds the paths up:
//
//	∂C0/∂a(l−1)_k = Σ_j w(l)_jk · f′(z(l)_j) · ∂C0/∂a(l)_j.
//
// Each edge from a_k to neuron j is labelled with its path's term, from
// mathx's LayerStep.PathTerm; its width shows the term's size and its colour
// its sign (red raises C0, blue lowers it). The sum, LayerStep.DC_daPrev[k],
// is in the subtitle. Layers count from 1, as in mathx.Param and
// derive.Paths; at the output layer ∂C0/∂a(L)_j = 2(a_j − y_j). Layer l may
// have at most 12 neurons; of layer l−1 all neurons are drawn when there are
// at most 12, otherwise a_k alone.
func Paths(n *mathx.Network, ex mathx.Example, l, k int) *display.Chart {
	const name = "Paths"
	if n == nil {
		return failed(name, "the network is nil: %w", mathx.ErrConfig)
	}
	steps, err := n.Steps(ex.X, ex.Y)
	if err != nil {
		return failed(name, "%w", err)
	}
	if l < 1 || l > len(steps) {
		return failed(name, "layer l = %d does not exist; the network %v has layers 1 to %d", l, n.Sizes(), len(steps))
	}
	s := steps[l-1]
	in, out := s.Layer.In(), s.Layer.Out()
	if k < 0 || k >= in {
		return failed(name, "no neuron k = %d in layer %d: it has neurons 0 to %d", k, l-1, in-1)
	}
	if out > maxPathOut {
		return failed(name, "layer %d has %d neurons, too many to draw every path legibly (at most %d)", l, out, maxPathOut)
	}
	d := newPathsDrawing(s, k, l == len(steps))
	opt := d.option()
	c := newChart(fmt.Sprintf("Paths from a(%s)_%d to C0", d.prev, k), opt)
	c.Height = pathsTop + int(d.gap)*d.rows + 10
	return c
}

// Where Paths puts its columns, in pixels, and the top left of the graph.
const (
	pathsPrevX, pathsCurX, pathsCostX = 0.0, 300.0, 520.0
	pathsLeft, pathsTop               = 60, 96
)

// pathsDrawing is what Paths draws from one layer's step: the paths from
// a_k of the layer before through each neuron j of this one.
type pathsDrawing struct {
	s     mathx.LayerStep
	k     int
	terms []float64 // the path terms w_jk f′(z_j) ∂C0/∂a_j, by j
	ks    []int     // the neurons of the layer before that are drawn
	gap   float64   // pixels between rows
	rows  int
	// How the labels name this layer and the one before: L and L−1 for the
	// output layer, l and l−1 for a hidden one.
	cur, prev string
}

func newPathsDrawing(s mathx.LayerStep, k int, output bool) pathsDrawing {
	in, out := s.Layer.In(), s.Layer.Out()
	d := pathsDrawing{s: s, k: k, terms: make([]float64, out), ks: []int{k}, gap: 56, cur: "l", prev: "l−1"}
	if output {
		d.cur, d.prev = "L", "L−1"
	}
	for j := range d.terms {
		d.terms[j] = s.PathTerm(j, k)
	}
	if out <= maxPathSums { // more room when the edges carry whole products
		d.gap = 84
	}
	if in <= maxPathInAll {
		d.ks = make([]int, in)
		for i := range d.ks {
			d.ks[i] = i
		}
	}
	d.rows = max(out, len(d.ks))
	return d
}

// prime names the layer's f′: σ′ for the sigmoid, f′ otherwise.
func (d pathsDrawing) prime() string {
	if d.s.Layer.Act.Name == mathx.Sigmoid.Name {
		return "σ′"
	}
	return "f′"
}

// centre returns the height of row i of a column of n nodes, centred.
func (d pathsDrawing) centre(i, n int) float64 {
	return (float64(d.rows-n)/2 + float64(i)) * d.gap
}

func (d pathsDrawing) prevName(k int) string { return fmt.Sprintf("a(%s)_%d", d.prev, k) }
func (d pathsDrawing) curName(j int) string  { return fmt.Sprintf("a(%s)_%d", d.cur, j) }

// nodes returns the neurons of both layers, the cost, and two invisible
// corners that give the layout its height even when every node is on one
// row (a layer of one neuron fed by one), which ECharts would otherwise
// stretch without end.
func (d pathsDrawing) nodes() []graphNode {
	s := d.s
	var nodes []graphNode
	for i, kk := range d.ks {
		style := &opts.ItemStyle{Color: "#e6e6e6", BorderColor: "#aaa"}
		if kk == d.k {
			style = &opts.ItemStyle{Color: "#9bb5e8", BorderColor: "#3a5fa8", BorderWidth: 2}
		}
		nodes = append(nodes, graphNode{Name: d.prevName(kk), X: pathsPrevX, Y: d.centre(i, len(d.ks)), Value: s.APrev[kk],
			ItemStyle: style, Label: textLabel(fmt.Sprintf("a_%d\n%s", kk, num(s.APrev[kk]))),
			Tooltip: itemTooltip(fmt.Sprintf("a(%s)_%d = %s;  ∂C0/∂a(%s)_%d = %s", d.prev, kk, num(s.APrev[kk]), d.prev, kk, num(s.DC_daPrev[kk])))})
	}
	for j := range s.Layer.Out() {
		nodes = append(nodes, graphNode{Name: d.curName(j), X: pathsCurX, Y: d.centre(j, s.Layer.Out()), Value: s.A[j],
			ItemStyle: &opts.ItemStyle{Color: "#f8d487", BorderColor: "#b8860b"},
			Label:     textLabel(fmt.Sprintf("a_%d\n%s", j, num(s.A[j]))),
			Tooltip: itemTooltip(fmt.Sprintf("neuron j = %d of layer %s:  z_%d = %s,  a_%d = %s,  %s(z_%d) = %s,  ∂C0/∂a_%d = %s",
				j, d.cur, j, num(s.Z[j]), j, num(s.A[j]), d.prime(), j, num(s.Da_dz[j]), j, num(s.DC_da[j])))})
	}
	nodes = append(nodes, graphNode{Name: "C0", X: pathsCostX, Y: d.centre(0, 1), Value: s.C0,
		ItemStyle: &opts.ItemStyle{Color: "#f8d487", BorderColor: "#b8860b"}, Label: textLabel("C0"),
		Tooltip: itemTooltip("the cost C0")})
	for _, corner := range []graphNode{{Name: "corner 1", X: pathsPrevX, Y: -d.gap / 2}, {Name: "corner 2", X: pathsCostX, Y: (float64(d.rows) - 0.5) * d.gap}} {
		corner.Symbol = "none"
		corner.Label = &opts.Label{Show: opts.Bool(false)}
		corner.Tooltip = &opts.Tooltip{Show: opts.Bool(false)}
		nodes = append(nodes, corner)
	}
	return nodes
}

// links returns the faint edges from the other neurons drawn, the edges
// from each a_j to the cost, and the path edges from a_k, labelled with
// their terms.
func (d pathsDrawing) links() []graphLink {
	s, k := d.s, d.k
	var links []graphLink
	for j := range s.Layer.Out() {
		for _, kk := range d.ks {
			if kk != k {
				links = append(links, graphLink{Source: d.prevName(kk), Target: d.curName(j), Value: s.PathTerm(j, kk),
					LineStyle: &opts.LineStyle{Color: "#ddd", Width: 1}, Label: &opts.Label{Show: opts.Bool(false)}})
			}
		}
		links = append(links, graphLink{Source: d.curName(j), Target: "C0", Value: s.DC_da[j],
			LineStyle: &opts.LineStyle{Color: colorMuted, Width: 1},
			Label:     edgeLabel("middle", "#555", fmt.Sprintf("∂C0/∂a_%d = %s", j, num(s.DC_da[j])))})
	}
	biggest := maxAbs(d.terms)
	for j, t := range d.terms {
		color := colorNegative
		if t > 0 {
			color = colorPositive
		}
		width := float32(1)
		if biggest > 0 {
			width += float32(7 * math.Abs(t) / biggest)
		}
		text := num(t)
		if len(d.terms) <= maxPathSums {
			text = fmt.Sprintf("%s × %s × %s = %s", paren(s.Layer.Weight(j, k)), paren(s.Da_dz[j]), paren(s.DC_da[j]), text)
		}
		links = append(links, graphLink{Source: d.prevName(k), Target: d.curName(j), Value: t,
			LineStyle: &opts.LineStyle{Color: color, Width: width, Opacity: opts.Float(0.9)},
			Label:     edgeLabel("insideEndTop", color, text)})
	}
	return links
}

// option returns the chart: the graph, with the path formula and the sum
// in the subtitle.
func (d pathsDrawing) option() *option {
	s, k := d.s, d.k
	dCda := "∂C0/∂a_j"
	if s.Y != nil {
		dCda = "∂C0/∂a_j = 2(a_j − y_j)"
	}
	sum := fmt.Sprintf("the %d path terms on the edges", len(d.terms))
	if len(d.terms) <= maxPathSums {
		parts := make([]string, len(d.terms))
		for j, t := range d.terms {
			parts[j] = paren(t)
		}
		sum = strings.Join(parts, " + ")
	}
	sub := fmt.Sprintf("path through neuron j:  w_j%d · %s(z_j) · %s   (red raises C0, blue lowers it)\n∂C0/∂a(%s)_%d = Σ_j (path terms) = %s = %s",
		k, d.prime(), dCda, d.prev, k, sum, num(s.DC_daPrev[k]))
	column := func(text string, x float64) opts.Title {
		return opts.Title{Title: text, Left: fmt.Sprint(pathsLeft + int(x)), Top: "80", TextAlign: "center",
			TitleStyle: &opts.TextStyle{FontSize: 12, FontWeight: "normal", Color: "#555"}}
	}
	opt := &option{
		Title: []opts.Title{title(fmt.Sprintf("Every path from a(%s)_%d to the cost C0", d.prev, k), sub),
			column("layer "+d.prev+": a_k", pathsPrevX), column("layer "+d.cur+": a_j", pathsCurX), column("cost", pathsCostX)},
		Tooltip: &opts.Tooltip{Trigger: "item"},
		Series: []series{{
			Type: "graph", Name: "paths", Layout: "none", Data: d.nodes(), Links: d.links(),
			SymbolSize:     46,
			Label:          &opts.Label{Show: opts.Bool(true), Color: "#111", FontSize: 12, LineHeight: 15},
			EdgeSymbol:     []string{"none", "arrow"},
			EdgeSymbolSize: []int{0, 8},
			LineStyle:      &opts.LineStyle{Opacity: opts.Float(1)},
		}},
	}
	graphBox(&opt.Series[0], pathsLeft, pathsTop, int(pathsCostX), int(d.gap)*d.rows)
	return opt
}
