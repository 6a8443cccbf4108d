package chart

import (
	"fmt"
	"math"
	"strings"

	"github.com/chainrule-go/backprop/kernel/display"
	"github.com/chainrule-go/backprop/mathx"
	"github.com/go-echarts/go-echarts/v2/opts"
)

// curvePoints is how many points sample a curve C0(w) or C0(b).
const curvePoints = 201

// halfSpan returns half the width of the interval of the input p to draw
// around its value in s: wide enough for z(L) to move by about ±4 from where
// it is, which is where σ turns from 0 to 1. For b(L) that is 4; for w(L) it
// is 4/|a(L−1)| and for a(L−1) it is 4/|w(L)|, kept between 2 and 10 (with
// a(L−1) = 0 the cost does not depend on w(L) at all).
func halfSpan(p mathx.NeuronInput, s mathx.NeuronStep) float64 {
	switch p {
	case mathx.NeuronWeight:
		return min(10, max(2, 4/math.Abs(s.APrev)))
	case mathx.NeuronAPrev:
		return min(10, max(2, 4/math.Abs(s.W)))
	}
	return 4
}

// sample returns the neuron at curvePoints evenly spaced values of the input
// p from v − half to v + half, where v is its value in s; the middle point is
// s itself.
func sample(p mathx.NeuronInput, s mathx.NeuronStep, half float64) []mathx.NeuronStep {
	out := make([]mathx.NeuronStep, curvePoints)
	v, mid := p.Value(s), curvePoints/2
	for i := range out {
		out[i] = p.With(s, v+half*float64(i-mid)/float64(mid))
	}
	return out
}

// held describes the inputs other than p and y, with their values in s, as
// "b(L) = 0.1, a(L−1) = 0.5".
func held(p mathx.NeuronInput, s mathx.NeuronStep) string {
	var parts []string
	for _, q := range mathx.NeuronInputs {
		if q != p {
			parts = append(parts, q.String()+" = "+num(q.Value(s)))
		}
	}
	return strings.Join(parts, ", ")
}

// dzFactor writes ∂z(L)/∂p as the factor it is: "a(L−1)", "1" or "w(L)".
func dzFactor(p mathx.NeuronInput) string {
	switch p {
	case mathx.NeuronWeight:
		return "a(L−1)"
	case mathx.NeuronBias:
		return "1"
	}
	return "w(L)"
}

