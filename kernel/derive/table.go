package derive

import (
	"fmt"
	"html"
	"strings"

	"github.com/chainrule-go/backprop/kernel/display"
	"github.com/chainrule-go/backprop/mathx"
)

// TableClass is the CSS class of the box that holds the tables of Layers.
const TableClass = "chainrule-layers"

// A Table is an HTML table of numbers, or the reason it could not be made.
type Table struct {
	html string
	err  error
}

// HTML returns the table's HTML fragment; it is empty when Err is not nil.
func (t Table) HTML() string { return t.html }

// Err returns what was wrong with the input, or nil.
func (t Table) Err() error { return t.err }

// Show publishes the table as the cell's output, or a red box naming what
// was wrong with the input.
func (t Table) Show() {
	if t.err != nil {
		display.Error(t.err)
		return
	}
	display.HTML(t.html)
}

// Inline styles, so that the tables look the same wherever the HTML lands.
const (
	styleBox     = `display:flex;flex-wrap:wrap;gap:14px;align-items:flex-start;font:12px/1.35 sans-serif;`
	styleTable   = `border-collapse:collapse;font-variant-numeric:tabular-nums;`
	styleCaption = `caption-side:top;text-align:left;font-weight:bold;padding:0 4px 3px;white-space:nowrap;`
	styleTh      = `text-align:right;padding:1px 6px;border-bottom:1px solid #999;font-weight:normal;white-space:nowrap;`
	styleTd      = `text-align:right;padding:1px 6px;white-space:nowrap;`
	styleMore    = `text-align:center;padding:1px 6px;color:#777;`
)

// Layers tabulates one example's pass through network n, one small table
// per layer side by side. For each neuron j of layer l ≥ 1 it shows
//
//	z_j = Σ_k w_jk a_k + b_j,  a_j = f(z_j),  ∂C0/∂a_j,  δ_j = ∂C0/∂z_j = f′(z_j) ∂C0/∂a_j,
//
// and y_j beside a_j in the output layer; for the input layer it shows
// a_k = x_k and ∂C0/∂x_k. The numbers come from mathx's Network.Steps, with
// 4 significant digits. A layer of more than 16 neurons shows its first 10
// and last 2, with a "…" row counting the rest.
func Layers(n *mathx.Network, ex mathx.Example) Table {
	st, err := steps(n, ex)
	if err != nil {
		return Table{err: fmt.Errorf("derive.Layers: %w", err)}
	}
	var b strings.Builder
	fmt.Fprintf(&b, `<div class="%s" style="%s">`, TableClass, styleBox)
	in := st[0]
	table(&b, fmt.Sprintf("layer 0: %d inputs <i>x</i>", len(in.APrev)), "k",
		[]string{"<i>a</i><sub>k</sub> = <i>x</i><sub>k</sub>", "∂<i>C</i><sub>0</sub>/∂<i>a</i><sub>k</sub>"},
		[][]float64{in.APrev, in.DC_daPrev})
	L := len(st)
	for i, s := range st {
		head := []string{"<i>z</i><sub>j</sub>", "<i>a</i><sub>j</sub>"}
		cols := [][]float64{s.Z, s.A}
		caption := fmt.Sprintf("layer %d: %d %s neurons", i+1, len(s.Z), html.EscapeString(s.Layer.Act.Name))
		if i == L-1 {
			head = append(head, "<i>y</i><sub>j</sub>")
			cols = append(cols, s.Y)
			caption = fmt.Sprintf("layer %d = <i>L</i>: %d %s neurons, <i>C</i><sub>0</sub> = %s",
				i+1, len(s.Z), html.EscapeString(s.Layer.Act.Name), htmlNum(s.C0, tableDigits))
		}
		head = append(head, "∂<i>C</i><sub>0</sub>/∂<i>a</i><sub>j</sub>", "<i>δ</i><sub>j</sub> = ∂<i>C</i><sub>0</sub>/∂<i>z</i><sub>j</sub>")
		cols = append(cols, s.DC_da, s.DC_dz)
		table(&b, caption, "j", head, cols)
	}
	b.WriteString(`</div>`)
	return Table{html: b.String()}
}

// table writes one layer's table: a row per neuron, its index in the first
// column (headed by index), then the columns cols under the headers head.
func table(b *strings.Builder, caption, index string, head []string, cols [][]float64) {
	fmt.Fprintf(b, `<table style="%s"><caption style="%s">%s</caption><thead><tr>`, styleTable, styleCaption, caption)
	fmt.Fprintf(b, `<th style="%s"><i>%s</i></th>`, styleTh, index)
	for _, h := range head {
		fmt.Fprintf(b, `<th style="%s">%s</th>`, styleTh, h)
	}
	b.WriteString(`</tr></thead><tbody>`)
	rows := len(cols[0])
	idx := shown(rows)
	for _, r := range idx {
		if r < 0 {
			fmt.Fprintf(b, `<tr><td colspan="%d" style="%s">… %d more …</td></tr>`, len(cols)+1, styleMore, rows-len(idx)+1)
			continue
		}
		fmt.Fprintf(b, `<tr><td style="%s">%d</td>`, styleTd, r)
		for _, c := range cols {
			fmt.Fprintf(b, `<td style="%s">%s</td>`, styleTd, htmlNum(c[r], tableDigits))
		}
		b.WriteString(`</tr>`)
	}
	b.WriteString(`</tbody></table>`)
}
