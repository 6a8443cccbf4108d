package main

import (
	"github.com/chainrule-go/backprop/kernel/internal/install"
	"github.com/chainrule-go/backprop/kernel/internal/nbrun"
)

const benchSynopsis = "[--runs 9]"

func runBench(args []string) error {
	fs := newFlags("bench", benchSynopsis)
	runs := fs.Int("runs", 9, "re-runs of each cell; the median is reported")
	if err := fs.Parse(args); err != nil {
		return err
	}
	p, inst, err := install.ForKernels()
	if err != nil {
		return err
	}
	return nbrun.Bench(p, inst.Jupyter, *runs)
}
