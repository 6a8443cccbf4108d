package chart

import (
	"strings"
	"testing"

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

// A learner's gradients are marked, and the wrong ones named.
func TestGraphMarksYours(t *testing.T) {
	out := testGraph()
	n := mathx.Neuron(0.8, 0.1, 0.5, 1)
	opt := optionOf(t, Graph(out, map[string]float64{"C0": 1, "w": n.DC_dw, "b": 0.5, "q": 1}))
	sub := opt.Title[0].Subtitle
	for _, want := range []string{"2 of your 4 gradients agree", "b (yours 0.5, the graph's " + num(n.DC_db) + ")", "q (no node has this label)"} {
		if !strings.Contains(strings.ReplaceAll(sub, "\n", " "), want) {
			t.Errorf("subtitle %q lacks %q", sub, want)
		}
	}
	marks := 0
	for _, g := range opt.Series[0].Data.([]graphNode) {
		l := string(g.Label.Formatter)
		if strings.HasSuffix(l, " ✓") || strings.HasSuffix(l, " ✗") {
			marks++
		}
	}
	if marks != 3 {
		t.Errorf("%d nodes marked, want 3 (C0, w, b)", marks)
	}
}

func TestGraphBadInput(t *testing.T) {
	wantErr(t, Graph(nil, nil), "Graph", "out is nil")
}
