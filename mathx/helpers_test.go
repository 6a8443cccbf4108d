package mathx

import (
	"errors"
	"math"
	"strings"
	"testing"
)

// near reports whether got is within tol of want, relative to max(1, |want|).
func near(got, want, tol float64) bool {
	return math.Abs(got-want) <= tol*max(1, math.Abs(want))
}

// checkNear fails the test if got is not near want.
func checkNear(t *testing.T, name string, got, want, tol float64) {
	t.Helper()
	if !near(got, want, tol) {
		t.Errorf("%s = %.17g, want %.17g", name, got, want)
	}
}

// checkSlice fails the test if got and want differ in length or in any
// value by more than tol.
func checkSlice(t *testing.T, name string, got, want []float64, tol float64) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("%s has %d values, want %d", name, len(got), len(want))
		return
	}
	for i := range got {
		if !near(got[i], want[i], tol) {
			t.Errorf("%s[%d] = %.17g, want %.17g", name, i, got[i], want[i])
		}
	}
}

// checkErr fails the test unless err wraps kind and its message contains
// every one of parts.
func checkErr(t *testing.T, err, kind error, parts ...string) {
	t.Helper()
	if err == nil {
		t.Errorf("no error, want one containing %q", parts)
		return
	}
	if kind != nil && !errors.Is(err, kind) {
		t.Errorf("error %q does not wrap %q", err, kind)
	}
	for _, p := range parts {
		if !strings.Contains(err.Error(), p) {
			t.Errorf("error %q does not mention %q", err, p)
		}
	}
}

// LoadMNIST loads the MNIST digits for this package's tests and benchmarks.
// Package mathx/mnist imports mathx, so a test in package mathx cannot import
// it; mnist_test.go, in package mathx_test, sets LoadMNIST to mnist.Load.
var LoadMNIST func() (train, test []Example, err error)

// mnistOrSkip loads MNIST or skips the test or benchmark when the data
// cannot be found.
func mnistOrSkip(tb testing.TB) (train, test []Example) {
	tb.Helper()
	train, test, err := LoadMNIST()
	if err != nil {
		tb.Skipf("MNIST data not available: %v", err)
	}
	return train, test
}
