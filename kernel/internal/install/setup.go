package install

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/chainrule-go/backprop/kernel/internal/checkout"
	"github.com/chainrule-go/backprop/kernel/internal/procs"
)

// toolPackages are the tools every cell needs, from go.mod's tool lines: the kernel and
// goimports. gopls, the third tool line, only answers code completion; it is built after
// them (goplsPackage).
var toolPackages = []string{
	"github.com/janpfeifer/gonb",
	"golang.org/x/tools/cmd/goimports",
}

// Installation is what setup leaves ready: the kernel's binaries, its kernelspec and Jupyter.
type Installation struct {
	Kernelspec string // folder holding kernel.json
	Jupyter    *Jupyter
	Gopls      *Background // the gopls build; done when Setup returns, maybe running after SetupForLab
}

// Here finds the checkout around the working directory and sets it up.
func Here() (*checkout.Checkout, *Installation, error) {
	p, err := checkout.Here()
	if err != nil {
		return nil, nil, err
	}
	inst, err := Setup(p)
	return p, inst, err
}

// ForKernels is Here for a command that runs kernels (bench): it also
// starts the chart renderer those kernels use (StartChartRenderer).
func ForKernels() (*checkout.Checkout, *Installation, error) {
	p, inst, err := Here()
	if err == nil {
		StartChartRenderer(p)
	}
	return p, inst, err
}

// ForLab is ForKernels for lab: it returns before gopls is built (SetupForLab), and
// ctx ending stops that build.
func ForLab(ctx context.Context) (*checkout.Checkout, *Installation, error) {
	p, err := checkout.Here()
	if err != nil {
		return nil, nil, err
	}
	inst, err := SetupForLab(ctx, p)
	if err == nil {
		StartChartRenderer(p)
	}
	return p, inst, err
}

// ForNotebooks finds the checkout, resolves the notebooks that args name
// (every lesson when none) before anything slow, sets the checkout up, and
// starts the chart renderer the notebooks' kernels use.
func ForNotebooks(args []string) (*checkout.Checkout, []string, *Installation, error) {
	p, err := checkout.Here()
	if err != nil {
		return nil, nil, nil, err
	}
	notebooks, err := p.ResolveNotebooks(args)
	if err != nil {
		return nil, nil, nil, err
	}
	inst, err := Setup(p)
	if err == nil {
		StartChartRenderer(p)
	}
	return p, notebooks, inst, err
}

// Setup builds the tools, installs the kernelspec and finds or installs Jupyter, and
// returns when all of it, gopls included, is ready. Each step checks before it works,
// so a second run changes nothing.
func Setup(p *checkout.Checkout) (*Installation, error) {
	start := time.Now()
	inst, err := setup(context.Background(), p, false)
	if err == nil {
		err = inst.Gopls.Wait()
	}
	if err != nil {
		return nil, err
	}
	checkout.Status("ready", checkout.Seconds(time.Since(start)))
	return inst, nil
}

// SetupForLab is Setup for a server: it returns once the kernel can run cells, and
// gopls, which only code completion needs, may still be building (inst.Gopls says
// when it is done, and so does a status line). ctx ending stops that build.
func SetupForLab(ctx context.Context, p *checkout.Checkout) (*Installation, error) {
	start := time.Now()
	inst, err := setup(ctx, p, true)
	if err != nil {
		return nil, err
	}
	ready := checkout.Seconds(time.Since(start))
	if !inst.Gopls.Done() {
		ready += " (gopls, for code completion, is still building; a line says when it is ready)"
	}
	checkout.Status("ready", ready)
	return inst, nil
}

// setup runs the steps that do not depend on each other at once: the kernel's tools
// (then gopls), the gopls stand-in, the front-end assets and Jupyter. Most of their time
// is the network (pip, npm, module downloads) or the compiler, so they overlap. With
// background, a server may be running when gopls is ready, and the line that says so
// says that its kernels complete code too.
func setup(ctx context.Context, p *checkout.Checkout, background bool) (*Installation, error) {
	stamp, err := ToolsStamp(p)
	if err != nil {
		return nil, err
	}
	dataDir, err := DataDir()
	if err != nil {
		return nil, err
	}
	spec, err := InstallKernelspec(p, dataDir)
	if err != nil {
		return nil, err
	}
	inst := &Installation{Kernelspec: spec}
	ctx, cancel := context.WithCancel(ctx)
	err = together(
		func() error {
			err := together(func() error { return buildTools(p, stamp) }, func() error { return kernelGo.ensure(p, stamp) })
			if err != nil {
				return err
			}
			inst.Gopls = inBackground(func() error { return buildGopls(ctx, p, stamp, background) })
			return nil
		},
		func() error { return goplsStandIn.ensure(p, stamp) },
		func() error { return installAssets(p) },
		func() (err error) {
			inst.Jupyter, err = EnsureJupyter(p, Options{pip: true, apt: os.Geteuid() == 0})
			return err
		},
	)
	if err != nil {
		cancel() // a gopls build that started is stopped, not left behind
		if inst.Gopls != nil {
			inst.Gopls.Wait()
		}
		return nil, err
	}
	go func() { inst.Gopls.Wait(); cancel() }()
	return inst, nil
}

