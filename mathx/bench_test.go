package mathx

import (
	"testing"
)

// BenchmarkEpochMNIST times one epoch of mini-batch SGD (m = 10, η = 3.0,
// quadratic cost) over the first 50,000 MNIST training images on a
// 784-16-16-10 sigmoid network.
func BenchmarkEpochMNIST(b *testing.B) {
	train, _ := mnistOrSkip(b)
	train = train[:50000]
	net, err := NewNetwork([]int{MNISTPixels, 16, 16, MNISTClasses}, Sigmoid, 1)
	if err != nil {
		b.Fatal(err)
	}
	cfg := TrainConfig{Epochs: 1, BatchSize: 10, Eta: 3.0, Seed: 1}
	for b.Loop() {
		if err := net.SGD(train, nil, cfg, nil); err != nil {
			b.Fatal(err)
		}
	}
}

func benchNetwork(b *testing.B) (*Network, Example) {
	train, _ := mnistOrSkip(b)
	net, err := NewNetwork([]int{MNISTPixels, 16, 16, MNISTClasses}, Sigmoid, 1)
	if err != nil {
		b.Fatal(err)
	}
	return net, train[0]
}

// BenchmarkForward times Network.Forward for one MNIST image on 784-16-16-10.
func BenchmarkForward(b *testing.B) {
	net, ex := benchNetwork(b)
	for b.Loop() {
		if _, err := net.Forward(ex.X); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkBackprop times backpropagation for one MNIST image on
// 784-16-16-10 — forward, then backward into a Gradient that is reused
// (Network.AddBackprop, as Gradient uses it) — to compare with
// BenchmarkForward.
func BenchmarkBackprop(b *testing.B) {
	net, ex := benchNetwork(b)
	g := net.NewGradient()
	for b.Loop() {
		if _, err := net.AddBackprop(g, ex.X, ex.Y); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkBackpropNewGradient times Network.Backprop, which also allocates
// the 100 kB Gradient it returns.
func BenchmarkBackpropNewGradient(b *testing.B) {
	net, ex := benchNetwork(b)
	for b.Loop() {
		if _, err := net.Backprop(ex.X, ex.Y); err != nil {
			b.Fatal(err)
		}
	}
}
