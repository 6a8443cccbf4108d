package main

import (
	"time"

	"github.com/chainrule-go/backprop/kernel/internal/install"
	"github.com/chainrule-go/backprop/kernel/internal/nbrun"
)

const checkSynopsis = "[--timeout 2m] [NOTEBOOK...]"

func runCheck(args []string) error {
	fs := newFlags("check", checkSynopsis)
	timeout := fs.Duration("timeout", 2*time.Minute, "longest one cell may run before the check fails")
	if err := fs.Parse(args); err != nil {
		return err
	}
	p, notebooks, inst, err := install.ForNotebooks(fs.Args())
	if err != nil {
		return err
	}
	results, err := nbrun.Execute(p, inst.Jupyter, notebooks, nbrun.Options{Timeout: *timeout})
	if err != nil {
		return err
	}
	return nbrun.Summarize(results)
}