// together runs the steps at once and returns their errors joined.
func together(steps ...func() error) error {
	errs := make([]error, len(steps))
	var wg sync.WaitGroup
	for i, step := range steps {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = step()
		}()
	}
	wg.Wait()
	return errors.Join(errs...)
}

// Background is a setup step that may still run after setup has returned.
type Background struct {
	done chan struct{}
	err  error
}

// inBackground starts work and returns at once.
func inBackground(work func() error) *Background {
	b := &Background{done: make(chan struct{})}
	go func() {
		defer close(b.done)
		b.err = work()
	}()
	return b
}

// Wait waits for the step to end and returns its error.
func (b *Background) Wait() error {
	<-b.done
	return b.err
}

// Done says whether the step has ended.
func (b *Background) Done() bool {
	select {
	case <-b.done:
		return true
	default:
		return false
	}
}

// ToolsStamp identifies the inputs of the tool build: go.mod, go.sum and the Go toolchain.
func ToolsStamp(p *checkout.Checkout) (string, error) {
	h := sha256.New()
	for _, name := range []string{"go.mod", "go.sum"} {
		data, err := os.ReadFile(filepath.Join(p.Root, name))
		if err != nil {
			return "", err
		}
		h.Write(data)
	}
	goBin, err := exec.LookPath("go")
	if err != nil {
		return "", fmt.Errorf("the go command is not on PATH: %w", err)
	}
	fmt.Fprintf(h, "%s %s/%s", goBin, runtime.GOOS, runtime.GOARCH)
	return hex.EncodeToString(h.Sum(nil)), nil
}

// buildTools builds gonb and goimports from go.mod's tool lines into .kernel/bin and,
// meanwhile, downloads every module of the build list, skipping both when the stamp
// of its inputs is unchanged and both binaries exist.
func buildTools(p *checkout.Checkout, stamp string) error {
	what := "kernel binaries (gonb, goimports)"
	present := checkout.Exists(filepath.Join(p.BinDir(), "gonb")) && checkout.Exists(filepath.Join(p.BinDir(), "goimports"))
	return Stamped(what, filepath.Join(p.BinDir(), ".stamp"), stamp, present, "built", func() error {
		if err := os.MkdirAll(p.BinDir(), 0o755); err != nil {
			return err
		}
		checkout.Status(what, "building, and downloading the modules cells can import (about 40 s the first time)...")
		build := exec.Command("go", append([]string{"build", "-o", p.BinDir() + string(filepath.Separator)}, toolPackages...)...)
		build.Dir = p.Root
		// The kernel resolves cells' imports with GOPROXY=off: every module they can
		// import must already be in the module cache.
		download := exec.Command("go", "mod", "download")
		download.Dir = p.Root
		return together(
			func() error { return p.RunLogged("build tools", build) },
			func() error { return p.RunLogged("go mod download", download) },
		)
	})
}

// Stamped runs work unless present and stampPath already holds stamp, the
// fingerprint of work's inputs; after work succeeds it writes stamp there. It
// reports what as up to date, or as done with the time work took.
func Stamped(what, stampPath, stamp string, present bool, done string, work func() error) error {
	if upToDate(stampPath, stamp, present) {
		checkout.Status(what, "up to date")
		return nil
	}
	start := time.Now()
	if err := work(); err != nil {
		return err
	}
	if err := os.WriteFile(stampPath, []byte(stamp), 0o644); err != nil {
		return err
	}
	checkout.Status(what, done+" in "+checkout.Seconds(time.Since(start)))
	return nil
}

// upToDate says whether work is done: its result is present and stampPath holds stamp.
func upToDate(stampPath, stamp string, present bool) bool {
	old, err := os.ReadFile(stampPath)
	return present && err == nil && string(old) == stamp
}

