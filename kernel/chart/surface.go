package chart

import (
	"errors"
	"fmt"
	"math"
	"strconv"

	"github.com/chainrule-go/backprop/kernel/display"
	"github.com/chainrule-go/backprop/mathx"
	"github.com/go-echarts/go-echarts/v2/opts"
)

// surfaceCells is how many heatmap cells a Surface has along each axis.
const surfaceCells = 50

// surfaceWidth and surfaceHeight are the plot's pixels: whole pixels per cell
// (9 by 6) leave no seams between the cells.
const surfaceWidth, surfaceHeight = 450, 300

// fitSurfaceJS narrows the plot in a box too narrow for it beside the colour
// scale (JupyterLab with its sidebar open): to the most whole pixels per cell,
// from 2 to the drawn 9, that leave 160 px for the axis and the scale, at every
// width the box takes. Below minEndLabelPx pixels per cell the x axis drops the
// labels of its two ends, which are not round numbers and would touch their
// neighbours ("-1.2 -1").
var fitSurfaceJS = fmt.Sprintf(`onWidth(function (width) {
  var px = Math.max(2, Math.min(%d, Math.floor((width - 160) / %d)));
  var ends = px >= %d;
  chart.setOption({grid: [{width: px * %d}], xAxis: [{}, {axisLabel: {showMinLabel: ends, showMaxLabel: ends}}]});
});
`, surfaceWidth/surfaceCells, surfaceCells, minEndLabelPx, surfaceCells)

// minEndLabelPx is the fewest pixels per cell at which a surface's x axis
// labels its two ends.
const minEndLabelPx = 7

// maxDescentSteps bounds the steps Descent takes.
const maxDescentSteps = 10000

// A Surface is a function of two variables, z = F(x, y), that CostSurface
// draws as a heatmap over the rectangle X × Y, with an optional path on top.
type Surface struct {
	Title, Subtitle string
	XName, YName    string                     // the variables, as axis names, e.g. "w(L)" and "b(L)"
	ZName           string                     // the function, as the colour scale's name, e.g. "C0"
	X, Y            [2]float64                 // the ranges drawn, [min, max]
	F               func(x, y float64) float64 // the function, evaluated at the centre of each cell
	Path            [][2]float64               // points (x, y) joined in order, e.g. gradient-descent steps; may be empty
}

// check reports a surface that cannot be drawn.
func (s Surface) check() error {
	if s.F == nil {
		return errors.New("no function to draw: Surface.F is nil")
	}
	for _, r := range []struct {
		name  string
		value [2]float64
	}{{"X", s.X}, {"Y", s.Y}} {
		if !mathx.IsFinite(r.value[0]) || !mathx.IsFinite(r.value[1]) || r.value[0] >= r.value[1] {
			return fmt.Errorf("the range Surface.%s = %v: want [min, max] with min < max, both finite", r.name, r.value)
		}
	}
	for i, p := range s.Path {
		if !mathx.IsFinite(p[0]) || !mathx.IsFinite(p[1]) {
			return fmt.Errorf("the point Surface.Path[%d] = (%v, %v) is not finite", i, p[0], p[1])
		}
	}
	return nil
}

// CostSurface draws z = s.F(x, y) as a heatmap, in 50 × 50 cells over the
// rectangle s.X × s.Y, from dark (low) to bright (high), and s.Path on top as
// a line through its points, its start and end marked. The colour scale on
// the right can be dragged to show only a band of values, like a contour.
func CostSurface(s Surface) *display.Chart {
	const name = "CostSurface"
	if err := s.check(); err != nil {
		return failed(name, "%v", err)
	}
	cells, lo, hi, err := s.cells()
	if err != nil {
		return failed(name, "%v", err)
	}
	if lo == hi {
		lo, hi = lo-1, hi+1
	}
	c := newChart(s.Title, s.option(cells, lo, hi))
	if c.Title == "" {
		c.Title = "Cost surface"
	}
	c.Height = 454
	dx, dy := s.cellSize()
	c.Script += fmt.Sprintf(`chart.setOption({tooltip: {formatter: function (p) {
  if (p.seriesType === 'heatmap') {
    return %s + ' = ' + chainruleNum(%v + (p.value[0] + 0.5) * %v) + ', ' + %s + ' = ' + chainruleNum(%v + (p.value[1] + 0.5) * %v) +
      '<br>' + %s + ' = ' + chainruleNum(p.value[2]);
  }
  return (p.seriesName === 'path' ? 'step ' + p.dataIndex : p.seriesName) + ': ' + %s + ' = ' + chainruleNum(p.value[0]) + ', ' + %s + ' = ' + chainruleNum(p.value[1]);
}}});
`, jsText(s.XName), s.X[0], dx, jsText(s.YName), s.Y[0], dy, jsText(s.ZName), jsText(s.XName), jsText(s.YName))
	c.Script += fitSurfaceJS
	return c
}

