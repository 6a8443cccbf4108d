package chart

import (
	"encoding/json"
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/chainrule-go/backprop/mathx"
)

// testNetwork returns a 3-4-2 sigmoid network and one example for it.
func testNetwork(t *testing.T) (*mathx.Network, []float64, []float64) {
	t.Helper()
	net, err := mathx.NewNetwork([]int{3, 4, 2}, mathx.Sigmoid, 1)
	if err != nil {
		t.Fatal(err)
	}
	return net, []float64{0.2, 0.9, 0.5}, []float64{1, 0}
}

func TestGradientBars(t *testing.T) {
	net, x, y := testNetwork(t)
	g, err := net.Backprop(x, y)
	if err != nil {
		t.Fatal(err)
	}
	c := GradientBars(g)
	opt := optionOf(t, c)
	params, err := net.Params()
	if err != nil {
		t.Fatal(err)
	}
	names := opt.YAxis[0].Data.([]string)
	if len(names) != len(params) {
		t.Fatalf("%d bars, want one per parameter: %d", len(names), len(params))
	}
	if len(opt.Series) != 2 {
		t.Fatalf("%d series, want one per layer", len(opt.Series))
	}
	for i, p := range params {
		if names[i] != p.String() {
			t.Errorf("bar %d is %q, want %q (the order of Network.Params)", i, names[i], p)
		}
		want, _ := g.At(p)
		drawn := 0
		for l, s := range opt.Series {
			v := s.Data.([]any)[i]
			if v == nil {
				continue
			}
			drawn++
			if l != p.L-1 {
				t.Errorf("%v drawn in the series of layer %d", p, l+1)
			}
			if v.(float64) != want {
				t.Errorf("bar %v = %v, want %v", p, v, want)
			}
		}
		if drawn != 1 {
			t.Errorf("%v drawn %d times, want once", p, drawn)
		}
	}
	if c.Height < 16*len(params) {
		t.Errorf("height %d leaves less than 16 px per bar", c.Height)
	}
}

func TestGradientBarsBadInput(t *testing.T) {
	net, x, y := testNetwork(t)
	g, _ := net.Backprop(x, y)
	g.DC_dw[1][4] = math.NaN()
	wantErr(t, GradientBars(g), "GradientBars", "∂C/∂w(2)_1,0 is NaN")

	g, _ = net.Backprop(x, y)
	g.DC_db[0][2] = math.Inf(1)
	wantErr(t, GradientBars(g), "GradientBars", "∂C/∂b(1)_2 is +Inf")

	wantErr(t, GradientBars(mathx.Gradient{}), "GradientBars", "empty")

	g, _ = net.Backprop(x, y)
	g.DC_db = g.DC_db[:1]
	wantErr(t, GradientBars(g), "GradientBars", "2 layers of weights but 1 of biases")

	g, _ = net.Backprop(x, y)
	g.DC_dw[0] = g.DC_dw[0][:11]
	wantErr(t, GradientBars(g), "GradientBars", "layer 1", "11 weights and 4 biases")

	g, _ = net.Backprop(x, y)
	g.DC_dw[1] = g.DC_dw[1][:6] // 2 neurons fed by 3, but layer 1 has 4
	wantErr(t, GradientBars(g), "GradientBars", "layer 2 of the gradient takes 3 inputs but layer 1 has 4 neurons")

	big, _ := mathx.NewNetwork([]int{30, 10}, mathx.Sigmoid, 1)
	wantErr(t, GradientBars(big.NewGradient()), "GradientBars", "310 weights and biases", "GradientHeatmap")
}

func TestGradientHeatmap(t *testing.T) {
	net, x, y := testNetwork(t)
	g, err := net.Backprop(x, y)
	if err != nil {
		t.Fatal(err)
	}
	for l := 1; l <= 2; l++ {
		layer := net.Layers[l-1]
		opt := optionOf(t, GradientHeatmap(g, l))
		cells := cellsOf(t, opt.Series[0])
		if len(cells) != layer.Out()*layer.In() {
			t.Fatalf("layer %d: %d cells, want %d", l, len(cells), layer.Out()*layer.In())
		}
		for _, c := range cells {
			k, j := int(c[0]), int(c[1])
			want, _ := g.At(mathx.WeightParam(l, j, k))
			if c[2] != want {
				t.Errorf("layer %d: cell (j=%d, k=%d) = %v, want ∂C/∂w = %v", l, j, k, c[2], want)
			}
		}
		if got := len(opt.XAxis[0].Data.([]string)); got != layer.In() {
			t.Errorf("layer %d: %d columns, want k = 0..%d", l, got, layer.In()-1)
		}
		if got := len(opt.YAxis[0].Data.([]string)); got != layer.Out() {
			t.Errorf("layer %d: %d rows, want j = 0..%d", l, got, layer.Out()-1)
		}
		vm := opt.VisualMap[0]
		if m := maxAbs(g.DC_dw[l-1]); vm.Min != -m || vm.Max != m {
			t.Errorf("layer %d: colour scale [%v, %v], want [−%v, %v], centred on 0", l, vm.Min, vm.Max, m, m)
		}
		if !strings.Contains(opt.Title[0].Title, fmt.Sprintf("∂C/∂w(%d)_jk", l)) {
			t.Errorf("title %q", opt.Title[0].Title)
		}
	}
}