// ToolsPresent says whether setup has built the kernel binaries into .kernel/bin.
func ToolsPresent(p *checkout.Checkout) bool {
	for _, name := range []string{"gonb", "goimports", "gopls"} {
		if _, err := os.Stat(filepath.Join(p.BinDir(), name)); err != nil {
			return false
		}
	}
	return true
}

// installAssets runs npm ci in kernel/assets when node_modules is missing or older than
// the lock file's contents: ECharts for the charts, KaTeX for exported pages,
// playwright-core for the browser checks.
func installAssets(p *checkout.Checkout) error {
	lock, err := os.ReadFile(filepath.Join(p.AssetsDir(), "package-lock.json"))
	if err != nil {
		return err
	}
	sum := sha256.Sum256(lock)
	stampPath := filepath.Join(p.AssetsDir(), "node_modules", ".chainrule-stamp")
	return Stamped("front-end assets (npm ci)", stampPath, hex.EncodeToString(sum[:]), true, "installed", func() error {
		npm, err := exec.LookPath("npm")
		if err != nil {
			return fmt.Errorf("npm is not on PATH; the charts need ECharts from the npm registry.\n" +
				"Install Node.js (which brings npm; on Debian: apt-get install -y npm) and run the command again")
		}
		checkout.Status("front-end assets (npm ci)", "installing ECharts, KaTeX and playwright-core...")
		cmd := exec.Command(npm, "ci", "--no-audit", "--no-fund")
		cmd.Dir = p.AssetsDir()
		return p.RunLogged("npm ci", cmd)
	})
}

// ReapKernels stops this checkout's kernel processes that outlived their kernel.
func ReapKernels(p *checkout.Checkout) int { return procs.ReapKernels(p.BinDir(), p.TmpDir()) }

// chromiumPath is Debian's Chromium, the browser the checks drive.
const chromiumPath = "/usr/bin/chromium"

// FindChromium returns the path of an installed Chromium.
func FindChromium() (string, error) {
	for _, c := range []string{chromiumPath, "chromium", "chromium-browser"} {
		if path, err := exec.LookPath(c); err == nil {
			return path, nil
		}
	}
	return "", errors.New("Chromium is not installed")
}

// Chromium finds Chromium, installing Debian's package as root with apt-get.
func Chromium(p *checkout.Checkout) (string, error) {
	const what = "Chromium (browser checks)"
	if path, err := FindChromium(); err == nil {
		checkout.Status(what, path)
		return path, nil
	}
	if err := AptGet(p, what, "about a minute", "chromium"); err != nil {
		return "", fmt.Errorf("the browser checks need Chromium, which is not installed (%v).\n"+
			"Install it (Debian or Ubuntu: sudo apt-get install -y chromium) and run the command again", err)
	}
	return chromiumPath, nil
}

// Installed returns the Jupyter that setup installed for this checkout, or says what is
// missing: the kernel binaries, Jupyter, or a kernelspec that serves this checkout.
func Installed(p *checkout.Checkout) (*Jupyter, error) {
	j, _, reasons := FindJupyter(p, false)
	dataDir, _ := DataDir()
	spec := KernelspecFile(dataDir)
	if j == nil || !ToolsPresent(p) || !checkout.Exists(spec) {
		return nil, fmt.Errorf("the kernel is not installed (run `go run ./kernel setup`): %s", strings.Join(reasons, "; "))
	}
	raw, _ := os.ReadFile(spec)
	if owner := SpecOwner(raw); owner != p.Root {
		return nil, fmt.Errorf("the kernelspec %s serves the checkout %q, not this one: run `go run ./kernel setup` here, or set JUPYTER_DATA_DIR", spec, owner)
	}
	return j, nil
}

// Pdftoppm finds poppler's pdftoppm, which the print check turns PDF pages into
// pictures with, installing Debian's poppler-utils as root with apt-get.
func Pdftoppm(p *checkout.Checkout) (string, error) {
	const what = "pdftoppm (print check)"
	if path, err := exec.LookPath("pdftoppm"); err == nil {
		checkout.Status(what, path)
		return path, nil
	}
	if err := AptGet(p, what, "under a minute", "poppler-utils"); err != nil {
		return "", fmt.Errorf("the print check needs pdftoppm, which is not installed (%v).\n"+
			"Install it (Debian or Ubuntu: sudo apt-get install -y poppler-utils) and run the command again", err)
	}
	return exec.LookPath("pdftoppm")
}
