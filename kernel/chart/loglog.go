package chart

import (
	"github.com/chainrule-go/backprop/kernel/display"
	"github.com/chainrule-go/backprop/mathx"
	"github.com/go-echarts/go-echarts/v2/opts"
)

// XY is one named series of points (X[i], Y[i]) for LogLog.
type XY struct {
	Name string
	X, Y []float64
}

// logLogColors are the series' colours, in order.
var logLogColors = []string{colorCurve, colorTangent, "#3ba272", "#fac858", colorMuted}

// LogLog draws each series as a line on logarithmic x and y axes, where a
// power law y = c·xᵖ is a straight line of slope p: the cost of an algorithm
// against the size of its input, say. Every value must be finite and
// positive, and each series needs as many x as y.
func LogLog(text, xName, yName string, ss ...XY) *display.Chart {
	return xyChart("LogLog", "log", text, "logarithmic axes: a cost growing like xᵖ is a line of slope p", xName, yName, ss)
}

// Curves draws each series as a line on ordinary axes: a cost against the
// step of gradient descent, say. Every value must be finite, and each series
// needs as many x as y.
func Curves(text, xName, yName string, ss ...XY) *display.Chart {
	return xyChart("Curves", "value", text, "", xName, yName, ss)
}

// xyChart draws the series on axes of the given type, "log" or "value".
func xyChart(name, axis, text, sub, xName, yName string, ss []XY) *display.Chart {
	if len(ss) == 0 {
		return failed(name, "no series to draw")
	}
	var out []series
	for i, s := range ss {
		if len(s.X) == 0 || len(s.X) != len(s.Y) {
			return failed(name, "series %q has %d x and %d y values; want the same number, at least one", s.Name, len(s.X), len(s.Y))
		}
		pts := make([][2]float64, len(s.X))
		for j := range s.X {
			if !mathx.IsFinite(s.X[j]) || !mathx.IsFinite(s.Y[j]) || axis == "log" && (s.X[j] <= 0 || s.Y[j] <= 0) {
				want := "finite values"
				if axis == "log" {
					want = "finite values above 0"
				}
				return failed(name, "series %q, point %d: (%v, %v); the axes need %s", s.Name, j, s.X[j], s.Y[j], want)
			}
			pts[j] = [2]float64{s.X[j], s.Y[j]}
		}
		color := logLogColors[i%len(logLogColors)]
		out = append(out, series{Type: "line", Name: s.Name, Data: pts, SymbolSize: 7,
			LineStyle: &opts.LineStyle{Color: color, Width: 2}, ItemStyle: &opts.ItemStyle{Color: color}})
	}
	lines := &opts.SplitLine{Show: opts.Bool(true), LineStyle: &opts.LineStyle{Color: "#eee"}}
	x := xAxis{XAxis: opts.XAxis{Type: axis, Name: xName, NameLocation: "middle", NameGap: 28, SplitLine: lines}}
	y := yAxis{YAxis: opts.YAxis{Type: axis, Name: yName, SplitLine: lines}}
	if axis == "value" {
		x = valueAxisX(xName)
		y = valueAxisY(yName)
	}
	opt := &option{
		Title:   []opts.Title{title(text, sub)},
		Tooltip: &opts.Tooltip{Trigger: "item"},
		Legend:  &opts.Legend{Bottom: "0"},
		Grid:    []grid{{Grid: opts.Grid{Left: "70", Right: "30", Top: "70", Bottom: "70"}}},
		XAxis:   []xAxis{x},
		YAxis:   []yAxis{y},
		Series:  out,
	}
	return newChart(text, opt)
}
