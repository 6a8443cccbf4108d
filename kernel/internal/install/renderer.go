package install

import (
	"os"
	"path/filepath"
	"time"

	"github.com/chainrule-go/backprop/kernel/display"
	"github.com/chainrule-go/backprop/kernel/internal/checkout"
)

// RendererSocket is the chart renderer's socket for the checkout's kernels: their
// TMPDIR (the kernelspec sets it to p.TmpDir()) holds it, where display looks.
func RendererSocket(p *checkout.Checkout) string {
	return filepath.Join(p.TmpDir(), display.RendererSocketName)
}

// StartChartRenderer starts the warm chart renderer (see kernel/display) for the
// kernels this command's Jupyter runs, so that their first chart already has its
// picture. It lives as long as this command (lab, check, export, bench, test), in its
// process group. It never fails the command: without Node or ECharts the charts show
// without their pictures, and the status line says so. A renderer that already
// answers on the socket (another command of this checkout) is used as it is.
func StartChartRenderer(p *checkout.Checkout) {
	const what = "chart renderer (ECharts SSR)"
	start := time.Now()
	socket := RendererSocket(p)
	if err := os.MkdirAll(p.TmpDir(), 0o755); err != nil {
		checkout.Status(what, "not started: "+err.Error()+"; charts show without their pictures")
		return
	}
	bundle := filepath.Join(p.Root, filepath.FromSlash(display.EChartsAsset))
	proc, err := display.StartRenderer(socket, bundle, os.Getpid(), false)
	if err == nil {
		go proc.Wait() // reaped when it ends; a renderer already running makes it leave at once
		err = display.WaitRenderer(socket, 30*time.Second)
	}
	if err != nil {
		checkout.Status(what, "not started: "+err.Error()+"; charts show without their pictures")
		return
	}
	checkout.Status(what, "ready in "+checkout.Seconds(time.Since(start))+" on "+socket)
}