// CostCurve draws the cost of the single-neuron case s (made by mathx.Neuron),
//
//	C0 = (a(L) − y)²,  a(L) = σ(z(L)),  z(L) = w(L)·a(L−1) + b(L),
//
// as a function of its input p, the others held at their values in s. It
// marks the current point (p, C0) and draws the tangent there, whose slope is
// the derivative mathx.Neuron computes:
//
//	∂C0/∂p = ∂z(L)/∂p · σ′(z(L)) · 2(a(L) − y),  with ∂z(L)/∂p = a(L−1), 1 or w(L).
//
// The curve spans the values where z(L) moves by about ±4 around its current value.
func CostCurve(s mathx.NeuronStep, p mathx.NeuronInput) *display.Chart {
	const name = "CostCurve"
	if err := p.Check(); err != nil {
		return failed(name, "%w", err)
	}
	if err := s.Check(); err != nil {
		return failed(name, "%w", err)
	}
	half := halfSpan(p, s)
	curve := sample(p, s, half)
	points := make([][2]float64, len(curve))
	cMin, cMax := curve[0].C0, curve[0].C0
	for i, c := range curve {
		points[i] = [2]float64{p.Value(c), c.C0}
		cMin, cMax = math.Min(cMin, c.C0), math.Max(cMax, c.C0)
	}
	x0, c0, slope := p.Value(s), s.C0, p.DC(s)
	tangent := tangentSegment(x0, c0, slope, half/3, cMax-cMin)

	sym := p.String()
	dC := "∂C0/∂" + sym
	sub := fmt.Sprintf("%s, y = %s:  z(L) = %s,  a(L) = %s,  C0 = %s\n%s = %s·σ′(z)·2(a−y) = %s",
		held(p, s), num(s.Y), num(s.Z), num(s.A), num(s.C0), dC, dzFactor(p), num(slope))
	opt := &option{
		Title:   []opts.Title{title("Cost C0 as "+sym+" varies", sub)},
		Tooltip: &opts.Tooltip{Trigger: "axis"},
		Legend:  &opts.Legend{Top: "60", Left: "10"},
		Grid:    []grid{{Grid: opts.Grid{Left: "56", Right: "24", Top: "110", Bottom: "44"}}},
		XAxis:   []xAxis{valueAxisX(sym)},
		YAxis:   []yAxis{valueAxisY("C0")},
		Series: []series{
			{Type: "line", Name: "C0(" + sym + ")", Data: points, ShowSymbol: opts.Bool(false),
				LineStyle: &opts.LineStyle{Color: colorCurve, Width: 2}, ItemStyle: &opts.ItemStyle{Color: colorCurve}},
			{Type: "line", Name: "tangent, slope " + dC + " = " + num(slope), Data: tangent, ShowSymbol: opts.Bool(false),
				LineStyle: &opts.LineStyle{Color: colorTangent, Width: 2}, ItemStyle: &opts.ItemStyle{Color: colorTangent}},
			{Type: "scatter", Name: "current " + sym, Data: [][2]float64{{x0, c0}}, SymbolSize: 10, Z: 3,
				ItemStyle: &opts.ItemStyle{Color: colorPoint},
				Label:     pointLabel("(" + num(x0) + ", " + num(c0) + ")")},
		},
	}
	return newChart("Cost C0 versus "+sym, opt)
}

// tangentSegment returns the two ends of the tangent line through (x0, c0)
// with the given slope: at x0 ± d, where d is at most maxHalf and small
// enough that the segment rises or falls by at most 0.4·rise (the height of
// the curve), so that it stays the size of the curve.
func tangentSegment(x0, c0, slope, maxHalf, rise float64) [][2]float64 {
	d := maxHalf
	if rise > 0 && math.Abs(slope)*d > 0.4*rise {
		d = 0.4 * rise / math.Abs(slope)
	}
	return [][2]float64{{x0 - d, c0 - slope*d}, {x0 + d, c0 + slope*d}}
}

