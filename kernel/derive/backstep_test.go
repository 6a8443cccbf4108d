package derive

import (
	"strings"
	"testing"

	"github.com/chainrule-go/backprop/mathx"
)

var backStepChain = mathx.Chain{W: []float64{1.5, -2.0, 1.8, 2.5}, B: []float64{-0.3, 0.8, -0.5, 0.2}, Act: mathx.Sigmoid}

func TestBackStep(t *testing.T) {
	right := func(w, z, dC_da float64) float64 { return w * mathx.SigmaPrime(z) * dC_da }
	for l := 1; l <= 4; l++ {
		r := BackStep(backStepChain, 0.7, 0, l, right)
		if !r.Agree() {
			t.Errorf("layer %d: the right step does not agree: %v\n%s", l, r.Err(), r.Markdown())
		}
	}
	for _, tc := range []struct {
		name  string
		yours func(w, z, dC_da float64) float64
		want  string
	}{
		{"no σ′", func(w, z, d float64) float64 { return w * d }, `the factor $\sigma'(z^{(2)})$ is missing`},
		{"no w", func(w, z, d float64) float64 { return mathx.SigmaPrime(z) * d }, `the factor $w^{(2)}$ is missing`},
		{"sign", func(w, z, d float64) float64 { return -w * mathx.SigmaPrime(z) * d }, "the sign is flipped"},
		{"zero", func(w, z, d float64) float64 { return 0 }, "yours is 0"},
	} {
		r := BackStep(backStepChain, 0.7, 0, 2, tc.yours)
		if r.Agree() || !strings.Contains(r.Markdown(), tc.want) {
			t.Errorf("%s: want %q in\n%s", tc.name, tc.want, r.Markdown())
		}
	}
}

func TestBackStepBadInput(t *testing.T) {
	right := func(w, z, dC_da float64) float64 { return w * mathx.SigmaPrime(z) * dC_da }
	for _, tc := range []struct {
		c    mathx.Chain
		l    int
		want string
	}{
		{backStepChain, 0, "derive.BackStep: l = 0: pick a layer from 1 to 4"},
		{backStepChain, 5, "l = 5: pick a layer from 1 to 4"},
		{mathx.Chain{W: []float64{1, 2}, B: []float64{1}, Act: mathx.Sigmoid}, 1, "2 weights and 1 biases"},
	} {
		r := BackStep(tc.c, 0.7, 0, tc.l, right)
		if r.Err() == nil || !strings.Contains(r.Err().Error(), tc.want) {
			t.Errorf("l = %d: error %v, want %q", tc.l, r.Err(), tc.want)
		}
	}
	if r := BackStep(backStepChain, 0.7, 0, 2, nil); r.Err() == nil {
		t.Error("a nil function: no error")
	}
}
