package install

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"time"

	"github.com/chainrule-go/backprop/kernel/internal/checkout"
	"github.com/chainrule-go/backprop/kernel/internal/procs"
)

// goplsPackage is go.mod's tool line for gopls, which GoNB starts for code completion.
const goplsPackage = "golang.org/x/tools/gopls"

// GoplsPath is where setup builds the real gopls, off the kernel's PATH, where the
// stand-in (.kernel/bin/gopls) looks for it.
func GoplsPath(p *checkout.Checkout) string { return filepath.Join(p.BinDir(), "real", "gopls") }

// goplsStamp is the stamp of the gopls build, kept apart from the other tools' so
// that a gopls build that did not finish is redone on its own. The stand-in takes
// gopls as ready once it is written.
func goplsStamp(p *checkout.Checkout) string { return filepath.Join(p.BinDir(), ".stamp-gopls") }

// buildGopls builds the real gopls (GoplsPath) unless its stamp says it is there. The
// stand-in watches for it, so the binary appears whole (built aside, then renamed into
// place) and the stamp is written after it: a build that was stopped leaves no gopls
// and no stamp, and the next run builds it again. It runs at low priority, so that cells
// that run meanwhile come first; ctx ending stops it. With background, the line that
// says it is ready says that kernels already running complete code too.
func buildGopls(ctx context.Context, p *checkout.Checkout, stamp string, background bool) error {
	const what = "gopls (code completion)"
	bin := GoplsPath(p)
	if upToDate(goplsStamp(p), stamp, checkout.Exists(bin)) {
		checkout.Status(what, "up to date")
		return nil
	}
	start := time.Now()
	checkout.Status(what, "building (about a minute the first time)...")
	dir, err := os.MkdirTemp(p.StateDir(), "gopls-build-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	args := []string{"go", "build", "-o", filepath.Join(dir, "gopls"), goplsPackage}
	if nice, err := exec.LookPath("nice"); err == nil {
		args = append([]string{nice, "-n", "10"}, args...)
	}
	cmd := exec.CommandContext(ctx, args[0], args[1:]...)
	cmd.Dir = p.Root
	// Stopped, go and its compilers get Ctrl-C's signal, and go removes its work folder.
	cmd.SysProcAttr = procs.OwnGroup()
	cmd.Cancel = func() error { procs.SignalGroup(cmd, syscall.SIGINT); return nil }
	cmd.WaitDelay = 10 * time.Second
	err = p.RunLogged("build gopls", cmd)
	if ctx.Err() != nil {
		checkout.Status(what, "stopped before it was built; the next run builds it")
		return nil
	}
	if err == nil {
		err = os.MkdirAll(filepath.Dir(bin), 0o755)
	}
	if err == nil {
		err = os.Rename(filepath.Join(dir, "gopls"), bin)
	}
	if err == nil {
		err = os.WriteFile(goplsStamp(p), []byte(stamp), 0o644)
	}
	if err != nil {
		checkout.Status(what, "not built: code completion stays off ("+checkout.FirstLine(err.Error())+")")
		return err
	}
	ready := "built in " + checkout.Seconds(time.Since(start))
	if background {
		ready = "ready in " + checkout.Seconds(time.Since(start)) +
			": code completion (Tab) works from now on, in kernels already running too"
	}
	checkout.Status(what, ready)
	return nil
}
