//go:build !linux

package main

import (
	"errors"
	"fmt"
)

// The classroom hub creates Unix accounts and reads /proc: it runs on Linux only.

func cmdHub(args []string) error {
	return errors.New("the hub runs on Linux only (it creates one Unix account per student)")
}

func (r *testRun) classroom() error {
	return fmt.Errorf("%w: the classroom hub is set up on Linux only", errSkipped)
}
