package chart

import (
	"math"
	"testing"

	"github.com/chainrule-go/backprop/mathx"
)

// testBatch returns three examples for the 3-4-2 network of testNetwork.
func testBatch() []mathx.Example {
	return []mathx.Example{
		{X: []float64{0.2, 0.9, 0.5}, Y: []float64{1, 0}},
		{X: []float64{-1, 0.3, 2}, Y: []float64{0, 1}},
		{X: []float64{0.7, -0.4, 0}, Y: []float64{1, 1}},
	}
}

func TestNudges(t *testing.T) {
	net, _, _ := testNetwork(t)
	batch := testBatch()
	opt := optionOf(t, Nudges(net, batch))
	params, err := net.Params()
	if err != nil {
		t.Fatal(err)
	}
	rows := opt.YAxis[0].Data.([]string)
	columns := opt.XAxis[0].Data.([]string)
	if len(rows) != len(params) || len(columns) != len(batch)+1 {
		t.Fatalf("%d rows × %d columns, want one row per parameter (%d) and one column per example and the average (%d)",
			len(rows), len(columns), len(params), len(batch)+1)
	}
	if columns[0] != "−∇C_0" || columns[len(batch)] != "−∇C" {
		t.Errorf("columns %q", columns)
	}
	// What each column must hold: −Backprop of its example, and −Gradient of the batch.
	want := make([]mathx.Gradient, 0, len(batch)+1)
	for _, ex := range batch {
		g, err := net.Backprop(ex.X, ex.Y)
		if err != nil {
			t.Fatal(err)
		}
		want = append(want, g)
	}
	avg, err := net.Gradient(batch)
	if err != nil {
		t.Fatal(err)
	}
	want = append(want, avg)
	cells := cellsOf(t, opt.Series[0])
	if len(cells) != len(rows)*len(columns) {
		t.Fatalf("%d cells, want %d", len(cells), len(rows)*len(columns))
	}
	seen := map[[2]int]bool{}
	for _, cell := range cells {
		c, r := int(cell[0]), int(cell[1])
		if seen[[2]int{c, r}] {
			t.Errorf("cell (%d, %d) drawn twice", c, r)
		}
		seen[[2]int{c, r}] = true
		if rows[r] != params[r].String() {
			t.Errorf("row %d is %q, want %q (the order of Network.Params)", r, rows[r], params[r])
		}
		g, _ := want[c].At(params[r])
		if cell[2] != -g {
			t.Errorf("column %q, %v: %v, want −∂C/∂θ = %v", columns[c], params[r], cell[2], -g)
		}
	}
	// The average column is the mean of the others: −∇C is the average of the −∇C_i.
	for r, p := range params {
		sum := 0.0
		for i := range batch {
			v, _ := want[i].At(p)
			sum += -v
		}
		v, _ := avg.At(p)
		if math.Abs(sum/float64(len(batch))-(-v)) > 1e-15 {
			t.Errorf("row %d: mean of the examples' nudges %v, average column %v", r, sum/float64(len(batch)), -v)
		}
	}
}

func TestNudgesBadInput(t *testing.T) {
	net, _, _ := testNetwork(t)
	wantErr(t, Nudges(net, nil), "Nudges", "no examples")
	many := make([]mathx.Example, 13)
	for i := range many {
		many[i] = testBatch()[0]
	}
	wantErr(t, Nudges(net, many), "Nudges", "13 examples", "at most 12")
	bad := testBatch()
	bad[1].X = bad[1].X[:2]
	wantErr(t, Nudges(net, bad), "Nudges", "example 1", "x has 2 values")
	big, _ := mathx.NewNetwork([]int{10, 4, 1}, mathx.Sigmoid, 1)
	wantErr(t, Nudges(big, []mathx.Example{{X: make([]float64, 10), Y: []float64{1}}}), "Nudges", "49 weights and biases", "at most 40")
	wantErr(t, Nudges(nil, testBatch()), "Nudges", "no layers")
	nan, _, _ := testNetwork(t)
	nan.Layers[1].W[0] = math.NaN()
	wantErr(t, Nudges(nan, testBatch()), "Nudges", "example 0's ∂C_0/∂w(1)_0,0 is NaN")
}
