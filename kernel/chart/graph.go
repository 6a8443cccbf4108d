package chart

import (
	"fmt"
	"math"
	"sort"
	"strings"

	"github.com/chainrule-go/backprop/kernel/display"
	"github.com/chainrule-go/backprop/mathx/autodiff"
	"github.com/go-echarts/go-echarts/v2/opts"
)

// graphLayout places every node of out's graph: a computed node one column
// right of its farthest parent, an input one column left of its nearest
// child; rows within a column in topological order.
func graphLayout(nodes []*autodiff.Value) (col map[*autodiff.Value]int, row map[*autodiff.Value]int, cols int) {
	col = map[*autodiff.Value]int{}
	children := map[*autodiff.Value][]*autodiff.Value{}
	for _, v := range nodes {
		for _, p := range v.Parents() {
			children[p] = append(children[p], v)
			col[v] = max(col[v], col[p]+1)
		}
	}
	for _, v := range nodes {
		if len(v.Parents()) == 0 && len(children[v]) > 0 {
			c := math.MaxInt
			for _, ch := range children[v] {
				c = min(c, col[ch]-1)
			}
			col[v] = c
		}
	}
	row = map[*autodiff.Value]int{}
	count := map[int]int{}
	for _, v := range nodes {
		row[v] = count[col[v]]
		count[col[v]]++
		cols = max(cols, col[v]+1)
	}
	return col, row, cols
}

// Graph draws the computation graph of out: every node with its name (or
// operation), its value and, after out.Backward(), its gradient ∂out/∂node;
// every edge with its local derivative in the tooltip.
//
// When yours is not nil it holds a learner's gradients by node label, and the
// graph is an exercise: each node it names is marked ✓ where it agrees with
// the graph's gradient and ✗ where not, and the subtitle lists the ones that
// are off with the learner's values. The answer key stays off the chart: a
// node shows its gradient only once the learner's own for it is right, and
// every other gradient is drawn as "∂ ?". GraphAnswers shows them all.
func Graph(out *autodiff.Value, yours map[string]float64) *display.Chart {
	return graph("Graph", out, yours, yours == nil)
}

// GraphAnswers is Graph with every node's gradient shown, the learner's marks
// beside them: the "show answers" of the exercise, for a learner who asks.
func GraphAnswers(out *autodiff.Value, yours map[string]float64) *display.Chart {
	return graph("GraphAnswers", out, yours, true)
}

// graph draws out's graph, marking yours; reveal shows every gradient, and
// otherwise only those the learner has right.
func graph(name string, out *autodiff.Value, yours map[string]float64, reveal bool) *display.Chart {
	if out == nil {
		return failed(name, "there is no graph: out is nil")
	}
	nodes := out.Nodes()
	if len(nodes) > 80 {
		return failed(name, "the graph has %d nodes; it can draw at most 80", len(nodes))
	}
	col, row, cols := graphLayout(nodes)
	rows := 0
	for _, v := range nodes {
		rows = max(rows, row[v]+1)
	}
	// Pixels between columns and between rows; odd columns sit half a row
	// lower, so that labels in neighbouring columns do not meet.
	dx, dy := 110.0, 56.0
	if cols > 1 {
		dx = min(dx, 560/float64(cols-1))
	}
	id := map[*autodiff.Value]string{}
	for i, v := range nodes {
		id[v] = fmt.Sprintf("n%d", i)
	}
	var data []graphNode
	var wrong []string
	right := 0
	for _, v := range nodes {
		node, ok, bad := graphNodeOf(v, yours, reveal)
		node.Name, node.X, node.Y = id[v], float64(col[v])*dx, (float64(row[v])+float64(col[v]%2)/2)*dy
		data = append(data, node)
		if ok {
			right++
		}
		if bad != "" {
			wrong = append(wrong, bad)
		}
	}
	for label := range yours {
		if out.Find(label) == nil {
			wrong = append(wrong, label+" (no node has this label)")
		}
	}
	sort.Strings(wrong)
	var links []graphLink
	for _, v := range nodes {
		for i, p := range v.Parents() {
			links = append(links, graphLink{Source: id[p], Target: id[v], Value: v.Local()[i],
				Label: &opts.Label{Show: opts.Bool(false)}})
		}
	}
	opt := &option{
		Title:   []opts.Title{title("Computation graph: values and gradients", wrapText(graphSubtitle(yours, right, wrong, reveal), 100))},
		Tooltip: &opts.Tooltip{Trigger: "item"},
		Series: []series{{
			Type: "graph", Name: "computation graph", Layout: "none", Data: data, Links: links,
			Label:          &opts.Label{Show: opts.Bool(true), Position: "bottom", Color: "#111", FontSize: 10, LineHeight: 12},
			EdgeSymbol:     []string{"none", "arrow"},
			EdgeSymbolSize: []int{0, 7},
			LineStyle:      &opts.LineStyle{Color: "#888", Width: 1, Opacity: opts.Float(1)},
			Tooltip:        &opts.Tooltip{Formatter: "{c}"},
		}},
	}
	height := float64(rows-1) * dy
	if cols > 1 {
		height += dy / 2
	}
	graphBox(&opt.Series[0], 40, 100, int(math.Max(1, float64(cols-1)*dx)), int(math.Max(1, height)))
	c := newChart("Computation graph", opt)
	c.Height = max(defaultHeight, int(height)+170)
	return c
}

