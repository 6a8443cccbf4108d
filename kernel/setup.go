package main

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"time"
)

// toolPackages are go.mod's tool lines: the kernel and the two programs it runs for every cell.
var toolPackages = []string{
	"github.com/janpfeifer/gonb",
	"golang.org/x/tools/cmd/goimports",
	"golang.org/x/tools/gopls",
}

// installation is what setup leaves ready: the kernel's binaries, its kernelspec and Jupyter.
type installation struct {
	Kernelspec string // folder holding kernel.json
	Jupyter    *jupyter
}

func cmdSetup(args []string) error {
	fs := newFlags("setup", "")
	if err := fs.Parse(args); err != nil {
		return err
	}
	p, err := cwdProject()
	if err != nil {
		return err
	}
	_, err = p.setup()
	return err
}

// setupHere finds the checkout around the working directory and sets it up.
func setupHere() (*project, *installation, error) {
	p, err := cwdProject()
	if err != nil {
		return nil, nil, err
	}
	inst, err := p.setup()
	return p, inst, err
}

// setupForNotebooks finds the checkout, resolves the notebooks that args name
// (every lesson when none) before anything slow, and sets the checkout up.
func setupForNotebooks(args []string) (*project, []string, *installation, error) {
	p, err := cwdProject()
	if err != nil {
		return nil, nil, nil, err
	}
	notebooks, err := p.resolveNotebooks(args)
	if err != nil {
		return nil, nil, nil, err
	}
	inst, err := p.setup()
	return p, notebooks, inst, err
}

// setup builds the tools, installs the kernelspec and finds or installs Jupyter.
// Each step checks before it works, so a second run changes nothing.
func (p *project) setup() (*installation, error) {
	start := time.Now()
	if err := p.buildTools(); err != nil {
		return nil, err
	}
	if err := p.installAssets(); err != nil {
		return nil, err
	}
	dataDir, err := jupyterDataDir()
	if err != nil {
		return nil, err
	}
	spec, err := p.installKernelspec(dataDir)
	if err != nil {
		return nil, err
	}
	jup, err := p.ensureJupyter(installOptions{pip: true, apt: os.Geteuid() == 0})
	if err != nil {
		return nil, err
	}
	status("ready", seconds(time.Since(start)))
	return &installation{Kernelspec: spec, Jupyter: jup}, nil
}

// toolsStamp identifies the inputs of the tool build: go.mod, go.sum and the Go toolchain.
func (p *project) toolsStamp() (string, error) {
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

// buildTools builds gonb, goimports and gopls from go.mod's tool lines into .kernel/bin
// and downloads every module of the build list, skipping both when the stamp of its inputs is unchanged and every binary exists.
func (p *project) buildTools() error {
	stamp, err := p.toolsStamp()
	if err != nil {
		return err
	}
	what := "kernel binaries (gonb, goimports, gopls)"
	return stamped(what, filepath.Join(p.binDir(), ".stamp"), stamp, p.toolsPresent(), "built", func() error {
		if err := os.MkdirAll(p.binDir(), 0o755); err != nil {
			return err
		}
		status(what, "building (gopls takes about a minute and a half the first time)...")
		cmd := exec.Command("go", append([]string{"build", "-o", p.binDir() + string(filepath.Separator)}, toolPackages...)...)
		cmd.Dir = p.Root
		if err := p.runLogged("build tools", cmd); err != nil {
			return err
		}
		// The kernel resolves cells' imports with GOPROXY=off: every module they can
		// import must already be in the module cache.
		download := exec.Command("go", "mod", "download")
		download.Dir = p.Root
		return p.runLogged("go mod download", download)
	})
}

// stamped runs work unless present and stampPath already holds stamp, the
// fingerprint of work's inputs; after work succeeds it writes stamp there. It
// reports what as up to date, or as done with the time work took.
func stamped(what, stampPath, stamp string, present bool, done string, work func() error) error {
	if present {
		if old, err := os.ReadFile(stampPath); err == nil && string(old) == stamp {
			status(what, "up to date")
			return nil
		}
	}
	start := time.Now()
	if err := work(); err != nil {
		return err
	}
	if err := os.WriteFile(stampPath, []byte(stamp), 0o644); err != nil {
		return err
	}
	status(what, done+" in "+seconds(time.Since(start)))
	return nil
}

func (p *project) toolsPresent() bool {
	for _, name := range []string{"gonb", "goimports", "gopls"} {
		if _, err := os.Stat(filepath.Join(p.binDir(), name)); err != nil {
			return false
		}
	}
	return true
}

// assetsDir holds package.json and package-lock.json for the front-end libraries.
func (p *project) assetsDir() string { return filepath.Join(p.Root, "kernel", "assets") }

// installAssets runs npm ci in kernel/assets when node_modules is missing or older than
// the lock file's contents: ECharts for the charts, KaTeX for exported pages,
// playwright-core for the browser checks.
func (p *project) installAssets() error {
	lock, err := os.ReadFile(filepath.Join(p.assetsDir(), "package-lock.json"))
	if err != nil {
		return err
	}
	sum := sha256.Sum256(lock)
	stampPath := filepath.Join(p.assetsDir(), "node_modules", ".chainrule-stamp")
	return stamped("front-end assets (npm ci)", stampPath, hex.EncodeToString(sum[:]), true, "installed", func() error {
		npm, err := exec.LookPath("npm")
		if err != nil {
			return fmt.Errorf("npm is not on PATH; the charts need ECharts from the npm registry.\n" +
				"Install Node.js (which brings npm; on Debian: apt-get install -y npm) and run the command again")
		}
		cmd := exec.Command(npm, "ci", "--no-audit", "--no-fund")
		cmd.Dir = p.assetsDir()
		return p.runLogged("npm ci", cmd)
	})
}
