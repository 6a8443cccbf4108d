package main

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"os/exec"
	"slices"
	"strings"
)

//go:embed bench.py
var benchPy string

// benchCells are the three cells whose re-run latency `kernel bench` reports:
// one that prints, one that calls mathx, one that draws a chart.
var benchCells = [][2]string{
	{"print", "%%\nfmt.Println(\"hello\")"},
	{"mathx", "import \"github.com/chainrule-go/backprop/mathx\"\n\n%%\nn := mathx.Neuron(0.8, 0.1, 0.5, 1.0)\nfmt.Printf(\"%.4f\\n\", n.DC_dw)"},
	{"chart", "import \"github.com/chainrule-go/backprop/kernel/chart\"\n\n%%\nchart.CostCurve(\"w\", 0.8, 0.1, 0.5, 1.0).Show()"},
}

func cmdBench(args []string) error {
	fs := newFlags("bench", "[--runs 9]")
	runs := fs.Int("runs", 9, "re-runs of each cell; the median is reported")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *runs < 1 {
		return fmt.Errorf("--runs must be at least 1, not %d", *runs)
	}
	p, inst, err := setupHere()
	if err != nil {
		return err
	}
	job, err := json.Marshal(map[string]any{"kernel": kernelName, "runs": *runs, "cells": benchCells})
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "bench: %d re-runs of each cell through the %s kernel ...\n", *runs, kernelName)
	cmd := exec.Command(inst.Jupyter.Python, "-c", benchPy, string(job))
	cmd.Dir = p.Root
	var stderr strings.Builder
	cmd.Stderr = &stderr
	raw, err := cmd.Output()
	p.reapKernelProcesses() // GoNB leaves its gopls running after the kernel stops
	if err != nil {
		return fmt.Errorf("the benchmark failed: %v\n%s", err, tailLines(stderr.String(), 15))
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
		fmt.Fprintf(out, "bench: %-6s median %.3f s  (min %.3f, max %.3f)\n", c[0], med[c[0]], slices.Min(ts), slices.Max(ts))
	}
	fmt.Fprintf(out, "cell-latency print=%.3f mathx=%.3f chart=%.3f ratio=%.2f\n",
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
