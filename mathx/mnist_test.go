package mathx_test

import (
	"github.com/chainrule-go/backprop/mathx"
	"github.com/chainrule-go/backprop/mathx/mnist"
)

// The tests of package mathx train on MNIST through mathx.LoadMNIST (see
// helpers_test.go): this external test file, compiled into the same test
// binary, can import package mnist and hands its loader over.
func init() { mathx.LoadMNIST = mnist.Load }