// cellSize returns the width and height of a heatmap cell.
func (s Surface) cellSize() (dx, dy float64) {
	return (s.X[1] - s.X[0]) / surfaceCells, (s.Y[1] - s.Y[0]) / surfaceCells
}

// cells evaluates F at the centre of every cell: (i, j, F(x_i, y_j)) for
// the cell in column i and row j, with the lowest and highest value.
func (s Surface) cells() (cells [][3]float64, lo, hi float64, err error) {
	dx, dy := s.cellSize()
	cells = make([][3]float64, 0, surfaceCells*surfaceCells)
	lo, hi = math.Inf(1), math.Inf(-1)
	for j := range surfaceCells {
		y := s.Y[0] + (float64(j)+0.5)*dy
		for i := range surfaceCells {
			x := s.X[0] + (float64(i)+0.5)*dx
			z := s.F(x, y)
			if !mathx.IsFinite(z) {
				return nil, 0, 0, fmt.Errorf("F(%v, %v) is %v; want a finite value everywhere in the rectangle", x, y, z)
			}
			lo, hi = math.Min(lo, z), math.Max(hi, z)
			cells = append(cells, [3]float64{float64(i), float64(j), z})
		}
	}
	return cells, lo, hi, nil
}

// pathSeries returns the series that draw s.Path, its start and its end;
// none when the path is empty.
func (s Surface) pathSeries() []series {
	if len(s.Path) == 0 {
		return nil
	}
	end := s.Path[len(s.Path)-1]
	return []series{
		{Type: "line", Name: "path", Data: s.Path, XAxisIndex: 1, YAxisIndex: 1, Symbol: "circle", SymbolSize: 5, Z: 3,
			LineStyle: &opts.LineStyle{Color: "#fff", Width: 2}, ItemStyle: &opts.ItemStyle{Color: "#fff", BorderColor: "#333"}},
		{Type: "scatter", Name: "start", Data: [][2]float64{s.Path[0]}, XAxisIndex: 1, YAxisIndex: 1, SymbolSize: 12, Z: 4,
			ItemStyle: &opts.ItemStyle{Color: "#ff7f0e", BorderColor: "#fff", BorderWidth: 2}, Label: sideLabel("start")},
		{Type: "scatter", Name: "end", Data: [][2]float64{end}, XAxisIndex: 1, YAxisIndex: 1, SymbolSize: 12, Z: 4,
			ItemStyle: &opts.ItemStyle{Color: "#e6194b", BorderColor: "#fff", BorderWidth: 2}, Label: sideLabel("end")},
	}
}

// option returns the chart of the surface: the heatmap of cells on hidden
// category axes, the path on value axes over the same rectangle, and the
// colour scale from lo to hi.
func (s Surface) option(cells [][3]float64, lo, hi float64) *option {
	xValues, yValues := valueAxisX(s.XName), valueAxisY(s.YName)
	xValues.Position, yValues.Position = "bottom", "left"
	xValues.Min, xValues.Max = s.X[0], s.X[1]
	yValues.Min, yValues.Max = s.Y[0], s.Y[1]
	xValues.SplitLine, yValues.SplitLine = nil, nil
	hidden := opts.Bool(false)
	return &option{
		Title:   []opts.Title{title(s.Title, s.Subtitle)},
		Tooltip: &opts.Tooltip{Trigger: "item"},
		Grid: []grid{{Grid: opts.Grid{Left: "60", Top: "104", // under the subtitle and a legend
			Width: strconv.Itoa(surfaceWidth), Height: strconv.Itoa(surfaceHeight)}}},
		XAxis: []xAxis{
			{XAxis: opts.XAxis{Type: "category", Data: categories(surfaceCells), Show: hidden}},
			xValues,
		},
		YAxis: []yAxis{
			{YAxis: opts.YAxis{Type: "category", Data: categories(surfaceCells), Show: hidden}},
			yValues,
		},
		VisualMap: []visualMap{{
			Type: "continuous", Min: lo, Max: hi, SeriesIndex: []int{0}, Calculable: true,
			Precision: precisionFor(hi - lo), Text: []string{s.ZName, ""}, Orient: "vertical", Right: "10", Top: "middle",
			ItemHeight: 180, InRange: &opts.VisualMapInRange{Color: []string{"#440154", "#3b528b", "#21918c", "#5ec962", "#fde725"}},
		}},
		Series: append([]series{{Type: "heatmap", Name: s.ZName, Data: cells}}, s.pathSeries()...),
	}
}

