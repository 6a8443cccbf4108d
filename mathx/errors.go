package mathx

import (
	"errors"
	"fmt"
)

// Errors returned by this package wrap one of these, so that callers can
// test for a kind of mistake with errors.Is; the message itself names the
// shapes or values that were wrong.
var (
	// ErrShape: a slice has the wrong length for the layer or network.
	ErrShape = errors.New("mathx: shape mismatch")
	// ErrNotFinite: a number is NaN or ±Inf where a finite one is needed.
	ErrNotFinite = errors.New("mathx: not a finite number")
	// ErrEmpty: a data set or batch has no examples.
	ErrEmpty = errors.New("mathx: empty data")
	// ErrConfig: a size, activation or hyperparameter is out of range.
	ErrConfig = errors.New("mathx: bad configuration")
)

// IsFinite reports whether v is neither NaN nor ±Inf: for those v − v is
// NaN, for every other v it is 0.
func IsFinite(v float64) bool { return v-v == 0 }

// checkFinite returns an ErrNotFinite error naming the first NaN or Inf in
// vs, called name[i] in the message.
func checkFinite(name string, vs []float64) error {
	for i, v := range vs {
		if !IsFinite(v) {
			return fmt.Errorf("%w: %s[%d] = %v", ErrNotFinite, name, i, v)
		}
	}
	return nil
}

// checkScalar returns an ErrNotFinite error if v, called name, is NaN or Inf.
func checkScalar(name string, v float64) error {
	if !IsFinite(v) {
		return fmt.Errorf("%w: %s = %v", ErrNotFinite, name, v)
	}
	return nil
}
