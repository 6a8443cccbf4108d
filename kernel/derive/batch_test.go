package derive

import (
	"math"
	"strings"
	"testing"

	"github.com/chainrule-go/backprop/mathx"
	"github.com/chainrule-go/backprop/mathx/mat"
)

// batchNet is lesson 09's network with a batch of three examples.
func batchNet(t *testing.T) (*mathx.Network, []mathx.Example) {
	t.Helper()
	net, _ := fourNet(t)
	return net, []mathx.Example{
		{X: []float64{0.3, -0.6, 0.9}, Y: []float64{0, 1}},
		{X: []float64{-1, 0.2, 0.5}, Y: []float64{1, 0}},
		{X: []float64{0.8, 0.8, -0.4}, Y: []float64{1, 1}},
	}
}

// The batch form's columns are each example's pass, and its gradient is
// Network.Gradient's average to rounding.
func TestBatchBackwardIsTheAverage(t *testing.T) {
	net, exs := batchNet(t)
	p, err := BatchForward(net, exs)
	if err != nil {
		t.Fatal(err)
	}
	if p.L() != 3 || p.M() != 3 {
		t.Fatalf("L = %d, M = %d; want 3 and 3", p.L(), p.M())
	}
	g := BatchBackward(p)
	for i, ex := range exs {
		one, _ := ForwardPass(net, ex)
		mine := BackwardPass(one)
		for l := 1; l <= 3; l++ {
			if !sameVec(mat.Column(p.A[l], i), one.A[l]) || !sameVec(mat.Column(g.Delta[l], i), mine.Delta[l]) {
				t.Errorf("example %d, layer %d: column %v and δ %v, want %v and %v",
					i, l, mat.Column(p.A[l], i), mat.Column(g.Delta[l], i), one.A[l], mine.Delta[l])
			}
		}
	}
	ref, err := net.Gradient(exs)
	if err != nil {
		t.Fatal(err)
	}
	if d := g.MaxDiff(ref); d > 1e-15 {
		t.Errorf("max difference from Network.Gradient %v", d)
	}
	if r := BatchGradient(net, exs, func(d, a [][]float64) ([][]float64, []float64) {
		m := float64(len(d[0]))
		return mat.ScaleM(1/m, mat.Mul(d, mat.Transpose(a))), mat.Scale(1/m, mat.RowSums(d))
	}); !r.Agree() {
		t.Errorf("the right answer fails the check: %v\n%s", r.Err(), r.Markdown())
	}
}

