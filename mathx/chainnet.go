package mathx

import "fmt"

// Network returns the chain as a Network of one-neuron layers: layer l holds
// the single weight w(l)_00 = W[l−1] and bias b(l)_0 = B[l−1], with the
// chain's activation. Its gradient for an input a0 and target y is the
// chain's: ∂C0/∂w(l)_00 = ∂C0/∂w(l) and ∂C0/∂b(l)_0 = ∂C0/∂b(l).
func (c Chain) Network() (*Network, error) {
	if len(c.W) != len(c.B) {
		return nil, fmt.Errorf("mathx: Chain.Network: %d weights and %d biases: %w", len(c.W), len(c.B), ErrShape)
	}
	layers := make([]*Layer, len(c.W))
	for i := range c.W {
		l, err := NewLayerFrom([][]float64{{c.W[i]}}, []float64{c.B[i]}, c.Act)
		if err != nil {
			return nil, fmt.Errorf("mathx: Chain.Network: layer %d: %w", i+1, err)
		}
		layers[i] = l
	}
	return NewNetworkFrom(layers...)
}
