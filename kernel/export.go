package main

import (
	"fmt"
	"path/filepath"
	"time"

	"github.com/chainrule-go/backprop/kernel/internal/checkout"
	"github.com/chainrule-go/backprop/kernel/internal/export"
	"github.com/chainrule-go/backprop/kernel/internal/install"
)

const exportSynopsis = "[--out DIR] [--timeout 2m] [NOTEBOOK...]"

func runExport(args []string) error {
	fs := newFlags("export", exportSynopsis)
	outDir := fs.String("out", "", "folder for the HTML pages (default: out/export in the checkout)")
	timeout := fs.Duration("timeout", 2*time.Minute, "longest one cell may run")
	if err := fs.Parse(args); err != nil {
		return err
	}
	p, notebooks, inst, err := install.ForNotebooks(fs.Args())
	if err != nil {
		return err
	}
	dir := *outDir
	if dir == "" {
		dir = filepath.Join(p.OutDir(), "export")
	}
	pages, err := export.Write(p, inst.Jupyter, notebooks, dir, export.Options{Timeout: *timeout})
	if err != nil {
		return err
	}
	fmt.Fprintf(checkout.Out, "export: %d pages and index.html in %s\n", len(pages), dir)
	return nil
}
