package main

import (
	"github.com/chainrule-go/backprop/kernel/internal/install"
)

func runSetup(args []string) error {
	if err := newFlags("setup", "").Parse(args); err != nil {
		return err
	}
	_, _, err := install.Here()
	return err
}
