package mathx

import (
	"errors"
	"testing"
)

func TestChainNetworkHasTheChainsGradient(t *testing.T) {
	c := Chain{W: []float64{1.5, -2.0, 1.8, 2.5}, B: []float64{-0.3, 0.8, -0.5, 0.2}, Act: Sigmoid}
	n, err := c.Network()
	if err != nil {
		t.Fatal(err)
	}
	g, err := n.Backprop([]float64{0.7}, []float64{0})
	if err != nil {
		t.Fatal(err)
	}
	tr, err := c.Backprop(0.7, 0)
	if err != nil {
		t.Fatal(err)
	}
	for l := 1; l <= c.Len(); l++ {
		if g.DC_dw[l-1][0] != tr.Layer(l).DC_dw || g.DC_db[l-1][0] != tr.Layer(l).DC_db {
			t.Errorf("layer %d: network %v, %v; chain %v, %v", l, g.DC_dw[l-1][0], g.DC_db[l-1][0], tr.Layer(l).DC_dw, tr.Layer(l).DC_db)
		}
	}
}

func TestChainNetworkShape(t *testing.T) {
	_, err := Chain{W: []float64{1, 2}, B: []float64{1}, Act: Sigmoid}.Network()
	if !errors.Is(err, ErrShape) {
		t.Errorf("2 weights and 1 bias: error %v, want ErrShape", err)
	}
	if _, err := (Chain{Act: Sigmoid}).Network(); err == nil {
		t.Error("an empty chain: no error")
	}
}
