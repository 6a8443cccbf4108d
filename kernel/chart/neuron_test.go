package chart

import (
	"encoding/json"
	"math"
	"strings"
	"testing"

	"github.com/chainrule-go/backprop/kernel/display"
	"github.com/chainrule-go/backprop/mathx"
)

func TestCostCurve(t *testing.T) {
	const w, b, aPrev, y = 0.8, 0.1, 0.5, 1.0
	s := mathx.Neuron(w, b, aPrev, y)
	for _, c := range []struct {
		param       mathx.NeuronInput
		sym         string
		value       float64
		slope, half float64
		at          func(v float64) mathx.NeuronStep
	}{
		{mathx.NeuronWeight, "w(L)", w, s.DC_dw, 8, func(v float64) mathx.NeuronStep { return mathx.Neuron(v, b, aPrev, y) }},
		{mathx.NeuronBias, "b(L)", b, s.DC_db, 4, func(v float64) mathx.NeuronStep { return mathx.Neuron(w, v, aPrev, y) }},
		{mathx.NeuronAPrev, "a(L−1)", aPrev, s.DC_daPrev, 5, func(v float64) mathx.NeuronStep { return mathx.Neuron(w, b, v, y) }},
	} {
		ch := CostCurve(s, c.param)
		opt := optionOf(t, ch)
		if len(opt.Series) != 3 {
			t.Fatalf("%q: %d series, want curve, tangent and point", c.param, len(opt.Series))
		}

		curve := opt.Series[0].Data.([][2]float64)
		if len(curve) != curvePoints {
			t.Fatalf("%q: curve has %d points, want %d", c.param, len(curve), curvePoints)
		}
		if !near(curve[0][0], c.value-c.half, 1e-12) || !near(curve[len(curve)-1][0], c.value+c.half, 1e-12) {
			t.Errorf("%q: curve spans %v to %v, want %v ± %v", c.param, curve[0][0], curve[len(curve)-1][0], c.value, c.half)
		}
		if curve[curvePoints/2][0] != c.value {
			t.Errorf("%q: middle of the curve at %v, want the current value %v", c.param, curve[curvePoints/2][0], c.value)
		}
		for _, p := range curve {
			if want := c.at(p[0]).C0; p[1] != want {
				t.Fatalf("%q: curve point (%v, %v), want C0 = %v from mathx.Neuron", c.param, p[0], p[1], want)
			}
		}

		tan := opt.Series[1].Data.([][2]float64)
		slope := (tan[1][1] - tan[0][1]) / (tan[1][0] - tan[0][0])
		if math.Abs(slope-c.slope) > 1e-12 {
			t.Errorf("%q: tangent slope %v, want ∂C0/∂%s = %v", c.param, slope, c.sym, c.slope)
		}
		mid := [2]float64{(tan[0][0] + tan[1][0]) / 2, (tan[0][1] + tan[1][1]) / 2}
		if !near(mid[0], c.value, 1e-12) || !near(mid[1], s.C0, 1e-12) {
			t.Errorf("%q: tangent centred on %v, want (%v, %v)", c.param, mid, c.value, s.C0)
		}

		point := opt.Series[2].Data.([][2]float64)
		if len(point) != 1 || point[0] != [2]float64{c.value, s.C0} {
			t.Errorf("%q: point %v, want (%v, %v)", c.param, point, c.value, s.C0)
		}

		m := jsonOf(t, ch)
		if got := path(t, m, "xAxis", 0, "name"); got != c.sym {
			t.Errorf("%q: x axis %q, want %q", c.param, got, c.sym)
		}
		if got := path(t, m, "yAxis", 0, "name"); got != "C0" {
			t.Errorf("%q: y axis %q, want C0", c.param, got)
		}
		if got := path(t, m, "title", 0, "text").(string); !strings.Contains(got, c.sym) {
			t.Errorf("%q: title %q does not name %s", c.param, got, c.sym)
		}
		if got := path(t, m, "title", 0, "subtext").(string); !strings.Contains(got, num(c.slope)) {
			t.Errorf("%q: subtitle %q does not give the slope %s", c.param, got, num(c.slope))
		}
	}
}

