package derive

import (
	"strings"
	"testing"

	"github.com/chainrule-go/backprop/mathx"
)

func TestHiddenDelta(t *testing.T) {
	net, err := mathx.NewNetwork([]int{3, 4, 3, 2}, mathx.Sigmoid, 2)
	if err != nil {
		t.Fatal(err)
	}
	ex := mathx.Example{X: []float64{0.2, -0.5, 0.9}, Y: []float64{1, 0}}
	sum := func(w, d []float64) float64 {
		s := 0.0
		for j := range w {
			s += w[j] * d[j]
		}
		return s
	}
	right := func(z float64, w, d []float64) float64 { return mathx.SigmaPrime(z) * sum(w, d) }
	for _, lk := range [][2]int{{1, 0}, {1, 3}, {2, 1}} {
		r := HiddenDelta(net, ex, lk[0], lk[1], right, -2, 0, 2)
		if !r.Agree() {
			t.Errorf("layer %d, neuron %d: the right δ disagrees: %v\n%s", lk[0], lk[1], r.Err(), r.Markdown())
		}
	}
	// δ(2)_1 is backprop's: the check's first point is the network's own z.
	st, _ := net.Steps(ex.X, ex.Y)
	got := 0.0
	HiddenDelta(net, ex, 2, 1, func(z float64, w, d []float64) float64 {
		if z == st[1].Z[1] {
			got = right(z, w, d)
		}
		return right(z, w, d)
	})
	if d := got - st[1].DC_dz[1]; d > 1e-15 || d < -1e-15 {
		t.Errorf("δ(2)_1 = %v, backprop's is %v", got, st[1].DC_dz[1])
	}
	for _, tc := range []struct {
		name  string
		yours func(z float64, w, d []float64) float64
		want  string
	}{
		{"no slope", func(z float64, w, d []float64) float64 { return sum(w, d) }, `the factor $\sigma'(z^{(2)}_{1})$ is missing`},
		{"no sum", func(z float64, w, d []float64) float64 { return mathx.SigmaPrime(z) }, `the factor $\sum_j w^{(3)}_{j1} \delta^{(3)}_j$ is missing`},
		{"one path", func(z float64, w, d []float64) float64 { return mathx.SigmaPrime(z) * w[0] * d[0] }, "differs"},
	} {
		r := HiddenDelta(net, ex, 2, 1, tc.yours, -2, 2)
		if r.Agree() || !strings.Contains(r.Markdown(), tc.want) {
			t.Errorf("%s: want %q in\n%s", tc.name, tc.want, r.Markdown())
		}
	}
	for _, tc := range []struct {
		l, k int
		want string
	}{{3, 0, "l = 3: pick a hidden layer, 1 to 2"}, {0, 0, "l = 0"}, {2, 3, "k = 3: layer 2 has neurons 0 … 2"}} {
		if r := HiddenDelta(net, ex, tc.l, tc.k, right); r.Err() == nil || !strings.Contains(r.Err().Error(), tc.want) {
			t.Errorf("l = %d, k = %d: error %v, want %q", tc.l, tc.k, r.Err(), tc.want)
		}
	}
}
