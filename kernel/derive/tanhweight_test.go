package derive

import (
	"math"
	"strings"
	"testing"

	"github.com/chainrule-go/backprop/mathx"
)

// tanhNet is a 2-3-1 tanh network and four points with targets ±1.
func tanhNet(t *testing.T) (*mathx.Network, []mathx.Example) {
	t.Helper()
	net, err := mathx.NewNetwork([]int{2, 3, 1}, mathx.Tanh, 3)
	if err != nil {
		t.Fatal(err)
	}
	return net, []mathx.Example{
		{X: []float64{0.5, -0.2}, Y: []float64{1}},
		{X: []float64{-0.7, 0.9}, Y: []float64{-1}},
		{X: []float64{0.1, 0.4}, Y: []float64{1}},
		{X: []float64{-0.3, -0.8}, Y: []float64{-1}},
	}
}

// term builds a learner's answer from a per-example term and whether to average.
func term(f func(a, y, p float64) float64, average bool) func(a, y, aPrev []float64) float64 {
	return func(a, y, aPrev []float64) float64 {
		s := 0.0
		for i := range a {
			s += f(a[i], y[i], aPrev[i])
		}
		if average {
			s /= float64(len(a))
		}
		return s
	}
}

func TestTanhOutputWeight(t *testing.T) {
	net, data := tanhNet(t)
	right := term(func(a, y, p float64) float64 { return 2 * (a - y) * (1 - a*a) * p }, true)
	for k := range 3 {
		r := TanhOutputWeight(net, data, k, right)
		if !r.Agree() {
			t.Fatalf("k = %d: the right answer fails: %v\n%s", k, r.Err(), r.Markdown())
		}
		// and it is mathx's gradient
		g, _ := net.Gradient(data)
		if d := math.Abs(right(tanhInputs(t, net, data, k)) - g.DC_dw[1][k]); d > 1e-15 {
			t.Errorf("k = %d: differs from Network.Gradient by %v", k, d)
		}
	}
	before, _ := net.Param(mathx.WeightParam(2, 0, 1))
	for _, tc := range []struct {
		name  string
		yours func(a, y, aPrev []float64) float64
		want  string
	}{
		{"sum", term(func(a, y, p float64) float64 { return 2 * (a - y) * (1 - a*a) * p }, false), `missing: the $\frac1n$ of the average`},
		{"sigmoid slope", term(func(a, y, p float64) float64 { return 2 * (a - y) * a * (1 - a) * p }, true), "the sigmoid's slope $a(1 - a)$; the output here is tanh"},
		{"sigmoid slope, summed", term(func(a, y, p float64) float64 { return 2 * (a - y) * a * (1 - a) * p }, false), "the $\\frac1n$ of the average is missing as well"},
		{"no slope", term(func(a, y, p float64) float64 { return 2 * (a - y) * p }, true), "missing: tanh's slope $1 - a^2$"},
		{"book's cost", term(func(a, y, p float64) float64 { return (a - y) * (1 - a*a) * p }, true), "missing: the 2 of"},
		{"no aPrev, summed", term(func(a, y, p float64) float64 { return 2 * (a - y) * (1 - a*a) }, false), "missing: the activation below, $a^{(L-1)}_k$, and the $\\frac1n$"},
		{"sign", term(func(a, y, p float64) float64 { return 2 * (y - a) * (1 - a*a) * p }, true), "the sign is flipped"},
		{"nothing", func(a, y, aPrev []float64) float64 { return 0 }, "yours is not"},
		{"NaN", func(a, y, aPrev []float64) float64 { return math.NaN() }, "yours is NaN"},
	} {
		r := TanhOutputWeight(net, data, 1, tc.yours)
		if r.Err() != nil || r.Agree() || !strings.Contains(r.Markdown(), tc.want) {
			t.Errorf("%s: error %v; want %q in\n%s", tc.name, r.Err(), tc.want, r.Markdown())
		}
	}
	if after, _ := net.Param(mathx.WeightParam(2, 0, 1)); after != before {
		t.Errorf("the check moved the weight from %v to %v", before, after)
	}
}

// tanhInputs returns what TanhOutputWeight hands the learner.
func tanhInputs(t *testing.T, net *mathx.Network, data []mathx.Example, k int) (a, y, aPrev []float64) {
	t.Helper()
	for _, ex := range data {
		st, err := net.Steps(ex.X, ex.Y)
		if err != nil {
			t.Fatal(err)
		}
		a, y, aPrev = append(a, st[1].A[0]), append(y, ex.Y[0]), append(aPrev, st[1].APrev[k])
	}
	return a, y, aPrev
}

func TestTanhOutputWeightBadInput(t *testing.T) {
	net, data := tanhNet(t)
	sig, _ := mathx.NewNetwork([]int{2, 3, 1}, mathx.Sigmoid, 3)
	ok := func(a, y, aPrev []float64) float64 { return 0 }
	for _, tc := range []struct {
		r    Result
		want string
	}{
		{TanhOutputWeight(net, data, 0, nil), "your function is nil"},
		{TanhOutputWeight(nil, data, 0, ok), "the network is nil"},
		{TanhOutputWeight(net, data[:1], 0, ok), "the data set has 1 examples"},
		{TanhOutputWeight(sig, data, 0, ok), "a tanh output layer"},
		{TanhOutputWeight(net, data, 3, ok), "k = 3, but layer 1 has 3 neurons"},
		{TanhOutputWeight(net, []mathx.Example{data[0], {X: []float64{1}, Y: []float64{1}}}, 0, ok), "example 1:"},
		{TanhOutputWeight(net, data, 0, func(a, y, aPrev []float64) float64 { return a[9] }), "your function panicked"},
	} {
		if tc.r.Err() == nil || !strings.Contains(tc.r.Err().Error(), tc.want) {
			t.Errorf("error %v, want %q", tc.r.Err(), tc.want)
		}
	}
}
