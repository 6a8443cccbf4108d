package main

import (
	"fmt"
	"path/filepath"
	"time"

	"github.com/chainrule-go/backprop/kernel/internal/checkout"
	"github.com/chainrule-go/backprop/kernel/internal/export"
	"github.com/chainrule-go/backprop/kernel/internal/install"
)

const exportSynopsis = "[--out DIR] [--single-file] [--timeout 2m] [NOTEBOOK...]"

func runExport(args []string) error {
	fs := newFlags("export", exportSynopsis)
	outDir := fs.String("out", "", "folder for the site (default: out/export in the checkout)")
	singleFile := fs.Bool("single-file", false, "write self-contained pages (for mailing one lesson) instead of a site sharing assets/")
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
	pages, err := export.Write(p, inst.Jupyter, notebooks, dir, export.Options{Timeout: *timeout, SingleFile: *singleFile})
	if err != nil {
		return err
	}
	fmt.Fprintf(checkout.Out, "export: %d pages and index.html in %s; open index.html\n", len(pages), dir)
	return nil
}
