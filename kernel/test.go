package main

import (
	"strings"
	"time"

	"github.com/chainrule-go/backprop/kernel/internal/selftest"
)

var testSynopsis = "[--timeout 2m] [--only " + strings.Join(selftest.StepKeys(), ",") + "]"

func runTest(args []string) error {
	fs := newFlags("test", testSynopsis)
	timeout := fs.Duration("timeout", 2*time.Minute, "longest one notebook cell may run")
	only := fs.String("only", "", "comma-separated steps to run (default: all)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	steps := strings.FieldsFunc(*only, func(r rune) bool { return r == ',' }) // none: every step
	return selftest.Run(steps, *timeout)
}
