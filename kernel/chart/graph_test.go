package chart

import (
	"encoding/json"
	"strconv"
	"strings"
	"testing"

	"github.com/chainrule-go/backprop/kernel/display"
	"github.com/chainrule-go/backprop/mathx"
	"github.com/chainrule-go/backprop/mathx/autodiff"
)

// testGraph is lesson 01's neuron built from autodiff pieces, differentiated.
func testGraph() *autodiff.Value {
	w, b, aPrev := autodiff.New(0.8, "w"), autodiff.New(0.1, "b"), autodiff.New(0.5, "a(L−1)")
	z := autodiff.Add(autodiff.Mul(w, aPrev), b).Named("z")
	c0 := autodiff.Square(autodiff.Add(autodiff.Sigmoid(z).Named("a"), autodiff.New(-1, "−y"))).Named("C0")
	c0.Backward()
	return c0
}

// Every node is drawn once, with its value and gradient from autodiff, and
// every edge from parent to child.
func TestGraph(t *testing.T) {
	out := testGraph()
	opt := optionOf(t, Graph(out, nil))
	nodes := opt.Series[0].Data.([]graphNode)
	if len(nodes) != len(out.Nodes()) {
		t.Fatalf("%d nodes drawn, the graph has %d", len(nodes), len(out.Nodes()))
	}
	n := mathx.Neuron(0.8, 0.1, 0.5, 1)
	w := out.Find("w")
	var found bool
	for _, g := range nodes {
		if strings.HasPrefix(string(g.Label.Formatter), "w = ") {
			found = true
			if want := "w = 0.8\n∂ " + num(n.DC_dw); string(g.Label.Formatter) != want {
				t.Errorf("w's label %q, want %q", g.Label.Formatter, want)
			}
			if g.Value != w.Data {
				t.Errorf("w's value %v", g.Value)
			}
		}
	}
	if !found {
		t.Error("no node labelled w")
	}
	links := opt.Series[0].Links
	if len(links) != 8 { // w, a(L−1) → ×; ×, b → +; + → σ; σ, −y → +; + → ²
		t.Errorf("%d links, want 8", len(links))
	}
}

// A learner's gradients are marked, and the wrong ones named with the
// learner's value; GraphAnswers adds the graph's.
func TestGraphMarksYours(t *testing.T) {
	out := testGraph()
	n := mathx.Neuron(0.8, 0.1, 0.5, 1)
	yours := map[string]float64{"C0": 1, "w": n.DC_dw, "b": 0.5, "q": 1}
	for _, c := range []struct {
		name string
		opt  *option
		want []string
	}{
		{"Graph", optionOf(t, Graph(out, yours)), []string{"2 of your 4 gradients agree", "b (yours 0.5)", "q (no node has this label)",
			"A node shows its gradient once yours for it agrees."}},
		{"GraphAnswers", optionOf(t, GraphAnswers(out, yours)), []string{"2 of your 4 gradients agree",
			"b (yours 0.5, the graph's " + num(n.DC_db) + ")", "q (no node has this label)"}},
	} {
		sub := strings.ReplaceAll(c.opt.Title[0].Subtitle, "\n", " ")
		for _, want := range c.want {
			if !strings.Contains(sub, want) {
				t.Errorf("%s: subtitle %q lacks %q", c.name, sub, want)
			}
		}
		marks := 0
		for _, g := range c.opt.Series[0].Data.([]graphNode) {
			l := string(g.Label.Formatter)
			if strings.HasSuffix(l, " ✓") || strings.HasSuffix(l, " ✗") {
				marks++
			}
		}
		if marks != 3 {
			t.Errorf("%s: %d nodes marked, want 3 (C0, w, b)", c.name, marks)
		}
	}
}

// everything is all a chart puts on the page: its option as ECharts receives
// it, its script and its controls.
func everything(t *testing.T, c *display.Chart) string {
	t.Helper()
	if c.Err != nil {
		t.Fatalf("chart %q: %v", c.Title, c.Err)
	}
	b, err := json.Marshal(c.Option)
	if err != nil {
		t.Fatal(err)
	}
	return string(b) + c.Script + c.Controls
}

// shows reports whether page holds the gradient g, in the label's digits or
// in full.
func shows(page string, g float64) bool {
	return strings.Contains(page, num(g)) || strings.Contains(page, strconv.FormatFloat(g, 'g', -1, 64))
}

// The answer key stays off the chart: while the learner's ∂C0/∂w is wrong,
// neither w's gradient nor b's (which the learner has not named) is anywhere
// in the chart; once it is right, w's is on w's node. GraphAnswers shows both.
func TestGraphHidesTheAnswers(t *testing.T) {
	out := testGraph()
	w, b := out.Find("w").Grad, out.Find("b").Grad
	if shows(everything(t, Graph(out, nil)), w) != true {
		t.Fatalf("the graph without an exercise does not show w's gradient %v", w)
	}
	for _, wrong := range []float64{0, 3 * w, -w, 1} {
		page := everything(t, Graph(out, map[string]float64{"C0": 1, "w": wrong}))
		if shows(page, w) || shows(page, b) {
			t.Errorf("yours ∂C0/∂w = %v, wrong: the chart shows w's gradient %v or b's %v", wrong, w, b)
		}
		if !strings.Contains(page, "∂ ?, yours "+num(wrong)+" ✗") {
			t.Errorf("yours ∂C0/∂w = %v: w's node does not show yours, marked ✗", wrong)
		}
		all := everything(t, GraphAnswers(out, map[string]float64{"C0": 1, "w": wrong}))
		if !shows(all, w) || !shows(all, b) {
			t.Errorf("GraphAnswers with yours ∂C0/∂w = %v hides w's gradient %v or b's %v", wrong, w, b)
		}
	}
	right := optionOf(t, Graph(out, map[string]float64{"C0": 1, "w": w}))
	found := false
	for _, g := range right.Series[0].Data.([]graphNode) {
		l := string(g.Label.Formatter)
		if strings.HasPrefix(l, "w = ") {
			found = true
			if want := "w = 0.8\n∂ " + num(w) + " ✓"; l != want {
				t.Errorf("w right: its label %q, want %q", l, want)
			}
		}
		if strings.HasPrefix(l, "b = ") && l != "b = 0.1\n∂ ?" {
			t.Errorf("b, not named: its label %q, want its gradient hidden", l)
		}
	}
	if !found {
		t.Error("no node labelled w")
	}
}

func TestGraphBadInput(t *testing.T) {
	wantErr(t, Graph(nil, nil), "Graph", "out is nil")
}