// Each slip is named.
func TestBatchGradientNamesTheSlip(t *testing.T) {
	net, exs := batchNet(t)
	const m = 3
	right := func(d, a [][]float64) ([][]float64, []float64) {
		return mat.ScaleM(1.0/m, mat.Mul(d, mat.Transpose(a))), mat.Scale(1.0/m, mat.RowSums(d))
	}
	for _, tc := range []struct {
		name  string
		yours func(d, a [][]float64) ([][]float64, []float64)
		want  string
	}{
		{"no 1/m on W", func(d, a [][]float64) ([][]float64, []float64) {
			_, db := right(d, a)
			return mat.Mul(d, mat.Transpose(a)), db
		}, `at layer 3, the $\frac1m$ is missing: yours is the sum over the batch, $m = 3$ times`},
		{"no 1/m on b", func(d, a [][]float64) ([][]float64, []float64) {
			dW, _ := right(d, a)
			return dW, mat.RowSums(d)
		}, `at layer 3, the $\frac1m$ is missing: yours is the row sum of $\Delta^{(3)}$`},
		{"transposed", func(d, a [][]float64) ([][]float64, []float64) {
			_, db := right(d, a)
			return mat.ScaleM(1.0/m, mat.Mul(a, mat.Transpose(d))), db
		}, "at layer 3, yours is transposed"},
		{"wrong shape", func(d, a [][]float64) ([][]float64, []float64) {
			_, db := right(d, a)
			return mat.ScaleM(1.0/m, mat.Mul(mat.Transpose(d), d)), db
		}, `at layer 3, yours is 3 × 3, but $\partial C/\partial W^{(3)}$ is shaped like $W^{(3)}$, 2 × 3`},
		{"column sums", func(d, a [][]float64) ([][]float64, []float64) {
			dW, _ := right(d, a)
			return dW, mat.Scale(1.0/m, mat.RowSums(mat.Transpose(d)))
		}, "yours has 3 entries, one per example: it sums each column"},
		{"first example", func(d, a [][]float64) ([][]float64, []float64) {
			dW, _ := right(d, a)
			return dW, mat.Column(d, 0)
		}, "the first example's"},
		{"sign", func(d, a [][]float64) ([][]float64, []float64) {
			dW, db := right(d, a)
			return mat.ScaleM(-1, dW), db
		}, "at layer 3, the sign is flipped"},
		{"twice", func(d, a [][]float64) ([][]float64, []float64) {
			dW, db := right(d, a)
			return mat.ScaleM(1.0/m, dW), db
		}, "divides by $m$ twice"},
		{"nothing", func(d, a [][]float64) ([][]float64, []float64) { return nil, nil },
			`at layer 3, $\partial C/\partial W^{(3)}$ is missing (nil)`},
	} {
		r := BatchGradient(net, exs, tc.yours)
		if r.Err() != nil || r.Agree() || !strings.Contains(r.Markdown(), tc.want) {
			t.Errorf("%s: error %v; want %q in\n%s", tc.name, r.Err(), tc.want, r.Markdown())
		}
	}
	// The diagnosis names the wrong shape in layer 1 when layer 3 is right.
	r := BatchGradient(net, exs, func(d, a [][]float64) ([][]float64, []float64) {
		dW, db := right(d, a)
		if len(d) == 4 {
			db = db[:2]
		}
		return dW, db
	})
	if want := "at layer 1, yours has 2 entries; layer 1 has 4 neurons"; !strings.Contains(r.Markdown(), want) {
		t.Errorf("want %q in\n%s", want, r.Markdown())
	}
}

func TestBatchBadInput(t *testing.T) {
	net, exs := batchNet(t)
	ok := func(d, a [][]float64) ([][]float64, []float64) { return nil, nil }
	for _, tc := range []struct {
		r    Result
		want string
	}{
		{BatchGradient(net, exs, nil), "your function is nil"},
		{BatchGradient(net, exs[:1], ok), "the batch has 1 examples; the check needs at least 2"},
		{BatchGradient(nil, exs, ok), "the network is nil"},
		{BatchGradient(net, []mathx.Example{exs[0], {X: []float64{1}, Y: []float64{0, 1}}}, ok), "example 1 has 1 inputs and 2 targets; the network [3 4 3 2] takes 3 and gives 2"},
		{BatchGradient(net, []mathx.Example{exs[0], {X: []float64{1, math.NaN(), 0}, Y: []float64{0, 1}}}, ok), "example 1 holds NaN"},
		{BatchGradient(net, exs, func(d, a [][]float64) ([][]float64, []float64) { return mat.Mul(d, d), nil }),
			"your function, at layer 3, panicked: mat.Mul: row 0 of A has 3 entries, but B has 2 rows"},
	} {
		if tc.r.Err() == nil || !strings.Contains(tc.r.Err().Error(), tc.want) {
			t.Errorf("error %v, want %q", tc.r.Err(), tc.want)
		}
	}
	if _, err := BatchForward(net, nil); err == nil || !strings.Contains(err.Error(), "the batch has no examples") {
		t.Errorf("empty batch: %v", err)
	}
	tanh, _ := mathx.NewNetwork([]int{3, 2}, mathx.Tanh, 1)
	if _, err := BatchForward(tanh, []mathx.Example{{X: []float64{1, 2, 3}, Y: []float64{0, 1}}}); err == nil {
		t.Error("a tanh network: no error")
	}
	if d := (BatchGrads{}).MaxDiff(net.NewGradient()); !math.IsInf(d, 1) {
		t.Errorf("empty BatchGrads: %v, want +Inf", d)
	}
}
