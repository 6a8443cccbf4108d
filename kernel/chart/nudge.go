package chart

import (
	"encoding/json"
	"fmt"
	"html"
	"slices"
	"strings"

	"github.com/chainrule-go/backprop/kernel/display"
	"github.com/chainrule-go/backprop/mathx"
	"github.com/go-echarts/go-echarts/v2/opts"
)

// nudgeGrid holds the single-neuron case at every w(L) of the slider, as
// mathx.Neuron computes it; Nudge embeds it in the page as JSON.
type nudgeGrid struct {
	W     []float64 `json:"w"`     // w(L)
	Z     []float64 `json:"z"`     // z(L) = w(L)·a(L−1) + b(L)
	A     []float64 `json:"a"`     // a(L) = σ(z(L))
	C0    []float64 `json:"c0"`    // C0 = (a(L) − y)²
	Dz_dw []float64 `json:"dz_dw"` // ∂z/∂w = a(L−1)
	Da_dz []float64 `json:"da_dz"` // ∂a/∂z = σ′(z(L))
	DC_da []float64 `json:"dC_da"` // ∂C0/∂a = 2(a(L) − y)
	DC_dw []float64 `json:"dC_dw"` // ∂C0/∂w(L), their product
}

// nudgeRows are the rows of the readout under the chart: a label and the
// nudgeGrid field shown ("product" is the chain rule written out).
var nudgeRows = [][2]string{
	{"w(L)", "w"},
	{"z(L) = w(L)·a(L−1) + b(L)", "z"},
	{"a(L) = σ(z(L))", "a"},
	{"C0 = (a(L) − y)²", "c0"},
	{"∂z/∂w = a(L−1)", "dz_dw"},
	{"∂a/∂z = σ′(z(L))", "da_dz"},
	{"∂C0/∂a = 2(a(L) − y)", "dC_da"},
	{"∂C0/∂w(L) = a(L−1) · σ′(z) · 2(a−y)", "product"},
}

// Nudge is the nudge explorer of the single-neuron case s (made by
// mathx.Neuron): a slider under the chart moves w(L) (b(L), a(L−1) and y stay
// as in s) over 201 values around it, and everything the chain rule connects
// follows it. The upper plot shows C0(w(L)) with the current point and its
// tangent; the lower one the three factors of
//
//	∂C0/∂w(L) = ∂z/∂w · ∂a/∂z · ∂C0/∂a = a(L−1) · σ′(z(L)) · 2(a(L) − y)
//
// and their product, the tangent's slope, against w(L); a table under the
// slider gives z(L), a(L), C0, the factors and the product at the current w(L).
// Every value is computed in Go by mathx.Neuron and embedded in the page; the
// slider's script only looks them up, so the explorer also works in an
// exported page, without the kernel.
func Nudge(s mathx.NeuronStep) *display.Chart {
	const name = "Nudge"
	if err := s.Check(); err != nil {
		return failed(name, "%w", err)
	}
	half := halfSpan(mathx.NeuronWeight, s)
	g := newNudgeGrid(s, half)
	cMin, cMax := slices.Min(g.C0), slices.Max(g.C0)
	// The cost axis is fixed to the curve's range, so that it stays still as
	// the slider moves the tangent, which is clipped where it leaves it.
	rise := cMax - cMin
	opt := nudgeOption(s, g, niceRange(cMin, cMax), tangentSegment(s.W, s.C0, s.DC_dw, half/3, rise))
	data, err := json.Marshal(g)
	if err != nil {
		return failed(name, "%w", err)
	}
	c := newChart("Nudge w(L)", opt)
	c.Height = 500
	c.Controls = nudgeControls(g, curvePoints/2)
	c.Script += fmt.Sprintf(nudgeScript, data, half/3, rise)
	return c
}

// newNudgeGrid computes the neuron s at every w(L) of the slider: curvePoints
// values from w − half to w + half.
func newNudgeGrid(s mathx.NeuronStep, half float64) nudgeGrid {
	var g nudgeGrid
	for _, n := range sample(mathx.NeuronWeight, s, half) {
		g.W, g.Z, g.A, g.C0 = append(g.W, n.W), append(g.Z, n.Z), append(g.A, n.A), append(g.C0, n.C0)
		g.Dz_dw, g.Da_dz = append(g.Dz_dw, n.Dz_dw), append(g.Da_dz, n.Da_dz)
		g.DC_da, g.DC_dw = append(g.DC_da, n.DC_da), append(g.DC_dw, n.DC_dw)
	}
	return g
}

