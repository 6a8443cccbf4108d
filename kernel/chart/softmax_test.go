package chart

import (
	"math"
	"strings"
	"testing"

	"github.com/chainrule-go/backprop/mathx"
)

func TestSoftmaxJacobian(t *testing.T) {
	z := []float64{0, math.Ln2, math.Log(5)} // a = (1, 2, 5)/8
	opt := optionOf(t, SoftmaxJacobian(z))
	cells := cellsOf(t, opt.Series[0])
	if len(cells) != 9 {
		t.Fatalf("%d cells, want 3·3", len(cells))
	}
	jac, _ := mathx.SoftmaxJacobian(z)
	for _, c := range cells {
		k, j := int(c[0]), int(c[1])
		if c[2] != jac[j][k] {
			t.Errorf("cell (j=%d, k=%d) = %v, want ∂a_j/∂z_k = %v", j, k, c[2], jac[j][k])
		}
		if (j == k) != (c[2] > 0) {
			t.Errorf("cell (j=%d, k=%d) = %v: want > 0 exactly on the diagonal", j, k, c[2])
		}
	}
	// The largest entry is the diagonal a_2(1 − a_2) = 15/64.
	if vm := opt.VisualMap[0]; math.Abs(vm.Max-15.0/64) > 1e-15 || vm.Min != -vm.Max {
		t.Errorf("colour scale [%v, %v], want [−15/64, 15/64], centred on 0", vm.Min, vm.Max)
	}
	if got := len(opt.XAxis[0].Data.([]string)); got != 3 {
		t.Errorf("%d columns, want k = 0..2", got)
	}
	// Each cell's label is written out in the option, so that the chart's picture,
	// drawn from the option alone, shows it rounded as the interactive chart does.
	labels := map[[2]int]string{}
	for _, c := range opt.Series[0].Data.([]labelledCell) {
		labels[[2]int{int(c.Value[1]), int(c.Value[0])}] = c.Label.Formatter
	}
	for jk, want := range map[[2]int]string{{0, 0}: "0.1094", {2, 2}: "0.2344", {0, 1}: "−0.03125"} {
		if labels[jk] != want {
			t.Errorf("cell (j=%d, k=%d) is labelled %q, want %q", jk[0], jk[1], labels[jk], want)
		}
	}
	if sub := opt.Title[0].Subtitle; !strings.Contains(sub, "a = (0.125, 0.25, 0.625)") {
		t.Errorf("subtitle %q lacks the activations", sub)
	}
}

func TestSoftmaxJacobianBadInput(t *testing.T) {
	wantErr(t, SoftmaxJacobian(nil), "SoftmaxJacobian", "z is empty")
	wantErr(t, SoftmaxJacobian([]float64{1, math.NaN()}), "SoftmaxJacobian", "NaN")
	wantErr(t, SoftmaxJacobian(make([]float64, 13)), "SoftmaxJacobian", "13 values", "at most 12")
}
