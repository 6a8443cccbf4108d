package install

import (
	"crypto/sha256"
	"encoding/hex"
	"os"
	"os/exec"
	"path/filepath"

	"github.com/chainrule-go/backprop/kernel/internal/checkout"
)

// RealGoEnv names the kernel's environment variable that tells kernelgo, the go
// command on the kernel's PATH, where the real go command is.
const RealGoEnv = "BACKPROP_GO"

// kernelGoPackage is the go command that the lessons' kernel finds first on its PATH:
// it answers GoNB's `go get` before each cell at once when the cell imports nothing
// from outside its workspace, and runs the real go command for everything else.
const kernelGoPackage = "./kernel/kernelgo"

// kernelGoStamp fingerprints what kernelgo is built from: the tools' stamp (go.mod,
// go.sum, the toolchain) and its own source.
func kernelGoStamp(p *checkout.Checkout, toolsStamp string) (string, error) {
	h := sha256.New()
	h.Write([]byte(toolsStamp))
	files, err := filepath.Glob(filepath.Join(p.Root, kernelGoPackage, "*.go"))
	if err != nil {
		return "", err
	}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			return "", err
		}
		h.Write(data)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// buildKernelGo builds kernelgo into .kernel/bin/go unless its stamp says it is there.
// It is built aside and renamed into place, so a kernel never finds half a file; until
// it is there, kernels find the real go next on their PATH.
func buildKernelGo(p *checkout.Checkout, toolsStamp string) error {
	stamp, err := kernelGoStamp(p, toolsStamp)
	if err != nil {
		return err
	}
	bin := filepath.Join(p.BinDir(), "go")
	return Stamped("go command for cells", filepath.Join(p.BinDir(), ".stamp-go"), stamp, checkout.Exists(bin), "built", func() error {
		if err := os.MkdirAll(p.BinDir(), 0o755); err != nil {
			return err
		}
		dir, err := os.MkdirTemp(p.StateDir(), "go-build-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(dir)
		build := exec.Command("go", "build", "-o", filepath.Join(dir, "go"), kernelGoPackage)
		build.Dir = p.Root
		if err := p.RunLogged("build kernelgo", build); err != nil {
			return err
		}
		return os.Rename(filepath.Join(dir, "go"), bin)
	})
}
