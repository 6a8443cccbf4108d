package nbrun

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"os/exec"
	"slices"
	"strings"

	"github.com/chainrule-go/backprop/kernel/internal/checkout"
	"github.com/chainrule-go/backprop/kernel/internal/install"
)

//go:embed bench.py
var benchPy string

// benchCells are the three cells whose re-run latency `kernel bench` reports:
// one that prints, one that calls mathx, one that draws a chart.
var benchCells = [][2]string{
	{"print", "%%\nfmt.Println(\"hello\")"},
	{"mathx", "import \"github.com/chainrule-go/backprop/mathx\"\n\n%%\nn := mathx.Neuron(0.8, 0.1, 0.5, 1.0)\nfmt.Printf(\"%.4f\\n\", n.DC_dw)"},
	{"chart", "import (\n\t\"github.com/chainrule-go/backprop/kernel/chart\"\n\t\"github.com/chainrule-go/backprop/mathx\"\n)\n\n%%\n" +
		"chart.CostCurve(mathx.Neuron(0.8, 0.1, 0.5, 1.0), mathx.NeuronWeight).Show()"},
}

// Bench re-runs each of benchCells runs times through the kernel and prints the
// median latency of each, and of the chart cell over the print cell.
func Bench(p *checkout.Checkout, j *install.Jupyter, runs int) error {
	if runs < 1 {
		return fmt.Errorf("--runs must be at least 1, not %d", runs)
	}
	job, err := json.Marshal(map[string]any{"kernel": install.KernelName, "runs": runs, "cells": benchCells})
	if err != nil {
		return err
	}
	fmt.Fprintf(checkout.Out, "bench: %d re-runs of each cell through the %s kernel ...\n", runs, install.KernelName)
	cmd := exec.Command(j.Python, "-c", benchPy, string(job))
	cmd.Dir = p.Root
	var stderr strings.Builder
	cmd.Stderr = &stderr
	raw, err := cmd.Output()
	install.ReapKernels(p) // GoNB leaves its gopls running after the kernel stops
	if err != nil {
		return fmt.Errorf("the benchmark failed: %v\n%s", err, checkout.TailLines(stderr.String(), 15))
	}
	var times map[string][]float64
	if err := json.Unmarshal(raw, &times); err != nil {
		return fmt.Errorf("unreadable benchmark output %q: %w", raw, err)
	}
	med := map[string]float64{}
	for _, c := range benchCells {
		ts := times[c[0]]
		if len(ts) == 0 {
			return fmt.Errorf("no timings for the %s cell", c[0])
		}
		med[c[0]] = median(ts)
		fmt.Fprintf(checkout.Out, "bench: %-6s median %.3f s  (min %.3f, max %.3f)\n", c[0], med[c[0]], slices.Min(ts), slices.Max(ts))
	}
	fmt.Fprintf(checkout.Out, "cell-latency print=%.3f mathx=%.3f chart=%.3f ratio=%.2f\n",
		med["print"], med["mathx"], med["chart"], med["chart"]/med["print"])
	return nil
}

// median returns the middle value of xs (the mean of the two middle ones for even lengths).
func median(xs []float64) float64 {
	s := slices.Clone(xs)
	slices.Sort(s)
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}
