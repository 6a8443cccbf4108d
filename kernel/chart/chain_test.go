package chart

import (
	"math"
	"slices"
	"testing"

	"github.com/chainrule-go/backprop/mathx"
)

var testChain = mathx.Chain{W: []float64{1.2, -0.9, 1.5, 0.8}, B: []float64{0.1, -0.2, 0.3, 0.0}, Act: mathx.Sigmoid}

// The sensitivities drawn are Chain.Backprop's, top first, and the bound is
// the running product of |w(l)|/4.
func TestSensitivities(t *testing.T) {
	opt := optionOf(t, Sensitivities(testChain, 0.5, 1))
	tr, err := testChain.Backprop(0.5, 1)
	if err != nil {
		t.Fatal(err)
	}
	sens, bound := opt.Series[0].Data.([]float64), opt.Series[1].Data.([]float64)
	if len(sens) != 5 || len(bound) != 5 {
		t.Fatalf("%d and %d points, want 5 (a(4) … a(0))", len(sens), len(bound))
	}
	if sens[0] != math.Abs(tr.Layer(4).DC_da) || sens[4] != math.Abs(tr.Layer(1).DC_daPrev) {
		t.Errorf("ends %v, %v; want |∂C0/∂a(4)| = %v and |∂C0/∂a(0)| = %v",
			sens[0], sens[4], math.Abs(tr.Layer(4).DC_da), math.Abs(tr.Layer(1).DC_daPrev))
	}
	want := sens[0]
	for i := 1; i <= 4; i++ {
		want *= math.Abs(testChain.W[4-i]) / 4
		if math.Abs(bound[i]-want) > 1e-15*want || sens[i] > bound[i] {
			t.Errorf("step %d: bound %v, want %v, and sensitivity %v under it", i, bound[i], want, sens[i])
		}
	}
	if got := opt.XAxis[0].Data.([]string); got[0] != "a(4)" || got[4] != "a(0)" {
		t.Errorf("categories %v, want a(4) … a(0)", got)
	}
	if opt.YAxis[0].Type != "log" {
		t.Errorf("y axis %q, want log", opt.YAxis[0].Type)
	}
}

func TestChainGradient(t *testing.T) {
	opt := optionOf(t, ChainGradient(testChain, 0.5, 1))
	tr, _ := testChain.Backprop(0.5, 1)
	dw, db := opt.Series[0].Data.([]float64), opt.Series[1].Data.([]float64)
	for l := 1; l <= 4; l++ {
		if dw[l-1] != tr.Layer(l).DC_dw || db[l-1] != tr.Layer(l).DC_db {
			t.Errorf("layer %d: bars %v, %v; want %v, %v", l, dw[l-1], db[l-1], tr.Layer(l).DC_dw, tr.Layer(l).DC_db)
		}
	}
	// The layers are numbered under an axis named for them, so that ten of them fit
	// a narrow box ("layer 1 … layer 10" ran into each other at 454 px).
	x := opt.XAxis[0]
	if got := x.Data.([]string); !slices.Equal(got, []string{"1", "2", "3", "4"}) || x.Name != "layer l" {
		t.Errorf("x axis %q with categories %q, want \"layer l\" with 1 … 4", x.Name, got)
	}
}

func TestChainChartsBadInput(t *testing.T) {
	wantErr(t, Sensitivities(mathx.Chain{Act: mathx.Sigmoid}, 0.5, 1), "Sensitivities", "no layers")
	wantErr(t, ChainGradient(mathx.Chain{W: []float64{1}, B: []float64{}, Act: mathx.Sigmoid}, 0.5, 1), "ChainGradient")
	wantErr(t, Sensitivities(testChain, math.NaN(), 1), "Sensitivities")
	// y = a(L) exactly makes every sensitivity 0, which a log axis cannot draw
	tr, _ := testChain.Forward(0.5)
	wantErr(t, Sensitivities(testChain, 0.5, tr.Layer(4).A), "Sensitivities", "logarithmic")
}