func TestTangentSegmentStaysTheCurvesSize(t *testing.T) {
	seg := tangentSegment(0, 1, 10, 2, 1)
	if rise := seg[1][1] - seg[0][1]; math.Abs(rise-0.8) > 1e-12 {
		t.Errorf("a steep tangent rises %v, want 0.8 (0.4 of the curve's height, each side)", rise)
	}
	seg = tangentSegment(0, 1, 0.01, 2, 1)
	if seg[0][0] != -2 || seg[1][0] != 2 {
		t.Errorf("a shallow tangent spans %v, want x from -2 to 2", seg)
	}
}

func TestCostCurveBadInput(t *testing.T) {
	wantErr(t, CostCurve(mathx.Neuron(1, 0, 1, 1), mathx.NeuronInput(3)), "CostCurve", "NeuronInput(3) is not an input of the neuron", "mathx.NeuronWeight")
	wantErr(t, CostCurve(mathx.Neuron(math.NaN(), 0, 1, 1), mathx.NeuronWeight), "CostCurve", "w(L) = NaN")
	wantErr(t, CostCurve(mathx.Neuron(1, 0, 1, math.Inf(1)), mathx.NeuronBias), "CostCurve", "y = +Inf")
	wantErr(t, CostCurve(mathx.Neuron(1, 0, math.Inf(-1), 1), mathx.NeuronBias), "CostCurve", "a(L−1) = -Inf")
	stale := mathx.Neuron(1, 0, 1, 1)
	stale.W = 2
	wantErr(t, CostCurve(stale, mathx.NeuronWeight), "CostCurve", "a field was changed after the step was made")
}

func TestComputationGraph(t *testing.T) {
	const w, b, aPrev, y = 0.8, 0.1, 0.5, 1.0
	s := mathx.Neuron(w, b, aPrev, y)
	opt := optionOf(t, ComputationGraph(mathx.Neuron(w, b, aPrev, y)))
	g := opt.Series[0]
	if g.Type != "graph" || g.Layout != "none" {
		t.Fatalf("series type %q layout %q, want a graph laid out by hand", g.Type, g.Layout)
	}
	if len(g.EdgeSymbol) != 2 || g.EdgeSymbol[1] != "arrow" {
		t.Errorf("edge symbols %v, want arrows", g.EdgeSymbol)
	}
	nodes := map[string]graphNode{}
	for _, n := range g.Data.([]graphNode) {
		nodes[n.Name] = n
	}
	for name, want := range map[string]float64{
		"w(L)": s.W, "a(L−1)": s.APrev, "b(L)": s.B, "z(L)": s.Z, "a(L)": s.A, "C0": s.C0, "y": s.Y,
	} {
		n, ok := nodes[name]
		if !ok {
			t.Errorf("no node %q", name)
			continue
		}
		if n.Value != want {
			t.Errorf("node %s = %v, want %v", name, n.Value, want)
		}
		if !strings.Contains(string(n.Label.Formatter), num(want)) {
			t.Errorf("node %s label %q does not show %s", name, n.Label.Formatter, num(want))
		}
	}
	edges := map[string]graphLink{}
	for _, l := range g.Links {
		if _, ok := nodes[l.Source]; !ok {
			t.Errorf("edge from unknown node %q", l.Source)
		}
		if _, ok := nodes[l.Target]; !ok {
			t.Errorf("edge to unknown node %q", l.Target)
		}
		edges[l.Source+"→"+l.Target] = l
	}
	for edge, want := range map[string]struct {
		d    float64
		text string
	}{
		"w(L)→z(L)":   {s.Dz_dw, "∂z/∂w = a(L−1)"},
		"a(L−1)→z(L)": {s.Dz_daPrev, "∂z/∂a(L−1) = w(L)"},
		"b(L)→z(L)":   {s.Dz_db, "∂z/∂b"},
		"z(L)→a(L)":   {s.Da_dz, "∂a/∂z = σ′(z)"},
		"a(L)→C0":     {s.DC_da, "∂C0/∂a = 2(a−y)"},
	} {
		l, ok := edges[edge]
		if !ok {
			t.Errorf("no edge %s", edge)
			continue
		}
		if l.Value != want.d {
			t.Errorf("edge %s = %v, want the local derivative %v", edge, l.Value, want.d)
		}
		if label := string(l.Label.Formatter); !strings.Contains(label, want.text) || !strings.Contains(label, num(want.d)) {
			t.Errorf("edge %s label %q, want %q and %s", edge, label, want.text, num(want.d))
		}
	}
	if _, ok := edges["y→C0"]; !ok {
		t.Error("no edge y → C0")
	}
	products := opt.Title[1].Subtitle
	for _, v := range []float64{s.DC_dw, s.DC_db, s.DC_daPrev} {
		if !strings.Contains(products, num(v)) {
			t.Errorf("the chain-rule products %q lack %s", products, num(v))
		}
	}
	m := jsonOf(t, ComputationGraph(mathx.Neuron(w, b, aPrev, y)))
	if x := path(t, m, "series", 0, "data", 0, "x"); x != 0.0 {
		t.Errorf("the first node's x is %v in the JSON, want 0", x)
	}
}

