package chart

import (
	"math"
	"strings"
	"testing"

	"github.com/chainrule-go/backprop/mathx"
)

// testSurface returns a bowl with a short path into it.
func testSurface() Surface {
	return Surface{
		Title: "bowl", XName: "x", YName: "y", ZName: "f",
		X: [2]float64{-1, 1}, Y: [2]float64{-2, 2},
		F:    func(x, y float64) float64 { return x*x + y*y },
		Path: [][2]float64{{0.8, 1.5}, {0.4, 0.7}, {0.1, 0.2}},
	}
}

func TestCostSurface(t *testing.T) {
	s := testSurface()
	opt := optionOf(t, CostSurface(s))
	cells := cellsOf(t, opt.Series[0])
	if len(cells) != surfaceCells*surfaceCells {
		t.Fatalf("%d cells, want %d", len(cells), surfaceCells*surfaceCells)
	}
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, c := range cells {
		x := s.X[0] + (c[0]+0.5)*(s.X[1]-s.X[0])/surfaceCells
		y := s.Y[0] + (c[1]+0.5)*(s.Y[1]-s.Y[0])/surfaceCells
		if !near(c[2], s.F(x, y), 1e-12) {
			t.Fatalf("cell (%v, %v) = %v, want F at its centre (%v, %v) = %v", c[0], c[1], c[2], x, y, s.F(x, y))
		}
		lo, hi = math.Min(lo, c[2]), math.Max(hi, c[2])
	}
	if vm := opt.VisualMap[0]; vm.Min != lo || vm.Max != hi {
		t.Errorf("colour scale [%v, %v], want the cells' range [%v, %v]", vm.Min, vm.Max, lo, hi)
	}
	// The path's axes (index 1) span exactly the cells' edges.
	if x := opt.XAxis[1]; x.Min != s.X[0] || x.Max != s.X[1] || x.Name != "x" {
		t.Errorf("x axis %q [%v, %v], want x [%v, %v]", x.Name, x.Min, x.Max, s.X[0], s.X[1])
	}
	if y := opt.YAxis[1]; y.Min != s.Y[0] || y.Max != s.Y[1] {
		t.Errorf("y axis [%v, %v], want [%v, %v]", y.Min, y.Max, s.Y[0], s.Y[1])
	}
	if len(opt.Series) != 4 {
		t.Fatalf("%d series, want heatmap, path, start and end", len(opt.Series))
	}
	path := opt.Series[1].Data.([][2]float64)
	if len(path) != len(s.Path) || opt.Series[1].XAxisIndex != 1 || opt.Series[1].YAxisIndex != 1 {
		t.Errorf("path series: %d points on axes %d, %d", len(path), opt.Series[1].XAxisIndex, opt.Series[1].YAxisIndex)
	}
	if start := opt.Series[2].Data.([][2]float64)[0]; start != s.Path[0] {
		t.Errorf("start marked at %v, want %v", start, s.Path[0])
	}
	if end := opt.Series[3].Data.([][2]float64)[0]; end != s.Path[len(s.Path)-1] {
		t.Errorf("end marked at %v, want %v", end, s.Path[len(s.Path)-1])
	}

	s.Path = nil
	if n := len(optionOf(t, CostSurface(s)).Series); n != 1 {
		t.Errorf("without a path: %d series, want the heatmap alone", n)
	}
}

// Names end up in the chart's script and in tooltips, which are HTML.
func TestCostSurfaceEscapesNames(t *testing.T) {
	s := testSurface()
	s.XName = "</script><b>x"
	c := CostSurface(s)
	optionOf(t, c)
	if strings.Contains(c.Script, "</script>") || strings.Contains(c.Script, "<b>") {
		t.Errorf("the script embeds the name unescaped:\n%s", c.Script)
	}
}

func TestCostSurfaceBadInput(t *testing.T) {
	s := testSurface()
	s.F = nil
	wantErr(t, CostSurface(s), "CostSurface", "Surface.F is nil")
	s = testSurface()
	s.X = [2]float64{1, -1}
	wantErr(t, CostSurface(s), "CostSurface", "Surface.X = [1 -1]", "min < max")
	s = testSurface()
	s.Y = [2]float64{0, math.Inf(1)}
	wantErr(t, CostSurface(s), "CostSurface", "Surface.Y")
	s = testSurface()
	s.Path[1] = [2]float64{math.NaN(), 0}
	wantErr(t, CostSurface(s), "CostSurface", "Surface.Path[1] = (NaN, 0)")
	s = testSurface()
	s.F = func(x, y float64) float64 { return math.Log(x) }
	wantErr(t, CostSurface(s), "CostSurface", "is NaN")
}

func TestDescent(t *testing.T) {
	const w, b, aPrev, y, eta, steps = -3.0, -1.0, 0.8, 1.0, 4.0, 80
	opt := optionOf(t, Descent(mathx.Neuron(w, b, aPrev, y), eta, steps))
	path := opt.Series[1].Data.([][2]float64)
	if len(path) != steps+1 || path[0] != [2]float64{w, b} {
		t.Fatalf("path of %d points from %v, want %d from (%v, %v)", len(path), path[0], steps+1, w, b)
	}
	for i := 1; i < len(path); i++ {
		s := mathx.Neuron(path[i-1][0], path[i-1][1], aPrev, y)
		want := [2]float64{path[i-1][0] - eta*s.DC_dw, path[i-1][1] - eta*s.DC_db}
		if !near(path[i][0], want[0], 1e-12) || !near(path[i][1], want[1], 1e-12) {
			t.Fatalf("step %d goes to %v, want (w, b) − η(∂C0/∂w, ∂C0/∂b) = %v", i, path[i], want)
		}
	}
	first := mathx.Neuron(w, b, aPrev, y).C0
	last := mathx.Neuron(path[steps][0], path[steps][1], aPrev, y).C0
	if !(last < first) {
		t.Errorf("descent raised C0 from %v to %v", first, last)
	}
	xs, ys := opt.XAxis[1], opt.YAxis[1]
	for _, p := range path {
		if p[0] < xs.Min.(float64) || p[0] > xs.Max.(float64) || p[1] < ys.Min.(float64) || p[1] > ys.Max.(float64) {
			t.Fatalf("path point %v outside the surface [%v, %v] × [%v, %v]", p, xs.Min, xs.Max, ys.Min, ys.Max)
		}
	}
	if xs.Name != "w(L)" || ys.Name != "b(L)" {
		t.Errorf("axes %q, %q, want w(L), b(L)", xs.Name, ys.Name)
	}
}

func TestDescentBadInput(t *testing.T) {
	start := mathx.Neuron(0, 0, 1, 1)
	wantErr(t, Descent(start, 1, 0), "Descent", "steps = 0")
	wantErr(t, Descent(start, 1, maxDescentSteps+1), "Descent", "steps = 10001")
	wantErr(t, Descent(start, -1, 5), "Descent", "η = -1")
	wantErr(t, Descent(mathx.Neuron(0, 0, math.NaN(), 1), 1, 5), "Descent", "a(L−1) = NaN")
}
