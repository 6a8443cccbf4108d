package chart

import (
	"math"
	"testing"

	"github.com/chainrule-go/backprop/mathx"
)

func testPoints() []mathx.Example {
	return []mathx.Example{
		{X: []float64{0, 0}, Y: []float64{1}},
		{X: []float64{1, 2}, Y: []float64{-1}},
		{X: []float64{0.5, 1}, Y: []float64{0}},
	}
}

func TestBoundary(t *testing.T) {
	f := func(x0, x1 float64) float64 { return math.Tanh(x0 - x1) }
	c := Boundary("Classes", f, testPoints())
	opt := optionOf(t, c)
	if len(opt.Series) != 3 {
		t.Fatalf("%d series, want the heatmap and two classes", len(opt.Series))
	}
	pos, neg := opt.Series[1], opt.Series[2]
	if p := pos.Data.([][2]float64); len(p) != 1 || p[0] != [2]float64{0, 0} {
		t.Errorf("class y > 0: %v, want the point (0, 0)", p)
	}
	if n := neg.Data.([][2]float64); len(n) != 2 || n[1] != [2]float64{0.5, 1} {
		t.Errorf("class y ≤ 0: %v, want (1, 2) and (0.5, 1)", n)
	}
	if pos.Symbol == neg.Symbol || pos.ItemStyle.Color == neg.ItemStyle.Color {
		t.Error("the two classes look alike")
	}
	// The rectangle is the points' extent, a tenth wider on each side, [−0.1, 1.1] × [−0.2, 2.2],
	// then out to the next multiple of 0.2: [−0.2, 1.2] × [−0.2, 2.2].
	if x, y := opt.XAxis[1], opt.YAxis[1]; !near(x.Min.(float64), -0.2, 1e-12) || !near(x.Max.(float64), 1.2, 1e-12) ||
		!near(y.Min.(float64), -0.2, 1e-12) || !near(y.Max.(float64), 2.2, 1e-12) {
		t.Errorf("axes [%v, %v] × [%v, %v], want [−0.2, 1.2] × [−0.2, 2.2]", x.Min, x.Max, y.Min, y.Max)
	}
	if l := opt.Legend; l == nil || len(l.Data.([]string)) != 2 {
		t.Errorf("legend %+v, want the two classes only", l)
	}
	// The first heatmap cell holds f at its centre.
	cell := cellsOf(t, opt.Series[0])[0]
	if want := f(-0.2+0.5*1.4/surfaceCells, -0.2+0.5*2.4/surfaceCells); !near(cell[2], want, 1e-12) {
		t.Errorf("first cell %v, want %v", cell[2], want)
	}
	if _, err := c.HTML(); err != nil {
		t.Errorf("HTML: %v", err)
	}
}

func TestBoundaryBadInput(t *testing.T) {
	f := func(x0, x1 float64) float64 { return x0 }
	wantErr(t, Boundary("t", nil, testPoints()), "Boundary", "f is nil")
	wantErr(t, Boundary("t", f, nil), "Boundary", "no points")
	wantErr(t, Boundary("t", f, []mathx.Example{{X: []float64{1}, Y: []float64{1}}}), "Boundary", "point 0 has 1 inputs and 1 targets")
	wantErr(t, Boundary("t", f, []mathx.Example{{X: []float64{1, math.NaN()}, Y: []float64{1}}}), "Boundary", "point 0 is (1, NaN)")
	wantErr(t, Boundary("t", func(x0, x1 float64) float64 { return math.Inf(1) }, testPoints()), "Boundary", "want a finite value everywhere")
}