// ComputationGraph draws the computation graph of the single-neuron case s
// (made by mathx.Neuron),
//
//	w(L), a(L−1), b(L) → z(L) → a(L) → C0 ← y,
//
// each node labelled with its value and each edge with its local derivative
// as mathx.Neuron computes it: ∂z/∂w = a(L−1), ∂z/∂a(L−1) = w(L), ∂z/∂b = 1,
// ∂a/∂z = σ′(z) and ∂C0/∂a = 2(a − y). Under the graph, the chain rule
// multiplies them along each path into ∂C0/∂w(L), ∂C0/∂b(L) and ∂C0/∂a(L−1).
func ComputationGraph(s mathx.NeuronStep) *display.Chart {
	const name = "ComputationGraph"
	if err := s.Check(); err != nil {
		return failed(name, "%w", err)
	}
	param := &opts.ItemStyle{Color: "#9bb5e8", BorderColor: "#3a5fa8", BorderWidth: 1.5}
	input := &opts.ItemStyle{Color: "#d9d9d9", BorderColor: "#777", BorderWidth: 1.5}
	computed := &opts.ItemStyle{Color: "#f8d487", BorderColor: "#b8860b", BorderWidth: 1.5}
	node := func(name string, px, py, v float64, style *opts.ItemStyle, tip string) graphNode {
		return graphNode{Name: name, X: px, Y: py, Value: v, ItemStyle: style,
			Label: textLabel(name + "\n" + num(v)), Tooltip: itemTooltip(tip)}
	}
	nodes := []graphNode{
		node("w(L)", 0, 0, s.W, param, "w(L) = "+num(s.W)+": the weight"),
		node("a(L−1)", 0, 100, s.APrev, input, "a(L−1) = "+num(s.APrev)+": the activation of the previous neuron"),
		node("b(L)", 0, 200, s.B, param, "b(L) = "+num(s.B)+": the bias"),
		node("z(L)", 200, 100, s.Z, computed,
			fmt.Sprintf("z(L) = w(L)·a(L−1) + b(L) = %s × %s + %s = %s", paren(s.W), paren(s.APrev), paren(s.B), num(s.Z))),
		node("a(L)", 370, 100, s.A, computed, "a(L) = σ(z(L)) = "+num(s.A)),
		node("C0", 540, 100, s.C0, computed, fmt.Sprintf("C0 = (a(L) − y)² = (%s − %s)² = %s", num(s.A), paren(s.Y), num(s.C0))),
		node("y", 540, 0, s.Y, input, "y = "+num(s.Y)+": the desired output"),
	}
	link := func(from, to string, d float64, text string) graphLink {
		return graphLink{Source: from, Target: to, Value: d, Label: textLabel(text + "\n= " + num(d))}
	}
	links := []graphLink{
		link("w(L)", "z(L)", s.Dz_dw, "∂z/∂w = a(L−1)"),
		link("a(L−1)", "z(L)", s.Dz_daPrev, "∂z/∂a(L−1) = w(L)"),
		link("b(L)", "z(L)", s.Dz_db, "∂z/∂b"),
		link("z(L)", "a(L)", s.Da_dz, "∂a/∂z = σ′(z)"),
		link("a(L)", "C0", s.DC_da, "∂C0/∂a = 2(a−y)"),
		{Source: "y", Target: "C0", Value: s.Y, LineStyle: &opts.LineStyle{Type: "dashed"}, // y is priced against a(L), not differentiated
			Label: &opts.Label{Show: opts.Bool(false)}},
	}
	chain := func(of, factor string, dz, product float64) string {
		return fmt.Sprintf("∂C0/∂%s = %s · σ′(z) · 2(a−y) = %s × %s × %s = %s",
			of, factor, paren(dz), paren(s.Da_dz), paren(s.DC_da), num(product))
	}
	products := strings.Join([]string{
		chain("w(L)", "a(L−1)", s.Dz_dw, s.DC_dw),
		chain("b(L)", "1", s.Dz_db, s.DC_db),
		chain("a(L−1)", "w(L)", s.Dz_daPrev, s.DC_daPrev),
	}, "\n")
	opt := &option{
		Title: []opts.Title{
			title("Computation graph of one neuron", "node: its value; edge: its local derivative"),
			{Subtitle: products, Left: "10", Bottom: "6", SubtitleStyle: &opts.TextStyle{FontSize: 12, Color: "#333", LineHeight: 18}},
		},
		Tooltip: &opts.Tooltip{Trigger: "item"},
		Series: []series{{
			Type: "graph", Name: "computation graph", Layout: "none", Data: nodes, Links: links,
			SymbolSize:     60,
			Label:          &opts.Label{Show: opts.Bool(true), Color: "#111", FontSize: 12, LineHeight: 16},
			EdgeSymbol:     []string{"none", "arrow"},
			EdgeSymbolSize: []int{0, 10},
			LineStyle:      &opts.LineStyle{Color: "#555", Width: 1.5, Opacity: opts.Float(1)},
			EdgeLabel: &opts.Label{Show: opts.Bool(true), FontSize: 12, Color: "#222", LineHeight: 15,
				BackgroundColor: "rgba(255,255,255,0.85)"},
		}},
	}
	graphBox(&opt.Series[0], 50, 100, 540, 200)
	c := newChart("Computation graph of one neuron", opt)
	c.Height = 420
	return c
}
