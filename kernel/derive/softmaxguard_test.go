package derive

import (
	"errors"
	"strings"
	"testing"

	"github.com/chainrule-go/backprop/mathx"
)

// softmaxNet returns a 3-4-2 sigmoid network whose layer l is a softmax layer.
func softmaxNet(t *testing.T, l int) *mathx.Network {
	t.Helper()
	net, err := mathx.NewNetwork([]int{3, 4, 2}, mathx.Sigmoid, 1)
	if err != nil {
		t.Fatal(err)
	}
	net.Layers[l-1].Act = mathx.Softmax
	return net
}

// The derivations that show one slope f′(z_j) per neuron refuse a softmax
// layer with a message that names it, and still serve the sigmoid layers of
// the same network.
func TestPerNeuronDerivationsRefuseASoftmaxLayer(t *testing.T) {
	ex := mathx.Example{X: []float64{0.2, 0.5, 0.9}, Y: []float64{0, 1}}
	out, hidden := softmaxNet(t, 2), softmaxNet(t, 1)
	yours := func(z float64, w, deltaAbove []float64) float64 { return 0 }
	for _, c := range []struct {
		name, layer string
		err         error
	}{
		{"Partial", "layer 2", Partial(out, ex, mathx.WeightParam(2, 0, 1)).Err()},
		{"Paths", "layer 2", Paths(out, ex, 2, 1).Err()},
		{"HiddenDelta", "layer 1", HiddenDelta(hidden, ex, 1, 0, yours, 0.5).Err()},
	} {
		want := c.layer + " is a softmax layer"
		if c.err == nil || !strings.Contains(c.err.Error(), want) || !errors.Is(c.err, mathx.ErrConfig) {
			t.Errorf("%s: err = %v, want one containing %q", c.name, c.err, want)
		}
	}
	if err := Partial(out, ex, mathx.WeightParam(1, 0, 1)).Err(); err != nil {
		t.Errorf("Partial on the sigmoid layer 1 of the same network: %v", err)
	}
}
