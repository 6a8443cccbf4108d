package chart

import (
	"math"

	"github.com/chainrule-go/backprop/kernel/display"
	"github.com/chainrule-go/backprop/mathx"
	"github.com/go-echarts/go-echarts/v2/opts"
)

// Boundary draws a classifier of points in the plane: its output
// f(x_0, x_1) as a heatmap over a rectangle a tenth wider than the points on
// every side (then widened to round numbers), and the points on top, those with a target y_0 > 0 as one class
// (filled circles) and the others as the other (hollow diamonds). Where the
// colour changes between the two classes' values is the decision boundary.
// Every point needs two inputs and at least one target, all finite.
func Boundary(text string, f func(x0, x1 float64) float64, points []mathx.Example) *display.Chart {
	const name = "Boundary"
	if f == nil {
		return failed(name, "no function to draw: f is nil")
	}
	if len(points) == 0 {
		return failed(name, "no points to draw")
	}
	lo, hi := [2]float64{math.Inf(1), math.Inf(1)}, [2]float64{math.Inf(-1), math.Inf(-1)}
	var pos, neg [][2]float64
	for i, p := range points {
		if len(p.X) != 2 || len(p.Y) == 0 {
			return failed(name, "point %d has %d inputs and %d targets; want 2 inputs and at least 1 target", i, len(p.X), len(p.Y))
		}
		if !mathx.IsFinite(p.X[0]) || !mathx.IsFinite(p.X[1]) || !mathx.IsFinite(p.Y[0]) {
			return failed(name, "point %d is (%v, %v) with target %v; want finite values", i, p.X[0], p.X[1], p.Y[0])
		}
		for d := range 2 {
			lo[d], hi[d] = math.Min(lo[d], p.X[d]), math.Max(hi[d], p.X[d])
		}
		if p.Y[0] > 0 {
			pos = append(pos, [2]float64{p.X[0], p.X[1]})
		} else {
			neg = append(neg, [2]float64{p.X[0], p.X[1]})
		}
	}
	var span [2][2]float64
	for d := range 2 {
		pad := 0.1 * math.Max(hi[d]-lo[d], 1e-3)
		span[d] = niceRange(lo[d]-pad, hi[d]+pad)
	}
	c := CostSurface(Surface{
		Title: text, Subtitle: "colour: the network's output; points: the data, by their target",
		XName: "x₀", YName: "x₁", ZName: "output", X: span[0], Y: span[1], F: f,
	})
	if c.Err != nil {
		return failed(name, "%v", c.Err)
	}
	opt := c.Option.(*option)
	dot := func(class, symbol, fill string, pts [][2]float64) series {
		return series{Type: "scatter", Name: class, Data: pts, XAxisIndex: 1, YAxisIndex: 1, Symbol: symbol, SymbolSize: 9, Z: 3,
			ItemStyle: &opts.ItemStyle{Color: fill, BorderColor: "#111", BorderWidth: 1}}
	}
	opt.Series = append(opt.Series, dot("target > 0", "circle", "#ffffff", pos), dot("target ≤ 0", "diamond", "#111111", neg))
	opt.Legend = &opts.Legend{Top: "52", Left: "10", Data: []string{"target > 0", "target ≤ 0"}}
	return c
}
