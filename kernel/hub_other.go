//go:build !linux

package main

import (
	"errors"
	"fmt"
	"time"
)

// The classroom hub creates Unix accounts and reads /proc: it runs on Linux only.

func cmdHub(args []string) error {
	return errors.New("the hub runs on Linux only (it creates one Unix account per student)")
}

func (p *project) classroomStep(chromium string, record func(string, time.Time, error)) {
	fmt.Fprintln(out, "test: skip classroom (JupyterHub for a class is set up on Linux only)")
}
