package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/chainrule-go/backprop/kernel/internal/install"
	"github.com/chainrule-go/backprop/kernel/internal/server"
)

const labSynopsis = "[--ui lab|notebook] [--port 8888] [--no-browser]"

func runLab(args []string) error {
	fs := newFlags("lab", labSynopsis)
	ui := fs.String("ui", "lab", `front end to open: "lab" (JupyterLab) or "notebook" (Notebook 7)`)
	port := fs.Int("port", 8888, "port to listen on; when it is busy the next free one is used")
	noBrowser := fs.Bool("no-browser", false, "print the address instead of opening a browser")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *ui != "lab" && *ui != "notebook" {
		return fmt.Errorf("--ui %q: choose lab (JupyterLab) or notebook (Notebook 7)", *ui)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	p, inst, err := install.ForLab(ctx) // ctx ending also stops setup's gopls build
	if err != nil {
		return err
	}
	opt := server.Options{Port: *port, Browser: !*noBrowser, UI: *ui, Open: "notebooks/00-welcome.ipynb"}
	err = server.Run(ctx, p, inst.Jupyter, opt)
	stop() // a gopls build still running ends with the server
	return errors.Join(err, inst.Gopls.Wait())
}