func TestComputationGraphBadInput(t *testing.T) {
	wantErr(t, ComputationGraph(mathx.Neuron(1, math.NaN(), 0.5, 1)), "ComputationGraph", "b(L) = NaN")
}

func TestNudge(t *testing.T) {
	const w, b, aPrev, y = 0.8, 0.1, 0.5, 1.0
	c := Nudge(mathx.Neuron(w, b, aPrev, y))
	optionOf(t, c)
	const start = "var grid = "
	i := strings.Index(c.Script, start)
	if i < 0 {
		t.Fatal("the script does not embed the grid")
	}
	var g nudgeGrid
	if err := json.NewDecoder(strings.NewReader(c.Script[i+len(start):])).Decode(&g); err != nil {
		t.Fatalf("the grid in the script is not JSON: %v", err)
	}
	if len(g.W) != curvePoints {
		t.Fatalf("grid of %d values of w, want %d", len(g.W), curvePoints)
	}
	if g.W[curvePoints/2] != w {
		t.Errorf("the slider starts at w = %v, want %v", g.W[curvePoints/2], w)
	}
	for i, wi := range g.W {
		s := mathx.Neuron(wi, b, aPrev, y)
		got := []float64{g.Z[i], g.A[i], g.C0[i], g.Dz_dw[i], g.Da_dz[i], g.DC_da[i], g.DC_dw[i]}
		want := []float64{s.Z, s.A, s.C0, s.Dz_dw, s.Da_dz, s.DC_da, s.DC_dw}
		for f := range got {
			if got[f] != want[f] {
				t.Fatalf("at w = %v: grid holds %v, mathx.Neuron gives %v", wi, got, want)
			}
		}
		if i > 0 && !(wi > g.W[i-1]) {
			t.Fatalf("grid of w not increasing at %d", i)
		}
	}
	for _, want := range []string{`type="range"`, `max="200"`, `value="100"`, `data-v="product"`, "0.5 × 0.235 × (−0.7551) = −0.08872"} {
		if !strings.Contains(c.Controls, want) {
			t.Errorf("controls lack %q", want)
		}
	}
	for _, want := range []string{"box.nextElementSibling", "addEventListener('input'", "id: 'point'", "id: 'tangent'"} {
		if !strings.Contains(c.Script, want) {
			t.Errorf("script lacks %q", want)
		}
	}
	ids := map[string]bool{}
	for _, s := range optionOf(t, c).Series {
		ids[s.ID] = true
	}
	for _, id := range []string{"point", "tangent", "product"} {
		if !ids[id] {
			t.Errorf("no series with id %q for the script to move", id)
		}
	}
	for _, r := range nudgeRows {
		if r[1] != "product" && !strings.Contains(c.Script, `"`+r[1]+`":`) {
			t.Errorf("readout row %q shows %q, which the grid lacks", r[0], r[1])
		}
	}
}

// With a(L−1) = 0 the cost does not depend on w(L): the curve is flat, and
// the charts must still draw it.
func TestFlatCost(t *testing.T) {
	for _, c := range []*display.Chart{CostCurve(mathx.Neuron(1, 0.2, 0, 1), mathx.NeuronWeight), Nudge(mathx.Neuron(1, 0.2, 0, 1))} {
		if _, err := c.HTML(); err != nil {
			t.Errorf("%s: %v", c.Title, err)
		}
	}
}

func TestNudgeBadInput(t *testing.T) {
	wantErr(t, Nudge(mathx.Neuron(0.8, 0.1, math.NaN(), 1)), "Nudge", "a(L−1) = NaN")
}