// Descent draws gradient descent on the single-neuron case: the cost
//
//	C0(w(L), b(L)) = (σ(w(L)·a(L−1) + b(L)) − y)²
//
// as a surface over w(L) and b(L), and the path of steps steps of size eta
// downhill from the weight and bias of start (made by mathx.Neuron), with its
// a(L−1) and y held, each (w, b) ← (w, b) − η (∂C0/∂w, ∂C0/∂b), taken by
// mathx's Network.Step on a one-neuron network. The rectangle drawn contains
// the whole path.
func Descent(start mathx.NeuronStep, eta float64, steps int) *display.Chart {
	const name = "Descent"
	if err := start.Check(); err != nil {
		return failed(name, "%w", err)
	}
	w, b, aPrev, y := start.W, start.B, start.APrev, start.Y
	if steps < 1 || steps > maxDescentSteps {
		return failed(name, "steps = %d: want 1 to %d", steps, maxDescentSteps)
	}
	layer, err := mathx.NewLayerFrom([][]float64{{w}}, []float64{b}, mathx.Sigmoid)
	if err != nil {
		return failed(name, "%w", err)
	}
	net, err := mathx.NewNetworkFrom(layer)
	if err != nil {
		return failed(name, "%w", err)
	}
	path := [][2]float64{{w, b}}
	for range steps {
		g, err := net.Backprop([]float64{aPrev}, []float64{y})
		if err == nil {
			err = net.Step(g, eta)
		}
		if err != nil {
			return failed(name, "%w", err)
		}
		p := [2]float64{layer.W[0], layer.B[0]}
		if !mathx.IsFinite(p[0]) || !mathx.IsFinite(p[1]) {
			return failed(name, "the descent diverged at step %d (w(L), b(L)) = (%v, %v); try a smaller η than %v", len(path), p[0], p[1], eta)
		}
		path = append(path, p)
	}
	c0 := func(w, b float64) float64 { return mathx.Neuron(w, b, aPrev, y).C0 }
	end := path[len(path)-1]
	s := Surface{
		Title: "Gradient descent on C0(w(L), b(L))",
		Subtitle: fmt.Sprintf("a(L−1) = %s, y = %s, η = %s:  %d steps (w, b) ← (w, b) − η(∂C0/∂w, ∂C0/∂b) take C0 from %s to %s",
			num(aPrev), num(y), num(eta), steps, num(c0(w, b)), num(c0(end[0], end[1]))),
		XName: "w(L)", YName: "b(L)", ZName: "C0",
		X: pathRange(path, 0), Y: pathRange(path, 1),
		F: c0, Path: path,
	}
	return CostSurface(s)
}

// sideLabel returns a label for the start or end of a path: right of the
// point, on a light background.
func sideLabel(text string) *opts.Label {
	l := pointLabel(text)
	l.Position = "right"
	return l
}

// pathRange returns an interval that holds coordinate i of every point of
// the path with a margin, at least 4 wide, rounded by niceRange.
func pathRange(path [][2]float64, i int) [2]float64 {
	lo, hi := path[0][i], path[0][i]
	for _, p := range path {
		lo, hi = math.Min(lo, p[i]), math.Max(hi, p[i])
	}
	mid, half := (lo+hi)/2, max(2, 0.65*(hi-lo))
	return niceRange(mid-half, mid+half)
}