// nudgeOption returns the chart of Nudge: C0(w(L)) with the tangent and
// point at s above, on a cost axis over costRange; the three factors and
// their product below.
func nudgeOption(s mathx.NeuronStep, g nudgeGrid, costRange [2]float64, tangent [][2]float64) *option {
	pairs := func(ys []float64) [][2]float64 {
		out := make([][2]float64, len(ys))
		for i, v := range ys {
			out[i] = [2]float64{g.W[i], v}
		}
		return out
	}
	line := func(id, name string, ys []float64, axis int, color string, width float32, dash string) series {
		return series{ID: id, Type: "line", Name: name, Data: pairs(ys), XAxisIndex: axis, YAxisIndex: axis,
			ShowSymbol: opts.Bool(false), LineStyle: &opts.LineStyle{Color: color, Width: width, Type: dash},
			ItemStyle: &opts.ItemStyle{Color: color}}
	}
	product := line("product", "∂C0/∂w(L), the product", g.DC_dw, 1, colorTangent, 3, "solid")
	product.MarkLine = &markLine{Symbol: "none", Silent: true, Label: &opts.Label{Show: opts.Bool(false)},
		LineStyle: &opts.LineStyle{Color: colorPoint, Type: "dashed", Width: 1}, Data: []any{map[string]float64{"xAxis": s.W}}}
	wAxis := func(gridIndex int, name string) xAxis {
		a := valueAxisX(name)
		a.GridIndex = gridIndex
		return a
	}
	costAxis := valueAxisY("C0")
	costAxis.Min, costAxis.Max = costRange[0], costRange[1]
	factors := valueAxisY("")
	factors.GridIndex = 1
	return &option{
		Title: []opts.Title{title("Nudge w(L) and watch the chain rule",
			fmt.Sprintf("drag the slider under the chart;  b(L) = %s,  a(L−1) = %s,  y = %s stay fixed", num(s.B), num(s.APrev), num(s.Y)))},
		Tooltip: &opts.Tooltip{Trigger: "axis"},
		Legend: &opts.Legend{Top: "244", Left: "10",
			Data: []string{"∂z/∂w = a(L−1)", "∂a/∂z = σ′(z)", "∂C0/∂a = 2(a−y)", "∂C0/∂w(L), the product"}},
		Grid: []grid{
			{Grid: opts.Grid{Left: "56", Right: "24", Top: "74", Height: "140"}},
			{Grid: opts.Grid{Left: "56", Right: "24", Top: "280", Bottom: "44"}},
		},
		XAxis:     []xAxis{wAxis(0, ""), wAxis(1, "w(L)")},
		YAxis:     []yAxis{costAxis, factors},
		Animation: opts.Bool(false),
		Series: []series{
			line("cost", "C0(w(L))", g.C0, 0, colorCurve, 2, "solid"),
			{ID: "tangent", Type: "line", Name: "tangent", Data: tangent, ShowSymbol: opts.Bool(false),
				LineStyle: &opts.LineStyle{Color: colorTangent, Width: 2}, ItemStyle: &opts.ItemStyle{Color: colorTangent}},
			{ID: "point", Type: "scatter", Name: "current w(L)", Data: [][2]float64{{s.W, s.C0}}, SymbolSize: 11, Z: 3,
				ItemStyle: &opts.ItemStyle{Color: colorPoint}},
			line("dz_dw", "∂z/∂w = a(L−1)", g.Dz_dw, 1, colorMuted, 1.5, "dashed"),
			line("da_dz", "∂a/∂z = σ′(z)", g.Da_dz, 1, "#3ba272", 1.5, "solid"),
			line("dC_da", "∂C0/∂a = 2(a−y)", g.DC_da, 1, "#fc8452", 1.5, "solid"),
			product,
		},
	}
}

// nudgeControls returns the slider and the readout table, filled in for the
// point mid of the grid so that they read right before the script runs.
func nudgeControls(g nudgeGrid, mid int) string {
	values := map[string]string{
		"w": num(g.W[mid]), "z": num(g.Z[mid]), "a": num(g.A[mid]), "c0": num(g.C0[mid]),
		"dz_dw": num(g.Dz_dw[mid]), "da_dz": num(g.Da_dz[mid]), "dC_da": num(g.DC_da[mid]),
		"product": fmt.Sprintf("%s × %s × %s = %s", paren(g.Dz_dw[mid]), paren(g.Da_dz[mid]), paren(g.DC_da[mid]), num(g.DC_dw[mid])),
	}
	var b strings.Builder
	b.WriteString(`<div class="chainrule-nudge" style="font:14px sans-serif;max-width:640px;margin:6px 0 0 0;">`)
	fmt.Fprintf(&b, `<label style="display:block;">nudge w(L): <input type="range" min="0" max="%d" step="1" value="%d" style="width:70%%;vertical-align:middle;"></label>`,
		len(g.W)-1, mid)
	b.WriteString(`<table style="border-collapse:collapse;margin-top:6px;">`)
	for _, r := range nudgeRows {
		fmt.Fprintf(&b, `<tr><td style="padding:2px 14px 2px 0;color:#444;">%s</td><td data-v="%s" style="padding:2px 0;font-variant-numeric:tabular-nums;">%s</td></tr>`,
			html.EscapeString(r[0]), r[1], html.EscapeString(values[r[1]]))
	}
	b.WriteString(`</table></div>`)
	return b.String()
}

// nudgeScript wires the slider to the chart and the table. Its verbs are the
// grid as JSON, the tangent's largest half-length and the height of the cost
// curve, as tangentSegment uses them.
const nudgeScript = `var grid = %s;
var maxHalf = %v, rise = %v;
var ctl = box.nextElementSibling, slider = ctl.querySelector('input[type=range]');
function paren(v) { return v < 0 ? '(' + chainruleNum(v) + ')' : chainruleNum(v); }
function show(i) {
  var w = grid.w[i], c = grid.c0[i], s = grid.dC_dw[i], d = maxHalf;
  if (rise > 0 && Math.abs(s) * d > 0.4 * rise) d = 0.4 * rise / Math.abs(s);
  chart.setOption({series: [
    {id: 'point', data: [[w, c]]},
    {id: 'tangent', data: [[w - d, c - s * d], [w + d, c + s * d]]},
    {id: 'product', markLine: {data: [{xAxis: w}]}}
  ]});
  var cells = ctl.querySelectorAll('[data-v]');
  for (var n = 0; n < cells.length; n++) {
    var k = cells[n].getAttribute('data-v');
    cells[n].textContent = k === 'product' ?
      paren(grid.dz_dw[i]) + ' \u00d7 ' + paren(grid.da_dz[i]) + ' \u00d7 ' + paren(grid.dC_da[i]) + ' = ' + chainruleNum(s) :
      chainruleNum(grid[k][i]);
  }
}
slider.addEventListener('input', function () { show(+slider.value); });
show(+slider.value);
`
