package chart

import (
	"fmt"
	"math"
	"strconv"

	"github.com/chainrule-go/backprop/kernel/display"
	"github.com/chainrule-go/backprop/mathx"
	"github.com/go-echarts/go-echarts/v2/opts"
)

// chainTrace runs the chain's backward walk, or says why it cannot.
func chainTrace(builder string, c mathx.Chain, a0, y float64) (mathx.ChainTrace, *display.Chart) {
	if c.Len() == 0 {
		return mathx.ChainTrace{}, failed(builder, "the chain has no layers: give it at least one weight and bias")
	}
	tr, err := c.Backprop(a0, y)
	if err != nil {
		return tr, failed(builder, "%v", err)
	}
	return tr, nil
}

// categoryLine returns a line series over a category axis; dashed when dash.
func categoryLine(name string, data []float64, color string, dash bool) series {
	style := &opts.LineStyle{Color: color, Width: 2}
	if dash {
		style.Type = "dashed"
	}
	return series{Type: "line", Name: name, Data: data, SymbolSize: 8, LineStyle: style,
		ItemStyle: &opts.ItemStyle{Color: color}}
}

// Sensitivities draws, on a logarithmic axis, how the cost's sensitivity to
// each activation of a chain shrinks (or grows) on the way down: |∂C0/∂a(l)|
// for l = L, L−1, …, 0, from Chain.Backprop. The dashed line is the bound
// that σ′ ≤ 1/4 sets for a sigmoid chain: |∂C0/∂a(L)| times the product of
// |w(l)|/4 over the steps taken so far.
func Sensitivities(c mathx.Chain, a0, y float64) *display.Chart {
	const name = "Sensitivities"
	tr, bad := chainTrace(name, c, a0, y)
	if bad != nil {
		return bad
	}
	L := c.Len()
	names := []string{fmt.Sprintf("a(%d)", L)}
	sens := []float64{math.Abs(tr.Layer(L).DC_da)}
	bound := []float64{sens[0]}
	for l := L; l >= 1; l-- {
		s := tr.Layer(l)
		names = append(names, fmt.Sprintf("a(%d)", l-1))
		sens = append(sens, math.Abs(s.DC_daPrev))
		bound = append(bound, bound[len(bound)-1]*math.Abs(s.W)/4)
	}
	for i, v := range sens {
		if v == 0 || !mathx.IsFinite(v) {
			return failed(name, "|∂C0/∂%s| is %v, which a logarithmic axis cannot draw", names[i], v)
		}
	}
	x := xAxis{XAxis: opts.XAxis{Type: "category", Data: names, Name: "from the top of the chain down",
		NameLocation: "middle", NameGap: 28}, AxisLabel: &axisLabel{Interval: 0}}
	yA := yAxis{YAxis: opts.YAxis{Type: "log", Name: "|∂C0/∂a(l)|",
		SplitLine: &opts.SplitLine{Show: opts.Bool(true), LineStyle: &opts.LineStyle{Color: "#eee"}}}}
	sub := fmt.Sprintf("%d layers: |∂C0/∂a(%d)| = %s, |∂C0/∂a(0)| = %s", L, L, num(sens[0]), num(sens[L]))
	opt := &option{
		Title:   []opts.Title{title("|∂C0/∂a(l)| from the top of the chain down", sub)},
		Tooltip: &opts.Tooltip{Trigger: "axis"},
		Legend:  &opts.Legend{Bottom: "0"},
		Grid:    []grid{{Grid: opts.Grid{Left: "70", Right: "30", Top: "70", Bottom: "70"}}},
		XAxis:   []xAxis{x},
		YAxis:   []yAxis{yA},
		Series: []series{
			categoryLine("|∂C0/∂a(l)|", sens, colorCurve, false),
			categoryLine("bound: product of |w(l)|/4", bound, colorMuted, true),
		},
	}
	return newChart("Sensitivities down the chain", opt)
}

// ChainGradient draws ∂C0/∂w(l) and ∂C0/∂b(l) of every layer of a chain as
// bars, on an ordinary axis, from Chain.Backprop.
func ChainGradient(c mathx.Chain, a0, y float64) *display.Chart {
	const name = "ChainGradient"
	tr, bad := chainTrace(name, c, a0, y)
	if bad != nil {
		return bad
	}
	var layers []string
	var dws, dbs []float64
	for l := 1; l <= c.Len(); l++ {
		layers = append(layers, strconv.Itoa(l))
		dws = append(dws, tr.Layer(l).DC_dw)
		dbs = append(dbs, tr.Layer(l).DC_db)
	}
	x := xAxis{XAxis: opts.XAxis{Type: "category", Data: layers, Name: "layer l", NameLocation: "middle", NameGap: 26},
		AxisLabel: indexLabels(len(layers))}
	bar := func(name string, data []float64, color string) series {
		return series{Type: "bar", Name: name, Data: data, ItemStyle: &opts.ItemStyle{Color: color}}
	}
	opt := &option{
		Title:   []opts.Title{title("∂C0/∂w(l) and ∂C0/∂b(l) of the chain", fmt.Sprintf("%d layers, C0 = %s", c.Len(), num(tr.C0)))},
		Tooltip: &opts.Tooltip{Trigger: "axis"},
		Legend:  &opts.Legend{Bottom: "0"},
		Grid:    []grid{{Grid: opts.Grid{Left: "70", Right: "30", Top: "70", Bottom: "70"}}},
		XAxis:   []xAxis{x},
		YAxis:   []yAxis{valueAxisY("partial derivative")},
		Series:  []series{bar("∂C0/∂w(l)", dws, colorCurve), bar("∂C0/∂b(l)", dbs, colorTangent)},
	}
	return newChart("Gradient of the chain", opt)
}