func TestGradientHeatmapBadInput(t *testing.T) {
	net, x, y := testNetwork(t)
	g, _ := net.Backprop(x, y)
	wantErr(t, GradientHeatmap(g, 0), "GradientHeatmap", "no layer 0", "layers 1 to 2")
	wantErr(t, GradientHeatmap(g, 3), "GradientHeatmap", "no layer 3")
	wantErr(t, GradientHeatmap(mathx.Gradient{}, 1), "GradientHeatmap", "empty")
	g.DC_dw[0][0] = math.NaN()
	wantErr(t, GradientHeatmap(g, 2), "GradientHeatmap", "∂C/∂w(1)_0,0 is NaN")
}

func TestPaths(t *testing.T) {
	net, x, y := testNetwork(t)
	steps, err := net.Steps(x, y)
	if err != nil {
		t.Fatal(err)
	}
	for l, s := range steps {
		cur, prev := "l", "l−1"
		if l == len(steps)-1 {
			cur, prev = "L", "L−1"
		}
		for k := range s.Layer.In() {
			opt := optionOf(t, Paths(net, mathx.Example{X: x, Y: y}, l+1, k))
			from := fmt.Sprintf("a(%s)_%d", prev, k)
			sum, paths := 0.0, 0
			for _, link := range opt.Series[0].Links {
				if link.Source != from {
					continue
				}
				var j int
				if _, err := fmt.Sscanf(link.Target, "a("+cur+")_%d", &j); err != nil {
					t.Fatalf("edge from %s to %q", from, link.Target)
				}
				if want := s.PathTerm(j, k); link.Value != want {
					t.Errorf("layer %d: path %d→%d = %v, want PathTerm = %v", l+1, k, j, link.Value, want)
				}
				if !strings.Contains(string(link.Label.Formatter), num(link.Value)) {
					t.Errorf("layer %d: path %d→%d labelled %q, want its value %s", l+1, k, j, link.Label.Formatter, num(link.Value))
				}
				sum += link.Value
				paths++
			}
			if paths != s.Layer.Out() {
				t.Errorf("layer %d, k = %d: %d paths, want one per neuron j: %d", l+1, k, paths, s.Layer.Out())
			}
			if !near(sum, s.DC_daPrev[k], 1e-12) {
				t.Errorf("layer %d, k = %d: paths sum to %v, want ∂C0/∂a_k = %v", l+1, k, sum, s.DC_daPrev[k])
			}
			if sub := opt.Title[0].Subtitle; !strings.Contains(sub, num(s.DC_daPrev[k])) {
				t.Errorf("layer %d, k = %d: subtitle %q lacks the sum %s", l+1, k, sub, num(s.DC_daPrev[k]))
			}
		}
	}
}

func TestPathsBadInput(t *testing.T) {
	net, x, y := testNetwork(t)
	ex := mathx.Example{X: x, Y: y}
	wantErr(t, Paths(net, ex, 2, 4), "Paths", "no neuron k = 4 in layer 1", "0 to 3")
	wantErr(t, Paths(net, ex, 2, -1), "Paths", "no neuron k = -1")
	wantErr(t, Paths(net, ex, 3, 0), "Paths", "layer l = 3 does not exist", "layers 1 to 2")
	wantErr(t, Paths(net, ex, 0, 0), "Paths", "layer l = 0 does not exist")
	wantErr(t, Paths(nil, ex, 1, 0), "Paths", "the network is nil")
	wantErr(t, Paths(net, mathx.Example{X: x, Y: []float64{math.NaN(), 0}}, 2, 0), "Paths", "y[0] = NaN")

	wide, _ := mathx.NewNetwork([]int{2, 13}, mathx.Sigmoid, 1)
	wantErr(t, Paths(wide, mathx.Example{X: []float64{1, 0}, Y: make([]float64, 13)}, 1, 0), "Paths", "13 neurons", "at most 12")
}

// A layer fed by many neurons is drawn with a_k alone on its side.
func TestPathsWideInput(t *testing.T) {
	net, _ := mathx.NewNetwork([]int{20, 3}, mathx.Sigmoid, 1)
	x := make([]float64, 20)
	x[7] = 1
	opt := optionOf(t, Paths(net, mathx.Example{X: x, Y: []float64{0, 1, 0}}, 1, 7))
	if got := len(opt.Series[0].Data.([]graphNode)); got != 1+3+1+2 {
		t.Errorf("%d nodes, want a_7, the 3 neurons of layer L, C0 and two invisible corners", got)
	}
}

func TestIndexLabels(t *testing.T) {
	for n, want := range map[int]int{3: 0, 16: 0, 17: 1, 30: 1, 33: 4, 784: 49} {
		if got := indexLabels(n).Interval; got != want {
			t.Errorf("indexLabels(%d).Interval = %d, want %d", n, got, want)
		}
	}
	// ECharts adds 1 to the interval: it must be a number, not opts.AxisLabel's string.
	b, _ := json.Marshal(categoryAxisX("k", 784))
	if !strings.Contains(string(b), `"axisLabel":{"interval":49}`) {
		t.Errorf("category axis JSON %s", b)
	}
}