// graphSubtitle says what the nodes show, or, when the learner gave gradients
// (yours), how many of them agree (right) and which are wrong.
func graphSubtitle(yours map[string]float64, right int, wrong []string, reveal bool) string {
	if yours == nil {
		return "each node: its name, its value, and ∂ (its gradient ∂out/∂node); hover over an edge for its local derivative"
	}
	sub := fmt.Sprintf("%d of your %d gradients agree with the graph's", right, len(yours))
	if len(wrong) > 0 {
		sub += "; ✗ " + strings.Join(wrong, ", ")
	}
	if !reveal {
		sub += ". A node shows its gradient once yours for it agrees."
	}
	return sub
}

// graphNodeOf is v's node in the graph, without its name and place: its label
// shows its value and gradient. When yours names v, the node is marked: ok when
// the learner's gradient agrees with v's, else bad says how they differ. Unless
// reveal is set, v's gradient appears only when the learner's agrees with it.
func graphNodeOf(v *autodiff.Value, yours map[string]float64, reveal bool) (node graphNode, ok bool, bad string) {
	text := v.Name()
	style := &opts.ItemStyle{Color: "#f8d487", BorderColor: "#b8860b", BorderWidth: 1.5}
	if len(v.Parents()) == 0 {
		style = &opts.ItemStyle{Color: "#d9d9d9", BorderColor: "#777", BorderWidth: 1.5}
	}
	mine, named := yours[v.Label]
	named = named && v.Label != ""
	ok = named && math.Abs(mine-v.Grad) <= 1e-9+1e-6*math.Abs(v.Grad)
	grad := num(v.Grad)
	if !reveal && !ok {
		grad = "?"
	}
	label := fmt.Sprintf("%s = %s\n∂ %s", text, num(v.Data), grad)
	switch {
	case ok:
		label += " ✓"
		style = &opts.ItemStyle{Color: "#b7e4c7", BorderColor: colorRight, BorderWidth: 2.5}
	case named:
		bad = fmt.Sprintf("%s (yours %s)", v.Label, num(mine))
		if reveal {
			bad = fmt.Sprintf("%s (yours %s, the graph's %s)", v.Label, num(mine), num(v.Grad))
		} else {
			label += ", yours " + num(mine)
		}
		label += " ✗"
		style = &opts.ItemStyle{Color: "#f5c2c0", BorderColor: colorWrong, BorderWidth: 2.5}
	}
	tip := fmt.Sprintf("%s = %s, ∂out/∂%s = %s", text, num(v.Data), text, grad)
	return graphNode{Value: v.Data, SymbolSize: 14, ItemStyle: style, Label: textLabel(label), Tooltip: itemTooltip(tip)}, ok, bad
}

// wrapText breaks s into lines of at most n characters, at spaces.
func wrapText(s string, n int) string {
	var lines []string
	line := ""
	for _, w := range strings.Fields(s) {
		if line != "" && len([]rune(line))+1+len([]rune(w)) > n {
			lines = append(lines, line)
			line = w
			continue
		}
		if line != "" {
			line += " "
		}
		line += w
	}
	return strings.Join(append(lines, line), "\n")
}
