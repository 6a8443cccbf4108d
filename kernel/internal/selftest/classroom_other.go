//go:build !linux

package selftest

import "fmt"

func (r *testRun) classroom() error {
	return fmt.Errorf("%w: the classroom hub is set up on Linux only", errSkipped)
}
