package chart

import (
	"fmt"
	"strings"

	"github.com/chainrule-go/backprop/kernel/display"
	"github.com/chainrule-go/backprop/mathx"
	"github.com/go-echarts/go-echarts/v2/opts"
)

// maxSoftmax is the most outputs SoftmaxJacobian draws with a label per cell.
const maxSoftmax = 12

// SoftmaxJacobian draws the Jacobian of the softmax at z as a heatmap, one
// cell per entry ∂a_j/∂z_k = a_j(δ_jk − a_k) (mathx.SoftmaxJacobian), row j
// and column k, red where raising z_k raises a_j and blue where it lowers
// it. The diagonal is red, a_j(1 − a_j), and every other cell blue, −a_j a_k:
// raising one weighted input takes probability from all the other outputs.
// The subtitle gives the activations a_j. It draws at most 12 outputs.
func SoftmaxJacobian(z []float64) *display.Chart {
	const name = "SoftmaxJacobian"
	if len(z) > maxSoftmax {
		return failed(name, "z has %d values, too many to draw legibly (at most %d)", len(z), maxSoftmax)
	}
	jac, err := mathx.SoftmaxJacobian(z)
	if err != nil {
		return failed(name, "%v", err)
	}
	a, _ := mathx.SoftmaxOf(z)
	n := len(z)
	cells := make([][3]float64, 0, n*n)
	var all []float64
	for j, row := range jac {
		for k, v := range row {
			cells = append(cells, [3]float64{float64(k), float64(j), v})
			all = append(all, v)
		}
	}
	as := make([]string, n)
	for j, aj := range a {
		as[j] = num(aj)
	}
	heat := series{Type: "heatmap", Name: "∂a_j/∂z_k", Data: labelled(cells),
		ItemStyle: &opts.ItemStyle{BorderColor: "#fff", BorderWidth: 1},
		Label:     &opts.Label{Show: opts.Bool(true), FontSize: 11}}
	opt := &option{
		Title: []opts.Title{title("The softmax's Jacobian ∂a_j/∂z_k = a_j(δ_jk − a_k)",
			"a = ("+strings.Join(as, ", ")+");  red: raising z_k raises a_j;  blue: lowers it")},
		Tooltip:   &opts.Tooltip{Trigger: "item"},
		Grid:      []grid{{Grid: opts.Grid{Left: "64", Right: "90", Top: "64", Bottom: "48"}}},
		XAxis:     []xAxis{categoryAxisX("k, the weighted input z_k nudged", n)},
		YAxis:     []yAxis{categoryAxisY("j, the output a_j", n)},
		VisualMap: []visualMap{diverging(maxAbs(all))},
		Series:    []series{heat},
	}
	c := newChart(fmt.Sprintf("The softmax's Jacobian at %d weighted inputs", n), opt)
	c.Script += `chart.setOption({
  tooltip: {formatter: function (p) {
    return '∂a_' + p.value[1] + '/∂z_' + p.value[0] + ' = ' + chainruleNum(p.value[2]);
  }}
});
`
	return c
}
